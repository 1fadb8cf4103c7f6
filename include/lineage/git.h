// Git model repositories. Hugging Face model repos are git repositories; this
// module reads them through libgit2 (never by running git), at HEAD or a given
// revision: README.md (card front matter, read as model cards are), config.json
// (`_name_or_path`, `architectures`, `model_type`), adapter_config.json
// (`base_model_name_or_path`), the Git LFS pointers of weight files, the
// metadata of .gguf files whose content is local (lineage/gguf.h) and LICENSE
// files, plus the first-parent history of the three metadata files.
//
// libgit2 stays in src/git/: this header has plain value types only.
#ifndef LINEAGE_GIT_H_
#define LINEAGE_GIT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/status.h"
#include "lineage/store.h"

namespace lineage {

// Parses a Git LFS pointer file (https://git-lfs.com/spec/v1): lines
// "version https://git-lfs.github.com/spec/v1", "oid sha256:<64 hex>",
// "size <bytes>". `source` names the file in messages; the result's path is
// left empty. NotFound when `text` is not an LFS pointer at all (it does not
// start with "version https://git-lfs"); InvalidInput "source:line: reason"
// when it starts like one but is malformed.
Result<LfsObject> ParseLfsPointer(std::string_view text, const std::string& source);

// True for files that hold model weights (*.safetensors, *.bin, *.gguf, *.pt,
// *.onnx, ...), whose LFS oids identify the weights. Trainer state
// (optimizer.pt, training_args.bin, rng_state*.pth, ...) is not weights.
bool IsWeightFile(std::string_view path);

// True when `path` is a git working tree (holds `.git`, a folder or a gitlink
// file) or a bare repository (holds HEAD, objects/ and refs/).
bool IsGitRepository(const std::string& path);

// The repositories one or two folder levels below `root` (ROOT/NAME or
// ROOT/NAMESPACE/NAME), sorted; a repository's own subfolders are not
// searched. Empty when there are none or `root` cannot be listed.
std::vector<std::string> FindGitRepositories(const std::string& root);

struct GitReadOptions {
  std::string rev;  // branch, tag or commit to read; empty: HEAD
  // The repository's id. Empty: from a Hub remote URL
  // (https://huggingface.co/ORG/NAME), else from the folder layout ORG/NAME.
  std::string id;
  // README.md, config.json and adapter_config.json larger than this are not
  // read (a diagnostic names each); kDefaultMaxDocumentSize in lineage/ingest.h.
  int64_t max_document_size = int64_t{16} << 20;
};

// One repository read at one revision.
struct RepoSnapshot {
  std::string path;
  std::string id;
  std::string id_source;    // "--id", "remote URL" or "folder ORG/NAME"
  std::string commit;       // the commit read
  std::string commit_date;  // its author date, ISO 8601 UTC
  bool bare = false;
  bool shallow = false;
  // Origin "git:<id key>": the artifact (licence from the card, else from a
  // recognised LICENSE file; created_at = first commit date), edges with
  // evidence card.base_model / card.datasets, adapter_config (0.9),
  // config.name_or_path (0.7), each naming the file, line and commit; the
  // inference signals of config.json, tokenizer files and .gguf headers (a
  // committed file's blob, or at HEAD the working tree's copy of an LFS file
  // of the committed size); and diagnostics.
  DocumentFacts facts;
  // LFS objects, history changes and states, for Store::PutRepository.
  RepoRecord record;
};

// Reads the repository at `path` and walks its history. Bad content never
// fails the read: a missing or damaged object, malformed YAML or JSON, an LFS
// pointer that does not parse, or a history cut short (shallow clone, missing
// commit) becomes a diagnostic (`file:line: message`) in facts.diagnostics
// and the rest of the repository is still read.
// Errors: NotFound when `path` is not a git repository or the revision names
// nothing; Corruption when the revision's commit cannot be read; InvalidInput
// when no id can be found (no --id, no Hub remote, no ORG/NAME folders).
Result<RepoSnapshot> ReadRepository(const std::string& path, const GitReadOptions& options);

struct GitIngestCounts {
  int64_t repositories = 0;  // read and applied
  int64_t unchanged = 0;     // skipped: same commit, id and path as stored
  int64_t unreadable = 0;    // recorded as a diagnostic only
};

// Ingests the repository at `path`, or every repository one or two levels
// below it, inside the store's current run (Store::BeginRun): each
// repository's document and record, and the edges between repositories that
// share weight files — `copy` with evidence lfs.identical (0.99) when the
// weight oids are the same set, `component` (inferred) with lfs.partial and the
// shared fraction when they overlap; the repository with the later first
// commit is the child. Stored repositories from earlier runs are compared too.
// A repository that cannot be read becomes a diagnostic and the others land.
// Errors: store write failures; InvalidInput when options.id is given for a
// folder of repositories, or, for a single repository, when options.rev names
// nothing or no id can be found (in a folder these are diagnostics).
Result<GitIngestCounts> IngestGit(Store& store, const std::string& path,
                                  const GitReadOptions& options);

}  // namespace lineage

#endif  // LINEAGE_GIT_H_
