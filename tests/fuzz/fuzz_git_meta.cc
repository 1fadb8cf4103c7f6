// Fuzz target: a repository's metadata files (README.md, config.json,
// adapter_config.json, separated by NUL bytes in the input) as the git reader
// turns them into facts, and LICENSE text recognition.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "git/internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string all(reinterpret_cast<const char*>(data), size);
  lineage::git::MetaInput in;
  in.id = "fuzz/repo";
  in.repo_path = "/fuzz/repo";
  in.commit = "0123456789abcdef0123456789abcdef01234567";
  size_t a = all.find('\0');
  in.readme = all.substr(0, a);
  if (a != std::string::npos) {
    size_t b = all.find('\0', a + 1);
    in.config = all.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (b != std::string::npos) in.adapter = all.substr(b + 1);
  }
  lineage::git::Meta meta = lineage::git::BuildMeta(in);
  if (meta.facts.artifact && meta.facts.artifact->id != "fuzz/repo") std::abort();
  lineage::git::RecognizeLicense(all);
  return 0;
}
