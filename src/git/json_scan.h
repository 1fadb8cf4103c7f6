// The top-level members of config.json and adapter_config.json, parsed with
// nlohmann_json, with the file line of each member for `file:line` evidence.
// Private to the git module.
#ifndef LINEAGE_GIT_JSON_SCAN_H_
#define LINEAGE_GIT_JSON_SCAN_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lineage::git_json {

// One top-level member. Strings and arrays of strings are kept; anything else
// (numbers, objects, mixed arrays) only records its kind and line.
struct Member {
  enum class Kind { kString, kStringArray, kOther };
  Kind kind = Kind::kOther;
  std::string text;                // kString
  std::vector<std::string> items;  // kStringArray
  int line = 0;                    // 1-based line of the value
};

struct Object {
  std::map<std::string, Member> members;  // a repeated key keeps its last value
};

// Parses `text` as one JSON object (RFC 8259, plus the NaN/Infinity that
// Python's json module writes). Returns false with `error` and its 1-based
// `line` when the text is not a JSON object.
bool ParseObject(std::string_view text, Object* out, std::string* error, int* line);

}  // namespace lineage::git_json

#endif  // LINEAGE_GIT_JSON_SCAN_H_
