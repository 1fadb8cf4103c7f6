// End-to-end: cards with no base_model for four Chinese derivatives of Western
// bases, as a new user would ingest them, show their base with evidence.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_support.h"

extern char** environ;

namespace lineage {
namespace {

using testing::Contains;
using testing::TempDir;
using testing::WriteCard;

const std::string kReference = std::string(LINEAGE_SOURCE_DIR) + "/tests/fixtures/reference";

struct Out {
  int code = -1;
  std::string out, err;
};

Out Lineage(const TempDir& dir, std::vector<std::string> args) {
  std::string o = dir / "out.txt", e = dir / "err.txt";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, o.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, e.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  args.insert(args.begin(), {LINEAGE_BINARY, "--db", dir / "lineage.db"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, LINEAGE_BINARY, &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  waitpid(pid, &status, 0);
  return Out{WIFEXITED(status) ? WEXITSTATUS(status) : -1, testing::ReadFile(o),
             testing::ReadFile(e)};
}

TEST_CASE("cards without base_model show their Western base with evidence", "[infer]") {
  TempDir dir;
  std::string cards = dir / "cards";
  // Front matter and body lines as the real cards write them, base_model removed.
  WriteCard(cards, "hfl/chinese-llama-2-7b",
            "---\nlicense: apache-2.0\nlanguage:\n- zh\n- en\n---\n# Chinese-LLaMA-2-7B\n\n"
            "**This is the full Chinese-LLaMA-2-7B model, which can be loaded directly for "
            "inference and full-parameter training.**\n\nThis project is based on the Llama-2, "
            "released by Meta, and it is the second generation of the Chinese LLaMA & Alpaca "
            "LLM project.\n");
  WriteCard(cards, "shenzhi-wang/Llama3-8B-Chinese-Chat",
            "---\nlicense: llama3\nlibrary_name: transformers\npipeline_tag: text-generation\n"
            "---\n# Llama3-8B-Chinese-Chat\n\nLlama3-8B-Chinese-Chat is an instruction-tuned "
            "language model for Chinese & English users with various abilities such as "
            "roleplaying & tool-using built upon the Meta-Llama-3-8B-Instruct model.\n");
  WriteCard(cards, "THUDM/cogvlm2-llama3-chat-19B",
            "---\nlicense: other\nlicense_name: cogvlm2\n---\n# CogVLM2\n\n"
            "| Model name | cogvlm2-llama3-chat-19B |\n| Base Model | Meta-Llama-3-8B-Instruct |\n\n"
            "This model is released under the CogVLM2 LICENSE. For models built with Meta "
            "Llama 3, please also adhere to the LLAMA3_LICENSE.\n");
  WriteCard(cards, "OpenGVLab/InternVL2-Llama3-76B",
            "---\nlicense: llama3\npipeline_tag: image-text-to-text\n---\n# InternVL2-Llama3-76B\n\n"
            "InternVL2-Llama3-76B consists of "
            "[InternViT-6B-448px-V1-5](https://huggingface.co/OpenGVLab/InternViT-6B-448px-V1-5), "
            "an MLP projector, and "
            "[Hermes-2-Theta-Llama-3-70B](https://huggingface.co/NousResearch/Hermes-2-Theta-Llama-3-70B).\n");
  Out in = Lineage(dir, {"ingest", kReference + "/families.csv", kReference + "/known_bases.csv",
                         cards, "--no-progress", "--no-dataset"});
  INFO(in.err);
  REQUIRE(in.code == 0);

  struct Case {
    const char* id;
    const char* base;
    const char* kind;
  };
  for (const Case& c : {Case{"hfl/chinese-llama-2-7b", "meta-llama/Llama-2-7b-hf", "name.pattern"},
                        Case{"shenzhi-wang/Llama3-8B-Chinese-Chat",
                             "meta-llama/Meta-Llama-3-8B-Instruct", "card.body_phrase"},
                        Case{"THUDM/cogvlm2-llama3-chat-19B", "meta-llama/Meta-Llama-3-8B-Instruct",
                             "card.body_phrase"},
                        Case{"OpenGVLab/InternVL2-Llama3-76B",
                             "NousResearch/Hermes-2-Theta-Llama-3-70B", "card.body_link"}}) {
    Out show = Lineage(dir, {"show", c.id});
    INFO(c.id << "\n" << show.out << show.err);
    CHECK(show.code == 0);
    CHECK(Contains(show.out, "parents (1)"));
    CHECK(Contains(show.out, std::string("-> ") + c.base));
    CHECK(Contains(show.out, "inferred edge"));
    CHECK(Contains(show.out, std::string("evidence: ") + c.kind));
    CHECK(Contains(show.err, "rest on inference"));
    Out declared = Lineage(dir, {"show", c.id, "--declared-only"});
    CHECK(Contains(declared.out, "parents (0)"));
  }
  Out ev = Lineage(dir, {"eval", "inference", "--format", "json"});
  CHECK(ev.code == 0);
  CHECK(Contains(ev.out, "\"overall\""));

  // Flows along inferred edges say so, and --declared-only leaves them out.
  testing::WriteFile(dir / "orgs.csv",
                     "namespace,organization,country,kind,source\n"
                     "meta-llama,Meta,US,company,https://example.test/meta\n"
                     "NousResearch,Nous Research,US,company,https://example.test/nous\n"
                     "hfl,HFL,CN,academic,https://example.test/hfl\n"
                     "shenzhi-wang,shenzhi-wang,CN,individual,https://example.test/sw\n"
                     "THUDM,THUDM,CN,academic,https://example.test/thudm\n"
                     "OpenGVLab,OpenGVLab,CN,academic,https://example.test/ogv\n");
  testing::WriteFile(dir / "blocs.json", R"({"west": ["US"], "cn": ["CN"]})");
  Out tables = Lineage(dir, {"ingest", dir / "orgs.csv", dir / "blocs.json", "--no-progress"});
  INFO(tables.err);
  REQUIRE(tables.code == 0);
  Out flows = Lineage(dir, {"flows", "--from", "west", "--to", "cn", "--format", "csv"});
  INFO(flows.out << flows.err);
  CHECK(flows.code == 0);
  for (const char* id : {"hfl/chinese-llama-2-7b", "shenzhi-wang/Llama3-8B-Chinese-Chat",
                         "THUDM/cogvlm2-llama3-chat-19B", "OpenGVLab/InternVL2-Llama3-76B"}) {
    CHECK(Contains(flows.out, id));
  }
  CHECK(Contains(flows.err, "note: 4 of 4 flows take an inferred edge"));
  Out declared_flows =
      Lineage(dir, {"flows", "--from", "west", "--to", "cn", "--format", "csv", "--declared-only"});
  CHECK(declared_flows.code == 0);
  CHECK_FALSE(Contains(declared_flows.out, "hfl/chinese-llama-2-7b"));
  CHECK_FALSE(Contains(declared_flows.err, "inferred edge"));
}

}  // namespace
}  // namespace lineage
