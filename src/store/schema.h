// The on-disk schema of the store, as an ordered list of migrations.
// docs/schema.md documents every table; migrations only ever append.
#ifndef LINEAGE_STORE_SCHEMA_H_
#define LINEAGE_STORE_SCHEMA_H_

#include <sqlite3.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace lineage::schema {

inline constexpr int kApplicationId = 0x4C4E4147;  // "LNAG"

// migrations()[i] brings a store from user_version i to i + 1.
const std::vector<const char*>& Migrations();

// origin_data.name_hash (schema v11): FNV-1a of the origin name's bytes, as a
// signed 32-bit integer (4 bytes in a record). Stored: never change it. The
// migration computes it through the SQL function lineage_name_hash.
inline int32_t NameHash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int32_t>(h);
}

// Registers on `db` an rtrim(X, Y) that returns what SQLite's built-in does,
// without its cost quadratic in the length of Y: the generated column
// artifact.name_key calls it on every artifact write and index build.
// Readers need not register it (the results are the same).
void RegisterFastRtrim(sqlite3* db);

}  // namespace lineage::schema

#endif  // LINEAGE_STORE_SCHEMA_H_
