#include "git/json_scan.h"

#include <cstdint>

namespace lineage::git_json {

namespace {

// Nesting deeper than this is refused rather than risking the stack on hostile input.
constexpr int kMaxDepth = 200;

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  bool ParseTop(Object* out) {
    SkipSpace();
    if (pos_ == 0 && s_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
      SkipSpace();
    }
    if (!Peek('{')) return Fail("expected a JSON object");
    ++pos_;
    SkipSpace();
    if (Peek('}')) {
      ++pos_;
      return End();
    }
    while (true) {
      SkipSpace();
      if (!Peek('"')) return Fail("expected a member name in double quotes");
      std::string key;
      if (!String(&key)) return false;
      SkipSpace();
      if (!Peek(':')) return Fail("expected ':' after member name");
      ++pos_;
      SkipSpace();
      Member m;
      m.line = line_;
      if (Peek('"')) {
        m.kind = Member::Kind::kString;
        if (!String(&m.text)) return false;
      } else if (Peek('[')) {
        if (!Array(&m)) return false;
      } else if (!Value(1)) {
        return false;
      }
      out->members[key] = std::move(m);
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      if (Peek('}')) {
        ++pos_;
        return End();
      }
      return Fail("expected ',' or '}' after a member");
    }
  }

  const std::string& error() const { return error_; }
  int line() const { return line_; }

 private:
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  bool End() {
    SkipSpace();
    if (pos_ != s_.size()) return Fail("text after the end of the JSON object");
    return true;
  }

  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return Fail("bad \\u escape");
    }
    *out = v;
    return true;
  }

  // At the opening quote.
  bool String(std::string* out) {
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c == '\n') return Fail("unterminated string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t low;
            if (!Hex4(&low)) return false;
            if (low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail(std::string("bad escape '\\") + e + "' in string");
      }
    }
    return Fail("unterminated string");
  }

  // At '['; keeps the items when they are all strings.
  bool Array(Member* m) {
    ++pos_;
    bool all_strings = true;
    std::vector<std::string> items;
    SkipSpace();
    if (Peek(']')) {
      ++pos_;
      m->kind = Member::Kind::kStringArray;
      return true;
    }
    while (true) {
      SkipSpace();
      if (Peek('"')) {
        std::string item;
        if (!String(&item)) return false;
        items.push_back(std::move(item));
      } else {
        all_strings = false;
        if (!Value(2)) return false;
      }
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      if (Peek(']')) {
        ++pos_;
        break;
      }
      return Fail("expected ',' or ']' in an array");
    }
    if (all_strings) {
      m->kind = Member::Kind::kStringArray;
      m->items = std::move(items);
    }
    return true;
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Any value, skipped.
  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail("JSON nested too deeply");
    SkipSpace();
    if (pos_ >= s_.size()) return Fail("unexpected end of text");
    char c = s_[pos_];
    if (c == '"') {
      std::string ignored;
      return String(&ignored);
    }
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos_;
      SkipSpace();
      if (Peek(close)) {
        ++pos_;
        return true;
      }
      while (true) {
        SkipSpace();
        if (c == '{') {
          if (!Peek('"')) return Fail("expected a member name in double quotes");
          std::string ignored;
          if (!String(&ignored)) return false;
          SkipSpace();
          if (!Peek(':')) return Fail("expected ':' after member name");
          ++pos_;
        }
        if (!Value(depth + 1)) return false;
        SkipSpace();
        if (Peek(',')) {
          ++pos_;
          continue;
        }
        if (Peek(close)) {
          ++pos_;
          return true;
        }
        return Fail(std::string("expected ',' or '") + close + "'");
      }
    }
    if (Literal("true") || Literal("false") || Literal("null") || Literal("NaN") ||
        Literal("Infinity") || Literal("-Infinity")) {
      return true;
    }
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char d = s_[pos_];
      if ((d >= '0' && d <= '9') || d == '-' || d == '+' || d == '.' || d == 'e' || d == 'E') {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) return Fail(std::string("unexpected character '") + c + "'");
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
};

}  // namespace

bool ParseObject(std::string_view text, Object* out, std::string* error, int* line) {
  Parser p(text);
  Object obj;
  if (!p.ParseTop(&obj)) {
    *error = p.error();
    *line = p.line();
    return false;
  }
  *out = std::move(obj);
  return true;
}

}  // namespace lineage::git_json
