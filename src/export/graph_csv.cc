// Graph-shaped results as CSV: one row per edge for chains, and nodes and edges
// tables for `export csv`.
#include "lineage/export.h"

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

using export_internal::EvidenceText;

void WriteGraphCsv(const Subgraph& g, std::ostream& out) {
  std::unordered_map<std::string, const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes[IdKey(n.artifact.id)] = &n;
  out << "child,child_country,parent,parent_country,parent_depth,relation,relation_inferred,"
         "confidence,evidence\n";
  for (const auto& e : g.edges) {
    auto country = [&](const std::string& id) {
      auto it = nodes.find(IdKey(id));
      return it == nodes.end() ? std::string() : it->second->artifact.country;
    };
    auto depth = [&](const std::string& id) {
      auto it = nodes.find(IdKey(id));
      return it == nodes.end() ? std::string() : std::to_string(it->second->depth);
    };
    std::string ev;
    for (const auto& x : e.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(x);
    std::ostringstream conf;
    conf << std::fixed << std::setprecision(2) << e.confidence;
    out << CsvField(e.child) << "," << CsvField(country(e.child)) << "," << CsvField(e.parent)
        << "," << CsvField(country(e.parent)) << "," << depth(e.parent) << ","
        << RelationName(e.relation) << "," << (e.relation_inferred ? "true" : "false") << ","
        << conf.str() << "," << CsvField(ev) << "\n";
  }
}

void WriteNodesCsv(const Subgraph& g, const BlocTable& blocs, std::ostream& out) {
  out << "id,kind,depth,author,organization,organization_parent,country,country_source,"
         "country_source_kind,bloc,license,license_name,license_normalized,created_at,"
         "pipeline_tag,library_name,declared,source\n";
  std::vector<const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  for (const auto* n : nodes) {
    const Artifact& a = n->artifact;
    out << CsvField(a.id) << "," << ArtifactKindName(a.kind) << "," << n->depth << ","
        << CsvField(a.author) << "," << CsvField(a.organization) << ","
        << CsvField(a.organization_parent) << "," << CsvField(a.country) << ","
        << CsvField(a.country_source) << "," << CsvField(a.country_source_kind) << ","
        << CsvField(BlocOf(blocs, a.country)) << "," << CsvField(a.license) << ","
        << CsvField(a.license_name) << "," << CsvField(a.license_normalized) << ","
        << CsvField(a.created_at) << "," << CsvField(a.pipeline_tag) << ","
        << CsvField(a.library_name) << "," << (a.declared ? "true" : "false") << ","
        << CsvField(a.source) << "\n";
  }
}

void WriteEdgesCsv(const Subgraph& g, std::ostream& out) {
  out << "child,parent,relation,class,relation_inferred,inferred,confidence,evidence_kinds,"
         "evidence\n";
  for (const auto& e : g.edges) {
    std::string kinds, ev;
    for (const auto& x : e.evidence) {
      kinds += (kinds.empty() ? "" : " ") + x.kind;
      ev += (ev.empty() ? "" : "; ") + EvidenceText(x);
    }
    std::ostringstream conf;
    conf << std::fixed << std::setprecision(2) << e.confidence;
    out << CsvField(e.child) << "," << CsvField(e.parent) << "," << RelationName(e.relation)
        << "," << RelationClassName(ClassOf(e.relation)) << ","
        << (e.relation_inferred ? "true" : "false") << "," << (e.inferred ? "true" : "false")
        << "," << conf.str() << "," << CsvField(kinds) << "," << CsvField(ev) << "\n";
  }
}

}  // namespace lineage
