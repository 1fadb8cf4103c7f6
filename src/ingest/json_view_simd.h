// The simdjson view (ingest/json_view.h), over a DOM element. Private to the
// ingest module; simdjson.h is large, so only the dump reader includes this.
#ifndef LINEAGE_INGEST_JSON_VIEW_SIMD_H_
#define LINEAGE_INGEST_JSON_VIEW_SIMD_H_

#include <simdjson.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "ingest/json_view.h"

namespace lineage::json_view {

class SimdView {
 public:
  explicit SimdView(simdjson::dom::element e) : e_(e) {}
  bool IsObject() const { return e_.type() == simdjson::dom::element_type::OBJECT; }
  bool IsArray() const { return e_.type() == simdjson::dom::element_type::ARRAY; }
  bool IsString() const { return e_.type() == simdjson::dom::element_type::STRING; }
  bool IsInt() const {
    auto t = e_.type();
    return t == simdjson::dom::element_type::INT64 || t == simdjson::dom::element_type::UINT64;
  }
  bool IsFloat() const { return e_.type() == simdjson::dom::element_type::DOUBLE; }
  bool IsNumber() const { return IsInt() || IsFloat(); }
  std::string_view Str() const { return e_.get_string().value_unsafe(); }
  int64_t Int() const {
    if (e_.type() == simdjson::dom::element_type::UINT64) {
      return static_cast<int64_t>(e_.get_uint64().value_unsafe());
    }
    return e_.get_int64().value_unsafe();
  }
  double Double() const {
    switch (e_.type()) {
      case simdjson::dom::element_type::INT64: return static_cast<double>(e_.get_int64().value_unsafe());
      case simdjson::dom::element_type::UINT64:
        return static_cast<double>(e_.get_uint64().value_unsafe());
      default: return e_.get_double().value_unsafe();
    }
  }
  bool Empty() const {
    if (IsObject()) return Object().size() == 0;
    if (IsArray()) return Array().size() == 0;
    return e_.type() == simdjson::dom::element_type::NULL_VALUE;
  }
  // The last value of `key`, as nlohmann keeps it.
  std::optional<SimdView> Find(std::string_view key) const {
    if (!IsObject()) return std::nullopt;
    std::optional<SimdView> found;
    simdjson::dom::object obj = Object();
    for (auto field : obj) {
      if (field.key == key) found = SimdView(field.value);
    }
    return found;
  }
  std::optional<SimdView> At(size_t index) const {
    if (!IsArray()) return std::nullopt;
    simdjson::dom::array arr = Array();
    auto r = arr.at(index);
    if (r.error()) return std::nullopt;
    return SimdView(r.value_unsafe());
  }
  template <class F>
  void ForEach(F&& f) const {
    if (!IsArray()) return;
    simdjson::dom::array arr = Array();
    for (auto item : arr) f(SimdView(item));
  }
  // Each key once, with its last value, in key order as nlohmann iterates.
  template <class F>
  void ForEachField(F&& f) const {
    if (!IsObject()) return;
    std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
    simdjson::dom::object obj = Object();
    for (auto field : obj) fields.emplace_back(field.key, field.value);
    // Later duplicates win: stable sort by key, then keep the last of each run.
    std::stable_sort(fields.begin(), fields.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i + 1 < fields.size() && fields[i + 1].first == fields[i].first) continue;
      f(fields[i].first, SimdView(fields[i].second));
    }
  }

 private:
  // Copies (a tape reference): never iterate a temporary result's value.
  simdjson::dom::object Object() const {
    simdjson::dom::object o;
    if (e_.get(o) != simdjson::SUCCESS) return {};
    return o;
  }
  simdjson::dom::array Array() const {
    simdjson::dom::array a;
    if (e_.get(a) != simdjson::SUCCESS) return {};
    return a;
  }

  simdjson::dom::element e_;
};

}  // namespace lineage::json_view

#endif  // LINEAGE_INGEST_JSON_VIEW_SIMD_H_
