// The persisted adjacency (schema version 7): parent -> children of every
// edge in compressed rows, one blob, so a walk over a family of 45,000 models
// costs one row read rather than a statement per node.
#include <bit>
#include <cstring>

#include "store/internal.h"

namespace lineage {

namespace {

constexpr int kChildren = 0;  // adjacency.direction

}  // namespace

void Store::Impl::RebuildAdjacency() {
  if constexpr (std::endian::native != std::endian::little) {
    // The blob is little-endian; a big-endian build walks the edge table.
    db->exec("DELETE FROM adjacency");
    edges_dirty = false;
    return;
  }
  int64_t max_artifact = db->execAndGet("SELECT COALESCE(max(id), 0) FROM artifact").getInt64();
  int64_t max_edge = db->execAndGet("SELECT COALESCE(max(id), 0) FROM edge").getInt64();
  db->exec("DELETE FROM adjacency");
  edges_dirty = false;
  // Row ids past 32 bits are left to the edge table.
  if (max_artifact >= UINT32_MAX || max_edge >= UINT32_MAX) return;
  uint32_t nodes = static_cast<uint32_t>(max_artifact) + 1;
  std::vector<uint32_t> offsets(nodes + 1, 0), children, edge_ids;
  {
    // edge_parent (parent, child) covers this scan and gives it sorted.
    SQLite::Statement q(*db, "SELECT parent, child, id FROM edge ORDER BY parent, child");
    uint32_t last = 0;
    while (q.executeStep()) {
      uint32_t parent = static_cast<uint32_t>(q.getColumn(0).getInt64());
      for (uint32_t p = last; p < parent; ++p) offsets[p + 1] = static_cast<uint32_t>(children.size());
      last = parent;
      children.push_back(static_cast<uint32_t>(q.getColumn(1).getInt64()));
      edge_ids.push_back(static_cast<uint32_t>(q.getColumn(2).getInt64()));
      offsets[parent + 1] = static_cast<uint32_t>(children.size());
    }
    for (uint32_t p = last + 1; p < nodes; ++p) offsets[p + 1] = offsets[p];
  }
  size_t m = children.size();
  std::string data;
  data.resize((offsets.size() + 2 * m) * sizeof(uint32_t));
  char* out = data.data();
  std::memcpy(out, offsets.data(), offsets.size() * sizeof(uint32_t));
  out += offsets.size() * sizeof(uint32_t);
  if (m) {
    std::memcpy(out, children.data(), m * sizeof(uint32_t));
    std::memcpy(out + m * sizeof(uint32_t), edge_ids.data(), m * sizeof(uint32_t));
  }
  SQLite::Statement ins(*db,
                        "INSERT INTO adjacency(direction, nodes, edges, max_edge, data) "
                        "VALUES(?,?,?,?,?)");
  ins.bind(1, kChildren);
  ins.bind(2, static_cast<int64_t>(nodes));
  ins.bind(3, static_cast<int64_t>(m));
  ins.bind(4, max_edge);
  ins.bind(5, data.data(), static_cast<int>(data.size()));
  ins.exec();
}

bool Store::Impl::LoadAdjacency(Adjacency* adj) const {
  if constexpr (std::endian::native != std::endian::little) return false;
  // The blob's length only (its pages are not read for length()), then the
  // blob read straight into the arrays: no 23 MB copy of it on the way.
  SQLite::Statement q(*db,
                      "SELECT nodes, edges, max_edge, length(data), "
                      "(SELECT COALESCE(max(id), 0) FROM edge) FROM adjacency WHERE direction=?");
  q.bind(1, kChildren);
  if (!q.executeStep()) return false;
  int64_t nodes = q.getColumn(0).getInt64();
  int64_t m = q.getColumn(1).getInt64();
  // An edge added since the build (a write outside a run) makes it stale.
  if (q.getColumn(2).getInt64() != q.getColumn(4).getInt64()) return false;
  size_t want = static_cast<size_t>(nodes + 1 + 2 * m) * sizeof(uint32_t);
  if (nodes < 0 || m < 0 || static_cast<size_t>(q.getColumn(3).getInt64()) != want) return false;
  q.reset();
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db->getHandle(), "main", "adjacency", "data", kChildren, 0, &blob) !=
      SQLITE_OK) {
    sqlite3_blob_close(blob);
    return false;
  }
  adj->offsets.resize(static_cast<size_t>(nodes) + 1);
  adj->children.resize(static_cast<size_t>(m));
  adj->edge_ids.resize(static_cast<size_t>(m));
  int at = 0;
  bool read = true;
  for (std::vector<uint32_t>* part : {&adj->offsets, &adj->children, &adj->edge_ids}) {
    int bytes = static_cast<int>(part->size() * sizeof(uint32_t));
    if (bytes && sqlite3_blob_read(blob, part->data(), bytes, at) != SQLITE_OK) read = false;
    at += bytes;
  }
  sqlite3_blob_close(blob);
  if (!read) return false;
  // A damaged row must not send a walk out of bounds: fall back instead.
  for (size_t i = 1; i < adj->offsets.size(); ++i) {
    if (adj->offsets[i] < adj->offsets[i - 1]) return false;
  }
  if (adj->offsets.front() != 0 || adj->offsets.back() != static_cast<uint32_t>(m)) return false;
  return true;
}

}  // namespace lineage
