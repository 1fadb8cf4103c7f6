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

Status Store::ScanInferenceSubjects(const std::vector<std::string>& ids,
                                    const std::function<void(const InferenceSubject&)>& fn) const {
  try {
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
      return Status::Ok();
    }
    // The whole store: three scans in row order, merged.
    SQLite::Statement art(db, std::string(kSubjectSelect) + "ORDER BY a.id");
    SQLite::Statement sig(db,
                          "SELECT artifact, kind, value, source, line, detail FROM signal "
                          "ORDER BY artifact, id");
    SQLite::Statement par(
        db,
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
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("cannot read the store for inference: ") + e.what());
  }
}

namespace {

// A prepared statement on the raw handle: the whole-store scans read
// millions of rows, where SQLiteCpp's Column objects (a shared pointer each)
// cost more than the reading.
class RawScan {
 public:
  RawScan(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) Fail();
  }
  ~RawScan() { sqlite3_finalize(st_); }
  RawScan(const RawScan&) = delete;
  RawScan& operator=(const RawScan&) = delete;

  bool Step() {
    if (!st_) return false;
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Fail();
    return false;
  }
  int64_t Int(int i) const { return sqlite3_column_int64(st_, i); }
  std::string_view Text(int i) const {
    const unsigned char* t = sqlite3_column_text(st_, i);
    return t ? std::string_view(reinterpret_cast<const char*>(t),
                                static_cast<size_t>(sqlite3_column_bytes(st_, i)))
             : std::string_view();
  }
  // The first error, "" when none.
  const std::string& error() const { return error_; }

 private:
  void Fail() {
    if (error_.empty()) error_ = sqlite3_errmsg(db_);
    sqlite3_finalize(st_);
    st_ = nullptr;
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  std::string error_;
};

}  // namespace

Status Store::ScanInferenceGraph(const InferenceScan& scan) const {
  try {
    auto& db = *impl_->db;
    ReadTxn read(db, impl_->txn != nullptr);
    sqlite3* raw = db.getHandle();
    if (scan.edge) {
      RawScan e(raw, "SELECT child, parent, relation FROM edge WHERE inferred_edge=0");
      while (e.Step()) scan.edge(e.Int(0), e.Int(1), static_cast<Relation>(e.Int(2)));
      if (!e.error().empty()) return Status::IoError("cannot read the edges: " + e.error());
    }
    const bool wide = static_cast<bool>(scan.subject);
    RawScan a(raw, wide
                       ? "SELECT id, display, kind, declared, license, license_name, license_link, "
                         "pipeline_tag, library_name, tags FROM artifact ORDER BY id"
                       : "SELECT id, display, kind, declared FROM artifact ORDER BY id");
    // Signals in artifact order (the signal_artifact index), merged with the
    // artifacts; only a wanted subject's are decoded.
    std::optional<RawScan> sig;
    bool sig_more = false;
    if (wide) {
      sig.emplace(raw,
                  "SELECT artifact, kind, value, source, line, detail FROM signal "
                  "ORDER BY artifact, id");
      sig_more = sig->Step();
    }
    const LicenseCatalogue* catalogue = wide ? &impl_->Catalogue() : nullptr;
    // Few distinct licence triples: each is normalised once.
    std::unordered_map<std::string, std::string> normalized;
    std::string memo_key;
    while (a.Step()) {
      InferenceRow r;
      r.row = a.Int(0);
      r.display = a.Text(1);
      r.kind = static_cast<ArtifactKind>(a.Int(2));
      r.declared = a.Int(3) != 0;
      bool subject = wide && r.declared && r.kind == ArtifactKind::kModel;
      if (subject) {
        r.license = a.Text(4);
        r.license_name = a.Text(5);
        std::string_view link = a.Text(6);
        if (!r.license.empty() || !r.license_name.empty()) {
          memo_key.assign(r.license)
              .append(1, '\0')
              .append(r.license_name)
              .append(1, '\0')
              .append(link);
          auto it = normalized.find(memo_key);
          if (it == normalized.end()) {
            it = normalized
                     .emplace(memo_key,
                              catalogue->Normalize(std::string(r.license),
                                                   std::string(r.license_name), std::string(link)))
                     .first;
          }
          r.license_normalized = it->second;
        }
        while (sig_more && sig->Int(0) < r.row) sig_more = sig->Step();
        r.has_signals = sig_more && sig->Int(0) == r.row;
      }
      if (!scan.artifact(r) || !subject) continue;
      InferenceSubject s;
      s.id.assign(r.display);
      s.license.assign(r.license);
      s.license_name.assign(r.license_name);
      s.license_normalized.assign(r.license_normalized);
      s.pipeline_tag.assign(a.Text(7));
      s.library_name.assign(a.Text(8));
      s.tags = SplitLines(std::string(a.Text(9)));
      while (sig_more && sig->Int(0) == r.row) {
        Signal g;
        g.kind.assign(sig->Text(1));
        g.value.assign(sig->Text(2));
        g.source.assign(sig->Text(3));
        g.line = static_cast<int>(sig->Int(4));
        g.detail.assign(sig->Text(5));
        s.signals.push_back(std::move(g));
        sig_more = sig->Step();
      }
      scan.subject(r.row, std::move(s));
    }
    if (!a.error().empty()) return Status::IoError("cannot read the artifacts: " + a.error());
    if (sig && !sig->error().empty())
      return Status::IoError("cannot read the signals: " + sig->error());
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("cannot read the store for inference: ") + e.what());
  }
}

Status Store::ScanSignals(const std::string& kind,
                          const std::function<void(const std::string&, const Signal&)>& fn) const {
  try {
    auto& db = *impl_->db;
    ReadTxn read(db, impl_->txn != nullptr);
    SQLite::Statement st(
        db,
        "SELECT a.display, s.kind, s.value, s.source, s.line, s.detail FROM signal s "
        "JOIN artifact a ON a.id = s.artifact WHERE s.id IN (SELECT id FROM signal_data "
        "WHERE kind = (SELECT id FROM kind_code WHERE name = ?)) ORDER BY s.id");
    st.bind(1, kind);
    while (st.executeStep()) fn(ColText(st, 0), SignalFromRow(st, 1));
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("cannot read the signals: ") + e.what());
  }
}

Result<std::vector<std::string>> Store::RunArtifacts() const {
  return impl_->run_artifacts.ToVector();
}

std::optional<std::vector<std::string>> Store::TakeRunArtifacts(size_t at_most) {
  std::optional<std::vector<std::string>> out;
  if (impl_->run_artifacts.size() <= at_most) out = impl_->run_artifacts.ToVector();
  impl_->run_artifacts.Release();
  return out;
}

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
                          "SELECT DISTINCT edge FROM evidence_data WHERE origin IN (SELECT id "
                          "FROM origin_data WHERE name >= 'infer:' AND name < 'infer;') AND edge IN "
                          "(SELECT id FROM edge WHERE inferred_edge=0)");
      while (q.executeStep()) mixed.push_back(q.getColumn(0).getInt64());
      db.exec(
          "DELETE FROM evidence_data WHERE origin IN (SELECT id FROM origin_data WHERE "
          "name >= 'infer:' AND name < 'infer;')");
      db.exec(
          "DELETE FROM edge WHERE inferred_edge=1 AND NOT EXISTS (SELECT 1 FROM evidence_data v "
          "WHERE v.edge = edge.id)");
    } else {
      SQLite::Statement edges(db, "SELECT DISTINCT edge FROM evidence_data WHERE origin=?");
      SQLite::Statement del_ev(db, "DELETE FROM evidence_data WHERE origin=?");
      SQLite::Statement count(db, "SELECT count(*) FROM evidence_data WHERE edge=?");
      SQLite::Statement del_edge(db, "DELETE FROM edge WHERE id=?");
      for (const auto& c : children) {
        int64_t origin = im.FindOrigin("infer:" + IdKey(c));
        if (origin == 0) continue;
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
    SQLite::Statement ins(
        db,
        "INSERT INTO edge(child, parent, relation, inferred, confidence, "
        "inferred_edge) VALUES(?,?,?,1,?,1) ON CONFLICT(child, parent) DO NOTHING");
    // A proposed parent that itself derives from the child (a base named like
    // its own instruct model) would close a cycle: the declared edge wins.
    SQLite::Statement reverse(db, "SELECT 1 FROM edge WHERE child=? AND parent=?");
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
        Evidence stored = ev;
        stored.relation_inferred = true;  // whatever the engine said
        im.WriteEvidence(edge_id, origin, stored);
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

namespace {

// One child's stored inferred edge, as ReplaceInferred compares it.
struct StoredInferred {
  int64_t edge = 0, child = 0, parent = 0;
  int relation = 0;
  double confidence = 0;
  bool only_inferred = true;  // inferred_edge = 1
  bool several = false;       // the origin gives evidence to more than one edge
  std::vector<Evidence> evidence;
};

bool SameEvidence(const std::vector<Evidence>& stored, const std::vector<Evidence>& now) {
  if (stored.size() != now.size()) return false;
  for (size_t i = 0; i < now.size(); ++i) {
    const Evidence& a = stored[i];
    const Evidence& b = now[i];
    if (a.kind != b.kind || a.source != b.source || a.line != b.line || a.commit != b.commit ||
        a.detail != b.detail || a.relation != b.relation || a.confidence != b.confidence) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status Store::ReplaceInferred(const std::vector<Edge>& edges, int64_t* written) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("ReplaceInferred outside a run");
  std::unordered_map<std::string, StoredInferred> stored;
  try {
    auto& db = *im.db;
    // The child is the origin's; the parents are few, their keys read once.
    SQLite::Statement q(
        db,
        "SELECT v.origin, v.edge, e.child, e.parent, 0, 0, e.relation, "
        "e.confidence, e.inferred_edge, v.kind, v.source, v.line, v.commit_id, "
        "v.detail, v.relation, v.confidence FROM evidence v "
        "JOIN edge e ON e.id = v.edge "
        "WHERE v.id IN (SELECT x.id FROM evidence_data x WHERE x.origin IN (SELECT o.id FROM "
        "origin_data o WHERE o.name >= 'infer:' AND o.name < 'infer;')) ORDER BY v.origin, v.id");
    while (q.executeStep()) {
      StoredInferred& s = stored[ColText(q, 0)];
      int64_t edge = q.getColumn(1).getInt64();
      if (s.edge != 0 && s.edge != edge) s.several = true;
      s.edge = edge;
      s.child = q.getColumn(2).getInt64();
      s.parent = q.getColumn(3).getInt64();
      s.relation = q.getColumn(6).getInt();
      s.confidence = q.getColumn(7).getDouble();
      s.only_inferred = q.getColumn(8).getInt() != 0;
      Evidence ev;
      ev.kind = ColText(q, 9);
      ev.source = ColText(q, 10);
      ev.line = q.getColumn(11).getInt();
      ev.commit = ColText(q, 12);
      ev.detail = ColText(q, 13);
      ev.relation = static_cast<Relation>(q.getColumn(14).getInt());
      ev.confidence = q.getColumn(15).getDouble();
      s.evidence.push_back(std::move(ev));
    }
    SQLite::Statement reverse(db, "SELECT 1 FROM edge WHERE child=? AND parent=?");
    SQLite::Statement key_of(db, "SELECT key FROM artifact WHERE id=?");
    std::unordered_map<int64_t, std::string> parent_keys;
    auto parent_key = [&](int64_t row) -> const std::string& {
      auto it = parent_keys.find(row);
      if (it != parent_keys.end()) return it->second;
      key_of.reset();
      key_of.bind(1, row);
      std::string key = key_of.executeStep() ? ColText(key_of, 0) : std::string();
      key_of.reset();
      return parent_keys.emplace(row, std::move(key)).first->second;
    };
    std::vector<Edge> changed;
    int64_t kept = 0;
    for (const Edge& e : edges) {
      std::string child_key = IdKey(e.child);
      auto it = stored.find("infer:" + child_key);
      bool same = false;
      if (it != stored.end()) {
        const StoredInferred& s = it->second;
        // A renamed id may now be another row: such an edge is written anew.
        std::string pkey = IdKey(e.parent);
        same = !s.several && s.only_inferred && !im.RenamedTo(child_key) && !im.RenamedTo(pkey) &&
               s.relation == static_cast<int>(e.relation) && s.confidence == e.confidence &&
               SameEvidence(s.evidence, e.evidence) && parent_key(s.parent) == pkey;
        if (same) {
          reverse.reset();
          reverse.bind(1, s.parent);
          reverse.bind(2, s.child);
          same = !reverse.executeStep();
          reverse.reset();
        }
      }
      if (same) {
        ++kept;
        stored.erase(it);
      } else {
        changed.push_back(e);
      }
    }
    // Whatever is left stored is replaced or gone.
    std::vector<std::string> clear;
    clear.reserve(stored.size());
    for (const auto& [origin, s] : stored) clear.push_back(origin.substr(6));
    std::sort(clear.begin(), clear.end());
    stored.clear();
    if (!clear.empty()) {
      Status st = ClearInferred(clear, false);
      if (!st.ok()) return st;
    }
    SQLite::Statement orphans(db,
                              "DELETE FROM edge WHERE inferred_edge=1 AND NOT EXISTS (SELECT 1 "
                              "FROM evidence v WHERE v.edge = edge.id)");
    if (orphans.exec() > 0) im.edges_dirty = true;
    int64_t n = 0;
    Status st = changed.empty() ? Status::Ok() : PutInferred(changed, &n);
    if (!st.ok()) return st;
    if (written) *written = kept + n;

  } catch (const SQLite::Exception& e) {
    im.ResetAll();
    return Status::IoError(std::string("cannot store inferred edges: ") + e.what());
  }
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
