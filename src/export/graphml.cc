// GraphML.
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

using export_internal::LicenseText;
using export_internal::EvidenceText;

void WriteGraphml(const Subgraph& g, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
  const char* node_keys[] = {"kind", "author", "organization", "country", "license", "created_at",
                             "depth"};
  for (const char* k : node_keys) {
    out << "  <key id=\"" << k << "\" for=\"node\" attr.name=\"" << k << "\" attr.type=\""
        << (std::string(k) == "depth" ? "int" : "string") << "\"/>\n";
  }
  out << "  <key id=\"relation\" for=\"edge\" attr.name=\"relation\" attr.type=\"string\"/>\n"
         "  <key id=\"confidence\" for=\"edge\" attr.name=\"confidence\" attr.type=\"double\"/>\n"
         "  <key id=\"evidence\" for=\"edge\" attr.name=\"evidence\" attr.type=\"string\"/>\n";
  out << "  <graph id=\"lineage\" edgedefault=\"directed\">\n";
  std::vector<const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  for (const auto* n : nodes) {
    const Artifact& a = n->artifact;
    out << "    <node id=\"" << XmlEscape(a.id) << "\">\n";
    auto data = [&out](const char* k, const std::string& v) {
      out << "      <data key=\"" << k << "\">" << XmlEscape(v) << "</data>\n";
    };
    data("kind", ArtifactKindName(a.kind));
    data("author", a.author);
    data("organization", a.organization);
    data("country", a.country);
    data("license", LicenseText(a));
    data("created_at", a.created_at);
    data("depth", std::to_string(n->depth));
    out << "    </node>\n";
  }
  for (const auto& e : g.edges) {
    std::string ev;
    for (const auto& x : e.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(x);
    out << "    <edge source=\"" << XmlEscape(e.child) << "\" target=\"" << XmlEscape(e.parent)
        << "\">\n      <data key=\"relation\">" << RelationName(e.relation)
        << "</data>\n      <data key=\"confidence\">" << e.confidence
        << "</data>\n      <data key=\"evidence\">" << XmlEscape(ev) << "</data>\n    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

}  // namespace lineage
