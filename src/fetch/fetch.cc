#include "lineage/fetch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "fetch/http.h"
#include "fetch/json_lines.h"

namespace lineage {

namespace {

namespace fs = std::filesystem;
using fetch::HttpClient;
using fetch::HttpResponse;
using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultEndpoint = "https://huggingface.co";
constexpr int64_t kMaxPageSize = 1000;
constexpr double kLongestRetryAfter = 3600;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Bytes a terminal would act on, shown as '?': server text in our messages.
std::string Printable(std::string_view s, size_t max = 300) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) out.push_back(c < 0x20 || c == 0x7f ? '?' : c);
  if (s.size() > max) out += "...";
  return out;
}

std::string Endpoint(const FetchOptions& o) {
  std::string e = o.endpoint;
  if (e.empty()) {
    const char* env = std::getenv("HF_ENDPOINT");
    e = env && *env ? env : kDefaultEndpoint;
  }
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string Token(const FetchOptions& o) {
  if (!o.token.empty()) return o.token;
  const char* env = std::getenv("HF_TOKEN");
  return env ? env : "";
}

// scheme://authority of an absolute URL, lower-cased; empty if not absolute.
std::string OriginOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t path = url.find_first_of("/?#", scheme + 3);
  return Lower(url.substr(0, path));
}

// A URL for messages: without its query (the expand list, the cursor).
std::string Brief(const std::string& url) {
  size_t q = url.find('?');
  return Printable(q == std::string::npos ? url : url.substr(0, q));
}

bool IsLoopback(const std::string& origin) {
  for (const char* host : {"://127.", "://localhost", "://[::1]"}) {
    if (origin.find(host) != std::string::npos) return true;
  }
  return false;
}

// The rel="next" target of a Link header (RFC 8288), or "".
std::string NextLink(const std::string& link) {
  size_t i = 0;
  while (i < link.size()) {
    size_t lt = link.find('<', i);
    if (lt == std::string::npos) break;
    size_t gt = link.find('>', lt);
    if (gt == std::string::npos) break;
    std::string url = link.substr(lt + 1, gt - lt - 1);
    size_t next_lt = link.find('<', gt);
    std::string params = link.substr(gt + 1, next_lt == std::string::npos ? std::string::npos
                                                                          : next_lt - gt - 1);
    std::string p = Lower(params);
    p.erase(std::remove_if(p.begin(), p.end(), [](char c) { return c == ' ' || c == '"'; }),
            p.end());
    size_t rel = p.find("rel=");
    if (rel != std::string::npos) {
      std::string value = p.substr(rel + 4, p.find_first_of(";,", rel) - rel - 4);
      // rel may list several relation types separated by spaces (removed above
      // only inside quotes would matter; "next" as a whole word is what counts).
      if (value == "next") return url;
    }
    i = gt + 1;
  }
  return "";
}

bool ValidDate(const std::string& d) {
  // YYYY-MM-DD, optionally followed by THH:MM[:SS[.fff]][Z|+hh:mm].
  if (d.size() < 10) return false;
  for (int k : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[k]))) return false;
  }
  if (d[4] != '-' || d[7] != '-') return false;
  int month = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return d.size() == 10 || d[10] == 'T';
}

// A page request, paced and retried.
class Requester {
 public:
  Requester(const FetchOptions& o, std::ostream& err, FetchSummary* summary)
      : options_(o),
        err_(err),
        summary_(summary),
        http_(fetch::HttpOptions{o.connect_timeout, o.stall_timeout}) {
    headers_ = {"Accept: application/json"};
    std::string token = Token(o);
    if (!token.empty()) headers_.push_back("Authorization: Bearer " + token);
  }

  HttpClient& http() { return http_; }

  // GETs `url` until it gives a 2xx response that `accept` takes. Transport
  // failures, 429, 5xx and pages `accept` refuses (a truncated body) are
  // retried with backoff; other statuses fail at once.
  Result<HttpResponse> Get(const std::string& url,
                           const std::function<Status(const HttpResponse&)>& accept) {
    for (int attempt = 0;; ++attempt) {
      Pace();
      HttpResponse r = http_.Get(url, headers_);
      std::string reason;
      double retry_after = -1;
      if (!r.ok) {
        reason = r.timed_out ? "timed out (" + r.error + ")" : r.error;
      } else if (r.status == 429 || r.status >= 500) {
        reason = "HTTP " + std::to_string(r.status);
        auto it = r.headers.find("retry-after");
        if (it != r.headers.end()) retry_after = fetch::ParseRetryAfter(it->second);
      } else if (r.status >= 200 && r.status < 300) {
        Status st = accept(r);
        if (st.ok()) return r;
        reason = st.message();
      } else {
        return Refusal(url, r);
      }
      if (attempt >= options_.max_retries) {
        return Status::IoError("giving up on " + Brief(url) + " after " + std::to_string(attempt) +
                               " retries: " + reason);
      }
      double wait = std::min(options_.max_backoff, options_.initial_backoff * std::pow(2.0, attempt));
      if (retry_after >= 0) {
        if (retry_after > kLongestRetryAfter) {
          return Status::IoError("the server asks to wait " + std::to_string(static_cast<long>(retry_after)) +
                                 " s before the next request (" + Brief(url) + "); rerun later");
        }
        wait = std::max(wait, retry_after);
      }
      ++summary_->retries;
      EndProgressLine();
      err_ << "lineage: fetch: " << reason << " from " << Brief(url) << "; retrying in " << std::fixed
           << std::setprecision(1) << wait << " s (" << attempt + 1 << " of "
           << options_.max_retries << ")\n";
      std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
  }

  // Progress lines are rewritten in place; other messages start a new line.
  void ProgressLine(const std::string& text) {
    if (!options_.progress) return;
    err_ << "\r" << text << "\x1b[K" << std::flush;
    progress_shown_ = true;
  }
  void EndProgressLine() {
    if (progress_shown_) err_ << "\n";
    progress_shown_ = false;
  }

 private:
  void Pace() {
    if (options_.max_rate > 0) {
      auto gap = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / options_.max_rate));
      if (started_ && Clock::now() < last_ + gap) std::this_thread::sleep_until(last_ + gap);
    }
    last_ = Clock::now();
    started_ = true;
  }

  Status Refusal(const std::string& url, const HttpResponse& r) {
    std::string what = "HTTP " + std::to_string(r.status) + " for " + Brief(url);
    std::string body = Printable(r.body);
    if (!body.empty()) what += ": " + body;
    if (r.status == 401) {
      what += Token(options_).empty() ? " (this needs a token: set HF_TOKEN or pass --token)"
                                      : " (the token was refused: check HF_TOKEN or --token)";
    }
    if (r.status == 404) return Status::NotFound(what);
    return Status::IoError(what);
  }

  const FetchOptions& options_;
  std::ostream& err_;
  FetchSummary* summary_;
  HttpClient http_;
  std::vector<std::string> headers_;
  Clock::time_point last_;
  bool started_ = false;
  bool progress_shown_ = false;
};

// --- checkpoint -----------------------------------------------------------------------

struct Checkpoint {
  std::string fingerprint;
  size_t query = 0;
  std::string next;  // the next page's URL; empty: this query is finished
  int64_t offset = 0;
  int64_t records = 0;
  int64_t pages = 0;
  bool complete = false;
};

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot write '" + path + "': " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Writes `data` to `path` through a temporary file in the same folder, synced
// and renamed, so `path` always holds either the old or the new bytes.
Status WriteAtomically(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot write '" + tmp + "': " + std::strerror(errno));
  Status st = WriteAll(fd, data, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = Status::IoError("cannot sync '" + tmp + "'");
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::IoError("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
  return st;
}

Status SaveCheckpoint(const std::string& path, const Checkpoint& c) {
  nlohmann::json j = {{"version", 1},          {"fingerprint", c.fingerprint},
                      {"query", c.query},      {"next", c.next},
                      {"offset", c.offset},    {"records", c.records},
                      {"pages", c.pages},      {"complete", c.complete}};
  return WriteAtomically(path, j.dump(2) + "\n");
}

Result<Checkpoint> LoadCheckpoint(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  Checkpoint c;
  try {
    if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 1) {
      throw std::runtime_error("not a checkpoint");
    }
    c.fingerprint = j.at("fingerprint").get<std::string>();
    c.query = j.at("query").get<size_t>();
    c.next = j.at("next").get<std::string>();
    c.offset = j.at("offset").get<int64_t>();
    c.records = j.at("records").get<int64_t>();
    c.pages = j.at("pages").get<int64_t>();
    c.complete = j.at("complete").get<bool>();
  } catch (const std::exception&) {
    return Status::Corruption("'" + path + "' is not a lineage fetch checkpoint; delete it to "
                              "start over");
  }
  return c;
}

uint64_t IdHash(const std::string& id) { return std::hash<std::string>{}(Lower(id)); }

// Reads the ids of the lines of `path` (the first `limit` bytes).
Status ReadIds(const std::string& path, int64_t limit, std::unordered_set<uint64_t>* ids) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IoError("cannot read '" + path + "'");
  std::string line;
  int64_t read = 0;
  while (read < limit && std::getline(f, line)) {
    read += static_cast<int64_t>(line.size()) + 1;
    std::string id;
    if (fetch::TopLevelString(line, "id", &id)) ids->insert(IdHash(id));
  }
  return Status::Ok();
}

// --- the listing ----------------------------------------------------------------------

struct Listing {
  std::vector<std::string> queries;  // first-page URLs, one per author
  std::string fingerprint;
  std::string since;
  int64_t limit = -1;
};

Listing BuildListing(const FetchOptions& o, const std::string& endpoint, HttpClient& http) {
  Listing l;
  l.since = o.since;
  l.limit = o.limit;
  std::vector<std::string> expand = DefaultExpandFields();
  for (const auto& e : o.expand) {
    if (std::find(expand.begin(), expand.end(), e) == expand.end()) expand.push_back(e);
  }
  std::vector<std::string> authors = o.authors;
  if (authors.empty()) authors.push_back("");
  for (const auto& author : authors) {
    std::string q;
    auto add = [&](const std::string& k, const std::string& v) {
      q += (q.empty() ? "?" : "&") + k + "=" + http.Escape(v);
    };
    if (!author.empty()) add("author", author);
    if (!o.search.empty()) add("search", o.search);
    for (const auto& f : o.filters) add("filter", f);
    if (!o.since.empty()) {
      add("sort", "lastModified");
      add("direction", "-1");
    }
    if (o.limit > 0) add("limit", std::to_string(std::min(o.limit, kMaxPageSize)));
    for (const auto& e : expand) add("expand", e);
    l.queries.push_back(endpoint + "/api/models" + q);
  }
  nlohmann::json fp = {{"queries", l.queries}, {"limit", l.limit}, {"since", l.since}};
  l.fingerprint = fp.dump();
  return l;
}

std::string Rate(int64_t records, Clock::time_point start) {
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::ostringstream os;
  os << std::fixed << std::setprecision(0) << (s > 0 ? records / s : 0.0);
  return os.str();
}

// Pages `listing` into `path`, resuming from its checkpoint when there is one.
// Leaves the checkpoint marked complete; the caller removes it.
Status RunListing(const Listing& listing, const std::string& path, const FetchOptions& o,
                  Requester& req, std::ostream& err, FetchSummary* summary) {
  std::string cp_path = CheckpointPath(path);
  Checkpoint cp;
  std::error_code ec;
  if (fs::exists(cp_path, ec)) {
    auto loaded = LoadCheckpoint(cp_path);
    if (!loaded.ok()) return loaded.status();
    cp = *loaded;
    if (cp.fingerprint != listing.fingerprint) {
      return Status::InvalidInput("'" + cp_path + "' belongs to a different fetch (other "
                                  "filters, endpoint or --since); rerun that command to finish "
                                  "it, or delete the checkpoint to start over");
    }
    if (cp.complete) {
      summary->records = cp.records;
      return Status::Ok();
    }
    auto size = fs::file_size(path, ec);
    if (ec || static_cast<int64_t>(size) < cp.offset) {
      return Status::Corruption("'" + path + "' is shorter than its checkpoint says; delete '" +
                                cp_path + "' to start over");
    }
    // Whatever follows the last checkpointed page (a page cut by a kill) goes:
    // that page is fetched again.
    if (::truncate(path.c_str(), cp.offset) != 0) {
      return Status::IoError("cannot truncate '" + path + "': " + std::strerror(errno));
    }
    summary->resumed = true;
    err << "lineage: fetch: resuming '" << path << "' after " << cp.records << " records\n";
  } else {
    cp.fingerprint = listing.fingerprint;
    cp.next = listing.queries.front();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError("cannot write '" + path + "': " + std::strerror(errno));
    ::close(fd);
    Status st = SaveCheckpoint(cp_path, cp);
    if (!st.ok()) return st;
  }
  std::unordered_set<uint64_t> seen;
  if (cp.offset > 0) {
    Status st = ReadIds(path, cp.offset, &seen);
    if (!st.ok()) return st;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot write '" + path + "': " + std::strerror(errno));
  std::string endpoint_origin = OriginOf(listing.queries.front());
  auto start = Clock::now();
  Status result = Status::Ok();
  while (cp.query < listing.queries.size()) {
    if (listing.limit >= 0 && cp.records >= listing.limit) break;
    if (cp.next.empty()) {
      ++cp.query;
      if (cp.query < listing.queries.size()) cp.next = listing.queries[cp.query];
      continue;
    }
    std::vector<std::string> objects;
    auto r = req.Get(cp.next, [&objects](const HttpResponse& resp) {
      return fetch::SplitArray(resp.body, &objects);
    });
    if (!r.ok()) {
      result = r.status();
      break;
    }
    std::string next;
    auto link = r->headers.find("link");
    if (link != r->headers.end()) next = NextLink(link->second);
    if (!next.empty() && next[0] == '/') next = endpoint_origin + next;
    if (!next.empty() && OriginOf(next) != endpoint_origin) {
      result = Status::IoError("the next-page link leaves " + endpoint_origin + ": '" +
                               Printable(next) + "'; not followed");
      break;
    }
    std::string data;
    int64_t added = 0;
    bool stop = false;
    for (const auto& obj : objects) {
      if (listing.limit >= 0 && cp.records + added >= listing.limit) {
        stop = true;
        break;
      }
      if (!listing.since.empty()) {
        std::string modified;
        fetch::TopLevelString(obj, "lastModified", &modified);
        if (!modified.empty() && modified < listing.since) {
          stop = true;
          break;
        }
      }
      std::string id;
      if (!fetch::TopLevelString(obj, "id", &id) && !fetch::TopLevelString(obj, "modelId", &id)) {
        continue;
      }
      if (!seen.insert(IdHash(id)).second) continue;  // the listing moved under us
      data += obj;
      data += '\n';
      ++added;
    }
    Status st = WriteAll(fd, data, path);
    if (st.ok() && ::fdatasync(fd) != 0) st = Status::IoError("cannot sync '" + path + "'");
    if (!st.ok()) {
      result = st;
      break;
    }
    cp.offset += static_cast<int64_t>(data.size());
    cp.records += added;
    ++cp.pages;
    cp.next = stop ? "" : next;
    summary->fetched += added;
    ++summary->pages;
    st = SaveCheckpoint(cp_path, cp);
    if (!st.ok()) {
      result = st;
      break;
    }
    req.ProgressLine("fetch: " + std::to_string(cp.records) + " records, " +
                     std::to_string(cp.pages) + " pages, " + Rate(summary->fetched, start) +
                     " records/s");
    if (stop && listing.limit >= 0 && cp.records >= listing.limit) break;
  }
  ::close(fd);
  req.EndProgressLine();
  summary->records = cp.records;
  if (!result.ok()) return result;
  cp.complete = true;
  cp.next.clear();
  return SaveCheckpoint(cp_path, cp);
}

// Replaces the lines of `path` whose id has a line in `fresh`, in place, and
// appends the fresh lines for new ids; atomically.
Status MergeInto(const std::string& path, const std::string& fresh, FetchSummary* summary) {
  std::ifstream in(fresh, std::ios::binary);
  if (!in) return Status::IoError("cannot read '" + fresh + "'");
  std::vector<std::string> lines;
  std::unordered_map<std::string, size_t> index;
  std::string line;
  while (std::getline(in, line)) {
    std::string id;
    if (!fetch::TopLevelString(line, "id", &id)) continue;
    if (index.emplace(Lower(id), lines.size()).second) lines.push_back(line);
  }
  std::vector<bool> used(lines.size(), false);
  std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError("cannot write '" + tmp + "'");
  int64_t total = 0;
  std::ifstream old(path, std::ios::binary);
  while (old && std::getline(old, line)) {
    if (line.empty()) continue;
    std::string id;
    auto it = fetch::TopLevelString(line, "id", &id) ? index.find(Lower(id)) : index.end();
    if (it == index.end()) {
      out << line << '\n';
      ++total;
    } else if (!used[it->second]) {
      out << lines[it->second] << '\n';
      used[it->second] = true;
      ++summary->replaced;
      ++total;
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!used[i]) {
      out << lines[i] << '\n';
      ++total;
    }
  }
  out.close();
  if (!out) return Status::IoError("cannot write '" + tmp + "'");
  {
    int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IoError("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
  summary->records = total;
  return Status::Ok();
}

bool ValidRepoId(const std::string& id) {
  size_t slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size() ||
      id.find('/', slash + 1) != std::string::npos) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

Status CheckOptions(const FetchOptions& o, const std::string& endpoint) {
  std::string origin = OriginOf(endpoint);
  if (origin.rfind("https://", 0) != 0 && origin.rfind("http://", 0) != 0) {
    return Status::InvalidInput("the endpoint must be an http(s) URL, not '" +
                                Printable(endpoint) + "' (check HF_ENDPOINT)");
  }
  if (!o.since.empty() && !ValidDate(o.since)) {
    return Status::InvalidInput("--since wants a date YYYY-MM-DD (or an ISO 8601 time), not '" +
                                o.since + "'");
  }
  if (o.max_rate < 0) return Status::InvalidInput("--rate must not be negative");
  if (o.max_retries < 0) return Status::InvalidInput("--retries must not be negative");
  return Status::Ok();
}

void WarnPlainToken(const FetchOptions& o, const std::string& endpoint, std::ostream& err) {
  std::string origin = OriginOf(endpoint);
  if (!Token(o).empty() && origin.rfind("http://", 0) == 0 && !IsLoopback(origin)) {
    err << "lineage: fetch: warning: sending the token to " << origin
        << " without TLS\n";
  }
}

}  // namespace

const std::vector<std::string>& DefaultExpandFields() {
  static const std::vector<std::string> kFields = {
      "author",   "cardData",     "config",      "createdAt",        "disabled",
      "downloads", "downloadsAllTime", "gated", "lastModified", "library_name", "likes",
      "pipeline_tag", "private",  "sha",         "siblings",         "tags",
      "baseModels", "gguf",       "safetensors", "transformersInfo",
  };
  return kFields;
}

std::string CheckpointPath(const std::string& out_path) { return out_path + ".checkpoint"; }

Result<FetchSummary> FetchModels(const FetchOptions& options, const std::string& out_path,
                                 std::ostream& err) {
  auto start = Clock::now();
  std::string endpoint = Endpoint(options);
  Status st = CheckOptions(options, endpoint);
  if (!st.ok()) return st;
  if (out_path.empty()) return Status::InvalidInput("fetch needs --out FILE");
  WarnPlainToken(options, endpoint, err);
  FetchSummary summary;
  Requester req(options, err, &summary);
  Listing listing = BuildListing(options, endpoint, req.http());
  std::error_code ec;
  if (options.since.empty()) {
    st = RunListing(listing, out_path, options, req, err, &summary);
    if (!st.ok()) return st;
    fs::remove(CheckpointPath(out_path), ec);
  } else {
    if (fs::exists(CheckpointPath(out_path), ec)) {
      return Status::InvalidInput("'" + out_path + "' has an unfinished fetch ('" +
                                  CheckpointPath(out_path) + "'); finish it by rerunning that "
                                  "command before refreshing with --since");
    }
    // The fresh records gather in FILE.since (resumable like any listing),
    // then replace their older lines in FILE in one rename.
    std::string fresh = out_path + ".since";
    st = RunListing(listing, fresh, options, req, err, &summary);
    if (!st.ok()) return st;
    st = MergeInto(out_path, fresh, &summary);
    if (!st.ok()) return st;
    fs::remove(fresh, ec);
    fs::remove(CheckpointPath(fresh), ec);
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

Result<std::string> FetchModelInfo(const FetchOptions& options, const std::string& id,
                                   std::ostream& err) {
  std::string endpoint = Endpoint(options);
  Status st = CheckOptions(options, endpoint);
  if (!st.ok()) return st;
  if (!ValidRepoId(id)) {
    return Status::InvalidInput("'" + Printable(id) + "' is not a model id (NAMESPACE/NAME)");
  }
  WarnPlainToken(options, endpoint, err);
  FetchSummary summary;
  Requester req(options, err, &summary);
  std::string url = endpoint + "/api/models/" + id + "?blobs=true";
  std::string line;
  auto r = req.Get(url, [&line](const HttpResponse& resp) {
    std::vector<std::string> objects;
    Status s = fetch::SplitArray("[" + resp.body + "]", &objects);
    if (!s.ok()) return Status::Corruption("the model details are not a JSON object: " + s.message());
    if (objects.size() != 1) return Status::Corruption("the model details are not one JSON object");
    line = std::move(objects.front());
    return Status::Ok();
  });
  if (!r.ok()) return r.status();
  return line;
}

}  // namespace lineage
