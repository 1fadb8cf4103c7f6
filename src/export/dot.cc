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
#include <string_view>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/key_sort.h"
#include "core/string_map.h"
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

// Every id key of a graph once: an interned number per key and its rank in
// key order, so sorts and lookups compare integers rather than folding ids
// again (at 95,000 nodes the folds cost more than writing the file).
class KeyTable {
 public:
  uint32_t Of(const std::string& id) {
    // Folded into one reused buffer and looked up by view: most ids come
    // again (each edge names two nodes), and a key is built only when new.
    fold_.resize(id.size());
    for (size_t i = 0; i < id.size(); ++i) {
      char c = id[i];
      fold_[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    auto it = ids_.find(std::string_view(fold_));
    if (it != ids_.end()) return it->second;
    it = ids_.emplace(fold_, static_cast<uint32_t>(keys_.size())).first;
    keys_.push_back(&it->first);
    return it->second;
  }
  void Reserve(size_t n) {
    ids_.reserve(n);
    keys_.reserve(n);
  }
  // The number of `id`'s key, or -1 when no id with that key was interned.
  int64_t Find(const std::string& id) const {
    auto it = ids_.find(IdKey(id));
    return it == ids_.end() ? -1 : it->second;
  }
  // Call once every key is interned.
  void Rank() {
    std::vector<std::string_view> views;
    views.reserve(keys_.size());
    for (const std::string* k : keys_) views.emplace_back(*k);
    std::vector<uint32_t> order = OrderByBytes(views);
    rank_.assign(keys_.size(), 0);
    for (uint32_t r = 0; r < order.size(); ++r) rank_[order[r]] = r;
    by_rank_ = std::move(order);
  }
  size_t size() const { return keys_.size(); }
  const std::string& key(uint32_t k) const { return *keys_[k]; }
  uint32_t rank(uint32_t k) const { return rank_[k]; }
  uint32_t at_rank(uint32_t r) const { return by_rank_[r]; }

 private:
  StringMap<uint32_t> ids_;
  std::string fold_;  // the id being looked up, as IdKey folds it
  std::vector<const std::string*> keys_;  // into ids_ (node addresses are stable)
  std::vector<uint32_t> rank_, by_rank_;
};

// What WriteDot draws: the nodes (after summarising fan-outs), their edges,
// and the invisible edges that stack wide ranks into rows.
struct Plan {
  std::vector<const GraphNode*> nodes;                  // sorted by id key
  std::vector<const Edge*> edges;                       // drawn edges, in input order
  std::vector<std::pair<std::string, std::string>> more;  // parent key -> "N more" label
  std::vector<std::pair<std::string, std::string>> stack;  // invisible: lower -> upper key
  bool sideways = false;  // ranks left to right (bases on the left) instead of top down
  // The id keys, once each: of every drawn node and of both ends of every
  // drawn edge (numbers in `keys`).
  KeyTable keys;
  std::vector<uint32_t> node_keys, child_keys, parent_keys;
};

// A parent with more than `limit` children keeps the children that lead on
// (have children or other parents of their own) and the first leaves, and the
// other leaves become one "N more" node.
void SummariseFanOuts(const Subgraph& g, int limit, Plan* plan) {
  KeyTable& keys = plan->keys;
  std::vector<uint32_t> node_key(g.nodes.size()), child_key(g.edges.size()),
      parent_key(g.edges.size());
  keys.Reserve(g.nodes.size());  // edges name the nodes, mostly
  for (size_t i = 0; i < g.nodes.size(); ++i) node_key[i] = keys.Of(g.nodes[i].artifact.id);
  for (size_t i = 0; i < g.edges.size(); ++i) {
    child_key[i] = keys.Of(g.edges[i].child);
    parent_key[i] = keys.Of(g.edges[i].parent);
  }
  keys.Rank();
  const int64_t root = keys.Find(g.root);
  // Edges by parent key and the number of parents of each child key, in
  // input order as the maps of keys they replace held them.
  std::vector<std::vector<uint32_t>> children(keys.size());
  std::vector<uint32_t> parents(keys.size(), 0);
  for (size_t i = 0; i < g.edges.size(); ++i) {
    children[parent_key[i]].push_back(static_cast<uint32_t>(i));
    ++parents[child_key[i]];
  }
  std::vector<char> hidden(keys.size(), 0), hidden_edges(g.edges.size(), 0);
  if (limit > 0) {
    for (uint32_t r = 0; r < keys.size(); ++r) {
      uint32_t parent = keys.at_rank(r);
      const auto& list = children[parent];
      if (static_cast<int>(list.size()) <= limit) continue;
      std::vector<uint32_t> leaves;
      int keep = limit;
      for (uint32_t e : list) {
        uint32_t c = child_key[e];
        bool leaf = children[c].empty() && parents[c] == 1 && static_cast<int64_t>(c) != root;
        if (leaf) leaves.push_back(e);
        else --keep;
      }
      // Rarer relations stay in view; the common ones fold first.
      std::map<Relation, int> common;
      for (uint32_t e : leaves) ++common[g.edges[e].relation];
      std::sort(leaves.begin(), leaves.end(), [&](uint32_t a, uint32_t b) {
        return std::make_pair(common[g.edges[a].relation], keys.rank(child_key[a])) <
               std::make_pair(common[g.edges[b].relation], keys.rank(child_key[b]));
      });
      size_t first_hidden = static_cast<size_t>(std::max(keep, 0));
      if (leaves.size() <= first_hidden + 1) continue;  // one node for one node gains nothing
      std::map<std::string, int> by_relation;
      for (size_t i = first_hidden; i < leaves.size(); ++i) {
        hidden[child_key[leaves[i]]] = 1;
        hidden_edges[leaves[i]] = 1;
        ++by_relation[RelationName(g.edges[leaves[i]].relation)];
      }
      std::string label = std::to_string(leaves.size() - first_hidden) + " more";
      for (const auto& [rel, n] : by_relation) label += "\n" + std::to_string(n) + " " + rel;
      plan->more.emplace_back(keys.key(parent), label);
    }
  }
  std::vector<uint32_t> shown;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!hidden[node_key[i]]) shown.push_back(static_cast<uint32_t>(i));
  }
  std::sort(shown.begin(), shown.end(), [&](uint32_t a, uint32_t b) {
    return keys.rank(node_key[a]) < keys.rank(node_key[b]);
  });
  for (uint32_t i : shown) {
    plan->nodes.push_back(&g.nodes[i]);
    plan->node_keys.push_back(node_key[i]);
  }
  for (size_t i = 0; i < g.edges.size(); ++i) {
    if (hidden_edges[i]) continue;
    plan->edges.push_back(&g.edges[i]);
    plan->child_keys.push_back(child_key[i]);
    plan->parent_keys.push_back(parent_key[i]);
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
  // Every key numbered in key order (the boxes, and any end of an edge
  // without one), so each round works on arrays, not maps of strings: a
  // family of 95,000 models can take many rounds.
  std::vector<const std::string*> names;
  std::vector<const Box*> box;
  std::unordered_map<std::string_view, uint32_t> number;
  auto renumber = [&] {
    number.clear();
    number.reserve(names.size());
    for (uint32_t i = 0; i < names.size(); ++i) number.emplace(*names[i], i);
  };
  names.reserve(boxes.size());
  box.reserve(boxes.size());
  for (const auto& [k, b] : boxes) {
    names.push_back(&k);
    box.push_back(&b);
  }
  renumber();
  // The number of each interned key (edge ends), looked up once.
  std::vector<int64_t> of_key(plan->keys.size(), -1);
  std::vector<const std::string*> extra;
  for (size_t i = 0; i < plan->edges.size(); ++i) {
    for (uint32_t key : {plan->child_keys[i], plan->parent_keys[i]}) {
      if (of_key[key] >= 0) continue;
      auto it = number.find(plan->keys.key(key));
      if (it == number.end()) {
        extra.push_back(&plan->keys.key(key));
      } else {
        of_key[key] = it->second;
      }
    }
  }
  for (const auto& [parent, label] : plan->more) {
    if (!number.count(parent)) extra.push_back(&parent);
  }
  if (!extra.empty()) {
    std::sort(extra.begin(), extra.end(),
              [](const std::string* x, const std::string* y) { return *x < *y; });
    extra.erase(std::unique(extra.begin(), extra.end(),
                            [](const std::string* x, const std::string* y) { return *x == *y; }),
                extra.end());
    std::vector<const std::string*> merged;
    std::vector<const Box*> merged_box;
    merged.reserve(names.size() + extra.size());
    auto e = extra.begin();
    for (size_t i = 0; i < names.size(); ++i) {
      for (; e != extra.end() && **e < *names[i]; ++e) {
        merged.push_back(*e);
        merged_box.push_back(nullptr);
      }
      merged.push_back(names[i]);
      merged_box.push_back(box[i]);
    }
    for (; e != extra.end(); ++e) {
      merged.push_back(*e);
      merged_box.push_back(nullptr);
    }
    names = std::move(merged);
    box = std::move(merged_box);
    renumber();
    for (size_t k = 0; k < of_key.size(); ++k) {
      auto it = number.find(plan->keys.key(static_cast<uint32_t>(k)));
      of_key[k] = it == number.end() ? -1 : it->second;
    }
  }
  const size_t n = names.size();
  // `up[k]`: the nodes k must be drawn below (its parents, and rows above it).
  std::vector<std::vector<uint32_t>> up(n);
  for (size_t i = 0; i < plan->edges.size(); ++i) {
    up[static_cast<size_t>(of_key[plan->child_keys[i]])].push_back(
        static_cast<uint32_t>(of_key[plan->parent_keys[i]]));
  }
  for (const auto& [parent, label] : plan->more) {
    up[number.at("more:" + parent)].push_back(number.at(parent));
  }
  // Ranks counted from the top (bases), as dot places them with rankdir=BT.
  std::vector<int> rank(n);
  auto ranks = [&]() {
    std::fill(rank.begin(), rank.end(), -1);  // -1: not reached yet
    std::function<int(uint32_t, int)> of = [&](uint32_t k, int guard) {
      if (rank[k] >= 0) return rank[k];
      int r = 0;
      if (guard < 10000) {
        rank[k] = 0;  // breaks a cycle, should the graph have one
        for (uint32_t p : up[k]) r = std::max(r, of(p, guard + 1) + 1);
      }
      rank[k] = r;
      return r;
    };
    for (uint32_t k = 0; k < n; ++k) {
      if (box[k]) of(k, 0);
    }
  };
  for (int round = 0; round < 200; ++round) {
    ranks();
    // The boxes of each rank present, in key order.
    int deepest = -1;
    for (uint32_t k = 0; k < n; ++k) {
      if (box[k]) deepest = std::max(deepest, rank[k]);
    }
    std::vector<std::vector<uint32_t>> by_rank(static_cast<size_t>(deepest + 1));
    for (uint32_t k = 0; k < n; ++k) {
      if (box[k]) by_rank[static_cast<size_t>(rank[k])].push_back(k);
    }
    std::vector<double> width(by_rank.size(), 0), height(by_rank.size(), 0);
    for (size_t r = 0; r < by_rank.size(); ++r) {
      for (uint32_t k : by_rank[r]) {
        width[r] += box[k]->w + kNodeSep;
        height[r] = std::max(height[r], box[k]->h);
      }
    }
    double total_h = 0.5, max_w = title_width;
    int widest = -1;
    for (size_t r = 0; r < by_rank.size(); ++r) {
      if (!by_rank[r].empty()) total_h += height[r] + kRankSep;
    }
    for (size_t r = 0; r < by_rank.size(); ++r) {
      if (!by_rank[r].empty() && width[r] > max_w) {
        max_w = width[r];
        widest = static_cast<int>(r);
      }
    }
    if (widest < 0 || max_w * slack <= max_aspect * total_h) return;
    if (round == 0) {
      // A wide, shallow picture turned on its side: ranks become columns.
      double side_w = title_width, side_h = 0.5;
      for (const auto& ks : by_rank) {
        if (ks.empty()) continue;
        double col_w = 0, col_h = 0;
        for (uint32_t k : ks) {
          col_w = std::max(col_w, box[k]->w);
          col_h += box[k]->h + kNodeSep;
        }
        side_w += col_w + kRankSep;
        side_h = std::max(side_h, col_h);
      }
      if (side_w * slack <= max_aspect * side_h) {
        plan->sideways = true;
        return;
      }
    }
    const auto& ks = by_rank[static_cast<size_t>(widest)];
    if (ks.size() < 2) return;
    // Two rows of the widest rank: the second half goes under the first.
    size_t half = (ks.size() + 1) / 2;
    for (size_t i = half; i < ks.size(); ++i) {
      plan->stack.emplace_back(*names[ks[i]], *names[ks[i - half]]);
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
  // Bloc colour by country, looked up once per country.
  std::unordered_map<std::string, const char*> country_color;
  auto color_of = [&](const Artifact& a) -> const char* {
    auto it = country_color.find(a.country);
    if (it != country_color.end()) return it->second;
    std::string b = BlocOf(o.blocs, a.country);
    const char* c = b.empty() ? "#ffffff" : bloc_color[b];
    country_color.emplace(a.country, c);
    return c;
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
  // Each drawn node's key and label, made once for the layout and the file.
  std::vector<std::string> node_labels;
  node_labels.reserve(plan.nodes.size());
  std::map<std::string, Box> boxes;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    node_labels.push_back(label_of(plan.nodes[i]->artifact));
    boxes[plan.keys.key(plan.node_keys[i])] = LabelBox(node_labels.back());
  }
  for (const auto& [parent, label] : plan.more) boxes["more:" + parent] = LabelBox(label);
  WrapWideRanks(boxes, LabelBox(title).w * 1.2, o.max_aspect, o.cluster_by_organization, &plan);

  out << "digraph lineage {\n";
  out << "  graph [rankdir=" << (plan.sideways ? "RL" : "BT") << ", fontname=\"Helvetica\", fontsize=12, labelloc=t, label="
      << Quote(title) << "];\n";
  out << "  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\"];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  // The node and edge statements go through one buffer written in large
  // pieces: an ostream insertion per token cost more than the layout.
  std::string b;
  b.reserve(1u << 17);
  auto flush = [&](bool force) {
    if (!force && b.size() < (1u << 16)) return;
    out.write(b.data(), static_cast<std::streamsize>(b.size()));
    b.clear();
  };
  auto quote = [&b](const std::string& s) {
    b += '"';
    b += DotEscape(s);
    b += '"';
  };
  const std::string root_key = IdKey(g.root);
  bool any_unknown = false, any_undeclared = false, any_root = false;
  std::set<ArtifactKind> kinds;
  auto node_line = [&](size_t i, const std::string& indent) {
    const Artifact& a = plan.nodes[i]->artifact;
    any_unknown = any_unknown || a.country.empty() || (a.organization.empty() && a.author.empty());
    any_undeclared = any_undeclared || !a.declared;
    kinds.insert(a.kind);
    const std::string& key = plan.keys.key(plan.node_keys[i]);
    bool root = key == root_key;
    any_root = any_root || root;
    b += indent;
    quote(key);
    b += " [label=";
    quote(node_labels[i]);
    b += ", shape=";
    b += ShapeOf(a.kind);
    b += ", fillcolor=\"";
    b += color_of(a);
    b += '"';
    if (root) b += ", penwidth=2.5";
    if (!a.declared) b += ", color=\"#999999\", fontcolor=\"#555555\"";
    b += "];\n";
    flush(false);
  };
  if (o.cluster_by_organization) {
    std::map<std::string, std::vector<size_t>> clusters;
    for (size_t i = 0; i < plan.nodes.size(); ++i) {
      const Artifact& a = plan.nodes[i]->artifact;
      std::string org = a.organization.empty() ? a.author : a.organization;
      clusters[org + " (" + (a.country.empty() ? "?" : a.country) + ")"].push_back(i);
    }
    int c = 0;
    for (const auto& [name, members] : clusters) {
      b += "  subgraph cluster_";
      b += std::to_string(c++);
      b += " {\n    label=";
      quote(name);
      b += ";\n    style=\"rounded\";\n    color=\"#bbbbbb\";\n";
      for (size_t i : members) node_line(i, "    ");
      b += "  }\n";
    }
  } else {
    for (size_t i = 0; i < plan.nodes.size(); ++i) node_line(i, "  ");
  }
  for (const auto& [parent, label] : plan.more) {
    b += "  ";
    quote("more:" + parent);
    b += " [label=";
    quote(label);
    b += ", shape=note, fillcolor=\"#f1f3f5\", color=\"#868e96\"];\n  ";
    quote("more:" + parent);
    b += " -> ";
    quote(parent);
    b += " [style=dotted, color=\"#868e96\", arrowhead=none];\n";
    flush(false);
  }
  std::set<Relation> used;
  bool any_relation_inferred = false, any_inferred_edge = false;
  for (size_t i = 0; i < plan.edges.size(); ++i) {
    const Edge& e = *plan.edges[i];
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
    const std::string& child = plan.keys.key(plan.child_keys[i]);
    const std::string& parent = plan.keys.key(plan.parent_keys[i]);
    auto mark = o.marked_edges.empty() ? o.marked_edges.end()
                                       : o.marked_edges.find(child + "\t" + parent);
    bool marked = mark != o.marked_edges.end();
    b += "  ";
    quote(child);
    b += " -> ";
    quote(parent);
    b += " [label=";
    quote(marked ? label + "\n" + mark->second : label);
    b += ", style=";
    b += st.style;
    b += ", color=\"";
    b += marked ? "#e03131" : st.color;
    b += "\", arrowhead=";
    b += st.arrow;
    if (marked) b += ", penwidth=2";
    b += "];\n";
    flush(false);
  }
  for (const auto& [lower, upper] : plan.stack) {
    b += "  ";
    quote(lower);
    b += " -> ";
    quote(upper);
    b += " [style=invis];\n";
    flush(false);
  }
  flush(true);
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
