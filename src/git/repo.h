// The one place that talks to libgit2. Private to the git module: every
// libgit2 return code and git_error_last() message becomes a Status here.
#ifndef LINEAGE_GIT_REPO_H_
#define LINEAGE_GIT_REPO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lineage/status.h"

namespace lineage::git {

// Keeps libgit2 initialised while alive (libgit2 counts init/shutdown pairs).
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

struct CommitInfo {
  std::string id;            // 40 hex digits
  std::string tree;          // tree id
  std::string date;          // author date, ISO 8601 UTC ("2024-03-01T12:00:00Z")
  std::string author;        // "Name <email>"
  std::string first_parent;  // "" for a root commit
};

struct TreeFile {
  std::string path;  // "dir/name", '/'-separated
  std::string blob;  // blob id
};

class Repo {
 public:
  // Opens the repository at exactly `path` (a working tree holding .git, or a
  // bare repository); never searches parent folders. NotFound when `path` is
  // not a repository, IoError/Corruption when it cannot be opened.
  static Result<std::unique_ptr<Repo>> Open(const std::string& path);
  ~Repo();
  Repo(const Repo&) = delete;
  Repo& operator=(const Repo&) = delete;

  bool bare() const;
  bool shallow() const;

  // The commit `rev` names (a branch, tag, commit id or any rev-parse
  // expression; "" means HEAD). NotFound when it names nothing.
  Result<std::string> Resolve(const std::string& rev) const;
  // NotFound when the commit object is missing, Corruption when unreadable.
  Result<CommitInfo> ReadCommit(const std::string& id) const;
  // The blob id of `path` in `tree`: "" when there is no such file, an error
  // when the tree (or a subtree on the way) cannot be read.
  Result<std::string> BlobAt(const std::string& tree, const std::string& path) const;
  // The content of a blob. Corruption when the object is missing or damaged.
  Result<std::string> ReadBlob(const std::string& blob) const;
  // The size of a blob without inflating it all.
  Result<int64_t> BlobSize(const std::string& blob) const;
  // Every file of `tree`, recursively, sorted by path. Subtrees that cannot be
  // read are skipped and named in `errors` ("path/: message").
  Result<std::vector<TreeFile>> ListFiles(const std::string& tree,
                                          std::vector<std::string>* errors) const;
  // The fetch URLs of the repository's remotes, "origin" first, then by name.
  std::vector<std::string> RemoteUrls() const;

 private:
  struct Impl;
  explicit Repo(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lineage::git

#endif  // LINEAGE_GIT_REPO_H_
