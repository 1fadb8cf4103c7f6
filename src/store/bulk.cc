// The bulk write path: a run that writes many documents into a store that is
// small next to it drops the secondary indexes nothing reads while documents
// are written, and builds them again, in one pass each, before the run
// commits (or before anything that reads them). Index drops and builds are
// part of the run's transaction: a crash or a rollback leaves the store, its
// indexes included, as it was.
#include "store/internal.h"

namespace lineage {

namespace {

// Indexes only reads need (none of them backs a conflict target), and the
// statements of a run that read them call EndBulk first: RemoveOrigin (a
// document read again) and the commit's pending names and cycle check.
constexpr const char* kDeferredIndexes[] = {
    "artifact_name_key", "artifact_namespace", "edge_parent",   "edge_inferred",
    "evidence_origin",   "signal_artifact",    "signal_origin", "signal_kind",
};

// A run goes bulk once it has written this many documents and at least a
// quarter as many as the store held artifacts when it began (checked at each
// document): rebuilding the indexes then costs less than keeping them up to
// date row by row.
constexpr int64_t kBulkAfterDocuments = 10000;

}  // namespace

void Store::Impl::MaybeBeginBulk() {
  if (bulk || bulk_declined) return;
  if (counts.documents < kBulkAfterDocuments) return;
  if (counts.documents * 4 < artifacts_at_begin) return;  // not yet large next to the store
  bulk_indexes.clear();
  for (const char* name : kDeferredIndexes) {
    SQLite::Statement q(*db, "SELECT sql FROM sqlite_master WHERE type='index' AND name=?");
    q.bind(1, name);
    if (!q.executeStep()) continue;
    bulk_indexes.emplace_back(name, ColText(q, 0));
  }
  for (const auto& [name, sql] : bulk_indexes) db->exec("DROP INDEX " + name);
  // Artifacts that already have a record: PutRecord merges only those.
  with_record.assign(static_cast<size_t>(max_artifact_hint()) + 1, false);
  {
    SQLite::Statement q(*db, "SELECT DISTINCT artifact FROM artifact_record_data");
    while (q.executeStep()) NoteRecord(q.getColumn(0).getInt64());
  }
  recorded_keys.clear();
  {
    SQLite::Statement q(*db,
                        "SELECT a.key FROM artifact a WHERE a.id IN (SELECT artifact FROM "
                        "artifact_record_data)");
    while (q.executeStep()) recorded_keys.insert(ColText(q, 0));
  }
  origin_filter.assign(size_t{1} << (kOriginFilterBits - 6), 0);
  {
    SQLite::Statement q(*db, "SELECT name_hash FROM origin_data");
    while (q.executeStep()) NoteOrigin(q.getColumn(0).getInt());
    // The document being applied: its row is written at its end.
    if (pending_origin.id != 0) NoteOrigin(pending_origin.hash);
  }
  bulk = true;
}

int64_t Store::Impl::max_artifact_hint() const {
  return db->execAndGet("SELECT COALESCE(max(id), 0) FROM artifact").getInt64();
}

void Store::Impl::NoteRecord(int64_t artifact) {
  if (artifact < 0) return;
  size_t i = static_cast<size_t>(artifact);
  if (i >= with_record.size()) with_record.resize(std::max(i + 1, with_record.size() * 2), false);
  with_record[i] = true;
}

bool Store::Impl::MayHaveRecord(int64_t artifact) const {
  size_t i = static_cast<size_t>(artifact);
  return !bulk || artifact < 0 || i >= with_record.size() || with_record[i];
}

void Store::Impl::EndBulk() {
  if (!bulk) return;
  bulk = false;
  bulk_declined = true;  // once per run
  for (const auto& [name, sql] : bulk_indexes) db->exec(sql);
  bulk_indexes.clear();
  with_record.clear();
  with_record.shrink_to_fit();
  std::vector<uint64_t>().swap(origin_filter);
  std::unordered_set<std::string>().swap(recorded_keys);
}

void Store::Impl::ResetBulk() {
  bulk = false;
  bulk_declined = false;
  bulk_indexes.clear();
  with_record.clear();
  with_record.shrink_to_fit();
  std::vector<uint64_t>().swap(origin_filter);
  std::unordered_set<std::string>().swap(recorded_keys);
}

void Store::Impl::AddEdgeEvidence(int64_t child, int64_t parent, const std::string& origin,
                                  const std::vector<Evidence>& evidence) {
  if (evidence.empty()) return;
  if (evidence.size() == 1) return AddEvidence(child, parent, origin, evidence.front());
  // The edge shows its strongest evidence (recompute_edge's order:
  // confidence, then declared before inferred, then the first written).
  const Evidence* best = &evidence.front();
  for (const Evidence& ev : evidence) {
    if (ev.confidence > best->confidence ||
        (ev.confidence == best->confidence && !ev.relation_inferred && best->relation_inferred)) {
      best = &ev;
    }
  }
  bool created = false;
  int64_t edge_id = InsertOrFindEdge(child, parent, *best, &created);
  for (const Evidence& ev : evidence) WriteEvidence(edge_id, origin, ev);
  if (!created) Recompute(edge_id);
}

}  // namespace lineage
