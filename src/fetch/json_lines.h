// JSON handling for fetched pages: splitting a page (a JSON array of objects)
// into one line per object without re-serialising it, and reading top-level
// string fields. Private to src/fetch/.
#ifndef LINEAGE_SRC_FETCH_JSON_LINES_H_
#define LINEAGE_SRC_FETCH_JSON_LINES_H_

#include <string>
#include <string_view>
#include <vector>

#include "lineage/status.h"

namespace lineage::fetch {

// Objects nested deeper than this are refused (a page is then Corruption).
constexpr int kMaxJsonDepth = 512;

// Splits `body`, a JSON array of objects, into its elements, each as the
// bytes the server sent with line breaks and tabs between tokens removed, so
// each is one line. Corruption when `body` is not a complete, valid array of
// objects (a truncated or garbled page), naming the byte offset.
Status SplitArray(std::string_view body, std::vector<std::string>* objects);

// The value of the top-level string member `key` of the JSON object `object`;
// false when absent or not a string.
bool TopLevelString(std::string_view object, std::string_view key, std::string* value);

}  // namespace lineage::fetch

#endif  // LINEAGE_SRC_FETCH_JSON_LINES_H_
