// Graphviz DOT.
#include "lineage/export.h"

#include <algorithm>
#include <functional>
#include <utility>
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

namespace {

// Rough sizes of what dot draws, in inches (Helvetica 10 pt labels), to plan
// the layout before dot sees it.
constexpr double kCharWidth = 0.075, kLineHeight = 0.19, kNodePad = 0.35, kNodeSep = 0.25,
                 kRankSep = 0.75;

struct Box {
  double w = 0, h = 0;
};

Box LabelBox(const std::string& label) {
  size_t longest = 0, lines = 1, cur = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(label[i]);
    if (c == '\n') {
      ++lines;
      cur = 0;
      continue;
    }
    if ((c & 0xC0) != 0x80) longest = std::max(longest, ++cur);  // count UTF-8 characters
  }
  return {longest * kCharWidth + kNodePad, lines * kLineHeight + 0.2};
}

// What WriteDot draws: the nodes (after summarising fan-outs), their edges,
// and the invisible edges that stack wide ranks into rows.
struct Plan {
  std::vector<const GraphNode*> nodes;                  // sorted by id key
  std::vector<const Edge*> edges;                       // drawn edges, in input order
  std::vector<std::pair<std::string, std::string>> more;  // parent key -> "N more" label
  std::vector<std::pair<std::string, std::string>> stack;  // invisible: lower -> upper key
  bool sideways = false;  // ranks left to right (bases on the left) instead of top down
};

// A parent with more than `limit` children keeps the children that lead on
// (have children or other parents of their own) and the first leaves, and the
// other leaves become one "N more" node.
void SummariseFanOuts(const Subgraph& g, int limit, Plan* plan) {
  std::map<std::string, std::vector<const Edge*>> children, parents;
  for (const auto& e : g.edges) {
    children[IdKey(e.parent)].push_back(&e);
    parents[IdKey(e.child)].push_back(&e);
  }
  std::set<std::string> hidden;
  std::set<const Edge*> hidden_edges;
  if (limit > 0) {
    for (auto& [parent, list] : children) {
      if (static_cast<int>(list.size()) <= limit) continue;
      std::vector<const Edge*> leaves;
      int keep = limit;
      for (const Edge* e : list) {
        std::string c = IdKey(e->child);
        bool leaf = !children.count(c) && parents[c].size() == 1 && c != IdKey(g.root);
        if (leaf) leaves.push_back(e);
        else --keep;
      }
      // Rarer relations stay in view; the common ones fold first.
      std::map<Relation, int> common;
      for (const Edge* e : leaves) ++common[e->relation];
      std::sort(leaves.begin(), leaves.end(), [&common](const Edge* a, const Edge* b) {
        return std::make_pair(common[a->relation], IdKey(a->child)) <
               std::make_pair(common[b->relation], IdKey(b->child));
      });
      size_t first_hidden = static_cast<size_t>(std::max(keep, 0));
      if (leaves.size() <= first_hidden + 1) continue;  // one node for one node gains nothing
      std::map<std::string, int> by_relation;
      for (size_t i = first_hidden; i < leaves.size(); ++i) {
        hidden.insert(IdKey(leaves[i]->child));
        hidden_edges.insert(leaves[i]);
        ++by_relation[RelationName(leaves[i]->relation)];
      }
      std::string label = std::to_string(leaves.size() - first_hidden) + " more";
      for (const auto& [r, n] : by_relation) label += "\n" + std::to_string(n) + " " + r;
      plan->more.emplace_back(parent, label);
    }
  }
  for (const auto& n : g.nodes) {
    if (!hidden.count(IdKey(n.artifact.id))) plan->nodes.push_back(&n);
  }
  std::sort(plan->nodes.begin(), plan->nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  for (const auto& e : g.edges) {
    if (!hidden_edges.count(&e)) plan->edges.push_back(&e);
  }
}

// Stacks the widest rank into rows (invisible edges from each node of a row
// to the node above it) until the estimated picture is no wider than
// `max_aspect` times its height, or no rank can be split further.
void WrapWideRanks(const std::map<std::string, Box>& boxes, double title_width,
                   double max_aspect, bool clustered, Plan* plan) {
  // Frames, edge labels and dot's ordering widen the picture beyond the
  // estimate (measured on the demo graphs: about 1.5 times, 2.5 with frames).
  const double slack = clustered ? 2.5 : 1.5;
  if (max_aspect <= 0) return;
  // `up[k]`: the nodes k must be drawn below (its parents, and rows above it).
  std::map<std::string, std::vector<std::string>> up;
  for (const Edge* e : plan->edges) up[IdKey(e->child)].push_back(IdKey(e->parent));
  for (const auto& [parent, label] : plan->more) up["more:" + parent].push_back(parent);
  // Ranks counted from the top (bases), as dot places them with rankdir=BT.
  auto ranks = [&]() {
    std::map<std::string, int> rank;
    std::function<int(const std::string&, int)> of = [&](const std::string& k, int guard) {
      auto it = rank.find(k);
      if (it != rank.end()) return it->second;
      int r = 0;
      if (guard < 10000) {
        rank[k] = 0;  // breaks a cycle, should the graph have one
        auto u = up.find(k);
        if (u != up.end()) {
          for (const auto& p : u->second) r = std::max(r, of(p, guard + 1) + 1);
        }
      }
      rank[k] = r;
      return r;
    };
    for (const auto& [k, b] : boxes) of(k, 0);
    return rank;
  };
  for (int round = 0; round < 200; ++round) {
    auto rank = ranks();
    std::map<int, std::vector<std::string>> by_rank;
    for (const auto& [k, r] : rank) {
      if (boxes.count(k)) by_rank[r].push_back(k);
    }
    std::map<int, double> width, height;
    for (const auto& [r, ks] : by_rank) {
      for (const auto& k : ks) {
        width[r] += boxes.at(k).w + kNodeSep;
        height[r] = std::max(height[r], boxes.at(k).h);
      }
    }
    double total_h = 0.5, max_w = title_width;
    int widest = -1;
    for (const auto& [r, h] : height) total_h += h + kRankSep;
    for (const auto& [r, w] : width) {
      if (w > max_w) {
        max_w = w;
        widest = r;
      }
    }
    if (widest < 0 || max_w * slack <= max_aspect * total_h) return;
    if (round == 0) {
      // A wide, shallow picture turned on its side: ranks become columns.
      double side_w = title_width, side_h = 0.5;
      for (const auto& [r, ks] : by_rank) {
        double col_w = 0, col_h = 0;
        for (const auto& k : ks) {
          col_w = std::max(col_w, boxes.at(k).w);
          col_h += boxes.at(k).h + kNodeSep;
        }
        side_w += col_w + kRankSep;
        side_h = std::max(side_h, col_h);
      }
      if (side_w * slack <= max_aspect * side_h) {
        plan->sideways = true;
        return;
      }
    }
    const auto& ks = by_rank[widest];
    if (ks.size() < 2) return;
    // Two rows of the widest rank: the second half goes under the first.
    size_t half = (ks.size() + 1) / 2;
    for (size_t i = half; i < ks.size(); ++i) {
      plan->stack.emplace_back(ks[i], ks[i - half]);
      up[ks[i]].push_back(ks[i - half]);
    }
  }
}

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
  auto label_of = [](const Artifact& a) {
    std::string label = a.id + "\n" + OwnerText(a);
    std::string lic = LicenseText(a);
    if (!lic.empty()) label += "\n" + lic;
    return label;
  };
  const std::string title = o.title.empty() ? "lineage: " + g.root : o.title;

  Plan plan;
  SummariseFanOuts(g, o.max_children, &plan);
  std::map<std::string, Box> boxes;
  for (const auto* n : plan.nodes) boxes[IdKey(n->artifact.id)] = LabelBox(label_of(n->artifact));
  for (const auto& [parent, label] : plan.more) boxes["more:" + parent] = LabelBox(label);
  WrapWideRanks(boxes, LabelBox(title).w * 1.2, o.max_aspect, o.cluster_by_organization, &plan);

  out << "digraph lineage {\n";
  out << "  graph [rankdir=" << (plan.sideways ? "RL" : "BT") << ", fontname=\"Helvetica\", fontsize=12, labelloc=t, label="
      << Quote(title) << "];\n";
  out << "  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\"];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  bool any_unknown = false, any_undeclared = false, any_root = false;
  std::set<ArtifactKind> kinds;
  auto node_line = [&](const GraphNode& n, const std::string& indent) {
    const Artifact& a = n.artifact;
    any_unknown = any_unknown || a.country.empty() || (a.organization.empty() && a.author.empty());
    any_undeclared = any_undeclared || !a.declared;
    kinds.insert(a.kind);
    bool root = IdKey(a.id) == IdKey(g.root);
    any_root = any_root || root;
    out << indent << Quote(IdKey(a.id)) << " [label=" << Quote(label_of(a))
        << ", shape=" << ShapeOf(a.kind) << ", fillcolor=\"" << color_of(a) << "\""
        << (root ? ", penwidth=2.5" : "")
        << (a.declared ? "" : ", color=\"#999999\", fontcolor=\"#555555\"") << "];\n";
  };
  if (o.cluster_by_organization) {
    std::map<std::string, std::vector<const GraphNode*>> clusters;
    for (const auto* n : plan.nodes) {
      const Artifact& a = n->artifact;
      std::string org = a.organization.empty() ? a.author : a.organization;
      clusters[org + " (" + (a.country.empty() ? "?" : a.country) + ")"].push_back(n);
    }
    int i = 0;
    for (const auto& [name, members] : clusters) {
      out << "  subgraph cluster_" << i++ << " {\n    label=" << Quote(name)
          << ";\n    style=\"rounded\";\n    color=\"#bbbbbb\";\n";
      for (const auto* n : members) node_line(*n, "    ");
      out << "  }\n";
    }
  } else {
    for (const auto* n : plan.nodes) node_line(*n, "  ");
  }
  for (const auto& [parent, label] : plan.more) {
    out << "  " << Quote("more:" + parent) << " [label=" << Quote(label)
        << ", shape=note, fillcolor=\"#f1f3f5\", color=\"#868e96\"];\n";
    out << "  " << Quote("more:" + parent) << " -> " << Quote(parent)
        << " [style=dotted, color=\"#868e96\", arrowhead=none];\n";
  }
  std::set<Relation> used;
  bool any_relation_inferred = false, any_inferred_edge = false;
  for (const Edge* ep : plan.edges) {
    const Edge& e = *ep;
    RelationStyle st = StyleOf(e.relation);
    used.insert(e.relation);
    std::string label = RelationName(e.relation);
    if (e.relation_inferred) label += "?";
    any_relation_inferred = any_relation_inferred || e.relation_inferred;
    if (e.inferred) {
      std::ostringstream c;
      c << std::fixed << std::setprecision(2) << e.confidence;
      label += "\n~" + c.str();
      any_inferred_edge = true;
    }
    auto mark = o.marked_edges.find(IdKey(e.child) + "\t" + IdKey(e.parent));
    out << "  " << Quote(IdKey(e.child)) << " -> " << Quote(IdKey(e.parent)) << " [label="
        << Quote(mark == o.marked_edges.end() ? label : label + "\n" + mark->second)
        << ", style=" << st.style << ", color=\""
        << (mark == o.marked_edges.end() ? st.color : "#e03131") << "\", arrowhead=" << st.arrow
        << (mark == o.marked_edges.end() ? "" : ", penwidth=2") << "];\n";
  }
  for (const auto& [lower, upper] : plan.stack) {
    out << "  " << Quote(lower) << " -> " << Quote(upper) << " [style=invis];\n";
  }
  // Legend: one table explaining every mark the picture uses.
  auto row = [&out](const std::string& mark, const std::string& text, const std::string& attrs = "") {
    out << "      <tr><td" << attrs << ">" << mark << "</td><td align=\"left\">" << XmlEscape(text)
        << "</td></tr>\n";
  };
  out << "  \"legend\" [shape=plaintext, style=\"\", fontsize=9, label=<\n"
         "    <table border=\"1\" color=\"#cccccc\" cellborder=\"0\" cellspacing=\"1\" "
         "cellpadding=\"2\">\n"
         "      <tr><td colspan=\"2\"><b>legend</b></td></tr>\n";
  auto sample = [](const char* style) -> std::string {
    std::string s = style;
    if (s == "dashed") return "&#8211; &#8211; &#8211;&#9656;";
    if (s == "dotted") return "&#183;&#183;&#183;&#183;&#183;&#183;&#9656;";
    if (s == "bold") return "<b>&#9473;&#9473;&#9473;&#9656;</b>";
    return "&#8212;&#8212;&#8212;&#9656;";
  };
  for (Relation r : used) {
    RelationStyle st = StyleOf(r);
    row(std::string("<font color=\"") + st.color + "\">" + sample(st.style) + "</font>",
        std::string(RelationName(r)) + " (" + RelationClassName(ClassOf(r)) + ", " + st.style +
            " " + st.arrow + " arrow): derivative points to its base");
  }
  if (any_relation_inferred) row("name?", "relation guessed from tags or names, not declared");
  if (any_inferred_edge) row("~0.80", "edge proposed by inference, with its confidence");
  for (const auto& [bloc, color] : bloc_color) {
    row("&#160;&#160;&#160;&#160;", "bloc: " + bloc, std::string(" bgcolor=\"") + color + "\" border=\"1\"");
  }
  row("&#160;&#160;&#160;&#160;", "country unknown or no bloc", " bgcolor=\"#ffffff\" border=\"1\"");
  if (any_unknown || o.cluster_by_organization) {
    row("?", "not known: the owner's country (or the owner)");
  }
  for (ArtifactKind k : kinds) {
    const char* what = k == ArtifactKind::kModel     ? "box: a model"
                       : k == ArtifactKind::kDataset ? "cylinder: a dataset"
                                                     : "component: software";
    row("&#9633;", what);
  }
  if (any_root) row("<b>&#9633;</b>", "thick border: the model asked about");
  if (any_undeclared) {
    row("<font color=\"#999999\">&#9633;</font>",
        "grey: known only because another model names it (no record of its own)");
  }
  if (o.cluster_by_organization) row("( )", "rounded frame: one organization (country)");
  if (!plan.more.empty()) {
    row("N more", "derivatives with no children of their own, not drawn (a fan-out over " +
                      std::to_string(o.max_children) + ")");
  }
  if (!o.marked_edges.empty()) {
    row("<font color=\"#e03131\">&#8212;&#8212;&#8212;&#9656;</font>", "red edge: licence finding");
  }
  out << "    </table>>];\n}\n";
}

}  // namespace lineage
