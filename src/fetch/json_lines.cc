#include "fetch/json_lines.h"

#include <nlohmann/json.hpp>

namespace lineage::fetch {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// The index just past the string starting at s[i] == '"', or npos.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The index just past the value starting at s[i], tracking nesting; npos when
// the value does not end, or nests deeper than kMaxJsonDepth. Scalars end at
// the next delimiter; their syntax is checked later by nlohmann's acceptor.
size_t SkipValue(std::string_view s, size_t i, bool* too_deep) {
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      i = SkipString(s, i);
      if (i == std::string_view::npos) return i;
      if (depth == 0) return i;
      continue;
    }
    if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        *too_deep = true;
        return std::string_view::npos;
      }
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;  // end of the enclosing container
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ':' || IsSpace(c))) {
      return i;
    }
    ++i;
  }
  return depth == 0 ? i : std::string_view::npos;
}

std::string Compact(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size();) {
    if (v[i] == '"') {
      size_t end = SkipString(v, i);
      out.append(v.substr(i, end - i));
      i = end;
    } else {
      if (v[i] != '\n' && v[i] != '\r' && v[i] != '\t') out.push_back(v[i]);
      ++i;
    }
  }
  return out;
}

Status Bad(size_t at, const std::string& what) {
  return Status::Corruption("page is not a JSON array of objects at byte " + std::to_string(at) +
                            ": " + what);
}

}  // namespace

Status SplitArray(std::string_view body, std::vector<std::string>* objects) {
  objects->clear();
  size_t i = SkipSpace(body, 0);
  if (i >= body.size() || body[i] != '[') return Bad(i, "expected '['");
  i = SkipSpace(body, i + 1);
  if (i < body.size() && body[i] == ']') {
    i = SkipSpace(body, i + 1);
    return i == body.size() ? Status::Ok() : Bad(i, "data after the array");
  }
  while (true) {
    if (i >= body.size()) return Bad(i, "truncated");
    if (body[i] != '{') return Bad(i, "expected an object");
    bool too_deep = false;
    size_t end = SkipValue(body, i, &too_deep);
    if (too_deep) return Bad(i, "nested deeper than " + std::to_string(kMaxJsonDepth));
    if (end == std::string_view::npos) return Bad(body.size(), "truncated");
    std::string line = Compact(body.substr(i, end - i));
    if (!nlohmann::json::accept(line)) return Bad(i, "invalid JSON object");
    objects->push_back(std::move(line));
    i = SkipSpace(body, end);
    if (i >= body.size()) return Bad(i, "truncated");
    if (body[i] == ',') {
      i = SkipSpace(body, i + 1);
      continue;
    }
    if (body[i] != ']') return Bad(i, "expected ',' or ']'");
    i = SkipSpace(body, i + 1);
    return i == body.size() ? Status::Ok() : Bad(i, "data after the array");
  }
}

bool TopLevelString(std::string_view object, std::string_view key, std::string* value) {
  size_t i = SkipSpace(object, 0);
  if (i >= object.size() || object[i] != '{') return false;
  i = SkipSpace(object, i + 1);
  while (i < object.size() && object[i] == '"') {
    size_t kend = SkipString(object, i);
    if (kend == std::string_view::npos) return false;
    std::string_view k = object.substr(i + 1, kend - i - 2);
    i = SkipSpace(object, kend);
    if (i >= object.size() || object[i] != ':') return false;
    i = SkipSpace(object, i + 1);
    bool too_deep = false;
    size_t vend = SkipValue(object, i, &too_deep);
    if (vend == std::string_view::npos) return false;
    // Keys with escapes are compared raw: the Hub's keys never need them.
    if (k == key) {
      if (object[i] != '"') return false;
      std::string_view raw = object.substr(i, vend - i);
      if (raw.find('\\') == std::string_view::npos) {
        value->assign(raw.substr(1, raw.size() - 2));
        return true;
      }
      auto j = nlohmann::json::parse(raw, nullptr, false);
      if (j.is_discarded() || !j.is_string()) return false;
      *value = j.get<std::string>();
      return true;
    }
    i = SkipSpace(object, vend);
    if (i >= object.size() || object[i] != ',') return false;
    i = SkipSpace(object, i + 1);
  }
  return false;
}

}  // namespace lineage::fetch
