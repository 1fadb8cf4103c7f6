// Tests for WriteCycloneDx (include/lineage/export.h): the BOM of a fixed
// chain is checked for what it says and validated against the official
// CycloneDX 1.6 schema (tests/data/cyclonedx/) by tests/validate_cyclonedx.py.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "lineage/export.h"
#include "lineage/ingest.h"
#include "lineage/license.h"
#include "test_support.h"

namespace lineage {
namespace {

using nlohmann::json;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

const std::string kSchemaDir = std::string(LINEAGE_SOURCE_DIR) + "/tests/data/cyclonedx";

// Runs the schema validator on `bom`; its exit status (0 valid, 1 rejected),
// with the errors it printed in `errors`.
int Validate(const std::string& bom, std::string* errors) {
  TempDir dir;
  WriteFile(dir / "bom.json", bom);
  std::string cmd = "python3 '" + std::string(LINEAGE_SOURCE_DIR) +
                    "/tests/validate_cyclonedx.py' '" + kSchemaDir + "' '" + (dir / "bom.json") +
                    "' 2>'" + (dir / "errors.txt") + "'";
  int rc = std::system(cmd.c_str());
  *errors = ReadFile(dir / "errors.txt");
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

Artifact Art(const std::string& id, ArtifactKind kind = ArtifactKind::kModel) {
  Artifact a;
  a.id = id;
  a.kind = kind;
  a.author = id.substr(0, id.find('/'));
  a.declared = true;
  return a;
}

Edge MakeEdge(const std::string& child, const std::string& parent, Relation r,
              const std::string& source) {
  Edge e;
  e.child = child;
  e.parent = parent;
  e.relation = r;
  e.confidence = 0.9;
  Evidence ev;
  ev.kind = "card.base_model";
  ev.source = source;
  ev.line = 4;
  ev.confidence = 0.9;
  ev.relation = r;
  e.evidence = {ev};
  return e;
}

// me/Chat-GGUF -quantized?-> org/Chat -finetune-> org/Base; org/Chat trained_on data/Set.
Subgraph Chain() {
  Subgraph g;
  g.root = "me/Chat-GGUF";
  Artifact gguf = Art("me/Chat-GGUF");
  gguf.license = "apache-2.0";
  gguf.license_normalized = "apache-2.0";
  gguf.source = "https://huggingface.co/me/Chat-GGUF/raw/main/README.md";
  gguf.pipeline_tag = "text-generation";
  Artifact chat = Art("org/Chat");
  chat.license = "other";
  chat.license_name = "org-community-license";
  chat.license_link = "https://org.example/LICENSE";
  chat.organization = "Org Inc";
  chat.country = "US";
  chat.country_source = "https://org.example/about";
  Artifact base = Art("org/Base");
  base.declared = false;
  g.nodes = {{gguf, 0}, {chat, 1}, {Art("data/Set", ArtifactKind::kDataset), 2}, {base, 2}};
  Edge q = MakeEdge("me/Chat-GGUF", "org/Chat", Relation::kQuantized,
                    "https://huggingface.co/me/Chat-GGUF");
  q.relation_inferred = true;
  Edge t = MakeEdge("org/Chat", "data/Set", Relation::kTrainedOn, "cards/org/Chat/README.md");
  Edge f = MakeEdge("org/Chat", "org/Base", Relation::kFinetune, "cards/org/Chat/README.md");
  f.inferred = true;
  g.edges = {q, t, f};
  return g;
}

std::string Bom(const Subgraph& g) {
  LicenseCatalogue cat;
  LicenseTerms apache;
  apache.id = "apache-2.0";
  apache.name = "Apache license 2.0";
  apache.spdx = "Apache-2.0";
  apache.url = "https://www.apache.org/licenses/LICENSE-2.0";
  cat.Add(apache);
  CycloneDxOptions o;
  o.licenses = &cat;
  o.tool_version = "0.0-test";
  o.data_version = "2026-12-01";
  std::ostringstream out;
  WriteCycloneDx(g, o, out);
  return out.str();
}

std::string Prop(const json& c, const std::string& name) {
  for (const auto& p : c.value("properties", json::array())) {
    if (p["name"] == name) return p["value"];
  }
  return "";
}

const json* ComponentNamed(const json& bom, const std::string& name) {
  for (const auto& c : bom["components"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

TEST_CASE("A chain's CycloneDX BOM validates against the CycloneDX 1.6 schema", "[cyclonedx]") {
  std::string bom = Bom(Chain());
  std::string errors;
  INFO(errors);
  CHECK(Validate(bom, &errors) == 0);
  CHECK(errors.empty());
}

TEST_CASE("The schema check rejects a BOM the schema does not allow", "[cyclonedx]") {
  json bom = json::parse(Bom(Chain()));
  SECTION("an unknown component type") { bom["components"][0]["type"] = "ml-model"; }
  SECTION("a licence id that is not an SPDX id") {
    bom["metadata"]["component"]["licenses"][0]["license"]["id"] = "apache-two";
  }
  SECTION("a property without a name") { bom["metadata"]["properties"][0].erase("name"); }
  std::string errors;
  CHECK(Validate(bom.dump(), &errors) == 1);
  CHECK(!errors.empty());
}

TEST_CASE("The BOM names the model, its ancestors as models and its datasets as data",
          "[cyclonedx]") {
  json bom = json::parse(Bom(Chain()));
  CHECK(bom["bomFormat"] == "CycloneDX");
  CHECK(bom["specVersion"] == "1.6");
  const json& root = bom["metadata"]["component"];
  CHECK(root["type"] == "machine-learning-model");
  CHECK(root["group"] == "me");
  CHECK(root["name"] == "Chat-GGUF");
  CHECK(root["bom-ref"] == "model:me/Chat-GGUF");
  CHECK(root["modelCard"]["modelParameters"]["task"] == "text-generation");
  REQUIRE(bom["components"].size() == 3);
  const json* chat = ComponentNamed(bom, "Chat");
  const json* base = ComponentNamed(bom, "Base");
  const json* set = ComponentNamed(bom, "Set");
  REQUIRE(chat);
  REQUIRE(base);
  REQUIRE(set);
  CHECK((*chat)["type"] == "machine-learning-model");
  CHECK((*base)["type"] == "machine-learning-model");
  CHECK((*set)["type"] == "data");
  CHECK((*set)["data"][0]["type"] == "dataset");

  SECTION("the pedigree lists each model's parents with the edge and its evidence") {
    REQUIRE(root["pedigree"]["ancestors"].size() == 1);
    const json& anc = root["pedigree"]["ancestors"][0];
    CHECK(anc["name"] == "Chat");
    CHECK(Prop(anc, "lineage:ref") == "model:org/Chat");
    CHECK(Prop(anc, "lineage:relation") == "quantized");
    CHECK(Prop(anc, "lineage:class") == "redistribution");
    CHECK(Prop(anc, "lineage:relation_inferred") == "true");
    CHECK(Prop(anc, "lineage:inferred") == "false");
    CHECK(Prop(anc, "lineage:confidence") == "0.90");
    CHECK(Prop(anc, "lineage:evidence").rfind("card.base_model https://huggingface.co/", 0) == 0);
    CHECK(anc["externalReferences"][0]["type"] == "evidence");
    CHECK(anc["externalReferences"][0]["url"] == "https://huggingface.co/me/Chat-GGUF");
    const json& chat_anc = (*chat)["pedigree"]["ancestors"];
    REQUIRE(chat_anc.size() == 1);  // the dataset is no ancestor
    CHECK(Prop(chat_anc[0], "lineage:inferred") == "true");
  }
  SECTION("datasets a model was trained on are referenced from its model card") {
    CHECK((*chat)["modelCard"]["modelParameters"]["datasets"][0]["ref"] == "dataset:data/Set");
    CHECK(Prop(*chat, "lineage:trained_on") == "data/Set");
  }
  SECTION("licences are SPDX ids when the catalogue knows one, else names") {
    CHECK(root["licenses"][0]["license"]["id"] == "Apache-2.0");
    CHECK((*chat)["licenses"][0]["license"]["name"] == "org-community-license");
    CHECK((*chat)["licenses"][0]["license"]["url"] == "https://org.example/LICENSE");
    CHECK(!base->contains("licenses"));
  }
  SECTION("external references lead to the Hub, the card read and the sources") {
    std::set<std::string> refs;
    for (const auto& r : root["externalReferences"]) refs.insert(r["type"].get<std::string>() + " " + r["url"].get<std::string>());
    CHECK(refs.count("website https://huggingface.co/me/Chat-GGUF"));
    CHECK(refs.count("model-card https://huggingface.co/me/Chat-GGUF/raw/main/README.md"));
    std::set<std::string> chat_refs;
    for (const auto& r : (*chat)["externalReferences"]) chat_refs.insert(r["type"].get<std::string>() + " " + r["url"].get<std::string>());
    CHECK(chat_refs.count("license https://org.example/LICENSE"));
    CHECK(chat_refs.count("evidence https://org.example/about"));
    CHECK((*set)["externalReferences"][0]["url"] == "https://huggingface.co/datasets/data/Set");
  }
  SECTION("the dependency graph names every component and its direct parents") {
    std::map<std::string, std::set<std::string>> deps;
    for (const auto& d : bom["dependencies"]) {
      for (const auto& p : d["dependsOn"]) deps[d["ref"]].insert(p);
      deps[d["ref"]];
    }
    CHECK(deps.size() == 4);
    CHECK(deps["model:me/Chat-GGUF"] == std::set<std::string>{"model:org/Chat"});
    CHECK(deps["model:org/Chat"] == std::set<std::string>{"dataset:data/Set", "model:org/Base"});
    CHECK(deps["model:org/Base"].empty());
  }
  SECTION("what the store knows of the owner travels as properties") {
    CHECK(Prop(*chat, "lineage:country") == "US");
    CHECK(Prop(*chat, "lineage:organization") == "Org Inc");
    CHECK(Prop(*base, "lineage:declared") == "false");
    CHECK(Prop(root, "lineage:country") == "unknown");
    CHECK(Prop(bom["metadata"], "lineage:data_version") == "2026-12-01");
  }
}

TEST_CASE("Every licence in the catalogue reaches the BOM as an id the schema accepts, or a name",
          "[cyclonedx]") {
  json spdx = json::parse(ReadFile(kSchemaDir + "/spdx.schema.json"));
  std::set<std::string> ids(spdx["enum"].begin(), spdx["enum"].end());
  REQUIRE(ids.size() > 100);
  TempDir dir;
  auto store = testing::OpenStore(dir / "ref.db");
  std::ostringstream log;
  REQUIRE(EnsureBuiltinReference(*store, log).ok());
  LicenseCatalogue cat = testing::Must(store->Licenses());
  auto rows = store->Query("SELECT id, spdx FROM license ORDER BY id");
  INFO(rows.status().ToString());
  REQUIRE(rows.ok());
  REQUIRE(rows->size() > 5);
  int as_id = 0;
  for (size_t i = 1; i < rows->size(); ++i) {
    const std::string& id = (*rows)[i][0];
    const std::string& spdx_id = (*rows)[i][1];
    INFO(id << " -> '" << spdx_id << "'");
    Subgraph g;
    g.root = "a/b";
    Artifact a = Art("a/b");
    a.license = id;
    a.license_normalized = id;
    g.nodes = {{a, 0}};
    CycloneDxOptions o;
    o.licenses = &cat;
    std::ostringstream out;
    WriteCycloneDx(g, o, out);
    json lic = json::parse(out.str())["metadata"]["component"]["licenses"][0];
    if (lic.contains("expression")) continue;
    if (lic["license"].contains("id")) {
      ++as_id;
      CHECK(ids.count(lic["license"]["id"].get<std::string>()) == 1);
    } else {
      CHECK(!lic["license"]["name"].get<std::string>().empty());
      if (!spdx_id.empty()) CHECK(ids.count(spdx_id) == 0);  // an id only when the schema knows it
    }
  }
  CHECK(as_id > 5);
}

}  // namespace
}  // namespace lineage
