#include "ingest/util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <xxhash.h>

namespace lineage::ingest_util {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return TrimRight(s);
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int FixUtf8(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  int line = 1, first_bad = 0;
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '\n') ++line;
    // Well-formed UTF-8 (Unicode 15, table 3-7): no overlongs, no surrogates,
    // nothing above U+10FFFF.
    size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(in[i + k]) >> 6) == 0x2;
    }
    if (ok && len >= 3) {
      unsigned char c1 = static_cast<unsigned char>(in[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) ok = false;
      if (c == 0xED && c1 > 0x9F) ok = false;
      if (c == 0xF0 && c1 < 0x90) ok = false;
      if (c == 0xF4 && c1 > 0x8F) ok = false;
    }
    if (ok) {
      out->append(in.substr(i, len));
      i += len;
    } else {
      if (!first_bad) first_bad = line;
      out->append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return first_bad;
}

namespace {

std::string Hex128(XXH128_hash_t h) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

}  // namespace

std::string HashHex(std::string_view data) { return Hex128(XXH3_128bits(data.data(), data.size())); }

StreamHash::StreamHash() : state_(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_));
}
StreamHash::~StreamHash() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }
void StreamHash::Update(std::string_view data) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), data.data(), data.size());
}
std::string StreamHash::Hex() const {
  return Hex128(XXH3_128bits_digest(static_cast<const XXH3_state_t*>(state_)));
}

std::string Fnv1aHex(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::vector<CsvRow> ParseCsv(std::string_view text, std::string* error, int* error_line) {
  std::vector<CsvRow> rows;
  size_t i = 0;
  int line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool in_quotes = false, row_done = false;
    int quote_line = line;
    while (i < text.size() && !row_done) {
      char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
          } else {
            in_quotes = false;
            ++i;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        continue;
      }
      if (c == '"' && field.empty()) {
        in_quotes = true;
        quote_line = line;
        ++i;
      } else if (c == ',') {
        row.fields.push_back(std::move(field));
        field.clear();
        ++i;
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      } else if (c == '\n') {
        ++line;
        ++i;
        row_done = true;
      } else {
        field += c;
        ++i;
      }
    }
    if (in_quotes) {
      if (error) *error = "unterminated quoted field";
      if (error_line) *error_line = quote_line;
      return rows;
    }
    row.fields.push_back(std::move(field));
    bool blank = row.fields.size() == 1 && Trim(row.fields[0]).empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

bool ReadPrefix(const std::string& path, size_t limit, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(limit, '\0');
  in.read(out->data(), static_cast<std::streamsize>(limit));
  out->resize(static_cast<size_t>(in.gcount()));
  return !in.bad();
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return !in.bad();
}

int JsonNestingDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxJsonDepth) return deepest;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace lineage::ingest_util
