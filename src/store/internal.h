// Private to the store module: the store's state (Store::Impl) and the small
// helpers its files share. SQLiteCpp is included here and nowhere outside
// src/store/. Each concept of the store lives in its own file:
//   open.cc       opening, migrating, handle lifetime
//   documents.cc  document writes: artifacts, edges, evidence, tables, layers
//   run.cc        ingest runs: begin, resolve pending names, cycle check, commit
//   lookup.cc     id resolution and single-artifact reads
//   walks.cc      chain, descendants, induced subgraphs
//   reports.cc    diagnostics, stats, organizations, blocs, scans
//   query.cc      read-only SQL
//   repos.cc      git repositories: LFS objects, history, findings
//   as_of.cc      the graph as it stood at a date
#ifndef LINEAGE_STORE_INTERNAL_H_
#define LINEAGE_STORE_INTERNAL_H_

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/string_map.h"
#include "lineage/license.h"
#include "lineage/store.h"
#include "store/key_id_map.h"
#include "store/schema.h"

namespace lineage {
namespace store_detail {


inline std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

inline std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    out.emplace_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

inline std::string ColText(SQLite::Statement& st, int i) {
  const char* t = st.getColumn(i).getText("");
  return t ? std::string(t) : std::string();
}

// Evidence columns as ReadEvidence reads them, and the order evidence is
// listed in everywhere (strongest first, then stably).
#define LINEAGE_EVIDENCE_COLUMNS \
  "kind, source, line, commit_id, detail, relation, inferred, confidence"
constexpr const char* kEvidenceOrder = "ORDER BY confidence DESC, kind, source, line, detail";

// A record's lastModified (?18) as artifact_record_data stores it (schema
// v12): the Unix time when the text is the Hub's form to the second and reads
// back the same, else the text.
#define LINEAGE_LAST_MODIFIED_CODE \
  "CASE WHEN ?18 GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].000Z' AND strftime('%Y-%m-%dT%H:%M:%S.000Z', CAST(strftime('%s', ?18) AS INTEGER), 'unixepoch') = ?18 THEN CAST(strftime('%s', ?18) AS INTEGER) ELSE ?18 END"

// An evidence detail as evidence_data codes it (schema v12): NULL is the
// edge's parent's display id, 0 it without `datasets/`, 1..4 it after
// `base_model:<finetune|adapter|quantized|merge>:`.
inline std::string DetailOfCode(bool null, int64_t code, std::string_view parent) {
  static constexpr const char* kPrefixes[] = {"base_model:finetune:", "base_model:adapter:",
                                              "base_model:quantized:", "base_model:merge:"};
  if (null) return std::string(parent);
  if (code == 0) return std::string(parent.substr(std::min<size_t>(9, parent.size())));
  if (code >= 1 && code <= 4) return kPrefixes[code - 1] + std::string(parent);
  return std::string(parent);
}

// Reads the evidence columns (LINEAGE_EVIDENCE_COLUMNS) starting at `first`.
inline Evidence ReadEvidence(SQLite::Statement& st, int first) {
  Evidence e;
  e.kind = ColText(st, first);
  e.source = ColText(st, first + 1);
  e.line = st.getColumn(first + 2).getInt();
  e.commit = ColText(st, first + 3);
  e.detail = ColText(st, first + 4);
  e.relation = static_cast<Relation>(st.getColumn(first + 5).getInt());
  e.relation_inferred = st.getColumn(first + 6).getInt() != 0;
  e.confidence = st.getColumn(first + 7).getDouble();
  return e;
}

// Binds the evidence columns (LINEAGE_EVIDENCE_COLUMNS) from `first` on.
inline void BindEvidence(SQLite::Statement& st, int first, const Evidence& ev) {
  st.bind(first, ev.kind);
  st.bind(first + 1, ev.source);
  st.bind(first + 2, ev.line);
  st.bind(first + 3, ev.commit);
  st.bind(first + 4, ev.detail);
  st.bind(first + 5, static_cast<int>(ev.relation));
  st.bind(first + 6, ev.relation_inferred ? 1 : 0);
  st.bind(first + 7, ev.confidence);
}

// A document's content hash as stored in origin.hash (schema v10): a
// lower-case hex digest as its bytes, anything else as text. Read back as
// text by LINEAGE_DOCUMENT_HASH.
inline void BindDocumentHash(SQLite::Statement& st, int i, const std::string& hash) {
  auto nibble = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  bool hex = !hash.empty() && hash.size() % 2 == 0;
  for (char c : hash) hex = hex && nibble(c) >= 0;
  if (!hex) return st.bind(i, hash);
  std::string bytes(hash.size() / 2, '\0');
  for (size_t k = 0; k < bytes.size(); ++k) {
    bytes[k] = static_cast<char>(nibble(hash[2 * k]) * 16 + nibble(hash[2 * k + 1]));
  }
  st.bind(i, bytes.data(), static_cast<int>(bytes.size()));
}
#define LINEAGE_DOCUMENT_HASH \
  "CASE typeof(hash) WHEN 'blob' THEN lower(hex(hash)) ELSE hash END"

// The name of the origin_data row `o` (schema v11): its text, or for a
// document named after its artifact the form's prefix, the artifact's key
// and the form's suffix. A lookup by name probes name_hash first.
#define LINEAGE_ORIGIN_NAME(o)                                                            \
  "CASE WHEN " o ".name IS NOT NULL THEN " o ".name ELSE (SELECT nf.prefix || na.key || " \
  "nf.suffix FROM origin_form nf, artifact na WHERE nf.id = " o ".form AND na.id = " o   \
  ".artifact) END"

inline bool IsBuiltinOrigin(const std::string& origin) {
  return origin.rfind("builtin:", 0) == 0;
}

inline std::string NowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// artifact.namespace as the schema computes it (VIRTUAL since v12): the
// ASCII-folded id, without `datasets/`, up to its first '/' ('' if none).
// A view into `buf`, which holds the folded id.
inline std::string_view StoredNamespace(std::string_view display, std::string* buf) {
  buf->assign(display);
  for (char& c : *buf) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view ns(*buf);
  if (ns.rfind("datasets/", 0) == 0) ns.remove_prefix(9);
  size_t slash = ns.find('/');
  return slash == std::string_view::npos ? std::string_view() : ns.substr(0, slash);
}

inline std::string NamespaceOf(const std::string& key) {
  std::string k = key;
  if (k.rfind("datasets/", 0) == 0) k = k.substr(9);
  size_t slash = k.find('/');
  return slash == std::string::npos ? std::string() : k.substr(0, slash);
}

inline std::string NameOf(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

// An artifact row's source as BindSource stored it (schema v10): NULL for
// its origin's, a length for a prefix of it, else the text. Reads of
// `artifact a` select it through this.
#define LINEAGE_ARTIFACT_SOURCE                                                             \
  "CASE typeof(a.source) WHEN 'null' THEN COALESCE((SELECT og.source FROM origin_source og "  \
  "WHERE og.id = a.origin), '') WHEN 'integer' THEN substr((SELECT og.source FROM "           \
  "origin_source og WHERE og.id = a.origin), 1, a.source) ELSE a.source END"

// Columns of an artifact joined with its organization (through a renamed
// namespace when there is an alias).
constexpr const char* kArtifactSelect =
    "SELECT a.id, a.display, a.kind, a.namespace, a.declared, a.license, a.license_name, "
    "a.license_link, a.pipeline_tag, a.library_name, a.created_at, "
    LINEAGE_ARTIFACT_SOURCE ", a.new_version, "
    "a.tags, a.languages, o.organization, o.country, o.source, o.display, o.source_kind, "
    "o.parent "
    "FROM artifact a LEFT JOIN alias al ON al.old_namespace = a.namespace "
    "LEFT JOIN organization o ON o.namespace = COALESCE(al.new_namespace, a.namespace) ";

inline Artifact RowToArtifact(SQLite::Statement& st, const LicenseCatalogue& catalogue) {
  Artifact a;
  a.id = ColText(st, 1);
  a.kind = static_cast<ArtifactKind>(st.getColumn(2).getInt());
  std::string ns_display = ColText(st, 18);
  a.author = NamespaceOf(a.id.rfind("datasets/", 0) == 0 ? a.id.substr(9) : a.id);
  if (a.author.empty()) a.author = "";
  a.declared = st.getColumn(4).getInt() != 0;
  a.license = ColText(st, 5);
  a.license_name = ColText(st, 6);
  a.license_link = ColText(st, 7);
  a.pipeline_tag = ColText(st, 8);
  a.library_name = ColText(st, 9);
  a.created_at = ColText(st, 10);
  a.source = ColText(st, 11);
  a.new_version = ColText(st, 12);
  a.tags = SplitLines(ColText(st, 13));
  a.languages = SplitLines(ColText(st, 14));
  a.organization = ColText(st, 15);
  a.country_source_kind = ColText(st, 19);
  a.organization_parent = ColText(st, 20);
  a.country = ColText(st, 16);
  a.country_source = ColText(st, 17);
  if (!a.license.empty() || !a.license_name.empty()) {
    a.license_normalized = catalogue.Normalize(a.license, a.license_name, a.license_link);
  }
  return a;
}

// A read transaction for a burst of queries, unless a write run is open.
class ReadTxn {
 public:
  ReadTxn(SQLite::Database& db, bool in_write) : db_(db), active_(!in_write) {
    if (active_) db_.exec("BEGIN");
  }
  ~ReadTxn() {
    if (active_) {
      try {
        db_.exec("COMMIT");
      } catch (const SQLite::Exception&) {
      }
    }
  }

 private:
  SQLite::Database& db_;
  bool active_;
};

// The page cache of full scans (ScanNodes, ScanEdges), in KiB: each page is
// read once, so a few MiB recycled serve as well as the store's 256 MiB and
// spare the process a fresh allocation (and page fault) per page read.
constexpr int kScanCacheKiB = 4096;

// Sets the connection's page cache for a scope and restores it after.
class CacheSizeScope {
 public:
  CacheSizeScope(SQLite::Database& db, int kib) : db_(db) {
    saved_ = db_.execAndGet("PRAGMA cache_size").getInt();
    db_.exec("PRAGMA cache_size = -" + std::to_string(kib));
  }
  ~CacheSizeScope() {
    try {
      db_.exec("PRAGMA cache_size = " + std::to_string(saved_));
    } catch (const SQLite::Exception&) {
    }
  }
  CacheSizeScope(const CacheSizeScope&) = delete;
  CacheSizeScope& operator=(const CacheSizeScope&) = delete;

 private:
  SQLite::Database& db_;
  int saved_ = 0;
};

// Sorts nodes by (depth, id key) and edges by (child key, parent key), with
// each key folded once rather than in every comparison.
inline void SortSubgraph(Subgraph* sg) {
  std::vector<std::pair<std::pair<int, std::string>, size_t>> nk;
  nk.reserve(sg->nodes.size());
  for (size_t i = 0; i < sg->nodes.size(); ++i) {
    nk.push_back({{sg->nodes[i].depth, IdKey(sg->nodes[i].artifact.id)}, i});
  }
  std::sort(nk.begin(), nk.end());
  std::vector<GraphNode> nodes;
  nodes.reserve(nk.size());
  for (auto& [k, i] : nk) nodes.push_back(std::move(sg->nodes[i]));
  sg->nodes = std::move(nodes);
  // Edges between listed nodes sort by the rank of each end's key among the
  // node keys (keys are unique), so no key is folded twice.
  std::vector<std::pair<std::string_view, size_t>> by_key;  // key, node index
  by_key.reserve(nk.size());
  for (size_t i = 0; i < nk.size(); ++i) by_key.emplace_back(nk[i].first.second, i);
  std::sort(by_key.begin(), by_key.end());
  std::unordered_map<std::string_view, uint32_t> rank;  // display id -> key rank
  rank.reserve(by_key.size());
  for (size_t r = 0; r < by_key.size(); ++r) {
    rank.emplace(sg->nodes[by_key[r].second].artifact.id, static_cast<uint32_t>(r));
  }
  std::vector<std::pair<uint64_t, size_t>> er;
  er.reserve(sg->edges.size());
  bool all_listed = true;
  for (size_t i = 0; i < sg->edges.size() && all_listed; ++i) {
    auto c = rank.find(sg->edges[i].child);
    auto p = rank.find(sg->edges[i].parent);
    if (c == rank.end() || p == rank.end()) {
      all_listed = false;
    } else {
      er.push_back({(static_cast<uint64_t>(c->second) << 32) | p->second, i});
    }
  }
  std::vector<Edge> edges;
  edges.reserve(sg->edges.size());
  if (all_listed) {
    std::sort(er.begin(), er.end());
    for (auto& [k, i] : er) edges.push_back(std::move(sg->edges[i]));
  } else {
    std::vector<std::pair<std::pair<std::string, std::string>, size_t>> ek;
    ek.reserve(sg->edges.size());
    for (size_t i = 0; i < sg->edges.size(); ++i) {
      ek.push_back({{IdKey(sg->edges[i].child), IdKey(sg->edges[i].parent)}, i});
    }
    std::sort(ek.begin(), ek.end());
    for (auto& [k, i] : ek) edges.push_back(std::move(sg->edges[i]));
  }
  sg->edges = std::move(edges);
}


inline bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The last instant `text` covers, as an ISO 8601 UTC date-time comparable with
// the stored author dates: a bare date means the end of that day.
inline std::optional<std::string> AsOfCutoff(const std::string& text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return std::nullopt;
  }
  std::string date = text.substr(0, 10);
  if (text.size() == 10) return date + "T23:59:59Z";
  std::string rest = text.substr(10);
  if (rest[0] != 'T' && rest[0] != ' ') return std::nullopt;
  rest = rest.substr(1);
  if (!rest.empty() && (rest.back() == 'Z' || rest.back() == 'z')) rest.pop_back();
  if (rest.size() == 5) rest += ":00";
  if (rest.size() != 8 || rest[2] != ':' || rest[5] != ':' || !AllDigits(rest.substr(0, 2)) ||
      !AllDigits(rest.substr(3, 2)) || !AllDigits(rest.substr(6, 2))) {
    return std::nullopt;
  }
  return date + "T" + rest + "Z";
}

inline HistoryEntry RowToHistory(SQLite::Statement& st) {
  HistoryEntry h;
  h.id = ColText(st, 0);
  h.commit = ColText(st, 1);
  h.date = ColText(st, 2);
  h.author = ColText(st, 3);
  h.file = ColText(st, 4);
  h.field = ColText(st, 5);
  h.old_value = ColText(st, 6);
  h.new_value = ColText(st, 7);
  h.finding = ColText(st, 8);
  return h;
}

constexpr const char* kHistorySelect =
    "SELECT a.display, c.commit_id, c.date, c.author, c.file, c.field, c.old_value, "
    "c.new_value, c.finding FROM git_change c JOIN artifact a ON a.id = c.artifact ";

// "file:" URI of `path` with the immutable flag (open.cc): how a store in a
// folder the reader cannot write is opened.
std::string ImmutableUri(const std::string& path);

}  // namespace store_detail

using namespace store_detail;  // NOLINT: private to src/store/

struct Store::Impl {
  std::string path;
  Mode mode;
  std::unique_ptr<SQLite::Database> db;
  std::unique_ptr<SQLite::Transaction> txn;
  int64_t run_id = 0;
  int64_t seq_in_run = 0;
  std::set<std::pair<int64_t, int64_t>> removed_pairs;  // edges removed in this run
  bool layers_changed = false;
  // Orders layers: later runs, and later rows of one run, win.
  // Built-in reference rows sort below every user row, whenever they were
  // loaded, so a user's file keeps winning after the reference is upgraded.
  int64_t NextSeq(const std::string& origin = "") {
    ++seq_in_run;
    return IsBuiltinOrigin(origin) ? seq_in_run : run_id * 10000000 + seq_in_run;
  }
  // True when a built-in row must not replace the row `table` holds for `key`
  // (a user's file wrote it).
  bool KeepUserRow(const std::string& origin, const char* table, const char* key_column,
                   const std::string& key) const {
    if (!IsBuiltinOrigin(origin)) return false;
    SQLite::Statement st(*db, std::string("SELECT origin FROM ") + table + " WHERE " +
                                  key_column + "=?");
    st.bind(1, key);
    return st.executeStep() && !IsBuiltinOrigin(ColText(st, 0));
  }

  // Rebuilds the effective alias and bloc rows from the layers.
  void RebuildLayers() {
    // organization is a view over its layers (schema v13).
    db->exec("DELETE FROM alias");
    db->exec(
        "INSERT INTO alias(old_namespace, new_namespace, source, origin) "
        "SELECT old_namespace, new_namespace, source, origin FROM alias_layer l "
        "WHERE seq = (SELECT max(seq) FROM alias_layer m WHERE m.old_namespace = l.old_namespace)");
    db->exec("DELETE FROM bloc");
    db->exec(
        "INSERT INTO bloc(name, country, origin) SELECT name, country, origin FROM bloc_layer l "
        "WHERE country <> '' AND seq = (SELECT max(seq) FROM bloc_layer m WHERE m.name = l.name)");
    layers_changed = false;
  }
  RunCounts counts;
  // Id keys of the artifacts whose documents this run applied (for inference).
  StringList run_artifacts;
  // Row ids of artifacts seen in this run, so hot ingest paths skip a lookup.
  KeyIdMap id_cache;

  std::unique_ptr<SQLite::Statement> insert_artifact, upsert_declared, insert_declared,
      select_artifact_id,
      update_artifact,
      insert_edge, select_edge, insert_evidence, recompute_edge, insert_diag, insert_pending,
      upsert_document, insert_document, select_document, insert_signal, select_origin,
      insert_origin, update_origin_source;

  void Prepare() {
    auto& d = *db;
    insert_artifact = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO artifact(display, kind) VALUES(?,?) ON CONFLICT(key) DO NOTHING RETURNING id");
    // One statement for a declared artifact, new or known.
    upsert_declared = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO artifact(display, kind, declared, origin, license_code, "
        "license_name, license_link, pipeline_code, library_code, created_time, source, new_version, "
        "tags, languages) VALUES(?,?,1,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
        "display=excluded.display, kind=excluded.kind, declared=1, origin=excluded.origin, "
        "license_code=excluded.license_code, license_name=excluded.license_name, "
        "license_link=excluded.license_link, pipeline_code=excluded.pipeline_code, "
        "library_code=excluded.library_code, created_time=excluded.created_time, "
        "source=excluded.source, new_version=excluded.new_version, tags=excluded.tags, "
        "languages=excluded.languages RETURNING id");
    insert_declared = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO artifact(display, kind, declared, origin, license_code, "
        "license_name, license_link, pipeline_code, library_code, created_time, source, new_version, "
        "tags, languages) VALUES(?,?,1,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING");
    select_artifact_id =
        std::make_unique<SQLite::Statement>(d, "SELECT id, declared FROM artifact WHERE key=?");
    update_artifact = std::make_unique<SQLite::Statement>(
        d,
        "UPDATE artifact SET display=?, declared=1, origin=?, license_code=?, license_name=?, "
        "license_link=?, pipeline_code=?, library_code=?, created_time=?, source=?, new_version=?, "
        "tags=?, languages=?, kind=? WHERE id=?");
    insert_edge = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO edge(child, parent, relation, inferred, confidence) VALUES(?,?,?,?,?) "
        "ON CONFLICT(child, parent) DO NOTHING");
    select_edge =
        std::make_unique<SQLite::Statement>(d, "SELECT id FROM edge WHERE child=? AND parent=?");
    insert_evidence = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO evidence_data(edge, origin, " LINEAGE_EVIDENCE_COLUMNS ") "
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN p IS NULL THEN ?7 ELSE CASE WHEN ?7 = p THEN NULL WHEN ?7 = 'base_model:finetune:' || p THEN 1 WHEN ?7 = 'base_model:adapter:' || p THEN 2 WHEN ?7 = 'base_model:quantized:' || p THEN 3 WHEN ?7 = 'base_model:merge:' || p THEN 4 WHEN substr(p, 1, 9) = 'datasets/' AND ?7 = substr(p, 10) THEN 0 ELSE ?7 END END, "
        "?8, ?9, ?10 FROM (SELECT (SELECT a.display FROM edge g, artifact a WHERE g.id = ?1 "
        "AND a.id = g.parent) AS p)");
    recompute_edge = std::make_unique<SQLite::Statement>(
        d,
        "UPDATE edge SET relation=b.relation, inferred=b.inferred, confidence=b.confidence, "
        "inferred_edge=NOT EXISTS (SELECT 1 FROM evidence_data v LEFT JOIN origin_data o ON "
        "o.id = v.origin WHERE v.edge=?1 AND (o.name IS NULL OR substr(o.name, 1, 6) <> "
        "'infer:')) FROM (SELECT relation, inferred, confidence FROM evidence_data WHERE edge=?1 "
        "ORDER BY confidence DESC, inferred ASC, id ASC LIMIT 1) AS b WHERE edge.id=?1");
    insert_diag = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO diagnostic(origin, source, line, severity, code, message) "
        "VALUES(?,?,?,?,?,?)");
    insert_pending = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO pending_ref(origin, child, name, kind, source, line, detail, relation, "
        "inferred, confidence) VALUES(?,?,?,?,?,?,?,?,?,?)");
    // ?4: the artifact the document declares (NULL: none), ?5 the form its
    // name derives from with it (NULL: not derived). origin_data.artifact
    // always names the declared artifact (schema v13: RemoveOrigin finds the
    // document's artifact attributes and record through it); a name derived
    // from an earlier artifact is written out as text first.
    upsert_document = std::make_unique<SQLite::Statement>(
        d,
        "UPDATE origin_data SET hash=?1, run=?2, name=CASE WHEN ?5 IS NOT NULL THEN NULL "
        "WHEN name IS NULL AND ?4 IS NOT NULL AND artifact IS NOT ?4 THEN " LINEAGE_ORIGIN_NAME(
            "origin_data") " ELSE name END, "
        "artifact=COALESCE(?4, artifact), form=CASE WHEN ?5 IS NOT NULL THEN ?5 WHEN ?4 IS NOT "
        "NULL AND artifact IS NOT ?4 THEN NULL ELSE form END WHERE id=?3");
    // A document new to the store: its origin row written once, with what
    // upsert_document would set (PendingOrigin). ?1 to ?5 as upsert_document's;
    // ?6 the name's hash, ?7 the name, ?8 and ?9 the source (BindOriginSource).
    insert_document = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO origin_data(hash, run, id, artifact, form, name_hash, name, source_prefix, "
        "source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?5 IS NULL THEN ?7 END, ?8, ?9)");
    select_document = std::make_unique<SQLite::Statement>(
        d, "SELECT " LINEAGE_DOCUMENT_HASH ", o.id FROM origin_data o WHERE o.name_hash=?1 AND "
           LINEAGE_ORIGIN_NAME("o") " = ?2");
    insert_signal = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO signal_data(origin, artifact, kind, value, source, line, detail) "
        "VALUES(?,?,?,?,?,?,?)");
    select_origin = std::make_unique<SQLite::Statement>(
        d,
        "SELECT o.id, CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM "
        "source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin_data o "
        "WHERE o.name_hash=?1 AND " LINEAGE_ORIGIN_NAME("o") " = ?2");
    insert_origin = std::make_unique<SQLite::Statement>(
        d, "INSERT INTO origin_data(id, name_hash, name, source_prefix, source) VALUES(?,?,?,?,?)");
    update_origin_source = std::make_unique<SQLite::Statement>(
        d, "UPDATE origin_data SET source_prefix=?, source=? WHERE id=?");
  }

  void ResetAll() {
    for (auto* s : {&insert_artifact, &upsert_declared, &insert_declared, &select_artifact_id, &update_artifact, &insert_edge,
                    &select_edge, &insert_evidence, &recompute_edge, &insert_diag,
                    &insert_pending, &upsert_document, &insert_document, &select_document,
                    &insert_signal,
                    &select_origin, &insert_origin, &update_origin_source}) {
      if (*s) (*s)->reset();
    }
  }

  // Row id of the artifact `display` (created as an undeclared stub if new).
  // Renamed repositories (model_alias): old id key -> the id it is now.
  std::unordered_map<std::string, std::string> model_aliases;
  bool model_aliases_loaded = false;
  const std::string* RenamedTo(const std::string& key) {
    if (!model_aliases_loaded) {
      model_aliases.clear();
      SQLite::Statement q(*db, "SELECT old_key, new_display FROM model_alias");
      while (q.executeStep()) model_aliases[ColText(q, 0)] = ColText(q, 1);
      model_aliases_loaded = true;
    }
    if (model_aliases.empty()) return nullptr;
    auto it = model_aliases.find(key);
    return it == model_aliases.end() ? nullptr : &it->second;
  }

  int64_t GetOrCreate(const std::string& written, ArtifactKind kind) {
    std::string key = IdKey(written);
    if (const int64_t* known = id_cache.Find(key)) return *known;
    // An old name of a renamed repository is the same node as its new name.
    if (const std::string* renamed = RenamedTo(key)) {
      int64_t id = GetOrCreate(*renamed, kind);
      id_cache.Put(key, id);
      return id;
    }
    const std::string& display = written;
    // Insert first: in a bulk ingest most names are new.
    auto& ins = *insert_artifact;
    ins.reset();
    ins.bind(1, display);
    ins.bind(2, static_cast<int>(kind));
    int64_t id;
    if (ins.executeStep()) {
      id = ins.getColumn(0).getInt64();
      ins.reset();
    } else {
      ins.reset();
      select_artifact_id->reset();
      select_artifact_id->bind(1, key);
      select_artifact_id->executeStep();
      id = select_artifact_id->getColumn(0).getInt64();
      select_artifact_id->reset();
    }
    id_cache.Put(key, id);
    return id;
  }

  // Writes the attributes of an artifact a document declares; its row id.
  int64_t UpsertDeclared(const Artifact& declared, const std::string& origin) {
    Artifact renamed_copy;
    const Artifact* ap = &declared;
    if (const std::string* renamed = RenamedTo(IdKey(declared.id))) {
      renamed_copy = declared;
      renamed_copy.id = *renamed;
      ap = &renamed_copy;
    }
    const Artifact& a = *ap;
    std::string key = IdKey(a.id);
    // Known in this run (named as a parent before): update its row.
    if (const int64_t* known = id_cache.Find(key)) {
      UpdateDeclared(*known, a, origin);
      return *known;
    }
    // New in a bulk run: a plain insert, without the upsert's RETURNING.
    if (bulk) {
      auto& ins = *insert_declared;
      ins.reset();
      BindDeclared(ins, a, origin);
      if (ins.exec() > 0) {
        int64_t id = db->getLastInsertRowid();
        id_cache.Put(key, id);
        return id;
      }
    }
    auto& st = *upsert_declared;
    st.reset();
    BindDeclared(st, a, origin);
    st.executeStep();
    int64_t id = st.getColumn(0).getInt64();
    st.reset();
    id_cache.Put(key, id, /*replace=*/true);
    return id;
  }

  // An empty text is stored as NULL.
  static void BindOptional(SQLite::Statement& st, int i, const std::string& v) {
    if (v.empty()) st.bind(i); else st.bind(i, v);
  }

  // artifact.pipeline_code / library_code (schema v13): the value's index in
  // `codes` when it is there, else the text; empty is NULL.
  template <size_t N>
  static void BindCode(SQLite::Statement& st, int i, const std::string& v,
                       const char* const (&codes)[N]) {
    if (v.empty()) return st.bind(i);
    for (size_t c = 0; c < N; ++c) {
      if (v == codes[c]) return st.bind(i, static_cast<int>(c));
    }
    st.bind(i, v);
  }

  // artifact.created_time (schema v13): the Unix time when the text is the
  // Hub's form to the second and SQLite's strftime reads it back the same
  // (the view of it, artifact.created_at, is that strftime), else the text;
  // empty is NULL. The same rule as LINEAGE_LAST_MODIFIED_CODE, in C++.
  static void BindTime(SQLite::Statement& st, int i, const std::string& v) {
    if (v.empty()) return st.bind(i);
    int64_t t = 0;
    if (schema::HubSeconds(v, &t)) st.bind(i, t); else st.bind(i, v);
  }

  // The artifact's key, namespace and name are computed from its display id
  // (schema v10), so `key` only names the row for the caller's cache.
  void BindDeclared(SQLite::Statement& st, const Artifact& a, const std::string& origin) {
    const OriginRef& o = Origin(origin);
    st.bind(1, a.id);
    st.bind(2, static_cast<int>(a.kind));
    st.bind(3, o.id);
    auto bind_opt = [&st](int i, const std::string& v) { BindOptional(st, i, v); };
    BindCode(st, 4, a.license, schema::kLicenseCodes);
    bind_opt(5, a.license_name);
    bind_opt(6, a.license_link);
    BindCode(st, 7, a.pipeline_tag, schema::kPipelineCodes);
    BindCode(st, 8, a.library_name, schema::kLibraryCodes);
    BindTime(st, 9, a.created_at);
    BindSource(st, 10, a.source, o);
    bind_opt(11, a.new_version);
    bind_opt(12, JoinLines(a.tags));
    bind_opt(13, JoinLines(a.languages));
  }
  // The upsert's DO UPDATE, on a row known by id.
  void UpdateDeclared(int64_t id, const Artifact& a, const std::string& origin) {
    auto& st = *update_artifact;
    st.reset();
    auto bind_opt = [&st](int i, const std::string& v) { BindOptional(st, i, v); };
    const OriginRef& o = Origin(origin);
    st.bind(1, a.id);
    st.bind(2, o.id);
    BindCode(st, 3, a.license, schema::kLicenseCodes);
    bind_opt(4, a.license_name);
    bind_opt(5, a.license_link);
    BindCode(st, 6, a.pipeline_tag, schema::kPipelineCodes);
    BindCode(st, 7, a.library_name, schema::kLibraryCodes);
    BindTime(st, 8, a.created_at);
    BindSource(st, 9, a.source, o);
    bind_opt(10, a.new_version);
    bind_opt(11, JoinLines(a.tags));
    bind_opt(12, JoinLines(a.languages));
    st.bind(13, static_cast<int>(a.kind));
    st.bind(14, id);
    st.exec();
  }

  void Recompute(int64_t edge_id) {
    recompute_edge->reset();
    recompute_edge->bind(1, edge_id);
    recompute_edge->exec();
  }

  // The edge child -> parent, created with `shown` as its displayed evidence
  // when it is new. Sets *created.
  int64_t InsertOrFindEdge(int64_t child, int64_t parent, const Evidence& shown, bool* created) {
    insert_edge->reset();
    insert_edge->bind(1, child);
    insert_edge->bind(2, parent);
    insert_edge->bind(3, static_cast<int>(shown.relation));
    insert_edge->bind(4, shown.relation_inferred ? 1 : 0);
    insert_edge->bind(5, shown.confidence);
    *created = insert_edge->exec() > 0;
    if (*created) {
      edges_dirty = true;
      if (removed_pairs.erase({child, parent}) == 0) ++counts.edges;
      return db->getLastInsertRowid();
    }
    select_edge->reset();
    select_edge->bind(1, child);
    select_edge->bind(2, parent);
    select_edge->executeStep();
    int64_t edge_id = select_edge->getColumn(0).getInt64();
    select_edge->reset();
    return edge_id;
  }

  void AddEvidence(int64_t child, int64_t parent, const std::string& origin, const Evidence& ev) {
    bool created = false;
    int64_t edge_id = InsertOrFindEdge(child, parent, ev, &created);
    WriteEvidence(edge_id, origin, ev);
    if (!created) Recompute(edge_id);
  }

  // One evidence row on an edge that exists: its origin and kind as codes,
  // its source only where it is not its origin's.
  void WriteEvidence(int64_t edge_id, const std::string& origin, const Evidence& ev) {
    const OriginRef& o = Origin(origin);
    if (evidence_high < 0) {
      evidence_high = db->execAndGet("SELECT COALESCE(max(id), 0) FROM evidence_data").getInt64();
    }
    auto& st = *insert_evidence;
    st.reset();
    st.bind(1, edge_id);
    st.bind(2, o.id);
    BindEvidence(st, 3, ev);
    st.bind(3, KindCode(ev.kind));
    BindSource(st, 4, ev.source, o);
    st.exec();
    int64_t id = db->getLastInsertRowid();
    if (id <= evidence_high) {
      // The id of a row deleted in this run: a display id change noted
      // before (detail_parent_change) may count it as older; keep the text.
      SQLite::Statement text(*db, "UPDATE evidence_data SET detail=? WHERE id=?");
      text.bind(1, ev.detail);
      text.bind(2, id);
      text.exec();
    }
    evidence_high = std::max(evidence_high, id);
  }

  // Details coded against a parent whose display id changed since (schema
  // v12), spelled out at the run's commit, each change in turn: the rows up to
  // the last one when it changed. A row written later that took the id of a
  // deleted one keeps its text (WriteEvidence), so it is never among them.
  int64_t evidence_high = -1;  // the highest evidence row id this run has seen
  void SpellDetails() {
    evidence_high = -1;
    SQLite::Statement changes(
        *db, "SELECT artifact, display, last_evidence FROM detail_parent_change ORDER BY seq");
    SQLite::Statement spell(
        *db,
        "UPDATE evidence_data SET detail = CASE detail WHEN 0 THEN substr(?2, 10) WHEN 1 THEN 'base_model:finetune:' || ?2 WHEN 2 THEN 'base_model:adapter:' || ?2 WHEN 3 THEN 'base_model:quantized:' || ?2 WHEN 4 THEN 'base_model:merge:' || ?2 ELSE ?2 END "
        "WHERE edge IN (SELECT id FROM edge WHERE parent = ?1) AND +id <= ?3 AND "
        "typeof(detail) <> 'text'");
    while (changes.executeStep()) {
      spell.reset();
      spell.bind(1, changes.getColumn(0).getInt64());
      spell.bind(2, ColText(changes, 1));
      spell.bind(3, changes.getColumn(2).getInt64());
      spell.exec();
    }
    changes.reset();
    db->exec("DELETE FROM detail_parent_change");
  }

  // Origins (schema v10): the row id of an origin name, created when new, and
  // the source its rows inherit. The last one is cached: a document's rows
  // come together. Cleared with id_cache (a rollback forgets new rows).
  struct OriginRef {
    int64_t id = 0;
    std::string source;
  };
  std::string origin_name;
  OriginRef origin_ref;
  const OriginRef& Origin(const std::string& name) {
    if (origin_ref.id != 0 && name == origin_name) return origin_ref;
    if (pending_origin.id != 0 && name == pending_origin.name) {
      origin_name = name;
      origin_ref = OriginRef{pending_origin.id, pending_origin.source};
      return origin_ref;
    }
    auto& sel = *select_origin;
    sel.reset();
    BindOriginName(sel, name);
    OriginRef r;
    if (OriginMayExist(name) && sel.executeStep()) {
      r.id = sel.getColumn(0).getInt64();
      r.source = ColText(sel, 1);
      sel.reset();
    } else {
      sel.reset();
      r.id = SetOrigin(name, "");
    }
    origin_name = name;
    origin_ref = std::move(r);
    return origin_ref;
  }
  // Origin row ids are given here, not by SQLite, so that a new document's
  // row can be written once at its end (PendingOrigin) while its other rows
  // already name it. The next free id, read from the store when 0.
  int64_t next_origin_id = 0;
  int64_t NextOriginId() {
    if (next_origin_id == 0) {
      next_origin_id = db->execAndGet("SELECT coalesce(max(id), 0) + 1 FROM origin_data").getInt64();
    }
    return next_origin_id++;
  }
  // The origin of the document being applied when it is new to the store:
  // its row is not written yet (id 0: none).
  struct PendingOrigin {
    int64_t id = 0;
    int32_t hash = 0;
    std::string name, source;
  };
  PendingOrigin pending_origin;
  // Writes the pending origin's row now, as a known origin's, for a read
  // that needs it by id (MergeRecords reads records with their origin names);
  // the document's end then updates it.
  void FlushPendingOrigin() {
    if (pending_origin.id == 0) return;
    InsertOrigin(pending_origin.id, pending_origin.hash, pending_origin.name,
                 pending_origin.source);
    pending_origin = PendingOrigin{};
  }
  // Writes the origin row `id` with its name and source only (hash and run
  // come with its document).
  void InsertOrigin(int64_t id, int32_t hash, const std::string& name, const std::string& source) {
    auto& ins = *insert_origin;
    ins.reset();
    ins.bind(1, id);
    ins.bind(2, hash);
    ins.bind(3, name);
    BindOriginSource(ins, 4, source);
    ins.exec();
  }
  // Creates or updates the origin `name` with the source its rows inherit;
  // its row id. The cache then holds it.
  // `known` is its row id when the caller has just looked it up (0: look,
  // -1: the caller found none). `defer`: a new origin is left pending
  // (pending_origin), its row written by ApplyDocument at the document's end.
  int64_t SetOrigin(const std::string& name, const std::string& source, int64_t known = 0,
                    bool defer = false) {
    int64_t id = known < 0 ? 0 : known;
    if (known == 0 && OriginMayExist(name)) {
      auto& sel = *select_origin;
      sel.reset();
      BindOriginName(sel, name);
      if (sel.executeStep()) id = sel.getColumn(0).getInt64();
      sel.reset();
    }
    if (id == 0 && defer) {
      int32_t hash = schema::NameHash(name);
      pending_origin = PendingOrigin{NextOriginId(), hash, name, source};
      NoteOrigin(hash);
      origin_name = name;
      origin_ref = OriginRef{pending_origin.id, source};
      return pending_origin.id;
    }
    if (id != 0) {
      auto& up = *update_origin_source;
      up.reset();
      BindOriginSource(up, 1, source);
      up.bind(3, id);
      up.exec();
    } else {
      int32_t hash = schema::NameHash(name);
      id = NextOriginId();
      InsertOrigin(id, hash, name, source);
      NoteOrigin(hash);
    }
    origin_name = name;
    origin_ref = OriginRef{id, source};
    return id;
  }
  // Binds ?i (source_prefix) and ?i+1 (source) of an origin row to `source`.
  void BindOriginSource(SQLite::Statement& st, int i, const std::string& source) {
    size_t split = SourcePrefixLength(source);
    if (split == 0) st.bind(i); else st.bind(i, SourcePrefix(source.substr(0, split)));
    if (source.empty()) st.bind(i + 1); else st.bind(i + 1, source.substr(split));
  }
  // An origin's source is stored as a shared prefix (source_prefix: the
  // folder of a card tree, a dump's "FILE:") and the rest. The length of
  // that prefix: up to a last ':' after the last '/' (FILE:LINE), else up to
  // the third '/' from the end (ROOT/ns/name/README.md), else nothing.
  static size_t SourcePrefixLength(const std::string& source) {
    size_t slash = source.rfind('/');
    size_t colon = source.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
      return colon + 1;
    }
    size_t at = source.size();
    for (int k = 0; k < 3; ++k) {
      if (at == 0) return 0;
      at = source.rfind('/', at - 1);
      if (at == std::string::npos) return 0;
    }
    return at + 1;
  }
  // The row id of `value` in a dictionary table (source_prefix, kind_code),
  // inserted on first use; `insert` returns the id of the new or old row.
  int64_t Intern(std::unordered_map<std::string, int64_t>* cache, const char* insert,
                 const std::string& value) {
    auto it = cache->find(value);
    if (it != cache->end()) return it->second;
    SQLite::Statement ins(*db, insert);
    ins.bind(1, value);
    ins.executeStep();
    int64_t id = ins.getColumn(0).getInt64();
    cache->emplace(value, id);
    return id;
  }
  std::unordered_map<std::string, int64_t> source_prefixes;
  int64_t SourcePrefix(const std::string& prefix) {
    return Intern(&source_prefixes,
                  "INSERT INTO source_prefix(text) VALUES(?) ON CONFLICT(text) DO "
                  "UPDATE SET text=excluded.text RETURNING id",
                  prefix);
  }
  // A row's source as stored (schema v10): NULL when it is its origin's, the
  // length N when it is the first N characters of its origin's (a dump's
  // file beside the record's FILE:LINE), else the text.
  static void BindSource(SQLite::Statement& st, int i, const std::string& source,
                         const OriginRef& o) {
    if (!o.source.empty() && source == o.source) {
      st.bind(i);
    } else if (!source.empty() && source.size() < o.source.size() &&
               o.source.compare(0, source.size(), source) == 0) {
      st.bind(i, static_cast<int64_t>(source.size()));
    } else {
      st.bind(i, source);
    }
  }
  // Evidence and signal kinds as codes (kind_code), never renumbered.
  std::unordered_map<std::string, int64_t> kind_codes;
  int64_t KindCode(const std::string& kind) {
    return Intern(&kind_codes,
                  "INSERT INTO kind_code(name) VALUES(?) ON CONFLICT(name) DO UPDATE "
                  "SET name=excluded.name RETURNING id",
                  kind);
  }
  // Forgets the run's caches of row ids (at a run's start and after a rollback).
  // Binds ?1 (name_hash) and ?2 (the name) of a lookup by origin name.
  static void BindOriginName(SQLite::Statement& st, const std::string& name) {
    st.bind(1, schema::NameHash(name));
    st.bind(2, name);
  }
  // While bulk: one bit per value of a name hash's low kOriginFilterBits
  // bits, set for every origin_data row, so that a name whose bit is clear
  // (most new documents of a big run) needs no index probe.
  static constexpr int kOriginFilterBits = 26;
  std::vector<uint64_t> origin_filter;
  static uint32_t FilterBit(int32_t hash) {
    return static_cast<uint32_t>(hash) & ((1u << kOriginFilterBits) - 1);
  }
  bool OriginMayExist(int32_t hash) const {
    if (origin_filter.empty()) return true;
    uint32_t b = FilterBit(hash);
    return (origin_filter[b >> 6] >> (b & 63)) & 1;
  }
  bool OriginMayExist(const std::string& name) const {
    return origin_filter.empty() || OriginMayExist(schema::NameHash(name));
  }
  void NoteOrigin(int32_t hash) {
    if (origin_filter.empty()) return;
    uint32_t b = FilterBit(hash);
    origin_filter[b >> 6] |= uint64_t{1} << (b & 63);
  }
  // The row id of the origin `name`, 0 when there is none.
  int64_t FindOrigin(const std::string& name) {
    if (pending_origin.id != 0 && name == pending_origin.name) return pending_origin.id;
    if (!OriginMayExist(name)) return 0;
    auto& sel = *select_origin;
    sel.reset();
    BindOriginName(sel, name);
    int64_t id = sel.executeStep() ? sel.getColumn(0).getInt64() : 0;
    sel.reset();
    return id;
  }
  // The origin_form of a name `prefix KEY suffix` (schema v11).
  std::map<std::pair<std::string, std::string>, int64_t> origin_forms;
  int64_t OriginForm(const std::string& prefix, const std::string& suffix) {
    auto k = std::make_pair(prefix, suffix);
    if (auto it = origin_forms.find(k); it != origin_forms.end()) return it->second;
    SQLite::Statement ins(*db,
                          "INSERT INTO origin_form(prefix, suffix) VALUES(?,?) ON CONFLICT(prefix, suffix) DO "
                          "UPDATE SET prefix=excluded.prefix RETURNING id");
    ins.bind(1, prefix);
    ins.bind(2, suffix);
    ins.executeStep();
    int64_t id = ins.getColumn(0).getInt64();
    origin_forms.emplace(std::move(k), id);
    return id;
  }
  void ForgetCachedIds() {
    next_origin_id = 0;
    pending_origin = PendingOrigin{};
    origin_forms.clear();
    id_cache_complete = false;
    id_cache.Release();
    kind_codes.clear();
    source_prefixes.clear();
    origin_name.clear();
    origin_ref = OriginRef{};
  }

  void AddDiagnostic(const std::string& origin, const Diagnostic& d) {
    auto& st = *insert_diag;
    st.reset();
    st.bind(1, origin);
    st.bind(2, d.source);
    st.bind(3, d.line);
    st.bind(4, d.severity);
    st.bind(5, d.code);
    st.bind(6, d.message);
    st.exec();
    ++counts.diagnostics;
  }

  // Forgets everything `origin` said: its evidence (and edges left without
  // any), diagnostics, pending references and artifact attributes.
  void RemoveOrigin(const std::string& origin) {
    EndBulk();  // its statements read the deferred indexes
    int64_t origin_id = Origin(origin).id;
    // The artifact the document declared (schema v13: origin_data.artifact),
    // the only one whose attributes and record it can have written.
    int64_t declared = 0;
    {
      SQLite::Statement q(*db, "SELECT artifact FROM origin_data WHERE id=?");
      q.bind(1, origin_id);
      if (q.executeStep() && !q.getColumn(0).isNull()) declared = q.getColumn(0).getInt64();
    }
    std::vector<int64_t> touched;
    {
      SQLite::Statement q(*db, "SELECT DISTINCT edge FROM evidence_data WHERE origin=?");
      q.bind(1, origin_id);
      while (q.executeStep()) touched.push_back(q.getColumn(0).getInt64());
    }
    SQLite::Statement del_ev(*db, "DELETE FROM evidence_data WHERE origin=?");
    del_ev.bind(1, origin_id);
    del_ev.exec();
    SQLite::Statement count(*db, "SELECT count(*) FROM evidence_data WHERE edge=?");
    SQLite::Statement del_edge(*db, "DELETE FROM edge WHERE id=? RETURNING child, parent");
    for (int64_t e : touched) {
      count.reset();
      count.bind(1, e);
      count.executeStep();
      bool empty = count.getColumn(0).getInt64() == 0;
      count.reset();
      if (empty) {
        del_edge.reset();
        del_edge.bind(1, e);
        // An edge the new version of the document gives again is not new.
        edges_dirty = true;
        if (del_edge.executeStep()) {
          removed_pairs.emplace(del_edge.getColumn(0).getInt64(), del_edge.getColumn(1).getInt64());
        }
        del_edge.reset();
      } else {
        Recompute(e);
      }
    }
    for (const char* sql : {"DELETE FROM diagnostic WHERE origin=?",
                            "DELETE FROM pending_ref WHERE origin=?",
                            "DELETE FROM organization_layer WHERE origin=?",
                            "DELETE FROM alias_layer WHERE origin=?",
                            "DELETE FROM bloc_layer WHERE origin=?",
                            "DELETE FROM license WHERE origin=?",
                            "DELETE FROM license_alias WHERE origin=?",
                            "DELETE FROM family WHERE origin=?",
                            "DELETE FROM model_alias WHERE origin=?",
                            "DELETE FROM known_base WHERE origin=?"}) {
      SQLite::Statement st(*db, sql);
      st.bind(1, origin);
      st.exec();
    }
    {
      SQLite::Statement st(*db, "DELETE FROM signal_data WHERE origin=?");
      st.bind(1, origin_id);
      st.exec();
    }
    layers_changed = true;
    SQLite::Statement reset(
        *db,
        "UPDATE artifact SET declared=0, origin=NULL, license_code=NULL, license_name=NULL, "
        "license_link=NULL, pipeline_code=NULL, library_code=NULL, created_time=NULL, source=NULL, "
        "new_version=NULL, tags=NULL, languages=NULL WHERE id=? AND origin=?");
    reset.bind(1, declared);
    reset.bind(2, origin_id);
    reset.exec();
    RemoveRecords(origin_id, declared);
  }

  void ResolvePending();
  void CheckCycles(const CycleFinder& finder);

  // The bulk write path (bulk.cc): deferred secondary indexes for a large run.
  bool bulk = false, bulk_declined = false;
  int64_t artifacts_at_begin = 0;
  // Whether id_cache still holds every artifact the run wrote (AddModelAlias
  // clears it), and while bulk the keys of the artifacts that had a record
  // when it began (few: bulk starts only in a store small next to the run).
  bool id_cache_complete = false;
  std::unordered_set<std::string> recorded_keys;
  std::vector<std::pair<std::string, std::string>> bulk_indexes;  // name, CREATE sql
  std::vector<bool> with_record;  // while bulk: artifact row ids that have a record
  void MaybeBeginBulk();
  void EndBulk();
  void ResetBulk();
  void NoteRecord(int64_t artifact);
  bool MayHaveRecord(int64_t artifact) const;
  int64_t max_artifact_hint() const;

  // Writes one edge with all the evidence one document gives it: a new edge
  // takes its strongest evidence's relation at once, a known one is
  // recomputed once.
  void AddEdgeEvidence(int64_t child, int64_t parent, const std::string& origin,
                       const std::vector<Evidence>& evidence);

  // Records (records.cc): every document that declares an artifact keeps its
  // own record of the attributes, and the artifact shows their merge, so a
  // stub never erases a fuller record read from another document.
  std::unique_ptr<SQLite::Statement> put_record, count_records, materialize_records;
  void PutRecord(int64_t artifact, const Artifact& a, const std::string& origin);
  // Gives the only record of the artifact `declared` names (it borrows the
  // artifact row's attributes) its own copy, before a document of another
  // origin overwrites that row.
  void MaterializeRecords(const Artifact& declared);
  // Recomputes the artifact's attributes from its records; conflicting values
  // become diagnostics naming both sources.
  void MergeRecords(int64_t artifact);
  // Forgets `origin`'s records, re-merging the artifacts that keep others.
  void RemoveRecords(int64_t origin, int64_t artifact);
  // Sets a's popularity fields from its records (store/popularity.cc).
  void FillPopularity(int64_t artifact, Artifact* a) const;

  // The licence catalogue, read once per store handle.
  mutable std::unique_ptr<LicenseCatalogue> catalogue;
  const LicenseCatalogue& Catalogue() const {
    if (!catalogue) catalogue = std::make_unique<LicenseCatalogue>(LoadCatalogue());
    return *catalogue;
  }
  // What LicenseCatalogue::Normalize reads of the catalogue (licence ids and
  // aliases, not their terms), for walks that only normalise: a chain of 19
  // models spent a tenth of its time loading the whole catalogue.
  mutable std::unique_ptr<LicenseCatalogue> normaliser;
  const LicenseCatalogue& Normaliser() const {
    if (catalogue) return *catalogue;
    if (!normaliser) {
      auto cat = std::make_unique<LicenseCatalogue>();
      sqlite3* h = db->getHandle();
      auto each = [h](const char* sql, auto&& row) {
        sqlite3_stmt* st = nullptr;
        int rc = sqlite3_prepare_v2(h, sql, -1, &st, nullptr);
        if (rc != SQLITE_OK) throw SQLite::Exception(h, rc);
        auto text = [st](int i) {
          const unsigned char* t = sqlite3_column_text(st, i);
          return t ? std::string(reinterpret_cast<const char*>(t),
                                 static_cast<size_t>(sqlite3_column_bytes(st, i)))
                   : std::string();
        };
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(text);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) throw SQLite::Exception(h, rc);
      };
      // In LoadCatalogue's order: every licence, then every alias.
      each("SELECT id FROM license", [&](auto& text) {
        LicenseTerms t;
        t.id = text(0);
        cat->Add(std::move(t));
      });
      each("SELECT alias, license_id FROM license_alias",
           [&](auto& text) { cat->AddAlias(text(0), text(1)); });
      normaliser = std::move(cat);
    }
    return *normaliser;
  }
  LicenseCatalogue LoadCatalogue() const {
    LicenseCatalogue cat;
    SQLite::Statement st(*db,
                         "SELECT id, name, family, spdx, url, commercial, user_threshold, "
                         "attribution, naming_prefix, pass_on, share_alike, non_commercial, "
                         "no_derivatives, output_restriction, source, note FROM license");
    auto term = [&st](int i) { return static_cast<Term>(st.getColumn(i).getInt()); };
    while (st.executeStep()) {
      LicenseTerms t;
      t.id = ColText(st, 0);
      t.name = ColText(st, 1);
      t.family = ColText(st, 2);
      t.spdx = ColText(st, 3);
      t.url = ColText(st, 4);
      t.commercial = term(5);
      t.user_threshold = st.getColumn(6).getInt64();
      t.attribution = term(7);
      t.naming_prefix = ColText(st, 8);
      t.pass_on_use_restrictions = term(9);
      t.share_alike = term(10);
      t.non_commercial = term(11);
      t.no_derivatives = term(12);
      t.output_restriction = term(13);
      t.source = ColText(st, 14);
      t.note = ColText(st, 15);
      cat.Add(std::move(t));
    }
    SQLite::Statement al(*db, "SELECT alias, license_id FROM license_alias");
    while (al.executeStep()) cat.AddAlias(ColText(al, 0), ColText(al, 1));
    return cat;
  }

  std::optional<int64_t> RowId(const std::string& display) const {
    SQLite::Statement st(*db, "SELECT id FROM artifact WHERE key=?");
    st.bind(1, IdKey(display));
    if (st.executeStep()) return st.getColumn(0).getInt64();
    return std::nullopt;
  }

  // The statement LoadEvidence runs: every piece of evidence of one edge.
  static std::string EvidenceOfEdgeSql() {
    return std::string("SELECT " LINEAGE_EVIDENCE_COLUMNS " FROM evidence WHERE edge=? ") +
           kEvidenceOrder;
  }
  std::vector<Evidence> LoadEvidence(SQLite::Statement& st, int64_t edge_id) const {
    std::vector<Evidence> out;
    st.reset();
    st.bind(1, edge_id);
    while (st.executeStep()) out.push_back(ReadEvidence(st, 0));
    st.reset();
    return out;
  }

  Result<Subgraph> Walk(const std::string& id, int max_depth, bool upward,
                        bool evidence = true) const;
  // Fills `sg` with the nodes `order` (row id, depth) and the edges `edges`
  // (edge id, child, parent) between them, attributes and evidence read in
  // row-id order.
  void FillSubgraph(std::vector<std::pair<int64_t, int>> order,
                    std::vector<std::tuple<int64_t, int64_t, int64_t>> edges, int64_t root,
                    Subgraph* sg, bool evidence = true) const;
  // The same through kArtifactSelect and the evidence view, then
  // SortSubgraph: the reference FillSubgraph is tested against.
  void FillSubgraphByViews(std::vector<std::pair<int64_t, int>> order,
                           std::vector<std::tuple<int64_t, int64_t, int64_t>> edges, int64_t root,
                           Subgraph* sg) const;

  // The persisted adjacency (adjacency.cc): parent -> children in compressed
  // rows, rebuilt at commit when a run changed the set of edges. Every write
  // that inserts or deletes an edge row sets edges_dirty.
  bool edges_dirty = false;
  void RebuildAdjacency();
  // Children of each parent row id, or false when the store has no current
  // adjacency (an older store not yet written to, or one written outside a run).
  struct Adjacency {
    std::vector<uint32_t> offsets;  // size nodes + 1
    std::vector<uint32_t> children, edge_ids;
  };
  bool LoadAdjacency(Adjacency* adj) const;
};

}  // namespace lineage

#endif  // LINEAGE_STORE_INTERNAL_H_
