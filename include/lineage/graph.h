// The compact whole graph: integer vertices, interned strings, CSR adjacency
// (Boost.Graph behind a pimpl). For whole-graph analytics (flows, cycles,
// statistics); local questions go through the store instead.
#ifndef LINEAGE_GRAPH_H_
#define LINEAGE_GRAPH_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/artifact.h"
#include "lineage/store.h"

namespace lineage {

// Every elementary cycle class of the graph, one representative cycle per
// strongly connected component with more than one vertex, as store row ids
// (a -> b -> ... with the last one pointing back to the first).
std::vector<std::vector<int64_t>> FindCycles(const std::vector<EdgeRow>& edges);

// Which edges a traversal may follow.
struct EdgeFilter {
  bool relations[kRelationCount] = {true, true, true, true, true, true,
                                    true, true, true, true, true};
  double min_confidence = 0;
  bool declared_only = false;  // inferred edges (lineage/infer.h) are not followed
  int max_depth = -1;  // < 0: unlimited
};

class CompactGraph {
 public:
  using Vertex = uint32_t;
  static constexpr Vertex kNone = ~Vertex{0};

  // Which artifacts Load takes: all, or only those with an edge (enough for
  // walks along edges such as flows, and less than half of a Hub store).
  enum class Scope { kAll, kLinked };
  // Loads the artifacts of `scope` and every edge between them; IoError when
  // the store cannot be read.
  static Result<std::unique_ptr<CompactGraph>> Load(const Store& store, Scope scope = Scope::kAll);
  ~CompactGraph();

  size_t vertex_count() const;
  size_t edge_count() const;
  std::string_view display(Vertex v) const;
  std::string_view country(Vertex v) const;  // "" when unknown
  std::string_view organization(Vertex v) const;
  std::string_view author(Vertex v) const;
  std::string_view created_at(Vertex v) const;
  ArtifactKind kind(Vertex v) const;
  Vertex Find(std::string_view id) const;  // case-insensitive; kNone if absent
  // The vertex of a store row id (NodeRow::id, Popularity::artifact); kNone if absent.
  Vertex FromRow(int64_t row) const;

  // A path from a vertex up to an ancestor, and the relation of each hop.
  struct Reach {
    Vertex target;
    std::vector<Vertex> path;  // source first, target last
    std::vector<Relation> relations;
    bool inferred = false;  // a hop of `path` is an inferred edge
  };
  // Breadth-first up the parent edges from `source`; every vertex for which
  // `stop` holds is reported and not looked past (the nearest such ancestors).
  std::vector<Reach> NearestAncestors(Vertex source, const std::function<bool(Vertex)>& stop,
                                      const EdgeFilter& filter) const;
  // The roots (vertices without parents through `filter`) that `source` reaches.
  std::vector<Vertex> Roots(Vertex source, const EdgeFilter& filter) const;

 private:
  struct Impl;
  CompactGraph();
  std::unique_ptr<Impl> impl_;
};

}  // namespace lineage

#endif  // LINEAGE_GRAPH_H_
