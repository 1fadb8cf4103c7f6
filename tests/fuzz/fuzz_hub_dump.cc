// Fuzz target: Hub API dumps, read as JSON lines and as a JSON array. Every
// record becomes facts or a diagnostic; nothing throws or crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ingest/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t records = 0;
  auto sink = [&records](lineage::DocumentFacts&& f) {
    if (f.origin.empty()) std::abort();
    ++records;
  };
  std::vector<lineage::Diagnostic> diags;
  lineage::readers::ReadHubDump("fuzz.jsonl", text, sink, &diags);
  diags.clear();
  lineage::readers::ReadHubDump("fuzz.json", "[" + text + "]", sink, &diags);
  for (const auto& d : diags) {
    if (d.source.empty() || d.message.empty()) std::abort();
  }
  return 0;
}
