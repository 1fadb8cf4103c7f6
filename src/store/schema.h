// The on-disk schema of the store, as an ordered list of migrations.
// docs/schema.md documents every table; migrations only ever append.
#ifndef LINEAGE_STORE_SCHEMA_H_
#define LINEAGE_STORE_SCHEMA_H_

#include <vector>

namespace lineage::schema {

inline constexpr int kApplicationId = 0x4C4E4147;  // "LNAG"

// migrations()[i] brings a store from user_version i to i + 1.
const std::vector<const char*>& Migrations();

}  // namespace lineage::schema

#endif  // LINEAGE_STORE_SCHEMA_H_
