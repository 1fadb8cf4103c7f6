// Reads one repository: the files at the chosen commit, then the first-parent
// history of the metadata files.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "git/internal.h"
#include "lineage/gguf.h"
#include "lineage/infer.h"
#include "lineage/ingest.h"

namespace lineage {

namespace git {

namespace {

constexpr const char* kMetaFiles[] = {"README.md", "config.json", "adapter_config.json"};
// LFS pointers are under 1024 bytes by the spec; anything larger is content.
constexpr int64_t kMaxPointerSize = 1024;
constexpr int64_t kMaxLicenseSize = 512 * 1024;
// A model repository has at most a few thousand commits; past this the walk stops.
constexpr int kMaxHistory = 200000;

std::string Short(const std::string& commit) { return commit.substr(0, 12); }

Diagnostic Diag(const std::string& source, int line, const char* severity, const char* code,
                std::string message) {
  return Diagnostic{source, line, severity, code, std::move(message)};
}

// The metadata files of one commit. Returns false when one that exists cannot
// be read; `error` then names it.
std::string TooLarge(int64_t size, int64_t cap) {
  return std::to_string(size) + " bytes, over the limit of " + std::to_string(cap) +
         " per document; not read (raise it with ingest --max-document-size BYTES)";
}

bool ReadMetaFiles(const Repo& repo, const CommitInfo& c, const std::string& path, int64_t max_size,
                   MetaInput* in, std::array<std::string, 3>* blobs, std::string* error) {
  std::optional<std::string>* slots[] = {&in->readme, &in->config, &in->adapter};
  for (int i = 0; i < 3; ++i) {
    auto blob = repo.BlobAt(c.tree, kMetaFiles[i]);
    if (!blob.ok()) {
      *error = path + "/" + kMetaFiles[i] + ": " + blob.status().message();
      return false;
    }
    (*blobs)[i] = *blob;
    if (blob->empty()) continue;
    auto size = repo.BlobSize(*blob);
    if (size.ok() && *size > max_size) {
      *error = path + "/" + kMetaFiles[i] + ": " + TooLarge(*size, max_size);
      return false;
    }
    auto text = repo.ReadBlob(*blob);
    if (!text.ok()) {
      *error = path + "/" + kMetaFiles[i] + ": " + text.status().message();
      return false;
    }
    *slots[i] = std::move(text.value());
  }
  return true;
}

bool IsGgufFile(const std::string& file) {
  if (file.size() < 5) return false;
  std::string ext = file.substr(file.size() - 5);
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return ext == ".gguf";
}

// Where a .gguf file's bytes are at the commit read.
struct GgufPlace {
  int64_t size = 0;                   // the file's size (an LFS pointer's `size`)
  bool in_blob = false;               // the commit holds the content, not an LFS pointer
  const std::string* text = nullptr;  // the blob's content when already read
};

// The header of a .gguf file at the commit read, as signals and diagnostics.
// The working tree is read first when it holds a file of the committed size
// (a clone with its LFS content fetched, whose commit has only the pointer);
// else the blob, when the commit holds the content and it is at most
// `max_size` bytes. A pointer whose content is not here is skipped silently,
// as is any weight file in a clone without LFS content.
void ReadGgufHeader(const Repo& repo, const TreeFile& f, const std::string& source,
                    const std::string& worktree, const GgufPlace& place, int64_t max_size,
                    std::vector<Signal>* signals, std::vector<Diagnostic>* diags) {
  Result<GgufMetadata> header = Status::NotFound("");
  std::error_code ec;
  std::string local = worktree.empty() ? "" : worktree + "/" + f.path;
  if (!local.empty() && std::filesystem::is_regular_file(local, ec) &&
      static_cast<int64_t>(std::filesystem::file_size(local, ec)) == place.size && !ec) {
    header = ReadGgufFile(local);
  } else if (place.in_blob && place.text) {
    header = ParseGgufMetadata(*place.text, source);
  } else if (place.in_blob && place.size <= max_size) {
    auto text = repo.ReadBlob(f.blob);
    if (!text.ok()) {
      diags->push_back(
          Diag(source, 0, "error", "git_object", "cannot read: " + text.status().message()));
      return;
    }
    header = ParseGgufMetadata(*text, source);
  } else if (place.in_blob) {
    diags->push_back(Diag(source, 0, "info", "gguf_not_read",
                          std::to_string(place.size) +
                              " bytes committed without LFS and not in a working tree; its "
                              "GGUF metadata is read only from a checked-out file"));
    return;
  } else {
    return;
  }
  if (!header.ok()) {
    // The message starts with the file read; the diagnostic names the file already.
    std::string msg = header.status().message();
    for (const std::string& prefix : {local + ": ", source + ": "}) {
      if (msg.rfind(prefix, 0) == 0) {
        msg = msg.substr(prefix.size());
        break;
      }
    }
    diags->push_back(Diag(source, 0, "error", "gguf_header", msg + "; its metadata is not read"));
    return;
  }
  for (Signal& sig : GgufSignals(*header, source)) {
    bool seen = std::any_of(signals->begin(), signals->end(), [&](const Signal& s) {
      return s.kind == sig.kind && s.value == sig.value && s.detail == sig.detail;
    });
    if (!seen) signals->push_back(std::move(sig));  // every quantization of a repo says the same
  }
}

bool IsLicenseFile(const std::string& file) {
  if (file.find('/') != std::string::npos) return false;
  std::string upper;
  for (char c : file)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return upper.rfind("LICENSE", 0) == 0 || upper.rfind("LICENCE", 0) == 0 ||
         upper.rfind("COPYING", 0) == 0;
}

// The files at the commit read: metadata facts, LFS pointers of weight files,
// LICENSE files. Problems become diagnostics; the rest is still read.
Meta ReadHead(const Repo& repo, const std::string& path, const CommitInfo& c, const std::string& id,
              int64_t max_size, const std::string& worktree, std::vector<LfsObject>* lfs) {
  MetaInput in;
  in.id = id;
  in.repo_path = path;
  in.commit = c.id;
  std::vector<Diagnostic> diags;
  std::optional<std::string>* slots[] = {&in.readme, &in.config, &in.adapter};
  for (int i = 0; i < 3; ++i) {
    std::string source = path + "/" + kMetaFiles[i];
    auto blob = repo.BlobAt(c.tree, kMetaFiles[i]);
    if (!blob.ok()) {
      diags.push_back(Diag(source, 0, "error", "git_object",
                           "cannot read: " + blob.status().message() + "; its facts are missing"));
      continue;
    }
    if (blob->empty()) continue;
    auto size = repo.BlobSize(*blob);
    if (size.ok() && *size > max_size) {
      diags.push_back(Diag(source, 0, "error", "too_large", TooLarge(*size, max_size)));
      continue;
    }
    auto text = repo.ReadBlob(*blob);
    if (!text.ok()) {
      diags.push_back(Diag(source, 0, "error", "git_object",
                           "cannot read: " + text.status().message() + "; its facts are missing"));
      continue;
    }
    *slots[i] = std::move(text.value());
  }
  Meta meta = BuildMeta(in);
  if (!in.readme) {
    // BuildMeta reports a missing card; an unreadable one is reported above instead.
    bool unreadable = std::any_of(diags.begin(), diags.end(), [&](const Diagnostic& d) {
      return d.source == path + "/README.md";
    });
    if (unreadable) {
      auto& d = meta.facts.diagnostics;
      d.erase(std::remove_if(d.begin(), d.end(),
                             [](const Diagnostic& x) { return x.code == "no_card"; }),
              d.end());
    }
  }
  meta.facts.diagnostics.insert(meta.facts.diagnostics.end(), diags.begin(), diags.end());
  auto& out_diags = meta.facts.diagnostics;

  std::vector<std::string> walk_errors;
  auto files = repo.ListFiles(c.tree, &walk_errors);
  if (!files.ok()) {
    out_diags.push_back(Diag(path, 0, "error", "git_object",
                             "cannot list the files of commit " + Short(c.id) + ": " +
                                 files.status().message() + "; weight files not compared"));
    return meta;
  }
  for (const auto& e : walk_errors) {
    out_diags.push_back(Diag(path + "/" + e.substr(0, e.find(':')), 0, "error", "git_object",
                             "cannot read folder: " + e.substr(e.find(':') + 2)));
  }
  std::string license_file, license_id;
  for (const TreeFile& f : *files) {
    std::string source = path + "/" + f.path;
    if ((f.path == "tokenizer.json" || f.path == "tokenizer.model") && meta.facts.artifact) {
      // The same tokenizer file as a base's: by its LFS sha256, else its blob id.
      std::string value = f.blob;
      auto size = repo.BlobSize(f.blob);
      if (size.ok() && *size < kMaxPointerSize) {
        auto text = repo.ReadBlob(f.blob);
        if (text.ok()) {
          auto ptr = ParseLfsPointer(*text, source);
          if (ptr.ok()) value = ptr->oid;
        }
      }
      meta.facts.signals.push_back(Signal{kSignalTokenizer, value, source, 0, f.path});
    }
    if (IsWeightFile(f.path)) {
      auto size = repo.BlobSize(f.blob);
      if (!size.ok()) {
        out_diags.push_back(
            Diag(source, 0, "error", "git_object", "cannot read: " + size.status().message()));
        continue;
      }
      bool gguf = IsGgufFile(f.path) && meta.facts.artifact;
      if (*size >= kMaxPointerSize) {  // the weights themselves, committed without LFS
        if (gguf) {
          ReadGgufHeader(repo, f, source, worktree, GgufPlace{*size, true, nullptr}, max_size,
                         &meta.facts.signals, &out_diags);
        }
        continue;
      }
      auto text = repo.ReadBlob(f.blob);
      if (!text.ok()) {
        out_diags.push_back(
            Diag(source, 0, "error", "git_object", "cannot read: " + text.status().message()));
        continue;
      }
      auto ptr = ParseLfsPointer(*text, source);
      if (gguf && (ptr.ok() || ptr.status().code() == Status::Code::kNotFound)) {
        GgufPlace place =
            ptr.ok() ? GgufPlace{ptr->size, false, nullptr} : GgufPlace{*size, true, &text.value()};
        if (place.size > 0) {
          ReadGgufHeader(repo, f, source, worktree, place, max_size, &meta.facts.signals,
                         &out_diags);
        }
      }
      if (ptr.ok()) {
        if (ptr->size == 0) continue;  // every empty file has the same oid
        ptr->path = f.path;
        lfs->push_back(std::move(ptr.value()));
      } else if (ptr.status().code() == Status::Code::kInvalidInput) {
        // "source:line: why" -> a diagnostic with that line.
        const std::string& msg = ptr.status().message();
        size_t after_source = source.size() + 1;
        int line = std::atoi(msg.c_str() + after_source);
        size_t colon = msg.find(": ", after_source);
        out_diags.push_back(Diag(
            source, line, "error", "lfs_pointer",
            msg.substr(colon == std::string::npos ? 0 : colon + 2) + "; the file is not compared"));
      }
    } else if (IsLicenseFile(f.path) && license_id.empty()) {
      auto size = repo.BlobSize(f.blob);
      if (!size.ok() || *size > kMaxLicenseSize) continue;
      auto text = repo.ReadBlob(f.blob);
      if (!text.ok()) {
        out_diags.push_back(
            Diag(source, 0, "error", "git_object", "cannot read: " + text.status().message()));
        continue;
      }
      license_id = RecognizeLicense(*text);
      license_file = source;
    }
  }
  if (!license_id.empty() && meta.facts.artifact) {
    Artifact& a = *meta.facts.artifact;
    std::string declared = a.license;
    for (char& ch : declared) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (declared.empty()) {
      a.license = license_id;
    } else if (declared != "other" && declared != license_id) {
      out_diags.push_back(Diag(license_file, 1, "warning", "license_mismatch",
                               "the card declares license '" + a.license +
                                   "' but this file reads as '" + license_id + "'"));
    }
  }
  return meta;
}

// The first-parent chain from `head` back to the first commit, oldest first.
// A commit that cannot be read ends the walk with a diagnostic.
std::vector<CommitInfo> FirstParentChain(const Repo& repo, const CommitInfo& head,
                                         const std::string& path, bool* complete,
                                         std::vector<Diagnostic>* diags) {
  std::vector<CommitInfo> chain{head};
  *complete = true;
  while (!chain.back().first_parent.empty()) {
    if (static_cast<int>(chain.size()) >= kMaxHistory) {
      diags->push_back(Diag(path, 0, "warning", "history_incomplete",
                            "history longer than " + std::to_string(kMaxHistory) +
                                " commits; older commits not read"));
      *complete = false;
      break;
    }
    const std::string& parent = chain.back().first_parent;
    auto c = repo.ReadCommit(parent);
    if (!c.ok()) {
      diags->push_back(Diag(path, 0, "warning", "history_incomplete",
                            "history stops at commit " + Short(chain.back().id) + " (" +
                                chain.back().date + "): its parent " + Short(parent) +
                                " cannot be read (" + c.status().message() + ")" +
                                (repo.shallow() ? "; the repository is a shallow clone" : "") +
                                "; first commit date and --as-of before it are approximate"));
      *complete = false;
      break;
    }
    chain.push_back(std::move(c.value()));
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

}  // namespace

std::string SnapshotHash(const std::string& commit, const std::string& id, const std::string& path,
                         int64_t max_size) {
  // Bump the version when what is read from a commit changes, so re-ingesting
  // the same commit picks up the new facts.
  std::string limit = max_size == kDefaultMaxDocumentSize ? "" : "\nmax " + std::to_string(max_size);
  return HashHex("git-v2\n" + commit + "\n" + id + "\n" + path + limit);
}

RepoSnapshot ReadOpened(const Repo& repo, const std::string& path, const CommitInfo& commit,
                        const std::string& id, const std::string& id_source, int64_t max_size) {
  RepoSnapshot snap;
  snap.path = path;
  snap.id = id;
  snap.id_source = id_source;
  snap.commit = commit.id;
  snap.commit_date = commit.date;
  snap.bare = repo.bare();
  snap.shallow = repo.shallow();

  RepoRecord& rec = snap.record;
  rec.origin = "git:" + IdKey(id);
  rec.id = id;
  rec.path = path;
  rec.commit = commit.id;
  rec.commit_date = commit.date;

  // The working tree holds the files of HEAD only: it is read for the commit
  // HEAD names, never for another revision.
  std::string worktree;
  if (!repo.bare()) {
    auto head_id = repo.Resolve("HEAD");
    if (head_id.ok() && *head_id == commit.id) worktree = path;
  }
  Meta head = ReadHead(repo, path, commit, id, max_size, worktree, &rec.lfs);
  std::vector<Diagnostic> history_diags;
  std::vector<CommitInfo> chain =
      FirstParentChain(repo, commit, path, &rec.history_complete, &history_diags);
  rec.first_commit_date = chain.front().date;

  // Each commit that changed a metadata file is a state; unchanged commits are skipped.
  Meta before;
  std::array<std::string, 3> before_blobs;
  bool first = true;
  int unreadable = 0;
  std::string first_error;
  for (const CommitInfo& c : chain) {
    MetaInput in;
    in.id = id;
    in.repo_path = path;
    in.commit = c.id;
    std::array<std::string, 3> blobs;
    std::string error;
    if (!ReadMetaFiles(repo, c, path, max_size, &in, &blobs, &error)) {
      // An unreadable state is skipped rather than read as "files removed".
      if (unreadable++ == 0) first_error = "commit " + Short(c.id) + ": " + error;
      continue;
    }
    if (!first && blobs == before_blobs) continue;
    Meta after = BuildMeta(in);
    DiffMeta(before, after, c, &rec.history);
    RepoState state;
    state.commit = c.id;
    state.date = c.date;
    state.parents = after.facts.edges;
    rec.states.push_back(std::move(state));
    before = std::move(after);
    before_blobs = blobs;
    first = false;
  }
  if (unreadable > 0) {
    history_diags.push_back(Diag(path, 0, "warning", "history_incomplete",
                                 std::to_string(unreadable) +
                                     " commit(s) of the history could not be read and were "
                                     "skipped; first: " +
                                     first_error));
  }

  DocumentFacts& facts = snap.facts;
  facts = std::move(head.facts);
  facts.origin = rec.origin;
  facts.content_hash = SnapshotHash(commit.id, id, path, max_size);
  if (facts.artifact) {
    // A dataset repository (its remote is huggingface.co/datasets/ORG/NAME).
    if (IdKey(id).rfind("datasets/", 0) == 0) {
      facts.artifact->kind = ArtifactKind::kDataset;
      std::string bare = id.substr(9);
      facts.artifact->author = bare.substr(0, bare.find('/'));
    }
    facts.artifact->created_at = rec.first_commit_date;
    facts.artifact->source = path + "@" + commit.id;
  }
  facts.diagnostics.insert(facts.diagnostics.end(), history_diags.begin(), history_diags.end());
  return snap;
}

}  // namespace git

Result<RepoSnapshot> ReadRepository(const std::string& path, const GitReadOptions& options) {
  git::Library library;
  auto repo = git::Repo::Open(path);
  if (!repo.ok()) return repo.status();
  auto commit_id = (*repo)->Resolve(options.rev);
  if (!commit_id.ok()) {
    if (commit_id.status().code() == Status::Code::kInvalidInput) {
      return Status::NotFound(commit_id.status().message());
    }
    return commit_id.status();
  }
  auto commit = (*repo)->ReadCommit(*commit_id);
  if (!commit.ok()) return Status::Corruption(path + ": " + commit.status().message());
  std::string how;
  auto id = git::ChooseId(**repo, path, options.id, &how);
  if (!id.ok()) return id.status();
  return git::ReadOpened(**repo, path, *commit, *id, how, options.max_document_size);
}

}  // namespace lineage
