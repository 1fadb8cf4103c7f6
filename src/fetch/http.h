// The HTTP client of the fetch module: one libcurl easy handle behind a pimpl.
// Private to src/fetch/; nothing here leaves the module.
#ifndef LINEAGE_SRC_FETCH_HTTP_H_
#define LINEAGE_SRC_FETCH_HTTP_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lineage::fetch {

struct HttpResponse {
  // Transport outcome: ok false means no complete response arrived (could not
  // connect, timed out, connection lost mid-body); `error` says why.
  bool ok = false;
  bool timed_out = false;
  std::string error;
  long status = 0;
  // Header names in lower case; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  std::string effective_url;  // after redirects
};

struct HttpOptions {
  double connect_timeout = 30;
  double stall_timeout = 60;
  size_t max_body = size_t{1} << 30;
};

class HttpClient {
 public:
  explicit HttpClient(const HttpOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET `url` with `headers` ("Name: value"). TLS peers and host names are
  // verified; only http and https are allowed, redirects included.
  HttpResponse Get(const std::string& url, const std::vector<std::string>& headers);

  // Percent-encodes a query component.
  std::string Escape(const std::string& text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses an RFC 7231 Retry-After value (seconds or an HTTP date) into seconds
// from now; -1 when absent or unreadable.
double ParseRetryAfter(const std::string& value);

}  // namespace lineage::fetch

#endif  // LINEAGE_SRC_FETCH_HTTP_H_
