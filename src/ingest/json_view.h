// Read-only views of a parsed JSON value, one per parser, with the same small
// interface, so one template (ingest/hub_facts.h) reads a Hub record the same
// way from nlohmann_json (the reference) and simdjson (the fast path).
// Private to the ingest module.
//
// Semantics follow nlohmann_json, the reference: an object with a key given
// twice answers with the last value; an integer is IsInt (signed or not) and
// Int() casts it to int64 as nlohmann's get<int64_t>() does.
#ifndef LINEAGE_INGEST_JSON_VIEW_H_
#define LINEAGE_INGEST_JSON_VIEW_H_

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lineage::json_view {

// A double as an int64 the way the readers want it: truncated toward zero,
// 0 when it is not finite or does not fit (a cast would be undefined).
inline int64_t DoubleToInt(double d) {
  if (!std::isfinite(d) || d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) return 0;
  return static_cast<int64_t>(d);
}

}  // namespace lineage::json_view

#endif  // LINEAGE_INGEST_JSON_VIEW_H_
