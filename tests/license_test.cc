// Licence catalogue normalisation and the obligation checks along edges.
#include <catch2/catch.hpp>

#include <set>

#include "lineage/license.h"

namespace lineage {
namespace {

LicenseTerms Terms(const char* id, const char* family, Term commercial, Term non_commercial,
                   Term pass_on, Term share_alike, Term no_derivatives, Term output,
                   const char* prefix = "") {
  LicenseTerms t;
  t.id = id;
  t.name = id;
  t.family = family;
  t.url = std::string("https://licences.example/") + id;
  t.commercial = commercial;
  t.non_commercial = non_commercial;
  t.pass_on_use_restrictions = pass_on;
  t.share_alike = share_alike;
  t.no_derivatives = no_derivatives;
  t.output_restriction = output;
  t.naming_prefix = prefix;
  return t;
}

// A small catalogue with the shapes of the real one (data/licenses.csv).
LicenseCatalogue Catalogue() {
  using T = Term;
  LicenseCatalogue c;
  c.Add(Terms("mit", "permissive", T::kYes, T::kNo, T::kNo, T::kNo, T::kNo, T::kNo));
  c.Add(Terms("apache-2.0", "permissive", T::kYes, T::kNo, T::kNo, T::kNo, T::kNo, T::kNo));
  c.Add(Terms("llama3.1", "llama", T::kYes, T::kNo, T::kYes, T::kUnknown, T::kNo, T::kNo, "Llama"));
  c.Add(Terms("gemma", "gemma", T::kYes, T::kNo, T::kYes, T::kUnknown, T::kNo, T::kYes));
  c.Add(Terms("cc-by-nc-4.0", "non-commercial", T::kNo, T::kYes, T::kNo, T::kNo, T::kNo, T::kNo));
  c.Add(Terms("cc-by-sa-4.0", "copyleft", T::kYes, T::kNo, T::kNo, T::kYes, T::kNo, T::kNo));
  c.Add(Terms("cc-by-nd-4.0", "other", T::kYes, T::kNo, T::kNo, T::kNo, T::kYes, T::kNo));
  c.Add(Terms("cc-by-nc-nd-4.0", "non-commercial", T::kNo, T::kYes, T::kNo, T::kNo, T::kYes,
              T::kNo));
  c.Add(Terms("openrail++", "openrail", T::kYes, T::kNo, T::kYes, T::kNo, T::kNo, T::kNo));
  c.Add(Terms("tongyi-qianwen", "qwen", T::kYes, T::kNo, T::kUnknown, T::kUnknown, T::kNo,
              T::kYes));
  c.Add(Terms("flux-1-dev-non-commercial-license", "non-commercial", T::kNo, T::kYes, T::kYes,
              T::kUnknown, T::kNo, T::kYes));
  c.Add(Terms("other", "other", T::kUnknown, T::kUnknown, T::kUnknown, T::kUnknown, T::kUnknown,
              T::kUnknown));
  c.AddAlias("llama-3.1", "llama3.1");
  c.AddAlias("Llama 3.1 Community License", "llama3.1");
  c.AddAlias("tongyi-qianwen-license", "tongyi-qianwen");
  c.AddAlias("FLUX.1 [dev] Non-Commercial License", "flux-1-dev-non-commercial-license");
  c.AddAlias("Apache License 2.0", "apache-2.0");
  return c;
}

Artifact Model(const std::string& id, const std::string& license,
               const std::string& license_name = "") {
  Artifact a;
  a.id = id;
  a.license = license;
  a.license_name = license_name;
  a.declared = true;
  return a;
}

std::set<std::string> Rules(const std::vector<LicenseFinding>& fs) {
  std::set<std::string> out;
  for (const auto& f : fs) out.insert(f.rule);
  return out;
}

TEST_CASE("Licence aliases normalise the ways people write one licence", "[license]") {
  LicenseCatalogue c = Catalogue();
  CHECK(c.Normalize("llama3.1", "", "") == "llama3.1");
  CHECK(c.Normalize("LLAMA3.1", "", "") == "llama3.1");
  CHECK(c.Normalize("other", "llama-3.1", "") == "llama3.1");
  CHECK(c.Normalize("other", "  Llama 3.1 Community License ", "") == "llama3.1");
  CHECK(c.Normalize("", "tongyi-qianwen-license", "") == "tongyi-qianwen");
  CHECK(c.Normalize("other", "FLUX.1 [dev] Non-Commercial License", "") ==
        "flux-1-dev-non-commercial-license");
  CHECK(c.Normalize("Apache License 2.0", "", "") == "apache-2.0");
  SECTION("a licence link naming a known licence file is used when nothing else matches") {
    CHECK(c.Normalize("other", "", "https://x.example/blob/main/llama-3.1") == "llama3.1");
  }
  SECTION("other without a name stays other, and an unknown name is not guessed") {
    CHECK(c.Normalize("other", "", "") == "other");
    CHECK(c.Normalize("other", "my-own-licence", "").empty());
    CHECK(c.Normalize("wtfpl-ish", "", "").empty());
  }
}

struct PairCase {
  const char* base_license;
  const char* child_license;
  Relation relation;
  const char* child_id;
  std::set<std::string> expected;
};

TEST_CASE("Base/derivative licence pairs give the expected findings", "[license]") {
  LicenseCatalogue c = Catalogue();
  const Relation ft = Relation::kFinetune, q = Relation::kQuantized, d = Relation::kDistillation,
                 comp = Relation::kComponent;
  const std::vector<PairCase> cases = {
      // Permissive bases put no obligation a derivative's licence can break.
      {"apache-2.0", "mit", ft, "x/any-model", {}},
      {"mit", "cc-by-nc-4.0", ft, "x/any-model", {}},
      {"apache-2.0", "", ft, "x/any-model", {}},
      // Llama 3.1: same licence is fine when the name starts with Llama.
      {"llama3.1", "llama3.1", ft, "x/Llama-3.1-8B-Chinese", {}},
      {"llama3.1", "llama3.1", ft, "x/my-chat-8b", {"naming_prefix"}},
      {"llama3.1", "apache-2.0", ft, "x/Llama-3.1-tuned", {"license_drift"}},
      {"llama3.1", "mit", q, "x/chat-GGUF", {"license_drift", "naming_prefix"}},
      {"llama3.1", "openrail++", ft, "x/Llama-art", {"use_restrictions_not_passed"}},
      {"llama3.1", "gemma", q, "x/Llama-q4", {"relicensed_copy", "use_restrictions_not_passed"}},
      // A component is not named after what it uses.
      {"llama3.1", "llama3.1", comp, "x/some-pipeline", {}},
      // Non-commercial bases.
      {"cc-by-nc-4.0", "apache-2.0", ft, "x/m", {"non_commercial_base", "license_drift"}},
      {"cc-by-nc-4.0", "cc-by-nc-4.0", ft, "x/m", {}},
      {"flux-1-dev-non-commercial-license", "apache-2.0", Relation::kAdapter, "x/lora",
       {"non_commercial_base", "license_drift"}},
      // Share-alike and no-derivatives.
      {"cc-by-sa-4.0", "mit", ft, "x/m", {"share_alike", "license_drift"}},
      {"cc-by-sa-4.0", "cc-by-sa-4.0", ft, "x/m", {}},
      {"cc-by-nd-4.0", "cc-by-nd-4.0", ft, "x/m", {"no_derivatives"}},
      {"cc-by-nc-nd-4.0", "cc-by-nc-nd-4.0", Relation::kCopy, "x/m", {}},
      // Output restrictions matter for distillation only.
      {"gemma", "gemma", d, "x/student", {"output_restriction"}},
      {"gemma", "gemma", ft, "x/student", {}},
      {"tongyi-qianwen", "apache-2.0", d, "x/student", {"license_drift", "output_restriction"}},
      // An unknown base licence gives no edge findings (the model gets its own).
      {"other", "apache-2.0", ft, "x/m", {}},
      {"", "apache-2.0", ft, "x/m", {}},
  };
  for (const auto& pc : cases) {
    Artifact base = Model("base/b", pc.base_license);
    Artifact child = Model(pc.child_id, pc.child_license);
    Edge e;
    e.child = child.id;
    e.parent = base.id;
    e.relation = pc.relation;
    INFO(std::string(pc.base_license) + " -> " + pc.child_license + " via " +
         RelationName(pc.relation) + " on " + pc.child_id);
    CHECK(Rules(CheckEdge(c, child, base, e)) == pc.expected);
  }
}

TEST_CASE("A finding names the rule, both licences, the texts' URLs and the evidence", "[license]") {
  LicenseCatalogue c = Catalogue();
  Artifact base = Model("meta-llama/Llama-3.1-8B", "llama3.1");
  Artifact child = Model("x/Llama-3.1-tuned", "other", "Apache License 2.0");
  Edge e;
  e.child = child.id;
  e.parent = base.id;
  Evidence ev;
  ev.kind = "card.base_model";
  ev.source = "x/README.md";
  ev.line = 4;
  e.evidence.push_back(ev);
  auto fs = CheckEdge(c, child, base, e);
  REQUIRE(fs.size() == 1);
  const LicenseFinding& f = fs[0];
  CHECK(f.severity == Severity::kError);
  CHECK(f.rule == "license_drift");
  CHECK(f.child_license == "other (Apache License 2.0)");
  CHECK(f.child_license_id == "apache-2.0");
  CHECK(f.parent_license_id == "llama3.1");
  CHECK(f.urls == std::vector<std::string>{"https://licences.example/llama3.1",
                                           "https://licences.example/apache-2.0"});
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].line == 4);
}

TEST_CASE("A merge is checked against every parent", "[license]") {
  LicenseCatalogue c = Catalogue();
  Artifact merged = Model("x/merged-7b", "apache-2.0");
  Artifact llama = Model("meta-llama/Llama-3.1-8B", "llama3.1");
  Artifact qwen = Model("Qwen/Qwen-7B", "other", "tongyi-qianwen-license");
  Artifact mit = Model("y/mit-model", "mit");
  std::set<std::string> seen;
  for (const Artifact* p : {&llama, &qwen, &mit}) {
    Edge e;
    e.child = merged.id;
    e.parent = p->id;
    e.relation = Relation::kMerge;
    for (const auto& f : CheckEdge(c, merged, *p, e)) seen.insert(f.parent + ":" + f.rule);
  }
  CHECK(seen == std::set<std::string>{"meta-llama/Llama-3.1-8B:license_drift",
                                      "meta-llama/Llama-3.1-8B:naming_prefix",
                                      "Qwen/Qwen-7B:license_drift"});
}

TEST_CASE("Models without a licence, or with one the catalogue lacks, are reported", "[license]") {
  LicenseCatalogue c = Catalogue();
  CHECK(Rules(CheckArtifact(c, Model("x/a", ""))) == std::set<std::string>{"missing_license"});
  CHECK(Rules(CheckArtifact(c, Model("x/b", "other", "my-own"))) ==
        std::set<std::string>{"unknown_license"});
  CHECK(Rules(CheckArtifact(c, Model("x/c", "other"))) == std::set<std::string>{"unknown_license"});
  CHECK(CheckArtifact(c, Model("x/d", "mit")).empty());
  Artifact stub = Model("x/e", "");
  stub.declared = false;  // only named as a parent: nothing to report about its card
  CHECK(CheckArtifact(c, stub).empty());
}

TEST_CASE("Terms parse yes, no and unknown", "[license]") {
  CHECK(ParseTerm("yes") == Term::kYes);
  CHECK(ParseTerm(" No ") == Term::kNo);
  CHECK(ParseTerm("") == Term::kUnknown);
  CHECK(ParseTerm("maybe") == Term::kUnknown);
}

}  // namespace
}  // namespace lineage
