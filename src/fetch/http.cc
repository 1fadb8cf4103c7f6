#include "fetch/http.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <type_traits>

namespace lineage::fetch {

namespace {

// libcurl is loaded when the first request is made, not when lineage starts:
// with its thirty dependent libraries it would triple the start-up of every
// command (a `chain` answers in a few milliseconds), while only `fetch`
// talks to the network.
struct CurlApi {
  bool loaded = false;
  std::string error;  // why it could not be loaded
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_easy_escape) easy_escape = nullptr;
  decltype(&::curl_free) free = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  decltype(&::curl_getdate) getdate = nullptr;
};

const CurlApi& Curl() {
  static const CurlApi api = [] {
    CurlApi a;
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = ::dlerror();
      a.error = std::string("cannot load libcurl: ") + (e ? e : "libcurl.so.4 not found");
      return a;
    }
    bool all = true;
    auto get = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      if (!fn) {
        all = false;
        a.error = std::string("cannot load libcurl: no ") + name;
      }
    };
    get(a.global_init, "curl_global_init");
    get(a.easy_init, "curl_easy_init");
    get(a.easy_cleanup, "curl_easy_cleanup");
    get(a.easy_reset, "curl_easy_reset");
    get(a.easy_setopt, "curl_easy_setopt");
    get(a.easy_perform, "curl_easy_perform");
    get(a.easy_getinfo, "curl_easy_getinfo");
    get(a.easy_strerror, "curl_easy_strerror");
    get(a.easy_escape, "curl_easy_escape");
    get(a.free, "curl_free");
    get(a.slist_append, "curl_slist_append");
    get(a.slist_free_all, "curl_slist_free_all");
    get(a.getdate, "curl_getdate");
    a.loaded = all;
    return a;
  }();
  return api;
}

struct Transfer {
  std::string* body;
  std::map<std::string, std::string>* headers;
  size_t max_body;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  if (t->body->size() + bytes > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body->append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  std::string line(data, bytes);
  // A new status line starts a new response (after a redirect or 100-continue).
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers->clear();
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return bytes;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t start = line.find_first_not_of(" \t", colon + 1);
  size_t end = line.find_last_not_of(" \t\r\n");
  std::string value = start == std::string::npos || end < start ? "" : line.substr(start, end - start + 1);
  auto [it, added] = t->headers->emplace(name, value);
  if (!added) it->second += ", " + value;
  return bytes;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (Curl().loaded) Curl().global_init(CURL_GLOBAL_DEFAULT);
  });
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  HttpOptions options;
};

HttpClient::HttpClient(const HttpOptions& options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  if (Curl().loaded) impl_->curl = Curl().easy_init();
  impl_->options = options;
}

HttpClient::~HttpClient() {
  if (impl_->curl) Curl().easy_cleanup(impl_->curl);
}

std::string HttpClient::Escape(const std::string& text) {
  if (!impl_->curl) return text;
  char* e = Curl().easy_escape(impl_->curl, text.data(), static_cast<int>(text.size()));
  std::string out = e ? e : "";
  Curl().free(e);
  return out;
}

HttpResponse HttpClient::Get(const std::string& url, const std::vector<std::string>& headers) {
  HttpResponse r;
  CURL* c = impl_->curl;
  if (!c) {
    r.error = Curl().loaded ? "cannot initialise libcurl" : Curl().error;
    return r;
  }
  Curl().easy_reset(c);
  Transfer t{&r.body, &r.headers, impl_->options.max_body};
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = Curl().slist_append(list, h.c_str());
  char error[CURL_ERROR_SIZE] = {0};
  Curl().easy_setopt(c, CURLOPT_URL, url.c_str());
  Curl().easy_setopt(c, CURLOPT_HTTPHEADER, list);
  Curl().easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  Curl().easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  Curl().easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  Curl().easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  Curl().easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  Curl().easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  // The custom Authorization header is not sent to another host on redirect
  // (libcurl's default, stated here so it stays that way).
  Curl().easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
  Curl().easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  Curl().easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  Curl().easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  Curl().easy_setopt(c, CURLOPT_USERAGENT, "lineage/0.1.0 (+libcurl)");
  Curl().easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(impl_->options.connect_timeout * 1000));
  // A stalled response (under 1 byte/s for stall_timeout) counts as a time-out;
  // large pages may take long as long as they keep coming.
  Curl().easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  Curl().easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(impl_->options.stall_timeout + 0.5)));
  Curl().easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  Curl().easy_setopt(c, CURLOPT_WRITEDATA, &t);
  Curl().easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  Curl().easy_setopt(c, CURLOPT_HEADERDATA, &t);
  CURLcode rc = Curl().easy_perform(c);
  Curl().slist_free_all(list);
  long status = 0;
  Curl().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  char* effective = nullptr;
  Curl().easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective) r.effective_url = effective;
  r.status = status;
  if (rc != CURLE_OK) {
    r.ok = false;
    r.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    if (t.too_large) {
      r.error = "response larger than " + std::to_string(impl_->options.max_body) + " bytes";
    } else {
      r.error = error[0] ? error : Curl().easy_strerror(rc);
    }
    return r;
  }
  r.ok = true;
  return r;
}

double ParseRetryAfter(const std::string& value) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::strtod(value.c_str(), nullptr);
  }
  if (!Curl().loaded) return -1;
  time_t when = Curl().getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  double d = std::difftime(when, std::time(nullptr));
  return d < 0 ? 0 : d;
}

}  // namespace lineage::fetch
