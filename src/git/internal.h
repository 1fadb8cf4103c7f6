// Pieces of the git reader shared between its files. Private to src/git/.
#ifndef LINEAGE_GIT_INTERNAL_H_
#define LINEAGE_GIT_INTERNAL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/repo.h"
#include "lineage/git.h"
#include "lineage/store.h"

namespace lineage::git {

// --- Identity (layout.cc) ------------------------------------------------------------
// The Hub id a remote URL names: https://huggingface.co/ORG/NAME(.git), with or
// without user info, hf.co, git@hf.co:ORG/NAME, ssh://git@hf.co/ORG/NAME;
// datasets/ORG/NAME for dataset repos. nullopt for anything else.
std::optional<std::string> HubIdFromRemote(std::string_view url);
// ORG/NAME from the last two folders of `path` (a bare repository's ".git"
// suffix dropped, a path ending in .git read as its working tree); nullopt
// when they do not form a Hub id.
std::optional<std::string> IdFromFolder(const std::string& path);

// --- Metadata files (metadata.cc) ---------------------------------------------------
struct MetaInput {
  std::string id;                                      // the repository's artifact id
  std::string repo_path;                               // for sources: "<repo_path>/README.md"
  std::string commit;                                  // written into every evidence
  std::optional<std::string> readme, config, adapter;  // nullopt: file absent
};

// What one commit's metadata files say.
struct Meta {
  DocumentFacts facts;  // artifact, edges, pending names, diagnostics; no origin/hash
  // The values whose changes the history records.
  std::vector<std::string> card_bases;  // README base_model ids, unique, sorted by key
  std::string relation;                 // of the card's bases, "adapter" or "finetune (inferred)"
  std::string license;                  // "apache-2.0", "other (name)", "" when none
  std::string adapter_base;             // adapter_config base_model_name_or_path as written
  std::string name_or_path;             // config.json _name_or_path as written
};
Meta BuildMeta(const MetaInput& in);

// The licence a LICENSE file's text states, as a Hub licence id ("apache-2.0",
// "llama3.1", ...), or "" when the text is not recognised.
std::string RecognizeLicense(std::string_view text);

// The history entries between two consecutive states, appended to `out`.
void DiffMeta(const Meta& before, const Meta& after, const CommitInfo& commit,
              std::vector<HistoryEntry>* out);

// 64-bit FNV-1a as 16 hex digits: identifies a document's content.
std::string HashHex(std::string_view data);

// --- Reading (reader.cc) -------------------------------------------------------------
// Reads an opened repository at `commit` (already resolved and read), with the
// id already chosen. Never fails: problems are diagnostics in the result.
// Metadata files larger than `max_size` bytes are not read: at the commit
// read each is an error diagnostic, in the history a skipped state.
RepoSnapshot ReadOpened(const Repo& repo, const std::string& path, const CommitInfo& commit,
                        const std::string& id, const std::string& id_source, int64_t max_size);

// The content hash of a repository document: the same commit, id and path
// read by the same version of this reader, under the same size limit, give
// the same facts.
std::string SnapshotHash(const std::string& commit, const std::string& id, const std::string& path,
                         int64_t max_size);

// The id of the repository at `path`: `explicit_id`, else a Hub remote, else
// the folder layout. Sets `how` to "--id", "remote URL" or "folder ORG/NAME".
// InvalidInput, naming the ways to give one, when none works.
Result<std::string> ChooseId(const Repo& repo, const std::string& path,
                             const std::string& explicit_id, std::string* how);

}  // namespace lineage::git

#endif  // LINEAGE_GIT_INTERNAL_H_
