// config.json and adapter_config.json through nlohmann_json's SAX parser: the
// library tokenizes, this file keeps only the top-level strings and arrays of
// strings (a repository's config can nest thousands of levels and megabytes
// that no fact needs, and a parsed document would cost ~40 bytes a token),
// and finds the line of each top-level member for `file:line` evidence.
#include "git/json_scan.h"

#include <nlohmann/json.hpp>

#include <cstring>

#include "ingest/util.h"

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

int LineAt(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// The 1-based line of every top-level member's key, in one pass: a string at
// depth 1 of the outer object followed by a colon. A repeated key keeps the
// line of its last occurrence, as its value does.
std::map<std::string, int> TopLevelKeyLines(std::string_view text) {
  std::map<std::string, int> lines;
  int depth = 0, line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      size_t start = i;
      bool escaped = false;
      for (++i; i < text.size(); ++i) {
        if (text[i] == '\n') ++line;
        if (text[i] == '\\') {
          escaped = true;
          ++i;
        } else if (text[i] == '"') {
          break;
        }
      }
      if (depth != 1 || i >= text.size()) continue;
      size_t after = i + 1;
      while (after < text.size() && std::strchr(" \t\r\n", text[after]) != nullptr) ++after;
      if (after >= text.size() || text[after] != ':') continue;
      std::string_view token = text.substr(start, i + 1 - start);
      std::string key(token.substr(1, token.size() - 2));
      if (escaped) {
        json decoded = json::parse(token.begin(), token.end(), nullptr, false);
        if (!decoded.is_string()) continue;
        key = decoded.get<std::string>();
      }
      lines[key] = line;
    }
  }
  return lines;
}

// The offset of the bracket that opens one level more than kMaxJsonDepth.
size_t TooDeepOffset(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > ingest_util::kMaxJsonDepth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return 0;
}

// Keeps the top-level members of one object; stops at the first error.
class TopLevel {
 public:
  explicit TopLevel(Object* out) : out_(out) {}

  bool null() { return Scalar(); }
  bool boolean(bool) { return Scalar(); }
  bool number_integer(json::number_integer_t) { return Scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return Scalar(); }
  bool number_float(json::number_float_t, const json::string_t&) { return Scalar(); }
  bool binary(json::binary_t&) { return Scalar(); }
  bool string(json::string_t& s) {
    if (depth_ == 0) return NotObject();
    if (depth_ == 1) {
      Member m;
      m.kind = Member::Kind::kString;
      m.text = std::move(s);
      Put(std::move(m));
    } else if (depth_ == 2 && in_array_ && all_strings_) {
      array_.items.push_back(std::move(s));
    }
    return true;
  }
  bool start_object(std::size_t) {
    if (depth_ == 1) Put(Member{});
    if (depth_ == 2) all_strings_ = false;
    return Deeper();
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) return NotObject();
    if (depth_ == 1) {
      in_array_ = true;
      all_strings_ = true;
      array_ = Member{};
    }
    if (depth_ == 2) all_strings_ = false;
    return Deeper();
  }
  bool key(json::string_t& k) {
    if (depth_ == 1) key_ = std::move(k);
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool end_array() {
    if (--depth_ == 1) {
      in_array_ = false;
      if (all_strings_ && !array_.items.empty()) {
        array_.kind = Member::Kind::kStringArray;
      } else {
        array_.items.clear();
      }
      Put(std::move(array_));
      array_ = Member{};
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_offset_ = position > 0 ? position - 1 : 0;
    syntax_ = true;
    std::string what = e.what();
    size_t at = what.find("syntax error");
    if (at == std::string::npos) at = what.find("] ");
    error_ = at == std::string::npos ? what : what.substr(what[at] == ']' ? at + 2 : at);
    return false;
  }

  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }
  bool syntax_error() const { return syntax_; }
  bool too_deep() const { return too_deep_; }

 private:
  bool Scalar() {
    if (depth_ == 0) return NotObject();
    if (depth_ == 1) Put(Member{});
    if (depth_ == 2) all_strings_ = false;
    return true;
  }
  bool NotObject() {
    error_ = "expected a JSON object";
    return false;
  }
  bool Deeper() {
    if (++depth_ > ingest_util::kMaxJsonDepth) {
      too_deep_ = true;
      error_ = "nested deeper than " + std::to_string(ingest_util::kMaxJsonDepth) + " levels";
      return false;
    }
    return true;
  }
  void Put(Member m) { out_->members[key_] = std::move(m); }

  Object* out_;
  int depth_ = 0;
  std::string key_;
  bool in_array_ = false, all_strings_ = false;
  Member array_;
  std::string error_;
  size_t error_offset_ = 0;
  bool syntax_ = false, too_deep_ = false;
};

}  // namespace

bool ParseObject(std::string_view text, Object* out, std::string* error, int* line) {
  Object first;
  TopLevel reader(&first);
  bool ok = json::sax_parse(text.begin(), text.end(), &reader);
  if (!ok && reader.syntax_error() &&
      (text.find("NaN") != std::string_view::npos ||
       text.find("Infinity") != std::string_view::npos)) {
    // Perhaps only NaN or Infinity: read again without them (same lines).
    std::string finite = WithoutNonFinite(text);
    Object second;
    TopLevel again(&second);
    if (json::sax_parse(finite.begin(), finite.end(), &again)) {
      first = std::move(second);
      ok = true;
    }
  }
  if (!ok) {
    *error = reader.error().empty() ? "not valid JSON" : reader.error();
    *line = LineAt(text, reader.too_deep() ? TooDeepOffset(text) : reader.error_offset());
    return false;
  }
  std::map<std::string, int> lines = TopLevelKeyLines(text);
  for (auto& [key, member] : first.members) {
    auto it = lines.find(key);
    member.line = it == lines.end() ? 0 : it->second;
  }
  out->members = std::move(first.members);
  return true;
}

}  // namespace lineage::git_json
