// Popularity (downloads, likes, lastModified) as Hub records give it, merged
// at read time by the records' precedence (store/records.cc): the owner's
// card or repository, then a Hub record, then any other document; among
// equals the fuller record, then the newer. The counts travel together, from
// the first record that has any of them.
#include "store/internal.h"

namespace lineage {

namespace {

constexpr const char* kPopularitySelect =
    "SELECT artifact, downloads, downloads_all_time, likes, last_modified, origin "
    "FROM artifact_record "
    "WHERE (downloads >= 0 OR downloads_all_time >= 0 OR likes >= 0 OR last_modified <> '') ";

// The records' precedence; fullness counts the attributes records.cc counts.
constexpr const char* kPrecedence =
    "rank DESC, (license <> '') + (license_name <> '') + (license_link <> '') + "
    "(pipeline_tag <> '') + (library_name <> '') + (created_at <> '') + (new_version <> '') + "
    "(tags <> '') + (languages <> '') DESC, seq DESC";

Popularity RowToPopularity(SQLite::Statement& q) {
  Popularity p;
  p.artifact = q.getColumn(0).getInt64();
  p.downloads = q.getColumn(1).getInt64();
  p.downloads_all_time = q.getColumn(2).getInt64();
  p.likes = q.getColumn(3).getInt64();
  p.last_modified = ColText(q, 4);
  p.origin = ColText(q, 5);
  return p;
}

}  // namespace

void Store::Impl::FillPopularity(int64_t artifact, Artifact* a) const {
  SQLite::Statement q(*db, std::string(kPopularitySelect) + "AND artifact=? ORDER BY " +
                               kPrecedence + " LIMIT 1");
  q.bind(1, artifact);
  if (!q.executeStep()) return;
  Popularity p = RowToPopularity(q);
  a->downloads = p.downloads;
  a->downloads_all_time = p.downloads_all_time;
  a->likes = p.likes;
  a->last_modified = p.last_modified;
}

Result<std::vector<Popularity>> Store::ScanPopularity() const {
  try {
    ReadTxn txn(*impl_->db, impl_->txn != nullptr);
    SQLite::Statement q(*impl_->db,
                        std::string(kPopularitySelect) + "ORDER BY artifact, " + kPrecedence);
    std::vector<Popularity> out;
    while (q.executeStep()) {
      int64_t artifact = q.getColumn(0).getInt64();
      if (!out.empty() && out.back().artifact == artifact) continue;
      out.push_back(RowToPopularity(q));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

}  // namespace lineage
