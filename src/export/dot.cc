// Graphviz DOT.
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
using export_internal::OwnerText;
using export_internal::kBlocColors;

namespace {

struct RelationStyle {
  const char* style;
  const char* color;
  const char* arrow;
};
RelationStyle StyleOf(Relation r) {
  switch (r) {
    case Relation::kFinetune: return {"solid", "#222222", "normal"};
    case Relation::kAdapter: return {"dashed", "#1f5fbf", "normal"};
    case Relation::kQuantized: return {"dotted", "#777777", "normal"};
    case Relation::kMerge: return {"bold", "#7b2cbf", "normal"};
    case Relation::kDistillation: return {"dashed", "#d9480f", "vee"};
    case Relation::kContinuedPretraining: return {"solid", "#2b8a3e", "normal"};
    case Relation::kCopy: return {"dotted", "#c92a2a", "empty"};
    case Relation::kComponent: return {"dashed", "#8d6e63", "odiamond"};
    case Relation::kTrainedOn: return {"dotted", "#0b7285", "onormal"};
    case Relation::kDependsOn: return {"dotted", "#495057", "onormal"};
    case Relation::kArchitecture: return {"dashed", "#5c940d", "odot"};
  }
  return {"solid", "#222222", "normal"};
}

const char* ShapeOf(ArtifactKind k) {
  switch (k) {
    case ArtifactKind::kModel: return "box";
    case ArtifactKind::kDataset: return "cylinder";
    case ArtifactKind::kSoftware: return "component";
  }
  return "box";
}

std::string Quote(const std::string& s) { return "\"" + DotEscape(s) + "\""; }

}  // namespace

void WriteDot(const Subgraph& g, const DotOptions& o, std::ostream& out) {
  // West blue and cn red in every picture; other blocs take the remaining
  // colours in name order. Only blocs present in the graph reach the legend.
  std::map<std::string, const char*> bloc_color;
  std::set<std::string> present;
  for (const auto& n : g.nodes) {
    std::string b = BlocOf(o.blocs, n.artifact.country);
    if (!b.empty()) present.insert(b);
  }
  size_t next = 2;
  for (const auto& [name, countries] : o.blocs) {
    if (!present.count(name)) continue;
    if (name == "west") bloc_color[name] = kBlocColors[1];
    else if (name == "cn") bloc_color[name] = kBlocColors[0];
    else bloc_color[name] = kBlocColors[next++ % (sizeof kBlocColors / sizeof *kBlocColors)];
  }
  auto color_of = [&](const Artifact& a) -> std::string {
    std::string b = BlocOf(o.blocs, a.country);
    return b.empty() ? "#ffffff" : bloc_color[b];
  };
  out << "digraph lineage {\n";
  out << "  graph [rankdir=BT, fontname=\"Helvetica\", fontsize=12, labelloc=t, label="
      << Quote(o.title.empty() ? "lineage: " + g.root : o.title) << "];\n";
  out << "  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\"];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  std::vector<const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  auto node_line = [&](const GraphNode& n, const std::string& indent) {
    const Artifact& a = n.artifact;
    std::string label = a.id + "\n" + OwnerText(a);
    std::string lic = LicenseText(a);
    if (!lic.empty()) label += "\n" + lic;
    out << indent << Quote(IdKey(a.id)) << " [label=" << Quote(label) << ", shape=" << ShapeOf(a.kind)
        << ", fillcolor=\"" << color_of(a) << "\"" << (IdKey(a.id) == IdKey(g.root) ? ", penwidth=2.5" : "")
        << (a.declared ? "" : ", color=\"#999999\", fontcolor=\"#555555\"") << "];\n";
  };
  if (o.cluster_by_organization) {
    std::map<std::string, std::vector<const GraphNode*>> clusters;
    for (const auto* n : nodes) {
      const Artifact& a = n->artifact;
      std::string org = a.organization.empty() ? a.author : a.organization;
      clusters[org + (a.country.empty() ? "" : " (" + a.country + ")")].push_back(n);
    }
    int i = 0;
    for (const auto& [name, members] : clusters) {
      out << "  subgraph cluster_" << i++ << " {\n    label=" << Quote(name)
          << ";\n    style=\"rounded\";\n    color=\"#bbbbbb\";\n";
      for (const auto* n : members) node_line(*n, "    ");
      out << "  }\n";
    }
  } else {
    for (const auto* n : nodes) node_line(*n, "  ");
  }
  std::set<Relation> used;
  for (const auto& e : g.edges) {
    RelationStyle st = StyleOf(e.relation);
    used.insert(e.relation);
    std::string label = RelationName(e.relation);
    if (e.relation_inferred) label += "?";
    auto mark = o.marked_edges.find(IdKey(e.child) + "\t" + IdKey(e.parent));
    out << "  " << Quote(IdKey(e.child)) << " -> " << Quote(IdKey(e.parent)) << " [label="
        << Quote(mark == o.marked_edges.end() ? label : label + "\n" + mark->second)
        << ", style=" << st.style << ", color=\""
        << (mark == o.marked_edges.end() ? st.color : "#e03131") << "\", arrowhead=" << st.arrow
        << (mark == o.marked_edges.end() ? "" : ", penwidth=2") << "];\n";
  }
  // Legend: the relations drawn and the bloc colours.
  out << "  subgraph cluster_legend {\n    label=\"legend\";\n    fontsize=10;\n"
         "    style=\"rounded\";\n    color=\"#cccccc\";\n";
  int k = 0;
  for (Relation r : used) {
    RelationStyle st = StyleOf(r);
    out << "    \"legend_rel_" << k << "_a\" [label=\"\", shape=point, width=0.05];\n";
    out << "    \"legend_rel_" << k << "_b\" [label=" << Quote(RelationName(r))
        << ", shape=plaintext, style=\"\"];\n";
    out << "    \"legend_rel_" << k << "_a\" -> \"legend_rel_" << k << "_b\" [style=" << st.style
        << ", color=\"" << st.color << "\", arrowhead=" << st.arrow << "];\n";
    ++k;
  }
  for (const auto& [bloc, color] : bloc_color) {
    out << "    " << Quote("legend_bloc_" + bloc) << " [label=" << Quote("bloc: " + bloc)
        << ", shape=box, fillcolor=\"" << color << "\"];\n";
  }
  out << "    \"legend_bloc_unknown\" [label=\"country unknown or no bloc\", shape=box, "
         "fillcolor=\"#ffffff\"];\n";
  if (!o.marked_edges.empty()) {
    out << "    \"legend_marked\" [label=\"red edge: licence finding\", shape=plaintext, "
           "style=\"\", fontcolor=\"#e03131\"];\n";
  }
  out << "  }\n}\n";
}

}  // namespace lineage
