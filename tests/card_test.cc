// Tests for the model-card half of include/lineage/ingest.h: ParseCardText,
// BuildCardFacts and InferRelation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "lineage/ingest.h"

namespace lineage {
namespace {

const char kSource[] = "cards/me/model/README.md";

// A summary of what a parse found, to compare the two parsing paths.
std::string Summary(const CardFields& f) {
  std::string s;
  for (const auto& b : f.base_models) s += "base " + b.text + "@" + std::to_string(b.line) + "\n";
  for (const auto& d : f.datasets) s += "dataset " + d.text + "@" + std::to_string(d.line) + "\n";
  s += "relation " + f.base_model_relation.text + "@" + std::to_string(f.base_model_relation.line);
  s += "\nlicense " + f.license.text + "|" + f.license_name.text + "|" + f.license_link.text;
  for (const auto& t : f.tags) s += "\ntag " + t;
  for (const auto& l : f.languages) s += "\nlanguage " + l;
  s += "\npipeline " + f.pipeline_tag + "\nlibrary " + f.library_name + "\nnew " + f.new_version;
  for (const auto& d : f.diagnostics) {
    s += "\ndiag " + d.severity + " " + d.code + "@" + std::to_string(d.line);
  }
  return s;
}

// Parses `text` as the card of `id`. Every card is also parsed with the
// fast path off, and both paths must agree.
DocumentFacts Facts(const std::string& text, const std::string& id = "me/model") {
  CardFields fields = ParseCardText(text, kSource);
  CardFields slow = ParseCardTextWith(text, kSource, /*fast_path=*/false);
  INFO("card text:\n" << text);
  CHECK(Summary(fields) == Summary(slow));
  return BuildCardFacts(fields, id, kSource, "card.base_model");
}

std::vector<std::string> Parents(const DocumentFacts& f) {
  std::vector<std::string> out;
  for (const auto& e : f.edges) out.push_back(e.parent);
  return out;
}

std::vector<std::string> Codes(const std::vector<Diagnostic>& d) {
  std::vector<std::string> out;
  for (const auto& x : d) out.push_back(x.code);
  return out;
}

const Diagnostic* FindDiag(const std::vector<Diagnostic>& d, const std::string& code) {
  auto it = std::find_if(d.begin(), d.end(), [&](const Diagnostic& x) { return x.code == code; });
  return it == d.end() ? nullptr : &*it;
}

using Strings = std::vector<std::string>;

TEST_CASE("ParseCardText reads base_model as a string", "[ingest]") {
  CardFields f = ParseCardText("---\nlicense: mit\nbase_model: Qwen/Qwen2-7B\n---\n# Card\n",
                               kSource);
  REQUIRE(f.base_models.size() == 1);
  CHECK(f.base_models[0].text == "Qwen/Qwen2-7B");
  CHECK(f.base_models[0].line == 3);
  CHECK(f.license.text == "mit");
  CHECK(f.license.line == 2);
  CHECK(f.diagnostics.empty());
}

TEST_CASE("ParseCardText reads base_model as a block list with each item's line", "[ingest]") {
  CardFields f = ParseCardText(
      "---\nbase_model:\n  - mistralai/Mistral-7B-v0.1\n  - meta-llama/Llama-2-7b-hf\n---\n",
      kSource);
  REQUIRE(f.base_models.size() == 2);
  CHECK(f.base_models[0].text == "mistralai/Mistral-7B-v0.1");
  CHECK(f.base_models[0].line == 3);
  CHECK(f.base_models[1].text == "meta-llama/Llama-2-7b-hf");
  CHECK(f.base_models[1].line == 4);
}

TEST_CASE("ParseCardText reads base_model as a flow list", "[ingest]") {
  CardFields f = ParseCardText("---\nbase_model: [a/b, \"c/d\"]\n---\n", kSource);
  REQUIRE(f.base_models.size() == 2);
  CHECK(f.base_models[0].text == "a/b");
  CHECK(f.base_models[1].text == "c/d");
  CHECK(f.base_models[0].line == 2);
  CHECK(f.base_models[1].line == 2);
}

TEST_CASE("An empty or null base_model declares no base and no problem", "[ingest]") {
  for (const char* text : {"---\nbase_model: []\nlicense: mit\n---\n",
                           "---\nbase_model:\nlicense: mit\n---\n",
                           "---\nbase_model: ~\nlicense: mit\n---\n",
                           "---\nbase_model: null\nlicense: mit\n---\n",
                           "---\nbase_model: \"\"\nlicense: mit\n---\n",
                           "---\nbase_model: \"   \"\nlicense: mit\n---\n"}) {
    INFO(text);
    DocumentFacts f = Facts(text);
    CHECK(f.edges.empty());
    CHECK(f.pending.empty());
    CHECK(f.diagnostics.empty());
    REQUIRE(f.artifact);
    CHECK(f.artifact->license == "mit");  // the rest of the card still reads
  }
}

TEST_CASE("BuildCardFacts makes one edge per base with card evidence", "[ingest]") {
  DocumentFacts f = Facts("---\nbase_model: Qwen/Qwen2-7B\n---\n");
  REQUIRE(f.artifact);
  CHECK(f.artifact->id == "me/model");
  CHECK(f.artifact->author == "me");
  CHECK(f.artifact->declared);
  CHECK(f.artifact->source == kSource);
  REQUIRE(f.edges.size() == 1);
  const Edge& e = f.edges[0];
  CHECK(e.child == "me/model");
  CHECK(e.parent == "Qwen/Qwen2-7B");
  CHECK(e.relation == Relation::kFinetune);
  CHECK(e.relation_inferred);
  REQUIRE(e.evidence.size() == 1);
  const Evidence& ev = e.evidence[0];
  CHECK(ev.kind == "card.base_model");
  CHECK(ev.source == kSource);
  CHECK(ev.line == 2);
  CHECK(ev.detail == "Qwen/Qwen2-7B");
  CHECK(ev.confidence > 0.5);
  CHECK(ev.confidence == Approx(e.confidence));
}

TEST_CASE("A base_model written as a huggingface.co URL becomes its id", "[ingest]") {
  SECTION("plain URL") {
    DocumentFacts f = Facts("---\nbase_model: https://huggingface.co/meta-llama/Llama-2-7b-hf\n---\n");
    CHECK(Parents(f) == Strings{"meta-llama/Llama-2-7b-hf"});
    REQUIRE(f.edges.size() == 1);
    CHECK(f.edges[0].evidence[0].detail == "https://huggingface.co/meta-llama/Llama-2-7b-hf");
  }
  SECTION("URL with /tree/main") {
    DocumentFacts f = Facts("---\nbase_model: https://huggingface.co/Qwen/Qwen2-7B/tree/main\n---\n");
    CHECK(Parents(f) == Strings{"Qwen/Qwen2-7B"});
    CHECK(f.diagnostics.empty());
  }
}

TEST_CASE("A base_model without a namespace is left pending", "[ingest]") {
  DocumentFacts f = Facts("---\nbase_model: Llama-2-7b-hf\n---\n");
  CHECK(f.edges.empty());
  REQUIRE(f.pending.size() == 1);
  CHECK(f.pending[0].name == "Llama-2-7b-hf");
  CHECK(f.pending[0].evidence.kind == "card.base_model");
  CHECK(f.pending[0].evidence.line == 2);
  CHECK(f.pending[0].evidence.source == kSource);
}

TEST_CASE("A base_model listed twice gives one edge and a duplicate diagnostic", "[ingest]") {
  SECTION("same spelling") {
    DocumentFacts f = Facts("---\nbase_model:\n  - a/b\n  - a/b\n---\n");
    CHECK(Parents(f) == Strings{"a/b"});
    const Diagnostic* d = FindDiag(f.diagnostics, "duplicate_base_model");
    REQUIRE(d);
    CHECK(d->line == 4);
    CHECK(d->severity == "warning");
    CHECK(d->source == kSource);
  }
  SECTION("different case and a URL of the same id") {
    DocumentFacts f =
        Facts("---\nbase_model: [Org/Base, org/base, https://huggingface.co/ORG/BASE]\n---\n");
    CHECK(Parents(f) == Strings{"Org/Base"});
    auto codes = Codes(f.diagnostics);
    CHECK(std::count(codes.begin(), codes.end(), std::string("duplicate_base_model")) == 2);
  }
  SECTION("a duplicate does not make the model a merge") {
    DocumentFacts f = Facts("---\nbase_model: [a/b, a/b]\n---\n");
    REQUIRE(f.edges.size() == 1);
    CHECK(f.edges[0].relation == Relation::kFinetune);
  }
}

TEST_CASE("A base_model naming the model itself gives a diagnostic and no edge", "[ingest]") {
  SECTION("same spelling") {
    DocumentFacts f = Facts("---\nbase_model: me/model\n---\n");
    CHECK(f.edges.empty());
    const Diagnostic* d = FindDiag(f.diagnostics, "self_reference");
    REQUIRE(d);
    CHECK(d->line == 2);
  }
  SECTION("other case, as a URL, beside a real base") {
    DocumentFacts f =
        Facts("---\nbase_model:\n  - https://huggingface.co/ME/Model\n  - a/b\n---\n");
    CHECK(Parents(f) == Strings{"a/b"});
    CHECK(FindDiag(f.diagnostics, "self_reference"));
    REQUIRE(f.edges.size() == 1);
    CHECK(f.edges[0].relation == Relation::kFinetune);  // one real base: not a merge
  }
}

TEST_CASE("A base_model nested under another key is not lineage", "[ingest]") {
  DocumentFacts f = Facts(
      "---\n"
      "license: mit\n"
      "quantization_config:\n"
      "  base_model: other/tool-base\n"
      "model-index:\n"
      "  - name: x\n"
      "    base_model: other/eval-base\n"
      "---\n");
  CHECK(f.edges.empty());
  CHECK(f.pending.empty());
  CHECK(f.diagnostics.empty());
}

TEST_CASE("Bad base_model values become diagnostics and the good ones still count",
          "[ingest]") {
  DocumentFacts f = Facts(
      "---\n"
      "base_model:\n"
      "  - not a model id\n"
      "  - https://github.com/org/repo\n"
      "  - https://huggingface.co/datasets/tatsu-lab/alpaca\n"
      "  - good/base\n"
      "  - {name: x}\n"
      "---\n");
  CHECK(Parents(f) == Strings{"good/base"});
  auto codes = Codes(f.diagnostics);
  CHECK(std::count(codes.begin(), codes.end(), std::string("bad_base_model")) == 3);
  CHECK(std::count(codes.begin(), codes.end(), std::string("bad_value")) == 1);
  SECTION("each diagnostic names its line") {
    std::vector<int> lines;
    for (const auto& d : f.diagnostics) lines.push_back(d.line);
    std::sort(lines.begin(), lines.end());
    CHECK(lines == std::vector<int>{3, 4, 5, 7});
  }
  SECTION("a mapping instead of a list is reported") {
    DocumentFacts m = Facts("---\nbase_model: {a: b}\n---\n");
    CHECK(m.edges.empty());
    CHECK(FindDiag(m.diagnostics, "bad_value"));
  }
}

TEST_CASE("base_model_relation declared in the card is used as written", "[ingest]") {
  SECTION("adapter declared on a GGUF-tagged card") {
    DocumentFacts f =
        Facts("---\nbase_model: a/b\nbase_model_relation: adapter\ntags: [gguf]\n---\n");
    REQUIRE(f.edges.size() == 1);
    CHECK(f.edges[0].relation == Relation::kAdapter);
    CHECK_FALSE(f.edges[0].relation_inferred);
    CHECK_FALSE(f.edges[0].evidence[0].relation_inferred);
  }
  SECTION("quantized declared with two bases applies to both") {
    DocumentFacts f =
        Facts("---\nbase_model: [a/b, c/d]\nbase_model_relation: quantized\n---\n");
    REQUIRE(f.edges.size() == 2);
    for (const auto& e : f.edges) {
      CHECK(e.relation == Relation::kQuantized);
      CHECK_FALSE(e.relation_inferred);
    }
  }
  SECTION("a relation we do not know is reported and inferred instead") {
    DocumentFacts f = Facts("---\nbase_model: a/b\nbase_model_relation: fork\n---\n");
    REQUIRE(f.edges.size() == 1);
    CHECK(f.edges[0].relation == Relation::kFinetune);
    CHECK(f.edges[0].relation_inferred);
    const Diagnostic* d = FindDiag(f.diagnostics, "bad_relation");
    REQUIRE(d);
    CHECK(d->line == 3);
  }
}

TEST_CASE("base_model_relation is inferred the way the Hub does when absent", "[ingest]") {
  auto relation_of = [](const std::string& text, const std::string& id = "me/model") {
    DocumentFacts f = Facts(text, id);
    REQUIRE_FALSE(f.edges.empty());
    for (const auto& e : f.edges) REQUIRE(e.relation_inferred);
    return f.edges[0].relation;
  };
  SECTION("several bases: merge") {
    CHECK(relation_of("---\nbase_model: [a/b, c/d]\n---\n") == Relation::kMerge);
    DocumentFacts f = Facts("---\nbase_model: [a/b, c/d, e/f]\n---\n");
    REQUIRE(f.edges.size() == 3);
    for (const auto& e : f.edges) CHECK(e.relation == Relation::kMerge);
  }
  SECTION("gguf, gptq or awq tags: quantized") {
    CHECK(relation_of("---\nbase_model: a/b\ntags: [gguf]\n---\n") == Relation::kQuantized);
    CHECK(relation_of("---\nbase_model: a/b\ntags: [GPTQ]\n---\n") == Relation::kQuantized);
    CHECK(relation_of("---\nbase_model: a/b\ntags:\n  - text-generation\n  - awq\n---\n") ==
          Relation::kQuantized);
  }
  SECTION("gguf library: quantized") {
    CHECK(relation_of("---\nbase_model: a/b\nlibrary_name: gguf\n---\n") == Relation::kQuantized);
  }
  SECTION("a quantization format in the model name: quantized") {
    CHECK(relation_of("---\nbase_model: a/b\n---\n", "me/Model-7B-GGUF") == Relation::kQuantized);
    CHECK(relation_of("---\nbase_model: a/b\n---\n", "me/Model-7B-GPTQ") == Relation::kQuantized);
    CHECK(relation_of("---\nbase_model: a/b\n---\n", "me/Model-7B-AWQ") == Relation::kQuantized);
  }
  SECTION("peft library or lora tag: adapter") {
    CHECK(relation_of("---\nbase_model: a/b\nlibrary_name: peft\n---\n") == Relation::kAdapter);
    CHECK(relation_of("---\nbase_model: a/b\ntags: [lora]\n---\n") == Relation::kAdapter);
  }
  SECTION("otherwise: finetune") {
    CHECK(relation_of("---\nbase_model: a/b\nlibrary_name: transformers\ntags: [chat]\n---\n") ==
          Relation::kFinetune);
  }
}

TEST_CASE("InferRelation ranks merge, then quantized, then adapter, then finetune", "[ingest]") {
  CHECK(InferRelation(2, {"gguf"}, "peft", "me/x-GGUF") == Relation::kMerge);
  CHECK(InferRelation(1, {"gguf", "lora"}, "peft", "me/x") == Relation::kQuantized);
  CHECK(InferRelation(1, {"lora"}, "", "me/x") == Relation::kAdapter);
  CHECK(InferRelation(1, {}, "PEFT", "me/x") == Relation::kAdapter);
  CHECK(InferRelation(1, {}, "transformers", "me/x") == Relation::kFinetune);
  CHECK(InferRelation(0, {}, "", "me/x") == Relation::kFinetune);
  SECTION("the namespace does not count as the name") {
    CHECK(InferRelation(1, {}, "", "TheBloke-gguf/plain-model") == Relation::kFinetune);
  }
}

TEST_CASE("license, license_name and license_link are kept as written", "[ingest]") {
  DocumentFacts f = Facts(
      "---\n"
      "license: other\n"
      "license_name: qwen-research\n"
      "license_link: https://huggingface.co/Qwen/Qwen2.5-3B/blob/main/LICENSE\n"
      "---\n");
  REQUIRE(f.artifact);
  CHECK(f.artifact->license == "other");
  CHECK(f.artifact->license_name == "qwen-research");
  CHECK(f.artifact->license_link == "https://huggingface.co/Qwen/Qwen2.5-3B/blob/main/LICENSE");
  SECTION("a list of licences is joined") {
    DocumentFacts l = Facts("---\nlicense: [mit, apache-2.0]\n---\n");
    CHECK(l.artifact->license == "mit; apache-2.0");
  }
}

TEST_CASE("Other top-level fields land on the artifact", "[ingest]") {
  DocumentFacts f = Facts(
      "---\n"
      "language: [en, zh]\n"
      "tags: [chat, text-generation]\n"
      "pipeline_tag: text-generation\n"
      "library_name: transformers\n"
      "new_version: me/model-v2\n"
      "---\n");
  REQUIRE(f.artifact);
  CHECK(f.artifact->languages == Strings{"en", "zh"});
  CHECK(f.artifact->tags == Strings{"chat", "text-generation"});
  CHECK(f.artifact->pipeline_tag == "text-generation");
  CHECK(f.artifact->library_name == "transformers");
  CHECK(f.artifact->new_version == "me/model-v2");
  SECTION("a single language as a string") {
    CHECK(Facts("---\nlanguage: en\n---\n").artifact->languages == Strings{"en"});
  }
}

TEST_CASE("datasets become trained_on edges to datasets/ ids", "[ingest]") {
  DocumentFacts f = Facts(
      "---\n"
      "base_model: a/b\n"
      "datasets:\n"
      "  - HuggingFaceH4/ultrachat_200k\n"
      "  - https://huggingface.co/datasets/tatsu-lab/alpaca\n"
      "  - HuggingFaceH4/ultrachat_200k\n"
      "---\n");
  std::vector<const Edge*> ds;
  for (const auto& e : f.edges) {
    if (e.relation == Relation::kTrainedOn) ds.push_back(&e);
  }
  REQUIRE(ds.size() == 2);  // the repeated dataset counts once
  CHECK(ds[0]->parent == "datasets/HuggingFaceH4/ultrachat_200k");
  CHECK(ds[1]->parent == "datasets/tatsu-lab/alpaca");
  CHECK_FALSE(ds[0]->relation_inferred);
  CHECK(ds[0]->evidence[0].kind == "card.datasets");
  CHECK(ds[0]->evidence[0].line == 4);
  CHECK(ds[1]->evidence[0].line == 5);
  SECTION("datasets do not turn the model into a merge") {
    auto base = std::find_if(f.edges.begin(), f.edges.end(),
                             [](const Edge& e) { return e.parent == "a/b"; });
    REQUIRE(base != f.edges.end());
    CHECK(base->relation == Relation::kFinetune);
  }
  SECTION("a dataset id that is not a Hub id is a diagnostic") {
    DocumentFacts bad = Facts("---\ndatasets: [\"my data set\"]\n---\n");
    CHECK(bad.edges.empty());
    CHECK(FindDiag(bad.diagnostics, "bad_dataset"));
  }
}

TEST_CASE("Malformed YAML is an error diagnostic at the right file line", "[ingest]") {
  SECTION("an unclosed flow list, noticed on the next line") {
    //                 1      2              3                 4          5
    DocumentFacts f = Facts("---\nlicense: mit\nbase_model: [a/b\ntags: x\n---\n# body\n");
    const Diagnostic* d = FindDiag(f.diagnostics, "yaml");
    REQUIRE(d);
    CHECK(d->severity == "error");
    CHECK(d->source == kSource);
    CHECK(d->line == 4);
    CHECK(f.edges.empty());
    REQUIRE(f.artifact);  // the model is still known, without metadata
    CHECK(f.artifact->license.empty());
  }
  SECTION("a value with a second colon") {
    DocumentFacts f = Facts("---\nlicense: mit\nkey: value: other\nbase_model: a/b\n---\n");
    const Diagnostic* d = FindDiag(f.diagnostics, "yaml");
    REQUIRE(d);
    CHECK(d->line == 3);
  }
  SECTION("a tab used for indentation") {
    DocumentFacts f = Facts("---\nlicense: mit\nbase_model: a/b\n\tbad: tab\n---\n");
    const Diagnostic* d = FindDiag(f.diagnostics, "yaml");
    REQUIRE(d);
    CHECK(d->line == 4);
  }
  SECTION("lines count from the top of the file, past leading blank lines") {
    //                       1 2  3      4                5
    DocumentFacts f = Facts("\n\n---\nlicense: mit\nkey: value: other\n---\n");
    const Diagnostic* d = FindDiag(f.diagnostics, "yaml");
    REQUIRE(d);
    CHECK(d->line == 5);
  }
  SECTION("front matter that is a list, not a mapping") {
    DocumentFacts f = Facts("---\n- a\n- b\n---\n");
    const Diagnostic* d = FindDiag(f.diagnostics, "yaml");
    REQUIRE(d);
    CHECK(d->severity == "error");
  }
}

TEST_CASE("A card without front matter declares nothing and says so", "[ingest]") {
  DocumentFacts f = Facts("# My model\n\nbase_model: a/b is mentioned in prose\n");
  CHECK(f.edges.empty());
  const Diagnostic* d = FindDiag(f.diagnostics, "no_front_matter");
  REQUIRE(d);
  CHECK(d->severity == "warning");
  SECTION("an empty file too") {
    CHECK(FindDiag(Facts("").diagnostics, "no_front_matter"));
  }
}

TEST_CASE("Unterminated front matter is an error at the opening line", "[ingest]") {
  DocumentFacts f = Facts("---\nbase_model: a/b\nlicense: mit\n\n# Body without a fence\n");
  CHECK(f.edges.empty());
  const Diagnostic* d = FindDiag(f.diagnostics, "unterminated_front_matter");
  REQUIRE(d);
  CHECK(d->severity == "error");
  CHECK(d->line == 1);
  SECTION("a file that is only the opening fence") {
    CHECK(FindDiag(Facts("---").diagnostics, "unterminated_front_matter"));
  }
}

TEST_CASE("Front matter may close with '...'", "[ingest]") {
  DocumentFacts f = Facts("---\nbase_model: a/b\n...\n# body\n");
  CHECK(Parents(f) == Strings{"a/b"});
}

TEST_CASE("CRLF line endings read like LF", "[ingest]") {
  DocumentFacts f = Facts(
      "---\r\nlicense: apache-2.0\r\nbase_model:\r\n  - a/b\r\n  - c/d\r\n---\r\n# Body\r\n");
  CHECK(Parents(f) == Strings{"a/b", "c/d"});
  REQUIRE(f.artifact);
  CHECK(f.artifact->license == "apache-2.0");  // no stray \r
  CHECK(f.diagnostics.empty());
  REQUIRE(f.edges.size() == 2);
  CHECK(f.edges[1].evidence[0].line == 5);
  SECTION("a YAML error in a CRLF card keeps the right line") {
    DocumentFacts bad = Facts("---\r\nlicense: mit\r\nkey: value: other\r\n---\r\n");
    const Diagnostic* d = FindDiag(bad.diagnostics, "yaml");
    REQUIRE(d);
    CHECK(d->line == 3);
  }
}

TEST_CASE("A non-UTF-8 byte is a warning and the card is still read", "[ingest]") {
  //                              1      2              3                  4
  DocumentFacts f = Facts("---\nlicense: mit\nbase_model: a/b\ndescription: caf\xE9 cr\xE8me\n---\n");
  CHECK(Parents(f) == Strings{"a/b"});
  CHECK(f.artifact->license == "mit");
  const Diagnostic* d = FindDiag(f.diagnostics, "encoding");
  REQUIRE(d);
  CHECK(d->severity == "warning");
  CHECK(d->line == 4);
}

TEST_CASE("Encoded surrogates and overlong forms are invalid UTF-8 too", "[ingest]") {
  // Regression: ED A0 80 (U+D800) and E0 80 80 (overlong NUL) passed as valid
  // UTF-8 and reached the store and the JSON writers unchanged.
  for (const char* bad : {"\xED\xA0\x80", "\xE0\x80\x80", "\xF5\x80\x80\x80"}) {
    DocumentFacts f =
        Facts(std::string("---\nbase_model: a/b\ndescription: x") + bad + "\n---\n");
    INFO("bytes: " << bad);
    CHECK(Parents(f) == Strings{"a/b"});
    const Diagnostic* d = FindDiag(f.diagnostics, "encoding");
    CHECK(d != nullptr);
    if (d) CHECK(d->line == 3);
  }
}

TEST_CASE("A UTF-8 byte-order mark before the front matter is ignored", "[ingest]") {
  DocumentFacts f = Facts("\xEF\xBB\xBF---\nbase_model: a/b\n---\n");
  CHECK(Parents(f) == Strings{"a/b"});
  CHECK(f.diagnostics.empty());
  SECTION("with CRLF too") {
    DocumentFacts g = Facts("\xEF\xBB\xBF---\r\nbase_model: a/b\r\n---\r\n");
    CHECK(Parents(g) == Strings{"a/b"});
  }
}

TEST_CASE("Diagnostics name the source they were given", "[ingest]") {
  CardFields f = ParseCardText("no front matter", "elsewhere/README.md");
  REQUIRE(f.diagnostics.size() == 1);
  CHECK(f.diagnostics[0].source == "elsewhere/README.md");
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression: duplicate top-level keys silently kept the first value.
TEST_CASE("A repeated top-level key is a warning naming both lines, on both readers", "[ingest]") {
  const std::string card = "---\nlicense: mit\nbase_model: a/b\nlicense: apache-2.0\n"
                           "nested:\n  license: x\n---\n";
  for (bool fast : {true, false}) {
    INFO("fast path: " << fast);
    CardFields f = ParseCardTextWith(card, "c/README.md", fast);
    CHECK(f.license.text == "mit");
    int dup = 0;
    for (const auto& d : f.diagnostics) {
      if (d.code != "duplicate_key") continue;
      ++dup;
      CHECK(d.line == 4);
      CHECK_THAT(d.message, Catch::Contains("line 2"));
    }
    CHECK(dup == 1);
  }
}

// Regression: yaml-cpp turned a NUL inside a value into \x07.
TEST_CASE("A NUL byte in front matter becomes U+FFFD with a warning, on both readers",
          "[ingest]") {
  std::string card = "---\nlicense: mi";
  card += '\0';
  card += "t\n---\n";
  for (bool fast : {true, false}) {
    INFO("fast path: " << fast);
    CardFields f = ParseCardTextWith(card, "c/README.md", fast);
    CHECK(f.license.text == "mi\xEF\xBF\xBDt");
    bool warned = false;
    for (const auto& d : f.diagnostics) warned |= d.code == "encoding" && d.line == 2;
    CHECK(warned);
  }
}

}  // namespace
}  // namespace lineage
