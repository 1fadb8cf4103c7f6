// Value types of model repositories read from git (docs/git.md): LFS weight
// pointers, lineage metadata history, and what the store keeps of each
// repository. Plain values, shared by the git reader (lineage/git.h) and the
// store (lineage/store.h), which includes this header.
#ifndef LINEAGE_GIT_TYPES_H_
#define LINEAGE_GIT_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lineage/artifact.h"

namespace lineage {

// The Git LFS pointer of a weight file: the sha256 that identifies its content.
struct LfsObject {
  std::string path;  // in the repository, '/'-separated
  std::string oid;   // "sha256:<64 hex digits>"
  int64_t size = 0;
};

// One change of a repository's lineage metadata, read from its history.
struct HistoryEntry {
  std::string id;      // the repository's artifact (display id; filled by queries)
  std::string commit;  // full commit id
  std::string date;    // author date, ISO 8601 UTC
  std::string author;  // "Name <email>"
  std::string file;    // README.md, config.json or adapter_config.json
  std::string field;   // base_model, relation, license or name_or_path
  std::string old_value, new_value;  // "" when absent; several bases joined by ", "
  // "" or a finding: base_model_removed, base_model_replaced, license_changed,
  // license_removed.
  std::string finding;
};

// The parents a repository declared from one commit on, until its next state.
struct RepoState {
  std::string commit;
  std::string date;           // author date, ISO 8601 UTC
  std::vector<Edge> parents;  // child is the repository; evidence from that commit
};

// What the store keeps about one ingested repository (Store::PutRepository).
struct RepoRecord {
  std::string origin;  // the repository's document origin ("git:<id key>")
  std::string id;      // its artifact
  std::string path;    // where it was read
  std::string commit;  // the commit read
  std::string commit_date;
  std::string first_commit_date;  // of the oldest commit reached
  bool history_complete = false;  // false: the walk stopped early (shallow, missing commit)
  std::vector<LfsObject> lfs;          // weight files at `commit`
  std::vector<HistoryEntry> history;   // oldest first
  std::vector<RepoState> states;       // oldest first
};

// The weight files two stored repositories have in common.
struct LfsOverlap {
  std::string id;  // the other repository's artifact
  std::string path, commit, first_commit_date;  // the other repository, as stored
  int64_t shared = 0;  // distinct oids both hold
  int64_t mine = 0;    // distinct oids of the repository asked about
  int64_t theirs = 0;  // distinct oids of the other one
  struct File {
    std::string oid, mine_path, theirs_path;
    int64_t size = 0;
  };
  std::vector<File> files;  // the shared ones, sorted by mine_path
};

}  // namespace lineage

#endif  // LINEAGE_GIT_TYPES_H_
