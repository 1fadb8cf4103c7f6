// Tests for include/lineage/fetch.h against a loopback stand-in for the Hub:
// an HTTP server started by the test, serving the recorded pages in
// tests/fixtures/fetch/ with the faults each test asks for. Nothing here
// reaches the network.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fetch/json_lines.h"
#include "lineage/fetch.h"
#include "lineage/ingest.h"
#include "lineage/store.h"
#include "test_support.h"

namespace lineage {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using Clock = std::chrono::steady_clock;

const std::string kFixtures = std::string(LINEAGE_SOURCE_DIR) + "/tests/fixtures/fetch";

struct Seen {
  std::string path;
  std::multimap<std::string, std::string> params;
  std::string authorization;
  Clock::time_point at;
};

// The stand-in Hub. Serves models.json in pages of `page_size`, linked by a
// cursor in the Link header, sorted by lastModified when asked; `fault` sees
// every request first (numbered from 0) and may answer it instead.
class StandIn {
 public:
  using Fault = std::function<bool(int n, const httplib::Request&, httplib::Response&)>;

  StandIn() {
    models_ = json::parse(ReadFile(kFixtures + "/models.json"));
    server_.Get("/api/models", [this](const httplib::Request& req, httplib::Response& res) {
      int n = Record(req);
      if (fault_ && fault_(n, req, res)) return;
      ServePage(req, res);
    });
    server_.Get(R"(/api/models/([^/]+)/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  int n = Record(req);
                  if (fault_ && fault_(n, req, res)) return;
                  std::string id = std::string(req.matches[1]) + "/" + std::string(req.matches[2]);
                  json info = json::parse(ReadFile(kFixtures + "/model_info.json"));
                  if (id != info["id"].get<std::string>() || req.get_param_value("blobs") != "true") {
                    res.status = 404;
                    res.set_content(R"({"error":"Repository not found"})", "application/json");
                    return;
                  }
                  res.set_content(ReadFile(kFixtures + "/model_info.json"), "application/json");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~StandIn() {
    Release();
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const json& models() const { return models_; }
  void set_fault(Fault f) { fault_ = std::move(f); }
  size_t page_size = 3;

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  int requests() { return static_cast<int>(seen().size()); }

  // A fault handler may Block() until the test calls Release() (or 20 s pass).
  void Block() {
    std::unique_lock<std::mutex> lock(mu_);
    blocked_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(20), [this] { return released_; });
  }
  bool WaitBlocked() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [this] { return blocked_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  // The ids of models.json in the order the listing serves them.
  std::vector<std::string> Ids(bool by_last_modified = false) const {
    std::vector<json> v(models_.begin(), models_.end());
    if (by_last_modified) Sort(v);
    std::vector<std::string> ids;
    for (const auto& m : v) ids.push_back(m["id"]);
    return ids;
  }

 private:
  static void Sort(std::vector<json>& v) {
    std::stable_sort(v.begin(), v.end(), [](const json& a, const json& b) {
      return a["lastModified"].get<std::string>() > b["lastModified"].get<std::string>();
    });
  }

  int Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back({req.path, {req.params.begin(), req.params.end()},
                     req.get_header_value("Authorization"), Clock::now()});
    return static_cast<int>(seen_.size()) - 1;
  }

  void ServePage(const httplib::Request& req, httplib::Response& res) {
    std::vector<json> v(models_.begin(), models_.end());
    if (req.get_param_value("sort") == "lastModified") Sort(v);
    size_t start = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor")) : 0;
    size_t size = page_size;
    if (req.has_param("limit")) size = std::min<size_t>(size, std::stoul(req.get_param_value("limit")));
    // As the Hub does, popularity fields come only when expand asks for them.
    std::set<std::string> expanded;
    for (auto [it, end] = req.params.equal_range("expand"); it != end; ++it) {
      expanded.insert(it->second);
    }
    json page = json::array();
    for (size_t i = start; i < v.size() && i < start + size; ++i) {
      json m = v[i];
      for (const char* f : {"downloads", "downloadsAllTime", "likes", "lastModified"}) {
        if (!expanded.count(f)) m.erase(f);
      }
      page.push_back(std::move(m));
    }
    if (start + size < v.size()) {
      std::string next = url() + "/api/models?cursor=" + std::to_string(start + size);
      for (const auto& [k, val] : req.params) {
        if (k != "cursor") next += "&" + k + "=" + val;
      }
      res.set_header("Link", "<" + next + ">; rel=\"next\"");
    }
    res.set_content(page.dump(2), "application/json");  // pretty: lines must be joined
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  json models_;
  Fault fault_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Seen> seen_;
  bool blocked_ = false, released_ = false;
};

FetchOptions Quick(const StandIn& hub) {
  FetchOptions o;
  o.endpoint = hub.url();
  o.max_rate = 0;
  o.initial_backoff = 0.01;
  o.max_retries = 3;
  o.stall_timeout = 2;
  return o;
}

std::vector<std::string> LineIds(const std::string& path) {
  std::vector<std::string> ids;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) ids.push_back(json::parse(line).at("id").get<std::string>());
  return ids;
}

// Not set by the caller's shell for these tests: the token tests set them.
struct CleanEnv {
  CleanEnv() {
    ::unsetenv("HF_TOKEN");
    ::unsetenv("HF_ENDPOINT");
  }
};

TEST_CASE("fetch pages the listing by its Link header into one line per model", "[fetch]") {
  CleanEnv env;
  StandIn hub;
  TempDir dir;
  std::string out = dir / "models.jsonl";
  std::ostringstream err;
  FetchOptions o = Quick(hub);
  auto s = FetchModels(o, out, err);
  REQUIRE(s.ok());
  CHECK(LineIds(out) == hub.Ids());
  CHECK(s->records == 7);
  CHECK(s->pages == 3);
  CHECK(hub.requests() == 3);
  CHECK_FALSE(fs::exists(CheckpointPath(out)));
  // Each line is the server's object, whole.
  std::istringstream in(ReadFile(out));
  std::string line;
  for (const auto& m : hub.models()) {
    REQUIRE(std::getline(in, line));
    CHECK(json::parse(line) == m);
  }
  SECTION("the request asks for config, cardData and the fields inference reads") {
    auto first = hub.seen().front();
    std::set<std::string> expand;
    for (auto [it, end] = first.params.equal_range("expand"); it != end; ++it) expand.insert(it->second);
    for (const char* f : {"config", "cardData", "tags", "siblings", "safetensors", "gguf"}) {
      CHECK(expand.count(f));
    }
    CHECK(first.authorization.empty());
  }
  SECTION("it asks for the popularity fields, as huggingface_hub names them, and they land in "
          "the store") {
    auto first = hub.seen().front();
    std::set<std::string> expand;
    for (auto [it, end] = first.params.equal_range("expand"); it != end; ++it) expand.insert(it->second);
    for (const char* f : {"downloads", "downloadsAllTime", "likes", "lastModified"}) {
      INFO(f);
      CHECK(expand.count(f));
    }
    auto store = testing::OpenStore(dir / "s.db");
    std::ostringstream log;
    REQUIRE(Ingest(*store, {out}, {}, log).ok());
    for (const auto& m : hub.models()) {
      std::string id = m["id"];
      INFO(id);
      auto a = store->GetArtifact(id);
      // The fixture's one id with non-ASCII letters is no Hub id and is not stored.
      bool ascii = std::all_of(id.begin(), id.end(), [](char c) { return (c & 0x80) == 0; });
      REQUIRE(a.ok() == ascii);
      if (!ascii) continue;
      CHECK(a->downloads == m["downloads"].get<int64_t>());
      CHECK(a->downloads_all_time == m["downloadsAllTime"].get<int64_t>());
      CHECK(a->likes == m["likes"].get<int64_t>());
      CHECK(a->last_modified == m["lastModified"].get<std::string>());
    }
  }
  SECTION("the request rate is limited") {
    StandIn paced;
    FetchOptions p = Quick(paced);
    p.max_rate = 10;
    auto start = Clock::now();
    REQUIRE(FetchModels(p, dir / "paced.jsonl", err).ok());
    // Three requests at 10 per second: two gaps of 100 ms at least.
    CHECK(Clock::now() - start >= std::chrono::milliseconds(200));
    CHECK(paced.requests() == 3);
  }
  SECTION("filters and --limit reach the query, and the limit is kept") {
    StandIn filtered;
    FetchOptions f = Quick(filtered);
    f.authors = {"Qwen", "meta-llama"};
    f.search = "llama";
    f.filters = {"text-generation"};
    f.limit = 2;
    auto r = FetchModels(f, dir / "f.jsonl", err);
    REQUIRE(r.ok());
    CHECK(LineIds(dir / "f.jsonl").size() == 2);
    auto first = filtered.seen().front();
    CHECK(first.params.find("author")->second == "Qwen");
    CHECK(first.params.find("search")->second == "llama");
    CHECK(first.params.find("filter")->second == "text-generation");
    CHECK(first.params.find("limit")->second == "2");
  }
}

TEST_CASE("a 429 with Retry-After is waited out, then the page is fetched", "[fetch]") {
  CleanEnv env;
  StandIn hub;
  hub.set_fault([](int n, const httplib::Request&, httplib::Response& res) {
    if (n != 1) return false;
    res.status = 429;
    res.set_header("Retry-After", "1");
    res.set_content("rate limited", "text/plain");
    return true;
  });
  TempDir dir;
  std::ostringstream err;
  auto start = Clock::now();
  auto s = FetchModels(Quick(hub), dir / "m.jsonl", err);
  REQUIRE(s.ok());
  CHECK(Clock::now() - start >= std::chrono::milliseconds(950));
  CHECK(s->retries == 1);
  CHECK(LineIds(dir / "m.jsonl") == hub.Ids());
  CHECK(err.str().find("HTTP 429") != std::string::npos);
}

TEST_CASE("a 500 is retried; one that persists fails with whole lines and a checkpoint", "[fetch]") {
  CleanEnv env;
  TempDir dir;
  std::ostringstream err;
  SECTION("a passing 500 costs one retry") {
    StandIn hub;
    hub.set_fault([](int n, const httplib::Request&, httplib::Response& res) {
      if (n != 2) return false;
      res.status = 500;
      return true;
    });
    auto s = FetchModels(Quick(hub), dir / "m.jsonl", err);
    REQUIRE(s.ok());
    CHECK(s->retries == 1);
    CHECK(LineIds(dir / "m.jsonl") == hub.Ids());
  }
  SECTION("a lasting 500 leaves the first page and a checkpoint that only the same command takes up") {
    std::string out = dir / "m.jsonl";
    {
      StandIn down;
      down.set_fault([](int n, const httplib::Request& req, httplib::Response& res) {
        if (!req.has_param("cursor")) return false;
        res.status = 503;
        return true;
      });
      auto s = FetchModels(Quick(down), out, err);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().code() == Status::Code::kIoError);
      CHECK(down.requests() == 1 + 4);  // the first page, then the second tried 4 times
      std::vector<std::string> ids = down.Ids();
      CHECK(LineIds(out) == std::vector<std::string>(ids.begin(), ids.begin() + 3));
      CHECK(fs::exists(CheckpointPath(out)));
    }
    StandIn up;  // a new port: the checkpoint's cursor URL must still be followed
    FetchOptions o = Quick(up);
    // The checkpoint names the old server, so the rerun has to be the same
    // command: a different endpoint is refused.
    auto other = FetchModels(o, out, err);
    REQUIRE_FALSE(other.ok());
    CHECK(other.status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("a rerun after a failure continues with no duplicate and no gap", "[fetch]") {
  CleanEnv env;
  TempDir dir;
  std::ostringstream err;
  std::string out = dir / "m.jsonl";
  StandIn hub;
  std::atomic<bool> failing{true};
  hub.set_fault([&failing](int, const httplib::Request& req, httplib::Response& res) {
    if (!failing || req.get_param_value("cursor") != "6") return false;
    res.status = 502;
    return true;
  });
  auto first = FetchModels(Quick(hub), out, err);
  REQUIRE_FALSE(first.ok());
  CHECK(LineIds(out).size() == 6);
  failing = false;
  auto second = FetchModels(Quick(hub), out, err);
  REQUIRE(second.ok());
  CHECK(second->resumed);
  CHECK(second->fetched == 1);
  CHECK(LineIds(out) == hub.Ids());
  CHECK_FALSE(fs::exists(CheckpointPath(out)));
}

TEST_CASE("a truncated body is fetched again", "[fetch]") {
  CleanEnv env;
  TempDir dir;
  std::ostringstream err;
  StandIn hub;
  std::string page = "[" + hub.models()[0].dump() + "," + hub.models()[1].dump() + "]";
  SECTION("the connection closes before Content-Length bytes arrived") {
    hub.set_fault([&page](int n, const httplib::Request&, httplib::Response& res) {
      if (n != 0) return false;
      res.set_content_provider(page.size(), "application/json",
                               [&page](size_t offset, size_t, httplib::DataSink& sink) {
                                 sink.write(page.data(), page.size() / 2);
                                 return false;  // drops the connection
                               });
      return true;
    });
    auto s = FetchModels(Quick(hub), dir / "m.jsonl", err);
    REQUIRE(s.ok());
    CHECK(s->retries == 1);
    CHECK(LineIds(dir / "m.jsonl") == hub.Ids());
  }
  SECTION("a complete response whose JSON stops half way") {
    hub.set_fault([&page](int n, const httplib::Request&, httplib::Response& res) {
      if (n != 1) return false;
      res.set_content(page.substr(0, page.size() - 40), "application/json");
      return true;
    });
    auto s = FetchModels(Quick(hub), dir / "m.jsonl", err);
    REQUIRE(s.ok());
    CHECK(s->retries == 1);
    CHECK(LineIds(dir / "m.jsonl") == hub.Ids());
    CHECK(err.str().find("truncated") != std::string::npos);
  }
  SECTION("a response that stalls past the time-out") {
    hub.set_fault([](int n, const httplib::Request&, httplib::Response&) {
      if (n != 0) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      return false;  // then served, too late
    });
    FetchOptions o = Quick(hub);
    o.stall_timeout = 1;
    auto s = FetchModels(o, dir / "m.jsonl", err);
    REQUIRE(s.ok());
    CHECK(s->retries >= 1);
    CHECK(err.str().find("timed out") != std::string::npos);
    CHECK(LineIds(dir / "m.jsonl") == hub.Ids());
  }
}

TEST_CASE("a fetch killed mid-run resumes with no duplicate and no gap", "[fetch]") {
  TempDir dir;
  StandIn hub;
  hub.page_size = 2;
  std::atomic<bool> block{true};
  hub.set_fault([&](int, const httplib::Request& req, httplib::Response&) {
    if (block && req.get_param_value("cursor") == "4") hub.Block();
    return false;
  });
  std::string out = dir / "m.jsonl";
  std::vector<std::string> args = {"fetch", "--out", out, "--rate", "0", "--no-progress"};
  std::vector<std::string> env = {"HF_ENDPOINT=" + hub.url() + "/"};
  pid_t pid = testing::SpawnLineage(args, "", dir / "err1.txt", env);
  REQUIRE(hub.WaitBlocked());
  REQUIRE(::kill(pid, SIGKILL) == 0);
  CHECK(testing::WaitExit(pid) == 128 + SIGKILL);
  block = false;
  hub.Release();
  // Two whole pages landed and the checkpoint says so.
  std::vector<std::string> expected = hub.Ids();
  CHECK(LineIds(out) == std::vector<std::string>(expected.begin(), expected.begin() + 4));
  json cp = json::parse(ReadFile(CheckpointPath(out)));
  CHECK(cp["records"] == 4);
  CHECK(cp["offset"] == static_cast<int64_t>(fs::file_size(out)));
  SECTION("resumed as it was left") {
    CHECK(testing::WaitExit(testing::SpawnLineage(args, "", dir / "err2.txt", env)) == 0);
    CHECK(LineIds(out) == expected);
    CHECK(ReadFile(dir / "err2.txt").find("resuming") != std::string::npos);
  }
  SECTION("resumed after a kill that cut a line in half") {
    std::string partial = hub.models()[4].dump().substr(0, 50);
    std::ofstream(out, std::ios::app) << partial;
    CHECK(testing::WaitExit(testing::SpawnLineage(args, "", dir / "err2.txt", env)) == 0);
    CHECK(LineIds(out) == expected);
  }
  CHECK_FALSE(fs::exists(CheckpointPath(out)));
}

TEST_CASE("the token goes out as Authorization: Bearer", "[fetch]") {
  CleanEnv env;
  TempDir dir;
  std::ostringstream err;
  StandIn hub;
  SECTION("from --token") {
    FetchOptions o = Quick(hub);
    o.token = "hf_option";
    REQUIRE(FetchModels(o, dir / "m.jsonl", err).ok());
    for (const auto& s : hub.seen()) CHECK(s.authorization == "Bearer hf_option");
  }
  SECTION("from HF_TOKEN, with HF_ENDPOINT, in the command") {
    pid_t pid = testing::SpawnLineage({"fetch", "--out", dir / "m.jsonl", "--rate", "0"}, "",
                                      dir / "err.txt",
                                      {"HF_ENDPOINT=" + hub.url(), "HF_TOKEN=hf_env"});
    CHECK(testing::WaitExit(pid) == 0);
    REQUIRE(hub.requests() == 3);
    for (const auto& s : hub.seen()) CHECK(s.authorization == "Bearer hf_env");
  }
  SECTION("a refused token fails at once, saying so") {
    hub.set_fault([](int, const httplib::Request&, httplib::Response& res) {
      res.status = 401;
      res.set_content(R"({"error":"Invalid credentials in Authorization header"})", "application/json");
      return true;
    });
    FetchOptions o = Quick(hub);
    o.token = "hf_bad";
    auto s = FetchModels(o, dir / "m.jsonl", err);
    REQUIRE_FALSE(s.ok());
    CHECK(hub.requests() == 1);
    CHECK(s.status().message().find("token was refused") != std::string::npos);
  }
}

TEST_CASE("A refresh with --since replaces the lines of models modified since DATE and appends new ones",
          "[fetch]") {
  CleanEnv env;
  TempDir dir;
  std::ostringstream err;
  StandIn hub;
  std::string out = dir / "m.jsonl";
  // An older snapshot: every model, with a stale line for the one that changed.
  std::string old;
  json stale = hub.models()[4];
  stale["downloads"] = 1;
  for (size_t i = 0; i < 7; ++i) {
    if (i == 6) continue;  // rin/... is new since then
    old += (i == 4 ? stale : hub.models()[i]).dump() + "\n";
  }
  WriteFile(out, old);
  FetchOptions o = Quick(hub);
  o.since = "2025-03-01";
  auto s = FetchModels(o, out, err);
  REQUIRE(s.ok());
  // Newest first: unsloth (2025-04-19), rin (2025-03-03), then one older: stop.
  CHECK(s->fetched == 2);
  CHECK(s->replaced == 1);
  CHECK(hub.requests() == 1);
  CHECK(hub.seen()[0].params.find("sort")->second == "lastModified");
  std::vector<std::string> ids = LineIds(out);
  std::vector<std::string> all = hub.Ids();
  CHECK(ids == all);  // order kept, the new model at the end
  std::istringstream in(ReadFile(out));
  std::string line;
  for (int i = 0; i < 5; ++i) std::getline(in, line);
  CHECK(json::parse(line)["downloads"] == hub.models()[4]["downloads"]);
  CHECK_FALSE(fs::exists(out + ".since"));
  SECTION("a malformed date is a usage error") {
    o.since = "March";
    CHECK(FetchModels(o, out, err).status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("fetch --repo gives one model's files with their LFS sha256", "[fetch]") {
  CleanEnv env;
  std::ostringstream err;
  StandIn hub;
  auto line = FetchModelInfo(Quick(hub), "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", err);
  REQUIRE(line.ok());
  CHECK(line->find('\n') == std::string::npos);
  json j = json::parse(*line);
  CHECK(j["siblings"][2]["lfs"]["sha256"] ==
        "b7d2d0a7ef8ee3b4e9f6f2ea4e4c3c5d8d0bb3a0a8b1bf3cc4ca3a8e2f1f0a9b");
  auto missing = FetchModelInfo(Quick(hub), "nobody/nothing", err);
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(FetchModelInfo(Quick(hub), "-o/../x", err).status().code() ==
        Status::Code::kInvalidInput);
}

TEST_CASE("a page splits into one line per object, and bad pages are refused", "[fetch]") {
  std::vector<std::string> objects;
  REQUIRE(fetch::SplitArray("[\n {\"id\": \"a/b\",\n \"s\": \"x\\n\\\"]}\"},\t{\"id\":\"c/d\"}\n]\n",
                            &objects).ok());
  REQUIRE(objects.size() == 2);
  CHECK(objects[0] == "{\"id\": \"a/b\", \"s\": \"x\\n\\\"]}\"}");
  std::string id;
  CHECK(fetch::TopLevelString(objects[1], "id", &id));
  CHECK(id == "c/d");
  CHECK(fetch::SplitArray("[]", &objects).ok());
  CHECK(objects.empty());
  for (const char* bad : {"", "{}", "[{\"id\":1}", "[{\"id\":1},", "[1]", "[{\"a\":tru}]",
                          "[{}] x"}) {
    CHECK(fetch::SplitArray(bad, &objects).code() == Status::Code::kCorruption);
  }
  std::string deep = "[{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}]";
  CHECK(fetch::SplitArray(deep, &objects).code() == Status::Code::kCorruption);
}

}  // namespace
}  // namespace lineage
