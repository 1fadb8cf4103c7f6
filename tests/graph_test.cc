// Tests for include/lineage/graph.h: FindCycles and the compact whole graph.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "lineage/graph.h"
#include "lineage/store.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::MakeDoc;
using testing::MakeEdge;
using testing::OpenStore;
using testing::TempDir;
using Strings = std::vector<std::string>;
using Cycles = std::vector<std::vector<int64_t>>;

std::vector<EdgeRow> Rows(const std::vector<std::pair<int64_t, int64_t>>& pairs) {
  std::vector<EdgeRow> out;
  for (auto [c, p] : pairs) out.push_back(EdgeRow{c, p, Relation::kFinetune, 0.95});
  return out;
}

// True when every hop of `cycle`, and the hop from its last vertex back to the
// first, is an edge of `edges`.
bool IsCycle(const std::vector<int64_t>& cycle, const std::vector<EdgeRow>& edges) {
  std::set<std::pair<int64_t, int64_t>> e;
  for (const auto& r : edges) e.emplace(r.child, r.parent);
  for (size_t i = 0; i < cycle.size(); ++i) {
    if (!e.count({cycle[i], cycle[(i + 1) % cycle.size()]})) return false;
  }
  return cycle.size() >= 2;
}

TEST_CASE("FindCycles finds nothing in a DAG", "[graph]") {
  CHECK(FindCycles({}).empty());
  CHECK(FindCycles(Rows({{1, 2}, {2, 3}, {1, 3}, {4, 3}})).empty());
}

TEST_CASE("FindCycles gives one cycle per strongly connected component", "[graph]") {
  SECTION("a two-cycle") {
    CHECK(FindCycles(Rows({{5, 7}, {7, 5}})) == Cycles{{5, 7}});
  }
  SECTION("a three-cycle starts at its smallest row id and follows the edges") {
    CHECK(FindCycles(Rows({{3, 1}, {1, 2}, {2, 3}})) == Cycles{{1, 2, 3}});
  }
  SECTION("two separate cycles, sorted, with the DAG around them ignored") {
    auto rows = Rows({{10, 11}, {11, 10}, {1, 2}, {2, 1}, {2, 50}, {60, 10}});
    CHECK(FindCycles(rows) == Cycles{{1, 2}, {10, 11}});
  }
  SECTION("a component with several cycles reports one real cycle") {
    auto rows = Rows({{1, 2}, {2, 3}, {3, 1}, {2, 1}, {3, 4}, {4, 2}});
    auto cycles = FindCycles(rows);
    REQUIRE(cycles.size() == 1);
    CHECK(cycles[0].front() == 1);
    CHECK(IsCycle(cycles[0], rows));
  }
}

// A store shaped for traversal tests:
//
//   us/base (US) <-ft- x/ft <-quant- x/q <-ft- cn/deriv (CN)
//   us/base <-merge- cn/merge -merge-> cn/base (CN)
//   us/base <-ft(0.3)- low/conf
//   us/base -ft-> us/root (US)          (an ancestor past the first US one)
//   cn/deriv -trained_on-> datasets/d/data
class GraphFixture {
 public:
  GraphFixture() : store_(OpenStore(dir_ / "s.db")) {
    DocumentFacts low = MakeDoc("card:low/conf", "h", "low/conf");
    low.edges.push_back(MakeEdge("low/conf", "us/base", Relation::kFinetune, 0.3));
    DocumentFacts deriv = MakeDoc("card:cn/deriv", "h", "cn/deriv", {"x/q"});
    deriv.edges.push_back(
        MakeEdge("cn/deriv", "datasets/d/data", Relation::kTrainedOn, 0.9, "card.datasets"));
    deriv.artifact->created_at = "2024-05-06T00:00:00Z";
    std::vector<DocumentFacts> docs = {
        MakeDoc("card:us/base", "h", "us/base", {"us/root"}),
        MakeDoc("card:us/root", "h", "us/root"),
        MakeDoc("card:cn/base", "h", "cn/base"),
        MakeDoc("card:x/ft", "h", "x/ft", {"us/base"}),
        MakeDoc("card:x/q", "h", "x/q", {"x/ft"}, Relation::kQuantized),
        deriv,
        MakeDoc("card:cn/merge", "h", "cn/merge", {"us/base", "cn/base"}, Relation::kMerge),
        low};
    REQUIRE(store_->BeginRun("fixture").ok());
    for (const auto& d : docs) REQUIRE(store_->ApplyDocument(d).ok());
    REQUIRE(store_->UpsertOrganization({"us", "US Lab", "US", "company", "https://us.example"},
                                       "file:orgs")
                .ok());
    REQUIRE(store_->UpsertOrganization({"cn", "CN Lab", "CN", "company", "https://cn.example"},
                                       "file:orgs")
                .ok());
    REQUIRE(store_->CommitRun(nullptr).ok());
    graph_ = testing::Must(CompactGraph::Load(*store_));
  }

  const CompactGraph& g() const { return *graph_; }
  CompactGraph::Vertex V(const std::string& id) const {
    CompactGraph::Vertex v = graph_->Find(id);
    REQUIRE(v != CompactGraph::kNone);
    return v;
  }
  Strings Ids(const std::vector<CompactGraph::Vertex>& vs) const {
    Strings out;
    for (auto v : vs) out.emplace_back(graph_->display(v));
    return out;
  }
  std::function<bool(CompactGraph::Vertex)> InCountry(const std::string& c) const {
    return [this, c](CompactGraph::Vertex v) { return graph_->country(v) == c; };
  }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CompactGraph> graph_;
};

TEST_CASE("CompactGraph::Load holds every artifact and edge of the store", "[graph]") {
  GraphFixture f;
  const CompactGraph& g = f.g();
  CHECK(g.vertex_count() == 9);
  CHECK(g.edge_count() == 8);
  SECTION("Find is case-insensitive and kNone for unknown ids") {
    CHECK(g.Find("CN/Deriv") == g.Find("cn/deriv"));
    CHECK(g.Find("no/such") == CompactGraph::kNone);
  }
  SECTION("attributes come from the store and the organizations table") {
    auto v = f.V("cn/deriv");
    CHECK(g.display(v) == "cn/deriv");
    CHECK(g.country(v) == "CN");
    CHECK(g.organization(v) == "CN Lab");
    CHECK(g.author(v) == "cn");
    CHECK(g.created_at(v) == "2024-05-06");
    CHECK(g.kind(v) == ArtifactKind::kModel);
    CHECK(g.country(f.V("x/ft")) == "");
    CHECK(g.kind(f.V("datasets/d/data")) == ArtifactKind::kDataset);
  }
}

TEST_CASE("NearestAncestors walks up through unknown countries to the first match",
          "[graph]") {
  GraphFixture f;
  const CompactGraph& g = f.g();
  EdgeFilter all;
  auto reach = g.NearestAncestors(f.V("cn/deriv"), f.InCountry("US"), all);
  REQUIRE(reach.size() == 1);
  CHECK(g.display(reach[0].target) == "us/base");
  CHECK(f.Ids(reach[0].path) == Strings{"cn/deriv", "x/q", "x/ft", "us/base"});
  CHECK(reach[0].relations ==
        std::vector<Relation>{Relation::kFinetune, Relation::kQuantized, Relation::kFinetune});

  SECTION("it does not look past a match") {
    for (const auto& r : reach) CHECK(g.display(r.target) != "us/root");
  }
  SECTION("without a stop predicate nothing is reported") {
    CHECK(g.NearestAncestors(f.V("cn/deriv"), nullptr, all).empty());
  }
  SECTION("a source that matches is not reported, but its ancestors are") {
    auto self = g.NearestAncestors(f.V("us/base"), f.InCountry("US"), all);
    REQUIRE(self.size() == 1);
    CHECK(g.display(self[0].target) == "us/root");
  }
  SECTION("several matches are sorted by path length, then id") {
    auto any_known = [&g](CompactGraph::Vertex v) { return !g.country(v).empty(); };
    auto m = g.NearestAncestors(f.V("cn/merge"), any_known, all);
    REQUIRE(m.size() == 2);
    CHECK(g.display(m[0].target) == "cn/base");
    CHECK(g.display(m[1].target) == "us/base");
    CHECK(m[0].relations == std::vector<Relation>{Relation::kMerge});
  }
  SECTION("an unknown source gives nothing") {
    CHECK(g.NearestAncestors(CompactGraph::kNone, f.InCountry("US"), all).empty());
  }
}

TEST_CASE("NearestAncestors follows only edges the filter allows", "[graph]") {
  GraphFixture f;
  const CompactGraph& g = f.g();
  SECTION("relation filter") {
    EdgeFilter no_quant;
    no_quant.relations[static_cast<int>(Relation::kQuantized)] = false;
    CHECK(g.NearestAncestors(f.V("cn/deriv"), f.InCountry("US"), no_quant).empty());
    EdgeFilter no_merge;
    no_merge.relations[static_cast<int>(Relation::kMerge)] = false;
    CHECK(g.NearestAncestors(f.V("cn/merge"), f.InCountry("US"), no_merge).empty());
  }
  SECTION("min_confidence") {
    EdgeFilter sure;
    sure.min_confidence = 0.5;
    CHECK(g.NearestAncestors(f.V("low/conf"), f.InCountry("US"), sure).empty());
    sure.min_confidence = 0.3;  // inclusive
    CHECK(g.NearestAncestors(f.V("low/conf"), f.InCountry("US"), sure).size() == 1);
  }
  SECTION("max_depth") {
    EdgeFilter shallow;
    shallow.max_depth = 2;
    CHECK(g.NearestAncestors(f.V("cn/deriv"), f.InCountry("US"), shallow).empty());
    shallow.max_depth = 3;
    CHECK(g.NearestAncestors(f.V("cn/deriv"), f.InCountry("US"), shallow).size() == 1);
    shallow.max_depth = 0;
    CHECK(g.NearestAncestors(f.V("cn/merge"), f.InCountry("US"), shallow).empty());
  }
  SECTION("a traversal does not disturb the next one") {
    EdgeFilter shallow;
    shallow.max_depth = 1;
    CHECK(g.NearestAncestors(f.V("cn/deriv"), f.InCountry("US"), shallow).empty());
    EdgeFilter all;
    CHECK(g.NearestAncestors(f.V("cn/deriv"), f.InCountry("US"), all).size() == 1);
    CHECK(g.NearestAncestors(f.V("cn/merge"), f.InCountry("US"), all).size() == 1);
  }
}

TEST_CASE("Roots gives the parentless ancestors a vertex reaches, sorted", "[graph]") {
  GraphFixture f;
  const CompactGraph& g = f.g();
  EdgeFilter all;
  CHECK(f.Ids(g.Roots(f.V("cn/deriv"), all)) == Strings{"datasets/d/data", "us/root"});
  CHECK(f.Ids(g.Roots(f.V("cn/merge"), all)) == Strings{"cn/base", "us/root"});
  SECTION("a root has no roots of its own") {
    CHECK(g.Roots(f.V("us/root"), all).empty());
  }
  SECTION("the filter decides what counts as a parent") {
    EdgeFilter models_only;
    models_only.relations[static_cast<int>(Relation::kTrainedOn)] = false;
    CHECK(f.Ids(g.Roots(f.V("cn/deriv"), models_only)) == Strings{"us/root"});
    EdgeFilter no_quant = models_only;
    no_quant.relations[static_cast<int>(Relation::kQuantized)] = false;
    CHECK(f.Ids(g.Roots(f.V("cn/deriv"), no_quant)) == Strings{"x/q"});
  }
}

TEST_CASE("CompactGraph::author keeps the namespace as its owner writes it",
          "[graph]") {
  // Regression: a namespace written "Qwen" came back as "qwen", and flow
  // summaries fall back to author() when a namespace has no organization name.
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  testing::ApplyRun(*store, {MakeDoc("card:qwen/qwen2-7b", "h", "Qwen/Qwen2-7B")});
  auto g = testing::Must(CompactGraph::Load(*store));
  auto v = g->Find("Qwen/Qwen2-7B");
  REQUIRE(v != CompactGraph::kNone);
  CHECK(g->display(v) == "Qwen/Qwen2-7B");
  CHECK(g->author(v) == "Qwen");
  CHECK(store->GetArtifact("Qwen/Qwen2-7B")->author == "Qwen");
}

}  // namespace
}  // namespace lineage
