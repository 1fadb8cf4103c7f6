// Tests of lineage/infer.h: signals, each evidence kind, their combination,
// the traps, and inferred edges in the store (declared always wins).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "lineage/infer.h"
#include "lineage/ingest.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::TempDir;
using testing::WriteCard;

const std::string kReference = std::string(LINEAGE_SOURCE_DIR) + "/tests/fixtures/reference";

Family Fam(const std::string& slug, const std::string& name, const std::string& publisher,
           const std::string& canonical, std::vector<std::string> patterns,
           std::vector<std::string> licenses = {}) {
  Family f;
  f.slug = slug;
  f.name = name;
  f.publisher = publisher;
  f.canonical_base = canonical;
  f.name_patterns = std::move(patterns);
  f.licenses = std::move(licenses);
  return f;
}

KnownBase Base(const std::string& id, const std::string& family, const std::string& params,
               const std::string& variant, ConfigFingerprint config = {}) {
  KnownBase b;
  b.id = id;
  b.family = family;
  b.params = params;
  b.variant = variant;
  b.config = config;
  return b;
}

ConfigFingerprint Llama3Config(int64_t vocab = 128256) {
  ConfigFingerprint c;
  c.model_type = "llama";
  c.hidden_size = 4096;
  c.intermediate_size = 14336;
  c.num_hidden_layers = 32;
  c.num_attention_heads = 32;
  c.num_key_value_heads = 8;
  c.vocab_size = vocab;
  c.rope_theta = 500000;
  c.max_position_embeddings = 8192;
  return c;
}

// Patterns as data/families.csv writes them.
std::unique_ptr<Inferer> MakeInferer() {
  std::vector<Family> fams = {
      Fam("llama2", "Llama 2", "meta-llama", "meta-llama/Llama-2-7b-hf", {"llama-?2(?![.\\d])"},
          {"llama2"}),
      Fam("llama3", "Llama 3", "meta-llama", "meta-llama/Meta-Llama-3-8B",
          {"llama-?3(?![.\\d])(?!_\\d)"}, {"llama3"}),
      Fam("llama3.1", "Llama 3.1", "meta-llama", "meta-llama/Llama-3.1-8B",
          {"llama-?3\\.1(?!\\d)|llama-?3_1(?!\\d)"}, {"llama3.1"}),
      Fam("qwen2.5", "Qwen2.5", "Qwen", "Qwen/Qwen2.5-7B", {"qwen-?2\\.5|qwen-?2_5"}, {"qwen"}),
      Fam("mistral", "Mistral 7B", "mistralai", "mistralai/Mistral-7B-v0.1", {"mistral[-_]?7b"}),
      Fam("internvl", "InternVL", "OpenGVLab", "OpenGVLab/InternVL2-8B", {"internvl"}),
  };
  ConfigFingerprint l2;
  l2.model_type = "llama";
  l2.hidden_size = 4096;
  l2.intermediate_size = 11008;
  l2.num_hidden_layers = 32;
  l2.num_attention_heads = 32;
  l2.num_key_value_heads = 32;
  l2.vocab_size = 32000;
  std::vector<KnownBase> bases = {
      Base("meta-llama/Llama-2-7b-hf", "llama2", "7B", "base", l2),
      Base("meta-llama/Llama-2-13b-hf", "llama2", "13B", "base"),
      Base("meta-llama/Meta-Llama-3-8B", "llama3", "8B", "base", Llama3Config()),
      Base("meta-llama/Meta-Llama-3-8B-Instruct", "llama3", "8B", "instruct", Llama3Config()),
      Base("meta-llama/Meta-Llama-3-70B", "llama3", "70B", "base"),
      Base("meta-llama/Llama-3.1-8B", "llama3.1", "8B", "base"),
      Base("Qwen/Qwen2.5-7B", "qwen2.5", "7B", "base"),
      Base("Qwen/Qwen2.5-7B-Instruct", "qwen2.5", "7B", "instruct"),
      Base("mistralai/Mistral-7B-v0.1", "mistral", "7B", "base"),
      Base("OpenGVLab/InternVL2-8B", "internvl", "8B", "chat"),
  };
  auto inf = Inferer::Build(fams, bases);
  REQUIRE(inf.ok());
  return std::move(inf.value());
}

InferenceSubject Subject(const std::string& id, const std::string& license = "") {
  InferenceSubject s;
  s.id = id;
  s.license = license;
  return s;
}

bool HasKind(const Proposal& p, const std::string& kind) {
  for (const auto& e : p.evidence) {
    if (e.kind == kind) return true;
  }
  return false;
}

TEST_CASE("name tokens give size and variant", "[infer]") {
  NameTokens t = ReadNameTokens("Qwen2.5-7B-Instruct-abliterated");
  CHECK(t.size == "7b");
  CHECK(t.variants == std::vector<std::string>{"instruct"});
  CHECK(ReadNameTokens("Mixtral-8x7B-v0.1").size == "8x7b");
  CHECK(ReadNameTokens("gemma-2-9b-it").variants == std::vector<std::string>{"instruct"});
  CHECK(ReadNameTokens("llama-cpp-tools").size.empty());
  CHECK(StripFormatSuffix("Llama3-70B-ShiningValiant2-i1-GGUF") == "llama3-70b-shiningvaliant2");
  CHECK(StripFormatSuffix("Yi-34B-200K-RPMerge-exl2-4.0bpw") == "yi-34b-200k-rpmerge");
  CHECK(StripFormatSuffix("Qwen2.5-7B-Instruct").empty());
}

TEST_CASE("config fingerprints survive encoding", "[infer]") {
  ConfigFingerprint c = Llama3Config();
  ConfigFingerprint d = DecodeFingerprint(EncodeFingerprint(c));
  CHECK(d.model_type == "llama");
  CHECK(d.hidden_size == 4096);
  CHECK(d.num_key_value_heads == 8);
  CHECK(d.vocab_size == 128256);
  CHECK(d.rope_theta == 500000);
  auto parsed = ParseConfigFingerprint(
      R"({"model_type": "llava", "text_config": {"model_type": "llama", "hidden_size": 4096,
          "num_hidden_layers": 32, "vocab_size": 32064}})");
  REQUIRE(parsed.ok());
  CHECK(parsed->model_type == "llava");
  CHECK(parsed->hidden_size == 4096);
  CHECK(parsed->vocab_size == 32064);
  CHECK_FALSE(ParseConfigFingerprint("[1, 2]").ok());
}

TEST_CASE("card bodies give Hub links and lineage phrases in English and Chinese", "[infer]") {
  std::string card =
      "---\nlicense: llama3\n---\n# Llama3-8B-Chinese-Chat\n\n"
      "Llama3-8B-Chinese-Chat is an instruction-tuned language model built upon the "
      "Meta-Llama-3-8B-Instruct model.\n\n"
      "See [the GGUF version](https://huggingface.co/shenzhi-wang/Llama3-8B-Chinese-Chat-GGUF-8bit) "
      "and the [dataset](https://huggingface.co/datasets/shenzhi-wang/zh-sft).\n"
      "本模型基于 Meta-Llama-3-8B-Instruct 训练。\n"
      "We fine-tuned on the llama-3-chinese-sft dataset.\n";
  auto sigs = CardBodySignals(card, "shenzhi-wang/Llama3-8B-Chinese-Chat", "README.md");
  std::vector<std::string> links, phrases;
  for (const auto& s : sigs) {
    if (s.kind == kSignalBodyLink) links.push_back(s.value);
    if (s.kind == kSignalBodyPhrase) phrases.push_back(s.detail + " => " + s.value);
  }
  // Datasets and the model itself are not links to bases.
  CHECK(links == std::vector<std::string>{"shenzhi-wang/Llama3-8B-Chinese-Chat-GGUF-8bit"});
  CHECK(std::find(phrases.begin(), phrases.end(),
                  "built upon => Meta-Llama-3-8B-Instruct model") != phrases.end());
  CHECK(std::find(phrases.begin(), phrases.end(),
                  "\xE5\x9F\xBA\xE4\xBA\x8E => Meta-Llama-3-8B-Instruct") != phrases.end());
  for (const auto& p : phrases) CHECK_FALSE(testing::Contains(p, "sft dataset"));
  // The phrase line is a file line.
  for (const auto& s : sigs) {
    if (s.kind == kSignalBodyPhrase && s.detail == "built upon") CHECK(s.line == 6);
  }
}

TEST_CASE("Hub dump records give config, parameter, GGUF and baseModels signals", "[infer]") {
  auto facts = ParseHubRecord(
      R"({"id": "someone/Llama-3-8B-zh-GGUF", "config": {"model_type": "llama",
          "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 128256},
          "safetensors": {"parameters": {"BF16": 8030261248}},
          "gguf": {"general.base_model.0.repo_url": "https://huggingface.co/meta-llama/Meta-Llama-3-8B",
                   "general": {"source": {"repo_url": "https://huggingface.co/someone/Llama-3-8B-zh"}}},
          "baseModels": {"relation": "quantized", "models": [{"id": "someone/Llama-3-8B-zh"}]}})",
      "dump.jsonl", 4);
  REQUIRE(facts.ok());
  std::map<std::string, std::string> by_kind;
  for (const auto& s : facts->signals) by_kind[s.kind] = s.value;
  CHECK(DecodeFingerprint(by_kind[kSignalConfig]).hidden_size == 4096);
  CHECK(by_kind[kSignalParameters] == "8030261248");
  CHECK(by_kind[kSignalGgufBase] == "https://huggingface.co/meta-llama/Meta-Llama-3-8B");
  CHECK(by_kind[kSignalGgufSource] == "https://huggingface.co/someone/Llama-3-8B-zh");
  CHECK(by_kind[kSignalHubBaseModels] == "someone/Llama-3-8B-zh");
}

TEST_CASE("each evidence kind proposes a parent from real-shaped input", "[infer]") {
  auto inf = MakeInferer();
  SECTION("name.pattern picks the exact base from family, size and variant") {
    auto q = inf->Propose(Subject("someone/Qwen2.5-7B-Instruct-abliterated"));
    REQUIRE_FALSE(q.empty());
    CHECK(q[0].parent == "Qwen/Qwen2.5-7B-Instruct");
    CHECK_FALSE(q[0].family_level);
    CHECK(HasKind(q[0], "name.pattern"));
    auto base = inf->Propose(Subject("someone/Meta-Llama-3-8B-base-zh"));
    REQUIRE_FALSE(base.empty());
    CHECK(base[0].parent == "meta-llama/Meta-Llama-3-8B");
    CHECK_FALSE(base[0].family_level);
    auto chat = inf->Propose(Subject("shenzhi-wang/Llama3-8B-Chinese-Chat"));
    REQUIRE_FALSE(chat.empty());
    CHECK(chat[0].parent == "meta-llama/Meta-Llama-3-8B-Instruct");
  }
  SECTION("a name that leaves the variant unsaid gives the closest base, family-level") {
    auto p = inf->Propose(Subject("hfl/chinese-llama-2-7b"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "meta-llama/Llama-2-7b-hf");
    CHECK(p[0].family_level);
    CHECK(testing::Contains(p[0].evidence[0].detail, "closest known base"));
    // "sft" says how this model was tuned, not which base it started from.
    auto sft = inf->Propose(Subject("someone/Meta-Llama-3-8B-SFT"));
    REQUIRE_FALSE(sft.empty());
    CHECK(sft[0].family_level);
  }
  SECTION("a version, context or special variant no known base has is not exact") {
    auto coder = inf->Propose(Subject("someone/Qwen2.5-Coder-7B-Instruct-x"));
    REQUIRE_FALSE(coder.empty());
    CHECK(coder[0].family_level);
    auto ctx = inf->Propose(Subject("someone/Meta-Llama-3-8B-Instruct-262k"));
    REQUIRE_FALSE(ctx.empty());
    CHECK(ctx[0].family_level);
  }
  SECTION("a stored model's name inside the name is that model, exactly") {
    inf->AddModel("hfl/llama-3-chinese-8b");
    inf->AddModel("someone/llama3");  // a namesake: nothing but the family
    auto p = inf->Propose(Subject("hfl/llama-3-chinese-8b-v2"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "hfl/llama-3-chinese-8b");
    CHECK_FALSE(p[0].family_level);
    auto q = inf->Propose(Subject("other/llama3-8b-instruct-x"));
    REQUIRE_FALSE(q.empty());
    CHECK(q[0].parent == "meta-llama/Meta-Llama-3-8B-Instruct");
    // The same whole name elsewhere is a sibling, and "unseen" ids are absent.
    auto sib = inf->Propose(Subject("other/llama-3-chinese-8b"));
    REQUIRE_FALSE(sib.empty());
    CHECK(sib[0].parent != "hfl/llama-3-chinese-8b");
    auto hidden = inf->Propose(Subject("x/llama-3-chinese-8b-v2"), "", {"hfl/llama-3-chinese-8b"});
    REQUIRE_FALSE(hidden.empty());
    CHECK(hidden[0].parent != "hfl/llama-3-chinese-8b");
  }
  SECTION("a model trained with Unsloth is not given the original base exactly") {
    InferenceSubject s = Subject("someone/Qwen2.5-7B-Instruct-sft");
    s.tags = {"transformers", "unsloth", "qwen2"};
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "Qwen/Qwen2.5-7B-Instruct");
    CHECK(p[0].family_level);
    inf->AddModel("unsloth/Qwen2.5-7B-Instruct");
    auto q = inf->Propose(s);
    REQUIRE_FALSE(q.empty());
    CHECK(q[0].parent == "unsloth/Qwen2.5-7B-Instruct");
    CHECK_FALSE(q[0].family_level);
  }
  SECTION("an unknown size falls back to the family's canonical base, marked family-level") {
    auto p = inf->Propose(Subject("someone/llama-2-chinese-3b"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "meta-llama/Llama-2-7b-hf");
    CHECK(p[0].family_level);
    CHECK(testing::Contains(p[0].evidence[0].detail, "family-level"));
  }
  SECTION("license.family names the family a licence belongs to") {
    auto p = inf->Propose(Subject("someone/my-assistant", "llama3.1"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].parent == "meta-llama/Llama-3.1-8B");
    CHECK(p[0].family_level);
    CHECK(HasKind(p[0], "license.family"));
  }
  SECTION("card.body_phrase resolves the model a phrase names") {
    InferenceSubject s = Subject("someone/assistant-zh");
    s.signals.push_back({kSignalBodyPhrase, "Meta Llama 3", "README.md", 12, "built with"});
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].family == "llama3");
    CHECK(p[0].evidence[0].line == 12);
  }
  SECTION("card.body_link names the exact parent") {
    InferenceSubject s = Subject("OpenGVLab/InternVL2-Llama3-76B", "llama3");
    s.signals.push_back({kSignalBodyLink, "NousResearch/Hermes-2-Theta-Llama-3-70B", "README.md",
                         20, ""});
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "NousResearch/Hermes-2-Theta-Llama-3-70B");
    CHECK(p[0].family == "llama3");
  }
  SECTION("config.fingerprint: the same shape and vocabulary is that base") {
    InferenceSubject s = Subject("someone/private-model");
    s.signals.push_back({kSignalConfig, EncodeFingerprint(Llama3Config()), "config.json", 0, ""});
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "meta-llama/Meta-Llama-3-8B");
    CHECK(HasKind(p[0], "config.fingerprint"));
    InferenceSubject ext = Subject("someone/vocab-extended");
    ext.signals.push_back({kSignalConfig, EncodeFingerprint(Llama3Config(150000)), "c", 0, ""});
    auto q = inf->Propose(ext);
    REQUIRE_FALSE(q.empty());
    CHECK(q[0].parent == "meta-llama/Meta-Llama-3-8B");
    CHECK(q[0].confidence < p[0].confidence);
  }
  SECTION("config.architecture: the same model_type with another shape reuses the design") {
    ConfigFingerprint yi = Llama3Config(64000);
    yi.hidden_size = 7168;
    yi.num_hidden_layers = 60;
    InferenceSubject s = Subject("01-ai/Yi-34B");
    s.signals.push_back({kSignalConfig, EncodeFingerprint(yi), "config.json", 0, ""});
    auto p = inf->Propose(s);
    REQUIRE(p.size() == 1);
    CHECK(p[0].relation == Relation::kArchitecture);
    CHECK(p[0].evidence[0].kind == "config.architecture");
  }
  SECTION("tokenizer.identical and hub.parameters match a base's own files") {
    inf->AddBaseSignal("meta-llama/Llama-2-13b-hf",
                       {kSignalTokenizer, "sha256:9e55", "x", 0, "tokenizer.model"});
    inf->AddBaseSignal("meta-llama/Llama-2-13b-hf", {kSignalParameters, "13015864320", "", 0, ""});
    InferenceSubject s = Subject("someone/model-a");
    s.signals.push_back({kSignalTokenizer, "sha256:9e55", "repo/tokenizer.model", 0,
                         "tokenizer.model"});
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(HasKind(p[0], "tokenizer.identical"));
    CHECK(p[0].family == "llama2");
    InferenceSubject t = Subject("someone/model-b");
    t.signals.push_back({kSignalParameters, "13015864320", "dump", 3, ""});
    auto q = inf->Propose(t);
    REQUIRE_FALSE(q.empty());
    CHECK(q[0].parent == "meta-llama/Llama-2-13b-hf");
  }
  SECTION("gguf.metadata: general.base_model and general.source name the parent") {
    InferenceSubject s = Subject("someone/model-Q4_K_M-GGUF");
    s.signals.push_back({kSignalGgufBase, "https://huggingface.co/meta-llama/Llama-3.1-8B",
                         "dump", 2, "general.base_model.0.repo_url"});
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "meta-llama/Llama-3.1-8B");
    InferenceSubject t = Subject("someone/converted");
    t.signals.push_back({kSignalGgufSource, "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct",
                         "dump", 2, "general.source.repo_url"});
    auto q = inf->Propose(t);
    REQUIRE_FALSE(q.empty());
    CHECK(q[0].parent == "Qwen/Qwen2.5-7B-Instruct");
    CHECK(q[0].relation == Relation::kQuantized);
  }
  SECTION("hub baseModels is the Hub's own record of the parent") {
    InferenceSubject s = Subject("someone/x");
    s.signals.push_back({kSignalHubBaseModels, "mistralai/Mistral-7B-v0.1", "dump", 1, "finetune"});
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "mistralai/Mistral-7B-v0.1");
    CHECK(p[0].confidence > 0.9);
  }
  SECTION("an upload named after a stored model with format tokens is that model's") {
    inf->AddModel("ValiantLabs/Llama3-70B-ShiningValiant2");
    auto p = inf->Propose(Subject("mradermacher/Llama3-70B-ShiningValiant2-i1-GGUF"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "ValiantLabs/Llama3-70B-ShiningValiant2");
  }
}

TEST_CASE("uploads in bitsandbytes form and adapters named after their own model", "[infer]") {
  auto inf = MakeInferer();
  SECTION("a name holding a bnb-4bit upload's whole name points to that upload") {
    inf->AddModel("unsloth/Qwen2.5-7B-Instruct-bnb-4bit");
    auto p = inf->Propose(Subject("someone/Qwen2.5-7B-Instruct-bnb-4bit-r16-lora"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "unsloth/Qwen2.5-7B-Instruct-bnb-4bit");
    CHECK_FALSE(p[0].family_level);
  }
  SECTION("a GGUF upload inside a name is still no parent") {
    inf->AddModel("someone-else/Qwen2.5-7B-Instruct-GGUF");
    auto p = inf->Propose(Subject("someone/Qwen2.5-7B-Instruct-GGUF-tuned"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent != "someone-else/Qwen2.5-7B-Instruct-GGUF");
  }
  SECTION("trained with Unsloth where unsloth holds the model in bitsandbytes form too: not exact") {
    InferenceSubject s = Subject("someone/Qwen2.5-7B-Instruct-sft");
    s.tags = {"transformers", "unsloth"};
    inf->AddModel("unsloth/Qwen2.5-7B-Instruct");
    auto exact = inf->Propose(s);
    REQUIRE_FALSE(exact.empty());
    CHECK_FALSE(exact[0].family_level);
    inf->AddModel("unsloth/Qwen2.5-7B-Instruct-bnb-4bit");
    auto p = inf->Propose(s);
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "unsloth/Qwen2.5-7B-Instruct");
    CHECK(p[0].family_level);
    SECTION("unless that upload is one leave-one-out hides") {
      auto q = inf->Propose(s, "", {"unsloth/qwen2.5-7b-instruct-bnb-4bit"});
      REQUIRE_FALSE(q.empty());
      CHECK_FALSE(q[0].family_level);
    }
  }
  SECTION("X-lora beside its owner's X is the adapter that made X: X is not claimed exactly") {
    inf->AddModel("hfl/llama-3-chinese-8b-instruct");
    auto p = inf->Propose(Subject("hfl/llama-3-chinese-8b-instruct-lora"));
    REQUIRE_FALSE(p.empty());
    CHECK(p[0].parent == "hfl/llama-3-chinese-8b-instruct");
    CHECK(p[0].family_level);
    auto other = inf->Propose(Subject("someone/llama-3-chinese-8b-instruct-lora"));
    REQUIRE_FALSE(other.empty());
    CHECK(other[0].parent == "hfl/llama-3-chinese-8b-instruct");
    CHECK_FALSE(other[0].family_level);
  }
}

TEST_CASE("evidence is combined: agreement raises, conflict lowers the confidence", "[infer]") {
  auto inf = MakeInferer();
  double name_only = inf->Propose(Subject("a/Llama-3-8B-zh"))[0].confidence;
  auto agree = inf->Propose(Subject("a/Llama-3-8B-zh", "llama3"));
  auto conflict = inf->Propose(Subject("a/Llama-3-8B-zh", "qwen"));
  REQUIRE_FALSE(agree.empty());
  REQUIRE(conflict.size() == 2);
  CHECK(agree[0].confidence > name_only);
  CHECK(conflict[0].confidence < name_only);
  CHECK(conflict[0].family == "llama3");  // the name is more reliable than the licence
  CHECK(conflict[1].family == "qwen2.5");
}

TEST_CASE("names with two families and the false-positive traps", "[infer]") {
  auto inf = MakeInferer();
  SECTION("llamafied: Qwen's weights in Llama's design") {
    auto p = inf->Propose(Subject("someone/Qwen2.5-7B-llamafied"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].family == "qwen2.5");
    CHECK(p[0].parent == "Qwen/Qwen2.5-7B");
  }
  SECTION("distilled-from names the teacher, not the base") {
    auto p = inf->Propose(Subject("someone/Llama-3-8B-distilled-from-Qwen2.5"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].family == "llama3");
    CHECK(testing::Contains(p[0].evidence[0].detail, "teacher"));
  }
  SECTION("a publisher's own line beside the base it built on") {
    auto p = inf->Propose(Subject("OpenGVLab/InternVL2-Llama3-76B"));
    REQUIRE(p.size() == 1);
    CHECK(p[0].family == "llama3");
  }
  SECTION("software named after a family is not a derivative") {
    CHECK(inf->Propose(Subject("someone/llama-cpp-tools")).empty());
    CHECK(inf->Propose(Subject("someone/ollama-3-runner")).empty());
    CHECK(inf->Propose(Subject("someone/Qwen2.5-factory")).empty());
  }
  SECTION("a phrase about a dataset named after a family is not a base") {
    InferenceSubject s = Subject("someone/bert-zh");
    s.signals.push_back({kSignalBodyPhrase, "the Llama-3 instruction dataset", "README.md", 3,
                         "based on"});
    CHECK(inf->Propose(s).empty());
  }
}

// A store with the reference excerpt and the given cards ingested.
struct Fixture {
  TempDir dir;
  std::string db = dir / "lineage.db";
  std::string cards = dir / "cards";
  std::unique_ptr<Store> store;
  Fixture() {
    store = testing::OpenStore(db);
    std::ostringstream log;
    auto r = Ingest(*store, {kReference + "/families.csv", kReference + "/known_bases.csv"}, {},
                    log);
    REQUIRE(r.ok());
  }
  IngestSummary IngestCards() {
    std::ostringstream log;
    IngestOptions o;
    o.threads = 1;
    auto r = Ingest(*store, {cards}, o, log);
    INFO(log.str());
    REQUIRE(r.ok());
    return *r;
  }
};

TEST_CASE("inferred edges are stored marked, replaced on re-run, and lose to declared ones",
          "[infer]") {
  Fixture f;
  WriteCard(f.cards, "hfl/chinese-llama-2-7b",
            "---\nlicense: apache-2.0\n---\n# Chinese-LLaMA-2-7B\nThis project is based on "
            "Llama-2, released by Meta.\n");
  WriteCard(f.cards, "alice/qwen2.5-7b-tuned",
            "---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-7B\n---\n# tuned\n"
            "Built with Meta Llama 3.\n");
  IngestSummary s = f.IngestCards();
  CHECK(s.inferred == 1);
  auto parents = testing::Must(f.store->ParentEdges("hfl/chinese-llama-2-7b"));
  REQUIRE(parents.size() == 1);
  CHECK(parents[0].parent == "meta-llama/Llama-2-7b-hf");
  CHECK(parents[0].inferred);
  CHECK(parents[0].relation_inferred);
  CHECK(parents[0].confidence >= 0.5);
  // Declared metadata wins: the Llama phrase does not add a parent to alice's model.
  auto declared = testing::Must(f.store->ParentEdges("alice/qwen2.5-7b-tuned"));
  REQUIRE(declared.size() == 1);
  CHECK(declared[0].parent == "Qwen/Qwen2.5-7B");
  CHECK_FALSE(declared[0].inferred);

  SECTION("re-running inference replaces, not duplicates") {
    auto r = RunInference(*f.store, {});
    REQUIRE(r.ok());
    CHECK(r->proposed == 1);
    CHECK(testing::Must(f.store->ParentEdges("hfl/chinese-llama-2-7b")).size() == 1);
    auto n = f.store->Query("SELECT count(*) FROM evidence WHERE origin LIKE 'infer:%'");
    REQUIRE(n.ok());
    CHECK((*n)[1][0] == std::to_string(parents[0].evidence.size()));
  }
  SECTION("a re-run that changes nothing rewrites nothing; one that does, replaces") {
    const std::string rows =
        "SELECT group_concat(v.id) || ':' || group_concat(e.id) FROM evidence v JOIN edge e ON "
        "e.id = v.edge WHERE v.origin LIKE 'infer:%'";
    auto before = f.store->Query(rows);
    REQUIRE(before.ok());
    REQUIRE(RunInference(*f.store, {}).ok());
    auto same = f.store->Query(rows);
    REQUIRE(same.ok());
    CHECK((*same)[1][0] == (*before)[1][0]);
    InferOptions strict;
    strict.threshold = 0.999;
    auto r = RunInference(*f.store, strict);
    REQUIRE(r.ok());
    CHECK(r->proposed == 0);
    CHECK(testing::Must(f.store->ParentEdges("hfl/chinese-llama-2-7b")).empty());
    r = RunInference(*f.store, {});
    REQUIRE(r.ok());
    CHECK(r->proposed == 1);
    auto again = testing::Must(f.store->ParentEdges("hfl/chinese-llama-2-7b"));
    REQUIRE(again.size() == 1);
    CHECK(again[0].parent == parents[0].parent);
    CHECK(again[0].evidence.size() == parents[0].evidence.size());
  }
  SECTION("a card that later declares its base replaces the inferred edge") {
    WriteCard(f.cards, "hfl/chinese-llama-2-7b",
              "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-2-7b-hf\n---\n# v2\n");
    f.IngestCards();
    auto now = testing::Must(f.store->ParentEdges("hfl/chinese-llama-2-7b"));
    REQUIRE(now.size() == 1);
    CHECK_FALSE(now[0].inferred);
    CHECK(now[0].evidence.size() == 1);
    CHECK(now[0].evidence[0].kind == "card.base_model");
  }
  SECTION("--declared-only leaves inferred edges out of a chain") {
    auto chain = f.store->Chain("hfl/chinese-llama-2-7b");
    REQUIRE(chain.ok());
    CHECK(chain->nodes.size() == 2);
    InferredFilter filter;
    filter.declared_only = true;
    CHECK(FilterSubgraph(&*chain, filter, true) == 1);
    CHECK(chain->nodes.size() == 1);
    CHECK(chain->edges.empty());
  }
}

TEST_CASE("an incremental run re-infers the models named after what it changed", "[infer]") {
  Fixture f;
  WriteCard(f.cards, "bob/MyModel-7B-GGUF", "---\nlicense: apache-2.0\n---\n# quantized\n");
  f.IngestCards();
  CHECK(testing::Must(f.store->ParentEdges("bob/MyModel-7B-GGUF")).empty());
  // alice publishes the model bob's upload is named after; only her card is read.
  WriteCard(f.cards, "alice/MyModel-7B",
            "---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-7B\n---\n# mine\n");
  IngestSummary s = f.IngestCards();
  CHECK(s.unchanged >= 1);
  auto parents = testing::Must(f.store->ParentEdges("bob/MyModel-7B-GGUF"));
  REQUIRE(parents.size() == 1);
  CHECK(parents[0].parent == "alice/MyModel-7B");
  CHECK(parents[0].inferred);
  SECTION("the neighbour is counted, and a model whose name only shares a word is not one") {
    WriteCard(f.cards, "carol/MyModel-7B-v2-tuned", "---\nlicense: mit\n---\n# v2\n");
    WriteCard(f.cards, "dave/MyModel-13B", "---\nlicense: mit\n---\n# other\n");
    f.IngestCards();
    InferOptions o;
    o.ids = {"alice/MyModel-7B"};
    auto r = RunInference(*f.store, o);
    REQUIRE(r.ok());
    CHECK(r->neighbours == 2);  // bob's upload and carol's model hold "mymodel-7b"; dave's does not
  }
}

// Regression: Qwen/Qwen2-VL-2B got its own instruct model, which declares it
// as base, as an inferred parent, and the graph had a cycle.
TEST_CASE("an inferred parent that derives from its child is not stored", "[infer]") {
  Fixture f;
  WriteCard(f.cards, "Qwen/Qwen2-VL-2B-Instruct",
            "---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2-VL-2B\n---\n# instruct\n");
  f.IngestCards();
  REQUIRE(f.store->BeginRun("test").ok());
  Edge proposal;
  proposal.child = "Qwen/Qwen2-VL-2B";
  proposal.parent = "Qwen/Qwen2-VL-2B-Instruct";
  proposal.confidence = 0.97;
  proposal.inferred = true;
  proposal.evidence.push_back({});
  proposal.evidence.back().kind = "name.pattern";
  proposal.evidence.back().source = "Qwen/Qwen2-VL-2B";
  Edge other = proposal;
  other.child = "acme/vl-tuned";
  int64_t written = -1;
  REQUIRE(f.store->PutInferred({proposal, other}, &written).ok());
  REQUIRE(f.store->CommitRun(nullptr).ok());
  CHECK(written == 1);
  CHECK(testing::Must(f.store->ParentEdges("Qwen/Qwen2-VL-2B")).empty());
  CHECK(testing::Must(f.store->ParentEdges("acme/vl-tuned")).size() == 1);
}

TEST_CASE("leave-one-out evaluation scores hidden declared parents", "[infer]") {
  Fixture f;
  WriteCard(f.cards, "a/Llama-3-8B-Instruct-zh",
            "---\nbase_model: meta-llama/Meta-Llama-3-8B-Instruct\nlicense: llama3\n---\n");
  WriteCard(f.cards, "b/qwen2.5-7b-law",
            "---\nbase_model: Qwen/Qwen2.5-7B\nlicense: apache-2.0\n---\n");
  WriteCard(f.cards, "c/mystery", "---\nbase_model: Qwen/Qwen2.5-7B\nlicense: mit\n---\n");
  f.IngestCards();
  auto r = EvaluateInference(*f.store, {});
  REQUIRE(r.ok());
  CHECK(r->models == 3);
  CHECK(r->overall.proposed == 2);
  // "qwen2.5-7b-law" does not say base or instruct: family-level, right at
  // the family level and never counted as an exact hit, though its closest
  // base is the declared one.
  CHECK(r->overall.family_level == 1);
  CHECK(r->overall.family_correct == 2);
  CHECK(r->overall.exact_correct == 1);
  CHECK(r->overall.ExactPrecision() == Approx(1.0));
  CHECK(r->overall.ExactRecall() == Approx(1.0 / 3));
  std::ostringstream text;
  WriteEvalText(*r, text);
  CHECK(testing::Contains(text.str(), "name.pattern"));
}

// Names from the shipped reference and curated data, and combinations of
// family, size, variant and format tokens, with licences of one family and
// of none.
std::vector<InferenceSubject> ScreenedSubjects() {
  std::vector<std::string> ids;
  for (const char* file : {"/data/known_bases.csv", "/data/curated_edges.csv",
                           "/data/model_aliases.csv"}) {
    std::ifstream in(std::string(LINEAGE_SOURCE_DIR) + file);
    std::string line;
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string cell;
      while (std::getline(ss, cell, ',')) {
        if (cell.find('/') != std::string::npos && cell.find("://") == std::string::npos) {
          ids.push_back(cell);
        }
      }
    }
  }
  const char* pieces[] = {"Llama", "llama-3", "Qwen2.5", "qwen2_5", "yi", "t5-", "sd3", "Gemma-2",
                          "phi-3", "mistral-7b", "ollama", "7B", "-Instruct", "-chat", "-GGUF",
                          "-exl2-4.0bpw", "-bnb-4bit", "_", "-", "my", "model", "cpp", "v0.3"};
  uint32_t x = 12345;
  for (int i = 0; i < 4000; ++i) {
    std::string name;
    for (int k = 0; k < 4; ++k) {
      x = x * 1103515245u + 12345u;
      name += pieces[(x >> 16) % (sizeof pieces / sizeof pieces[0])];
    }
    ids.push_back("someone/" + name);
  }
  const char* licenses[] = {"", "apache-2.0", "llama3.1", "qwen", "gemma", "other", "mit"};
  std::vector<InferenceSubject> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    InferenceSubject s;
    s.id = ids[i];
    s.license = licenses[i % (sizeof licenses / sizeof licenses[0])];
    if (i % 5 == 0) s.license_name = "llama3";
    out.push_back(std::move(s));
  }
  return out;
}

TEST_CASE("a subject MayPropose turns away gets no proposal", "[infer]") {
  TempDir dir;
  auto store = testing::OpenStore(dir / "lineage.db");
  std::ostringstream log;
  std::string data = std::string(LINEAGE_SOURCE_DIR) + "/data";
  REQUIRE(Ingest(*store, {data + "/families.csv", data + "/known_bases.csv"}, {}, log).ok());
  auto inf = Inferer::Build(testing::Must(store->Families()), testing::Must(store->KnownBases()));
  REQUIRE(inf.ok());
  std::vector<InferenceSubject> subjects = ScreenedSubjects();
  REQUIRE(subjects.size() > 4000);
  for (const auto& s : subjects) (*inf)->AddModel(s.id);
  size_t turned_away = 0, proposed = 0;
  for (const auto& s : subjects) {
    bool may = (*inf)->MayPropose(s.id, s.license, s.license_name, s.license_normalized, false);
    auto props = (*inf)->Propose(s);
    proposed += !props.empty();
    if (may) continue;
    ++turned_away;
    INFO(s.id << " licence '" << s.license << "'");
    CHECK(props.empty());
  }
  // Both sides are exercised.
  CHECK(turned_away > 300);
  CHECK(proposed > 1000);
  SECTION("a signal always lets a subject through") {
    CHECK((*inf)->MayPropose("someone/plain", "", "", "", true));
    CHECK_FALSE((*inf)->MayPropose("someone/plain", "", "", "", false));
  }
}

}  // namespace
}  // namespace lineage
