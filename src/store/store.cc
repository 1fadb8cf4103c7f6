#include "lineage/store.h"

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "lineage/license.h"
#include "store/schema.h"

namespace lineage {

namespace {

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string ColText(SQLite::Statement& st, int i) {
  const char* t = st.getColumn(i).getText("");
  return t ? std::string(t) : std::string();
}

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string NamespaceOf(const std::string& key) {
  std::string k = key;
  if (k.rfind("datasets/", 0) == 0) k = k.substr(9);
  size_t slash = k.find('/');
  return slash == std::string::npos ? std::string() : k.substr(0, slash);
}

std::string NameOf(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

// Columns of an artifact joined with its organization (through a renamed
// namespace when there is an alias).
constexpr const char* kArtifactSelect =
    "SELECT a.id, a.display, a.kind, a.namespace, a.declared, a.license, a.license_name, "
    "a.license_link, a.pipeline_tag, a.library_name, a.created_at, a.source, a.new_version, "
    "a.tags, a.languages, o.organization, o.country, o.source, o.display "
    "FROM artifact a LEFT JOIN alias al ON al.old_namespace = a.namespace "
    "LEFT JOIN organization o ON o.namespace = COALESCE(al.new_namespace, a.namespace) ";

Artifact RowToArtifact(SQLite::Statement& st, const LicenseCatalogue& catalogue) {
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

// Sorts nodes by (depth, id key) and edges by (child key, parent key), with
// each key folded once rather than in every comparison.
void SortSubgraph(Subgraph* sg) {
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
  std::vector<std::pair<std::pair<std::string, std::string>, size_t>> ek;
  ek.reserve(sg->edges.size());
  for (size_t i = 0; i < sg->edges.size(); ++i) {
    ek.push_back({{IdKey(sg->edges[i].child), IdKey(sg->edges[i].parent)}, i});
  }
  std::sort(ek.begin(), ek.end());
  std::vector<Edge> edges;
  edges.reserve(ek.size());
  for (auto& [k, i] : ek) edges.push_back(std::move(sg->edges[i]));
  sg->edges = std::move(edges);
}

}  // namespace

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
  int64_t NextSeq() { return run_id * 10000000 + (++seq_in_run); }

  // Rebuilds the effective organization, alias and bloc rows from the layers.
  void RebuildLayers() {
    db->exec("DELETE FROM organization");
    db->exec(
        "INSERT INTO organization(namespace, display, organization, country, kind, source, origin) "
        "SELECT namespace, display, organization, country, kind, source, origin FROM "
        "organization_layer l WHERE seq = (SELECT max(seq) FROM organization_layer m "
        "WHERE m.namespace = l.namespace)");
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
  // Row ids of artifacts seen in this run, so hot ingest paths skip a lookup.
  std::unordered_map<std::string, int64_t> id_cache;

  std::unique_ptr<SQLite::Statement> insert_artifact, upsert_declared, select_artifact_id,
      update_artifact,
      insert_edge, select_edge, insert_evidence, recompute_edge, insert_diag, insert_pending,
      upsert_document, select_document;

  void Prepare() {
    auto& d = *db;
    insert_artifact = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO artifact(key, display, kind, namespace, name_key) VALUES(?,?,?,?,?) "
        "ON CONFLICT(key) DO NOTHING RETURNING id");
    // One statement for a declared artifact, new or known.
    upsert_declared = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO artifact(key, display, kind, namespace, name_key, declared, origin, license, "
        "license_name, license_link, pipeline_tag, library_name, created_at, source, new_version, "
        "tags, languages) VALUES(?,?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
        "display=excluded.display, kind=excluded.kind, declared=1, origin=excluded.origin, "
        "license=excluded.license, license_name=excluded.license_name, "
        "license_link=excluded.license_link, pipeline_tag=excluded.pipeline_tag, "
        "library_name=excluded.library_name, created_at=excluded.created_at, "
        "source=excluded.source, new_version=excluded.new_version, tags=excluded.tags, "
        "languages=excluded.languages RETURNING id");
    select_artifact_id =
        std::make_unique<SQLite::Statement>(d, "SELECT id, declared FROM artifact WHERE key=?");
    update_artifact = std::make_unique<SQLite::Statement>(
        d,
        "UPDATE artifact SET display=?, declared=1, origin=?, license=?, license_name=?, "
        "license_link=?, pipeline_tag=?, library_name=?, created_at=?, source=?, new_version=?, "
        "tags=?, languages=?, kind=? WHERE id=?");
    insert_edge = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO edge(child, parent, relation, inferred, confidence) VALUES(?,?,?,?,?) "
        "ON CONFLICT(child, parent) DO NOTHING");
    select_edge =
        std::make_unique<SQLite::Statement>(d, "SELECT id FROM edge WHERE child=? AND parent=?");
    insert_evidence = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO evidence(edge, origin, kind, source, line, commit_id, detail, relation, "
        "inferred, confidence) VALUES(?,?,?,?,?,?,?,?,?,?)");
    recompute_edge = std::make_unique<SQLite::Statement>(
        d,
        "UPDATE edge SET relation=b.relation, inferred=b.inferred, confidence=b.confidence "
        "FROM (SELECT relation, inferred, confidence FROM evidence WHERE edge=?1 "
        "ORDER BY confidence DESC, inferred ASC, id ASC LIMIT 1) AS b WHERE edge.id=?1");
    insert_diag = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO diagnostic(origin, source, line, severity, code, message) "
        "VALUES(?,?,?,?,?,?)");
    insert_pending = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO pending_ref(origin, child, name, kind, source, line, detail, relation, "
        "inferred, confidence) VALUES(?,?,?,?,?,?,?,?,?,?)");
    upsert_document = std::make_unique<SQLite::Statement>(
        d,
        "INSERT INTO document(origin, hash, run) VALUES(?,?,?) "
        "ON CONFLICT(origin) DO UPDATE SET hash=excluded.hash, run=excluded.run");
    select_document =
        std::make_unique<SQLite::Statement>(d, "SELECT hash FROM document WHERE origin=?");
  }

  void ResetAll() {
    for (auto* s : {&insert_artifact, &upsert_declared, &select_artifact_id, &update_artifact, &insert_edge,
                    &select_edge, &insert_evidence, &recompute_edge, &insert_diag,
                    &insert_pending, &upsert_document, &select_document}) {
      if (*s) (*s)->reset();
    }
  }

  // Row id of the artifact `display` (created as an undeclared stub if new).
  int64_t GetOrCreate(const std::string& display, ArtifactKind kind) {
    std::string key = IdKey(display);
    auto it = id_cache.find(key);
    if (it != id_cache.end()) return it->second;
    // Insert first: in a bulk ingest most names are new.
    auto& ins = *insert_artifact;
    ins.reset();
    ins.bind(1, key);
    ins.bind(2, display);
    ins.bind(3, static_cast<int>(kind));
    ins.bind(4, NamespaceOf(key));
    ins.bind(5, NameOf(key));
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
    id_cache.emplace(std::move(key), id);
    return id;
  }

  // Writes the attributes of an artifact a document declares; its row id.
  int64_t UpsertDeclared(const Artifact& a, const std::string& origin) {
    std::string key = IdKey(a.id);
    auto& st = *upsert_declared;
    st.reset();
    st.bind(1, key);
    st.bind(2, a.id);
    st.bind(3, static_cast<int>(a.kind));
    st.bind(4, NamespaceOf(key));
    st.bind(5, NameOf(key));
    st.bind(6, origin);
    auto bind_opt = [&st](int i, const std::string& v) {
      if (v.empty()) st.bind(i); else st.bind(i, v);
    };
    bind_opt(7, a.license);
    bind_opt(8, a.license_name);
    bind_opt(9, a.license_link);
    bind_opt(10, a.pipeline_tag);
    bind_opt(11, a.library_name);
    bind_opt(12, a.created_at);
    bind_opt(13, a.source);
    bind_opt(14, a.new_version);
    bind_opt(15, JoinLines(a.tags));
    bind_opt(16, JoinLines(a.languages));
    st.executeStep();
    int64_t id = st.getColumn(0).getInt64();
    st.reset();
    id_cache[std::move(key)] = id;
    return id;
  }

  void Recompute(int64_t edge_id) {
    recompute_edge->reset();
    recompute_edge->bind(1, edge_id);
    recompute_edge->exec();
  }

  void AddEvidence(int64_t child, int64_t parent, const std::string& origin, const Evidence& ev) {
    insert_edge->reset();
    insert_edge->bind(1, child);
    insert_edge->bind(2, parent);
    insert_edge->bind(3, static_cast<int>(ev.relation));
    insert_edge->bind(4, ev.relation_inferred ? 1 : 0);
    insert_edge->bind(5, ev.confidence);
    bool created = insert_edge->exec() > 0;
    int64_t edge_id;
    if (created) {
      edge_id = db->getLastInsertRowid();
      if (removed_pairs.erase({child, parent}) == 0) ++counts.edges;
    } else {
      select_edge->reset();
      select_edge->bind(1, child);
      select_edge->bind(2, parent);
      select_edge->executeStep();
      edge_id = select_edge->getColumn(0).getInt64();
      select_edge->reset();
    }
    auto& st = *insert_evidence;
    st.reset();
    st.bind(1, edge_id);
    st.bind(2, origin);
    st.bind(3, ev.kind);
    st.bind(4, ev.source);
    st.bind(5, ev.line);
    st.bind(6, ev.commit);
    st.bind(7, ev.detail);
    st.bind(8, static_cast<int>(ev.relation));
    st.bind(9, ev.relation_inferred ? 1 : 0);
    st.bind(10, ev.confidence);
    st.exec();
    if (!created) Recompute(edge_id);
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
    std::vector<int64_t> touched;
    {
      SQLite::Statement q(*db, "SELECT DISTINCT edge FROM evidence WHERE origin=?");
      q.bind(1, origin);
      while (q.executeStep()) touched.push_back(q.getColumn(0).getInt64());
    }
    SQLite::Statement del_ev(*db, "DELETE FROM evidence WHERE origin=?");
    del_ev.bind(1, origin);
    del_ev.exec();
    SQLite::Statement count(*db, "SELECT count(*) FROM evidence WHERE edge=?");
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
                            "DELETE FROM license_alias WHERE origin=?"}) {
      SQLite::Statement st(*db, sql);
      st.bind(1, origin);
      st.exec();
    }
    layers_changed = true;
    SQLite::Statement reset(
        *db,
        "UPDATE artifact SET declared=0, origin=NULL, license=NULL, license_name=NULL, "
        "license_link=NULL, pipeline_tag=NULL, library_name=NULL, created_at=NULL, source=NULL, "
        "new_version=NULL, tags=NULL, languages=NULL WHERE origin=?");
    reset.bind(1, origin);
    reset.exec();
  }

  void ResolvePending();
  void CheckCycles(const CycleFinder& finder);

  // The licence catalogue, read once per store handle.
  mutable std::unique_ptr<LicenseCatalogue> catalogue;
  const LicenseCatalogue& Catalogue() const {
    if (!catalogue) catalogue = std::make_unique<LicenseCatalogue>(LoadCatalogue());
    return *catalogue;
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

  std::vector<Evidence> LoadEvidence(SQLite::Statement& st, int64_t edge_id) const {
    std::vector<Evidence> out;
    st.reset();
    st.bind(1, edge_id);
    while (st.executeStep()) {
      Evidence e;
      e.kind = ColText(st, 0);
      e.source = ColText(st, 1);
      e.line = st.getColumn(2).getInt();
      e.commit = ColText(st, 3);
      e.detail = ColText(st, 4);
      e.relation = static_cast<Relation>(st.getColumn(5).getInt());
      e.relation_inferred = st.getColumn(6).getInt() != 0;
      e.confidence = st.getColumn(7).getDouble();
      out.push_back(std::move(e));
    }
    st.reset();
    return out;
  }

  Result<Subgraph> Walk(const std::string& id, int max_depth, bool upward) const;
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() {
  if (impl_ && impl_->txn) RollbackRun();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, Mode mode) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->mode = mode;
  try {
    if (mode == Mode::kReadOnly) {
      if (!std::filesystem::exists(path)) {
        return Status::NotFound("no store at '" + path +
                                "' (run 'lineage ingest PATH' first, or pass --db FILE)");
      }
      impl->db = std::make_unique<SQLite::Database>(
          path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
    } else {
      impl->db = std::make_unique<SQLite::Database>(
          path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    }
    auto& db = *impl->db;
    db.setBusyTimeout(10000);
    int app_id = db.execAndGet("PRAGMA application_id").getInt();
    int version = db.execAndGet("PRAGMA user_version").getInt();
    int tables = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    if (app_id != schema::kApplicationId && tables > 0) {
      return Status::Corruption("'" + path + "' is not a lineage store");
    }
    const auto& migrations = schema::Migrations();
    if (version > static_cast<int>(migrations.size())) {
      return Status::Corruption("'" + path + "' has schema version " + std::to_string(version) +
                                "; this lineage understands up to " +
                                std::to_string(migrations.size()));
    }
    if (version < static_cast<int>(migrations.size())) {
      if (mode == Mode::kReadOnly) {
        if (tables == 0) {
          return Status::NotFound("'" + path + "' is empty (run 'lineage ingest PATH' first)");
        }
        return Status::Corruption("'" + path + "' has an old schema; open it for writing "
                                  "(any ingest) to migrate it");
      }
      SQLite::Transaction t(db);
      for (int v = version; v < static_cast<int>(migrations.size()); ++v) db.exec(migrations[v]);
      db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
      db.exec("PRAGMA user_version = " + std::to_string(migrations.size()));
      t.commit();
    }
    if (mode == Mode::kReadWrite) {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
    }
    db.exec("PRAGMA cache_size = -262144");
    db.exec("PRAGMA temp_store = MEMORY");
    if (mode == Mode::kReadWrite) impl->Prepare();
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
      return Status::Corruption("'" + path + "' is not a lineage store: " + e.what());
    }
    return Status::IoError("cannot open store '" + path + "': " + e.what());
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Status Store::BeginRun(const std::string& description) {
  if (impl_->mode != Mode::kReadWrite) return Status::InvalidInput("store is read-only");
  try {
    impl_->txn = std::make_unique<SQLite::Transaction>(*impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(*impl_->db, "INSERT INTO run(started, description) VALUES(?,?)");
    st.bind(1, NowIso());
    st.bind(2, description);
    st.exec();
    impl_->run_id = impl_->db->getLastInsertRowid();
    impl_->counts = RunCounts{};
    impl_->seq_in_run = 0;
    impl_->removed_pairs.clear();
    impl_->id_cache.clear();
  } catch (const SQLite::Exception& e) {
    impl_->txn.reset();
    return Status::IoError(std::string("cannot start ingest run: ") + e.what());
  }
  return Status::Ok();
}

bool Store::DocumentUnchanged(const std::string& origin, const std::string& hash) {
  auto& st = *impl_->select_document;
  st.reset();
  st.bind(1, origin);
  bool same = st.executeStep() && ColText(st, 0) == hash;
  st.reset();
  return same;
}

Status Store::ApplyDocument(const DocumentFacts& facts) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("ApplyDocument outside an ingest run");
  try {
    im.select_document->reset();
    im.select_document->bind(1, facts.origin);
    bool existed = im.select_document->executeStep();
    bool same = existed && ColText(*im.select_document, 0) == facts.content_hash;
    im.select_document->reset();
    if (same) {
      ++im.counts.unchanged;
      return Status::Ok();
    }
    if (existed) im.RemoveOrigin(facts.origin);
    ++im.counts.documents;
    if (facts.artifact) im.UpsertDeclared(*facts.artifact, facts.origin);
    for (const Edge& e : facts.edges) {
      int64_t child = im.GetOrCreate(e.child, ArtifactKind::kModel);
      ArtifactKind pkind = e.relation == Relation::kTrainedOn   ? ArtifactKind::kDataset
                           : e.relation == Relation::kDependsOn ? ArtifactKind::kSoftware
                                                                : ArtifactKind::kModel;
      int64_t parent = im.GetOrCreate(e.parent, pkind);
      for (const Evidence& ev : e.evidence) im.AddEvidence(child, parent, facts.origin, ev);
    }
    for (const PendingRef& p : facts.pending) {
      if (!facts.artifact) continue;
      int64_t child = im.GetOrCreate(facts.artifact->id, facts.artifact->kind);
      auto& st = *im.insert_pending;
      st.reset();
      st.bind(1, facts.origin);
      st.bind(2, child);
      st.bind(3, p.name);
      st.bind(4, p.evidence.kind);
      st.bind(5, p.evidence.source);
      st.bind(6, p.evidence.line);
      st.bind(7, p.evidence.detail);
      st.bind(8, static_cast<int>(p.evidence.relation));
      st.bind(9, p.evidence.relation_inferred ? 1 : 0);
      st.bind(10, p.evidence.confidence);
      st.exec();
    }
    for (const Diagnostic& d : facts.diagnostics) im.AddDiagnostic(facts.origin, d);
    auto& doc = *im.upsert_document;
    doc.reset();
    doc.bind(1, facts.origin);
    doc.bind(2, facts.content_hash);
    doc.bind(3, im.run_id);
    doc.exec();
  } catch (const SQLite::Exception& e) {
    im.ResetAll();
    return Status::IoError("store write failed for " + facts.origin + ": " + e.what());
  }
  return Status::Ok();
}

Status Store::UpsertOrganization(const Organization& org, const std::string& origin) {
  try {
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO organization_layer(namespace, origin, seq, display, "
                         "organization, country, kind, source) VALUES(?,?,?,?,?,?,?,?)");
    st.bind(1, IdKey(org.ns));
    st.bind(2, origin);
    st.bind(3, impl_->NextSeq());
    st.bind(4, org.ns);
    st.bind(5, org.name);
    st.bind(6, org.country);
    st.bind(7, org.kind);
    st.bind(8, org.source);
    st.exec();
    impl_->layers_changed = true;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("organization write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::UpsertLicense(const LicenseTerms& t, const std::string& origin) {
  try {
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO license(id, name, family, spdx, url, commercial, "
                         "user_threshold, attribution, naming_prefix, pass_on, share_alike, "
                         "non_commercial, no_derivatives, output_restriction, source, note, "
                         "origin) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, IdKey(t.id));
    st.bind(2, t.name);
    st.bind(3, t.family);
    st.bind(4, t.spdx);
    st.bind(5, t.url);
    st.bind(6, static_cast<int>(t.commercial));
    st.bind(7, t.user_threshold);
    st.bind(8, static_cast<int>(t.attribution));
    st.bind(9, t.naming_prefix);
    st.bind(10, static_cast<int>(t.pass_on_use_restrictions));
    st.bind(11, static_cast<int>(t.share_alike));
    st.bind(12, static_cast<int>(t.non_commercial));
    st.bind(13, static_cast<int>(t.no_derivatives));
    st.bind(14, static_cast<int>(t.output_restriction));
    st.bind(15, t.source);
    st.bind(16, t.note);
    st.bind(17, origin);
    st.exec();
    impl_->catalogue.reset();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("licence write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::AddLicenseAlias(const std::string& alias, const std::string& license_id,
                              const std::string& origin) {
  try {
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO license_alias(alias, license_id, origin) "
                         "VALUES(?,?,?)");
    st.bind(1, IdKey(alias));
    st.bind(2, IdKey(license_id));
    st.bind(3, origin);
    st.exec();
    impl_->catalogue.reset();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("licence alias write failed: ") + e.what());
  }
  return Status::Ok();
}

LicenseCatalogue Store::Licenses() const { return impl_->Catalogue(); }

Status Store::AddAlias(const std::string& old_ns, const std::string& new_ns,
                       const std::string& source, const std::string& origin) {
  try {
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO alias_layer(old_namespace, origin, seq, "
                         "new_namespace, source) VALUES(?,?,?,?,?)");
    st.bind(1, IdKey(old_ns));
    st.bind(2, origin);
    st.bind(3, impl_->NextSeq());
    st.bind(4, IdKey(new_ns));
    st.bind(5, source);
    st.exec();
    impl_->layers_changed = true;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("alias write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::SetBloc(const std::string& name, const std::vector<std::string>& countries,
                      const std::string& origin) {
  try {
    SQLite::Statement del(*impl_->db, "DELETE FROM bloc_layer WHERE name=? AND origin=?");
    del.bind(1, IdKey(name));
    del.bind(2, origin);
    del.exec();
    int64_t seq = impl_->NextSeq();
    SQLite::Statement ins(*impl_->db,
                          "INSERT OR IGNORE INTO bloc_layer(name, origin, seq, country) "
                          "VALUES(?,?,?,?)");
    for (const auto& c : countries) {
      ins.reset();
      ins.bind(1, IdKey(name));
      ins.bind(2, origin);
      ins.bind(3, seq);
      std::string upper = c;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      ins.bind(4, upper);
      ins.exec();
    }
    if (countries.empty()) {
      // An empty bloc is still a bloc: keep a marker row so it overrides.
      ins.reset();
      ins.bind(1, IdKey(name));
      ins.bind(2, origin);
      ins.bind(3, seq);
      ins.bind(4, "");
      ins.exec();
    }
    impl_->layers_changed = true;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("bloc write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::AddDiagnostic(const std::string& origin, const Diagnostic& d) {
  try {
    impl_->AddDiagnostic(origin, d);
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("diagnostic write failed: ") + e.what());
  }
  return Status::Ok();
}

void Store::Impl::ResolvePending() {
  db->exec("DELETE FROM diagnostic WHERE origin='resolve'");
  struct Row {
    int64_t id, child;
    std::string origin, name, kind, source, detail;
    int line, relation, inferred;
    double confidence;
  };
  std::vector<Row> rows;
  {
    SQLite::Statement q(*db,
                        "SELECT id, child, origin, name, kind, source, detail, line, relation, "
                        "inferred, confidence FROM pending_ref ORDER BY id");
    while (q.executeStep()) {
      rows.push_back(Row{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), ColText(q, 2),
                         ColText(q, 3), ColText(q, 4), ColText(q, 5), ColText(q, 6),
                         q.getColumn(7).getInt(), q.getColumn(8).getInt(), q.getColumn(9).getInt(),
                         q.getColumn(10).getDouble()});
    }
  }
  SQLite::Statement cand(*db,
                         "SELECT id, display, declared FROM artifact WHERE (key=?1 OR name_key=?1) "
                         "AND kind=0 AND id<>?2 ORDER BY declared DESC, key LIMIT 6");
  SQLite::Statement del(*db, "DELETE FROM pending_ref WHERE id=?");
  for (const Row& r : rows) {
    cand.reset();
    cand.bind(1, IdKey(r.name));
    cand.bind(2, r.child);
    std::vector<std::pair<int64_t, std::string>> declared, stubs;
    while (cand.executeStep()) {
      (cand.getColumn(2).getInt() ? declared : stubs)
          .emplace_back(cand.getColumn(0).getInt64(), ColText(cand, 1));
    }
    cand.reset();
    const auto& pick = declared.empty() ? stubs : declared;
    if (pick.size() == 1) {
      Evidence ev;
      ev.kind = r.kind;
      ev.source = r.source;
      ev.line = r.line;
      ev.detail = r.detail + " (bare name resolved to " + pick[0].second + ")";
      ev.relation = static_cast<Relation>(r.relation);
      ev.relation_inferred = r.inferred != 0;
      ev.confidence = r.confidence * 0.8;
      AddEvidence(r.child, pick[0].first, r.origin, ev);
      del.reset();
      del.bind(1, r.id);
      del.exec();
    } else {
      Diagnostic d;
      d.source = r.source;
      d.line = r.line;
      d.severity = "warning";
      d.code = "unresolved_name";
      if (pick.empty()) {
        d.message = "base_model '" + r.name + "' has no namespace and matches no known model";
      } else {
        d.message = "base_model '" + r.name + "' has no namespace and matches several models:";
        for (size_t i = 0; i < pick.size() && i < 5; ++i) d.message += " " + pick[i].second;
      }
      AddDiagnostic("resolve", d);
    }
  }
}

void Store::Impl::CheckCycles(const CycleFinder& finder) {
  db->exec("DELETE FROM diagnostic WHERE origin='cycle'");
  if (!finder) return;
  std::vector<EdgeRow> edges;
  {
    SQLite::Statement q(*db, "SELECT child, parent, relation, confidence FROM edge");
    while (q.executeStep()) {
      edges.push_back(EdgeRow{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                              static_cast<Relation>(q.getColumn(2).getInt()),
                              q.getColumn(3).getDouble()});
    }
  }
  auto cycles = finder(edges);
  SQLite::Statement name(*db, "SELECT display, COALESCE(source, '') FROM artifact WHERE id=?");
  for (const auto& cycle : cycles) {
    Diagnostic d;
    d.severity = "warning";
    d.code = "cycle";
    std::string path;
    for (size_t i = 0; i <= cycle.size(); ++i) {
      name.reset();
      name.bind(1, cycle[i % cycle.size()]);
      if (!name.executeStep()) continue;
      if (i == 0) d.source = ColText(name, 1);
      if (!path.empty()) path += " -> ";
      path += ColText(name, 0);
    }
    name.reset();
    d.message = "derivation cycle: " + path;
    AddDiagnostic("cycle", d);
  }
}

Status Store::CommitRun(const CycleFinder& cycle_check) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("CommitRun without BeginRun");
  try {
    im.ResetAll();
    if (im.layers_changed) im.RebuildLayers();
    im.ResolvePending();
    im.CheckCycles(cycle_check);
    SQLite::Statement st(*im.db,
                         "UPDATE run SET documents=?, unchanged=?, diagnostics=? WHERE id=?");
    st.bind(1, im.counts.documents);
    st.bind(2, im.counts.unchanged);
    st.bind(3, im.counts.diagnostics);
    st.bind(4, im.run_id);
    st.exec();
    im.ResetAll();
    im.txn->commit();
    im.txn.reset();
    im.id_cache.clear();
  } catch (const SQLite::Exception& e) {
    RollbackRun();
    return Status::IoError(std::string("ingest commit failed, store unchanged: ") + e.what());
  }
  return Status::Ok();
}

void Store::RollbackRun() {
  impl_->ResetAll();
  impl_->txn.reset();  // SQLite::Transaction rolls back in its destructor
  impl_->id_cache.clear();
}

Store::RunCounts Store::run_counts() const { return impl_->counts; }

// --- Queries -------------------------------------------------------------------

Result<std::string> Store::ResolveId(const std::string& text) const {
  auto& db = *impl_->db;
  auto ref = ParseHubRef(text);
  std::string wanted = ref.ok() ? ref->id : text;
  std::string key = IdKey(wanted);
  try {
    SQLite::Statement by_key(db, "SELECT display FROM artifact WHERE key=?");
    by_key.bind(1, key);
    if (by_key.executeStep()) return ColText(by_key, 0);
    if (ref.ok() && ref->kind == ArtifactKind::kModel) {
      // A dataset named without the datasets/ prefix.
      by_key.reset();
      by_key.bind(1, "datasets/" + key);
      if (by_key.executeStep()) return ColText(by_key, 0);
    }
    std::string ns = NamespaceOf(key);
    std::string name = NameOf(key);
    if (!ns.empty()) {
      // A renamed namespace: old/name -> new/name and back.
      SQLite::Statement al(db,
                           "SELECT new_namespace FROM alias WHERE old_namespace=?1 UNION "
                           "SELECT old_namespace FROM alias WHERE new_namespace=?1");
      al.bind(1, ns);
      while (al.executeStep()) {
        by_key.reset();
        by_key.bind(1, ColText(al, 0) + "/" + name);
        if (by_key.executeStep()) return ColText(by_key, 0);
      }
    } else {
      SQLite::Statement by_name(
          db, "SELECT display FROM artifact WHERE name_key=? ORDER BY declared DESC, key LIMIT 2");
      by_name.bind(1, name);
      std::vector<std::string> hits;
      while (by_name.executeStep()) hits.push_back(ColText(by_name, 0));
      if (hits.size() == 1) return hits[0];
    }
    // Did you mean: same name elsewhere, same namespace, or close spelling.
    std::vector<std::string> candidates;
    SQLite::Statement near(db,
                           "SELECT display FROM artifact WHERE name_key=?1 OR namespace=?2 "
                           "OR key BETWEEN ?3 AND ?4 LIMIT 5000");
    near.bind(1, name);
    near.bind(2, ns);
    near.bind(3, key.substr(0, std::min<size_t>(3, key.size())));
    near.bind(4, key.substr(0, std::min<size_t>(3, key.size())) + "\xff");
    while (near.executeStep()) candidates.push_back(ColText(near, 0));
    int64_t total = db.execAndGet("SELECT count(*) FROM artifact").getInt64();
    if (total <= 200000) {
      SQLite::Statement all(db, "SELECT display FROM artifact");
      while (all.executeStep()) candidates.push_back(ColText(all, 0));
    }
    std::string best;
    int best_d = 1 << 30;
    for (const auto& c : candidates) {
      std::string ck = IdKey(c);
      int d = EditDistance(ck, key);
      if (NameOf(ck) == name) d = std::min(d, 1);
      if (d < best_d || (d == best_d && c < best)) {
        best_d = d;
        best = c;
      }
    }
    std::string msg = "unknown model '" + text + "'";
    if (!best.empty() && best_d <= std::max<int>(3, static_cast<int>(key.size()) / 3)) {
      msg += ", did you mean '" + best + "'?";
    }
    return Status::NotFound(msg);
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

Result<Artifact> Store::GetArtifact(const std::string& id) const {
  try {
    SQLite::Statement st(*impl_->db, std::string(kArtifactSelect) + "WHERE a.key=?");
    st.bind(1, IdKey(id));
    if (!st.executeStep()) return Status::NotFound("unknown model '" + id + "'");
    return RowToArtifact(st, impl_->Catalogue());
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

std::vector<Edge> Store::ParentEdges(const std::string& id) const {
  auto sg = impl_->Walk(id, 1, true);
  return sg.ok() ? sg->edges : std::vector<Edge>{};
}

std::vector<Edge> Store::ChildEdges(const std::string& id) const {
  auto sg = impl_->Walk(id, 1, false);
  return sg.ok() ? sg->edges : std::vector<Edge>{};
}

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
    SQLite::Statement meta(*db, "SELECT relation, inferred, confidence FROM edge WHERE id=?");
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
                       "SELECT id, parent, relation, inferred, confidence FROM edge WHERE child=?");
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

std::vector<Diagnostic> Store::Diagnostics() const {
  std::vector<Diagnostic> out;
  SQLite::Statement st(*impl_->db,
                       "SELECT source, line, severity, code, message FROM diagnostic "
                       "ORDER BY source, line, code, message");
  while (st.executeStep()) {
    out.push_back(Diagnostic{ColText(st, 0), st.getColumn(1).getInt(), ColText(st, 2),
                             ColText(st, 3), ColText(st, 4)});
  }
  return out;
}

StoreStats Store::Stats() const {
  StoreStats s;
  auto& db = *impl_->db;
  auto one = [&db](const char* sql) { return db.execAndGet(sql).getInt64(); };
  s.artifacts = one("SELECT count(*) FROM artifact");
  s.declared = one("SELECT count(*) FROM artifact WHERE declared=1");
  {
    SQLite::Statement st(db, "SELECT kind, count(*) FROM artifact GROUP BY kind");
    while (st.executeStep()) {
      int k = st.getColumn(0).getInt();
      if (k >= 0 && k < 3) s.by_kind[k] = st.getColumn(1).getInt64();
    }
  }
  s.edges = one("SELECT count(*) FROM edge");
  s.inferred_relations = one("SELECT count(*) FROM edge WHERE inferred=1");
  {
    SQLite::Statement st(db, "SELECT relation, count(*) FROM edge GROUP BY relation");
    while (st.executeStep()) {
      int r = st.getColumn(0).getInt();
      if (r >= 0 && r < kRelationCount) s.edges_by_relation[r] = st.getColumn(1).getInt64();
    }
  }
  {
    SQLite::Statement st(db, "SELECT kind, count(*) FROM evidence GROUP BY kind ORDER BY kind");
    while (st.executeStep()) s.evidence_by_kind.emplace_back(ColText(st, 0), st.getColumn(1).getInt64());
  }
  s.diagnostics = one("SELECT count(*) FROM diagnostic");
  {
    SQLite::Statement st(db, "SELECT code, count(*) FROM diagnostic GROUP BY code ORDER BY code");
    while (st.executeStep()) {
      s.diagnostics_by_code.emplace_back(ColText(st, 0), st.getColumn(1).getInt64());
    }
  }
  s.organizations = one("SELECT count(*) FROM organization");
  {
    SQLite::Statement st(
        db,
        "SELECT count(*), count(NULLIF(o.country, '')), count(o.organization), "
        "count(a.license), count(a.created_at) FROM artifact a "
        "LEFT JOIN alias al ON al.old_namespace = a.namespace "
        "LEFT JOIN organization o ON o.namespace = COALESCE(al.new_namespace, a.namespace) "
        "WHERE a.kind=0");
    st.executeStep();
    s.models = st.getColumn(0).getInt64();
    s.models_with_country = st.getColumn(1).getInt64();
    s.models_with_organization = st.getColumn(2).getInt64();
    s.models_with_license = st.getColumn(3).getInt64();
    s.models_with_date = st.getColumn(4).getInt64();
  }
  {
    SQLite::Statement st(
        db,
        "SELECT COALESCE(NULLIF(o.country, ''), '??') AS c, count(*) FROM artifact a "
        "LEFT JOIN alias al ON al.old_namespace = a.namespace "
        "LEFT JOIN organization o ON o.namespace = COALESCE(al.new_namespace, a.namespace) "
        "WHERE a.kind=0 GROUP BY c ORDER BY count(*) DESC, c");
    while (st.executeStep()) s.models_by_country.emplace_back(ColText(st, 0), st.getColumn(1).getInt64());
  }
  return s;
}

std::vector<Organization> Store::Organizations() const {
  std::vector<Organization> out;
  SQLite::Statement st(*impl_->db,
                       "SELECT display, organization, country, kind, source FROM organization "
                       "ORDER BY namespace");
  while (st.executeStep()) {
    out.push_back(Organization{ColText(st, 0), ColText(st, 1), ColText(st, 2), ColText(st, 3),
                               ColText(st, 4)});
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Store::Blocs() const {
  std::map<std::string, std::vector<std::string>> blocs;
  SQLite::Statement st(*impl_->db, "SELECT name, country FROM bloc ORDER BY name, country");
  while (st.executeStep()) blocs[ColText(st, 0)].push_back(ColText(st, 1));
  return {blocs.begin(), blocs.end()};
}

void Store::ScanEdgePairs(
    const std::function<void(const Artifact&, const Artifact&, const Edge&)>& fn) const {
  // Artifacts are loaded once into a map keyed by row id, then edges stream.
  std::unordered_map<int64_t, Artifact> arts;
  {
    SQLite::Statement st(*impl_->db, kArtifactSelect);
    while (st.executeStep()) {
      int64_t row = st.getColumn(0).getInt64();
      arts.emplace(row, RowToArtifact(st, impl_->Catalogue()));
    }
  }
  SQLite::Statement st(*impl_->db,
                       "SELECT e.child, e.parent, e.relation, e.inferred, e.confidence FROM edge e "
                       "JOIN artifact c ON c.id = e.child JOIN artifact p ON p.id = e.parent "
                       "ORDER BY c.key, p.key");
  while (st.executeStep()) {
    auto c = arts.find(st.getColumn(0).getInt64());
    auto p = arts.find(st.getColumn(1).getInt64());
    if (c == arts.end() || p == arts.end()) continue;
    Edge e;
    e.child = c->second.id;
    e.parent = p->second.id;
    e.relation = static_cast<Relation>(st.getColumn(2).getInt());
    e.relation_inferred = st.getColumn(3).getInt() != 0;
    e.confidence = st.getColumn(4).getDouble();
    fn(c->second, p->second, e);
  }
}

std::vector<Evidence> Store::EdgeEvidence(const std::string& child,
                                          const std::string& parent) const {
  SQLite::Statement q(*impl_->db,
                      "SELECT e.id FROM edge e JOIN artifact c ON c.id = e.child "
                      "JOIN artifact p ON p.id = e.parent WHERE c.key=? AND p.key=?");
  q.bind(1, IdKey(child));
  q.bind(2, IdKey(parent));
  if (!q.executeStep()) return {};
  SQLite::Statement ev(*impl_->db,
                       "SELECT kind, source, line, commit_id, detail, relation, inferred, "
                       "confidence FROM evidence WHERE edge=? "
                       "ORDER BY confidence DESC, kind, source, line, detail");
  return impl_->LoadEvidence(ev, q.getColumn(0).getInt64());
}

void Store::ScanNodes(const std::function<void(const NodeRow&)>& fn) const {
  ReadTxn read(*impl_->db, impl_->txn != nullptr);
  // Owners are few: resolve them in memory rather than joining every row.
  std::unordered_map<std::string, std::pair<std::string, std::string>> owner;  // ns -> org, country
  {
    SQLite::Statement o(*impl_->db, "SELECT namespace, organization, country FROM organization");
    while (o.executeStep()) owner[ColText(o, 0)] = {ColText(o, 1), ColText(o, 2)};
    SQLite::Statement al(*impl_->db, "SELECT old_namespace, new_namespace FROM alias");
    std::vector<std::pair<std::string, std::string>> aliases;
    while (al.executeStep()) aliases.emplace_back(ColText(al, 0), ColText(al, 1));
    for (const auto& [from, to] : aliases) {
      auto it = owner.find(to);
      if (it != owner.end()) {
        owner[from] = it->second;
      } else {
        owner.erase(from);  // a renamed namespace is owned by whoever owns the new one
      }
    }
  }
  SQLite::Statement st(*impl_->db,
                       "SELECT id, display, kind, namespace, COALESCE(created_at, '') FROM artifact");
  NodeRow r;
  static const std::pair<std::string, std::string> kNobody;
  while (st.executeStep()) {
    r.id = st.getColumn(0).getInt64();
    const char* display = st.getColumn(1).getText("");
    r.display.assign(display);
    r.kind = static_cast<ArtifactKind>(st.getColumn(2).getInt());
    // The namespace as its owner writes it, not the case-folded column.
    std::string_view bare(r.display);
    if (bare.rfind("datasets/", 0) == 0) bare.remove_prefix(9);
    size_t slash = bare.find('/');
    r.author.assign(slash == std::string_view::npos ? std::string_view() : bare.substr(0, slash));
    const char* ns = st.getColumn(3).getText("");
    auto it = owner.find(ns);
    const auto& who = it == owner.end() ? kNobody : it->second;
    r.organization = who.first;
    r.country = who.second;
    r.created_at.assign(st.getColumn(4).getText(""));
    fn(r);
  }
}

void Store::ScanEdges(const std::function<void(const EdgeRow&)>& fn) const {
  SQLite::Statement st(*impl_->db, "SELECT child, parent, relation, confidence FROM edge");
  while (st.executeStep()) {
    fn(EdgeRow{st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
               static_cast<Relation>(st.getColumn(2).getInt()), st.getColumn(3).getDouble()});
  }
}

Result<std::vector<std::vector<std::string>>> Store::Query(const std::string& sql) const {
  // A separate read-only connection: even a statement SQLite misjudges as
  // read-only cannot write through it.
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(impl_->path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Status::IoError("cannot open store read-only: " + msg);
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> conn(raw, sqlite3_close);
  sqlite3_exec(raw, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, &tail) != SQLITE_OK) {
    return Status::InvalidInput(std::string("SQL error: ") + sqlite3_errmsg(raw));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  if (!stmt) return Status::InvalidInput("empty SQL statement");
  while (tail && *tail && std::isspace(static_cast<unsigned char>(*tail))) ++tail;
  if (tail && *tail && !(tail[0] == ';' && tail[1] == '\0')) {
    return Status::InvalidInput("only one SQL statement is allowed");
  }
  if (!sqlite3_stmt_readonly(stmt)) {
    return Status::InvalidInput("the sql command is read-only; this statement would write");
  }
  std::vector<std::vector<std::string>> rows;
  int n = sqlite3_column_count(stmt);
  std::vector<std::string> header;
  for (int i = 0; i < n; ++i) header.emplace_back(sqlite3_column_name(stmt, i));
  rows.push_back(std::move(header));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < n; ++i) {
      const unsigned char* t = sqlite3_column_text(stmt, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return Status::InvalidInput(std::string("SQL error: ") + sqlite3_errmsg(raw));
  return rows;
}


// --- Git repositories ------------------------------------------------------------

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The last instant `text` covers, as an ISO 8601 UTC date-time comparable with
// the stored author dates: a bare date means the end of that day.
std::optional<std::string> AsOfCutoff(const std::string& text) {
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

HistoryEntry RowToHistory(SQLite::Statement& st) {
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

}  // namespace

Status Store::PutRepository(const RepoRecord& r) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("PutRepository outside an ingest run");
  try {
    auto& db = *im.db;
    for (const char* sql :
         {"DELETE FROM git_state_parent WHERE state IN (SELECT id FROM git_state WHERE origin=?)",
          "DELETE FROM git_state WHERE origin=?", "DELETE FROM git_change WHERE origin=?",
          "DELETE FROM lfs_object WHERE origin=?", "DELETE FROM git_repo WHERE origin=?"}) {
      SQLite::Statement del(db, sql);
      del.bind(1, r.origin);
      del.exec();
    }
    int64_t artifact = im.GetOrCreate(r.id, ArtifactKind::kModel);
    SQLite::Statement repo(
        db,
        "INSERT INTO git_repo(artifact, origin, path, commit_id, commit_date, first_commit_date, "
        "history_complete) VALUES(?,?,?,?,?,?,?) ON CONFLICT(artifact) DO UPDATE SET "
        "origin=excluded.origin, path=excluded.path, commit_id=excluded.commit_id, "
        "commit_date=excluded.commit_date, first_commit_date=excluded.first_commit_date, "
        "history_complete=excluded.history_complete");
    repo.bind(1, artifact);
    repo.bind(2, r.origin);
    repo.bind(3, r.path);
    repo.bind(4, r.commit);
    repo.bind(5, r.commit_date);
    repo.bind(6, r.first_commit_date);
    repo.bind(7, r.history_complete ? 1 : 0);
    repo.exec();
    SQLite::Statement lfs(
        db, "INSERT INTO lfs_object(origin, artifact, path, oid, size) VALUES(?,?,?,?,?)");
    for (const LfsObject& o : r.lfs) {
      lfs.reset();
      lfs.bind(1, r.origin);
      lfs.bind(2, artifact);
      lfs.bind(3, o.path);
      lfs.bind(4, o.oid);
      lfs.bind(5, o.size);
      lfs.exec();
    }
    SQLite::Statement change(
        db,
        "INSERT INTO git_change(origin, artifact, commit_id, date, author, file, field, "
        "old_value, new_value, finding) VALUES(?,?,?,?,?,?,?,?,?,?)");
    for (const HistoryEntry& h : r.history) {
      change.reset();
      change.bind(1, r.origin);
      change.bind(2, artifact);
      change.bind(3, h.commit);
      change.bind(4, h.date);
      change.bind(5, h.author);
      change.bind(6, h.file);
      change.bind(7, h.field);
      change.bind(8, h.old_value);
      change.bind(9, h.new_value);
      change.bind(10, h.finding);
      change.exec();
    }
    SQLite::Statement state(
        db, "INSERT INTO git_state(origin, artifact, commit_id, date) VALUES(?,?,?,?)");
    SQLite::Statement parent(
        db,
        "INSERT INTO git_state_parent(state, parent, kind, source, line, detail, relation, "
        "inferred, confidence) VALUES(?,?,?,?,?,?,?,?,?)");
    for (const RepoState& s : r.states) {
      state.reset();
      state.bind(1, r.origin);
      state.bind(2, artifact);
      state.bind(3, s.commit);
      state.bind(4, s.date);
      state.exec();
      int64_t state_id = db.getLastInsertRowid();
      for (const Edge& e : s.parents) {
        for (const Evidence& ev : e.evidence) {
          parent.reset();
          parent.bind(1, state_id);
          parent.bind(2, e.parent);
          parent.bind(3, ev.kind);
          parent.bind(4, ev.source);
          parent.bind(5, ev.line);
          parent.bind(6, ev.detail);
          parent.bind(7, static_cast<int>(ev.relation));
          parent.bind(8, ev.relation_inferred ? 1 : 0);
          parent.bind(9, ev.confidence);
          parent.exec();
        }
      }
    }
  } catch (const SQLite::Exception& e) {
    im.ResetAll();
    return Status::IoError("store write failed for " + r.origin + ": " + e.what());
  }
  return Status::Ok();
}

std::vector<LfsOverlap> Store::LfsOverlaps(const std::string& id) const {
  std::vector<LfsOverlap> out;
  try {
    auto& db = *impl_->db;
    auto row = impl_->RowId(id);
    if (!row) return out;
    SQLite::Statement count(db, "SELECT count(DISTINCT oid) FROM lfs_object WHERE artifact=?");
    count.bind(1, *row);
    count.executeStep();
    int64_t mine = count.getColumn(0).getInt64();
    SQLite::Statement others(
        db,
        "SELECT o.artifact, count(DISTINCT o.oid) FROM lfs_object o "
        "WHERE o.oid IN (SELECT oid FROM lfs_object WHERE artifact=?1) AND o.artifact<>?1 "
        "GROUP BY o.artifact");
    others.bind(1, *row);
    std::vector<std::pair<int64_t, int64_t>> found;
    while (others.executeStep()) {
      found.emplace_back(others.getColumn(0).getInt64(), others.getColumn(1).getInt64());
    }
    SQLite::Statement info(
        db,
        "SELECT a.display, COALESCE(g.path, ''), COALESCE(g.commit_id, ''), "
        "COALESCE(g.first_commit_date, '') FROM artifact a LEFT JOIN git_repo g "
        "ON g.artifact = a.id WHERE a.id=?");
    SQLite::Statement files(
        db,
        "SELECT m.oid, min(m.path), min(o.path), max(m.size) FROM lfs_object m "
        "JOIN lfs_object o ON o.oid = m.oid AND o.artifact=?2 WHERE m.artifact=?1 "
        "GROUP BY m.oid ORDER BY 2, 1");
    for (const auto& [other, shared] : found) {
      LfsOverlap ov;
      ov.shared = shared;
      ov.mine = mine;
      count.reset();
      count.bind(1, other);
      count.executeStep();
      ov.theirs = count.getColumn(0).getInt64();
      info.reset();
      info.bind(1, other);
      if (!info.executeStep()) continue;
      ov.id = ColText(info, 0);
      ov.path = ColText(info, 1);
      ov.commit = ColText(info, 2);
      ov.first_commit_date = ColText(info, 3);
      files.reset();
      files.bind(1, *row);
      files.bind(2, other);
      while (files.executeStep()) {
        ov.files.push_back(LfsOverlap::File{ColText(files, 0), ColText(files, 1),
                                            ColText(files, 2), files.getColumn(3).getInt64()});
      }
      out.push_back(std::move(ov));
    }
  } catch (const SQLite::Exception&) {
    // A store without the tables cannot hold repositories: nothing overlaps.
    out.clear();
  }
  std::sort(out.begin(), out.end(),
            [](const LfsOverlap& a, const LfsOverlap& b) { return IdKey(a.id) < IdKey(b.id); });
  return out;
}

Result<std::vector<HistoryEntry>> Store::History(const std::string& id) const {
  try {
    auto& db = *impl_->db;
    auto row = impl_->RowId(id);
    if (!row) return Status::NotFound("unknown model '" + id + "'");
    SQLite::Statement repo(db, "SELECT 1 FROM git_repo WHERE artifact=?");
    repo.bind(1, *row);
    if (!repo.executeStep()) {
      return Status::NotFound("no repository history of '" + id +
                              "' was ingested (clone its repository and run 'lineage ingest "
                              "PATH')");
    }
    SQLite::Statement st(db, std::string(kHistorySelect) + "WHERE c.artifact=? ORDER BY c.id");
    st.bind(1, *row);
    std::vector<HistoryEntry> out;
    while (st.executeStep()) out.push_back(RowToHistory(st));
    return out;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

std::vector<HistoryEntry> Store::Findings() const {
  std::vector<HistoryEntry> out;
  try {
    SQLite::Statement st(*impl_->db, std::string(kHistorySelect) +
                                         "WHERE c.finding <> '' ORDER BY c.date, a.key, c.id");
    while (st.executeStep()) out.push_back(RowToHistory(st));
  } catch (const SQLite::Exception&) {
    out.clear();
  }
  return out;
}

Result<Subgraph> Store::ChainAsOf(const std::string& id, const std::string& date,
                                  std::vector<std::string>* notes) const {
  auto cutoff = AsOfCutoff(date);
  if (!cutoff) {
    return Status::InvalidInput("bad date '" + date +
                                "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC)");
  }
  auto note = [notes](std::string text) {
    if (notes) notes->push_back(std::move(text));
  };
  try {
    auto& db = *impl_->db;
    auto root = GetArtifact(id);
    if (!root.ok()) return root.status();
    SQLite::Statement repo(
        db,
        "SELECT commit_date, first_commit_date, history_complete FROM git_repo WHERE artifact=?");
    // States follow the first-parent walk (row order), which is the order the
    // changes were made even when author dates are out of order.
    SQLite::Statement state(
        db,
        "SELECT id, commit_id FROM git_state WHERE artifact=? AND date<=? "
        "ORDER BY id DESC LIMIT 1");
    SQLite::Statement parents(
        db,
        "SELECT parent, kind, source, line, detail, relation, inferred, confidence "
        "FROM git_state_parent WHERE state=? ORDER BY confidence DESC, inferred ASC, rowid ASC");
    SQLite::Statement license(
        db,
        "SELECT new_value FROM git_change WHERE artifact=? AND field='license' AND date<=? "
        "ORDER BY id DESC LIMIT 1");

    // Artifacts answered from their history: their licence is the one of that date too.
    std::map<std::string, int64_t> dated;  // id key -> artifact row
    // The parents `display` had at the cutoff.
    auto parents_at = [&](const std::string& display, bool is_root) -> std::vector<Edge> {
      auto row = impl_->RowId(display);
      if (row) {
        repo.reset();
        repo.bind(1, *row);
        if (repo.executeStep()) {
          std::string commit_date = ColText(repo, 0);
          std::string first_date = ColText(repo, 1);
          bool complete = repo.getColumn(2).getInt() != 0;
          repo.reset();
          if (*cutoff >= commit_date) {
            // At or after the ingested commit the answer is what the store holds now.
            auto now = impl_->Walk(display, 1, true);
            return now.ok() ? now->edges : std::vector<Edge>{};
          }
          dated[IdKey(display)] = *row;
          state.reset();
          state.bind(1, *row);
          state.bind(2, *cutoff);
          if (!state.executeStep()) {
            state.reset();
            if (complete) {
              note(display + ": its repository had no commit yet on " + date +
                   "; shown without parents");
            } else {
              note(display + ": its repository history (shallow or incomplete) does not reach " +
                   date + " (it starts " + first_date + "); shown without parents");
            }
            return {};
          }
          int64_t state_id = state.getColumn(0).getInt64();
          std::string commit = ColText(state, 1);
          state.reset();
          std::map<std::string, Edge> by_parent;
          std::vector<std::string> keys;
          parents.reset();
          parents.bind(1, state_id);
          while (parents.executeStep()) {
            Evidence ev;
            std::string parent = ColText(parents, 0);
            ev.kind = ColText(parents, 1);
            ev.source = ColText(parents, 2);
            ev.line = parents.getColumn(3).getInt();
            ev.commit = commit;
            ev.detail = ColText(parents, 4);
            ev.relation = static_cast<Relation>(parents.getColumn(5).getInt());
            ev.relation_inferred = parents.getColumn(6).getInt() != 0;
            ev.confidence = parents.getColumn(7).getDouble();
            auto [it, added] = by_parent.try_emplace(IdKey(parent));
            Edge& e = it->second;
            if (added) {
              keys.push_back(it->first);
              e.child = display;
              e.parent = parent;
              e.relation = ev.relation;
              e.relation_inferred = ev.relation_inferred;
              e.confidence = ev.confidence;
            }
            e.evidence.push_back(std::move(ev));
          }
          parents.reset();
          std::vector<Edge> out;
          for (const auto& k : keys) out.push_back(std::move(by_parent[k]));
          return out;
        }
        repo.reset();
      }
      auto now = impl_->Walk(display, 1, true);
      std::vector<Edge> out = now.ok() ? now->edges : std::vector<Edge>{};
      if (is_root || !out.empty()) {
        note(display + ": no repository history ingested; current edges used");
      }
      return out;
    };

    std::map<std::string, std::pair<std::string, int>> seen;  // key -> display, depth
    std::deque<std::string> queue;
    std::vector<Edge> edges;
    seen[IdKey(root->id)] = {root->id, 0};
    queue.push_back(IdKey(root->id));
    while (!queue.empty()) {
      std::string key = queue.front();
      queue.pop_front();
      auto [display, depth] = seen[key];
      for (Edge& e : parents_at(display, depth == 0)) {
        std::string pkey = IdKey(e.parent);
        if (seen.try_emplace(pkey, e.parent, depth + 1).second) queue.push_back(pkey);
        e.parent = seen[pkey].first;
        edges.push_back(std::move(e));
      }
    }
    Subgraph sg;
    sg.root = root->id;
    for (const auto& [key, v] : seen) {
      GraphNode n;
      auto a = GetArtifact(v.first);
      if (a.ok()) {
        n.artifact = std::move(a.value());
      } else {
        // A base the history names but nothing in the store does any more.
        n.artifact.id = v.first;
        bool dataset = key.rfind("datasets/", 0) == 0;
        n.artifact.kind = dataset ? ArtifactKind::kDataset : ArtifactKind::kModel;
        std::string bare = v.first.substr(dataset ? 9 : 0);
        size_t slash = bare.find('/');
        n.artifact.author = slash == std::string::npos ? "" : bare.substr(0, slash);
      }
      n.depth = v.second;
      auto d = dated.find(key);
      if (d != dated.end()) {
        license.reset();
        license.bind(1, d->second);
        license.bind(2, *cutoff);
        std::string then = license.executeStep() ? ColText(license, 0) : std::string();
        license.reset();
        // The history writes `other` with its name as "other (name)".
        n.artifact.license_name.clear();
        n.artifact.license_link.clear();
        n.artifact.license_normalized.clear();
        if (then.rfind("other (", 0) == 0 && then.back() == ')') {
          n.artifact.license_name = then.substr(7, then.size() - 8);
          then = "other";
        }
        n.artifact.license = then;
      }
      sg.nodes.push_back(std::move(n));
    }
    sg.edges = std::move(edges);
    SortSubgraph(&sg);
    return sg;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

}  // namespace lineage
