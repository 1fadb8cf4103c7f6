// Fuzz target: model cards. Both front-matter readers must agree on every
// input (the fast reader either gives yaml-cpp's answer or defers to it), and
// building facts from the fields must not fail on anything.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lineage/ingest.h"

namespace {

std::string Dump(const lineage::CardFields& f) {
  std::string s;
  auto v = [&s](const char* k, const lineage::CardFields::Value& x) {
    s += std::string(k) + "=" + x.text + "@" + std::to_string(x.line) + "\n";
  };
  for (const auto& b : f.base_models) v("base_model", b);
  for (const auto& d : f.datasets) v("dataset", d);
  v("relation", f.base_model_relation);
  v("license", f.license);
  v("license_name", f.license_name);
  v("license_link", f.license_link);
  for (const auto& t : f.tags) s += "tag=" + t + "\n";
  for (const auto& l : f.languages) s += "language=" + l + "\n";
  s += "pipeline=" + f.pipeline_tag + "\nlibrary=" + f.library_name + "\n";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lineage::CardFields fast = lineage::ParseCardTextWith(text, "fuzz/README.md", true);
  lineage::CardFields slow = lineage::ParseCardTextWith(text, "fuzz/README.md", false);
  std::string a = Dump(fast), b = Dump(slow);
  if (a != b) {
    std::fprintf(stderr, "fast reader:\n%s\nyaml-cpp:\n%s\n", a.c_str(), b.c_str());
    std::abort();
  }
  lineage::DocumentFacts facts =
      lineage::BuildCardFacts(slow, "fuzz/model", "fuzz/README.md", "card.base_model");
  if (facts.artifact && facts.artifact->id != "fuzz/model") std::abort();
  return 0;
}
