// Tests of include/lineage/gguf.h: GGUF headers written byte by byte as the
// specification lays them out (docs/gguf.md of ggml), real-shaped ones and
// truncated and hostile ones.
#include "lineage/gguf.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gguf_writer.h"
#include "lineage/infer.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::GgufWriter;

// The metadata of a quantized upload as llama.cpp's converter writes it: the
// general.* keys, an architecture block, tokenizer arrays, then tensor infos.
GgufWriter LlamaCppShaped(int tokens = 1000) {
  GgufWriter w;
  w.String("general.architecture", "qwen2")
      .String("general.type", "model")
      .String("general.name", "Tiny Chat 7B Instruct")
      .String("general.organization", "Acme")
      .U32("general.base_model.count", 1)
      .String("general.base_model.0.name", "Qwen2.5 7B Instruct")
      .String("general.base_model.0.organization", "Qwen")
      .String("general.base_model.0.repo_url", "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct")
      .StringArray("general.tags", {"chat", "text-generation"})
      .U32("qwen2.block_count", 28)
      .F32("qwen2.rope.freq_base", 1000000.0f)
      .Bool("tokenizer.ggml.add_bos_token", false)
      .U64("qwen2.context_length", 32768);
  std::vector<std::string> vocab;
  for (int i = 0; i < tokens; ++i) vocab.push_back("tok" + std::to_string(i));
  w.StringArray("tokenizer.ggml.tokens", vocab).I32Array("tokenizer.ggml.token_type", tokens, 1);
  return w;
}

TEST_CASE("ParseGgufMetadata reads the base models, source, name and architecture", "[git]") {
  std::string file = LlamaCppShaped().Build(3, /*tensors=*/2);
  auto m = ParseGgufMetadata(file, "x/model-Q4_K_M.gguf");
  INFO(m.status().message());
  REQUIRE(m.ok());
  CHECK(m->version == 3);
  CHECK(m->tensor_count == 2);
  CHECK(m->kv_count == 15);
  CHECK(m->architecture == "qwen2");
  CHECK(m->name == "Tiny Chat 7B Instruct");
  CHECK(m->base_model_count == 1);
  REQUIRE(m->base_models.size() == 1);
  CHECK(m->base_models[0].name == "Qwen2.5 7B Instruct");
  CHECK(m->base_models[0].organization == "Qwen");
  CHECK(m->base_models[0].repo_url == "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct");
  CHECK(m->source_repo_url.empty());

  SECTION("its signals: one gguf.base_model per base, from the file") {
    auto signals = GgufSignals(*m, "x/model-Q4_K_M.gguf");
    REQUIRE(signals.size() == 1);
    CHECK(signals[0].kind == std::string(kSignalGgufBase));
    CHECK(signals[0].value == "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct");
    CHECK(signals[0].source == "x/model-Q4_K_M.gguf");
    CHECK(signals[0].detail == "general.base_model.0.repo_url");
  }
  SECTION("version 2 has the same layout") {
    auto v2 = ParseGgufMetadata(LlamaCppShaped().Build(2, 2), "v2.gguf");
    REQUIRE(v2.ok());
    CHECK(v2->version == 2);
    CHECK(v2->base_models.size() == 1);
  }
}

TEST_CASE("GGUF base models without a URL give organization and name; general.source too",
          "[git]") {
  GgufWriter w;
  w.String("general.name", "Merged")
      .String("general.base_model.1.name", "Mistral 7B v0.1")
      .String("general.base_model.1.organization", "Mistralai")
      .String("general.base_model.0.name", "Llama 3 8B")
      .String("general.source.repo_url", "https://huggingface.co/bob/merged");
  auto m = ParseGgufMetadata(w.Build(3, 0), "merged.gguf");
  REQUIRE(m.ok());
  CHECK(m->base_model_count == -1);
  REQUIRE(m->base_models.size() == 2);
  auto signals = GgufSignals(*m, "merged.gguf");
  REQUIRE(signals.size() == 3);
  CHECK(signals[0].value == "Llama 3 8B");
  CHECK(signals[0].detail == "general.base_model.0.name");
  CHECK(signals[1].value == "Mistralai Mistral 7B v0.1");
  CHECK(signals[2].kind == std::string(kSignalGgufSource));
  CHECK(signals[2].value == "https://huggingface.co/bob/merged");

  SECTION("a count caps the entries read") {
    GgufWriter c;
    c.U32("general.base_model.count", 1)
        .String("general.base_model.0.repo_url", "https://huggingface.co/a/b")
        .String("general.base_model.1.repo_url", "https://huggingface.co/c/d");
    auto one = ParseGgufMetadata(c.Build(3, 0), "c.gguf");
    REQUIRE(one.ok());
    CHECK(one->base_models.size() == 1);
  }
  SECTION("a key of another type than string is skipped, not read as a name") {
    GgufWriter t;
    t.U32("general.name", 7).U32("general.base_model.0.repo_url", 1);
    auto odd = ParseGgufMetadata(t.Build(3, 0), "t.gguf");
    REQUIRE(odd.ok());
    CHECK(odd->name.empty());
    CHECK(GgufSignals(*odd, "t.gguf").empty());
  }
}

TEST_CASE("Every truncation of a GGUF header is an error naming the file, never a crash", "[git]") {
  std::string file = LlamaCppShaped(20).Build(3, 0);
  REQUIRE(ParseGgufMetadata(file, "t.gguf").ok());
  for (size_t n = 0; n < file.size(); ++n) {
    auto m = ParseGgufMetadata(std::string_view(file).substr(0, n), "t.gguf");
    INFO("first " << n << " bytes");
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().code() == Status::Code::kInvalidInput);
    CHECK(m.status().message().rfind("t.gguf: ", 0) == 0);
  }
  // Cut inside a pair's value type: "GGUF", version, counts (24 bytes), the key (8 + 12).
  GgufWriter one;
  one.String("general.name", "x");
  auto cut = ParseGgufMetadata(one.Build(3, 0).substr(0, 46), "t.gguf");
  CHECK(cut.status().message() ==
        "t.gguf: truncated: the file ends inside the value type of 'general.name' at byte 44");
}

TEST_CASE("Hostile GGUF headers: wrong magic, versions, huge lengths, deep arrays", "[git]") {
  auto error = [](const std::string& bytes) {
    auto m = ParseGgufMetadata(bytes, "bad.gguf");
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().code() == Status::Code::kInvalidInput);
    return m.status().message();
  };
  using testing::Le32;
  using testing::Le64;
  std::string head3 = "GGUF" + Le32(3) + Le64(0);

  CHECK(error("") == "bad.gguf: truncated: the file ends inside the magic number at byte 0");
  CHECK(error("GGML" + Le32(3)) ==
        "bad.gguf: not a GGUF file: it starts with bytes 47 47 4d 4c, not \"GGUF\"");
  CHECK(error("version https://git-lfs.github.com/spec/v1\n").find("not a GGUF file") !=
        std::string::npos);
  CHECK(error("GGUF" + Le32(1) + Le32(0) + Le32(0)).find("version 1 is not supported") !=
        std::string::npos);
  CHECK(error("GGUF" + std::string("\0\0\0\3", 4) + Le64(0) + Le64(0)).find("big-endian") !=
        std::string::npos);
  CHECK(error("GGUF" + Le32(4) + Le64(0) + Le64(0)).find("unknown GGUF version 4") !=
        std::string::npos);
  // Counts and lengths far beyond the file, each refused before anything is allocated.
  CHECK(error(head3 + Le64(uint64_t{1} << 60)).find("metadata count 1152921504606846976 is more") !=
        std::string::npos);
  CHECK(error(head3 + Le64(1) + Le64(UINT64_MAX) + std::string(20, 'a'))
            .find("the key of metadata pair 0 is 18446744073709551615 bytes long, more than") !=
        std::string::npos);
  std::string big_key = std::string(70000, 'k');
  CHECK(error(head3 + Le64(1) + Le64(big_key.size()) + big_key + Le32(0) + "x")
            .find("over the limit of 65535") != std::string::npos);
  CHECK(error(head3 + Le64(1) + Le64(1) + "k" + Le32(8) + Le64(uint64_t{1} << 62) + "abc")
            .find("a string in 'k' is 4611686018427387904 bytes long") != std::string::npos);
  CHECK(error(head3 + Le64(1) + Le64(1) + "k" + Le32(9) + Le32(4) + Le64(uint64_t{1} << 61) +
              std::string(16, '\0'))
            .find("array 'k' of 2305843009213693952 elements is larger than") != std::string::npos);
  CHECK(error(head3 + Le64(1) + Le64(1) + "k" + Le32(99) + std::string(8, '\0'))
            .find("unknown value type 99 for 'k'") != std::string::npos);
  CHECK(error(head3 + Le64(1) + Le64(1) + "k" + Le32(9) + Le32(77) + Le64(1) + std::string(8, '\0'))
            .find("unknown element type 77") != std::string::npos);
  std::string deep = head3 + Le64(1) + Le64(1) + "k" + Le32(9);
  for (int i = 0; i < 20; ++i) deep += Le32(9) + Le64(1);
  deep += std::string(64, '\0');
  CHECK(error(deep).find("nested deeper than 8 levels") != std::string::npos);
  // A kept value too long to be a URL is ignored; the rest is read.
  std::string url(kMaxGgufKeptString + 1, 'u');
  auto m = ParseGgufMetadata(head3 + Le64(2) + Le64(23) + "general.source.repo_url" + Le32(8) +
                                 Le64(url.size()) + url + Le64(12) + "general.name" + Le32(8) +
                                 Le64(1) + "n",
                             "long.gguf");
  REQUIRE(m.ok());
  CHECK(m->source_repo_url.empty());
  CHECK(m->name == "n");
}

TEST_CASE("ReadGgufFile reads only the metadata of a file on disk", "[git]") {
  testing::TempDir dir;
  // A vocabulary of 200,000 tokens spans the reader's buffer many times over.
  std::string file = LlamaCppShaped(200000).Build(3, 5);
  file += std::string(3 << 20, '\x7f');  // the tensor infos and data, never read
  testing::WriteFile(dir / "big.gguf", file);
  auto m = ReadGgufFile(dir / "big.gguf");
  INFO(m.status().message());
  REQUIRE(m.ok());
  CHECK(m->tensor_count == 5);
  REQUIRE(m->base_models.size() == 1);
  CHECK(m->base_models[0].repo_url == "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct");

  SECTION("a truncated file names the file") {
    testing::WriteFile(dir / "cut.gguf", file.substr(0, 300000));
    auto cut = ReadGgufFile(dir / "cut.gguf");
    REQUIRE_FALSE(cut.ok());
    CHECK(cut.status().code() == Status::Code::kInvalidInput);
    CHECK(cut.status().message().rfind(dir / "cut.gguf: ", 0) == 0);
  }
  SECTION("a missing file is an I/O error") {
    auto none = ReadGgufFile(dir / "none.gguf");
    CHECK(none.status().code() == Status::Code::kIoError);
    CHECK(none.status().message() == dir / "none.gguf: cannot open the file");
  }
}

}  // namespace
}  // namespace lineage
