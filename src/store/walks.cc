// Walks: chain, descendants and induced subgraphs.
#include "store/internal.h"

namespace lineage {

Result<Subgraph> Store::Impl::Walk(const std::string& id, int max_depth, bool upward) const {
  try {
    // One read transaction: one shared lock for the thousands of statements.
    ReadTxn read(*db, txn != nullptr);
    auto root = RowId(id);
    if (!root) return Status::NotFound("unknown model '" + id + "'");
    SQLite::Statement step(*db, upward ? "SELECT id, parent FROM edge WHERE child=?"
                                       : "SELECT id, child FROM edge WHERE parent=?");
    std::unordered_map<int64_t, int> depth{{*root, 0}};
    std::vector<int64_t> order{*root};
    std::vector<std::tuple<int64_t, int64_t, int64_t>> edges;  // edge id, child, parent
    std::deque<int64_t> queue{*root};
    while (!queue.empty()) {
      int64_t cur = queue.front();
      queue.pop_front();
      int d = depth[cur];
      if (max_depth >= 0 && d >= max_depth) continue;
      step.reset();
      step.bind(1, cur);
      while (step.executeStep()) {
        int64_t eid = step.getColumn(0).getInt64();
        int64_t other = step.getColumn(1).getInt64();
        edges.emplace_back(eid, upward ? cur : other, upward ? other : cur);
        if (depth.emplace(other, d + 1).second) {
          order.push_back(other);
          queue.push_back(other);
        }
      }
    }
    Subgraph sg;
    std::unordered_map<int64_t, std::string> display;
    SQLite::Statement art(*db, std::string(kArtifactSelect) + "WHERE a.id=?");
    for (int64_t n : order) {
      art.reset();
      art.bind(1, n);
      if (!art.executeStep()) continue;
      GraphNode node;
      node.artifact = RowToArtifact(art, Catalogue());
      node.depth = depth[n];
      display[n] = node.artifact.id;
      sg.nodes.push_back(std::move(node));
    }
    sg.root = display[*root];
    // An edge can be reached twice (a cycle back to a visited node); keep one.
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    SQLite::Statement meta(*db,
                           "SELECT relation, inferred, confidence, inferred_edge FROM edge WHERE id=?");
    SQLite::Statement ev(*db,
                         "SELECT kind, source, line, commit_id, detail, relation, inferred, "
                         "confidence FROM evidence WHERE edge=? "
                         "ORDER BY confidence DESC, kind, source, line, detail");
    for (const auto& [eid, child, parent] : edges) {
      if (!display.count(child) || !display.count(parent)) continue;
      Edge e;
      e.child = display[child];
      e.parent = display[parent];
      meta.reset();
      meta.bind(1, eid);
      if (meta.executeStep()) {
        e.relation = static_cast<Relation>(meta.getColumn(0).getInt());
        e.relation_inferred = meta.getColumn(1).getInt() != 0;
        e.confidence = meta.getColumn(2).getDouble();
        e.inferred = meta.getColumn(3).getInt() != 0;
      }
      e.evidence = LoadEvidence(ev, eid);
      sg.edges.push_back(std::move(e));
    }
    SortSubgraph(&sg);
    return sg;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

Result<Subgraph> Store::Chain(const std::string& id, int max_depth) const {
  return impl_->Walk(id, max_depth, true);
}

Result<Subgraph> Store::Descendants(const std::string& id, int max_depth) const {
  return impl_->Walk(id, max_depth, false);
}

Subgraph Store::Induced(const std::string& root,
                        const std::vector<std::pair<std::string, int>>& nodes) const {
  Subgraph sg;
  sg.root = root;
  auto& db = *impl_->db;
  std::unordered_map<int64_t, std::string> display;
  std::vector<int64_t> ids;
  SQLite::Statement art(db, std::string(kArtifactSelect) + "WHERE a.key=?");
  for (const auto& [id, depth] : nodes) {
    art.reset();
    art.bind(1, IdKey(id));
    if (!art.executeStep()) continue;
    int64_t row = art.getColumn(0).getInt64();
    if (display.count(row)) continue;
    GraphNode n;
    n.artifact = RowToArtifact(art, impl_->Catalogue());
    n.depth = depth;
    display[row] = n.artifact.id;
    ids.push_back(row);
    sg.nodes.push_back(std::move(n));
  }
  SQLite::Statement up(db,
                       "SELECT id, parent, relation, inferred, confidence, inferred_edge FROM edge "
                       "WHERE child=?");
  SQLite::Statement ev(db,
                       "SELECT kind, source, line, commit_id, detail, relation, inferred, "
                       "confidence FROM evidence WHERE edge=? "
                       "ORDER BY confidence DESC, kind, source, line, detail");
  for (int64_t child : ids) {
    up.reset();
    up.bind(1, child);
    std::vector<std::pair<int64_t, Edge>> found;
    while (up.executeStep()) {
      int64_t parent = up.getColumn(1).getInt64();
      if (!display.count(parent)) continue;
      Edge e;
      e.child = display[child];
      e.parent = display[parent];
      e.relation = static_cast<Relation>(up.getColumn(2).getInt());
      e.relation_inferred = up.getColumn(3).getInt() != 0;
      e.confidence = up.getColumn(4).getDouble();
      e.inferred = up.getColumn(5).getInt() != 0;
      found.emplace_back(up.getColumn(0).getInt64(), std::move(e));
    }
    for (auto& [eid, e] : found) {
      e.evidence = impl_->LoadEvidence(ev, eid);
      sg.edges.push_back(std::move(e));
    }
  }
  SortSubgraph(&sg);
  return sg;
}

}  // namespace lineage
