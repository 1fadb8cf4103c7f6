// A fast reader for the plain front matter most cards have, so that bulk
// ingest does not pay yaml-cpp's price on every card. It understands a strict
// subset of YAML (top-level `key: scalar`, flow lists of scalars on one line,
// block lists of scalars, simple quoted strings, comments) and gives up on
// anything else; the caller then parses with yaml-cpp. Its results are
// checked against yaml-cpp's by tests/card_test.cc on generated cards.
#include "ingest/fast_front_matter.h"

#include <cctype>
#include <map>
#include <set>

#include "ingest/util.h"

namespace lineage {

namespace {

struct Item {
  bool null = false;
  std::string text;
  int line = 0;
};

// A top-level value: null, a scalar, or a sequence of scalars.
struct Value {
  enum Kind { kNull, kScalar, kSeq } kind = kNull;
  Item scalar;
  std::vector<Item> items;
  int line = 0;  // where yaml-cpp marks the node
};

bool IsNullWord(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::string_view StripComment(std::string_view s) {
  // " #" starts a comment in a plain scalar; a leading "#" too.
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '#' && (i == 0 || s[i - 1] == ' ')) return ingest_util::TrimRight(s.substr(0, i));
  }
  return ingest_util::TrimRight(s);
}

// A plain scalar we are sure yaml-cpp reads as the same text.
bool PlainOk(std::string_view s, bool in_flow) {
  if (s.empty()) return true;
  static const std::string kBadStart = "[]{},#&*!|>'\"%@`?:-";
  if (kBadStart.find(s[0]) != std::string::npos) {
    // "-" alone or "- " starts a sequence; "-x" is a plain scalar.
    if (s[0] == '-' && s.size() > 1 && s[1] != ' ') {
    } else if (s[0] == ':' && s.size() > 1 && s[1] != ' ' && !in_flow) {
    } else {
      return false;
    }
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\t' || c == '\r') return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ' || (in_flow && s[i + 1] == ','))) {
      return false;
    }
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
    if (in_flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')) return false;
    // yaml-cpp stops at '?' and ':' inside a flow list ("unknown token")
    // where the YAML spec reads on; leave such lists to it.
    if (in_flow && (c == '?' || c == ':')) return false;
    if (static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// Reads one scalar (quoted or plain) from `s`; false when unsure.
bool ReadScalar(std::string_view s, bool in_flow, Item* out) {
  s = ingest_util::Trim(s);
  if (s.empty()) {
    out->null = true;
    return true;
  }
  if (s[0] == '"') {
    if (s.size() < 2 || s.back() != '"') return false;
    std::string_view body = s.substr(1, s.size() - 2);
    if (body.find_first_of("\"\\") != std::string_view::npos) return false;
    out->text = std::string(body);
    return true;
  }
  if (s[0] == '\'') {
    if (s.size() < 2 || s.back() != '\'') return false;
    std::string_view body = s.substr(1, s.size() - 2);
    std::string text;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\'') {
        if (i + 1 < body.size() && body[i + 1] == '\'') {
          text += '\'';
          ++i;
        } else {
          return false;
        }
      } else {
        text += body[i];
      }
    }
    out->text = std::move(text);
    return true;
  }
  if (!PlainOk(s, in_flow)) return false;
  if (IsNullWord(s)) {
    out->null = true;
    return true;
  }
  out->text = std::string(s);
  return true;
}

// "[a, "b", c]" on one line.
bool ReadFlowList(std::string_view s, int line, Value* v) {
  s = ingest_util::Trim(s);
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
  std::string_view body = s.substr(1, s.size() - 2);
  v->kind = Value::kSeq;
  v->line = line;
  if (ingest_util::Trim(body).empty()) return true;
  size_t start = 0;
  while (start <= body.size()) {
    // Split on commas outside quotes.
    size_t i = start;
    char quote = 0;
    for (; i < body.size(); ++i) {
      char c = body[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ',') {
        break;
      }
    }
    if (quote) return false;
    std::string_view part = ingest_util::Trim(body.substr(start, i - start));
    if (part.empty()) {
      // "[a, ]" is fine in YAML (trailing comma); "[, a]" is not.
      if (i < body.size() || start == 0) return false;
      break;
    }
    Item item;
    item.line = line;
    if (!ReadScalar(part, true, &item)) return false;
    v->items.push_back(std::move(item));
    if (i >= body.size()) break;
    start = i + 1;
  }
  return true;
}

}  // namespace

bool FastParseFrontMatter(std::string_view yaml, int first_line, const std::string& source,
                          CardFields* f) {
  static const std::set<std::string, std::less<>> kWanted = {
      "base_model",   "datasets",     "base_model_relation", "license",    "license_name",
      "license_link", "language",     "tags",                "pipeline_tag", "library_name",
      "new_version"};
  // A carriage return that does not end a line ("\r\r\n", a bare "\r") is
  // a line break to YAML and not to us: leave such text to yaml-cpp.
  for (size_t cr = yaml.find('\r'); cr != std::string_view::npos; cr = yaml.find('\r', cr + 1)) {
    if (cr + 1 >= yaml.size() || yaml[cr + 1] != '\n') return false;
  }
  // yaml-cpp refuses a tab in a line's indentation after some values and not
  // after others ("illegal tab when looking for indentation"), a tab-only line
  // included; and it keeps a vertical tab or form feed that ends a value,
  // which Trim drops. Leave such text to it (found by fuzz_card).
  if (yaml.find_first_of("\v\f") != std::string_view::npos) return false;
  for (size_t at = 0; at < yaml.size();) {
    size_t first = yaml.find_first_not_of(' ', at);
    if (first != std::string_view::npos && yaml[first] == '\t') return false;
    size_t nl = yaml.find('\n', at);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= yaml.size()) {
    size_t nl = yaml.find('\n', pos);
    if (nl == std::string_view::npos) nl = yaml.size();
    std::string_view l = yaml.substr(pos, nl - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == yaml.size()) break;
    pos = nl + 1;
  }
  std::map<std::string, Value, std::less<>> values;
  std::set<std::string, std::less<>> seen;
  size_t i = 0;
  while (i < lines.size()) {
    std::string_view l = lines[i];
    int line = first_line + static_cast<int>(i);
    std::string_view t = ingest_util::TrimRight(l);
    if (t.empty() || t[0] == '#') {
      ++i;
      continue;
    }
    if (l.find('\t') != std::string_view::npos) return false;
    if (t[0] == ' ' || t[0] == '-') return false;  // stray indentation or a root sequence
    size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view key = t.substr(0, colon);
    for (char c : key) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
        return false;
      }
    }
    if (colon + 1 < t.size() && t[colon + 1] != ' ') return false;
    if (!seen.insert(std::string(key)).second) return false;  // duplicate keys: let yaml-cpp decide
    std::string_view rest = StripComment(colon + 1 < t.size() ? t.substr(colon + 2) : "");
    rest = ingest_util::Trim(rest);
    bool wanted = kWanted.count(key) > 0;
    Value v;
    v.line = line;
    ++i;
    if (!rest.empty()) {
      if (rest[0] == '[') {
        if (!ReadFlowList(rest, line, &v)) return false;
      } else {
        Item item;
        item.line = line;
        if (!ReadScalar(rest, false, &item)) return false;
        if (item.null) {
          v.kind = Value::kNull;
        } else {
          v.kind = Value::kScalar;
          v.scalar = std::move(item);
        }
      }
      // A value may not continue on more-indented lines (multi-line scalars).
      while (i < lines.size()) {
        std::string_view n = ingest_util::TrimRight(lines[i]);
        if (n.empty() || n[0] == '#') {
          ++i;
          continue;
        }
        if (n[0] == ' ') return false;
        break;
      }
    } else {
      // Block sequence of scalars, or (for keys we do not read) a simple
      // nested block; anything else goes to yaml-cpp.
      size_t j = i;
      int seq_indent = -1;
      bool nested_map = false;
      while (j < lines.size()) {
        std::string_view n = ingest_util::TrimRight(lines[j]);
        if (n.empty()) {
          ++j;
          continue;
        }
        size_t indent = n.find_first_not_of(' ');
        if (n[indent] == '#') {
          ++j;
          continue;
        }
        if (lines[j].find('\t') != std::string_view::npos) return false;
        bool dash = n[indent] == '-' && (indent + 1 == n.size() || n[indent + 1] == ' ');
        if (indent == 0 && !dash) break;
        if (dash && !nested_map) {
          if (seq_indent < 0) seq_indent = static_cast<int>(indent);
          if (static_cast<int>(indent) != seq_indent) return false;
          std::string_view item_text = indent + 1 < n.size() ? n.substr(indent + 2) : "";
          item_text = StripComment(item_text);
          if (!item_text.empty() && (item_text[0] == '[' || item_text[0] == '{' ||
                                     item_text.find(": ") != std::string_view::npos ||
                                     item_text.back() == ':')) {
            return false;
          }
          Item item;
          item.line = first_line + static_cast<int>(j);
          if (!ReadScalar(item_text, false, &item)) return false;
          if (v.kind != Value::kSeq) {
            v.kind = Value::kSeq;
            v.line = item.line;
          }
          v.items.push_back(std::move(item));
          ++j;
          continue;
        }
        if (wanted || v.kind == Value::kSeq || indent == 0) return false;
        // A nested mapping under a key we do not read: accept only
        // "key: scalar" lines at one indentation.
        nested_map = true;
        size_t c = n.find(':');
        if (c == std::string_view::npos || (c + 1 < n.size() && n[c + 1] != ' ')) return false;
        if (indent != 2) return false;
        std::string_view sub = StripComment(c + 1 < n.size() ? n.substr(c + 2) : "");
        Item ignored;
        if (sub.empty() || sub[0] == '[' || !ReadScalar(sub, false, &ignored)) return false;
        ++j;
      }
      // A sequence at indent 0 ends where a key starts; a dash line at indent
      // 0 after a nested map is not ours.
      i = j;
    }
    if (wanted) values[std::string(key)] = std::move(v);
  }

  auto list = [&](const char* key, std::vector<CardFields::Value>* out) {
    auto it = values.find(key);
    if (it == values.end()) return;
    const Value& v = it->second;
    if (v.kind == Value::kScalar) {
      if (!ingest_util::Trim(v.scalar.text).empty()) out->push_back({v.scalar.text, v.scalar.line});
    } else if (v.kind == Value::kSeq) {
      for (const auto& item : v.items) {
        if (!item.null && !ingest_util::Trim(item.text).empty()) out->push_back({item.text, item.line});
      }
    }
  };
  auto single = [&](const char* key, CardFields::Value* out) {
    auto it = values.find(key);
    if (it == values.end() || it->second.kind == Value::kNull) return;
    const Value& v = it->second;
    if (v.kind == Value::kSeq) {
      std::string joined;
      for (const auto& item : v.items) {
        if (!item.null) joined += (joined.empty() ? "" : "; ") + item.text;
      }
      *out = {joined, v.line};
      return;
    }
    *out = {v.scalar.text, v.scalar.line};
  };
  auto strings = [&](const char* key) {
    std::vector<std::string> out;
    auto it = values.find(key);
    if (it == values.end()) return out;
    if (it->second.kind == Value::kScalar) out.push_back(it->second.scalar.text);
    if (it->second.kind == Value::kSeq) {
      for (const auto& item : it->second.items) {
        if (!item.null) out.push_back(item.text);
      }
    }
    return out;
  };
  auto scalar = [&](const char* key) {
    auto it = values.find(key);
    return it != values.end() && it->second.kind == Value::kScalar ? it->second.scalar.text
                                                                   : std::string();
  };
  (void)source;
  list("base_model", &f->base_models);
  list("datasets", &f->datasets);
  single("base_model_relation", &f->base_model_relation);
  single("license", &f->license);
  single("license_name", &f->license_name);
  single("license_link", &f->license_link);
  f->languages = strings("language");
  f->tags = strings("tags");
  f->pipeline_tag = scalar("pipeline_tag");
  f->library_name = scalar("library_name");
  f->new_version = scalar("new_version");
  return true;
}

}  // namespace lineage
