// Walks: chain, descendants and induced subgraphs.
#include "store/internal.h"
#include "store/walk_reads.h"
#include "core/key_sort.h"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace lineage {

Result<Subgraph> Store::Impl::Walk(const std::string& id, int max_depth, bool upward,
                                   bool evidence) const {
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
    FillSubgraph(std::move(order), std::move(edges), *root, &sg, evidence);
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

// A JSON array of strings, for json_each: quote, backslash and control
// characters escaped, every other byte as it is.
std::string StringArray(const std::vector<std::string_view>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : items[i]) {
      unsigned char c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c < 0x20) {
        static const char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += ch;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace

void Store::Impl::FillSubgraphByViews(std::vector<std::pair<int64_t, int>> order,
                                      std::vector<std::tuple<int64_t, int64_t, int64_t>> edges,
                                      int64_t root, Subgraph* sg) const {
  // The reference reads: one statement for all the nodes, one for all the
  // edges with their evidence, through kArtifactSelect and the evidence view.
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

namespace {

bool view_reads = false;  // UseViewWalkReads

// A prepared statement on the raw handle: the reads below take a dozen
// columns from each of 200,000 rows, without a wrapper object per column.
class RawStatement {
 public:
  RawStatement(sqlite3* db, const char* sql) : db_(db) {
    int rc = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
  }
  ~RawStatement() { sqlite3_finalize(st_); }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;
  void BindText(int i, const std::string& text) {
    int rc = sqlite3_bind_text(st_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
  }
  bool Step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) throw SQLite::Exception(db_, rc);
    return false;
  }
  int64_t Int64(int i) const { return sqlite3_column_int64(st_, i); }
  int Int(int i) const { return sqlite3_column_int(st_, i); }
  double Double(int i) const { return sqlite3_column_double(st_, i); }
  int Type(int i) const { return sqlite3_column_type(st_, i); }
  // Text(i) into `out`, reusing its buffer.
  void TextTo(int i, std::string* out) const {
    const unsigned char* t = sqlite3_column_text(st_, i);
    if (!t) {
      out->clear();
      return;
    }
    out->assign(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(st_, i)));
  }
  // A code column of schema v13 (artifact.license_code, pipeline_code,
  // library_code) as its VIRTUAL column reads: an integer names an entry of
  // `codes` (NULL past its end), anything else is itself.
  template <size_t N>
  void CodeTo(int i, const char* const (&codes)[N], std::string* out) const {
    if (Type(i) == SQLITE_INTEGER) {
      int64_t c = Int64(i);
      if (c >= 0 && static_cast<uint64_t>(c) < N) {
        out->assign(codes[c]);
      } else {
        out->clear();
      }
      return;
    }
    TextTo(i, out);
  }
  // artifact.created_time as artifact.created_at reads it:
  // strftime('%Y-%m-%dT%H:%M:%S.000Z', t, 'unixepoch') of an integer, which
  // HubTimeText formats for the years HubSeconds writes (SQL otherwise).
  void TimeTo(int i, std::string* out) const {
    if (Type(i) != SQLITE_INTEGER) return TextTo(i, out);
    int64_t t = Int64(i);
    if (t >= schema::kHubTimeFirst && t < schema::kHubTimeEnd) {
      char buf[25];
      out->assign(schema::HubTimeText(t, buf));
      return;
    }
    RawStatement q(db_, "SELECT strftime('%Y-%m-%dT%H:%M:%S.000Z', ?1, 'unixepoch')");
    sqlite3_bind_int64(q.st_, 1, t);
    if (q.Step()) q.TextTo(0, out); else out->clear();
  }
  std::string_view View(int i) const {
    const unsigned char* t = sqlite3_column_text(st_, i);
    if (!t) return std::string_view();
    return std::string_view(reinterpret_cast<const char*>(t),
                            static_cast<size_t>(sqlite3_column_bytes(st_, i)));
  }
  // As ColText reads a column: NULL as "".
  std::string Text(int i) const {
    const unsigned char* t = sqlite3_column_text(st_, i);
    if (!t) return std::string();
    return std::string(reinterpret_cast<const char*>(t),
                       static_cast<size_t>(sqlite3_column_bytes(st_, i)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

// substr(text, 1, n) as SQLite counts for text: UTF-8 characters.
std::string Utf8Prefix(const std::string& text, int64_t n) {
  if (n <= 0) return std::string();
  size_t i = 0;
  for (int64_t chars = 0; i < text.size() && chars < n; ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return text.substr(0, i);
}

// Reorders `v` in place so that v[i] becomes the old v[order[i]]: no second
// vector of 95,000 nodes beside the first.
template <typename T>
void Permute(std::vector<T>* v, std::vector<uint32_t> order) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    T held = std::move((*v)[i]);
    size_t cur = i;
    while (true) {
      size_t src = order[cur];
      order[cur] = static_cast<uint32_t>(cur);
      if (src == i) {
        (*v)[cur] = std::move(held);
        break;
      }
      (*v)[cur] = std::move((*v)[src]);
      cur = src;
    }
  }
}

// A source column that names its document's source (LINEAGE_ARTIFACT_SOURCE
// and the evidence view): the whole of it for NULL, its first `prefix`
// characters for an integer.
struct PendingSource {
  std::string* out;
  int64_t origin;  // -1: none
  int64_t prefix;  // -1: the whole source
};

// Each document's source once, for the strings that name it: `want` holds
// (origin, prefix, where the source goes); origin -1 leaves it empty.
struct SourceWant {
  int64_t origin, prefix;
  std::string* out;
};
// Documents' sources by origin row id, ascending.
struct OriginTexts {
  std::vector<int64_t> ids;
  std::vector<std::string> text;
  const std::string* Find(int64_t origin) const {
    auto it = std::lower_bound(ids.begin(), ids.end(), origin);
    if (it == ids.end() || *it != origin) return nullptr;
    return &text[static_cast<size_t>(it - ids.begin())];
  }
};

// Sets each wanted source: from `known` (may be null) when it holds the
// document, else read here (and kept in *read, which may be null).
void ResolveSources(sqlite3* h, const std::vector<SourceWant>& want, const OriginTexts* known,
                    OriginTexts* read) {
  OriginTexts local;
  OriginTexts& got = read ? *read : local;
  got.ids.clear();
  got.text.clear();
  got.ids.reserve(want.size());
  for (const auto& w : want) {
    if (w.origin >= 0 && !(known && known->Find(w.origin))) got.ids.push_back(w.origin);
  }
  std::sort(got.ids.begin(), got.ids.end());
  got.ids.erase(std::unique(got.ids.begin(), got.ids.end()), got.ids.end());
  got.text.resize(got.ids.size());
  if (!got.ids.empty()) {
    RawStatement q(h,
                   "SELECT o.id, o.source FROM json_each(?1) j "
                   "CROSS JOIN origin_source o ON o.id = j.value");
    q.BindText(1, IdArray(got.ids));
    while (q.Step()) {
      auto it = std::lower_bound(got.ids.begin(), got.ids.end(), q.Int64(0));
      if (it != got.ids.end() && *it == q.Int64(0)) got.text[it - got.ids.begin()] = q.Text(1);
    }
  }
  for (const auto& w : want) {
    const std::string* t = nullptr;
    if (w.origin >= 0) {
      t = known ? known->Find(w.origin) : nullptr;
      if (!t) t = got.Find(w.origin);
    }
    if (!t) {
      w.out->clear();
    } else if (w.prefix < 0) {
      *w.out = *t;
    } else {
      *w.out = Utf8Prefix(*t, w.prefix);
    }
  }
}

// The edges of a walk with their evidence, as read before the nodes: ends
// are indexes into the candidate rows, a piece's detail coded against the
// parent waits for the parent's id, evidence sources are resolved.
struct EdgeRows {
  std::vector<Edge> found;                          // in edge-id order, ends empty
  std::vector<std::pair<uint32_t, uint32_t>> ends;  // child, parent index in the rows
  std::vector<int64_t> evidence_rows;               // of the edges' evidence, in reading order
  struct Coded {
    uint32_t edge, piece;
    bool null;
    int64_t code;
  };
  std::vector<Coded> coded;  // details coded against the parent (schema v12)
  OriginTexts sources;       // the documents the evidence names, for the nodes'
  bool named = false;        // FillEdgeEnds done
};

// Names each edge's ends and decodes its coded details, from the nodes the
// ends index.
void FillEdgeEnds(const std::vector<GraphNode>& nodes, EdgeRows* er) {
  auto& found = er->found;
  for (size_t i = 0; i < found.size(); ++i) {
    auto [c, p] = er->ends[i];
    if (c != UINT32_MAX) found[i].child = nodes[c].artifact.id;
    if (p != UINT32_MAX) found[i].parent = nodes[p].artifact.id;
  }
  static const std::string kNone;
  for (const auto& k : er->coded) {
    uint32_t p = er->ends[k.edge].second;
    found[k.edge].evidence[k.piece].detail =
        DetailOfCode(k.null, k.code, p == UINT32_MAX ? kNone : nodes[p].artifact.id);
  }
  er->named = true;
}

// Reads the edges `ids` (ascending) between the nodes `rows` (ascending) on
// `h`: everything of EdgeRows that needs no node's row.
void ReadEdgeRows(sqlite3* h, const std::vector<int64_t>& rows, const std::vector<int64_t>& ids,
                  const std::unordered_map<int64_t, std::string>& kinds, bool evidence,
                  EdgeRows* out) {
  auto node_of = [&](int64_t row) -> uint32_t {
    auto it = std::lower_bound(rows.begin(), rows.end(), row);
    if (it == rows.end() || *it != row) return UINT32_MAX;
    return static_cast<uint32_t>(it - rows.begin());
  };
  auto& found = out->found;
  auto& ends = out->ends;
  found.reserve(ids.size());
  ends.reserve(ids.size());
  std::vector<SourceWant> pending;  // evidence whose source is its document's
  struct PendingAt {
    uint32_t edge, piece;
    int64_t origin, prefix;
  };
  std::vector<PendingAt> at;
  {
    // Without evidence every row is an edge's, its evidence column NULL.
    RawStatement ev(h, evidence
                           ? "SELECT e.id, e.child, e.parent, e.relation, e.inferred, e.confidence, "
                             "e.inferred_edge, v.id, v.kind, v.origin, v.source, v.line, "
                             "v.commit_id, v.detail, v.relation, v.inferred, v.confidence "
                             "FROM json_each(?1) j CROSS JOIN edge e ON e.id = j.value "
                             "LEFT JOIN evidence_data v ON v.edge = e.id"
                           : "SELECT e.id, e.child, e.parent, e.relation, e.inferred, e.confidence, "
                             "e.inferred_edge, NULL FROM json_each(?1) j "
                             "CROSS JOIN edge e ON e.id = j.value");
    ev.BindText(1, IdArray(ids));
    int64_t current = -1;
    while (ev.Step()) {
      int64_t eid = ev.Int64(0);
      if (eid != current) {
        current = eid;
        Edge e;
        e.relation = static_cast<Relation>(ev.Int(3));
        e.relation_inferred = ev.Int(4) != 0;
        e.confidence = ev.Double(5);
        e.inferred = ev.Int(6) != 0;
        found.push_back(std::move(e));
        ends.emplace_back(node_of(ev.Int64(1)), node_of(ev.Int64(2)));
      }
      if (ev.Type(7) == SQLITE_NULL) continue;  // an edge without evidence
      auto& list = found.back().evidence;
      list.emplace_back();
      Evidence& piece = list.back();
      out->evidence_rows.push_back(ev.Int64(7));
      auto kind = kinds.find(ev.Int64(8));
      if (kind != kinds.end()) piece.kind = kind->second;
      uint32_t edge = static_cast<uint32_t>(found.size() - 1);
      uint32_t index = static_cast<uint32_t>(list.size() - 1);
      int source_type = ev.Type(10);
      if (source_type == SQLITE_NULL || source_type == SQLITE_INTEGER) {
        at.push_back({edge, index, ev.Type(9) == SQLITE_NULL ? -1 : ev.Int64(9),
                      source_type == SQLITE_NULL ? -1 : ev.Int64(10)});
      } else {
        piece.source = ev.Text(10);
      }
      piece.line = ev.Int(11);
      piece.commit = ev.Text(12);
      if (int t = ev.Type(13); t == SQLITE_TEXT) {
        piece.detail = ev.Text(13);
      } else {  // coded against the parent (schema v12)
        out->coded.push_back({edge, index, t == SQLITE_NULL, t == SQLITE_NULL ? 0 : ev.Int64(13)});
      }
      piece.relation = static_cast<Relation>(ev.Int(14));
      piece.relation_inferred = ev.Int(15) != 0;
      piece.confidence = ev.Double(16);
    }
  }
  // The evidence lists are complete: their strings stay where they are.
  pending.reserve(at.size());
  for (const auto& p : at) {
    pending.push_back({p.origin, p.prefix, &found[p.edge].evidence[p.piece].source});
  }
  ResolveSources(h, pending, nullptr, &out->sources);
}

int side_reads = 0;         // UseSideWalkReads
bool side_fails = false;   // FailSideWalkReads
// Edges above which a walk reads them on a second connection: below it the
// connection's opening and schema read cost more than the overlap saves.
constexpr size_t kSideReadEdges = 20000;

bool SideReadWanted(size_t edges) {
  if (side_reads < 0) return false;
  if (side_reads > 0) return edges > 0;
  return edges >= kSideReadEdges;
}

// ReadEdgeRows on a read-only connection of its own, in a thread of its own.
// `opened` false: the store could not be opened so (a folder the reader
// cannot write, say) and the caller reads the edges itself; `error` set: the
// read failed. `last_run` is the newest run the connection's snapshot holds,
// for the caller to check that both read one store.
class SideRead {
 public:
  bool opened = false;
  int64_t last_run = -1;
  std::string error;

  void Start(const std::string& path, const std::vector<int64_t>* rows,
             const std::vector<int64_t>* ids,
             const std::unordered_map<int64_t, std::string>* kinds, bool evidence,
             EdgeRows* out) {
    thread_ = std::thread(
        [this, path, rows, ids, kinds, evidence, out] { Run(path, *rows, *ids, *kinds, evidence, out); });
  }
  // The nodes the edges' ends index (null: the edges are named by the
  // caller): once read, the thread names the ends while the caller goes on.
  void NodesRead(const std::vector<GraphNode>* nodes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (told_) return;
    nodes_ = nodes;
    told_ = true;
    ready_.notify_one();
  }
  void Join() {
    NodesRead(nullptr);
    if (thread_.joinable()) thread_.join();
  }
  ~SideRead() { Join(); }

 private:
  void Run(const std::string& path, const std::vector<int64_t>& rows,
           const std::vector<int64_t>& ids,
           const std::unordered_map<int64_t, std::string>& kinds, bool evidence, EdgeRows* out) {
    sqlite3* h = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_close(h);
      return;
    }
    sqlite3_busy_timeout(h, 10000);
    bool begun = false;
    try {
      schema::RegisterFastRtrim(h);
      if (sqlite3_exec(h, "PRAGMA cache_size = -4096; BEGIN", nullptr, nullptr, nullptr) ==
          SQLITE_OK) {
        begun = true;
        RawStatement q(h, "SELECT max(id) FROM run");
        if (q.Step() && q.Type(0) != SQLITE_NULL) last_run = q.Int64(0);
        opened = true;
      }
    } catch (const std::exception&) {
      opened = false;  // the caller reads the edges itself
    }
    if (opened) {
      try {
        if (side_fails) throw std::runtime_error("injected failure (FailSideWalkReads)");
        ReadEdgeRows(h, rows, ids, kinds, evidence, out);
        const std::vector<GraphNode>* nodes = nullptr;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          ready_.wait(lock, [this] { return told_; });
          nodes = nodes_;
        }
        if (nodes) FillEdgeEnds(*nodes, out);
      } catch (const std::exception& e) {
        error = e.what();
      } catch (...) {
        error = "unknown error";
      }
    }
    if (begun) sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  bool told_ = false;
  const std::vector<GraphNode>* nodes_ = nullptr;
  std::thread thread_;
};

}  // namespace

void store_detail::UseViewWalkReads(bool on) { view_reads = on; }
void store_detail::UseSideWalkReads(int mode) { side_reads = mode; }
void store_detail::FailSideWalkReads(bool on) { side_fails = on; }

void Store::Impl::FillSubgraph(std::vector<std::pair<int64_t, int>> order,
                               std::vector<std::tuple<int64_t, int64_t, int64_t>> edges,
                               int64_t root, Subgraph* sg, bool evidence) const {
  if (view_reads) {
    FillSubgraphByViews(std::move(order), std::move(edges), root, sg);
    if (!evidence) {
      for (auto& e : sg->edges) e.evidence.clear();
    }
    return;
  }
  // The answer of FillSubgraphByViews with fewer seeks: artifact and evidence
  // rows without their per-row joins (organizations, aliases and kind codes
  // are small tables read whole; a document's source is read once for its
  // artifact and its evidence), and the result built in its final order, each
  // id key folded once, nothing hashed by string.
  sqlite3* h = db->getHandle();
  // Rows are read in row-id order, each page once: a few MiB recycled serve
  // as well as the store's 256 MiB, without an allocation and page fault per
  // page read (and their release when the store closes).
  CacheSizeScope small_cache(*db, kScanCacheKiB);
  std::sort(order.begin(), order.end());
  std::unordered_map<std::string, std::string> alias;  // old namespace -> new
  {
    RawStatement q(h, "SELECT old_namespace, new_namespace FROM alias");
    while (q.Step()) alias.emplace(q.Text(0), q.Text(1));
  }
  std::unordered_map<int64_t, std::string> kinds;  // kind code -> name
  {
    RawStatement q(h, "SELECT id, name FROM kind_code");
    while (q.Step()) kinds.emplace(q.Int64(0), q.Text(1));
  }
  // The walked rows, ascending, and the edges between them (an edge can be
  // reached twice, by a cycle back to a visited node: kept once).
  std::vector<int64_t> node_rows;
  node_rows.reserve(order.size());
  for (const auto& o : order) node_rows.push_back(o.first);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<int64_t> edge_ids;
  std::vector<std::pair<int64_t, int64_t>> edge_ends;  // child, parent row
  edge_ids.reserve(edges.size());
  edge_ends.reserve(edges.size());
  for (const auto& [eid, child, parent] : edges) {
    if (std::binary_search(node_rows.begin(), node_rows.end(), child) &&
        std::binary_search(node_rows.begin(), node_rows.end(), parent)) {
      edge_ids.push_back(eid);
      edge_ends.emplace_back(child, parent);
    }
  }
  // A big walk reads its edges and evidence on a second connection while
  // this one reads the artifact rows: the two halves take about as long.
  EdgeRows er;
  int64_t last_run = -1;
  std::unique_ptr<SideRead> side;
  if (SideReadWanted(edge_ids.size()) && txn == nullptr && !path.empty() && path != ":memory:") {
    {
      RawStatement q(h, "SELECT max(id) FROM run");
      if (q.Step() && q.Type(0) != SQLITE_NULL) last_run = q.Int64(0);
    }
    side = std::make_unique<SideRead>();
    side->Start(path, &node_rows, &edge_ids, &kinds, evidence, &er);
  }
  // Nodes in row-id order; `rows` (ascending) names them for the edges.
  std::vector<int64_t> rows;
  std::vector<GraphNode> nodes;
  std::vector<std::pair<size_t, std::pair<int64_t, int64_t>>> node_sources;  // index, origin, prefix
  std::vector<std::string> node_ns;  // each node's namespace, for its organization
  rows.reserve(order.size());
  nodes.reserve(order.size());
  node_ns.reserve(order.size());
  {
    RawStatement art(h,
                     "SELECT a.id, a.display, a.kind, NULL, a.declared, a.license_code, "
                     "a.license_name, a.license_link, a.pipeline_code, a.library_code, "
                     "a.created_time, a.origin, a.source, a.new_version, a.tags, a.languages "
                     "FROM json_each(?1) j CROSS JOIN artifact a ON a.id = j.value");
    art.BindText(1, IdArray(node_rows));
    const LicenseCatalogue* catalogue = nullptr;  // read when a node has a licence
    auto Norm = [this](const LicenseCatalogue** c) -> const LicenseCatalogue& {
      if (!*c) *c = &Normaliser();
      return **c;
    };
    StringMap<std::string> normalized;  // licence, name, link (length-prefixed) -> id
    std::string licence_key;
    std::string folded;  // StoredNamespace's buffer
    size_t next = 0;
    while (art.Step()) {
      int64_t n = art.Int64(0);
      while (next < order.size() && order[next].first != n) ++next;
      if (next == order.size()) break;
      nodes.emplace_back();
      GraphNode& node = nodes.back();
      Artifact& a = node.artifact;
      art.TextTo(1, &a.id);
      a.kind = static_cast<ArtifactKind>(art.Int(2));
      {
        // NamespaceOf(id without "datasets/"), as RowToArtifact, without copies.
        std::string_view k = a.id;
        for (int twice = 0; twice < 2; ++twice) {
          if (k.substr(0, 9) == "datasets/") k.remove_prefix(9);
        }
        size_t slash = k.find('/');
        if (slash != std::string_view::npos) a.author.assign(k.data(), slash);
      }
      a.declared = art.Int(4) != 0;
      // The stored codes, spelled out here as the VIRTUAL columns spell them
      // (schema v13), and the namespace folded here: SQL would evaluate a
      // CASE of up to 60 branches, strftime and lower() per node.
      art.CodeTo(5, schema::kLicenseCodes, &a.license);
      art.TextTo(6, &a.license_name);
      art.TextTo(7, &a.license_link);
      art.CodeTo(8, schema::kPipelineCodes, &a.pipeline_tag);
      art.CodeTo(9, schema::kLibraryCodes, &a.library_name);
      art.TimeTo(10, &a.created_at);
      int source_type = art.Type(12);
      if (source_type == SQLITE_NULL || source_type == SQLITE_INTEGER) {
        node_sources.push_back({nodes.size() - 1,
                                {art.Type(11) == SQLITE_NULL ? -1 : art.Int64(11),
                                 source_type == SQLITE_NULL ? -1 : art.Int64(12)}});
      } else {
        art.TextTo(12, &a.source);
      }
      art.TextTo(13, &a.new_version);
      a.tags = SplitLines(art.View(14));
      a.languages = SplitLines(art.View(15));
      node_ns.emplace_back(StoredNamespace(a.id, &folded));
      if (!a.license.empty() || !a.license_name.empty()) {
        // A family shares a few licences: each triple normalised once.
        licence_key.clear();
        for (const std::string* part : {&a.license, &a.license_name, &a.license_link}) {
          uint32_t size = static_cast<uint32_t>(part->size());
          licence_key.append(reinterpret_cast<const char*>(&size), sizeof size);
          licence_key += *part;
        }
        auto it = normalized.find(std::string_view(licence_key));
        if (it == normalized.end()) {
          it = normalized
                   .emplace(licence_key,
                            Norm(&catalogue).Normalize(a.license, a.license_name,
                                                       a.license_link))
                   .first;
        }
        a.license_normalized = it->second;
      }
      node.depth = order[next].second;
      rows.push_back(n);
    }
  }
  if (side) side->NodesRead(rows.size() == node_rows.size() ? &nodes : nullptr);
  // Organizations of the nodes' namespaces (after aliases), each looked up
  // once: the table can hold hundreds of thousands for a family's few. Then
  // each node's copied in node order.
  {
    std::vector<std::string_view> names;  // distinct, after aliases
    std::vector<uint32_t> node_org(node_ns.size());  // index in names
    {
      StringMap<uint32_t> index;
      for (uint32_t i = 0; i < node_ns.size(); ++i) {
        auto al = alias.find(node_ns[i]);
        std::string_view target = al == alias.end() ? std::string_view(node_ns[i]) : al->second;
        auto it = index.find(target);
        if (it == index.end()) {
          it = index.emplace(std::string(target), static_cast<uint32_t>(names.size())).first;
          names.push_back(target);
        }
        node_org[i] = it->second;
      }
    }
    // In key order, so the seeks walk the table's pages forwards.
    std::vector<uint32_t> by_name(names.size());
    for (uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(),
              [&names](uint32_t x, uint32_t y) { return names[x] < names[y]; });
    std::vector<std::string_view> sorted;
    sorted.reserve(names.size());
    for (uint32_t i : by_name) sorted.push_back(names[i]);
    struct Org {
      bool found = false;
      std::string organization, country, source, source_kind, parent;
    };
    std::vector<Org> orgs(names.size());
    RawStatement q(h,
                   "SELECT j.key, o.organization, o.country, o.source, o.source_kind, "
                   "o.parent FROM json_each(?1) j CROSS JOIN organization o "
                   "ON o.namespace = j.value");
    q.BindText(1, StringArray(sorted));
    while (q.Step()) {
      int64_t k = q.Int64(0);  // the name's place in the array
      if (k < 0 || static_cast<size_t>(k) >= by_name.size()) continue;
      Org& org = orgs[by_name[static_cast<size_t>(k)]];
      org.found = true;
      org.organization = q.Text(1);
      org.country = q.Text(2);
      org.source = q.Text(3);
      org.source_kind = q.Text(4);
      org.parent = q.Text(5);
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Org& org = orgs[node_org[i]];
      if (!org.found) continue;
      Artifact& a = nodes[i].artifact;
      a.organization = org.organization;
      a.country = org.country;
      a.country_source = org.source;
      a.country_source_kind = org.source_kind;
      a.organization_parent = org.parent;
    }
  }
  // The edges read beside the nodes, on the same rows, unless an artifact
  // row was missing (then again, between the nodes found) or the side
  // connection saw another snapshot.
  bool redo = true;
  if (side) {
    side->Join();
    if (!side->error.empty()) {
      throw SQLite::Exception("store read (evidence) failed: " + side->error, SQLITE_ERROR);
    }
    redo = !side->opened || side->last_run != last_run || rows.size() != node_rows.size();
  }
  if (redo) {
    er = EdgeRows{};
    std::vector<int64_t> between;
    between.reserve(edge_ids.size());
    for (size_t i = 0; i < edge_ids.size(); ++i) {
      if (std::binary_search(rows.begin(), rows.end(), edge_ends[i].first) &&
          std::binary_search(rows.begin(), rows.end(), edge_ends[i].second)) {
        between.push_back(edge_ids[i]);
      }
    }
    ReadEdgeRows(h, rows, between, kinds, evidence, &er);
  }
  if (!rows.empty()) {
    auto it = std::lower_bound(rows.begin(), rows.end(), root);
    if (it != rows.end() && *it == root) sg->root = nodes[static_cast<size_t>(it - rows.begin())].artifact.id;
  }
  if (!er.named) FillEdgeEnds(nodes, &er);
  std::vector<Edge>& found = er.found;
  const std::vector<std::pair<uint32_t, uint32_t>>& ends = er.ends;
  const std::vector<int64_t>& evidence_rows = er.evidence_rows;
  // The nodes' sources: mostly the documents of their edges' evidence.
  {
    std::vector<SourceWant> want;
    want.reserve(node_sources.size());
    for (const auto& ns : node_sources) {
      want.push_back({ns.second.first, ns.second.second, &nodes[ns.first].artifact.source});
    }
    ResolveSources(h, want, &er.sources, nullptr);
  }
  // Evidence per edge in the order EvidenceOfEdgeSql gives (kEvidenceOrder),
  // ties by row id.
  {
    size_t first = 0;  // of the edge's evidence in evidence_rows
    std::vector<uint32_t> by;
    for (auto& e : found) {
      size_t n = e.evidence.size();
      if (n > 1) {
        by.resize(n);
        for (uint32_t k = 0; k < n; ++k) by[k] = k;
        const auto& list = e.evidence;
        std::sort(by.begin(), by.end(), [&](uint32_t x, uint32_t y) {
          const Evidence& a = list[x];
          const Evidence& b = list[y];
          if (a.confidence != b.confidence) return a.confidence > b.confidence;
          if (int c = a.kind.compare(b.kind)) return c < 0;
          if (int c = a.source.compare(b.source)) return c < 0;
          if (a.line != b.line) return a.line < b.line;
          if (int c = a.detail.compare(b.detail)) return c < 0;
          return evidence_rows[first + x] < evidence_rows[first + y];
        });
        Permute(&e.evidence, by);
      }
      first += n;
    }
  }
  // SortSubgraph's order: nodes by (depth, id key), edges by (child key,
  // parent key), through each node's rank among the keys.
  std::vector<uint32_t> rank(nodes.size());
  {
    // IdKey of every id in one buffer, ordered without a comparison sort.
    size_t total = 0;
    for (const auto& n : nodes) total += n.artifact.id.size();
    std::string keys;
    keys.reserve(total);
    for (const auto& n : nodes) {
      for (char ch : n.artifact.id) {
        keys += ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + ('a' - 'A')) : ch;
      }
    }
    std::vector<std::string_view> views(nodes.size());
    size_t at = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
      views[i] = std::string_view(keys.data() + at, nodes[i].artifact.id.size());
      at += views[i].size();
    }
    std::vector<uint32_t> by_key = OrderByBytes(views);
    for (uint32_t r = 0; r < by_key.size(); ++r) rank[by_key[r]] = r;
  }
  // By depth, then rank: the nodes in key order dealt into one run per depth.
  std::vector<uint32_t> node_order(nodes.size());
  {
    std::vector<uint32_t> by_rank(nodes.size());
    for (uint32_t i = 0; i < rank.size(); ++i) by_rank[rank[i]] = i;
    int deepest = 0;
    for (const auto& n : nodes) deepest = std::max(deepest, n.depth);
    std::vector<size_t> start(static_cast<size_t>(deepest) + 2, 0);
    for (const auto& n : nodes) ++start[static_cast<size_t>(n.depth) + 1];
    for (size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
    for (uint32_t i : by_rank) node_order[start[static_cast<size_t>(nodes[i].depth)]++] = i;
  }
  Permute(&nodes, std::move(node_order));
  sg->nodes = std::move(nodes);
  std::vector<std::pair<uint64_t, uint32_t>> edge_order;
  edge_order.reserve(found.size());
  bool all_listed = true;
  for (uint32_t i = 0; i < found.size(); ++i) {
    auto [c, p] = ends[i];
    if (c == UINT32_MAX || p == UINT32_MAX) all_listed = false;
    edge_order.push_back({all_listed ? (static_cast<uint64_t>(rank[c]) << 32) | rank[p] : 0, i});
  }
  if (!all_listed) {
    // Not reached (edges are read only between listed nodes): SortSubgraph.
    sg->edges = std::move(found);
    SortSubgraph(sg);
    return;
  }
  std::sort(edge_order.begin(), edge_order.end());
  std::vector<uint32_t> by_key(edge_order.size());
  for (size_t i = 0; i < by_key.size(); ++i) by_key[i] = edge_order[i].second;
  Permute(&found, std::move(by_key));
  sg->edges = std::move(found);
}

Result<Subgraph> Store::Chain(const std::string& id, int max_depth, bool evidence) const {
  return impl_->Walk(id, max_depth, true, evidence);
}

Result<Subgraph> Store::Descendants(const std::string& id, int max_depth, bool evidence) const {
  return impl_->Walk(id, max_depth, false, evidence);
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
