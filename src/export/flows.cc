// `flows` as text, JSON and CSV.
#include "lineage/export.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "export/internal.h"

namespace lineage {

using export_internal::ordered_json;
using export_internal::Or;
using export_internal::NullIfEmpty;
using export_internal::Dump;

namespace {

std::string PathText(const Flow& f) {
  std::string s = f.path.empty() ? "" : f.path[0];
  for (size_t i = 1; i < f.path.size(); ++i) {
    s += " -[" + std::string(RelationName(f.relations[i - 1])) + "]-> " + f.path[i];
  }
  return s;
}

}  // namespace

void WriteFlowsText(const FlowReport& r, std::ostream& out, size_t max_rows) {
  out << "Models in " << r.to << " built on bases from " << r.from << ": " << r.models
      << " model" << (r.models == 1 ? "" : "s") << ", " << r.bases << " base"
      << (r.bases == 1 ? "" : "s") << ", " << r.flows.size() << " path"
      << (r.flows.size() == 1 ? "" : "s") << "\n";
  if (r.flows.empty()) return;
  out << "\n";
  size_t shown = 0;
  for (const auto& f : r.flows) {
    if (max_rows && shown >= max_rows) {
      out << "  ... " << (r.flows.size() - shown) << " more (use --format csv or json for all)\n";
      break;
    }
    ++shown;
    out << "  " << f.model << " [" << Or(f.model_organization, "?") << " \xC2\xB7 "
        << Or(f.model_country, "?") << "]\n      <- " << f.base << " [" << Or(f.base_organization, "?")
        << " \xC2\xB7 " << Or(f.base_country, "?") << "], " << (f.path.size() - 1) << " hop"
        << (f.path.size() == 2 ? "" : "s") << ": " << PathText(f) << "\n";
  }
  auto table = [&out](const char* title, const std::vector<FlowSummaryRow>& rows) {
    out << "\n" << title << "\n";
    size_t n = 0;
    for (const auto& row : rows) {
      if (++n > 15) {
        out << "  ... " << rows.size() - 15 << " more\n";
        break;
      }
      out << "  " << std::right << std::setw(5) << row.models << "  " << row.key << "\n";
    }
  };
  table("By base organization -> derivative organization (models):", r.by_organization);
  table("By base family (models):", r.by_family);
  table("By kind of dependence on the path (models; a model may count in several):", r.by_class);
}

void WriteFlowsJson(const FlowReport& r, std::ostream& out) {
  ordered_json j;
  j["from"] = r.from;
  j["to"] = r.to;
  j["models"] = r.models;
  j["bases"] = r.bases;
  ordered_json flows = ordered_json::array();
  for (const auto& f : r.flows) {
    ordered_json x;
    x["model"] = f.model;
    x["model_organization"] = NullIfEmpty(f.model_organization);
    x["model_country"] = NullIfEmpty(f.model_country);
    x["base"] = f.base;
    x["base_organization"] = NullIfEmpty(f.base_organization);
    x["base_country"] = NullIfEmpty(f.base_country);
    x["family"] = f.family;
    x["path"] = f.path;
    ordered_json rel = ordered_json::array();
    for (auto rr : f.relations) rel.push_back(RelationName(rr));
    x["relations"] = rel;
    flows.push_back(x);
  }
  j["flows"] = flows;
  auto summary = [](const std::vector<FlowSummaryRow>& rows) {
    ordered_json a = ordered_json::array();
    for (const auto& row : rows) a.push_back({{"key", row.key}, {"models", row.models}});
    return a;
  };
  j["by_organization"] = summary(r.by_organization);
  j["by_family"] = summary(r.by_family);
  j["by_class"] = summary(r.by_class);
  Dump(j, out);
}

void WriteFlowsCsv(const FlowReport& r, std::ostream& out) {
  out << "model,model_organization,model_country,base,base_organization,base_country,family,"
         "hops,relations,path\n";
  for (const auto& f : r.flows) {
    std::string rel, path;
    for (auto x : f.relations) rel += (rel.empty() ? "" : " ") + std::string(RelationName(x));
    for (const auto& p : f.path) path += (path.empty() ? "" : " > ") + p;
    out << CsvField(f.model) << "," << CsvField(f.model_organization) << ","
        << CsvField(f.model_country) << "," << CsvField(f.base) << ","
        << CsvField(f.base_organization) << "," << CsvField(f.base_country) << ","
        << CsvField(f.family) << "," << (f.path.size() - 1) << "," << CsvField(rel) << ","
        << CsvField(path) << "\n";
  }
}

}  // namespace lineage
