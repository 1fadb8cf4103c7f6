// Store-wide reads: diagnostics, stats, organizations, blocs and scans.
//
// Each is a function-try-block: a SQLite exception anywhere in the read comes
// out as an IoError naming the read, never past the store.
#include <algorithm>
#include <climits>
#include <cstdint>

#include "store/internal.h"

namespace lineage {

Result<std::vector<Diagnostic>> Store::Diagnostics() const try {
  std::vector<Diagnostic> out;
  SQLite::Statement st(*impl_->db,
                       "SELECT source, line, severity, code, message FROM diagnostic "
                       "ORDER BY source, line, code, message");
  while (st.executeStep()) {
    out.push_back(Diagnostic{ColText(st, 0), st.getColumn(1).getInt(), ColText(st, 2),
                             ColText(st, 3), ColText(st, 4)});
  }
  return out;
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read diagnostics: ") + e.what());
}

Result<StoreStats> Store::Stats() const try {
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
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read store statistics: ") + e.what());
}

Result<std::vector<Organization>> Store::Organizations() const try {
  std::vector<Organization> out;
  SQLite::Statement st(*impl_->db,
                       "SELECT display, organization, country, kind, source, source_kind, "
                       "checked, parent FROM organization ORDER BY namespace");
  while (st.executeStep()) {
    Organization o{ColText(st, 0), ColText(st, 1), ColText(st, 2), ColText(st, 3),
                   ColText(st, 4)};
    o.source_kind = ColText(st, 5);
    o.checked = ColText(st, 6);
    o.parent = ColText(st, 7);
    out.push_back(std::move(o));
  }
  return out;
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read organizations: ") + e.what());
}

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> Store::Blocs() const try {
  std::map<std::string, std::vector<std::string>> blocs;
  SQLite::Statement st(*impl_->db, "SELECT name, country FROM bloc ORDER BY name, country");
  while (st.executeStep()) blocs[ColText(st, 0)].push_back(ColText(st, 1));
  return std::vector<std::pair<std::string, std::vector<std::string>>>(blocs.begin(), blocs.end());
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read blocs: ") + e.what());
}

Status Store::ScanEdgePairs(
    const std::function<void(const Artifact&, const Artifact&, const Edge&)>& fn) const try {
  // Artifacts on an edge are loaded once into a map keyed by row id, then
  // edges stream. A model with no edge is never on a pair.
  ReadTxn read(*impl_->db, impl_->txn != nullptr);
  std::vector<bool> linked;
  {
    CacheSizeScope small_cache(*impl_->db, kScanCacheKiB);
    SQLite::Statement st(*impl_->db, "SELECT child, parent FROM edge");
    while (st.executeStep()) {
      for (int i = 0; i < 2; ++i) {
        int64_t id = st.getColumn(i).getInt64();
        if (id < 0) continue;
        if (static_cast<uint64_t>(id) >= linked.size()) linked.resize(id + 1, false);
        linked[id] = true;
      }
    }
  }
  // Organizations as kArtifactSelect joins them (through one alias hop), but
  // resolved in memory by the namespace computed here: artifact.namespace is
  // VIRTUAL since v12, and a join on it computes it for every row.
  struct Owner {
    std::string organization, country, source, source_kind, parent;
  };
  StringMap<Owner> owner;
  StringMap<std::string> alias;
  {
    SQLite::Statement o(*impl_->db,
                        "SELECT namespace, organization, country, source, source_kind, parent "
                        "FROM organization");
    while (o.executeStep()) {
      owner[ColText(o, 0)] =
          Owner{ColText(o, 1), ColText(o, 2), ColText(o, 3), ColText(o, 4), ColText(o, 5)};
    }
    SQLite::Statement al(*impl_->db, "SELECT old_namespace, new_namespace FROM alias");
    while (al.executeStep()) alias[ColText(al, 0)] = ColText(al, 1);
  }
  std::unordered_map<int64_t, Artifact> arts;
  {
    CacheSizeScope small_cache(*impl_->db, kScanCacheKiB);
    SQLite::Statement st(*impl_->db,
                         "SELECT a.id, a.display, a.kind, NULL, a.declared, a.license, "
                         "a.license_name, a.license_link, a.pipeline_tag, a.library_name, "
                         "a.created_at, " LINEAGE_ARTIFACT_SOURCE ", a.new_version, a.tags, "
                         "a.languages, NULL, NULL, NULL, NULL, NULL, NULL FROM artifact a");
    std::string folded;
    while (st.executeStep()) {
      int64_t row = st.getColumn(0).getInt64();
      if (row < 0 || static_cast<uint64_t>(row) >= linked.size() || !linked[row]) continue;
      Artifact a = RowToArtifact(st, impl_->Catalogue());
      std::string_view ns = StoredNamespace(a.id, &folded);
      auto renamed = alias.find(ns);
      auto it = owner.find(renamed == alias.end() ? ns : std::string_view(renamed->second));
      if (it != owner.end()) {
        a.organization = it->second.organization;
        a.country = it->second.country;
        a.country_source = it->second.source;
        a.country_source_kind = it->second.source_kind;
        a.organization_parent = it->second.parent;
      }
      arts.emplace(row, std::move(a));
    }
  }
  SQLite::Statement st(*impl_->db,
                       "SELECT e.child, e.parent, e.relation, e.inferred, e.confidence, "
                       "e.inferred_edge FROM edge e JOIN artifact c ON c.id = e.child JOIN artifact p ON p.id = e.parent "
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
    e.inferred = st.getColumn(5).getInt() != 0;
    fn(c->second, p->second, e);
  }
  return Status::Ok();
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot scan edges: ") + e.what());
}

Result<std::vector<Evidence>> Store::EdgeEvidence(const std::string& child,
                                                  const std::string& parent) const try {
  SQLite::Statement q(*impl_->db,
                      "SELECT e.id FROM edge e JOIN artifact c ON c.id = e.child "
                      "JOIN artifact p ON p.id = e.parent WHERE c.key=? AND p.key=?");
  q.bind(1, IdKey(child));
  q.bind(2, IdKey(parent));
  if (!q.executeStep()) return std::vector<Evidence>{};
  SQLite::Statement ev(*impl_->db, Impl::EvidenceOfEdgeSql());
  return impl_->LoadEvidence(ev, q.getColumn(0).getInt64());
} catch (const SQLite::Exception& e) {
  return Status::IoError("cannot read the evidence of " + child + " -> " + parent + ": " +
                         e.what());
}

Status Store::ScanLicenseEdges(const std::function<void(const LicenseEdgeRow&)>& fn) const try {
  // Edges are read once into a flat array and sorted in memory by the ends'
  // keys (ORDER BY c.key, p.key as ScanEdgePairs has SQLite do it). Each
  // linked artifact keeps its display id in one arena and a number for its
  // licence fields; the few distinct triples are kept once.
  ReadTxn read(*impl_->db, impl_->txn != nullptr);
  CacheSizeScope small_cache(*impl_->db, kScanCacheKiB);
  struct EdgeAt {
    int64_t id;
    uint32_t child, parent;  // artifact slots, then ranks during the sort
    double confidence;
    uint8_t relation;
    bool relation_inferred, inferred;
  };
  std::vector<EdgeAt> edges;
  std::vector<int32_t> slot_of;  // artifact row id -> slot, -1 when not on an edge
  {
    SQLite::Statement st(*impl_->db,
                         "SELECT id, child, parent, relation, inferred, confidence, "
                         "inferred_edge FROM edge");
    while (st.executeStep()) {
      int64_t c = st.getColumn(1).getInt64(), p = st.getColumn(2).getInt64();
      if (c < 0 || p < 0 || c > INT32_MAX || p > INT32_MAX) continue;  // no artifact row
      for (int64_t r : {c, p}) {
        if (static_cast<uint64_t>(r) >= slot_of.size()) slot_of.resize(r + 1, -1);
        slot_of[r] = -2;  // on an edge; its slot once its artifact row is read
      }
      edges.push_back(EdgeAt{st.getColumn(0).getInt64(), static_cast<uint32_t>(c),
                             static_cast<uint32_t>(p), st.getColumn(5).getDouble(),
                             static_cast<uint8_t>(st.getColumn(3).getInt()),
                             st.getColumn(4).getInt() != 0, st.getColumn(6).getInt() != 0});
    }
  }
  struct Slot {
    int64_t row;
    uint64_t display_at;
    uint32_t display_len;
    uint32_t fields;
    uint8_t kind;
    bool declared;
  };
  std::vector<Slot> slots;
  std::string arena;  // display ids, back to back
  std::vector<LicenseFields> fields;
  {
    StringMap<uint32_t> field_index;
    std::string triple;
    SQLite::Statement st(*impl_->db,
                         "SELECT id, display, kind, declared, license, license_name, "
                         "license_link FROM artifact");
    auto view = [&st](int i) {
      SQLite::Column c = st.getColumn(i);
      const char* t = c.getText("");
      return std::string_view(t, static_cast<size_t>(c.getBytes()));
    };
    while (st.executeStep()) {
      int64_t row = st.getColumn(0).getInt64();
      if (row < 0 || static_cast<uint64_t>(row) >= slot_of.size() || slot_of[row] != -2) continue;
      std::string_view lic = view(4), name = view(5), link = view(6);
      triple.assign(lic).append(1, '\0').append(name).append(1, '\0').append(link);
      auto it = field_index.find(std::string_view(triple));
      if (it == field_index.end()) {
        it = field_index.emplace(triple, static_cast<uint32_t>(fields.size())).first;
        fields.push_back(LicenseFields{std::string(lic), std::string(name), std::string(link)});
      }
      std::string_view display = view(1);
      slot_of[row] = static_cast<int32_t>(slots.size());
      slots.push_back(Slot{row, arena.size(), static_cast<uint32_t>(display.size()), it->second,
                           static_cast<uint8_t>(st.getColumn(2).getInt()),
                           st.getColumn(3).getInt() != 0});
      arena.append(display);
    }
  }
  // Rank the slots by key: lower(display), compared bytewise as SQLite's
  // BINARY collation compares the key column (unique, so a strict order).
  std::vector<uint32_t> rank(slots.size());
  {
    std::vector<uint32_t> order(slots.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    auto fold = [](char c) {
      return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    };
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      const char* x = arena.data() + slots[a].display_at;
      const char* y = arena.data() + slots[b].display_at;
      uint32_t n = std::min(slots[a].display_len, slots[b].display_len);
      for (uint32_t i = 0; i < n; ++i) {
        unsigned char u = fold(x[i]), v = fold(y[i]);
        if (u != v) return u < v;
      }
      return slots[a].display_len < slots[b].display_len;
    });
    for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    // Slots in rank order from here on: an edge's ends are looked up by rank.
    std::vector<Slot> sorted(slots.size());
    for (uint32_t i = 0; i < order.size(); ++i) sorted[i] = slots[order[i]];
    slots = std::move(sorted);
  }
  size_t kept = 0;
  for (const EdgeAt& e : edges) {
    int32_t c = slot_of[e.child], p = slot_of[e.parent];
    if (c < 0 || p < 0) continue;  // an end with no artifact row: not joined
    EdgeAt k = e;
    k.child = rank[c];
    k.parent = rank[p];
    edges[kept++] = k;
  }
  edges.resize(kept);
  std::vector<int32_t>().swap(slot_of);
  std::vector<uint32_t>().swap(rank);
  std::sort(edges.begin(), edges.end(), [](const EdgeAt& a, const EdgeAt& b) {
    return a.child != b.child ? a.child < b.child : a.parent < b.parent;
  });
  Artifact child, parent;
  LicenseEdgeRow r;
  r.child = &child;
  r.parent = &parent;
  r.fields = &fields;
  auto fill = [&](const Slot& s, Artifact* a) {
    a->id.assign(arena, s.display_at, s.display_len);
    a->kind = static_cast<ArtifactKind>(s.kind);
    a->declared = s.declared;
    const LicenseFields& f = fields[s.fields];
    a->license = f.license;
    a->license_name = f.license_name;
    a->license_link = f.license_link;
  };
  uint32_t child_at = UINT32_MAX, parent_at = UINT32_MAX;
  for (const EdgeAt& e : edges) {
    const Slot& c = slots[e.child];
    const Slot& p = slots[e.parent];
    if (e.child != child_at) {
      fill(c, &child);
      child_at = e.child;
    }
    if (e.parent != parent_at) {
      fill(p, &parent);
      parent_at = e.parent;
    }
    r.edge_row = e.id;
    r.child_row = c.row;
    r.parent_row = p.row;
    r.child_fields = c.fields;
    r.parent_fields = p.fields;
    r.edge.relation = static_cast<Relation>(e.relation);
    r.edge.relation_inferred = e.relation_inferred;
    r.edge.confidence = e.confidence;
    r.edge.inferred = e.inferred;
    fn(r);
  }
  return Status::Ok();
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot scan edges: ") + e.what());
}

Status Store::EvidenceOfEdges(
    const std::vector<int64_t>& edge_rows,
    const std::function<void(size_t, std::vector<Evidence>&&)>& fn) const try {
  std::vector<size_t> order(edge_rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return edge_rows[a] < edge_rows[b]; });
  ReadTxn read(*impl_->db, impl_->txn != nullptr);
  SQLite::Statement ev(*impl_->db, Impl::EvidenceOfEdgeSql());
  for (size_t i : order) fn(i, impl_->LoadEvidence(ev, edge_rows[i]));
  return Status::Ok();
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read the evidence of edges: ") + e.what());
}

Status Store::ScanNodes(const std::function<void(const NodeRow&)>& fn,
                        const std::vector<bool>* only) const try {
  ReadTxn read(*impl_->db, impl_->txn != nullptr);
  // Owners are few: resolve them in memory rather than joining every row,
  // looked up by the row's namespace without copying it.
  StringMap<std::pair<std::string, std::string>> owner;  // ns -> org, country
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
  // A full scan reads every page once: a small page cache, recycled, rather
  // than the store's 256 MiB filled with pages never read again.
  CacheSizeScope small_cache(*impl_->db, kScanCacheKiB);
  SQLite::Statement st(*impl_->db,
                       "SELECT id, display, kind, created_time FROM artifact");
  NodeRow r;
  static const std::pair<std::string, std::string> kNobody;
  // One lookup per row: the namespace's number, and its owner on first sight.
  StringMap<uint32_t> ns_index;
  std::vector<const std::pair<std::string, std::string>*> owner_of;
  std::string folded;
  char created_text[25];
  while (st.executeStep()) {
    r.id = st.getColumn(0).getInt64();
    if (only && (r.id < 0 || static_cast<uint64_t>(r.id) >= only->size() || !(*only)[r.id])) {
      continue;
    }
    SQLite::Column display = st.getColumn(1);
    r.display.assign(static_cast<const char*>(display.getBlob()),
                     static_cast<size_t>(display.getBytes()));
    r.kind = static_cast<ArtifactKind>(st.getColumn(2).getInt());
    // The namespace as its owner writes it, not the case-folded column.
    std::string_view bare(r.display);
    if (bare.rfind("datasets/", 0) == 0) bare.remove_prefix(9);
    size_t slash = bare.find('/');
    r.author = slash == std::string_view::npos ? std::string_view() : bare.substr(0, slash);
    std::string_view ns = StoredNamespace(r.display, &folded);
    auto at = ns_index.find(ns);
    if (at == ns_index.end()) {
      at = ns_index.emplace(std::string(ns), static_cast<uint32_t>(owner_of.size())).first;
      auto it = owner.find(ns);
      owner_of.push_back(it == owner.end() ? &kNobody : &it->second);
    }
    r.namespace_index = at->second;
    r.organization = owner_of[at->second]->first;
    r.country = owner_of[at->second]->second;
    // created_at as the VIRTUAL column spells it, formatted here (schema v13).
    SQLite::Column created = st.getColumn(3);
    if (created.isInteger()) {
      r.created_at = schema::HubTimeText(created.getInt64(), created_text);
    } else {
      r.created_at = std::string_view(static_cast<const char*>(created.getBlob()),
                                      static_cast<size_t>(created.getBytes()));
    }
    fn(r);
  }
  return Status::Ok();
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot scan artifacts: ") + e.what());
}

Status Store::ScanEdges(const std::function<void(const EdgeRow&)>& fn) const try {
  CacheSizeScope small_cache(*impl_->db, kScanCacheKiB);
  SQLite::Statement st(*impl_->db,
                       "SELECT child, parent, relation, confidence, inferred_edge FROM edge");
  while (st.executeStep()) {
    fn(EdgeRow{st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
               static_cast<Relation>(st.getColumn(2).getInt()), st.getColumn(3).getDouble(),
               st.getColumn(4).getInt() != 0});
  }
  return Status::Ok();
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot scan edges: ") + e.what());
}

}  // namespace lineage
