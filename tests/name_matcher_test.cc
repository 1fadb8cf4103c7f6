// The hand-written name matcher against std::regex_search (ECMAScript), on
// the shipped family patterns, on generated patterns, and on generated and
// real model names.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "infer/name_matcher.h"

using lineage::infer_internal::NamePattern;

namespace {

struct Found {
  bool match = false;
  size_t pos = 0, len = 0;
  bool operator==(const Found& o) const {
    return match == o.match && (!match || (pos == o.pos && len == o.len));
  }
};

Found ByRegex(const std::regex& re, const std::string& text) {
  std::smatch m;
  Found f;
  if (std::regex_search(text, m, re)) {
    f.match = true;
    f.pos = static_cast<size_t>(m.position(0));
    f.len = static_cast<size_t>(m.length(0));
  }
  return f;
}

Found ByMatcher(const NamePattern& p, const std::string& text, bool* hard) {
  Found f;
  auto r = p.Search(text, &f.pos, &f.len);
  *hard = r == NamePattern::Outcome::kTooHard;
  f.match = r == NamePattern::Outcome::kMatch;
  return f;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The name_patterns column of data/families.csv, split on '|' at depth 0
// the way the families reader does (a bar inside a group stays).
std::vector<std::string> ShippedPatterns() {
  std::ifstream in(std::string(LINEAGE_SOURCE_DIR) + "/data/families.csv");
  std::vector<std::string> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    // family,name,publisher,canonical_base,name_patterns,...: no quoted commas before it.
    std::vector<std::string> cols;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) {
        cols.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    cols.push_back(cur);
    if (cols.size() > 4 && !cols[4].empty()) out.push_back(Lower(cols[4]));
  }
  return out;
}

// Model names read from the embedded dataset's records ("id": "ns/name").
std::vector<std::string> RealNames(size_t limit) {
  std::vector<std::string> out;
  for (const char* file : {"/data/known_bases.csv", "/data/curated_edges.csv",
                           "/data/model_aliases.csv"}) {
    std::ifstream in(std::string(LINEAGE_SOURCE_DIR) + file);
    std::string line;
    while (std::getline(in, line) && out.size() < limit) {
      std::stringstream ss(line);
      std::string cell;
      while (std::getline(ss, cell, ',')) {
        size_t slash = cell.find('/');
        if (slash == std::string::npos || cell.find("://") != std::string::npos) continue;
        out.push_back(Lower(cell.substr(slash + 1)));
      }
    }
  }
  return out;
}

std::vector<std::string> GeneratedNames(size_t n, uint32_t seed) {
  static const char* kPieces[] = {
      "llama", "llama-", "llama2", "llama-2", "llama3", "llama-3", "3.1", "3_1", "3.2", "3.3",
      "qwen", "qwen2", "qwen-2", "qwen2.5", "qwen2_5", "qwen3", "1.5", "-1.5", "qwq", "yi",
      "-yi-", "gemma", "gemma-2", "gemma2", "gemma3", "gemma-3n", "1.1", "phi-3", "phi3", "phi-4",
      "mistral", "mistral-7b", "mixtral", "-8x7b", "7b", "-7b", "13b", "-70b", "0.5b", "t5-",
      "flan-t5", "mt5", "byt5", "umt5", "clip-vit-base-patch32", "sdxl", "sd-v1-5", "sd1.5",
      "sd3", "flux.1", "flux-dev", "falcon-7b", "falcon3", "olmo", "olmoe", "deepseek-r1",
      "deepseek-v3", "deepseek-coder-v2", "distill", "-instruct", "-chat", "-it", "-gguf",
      "_", "-", ".", " ", "v0.3", "x", "a", "0", "9", "glm-4", "chatglm3", "internlm2",
      "ollama", "exaone", "kimi-k2", "minimax-m1", "ernie-4.5", "eva02-clip", "siglip2",
      "siglip", "bert-base-", "whisper", "gpt-oss", "hunyuan-video", "\xe4\xb8\xad", "ü"};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> count(1, 6);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string s;
    for (int k = count(rng); k > 0; --k) s += kPieces[pick(rng)];
    out.push_back(s);
  }
  return out;
}

// A random pattern in the subset, over a small alphabet so that it matches often.
std::string RandomPattern(std::mt19937& rng, int depth = 0) {
  auto r = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  static const char* kAtoms[] = {"a", "b", "-", "_", "\\.", ".", "\\d", "\\D", "[ab]", "[^a-]",
                                 "[-_]", "[.\\d]", "[0-2]", "\\w", "\\W", "1", "2"};
  std::string out;
  int n = 1 + r(4);
  for (int i = 0; i < n; ++i) {
    std::string atom;
    int k = r(depth < 2 ? 12 : 9);
    if (k < 7) atom = kAtoms[r(static_cast<int>(std::size(kAtoms)))];
    else if (k == 7) atom = "^";
    else if (k == 8) atom = "$";
    else if (k == 9) atom = "(" + RandomPattern(rng, depth + 1) + ")";
    else if (k == 10) atom = std::string(r(2) ? "(?!" : "(?=") + RandomPattern(rng, depth + 1) + ")";
    else atom = "(?:" + RandomPattern(rng, depth + 1) + "|" + RandomPattern(rng, depth + 1) + ")";
    bool assertion = atom == "^" || atom == "$" || atom.rfind("(?!", 0) == 0 ||
                     atom.rfind("(?=", 0) == 0;
    if (!assertion && atom[0] != '(') {
      int q = r(8);
      if (q == 0) atom += "?";
      else if (q == 1) atom += "*";
      else if (q == 2) atom += "+";
      else if (q == 3) atom += "{1,2}";
      else if (q == 4) atom += "??";
    } else if (!assertion && r(4) == 0) {
      atom += "?";
    }
    out += atom;
  }
  if (depth == 0 && r(3) == 0) out += "|" + RandomPattern(rng, depth + 1);
  return out;
}

std::string RandomText(std::mt19937& rng) {
  static const char kAlpha[] = "ab-_.12x";
  std::string s;
  int n = std::uniform_int_distribution<int>(0, 10)(rng);
  for (int i = 0; i < n; ++i) s += kAlpha[std::uniform_int_distribution<int>(0, 7)(rng)];
  return s;
}

}  // namespace

TEST_CASE("the name matcher finds what std::regex finds for every shipped family pattern",
          "[namematcher]") {
  std::vector<std::string> patterns = ShippedPatterns();
  REQUIRE(patterns.size() >= 40);
  std::vector<std::string> names = RealNames(20000);
  REQUIRE(names.size() >= 500);
  auto generated = GeneratedNames(20000, 7);
  names.insert(names.end(), generated.begin(), generated.end());
  int64_t compared = 0, matched = 0;
  for (const auto& pat : patterns) {
    auto fast = NamePattern::Compile(pat);
    INFO("pattern " << pat);
    REQUIRE(fast.has_value());  // every shipped pattern is in the subset
    std::regex re(pat, std::regex::ECMAScript);
    for (const auto& name : names) {
      bool hard = false;
      Found a = ByMatcher(*fast, name, &hard);
      REQUIRE_FALSE(hard);
      Found b = ByRegex(re, name);
      INFO("name " << name);
      REQUIRE(a == b);
      ++compared;
      matched += b.match;
    }
  }
  CHECK(compared > 1000000);
  CHECK(matched > 10000);  // the names exercise the patterns, not only their misses
}

TEST_CASE("the name matcher agrees with std::regex on generated patterns and texts",
          "[namematcher]") {
  std::mt19937 rng(12345);
  int compiled = 0, matched = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string pat = RandomPattern(rng);
    auto fast = NamePattern::Compile(pat);
    if (!fast) continue;  // outside the subset (a nullable loop body): std::regex keeps it
    std::regex re;
    try {
      re = std::regex(pat, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      FAIL("the matcher accepted a pattern std::regex rejects: " << pat);
    }
    ++compiled;
    for (int j = 0; j < 30; ++j) {
      std::string text = RandomText(rng);
      bool hard = false;
      Found a = ByMatcher(*fast, text, &hard);
      if (hard) continue;
      Found b = ByRegex(re, text);
      INFO("pattern " << pat << " text '" << text << "'");
      REQUIRE(a == b);
      matched += b.match;
    }
  }
  CHECK(compiled > 2000);
  CHECK(matched > 10000);
}

TEST_CASE("the name matcher refuses what it does not implement", "[namematcher]") {
  for (const char* p : {"(a)\\1", "(?<=a)b", "(a*)*", "(a?)+", "[[:alpha:]]", "a{2,1}", "\\x41",
                        "a**", "(", "a)", "[a", "\\"}) {
    INFO(p);
    CHECK_FALSE(NamePattern::Compile(p).has_value());
  }
  auto p = NamePattern::Compile("llama-?3(?![.\\d])");
  REQUIRE(p.has_value());
  size_t pos = 0, len = 0;
  CHECK(p->Search("meta-llama-3-8b", &pos, &len) == NamePattern::Outcome::kMatch);
  CHECK(pos == 5);
  CHECK(len == 7);
  CHECK(p->Search("llama-3.1-8b", &pos, &len) == NamePattern::Outcome::kNoMatch);
}
