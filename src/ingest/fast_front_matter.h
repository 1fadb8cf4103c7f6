// The fast path for plain card front matter. Private to the ingest module.
#ifndef LINEAGE_INGEST_FAST_FRONT_MATTER_H_
#define LINEAGE_INGEST_FAST_FRONT_MATTER_H_

#include <string>
#include <string_view>

#include "lineage/ingest.h"

namespace lineage {

// Reads `yaml` (the text between the `---` fences; its first line is file
// line `first_line`) into `fields` when it is in the plain subset this reader
// is sure of, and returns true. Returns false, leaving `fields` untouched,
// for anything else: the caller must then use yaml-cpp.
bool FastParseFrontMatter(std::string_view yaml, int first_line, const std::string& source,
                          CardFields* fields);

}  // namespace lineage

#endif  // LINEAGE_INGEST_FAST_FRONT_MATTER_H_
