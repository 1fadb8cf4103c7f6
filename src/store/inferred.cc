// Inference support: signals, the subjects inference reads, and inferred edges
// (lineage/infer.h). Inferred evidence lives under origins "infer:<child key>";
// edge.inferred_edge is 1 while no other origin gives the edge evidence.
#include "store/internal.h"

namespace lineage {

namespace {

constexpr const char* kSubjectSelect =
    "SELECT a.id, a.display, a.license, a.license_name, a.license_link, a.pipeline_tag, "
    "a.library_name, a.tags FROM artifact a WHERE a.declared=1 AND a.kind=0 ";

struct SubjectReader {
  SQLite::Database& db;
  const LicenseCatalogue& catalogue;

  InferenceSubject FromRow(SQLite::Statement& st) {
    InferenceSubject s;
    s.id = ColText(st, 1);
    s.license = ColText(st, 2);
    s.license_name = ColText(st, 3);
    std::string link = ColText(st, 4);
    s.pipeline_tag = ColText(st, 5);
    s.library_name = ColText(st, 6);
    s.tags = SplitLines(ColText(st, 7));
    if (!s.license.empty() || !s.license_name.empty()) {
      s.license_normalized = catalogue.Normalize(s.license, s.license_name, link);
    }
    return s;
  }
};

Signal SignalFromRow(SQLite::Statement& st, int first) {
  Signal s;
  s.kind = ColText(st, first);
  s.value = ColText(st, first + 1);
  s.source = ColText(st, first + 2);
  s.line = st.getColumn(first + 3).getInt();
  s.detail = ColText(st, first + 4);
  return s;
}

Edge DeclaredFromRow(SQLite::Statement& st, const std::string& child, int first) {
  Edge e;
  e.child = child;
  e.parent = ColText(st, first);
  e.relation = static_cast<Relation>(st.getColumn(first + 1).getInt());
  e.relation_inferred = st.getColumn(first + 2).getInt() != 0;
  e.confidence = st.getColumn(first + 3).getDouble();
  return e;
}

}  // namespace

void Store::ScanInferenceSubjects(const std::vector<std::string>& ids,
                                  const std::function<void(const InferenceSubject&)>& fn) const {
  auto& db = *impl_->db;
  ReadTxn read(db, impl_->txn != nullptr);
  SubjectReader reader{db, impl_->Catalogue()};
  if (!ids.empty()) {
    SQLite::Statement art(db, std::string(kSubjectSelect) + "AND a.key=?");
    SQLite::Statement sig(db,
                          "SELECT kind, value, source, line, detail FROM signal WHERE artifact=? "
                          "ORDER BY id");
    SQLite::Statement par(db,
                          "SELECT p.display, e.relation, e.inferred, e.confidence FROM edge e "
                          "JOIN artifact p ON p.id = e.parent WHERE e.child=? AND "
                          "e.inferred_edge=0 ORDER BY p.key");
    std::set<std::string> seen;
    for (const auto& id : ids) {
      if (!seen.insert(IdKey(id)).second) continue;
      art.reset();
      art.bind(1, IdKey(id));
      if (!art.executeStep()) continue;
      int64_t row = art.getColumn(0).getInt64();
      InferenceSubject s = reader.FromRow(art);
      sig.reset();
      sig.bind(1, row);
      while (sig.executeStep()) s.signals.push_back(SignalFromRow(sig, 0));
      par.reset();
      par.bind(1, row);
      while (par.executeStep()) s.declared_parents.push_back(DeclaredFromRow(par, s.id, 0));
      fn(s);
    }
    return;
  }
  // The whole store: three scans in row order, merged.
  SQLite::Statement art(db, std::string(kSubjectSelect) + "ORDER BY a.id");
  SQLite::Statement sig(db,
                        "SELECT artifact, kind, value, source, line, detail FROM signal "
                        "ORDER BY artifact, id");
  SQLite::Statement par(db,
                        "SELECT e.child, p.display, e.relation, e.inferred, e.confidence FROM edge e "
                        "JOIN artifact p ON p.id = e.parent WHERE e.inferred_edge=0 "
                        "ORDER BY e.child");  // the (child, parent) index: no sort
  bool sig_more = sig.executeStep();
  bool par_more = par.executeStep();
  while (art.executeStep()) {
    int64_t row = art.getColumn(0).getInt64();
    InferenceSubject s = reader.FromRow(art);
    while (sig_more && sig.getColumn(0).getInt64() < row) sig_more = sig.executeStep();
    while (sig_more && sig.getColumn(0).getInt64() == row) {
      s.signals.push_back(SignalFromRow(sig, 1));
      sig_more = sig.executeStep();
    }
    while (par_more && par.getColumn(0).getInt64() < row) par_more = par.executeStep();
    while (par_more && par.getColumn(0).getInt64() == row) {
      s.declared_parents.push_back(DeclaredFromRow(par, s.id, 1));
      par_more = par.executeStep();
    }
    if (s.declared_parents.size() > 1) {
      std::sort(s.declared_parents.begin(), s.declared_parents.end(),
                [](const Edge& a, const Edge& b) { return IdKey(a.parent) < IdKey(b.parent); });
    }
    fn(s);
  }
}

void Store::ScanInferenceGraph(
    const std::function<void(int64_t, const std::string&, ArtifactKind, bool)>& artifact,
    const std::function<void(int64_t, int64_t, Relation)>& edge) const {
  auto& db = *impl_->db;
  ReadTxn read(db, impl_->txn != nullptr);
  SQLite::Statement a(db, "SELECT id, display, kind, declared FROM artifact ORDER BY id");
  std::string display;
  while (a.executeStep()) {
    display.assign(a.getColumn(1).getText(""));
    artifact(a.getColumn(0).getInt64(), display, static_cast<ArtifactKind>(a.getColumn(2).getInt()),
             a.getColumn(3).getInt() != 0);
  }
  SQLite::Statement e(db, "SELECT child, parent, relation FROM edge WHERE inferred_edge=0");
  while (e.executeStep()) {
    edge(e.getColumn(0).getInt64(), e.getColumn(1).getInt64(),
         static_cast<Relation>(e.getColumn(2).getInt()));
  }
}

void Store::ScanSignals(const std::string& kind,
                        const std::function<void(const std::string&, const Signal&)>& fn) const {
  auto& db = *impl_->db;
  ReadTxn read(db, impl_->txn != nullptr);
  SQLite::Statement st(db,
                       "SELECT a.display, s.kind, s.value, s.source, s.line, s.detail FROM signal s "
                       "JOIN artifact a ON a.id = s.artifact WHERE s.kind=? ORDER BY s.id");
  st.bind(1, kind);
  while (st.executeStep()) fn(ColText(st, 0), SignalFromRow(st, 1));
}

Result<std::vector<std::string>> Store::RunArtifacts() const { return impl_->run_artifacts; }

Status Store::ClearInferred(const std::vector<std::string>& children, bool all) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("ClearInferred outside a run");
  try {
    auto& db = *im.db;
    im.ResetAll();
    // Edges that also carry declared evidence keep it and are recomputed.
    im.edges_dirty = true;
    std::vector<int64_t> mixed;
    if (all) {
      SQLite::Statement q(db,
                          "SELECT DISTINCT edge FROM evidence WHERE origin >= 'infer:' AND "
                          "origin < 'infer;' AND edge IN (SELECT id FROM edge WHERE "
                          "inferred_edge=0)");
      while (q.executeStep()) mixed.push_back(q.getColumn(0).getInt64());
      db.exec("DELETE FROM evidence WHERE origin >= 'infer:' AND origin < 'infer;'");
      db.exec(
          "DELETE FROM edge WHERE inferred_edge=1 AND NOT EXISTS (SELECT 1 FROM evidence v "
          "WHERE v.edge = edge.id)");
    } else {
      SQLite::Statement edges(db, "SELECT DISTINCT edge FROM evidence WHERE origin=?");
      SQLite::Statement del_ev(db, "DELETE FROM evidence WHERE origin=?");
      SQLite::Statement count(db, "SELECT count(*) FROM evidence WHERE edge=?");
      SQLite::Statement del_edge(db, "DELETE FROM edge WHERE id=?");
      for (const auto& c : children) {
        std::string origin = "infer:" + IdKey(c);
        std::vector<int64_t> touched;
        edges.reset();
        edges.bind(1, origin);
        while (edges.executeStep()) touched.push_back(edges.getColumn(0).getInt64());
        if (touched.empty()) continue;
        del_ev.reset();
        del_ev.bind(1, origin);
        del_ev.exec();
        for (int64_t e : touched) {
          count.reset();
          count.bind(1, e);
          count.executeStep();
          bool empty = count.getColumn(0).getInt64() == 0;
          count.reset();
          if (empty) {
            del_edge.reset();
            del_edge.bind(1, e);
            del_edge.exec();
          } else {
            mixed.push_back(e);
          }
        }
      }
    }
    for (int64_t e : mixed) im.Recompute(e);
  } catch (const SQLite::Exception& e) {
    im.ResetAll();
    return Status::IoError(std::string("cannot clear inferred edges: ") + e.what());
  }
  return Status::Ok();
}

Status Store::PutInferred(const std::vector<Edge>& edges, int64_t* written) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("PutInferred outside a run");
  int64_t n = 0;
  try {
    auto& db = *im.db;
    SQLite::Statement ins(db,
                          "INSERT INTO edge(child, parent, relation, inferred, confidence, "
                          "inferred_edge) VALUES(?,?,?,1,?,1) ON CONFLICT(child, parent) DO NOTHING");
    // A proposed parent that itself derives from the child (a base named like
    // its own instruct model) would close a cycle: the declared edge wins.
    SQLite::Statement reverse(db, "SELECT 1 FROM edge WHERE child=? AND parent=?");
    auto& ev_st = *im.insert_evidence;
    for (const Edge& e : edges) {
      if (IdKey(e.child) == IdKey(e.parent)) continue;
      int64_t child = im.GetOrCreate(e.child, ArtifactKind::kModel);
      int64_t parent = im.GetOrCreate(e.parent, ArtifactKind::kModel);
      reverse.reset();
      reverse.bind(1, parent);
      reverse.bind(2, child);
      if (reverse.executeStep()) continue;
      ins.reset();
      ins.bind(1, child);
      ins.bind(2, parent);
      ins.bind(3, static_cast<int>(e.relation));
      ins.bind(4, e.confidence);
      if (ins.exec() == 0) continue;  // an edge is there already: declared wins
      im.edges_dirty = true;
      int64_t edge_id = db.getLastInsertRowid();
      std::string origin = "infer:" + IdKey(e.child);
      for (const Evidence& ev : e.evidence) {
        ev_st.reset();
        ev_st.bind(1, edge_id);
        ev_st.bind(2, origin);
        BindEvidence(ev_st, 3, ev);
        ev_st.bind(9, 1);  // stored as inferred whatever the engine said
        ev_st.exec();
      }
      ++n;
    }
  } catch (const SQLite::Exception& e) {
    im.ResetAll();
    return Status::IoError(std::string("cannot store inferred edges: ") + e.what());
  }
  if (written) *written = n;
  return Status::Ok();
}

Status Store::SetInferenceCalibration(const std::map<std::string, Calibration>& c) {
  if (!impl_->txn) return Status::InvalidInput("SetInferenceCalibration outside a run");
  try {
    impl_->db->exec("DELETE FROM infer_calibration");
    SQLite::Statement st(*impl_->db,
                         "INSERT INTO infer_calibration(kind, reliability, models, correct) "
                         "VALUES(?,?,?,?)");
    for (const auto& [kind, v] : c) {
      st.reset();
      st.bind(1, kind);
      st.bind(2, v.reliability);
      st.bind(3, v.models);
      st.bind(4, v.correct);
      st.exec();
    }
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("cannot store the calibration: ") + e.what());
  }
  return Status::Ok();
}

Result<std::map<std::string, Store::Calibration>> Store::InferenceCalibration() const try {
  std::map<std::string, Calibration> out;
  SQLite::Statement st(*impl_->db,
                       "SELECT kind, reliability, models, correct FROM infer_calibration");
  while (st.executeStep()) {
    out[ColText(st, 0)] = Calibration{st.getColumn(1).getDouble(), st.getColumn(2).getInt64(),
                                      st.getColumn(3).getInt64()};
  }
  return out;
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read the inference calibration: ") + e.what());
}

}  // namespace lineage
