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

namespace {

struct Key {
  const char* id;
  const char* domain;  // node or edge
  const char* type;    // string, int, double, boolean
};

// Every key the writer uses, declared once in the header of the file.
const Key kKeys[] = {
    {"kind", "node", "string"},          {"author", "node", "string"},
    {"organization", "node", "string"},  {"organization_parent", "node", "string"},
    {"country", "node", "string"},       {"country_source", "node", "string"},
    {"country_source_kind", "node", "string"}, {"bloc", "node", "string"},
    {"license", "node", "string"},       {"license_normalized", "node", "string"},
    {"created_at", "node", "string"},    {"declared", "node", "boolean"},
    {"depth", "node", "int"},            {"relation", "edge", "string"},
    {"class", "edge", "string"},         {"relation_inferred", "edge", "boolean"},
    {"inferred", "edge", "boolean"},     {"confidence", "edge", "double"},
    {"evidence", "edge", "string"},
};

}  // namespace

void WriteGraphml(const Subgraph& g, std::ostream& out) { WriteGraphml(g, BlocTable{}, out); }

void WriteGraphml(const Subgraph& g, const BlocTable& blocs, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
  for (const Key& k : kKeys) {
    out << "  <key id=\"" << k.id << "\" for=\"" << k.domain << "\" attr.name=\"" << k.id
        << "\" attr.type=\"" << k.type << "\"/>\n";
  }
  out << "  <graph id=\"lineage\" edgedefault=\"directed\">\n";
  std::vector<const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  auto data = [&out](const char* k, const std::string& v) {
    out << "      <data key=\"" << k << "\">" << XmlEscape(v) << "</data>\n";
  };
  for (const auto* n : nodes) {
    const Artifact& a = n->artifact;
    out << "    <node id=\"" << XmlEscape(a.id) << "\">\n";
    data("kind", ArtifactKindName(a.kind));
    data("author", a.author);
    data("organization", a.organization);
    data("organization_parent", a.organization_parent);
    data("country", a.country);
    data("country_source", a.country_source);
    data("country_source_kind", a.country_source_kind);
    data("bloc", BlocOf(blocs, a.country));
    data("license", LicenseText(a));
    data("license_normalized", a.license_normalized);
    data("created_at", a.created_at);
    data("declared", a.declared ? "true" : "false");
    data("depth", std::to_string(n->depth));
    out << "    </node>\n";
  }
  for (const auto& e : g.edges) {
    std::string ev;
    for (const auto& x : e.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(x);
    std::ostringstream conf;
    conf << e.confidence;
    out << "    <edge source=\"" << XmlEscape(e.child) << "\" target=\"" << XmlEscape(e.parent)
        << "\">\n";
    data("relation", RelationName(e.relation));
    data("class", RelationClassName(ClassOf(e.relation)));
    data("relation_inferred", e.relation_inferred ? "true" : "false");
    data("inferred", e.inferred ? "true" : "false");
    data("confidence", conf.str());
    data("evidence", ev);
    out << "    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

}  // namespace lineage
