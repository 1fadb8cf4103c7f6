#include "git/repo.h"

#include <dlfcn.h>
#include <git2.h>

#include <algorithm>
#include <ctime>
#include <string_view>
#include <type_traits>
#include <utility>

namespace lineage::git {

namespace {

// libgit2 is loaded when the first repository is opened, not when lineage
// starts: with its fifteen dependent libraries (TLS, SSH, Kerberos, PCRE) it
// would double the start-up of every command, while only repository ingest
// reads git. Every call goes through this table.
#define LINEAGE_GIT_API(X)                                                              \
  X(git_libgit2_init) X(git_libgit2_shutdown) X(git_libgit2_opts) X(git_error_last)     \
  X(git_repository_open_ext) X(git_repository_free) X(git_repository_is_bare)           \
  X(git_repository_is_shallow) X(git_repository_odb) X(git_repository_config_snapshot)  \
  X(git_revparse_single) X(git_object_peel) X(git_object_id) X(git_object_free)         \
  X(git_commit_lookup) X(git_commit_free) X(git_commit_tree_id) X(git_commit_author)    \
  X(git_commit_parentcount) X(git_commit_parent_id) X(git_tree_lookup) X(git_tree_free) \
  X(git_tree_entrycount) X(git_tree_entry_byindex) X(git_tree_entry_bypath)             \
  X(git_tree_entry_free) X(git_tree_entry_name) X(git_tree_entry_type)                  \
  X(git_tree_entry_id) X(git_blob_lookup) X(git_blob_free) X(git_blob_rawcontent)       \
  X(git_blob_rawsize) X(git_odb_free) X(git_odb_read_header) X(git_oid_tostr)           \
  X(git_oid_fromstr) X(git_config_free) X(git_config_iterator_new) X(git_config_next)   \
  X(git_config_iterator_free)

struct GitApi {
  bool loaded = false;
  std::string error;  // why it could not be loaded
#define LINEAGE_GIT_FIELD(name) decltype(&::name) name = nullptr;
  LINEAGE_GIT_API(LINEAGE_GIT_FIELD)
#undef LINEAGE_GIT_FIELD
};

const GitApi& Git() {
  static const GitApi api = [] {
    GitApi a;
    void* lib = ::dlopen(LINEAGE_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = ::dlerror();
      a.error = std::string("cannot load libgit2: ") + (e ? e : LINEAGE_LIBGIT2_SONAME " not found");
      return a;
    }
    bool all = true;
    auto get = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      if (!fn) {
        all = false;
        a.error = std::string("cannot load libgit2: no ") + name;
      }
    };
#define LINEAGE_GIT_LOAD(name) get(a.name, #name);
    LINEAGE_GIT_API(LINEAGE_GIT_LOAD)
#undef LINEAGE_GIT_LOAD
    a.loaded = all;
    return a;
  }();
  return api;
}

template <typename T, void (*GitApi::*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) (Git().*Free)(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, &GitApi::git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, &GitApi::git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, &GitApi::git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, &GitApi::git_tree_free>>;
using EntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, &GitApi::git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, &GitApi::git_blob_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb, &GitApi::git_odb_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config, &GitApi::git_config_free>>;

// Subtrees deeper than this are not followed (a model repo is a few levels deep).
constexpr int kMaxTreeDepth = 64;

// libgit2's negative return and its last error message, as a Status. A
// missing object is reported as `missing`, any other failure as `other`.
Status FromGit(int rc, const std::string& what, Status::Code missing = Status::Code::kNotFound,
               Status::Code other = Status::Code::kCorruption) {
  const git_error* e = Git().git_error_last();
  std::string msg = what + ": " +
                    (e && e->message && *e->message ? std::string(e->message)
                                                    : "libgit2 error " + std::to_string(rc));
  Status::Code code = rc == GIT_ENOTFOUND ? missing : other;
  switch (code) {
    case Status::Code::kNotFound:
      return Status::NotFound(msg);
    case Status::Code::kInvalidInput:
      return Status::InvalidInput(msg);
    case Status::Code::kIoError:
      return Status::IoError(msg);
    default:
      return Status::Corruption(msg);
  }
}

std::string OidHex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  Git().git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

bool ParseOid(const std::string& hex, git_oid* out) {
  return hex.size() == GIT_OID_HEXSZ && Git().git_oid_fromstr(out, hex.c_str()) == 0;
}

std::string IsoUtc(git_time_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Library::Library() {
  if (!Git().loaded) return;
  Git().git_libgit2_init();
  // lineage only reads objects and never runs hooks or filters, so a clone
  // owned by another user (a colleague's folder, a mounted drive) is safe to
  // read; git's ownership check would refuse it.
  Git().git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

Library::~Library() {
  if (Git().loaded) Git().git_libgit2_shutdown();
}

struct Repo::Impl {
  Library library;  // declared first: outlives the handles below
  RepoPtr repo;
  std::string path;

  Result<TreePtr> Tree(const std::string& id) const {
    git_oid oid;
    if (!ParseOid(id, &oid)) return Status::InvalidInput("bad tree id '" + id + "'");
    git_tree* t = nullptr;
    int rc = Git().git_tree_lookup(&t, repo.get(), &oid);
    if (rc < 0) return FromGit(rc, "tree " + id, Status::Code::kCorruption);
    return TreePtr(t);
  }

  void Walk(const git_tree* tree, const std::string& prefix, int depth, std::vector<TreeFile>* out,
            std::vector<std::string>* errors) const {
    size_t n = Git().git_tree_entrycount(tree);
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = Git().git_tree_entry_byindex(tree, i);
      std::string path = prefix + Git().git_tree_entry_name(e);
      git_object_t type = Git().git_tree_entry_type(e);
      if (type == GIT_OBJECT_BLOB) {
        out->push_back({path, OidHex(Git().git_tree_entry_id(e))});
      } else if (type == GIT_OBJECT_TREE) {
        if (depth >= kMaxTreeDepth) {
          errors->push_back(path + "/: folders nested too deeply; not read");
          continue;
        }
        git_tree* sub = nullptr;
        int rc = Git().git_tree_lookup(&sub, repo.get(), Git().git_tree_entry_id(e));
        if (rc < 0) {
          errors->push_back(path + "/: " + FromGit(rc, "cannot read folder").message());
          continue;
        }
        TreePtr guard(sub);
        Walk(sub, path + "/", depth + 1, out, errors);
      }
      // GIT_OBJECT_COMMIT is a submodule: another repository, not read.
    }
  }
};

Repo::Repo(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Repo::~Repo() = default;

Result<std::unique_ptr<Repo>> Repo::Open(const std::string& path) {
  if (!Git().loaded) return Status::IoError(Git().error);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  git_repository* r = nullptr;
  int rc = Git().git_repository_open_ext(&r, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc < 0) {
    return FromGit(rc, "'" + path + "' is not a readable git repository", Status::Code::kNotFound,
                   Status::Code::kCorruption);
  }
  impl->repo.reset(r);
  return std::unique_ptr<Repo>(new Repo(std::move(impl)));
}

bool Repo::bare() const { return Git().git_repository_is_bare(impl_->repo.get()) == 1; }

bool Repo::shallow() const { return Git().git_repository_is_shallow(impl_->repo.get()) == 1; }

Result<std::string> Repo::Resolve(const std::string& rev) const {
  std::string spec = rev.empty() ? "HEAD" : rev;
  git_object* obj = nullptr;
  int rc = Git().git_revparse_single(&obj, impl_->repo.get(), spec.c_str());
  if (rc < 0) {
    return FromGit(rc, rev.empty() ? "HEAD names no commit" : "revision '" + rev + "' not found",
                   Status::Code::kNotFound, Status::Code::kInvalidInput);
  }
  ObjectPtr guard(obj);
  git_object* peeled = nullptr;
  rc = Git().git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
  if (rc < 0) return FromGit(rc, "'" + spec + "' does not name a commit");
  ObjectPtr peeled_guard(peeled);
  return OidHex(Git().git_object_id(peeled));
}

Result<CommitInfo> Repo::ReadCommit(const std::string& id) const {
  git_oid oid;
  if (!ParseOid(id, &oid)) return Status::InvalidInput("bad commit id '" + id + "'");
  git_commit* c = nullptr;
  int rc = Git().git_commit_lookup(&c, impl_->repo.get(), &oid);
  if (rc < 0) return FromGit(rc, "commit " + id);
  CommitPtr guard(c);
  CommitInfo info;
  info.id = id;
  info.tree = OidHex(Git().git_commit_tree_id(c));
  if (const git_signature* a = Git().git_commit_author(c)) {
    info.date = IsoUtc(a->when.time);
    std::string name = a->name ? a->name : "";
    std::string email = a->email ? a->email : "";
    info.author = email.empty() ? name : name + " <" + email + ">";
  }
  if (Git().git_commit_parentcount(c) > 0) info.first_parent = OidHex(Git().git_commit_parent_id(c, 0));
  return info;
}

Result<std::string> Repo::BlobAt(const std::string& tree, const std::string& path) const {
  auto t = impl_->Tree(tree);
  if (!t.ok()) return t.status();
  git_tree_entry* e = nullptr;
  int rc = Git().git_tree_entry_bypath(&e, t->get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::string();
  if (rc < 0) return FromGit(rc, path, Status::Code::kCorruption);
  EntryPtr guard(e);
  if (Git().git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::string();
  return OidHex(Git().git_tree_entry_id(e));
}

Result<std::string> Repo::ReadBlob(const std::string& blob) const {
  git_oid oid;
  if (!ParseOid(blob, &oid)) return Status::InvalidInput("bad blob id '" + blob + "'");
  git_blob* b = nullptr;
  int rc = Git().git_blob_lookup(&b, impl_->repo.get(), &oid);
  if (rc < 0) return FromGit(rc, "object " + blob, Status::Code::kCorruption);
  BlobPtr guard(b);
  const char* data = static_cast<const char*>(Git().git_blob_rawcontent(b));
  return std::string(data, static_cast<size_t>(Git().git_blob_rawsize(b)));
}

Result<int64_t> Repo::BlobSize(const std::string& blob) const {
  git_oid oid;
  if (!ParseOid(blob, &oid)) return Status::InvalidInput("bad blob id '" + blob + "'");
  git_odb* odb = nullptr;
  int rc = Git().git_repository_odb(&odb, impl_->repo.get());
  if (rc < 0) return FromGit(rc, "object database", Status::Code::kCorruption);
  OdbPtr guard(odb);
  size_t len = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  rc = Git().git_odb_read_header(&len, &type, odb, &oid);
  if (rc < 0) return FromGit(rc, "object " + blob, Status::Code::kCorruption);
  return static_cast<int64_t>(len);
}

Result<std::vector<TreeFile>> Repo::ListFiles(const std::string& tree,
                                              std::vector<std::string>* errors) const {
  auto t = impl_->Tree(tree);
  if (!t.ok()) return t.status();
  std::vector<TreeFile> out;
  impl_->Walk(t->get(), "", 0, &out, errors);
  std::sort(out.begin(), out.end(),
            [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; });
  return out;
}

std::vector<std::string> Repo::RemoteUrls() const {
  // Read "remote.<name>.url" from the configuration directly: libgit2 1.5's
  // git_remote_list/git_remote_lookup match config keys with a regex that
  // leaks its match data (libgit2 PR #6382), which fails sanitizer builds.
  std::vector<std::pair<std::string, std::string>> remotes;  // name, url
  git_config* cfg = nullptr;
  if (Git().git_repository_config_snapshot(&cfg, impl_->repo.get()) < 0) return {};
  ConfigPtr cfg_guard(cfg);
  git_config_iterator* it = nullptr;
  if (Git().git_config_iterator_new(&it, cfg) < 0) return {};
  git_config_entry* entry = nullptr;
  while (Git().git_config_next(&entry, it) == 0) {
    std::string name = entry->name ? entry->name : "";
    constexpr std::string_view kPrefix = "remote.", kSuffix = ".url";
    if (name.size() > kPrefix.size() + kSuffix.size() && name.rfind(kPrefix, 0) == 0 &&
        name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0 && entry->value) {
      remotes.emplace_back(
          name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size()), entry->value);
    }
  }
  Git().git_config_iterator_free(it);
  std::stable_sort(remotes.begin(), remotes.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.first != "origin", a.first) <
           std::make_pair(b.first != "origin", b.first);
  });
  std::vector<std::string> out;
  for (auto& r : remotes) out.push_back(std::move(r.second));
  return out;
}

}  // namespace lineage::git
