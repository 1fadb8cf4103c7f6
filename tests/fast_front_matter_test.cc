// Differential tests: the fast front-matter reader against yaml-cpp.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ingest/fast_front_matter.h"
#include "lineage/ingest.h"

namespace lineage {
namespace {

std::string Describe(const CardFields& f) {
  std::ostringstream s;
  auto v = [&s](const char* k, const CardFields::Value& x) {
    s << k << "=" << x.text << "@" << x.line << "\n";
  };
  for (const auto& b : f.base_models) v("base_model", b);
  for (const auto& d : f.datasets) v("dataset", d);
  v("relation", f.base_model_relation);
  v("license", f.license);
  v("license_name", f.license_name);
  v("license_link", f.license_link);
  for (const auto& l : f.languages) s << "language=" << l << "\n";
  for (const auto& t : f.tags) s << "tag=" << t << "\n";
  s << "pipeline=" << f.pipeline_tag << "\nlibrary=" << f.library_name
    << "\nnew_version=" << f.new_version << "\n";
  for (const auto& d : f.diagnostics) {
    s << "diag=" << d.line << ":" << d.severity << ":" << d.code << ":" << d.message << "\n";
  }
  return s.str();
}

// Pieces of front matter, plain and awkward, from which cards are assembled.
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> kPieces = {
      "base_model: Qwen/Qwen2.5-7B",
      "base_model: \"Qwen/Qwen2.5-7B\"",
      "base_model: 'meta-llama/Llama-2-7b-hf'",
      "base_model: [a/b, \"c/d\", 'e/f']",
      "base_model: [a/b, ]",
      "base_model: []",
      "base_model:",
      "base_model: \"\"",
      "base_model: ~",
      "base_model: null",
      "base_model:\n- a/b\n- c/d",
      "base_model:\n  - a/b\n  - \"c/d\"",
      "base_model:\n- a/b\n-\n- c/d",
      "base_model: https://huggingface.co/a/b/tree/main",
      "base_model: a/b # the base",
      "base_model: [a/b, c/d] # two",
      "base_model: {a: b}",
      "base_model:\n  nested: x",
      "base_model: [a/b",
      "base_model: \"a/b",
      "base_model: a: b",
      "base_model: |\n  a/b",
      "base_model_relation: quantized",
      "base_model_relation: [merge]",
      "license: apache-2.0",
      "license: other\nlicense_name: tongyi-qianwen\nlicense_link: https://x.y/LICENSE",
      "license:\n- mit\n- apache-2.0",
      "license: 'it''s mine'",
      "license: \"with \\\"escape\\\"\"",
      "datasets:\n- tatsu-lab/alpaca\n- \"a/b\"",
      "datasets: [x/y, z]",
      "language:\n- en\n- zh",
      "language: en",
      "tags: [gguf, llama-cpp]",
      "tags:\n- lora\n- peft",
      "tags: [a, [b]]",
      "pipeline_tag: text-generation",
      "pipeline_tag: [x]",
      "library_name: peft",
      "new_version: a/b-v2",
      "# a comment",
      "",
      "model-index:\n- name: x\n  results: []",
      "widget:\n  text: hello",
      "widget:\n  text: hello\n  other: [1, 2]",
      "inference: false",
      "thumbnail: https://example.com/a.png",
      "extra_gated_prompt: 'You agree: to things'",
      "co2_eq_emissions: 1e-05",
      "\tlicense: mit",
      "  indented: key",
      "key with space: x",
      "license: mit\nlicense: apache-2.0",
      "- a",
      "tags: [a, b]  # comment",
      "title: \"hash # inside\"",
      "odd: -x",
      "odd2: :x",
      "odd3: a:b",
      "odd4: 'x' y",
      "url: http://a.b/c#frag",
  };
  return kPieces;
}

TEST_CASE("Fast front matter agrees with yaml-cpp on generated cards", "[ingest]") {
  std::mt19937 rng(12345);
  const auto& pieces = Pieces();
  int accepted = 0, total = 0;
  for (int n = 0; n < 4000; ++n) {
    std::string yaml;
    int count = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < count; ++k) {
      yaml += pieces[rng() % pieces.size()] + "\n";
    }
    bool crlf = rng() % 10 == 0;
    std::string card = "---\n" + yaml + "---\n# body\n";
    if (crlf) {
      std::string c;
      for (char ch : card) {
        if (ch == '\n') c += "\r\n";
        else c += ch;
      }
      card = c;
    }
    CardFields fast = ParseCardTextWith(card, "x/README.md", true);
    CardFields slow = ParseCardTextWith(card, "x/README.md", false);
    ++total;
    CardFields probe;
    if (!crlf && FastParseFrontMatter(yaml, 2, "x/README.md", &probe)) ++accepted;
    INFO(card);
    REQUIRE(Describe(fast) == Describe(slow));
  }
  // The comparison means something only if the fast path took many cards.
  CHECK(accepted > total / 10);
}

TEST_CASE("Fast front matter takes plain cards and refuses what it does not know", "[ingest]") {
  CardFields f;
  CHECK(FastParseFrontMatter("base_model: a/b\nlicense: mit\ntags: [x, y]\n", 2, "s", &f));
  CHECK(f.base_models.size() == 1);
  CHECK(f.tags.size() == 2);
  CardFields g;
  CHECK(FastParseFrontMatter("base_model:\n- a/b\n- c/d\nlanguage: en\n", 2, "s", &g));
  REQUIRE(g.base_models.size() == 2);
  CHECK(g.base_models[1].line == 4);
  CardFields h;
  CHECK_FALSE(FastParseFrontMatter("base_model: |\n  a/b\n", 2, "s", &h));
  CHECK_FALSE(FastParseFrontMatter("base_model: &x a/b\n", 2, "s", &h));
  CHECK_FALSE(FastParseFrontMatter("license: mit\nlicense: mit\n", 2, "s", &h));
  CHECK(h.base_models.empty());
}

// Set LINEAGE_DIFF_CORPUS=DIR (a ROOT/<ns>/<name>/README.md folder) to compare
// the two readers on every card of a real or generated corpus.
TEST_CASE("Fast front matter agrees with yaml-cpp on a corpus", "[ingest]") {
  const char* dir = std::getenv("LINEAGE_DIFF_CORPUS");
  if (!dir) return;
  int cards = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().filename() != "README.md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    CardFields fast = ParseCardTextWith(text, e.path().string(), true);
    CardFields slow = ParseCardTextWith(text, e.path().string(), false);
    INFO(e.path().string());
    REQUIRE(Describe(fast) == Describe(slow));
    ++cards;
  }
  CHECK(cards > 0);
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression (found by fuzz_card): yaml-cpp rejects '?' inside a flow list,
// the fast reader read the list.
TEST_CASE("A flow list with '?' in an item reads as yaml-cpp reads it", "[ingest]") {
  const std::string card = "---\nbase_model: [Qwe?/Qwen2-7B-Instruct, alice/llama]\n---\n";
  CardFields fast = ParseCardTextWith(card, "c/README.md", true);
  CardFields slow = ParseCardTextWith(card, "c/README.md", false);
  CHECK(fast.base_models.size() == slow.base_models.size());
  CHECK(fast.diagnostics.size() == slow.diagnostics.size());
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression (found by fuzz_card): "license: apache-2.0---" followed by
// tab-only lines. yaml-cpp refuses the tab ("illegal tab when looking for
// indentation") where the fast reader skipped the lines as blank and read the
// licence; a vertical tab ending a value was dropped by one reader only.
TEST_CASE("Tab-indented or tab-only lines and vertical tabs read as yaml-cpp reads them",
          "[ingest]") {
  const std::vector<std::string> cards = {
      "---\nlicense: apache-2.0---\n\t\n\t\t\nbase_model: Qwen/Qwen2-7B\n---\n",
      "---\nlicense: mit\n\t\n---\n",
      "---\ntags:\n- a\n  \t\n---\n",
      "---\n\t\nlicense: mit\n---\n",
      "---\nlicense: mit\v\n---\n",
      "---\nlicense: mit\f\nlibrary_name: x\n---\n",
  };
  for (const std::string& card : cards) {
    INFO(card);
    CardFields fast = ParseCardTextWith(card, "c/README.md", true);
    CardFields slow = ParseCardTextWith(card, "c/README.md", false);
    CHECK(Describe(fast) == Describe(slow));
    std::string yaml = card.substr(4, card.rfind("---\n") - 4);
    CardFields probe;
    CHECK_FALSE(FastParseFrontMatter(yaml, 2, "c/README.md", &probe));
  }
  // The first one is an error diagnostic, not a licence read from half a card.
  CardFields f = ParseCardTextWith(cards[0], "c/README.md", true);
  CHECK(f.license.text.empty());
  REQUIRE_FALSE(f.diagnostics.empty());
  CHECK(f.diagnostics.back().code == "yaml");
}

}  // namespace
}  // namespace lineage
