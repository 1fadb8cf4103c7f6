// Walks: chain, descendants and induced subgraphs.
#include "store/internal.h"

namespace lineage {

Result<Subgraph> Store::Impl::Walk(const std::string& id, int max_depth, bool upward) const {
  try {
    // One read transaction: one shared lock for the thousands of statements.
    ReadTxn read(*db, txn != nullptr);
    auto root = RowId(id);
    if (!root) return Status::NotFound("unknown model '" + id + "'");
    std::vector<std::pair<int64_t, int>> order{{*root, 0}};  // row id, depth; BFS order
    std::vector<std::tuple<int64_t, int64_t, int64_t>> edges;  // edge id, child, parent
    Adjacency adj;
    if (!upward && LoadAdjacency(&adj)) {
      // Breadth first over the persisted adjacency: no statement per node.
      const size_t nodes = adj.offsets.size() - 1;
      std::vector<int> depth(nodes, -1);
      if (static_cast<uint64_t>(*root) < nodes) depth[*root] = 0;
      for (size_t head = 0; head < order.size(); ++head) {
        auto [cur, d] = order[head];
        if (max_depth >= 0 && d >= max_depth) continue;
        if (static_cast<uint64_t>(cur) >= nodes) continue;
        for (uint32_t k = adj.offsets[cur]; k < adj.offsets[cur + 1]; ++k) {
          uint32_t child = adj.children[k];
          if (child >= nodes) continue;
          edges.emplace_back(adj.edge_ids[k], child, cur);
          if (depth[child] < 0) {
            depth[child] = d + 1;
            order.emplace_back(child, d + 1);
          }
        }
      }
    } else {
      SQLite::Statement step(*db, upward ? "SELECT id, parent FROM edge WHERE child=?"
                                         : "SELECT id, child FROM edge WHERE parent=?");
      std::unordered_map<int64_t, int> depth{{*root, 0}};
      for (size_t head = 0; head < order.size(); ++head) {
        auto [cur, d] = order[head];
        if (max_depth >= 0 && d >= max_depth) continue;
        step.reset();
        step.bind(1, cur);
        while (step.executeStep()) {
          int64_t eid = step.getColumn(0).getInt64();
          int64_t other = step.getColumn(1).getInt64();
          edges.emplace_back(eid, upward ? cur : other, upward ? other : cur);
          if (depth.emplace(other, d + 1).second) order.emplace_back(other, d + 1);
        }
      }
    }
    // No mmap: every mapped page a big walk touches counts in the process's
    // resident set (1.39 GiB for a 96k-model family of the 2M store, 553 MiB
    // through the page cache, in the same time).
    Subgraph sg;
    FillSubgraph(std::move(order), std::move(edges), *root, &sg);
    return sg;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

namespace {

// A JSON array of row ids, the one parameter of the set-based reads below
// (json_each turns it into rows; SQLite has no array binding of its own).
std::string IdArray(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

}  // namespace

void Store::Impl::FillSubgraph(std::vector<std::pair<int64_t, int>> order,
                               std::vector<std::tuple<int64_t, int64_t, int64_t>> edges,
                               int64_t root, Subgraph* sg) const {
  // One statement for all the nodes, one for all the edges with their
  // evidence: rows read in row-id order, no statement per node or edge.
  std::sort(order.begin(), order.end());
  // Row ids of sg->nodes, ascending (the nodes are read in row-id order):
  // a binary search names an edge's ends without a map of copied ids.
  std::vector<int64_t> rows;
  rows.reserve(order.size());
  sg->nodes.reserve(order.size());
  static const std::string kNone;
  auto display = [&](int64_t row) -> const std::string* {
    auto it = std::lower_bound(rows.begin(), rows.end(), row);
    if (it == rows.end() || *it != row) return nullptr;
    return &sg->nodes[static_cast<size_t>(it - rows.begin())].artifact.id;
  };
  {
    std::vector<int64_t> ids;
    ids.reserve(order.size());
    for (const auto& o : order) ids.push_back(o.first);
    static const std::string kNodes = [] {
      std::string sql = kArtifactSelect;
      const std::string from = "FROM artifact a ";
      sql.replace(sql.find(from), from.size(),
                  "FROM json_each(?1) j CROSS JOIN artifact a ON a.id = j.value ");
      return sql;
    }();
    SQLite::Statement art(*db, kNodes);
    art.bind(1, IdArray(ids));
    size_t next = 0;
    while (art.executeStep()) {
      int64_t n = art.getColumn(0).getInt64();
      while (next < order.size() && order[next].first != n) ++next;
      if (next == order.size()) break;
      GraphNode node;
      node.artifact = RowToArtifact(art, Catalogue());
      node.depth = order[next].second;
      rows.push_back(n);
      sg->nodes.push_back(std::move(node));
    }
  }
  if (const std::string* r = display(root)) sg->root = *r;
  // An edge can be reached twice (a cycle back to a visited node); keep one.
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<int64_t> ids;
  ids.reserve(edges.size());
  for (const auto& [eid, child, parent] : edges) {
    if (display(child) && display(parent)) ids.push_back(eid);
  }
  SQLite::Statement ev(*db,
                       "SELECT e.id, e.child, e.parent, e.relation, e.inferred, e.confidence, "
                       "e.inferred_edge, v.id, v.kind, v.source, v.line, v.commit_id, v.detail, "
                       "v.relation, v.inferred, v.confidence FROM json_each(?1) j "
                       "CROSS JOIN edge e ON e.id = j.value LEFT JOIN evidence v ON v.edge = e.id");
  ev.bind(1, IdArray(ids));
  sg->edges.reserve(ids.size());
  std::vector<std::pair<int64_t, Evidence>> pieces;  // of the current edge, with row ids
  int64_t current = -1;
  auto finish = [&] {
    if (current < 0) return;
    // The order EvidenceOfEdgeSql gives (kEvidenceOrder), ties by row id.
    std::sort(pieces.begin(), pieces.end(), [](const auto& x, const auto& y) {
      const Evidence& a = x.second;
      const Evidence& b = y.second;
      if (a.confidence != b.confidence) return a.confidence > b.confidence;
      if (int c = a.kind.compare(b.kind)) return c < 0;
      if (int c = a.source.compare(b.source)) return c < 0;
      if (a.line != b.line) return a.line < b.line;
      if (int c = a.detail.compare(b.detail)) return c < 0;
      return x.first < y.first;
    });
    auto& out = sg->edges.back().evidence;
    out.reserve(pieces.size());
    for (auto& p : pieces) out.push_back(std::move(p.second));
    pieces.clear();
  };
  while (ev.executeStep()) {
    int64_t eid = ev.getColumn(0).getInt64();
    if (eid != current) {
      finish();
      current = eid;
      Edge e;
      const std::string* c = display(ev.getColumn(1).getInt64());
      const std::string* p = display(ev.getColumn(2).getInt64());
      e.child = c ? *c : kNone;
      e.parent = p ? *p : kNone;
      e.relation = static_cast<Relation>(ev.getColumn(3).getInt());
      e.relation_inferred = ev.getColumn(4).getInt() != 0;
      e.confidence = ev.getColumn(5).getDouble();
      e.inferred = ev.getColumn(6).getInt() != 0;
      sg->edges.push_back(std::move(e));
    }
    if (ev.getColumn(7).isNull()) continue;  // an edge without evidence
    pieces.emplace_back(ev.getColumn(7).getInt64(), ReadEvidence(ev, 8));
  }
  finish();
  SortSubgraph(sg);
}

Result<Subgraph> Store::Chain(const std::string& id, int max_depth) const {
  return impl_->Walk(id, max_depth, true);
}

Result<Subgraph> Store::Descendants(const std::string& id, int max_depth) const {
  return impl_->Walk(id, max_depth, false);
}

Result<Subgraph> Store::Induced(const std::string& root,
                                const std::vector<std::pair<std::string, int>>& nodes) const {
  try {
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
    SQLite::Statement up(
        db,
        "SELECT id, parent, relation, inferred, confidence, inferred_edge FROM edge "
        "WHERE child=?");
    SQLite::Statement ev(db, Impl::EvidenceOfEdgeSql());
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
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

}  // namespace lineage
