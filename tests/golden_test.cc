// Golden-file tests for the DOT, GraphML and SVG writers: a small fixed graph
// is written and compared byte for byte with tests/golden/. After a deliberate
// change of output, regenerate with
//   LINEAGE_UPDATE_GOLDEN=1 build/tests/lineage_tests "[golden]"
// and review the diff of tests/golden/ before committing it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "lineage/export.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::ReadFile;
using testing::WriteFile;

const std::string kGolden = std::string(LINEAGE_SOURCE_DIR) + "/tests/golden/";

void CheckGolden(const std::string& name, const std::string& actual) {
  const char* update = std::getenv("LINEAGE_UPDATE_GOLDEN");
  if (update && *update && std::string(update) != "0") {
    WriteFile(kGolden + name, actual);
    WARN("rewrote tests/golden/" << name);
  }
  std::string expected = ReadFile(kGolden + name);
  INFO("tests/golden/" << name << " differs; LINEAGE_UPDATE_GOLDEN=1 regenerates it");
  REQUIRE(!expected.empty());
  CHECK(actual == expected);
}

Artifact Node(const std::string& id, const std::string& org, const std::string& country,
              const std::string& license, bool declared = true) {
  Artifact a;
  a.id = id;
  a.author = id.substr(0, id.find('/'));
  a.organization = org;
  a.country = country;
  a.license = license;
  a.declared = declared;
  if (!country.empty()) {
    a.country_source = "https://" + a.author + ".example/about";
    a.country_source_kind = "own_site";
  }
  return a;
}

Edge Link(const std::string& child, const std::string& parent, Relation r, bool guessed = false,
          bool inferred = false) {
  Edge e;
  e.child = child;
  e.parent = parent;
  e.relation = r;
  e.relation_inferred = guessed;
  e.inferred = inferred;
  e.confidence = inferred ? 0.72 : 0.95;
  Evidence ev;
  ev.kind = inferred ? "infer.name" : "card.base_model";
  ev.source = "cards/" + child + "/README.md";
  ev.line = 3;
  ev.confidence = e.confidence;
  ev.relation = r;
  e.evidence = {ev};
  return e;
}

// A base from the west with a quantization, a cn fine-tune, a merge, a
// dataset, a node with no record, and a fan-out of 15 leaf quantizations.
Subgraph Fixed() {
  Subgraph g;
  g.root = "west/Base";
  g.nodes = {{Node("west/Base", "West AI", "US", "apache-2.0"), 0},
             {Node("cn/Tune", "CN Lab", "CN", "other"), 1},
             {Node("west/Base-GGUF", "", "", "apache-2.0"), 1},
             {Node("solo/Merge", "", "", "", false), 2}};
  Artifact set;
  set.id = "data/Set";
  set.kind = ArtifactKind::kDataset;
  set.author = "data";
  g.nodes.push_back({set, 1});
  g.edges = {Link("cn/Tune", "west/Base", Relation::kFinetune),
             Link("cn/Tune", "data/Set", Relation::kTrainedOn),
             Link("west/Base-GGUF", "west/Base", Relation::kQuantized, true),
             Link("solo/Merge", "cn/Tune", Relation::kMerge, false, true)};
  for (int i = 0; i < 15; ++i) {
    std::string id = "fan/Tune-Q" + std::to_string(10 + i);
    g.nodes.push_back({Node(id, "", "", "other"), 2});
    g.edges.push_back(Link(id, "cn/Tune", Relation::kQuantized));
  }
  return g;
}

BlocTable Blocs() { return {{"cn", {"CN"}}, {"west", {"US", "GB"}}}; }

TEST_CASE("WriteDot output matches its golden file", "[golden]") {
  DotOptions o;
  o.blocs = Blocs();
  o.title = "golden graph";
  std::ostringstream plain, clustered;
  WriteDot(Fixed(), o, plain);
  CheckGolden("fixed.dot", plain.str());
  o.cluster_by_organization = true;
  o.marked_edges["cn/tune\twest/base"] = "license_drift";
  WriteDot(Fixed(), o, clustered);
  CheckGolden("fixed-clustered.dot", clustered.str());
}

TEST_CASE("WriteGraphml output matches its golden file", "[golden]") {
  std::ostringstream out;
  WriteGraphml(Fixed(), Blocs(), out);
  CheckGolden("fixed.graphml", out.str());
}

TEST_CASE("WriteTimelineSvg output matches its golden file", "[golden]") {
  Timeline t;
  t.blocs = {"cn", "west", "unknown"};
  t.classes = {"weights"};
  for (int m = 1; m <= 14; ++m) {
    std::string month = (m <= 12 ? "2024-" : "2025-") + std::string(((m - 1) % 12 + 1) < 10 ? "0" : "") +
                        std::to_string((m - 1) % 12 + 1);
    t.months.push_back(month);
    t.counts[month] = {{"cn", m}, {"west", 20 - m}, {"unknown", m % 3}};
  }
  std::ostringstream out;
  WriteTimelineSvg(t, "golden timeline", out);
  CheckGolden("timeline.svg", out.str());
}

TEST_CASE("A fan-out over the limit is drawn as its first children and an N more node",
          "[golden]") {
  DotOptions o;
  o.max_children = 12;
  std::ostringstream out;
  WriteDot(Fixed(), o, out);
  std::string dot = out.str();
  // cn/Tune has 16 leaf children: the one merge stays (rarer relations first), then
  // the first 11 quantizations; the last 4 fold into one node.
  CHECK(dot.find("\"more:cn/tune\" [label=\"4 more\\n") != std::string::npos);
  CHECK(dot.find("\"fan/tune-q10\" [") != std::string::npos);
  CHECK(dot.find("\"fan/tune-q24\" [") == std::string::npos);
  CHECK(dot.find("\"solo/merge\" [") != std::string::npos);
  CHECK(dot.find("N more") != std::string::npos);  // and the legend says what it is
  SECTION("0 draws every child") {
    o.max_children = 0;
    std::ostringstream all;
    WriteDot(Fixed(), o, all);
    CHECK(all.str().find("more:") == std::string::npos);
    CHECK(all.str().find("\"fan/tune-q24\" [") != std::string::npos);
  }
}

TEST_CASE("GraphML declares every key its data elements use, for the right domain",
          "[golden]") {
  std::ostringstream out;
  WriteGraphml(Fixed(), Blocs(), out);
  std::string s = out.str();
  std::map<std::string, std::string> declared;  // key -> node or edge
  std::regex key_re("<key id=\"([^\"]+)\" for=\"(node|edge)\"");
  for (std::sregex_iterator it(s.begin(), s.end(), key_re), end; it != end; ++it) {
    CHECK(declared.emplace((*it)[1], (*it)[2]).second);  // declared once
  }
  std::set<std::string> used;
  std::regex elem_re("<(node|edge) [^>]*>([\\s\\S]*?)</(node|edge)>");
  std::regex data_re("<data key=\"([^\"]+)\">");
  size_t elements = 0;
  for (std::sregex_iterator it(s.begin(), s.end(), elem_re), end; it != end; ++it) {
    ++elements;
    std::string domain = (*it)[1], body = (*it)[2];
    for (std::sregex_iterator d(body.begin(), body.end(), data_re); d != end; ++d) {
      std::string k = (*d)[1];
      used.insert(k);
      INFO(domain << " uses key " << k);
      REQUIRE(declared.count(k) == 1);
      CHECK(declared[k] == domain);
    }
  }
  CHECK(elements == Fixed().nodes.size() + Fixed().edges.size());
  for (const char* k : {"bloc", "country_source", "class", "relation_inferred"}) {
    CHECK(used.count(k) == 1);
  }
  CHECK(s.find("<data key=\"bloc\">cn</data>") != std::string::npos);
  CHECK(s.find("<data key=\"class\">redistribution</data>") != std::string::npos);
}

}  // namespace
}  // namespace lineage
