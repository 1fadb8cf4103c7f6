// The streaming Hub-dump reader: simdjson on the hot path, checked against
// the nlohmann_json reference on the same inputs, record by record.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/readers.h"
#include "ingest/util.h"
#include "lineage/ingest.h"
#include "lineage/store.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::OpenStore;
using testing::TempDir;
using testing::WriteFile;

// Everything a record's facts say, as text, so two readings compare whole.
std::string Describe(const DocumentFacts& f) {
  std::ostringstream o;
  o << "origin=" << f.origin << " hash=" << f.content_hash << "\n";
  if (f.artifact) {
    const Artifact& a = *f.artifact;
    o << " artifact " << a.id << " kind=" << static_cast<int>(a.kind) << " lic=" << a.license
      << "|" << a.license_name << "|" << a.license_link << " pipe=" << a.pipeline_tag
      << " lib=" << a.library_name << " created=" << a.created_at << " src=" << a.source
      << " new=" << a.new_version << " dl=" << a.downloads << " dlall=" << a.downloads_all_time
      << " likes=" << a.likes << " mod=" << a.last_modified << "\n  tags:";
    for (const auto& t : a.tags) o << " [" << t << "]";
    o << "\n  langs:";
    for (const auto& l : a.languages) o << " [" << l << "]";
    o << "\n";
  }
  for (const auto& e : f.edges) {
    o << " edge " << e.child << " -> " << e.parent << " rel=" << static_cast<int>(e.relation)
      << " inf=" << e.relation_inferred << " conf=" << e.confidence << "\n";
    for (const auto& ev : e.evidence) {
      o << "  ev " << ev.kind << " " << ev.source << ":" << ev.line << " [" << ev.detail
        << "] rel=" << static_cast<int>(ev.relation) << " inf=" << ev.relation_inferred
        << " conf=" << ev.confidence << "\n";
    }
  }
  for (const auto& p : f.pending) o << " pending " << p.name << " " << p.evidence.detail << "\n";
  for (const auto& d : f.diagnostics) {
    o << " diag " << d.source << ":" << d.line << " " << d.severity << " " << d.code << " "
      << d.message << "\n";
  }
  for (const auto& s : f.signals) {
    o << " signal " << s.kind << "=" << s.value << " " << s.source << ":" << s.line << " "
      << s.detail << "\n";
  }
  return o.str();
}

// A dump read one way: each record's facts, then the file's diagnostics.
std::string ReadAll(const std::string& path, const std::string& text,
                    const readers::HubReadOptions& options, int* records = nullptr) {
  std::string out;
  int n = 0;
  std::vector<Diagnostic> diags;
  readers::ReadHubDump(
      path, text,
      [&](DocumentFacts&& f) {
        ++n;
        out += Describe(f);
      },
      &diags, options);
  for (const auto& d : diags) {
    out += "file diag " + d.source + ":" + std::to_string(d.line) + " " + d.severity + " " +
           d.code + " " + d.message + "\n";
  }
  if (records) *records = n;
  return out;
}

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
}

// Records of every shape the reader meets: plain and full ones, wrong types,
// numbers beyond a double or an int64, duplicate keys, escapes, bad bytes,
// nesting around the limit, cut records, trailing garbage.
std::vector<std::string> Corpus() {
  int limit = ingest_util::kMaxJsonDepth;
  return {
      R"({"id":"Qwen/Qwen2-7B-Instruct","author":"Qwen","tags":["base_model:finetune:Qwen/Qwen2-7B","license:apache-2.0","region:us","transformers"],"cardData":{"base_model":"Qwen/Qwen2-7B","license":"apache-2.0","language":["en","zh"]},"pipeline_tag":"text-generation","library_name":"transformers","createdAt":"2024-06-04T10:20:30.000Z","lastModified":"2024-07-01T00:00:00.000Z","downloads":123456,"downloadsAllTime":9876543,"likes":789})",
      R"({"id":"x/gguf","tags":["gguf","base_model:quantized:Qwen/Qwen2-7B-Instruct"],"gguf":{"general.base_model.0.repo_url":"https://huggingface.co/Qwen/Qwen2-7B","general":{"base_model":[{"name":"Llama","organization":"Meta"}],"source":{"repo_url":"https://huggingface.co/a/b"}}}})",
      R"({"id":"x/nested-gguf","gguf":{"general":{"base_model":{"0":{"name":"Mistral 7B"},"1":{"repo_url":"https://hf.co/m/n"}}}}})",
      R"({"id":"x/config","config":{"model_type":"llava","text_config":{"hidden_size":4096,"num_hidden_layers":32,"rope_theta":1e6,"vocab_size":32000.0,"intermediate_size":1.5e300}},"safetensors":{"parameters":{"F16":100,"BF16":50,"F16":7}}})",
      R"({"id":"x/safetensors","safetensors":{"total":70000000000},"baseModels":{"relation":"merge","models":[{"id":"a/one"},"b/two",3,{"id":5}]}})",
      R"({"id":"x/basemodels-list","baseModels":["c/three",{"id":"d/four"}],"source":"https://example.org/rec"})",
      R"({"id":"x/dup","id":"x/dup-last","tags":["a"],"tags":["b","license:mit"],"likes":1,"likes":2})",
      R"({"modelId":"legacy/model-id","tags":"base_model:Qwen/Qwen2-7B"})",
      R"({"id":"x/merge","tags":["base_model:a/b","base_model:c/d","base_model:merge:a/b"],"cardData":{"base_model":["a/b","c/d",""," "],"base_model_relation":"merge","datasets":"ds/one","license":["mit","other"],"license_name":"custom","license_link":3}})",
      R"({"id":"x/wrong-types","tags":{"a":1},"cardData":["not","an","object"],"downloads":"12","likes":3.0,"downloadsAllTime":-5,"lastModified":7,"pipeline_tag":null,"createdAt":["2024"]})",
      R"({"id":"x/float-counts","downloads":3.5,"likes":1e300,"downloadsAllTime":18446744073709551615})",
      R"({"id":"x/bigint","downloads":123456789012345678901234})",
      R"({"id":"x/negbig","likes":-9223372036854775809})",
      R"({"id":"x/overflow","downloads":1e999})",
      R"({"id":"x/underflow","downloads":1e-400})",
      R"({"id":"x/escapes","tags":["caf\u00e9","\ud83d\ude00","nul\u0000byte","tab\there"],"cardData":{"license":"\u006dit"}})",
      R"({"id":"x/lone-surrogate","tags":["\ud800"]})",
      "{\"id\":\"x/raw-utf8\",\"tags\":[\"caf\xc3\xa9\"]}",
      "{\"id\":\"x/bad-utf8\",\"tags\":[\"\xff\xfe\"]}",
      "{\"id\":\"x/overlong\",\"tags\":[\"\xc0\xaf\"]}",
      "{\"id\":\"x/control\",\"tags\":[\"a\x01b\"]}",
      "\xEF\xBB\xBF{\"id\":\"x/bom\"}",
      R"({"id":"x/trailing"} x)",
      R"({"id":"x/cut","tags":[)",
      R"({"id":"not a hub id!"})",
      R"({"tags":["no id"]})",
      R"([1,2,3])",
      R"("just a string")",
      R"(null)",
      R"({"id":"x/self","tags":["base_model:x/self"]})",
      R"({"id":"x/at-limit","config":)" + Nested(limit - 1) + "}",
      R"({"id":"x/over-limit","config":)" + Nested(limit) + "}",
      R"({"id":"x/far-over","config":)" + Nested(limit + 50) + "}",
      R"({"id":"x/empty-objects","config":{},"safetensors":{"parameters":{}},"gguf":{},"baseModels":{}})",
      R"({"id":"x/spaces" , "tags" : [ "a" , "b" ] } )",
  };
}

std::string AsLines(const std::vector<std::string>& records) {
  std::string text;
  for (size_t i = 0; i < records.size(); ++i) {
    text += records[i];
    text += i % 3 == 0 ? "\r\n" : "\n";
    if (i % 5 == 0) text += "   \n";
  }
  return text;
}

std::string AsArray(const std::vector<std::string>& records) {
  std::string text = "[\n";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) text += ",\n";
    text += "  " + records[i];
  }
  return text + "\n]\n";
}

TEST_CASE("The simdjson dump reader gives the facts and diagnostics of the nlohmann reference",
          "[hubdump]") {
  readers::HubReadOptions fast, reference;
  reference.reference = true;
  std::vector<std::string> corpus = Corpus();
  SECTION("as JSON lines") {
    std::string text = AsLines(corpus);
    int fast_n = 0, ref_n = 0;
    std::string a = ReadAll("d.jsonl", text, fast, &fast_n);
    std::string b = ReadAll("d.jsonl", text, reference, &ref_n);
    CHECK(a == b);
    CHECK(fast_n == ref_n);
    CHECK(fast_n >= 20);  // the rest lands around every bad record
  }
  SECTION("as a JSON array") {
    std::string text = AsArray(corpus);
    int fast_n = 0, ref_n = 0;
    std::string a = ReadAll("d.json", text, fast, &fast_n);
    std::string b = ReadAll("d.json", text, reference, &ref_n);
    CHECK(a == b);
    CHECK(fast_n == ref_n);
    CHECK(fast_n >= 18);
  }
  SECTION("on thousands of randomly damaged copies") {
    std::mt19937 rng(12345);
    std::string base = AsLines(corpus);
    const char kBytes[] = "{}[]\",:\\ \n0e-.9xu\xff\xc3";
    for (int round = 0; round < 300; ++round) {
      std::string text = base;
      int edits = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < edits; ++k) {
        size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0: text[at] = kBytes[rng() % (sizeof kBytes - 1)]; break;
          case 1: text.erase(at, 1 + rng() % 4); break;
          default: text.insert(at, 1, kBytes[rng() % (sizeof kBytes - 1)]); break;
        }
      }
      INFO("round " << round);
      REQUIRE(ReadAll("m.jsonl", text, fast) == ReadAll("m.jsonl", text, reference));
      std::string arr = "[" + text + "]";
      REQUIRE(ReadAll("m.json", arr, fast) == ReadAll("m.json", arr, reference));
    }
  }
}

TEST_CASE("The nesting limit holds on the simdjson path exactly as on the reference",
          "[hubdump]") {
  int limit = ingest_util::kMaxJsonDepth;
  // The record object is one level: config nested limit-1 deep reaches the limit.
  std::string at = R"({"id":"a/at","config":)" + Nested(limit - 1) + "}\n";
  std::string over = R"({"id":"a/over","config":)" + Nested(limit) + "}\n";
  int n = 0;
  std::string out = ReadAll("d.jsonl", at + over, {}, &n);
  CHECK(n == 1);
  CHECK_THAT(out, Catch::Contains("origin=hub:a/at"));
  CHECK_THAT(out, Catch::Contains("d.jsonl:2 error json"));
  CHECK_THAT(out, Catch::Contains("nested deeper than"));
}

TEST_CASE("Reading a dump in blocks of any size gives the same records", "[hubdump]") {
  std::vector<std::string> corpus = Corpus();
  for (const std::string& text : {AsLines(corpus), AsArray(corpus)}) {
    std::string whole = ReadAll("d", text, {});
    for (size_t block : {1, 2, 3, 7, 64, 1000}) {
      readers::HubReadOptions o;
      o.block = block;
      INFO("block " << block);
      CHECK(ReadAll("d", text, o) == whole);
    }
  }
}

TEST_CASE("A JSON array's reader moves on past stray closing braces, in linear time",
          "[hubdump]") {
  SECTION("a stray brace is one malformed record and the next record lands") {
    int n = 0;
    std::string out = ReadAll("d.json", "[}, {\"id\":\"a/b\"}}, {\"id\":\"c/d\"}]", {}, &n);
    CHECK(n == 2);
    CHECK_THAT(out, Catch::Contains("origin=hub:a/b"));
    CHECK_THAT(out, Catch::Contains("origin=hub:c/d"));
    CHECK_THAT(out, Catch::Contains("record 1: malformed JSON"));
  }
  SECTION("two hundred thousand stray braces are one diagnostic") {
    std::string text = "[" + std::string(200000, '}') + ",{\"id\":\"a/b\"}]";
    std::vector<Diagnostic> diags;
    int n = 0;
    readers::ReadHubDump("d.json", text, [&](DocumentFacts&&) { ++n; }, &diags);
    CHECK(n == 1);
    CHECK(diags.size() == 1);
  }
  SECTION("a record that ends with the file is cut, as the array never closes") {
    int n = 0;
    std::string out = ReadAll("d.json", "[{\"id\":\"a/b\"},\n{\"id\":\"c/d\"}", {}, &n);
    CHECK(n == 1);
    CHECK_THAT(out, Catch::Contains("d.json:2 error json record 2: truncated"));
  }
}

TEST_CASE("Content hashes are 128-bit XXH3 and a streamed hash equals the whole one",
          "[hubdump]") {
  CHECK(ingest_util::HashHex("").size() == 32);
  CHECK(ingest_util::HashHex("a") != ingest_util::HashHex("b"));
  ingest_util::StreamHash h;
  h.Update("hello, ");
  h.Update("world");
  CHECK(h.Hex() == ingest_util::HashHex("hello, world"));
  TempDir dir;
  std::string big(3 << 20, 'x');
  big[12345] = 'y';
  WriteFile(dir / "f", big);
  auto f = readers::HashFile(dir / "f");
  REQUIRE(f.ok());
  CHECK(*f == ingest_util::HashHex(big));
}

TEST_CASE("Downloads, likes and lastModified of Hub records are stored and merged", "[hubdump]") {
  TempDir dir;
  auto store = OpenStore(dir / "s.db");
  auto run = [&](const std::vector<std::string>& paths) {
    std::ostringstream log;
    auto r = Ingest(*store, paths, IngestOptions{}, log);
    REQUIRE(r.ok());
  };
  WriteFile(dir / "old.jsonl",
            R"({"id":"a/model","downloads":10,"likes":1,"lastModified":"2024-01-01T00:00:00.000Z"})"
            "\n"
            R"({"id":"b/model","downloadsAllTime":500})"
            "\n"
            R"({"id":"c/model"})"
            "\n");
  run({dir / "old.jsonl"});
  auto a = store->GetArtifact("a/model");
  REQUIRE(a.ok());
  CHECK(a->downloads == 10);
  CHECK(a->likes == 1);
  CHECK(a->downloads_all_time == -1);
  CHECK(a->last_modified == "2024-01-01T00:00:00.000Z");
  CHECK(store->GetArtifact("b/model")->downloads_all_time == 500);
  CHECK(store->GetArtifact("c/model")->downloads == -1);

  SECTION("a newer dump's counts win over an older one's") {
    WriteFile(dir / "new.jsonl",
              R"({"id":"a/model","downloads":99,"likes":7,"lastModified":"2024-06-01T00:00:00.000Z"})"
              "\n");
    run({dir / "new.jsonl"});
    a = store->GetArtifact("a/model");
    CHECK(a->downloads == 99);
    CHECK(a->likes == 7);
    CHECK(a->last_modified == "2024-06-01T00:00:00.000Z");
    SECTION("and the older one's come back when the newer record goes") {
      WriteFile(dir / "new.jsonl", R"({"id":"a/model","likes":"many"})" "\n");
      run({dir / "new.jsonl"});
      a = store->GetArtifact("a/model");
      CHECK(a->downloads == 10);
      CHECK(a->likes == 1);
    }
  }
  SECTION("a card of the model keeps the dump's counts") {
    testing::WriteCard(dir / "cards", "a/model", "---\nlicense: mit\n---\n");
    run({dir / "cards"});
    a = store->GetArtifact("a/model");
    CHECK(a->license == "mit");
    CHECK(a->downloads == 10);
  }
  SECTION("ScanPopularity gives each model's counts by row id") {
    auto rows = store->ScanPopularity();
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 2);
    std::map<int64_t, std::string> ids;
    CHECK(store->ScanNodes([&](const NodeRow& n) { ids[n.id] = n.display; }).ok());
    std::map<std::string, Popularity> by_id;
    for (const auto& p : *rows) by_id[ids[p.artifact]] = p;
    CHECK(by_id["a/model"].downloads == 10);
    CHECK(by_id["a/model"].likes == 1);
    CHECK(by_id["b/model"].downloads_all_time == 500);
    CHECK(by_id["b/model"].downloads == -1);
  }
}

}  // namespace
}  // namespace lineage
