// The reference data files shipped inside the binary (generated from data/ by
// cmake/embed_data.cmake).
#ifndef LINEAGE_INGEST_BUILTIN_DATA_H_
#define LINEAGE_INGEST_BUILTIN_DATA_H_

#include <cstddef>
#include <vector>

namespace lineage::builtin {

struct EmbeddedFile {
  const char* name;  // file name in data/, e.g. "organizations.csv"
  const char* data;
  size_t size;
};

// In the order they must be read (licences before their aliases, ...).
const std::vector<EmbeddedFile>& Files();
// "<data/VERSION>+<first 12 hex digits of the sha256 of the files>".
const char* DataVersion();

}  // namespace lineage::builtin

#endif  // LINEAGE_INGEST_BUILTIN_DATA_H_
