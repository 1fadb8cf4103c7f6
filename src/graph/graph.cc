// Boost.Graph lives here and nowhere else.
#include "lineage/graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/visitors.hpp>

#include <algorithm>
#include <boost/graph/detail/d_ary_heap.hpp>
#include <deque>
#include <unordered_map>

#include "core/string_map.h"

namespace lineage {

namespace {

struct EdgeProps {
  Relation relation = Relation::kFinetune;
  float confidence = 0;
  bool inferred = false;
};

// Child -> parent edges ("up"), compressed sparse rows.
using UpGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                                   EdgeProps, boost::no_property, uint32_t,
                                                   uint32_t>;
using UpEdge = boost::graph_traits<UpGraph>::edge_descriptor;

// A colour map that is white for every vertex not touched in the current
// traversal, so one traversal costs what it visits, not the whole graph.
struct StampedColorMap {
  using key_type = uint32_t;
  using value_type = boost::default_color_type;
  using reference = value_type;
  using category = boost::read_write_property_map_tag;
  std::vector<uint32_t>* stamp;
  std::vector<uint8_t>* color;
  uint32_t current;
};
inline boost::default_color_type get(const StampedColorMap& m, uint32_t v) {
  return (*m.stamp)[v] == m.current ? static_cast<boost::default_color_type>((*m.color)[v])
                                    : boost::white_color;
}
inline void put(const StampedColorMap& m, uint32_t v, boost::default_color_type c) {
  (*m.stamp)[v] = m.current;
  (*m.color)[v] = static_cast<uint8_t>(c);
}

}  // namespace

struct CompactGraph::Impl {
  UpGraph up;
  std::vector<uint32_t> display_offset;  // into `text`, vertex_count + 1 entries
  std::string text;
  std::vector<uint16_t> country_index;  // a few hundred countries at most
  std::vector<uint32_t> org_index, author_index;
  std::vector<std::string> countries, orgs, authors;
  std::string created;  // 10 bytes per vertex: YYYY-MM-DD, space-padded
  std::vector<ArtifactKind> kinds;
  std::vector<uint32_t> vertex_of;  // store row id -> vertex (kNone: not loaded)
  mutable std::unordered_map<std::string, uint32_t> by_key;  // built on first Find
  // Scratch for traversals (not thread-safe; one traversal at a time).
  mutable std::vector<uint32_t> stamp, depth_stamp;
  mutable std::vector<uint8_t> color;
  mutable std::vector<uint32_t> pred, depth;
  mutable std::vector<Relation> pred_rel;
  mutable std::vector<uint8_t> pred_inferred;  // the edge to pred is inferred
  mutable uint32_t current = 0;

  // Index of `s` in `pool`, adding it on first sight.
  uint32_t Intern(std::vector<std::string>& pool, StringMap<uint32_t>& idx, std::string_view s) {
    auto it = idx.find(s);
    if (it != idx.end()) return it->second;
    uint32_t i = static_cast<uint32_t>(pool.size());
    pool.emplace_back(s);
    idx.emplace(std::string(s), i);
    return i;
  }
};

CompactGraph::CompactGraph() : impl_(std::make_unique<Impl>()) {}
CompactGraph::~CompactGraph() = default;

Result<std::unique_ptr<CompactGraph>> CompactGraph::Load(const Store& store, Scope scope) {
  std::unique_ptr<CompactGraph> g(new CompactGraph());
  Impl& im = *g->impl_;
  std::vector<uint32_t>& vertex_of = im.vertex_of;
  // The edges first, by row id: they name the artifacts kLinked takes.
  struct RowEdge {
    int64_t child, parent;
  };
  std::vector<RowEdge> row_edges;
  std::vector<EdgeProps> props;
  Status st = store.ScanEdges([&](const EdgeRow& e) {
    row_edges.push_back(RowEdge{e.child, e.parent});
    props.push_back(EdgeProps{e.relation, static_cast<float>(e.confidence), e.inferred});
  });
  if (!st.ok()) return st;
  std::vector<bool> linked;
  if (scope == Scope::kLinked) {
    for (const RowEdge& e : row_edges) {
      int64_t top = std::max(e.child, e.parent);
      if (top < 0) continue;
      if (static_cast<uint64_t>(top) >= linked.size()) linked.resize(top + 1, false);
      if (e.child >= 0) linked[e.child] = true;
      if (e.parent >= 0) linked[e.parent] = true;
    }
  }
  StringMap<uint32_t> ci, oi, ai;
  im.countries.push_back("");
  im.orgs.push_back("");
  im.authors.push_back("");
  ci[""] = oi[""] = ai[""] = 0;
  im.display_offset.push_back(0);
  // Per namespace (NodeRow::namespace_index): its country, organization and
  // author as first seen, so most rows need no lookup by string.
  struct Known {
    uint16_t country;
    uint32_t org, author;
  };
  std::vector<Known> known;
  st = store.ScanNodes([&](const NodeRow& r) {
    uint32_t v = static_cast<uint32_t>(im.kinds.size());
    if (r.id >= static_cast<int64_t>(vertex_of.size())) vertex_of.resize(r.id + 1, kNone);
    vertex_of[r.id] = v;
    im.text += r.display;
    im.display_offset.push_back(static_cast<uint32_t>(im.text.size()));
    im.kinds.push_back(r.kind);
    if (r.namespace_index >= known.size()) {
      known.resize(r.namespace_index + 1, Known{0, kNone, 0});
    }
    Known& k = known[r.namespace_index];
    if (k.org == kNone) {
      k.country = static_cast<uint16_t>(im.Intern(im.countries, ci, r.country));
      k.org = im.Intern(im.orgs, oi, r.organization);
      k.author = im.Intern(im.authors, ai, r.author);
    }
    im.country_index.push_back(k.country);
    im.org_index.push_back(k.org);
    // One namespace written in another case is another author.
    im.author_index.push_back(im.authors[k.author] == r.author
                                  ? k.author
                                  : im.Intern(im.authors, ai, r.author));
    std::string_view date = r.created_at.substr(0, 10);
    im.created += date;
    im.created.append(10 - date.size(), ' ');
  }, scope == Scope::kLinked ? &linked : nullptr);
  if (!st.ok()) return st;
  // Edges whose ends are both loaded, in scan order; their properties kept
  // beside them.
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(row_edges.size());
  size_t kept = 0;
  for (size_t i = 0; i < row_edges.size(); ++i) {
    const RowEdge& e = row_edges[i];
    if (e.child < 0 || e.parent < 0 || e.child >= static_cast<int64_t>(vertex_of.size()) ||
        e.parent >= static_cast<int64_t>(vertex_of.size())) {
      continue;
    }
    uint32_t c = vertex_of[e.child], p = vertex_of[e.parent];
    if (c == kNone || p == kNone) continue;
    pairs.emplace_back(c, p);
    props[kept++] = props[i];
  }
  props.resize(kept);
  std::vector<RowEdge>().swap(row_edges);
  size_t n = im.kinds.size();
  im.up = UpGraph(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), props.begin(),
                  n);
  im.stamp.assign(n, 0);
  im.depth_stamp.assign(n, 0);
  im.color.assign(n, 0);
  im.pred.assign(n, kNone);
  im.depth.assign(n, 0);
  im.pred_rel.assign(n, Relation::kFinetune);
  im.pred_inferred.assign(n, 0);
  return g;
}

CompactGraph::Vertex CompactGraph::FromRow(int64_t row) const {
  const auto& v = impl_->vertex_of;
  return row >= 0 && row < static_cast<int64_t>(v.size()) ? v[row] : kNone;
}

size_t CompactGraph::vertex_count() const { return impl_->kinds.size(); }
size_t CompactGraph::edge_count() const { return boost::num_edges(impl_->up); }

std::string_view CompactGraph::display(Vertex v) const {
  const auto& o = impl_->display_offset;
  return std::string_view(impl_->text).substr(o[v], o[v + 1] - o[v]);
}
std::string_view CompactGraph::country(Vertex v) const {
  return impl_->countries[impl_->country_index[v]];
}
std::string_view CompactGraph::organization(Vertex v) const {
  return impl_->orgs[impl_->org_index[v]];
}
std::string_view CompactGraph::author(Vertex v) const {
  return impl_->authors[impl_->author_index[v]];
}
std::string_view CompactGraph::created_at(Vertex v) const {
  std::string_view d = std::string_view(impl_->created).substr(static_cast<size_t>(v) * 10, 10);
  while (!d.empty() && d.back() == ' ') d.remove_suffix(1);
  return d;
}
ArtifactKind CompactGraph::kind(Vertex v) const { return impl_->kinds[v]; }

CompactGraph::Vertex CompactGraph::Find(std::string_view id) const {
  if (impl_->by_key.empty()) {
    for (Vertex v = 0; v < vertex_count(); ++v) impl_->by_key.emplace(IdKey(display(v)), v);
  }
  auto it = impl_->by_key.find(IdKey(id));
  return it == impl_->by_key.end() ? kNone : it->second;
}

namespace {

// Follows an edge when its relation and confidence pass the filter, its
// source is within the depth limit, and its source is not a stop vertex
// (the traversal does not look past the nearest matches).
struct UpEdgePredicate {
  const UpGraph* g = nullptr;
  const EdgeFilter* filter = nullptr;
  const std::function<bool(uint32_t)>* stop = nullptr;
  uint32_t source = 0;
  const std::vector<uint32_t>* depth = nullptr;
  bool operator()(const UpEdge& e) const {
    const EdgeProps& p = (*g)[e];
    if (!filter->relations[static_cast<int>(p.relation)]) return false;
    if (p.confidence + 1e-9 < filter->min_confidence) return false;
    if (p.inferred && filter->declared_only) return false;
    uint32_t from = boost::source(e, *g);
    if (filter->max_depth >= 0 && (*depth)[from] >= static_cast<uint32_t>(filter->max_depth)) {
      return false;
    }
    if (from != source && stop && *stop && (*stop)(from)) return false;
    return true;
  }
};

struct ReachVisitor : boost::default_bfs_visitor {
  std::vector<uint32_t>* pred;
  std::vector<Relation>* pred_rel;
  std::vector<uint8_t>* pred_inferred;
  std::vector<uint32_t>* depth;
  std::vector<uint32_t>* visited;
  template <typename E, typename G>
  void tree_edge(const E& e, const G& g) const {
    uint32_t s = boost::source(e, g), t = boost::target(e, g);
    (*pred)[t] = s;
    (*pred_rel)[t] = g[e].relation;
    (*pred_inferred)[t] = g[e].inferred;
    (*depth)[t] = (*depth)[s] + 1;
  }
  template <typename V, typename G>
  void discover_vertex(const V& v, const G&) const {
    visited->push_back(v);
  }
};

}  // namespace

namespace {

// Breadth-first up the parent edges from `source` through `filter`, not
// looking past a vertex for which `stop` holds. Fills the predecessor and
// depth scratch of `im` and returns the vertices in the order reached.
std::vector<uint32_t> VisitUp(const UpGraph& up, std::vector<uint32_t>& stamp,
                              std::vector<uint8_t>& color, uint32_t& current,
                              std::vector<uint32_t>& pred, std::vector<Relation>& pred_rel,
                              std::vector<uint8_t>& pred_inferred, std::vector<uint32_t>& depth, uint32_t source,
                              const std::function<bool(uint32_t)>& stop,
                              const EdgeFilter& filter) {
  ++current;
  UpEdgePredicate keep{&up, &filter, &stop, source, &depth};
  boost::filtered_graph<UpGraph, UpEdgePredicate> fg(up, keep);
  std::vector<uint32_t> visited;
  depth[source] = 0;
  pred[source] = CompactGraph::kNone;
  ReachVisitor vis;
  vis.pred = &pred;
  vis.pred_rel = &pred_rel;
  vis.pred_inferred = &pred_inferred;
  vis.depth = &depth;
  vis.visited = &visited;
  boost::queue<uint32_t> queue;
  StampedColorMap colors{&stamp, &color, current};
  boost::breadth_first_visit(fg, source, queue, vis, colors);
  return visited;
}

}  // namespace

std::vector<CompactGraph::Reach> CompactGraph::NearestAncestors(
    Vertex source, const std::function<bool(Vertex)>& stop, const EdgeFilter& filter) const {
  Impl& im = *impl_;
  std::vector<Reach> out;
  if (source >= vertex_count()) return out;
  std::vector<uint32_t> visited = VisitUp(im.up, im.stamp, im.color, im.current, im.pred,
                                          im.pred_rel, im.pred_inferred, im.depth, source, stop,
                                          filter);
  for (uint32_t v : visited) {
    if (v == source || !stop || !stop(v)) continue;
    Reach r;
    r.target = v;
    for (uint32_t cur = v; cur != kNone; cur = im.pred[cur]) {
      r.path.push_back(cur);
      if (cur != source) {
        r.relations.push_back(im.pred_rel[cur]);
        if (im.pred_inferred[cur]) r.inferred = true;
      }
      if (cur == source) break;
    }
    std::reverse(r.path.begin(), r.path.end());
    std::reverse(r.relations.begin(), r.relations.end());
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [this](const Reach& a, const Reach& b) {
    if (a.path.size() != b.path.size()) return a.path.size() < b.path.size();
    return IdKey(display(a.target)) < IdKey(display(b.target));
  });
  return out;
}

std::vector<CompactGraph::Vertex> CompactGraph::Roots(Vertex source,
                                                      const EdgeFilter& filter) const {
  Impl& im = *impl_;
  std::vector<Vertex> roots;
  if (source >= vertex_count()) return roots;
  std::function<bool(Vertex)> none;
  std::vector<uint32_t> visited = VisitUp(im.up, im.stamp, im.color, im.current, im.pred,
                                          im.pred_rel, im.pred_inferred, im.depth, source, none,
                                          filter);
  UpEdgePredicate keep{&im.up, &filter, &none, source, &im.depth};
  boost::filtered_graph<UpGraph, UpEdgePredicate> fg(im.up, keep);
  for (uint32_t v : visited) {
    auto [b, e] = boost::out_edges(v, fg);
    if (v != source && b == e) roots.push_back(v);
  }
  std::sort(roots.begin(), roots.end(),
            [this](Vertex a, Vertex b) { return IdKey(display(a)) < IdKey(display(b)); });
  return roots;
}

std::vector<std::vector<int64_t>> FindCycles(const std::vector<EdgeRow>& edges) {
  std::unordered_map<int64_t, uint32_t> index;
  std::vector<int64_t> row_of;
  auto vertex = [&](int64_t row) {
    auto [it, inserted] = index.emplace(row, static_cast<uint32_t>(row_of.size()));
    if (inserted) row_of.push_back(row);
    return it->second;
  };
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(edges.size());
  for (const EdgeRow& e : edges) pairs.emplace_back(vertex(e.child), vertex(e.parent));
  G g(pairs.begin(), pairs.end(), row_of.size());
  std::vector<int> comp(row_of.size());
  int count = boost::strong_components(
      g, boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, g)));
  std::vector<std::vector<uint32_t>> members(count);
  for (uint32_t v = 0; v < row_of.size(); ++v) members[comp[v]].push_back(v);
  std::vector<std::vector<int64_t>> cycles;
  for (auto& m : members) {
    if (m.size() < 2) continue;
    // Breadth-first inside the component from its smallest row id back to it.
    uint32_t start = *std::min_element(m.begin(), m.end(), [&](uint32_t a, uint32_t b) {
      return row_of[a] < row_of[b];
    });
    int c = comp[start];
    std::unordered_map<uint32_t, uint32_t> pred{{start, start}};
    std::deque<uint32_t> queue{start};
    uint32_t last = start;
    bool closed = false;
    while (!queue.empty() && !closed) {
      uint32_t u = queue.front();
      queue.pop_front();
      for (auto [b, e] = boost::adjacent_vertices(u, g); b != e; ++b) {
        uint32_t w = *b;
        if (comp[w] != c) continue;
        if (w == start) {
          last = u;
          closed = true;
          break;
        }
        if (pred.emplace(w, u).second) queue.push_back(w);
      }
    }
    std::vector<int64_t> cycle;
    for (uint32_t v = last;; v = pred[v]) {
      cycle.push_back(row_of[v]);
      if (v == start) break;
    }
    std::reverse(cycle.begin(), cycle.end());
    cycles.push_back(std::move(cycle));
  }
  std::sort(cycles.begin(), cycles.end());
  return cycles;
}

}  // namespace lineage
