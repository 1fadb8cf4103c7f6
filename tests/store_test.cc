// Tests for include/lineage/store.h, on stores in temporary folders.
#include <chrono>
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lineage/analysis.h"
#include "lineage/graph.h"
#include "lineage/store.h"
#include "store/schema.h"
#include "store/walk_reads.h"
#include "raw_sql.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::ApplyRun;
using testing::MakeDoc;
using testing::MakeEdge;
using testing::MakeEvidence;
using testing::NodeIds;
using testing::OpenStore;
using testing::Parents;
using testing::TempDir;
using Strings = std::vector<std::string>;

using testing::RawExec;

int64_t Count(const Store& store, const std::string& table) {
  auto rows = store.Query("SELECT count(*) FROM " + table);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  return std::stoll((*rows)[1][0]);
}

TEST_CASE("Store::Open creates a store and reopens it", "[store]") {
  TempDir dir;
  std::string path = dir / "s.db";
  {
    auto store = OpenStore(path);
    ApplyRun(*store, {MakeDoc("card:a/x", "h1", "a/x", {"b/y"})});
  }
  SECTION("read-write") {
    auto store = OpenStore(path);
    CHECK(Parents(*store, "a/x") == Strings{"b/y"});
  }
  SECTION("read-only") {
    auto store = OpenStore(path, Store::Mode::kReadOnly);
    CHECK(Parents(*store, "a/x") == Strings{"b/y"});
    CHECK(store->BeginRun("x").code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("Store::Open read-only does not create a missing store", "[store]") {
  TempDir dir;
  auto s = Store::Open(dir / "missing.db", Store::Mode::kReadOnly);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == Status::Code::kNotFound);
  CHECK_FALSE(std::filesystem::exists(dir / "missing.db"));
}

TEST_CASE("Store::Open checks the schema version", "[store]") {
  TempDir dir;
  std::string path = dir / "s.db";
  { OpenStore(path); }
  SECTION("a store newer than this build is Corruption") {
    RawExec(path, "PRAGMA user_version = 99");
    for (auto mode : {Store::Mode::kReadWrite, Store::Mode::kReadOnly}) {
      auto s = Store::Open(path, mode);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().code() == Status::Code::kCorruption);
      CHECK_THAT(s.status().message(), Catch::Contains("99"));
    }
  }
  SECTION("a sqlite file that is not a lineage store is Corruption and left alone") {
    std::string other = dir / "other.db";
    RawExec(other, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine')");
    auto s = Store::Open(other, Store::Mode::kReadWrite);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == Status::Code::kCorruption);
    CHECK_THAT(s.status().message(), Catch::Contains("not a lineage store"));
    // No lineage table was added to the user's file.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, nullptr);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  SECTION("an empty existing file opened read-only is NotFound, not a crash") {
    std::string empty = dir / "empty.db";
    testing::WriteFile(empty, "");
    auto s = Store::Open(empty, Store::Mode::kReadOnly);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == Status::Code::kNotFound);
  }
}

TEST_CASE("Store::Open on a file that is not SQLite at all is Corruption", "[store]") {
  // store.h: "Corruption when the file is not a lineage store".
  TempDir dir;
  std::string path = dir / "notes.txt";
  testing::WriteFile(path, std::string("These are my notes, not a database.\n") +
                               std::string(4096, 'x'));
  auto s = Store::Open(path, Store::Mode::kReadWrite);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == Status::Code::kCorruption);
  CHECK(testing::ReadFile(path).rfind("These are my notes", 0) == 0);
}

TEST_CASE("ApplyDocument skips a document whose hash did not change", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  REQUIRE(store->BeginRun("first").ok());
  REQUIRE(store->ApplyDocument(MakeDoc("card:a/x", "h1", "a/x", {"b/y"})).ok());
  CHECK(store->run_counts().documents == 1);
  CHECK(store->run_counts().edges == 1);
  REQUIRE(store->CommitRun(nullptr).ok());
  CHECK(store->DocumentUnchanged("card:a/x", "h1"));
  CHECK_FALSE(store->DocumentUnchanged("card:a/x", "h2"));
  CHECK_FALSE(store->DocumentUnchanged("card:other", "h1"));

  REQUIRE(store->BeginRun("second").ok());
  REQUIRE(store->ApplyDocument(MakeDoc("card:a/x", "h1", "a/x", {"b/y"})).ok());
  Store::RunCounts c = store->run_counts();
  CHECK(c.documents == 0);
  CHECK(c.unchanged == 1);
  CHECK(c.edges == 0);
  REQUIRE(store->CommitRun(nullptr).ok());
  CHECK(Parents(*store, "a/x") == Strings{"b/y"});
  CHECK(testing::Must(store->ParentEdges("a/x"))[0].evidence.size() == 1);  // evidence not doubled
  CHECK(Count(*store, "edge") == 1);
}

TEST_CASE("A newer version of a document replaces what the older one said", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts v1 = MakeDoc("card:a/x", "h1", "a/x", {"b/old"});
  v1.artifact->license = "mit";
  v1.diagnostics.push_back({"a/x/README.md", 3, "warning", "duplicate_base_model", "twice"});
  ApplyRun(*store, {v1});
  REQUIRE(Parents(*store, "a/x") == Strings{"b/old"});
  REQUIRE(testing::Must(store->Diagnostics()).size() == 1);

  DocumentFacts v2 = MakeDoc("card:a/x", "h2", "a/x", {"c/new"});
  v2.artifact->license = "apache-2.0";
  ApplyRun(*store, {v2});

  SECTION("the old edge is removed and the new one added") {
    CHECK(Parents(*store, "a/x") == Strings{"c/new"});
    CHECK(testing::Must(store->ChildEdges("b/old")).empty());
    CHECK(Count(*store, "edge") == 1);
  }
  SECTION("attributes and diagnostics follow the new version") {
    auto a = store->GetArtifact("a/x");
    REQUIRE(a.ok());
    CHECK(a->license == "apache-2.0");
    CHECK(testing::Must(store->Diagnostics()).empty());
  }
  SECTION("the old parent stays known as an undeclared artifact") {
    auto b = store->GetArtifact("b/old");
    REQUIRE(b.ok());
    CHECK_FALSE(b->declared);
  }
}

// Schema 10 stores a model's only record without attributes, a source that
// is its document's as NULL and a dump's file as a length into FILE:LINE.
TEST_CASE("A compact store reads back every record, source and evidence as written", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts hub = MakeDoc("hub:a/x@1", "aa01", "a/x", {"b/y"});
  hub.artifact->source = "/data/dump.jsonl:7";
  hub.artifact->license = "mit";
  hub.artifact->pipeline_tag = "text-generation";
  hub.edges[0].evidence[0].source = "/data/dump.jsonl";
  hub.edges[0].evidence[0].line = 9;
  ApplyRun(*store, {hub});
  auto records = [&] {
    return testing::Must(store->Query(
        "SELECT origin, license, pipeline_tag, source FROM artifact_record ORDER BY origin"));
  };
  SECTION("an only record shows the artifact's attributes") {
    auto r = records();
    REQUIRE(r.size() == 2);
    CHECK(r[1] == Strings{"hub:a/x@1", "mit", "text-generation", "/data/dump.jsonl:7"});
    auto a = testing::Must(store->GetArtifact("a/x"));
    CHECK(a.source == "/data/dump.jsonl:7");
    auto e = testing::Must(store->ParentEdges("a/x"));
    REQUIRE(e.size() == 1);
    REQUIRE(e[0].evidence.size() == 1);
    CHECK(e[0].evidence[0].source == "/data/dump.jsonl");
    CHECK(e[0].evidence[0].line == 9);
    auto d = testing::Must(store->Query("SELECT origin, hash, source FROM document"));
    CHECK(d[1] == Strings{"hub:a/x@1", "aa01", "/data/dump.jsonl:7"});
  }
  SECTION("a second record keeps the first one's attributes, and re-reading it keeps the other") {
    DocumentFacts card = MakeDoc("card:a/x", "c1", "a/x", {"b/y"});
    card.artifact->source = "/cards/a/x/README.md";
    card.artifact->license = "apache-2.0";
    ApplyRun(*store, {card});
    auto r = records();
    REQUIRE(r.size() == 3);
    CHECK(r[1] == Strings{"card:a/x", "apache-2.0", "", "/cards/a/x/README.md"});
    CHECK(r[2] == Strings{"hub:a/x@1", "mit", "text-generation", "/data/dump.jsonl:7"});
    auto a = testing::Must(store->GetArtifact("a/x"));
    CHECK(a.license == "apache-2.0");           // the owner's card first
    CHECK(a.pipeline_tag == "text-generation");  // what only the dump says
    CHECK(a.source == "/cards/a/x/README.md");
    DocumentFacts card2 = card;
    card2.content_hash = "c2";
    card2.artifact->license = "gpl-3.0";
    ApplyRun(*store, {card2});
    r = records();
    REQUIRE(r.size() == 3);
    CHECK(r[1] == Strings{"card:a/x", "gpl-3.0", "", "/cards/a/x/README.md"});
    CHECK(r[2] == Strings{"hub:a/x@1", "mit", "text-generation", "/data/dump.jsonl:7"});
    auto e = testing::Must(store->ParentEdges("a/x"));
    REQUIRE(e.size() == 1);
    CHECK(e[0].evidence.size() == 2);
  }
}

TEST_CASE("Evidence from two documents merges on one edge", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts card = MakeDoc("card:a/x", "c1", "a/x", {"b/y"});
  card.edges[0].relation = Relation::kFinetune;
  card.edges[0].relation_inferred = true;
  card.edges[0].evidence[0].relation_inferred = true;
  DocumentFacts hub;
  hub.origin = "hub:a/x";
  hub.content_hash = "x1";
  Edge tag = MakeEdge("a/x", "b/y", Relation::kQuantized, 0.95, "hub.tag");
  hub.edges.push_back(tag);
  ApplyRun(*store, {card, hub});

  auto edges = testing::Must(store->ParentEdges("a/x"));
  REQUIRE(edges.size() == 1);
  CHECK(edges[0].evidence.size() == 2);
  Strings kinds;
  for (const auto& ev : edges[0].evidence) kinds.push_back(ev.kind);
  std::sort(kinds.begin(), kinds.end());
  CHECK(kinds == Strings{"card.base_model", "hub.tag"});
  SECTION("a declared relation outranks an inferred one of the same confidence") {
    CHECK(edges[0].relation == Relation::kQuantized);
    CHECK_FALSE(edges[0].relation_inferred);
  }
  SECTION("dropping one document keeps the edge with the other's evidence") {
    hub.content_hash = "x2";
    hub.edges.clear();
    ApplyRun(*store, {hub});
    auto after = testing::Must(store->ParentEdges("a/x"));
    REQUIRE(after.size() == 1);
    REQUIRE(after[0].evidence.size() == 1);
    CHECK(after[0].evidence[0].kind == "card.base_model");
    CHECK(after[0].relation == Relation::kFinetune);
    CHECK(after[0].relation_inferred);
  }
  SECTION("dropping both documents' claims removes the edge") {
    hub.content_hash = "x2";
    hub.edges.clear();
    card.content_hash = "c2";
    card.edges.clear();
    ApplyRun(*store, {hub, card});
    CHECK(testing::Must(store->ParentEdges("a/x")).empty());
  }
}

TEST_CASE("RollbackRun leaves the store as it was before the run", "[store]") {
  TempDir dir;
  std::string path = dir / "s.db";
  auto store = OpenStore(path);
  ApplyRun(*store, {MakeDoc("card:a/x", "h1", "a/x", {"b/y"})});
  StoreStats before = testing::Must(store->Stats());

  REQUIRE(store->BeginRun("doomed").ok());
  REQUIRE(store->ApplyDocument(MakeDoc("card:a/x", "h2", "a/x", {"c/z"})).ok());
  REQUIRE(store->ApplyDocument(MakeDoc("card:n/new", "h1", "n/new", {"a/x"})).ok());
  REQUIRE(store->UpsertOrganization({"a", "A Inc", "US", "company", "https://a.example"},
                                    "file:orgs.csv")
              .ok());
  store->RollbackRun();

  CHECK(Parents(*store, "a/x") == Strings{"b/y"});
  CHECK_FALSE(store->GetArtifact("n/new").ok());
  CHECK_FALSE(store->GetArtifact("c/z").ok());
  CHECK(testing::Must(store->Organizations()).empty());
  StoreStats after = testing::Must(store->Stats());
  CHECK(after.artifacts == before.artifacts);
  CHECK(after.edges == before.edges);
  CHECK(store->DocumentUnchanged("card:a/x", "h1"));

  SECTION("a later run works normally") {
    ApplyRun(*store, {MakeDoc("card:a/x", "h3", "a/x", {"d/w"})});
    CHECK(Parents(*store, "a/x") == Strings{"d/w"});
  }
  SECTION("closing the store mid-run rolls back too") {
    REQUIRE(store->BeginRun("crash").ok());
    REQUIRE(store->ApplyDocument(MakeDoc("card:q/q", "h1", "q/q")).ok());
    store.reset();
    auto reopened = OpenStore(path);
    CHECK_FALSE(reopened->GetArtifact("q/q").ok());
    CHECK(Parents(*reopened, "a/x") == Strings{"b/y"});
  }
}

TEST_CASE("ApplyDocument outside a run is refused", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  Status st = store->ApplyDocument(MakeDoc("card:a/x", "h1", "a/x"));
  CHECK(st.code() == Status::Code::kInvalidInput);
  CHECK_FALSE(store->GetArtifact("a/x").ok());
  CHECK(store->CommitRun(nullptr).code() == Status::Code::kInvalidInput);
}

TEST_CASE("Bare names are resolved against the whole store when the run commits", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts child = MakeDoc("card:me/ft", "h1", "me/ft");
  Evidence ev = MakeEvidence("card.base_model", Relation::kFinetune, 0.95, "me/ft/README.md", 2);
  ev.detail = "Llama-2-7b-hf";
  child.pending.push_back({"Llama-2-7b-hf", ev});

  SECTION("one declared match: an edge with lowered confidence") {
    ApplyRun(*store, {child, MakeDoc("card:meta-llama/llama-2-7b-hf", "h1",
                                     "meta-llama/Llama-2-7b-hf")});
    auto edges = testing::Must(store->ParentEdges("me/ft"));
    REQUIRE(edges.size() == 1);
    CHECK(edges[0].parent == "meta-llama/Llama-2-7b-hf");
    REQUIRE(edges[0].evidence.size() == 1);
    CHECK(edges[0].evidence[0].confidence < 0.95);
    CHECK_THAT(edges[0].evidence[0].detail, Catch::Contains("meta-llama/Llama-2-7b-hf"));
    CHECK(testing::Must(store->Diagnostics()).empty());
  }
  SECTION("the match may arrive in a later run") {
    ApplyRun(*store, {child});
    CHECK(testing::Must(store->ParentEdges("me/ft")).empty());
    ApplyRun(*store, {MakeDoc("card:meta-llama/llama-2-7b-hf", "h1", "meta-llama/Llama-2-7b-hf")});
    CHECK(Parents(*store, "me/ft") == Strings{"meta-llama/Llama-2-7b-hf"});
    CHECK(testing::Must(store->Diagnostics()).empty());  // the earlier "unresolved" is gone
  }
  SECTION("no match: an unresolved_name diagnostic") {
    ApplyRun(*store, {child});
    CHECK(testing::Must(store->ParentEdges("me/ft")).empty());
    auto d = testing::Must(store->Diagnostics());
    REQUIRE(d.size() == 1);
    CHECK(d[0].code == "unresolved_name");
    CHECK(d[0].source == "me/ft/README.md");
    CHECK(d[0].line == 2);
  }
  SECTION("several matches: no guess, the candidates are named") {
    ApplyRun(*store, {child, MakeDoc("card:a/llama-2-7b-hf", "h1", "a/Llama-2-7b-hf"),
                      MakeDoc("card:b/llama-2-7b-hf", "h1", "b/Llama-2-7b-hf")});
    CHECK(testing::Must(store->ParentEdges("me/ft")).empty());
    auto d = testing::Must(store->Diagnostics());
    REQUIRE(d.size() == 1);
    CHECK(d[0].code == "unresolved_name");
    CHECK_THAT(d[0].message, Catch::Contains("a/Llama-2-7b-hf") && Catch::Contains("b/Llama-2-7b-hf"));
  }
}

TEST_CASE("CommitRun records each cycle as a diagnostic spelled a -> b -> a", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  ApplyRun(*store, {MakeDoc("card:a/x", "h1", "a/x", {"b/y"}),
                    MakeDoc("card:b/y", "h1", "b/y", {"a/x"})},
           FindCycles);
  auto d = testing::Must(store->Diagnostics());
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "cycle");
  CHECK_THAT(d[0].message, Catch::Contains("a/x -> b/y -> a/x") ||
                               Catch::Contains("b/y -> a/x -> b/y"));
  SECTION("breaking the cycle clears the diagnostic") {
    ApplyRun(*store, {MakeDoc("card:b/y", "h2", "b/y")}, FindCycles);
    CHECK(testing::Must(store->Diagnostics()).empty());
  }
}

TEST_CASE("ResolveId finds what users type", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts ds;
  ds.origin = "card:me/ft";
  ds.content_hash = "h1";
  ds.edges.push_back(MakeEdge("me/ft", "datasets/tatsu-lab/alpaca", Relation::kTrainedOn));
  ApplyRun(*store, {MakeDoc("card:qwen/qwen2-7b", "h", "Qwen/Qwen2-7B"),
                    MakeDoc("card:qwen/qwen2-7b-instruct", "h", "Qwen/Qwen2-7B-Instruct",
                            {"Qwen/Qwen2-7B"}),
                    MakeDoc("card:newlab/model", "h", "newlab/Model"), ds});
  REQUIRE(store->BeginRun("alias").ok());
  REQUIRE(store->AddAlias("oldlab", "newlab", "https://example.org", "file:aliases.csv").ok());
  REQUIRE(store->CommitRun(nullptr).ok());

  auto resolve = [&](const std::string& text) {
    auto r = store->ResolveId(text);
    INFO(text << " -> " << r.status().ToString());
    REQUIRE(r.ok());
    return r.value();
  };
  SECTION("any case gives the display id") {
    CHECK(resolve("qwen/qwen2-7b") == "Qwen/Qwen2-7B");
    CHECK(resolve("QWEN/QWEN2-7B-INSTRUCT") == "Qwen/Qwen2-7B-Instruct");
  }
  SECTION("a huggingface.co URL") {
    CHECK(resolve("https://huggingface.co/Qwen/Qwen2-7B/tree/main") == "Qwen/Qwen2-7B");
  }
  SECTION("a bare name that only one artifact has") {
    CHECK(resolve("qwen2-7b-instruct") == "Qwen/Qwen2-7B-Instruct");
  }
  SECTION("a dataset named without datasets/") {
    CHECK(resolve("tatsu-lab/alpaca") == "datasets/tatsu-lab/alpaca");
  }
  SECTION("a renamed namespace") {
    CHECK(resolve("oldlab/model") == "newlab/Model");
  }
  SECTION("a typo is NotFound with a did you mean") {
    auto r = store->ResolveId("Qwen/Qwen2-7B-Instrcut");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kNotFound);
    CHECK(r.status().message() ==
          "unknown model 'Qwen/Qwen2-7B-Instrcut', did you mean 'Qwen/Qwen2-7B-Instruct'?");
  }
  SECTION("the right name under the wrong namespace suggests the right one") {
    auto r = store->ResolveId("alibaba/Qwen2-7B");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("did you mean 'Qwen/Qwen2-7B'?"));
  }
  SECTION("nothing close gives no suggestion") {
    auto r = store->ResolveId("zzzzzzzz/yyyyyyyyyyyy");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "unknown model 'zzzzzzzz/yyyyyyyyyyyy'");
  }
}

// a -> b -> c -> d (child -> parent), plus e -> c.
std::vector<DocumentFacts> Chain4() {
  return {MakeDoc("card:a/a", "h", "a/A", {"b/B"}), MakeDoc("card:b/b", "h", "b/B", {"c/C"}),
          MakeDoc("card:c/c", "h", "c/C", {"d/D"}), MakeDoc("card:d/d", "h", "d/D"),
          MakeDoc("card:e/e", "h", "e/E", {"c/C"})};
}

TEST_CASE("Chain walks every ancestor with its shortest depth", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  ApplyRun(*store, Chain4());
  auto g = store->Chain("A/a");  // any case
  REQUIRE(g.ok());
  CHECK(g->root == "a/A");
  CHECK(NodeIds(*g) == Strings{"a/A", "b/B", "c/C", "d/D"});
  std::vector<int> depths;
  for (const auto& n : g->nodes) depths.push_back(n.depth);
  CHECK(depths == std::vector<int>{0, 1, 2, 3});
  REQUIRE(g->edges.size() == 3);
  CHECK(g->edges[0].child == "a/A");
  CHECK(g->edges[0].parent == "b/B");
  CHECK(g->edges[0].evidence.size() == 1);
  SECTION("max_depth stops the walk") {
    auto one = store->Chain("a/A", 1);
    REQUIRE(one.ok());
    CHECK(NodeIds(*one) == Strings{"a/A", "b/B"});
    CHECK(one->edges.size() == 1);
    auto zero = store->Chain("a/A", 0);
    REQUIRE(zero.ok());
    CHECK(NodeIds(*zero) == Strings{"a/A"});
    CHECK(zero->edges.empty());
  }
  SECTION("a root has only itself") {
    auto root = store->Chain("d/D");
    REQUIRE(root.ok());
    CHECK(NodeIds(*root) == Strings{"d/D"});
  }
  SECTION("an unknown id is NotFound") {
    CHECK(store->Chain("x/y").status().code() == Status::Code::kNotFound);
  }
}

TEST_CASE("Descendants walks everything derived, down to max_depth", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  ApplyRun(*store, Chain4());
  auto g = store->Descendants("d/D");
  REQUIRE(g.ok());
  CHECK(NodeIds(*g) == Strings{"d/D", "c/C", "b/B", "e/E", "a/A"});
  CHECK(g->nodes[3].depth == 2);
  CHECK(g->edges.size() == 4);
  SECTION("depth 1") {
    auto one = store->Descendants("c/C", 1);
    REQUIRE(one.ok());
    CHECK(NodeIds(*one) == Strings{"c/C", "b/B", "e/E"});
    CHECK(one->edges.size() == 2);
  }
}

TEST_CASE("Chain on a diamond reports the shortest depth and every edge once", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  // m merges l and r; l -> base, r -> mid -> base.
  ApplyRun(*store, {MakeDoc("card:m", "h", "x/m", {"x/l", "x/r"}, Relation::kMerge),
                    MakeDoc("card:l", "h", "x/l", {"x/base"}),
                    MakeDoc("card:r", "h", "x/r", {"x/mid"}),
                    MakeDoc("card:mid", "h", "x/mid", {"x/base"})});
  auto g = store->Chain("x/m");
  REQUIRE(g.ok());
  auto base = std::find_if(g->nodes.begin(), g->nodes.end(),
                           [](const GraphNode& n) { return n.artifact.id == "x/base"; });
  REQUIRE(base != g->nodes.end());
  CHECK(base->depth == 2);
  CHECK(g->edges.size() == 5);
  SECTION("edges are sorted by (child, parent)") {
    for (size_t i = 1; i < g->edges.size(); ++i) {
      auto prev = std::make_pair(IdKey(g->edges[i - 1].child), IdKey(g->edges[i - 1].parent));
      auto cur = std::make_pair(IdKey(g->edges[i].child), IdKey(g->edges[i].parent));
      CHECK(prev < cur);
    }
  }
}

TEST_CASE("Chain and Descendants terminate on a cycle", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  ApplyRun(*store, {MakeDoc("card:a", "h", "c/a", {"c/b"}), MakeDoc("card:b", "h", "c/b", {"c/c"}),
                    MakeDoc("card:c", "h", "c/c", {"c/a"})});
  auto up = store->Chain("c/a");
  REQUIRE(up.ok());
  CHECK(NodeIds(*up) == Strings{"c/a", "c/b", "c/c"});
  CHECK(up->edges.size() == 3);
  auto down = store->Descendants("c/a");
  REQUIRE(down.ok());
  CHECK(down->nodes.size() == 3);
  CHECK(down->edges.size() == 3);
}

TEST_CASE("Query answers read-only SQL with a header row", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  ApplyRun(*store, {MakeDoc("card:a/x", "h1", "a/x", {"b/y"})});
  auto rows = store->Query("SELECT display FROM artifact ORDER BY key");
  REQUIRE(rows.ok());
  CHECK(*rows == std::vector<Strings>{{"display"}, {"a/x"}, {"b/y"}});
  SECTION("a trailing semicolon is fine") {
    CHECK(store->Query("SELECT 1 AS one;").ok());
  }
  SECTION("NULL reads as empty") {
    auto r = store->Query("SELECT NULL AS n");
    REQUIRE(r.ok());
    CHECK((*r)[1][0] == "");
  }
}

TEST_CASE("Query refuses anything that would write", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  ApplyRun(*store, {MakeDoc("card:a/x", "h1", "a/x", {"b/y"})});
  auto version_before = store->Query("PRAGMA user_version");
  REQUIRE(version_before.ok());
  for (const char* sql : {
           "INSERT INTO artifact(key, display, kind, namespace, name_key) VALUES('z','z',0,'','z')",
           "DELETE FROM artifact",
           "UPDATE artifact SET display='pwned'",
           "DROP TABLE edge",
           "CREATE TABLE t(x)",
           "PRAGMA user_version = 7",
           "SELECT 1; DELETE FROM artifact",
           "SELECT 1; SELECT 2",
           "WITH x AS (SELECT 1) DELETE FROM edge",
           "VACUUM",
       }) {
    INFO(sql);
    auto r = store->Query(sql);
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidInput);
  }
  CHECK(Count(*store, "artifact") == 2);
  CHECK(Count(*store, "edge") == 1);
  auto v = store->Query("PRAGMA user_version");
  REQUIRE(v.ok());
  CHECK(*v == *version_before);
  CHECK(Parents(*store, "a/x") == Strings{"b/y"});
  SECTION("connection-only pragmas and ATTACH cannot write through it either") {
    // These may be accepted: they only change the throwaway read-only
    // connection. What matters is that nothing reaches a file.
    (void)store->Query("PRAGMA writable_schema = 1");
    auto r = store->Query("DELETE FROM artifact");
    CHECK_FALSE(r.ok());
    std::string attached = dir / "attached.db";
    (void)store->Query("ATTACH DATABASE '" + attached + "' AS other");
    CHECK_FALSE(std::filesystem::exists(attached));
    CHECK(Count(*store, "artifact") == 2);
  }
  SECTION("syntax errors and empty input are InvalidInput") {
    CHECK(store->Query("SELEC 1").status().code() == Status::Code::kInvalidInput);
    CHECK(store->Query("").status().code() == Status::Code::kInvalidInput);
    CHECK(store->Query("   ").status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("Organizations, aliases and blocs are stored and joined to artifacts", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  REQUIRE(store->BeginRun("tables").ok());
  REQUIRE(store->ApplyDocument(MakeDoc("card:qwen/a", "h", "Qwen/A")).ok());
  REQUIRE(store->ApplyDocument(MakeDoc("card:oldlab/b", "h", "oldlab/B")).ok());
  REQUIRE(store->UpsertOrganization({"Qwen", "Alibaba Cloud", "CN", "company", "https://q.example"},
                                    "file:orgs.csv")
              .ok());
  REQUIRE(store->UpsertOrganization({"newlab", "New Lab", "FR", "academic", "https://n.example"},
                                    "file:orgs.csv")
              .ok());
  REQUIRE(store->AddAlias("OldLab", "NewLab", "https://n.example/moved", "file:aliases.csv").ok());
  REQUIRE(store->SetBloc("West", {"us", "FR"}, "file:blocs.json").ok());
  REQUIRE(store->CommitRun(nullptr).ok());

  auto a = store->GetArtifact("qwen/a");
  REQUIRE(a.ok());
  CHECK(a->organization == "Alibaba Cloud");
  CHECK(a->country == "CN");
  CHECK(a->country_source == "https://q.example");
  SECTION("a renamed namespace takes the new one's organization") {
    auto b = store->GetArtifact("oldlab/B");
    REQUIRE(b.ok());
    CHECK(b->organization == "New Lab");
    CHECK(b->country == "FR");
  }
  SECTION("blocs are stored under a lower-case name with upper-case countries") {
    auto blocs = testing::Must(store->Blocs());
    REQUIRE(blocs.size() == 1);
    CHECK(blocs[0].first == "west");
    CHECK(blocs[0].second == Strings{"FR", "US"});
  }
  SECTION("organizations list in namespace order, as written") {
    auto orgs = testing::Must(store->Organizations());
    REQUIRE(orgs.size() == 2);
    CHECK(orgs[0].ns == "newlab");
    CHECK(orgs[1].ns == "Qwen");
  }
  SECTION("Stats counts coverage") {
    StoreStats s = testing::Must(store->Stats());
    CHECK(s.models == 2);
    CHECK(s.models_with_country == 2);
    CHECK(s.organizations == 2);
  }
}

TEST_CASE("Stats counts artifacts, edges by relation and diagnostics", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  DocumentFacts d = MakeDoc("card:a/x", "h1", "a/x", {"b/y", "c/z"}, Relation::kMerge);
  d.edges.push_back(MakeEdge("a/x", "datasets/o/data", Relation::kTrainedOn, 0.9, "card.datasets"));
  d.diagnostics.push_back({"a/x/README.md", 2, "warning", "self_reference", "self"});
  ApplyRun(*store, {d});
  StoreStats s = testing::Must(store->Stats());
  CHECK(s.artifacts == 4);
  CHECK(s.declared == 1);
  CHECK(s.by_kind[0] == 3);
  CHECK(s.by_kind[1] == 1);
  CHECK(s.edges == 3);
  CHECK(s.edges_by_relation[static_cast<int>(Relation::kMerge)] == 2);
  CHECK(s.edges_by_relation[static_cast<int>(Relation::kTrainedOn)] == 1);
  CHECK(s.diagnostics == 1);
  REQUIRE(s.diagnostics_by_code.size() == 1);
  CHECK(s.diagnostics_by_code[0].first == "self_reference");
  CHECK(s.evidence_by_kind ==
        std::vector<std::pair<std::string, int64_t>>{{"card.base_model", 2}, {"card.datasets", 1}});
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression: one card produced 199,999 diagnostics.
TEST_CASE("A document's diagnostics are capped, with one saying how many were left out",
          "[store]") {
  TempDir dir;
  auto store = testing::OpenStore(dir / "s.db");
  DocumentFacts f;
  f.origin = "card:a/b";
  f.content_hash = "1";
  for (int i = 0; i < 5000; ++i) {
    f.diagnostics.push_back({"a/b/README.md", i + 1, "error", "yaml", "bad line"});
  }
  REQUIRE(store->BeginRun("t").ok());
  REQUIRE(store->ApplyDocument(f).ok());
  REQUIRE(store->CommitRun(nullptr).ok());
  auto diags = testing::Must(store->Diagnostics());
  REQUIRE(diags.size() == kMaxDiagnosticsPerDocument + 1);
  int summaries = 0;
  for (const auto& d : diags) {
    if (d.code == "too_many_diagnostics") {
      ++summaries;
      CHECK_THAT(d.message, Catch::Contains(std::to_string(5000 - kMaxDiagnosticsPerDocument)));
    }
  }
  CHECK(summaries == 1);
}

// Regression (issue 14, item 5): a runaway recursive CTE grew to 1.9 GB, a
// count(*) over one spun forever, fts3_tokenizer() leaked a heap pointer, and
// `PRAGMA journal_mode` and `SELECT 1; -- c` were refused.
TEST_CASE("sql on WITH RECURSIVE c(x) stops at the timeout and the row cap", "[store]") {
  TempDir dir;
  auto store = testing::OpenStore(dir / "s.db");
  const std::string endless =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) ";
  std::vector<std::vector<std::string>> rows;
  auto collect = [&rows](const std::vector<std::string>& r) { rows.push_back(r); };
  bool truncated = false;
  SECTION("count(*) over it is stopped after the timeout") {
    auto start = std::chrono::steady_clock::now();
    Status st = store->QueryEach(endless + "SELECT count(*) FROM c", {0.5, 0}, collect, &truncated);
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(st.code() == Status::Code::kIoError);
    CHECK_THAT(st.message(), Catch::Contains("stopped after"));
    CHECK(took < 5);
  }
  SECTION("its rows stop at the cap, saying so") {
    REQUIRE(store->QueryEach(endless + "SELECT x FROM c", {10, 5}, collect, &truncated).ok());
    CHECK(truncated);
    REQUIRE(rows.size() == 6);  // the header and five rows
    CHECK(rows[5][0] == "5");
  }
  SECTION("a query under the cap is not marked truncated") {
    REQUIRE(store->QueryEach("SELECT 1", {10, 5}, collect, &truncated).ok());
    CHECK_FALSE(truncated);
  }
}

TEST_CASE("sql refuses fts3_tokenizer and allows PRAGMA journal_mode and SELECT 1; -- c",
          "[store]") {
  TempDir dir;
  auto store = testing::OpenStore(dir / "s.db");
  auto tok = store->Query("SELECT hex(fts3_tokenizer('simple'))");
  CHECK_FALSE(tok.ok());
  CHECK_THAT(tok.status().message(), Catch::Contains("fts3_tokenizer"));
  auto mode = store->Query("PRAGMA journal_mode");
  REQUIRE(mode.ok());
  CHECK(mode->size() == 2);
  auto commented = store->Query("SELECT 1; -- c");
  REQUIRE(commented.ok());
  CHECK((*commented)[1][0] == "1");
  CHECK_FALSE(store->Query("PRAGMA journal_mode = delete").ok());
  CHECK_FALSE(store->Query("SELECT 1; SELECT 2").ok());
  CHECK_FALSE(store->Query("SELECT 1; -- c\nDELETE FROM artifact").ok());
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

std::vector<std::string> IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  sqlite3_exec(db, "PRAGMA integrity_check", [](void* p, int, char** v, char**) {
    static_cast<std::vector<std::string>*>(p)->push_back(v[0] ? v[0] : "");
    return 0;
  }, &out, nullptr);
  sqlite3_close(db);
  return out;
}

// Regression (issue 14, item 11): on SQLite 3.40 integrity_check reported
// "NULL value in bloc_layer.seq" for every bloc row of a sound store.
TEST_CASE("PRAGMA integrity_check says ok on a store with bloc_layer rows", "[store]") {
  TempDir dir;
  std::string path = dir / "s.db";
  { auto store = testing::OpenStore(path); }
  SECTION("a new store") {
    CHECK(IntegrityCheck(path) == std::vector<std::string>{"ok"});
  }
  SECTION("a store of every older schema version migrates forward and checks ok") {
    const auto& migrations = schema::Migrations();
    for (size_t v = 1; v < migrations.size(); ++v) {
      INFO("from version " << v);
      std::string old_path = dir / ("v" + std::to_string(v) + ".db");
      sqlite3* db = nullptr;
      REQUIRE(sqlite3_open(old_path.c_str(), &db) == SQLITE_OK);
      // Version 11's migration names origins by hash, as Store::Open registers it.
      sqlite3_create_function(
          db, "lineage_name_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
          [](sqlite3_context* ctx, int, sqlite3_value** argv) {
            const unsigned char* t = sqlite3_value_text(argv[0]);
            if (!t) return sqlite3_result_null(ctx);
            size_t n = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
            sqlite3_result_int(
                ctx, schema::NameHash(std::string_view(reinterpret_cast<const char*>(t), n)));
          },
          nullptr, nullptr);
      for (size_t m = 0; m < v; ++m) {
        REQUIRE(sqlite3_exec(db, migrations[m], nullptr, nullptr, nullptr) == SQLITE_OK);
      }
      std::string pragmas = "PRAGMA application_id = " + std::to_string(schema::kApplicationId) +
                            "; PRAGMA user_version = " + std::to_string(v) + ";";
      REQUIRE(sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
      if (v >= 4) {
        REQUIRE(sqlite3_exec(db,
                             "INSERT INTO bloc_layer(name, origin, seq, country) "
                             "VALUES ('x', 'test', 0, 'FR')",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
      }
      if (v >= 10 && v <= 12) {
        // The same rows as below, in the layout of version 10 (11: origin_data,
        // 12: the evidence detail coded against the parent).
        std::string origin_row =
            v == 10 ? "INSERT INTO origin(id, name, source_prefix, source, hash, run) VALUES "
                      "(1, 'hub:org/m', NULL, 'dump.jsonl:3', 'abc', 1); "
                    : "INSERT INTO origin_data(id, name_hash, name, source_prefix, source, hash, "
                      "run) VALUES (1, " +
                          std::to_string(schema::NameHash("hub:org/m")) +
                          ", 'hub:org/m', NULL, 'dump.jsonl:3', 'abc', 1); ";
        REQUIRE(sqlite3_exec(
                    db,
                    (origin_row +
                    "INSERT INTO artifact(id, display, kind, declared, origin, license, "
                    "created_at, pipeline_tag, library_name) VALUES (7, 'org/M', 0, 1, 1, 'mit', "
                    "'2024-01-02T03:04:05.000Z', 'text-generation', 'peft'), "
                    "(8, 'org/Base', 0, 0, NULL, NULL, '2024-01-02T03:04:05.5Z', 'my-task', "
                    "'3'); "
                    "INSERT INTO artifact_record_data(artifact, origin, rank, seq, license, "
                    "license_name, license_link, pipeline_tag, library_name, created_at, "
                    "source, new_version, tags, languages) VALUES (7, 1, 2, 5, 'mit', '', '', "
                    "'text-generation', '', '2024-01-02', 'dump.jsonl:3', '', 'chat', 'en'); "
                    "INSERT INTO kind_code(id, name) VALUES (1, 'hub.tag'), (2, 'card.body_link'); "
                    "INSERT INTO edge(id, child, parent, relation, inferred, confidence) "
                    "VALUES (1, 7, 8, 0, 0, 0.95); "
                    "INSERT INTO evidence_data(edge, origin, kind, source, line, commit_id, "
                    "detail, relation, inferred, confidence) VALUES (1, 1, 1, 'dump.jsonl:3', "
                    "3, '', " + std::string(v == 12 ? "1" : "'base_model:finetune:org/Base'") + ", 0, 0, 0.95); "
                    "INSERT INTO signal_data(origin, artifact, kind, value, source, line, detail) "
                    "VALUES (1, 7, 2, 'org/Base', 'dump.jsonl:3', 4, 'x')").c_str(),
                    nullptr, nullptr, nullptr) == SQLITE_OK);
      }
      if (v >= 5 && v < 10) {
        // A record written by that version keeps every field through the migrations.
        REQUIRE(sqlite3_exec(db,
                             "INSERT INTO artifact(id, key, display, kind, namespace, name_key, "
                             "declared, origin, license, created_at) VALUES (7, 'org/m', 'org/M', "
                             "0, 'org', 'm', 1, 'hub:org/m', 'mit', '2024-01-02T03:04:05.000Z'); "
                             "INSERT INTO artifact_record(artifact, origin, rank, seq, license, "
                             "license_name, license_link, pipeline_tag, library_name, created_at, "
                             "source, new_version, tags, languages) VALUES (7, 'hub:org/m', 2, 5, "
                             "'mit', '', '', 'text-generation', '', '2024-01-02', 'dump.jsonl:3', "
                             "'', 'chat', 'en')",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
      }
      if (v >= 6 && v < 10) {
        // An edge with its evidence, the document and a signal of that version
        // keep every field through the migrations (version 10 codes them).
        REQUIRE(sqlite3_exec(db,
                             "INSERT INTO artifact(id, key, display, kind, namespace, name_key) "
                             "VALUES (8, 'org/base', 'org/Base', 0, 'org', 'base'); "
                             "INSERT INTO edge(id, child, parent, relation, inferred, confidence) "
                             "VALUES (1, 7, 8, 0, 0, 0.95); "
                             "INSERT INTO evidence(edge, origin, kind, source, line, commit_id, "
                             "detail, relation, inferred, confidence) VALUES (1, 'hub:org/m', "
                             "'hub.tag', 'dump.jsonl:3', 3, '', 'base_model:finetune:org/Base', "
                             "0, 0, 0.95); "
                             "INSERT INTO document(origin, hash, run) VALUES ('hub:org/m', 'abc', 1); "
                             "INSERT INTO signal(origin, artifact, kind, value, source, line, "
                             "detail) VALUES ('hub:org/m', 7, 'card.body_link', 'org/Base', "
                             "'dump.jsonl:3', 4, 'x')",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
      }
      sqlite3_close(db);
      {
        auto store = testing::OpenStore(old_path);
        auto uv = store->Query("PRAGMA user_version");
        REQUIRE(uv.ok());
        CHECK((*uv)[1][0] == std::to_string(migrations.size()));
        if (v >= 4) {
          auto x = store->Query("SELECT country FROM bloc_layer WHERE name = 'x'");
          REQUIRE(x.ok());
          REQUIRE(x->size() == 2);
          CHECK((*x)[1][0] == "FR");
        }
        if (v >= 5) {
          auto r = store->Query(
              "SELECT artifact, origin, rank, seq, license, pipeline_tag, created_at, source, "
              "tags, languages, downloads, last_modified FROM artifact_record");
          REQUIRE(r.ok());
          REQUIRE(r->size() == 2);
          CHECK((*r)[1] == std::vector<std::string>{"7", "hub:org/m", "2", "5", "mit",
                                                    "text-generation", "2024-01-02",
                                                    "dump.jsonl:3", "chat", "en", "-1", ""});
          auto a = store->GetArtifact("org/M");
          REQUIRE(a.ok());
          CHECK(a->license == "mit");
          auto k = store->Query("SELECT key, namespace, name_key FROM artifact WHERE id = 7");
          REQUIRE(k.ok());
          CHECK((*k)[1] == std::vector<std::string>{"org/m", "org", "m"});
          // Version 13 keeps the Hub's createdAt as Unix time, shown as before.
          CHECK(a->created_at == "2024-01-02T03:04:05.000Z");
          auto c = store->Query("SELECT created_at, typeof(created_time), created_time FROM "
                                "artifact WHERE id = 7");
          REQUIRE(c.ok());
          CHECK((*c)[1] == std::vector<std::string>{"2024-01-02T03:04:05.000Z", "integer",
                                                    "1704164645"});
        }
        if (v >= 10) {
          auto c = store->Query("SELECT created_at, typeof(created_time) FROM artifact "
                                "WHERE id = 8");
          REQUIRE(c.ok());
          CHECK((*c)[1] == std::vector<std::string>{"2024-01-02T03:04:05.5Z", "text"});
          auto codes = store->Query("SELECT pipeline_tag, library_name, typeof(pipeline_code), "
                                    "typeof(library_code) FROM artifact ORDER BY id");
          REQUIRE(codes.ok());
          REQUIRE(codes->size() == 3);
          CHECK((*codes)[1] == std::vector<std::string>{"text-generation", "peft", "integer",
                                                        "integer"});
          CHECK((*codes)[2] == std::vector<std::string>{"my-task", "3", "text", "text"});
          auto lic = store->Query("SELECT license, typeof(license_code) FROM artifact WHERE id = 7");
          REQUIRE(lic.ok());
          CHECK((*lic)[1] == std::vector<std::string>{"mit", "integer"});
        }
        if (v >= 6) {
          auto e = store->Query(
              "SELECT edge, origin, kind, source, line, detail, confidence FROM evidence");
          REQUIRE(e.ok());
          REQUIRE(e->size() == 2);
          CHECK((*e)[1] == std::vector<std::string>{"1", "hub:org/m", "hub.tag", "dump.jsonl:3",
                                                    "3", "base_model:finetune:org/Base",
                                                    "0.95"});
          auto d = store->Query("SELECT origin, hash, run FROM document");
          REQUIRE(d.ok());
          REQUIRE(d->size() == 2);
          CHECK((*d)[1] == std::vector<std::string>{"hub:org/m", "abc", "1"});
          auto sig = store->Query("SELECT origin, artifact, kind, value, source, line, detail "
                                  "FROM signal");
          REQUIRE(sig.ok());
          REQUIRE(sig->size() == 2);
          CHECK((*sig)[1] == std::vector<std::string>{"hub:org/m", "7", "card.body_link",
                                                      "org/Base", "dump.jsonl:3", "4", "x"});
          auto chain = store->Chain("org/M");
          REQUIRE(chain.ok());
          REQUIRE(chain->edges.size() == 1);
          REQUIRE(chain->edges[0].evidence.size() == 1);
          CHECK(chain->edges[0].evidence[0].kind == "hub.tag");
          CHECK(chain->edges[0].evidence[0].source == "dump.jsonl:3");
          CHECK(chain->edges[0].evidence[0].detail == "base_model:finetune:org/Base");
          // Version 12 codes it against the parent.
          auto coded = store->Query("SELECT typeof(detail), detail FROM evidence_data");
          REQUIRE(coded.ok());
          CHECK((*coded)[1] == std::vector<std::string>{"integer", "1"});
        }
      }
      CHECK(IntegrityCheck(old_path) == std::vector<std::string>{"ok"});
    }
  }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

std::vector<std::vector<std::string>> Rows(const Store& store, const std::string& sql) {
  auto r = store.Query(sql);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("Origins named after their artifact keep only the artifact and a form", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  auto hub = MakeDoc("hub:org/m@9e9bedd6", "h1", "Org/M", {"org/Base"});
  hub.artifact->source = "dump.jsonl:3";
  auto card = MakeDoc("card:org/base", "h2", "org/Base");
  // A name that is not its artifact's key stays text.
  auto other = MakeDoc("file:notes.md", "h3", "org/Other", {"org/Base"});
  ApplyRun(*store, {hub, card, other});
  CHECK(Rows(*store, "SELECT count(*) FROM origin WHERE name IN ('card:org/base', "
                     "'file:notes.md', 'hub:org/m@9e9bedd6')")[1][0] == "3");
  CHECK(Rows(*store, "SELECT count(*) FROM origin_data WHERE name IS NULL")[1][0] == "2");
  CHECK(Rows(*store, "SELECT name FROM origin_data WHERE name IS NOT NULL AND name "
                     "NOT LIKE 'builtin:%'") == std::vector<Strings>{{"name"}, {"file:notes.md"}});
  CHECK(Rows(*store, "SELECT prefix, suffix FROM origin_form ORDER BY id") ==
        std::vector<Strings>{{"prefix", "suffix"}, {"hub:", "@9e9bedd6"}, {"card:", ""}});
  // Every name is found again: unchanged documents are skipped, changed ones replace.
  CHECK(store->DocumentUnchanged("hub:org/m@9e9bedd6", "h1"));
  CHECK(store->DocumentUnchanged("card:org/base", "h2"));
  CHECK(store->DocumentUnchanged("file:notes.md", "h3"));
  CHECK_FALSE(store->DocumentUnchanged("hub:org/m@00000000", "h1"));
  CHECK(Rows(*store, "SELECT origin, source FROM evidence WHERE origin LIKE 'hub:%'") ==
        std::vector<Strings>{{"origin", "source"}, {"hub:org/m@9e9bedd6", "test"}});
  CHECK(Rows(*store, "SELECT origin, hash, source FROM document WHERE origin LIKE 'hub:%'") ==
        std::vector<Strings>{{"origin", "hash", "source"}, {"hub:org/m@9e9bedd6", "h1",
                                                            "dump.jsonl:3"}});
  auto again = MakeDoc("hub:org/m@9e9bedd6", "h1b", "Org/M", {"org/Other"});
  REQUIRE(store->BeginRun("again").ok());
  REQUIRE(store->ApplyDocument(hub).ok());
  CHECK(store->run_counts().unchanged == 1);
  REQUIRE(store->ApplyDocument(again).ok());
  CHECK(store->run_counts().documents == 1);
  REQUIRE(store->CommitRun(nullptr).ok());
  CHECK(Parents(*store, "Org/M") == Strings{"org/Other"});
  CHECK(Rows(*store, "SELECT count(*) FROM origin WHERE name = 'hub:org/m@9e9bedd6'")[1][0] ==
        "1");
  CHECK(IntegrityCheck(dir / "s.db") == std::vector<std::string>{"ok"});
}

TEST_CASE("Migration to version 11 keeps every origin's name, source and document", "[store]") {
  TempDir dir;
  std::string path = dir / "v10.db";
  const auto& migrations = schema::Migrations();
  REQUIRE(migrations.size() >= 11);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  for (size_t m = 0; m < 10; ++m) {
    REQUIRE(sqlite3_exec(db, migrations[m], nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  std::string pragmas = "PRAGMA application_id = " + std::to_string(schema::kApplicationId) +
                        "; PRAGMA user_version = 10;";
  REQUIRE(sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(
              db,
              "INSERT INTO source_prefix(id, text) VALUES (1, 'dump.jsonl:'), (2, 'cards/');"
              "INSERT INTO origin(id, name, source_prefix, source, hash, run) VALUES "
              "(1, 'hub:org/m@9e9bedd6', 1, '3', x'abcd', 1), "
              "(2, 'card:org/base', 2, 'org/Base/README.md', x'0123', 1), "
              "(3, 'infer:org/m', NULL, NULL, NULL, NULL), "
              "(4, 'edges:e.csv', NULL, 'e.csv', 'text-hash', 2), "
              "(5, 'card:org/renamed', 2, 'x', x'ff', 1);"
              "INSERT INTO artifact(id, display, kind, declared, origin) VALUES "
              "(7, 'Org/M', 0, 1, 1), (8, 'org/Base', 0, 1, 2), (9, 'org/New', 0, 1, 5);",
              nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  const std::string views =
      "SELECT 'o', id, name, source_prefix, source, hex(hash), run FROM origin UNION ALL "
      "SELECT 's', id, name, source, NULL, NULL, NULL FROM origin_source UNION ALL "
      "SELECT 'd', origin, hash, run, source, NULL, NULL FROM document ORDER BY 1, 2";
  std::vector<Strings> before;
  {
    // The version-10 views, read straight from the file.
    sqlite3* r = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &r) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(r, views.c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      Strings row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.push_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      before.push_back(row);
    }
    sqlite3_finalize(st);
    sqlite3_close(r);
  }
  REQUIRE(before.size() == 14);
  auto store = OpenStore(path);
  auto after = Rows(*store, views);
  after.erase(after.begin());  // the header
  CHECK(after == before);
  // The two named after their artifact's key are derived; the others stay text.
  CHECK(Rows(*store, "SELECT id, artifact FROM origin_data WHERE name IS NULL ORDER BY id") ==
        std::vector<Strings>{{"id", "artifact"}, {"1", "7"}, {"2", "8"}});
  CHECK(store->DocumentUnchanged("hub:org/m@9e9bedd6", "abcd"));
  CHECK(store->DocumentUnchanged("card:org/renamed", "ff"));
  CHECK(store->DocumentUnchanged("edges:e.csv", "text-hash"));
  CHECK(IntegrityCheck(path) == std::vector<std::string>{"ok"});
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// The details of every evidence piece, as each read path gives them.
Strings DetailsOf(const Subgraph& g) {
  Strings out;
  for (const auto& e : g.edges) {
    for (const auto& ev : e.evidence) out.push_back(e.child + " <- " + e.parent + ": " + ev.detail);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("Evidence details coded against the parent read back as written", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  auto base = MakeDoc("card:org/base", "h1", "org/Base");
  auto c1 = MakeDoc("card:org/c1", "h2", "org/C1", {"org/Base"});
  c1.edges[0].evidence[0].detail = "org/Base";
  c1.edges[0].evidence.push_back(c1.edges[0].evidence[0]);
  c1.edges[0].evidence[1].kind = "hub.tag";
  c1.edges[0].evidence[1].detail = "base_model:adapter:org/Base";
  c1.edges[0].evidence.push_back(c1.edges[0].evidence[0]);
  c1.edges[0].evidence[2].kind = "hub.other";
  c1.edges[0].evidence[2].detail = "not the parent's id";
  auto c2 = MakeDoc("card:org/c2", "h3", "org/C2", {"datasets/org/data"});
  c2.edges[0].evidence[0].detail = "org/data";
  // Named as a parent in one case, declared in another later in the same run.
  auto c3 = MakeDoc("card:org/c3", "h4", "org/C3", {"x/late"});
  c3.edges[0].evidence[0].detail = "base_model:finetune:x/late";
  auto late = MakeDoc("card:x/late", "h5", "X/Late");
  // Coded in this run; its parent's display id changes in the next one.
  auto c4 = MakeDoc("card:org/c4", "h6", "org/C4", {"y/renamed"});
  c4.edges[0].evidence[0].detail = "base_model:quantized:y/renamed";
  c4.edges[0].evidence.push_back(c4.edges[0].evidence[0]);
  c4.edges[0].evidence[1].kind = "hub.tag";
  c4.edges[0].evidence[1].detail = "y/renamed";
  ApplyRun(*store, {base, c1, c2, c3, late, c4});
  Strings expect = {
      "org/C1 <- org/Base: base_model:adapter:org/Base",
      "org/C1 <- org/Base: not the parent's id", "org/C1 <- org/Base: org/Base",
      "org/C2 <- datasets/org/data: org/data",
      "org/C3 <- X/Late: base_model:finetune:x/late",
      "org/C4 <- y/renamed: base_model:quantized:y/renamed", "org/C4 <- y/renamed: y/renamed"};
  auto sql_details = [&] {
    Strings out;
    for (const auto& r : Rows(*store,
                              "SELECT c.display, p.display, v.detail FROM evidence v JOIN edge e "
                              "ON e.id = v.edge JOIN artifact c ON c.id = e.child JOIN artifact p "
                              "ON p.id = e.parent")) {
      if (r[0] == "display") continue;
      out.push_back(r[0] + " <- " + r[1] + ": " + r[2]);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(sql_details() == expect);
  // Most are stored as codes; the others keep their text.
  CHECK(Rows(*store, "SELECT typeof(detail), count(*) FROM evidence_data GROUP BY 1 ORDER BY 1") ==
        std::vector<Strings>{{"typeof(detail)", "count(*)"}, {"integer", "3"}, {"null", "2"},
                             {"text", "2"}});
  auto chains = [&] {
    Strings out;
    for (const char* id : {"org/C1", "org/C2", "org/C3", "org/C4"}) {
      auto g = testing::Must(store->Chain(id));
      for (auto& s : DetailsOf(g)) out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto descendants = [&] {
    Strings out;
    for (const char* id : {"org/Base", "datasets/org/data", "X/Late", "y/renamed"}) {
      auto g = testing::Must(store->Descendants(id));
      for (auto& s : DetailsOf(g)) out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(chains() == expect);
  CHECK(descendants() == expect);
  // The parent is declared as "Y/Renamed": the details coded against
  // "y/renamed" are spelled out and read the same.
  ApplyRun(*store, {MakeDoc("card:y/renamed", "h7", "Y/Renamed")});
  for (auto& s : expect) {
    if (s.rfind("org/C4", 0) == 0) s.replace(s.find("y/renamed"), 9, "Y/Renamed");
  }
  CHECK(chains() == expect);
  CHECK(descendants() == expect);
  CHECK(sql_details() == expect);
  // The walks' reads through the views answer the same.
  store_detail::UseViewWalkReads(true);
  Strings by_views_chain = chains(), by_views_descendants = descendants();
  store_detail::UseViewWalkReads(false);
  CHECK(by_views_chain == expect);
  CHECK(by_views_descendants == expect);
  CHECK(Rows(*store, "SELECT count(*) FROM detail_parent_change")[1][0] == "0");
  CHECK(IntegrityCheck(dir / "s.db") == std::vector<std::string>{"ok"});
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("A record's lastModified is stored as Unix time only when it reads back the same",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  const Strings stamps = {"2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05.123Z",
                          "2024-02-30T00:00:00.000Z", "1969-12-31T23:59:59.000Z",
                          "2024-01-02 03:04:05",      "yesterday", ""};
  std::vector<DocumentFacts> docs;
  for (size_t i = 0; i < stamps.size(); ++i) {
    auto d = MakeDoc("hub:org/m" + std::to_string(i) + "@1", "h" + std::to_string(i),
                     "org/M" + std::to_string(i));
    d.artifact->last_modified = stamps[i];
    docs.push_back(d);
  }
  ApplyRun(*store, docs);
  std::vector<Strings> want = {{"display", "last_modified"}};
  for (size_t i = 0; i < stamps.size(); ++i) {
    want.push_back({"org/M" + std::to_string(i), stamps[i]});
    auto a = testing::Must(store->GetArtifact("org/M" + std::to_string(i)));
    CHECK(a.last_modified == stamps[i]);
  }
  CHECK(Rows(*store, "SELECT a.display, r.last_modified FROM artifact_record r JOIN artifact a "
                     "ON a.id = r.artifact ORDER BY a.display") == want);
  CHECK(Rows(*store, "SELECT typeof(last_modified), count(*) FROM artifact_record_data "
                     "GROUP BY 1 ORDER BY 1") ==
        std::vector<Strings>{{"typeof(last_modified)", "count(*)"}, {"integer", "2"},
                             {"text", "5"}});
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("HubTimeText spells a Unix time as SQLite's strftime does, and HubSeconds reads it back",
          "[store]") {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT strftime('%Y-%m-%dT%H:%M:%S.000Z', ?1, 'unixepoch')",
                             -1, &st, nullptr) == SQLITE_OK);
  // Years 1000..9999 (all HubSeconds codes): the ends, leap days, day and
  // year boundaries, and a spread of times between.
  std::vector<int64_t> times = {-30610224000, -30610223999, 0, 1, 86399, 86400, 951782400,
                                951868799, 1709164800, 1704164645, 253402300799};
  for (int64_t t = -30610224000; t < 253402300799; t += 987654321) times.push_back(t);
  for (int64_t t = -30610224000 + 13; t < 253402300799; t += 86400 * 3661 + 7) {
    times.push_back(t);
  }
  for (int64_t t : times) {
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, t);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::string want(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    char buf[25];
    INFO(t);
    CHECK(std::string(schema::HubTimeText(t, buf)) == want);
    int64_t back = 0;
    CHECK(schema::HubSeconds(want, &back));
    CHECK(back == t);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("An artifact's createdAt is stored as Unix time only when it reads back the same",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  const Strings stamps = {"2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05.123Z",
                          "2024-02-30T00:00:00.000Z", "1969-12-31T23:59:59.000Z",
                          "2024-02-29T23:59:59.000Z", "2023-02-29T00:00:00.000Z",
                          "2024-01-02T24:00:00.000Z", "2024-01-02T03:04:60.000Z",
                          "0999-01-01T00:00:00.000Z", "9999-12-31T23:59:59.000Z",
                          "2024-01-02T03:04:05.000z", "+024-01-02T03:04:05.000Z",
                          "2024-01-02 03:04:05",      "2024-01-02", "1704164645", "yesterday", ""};
  std::vector<DocumentFacts> docs;
  for (size_t i = 0; i < stamps.size(); ++i) {
    auto d = MakeDoc("hub:org/m" + std::to_string(i) + "@1", "h" + std::to_string(i),
                     "org/M" + std::to_string(i));
    d.artifact->created_at = stamps[i];
    docs.push_back(d);
  }
  ApplyRun(*store, docs);
  std::vector<Strings> want = {{"display", "created_at", "typeof(created_time)"}};
  std::vector<Strings> records = {{"display", "created_at"}};
  for (size_t i = 0; i < stamps.size(); ++i) {
    std::string display = "org/M" + std::to_string(i);
    bool coded = i == 0 || i == 3 || i == 4 || i == 9;
    want.push_back({display, stamps[i].empty() ? "" : stamps[i],
                    stamps[i].empty() ? "null" : coded ? "integer" : "text"});
    records.push_back({display, stamps[i]});
    auto a = testing::Must(store->GetArtifact(display));
    CHECK(a.created_at == stamps[i]);
  }
  std::sort(want.begin() + 1, want.end());
  std::sort(records.begin() + 1, records.end());
  CHECK(Rows(*store, "SELECT display, created_at, typeof(created_time) FROM artifact WHERE "
                     "display LIKE 'org/M%' ORDER BY display") == want);
  CHECK(Rows(*store, "SELECT a.display, r.created_at FROM artifact_record r JOIN artifact a "
                     "ON a.id = r.artifact ORDER BY a.display") == records);
  // The C++ rule agrees with SQLite's strftime on every coded value.
  CHECK(Rows(*store, "SELECT count(*) FROM artifact WHERE typeof(created_time) = 'integer' AND "
                     "CAST(strftime('%s', created_at) AS INTEGER) <> created_time")[1][0] == "0");
  // A changed document replaces the time; retracting it clears it.
  auto again = docs[0];
  again.content_hash = "h0b";
  again.artifact->created_at = "2025-06-07T08:09:10.000Z";
  ApplyRun(*store, {again});
  CHECK(Rows(*store, "SELECT created_at, created_time FROM artifact WHERE display = 'org/M0'") ==
        std::vector<Strings>{{"created_at", "created_time"},
                             {"2025-06-07T08:09:10.000Z", "1749283750"}});
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("An artifact's pipeline tag and library are stored as codes only when listed",
          "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  Strings pipes(std::begin(schema::kPipelineCodes), std::end(schema::kPipelineCodes));
  Strings libs(std::begin(schema::kLibraryCodes), std::end(schema::kLibraryCodes));
  // Not listed: stays text, numbers and near misses included.
  const Strings others = {"Text-Generation", "text-generation ", "0", "1", "7", "custom", ""};
  std::vector<DocumentFacts> docs;
  std::vector<Strings> want = {{"display", "pipeline_tag", "library_name", "p", "l"}};
  size_t n = std::max(pipes.size(), libs.size()) + others.size();
  for (size_t i = 0; i < n; ++i) {
    std::string p = i < pipes.size() ? pipes[i] : others[(i - pipes.size()) % others.size()];
    std::string l = i < libs.size() ? libs[i] : others[(i - libs.size()) % others.size()];
    std::string display = "org/M" + std::to_string(1000 + i);
    auto d = MakeDoc("hub:org/m" + std::to_string(1000 + i) + "@1", "h" + std::to_string(i),
                     display);
    d.artifact->pipeline_tag = p;
    d.artifact->library_name = l;
    docs.push_back(d);
    auto type = [](const std::string& v, bool listed) {
      return v.empty() ? std::string("null") : listed ? "integer" : "text";
    };
    want.push_back({display, p, l, type(p, i < pipes.size()), type(l, i < libs.size())});
  }
  ApplyRun(*store, docs);
  CHECK(Rows(*store, "SELECT display, COALESCE(pipeline_tag, ''), COALESCE(library_name, ''), "
                     "typeof(pipeline_code), typeof(library_code) FROM artifact WHERE display "
                     "LIKE 'org/M%' ORDER BY display")
            .size() == want.size());
  auto got = Rows(*store, "SELECT display, COALESCE(pipeline_tag, ''), COALESCE(library_name, ''), "
                          "typeof(pipeline_code), typeof(library_code) FROM artifact WHERE "
                          "display LIKE 'org/M%' ORDER BY display");
  for (size_t i = 1; i < want.size(); ++i) CHECK(got[i] == want[i]);
  for (size_t i = 1; i < want.size(); ++i) {
    auto a = testing::Must(store->GetArtifact(want[i][0]));
    CHECK(a.pipeline_tag == want[i][1]);
    CHECK(a.library_name == want[i][2]);
  }
  // The record view borrows them from the artifact row.
  CHECK(Rows(*store, "SELECT count(*) FROM artifact_record r JOIN artifact a ON a.id = "
                     "r.artifact WHERE r.pipeline_tag <> COALESCE(a.pipeline_tag, '') OR "
                     "r.library_name <> COALESCE(a.library_name, '')")[1][0] == "0");
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Schema v13 has no index by origin on artifact or artifact_record_data: a
// changed document finds what it wrote through origin_data.artifact.
TEST_CASE("A changed document replaces its artifact's attributes and record without an origin "
          "index", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  // A name that is not its artifact's key, and one that is.
  auto file = MakeDoc("file:notes.md", "h1", "org/Other", {"org/Base"});
  file.artifact->license = "mit";
  file.artifact->pipeline_tag = "text-generation";
  auto hub = MakeDoc("hub:org/a@1", "h2", "org/A", {"org/Base"});
  hub.artifact->license = "apache-2.0";
  hub.artifact->created_at = "2024-01-02T03:04:05.000Z";
  ApplyRun(*store, {file, hub});
  CHECK(Rows(*store, "SELECT count(*) FROM sqlite_schema WHERE name IN ('artifact_origin', "
                     "'artifact_record_origin')")[1][0] == "0");
  CHECK(Rows(*store, "SELECT a.display FROM origin_data o JOIN artifact a ON a.id = o.artifact "
                     "WHERE o.name = 'file:notes.md'") == std::vector<Strings>{{"display"},
                                                                               {"org/Other"}});
  // Each now declares another artifact.
  auto file2 = MakeDoc("file:notes.md", "h1b", "org/Else", {"org/Base"});
  file2.artifact->license = "gpl-3.0";
  auto hub2 = MakeDoc("hub:org/a@1", "h2b", "org/B");
  hub2.artifact->license = "cc-by-4.0";
  ApplyRun(*store, {file2, hub2});
  CHECK(Rows(*store, "SELECT display, declared, COALESCE(license, ''), COALESCE(pipeline_tag, ''), "
                     "COALESCE(created_at, '') FROM artifact WHERE display IN ('org/Other', "
                     "'org/A', 'org/Else', 'org/B') ORDER BY display") ==
        std::vector<Strings>{{"display", "declared", "COALESCE(license, '')",
                              "COALESCE(pipeline_tag, '')", "COALESCE(created_at, '')"},
                             {"org/A", "0", "", "", ""},
                             {"org/B", "1", "cc-by-4.0", "", ""},
                             {"org/Else", "1", "gpl-3.0", "", ""},
                             {"org/Other", "0", "", "", ""}});
  CHECK(Rows(*store, "SELECT a.display, r.origin, r.license FROM artifact_record r JOIN artifact a "
                     "ON a.id = r.artifact ORDER BY a.display") ==
        std::vector<Strings>{{"display", "origin", "license"},
                             {"org/B", "hub:org/a@1", "cc-by-4.0"},
                             {"org/Else", "file:notes.md", "gpl-3.0"}});
  // The hub name no longer derives from org/B: it is kept as text and found again.
  CHECK(store->DocumentUnchanged("hub:org/a@1", "h2b"));
  CHECK(store->DocumentUnchanged("file:notes.md", "h1b"));
  CHECK(Rows(*store, "SELECT count(*) FROM origin WHERE name = 'hub:org/a@1'")[1][0] == "1");
  // A third version goes back to the first artifact.
  ApplyRun(*store, {hub});
  CHECK(Rows(*store, "SELECT a.display, r.origin FROM artifact_record r JOIN artifact a ON a.id = "
                     "r.artifact ORDER BY a.display") ==
        std::vector<Strings>{{"display", "origin"},
                             {"org/A", "hub:org/a@1"},
                             {"org/Else", "file:notes.md"}});
  CHECK(Rows(*store, "SELECT declared, license, created_at FROM artifact WHERE display = 'org/B'")
            [1] == Strings{"0", "", ""});
  CHECK(Parents(*store, "org/A") == Strings{"org/Base"});
  CHECK(IntegrityCheck(dir / "s.db") == std::vector<std::string>{"ok"});
}

TEST_CASE("Replacing a document reads no whole table at 2M (query plans)", "[store]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  for (const char* sql :
       {"EXPLAIN QUERY PLAN SELECT 1 FROM artifact_record_data WHERE artifact=1 AND origin=2",
        "EXPLAIN QUERY PLAN SELECT 1 FROM artifact WHERE id=1 AND origin=2",
        "EXPLAIN QUERY PLAN SELECT artifact FROM origin_data WHERE id=2"}) {
    INFO(sql);
    for (const auto& row : Rows(*store, sql)) {
      for (const auto& cell : row) CHECK(cell.find("SCAN") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace lineage
