// Ingest runs: one transaction each; pending bare names and cycles resolved at commit.
#include "store/internal.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace lineage {

namespace {
constexpr int kRunLockWaitMs = 3600 * 1000;
}  // namespace

Status Store::BeginRun(const std::string& description) {
  if (impl_->mode != Mode::kReadWrite) return Status::InvalidInput("store is read-only");
  try {
    // One writer at a time: a second ingest waits for the first to commit
    // (up to an hour) rather than failing after the usual ten seconds.
    impl_->db->setBusyTimeout(kRunLockWaitMs);
    try {
      impl_->txn = std::make_unique<SQLite::Transaction>(*impl_->db,
                                                         SQLite::TransactionBehavior::IMMEDIATE);
    } catch (const SQLite::Exception&) {
      impl_->db->setBusyTimeout(10000);
      throw;
    }
    impl_->db->setBusyTimeout(10000);
    SQLite::Statement st(*impl_->db, "INSERT INTO run(started, description) VALUES(?,?)");
    st.bind(1, NowIso());
    st.bind(2, description);
    st.exec();
    impl_->run_id = impl_->db->getLastInsertRowid();
    impl_->counts = RunCounts{};
    impl_->seq_in_run = 0;
    impl_->removed_pairs.clear();
    impl_->edges_dirty = false;
    impl_->ForgetCachedIds();
    impl_->run_artifacts.Release();
    impl_->ResetBulk();
    impl_->artifacts_at_begin = impl_->max_artifact_hint();
    impl_->id_cache_complete = true;
  } catch (const SQLite::Exception& e) {
    impl_->txn.reset();
    return Status::IoError(std::string("cannot start ingest run: ") + e.what());
  }
  return Status::Ok();
}

// A failed read says "changed": the document is applied again, and
// ApplyDocument reports the store's error.
bool Store::DocumentUnchanged(const std::string& origin, const std::string& hash) {
  if (!impl_->select_document) return false;
  auto& st = *impl_->select_document;
  try {
    st.reset();
    Store::Impl::BindOriginName(st, origin);
    bool same = impl_->OriginMayExist(origin) && st.executeStep() && !st.getColumn(0).isNull() && ColText(st, 0) == hash;
    st.reset();
    return same;
  } catch (const SQLite::Exception&) {
    try {
      st.reset();
    } catch (const SQLite::Exception&) {
    }
    return false;
  }
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
  SQLite::Statement name(*db, "SELECT a.display, " LINEAGE_ARTIFACT_SOURCE " FROM artifact a WHERE a.id=?");
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
    im.EndBulk();
    if (im.layers_changed) im.RebuildLayers();
    im.ResolvePending();
    im.CheckCycles(cycle_check);
    im.SpellDetails();
    if (im.edges_dirty ||
        im.db->execAndGet("SELECT count(*) FROM adjacency").getInt64() == 0) {
      im.RebuildAdjacency();
    }
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
    im.ForgetCachedIds();
    // What the run cached is not what comes next (inference scans the whole
    // store): give the page cache and the freed run state back first, so the
    // process never holds both (2M-record ingest peak RSS, issue 9).
    sqlite3_db_release_memory(im.db->getHandle());
#ifdef __GLIBC__
    malloc_trim(0);
#endif
  } catch (const SQLite::Exception& e) {
    RollbackRun();
    return Status::IoError(std::string("ingest commit failed, store unchanged: ") + e.what());
  }
  return Status::Ok();
}

void Store::RollbackRun() {
  impl_->ResetAll();
  impl_->txn.reset();  // SQLite::Transaction rolls back in its destructor
  impl_->edges_dirty = false;
  impl_->ForgetCachedIds();
  impl_->ResetBulk();  // the rollback brought the indexes back
}

Store::RunCounts Store::run_counts() const { return impl_->counts; }

}  // namespace lineage
