// Tests for include/lineage/analysis.h: blocs, cross-border flows, timelines,
// over stores built by Ingest from temporary card folders and tables.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lineage/analysis.h"
#include "lineage/ingest.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::OpenStore;
using testing::TempDir;
using testing::WriteCard;
using testing::WriteFile;
using Strings = std::vector<std::string>;

TEST_CASE("ResolveBloc accepts a bloc name in any case or a country code", "[analysis]") {
  BlocTable table = {{"cn", {"CN"}}, {"west", {"US", "fr"}}};
  SECTION("a bloc name, any case") {
    auto b = ResolveBloc(table, "WEST");
    REQUIRE(b.ok());
    CHECK(b->name == "west");
    CHECK(b->countries == std::set<std::string>{"FR", "US"});
  }
  SECTION("a country code is a bloc of one") {
    auto b = ResolveBloc(table, "jp");
    REQUIRE(b.ok());
    CHECK(b->name == "JP");
    CHECK(b->countries == std::set<std::string>{"JP"});
  }
  SECTION("a bloc name wins over a country code of the same spelling") {
    auto b = ResolveBloc(table, "CN");
    REQUIRE(b.ok());
    CHECK(b->name == "cn");
  }
  SECTION("anything else is NotFound and names the known blocs") {
    for (const char* name : {"nowhere", "c1", "", "USA"}) {
      INFO(name);
      auto b = ResolveBloc(table, name);
      REQUIRE_FALSE(b.ok());
      CHECK(b.status().code() == Status::Code::kNotFound);
      CHECK_THAT(b.status().message(), Catch::Contains("cn, west"));
    }
  }
  SECTION("with no blocs at all the message says how to get them") {
    auto b = ResolveBloc({}, "west");
    REQUIRE_FALSE(b.ok());
    CHECK_THAT(b.status().message(), Catch::Contains("blocs.json"));
  }
}

TEST_CASE("BlocOf finds the bloc of a country", "[analysis]") {
  BlocTable table = {{"cn", {"CN"}}, {"west", {"US", "FR"}}};
  CHECK(BlocOf(table, "US") == "west");
  CHECK(BlocOf(table, "fr") == "west");
  CHECK(BlocOf(table, "CN") == "cn");
  CHECK(BlocOf(table, "JP") == "");
  CHECK(BlocOf(table, "") == "");
}

const char kOrgs[] =
    "namespace,organization,country,kind,source\n"
    "meta-llama,Meta,US,company,https://about.meta.com/\n"
    "mistralai,Mistral AI,FR,company,https://mistral.ai/\n"
    "Qwen,Alibaba Cloud,CN,company,https://www.alibabacloud.com/\n"
    "deepseek-ai,DeepSeek,CN,company,https://www.deepseek.com/\n"
    "nvidia,NVIDIA,US,company,https://www.nvidia.com/\n"
    "newlab,New Lab,CN,academic,https://newlab.example/\n"
    "indie,indie,,individual,\n";

// A small world with flows both ways:
//   meta-llama/Llama-3-8B (US), mistralai/Mistral-7B (FR), Qwen/Qwen2-7B (CN)
//   indie/llama-ft (?) -> Llama;  indie/llama-ft-GGUF (?) -> indie/llama-ft (quantized)
//   deepseek-ai/via-indie (CN) -> indie/llama-ft-GGUF
//   deepseek-ai/direct (CN) -> Llama
//   merger/mix (?) -> Llama + Qwen (merge)
//   deepseek-ai/on-mix (CN) -> merger/mix;  nvidia/on-mix (US) -> merger/mix
//   nvidia/on-qwen (US) -> Qwen
//   oldlab/renamed (alias of newlab, CN) -> Mistral
//   Qwen/Qwen2-7B-Instruct (CN) -> Qwen;  deepseek-ai/trained (CN) trained on a Meta dataset
class World {
 public:
  World() {
    std::string c = cards();
    WriteCard(c, "meta-llama/Llama-3-8B", "---\nlicense: llama3\n---\n");
    WriteCard(c, "mistralai/Mistral-7B", "---\nlicense: apache-2.0\n---\n");
    WriteCard(c, "Qwen/Qwen2-7B", "---\nlicense: apache-2.0\n---\n");
    WriteCard(c, "indie/llama-ft", "---\nbase_model: meta-llama/Llama-3-8B\n---\n");
    WriteCard(c, "indie/llama-ft-GGUF", "---\nbase_model: indie/llama-ft\ntags: [gguf]\n---\n");
    WriteCard(c, "deepseek-ai/via-indie", "---\nbase_model: indie/llama-ft-GGUF\n---\n");
    WriteCard(c, "deepseek-ai/direct", "---\nbase_model: meta-llama/Llama-3-8B\n---\n");
    WriteCard(c, "merger/mix", "---\nbase_model: [meta-llama/Llama-3-8B, Qwen/Qwen2-7B]\n---\n");
    WriteCard(c, "deepseek-ai/on-mix", "---\nbase_model: merger/mix\n---\n");
    WriteCard(c, "nvidia/on-mix", "---\nbase_model: merger/mix\n---\n");
    WriteCard(c, "nvidia/on-qwen", "---\nbase_model: Qwen/Qwen2-7B\n---\n");
    WriteCard(c, "oldlab/renamed", "---\nbase_model: mistralai/Mistral-7B\n---\n");
    WriteCard(c, "Qwen/Qwen2-7B-Instruct", "---\nbase_model: Qwen/Qwen2-7B\n---\n");
    WriteCard(c, "deepseek-ai/trained", "---\ndatasets: [meta-llama/some-data]\n---\n");
    WriteFile(orgs(), kOrgs);
    WriteFile(aliases(), "old_namespace,new_namespace,source\noldlab,newlab,https://newlab.example/moved\n");
    WriteFile(blocs(), R"({"west": ["US", "FR"], "cn": ["CN"]})");
    store_ = OpenStore(dir_ / "s.db");
  }

  std::string cards() const { return dir_ / "cards"; }
  std::string orgs() const { return dir_ / "data/organizations.csv"; }
  std::string aliases() const { return dir_ / "data/aliases.csv"; }
  std::string blocs() const { return dir_ / "data/blocs.json"; }
  std::string path(const std::string& rel) const { return dir_ / rel; }
  Store& store() { return *store_; }

  void Ingest(const Strings& paths) {
    std::ostringstream log;
    IngestOptions o;
    o.threads = 2;
    auto r = lineage::Ingest(*store_, paths, o, log);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
  }
  void IngestAll() { Ingest({cards(), orgs(), aliases(), blocs()}); }

  FlowReport Flows(const std::string& from, const std::string& to, FlowOptions o = {}) {
    auto table = testing::Must(store_->Blocs());
    auto f = ResolveBloc(table, from);
    auto t = ResolveBloc(table, to);
    REQUIRE(f.ok());
    REQUIRE(t.ok());
    auto g = testing::Must(CompactGraph::Load(*store_));
    return ComputeFlows(*g, *f, *t, o);
  }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

Strings Models(const FlowReport& r) {
  Strings out;
  for (const auto& f : r.flows) out.push_back(f.model);
  return out;
}

const Flow* FlowOf(const FlowReport& r, const std::string& model) {
  for (const auto& f : r.flows) {
    if (f.model == model) return &f;
  }
  return nullptr;
}

TEST_CASE("ComputeFlows finds models in one bloc built on bases from another", "[analysis]") {
  World w;
  w.IngestAll();
  FlowReport r = w.Flows("west", "cn");
  CHECK(r.from == "west");
  CHECK(r.to == "cn");
  CHECK(Models(r) == Strings{"deepseek-ai/direct", "deepseek-ai/on-mix", "deepseek-ai/via-indie",
                             "oldlab/renamed"});
  CHECK(r.models == 4);
  CHECK(r.bases == 2);

  SECTION("a direct finetune") {
    const Flow* f = FlowOf(r, "deepseek-ai/direct");
    REQUIRE(f);
    CHECK(f->base == "meta-llama/Llama-3-8B");
    CHECK(f->model_country == "CN");
    CHECK(f->base_country == "US");
    CHECK(f->model_organization == "DeepSeek");
    CHECK(f->base_organization == "Meta");
    CHECK(f->path == Strings{"deepseek-ai/direct", "meta-llama/Llama-3-8B"});
    CHECK(f->relations == std::vector<Relation>{Relation::kFinetune});
    CHECK(f->family == "meta-llama/Llama-3-8B");
  }
  SECTION("transitively through intermediaries of unknown country") {
    const Flow* f = FlowOf(r, "deepseek-ai/via-indie");
    REQUIRE(f);
    CHECK(f->path == Strings{"deepseek-ai/via-indie", "indie/llama-ft-GGUF", "indie/llama-ft",
                             "meta-llama/Llama-3-8B"});
    CHECK(f->relations ==
          std::vector<Relation>{Relation::kFinetune, Relation::kQuantized, Relation::kFinetune});
  }
  SECTION("through a merge whose parents come from two blocs") {
    const Flow* f = FlowOf(r, "deepseek-ai/on-mix");
    REQUIRE(f);
    CHECK(f->path == Strings{"deepseek-ai/on-mix", "merger/mix", "meta-llama/Llama-3-8B"});
    CHECK(f->relations == std::vector<Relation>{Relation::kFinetune, Relation::kMerge});
    FlowReport back = w.Flows("cn", "west");
    CHECK(Models(back) == Strings{"nvidia/on-mix", "nvidia/on-qwen"});
    const Flow* b = FlowOf(back, "nvidia/on-mix");
    REQUIRE(b);
    CHECK(b->base == "Qwen/Qwen2-7B");
    CHECK(b->path == Strings{"nvidia/on-mix", "merger/mix", "Qwen/Qwen2-7B"});
  }
  SECTION("a renamed namespace takes its country through the alias") {
    const Flow* f = FlowOf(r, "oldlab/renamed");
    REQUIRE(f);
    CHECK(f->model_country == "CN");
    CHECK(f->model_organization == "New Lab");
    CHECK(f->base == "mistralai/Mistral-7B");
    CHECK(f->base_country == "FR");
  }
  SECTION("models within one bloc and dataset edges are not flows") {
    CHECK_FALSE(FlowOf(r, "Qwen/Qwen2-7B-Instruct"));
    CHECK_FALSE(FlowOf(r, "deepseek-ai/trained"));
  }
  SECTION("summaries by organization pair and by family") {
    REQUIRE(r.by_organization.size() == 2);
    CHECK(r.by_organization[0].key == "Meta -> DeepSeek");
    CHECK(r.by_organization[0].models == 3);
    CHECK(r.by_organization[1].key == "Mistral AI -> New Lab");
    CHECK(r.by_organization[1].models == 1);
    REQUIRE(r.by_family.size() == 2);
    CHECK(r.by_family[0].key == "meta-llama/Llama-3-8B");
    CHECK(r.by_family[0].models == 3);
  }
  SECTION("a country code works like a bloc") {
    FlowReport fr = w.Flows("FR", "cn");
    CHECK(Models(fr) == Strings{"oldlab/renamed"});
  }
}

TEST_CASE("A graph of the linked artifacts only gives the flows of the whole graph",
          "[analysis]") {
  World w;
  w.IngestAll();
  auto table = testing::Must(w.store().Blocs());
  auto whole = testing::Must(CompactGraph::Load(w.store()));
  auto linked = testing::Must(CompactGraph::Load(w.store(), CompactGraph::Scope::kLinked));
  // Every card here has an edge but Llama's dataset is an artifact too; a model
  // without any edge is left out.
  CHECK(linked->vertex_count() <= whole->vertex_count());
  CHECK(linked->edge_count() == whole->edge_count());
  for (auto [from, to] : {std::pair<const char*, const char*>{"west", "cn"}, {"cn", "west"}}) {
    INFO(from << " -> " << to);
    Bloc f = ResolveBloc(table, from).value(), t = ResolveBloc(table, to).value();
    FlowReport a = ComputeFlows(*whole, f, t, {});
    FlowReport b = ComputeFlows(*linked, f, t, {});
    REQUIRE(a.flows.size() == b.flows.size());
    CHECK_FALSE(a.flows.empty());
    for (size_t i = 0; i < a.flows.size(); ++i) {
      const Flow& x = a.flows[i];
      const Flow& y = b.flows[i];
      CHECK(x.model == y.model);
      CHECK(x.model_organization == y.model_organization);
      CHECK(x.model_country == y.model_country);
      CHECK(x.base == y.base);
      CHECK(x.base_organization == y.base_organization);
      CHECK(x.base_country == y.base_country);
      CHECK(x.family == y.family);
      CHECK(x.path == y.path);
      CHECK(x.relations == y.relations);
      CHECK_FALSE(x.inferred);  // every edge here is declared
      CHECK_FALSE(y.inferred);
    }
    CHECK(a.models == b.models);
    CHECK(a.bases == b.bases);
  }
}

TEST_CASE("ScanNodes with a row filter gives just those rows, owners resolved", "[analysis]") {
  World w;
  w.IngestAll();
  std::vector<NodeRow> all;
  std::vector<std::string> orgs;
  REQUIRE(w.store().ScanNodes([&](const NodeRow& r) {
    all.push_back(NodeRow{r.id, r.display, r.kind, {}, {}, {}, {}, r.namespace_index});
    orgs.emplace_back(r.organization);
  }).ok());
  REQUIRE(all.size() > 4);
  std::vector<bool> only(static_cast<size_t>(all.back().id + 1), false);
  std::vector<std::string> want;
  for (size_t i = 0; i < all.size(); i += 2) {
    only[all[i].id] = true;
    want.push_back(all[i].display + "|" + orgs[i]);
  }
  std::vector<std::string> got;
  std::map<uint32_t, std::string> ns_of_index;
  REQUIRE(w.store().ScanNodes([&](const NodeRow& r) {
    got.push_back(r.display + "|" + std::string(r.organization));
    // One namespace, one index; another namespace, another.
    std::string ns = IdKey(std::string(r.author));
    auto [it, fresh] = ns_of_index.emplace(r.namespace_index, ns);
    CHECK(it->second == ns);
  }, &only).ok());
  CHECK(got == want);
  // Owners came through: some row of the selection has an organization.
  CHECK(std::any_of(got.begin(), got.end(),
                    [](const std::string& g) { return g.back() != '|'; }));
}

TEST_CASE("ComputeFlows --direct keeps only one-hop flows", "[analysis]") {
  World w;
  w.IngestAll();
  FlowOptions o;
  o.direct = true;
  FlowReport r = w.Flows("west", "cn", o);
  CHECK(Models(r) == Strings{"deepseek-ai/direct", "oldlab/renamed"});
  for (const auto& f : r.flows) CHECK(f.path.size() == 2);
}

TEST_CASE("ComputeFlows follows only the relations asked for", "[analysis]") {
  World w;
  w.IngestAll();
  SECTION("without quantized edges the path through the GGUF is cut") {
    FlowOptions o;
    o.filter.relations[static_cast<int>(Relation::kQuantized)] = false;
    CHECK(Models(w.Flows("west", "cn", o)) ==
          Strings{"deepseek-ai/direct", "deepseek-ai/on-mix", "oldlab/renamed"});
  }
  SECTION("finetune only also drops the merge") {
    FlowOptions o;
    for (bool& b : o.filter.relations) b = false;
    o.filter.relations[static_cast<int>(Relation::kFinetune)] = true;
    CHECK(Models(w.Flows("west", "cn", o)) == Strings{"deepseek-ai/direct", "oldlab/renamed"});
  }
  SECTION("trained_on is never followed, even when asked") {
    FlowOptions o;
    for (bool& b : o.filter.relations) b = false;
    o.filter.relations[static_cast<int>(Relation::kTrainedOn)] = true;
    CHECK(w.Flows("west", "cn", o).flows.empty());
  }
}

TEST_CASE("Without the alias the renamed namespace has no country", "[analysis]") {
  World w;
  w.Ingest({w.cards(), w.orgs(), w.blocs()});
  FlowReport r = w.Flows("west", "cn");
  CHECK_FALSE(FlowOf(r, "oldlab/renamed"));
  w.Ingest({w.aliases()});
  CHECK(FlowOf(w.Flows("west", "cn"), "oldlab/renamed"));
}

TEST_CASE("A user's organization file read after ours overrides it", "[analysis]") {
  World w;
  std::string mine = w.path("mine/organizations.csv");
  WriteFile(mine, "namespace,organization,country,kind,source\n"
                  "indie,Indie Studio,CN,company,https://indie.example/about\n");
  SECTION("ours, then the user's: the user's country counts") {
    w.Ingest({w.cards(), w.orgs(), w.aliases(), w.blocs(), mine});
    FlowReport r = w.Flows("west", "cn");
    const Flow* f = FlowOf(r, "indie/llama-ft");
    REQUIRE(f);
    CHECK(f->model_country == "CN");
    CHECK(f->model_organization == "Indie Studio");
    CHECK(FlowOf(r, "indie/llama-ft-GGUF"));
    CHECK(FlowOf(r, "deepseek-ai/via-indie"));  // still reaches Llama through CN hops
  }
  SECTION("the user's, then ours: ours counts") {
    w.Ingest({w.cards(), mine, w.orgs(), w.aliases(), w.blocs()});
    CHECK_FALSE(FlowOf(w.Flows("west", "cn"), "indie/llama-ft"));
  }
}

TEST_CASE("An edited bloc changes the flows", "[analysis]") {
  World w;
  w.IngestAll();
  REQUIRE(FlowOf(w.Flows("west", "cn"), "oldlab/renamed"));
  SECTION("re-ingesting the edited file") {
    WriteFile(w.blocs(), R"({"west": ["US"], "cn": ["CN"]})");
    w.Ingest({w.blocs()});
    FlowReport r = w.Flows("west", "cn");
    CHECK_FALSE(FlowOf(r, "oldlab/renamed"));
    CHECK(r.models == 3);
  }
  SECTION("reading an edited copy without storing it") {
    std::string edited = w.path("edited-blocs.json");
    WriteFile(edited, R"({"west": ["US"], "cn": ["CN", "FR"]})");
    auto table = ReadBlocsFile(edited);
    REQUIRE(table.ok());
    auto g = testing::Must(CompactGraph::Load(w.store()));
    FlowReport r = ComputeFlows(*g, ResolveBloc(*table, "west").value(),
                                ResolveBloc(*table, "cn").value(), {});
    CHECK_FALSE(FlowOf(r, "oldlab/renamed"));  // FR is now in cn: base and model both cn
    CHECK(FlowOf(r, "deepseek-ai/direct"));
    CHECK(testing::Must(w.store().Blocs()).size() == 2);
    CHECK(testing::Must(w.store().Blocs())[1].second == Strings{"FR", "US"});  // the stored one is untouched
  }
}

TEST_CASE("ComputeTimeline counts new derivatives per month by the bloc of their roots",
          "[analysis]") {
  TempDir dir;
  std::string dump = dir / "hub.jsonl";
  WriteFile(dump,
            R"({"id":"meta-llama/Llama-3-8B","createdAt":"2024-04-18T00:00:00.000Z"})" "\n"
            R"({"id":"Qwen/Qwen2-7B","createdAt":"2024-06-06T00:00:00.000Z"})" "\n"
            R"({"id":"a/ft1","tags":["base_model:finetune:meta-llama/Llama-3-8B"],"createdAt":"2024-05-01T00:00:00.000Z"})" "\n"
            R"({"id":"a/ft2","tags":["base_model:finetune:meta-llama/Llama-3-8B"],"createdAt":"2024-05-20T00:00:00.000Z"})" "\n"
            R"({"id":"b/ft3","tags":["base_model:finetune:Qwen/Qwen2-7B"],"createdAt":"2024-06-10T00:00:00.000Z"})" "\n"
            R"({"id":"c/mix","tags":["base_model:merge:meta-llama/Llama-3-8B","base_model:merge:Qwen/Qwen2-7B"],"createdAt":"2024-06-11T00:00:00.000Z"})" "\n"
            R"({"id":"d/undated","tags":["base_model:finetune:meta-llama/Llama-3-8B"]})" "\n"
            R"({"id":"e/orphan","tags":["base_model:finetune:nobody/root"],"createdAt":"2024-07-01T00:00:00.000Z"})" "\n");
  WriteFile(dir / "orgs.csv", std::string("namespace,organization,country,kind,source\n") +
                                  "meta-llama,Meta,US,company,https://about.meta.com/\n"
                                  "Qwen,Alibaba Cloud,CN,company,https://www.alibabacloud.com/\n");
  WriteFile(dir / "blocs.json", R"({"west": ["US"], "cn": ["CN"]})");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  REQUIRE(Ingest(*store, {dump, dir / "orgs.csv", dir / "blocs.json"}, {}, log).ok());
  auto g = testing::Must(CompactGraph::Load(*store));
  Timeline t = ComputeTimeline(*g, testing::Must(store->Blocs()));
  CHECK(t.months == Strings{"2024-05", "2024-06", "2024-07"});
  CHECK(t.blocs == Strings{"cn", "west", "unknown"});
  CHECK(t.counts["2024-05"]["west"] == 2);
  CHECK(t.counts["2024-05"].count("cn") == 0);
  CHECK(t.counts["2024-06"]["cn"] == 2);    // b/ft3 and c/mix
  CHECK(t.counts["2024-06"]["west"] == 1);  // c/mix counts for both blocs of its roots
  CHECK(t.counts["2024-07"]["unknown"] == 1);
  CHECK(t.undated == 1);
  SECTION("roots themselves are not derivatives") {
    CHECK(t.counts.count("2024-04") == 0);
  }
}

TEST_CASE("ComputeTimeline fills the months between and ignores malformed dates", "[analysis]") {
  TempDir dir;
  std::string dump = dir / "hub.jsonl";
  WriteFile(dump,
            R"({"id":"a/ft1","tags":["base_model:finetune:x/root"],"createdAt":"2024-11-03"})" "\n"
            R"({"id":"a/ft2","tags":["base_model:finetune:x/root"],"createdAt":"2025-02"})" "\n"
            R"({"id":"a/bad","tags":["base_model:finetune:x/root"],"createdAt":"20x4-13-01"})" "\n"
            R"({"id":"a/bad2","tags":["base_model:finetune:x/root"],"createdAt":"2024-13"})" "\n");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  REQUIRE(Ingest(*store, {dump}, {}, log).ok());
  auto g = testing::Must(CompactGraph::Load(*store));
  Timeline t = ComputeTimeline(*g, {});
  CHECK(t.months == Strings{"2024-11", "2024-12", "2025-01", "2025-02"});
  CHECK(t.counts["2024-12"].empty());
  CHECK(t.counts["2025-02"]["unknown"] == 1);
  CHECK(t.undated == 2);
}


TEST_CASE("ComputeFlows breaks models down by the kinds of dependence on their paths",
          "[analysis]") {
  World w;
  w.IngestAll();
  FlowReport all = w.Flows("west", "cn");
  std::map<std::string, int64_t> by_class;
  for (const auto& row : all.by_class) by_class[row.key] = row.models;
  // Only deepseek-ai/via-indie reaches the west through a quantized copy.
  CHECK(by_class["redistribution"] == 1);
  CHECK(by_class["weights"] == all.models);
  SECTION("following weights edges only leaves out what passes through a copy") {
    FlowOptions o;
    o.filter = ClassFilter({RelationClass::kWeights});
    FlowReport weights = w.Flows("west", "cn", o);
    Strings models = Models(weights);
    CHECK(std::find(models.begin(), models.end(), "deepseek-ai/via-indie") == models.end());
    CHECK(std::find(models.begin(), models.end(), "deepseek-ai/direct") != models.end());
    CHECK(weights.models == all.models - 1);
  }
}

TEST_CASE("ComputeFlows counts a reused architecture apart from the weights", "[analysis]") {
  World w;
  WriteCard(w.cards(), "deepseek-ai/own-design", "---\nlicense: mit\n---\n");
  WriteFile(w.path("data/arch_edges.csv"),
            "child,parent,relation,source,note\n"
            "deepseek-ai/own-design,meta-llama/Llama-3-8B,architecture,https://example.org/a,"
            "same design new weights\n");
  w.Ingest({w.cards(), w.orgs(), w.aliases(), w.blocs(), w.path("data/arch_edges.csv")});
  FlowReport all = w.Flows("west", "cn");
  std::map<std::string, int64_t> by_class;
  for (const auto& row : all.by_class) by_class[row.key] = row.models;
  CHECK(by_class["architecture"] == 1);
  Strings models = Models(all);
  REQUIRE(std::find(models.begin(), models.end(), "deepseek-ai/own-design") != models.end());
  // Its path holds no weights edge, so the weights count leaves it out.
  CHECK(by_class["weights"] == all.models - 1);
  FlowOptions o;
  o.filter = ClassFilter({RelationClass::kWeights});
  Strings weights = Models(w.Flows("west", "cn", o));
  CHECK(std::find(weights.begin(), weights.end(), "deepseek-ai/own-design") == weights.end());
}

TEST_CASE("ComputeTimeline counts weights derivatives unless told other classes", "[analysis]") {
  TempDir dir;
  std::string dump = dir / "hub.jsonl";
  WriteFile(dump,
            R"({"id":"meta-llama/Llama-3-8B","createdAt":"2024-04-18T00:00:00.000Z"})" "\n"
            R"({"id":"a/ft1","tags":["base_model:finetune:meta-llama/Llama-3-8B"],"createdAt":"2024-05-01T00:00:00.000Z"})" "\n"
            R"({"id":"q/ft1-GGUF","tags":["base_model:quantized:a/ft1"],"createdAt":"2024-05-02T00:00:00.000Z"})" "\n"
            R"({"id":"q/llama-GGUF","tags":["base_model:quantized:meta-llama/Llama-3-8B"],"createdAt":"2024-06-02T00:00:00.000Z"})" "\n");
  WriteFile(dir / "orgs.csv", std::string("namespace,organization,country,kind,source\n") +
                                  "meta-llama,Meta,US,company,https://about.meta.com/\n");
  WriteFile(dir / "blocs.json", R"({"west": ["US"], "cn": ["CN"]})");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  REQUIRE(Ingest(*store, {dump, dir / "orgs.csv", dir / "blocs.json"}, {}, log).ok());
  auto g = testing::Must(CompactGraph::Load(*store));
  Timeline t = ComputeTimeline(*g, testing::Must(store->Blocs()));
  CHECK(t.classes == Strings{"weights"});
  CHECK(t.counts["2024-05"]["west"] == 1);  // a/ft1 only; the quantizations are not new models
  CHECK(t.by_class["weights"] == 1);
  CHECK(t.by_class["redistribution"] == 2);
  SECTION("--class redistribution counts the copies, rooted through the weights they copy") {
    TimelineOptions o;
    o.classes = {RelationClass::kRedistribution};
    Timeline q = ComputeTimeline(*g, testing::Must(store->Blocs()), o);
    CHECK(q.counts["2024-05"]["west"] == 1);  // q/ft1-GGUF, rooted at Llama through a/ft1
    CHECK(q.counts["2024-06"]["west"] == 1);
  }
}


TEST_CASE("FamilyName groups a root by canonical base, or by name pattern and publisher",
          "[analysis]") {
  std::vector<Family> families(2);
  families[0].slug = "llama3";
  families[0].name = "Llama 3";
  families[0].publisher = "meta-llama";
  families[0].canonical_base = "meta-llama/Meta-Llama-3-8B";
  families[0].name_patterns = {R"(llama-?3(?![.\d]))"};
  families[1].slug = "qwen2";
  families[1].name = "Qwen2";
  families[1].publisher = "Qwen";
  families[1].name_patterns = {"qwen2(?!\\.)"};
  CHECK(FamilyName(families, "meta-llama/meta-llama-3-8b") == "Llama 3");  // canonical, any case
  CHECK(FamilyName(families, "meta-llama/Llama-3-70B") == "Llama 3");     // pattern + publisher
  CHECK(FamilyName(families, "Qwen/Qwen2-7B") == "Qwen2");
  SECTION("a name that matches but is not the publisher's stays unknown") {
    CHECK(FamilyName(families, "indie/Llama-3-8B-copy") == kUnknownFamily);
  }
  SECTION("a lookahead keeps Llama 3.1 out of Llama 3, and Qwen2.5 out of Qwen2") {
    CHECK(FamilyName(families, "meta-llama/Llama-3.1-8B") == kUnknownFamily);
    CHECK(FamilyName(families, "Qwen/Qwen2.5-7B") == kUnknownFamily);
  }
  SECTION("ComputeFlows reports families instead of roots when given them") {
    World w;
    w.IngestAll();
    FlowOptions o;
    o.families = families;
    o.families[0].canonical_base = "meta-llama/Llama-3-8B";
    FlowReport r = w.Flows("west", "cn", o);
    REQUIRE_FALSE(r.by_family.empty());
    CHECK(r.by_family[0].key == "Llama 3");
    for (const auto& row : r.by_family) {
      CHECK((row.key == "Llama 3" || row.key == kUnknownFamily));  // Mistral has no family here
    }
  }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// A Hub dump with popularity, described once: the test writes the dump from
// it and works out the expected shares from it on its own.
struct PopRecord {
  std::string id, relation, parents, created;  // parents: ';'-separated
  int64_t downloads, all_time, likes;          // -1: absent from the record
};

const std::vector<PopRecord> kPopDump = {
    {"meta-llama/Llama-3-8B", "", "", "2024-04-18", 1000000, 9000000, 5000},
    {"Qwen/Qwen2-7B", "", "", "2024-04-20", 2000000, 8000000, 4000},
    {"a/ft1", "finetune", "meta-llama/Llama-3-8B", "2024-05-03", 100, 1000, 5},
    {"a/ft2", "finetune", "a/ft1", "2024-05-20", 50, -1, 2},
    {"b/ft3", "finetune", "Qwen/Qwen2-7B", "2024-05-25", 300, 600, 1},
    {"c/mix", "merge", "meta-llama/Llama-3-8B;Qwen/Qwen2-7B", "2024-06-11", 40, 80, 0},
    {"b/ft4", "finetune", "Qwen/Qwen2-7B", "2024-06-15", -1, -1, -1},
    {"q/ft3-GGUF", "quantized", "b/ft3", "2024-06-20", 9999, 99999, 99},
    {"d/undated", "finetune", "meta-llama/Llama-3-8B", "", 7777, 7777, 77},
    {"e/orphan", "finetune", "nobody/root", "2024-08-01", 10, -1, 3},
};

std::string PopDumpText() {
  std::string out;
  for (const auto& r : kPopDump) {
    std::string line = "{\"id\":\"" + r.id + "\"";
    if (!r.parents.empty()) {
      line += ",\"tags\":[";
      std::stringstream ss(r.parents);
      std::string p;
      bool first = true;
      while (std::getline(ss, p, ';')) {
        line += std::string(first ? "" : ",") + "\"base_model:" + r.relation + ":" + p + "\"";
        first = false;
      }
      line += "]";
    }
    if (!r.created.empty()) line += ",\"createdAt\":\"" + r.created + "T00:00:00.000Z\"";
    if (r.downloads >= 0) line += ",\"downloads\":" + std::to_string(r.downloads);
    if (r.all_time >= 0) line += ",\"downloadsAllTime\":" + std::to_string(r.all_time);
    if (r.likes >= 0) line += ",\"likes\":" + std::to_string(r.likes);
    out += line + "}\n";
  }
  return out;
}

// The blocs of the roots `id` reaches through weights edges, from the table
// above: meta-llama is west, Qwen cn, anything else unknown.
std::set<std::string> ExpectedRootBlocs(const std::string& id) {
  for (const auto& r : kPopDump) {
    if (r.id != id || r.parents.empty()) continue;
    std::set<std::string> out;
    std::stringstream ss(r.parents);
    std::string p;
    while (std::getline(ss, p, ';')) {
      auto up = ExpectedRootBlocs(p);
      out.insert(up.begin(), up.end());
    }
    return out;
  }
  if (id.rfind("meta-llama/", 0) == 0) return {"west"};
  if (id.rfind("Qwen/", 0) == 0) return {"cn"};
  return {"unknown"};
}

TEST_CASE("Adoption shares are counted and weighted by each derivative's downloads and likes",
          "[analysis]") {
  TempDir dir;
  WriteFile(dir / "hub.jsonl", PopDumpText());
  WriteFile(dir / "orgs.csv", std::string("namespace,organization,country,kind,source\n") +
                                  "meta-llama,Meta,US,company,https://about.meta.com/\n"
                                  "Qwen,Alibaba Cloud,CN,company,https://www.alibabacloud.com/\n");
  WriteFile(dir / "blocs.json", R"({"west": ["US"], "cn": ["CN"]})");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  REQUIRE(Ingest(*store, {dir / "hub.jsonl", dir / "orgs.csv", dir / "blocs.json"}, {}, log).ok());
  auto g = testing::Must(CompactGraph::Load(*store));
  auto popularity = store->ScanPopularity();
  REQUIRE(popularity.ok());
  TimelineOptions options;
  options.popularity = &*popularity;
  Timeline t = ComputeTimeline(*g, testing::Must(store->Blocs()), options);

  // Expected, from the table: weights derivatives (not the quantized copy)
  // with a date, each measure summed by month and root bloc.
  std::map<std::string, std::map<std::string, std::map<std::string, int64_t>>> want;  // measure, month, bloc
  std::map<std::string, int64_t> carrying;
  int64_t dated = 0;
  for (const auto& r : kPopDump) {
    if (r.parents.empty() || r.relation == "quantized" || r.created.empty()) continue;
    ++dated;
    std::string month = r.created.substr(0, 7);
    for (auto [measure, value] : {std::pair<std::string, int64_t>{"count", 1},
                                  {"downloads", r.downloads},
                                  {"downloads_all_time", r.all_time},
                                  {"likes", r.likes}}) {
      if (value < 0) continue;
      ++carrying[measure];
      for (const auto& b : ExpectedRootBlocs(r.id)) want[measure][month][b] += value;
    }
  }
  CHECK(t.dated == dated);
  REQUIRE(t.weighted.size() == 3);
  CHECK(t.weighted[0].measure == "downloads");
  CHECK(t.weighted[1].measure == "downloads_all_time");
  CHECK(t.weighted[2].measure == "likes");
  for (const auto& w : t.weighted) {
    INFO(w.measure);
    CHECK(w.models_with == carrying[w.measure]);
  }

  std::vector<AdoptionShare> shares = AdoptionShares(t);
  CHECK(shares.size() == 4 * t.months.size() * t.blocs.size());
  std::map<std::string, std::map<std::string, int64_t>> cumulative;  // measure, bloc
  std::map<std::string, int64_t> cumulative_total;
  std::map<std::string, std::string> last_month;
  for (const auto& s : shares) {
    INFO(s.measure << " " << s.month << " " << s.bloc);
    const auto& month = want[s.measure][s.month];
    int64_t total = 0;
    for (const auto& [b, v] : month) total += v;
    if (last_month[s.measure] != s.month) {
      cumulative_total[s.measure] += total;
      last_month[s.measure] = s.month;
    }
    int64_t value = month.count(s.bloc) ? month.at(s.bloc) : 0;
    cumulative[s.measure][s.bloc] += value;
    CHECK(s.value == value);
    CHECK(s.total == total);
    CHECK(s.cumulative_value == cumulative[s.measure][s.bloc]);
    CHECK(s.cumulative_total == cumulative_total[s.measure]);
    if (total > 0) CHECK(s.share() == Approx(static_cast<double>(value) / total));
  }
  SECTION("a spot check by hand: May's downloads are 450, 300 of them on Qwen") {
    auto may = std::find_if(shares.begin(), shares.end(), [](const AdoptionShare& s) {
      return s.month == "2024-05" && s.measure == "downloads" && s.bloc == "cn";
    });
    REQUIRE(may != shares.end());
    CHECK(may->total == 450);
    CHECK(may->share() == Approx(300.0 / 450));
  }
  SECTION("the merge weighs its whole weight in each bloc of its roots") {
    CHECK(t.weighted[0].sums["2024-06"]["cn"] == 40);
    CHECK(t.weighted[0].sums["2024-06"]["west"] == 40);
  }
}

TEST_CASE("Without popularity data the timeline has no weighted measures", "[analysis]") {
  TempDir dir;
  WriteFile(dir / "hub.jsonl",
            R"({"id":"a/ft1","tags":["base_model:finetune:x/root"],"createdAt":"2024-11-03"})" "\n");
  auto store = OpenStore(dir / "s.db");
  std::ostringstream log;
  REQUIRE(Ingest(*store, {dir / "hub.jsonl"}, {}, log).ok());
  auto g = testing::Must(CompactGraph::Load(*store));
  auto popularity = store->ScanPopularity();
  REQUIRE(popularity.ok());
  CHECK(popularity->empty());
  TimelineOptions options;
  options.popularity = &*popularity;
  Timeline t = ComputeTimeline(*g, {}, options);
  CHECK(t.weighted.empty());
  std::vector<AdoptionShare> shares = AdoptionShares(t);
  REQUIRE(shares.size() == 1);
  CHECK(shares[0].measure == "count");
  CHECK(shares[0].share() == 1.0);
}

}  // namespace
}  // namespace lineage
