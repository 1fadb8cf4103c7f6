// Tests for the store's bulk write path (src/store/bulk.cc): a large run
// defers secondary indexes and builds them again, and answers as the
// row-by-row path does.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "lineage/store.h"
#include "store/key_id_map.h"
#include "store/schema.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::MakeDoc;
using testing::MakeEvidence;
using testing::OpenStore;
using testing::Parents;
using testing::TempDir;
using Strings = std::vector<std::string>;

constexpr int kLarge = 10050;  // past the bulk threshold of 10,000 documents

Strings Indexes(const Store& store) {
  auto rows = store.Query("SELECT name FROM sqlite_master WHERE type='index' ORDER BY name");
  REQUIRE(rows.ok());
  Strings out;
  for (size_t i = 1; i < rows->size(); ++i) out.push_back((*rows)[i][0]);
  return out;
}

std::string One(const Store& store, const std::string& sql) {
  auto rows = store.Query(sql);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  return (*rows)[1][0];
}

std::string Id(int i) { return "org" + std::to_string(i % 97) + "/m" + std::to_string(i); }

// Model i, a fine-tune of model i - 1.
DocumentFacts Model(int i) {
  return MakeDoc("hub:" + Id(i), "h" + std::to_string(i), Id(i), {i > 0 ? Id(i - 1) : "base/root"});
}

TEST_CASE("A large ingest run leaves the store as a small one would", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  const Strings fresh_indexes = Indexes(*store);
  REQUIRE(store->BeginRun("bulk").ok());
  for (int i = 0; i < kLarge; ++i) REQUIRE(store->ApplyDocument(Model(i)).ok());

  SECTION("after commit every index is back and every edge answers") {
    // A reader during the run sees the store as it was, every index in place.
    CHECK(Indexes(*store) == fresh_indexes);
    REQUIRE(store->CommitRun(nullptr).ok());
    CHECK(Indexes(*store) == fresh_indexes);
    CHECK(Parents(*store, Id(5000)) == Strings{Id(4999)});
    CHECK(One(*store, "SELECT count(*) FROM edge") == std::to_string(kLarge));
    // One origin row per document, written with its hash and run.
    CHECK(One(*store, "SELECT count(*) FROM origin WHERE name LIKE 'hub:%' AND hash IS NOT NULL "
                      "AND run IS NOT NULL") == std::to_string(kLarge));
    CHECK(One(*store, "SELECT count(*) - count(DISTINCT name) FROM origin") == "0");
    CHECK(One(*store, "PRAGMA integrity_check") == "ok");
    auto kids = testing::Must(store->ChildEdges(Id(4999)));
    REQUIRE(kids.size() == 1);
    CHECK(kids[0].child == Id(5000));
  }
  SECTION("a document read again in the run replaces what it said before") {
    DocumentFacts again = Model(42);
    again.content_hash = "changed";
    again.edges.clear();
    REQUIRE(store->ApplyDocument(again).ok());
    REQUIRE(store->CommitRun(nullptr).ok());
    CHECK(Parents(*store, Id(42)).empty());
    CHECK(Indexes(*store) == fresh_indexes);
    CHECK(One(*store, "SELECT count(*) FROM evidence WHERE origin='hub:" + Id(42) + "'") == "0");
  }
  SECTION("a second record of an artifact in the run is merged, never erasing the first") {
    DocumentFacts card = MakeDoc("card:" + Id(7), "c", Id(7));
    card.artifact->license = "mit";
    REQUIRE(store->ApplyDocument(card).ok());
    REQUIRE(store->CommitRun(nullptr).ok());
    auto a = store->GetArtifact(Id(7));
    REQUIRE(a.ok());
    CHECK(a->license == "mit");
    CHECK(One(*store, "SELECT count(*) FROM artifact_record a JOIN artifact x ON x.id = a.artifact "
                      "WHERE x.key = '" + Id(7) + "'") == "2");
    // The merge ran inside the card's document, before its origin row's last
    // write: both records still name their documents, and the artifact the
    // better one (the card).
    CHECK(One(*store, "SELECT group_concat(a.origin, ' ') FROM (SELECT r.origin FROM "
                      "artifact_record r JOIN artifact x ON x.id = r.artifact WHERE x.key = '" +
                          Id(7) + "' ORDER BY r.origin) a") == "card:" + Id(7) + " hub:" + Id(7));
    CHECK(One(*store, "SELECT o.name FROM artifact x JOIN origin o ON o.id = x.origin WHERE x.key = '" +
                          Id(7) + "'") == "card:" + Id(7));
    CHECK(One(*store, "SELECT count(*) FROM origin WHERE name IS NULL OR name = ''") == "0");
    CHECK(One(*store, "SELECT count(*) FROM origin WHERE name = 'card:" + Id(7) +
                          "' AND hash IS NOT NULL AND run IS NOT NULL") == "1");
  }
  SECTION("a rolled back run leaves the store and its indexes as they were") {
    store->RollbackRun();
    CHECK(Indexes(*store) == fresh_indexes);
    CHECK(One(*store, "SELECT count(*) FROM artifact_record WHERE origin LIKE 'hub:%'") == "0");
  }
}

TEST_CASE("An edge a document gives twice shows its strongest evidence", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts f = MakeDoc("hub:a/x", "h", "a/x", {"b/y"});
  f.edges[0].evidence = {MakeEvidence("hub.tag", Relation::kAdapter, 0.6),
                         MakeEvidence("card.base_model", Relation::kMerge, 0.95),
                         MakeEvidence("other", Relation::kQuantized, 0.95)};
  testing::ApplyRun(*store, {f});
  auto parents = testing::Must(store->ParentEdges("a/x"));
  REQUIRE(parents.size() == 1);
  CHECK(parents[0].relation == Relation::kMerge);
  CHECK(parents[0].confidence == Approx(0.95));
  CHECK(parents[0].evidence.size() == 3);
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// rtrim(X, Y) as one connection answers it: `fast` registers the store's own.
std::vector<std::string> RtrimResults(bool fast, const std::vector<std::string>& cases) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  if (fast) schema::RegisterFastRtrim(db);
  std::vector<std::string> out;
  for (const std::string& sql : cases) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const unsigned char* t = sqlite3_column_text(st, 0);
    std::string text = t ? std::string(reinterpret_cast<const char*>(t),
                                       static_cast<size_t>(sqlite3_column_bytes(st, 0)))
                         : std::string("<null>");
    out.push_back(text + "|type" + std::to_string(sqlite3_column_type(st, 0)));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

TEST_CASE("The store's rtrim(X, Y) answers as SQLite's built-in does", "[store][bulk]") {
  std::vector<std::string> cases = {
      "SELECT rtrim('qwen/qwen2.5-7b', 'qwenqwen2.5-7b')",
      "SELECT substr(k, length(rtrim(k, replace(k, '/', ''))) + 1) FROM (SELECT "
      "'datasets/org/name-v1' AS k)",
      "SELECT rtrim('no-slash', 'no-slash')",
      "SELECT rtrim('', 'abc')",
      "SELECT rtrim('abc', '')",
      "SELECT rtrim(NULL, 'a')",
      "SELECT rtrim('abc', NULL)",
      "SELECT rtrim(12300, '0')",
      "SELECT rtrim(1.5, '5')",
      "SELECT rtrim('xyz/ünïcödé', 'ünïcödéxyz')",
      "SELECT rtrim('abcé', 'é')",
      "SELECT rtrim('abc' || char(233), char(233))",
      "SELECT rtrim(CAST(X'61C3A9C3' AS TEXT), CAST(X'C3' AS TEXT))",
      "SELECT rtrim(CAST(X'6180A9' AS TEXT), CAST(X'A9' AS TEXT))",
      "SELECT rtrim(CAST(X'61C3A9' AS TEXT), CAST(X'A9' AS TEXT))",
      "SELECT rtrim('a日本語', '語本')",
      "SELECT rtrim('aaa', 'a')",
      "SELECT rtrim('  padded  ', ' ')",
      "SELECT rtrim(X'616263', 'c')",
  };
  CHECK(RtrimResults(true, cases) == RtrimResults(false, cases));
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("The run's id cache finds every key it was given, through its growth", "[store][bulk]") {
  store_detail::KeyIdMap map;
  CHECK(map.Find("a") == nullptr);
  for (int64_t i = 1; i <= 50000; ++i) map.Put("org/model-" + std::to_string(i), i);
  map.Put("", 7);
  map.Put("org/model-5", 99);  // kept: Put without replace keeps the first id
  REQUIRE(map.size() == 50001);
  for (int64_t i = 1; i <= 50000; ++i) {
    const int64_t* id = map.Find("org/model-" + std::to_string(i));
    REQUIRE(id != nullptr);
    CHECK(*id == i);
  }
  CHECK(*map.Find("") == 7);
  CHECK(map.Find("org/model-50001") == nullptr);
  CHECK(map.Find("org/model-") == nullptr);
  map.Put("org/model-5", 99, /*replace=*/true);
  CHECK(*map.Find("org/model-5") == 99);
  map.Release();
  CHECK(map.size() == 0);
  CHECK(map.Find("org/model-1") == nullptr);

  store_detail::StringList list;
  list.Add("x");
  list.Add("");
  list.Add("yz");
  CHECK(list.ToVector() == std::vector<std::string>{"x", "", "yz"});
}

}  // namespace
}  // namespace lineage
