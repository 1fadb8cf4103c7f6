// Ingest of git repositories into the store, and the weight-identity edges
// between repositories (found through the stored LFS oids, so repositories
// ingested in different runs are compared too).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>

#include "git/internal.h"

namespace lineage {

namespace {

constexpr double kIdenticalConfidence = 0.99;
// Partial overlaps get 0.5 .. 0.9 by shared fraction: below a copy, and below
// declared metadata unless nearly all weights are shared.
constexpr double kPartialBase = 0.5;
constexpr double kPartialSpan = 0.4;
constexpr size_t kFilesInDetail = 5;

std::string Short(const std::string& commit) { return commit.substr(0, 12); }

std::string CleanPath(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// The weight-identity edge between the repository `me` and `other`, as the
// document "lfs:<key>|<key>" (the two ids in key order). No overlap gives an
// empty document, which retracts what an earlier run said.
DocumentFacts PairFacts(const RepoRecord& me, const std::string& other, const LfsOverlap* ov) {
  std::string a = IdKey(me.id), b = IdKey(other);
  DocumentFacts f;
  f.origin = "lfs:" + std::min(a, b) + "|" + std::max(a, b);
  if (!ov || ov->shared == 0) {
    f.content_hash = "none";
    return f;
  }
  // The repository created later is the one that copied.
  bool me_child = me.first_commit_date != ov->first_commit_date
                      ? me.first_commit_date > ov->first_commit_date
                      : a > b;
  const std::string& child = me_child ? me.id : ov->id;
  const std::string& parent = me_child ? ov->id : me.id;
  const std::string& child_path = me_child ? me.path : ov->path;
  const std::string& child_commit = me_child ? me.commit : ov->commit;
  const std::string& parent_path = me_child ? ov->path : me.path;
  const std::string& parent_commit = me_child ? ov->commit : me.commit;
  int64_t child_n = me_child ? ov->mine : ov->theirs;
  int64_t parent_n = me_child ? ov->theirs : ov->mine;
  bool identical = ov->shared == ov->mine && ov->shared == ov->theirs;
  double fraction = static_cast<double>(ov->shared) /
                    static_cast<double>(std::max<int64_t>(1, ov->mine + ov->theirs - ov->shared));

  std::string files;
  for (size_t i = 0; i < ov->files.size() && i < kFilesInDetail; ++i) {
    const auto& file = ov->files[i];
    files += (i ? ", " : "") + (me_child ? file.mine_path : file.theirs_path) + " (" +
             file.oid.substr(0, 7 + 12) + ")";
  }
  if (ov->files.size() > kFilesInDetail) {
    files += " and " + std::to_string(ov->files.size() - kFilesInDetail) + " more";
  }
  std::string there = parent_path + " @ " + Short(parent_commit);
  Evidence ev;
  ev.source = child_path;
  ev.commit = child_commit;
  if (identical) {
    ev.kind = "lfs.identical";
    ev.relation = Relation::kCopy;
    ev.confidence = kIdenticalConfidence;
    ev.detail =
        "all " + std::to_string(ov->shared) + " weight files identical to " + there + ": " + files;
  } else {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", fraction);
    ev.kind = "lfs.partial";
    ev.relation = Relation::kComponent;
    ev.relation_inferred = true;
    ev.confidence = std::round((kPartialBase + kPartialSpan * fraction) * 100) / 100;
    ev.detail = std::string("shared fraction ") + buf + ": " + std::to_string(ov->shared) +
                " weight files identical to " + there + " (" + std::to_string(child_n) + " here, " +
                std::to_string(parent_n) + " there): " + files;
  }
  Edge e;
  e.child = child;
  e.parent = parent;
  e.relation = ev.relation;
  e.relation_inferred = ev.relation_inferred;
  e.confidence = ev.confidence;
  f.content_hash = git::HashHex(child + "\n" + parent + "\n" + ev.kind + "\n" + ev.source + "\n" +
                                ev.commit + "\n" + ev.detail);
  e.evidence.push_back(std::move(ev));
  f.edges.push_back(std::move(e));
  return f;
}

class GitIngest {
 public:
  GitIngest(Store& store, const GitReadOptions& options) : store_(store), options_(options) {}

  Status One(const std::string& path, bool single) {
    // Problems that stop a repository from being read at all belong to its
    // path, not its id (which may be unknown); a later good read clears them.
    std::string path_origin = "gitpath:" + path;
    auto fail = [&](const char* code, const std::string& message) {
      ++counts_.unreadable;
      DocumentFacts f;
      f.origin = path_origin;
      f.content_hash = git::HashHex(std::string(code) + "\n" + message);
      f.diagnostics.push_back(Diagnostic{path, 0, "error", code, message});
      return store_.ApplyDocument(f);
    };
    auto repo = git::Repo::Open(path);
    if (!repo.ok()) return fail("git_open", repo.status().message());
    auto commit_id = (*repo)->Resolve(options_.rev);
    if (!commit_id.ok()) {
      if (single && !options_.rev.empty()) {
        return Status::InvalidInput(path + ": " + commit_id.status().message());
      }
      return fail("git_revision", commit_id.status().message() + "; nothing read");
    }
    auto commit = (*repo)->ReadCommit(*commit_id);
    if (!commit.ok()) {
      return fail("git_object", "cannot read commit " + *commit_id + ": " +
                                    commit.status().message() + "; nothing read");
    }
    std::string how;
    auto id = git::ChooseId(**repo, path, options_.id, &how);
    if (!id.ok()) {
      if (single) return id.status();
      return fail("git_id", id.status().message());
    }
    if (!store_.DocumentUnchanged(path_origin, "ok")) {
      DocumentFacts clear;
      clear.origin = path_origin;
      clear.content_hash = "ok";
      Status st = store_.ApplyDocument(clear);
      if (!st.ok()) return st;
    }
    std::string key = IdKey(*id);
    auto [seen, added] = read_.emplace(key, path);
    if (added && store_.DocumentUnchanged("git:" + key, git::SnapshotHash(commit->id, *id, path,
                                                                          options_.max_document_size))) {
      ++counts_.unchanged;
      return Status::Ok();
    }
    RepoSnapshot snap;
    try {
      snap = git::ReadOpened(**repo, path, *commit, *id, how, options_.max_document_size);
    } catch (const std::exception& e) {
      // A last guard: whatever one repository holds, the others still land.
      return fail("git_read", std::string("cannot read the repository: ") + e.what());
    }
    if (!added) {
      snap.facts.diagnostics.push_back(Diagnostic{path, 0, "warning", "duplicate_repository",
                                                  "this is also the repository of '" + *id +
                                                      "' (read from " + seen->second +
                                                      "); the one read last replaces the other"});
    }
    auto before_read = store_.LfsOverlaps(*id);
    if (!before_read.ok()) return before_read.status();
    std::vector<LfsOverlap> before = std::move(before_read.value());
    Status st = store_.ApplyDocument(snap.facts);
    if (st.ok()) st = store_.PutRepository(snap.record);
    if (!st.ok()) return st;
    auto after_read = store_.LfsOverlaps(*id);
    if (!after_read.ok()) return after_read.status();
    std::vector<LfsOverlap> after = std::move(after_read.value());
    std::map<std::string, std::pair<std::string, const LfsOverlap*>> partners;
    for (const LfsOverlap& o : before) partners[IdKey(o.id)] = {o.id, nullptr};
    for (const LfsOverlap& o : after) partners[IdKey(o.id)] = {o.id, &o};
    for (const auto& [k, partner] : partners) {
      st = store_.ApplyDocument(PairFacts(snap.record, partner.first, partner.second));
      if (!st.ok()) return st;
    }
    ++counts_.repositories;
    return Status::Ok();
  }

  Status NoneFound(const std::string& path) {
    DocumentFacts f;
    f.origin = "gitpath:" + path;
    f.content_hash = "none";
    f.diagnostics.push_back(
        Diagnostic{path, 0, "warning", "empty",
                   "no git repositories found (expected a repository, or ROOT/NAME or "
                   "ROOT/NAMESPACE/NAME repositories below it)"});
    return store_.ApplyDocument(f);
  }

  const GitIngestCounts& counts() const { return counts_; }

 private:
  Store& store_;
  const GitReadOptions& options_;
  GitIngestCounts counts_;
  std::map<std::string, std::string> read_;  // id key -> path, in this run
};

}  // namespace

Result<GitIngestCounts> IngestGit(Store& store, const std::string& path,
                                  const GitReadOptions& options) {
  git::Library library;
  std::string root = CleanPath(path);
  bool single = IsGitRepository(root);
  std::vector<std::string> repos =
      single ? std::vector<std::string>{root} : FindGitRepositories(root);
  if (!single && !options.id.empty()) {
    return Status::InvalidInput("--id names one repository, but '" + path + "' is a folder of " +
                                std::to_string(repos.size()) + " repositories");
  }
  GitIngest ingest(store, options);
  if (repos.empty()) {
    Status st = ingest.NoneFound(root);
    if (!st.ok()) return st;
  }
  for (const std::string& repo : repos) {
    Status st = ingest.One(CleanPath(repo), single);
    if (!st.ok()) return st;
  }
  return ingest.counts();
}

}  // namespace lineage
