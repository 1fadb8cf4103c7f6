// `show`: one artifact with its parents and children, as text or JSON.
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
using export_internal::LicenseText;
using export_internal::RelationText;
using export_internal::EvidenceText;
using export_internal::EdgeJson;
using export_internal::ArtifactJson;
using export_internal::Dump;

// --- show --------------------------------------------------------------------------

void WriteShowText(const Artifact& a, const std::vector<Edge>& parents,
                   const std::vector<Edge>& children, std::ostream& out,
                   int64_t children_total) {
  out << a.id << "\n";
  auto row = [&out](const char* k, const std::string& v) {
    if (!v.empty()) out << "  " << std::left << std::setw(15) << k << v << "\n";
  };
  row("kind:", ArtifactKindName(a.kind));
  row("namespace:", a.author);
  row("organization:", Or(a.organization, "unknown"));
  row("part of:", a.organization_parent);
  row("country:", a.country.empty() ? "unknown"
                                    : a.country + (a.country_source.empty()
                                                       ? ""
                                                       : "  (source" +
                                                             (a.country_source_kind.empty()
                                                                  ? std::string()
                                                                  : ", " + a.country_source_kind) +
                                                             ": " + a.country_source + ")"));
  row("licence:", Or(LicenseText(a), "none declared"));
  if (!a.license_link.empty()) row("licence link:", a.license_link);
  row("created:", Or(a.created_at, "unknown"));
  row("pipeline:", a.pipeline_tag);
  row("library:", a.library_name);
  if (!a.declared) row("record:", "none (known only because another model names it)");
  row("source:", a.source);
  out << "  parents (" << parents.size() << "):\n";
  for (const auto& e : parents) {
    out << "    " << RelationText(e) << " -> " << e.parent << "\n";
    for (const auto& ev : e.evidence) {
      out << "        evidence: " << EvidenceText(ev) << "\n";
      if (e.inferred && !ev.detail.empty()) out << "          " << ev.detail << "\n";
    }
  }
  int64_t total = std::max<int64_t>(children_total, static_cast<int64_t>(children.size()));
  out << "  children (" << total << "):\n";
  for (const auto& e : children) {
    out << "    " << e.child << " (" << RelationText(e) << ")\n";
  }
  if (total > static_cast<int64_t>(children.size())) {
    out << "    ... and " << total - static_cast<int64_t>(children.size()) << " more\n";
  }
}

void WriteShowJson(const Artifact& a, const std::vector<Edge>& parents,
                   const std::vector<Edge>& children, std::ostream& out,
                   int64_t children_total) {
  ordered_json j = ArtifactJson(a);
  ordered_json p = ordered_json::array(), c = ordered_json::array();
  for (const auto& e : parents) p.push_back(EdgeJson(e));
  for (const auto& e : children) c.push_back(EdgeJson(e));
  j["parents"] = p;
  j["children"] = c;
  j["children_total"] =
      std::max<int64_t>(children_total, static_cast<int64_t>(children.size()));
  Dump(j, out);
}

}  // namespace lineage
