// config.json and adapter_config.json through nlohmann_json. The library
// parses; this file only finds the line of each top-level value for
// `file:line` evidence, which a parsed document does not keep.
#include "git/json_scan.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace lineage::git_json {

namespace {

using nlohmann::json;

// Python's json module writes NaN and Infinity, which JSON does not allow:
// outside strings they become null so the rest of the file can be read.
std::string WithoutNonFinite(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const char* word : {"-Infinity", "Infinity", "NaN"}) {
      size_t n = std::strlen(word);
      if (text.compare(i, n, word) == 0) {
        out += "null";
        i += n - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

// The 1-based line where the top-level member `key` is written: the first
// line holding `"key"` followed by a colon.
int LineOfKey(std::string_view text, const std::string& key) {
  std::string quoted = json(key).dump();
  size_t pos = 0;
  while ((pos = text.find(quoted, pos)) != std::string_view::npos) {
    size_t after = pos + quoted.size();
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t' ||
                                   text[after] == '\r' || text[after] == '\n')) {
      ++after;
    }
    if (after < text.size() && text[after] == ':') {
      int line = 1;
      for (size_t i = 0; i < pos; ++i) line += text[i] == '\n';
      return line;
    }
    pos = after;
  }
  return 0;
}

}  // namespace

bool ParseObject(std::string_view text, Object* out, std::string* error, int* line) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) doc = json::parse(WithoutNonFinite(text), nullptr, false);
  if (doc.is_discarded()) {
    try {
      (void)json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
      size_t upto = std::min<size_t>(e.byte, text.size());
      int l = 1;
      for (size_t i = 0; i + 1 < upto; ++i) l += text[i] == '\n';
      *line = l;
      std::string what = e.what();
      size_t at = what.find("syntax error");
      *error = at == std::string::npos ? what : what.substr(at);
      return false;
    }
    *error = "not valid JSON";
    *line = 1;
    return false;
  }
  if (!doc.is_object()) {
    *error = "expected a JSON object";
    *line = 1;
    return false;
  }
  for (const auto& [key, value] : doc.items()) {
    Member m;
    m.line = LineOfKey(text, key);
    if (value.is_string()) {
      m.kind = Member::Kind::kString;
      m.text = value.get<std::string>();
    } else if (value.is_array() && !value.empty()) {
      bool all_strings = true;
      for (const auto& item : value) all_strings = all_strings && item.is_string();
      if (all_strings) {
        m.kind = Member::Kind::kStringArray;
        for (const auto& item : value) m.items.push_back(item.get<std::string>());
      }
    }
    out->members[key] = std::move(m);
  }
  return true;
}

}  // namespace lineage::git_json
