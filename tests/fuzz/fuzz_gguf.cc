// Fuzz target: a GGUF file's header (lineage/gguf.h) from memory, and the
// signals of whatever it reads. Every input either parses or is InvalidInput
// naming the file; the kept strings stay within their limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lineage/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto m = lineage::ParseGgufMetadata(bytes, "fuzz.gguf");
  if (!m.ok()) {
    if (m.status().code() != lineage::Status::Code::kInvalidInput) std::abort();
    if (m.status().message().rfind("fuzz.gguf: ", 0) != 0) std::abort();
    return 0;
  }
  if (m->base_models.size() > static_cast<size_t>(lineage::kMaxGgufBaseModels)) std::abort();
  if (m->name.size() > lineage::kMaxGgufKeptString) std::abort();
  for (const auto& s : lineage::GgufSignals(*m, "fuzz.gguf")) {
    if (s.value.empty() || s.source != "fuzz.gguf") std::abort();
  }
  return 0;
}
