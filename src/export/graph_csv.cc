// Graph-shaped results as CSV.
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

}  // namespace lineage
