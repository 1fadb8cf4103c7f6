// Subgraphs cut from the store or from another subgraph, and the flows they
// are cut along.
#include "lineage/analysis.h"

#include <algorithm>
#include <map>
#include <utility>

namespace lineage {

Result<FlowReport> ComputeFlowsBetween(const Store& store, const CompactGraph& graph,
                                       const BlocTable& blocs, const std::string& from_name,
                                       const std::string& to_name, FlowOptions options) {
  auto from = ResolveBloc(blocs, from_name);
  if (!from.ok()) return from.status();
  auto to = ResolveBloc(blocs, to_name);
  if (!to.ok()) return to.status();
  if (auto families = store.Families(); families.ok()) options.families = std::move(families.value());
  return ComputeFlows(graph, *from, *to, options);
}

Result<Subgraph> FlowSubgraph(const Store& store, const FlowReport& flows) {
  std::map<std::string, int> nodes;
  for (const auto& f : flows.flows) {
    for (size_t i = 0; i < f.path.size(); ++i) {
      auto [it, added] = nodes.emplace(f.path[i], static_cast<int>(i));
      if (!added) it->second = std::min(it->second, static_cast<int>(i));
    }
  }
  return store.Induced("", {nodes.begin(), nodes.end()});
}

void LimitDepth(Subgraph* g, int max_depth) {
  std::map<std::string, int> depth;
  std::vector<GraphNode> nodes;
  for (auto& n : g->nodes) {
    depth[IdKey(n.artifact.id)] = n.depth;
    if (n.depth <= max_depth) nodes.push_back(std::move(n));
  }
  g->nodes = std::move(nodes);
  std::vector<Edge> edges;
  for (auto& e : g->edges) {
    if (depth[IdKey(e.child)] < max_depth) edges.push_back(std::move(e));
  }
  g->edges = std::move(edges);
}

}  // namespace lineage
