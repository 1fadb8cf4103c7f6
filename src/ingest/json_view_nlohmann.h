// The nlohmann_json view (ingest/json_view.h). Private to the ingest module.
#ifndef LINEAGE_INGEST_JSON_VIEW_NLOHMANN_H_
#define LINEAGE_INGEST_JSON_VIEW_NLOHMANN_H_

#include <nlohmann/json.hpp>

#include <string>

#include "ingest/json_view.h"

namespace lineage::json_view {

class NlohmannView {
 public:
  explicit NlohmannView(const nlohmann::json& j) : j_(&j) {}
  bool IsObject() const { return j_->is_object(); }
  bool IsArray() const { return j_->is_array(); }
  bool IsString() const { return j_->is_string(); }
  bool IsNumber() const { return j_->is_number(); }
  bool IsInt() const { return j_->is_number_integer() || j_->is_number_unsigned(); }
  bool IsFloat() const { return j_->is_number_float(); }
  std::string_view Str() const { return j_->get_ref<const std::string&>(); }
  int64_t Int() const { return j_->get<int64_t>(); }
  double Double() const { return j_->get<double>(); }
  bool Empty() const { return j_->empty(); }
  std::optional<NlohmannView> Find(std::string_view key) const {
    if (!j_->is_object()) return std::nullopt;
    auto it = j_->find(key);
    if (it == j_->end()) return std::nullopt;
    return NlohmannView(*it);
  }
  std::optional<NlohmannView> At(size_t index) const {
    if (!j_->is_array() || index >= j_->size()) return std::nullopt;
    return NlohmannView((*j_)[index]);
  }
  template <class F>
  void ForEach(F&& f) const {
    if (!j_->is_array()) return;
    for (const auto& item : *j_) f(NlohmannView(item));
  }
  template <class F>
  void ForEachField(F&& f) const {
    if (!j_->is_object()) return;
    for (const auto& [k, v] : j_->items()) f(std::string_view(k), NlohmannView(v));
  }

 private:
  const nlohmann::json* j_;
};

}  // namespace lineage::json_view

#endif  // LINEAGE_INGEST_JSON_VIEW_NLOHMANN_H_
