// GGUF model files (the format of ggml and llama.cpp; the specification is
// docs/gguf.md in github.com/ggerganov/ggml): what a file's header says about
// where the model came from. Only the metadata key/value pairs are read, never
// the tensor infos or the tensor data, so a multi-gigabyte file costs the size
// of its metadata (mostly the tokenizer arrays, which are skipped, not kept).
//
// Versions 2 and 3 are read, little-endian (the byte order every published
// file uses); version 1 (32-bit lengths) and big-endian files are reported as
// unsupported.
#ifndef LINEAGE_GGUF_H_
#define LINEAGE_GGUF_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/status.h"
#include "lineage/store.h"

namespace lineage {

// One `general.base_model.N.*` entry; a field the file does not give is "".
struct GgufBaseModel {
  std::string name;          // general.base_model.N.name
  std::string organization;  // general.base_model.N.organization
  std::string repo_url;      // general.base_model.N.repo_url
};

// The metadata the reader keeps; every other key is skipped.
struct GgufMetadata {
  uint32_t version = 0;
  uint64_t tensor_count = 0;
  uint64_t kv_count = 0;
  std::string architecture;     // general.architecture
  std::string name;             // general.name
  std::string source_repo_url;  // general.source.repo_url
  // general.base_model.count; -1 when the file does not give it.
  int64_t base_model_count = -1;
  // Indexed by N, for N below kMaxGgufBaseModels; entries the file gives no
  // field for are empty. With a count, exactly `count` entries (capped).
  std::vector<GgufBaseModel> base_models;
};

// Base models past this index are ignored: no published file names more.
inline constexpr int kMaxGgufBaseModels = 64;
// String values of the kept keys longer than this are ignored (a URL or name
// is far shorter); the key still counts as read.
inline constexpr uint64_t kMaxGgufKeptString = 64 * 1024;

// Parses the header of a GGUF file whose bytes are `data` (the whole file, or
// at least everything up to the end of its metadata). Every length and count
// is checked against the bytes left before anything is read or allocated.
// Errors: InvalidInput "source: <what is wrong>[ at byte N]" for a file that
// is not GGUF (wrong magic), an unsupported version, a key or value that runs
// past the end (truncated), a length or count larger than the file, an
// unknown value type, or arrays nested deeper than 8 levels.
Result<GgufMetadata> ParseGgufMetadata(std::string_view data, const std::string& source);

// The same, reading the file at `path` from disk: only the metadata is read,
// in buffered pieces, and every length is checked against the file's size.
// IoError "path: cannot open/read ..." when the file cannot be read;
// otherwise as ParseGgufMetadata with `path` as the source.
Result<GgufMetadata> ReadGgufFile(const std::string& path);

// The inference signals (lineage/infer.h) of a file's metadata, each with
// source `source` (the file) and detail the key read: gguf.base_model for each
// base model (its repo_url, else "organization name"), gguf.source for
// general.source.repo_url.
std::vector<Signal> GgufSignals(const GgufMetadata& metadata, const std::string& source);

}  // namespace lineage

#endif  // LINEAGE_GGUF_H_
