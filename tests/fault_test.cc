// Faults and load, end to end: kill -9 in the middle of an ingest, readers
// during an ingest, two ingests at once. Each runs the built binary.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace lineage {
namespace {

namespace fs = std::filesystem;
using testing::Output;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using Strings = std::vector<std::string>;

// A Hub dump of `n` models in chains under a few bases, ids prefixed `tag`.
std::string Dump(const std::string& tag, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "{\"id\": \"%s/m%05d\", \"cardData\": {\"license\": \"mit\", \"base_model\": "
                  "\"%s/m%05d\"}, \"tags\": [\"license:mit\"]}\n",
                  tag.c_str(), i, i < 10 ? "base" : tag.c_str(), i < 10 ? i : i / 3);
    s += line;
  }
  return s;
}

// What the store holds, as a string that differs when any fact differs.
std::string Contents(const std::string& scratch, const std::string& db) {
  Output r = testing::RunLineage(scratch, {"--db", db, "sql",
                            "SELECT (SELECT count(*) FROM artifact), (SELECT count(*) FROM edge), "
                            "(SELECT count(*) FROM evidence), (SELECT count(*) FROM document), "
                            "(SELECT total(length(display)) FROM artifact), "
                            "(SELECT count(*) FROM diagnostic)",
                            "--format", "csv"});
  REQUIRE(r.code == 0);
  return r.out;
}

std::string Integrity(const std::string& scratch, const std::string& db) {
  Output r = testing::RunLineage(scratch, {"--db", db, "sql", "PRAGMA quick_check", "--format", "csv"});
  return r.code == 0 ? r.out : "error: " + r.err;
}

TEST_CASE("kill -9 in the middle of an ingest leaves the store as it was before or after",
          "[fault]") {
  TempDir dir;
  std::string db = dir / "s.db";
  WriteFile(dir / "first.jsonl", Dump("first", 2000));
  WriteFile(dir / "second.jsonl", Dump("second", 40000));
  REQUIRE(testing::RunLineage(dir.path(), {"--db", db, "ingest", dir / "first.jsonl", "--no-progress"}).code == 0);
  std::string before = Contents(dir.path(), db);
  // The state after: the same ingest, run to the end on a copy.
  fs::copy_file(db, dir / "after.db");
  REQUIRE(testing::RunLineage(dir.path(), {"--db", dir / "after.db", "ingest", dir / "second.jsonl",
                               "--no-progress"}).code == 0);
  std::string after = Contents(dir.path(), dir / "after.db");
  REQUIRE(before != after);
  std::mt19937 rng(20261201);
  int killed = 0;
  for (int round = 0; round < 6; ++round) {
    pid_t pid = testing::SpawnLineage({"--db", db, "ingest", dir / "second.jsonl", "--no-progress"},
                      dir / "k.out", dir / "k.err");
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(20, 600)(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    testing::WaitExit(pid);
    INFO("round " << round);
    CHECK_THAT(Integrity(dir.path(), db), Catch::Contains("ok"));
    std::string now = Contents(dir.path(), db);
    CHECK((now == before || now == after));
    if (now == after) break;  // the ingest won the race; nothing more to kill
  }
  CHECK(killed > 0);
}

TEST_CASE("Readers during an ingest see the store before or after it, never an error",
          "[fault]") {
  TempDir dir;
  std::string db = dir / "s.db";
  WriteFile(dir / "first.jsonl", Dump("first", 500));
  WriteFile(dir / "second.jsonl", Dump("second", 30000));
  REQUIRE(testing::RunLineage(dir.path(), {"--db", db, "ingest", dir / "first.jsonl", "--no-progress"}).code == 0);
  pid_t writer = testing::SpawnLineage({"--db", db, "ingest", dir / "second.jsonl", "--no-progress"},
                       dir / "w.out", dir / "w.err");
  int reads = 0, writer_code = -1;
  for (;;) {
    Output r = testing::RunLineage(dir.path(), {"--db", db, "show", "first/m00100", "--format", "json"});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("first/m00033"));
    ++reads;
    int status = 0;
    if (waitpid(writer, &status, WNOHANG) == writer) {
      writer_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
  }
  CHECK(writer_code == 0);
  CHECK(reads > 0);
}

TEST_CASE("Two ingests at once both land", "[fault]") {
  TempDir dir;
  std::string db = dir / "s.db";
  WriteFile(dir / "a.jsonl", Dump("a", 15000));
  WriteFile(dir / "b.jsonl", Dump("b", 15000));
  pid_t a = testing::SpawnLineage({"--db", db, "ingest", dir / "a.jsonl", "--no-progress"}, dir / "a.out",
                  dir / "a.err");
  pid_t b = testing::SpawnLineage({"--db", db, "ingest", dir / "b.jsonl", "--no-progress"}, dir / "b.out",
                  dir / "b.err");
  int ca = testing::WaitExit(a), cb = testing::WaitExit(b);
  INFO(ReadFile(dir / "a.err") << ReadFile(dir / "b.err"));
  CHECK(ca == 0);
  CHECK(cb == 0);
  Output r = testing::RunLineage(dir.path(), {"--db", db, "sql",
                               "SELECT count(*) FROM artifact WHERE declared=1 AND (key LIKE 'a/%' OR key LIKE 'b/%')",
                               "--format", "csv"});
  CHECK_THAT(r.out, Catch::Contains("30000"));
}

TEST_CASE("A damaged store gives every query an error naming it, never a crash", "[fault]") {
  TempDir dir;
  std::string db = dir / "s.db";
  WriteFile(dir / "d.jsonl", Dump("d", 6000));
  REQUIRE(testing::RunLineage(dir.path(), {"--db", db, "ingest", dir / "d.jsonl", "--no-progress"}).code == 0);
  REQUIRE(testing::RunLineage(dir.path(), {"--db", db, "descendants", "base/m00001"}).code == 0);
  // Overwrite every page past the first eighth with noise: the header and
  // the schema still read, the tables do not.
  {
    std::string bytes = ReadFile(db);
    REQUIRE(bytes.size() > 64 * 1024);
    std::mt19937 rng(7);
    for (size_t i = bytes.size() / 8; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng());
    WriteFile(db, bytes);
  }
  const std::vector<Strings> queries = {
      {"descendants", "base/m00001"}, {"chain", "d/m05999"},
      {"stats"},                      {"show", "d/m05999"},
      {"export", "dot"},              {"flows", "--from", "US", "--to", "CN"},
      {"licenses", "check", "d/m05999"}};
  for (const auto& q : queries) {
    Strings args = {"--db", db};
    args.insert(args.end(), q.begin(), q.end());
    Output r = testing::RunLineage(dir.path(), args);
    INFO(q.front() << " exit " << r.code << ": " << r.err);
    CHECK(r.code >= 1);
    CHECK(r.code < 128);  // an exit, not a signal (abort, segfault)
    CHECK_THAT(r.err, Catch::StartsWith("lineage: "));
    CHECK_THAT(r.err, Catch::Contains("malformed") || Catch::Contains("not a database") ||
                          Catch::Contains("s.db"));
  }
}

}  // namespace
}  // namespace lineage
