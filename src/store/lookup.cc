// Id resolution and reads of one artifact and its edges.
#include "store/internal.h"

namespace lineage {

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
      // A renamed repository: its old id names the artifact under its new one.
      SQLite::Statement renamed(db, "SELECT new_display FROM model_alias WHERE old_key=?");
      renamed.bind(1, key);
      if (renamed.executeStep()) {
        by_key.reset();
        by_key.bind(1, IdKey(ColText(renamed, 0)));
        if (by_key.executeStep()) return ColText(by_key, 0);
      }
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
    Artifact a = RowToArtifact(st, impl_->Catalogue());
    impl_->FillPopularity(st.getColumn(0).getInt64(), &a);
    return a;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

// An id the store does not hold has no edges; any other failure is returned.
Result<std::vector<Edge>> Store::ParentEdges(const std::string& id) const {
  auto sg = impl_->Walk(id, 1, true);
  if (!sg.ok()) {
    if (sg.status().code() == Status::Code::kNotFound) return std::vector<Edge>{};
    return sg.status();
  }
  return std::move(sg->edges);
}

Result<std::vector<Edge>> Store::ChildEdges(const std::string& id) const {
  auto sg = impl_->Walk(id, 1, false);
  if (!sg.ok()) {
    if (sg.status().code() == Status::Code::kNotFound) return std::vector<Edge>{};
    return sg.status();
  }
  return std::move(sg->edges);
}

Result<std::vector<Edge>> Store::ChildEdges(const std::string& id, size_t limit,
                                            int64_t* total) const {
  try {
    auto& db = *impl_->db;
    ReadTxn read(db, impl_->txn != nullptr);
    auto parent = impl_->RowId(id);
    if (!parent) return Status::NotFound("unknown model '" + id + "'");
    SQLite::Statement count(db, "SELECT count(*) FROM edge WHERE parent=?");
    count.bind(1, *parent);
    count.executeStep();
    *total = count.getColumn(0).getInt64();
    SQLite::Statement p(db, "SELECT display FROM artifact WHERE id=?");
    p.bind(1, *parent);
    std::string parent_display = p.executeStep() ? ColText(p, 0) : id;
    SQLite::Statement st(db,
                         "SELECT e.id, a.display, e.relation, e.inferred, e.confidence, e.inferred_edge "
                         "FROM edge e JOIN artifact a ON a.id = e.child WHERE e.parent=? "
                         "ORDER BY a.key LIMIT ?");
    st.bind(1, *parent);
    st.bind(2, static_cast<int64_t>(limit));
    SQLite::Statement ev(db, Impl::EvidenceOfEdgeSql());
    std::vector<Edge> out;
    while (st.executeStep()) {
      Edge e;
      int64_t eid = st.getColumn(0).getInt64();
      e.child = ColText(st, 1);
      e.parent = parent_display;
      e.relation = static_cast<Relation>(st.getColumn(2).getInt());
      e.relation_inferred = st.getColumn(3).getInt() != 0;
      e.confidence = st.getColumn(4).getDouble();
      e.inferred = st.getColumn(5).getInt() != 0;
      e.evidence = impl_->LoadEvidence(ev, eid);
      out.push_back(std::move(e));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

}  // namespace lineage
