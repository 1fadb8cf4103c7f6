// Records of one artifact from several documents, merged field by field.
//
// Precedence (README, "Records merge, never erase"): the owner's own card or
// repository, then a Hub record, then any other document; among equals the
// fuller record, then the newer one. Each attribute comes from the first
// record in that order that has it; the licence fields travel together.
#include "store/internal.h"

namespace lineage {

namespace {

int RankOf(const std::string& origin) {
  if (origin.rfind("card:", 0) == 0 || origin.rfind("git:", 0) == 0) return 3;
  if (origin.rfind("hub:", 0) == 0) return 2;
  return 1;
}

struct Record {
  std::string origin;
  int rank = 0;
  int64_t seq = 0;
  std::string license, license_name, license_link, pipeline_tag, library_name, created_at,
      source, new_version, tags, languages;
  int Fullness() const {
    int n = 0;
    for (const std::string* f : {&license, &license_name, &license_link, &pipeline_tag,
                                 &library_name, &created_at, &new_version, &tags, &languages}) {
      n += !f->empty();
    }
    return n;
  }
};

std::string Shown(const Record& r) { return r.source.empty() ? r.origin : r.source; }

}  // namespace

void Store::Impl::PutRecord(int64_t artifact, const Artifact& a, const std::string& origin) {
  if (!put_record) {
    put_record = std::make_unique<SQLite::Statement>(
        *db,
        "INSERT OR REPLACE INTO artifact_record_data(artifact, origin, rank, seq, license, "
        "license_name, license_link, pipeline_tag, library_name, created_at, source, "
        "new_version, tags, languages, downloads, downloads_all_time, likes, last_modified) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17, "
        LINEAGE_LAST_MODIFIED_CODE ")");
    count_records = std::make_unique<SQLite::Statement>(
        *db, "SELECT count(*) FROM artifact_record_data WHERE artifact=? AND origin<>?");
  }
  int64_t origin_id = Origin(origin).id;
  // While bulk, an artifact's first record needs no count.
  int64_t others = 0;
  if (MayHaveRecord(artifact)) {
    auto& c = *count_records;
    c.reset();
    c.bind(1, artifact);
    c.bind(2, origin_id);
    others = c.executeStep() ? c.getColumn(0).getInt64() : 0;
    c.reset();
  }
  NoteRecord(artifact);
  auto& st = *put_record;
  st.reset();
  st.bind(1, artifact);
  st.bind(2, origin_id);
  st.bind(3, RankOf(origin));
  st.bind(4, NextSeq());
  // An only record is the artifact row's attributes (UpsertDeclared wrote
  // them): it stores none (NULL) and the artifact_record view reads them from
  // the artifact until a second record makes MaterializeRecords copy them.
  if (others > 0) {
    st.bind(5, a.license);
    st.bind(6, a.license_name);
    st.bind(7, a.license_link);
    st.bind(8, a.pipeline_tag);
    st.bind(9, a.library_name);
    st.bind(10, a.created_at);
    st.bind(11, a.source);
    st.bind(12, a.new_version);
    st.bind(13, JoinLines(a.tags));
    st.bind(14, JoinLines(a.languages));
  } else {
    for (int i = 5; i <= 14; ++i) st.bind(i);
  }
  st.bind(15, a.downloads);
  st.bind(16, a.downloads_all_time);
  st.bind(17, a.likes);
  st.bind(18, a.last_modified);
  st.exec();
  if (others > 0) MergeRecords(artifact);
}

void Store::Impl::MaterializeRecords(const Artifact& declared) {
  const std::string* renamed = RenamedTo(IdKey(declared.id));
  std::string key = renamed ? IdKey(*renamed) : IdKey(declared.id);
  int64_t id = 0;
  if (const int64_t* known = id_cache.Find(key)) {
    id = *known;
  } else if (bulk && id_cache_complete && !recorded_keys.count(key)) {
    // Every artifact the run wrote is in id_cache, and this one had no
    // record when the bulk phase began: it has none to copy.
    return;
  } else {
    auto& sel = *select_artifact_id;
    sel.reset();
    sel.bind(1, key);
    if (sel.executeStep()) id = sel.getColumn(0).getInt64();
    sel.reset();
    if (id == 0) return;
  }
  if (!MayHaveRecord(id)) return;
  if (!materialize_records) {
    materialize_records = std::make_unique<SQLite::Statement>(
        *db,
        "UPDATE artifact_record_data SET (license, license_name, license_link, pipeline_tag, "
        "library_name, created_at, source, new_version, tags, languages) = (SELECT "
        "COALESCE(a.license, ''), COALESCE(a.license_name, ''), COALESCE(a.license_link, ''), "
        "COALESCE(a.pipeline_tag, ''), COALESCE(a.library_name, ''), "
        "COALESCE(a.created_at, ''), " LINEAGE_ARTIFACT_SOURCE ", "
        "COALESCE(a.new_version, ''), COALESCE(a.tags, ''), COALESCE(a.languages, '') "
        "FROM artifact a WHERE a.id = ?1) "
        "WHERE artifact = ?1 AND license IS NULL");
  }
  auto& up = *materialize_records;
  up.reset();
  up.bind(1, id);
  up.exec();
}

void Store::Impl::MergeRecords(int64_t artifact) {
  FlushPendingOrigin();  // the artifact_record view names records' origins
  std::vector<Record> records;
  {
    SQLite::Statement q(*db,
                        "SELECT origin, rank, seq, license, license_name, license_link, "
                        "pipeline_tag, library_name, created_at, source, new_version, tags, "
                        "languages FROM artifact_record WHERE artifact=?");
    q.bind(1, artifact);
    while (q.executeStep()) {
      Record r;
      r.origin = ColText(q, 0);
      r.rank = q.getColumn(1).getInt();
      r.seq = q.getColumn(2).getInt64();
      r.license = ColText(q, 3);
      r.license_name = ColText(q, 4);
      r.license_link = ColText(q, 5);
      r.pipeline_tag = ColText(q, 6);
      r.library_name = ColText(q, 7);
      r.created_at = ColText(q, 8);
      r.source = ColText(q, 9);
      r.new_version = ColText(q, 10);
      r.tags = ColText(q, 11);
      r.languages = ColText(q, 12);
      records.push_back(std::move(r));
    }
  }
  std::string display;
  {
    SQLite::Statement q(*db, "SELECT display FROM artifact WHERE id=?");
    q.bind(1, artifact);
    if (q.executeStep()) display = ColText(q, 0);
  }
  std::string conflict_origin = "conflict:" + IdKey(display);
  {
    SQLite::Statement del(*db, "DELETE FROM diagnostic WHERE origin=?");
    del.bind(1, conflict_origin);
    del.exec();
  }
  if (records.empty()) return;
  std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    int fa = a.Fullness(), fb = b.Fullness();
    if (fa != fb) return fa > fb;
    return a.seq > b.seq;
  });
  Record m;
  const Record& best = records.front();
  m.origin = best.origin;
  m.source = best.source;
  const Record* license_from = nullptr;
  for (const Record& r : records) {
    if (!license_from && (!r.license.empty() || !r.license_name.empty())) license_from = &r;
    auto take = [](std::string& into, const std::string& v) {
      if (into.empty()) into = v;
    };
    take(m.pipeline_tag, r.pipeline_tag);
    take(m.library_name, r.library_name);
    take(m.created_at, r.created_at);
    take(m.new_version, r.new_version);
    take(m.tags, r.tags);
    take(m.languages, r.languages);
  }
  if (license_from) {
    m.license = license_from->license;
    m.license_name = license_from->license_name;
    m.license_link = license_from->license_link;
  }
  // A value another record contradicts is kept from the better record and
  // reported with both sources.
  std::set<std::string> reported;
  auto report = [&](const char* field, const std::string& kept, const Record& kept_from,
                    const std::string& other, const Record& other_from) {
    if (!reported.insert(std::string(field) + '\n' + other + '\n' + Shown(other_from)).second) return;
    Diagnostic d{Shown(other_from), 0, "warning", "conflict",
                 display + ": " + field + " '" + other + "' here differs from '" + kept +
                     "' in " + Shown(kept_from) + "; kept '" + kept + "'"};
    AddDiagnostic(conflict_origin, d);
  };
  // `license: other` with a `license_name` names the same licence as that
  // name written directly (a catalogue id such as glm-4).
  auto licence_key = [](const Record& x) {
    std::string l = IdKey(x.license);
    return (l.empty() || l == "other") && !x.license_name.empty() ? IdKey(x.license_name) : l;
  };
  auto show = [](const Record& x) {
    if (x.license.empty()) return x.license_name;
    return x.license_name.empty() ? x.license : x.license + " (" + x.license_name + ")";
  };
  for (const Record& r : records) {
    if (!license_from || &r == license_from) continue;
    if ((!r.license.empty() || !r.license_name.empty()) &&
        licence_key(r) != licence_key(*license_from)) {
      report("licence", show(*license_from), *license_from, show(r), r);
    }
  }
  for (const Record& r : records) {
    if (r.created_at.empty() || m.created_at.empty()) continue;
    // "2023-07" and "2023-07-18" agree: the shorter date only says less.
    std::string a = r.created_at.substr(0, 10), b = m.created_at.substr(0, 10);
    if (a.size() > b.size()) std::swap(a, b);
    if (b.compare(0, a.size(), a) == 0) continue;
    const Record* from = nullptr;
    for (const Record& x : records) {
      if (x.created_at == m.created_at) {
        from = &x;
        break;
      }
    }
    if (from && from != &r) report("creation date", m.created_at, *from, r.created_at, r);
  }
  SQLite::Statement up(*db,
                       "UPDATE artifact SET declared=1, origin=?, license_code=?, license_name=?, "
                       "license_link=?, pipeline_code=?, library_code=?, created_time=?, source=?, "
                       "new_version=?, tags=?, languages=? WHERE id=?");
  auto bind_opt = [&up](int i, const std::string& v) { Impl::BindOptional(up, i, v); };
  const OriginRef& o = Origin(m.origin);
  up.bind(1, o.id);
  Impl::BindCode(up, 2, m.license, schema::kLicenseCodes);
  bind_opt(3, m.license_name);
  bind_opt(4, m.license_link);
  Impl::BindCode(up, 5, m.pipeline_tag, schema::kPipelineCodes);
  Impl::BindCode(up, 6, m.library_name, schema::kLibraryCodes);
  Impl::BindTime(up, 7, m.created_at);
  BindSource(up, 8, m.source, o);
  bind_opt(9, m.new_version);
  bind_opt(10, m.tags);
  bind_opt(11, m.languages);
  up.bind(12, artifact);
  up.exec();
}

// The record of document `origin` on the artifact it declared (its only one).
void Store::Impl::RemoveRecords(int64_t origin, int64_t artifact) {
  std::vector<int64_t> artifacts;
  {
    SQLite::Statement q(
        *db, "DELETE FROM artifact_record_data WHERE artifact=? AND origin=? RETURNING artifact");
    q.bind(1, artifact);
    q.bind(2, origin);
    while (q.executeStep()) artifacts.push_back(q.getColumn(0).getInt64());
  }
  for (int64_t a : artifacts) MergeRecords(a);
}

}  // namespace lineage
