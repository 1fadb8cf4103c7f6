// Tests for include/lineage/ingest.h: Ingest over card folders, Hub dumps and
// the small curated tables, on temporary folders and stores.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "lineage/ingest.h"
#include "lineage/store.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::Contains;
using testing::OpenStore;
using testing::Parents;
using testing::TempDir;
using testing::WriteCard;
using testing::WriteFile;
using Strings = std::vector<std::string>;

IngestSummary Run(Store& store, const Strings& paths, IngestOptions options = {}) {
  std::ostringstream log;
  options.threads = options.threads ? options.threads : 2;
  auto r = Ingest(store, paths, options, log);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r.value();
}

Strings Sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<Diagnostic> DiagsWithCode(const Store& store, const std::string& code) {
  std::vector<Diagnostic> out;
  for (const auto& d : testing::Must(store.Diagnostics())) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

const Edge* EdgeTo(const std::vector<Edge>& edges, const std::string& parent) {
  for (const auto& e : edges) {
    if (IdKey(e.parent) == IdKey(parent)) return &e;
  }
  return nullptr;
}

// Every base_model form found in the wild, one card each.
void WriteAwkwardCards(const std::string& root) {
  WriteCard(root, "meta-llama/Llama-2-7b-hf", "---\nlicense: llama2\n---\n# Llama 2\n");
  WriteCard(root, "Qwen/Qwen2-7B", "---\nlicense: apache-2.0\n---\n# Qwen2\n");
  WriteCard(root, "a/string", "---\nbase_model: Qwen/Qwen2-7B\n---\n");
  WriteCard(root, "a/block",
            "---\nbase_model:\n  - Qwen/Qwen2-7B\n  - meta-llama/Llama-2-7b-hf\n---\n");
  WriteCard(root, "a/flow", "---\nbase_model: [Qwen/Qwen2-7B, meta-llama/Llama-2-7b-hf]\n---\n");
  WriteCard(root, "a/empty", "---\nbase_model: []\nlicense: mit\n---\n");
  WriteCard(root, "a/null", "---\nbase_model:\nlicense: mit\n---\n");
  WriteCard(root, "a/quoted-empty", "---\nbase_model: \"\"\n---\n");
  WriteCard(root, "a/url", "---\nbase_model: https://huggingface.co/Qwen/Qwen2-7B\n---\n");
  WriteCard(root, "a/url-tree",
            "---\nbase_model: https://huggingface.co/meta-llama/Llama-2-7b-hf/tree/main\n---\n");
  WriteCard(root, "a/bare", "---\nbase_model: Llama-2-7b-hf\n---\n");
  WriteCard(root, "a/dup", "---\nbase_model: [Qwen/Qwen2-7B, qwen/qwen2-7b]\n---\n");
  WriteCard(root, "a/self", "---\nbase_model: a/self\n---\n");
  WriteCard(root, "a/nested", "---\nquantization:\n  base_model: x/tool\n---\n");
  WriteCard(root, "a/crlf", "---\r\nbase_model: Qwen/Qwen2-7B\r\nlicense: mit\r\n---\r\n");
  WriteCard(root, "a/bom", "\xEF\xBB\xBF---\nbase_model: Qwen/Qwen2-7B\n---\n");
  WriteCard(root, "a/latin1", "---\nbase_model: Qwen/Qwen2-7B\ndescription: caf\xE9\n---\n");
}

TEST_CASE("Ingest reads every awkward base_model form from a card folder", "[ingest]") {
  TempDir dir;
  WriteAwkwardCards(dir / "cards");
  auto store = OpenStore(dir / "s.db");
  IngestSummary s = Run(*store, {dir / "cards"});
  CHECK(s.documents == 17);
  CHECK(s.unchanged == 0);

  CHECK(Parents(*store, "a/string") == Strings{"Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/block") == Strings{"meta-llama/Llama-2-7b-hf", "Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/flow") == Strings{"meta-llama/Llama-2-7b-hf", "Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/empty").empty());
  CHECK(Parents(*store, "a/null").empty());
  CHECK(Parents(*store, "a/quoted-empty").empty());
  CHECK(Parents(*store, "a/url") == Strings{"Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/url-tree") == Strings{"meta-llama/Llama-2-7b-hf"});
  CHECK(Parents(*store, "a/bare") == Strings{"meta-llama/Llama-2-7b-hf"});
  CHECK(Parents(*store, "a/dup") == Strings{"Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/self").empty());
  CHECK(Parents(*store, "a/nested").empty());
  CHECK(Parents(*store, "a/crlf") == Strings{"Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/bom") == Strings{"Qwen/Qwen2-7B"});
  CHECK(Parents(*store, "a/latin1") == Strings{"Qwen/Qwen2-7B"});

  SECTION("a merge of two bases is inferred as merge") {
    for (const auto& e : testing::Must(store->ParentEdges("a/flow"))) {
      CHECK(e.relation == Relation::kMerge);
      CHECK(e.relation_inferred);
    }
  }
  SECTION("the display id is the folder's spelling, found in any case") {
    auto a = store->GetArtifact("qwen/qwen2-7b");
    REQUIRE(a.ok());
    CHECK(a->id == "Qwen/Qwen2-7B");
    CHECK(a->declared);
    CHECK(a->license == "apache-2.0");
    CHECK(store->GetArtifact("a/crlf")->license == "mit");
  }
  SECTION("evidence cites the card file and line") {
    auto edges = testing::Must(store->ParentEdges("a/block"));
    const Edge* e = EdgeTo(edges, "meta-llama/Llama-2-7b-hf");
    REQUIRE(e);
    REQUIRE(e->evidence.size() == 1);
    CHECK(e->evidence[0].kind == "card.base_model");
    CHECK(Contains(e->evidence[0].source, "a/block/README.md"));
    CHECK(e->evidence[0].line == 4);
  }
  SECTION("a resolved bare name says so in its evidence") {
    auto edges = testing::Must(store->ParentEdges("a/bare"));
    REQUIRE(edges.size() == 1);
    CHECK_THAT(edges[0].evidence[0].detail, Catch::Contains("Llama-2-7b-hf"));
    CHECK(edges[0].confidence < 0.95);
  }
  SECTION("the odd forms leave diagnostics, the clean ones none") {
    CHECK(DiagsWithCode(*store, "duplicate_base_model").size() == 1);
    CHECK(DiagsWithCode(*store, "self_reference").size() == 1);
    CHECK(DiagsWithCode(*store, "encoding").size() == 1);
    CHECK(DiagsWithCode(*store, "unresolved_name").empty());
    CHECK(DiagsWithCode(*store, "yaml").empty());
    for (const auto& d : testing::Must(store->Diagnostics())) CHECK(d.severity == "warning");
  }
  SECTION("the nested tool base_model did not become an artifact") {
    CHECK_FALSE(store->GetArtifact("x/tool").ok());
  }
}

TEST_CASE("Malformed cards become diagnostics while the good cards land", "[ingest]") {
  TempDir dir;
  std::string root = dir / "cards";
  WriteCard(root, "good/one", "---\nbase_model: base/model\n---\n");
  //                              1      2              3                4
  WriteCard(root, "bad/yaml", "---\nlicense: mit\nbase_model: [x/y\ntags: z\n---\n");
  WriteCard(root, "bad/unterminated", "---\nbase_model: x/y\n# never closed\n");
  WriteCard(root, "bad/none", "# Just prose\n");
  WriteCard(root, "good/two", "---\nbase_model: good/one\n---\n");
  auto store = OpenStore(dir / "s.db");
  IngestSummary s = Run(*store, {root});
  CHECK(s.documents == 5);
  CHECK(s.diagnostics >= 3);

  CHECK(Parents(*store, "good/one") == Strings{"base/model"});
  CHECK(Parents(*store, "good/two") == Strings{"good/one"});
  CHECK(Parents(*store, "bad/yaml").empty());
  CHECK(Parents(*store, "bad/unterminated").empty());
  SECTION("the malformed YAML is reported at its file and line") {
    auto d = DiagsWithCode(*store, "yaml");
    REQUIRE(d.size() == 1);
    CHECK(d[0].severity == "error");
    CHECK(Contains(d[0].source, "bad/yaml/README.md"));
    CHECK(d[0].line == 4);
  }
  SECTION("unterminated front matter and a card without metadata are reported") {
    auto u = DiagsWithCode(*store, "unterminated_front_matter");
    REQUIRE(u.size() == 1);
    CHECK(Contains(u[0].source, "bad/unterminated/README.md"));
    CHECK(u[0].line == 1);
    CHECK(DiagsWithCode(*store, "no_front_matter").size() == 1);
  }
  SECTION("the broken cards still exist as models") {
    CHECK(store->GetArtifact("bad/yaml").ok());
    CHECK(store->GetArtifact("bad/none").ok());
  }
}

TEST_CASE("Re-ingesting the same folder changes nothing", "[ingest]") {
  TempDir dir;
  WriteAwkwardCards(dir / "cards");
  auto store = OpenStore(dir / "s.db");
  IngestSummary first = Run(*store, {dir / "cards"});
  StoreStats before = testing::Must(store->Stats());
  auto diags_before = testing::Must(store->Diagnostics());

  IngestSummary again = Run(*store, {dir / "cards"});
  CHECK(again.documents == 0);
  CHECK(again.unchanged == first.documents);
  CHECK(again.edges == 0);
  StoreStats after = testing::Must(store->Stats());
  CHECK(after.artifacts == before.artifacts);
  CHECK(after.edges == before.edges);
  CHECK(after.evidence_by_kind == before.evidence_by_kind);
  CHECK(testing::Must(store->Diagnostics()).size() == diags_before.size());
}

TEST_CASE("A changed card replaces what the old version said", "[ingest]") {
  TempDir dir;
  std::string root = dir / "cards";
  WriteCard(root, "me/model", "---\nbase_model: old/base\nlicense: mit\n---\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {root});
  REQUIRE(Parents(*store, "me/model") == Strings{"old/base"});

  WriteCard(root, "me/model", "---\nbase_model: new/base\nlicense: apache-2.0\n---\n");
  IngestSummary s = Run(*store, {root});
  CHECK(s.documents == 1);
  CHECK(s.edges == 1);
  CHECK(Parents(*store, "me/model") == Strings{"new/base"});
  CHECK(store->GetArtifact("me/model")->license == "apache-2.0");
  CHECK(testing::Must(store->ChildEdges("old/base")).empty());

  SECTION("fixing a broken card clears its diagnostic") {
    WriteCard(root, "me/model", "---\nbase_model: [new/base\n---\n");
    Run(*store, {root});
    CHECK(DiagsWithCode(*store, "yaml").size() == 1);
    CHECK(Parents(*store, "me/model").empty());
    WriteCard(root, "me/model", "---\nbase_model: new/base\n---\n");
    Run(*store, {root});
    CHECK(DiagsWithCode(*store, "yaml").empty());
    CHECK(Parents(*store, "me/model") == Strings{"new/base"});
  }
}

TEST_CASE("A single card file is ingested under the id it is given", "[ingest]") {
  TempDir dir;
  WriteFile(dir / "card.md", "---\nbase_model: x/base\n---\n");
  auto store = OpenStore(dir / "s.db");
  IngestOptions o;
  o.id = "me/single";
  Run(*store, {dir / "card.md"}, o);
  CHECK(Parents(*store, "me/single") == Strings{"x/base"});
  SECTION("without a usable id it is refused") {
    std::ostringstream log;
    IngestOptions none;
    none.id = "not an id";
    auto r = Ingest(*store, {dir / "card.md"}, none, log);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidInput);
  }
}

const char kHubLines[] =
    R"({"id":"Qwen/Qwen2-7B-Instruct","author":"Qwen","tags":["transformers","safetensors","base_model:Qwen/Qwen2-7B","base_model:finetune:Qwen/Qwen2-7B","license:apache-2.0","region:us"],"createdAt":"2024-06-04T10:20:30.000Z","pipeline_tag":"text-generation","library_name":"transformers","downloads":100,"likes":5,"sha":"abc","cardData":{"license":"apache-2.0","base_model":"Qwen/Qwen2-7B","language":["en","zh"]}})"
    "\n"
    R"({"id":"someone/Qwen2-7B-Instruct-GGUF","author":"someone","tags":["gguf","base_model:quantized:Qwen/Qwen2-7B-Instruct","license:mit","region:us"],"createdAt":"2024-07-01T00:00:00.000Z"})"
    "\n"
    R"({"id": "broken/record", "tags": [)"
    "\n"
    "\n"
    R"({"id":"x/adapter","tags":["base_model:adapter:Qwen/Qwen2-7B","region:eu"]})"
    "\n";

TEST_CASE("A Hub API dump as JSON lines lands with tags read as the Hub means them",
          "[ingest]") {
  TempDir dir;
  std::string dump = dir / "models.jsonl";
  WriteFile(dump, kHubLines);
  auto store = OpenStore(dir / "s.db");
  IngestSummary s = Run(*store, {dump});
  CHECK(s.documents >= 3);

  SECTION("base_model:finetune:X is a declared finetune, with card and tag evidence") {
    auto edges = testing::Must(store->ParentEdges("Qwen/Qwen2-7B-Instruct"));
    REQUIRE(edges.size() == 1);
    CHECK(edges[0].parent == "Qwen/Qwen2-7B");
    CHECK(edges[0].relation == Relation::kFinetune);
    CHECK_FALSE(edges[0].relation_inferred);
    Strings kinds;
    for (const auto& ev : edges[0].evidence) kinds.push_back(ev.kind);
    CHECK(Sorted(kinds) == Strings{"card.base_model", "hub.tag"});
  }
  SECTION("base_model:quantized:X and base_model:adapter:X give their relations") {
    auto q = testing::Must(store->ParentEdges("someone/Qwen2-7B-Instruct-GGUF"));
    REQUIRE(q.size() == 1);
    CHECK(q[0].parent == "Qwen/Qwen2-7B-Instruct");
    CHECK(q[0].relation == Relation::kQuantized);
    CHECK_FALSE(q[0].relation_inferred);
    auto a = testing::Must(store->ParentEdges("x/adapter"));
    REQUIRE(a.size() == 1);
    CHECK(a[0].relation == Relation::kAdapter);
  }
  SECTION("license:X, createdAt and the other fields land on the artifact") {
    auto a = store->GetArtifact("Qwen/Qwen2-7B-Instruct");
    REQUIRE(a.ok());
    CHECK(a->license == "apache-2.0");
    CHECK(a->created_at.rfind("2024-06-04", 0) == 0);
    CHECK(a->pipeline_tag == "text-generation");
    CHECK(a->library_name == "transformers");
    CHECK(store->GetArtifact("someone/Qwen2-7B-Instruct-GGUF")->license == "mit");
  }
  SECTION("region:us is never a country nor a tag") {
    auto a = store->GetArtifact("Qwen/Qwen2-7B-Instruct");
    CHECK(a->country.empty());
    for (const auto& t : a->tags) CHECK(t.rfind("region:", 0) != 0);
    CHECK(std::find(a->tags.begin(), a->tags.end(), "transformers") != a->tags.end());
    CHECK(testing::Must(store->Stats()).models_with_country == 0);
  }
  SECTION("a malformed line is a diagnostic with its line number; the rest lands") {
    auto d = DiagsWithCode(*store, "json");
    REQUIRE(d.size() == 1);
    CHECK(d[0].source == dump);
    CHECK(d[0].line == 3);
    CHECK(d[0].severity == "error");
    CHECK(store->GetArtifact("x/adapter").ok());  // after the bad line
    CHECK_FALSE(store->GetArtifact("broken/record").ok());
  }
  SECTION("evidence cites the dump file and line") {
    auto q = testing::Must(store->ParentEdges("x/adapter"));
    REQUIRE(q.size() == 1);
    REQUIRE_FALSE(q[0].evidence.empty());
    CHECK(q[0].evidence[0].source == dump);
    CHECK(q[0].evidence[0].line == 5);
  }
  SECTION("re-ingesting the dump changes nothing") {
    IngestSummary again = Run(*store, {dump});
    CHECK(again.documents == 0);
    CHECK(again.edges == 0);
  }
}

TEST_CASE("A Hub API dump as a JSON array lands the same way", "[ingest]") {
  TempDir dir;
  std::string dump = dir / "models.json";
  WriteFile(dump,
            R"([
  {"id": "Qwen/Qwen2-7B-Instruct", "tags": ["base_model:finetune:Qwen/Qwen2-7B", "license:apache-2.0", "region:us"], "createdAt": "2024-06-04T10:20:30.000Z"},
  {"tags": ["no id here"]},
  {"modelId": "legacy/model-id", "tags": ["base_model:Qwen/Qwen2-7B"]}
])");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dump});
  CHECK(Parents(*store, "Qwen/Qwen2-7B-Instruct") == Strings{"Qwen/Qwen2-7B"});
  CHECK(store->GetArtifact("Qwen/Qwen2-7B-Instruct")->created_at.rfind("2024-06", 0) == 0);
  CHECK(Parents(*store, "legacy/model-id") == Strings{"Qwen/Qwen2-7B"});
  auto d = DiagsWithCode(*store, "hub_record");
  REQUIRE(d.size() == 1);
  CHECK_THAT(d[0].message, Catch::Contains("record 2"));
  SECTION("a truncated array costs only the cut record") {
    WriteFile(dir / "truncated.json", "[\n{\"id\": \"t/one\"},\n{\"id\": \"t/two\"\n");
    Run(*store, {dir / "truncated.json"});
    CHECK(store->GetArtifact("t/one").ok());
    CHECK_FALSE(store->GetArtifact("t/two").ok());
    auto j = DiagsWithCode(*store, "json");
    REQUIRE(j.size() == 1);
    CHECK(j[0].line == 3);
    CHECK_THAT(j[0].message, Catch::Contains("truncated"));
  }
}

// Regression (issue 14, items 1, 2 and 7): these inputs aborted the whole
// ingest (uncaught out_of_range, rc 134), overflowed the stack, or lost the
// whole array file.
TEST_CASE("A Hub record with downloads 1e999 is one diagnostic and the rest lands", "[ingest]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  SECTION("in JSON lines") {
    WriteFile(dir / "x.jsonl", "{\"id\":\"a/b\"}\n{\"id\":\"c/d\",\"downloads\":1e999}\n{\"id\":\"e/f\"}\n");
    Run(*store, {dir / "x.jsonl"});
    CHECK(store->GetArtifact("a/b").ok());
    CHECK(store->GetArtifact("e/f").ok());
    CHECK_FALSE(store->GetArtifact("c/d").ok());
    auto j = DiagsWithCode(*store, "json");
    REQUIRE(j.size() == 1);
    CHECK(j[0].line == 2);
    CHECK_THAT(j[0].message, Catch::Contains("1e999"));
  }
  SECTION("in a JSON array") {
    WriteFile(dir / "x.json", "[{\"id\":\"a/b\"},\n{\"id\":\"c/d\",\"downloads\":-1e999},\n{\"id\":\"e/f\"}]");
    Run(*store, {dir / "x.json"});
    CHECK(store->GetArtifact("a/b").ok());
    CHECK(store->GetArtifact("e/f").ok());
    CHECK_FALSE(store->GetArtifact("c/d").ok());
    auto j = DiagsWithCode(*store, "json");
    REQUIRE(j.size() == 1);
    CHECK(j[0].line == 2);
  }
  SECTION("through ParseHubRecord") {
    auto r = ParseHubRecord(R"({"id":"c/d","likes":1e400})", "x", 1);
    CHECK(r.status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("A Hub record nested 100000 deep is one diagnostic and the rest lands", "[ingest]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  WriteFile(dir / "deep.json", "[{\"id\":\"z/deep\",\"config\":" + deep + "},{\"id\":\"y/ok\"}]");
  WriteFile(dir / "deep.jsonl", "{\"id\":\"w/ok\"}\n{\"id\":\"x/deep\",\"cardData\":" + deep + "}\n");
  Run(*store, {dir / "deep.json", dir / "deep.jsonl"});
  CHECK(store->GetArtifact("y/ok").ok());
  CHECK(store->GetArtifact("w/ok").ok());
  CHECK_FALSE(store->GetArtifact("z/deep").ok());
  CHECK_FALSE(store->GetArtifact("x/deep").ok());
  auto j = DiagsWithCode(*store, "json");
  REQUIRE(j.size() == 2);
  for (const auto& d : j) CHECK_THAT(d.message, Catch::Contains("nested deeper"));
}

TEST_CASE("A JSON array with a bad byte in one record loses only that record", "[ingest]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  WriteFile(dir / "bad.json", "[{\"id\":\"a/one\"},\n{\"id\":\"a/two\",\"likes\":\x01},\n{\"id\":\"a/three\"}]");
  Run(*store, {dir / "bad.json"});
  CHECK(store->GetArtifact("a/one").ok());
  CHECK(store->GetArtifact("a/three").ok());
  CHECK_FALSE(store->GetArtifact("a/two").ok());
  auto j = DiagsWithCode(*store, "json");
  REQUIRE(j.size() == 1);
  CHECK(j[0].line == 2);
}

TEST_CASE("ParseHubRecord reads one record", "[ingest]") {
  auto r = ParseHubRecord(
      R"({"id":"a/b","tags":["base_model:merge:c/d","base_model:merge:e/f","license:other"],"cardData":{"license_name":"custom"}})",
      "dump.jsonl", 7);
  REQUIRE(r.ok());
  CHECK(r->origin == "hub:a/b");
  CHECK_FALSE(r->content_hash.empty());
  REQUIRE(r->artifact);
  CHECK(r->artifact->license == "other");
  CHECK(r->artifact->license_name == "custom");
  REQUIRE(r->edges.size() == 2);
  for (const auto& e : r->edges) CHECK(e.relation == Relation::kMerge);
  SECTION("not JSON, not an object, or no id is InvalidInput") {
    CHECK(ParseHubRecord("{", "d", 1).status().code() == Status::Code::kInvalidInput);
    CHECK(ParseHubRecord("[1,2]", "d", 1).status().code() == Status::Code::kInvalidInput);
    CHECK(ParseHubRecord(R"({"tags":[]})", "d", 1).status().code() ==
          Status::Code::kInvalidInput);
    CHECK(ParseHubRecord(R"({"id":"not an id"})", "d", 1).status().code() ==
          Status::Code::kInvalidInput);
  }
}

const char kOrgsHeader[] = "namespace,organization,country,kind,source\n";

TEST_CASE("organizations.csv gives namespaces an organization and a sourced country",
          "[ingest]") {
  TempDir dir;
  WriteCard(dir / "cards", "Qwen/Qwen2-7B", "---\nlicense: apache-2.0\n---\n");
  WriteCard(dir / "cards", "mystery/model", "---\nlicense: mit\n---\n");
  WriteCard(dir / "cards", "textual/model", "---\nlicense: mit\n---\n");
  std::string orgs = dir / "organizations.csv";
  WriteFile(orgs, std::string(kOrgsHeader) +
                      "Qwen,Alibaba Cloud,CN,company,https://www.alibabacloud.com/\n"  // line 2
                      "meta-llama,Meta,US,company,https://about.meta.com/\n"           // 3
                      "mystery,Mystery Lab,FR,company,\n"                              // 4
                      "textual,Textual,China,company,https://t.example\n"              // 5
                      "bad ns!,Nope,US,company,https://x.example\n"                    // 6
                      "\"quoted,lab\",Q,US,company,https://x.example\n"                // 7
                      "short,row\n");                                                 // 8
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "cards", orgs});

  auto qwen = store->GetArtifact("qwen/qwen2-7b");
  REQUIRE(qwen.ok());
  CHECK(qwen->organization == "Alibaba Cloud");
  CHECK(qwen->country == "CN");
  CHECK(qwen->country_source == "https://www.alibabacloud.com/");
  SECTION("a country without a source is kept unknown, with a warning") {
    auto m = store->GetArtifact("mystery/model");
    REQUIRE(m.ok());
    CHECK(m->organization == "Mystery Lab");
    CHECK(m->country.empty());
    bool warned = false;
    for (const auto& d : testing::Must(store->Diagnostics())) {
      if (d.line == 4 && d.severity == "warning" && d.source == orgs) warned = true;
    }
    CHECK(warned);
  }
  SECTION("a country that is not an ISO code is kept unknown, with a warning") {
    CHECK(store->GetArtifact("textual/model")->country.empty());
    bool warned = false;
    for (const auto& d : testing::Must(store->Diagnostics())) {
      if (d.line == 5 && d.severity == "warning") warned = true;
    }
    CHECK(warned);
  }
  SECTION("bad rows are skipped with their line") {
    Strings where;
    for (const auto& d : testing::Must(store->Diagnostics())) {
      if (d.severity == "error") where.push_back(std::to_string(d.line));
    }
    CHECK(Sorted(where) == Strings{"6", "7", "8"});
    auto listed = testing::Must(store->Organizations());
    CHECK(listed.size() == 4);
  }
}

TEST_CASE("An aliases file gives a renamed namespace its new organization", "[ingest]") {
  TempDir dir;
  WriteCard(dir / "cards", "THUDM/chatglm3-6b", "---\nlicense: other\n---\n");
  WriteFile(dir / "organizations.csv",
            std::string(kOrgsHeader) + "zai-org,Z.ai,CN,company,https://z.ai/\n");
  WriteFile(dir / "aliases.csv",
            "old_namespace,new_namespace,source\nTHUDM,zai-org,https://example.org/rename\n"
            "same,same,https://example.org\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "cards", dir / "organizations.csv", dir / "aliases.csv"});
  auto a = store->GetArtifact("THUDM/chatglm3-6b");
  REQUIRE(a.ok());
  CHECK(a->organization == "Z.ai");
  CHECK(a->country == "CN");
  CHECK(a->author == "THUDM");  // the namespace itself is not rewritten
  CHECK(store->ResolveId("zai-org/chatglm3-6b").value() == "THUDM/chatglm3-6b");
  CHECK(DiagsWithCode(*store, "alias").size() == 1);  // same -> same
}

TEST_CASE("blocs.json defines blocs; _comment keys document it", "[ingest]") {
  TempDir dir;
  std::string blocs = dir / "blocs.json";
  WriteFile(blocs, R"({
  "_comment": "Bloc name -> ISO codes",
  "West": ["US", "GB"],
  "cn": ["CN"],
  "odd": ["China", "JP", 7]
})");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {blocs});
  auto b = testing::Must(store->Blocs());
  REQUIRE(b.size() == 3);
  CHECK(b[0].first == "cn");
  CHECK(b[1].first == "odd");
  CHECK(b[1].second == Strings{"JP"});
  CHECK(b[2].first == "west");
  CHECK(b[2].second == Strings{"GB", "US"});
  CHECK(DiagsWithCode(*store, "blocs").size() == 2);  // "China" and 7
  SECTION("an edited bloc file replaces the stored blocs") {
    WriteFile(blocs, R"({"west": ["US", "GB", "DE"], "cn": ["CN", "HK"]})");
    Run(*store, {blocs});
    auto e = testing::Must(store->Blocs());
    REQUIRE(e.size() == 2);
    CHECK(e[0].second == Strings{"CN", "HK"});
    CHECK(e[1].second == Strings{"DE", "GB", "US"});
    CHECK(DiagsWithCode(*store, "blocs").empty());
  }
  SECTION("ReadBlocsFile reads the same file without storing it") {
    auto read = ReadBlocsFile(dir / "plain.json");
    CHECK_FALSE(read.ok());
    WriteFile(dir / "plain.json", R"({"_c": "x", "West": ["US"], "cn": ["CN"]})");
    read = ReadBlocsFile(dir / "plain.json");
    REQUIRE(read.ok());
    REQUIRE(read->size() == 2);
    CHECK((*read)[0].first == "cn");
    CHECK((*read)[1].first == "west");
    WriteFile(dir / "bad.json", R"({"west": ["USA"]})");
    CHECK(ReadBlocsFile(dir / "bad.json").status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("A curated edges csv adds manual edges with their source", "[ingest]") {
  TempDir dir;
  std::string edges = dir / "curated_edges.csv";
  WriteFile(edges,
            "child,parent,relation,source,note\n"
            "stabilityai/sd3,google/t5-v1_1-xxl,component,https://example.org/sd3,text encoder\n"
            "a/distilled,b/teacher,distillation,https://example.org/paper,\n"
            "a/x,a/x,finetune,https://example.org,self\n"
            "a/y,b/z,forked,https://example.org,\n"
            "a/w,b/v,finetune,,no source\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {edges});
  auto c = testing::Must(store->ParentEdges("stabilityai/sd3"));
  REQUIRE(c.size() == 1);
  CHECK(c[0].parent == "google/t5-v1_1-xxl");
  CHECK(c[0].relation == Relation::kComponent);
  REQUIRE(c[0].evidence.size() == 1);
  CHECK(c[0].evidence[0].kind == "manual");
  CHECK(c[0].evidence[0].source == "https://example.org/sd3");
  CHECK(Parents(*store, "a/distilled") == Strings{"b/teacher"});
  auto d = DiagsWithCode(*store, "curated_edge");
  REQUIRE(d.size() == 3);
  Strings lines;
  for (const auto& x : d) lines.push_back(std::to_string(x.line));
  CHECK(Sorted(lines) == Strings{"4", "5", "6"});
}

TEST_CASE("Ingest reports a derivation cycle spelled a -> b -> a", "[ingest]") {
  TempDir dir;
  WriteCard(dir / "cards", "c/a", "---\nbase_model: c/b\n---\n");
  WriteCard(dir / "cards", "c/b", "---\nbase_model: c/a\n---\n");
  WriteCard(dir / "cards", "c/ok", "---\nbase_model: c/a\n---\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "cards"});
  auto d = DiagsWithCode(*store, "cycle");
  REQUIRE(d.size() == 1);
  CHECK_THAT(d[0].message, Catch::Contains("c/a -> c/b -> c/a"));
  CHECK(Parents(*store, "c/ok") == Strings{"c/a"});  // the rest still lands
}

TEST_CASE("Ingest of a missing path fails before touching the store", "[ingest]") {
  TempDir dir;
  WriteCard(dir / "cards", "a/b", "---\nbase_model: c/d\n---\n");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  auto r = Ingest(*store, {dir / "cards", dir / "nope"}, {}, log);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kNotFound);
  CHECK_FALSE(store->GetArtifact("a/b").ok());
  SECTION("so does a CSV nobody can recognise") {
    WriteFile(dir / "what.csv", "foo,bar\n1,2\n");
    auto w = Ingest(*store, {dir / "cards", dir / "what.csv"}, {}, log);
    REQUIRE_FALSE(w.ok());
    CHECK(w.status().code() == Status::Code::kInvalidInput);
    CHECK_FALSE(store->GetArtifact("a/b").ok());
  }
}

TEST_CASE("Ingest order decides: a user's organization file read after ours wins", "[ingest]") {
  TempDir dir;
  WriteCard(dir / "cards", "lab/model", "---\nlicense: mit\n---\n");
  std::string ours = dir / "data/organizations.csv";
  std::string mine = dir / "mine/organizations.csv";
  WriteFile(ours, std::string(kOrgsHeader) + "lab,The Lab,US,company,https://lab.example/us\n"
                                             "other,Other,GB,company,https://other.example\n");
  WriteFile(mine, std::string(kOrgsHeader) + "lab,The Lab (Paris),FR,company,https://lab.example/fr\n");
  auto store = OpenStore(dir / "s.db");
  SECTION("in one run") {
    Run(*store, {dir / "cards", ours, mine});
    CHECK(store->GetArtifact("lab/model")->country == "FR");
  }
  SECTION("in two runs") {
    Run(*store, {dir / "cards", ours});
    CHECK(store->GetArtifact("lab/model")->country == "US");
    Run(*store, {mine});
    CHECK(store->GetArtifact("lab/model")->country == "FR");
    SECTION("re-reading our unchanged file does not undo the override") {
      Run(*store, {ours});
      CHECK(store->GetArtifact("lab/model")->country == "FR");
    }
  }
}

TEST_CASE("Dropping an override from the user's organization file brings ours back",
          "[ingest]") {
  // Regression: organizations.csv (ours) says lab=US; the user's file said
  // lab=FR and is then edited to say nothing about lab.
  TempDir dir;
  WriteCard(dir / "cards", "lab/model", "---\nlicense: mit\n---\n");
  std::string ours = dir / "data/organizations.csv";
  std::string mine = dir / "mine/organizations.csv";
  WriteFile(ours, std::string(kOrgsHeader) + "lab,The Lab,US,company,https://lab.example/us\n");
  WriteFile(mine, std::string(kOrgsHeader) + "lab,The Lab (Paris),FR,company,https://lab.example/fr\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "cards", ours, mine});
  REQUIRE(store->GetArtifact("lab/model")->country == "FR");
  WriteFile(mine, std::string(kOrgsHeader) + "else,Else,DE,company,https://else.example\n");
  Run(*store, {ours, mine});
  auto a = store->GetArtifact("lab/model");
  CHECK(a->organization == "The Lab");
  CHECK(a->country == "US");
}

TEST_CASE("Re-ingesting a curated edges file under another spelling of its path changes nothing",
          "[ingest]") {
  // Regression: DIR/edges.csv, then DIR/./edges.csv: the same file, read twice.
  TempDir dir;
  WriteFile(dir / "edges.csv",
            "child,parent,relation,source,note\na/x,b/y,finetune,https://e.example,n\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "edges.csv"});
  Run(*store, {dir / "./edges.csv"});
  auto edges = testing::Must(store->ParentEdges("a/x"));
  REQUIRE(edges.size() == 1);
  CHECK(edges[0].evidence.size() == 1);
}

TEST_CASE("A card whose edit keeps its bases reports no new edge", "[ingest]") {
  // Regression: only the licence of the card changed, yet the summary said
  // "1 new edge" for the base it already had.
  TempDir dir;
  WriteCard(dir / "cards", "me/model", "---\nbase_model: x/base\nlicense: mit\n---\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "cards"});
  WriteCard(dir / "cards", "me/model", "---\nbase_model: x/base\nlicense: apache-2.0\n---\n");
  IngestSummary s = Run(*store, {dir / "cards"});
  CHECK(s.documents == 1);
  CHECK(s.edges == 0);
}

TEST_CASE("ParseInputKind knows every --as name", "[ingest]") {
  CHECK(ParseInputKind("cards").value() == InputKind::kCards);
  CHECK(ParseInputKind("card").value() == InputKind::kCard);
  CHECK(ParseInputKind("hub").value() == InputKind::kHub);
  CHECK(ParseInputKind("orgs").value() == InputKind::kOrgs);
  CHECK(ParseInputKind("aliases").value() == InputKind::kAliases);
  CHECK(ParseInputKind("blocs").value() == InputKind::kBlocs);
  CHECK(ParseInputKind("edges").value() == InputKind::kEdges);
  CHECK(ParseInputKind("auto").value() == InputKind::kAuto);
  CHECK(ParseInputKind("nonsense").status().code() == Status::Code::kInvalidInput);
}

TEST_CASE("IngestOptions::as overrides what detection would decide", "[ingest]") {
  TempDir dir;
  std::string dump = dir / "records.txt";  // an extension detection cannot place
  WriteFile(dump, R"({"id":"a/b","tags":["base_model:c/d"]})" "\n");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  CHECK_FALSE(Ingest(*store, {dump}, {}, log).ok());
  IngestOptions o;
  o.as = InputKind::kHub;
  Run(*store, {dump}, o);
  CHECK(Parents(*store, "a/b") == Strings{"c/d"});
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("Detection reads a pretty-printed blocs file as blocs and a dump as a dump",
          "[ingest]") {
  TempDir dir;
  WriteFile(dir / "my_blocs.json", "{\n  \"_comment\": \"x\",\n  \"west\": [\"US\",\n    \"FR\"]\n}\n");
  WriteFile(dir / "dump.json", "\n{\"id\": \"a/b\", \"cardData\": {\"base_model\": \"c/d\"}}\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "my_blocs.json", dir / "dump.json"});
  auto blocs = testing::Must(store->Blocs());
  REQUIRE(blocs.size() == 1);
  CHECK(blocs[0].second == std::vector<std::string>{"FR", "US"});
  CHECK(testing::Must(store->ParentEdges("a/b")).size() == 1);
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("Families and known bases are read from their CSV files and replaced on re-read",
          "[ingest]") {
  TempDir dir;
  WriteFile(dir / "families.csv",
            "family,name,publisher,canonical_base,name_patterns,licenses,source\n"
            "llama2,Llama 2,meta-llama,meta-llama/Llama-2-7b-hf,llama-?2(?![.\\d])|(^|-)l2(-|$),llama2,"
            "https://huggingface.co/meta-llama/Llama-2-7b-hf\n"
            "bad,Bad,x,y/z,llama(,,https://example.org\n");
  WriteFile(dir / "known_bases.csv",
            "id,family,params,variant,license,created_at,model_type,hidden_size,"
            "intermediate_size,num_hidden_layers,num_attention_heads,num_key_value_heads,"
            "vocab_size,rope_theta,max_position_embeddings,source,config_source\n"
            "meta-llama/Llama-2-7b-hf,llama2,7B,base,llama2,2023-07-13,llama,4096,11008,32,32,32,"
            "32000,10000.0,4096,https://huggingface.co/meta-llama/Llama-2-7b-hf,"
            "https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json\n"
            "not an id,llama2,7B,base,,,,,,,,,,,,https://x,\n"
            "a/b,llama2,7B,base,,,llama,lots,,,,,,,,https://x,\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "families.csv", dir / "known_bases.csv"});
  auto families = store->Families();
  REQUIRE(families.ok());
  REQUIRE(families->size() == 1);
  CHECK((*families)[0].slug == "llama2");
  // '|' splits patterns only outside groups.
  CHECK((*families)[0].name_patterns ==
        std::vector<std::string>{"llama-?2(?![.\\d])", "(^|-)l2(-|$)"});
  CHECK((*families)[0].licenses == std::vector<std::string>{"llama2"});
  auto bases = store->KnownBases();
  REQUIRE(bases.ok());
  REQUIRE(bases->size() == 1);
  const KnownBase& b = (*bases)[0];
  CHECK(b.id == "meta-llama/Llama-2-7b-hf");
  CHECK(b.config.model_type == "llama");
  CHECK(b.config.hidden_size == 4096);
  CHECK(b.config.intermediate_size == 11008);
  CHECK(b.config.vocab_size == 32000);
  CHECK(b.config.rope_theta == 10000.0);
  SECTION("bad rows become diagnostics naming the file and line") {
    int bad = 0;
    for (const auto& d : testing::Must(store->Diagnostics())) {
      if (d.code == "family" || d.code == "known_base") {
        ++bad;
        CHECK(d.line >= 2);
      }
    }
    CHECK(bad == 3);
  }
  SECTION("a newer version of the file replaces what the older one said") {
    WriteFile(dir / "families.csv",
              "family,name,publisher,canonical_base,name_patterns,licenses,source\n"
              "qwen2.5,Qwen2.5,Qwen,Qwen/Qwen2.5-7B,qwen-?2\\.5,,https://huggingface.co/Qwen\n");
    Run(*store, {dir / "families.csv"});
    auto again = store->Families();
    REQUIRE(again.ok());
    REQUIRE(again->size() == 1);
    CHECK((*again)[0].slug == "qwen2.5");
  }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

const Organization* FindOrg(const std::vector<Organization>& orgs, const std::string& ns) {
  for (const auto& o : orgs) {
    if (IdKey(o.ns) == IdKey(ns)) return &o;
  }
  return nullptr;
}

TEST_CASE("A new store receives the built-in reference data once, and a user's files layer over it",
          "[ingest]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  auto loaded = EnsureBuiltinReference(*store, log);
  REQUIRE(loaded.ok());
  CHECK(*loaded);
  CHECK(store->Meta(kReferenceVersionKey).value() == BuiltinDataVersion());
  auto orgs = testing::Must(store->Organizations());
  REQUIRE(orgs.size() > 100);
  const Organization* qwen = FindOrg(orgs, "Qwen");
  REQUIRE(qwen);
  CHECK(qwen->country == "CN");
  CHECK(testing::Must(store->Licenses()).Find("llama3.1") != nullptr);
  CHECK(!testing::Must(store->Blocs()).empty());
  SECTION("loading the same version again changes nothing") {
    auto again = EnsureBuiltinReference(*store, log);
    REQUIRE(again.ok());
    CHECK_FALSE(*again);
  }
  SECTION("a user's row wins, also after the reference data is loaded again") {
    WriteFile(dir / "orgs.csv",
              "namespace,organization,country,kind,source\n"
              "Qwen,Qwen team,SG,company,https://example.org/qwen\n");
    Run(*store, {dir / "orgs.csv"});
    CHECK(FindOrg(testing::Must(store->Organizations()), "Qwen")->country == "SG");
    // Pretend the store holds an older reference version.
    REQUIRE(store->BeginRun("test").ok());
    REQUIRE(store->SetMeta(kReferenceVersionKey, "old").ok());
    REQUIRE(store->CommitRun(nullptr).ok());
    auto reloaded = EnsureBuiltinReference(*store, log);
    REQUIRE(reloaded.ok());
    CHECK(*reloaded);
    CHECK(FindOrg(testing::Must(store->Organizations()), "Qwen")->country == "SG");
  }
}

TEST_CASE("A new store takes the embedded dataset unless it is created without it", "[ingest]") {
  TempDir dir;
  std::ostringstream log;
  // hfl's Chinese-LLaMA-2 rests on Llama 2 only by a curated edge of the dataset.
  auto has_llama2_parent = [](const Store& s) {
    for (const auto& e : testing::Must(s.ParentEdges("hfl/chinese-llama-2-7b"))) {
      if (e.parent.rfind("meta-llama/", 0) == 0) return true;
    }
    return false;
  };
  SECTION("by default") {
    auto store = OpenStore(dir / "with.db");
    REQUIRE(EnsureBuiltinReference(*store, log).ok());
    CHECK(store->Meta(kDatasetKey).value() == "with");
    CHECK(testing::Must(store->Stats()).artifacts > 1000);
    CHECK(has_llama2_parent(*store));
    SECTION("and keeps it: --no-dataset on it is refused") {
      auto again = EnsureBuiltinReference(*store, log, DatasetChoice::kWithout);
      REQUIRE_FALSE(again.ok());
      CHECK(again.status().code() == Status::Code::kInvalidInput);
      CHECK(has_llama2_parent(*store));
    }
  }
  SECTION("without it: only the reference tables") {
    auto store = OpenStore(dir / "without.db");
    REQUIRE(EnsureBuiltinReference(*store, log, DatasetChoice::kWithout).ok());
    CHECK(store->Meta(kDatasetKey).value() == "without");
    CHECK_FALSE(has_llama2_parent(*store));
    CHECK(FindOrg(testing::Must(store->Organizations()), "Qwen") != nullptr);
    SECTION("and stays without it when opened as stored") {
      auto again = EnsureBuiltinReference(*store, log);
      REQUIRE(again.ok());
      CHECK_FALSE(*again);
      CHECK_FALSE(has_llama2_parent(*store));
    }
  }
}

TEST_CASE("A data folder is read file by file, in subfolders too, by kind", "[ingest]") {
  TempDir dir;
  std::filesystem::create_directories(dir / "data/models");
  WriteFile(dir / "data/orgs.csv",
            "namespace,organization,country,kind,source\nacme,Acme,FR,company,https://acme.example\n");
  WriteFile(dir / "data/models/m.jsonl",
            "{\"id\": \"acme/child\", \"cardData\": {\"base_model\": \"acme/base\"}}\n");
  WriteFile(dir / "data/edges.csv",
            "child,parent,relation,source,note\nacme/child,acme/teacher,distillation,https://x,n\n");
  WriteFile(dir / "data/notes.csv", "what,ever\n1,2\n");
  WriteFile(dir / "data/README.md", "# not a card\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "data"});
  CHECK(FindOrg(testing::Must(store->Organizations()), "acme")->country == "FR");
  auto parents = testing::Must(store->ParentEdges("acme/child"));
  REQUIRE(parents.size() == 2);
  bool skipped = false;
  for (const auto& d : testing::Must(store->Diagnostics())) {
    if (d.code == "skipped" && d.source.find("notes.csv") != std::string::npos) skipped = true;
  }
  CHECK(skipped);
}

TEST_CASE("A card tree with data files beside its cards is read as cards, not as a data folder",
          "[ingest]") {
  TempDir dir;
  std::string root = dir / "cards";
  WriteCard(root, "acme/child", "---\nbase_model: acme/base\n---\n# child\n");
  WriteCard(root, "legacy-model", "---\nlicense: mit\n---\n");
  // What a generated corpus or an export keeps beside its cards.
  WriteFile(dir / "cards/manifest.json", "{\"id\": \"acme/from-manifest\"}\n");
  WriteFile(dir / "cards/orgs.csv",
            "namespace,organization,country,kind,source\nacme,Acme,FR,company,https://a.example\n");
  auto store = OpenStore(dir / "s.db");
  IngestSummary s = Run(*store, {root});
  CHECK(s.documents == 2);  // both cards, the legacy one without a namespace too
  CHECK(testing::Must(store->ParentEdges("acme/child")).size() == 1);
  CHECK_FALSE(store->GetArtifact("acme/from-manifest").ok());
  const Organization* acme = FindOrg(testing::Must(store->Organizations()), "acme");
  CHECK((acme == nullptr || acme->country != "FR"));
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("Records of one model from several documents merge and never erase each other",
          "[ingest]") {
  TempDir dir;
  WriteFile(dir / "full.jsonl",
            "{\"id\": \"deepseek-ai/DeepSeek-R1\", \"createdAt\": \"2025-01-20T00:00:00Z\", "
            "\"pipeline_tag\": \"text-generation\", \"cardData\": {\"license\": \"mit\", "
            "\"base_model\": \"deepseek-ai/DeepSeek-V3-Base\"}}\n");
  WriteFile(dir / "stub.jsonl", "{\"id\": \"deepseek-ai/DeepSeek-R1\"}\n");
  auto store = OpenStore(dir / "s.db");
  SECTION("a stub read after the full record keeps its licence, date and base") {
    Run(*store, {dir / "full.jsonl"});
    Run(*store, {dir / "stub.jsonl"});
    auto a = store->GetArtifact("deepseek-ai/DeepSeek-R1");
    REQUIRE(a.ok());
    CHECK(a->license == "mit");
    CHECK(a->created_at.substr(0, 10) == "2025-01-20");
    CHECK(testing::Must(store->ParentEdges("deepseek-ai/DeepSeek-R1")).size() == 1);
  }
  SECTION("the same holds in the other order and in one run") {
    Run(*store, {dir / "stub.jsonl", dir / "full.jsonl"});
    CHECK(store->GetArtifact("deepseek-ai/DeepSeek-R1")->license == "mit");
  }
  SECTION("a date that only says less is no conflict; another day is") {
    WriteFile(dir / "month.jsonl",
              "{\"id\": \"deepseek-ai/DeepSeek-R1\", \"createdAt\": \"2025-01\"}\n");
    WriteFile(dir / "other.jsonl",
              "{\"id\": \"deepseek-ai/DeepSeek-R1\", \"createdAt\": \"2025-01-22\"}\n");
    auto conflicts = [&] {
      int n = 0;
      for (const auto& d : testing::Must(store->Diagnostics())) {
        if (d.code == "conflict" && d.message.find("creation date") != std::string::npos) ++n;
      }
      return n;
    };
    Run(*store, {dir / "full.jsonl", dir / "month.jsonl"});
    CHECK(conflicts() == 0);
    Run(*store, {dir / "other.jsonl"});
    CHECK(conflicts() == 1);
  }
  SECTION("the owner's card outranks a Hub record, and a conflict names both sources") {
    std::filesystem::create_directories(dir / "cards/deepseek-ai/DeepSeek-R1");
    WriteFile(dir / "cards/deepseek-ai/DeepSeek-R1/README.md",
              "---\nlicense: apache-2.0\n---\n# R1\n");
    Run(*store, {dir / "cards", dir / "full.jsonl"});
    auto a = store->GetArtifact("deepseek-ai/DeepSeek-R1");
    CHECK(a->license == "apache-2.0");
    CHECK(a->created_at.substr(0, 10) == "2025-01-20");  // only the dump has it
    bool named = false;
    for (const auto& d : testing::Must(store->Diagnostics())) {
      if (d.code != "conflict") continue;
      named = d.message.find("mit") != std::string::npos &&
              d.message.find("apache-2.0") != std::string::npos &&
              d.message.find("README.md") != std::string::npos;
    }
    CHECK(named);
    SECTION("removing the card's licence brings the dump's back") {
      WriteFile(dir / "cards/deepseek-ai/DeepSeek-R1/README.md", "---\ntags: [x]\n---\n# R1\n");
      Run(*store, {dir / "cards"});
      CHECK(store->GetArtifact("deepseek-ai/DeepSeek-R1")->license == "mit");
    }
  }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("A renamed repository is one node under its new id", "[ingest]") {
  TempDir dir;
  WriteFile(dir / "renames.csv",
            "old_id,new_id,source\n"
            "meta-llama/Meta-Llama-3.1-8B,meta-llama/Llama-3.1-8B,https://example.org/rename\n"
            "bad,meta-llama/Llama-3.1-8B,https://x\n");
  WriteFile(dir / "m.jsonl",
            "{\"id\": \"acme/old-style\", \"cardData\": {\"base_model\": \"meta-llama/Meta-Llama-3.1-8B\"}}\n"
            "{\"id\": \"acme/new-style\", \"cardData\": {\"base_model\": \"meta-llama/Llama-3.1-8B\"}}\n"
            "{\"id\": \"meta-llama/Meta-Llama-3.1-8B\", \"cardData\": {\"license\": \"llama3.1\"}}\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "renames.csv", dir / "m.jsonl"});
  auto children = testing::Must(store->ChildEdges("meta-llama/Llama-3.1-8B"));
  CHECK(children.size() == 2);
  CHECK(store->GetArtifact("meta-llama/Llama-3.1-8B")->license == "llama3.1");
  CHECK(store->ResolveId("meta-llama/meta-llama-3.1-8b").value() == "meta-llama/Llama-3.1-8B");
  int64_t llamas = 0;
  CHECK(store->ScanNodes([&](const NodeRow& n) { llamas += IdKey(n.display).find("llama-3.1-8b") != std::string::npos; }).ok());
  CHECK(llamas == 1);
  bool diag = false;
  for (const auto& d : testing::Must(store->Diagnostics())) diag |= d.code == "model_alias" && d.line == 3;
  CHECK(diag);
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression: folder names with a tab, a newline or a space became artifacts,
// and invalid UTF-8 in a CSV reached the GraphML and SVG writers.
TEST_CASE("Card folders whose names are no Hub id, and CSV with bad UTF-8, become diagnostics",
          "[ingest]") {
  TempDir dir;
  for (const char* name : {"ns/good", "ns/has space", "ns/tab\there", "ns/new\nline", "ns/bad\xff"}) {
    std::filesystem::create_directories(dir / (std::string("cards/") + name));
    WriteFile(dir / (std::string("cards/") + name + "/README.md"), "---\nlicense: mit\n---\n");
  }
  WriteFile(dir / "orgs.csv",
            "namespace,organization,country,kind,source\nns,Caf\xe9 Labs,,company,\n");
  auto store = OpenStore(dir / "s.db");
  Run(*store, {dir / "cards", dir / "orgs.csv"});
  int64_t artifacts = 0;
  CHECK(store->ScanNodes([&](const NodeRow&) { ++artifacts; }).ok());
  CHECK(artifacts == 1);
  int bad_ids = 0, encoding = 0;
  for (const auto& d : testing::Must(store->Diagnostics())) {
    bad_ids += d.code == "bad_id";
    if (d.code == "encoding" && d.source.find("orgs.csv") != std::string::npos) {
      ++encoding;
      CHECK(d.line == 2);
    }
  }
  CHECK(bad_ids == 4);
  CHECK(encoding == 1);
  auto orgs = testing::Must(store->Organizations());
  REQUIRE(orgs.size() > 0);
  bool fixed = false;
  for (const auto& o : orgs) fixed |= o.name == "Caf\xEF\xBF\xBD Labs";
  CHECK(fixed);
}

// Regression (issue 14, items 1 and 2): a blocs.json with 1e999 aborted the
// ingest, and one nested 100000 deep overflowed the stack, also through
// `flows --blocs FILE`.
TEST_CASE("blocs.json with 1e999 or nested 100000 deep is a diagnostic, the rest lands",
          "[ingest]") {
  testing::TempDir dir;
  auto store = testing::OpenStore(dir / "s.db");
  testing::WriteFile(dir / "deep.json",
                     "{\"west\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
  testing::WriteFile(dir / "huge.json", "{\"west\":[\"US\"],\"n\":[1e999]}");
  testing::WriteFile(dir / "good.json", "{\"cn\":[\"CN\"]}");
  IngestOptions opts;
  opts.as = InputKind::kBlocs;
  std::ostringstream log;
  auto r = Ingest(*store, {dir / "deep.json", dir / "huge.json", dir / "good.json"}, opts, log);
  REQUIRE(r.ok());
  auto blocs = testing::Must(store->Blocs());
  CHECK(std::any_of(blocs.begin(), blocs.end(), [](const auto& b) {
    return b.first == "cn" && b.second == std::vector<std::string>{"CN"};
  }));
  auto d = testing::Must(store->Diagnostics());
  int blocs_errors = 0;
  for (const auto& x : d) blocs_errors += x.code == "blocs" && x.severity == "error";
  CHECK(blocs_errors == 2);
  auto deep = ReadBlocsFile(dir / "deep.json");
  CHECK(deep.status().code() == Status::Code::kInvalidInput);
  CHECK_THAT(deep.status().message(), Catch::Contains("nested deeper"));
  CHECK(ReadBlocsFile(dir / "huge.json").status().code() == Status::Code::kInvalidInput);
}

}  // namespace
}  // namespace lineage
