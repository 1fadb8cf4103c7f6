// Tests for include/lineage/artifact.h: Hub ids, relations, edit distance.
#include <catch2/catch.hpp>

#include <string>

#include "lineage/artifact.h"

namespace lineage {
namespace {

HubRef Ok(const std::string& text) {
  auto r = ParseHubRef(text);
  INFO("input: '" << text << "' -> " << r.status().ToString());
  REQUIRE(r.ok());
  return r.value();
}

std::string Error(const std::string& text) {
  auto r = ParseHubRef(text);
  INFO("input: '" << text << "'");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidInput);
  return r.status().message();
}

TEST_CASE("ParseHubRef reads namespace/name", "[ids]") {
  HubRef r = Ok("Qwen/Qwen2-7B-Instruct");
  CHECK(r.id == "Qwen/Qwen2-7B-Instruct");  // display case kept
  CHECK(r.qualified);
  CHECK_FALSE(r.from_url);
  CHECK(r.kind == ArtifactKind::kModel);

  SECTION("surrounding whitespace is trimmed") {
    CHECK(Ok("  meta-llama/Llama-2-7b-hf \n").id == "meta-llama/Llama-2-7b-hf");
  }
  SECTION("dots, dashes and underscores are id characters") {
    CHECK(Ok("org_1/model-v0.1_final").id == "org_1/model-v0.1_final");
  }
}

TEST_CASE("ParseHubRef reads a bare name as unqualified", "[ids]") {
  HubRef r = Ok("gpt2");
  CHECK(r.id == "gpt2");
  CHECK_FALSE(r.qualified);
  CHECK_FALSE(r.from_url);
}

TEST_CASE("ParseHubRef reads huggingface.co URLs", "[ids]") {
  SECTION("https://huggingface.co/ORG/NAME") {
    HubRef r = Ok("https://huggingface.co/meta-llama/Llama-2-7b-hf");
    CHECK(r.id == "meta-llama/Llama-2-7b-hf");
    CHECK(r.qualified);
    CHECK(r.from_url);
    CHECK(r.kind == ArtifactKind::kModel);
  }
  SECTION("http and www are accepted") {
    CHECK(Ok("http://huggingface.co/a/b").id == "a/b");
    CHECK(Ok("https://www.huggingface.co/a/b").id == "a/b");
  }
  SECTION("scheme and host are case-insensitive, the id keeps its case") {
    CHECK(Ok("HTTPS://HuggingFace.CO/Org/Name").id == "Org/Name");
  }
  SECTION("a host without a scheme is still a URL") {
    HubRef r = Ok("huggingface.co/a/b");
    CHECK(r.id == "a/b");
    CHECK(r.from_url);
  }
  SECTION("/tree/main is dropped") {
    CHECK(Ok("https://huggingface.co/Qwen/Qwen2-7B/tree/main").id == "Qwen/Qwen2-7B");
  }
  SECTION("/blob/main/FILE is dropped") {
    CHECK(Ok("https://huggingface.co/Qwen/Qwen2-7B/blob/main/config.json").id ==
          "Qwen/Qwen2-7B");
  }
  SECTION("/resolve/REV/FILE and /commits/main are dropped") {
    CHECK(Ok("https://huggingface.co/a/b/resolve/abc123/model.safetensors").id == "a/b");
    CHECK(Ok("https://huggingface.co/a/b/commits/main").id == "a/b");
  }
  SECTION("a trailing slash is dropped") {
    CHECK(Ok("https://huggingface.co/Qwen/Qwen2-7B/").id == "Qwen/Qwen2-7B");
    CHECK(Ok("https://huggingface.co/Qwen/Qwen2-7B//").id == "Qwen/Qwen2-7B");
  }
  SECTION("query strings and fragments are dropped") {
    CHECK(Ok("https://huggingface.co/a/b?library=transformers").id == "a/b");
    CHECK(Ok("https://huggingface.co/a/b#model-details").id == "a/b");
  }
  SECTION("hf.co is the same host") {
    HubRef r = Ok("https://hf.co/mistralai/Mistral-7B-v0.1");
    CHECK(r.id == "mistralai/Mistral-7B-v0.1");
    CHECK(r.from_url);
    CHECK(Ok("hf.co/a/b").id == "a/b");
  }
}

TEST_CASE("ParseHubRef reads dataset references", "[ids]") {
  SECTION("a datasets/ URL gives a dataset id with the datasets/ prefix") {
    HubRef r = Ok("https://huggingface.co/datasets/tatsu-lab/alpaca");
    CHECK(r.kind == ArtifactKind::kDataset);
    CHECK(r.id == "datasets/tatsu-lab/alpaca");
    CHECK(r.qualified);
    CHECK(r.from_url);
  }
  SECTION("a datasets/ URL with a file view") {
    HubRef r = Ok("https://huggingface.co/datasets/tatsu-lab/alpaca/blob/main/data.json");
    CHECK(r.kind == ArtifactKind::kDataset);
    CHECK(r.id == "datasets/tatsu-lab/alpaca");
  }
  SECTION("datasets/ns/name without a host") {
    HubRef r = Ok("datasets/HuggingFaceH4/ultrachat_200k");
    CHECK(r.kind == ArtifactKind::kDataset);
    CHECK(r.id == "datasets/HuggingFaceH4/ultrachat_200k");
    CHECK_FALSE(r.from_url);
  }
}

TEST_CASE("ParseHubRef rejects what is not a Hub id", "[ids]") {
  SECTION("a Space URL") {
    CHECK_THAT(Error("https://huggingface.co/spaces/gradio/hello"),
               Catch::Contains("Space"));
    CHECK_THAT(Error("spaces/gradio/hello"), Catch::Contains("Space"));
  }
  SECTION("spaces inside the id") {
    Error("meta llama/Llama-2");
    Error("meta-llama/Llama 2 7b");
  }
  SECTION("characters outside [A-Za-z0-9._-]") {
    CHECK_THAT(Error("org/na$me"), Catch::Contains("'$'"));
    Error("org/name!");
    Error("org/<script>");
    Error("org/na\"me");
    Error("org:name");
  }
  SECTION("more than namespace/name") {
    CHECK_THAT(Error("a/b/c"), Catch::Contains("more than namespace/name"));
    Error("https://huggingface.co/a/b/c");  // c is not a file view
  }
  SECTION("a URL outside huggingface.co") {
    CHECK_THAT(Error("https://github.com/meta-llama/llama"),
               Catch::Contains("outside huggingface.co"));
    Error("https://huggingface.co.evil.example/a/b");
    Error("https://modelscope.cn/models/qwen/Qwen2-7B");
  }
  SECTION("empty parts and empty input") {
    Error("");
    Error("   ");
    Error("org/");
    Error("/name");
    Error("https://huggingface.co/");
  }
  SECTION("path tricks") {
    Error("org/..");
    Error("./name");
  }
  SECTION("a part longer than 96 characters") {
    Error("org/" + std::string(97, 'a'));
    CHECK(Ok("org/" + std::string(96, 'a')).qualified);
  }
}

TEST_CASE("IdKey folds case so ids compare case-insensitively", "[ids]") {
  CHECK(IdKey("Qwen/Qwen2-7B") == "qwen/qwen2-7b");
  CHECK(IdKey("qwen/qwen2-7b") == "qwen/qwen2-7b");
  CHECK(IdKey(IdKey("MiXeD/CaSe")) == IdKey("MiXeD/CaSe"));
  CHECK(IdKey("") == "");
  SECTION("bytes outside ASCII are left alone") {
    CHECK(IdKey("A\xC3\x89") == "a\xC3\x89");
  }
}

TEST_CASE("Every relation belongs to the class design.md gives it", "[ids]") {
  CHECK(ClassOf(Relation::kFinetune) == RelationClass::kWeights);
  CHECK(ClassOf(Relation::kContinuedPretraining) == RelationClass::kWeights);
  CHECK(ClassOf(Relation::kAdapter) == RelationClass::kWeights);
  CHECK(ClassOf(Relation::kMerge) == RelationClass::kWeights);
  CHECK(ClassOf(Relation::kQuantized) == RelationClass::kRedistribution);
  CHECK(ClassOf(Relation::kCopy) == RelationClass::kRedistribution);
  CHECK(ClassOf(Relation::kDistillation) == RelationClass::kKnowledge);
  CHECK(ClassOf(Relation::kComponent) == RelationClass::kComponent);
  CHECK(ClassOf(Relation::kArchitecture) == RelationClass::kArchitecture);
  CHECK(ClassOf(Relation::kTrainedOn) == RelationClass::kData);
  CHECK(ClassOf(Relation::kDependsOn) == RelationClass::kSoftware);
  SECTION("class names parse back") {
    for (int i = 0; i < kRelationClassCount; ++i) {
      auto c = static_cast<RelationClass>(i);
      CHECK(ParseRelationClass(RelationClassName(c)) == c);
    }
    CHECK(!ParseRelationClass("weight"));
  }
}

TEST_CASE("ParseRelation accepts every relation name", "[ids]") {
  for (int i = 0; i < kRelationCount; ++i) {
    Relation r = static_cast<Relation>(i);
    INFO(RelationName(r));
    auto parsed = ParseRelation(RelationName(r));
    REQUIRE(parsed);
    CHECK(*parsed == r);
  }
  SECTION("the stored names are the documented ones") {
    CHECK(std::string(RelationName(Relation::kFinetune)) == "finetune");
    CHECK(std::string(RelationName(Relation::kAdapter)) == "adapter");
    CHECK(std::string(RelationName(Relation::kQuantized)) == "quantized");
    CHECK(std::string(RelationName(Relation::kMerge)) == "merge");
    CHECK(std::string(RelationName(Relation::kDistillation)) == "distillation");
    CHECK(std::string(RelationName(Relation::kContinuedPretraining)) == "continued_pretraining");
    CHECK(std::string(RelationName(Relation::kCopy)) == "copy");
    CHECK(std::string(RelationName(Relation::kComponent)) == "component");
    CHECK(std::string(RelationName(Relation::kTrainedOn)) == "trained_on");
    CHECK(std::string(RelationName(Relation::kDependsOn)) == "depends_on");
    CHECK(std::string(RelationName(Relation::kArchitecture)) == "architecture");
  }
  SECTION("a dash stands for an underscore") {
    CHECK(ParseRelation("continued-pretraining") == Relation::kContinuedPretraining);
    CHECK(ParseRelation("trained-on") == Relation::kTrainedOn);
  }
  SECTION("case and surrounding spaces do not matter") {
    CHECK(ParseRelation("FINETUNE") == Relation::kFinetune);
    CHECK(ParseRelation(" Merge ") == Relation::kMerge);
  }
  SECTION("common spellings of finetune and quantized") {
    CHECK(ParseRelation("fine-tune") == Relation::kFinetune);
    CHECK(ParseRelation("quantised") == Relation::kQuantized);
  }
  SECTION("anything else is nullopt") {
    CHECK_FALSE(ParseRelation(""));
    CHECK_FALSE(ParseRelation("fork"));
    CHECK_FALSE(ParseRelation("finetune;merge"));
  }
}

TEST_CASE("ArtifactKindName names each kind", "[ids]") {
  CHECK(std::string(ArtifactKindName(ArtifactKind::kModel)) == "model");
  CHECK(std::string(ArtifactKindName(ArtifactKind::kDataset)) == "dataset");
  CHECK(std::string(ArtifactKindName(ArtifactKind::kSoftware)) == "software");
}

TEST_CASE("EditDistance counts insertions, deletions and substitutions", "[ids]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("abc", "") == 3);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("chain", "chian") == 2);
  CHECK(EditDistance("flaw", "lawn") == 2);
  SECTION("it is symmetric") {
    CHECK(EditDistance("descendants", "decendants") == EditDistance("decendants", "descendants"));
    CHECK(EditDistance("decendants", "descendants") == 1);
  }
  SECTION("case does not count") {
    CHECK(EditDistance("Qwen/Qwen2-7B", "qwen/qwen2-7b") == 0);
  }
}

}  // namespace
}  // namespace lineage
