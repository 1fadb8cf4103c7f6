// Git repositories: weight-file LFS objects, history and findings.
#include "store/internal.h"

namespace lineage {

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

Result<std::vector<LfsOverlap>> Store::LfsOverlaps(const std::string& id) const {
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
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed (LFS objects): ") + e.what());
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

Result<std::vector<HistoryEntry>> Store::Findings() const {
  std::vector<HistoryEntry> out;
  try {
    SQLite::Statement st(*impl_->db, std::string(kHistorySelect) +
                                         "WHERE c.finding <> '' ORDER BY c.date, a.key, c.id");
    while (st.executeStep()) out.push_back(RowToHistory(st));
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed (findings): ") + e.what());
  }
  return out;
}

}  // namespace lineage
