// Small text helpers shared by the ingest readers.
#ifndef LINEAGE_INGEST_UTIL_H_
#define LINEAGE_INGEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lineage::ingest_util {

std::string_view Trim(std::string_view s);
std::string_view TrimRight(std::string_view s);

// Copies `in` to `out`, replacing each invalid UTF-8 sequence with U+FFFD.
// Returns the 1-based line of the first invalid byte, 0 when all was valid.
int FixUtf8(std::string_view in, std::string* out);

// XXH3-128, as 32 hex digits: identifies a document's content ("unchanged"
// documents are skipped, so the hash must not collide in practice).
std::string HashHex(std::string_view data);

// HashHex of data fed in pieces: Update(a); Update(b) gives HashHex(a + b).
class StreamHash {
 public:
  StreamHash();
  ~StreamHash();
  StreamHash(const StreamHash&) = delete;
  StreamHash& operator=(const StreamHash&) = delete;
  void Update(std::string_view data);
  std::string Hex() const;

 private:
  void* state_;  // XXH3_state_t
};

// 64-bit FNV-1a, as 16 hex digits. Only for names that must stay stable
// across versions (the tag of a dump's origin), never for "unchanged".
std::string Fnv1aHex(std::string_view data);

// RFC 4180 CSV: quoted fields, doubled quotes, CRLF. Each row carries the
// 1-based line it starts on. An unterminated quote is reported in `error`.
struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};
std::vector<CsvRow> ParseCsv(std::string_view text, std::string* error, int* error_line);

// Reads at most `limit` bytes from the start of a file; false when it cannot be read.
bool ReadPrefix(const std::string& path, size_t limit, std::string* out);

// Reads a whole file; false when it cannot be read.
bool ReadFile(const std::string& path, std::string* out);

// JSON nested deeper than this is refused before nlohmann parses it:
// re-serialising (and destroying) a value recurses once per level.
constexpr int kMaxJsonDepth = 512;

// The deepest nesting of the JSON `text`, counting no further than just past
// kMaxJsonDepth.
int JsonNestingDepth(std::string_view text);

}  // namespace lineage::ingest_util

#endif  // LINEAGE_INGEST_UTIL_H_
