// Fetch: Hub API snapshots, the only part of lineage that talks to the network.
//
// FetchModels pages /api/models and writes the objects as JSON lines that
// `lineage ingest` reads. It is polite (a request-rate limit, exponential
// backoff on 429, 5xx, time-outs and lost connections, honouring Retry-After)
// and resumable: after every page FILE holds whole lines only and FILE.checkpoint
// says where the listing stopped, so a kill or a failure costs at most one page
// and the same call continues with no duplicate and no gap.
//
// HTTP goes through libcurl, with TLS verified, inside src/fetch/ only.
#ifndef LINEAGE_FETCH_H_
#define LINEAGE_FETCH_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "lineage/status.h"

namespace lineage {

// Fields requested with `expand` on every listing, as huggingface_hub names
// them: what /api/models?full=true&cardData=true returns (config included)
// plus what inference reads (safetensors, gguf, transformersInfo, baseModels)
// and the popularity the adoption shares weigh by (downloads, downloadsAllTime,
// likes, lastModified; the Hub gives downloadsAllTime only when asked).
const std::vector<std::string>& DefaultExpandFields();

struct FetchOptions {
  // Base URL; empty means $HF_ENDPOINT, else https://huggingface.co.
  std::string endpoint;
  // Sent as "Authorization: Bearer TOKEN"; empty means $HF_TOKEN, else none.
  std::string token;

  // Listing filters, as huggingface_hub's list_models: one listing per author
  // (all of them in turn), `search`, and tags that must all be present.
  std::vector<std::string> authors;
  std::string search;
  std::vector<std::string> filters;
  int64_t limit = -1;                // stop after this many records (-1: all)
  std::vector<std::string> expand;   // extra fields beyond DefaultExpandFields()
  // YYYY-MM-DD or an ISO 8601 time: refresh FILE with the models modified at or
  // after it (newest first, stopping at the first older one), replacing their
  // lines in place and appending new ones.
  std::string since;

  double max_rate = 2.0;        // requests per second, retries included
  int max_retries = 10;         // per request, before giving up
  double initial_backoff = 1.0; // seconds; doubles per retry
  double max_backoff = 120.0;   // seconds, and the longest Retry-After honoured
  double connect_timeout = 30.0;
  double stall_timeout = 60.0;  // a response that sends nothing for this long
  bool progress = false;        // a one-line progress display on `err`
};

struct FetchSummary {
  int64_t records = 0;    // lines in the output, in total
  int64_t fetched = 0;    // records received by this run
  int64_t pages = 0;      // pages received by this run
  int64_t retries = 0;
  int64_t replaced = 0;   // --since: lines replaced by a newer version
  bool resumed = false;   // continued from a checkpoint
  double seconds = 0;
};

// Pages the listing into `out_path` as described above. Returns the summary,
// or: InvalidInput for a bad option or a checkpoint left by a different
// command; IoError for a request that still failed after the retries (FILE and
// its checkpoint are then valid, and the same call resumes); NotFound / an
// error naming the HTTP status for a refusal (401, 403, 404). Retries and
// refusals are also reported on `err` as they happen.
Result<FetchSummary> FetchModels(const FetchOptions& options, const std::string& out_path,
                                 std::ostream& err);

// One model's details, /api/models/ID?blobs=true: the Hub's object, including
// `siblings` with each file's size and, for LFS files, `lfs.sha256`. Returned
// as one line of JSON (no trailing newline), the bytes the Hub sent.
Result<std::string> FetchModelInfo(const FetchOptions& options, const std::string& id,
                                   std::ostream& err);

// The checkpoint file kept beside `out_path`.
std::string CheckpointPath(const std::string& out_path);

}  // namespace lineage

#endif  // LINEAGE_FETCH_H_
