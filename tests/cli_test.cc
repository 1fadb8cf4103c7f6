// End-to-end tests: run the built `lineage` binary (LINEAGE_BINARY) on the
// card folder in tests/fixtures/, with a store in a temporary folder, and check
// stdout, stderr and the exit status against the command-line contract.
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"

namespace lineage {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Contains;
using testing::Output;
using testing::RunLineage;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using Strings = std::vector<std::string>;

const std::string kFixtures = std::string(LINEAGE_SOURCE_DIR) + "/tests/fixtures";

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string d = dirs.substr(start, colon - start);
    if (!d.empty() && ::access((d + "/" + program).c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

// A copy of the fixture cards plus the cards whose bytes matter, and a store
// path; Ingest() reads them in.
class Session {
 public:
  Session() {
    fs::copy(kFixtures + "/cards", cards(), fs::copy_options::recursive);
    WriteFile(cards() + "/wendy/crlf/README.md",
              "---\r\nbase_model: Qwen/Qwen2-7B\r\nlicense: mit\r\n---\r\n# CRLF card\r\n");
    WriteFile(cards() + "/wendy/bom/README.md",
              "\xEF\xBB\xBF---\nbase_model: Qwen/Qwen2-7B\n---\n# BOM card\n");
    WriteFile(cards() + "/wendy/latin1/README.md",
              "---\nbase_model: Qwen/Qwen2-7B\ndescription: caf\xE9\n---\n# Latin-1 byte\n");
  }
  static constexpr int kCards = 23;

  std::string cards() const { return dir_ / "cards"; }
  std::string db() const { return dir_ / "lineage.db"; }
  std::string path(const std::string& rel) const { return dir_ / rel; }

  Output Run(Strings args) {
    Strings full = {"--db", db()};
    full.insert(full.end(), args.begin(), args.end());
    return RunLineage(dir_.path(), full);
  }

  Output Ingest() {
    // The fixtures alone, without the embedded dataset's real models.
    Output o = Run({"ingest", cards(), kFixtures + "/organizations.csv",
                    kFixtures + "/blocs.json", "--no-progress", "--no-dataset"});
    INFO(o.err);
    REQUIRE(o.code == 0);
    return o;
  }

  json Json(Strings args) {
    args.push_back("--format");
    args.push_back("json");
    Output o = Run(args);
    INFO(o.err);
    REQUIRE(o.code == 0);
    return json::parse(o.out);
  }

 private:
  TempDir dir_;
};

const json* Node(const json& g, const std::string& id) {
  for (const auto& n : g["nodes"]) {
    if (n["id"] == id) return &n;
  }
  return nullptr;
}

const json* EdgeOf(const json& g, const std::string& child, const std::string& parent) {
  for (const auto& e : g["edges"]) {
    if (e["child"] == child && e["parent"] == parent) return &e;
  }
  return nullptr;
}

TEST_CASE("lineage ingest reads a card folder with every awkward form", "[cli]") {
  Session s;
  Output o = s.Ingest();
  CHECK(o.out.empty());  // data goes to stdout; ingest has none
  CHECK_THAT(o.err, Catch::Contains("ingested " + std::to_string(Session::kCards + 2) +
                                    " documents (0 unchanged)"));
  CHECK_THAT(o.err, Catch::Contains("lineage diagnostics"));

  SECTION("each form gave the parents it should") {
    auto parents = [&](const std::string& id) {
      json g = s.Json({"chain", id, "--depth", "1"});
      std::set<std::string> out;
      for (const auto& e : g["edges"]) out.insert(e["parent"].get<std::string>());
      return out;
    };
    using Set = std::set<std::string>;
    CHECK(parents("Qwen/Qwen2-7B-Instruct") == Set{"Qwen/Qwen2-7B"});
    CHECK(parents("alice/llama-chat") == Set{"meta-llama/Llama-2-7b-hf"});
    CHECK(parents("bob/merged") == Set{"Qwen/Qwen2-7B-Instruct", "alice/llama-chat"});
    CHECK(parents("carol/from-url") == Set{"Qwen/Qwen2-7B"});
    CHECK(parents("dave/bare-name") == Set{"meta-llama/Llama-2-7b-hf"});
    CHECK(parents("erin/empty-list").empty());
    CHECK(parents("frank/null-base").empty());
    CHECK(parents("grace/duplicate") == Set{"Qwen/Qwen2-7B"});
    CHECK(parents("heidi/self-reference").empty());
    CHECK(parents("ivan/nested").empty());
    CHECK(parents("judy/broken-yaml").empty());
    CHECK(parents("mallory/no-front-matter").empty());
    CHECK(parents("oscar/unterminated").empty());
    CHECK(parents("wendy/crlf") == Set{"Qwen/Qwen2-7B"});
    CHECK(parents("wendy/bom") == Set{"Qwen/Qwen2-7B"});
    CHECK(parents("wendy/latin1") == Set{"Qwen/Qwen2-7B"});
  }
  SECTION("re-ingesting reports no new documents") {
    Output again = s.Ingest();
    CHECK_THAT(again.err, Catch::Contains("ingested 0 documents"));
    CHECK_THAT(again.err, Catch::Contains("0 new edges"));
  }
  SECTION("stats count what landed") {
    json st = s.Json({"stats"});
    CHECK(st["edges_by_relation"]["merge"] == 2);
    CHECK(st["edges_by_relation"]["quantized"] == 1);
    CHECK(st["edges_by_relation"]["adapter"] == 1);
    CHECK(st["edges_by_relation"]["trained_on"] == 1);
    CHECK(st["diagnostics"].get<int>() >= 6);
  }
}

TEST_CASE("lineage chain --format json gives the documented graph", "[cli]") {
  Session s;
  s.Ingest();
  json g = s.Json({"chain", "peggy/llama-zh"});
  CHECK(g["root"] == "peggy/llama-zh");
  std::map<std::string, int> depth;
  for (const auto& n : g["nodes"]) depth[n["id"]] = n["depth"];
  CHECK(depth == std::map<std::string, int>{{"peggy/llama-zh", 0},
                                            {"bob/merged", 1},
                                            {"Qwen/Qwen2-7B-Instruct", 2},
                                            {"alice/llama-chat", 2},
                                            {"Qwen/Qwen2-7B", 3},
                                            {"meta-llama/Llama-2-7b-hf", 3}});
  CHECK(g["edges"].size() == 5);
  SECTION("nodes carry owner, organization, country and licence") {
    const json* alice = Node(g, "alice/llama-chat");
    REQUIRE(alice);
    CHECK((*alice)["author"] == "alice");
    CHECK((*alice)["organization"] == "Alice Labs");
    CHECK((*alice)["country"] == "US");
    CHECK((*alice)["license"] == "llama2");
    const json* merged = Node(g, "bob/merged");
    REQUIRE(merged);
    CHECK((*merged)["country"].is_null());
    CHECK((*merged)["organization"].is_null());
  }
  SECTION("edges carry relation, evidence and confidence") {
    const json* e = EdgeOf(g, "bob/merged", "alice/llama-chat");
    REQUIRE(e);
    CHECK((*e)["relation"] == "merge");
    CHECK((*e)["relation_inferred"] == true);
    CHECK((*e)["confidence"].get<double>() > 0.5);
    REQUIRE((*e)["evidence"].size() == 1);
    CHECK((*e)["evidence"][0]["kind"] == "card.base_model");
    std::string src = (*e)["evidence"][0]["source"];
    CHECK(Contains(src, "bob/merged/README.md"));
    CHECK((*e)["evidence"][0]["line"] == 2);
  }
  SECTION("any case and a huggingface.co URL name the same model") {
    json by_url = s.Json({"chain", "https://huggingface.co/PEGGY/llama-zh"});
    CHECK(by_url == g);
  }
  SECTION("inferred relations: quantized from a gguf tag, adapter from peft") {
    json q = s.Json({"chain", "peggy/Qwen2-7B-Instruct-GGUF", "--depth", "1"});
    const json* qe = EdgeOf(q, "peggy/Qwen2-7B-Instruct-GGUF", "Qwen/Qwen2-7B-Instruct");
    REQUIRE(qe);
    CHECK((*qe)["relation"] == "quantized");
    CHECK((*qe)["relation_inferred"] == true);
    json a = s.Json({"chain", "trent/llama-lora"});
    const json* ae = EdgeOf(a, "trent/llama-lora", "meta-llama/Llama-2-7b-hf");
    REQUIRE(ae);
    CHECK((*ae)["relation"] == "adapter");
  }
  SECTION("export json has the same shape") {
    Output o = s.Run({"export", "json", "--chain", "peggy/llama-zh"});
    REQUIRE(o.code == 0);
    json e = json::parse(o.out);
    CHECK(e["nodes"] == g["nodes"]);
    CHECK(e["edges"] == g["edges"]);
  }
}

TEST_CASE("lineage show of an unknown id fails with a did you mean", "[cli]") {
  Session s;
  s.Ingest();
  Output o = s.Run({"show", "Qwen/Qwen2-7B-Instrcut"});
  CHECK(o.code == 1);
  CHECK(o.out.empty());
  CHECK_THAT(o.err, Catch::Contains("unknown model 'Qwen/Qwen2-7B-Instrcut'") &&
                        Catch::Contains("did you mean 'Qwen/Qwen2-7B-Instruct'?"));
  SECTION("chain and descendants say the same") {
    CHECK(s.Run({"chain", "qwen/qwen2-7b-instrcut"}).code == 1);
    Output d = s.Run({"descendants", "Qwen/Qwen2-7C"});
    CHECK(d.code == 1);
    CHECK_THAT(d.err, Catch::Contains("did you mean 'Qwen/Qwen2-7B'?"));
  }
  SECTION("a known id shows owner, licence, parents and children") {
    Output ok = s.Run({"show", "victor/other-license"});
    REQUIRE(ok.code == 0);
    CHECK_THAT(ok.out, Catch::Contains("victor/other-license"));
    CHECK_THAT(ok.out, Catch::Contains("other (victor-research)"));
    CHECK_THAT(ok.out, Catch::Contains("https://example.org/victor/LICENSE"));
    CHECK_THAT(ok.out, Catch::Contains("parents (2)"));
    CHECK_THAT(ok.out, Catch::Contains("-> Qwen/Qwen2-7B"));
    CHECK_THAT(ok.out, Catch::Contains("datasets/HuggingFaceH4/ultrachat_200k"));
  }
}

TEST_CASE("lineage reports bad usage with exit status 2", "[cli]") {
  Session s;
  s.Ingest();
  SECTION("an unknown command, with a suggestion") {
    Output o = s.Run({"chian", "x/y"});
    CHECK(o.code == 2);
    CHECK(o.out.empty());
    CHECK_THAT(o.err, Catch::Contains("unknown command 'chian'") &&
                          Catch::Contains("did you mean 'chain'?"));
    CHECK_THAT(s.Run({"descendents", "x/y"}).err, Catch::Contains("did you mean 'descendants'?"));
  }
  SECTION("an unknown option") {
    Output o = s.Run({"chain", "Qwen/Qwen2-7B", "--bogus"});
    CHECK(o.code == 2);
    CHECK(o.out.empty());
    CHECK_FALSE(o.err.empty());
  }
  SECTION("a bad option value") {
    CHECK(s.Run({"chain", "Qwen/Qwen2-7B", "--format", "xml"}).code == 2);
    CHECK(s.Run({"chain", "Qwen/Qwen2-7B", "--depth", "many"}).code == 2);
    CHECK(s.Run({"export", "png"}).code == 2);
  }
  SECTION("a missing argument or command") {
    CHECK(s.Run({"chain"}).code == 2);
    CHECK(RunLineage(s.path(""), {}).code == 2);
  }
  SECTION("--render without -o FILE") {
    CHECK(s.Run({"export", "dot", "--render", "svg"}).code == 2);
  }
}

TEST_CASE("lineage --help and --version succeed", "[cli]") {
  TempDir dir;
  Output help = RunLineage(dir.path(), {"--help"});
  CHECK(help.code == 0);
  for (const char* cmd : {"ingest", "show", "chain", "descendants", "flows", "export",
                          "diagnostics", "stats", "sql"}) {
    CHECK_THAT(help.out, Catch::Contains(cmd));
  }
  Output version = RunLineage(dir.path(), {"--version"});
  CHECK(version.code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("lineage "));
}

TEST_CASE("lineage without a store says how to make one and creates nothing", "[cli]") {
  TempDir dir;
  std::string db = dir / "missing.db";
  Output o = RunLineage(dir.path(), {"--db", db, "show", "a/b"});
  CHECK(o.code == 1);
  CHECK_THAT(o.err, Catch::Contains("lineage ingest"));
  CHECK_FALSE(fs::exists(db));
  SECTION("ingest of a missing path fails with status 1") {
    Output i = RunLineage(dir.path(), {"--db", db, "ingest", dir / "nope"});
    CHECK(i.code == 1);
    CHECK_THAT(i.err, Catch::Contains("nope"));
  }
}

TEST_CASE("lineage uses $LINEAGE_DB when --db is not given", "[cli]") {
  TempDir dir;
  std::string db = dir / "from-env.db";
  fs::copy(kFixtures + "/cards", dir / "cards", fs::copy_options::recursive);
  Output i = RunLineage(dir.path(), {"ingest", dir / "cards", "--no-progress"},
                        {"LINEAGE_DB=" + db});
  REQUIRE(i.code == 0);
  CHECK(fs::exists(db));
  Output o = RunLineage(dir.path(), {"show", "Qwen/Qwen2-7B"}, {"LINEAGE_DB=" + db});
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Catch::StartsWith("Qwen/Qwen2-7B\n"));
  SECTION("--db wins over the environment") {
    Output other = RunLineage(dir.path(), {"--db", dir / "none.db", "show", "alice/qwen-chat"},
                              {"LINEAGE_DB=" + db});
    CHECK(other.code == 1);
    CHECK_FALSE(fs::exists(dir / "none.db"));
  }
}

TEST_CASE("lineage sql refuses to write", "[cli]") {
  Session s;
  s.Ingest();
  Output count = s.Run({"sql", "SELECT count(*) AS n FROM artifact", "--format", "csv"});
  REQUIRE(count.code == 0);
  CHECK_THAT(count.out, Catch::StartsWith("n\n"));
  for (const char* sql : {"DELETE FROM artifact", "DROP TABLE edge",
                          "UPDATE artifact SET display = 'x'", "SELECT 1; DELETE FROM artifact",
                          "PRAGMA user_version = 0"}) {
    INFO(sql);
    Output o = s.Run({"sql", sql});
    CHECK(o.code != 0);
    CHECK(o.out.empty());
    CHECK_FALSE(o.err.empty());
  }
  CHECK(s.Run({"sql", "SELECT count(*) AS n FROM artifact", "--format", "csv"}).out == count.out);
  CHECK(s.Run({"show", "Qwen/Qwen2-7B"}).code == 0);
}

TEST_CASE("lineage export dot is deterministic and renders to SVG", "[cli]") {
  Session s;
  s.Ingest();
  std::string a = s.path("a.dot"), b = s.path("b.dot");
  Output first = s.Run({"export", "dot", "-o", a});
  REQUIRE(first.code == 0);
  REQUIRE(s.Run({"export", "dot", "-o", b}).code == 0);
  std::string dot = ReadFile(a);
  CHECK(dot == ReadFile(b));
  CHECK(first.out.empty());  // -o: nothing on stdout
  CHECK_THAT(dot, Catch::StartsWith("digraph lineage {"));
  CHECK_THAT(dot, Catch::Contains("\"qwen/qwen2-7b-instruct\" -> \"qwen/qwen2-7b\""));
  CHECK_THAT(dot, Catch::Contains("\"legend\" [shape=plaintext"));
  SECTION("stdout gives the same bytes") {
    Output o = s.Run({"export", "dot"});
    REQUIRE(o.code == 0);
    CHECK(o.out == dot);
  }
  SECTION("a fresh store from the same input exports the same bytes") {
    Output o = RunLineage(s.path(""), {"--db", s.path("other.db"), "ingest", s.cards(),
                                       kFixtures + "/organizations.csv",
                                       kFixtures + "/blocs.json", "--no-progress",
                                       "--no-dataset"});
    REQUIRE(o.code == 0);
    Output again = RunLineage(s.path(""), {"--db", s.path("other.db"), "export", "dot"});
    CHECK(again.out == dot);
  }
  SECTION("--render svg writes an SVG beside the .dot") {
    // scripts/test.sh installs Graphviz: a missing one is a failure, not a skip.
    REQUIRE(OnPath("dot"));
    Output r = s.Run({"export", "dot", "--chain", "peggy/llama-zh", "-o", s.path("chain.dot"),
                      "--render", "svg"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::string svg = ReadFile(s.path("chain.svg"));
    CHECK_THAT(svg, Catch::Contains("<svg"));
    CHECK_THAT(svg, Catch::Contains("peggy/llama&#45;zh") || Catch::Contains("peggy/llama-zh"));
  }
}

// Regression (issue 14, item 4): `--output=-ov.dot --render svg` handed
// "-ov.dot" to dot as an option, so dot overwrote v.dot and lineage said ok.
TEST_CASE("export dot --output=-ov.dot --render svg gives dot both paths as paths", "[cli]") {
  REQUIRE(OnPath("dot"));  // scripts/test.sh installs Graphviz
  Session s;
  s.Ingest();
  fs::path before = fs::current_path();
  fs::current_path(s.path(""));
  Output r = s.Run({"export", "dot", "--chain", "peggy/llama-zh", "--output=-ov.dot", "--render",
                    "svg"});
  fs::current_path(before);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(ReadFile(s.path("-ov.dot")), Catch::StartsWith("digraph lineage {"));
  CHECK_THAT(ReadFile(s.path("-ov.svg")), Catch::Contains("<svg"));
  CHECK_FALSE(fs::exists(s.path("v.dot")));
  CHECK_FALSE(fs::exists(s.path("v.svg")));
}

// Regression (issue 14, item 3): `license: "\e]0;x\a\e[2J"` in a card set
// the terminal's title and cleared the analyst's screen through `show`.
TEST_CASE("license \\e]0;x\\a\\e[2J reaches text output as visible escapes, JSON exact", "[cli]") {
  TempDir dir;
  std::string db = dir / "s.db";
  WriteFile(dir / "cards/evil/m/README.md",
            "---\nlicense: \"\\e]0;x\\a\\e[2J\\r\\u0085\\u202Eexe\"\nbase_model: [1, {a: b}]\n---\n");
  REQUIRE(RunLineage(dir.path(), {"--db", db, "ingest", dir / "cards", "--no-progress"}).code == 0);
  auto raw_controls = [](const std::string& s) {
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = s[i];
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return true;
      if (c == 0xC2 && i + 1 < s.size() && (unsigned char)s[i + 1] >= 0x80 &&
          (unsigned char)s[i + 1] <= 0x9F) return true;
      if (s.compare(i, 3, "\xE2\x80\xAE") == 0) return true;
    }
    return false;
  };
  Output text = RunLineage(dir.path(), {"--db", db, "show", "evil/m"});
  REQUIRE(text.code == 0);
  CHECK_FALSE(raw_controls(text.out));
  CHECK_THAT(text.out, Catch::Contains("\\x1B]0;x\\x07\\x1B[2J\\x0D\\u{0085}\\u{202E}exe"));
  Output json_out = RunLineage(dir.path(), {"--db", db, "show", "evil/m", "--format", "json"});
  REQUIRE(json_out.code == 0);
  CHECK(json::parse(json_out.out)["license"] == "\x1b]0;x\a\x1b[2J\r\xC2\x85\xE2\x80\xAE" "exe");
  Output diags = RunLineage(dir.path(), {"--db", db, "sql", "SELECT license FROM artifact"});
  CHECK_FALSE(raw_controls(diags.out));
  Output err = RunLineage(dir.path(), {"--db", db, "show", "x\x1b]0;t\x07/y"});
  CHECK(err.code == 1);
  CHECK_FALSE(raw_controls(err.err));
  CHECK_THAT(err.err, Catch::Contains("x\\x1B]0;t\\x07/y"));
}

// Regression (issue 14, item 9): `export json -o STORE` overwrote the store,
// and exports truncated their file in place.
TEST_CASE("export json -o STORE is refused and the store still answers", "[cli]") {
  Session s;
  s.Ingest();
  std::string before = ReadFile(s.db());
  Output r = s.Run({"export", "json", "-o", s.db()});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("is the store itself"));
  CHECK(ReadFile(s.db()) == before);
  CHECK(s.Run({"show", "peggy/llama-zh"}).code == 0);
  SECTION("the same through another spelling of the path, and for timeline --svg") {
    std::string other = s.path("./lineage.db");
    CHECK(s.Run({"export", "dot", "--output=" + other}).code == 2);
    CHECK(s.Run({"timeline", "--svg", other}).code == 2);
    CHECK(ReadFile(s.db()) == before);
  }
  SECTION("an export over an old file replaces it whole, leaving no temporary file") {
    WriteFile(s.path("out/g.json"), std::string(100000, 'x'));
    REQUIRE(s.Run({"export", "json", "-o", s.path("out/g.json")}).code == 0);
    CHECK(json::parse(ReadFile(s.path("out/g.json"))).contains("nodes"));
    int files = 0;
    for (const auto& e : fs::directory_iterator(s.path("out"))) files += e.is_regular_file();
    CHECK(files == 1);
  }
}

TEST_CASE("lineage export selections: flows as clustered DOT, graphml", "[cli]") {
  Session s;
  s.Ingest();
  Output f = s.Run({"export", "dot", "--flows", "west:cn"});
  REQUIRE(f.code == 0);
  CHECK_THAT(f.out, Catch::Contains("subgraph cluster_"));
  CHECK_THAT(f.out, Catch::Contains("\"peggy/llama-zh\" -> \"bob/merged\""));
  CHECK_THAT(f.out, Catch::Contains("\"bob/merged\" -> \"alice/llama-chat\""));
  CHECK_FALSE(Contains(f.out, "\"trent/llama-lora\" ["));  // not on a flow path
  SECTION("a malformed FROM:TO is bad usage") {
    CHECK(s.Run({"export", "dot", "--flows", "west"}).code == 2);
  }
  SECTION("graphml of a descendants selection") {
    Output g = s.Run({"export", "graphml", "--descendants", "meta-llama/Llama-2-7b-hf"});
    REQUIRE(g.code == 0);
    CHECK_THAT(g.out, Catch::StartsWith("<?xml"));
    CHECK_THAT(g.out, Catch::Contains("<node id=\"trent/llama-lora\">"));
    CHECK_THAT(g.out, Catch::Contains("<edge source=\"trent/llama-lora\" "
                                      "target=\"meta-llama/Llama-2-7b-hf\">"));
  }
}

TEST_CASE("lineage diagnostics lists what could not be read, as file:line", "[cli]") {
  Session s;
  s.Ingest();
  Output o = s.Run({"diagnostics"});
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("judy/broken-yaml/README.md:4: error: malformed YAML"));
  CHECK_THAT(o.out, Catch::Contains("oscar/unterminated/README.md:1: error:"));
  CHECK_THAT(o.out, Catch::Contains("wendy/latin1/README.md:3: warning:"));
  CHECK_THAT(o.out, Catch::Contains("[self_reference]"));
  CHECK_THAT(o.out, Catch::Contains("[duplicate_base_model]"));
  SECTION("as JSON") {
    json d = s.Json({"diagnostics"});
    bool found = false;
    for (const auto& x : d["diagnostics"]) {
      if (x["code"] == "yaml") {
        found = true;
        CHECK(x["line"] == 4);
        CHECK(x["severity"] == "error");
        CHECK(Contains(x["source"].get<std::string>(), "judy/broken-yaml/README.md"));
      }
    }
    CHECK(found);
  }
}

TEST_CASE("lineage descendants --depth 1 stops after one hop", "[cli]") {
  Session s;
  s.Ingest();
  json g = s.Json({"descendants", "Qwen/Qwen2-7B", "--depth", "1"});
  std::set<std::string> ids;
  for (const auto& n : g["nodes"]) {
    CHECK(n["depth"].get<int>() <= 1);
    ids.insert(n["id"]);
  }
  CHECK(ids == std::set<std::string>{"Qwen/Qwen2-7B", "Qwen/Qwen2-7B-Instruct", "carol/from-url",
                                     "grace/duplicate", "victor/other-license", "wendy/crlf",
                                     "wendy/bom", "wendy/latin1"});
  SECTION("without --depth the walk goes on") {
    json all = s.Json({"descendants", "Qwen/Qwen2-7B"});
    CHECK(Node(all, "peggy/llama-zh"));
    CHECK((*Node(all, "peggy/llama-zh"))["depth"] == 3);
  }
  SECTION("text output ends with a count") {
    Output o = s.Run({"descendants", "Qwen/Qwen2-7B", "--depth", "1"});
    REQUIRE(o.code == 0);
    CHECK_THAT(o.out, Catch::EndsWith("7 descendants, 7 edges, depth 1\n"));
  }
}

TEST_CASE("lineage flows finds models built on another bloc's bases", "[cli]") {
  Session s;
  s.Ingest();
  json w = s.Json({"flows", "--from", "west", "--to", "cn"});
  CHECK(w["from"] == "west");
  CHECK(w["to"] == "cn");
  REQUIRE(w["flows"].size() == 1);
  CHECK(w["flows"][0]["model"] == "peggy/llama-zh");
  CHECK(w["flows"][0]["base"] == "alice/llama-chat");
  CHECK(w["flows"][0]["model_country"] == "CN");
  CHECK(w["flows"][0]["base_country"] == "US");
  CHECK(w["flows"][0]["path"] == json::array({"peggy/llama-zh", "bob/merged", "alice/llama-chat"}));
  CHECK(w["flows"][0]["relations"] == json::array({"finetune", "merge"}));
  SECTION("the other way round") {
    json c = s.Json({"flows", "--from", "CN", "--to", "west"});
    REQUIRE(c["flows"].size() == 1);
    CHECK(c["flows"][0]["model"] == "alice/qwen-chat");
    CHECK(c["flows"][0]["base"] == "Qwen/Qwen2-7B-Instruct");
  }
  SECTION("--direct drops the two-hop flow") {
    json d = s.Json({"flows", "--from", "west", "--to", "cn", "--direct"});
    CHECK(d["flows"].empty());
  }
  SECTION("an unknown bloc fails with status 1 and names the known ones") {
    Output o = s.Run({"flows", "--from", "europe", "--to", "cn"});
    CHECK(o.code == 1);
    CHECK_THAT(o.err, Catch::Contains("unknown bloc 'europe'") && Catch::Contains("west"));
  }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression: a store in a folder the reader cannot write failed with
// "attempt to write a readonly database" (SQLite could not create -shm).
TEST_CASE("lineage reads a store in a read-only folder", "[cli]") {
  TempDir dir;
  std::string folder = dir / "ro";
  fs::create_directories(folder);
  fs::copy(kFixtures + "/cards", dir / "cards", fs::copy_options::recursive);
  Output i = RunLineage(dir.path(), {"--db", folder + "/s.db", "ingest", dir / "cards",
                                     "--no-progress"});
  REQUIRE(i.code == 0);
  REQUIRE_FALSE(fs::exists(folder + "/s.db-wal"));  // a clean close checkpoints the WAL
  fs::permissions(dir.path(), fs::perms::all, fs::perm_options::add);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  fs::permissions(folder + "/s.db", fs::perms::others_read, fs::perm_options::add);
  // Root may write anywhere: read as an unprivileged user then.
  std::string as = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  std::string out = dir / "show.txt";
  int rc = std::system((as + LINEAGE_BINARY + std::string(" --db ") + folder +
                        "/s.db show Qwen/Qwen2-7B > " + out + " 2>&1")
                           .c_str());
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::add);
  INFO(ReadFile(out));
  CHECK(rc == 0);
  CHECK_THAT(ReadFile(out), Catch::Contains("Qwen/Qwen2-7B"));
  CHECK_FALSE(fs::exists(folder + "/s.db-shm"));
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression: `show` of a base with a million children took 19 s and 1.8 GB.
TEST_CASE("lineage show lists the first children of a large base and counts the rest", "[cli]") {
  TempDir dir;
  std::string dump;
  for (int i = 0; i < 250; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "fan/child-%03d", i);
    dump += std::string("{\"id\": \"") + id + "\", \"cardData\": {\"base_model\": \"big/base\"}}\n";
  }
  WriteFile(dir / "d.jsonl", dump);
  std::string db = dir / "s.db";
  REQUIRE(RunLineage(dir.path(), {"--db", db, "ingest", dir / "d.jsonl", "--no-progress"}).code == 0);
  Output o = RunLineage(dir.path(), {"--db", db, "show", "big/base"});
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("children (250)"));
  CHECK_THAT(o.out, Catch::Contains("fan/child-099"));
  CHECK_THAT(o.out, !Catch::Contains("fan/child-100"));
  CHECK_THAT(o.out, Catch::Contains("and 150 more"));
  CHECK_THAT(o.err, Catch::Contains("--depth 1"));
  SECTION("--limit 0 lists every child; json carries the total") {
    Output all = RunLineage(dir.path(), {"--db", db, "show", "big/base", "--limit", "0"});
    CHECK_THAT(all.out, Catch::Contains("fan/child-249"));
    Output j = RunLineage(dir.path(), {"--db", db, "show", "big/base", "--format", "json",
                                       "--limit", "10"});
    auto parsed = nlohmann::json::parse(j.out);
    CHECK(parsed["children"].size() == 10);
    CHECK(parsed["children_total"] == 250);
  }
}


TEST_CASE("report writes an index.html a browser shows with the headline, families and chart",
          "[cli]") {
  // scripts/test.sh installs chromium (scripts/deps.sh --tests); without it this fails.
  REQUIRE(OnPath("chromium"));
  Session s;
  s.Ingest();
  Output o = s.Run({"report", "--out", s.path("rep")});
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("counted over weights edges"));
  std::string index = s.path("rep/index.html");
  REQUIRE(fs::exists(index));
  std::string html = ReadFile(index);
  CHECK_FALSE(Contains(html, "<script"));
  {
    // The data version is the reference data built in, as --version names it.
    Output v = s.Run({"--version"});
    size_t at = v.out.find("reference data ");
    REQUIRE(at != std::string::npos);
    std::string data_version = v.out.substr(at + 15);
    data_version = data_version.substr(0, data_version.find('\n'));
    CHECK(Contains(html, "data version " + data_version));
  }
  CHECK_FALSE(Contains(html, "src=\"http"));
  json west_cn = s.Json({"flows", "--from", "west", "--to", "cn", "--class", "weights"});
  fs::create_directories(s.path("chrome"));
  std::string dom = s.path("dom.html");
  int rc = testing::RunProgram({"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--user-data-dir=" + s.path("chrome"),
                  "--dump-dom", "file://" + index},
                 dom);
  REQUIRE(rc == 0);
  std::string seen = ReadFile(dom);
  SECTION("the headline number is the flows count over weights edges") {
    CHECK(Contains(seen, "id=\"headline-west-cn\">" +
                             std::to_string(west_cn["models"].get<int64_t>()) + "</span>"));
  }
  SECTION("the family table lists the families flows finds") {
    REQUIRE(Contains(seen, "id=\"families-west-cn\""));
    for (const auto& row : west_cn["by_family"]) {
      CHECK(Contains(seen, "<td>" + row["key"].get<std::string>() + "</td><td>" +
                               std::to_string(row["models"].get<int64_t>()) + "</td>"));
    }
  }
  SECTION("the chart is inline SVG and every table has CSV and JSON beside it") {
    CHECK(Contains(seen, "id=\"timeline-chart\""));
    CHECK(Contains(seen, "<svg"));
    for (const char* stem : {"headline", "families-west-cn", "classes-cn-west", "coverage"}) {
      CHECK(fs::exists(s.path(std::string("rep/") + stem + ".csv")));
      CHECK(fs::exists(s.path(std::string("rep/") + stem + ".json")));
    }
  }
}

// The width / height of an SVG drawing, from its viewBox.
double AspectOf(const std::string& svg_file) {
  std::string svg = ReadFile(svg_file);
  size_t at = svg.find("viewBox=\"");
  REQUIRE(at != std::string::npos);
  double x = 0, y = 0, w = 0, h = 0;
  REQUIRE(std::sscanf(svg.c_str() + at + 9, "%lf %lf %lf %lf", &x, &y, &w, &h) == 4);
  REQUIRE(h > 0);
  return w / h;
}

TEST_CASE("The demo's graphs are no wider than three times their height", "[cli]") {
  // scripts/deps.sh installs graphviz; without it this fails.
  REQUIRE(OnPath("dot"));
  TempDir dir;
  const std::string db = dir / "demo.db";
  Output in = RunLineage(dir.path(), {"--db", db, "ingest", std::string(LINEAGE_SOURCE_DIR) + "/data",
                                      "--no-progress"});
  INFO(in.err);
  REQUIRE(in.code == 0);
  Output rep = RunLineage(dir.path(), {"--db", db, "report", "--out", dir / "rep"});
  INFO(rep.err);
  REQUIRE(rep.code == 0);
  for (const char* name :
       {"flows-west-cn.svg", "flows-cn-west.svg", "timeline.svg", "adoption.svg"}) {
    INFO(name);
    REQUIRE(fs::exists(dir / ("rep/" + std::string(name))));
    double aspect = AspectOf(dir / ("rep/" + std::string(name)));
    INFO("aspect " << aspect);
    CHECK(aspect <= 3.0);
  }
  SECTION("so are the descendants of a base with a wide fan-out") {
    Output e = RunLineage(dir.path(), {"--db", db, "export", "dot", "--descendants",
                                       "Qwen/Qwen2.5-7B-Instruct", "--depth", "2", "-o",
                                       dir / "desc.dot", "--render", "svg"});
    INFO(e.err);
    REQUIRE(e.code == 0);
    double aspect = AspectOf(dir / "desc.svg");
    INFO("aspect " << aspect);
    CHECK(aspect <= 3.0);
    CHECK(Contains(ReadFile(dir / "desc.dot"), " more\\n"));
  }
}

TEST_CASE("export cyclonedx --chain writes a BOM the CycloneDX 1.6 schema accepts", "[cli]") {
  Session s;
  s.Ingest();
  Output o = s.Run({"export", "cyclonedx", "--chain", "peggy/llama-zh", "-o", s.path("bom.json")});
  INFO(o.err);
  REQUIRE(o.code == 0);
  json bom = json::parse(ReadFile(s.path("bom.json")));
  CHECK(bom["metadata"]["component"]["bom-ref"] == "model:peggy/llama-zh");
  CHECK(bom["components"].size() == 5);
  std::string cmd = "python3 '" + std::string(LINEAGE_SOURCE_DIR) + "/tests/validate_cyclonedx.py' '" +
                    std::string(LINEAGE_SOURCE_DIR) + "/tests/data/cyclonedx' '" +
                    s.path("bom.json") + "' 2>'" + s.path("errors.txt") + "'";
  int rc = std::system(cmd.c_str());
  INFO(ReadFile(s.path("errors.txt")));
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 0);
  SECTION("without --chain it is a usage error") {
    Output bad = s.Run({"export", "cyclonedx"});
    CHECK(bad.code == 2);
    CHECK(Contains(bad.err, "--chain"));
  }
}

TEST_CASE("export csv gives the nodes and the edges, each with a header row", "[cli]") {
  Session s;
  s.Ingest();
  Output n = s.Run({"export", "csv", "--chain", "peggy/llama-zh", "--what", "nodes"});
  REQUIRE(n.code == 0);
  CHECK(n.out.rfind("id,kind,depth,author,organization,", 0) == 0);
  CHECK(std::count(n.out.begin(), n.out.end(), '\n') == 7);  // header + 6 nodes
  CHECK(Contains(n.out, "\npeggy/llama-zh,model,0,peggy,"));
  Output e = s.Run({"export", "csv", "--chain", "peggy/llama-zh", "--what", "edges"});
  REQUIRE(e.code == 0);
  CHECK(e.out.rfind("child,parent,relation,class,relation_inferred,inferred,confidence,", 0) == 0);
  CHECK(std::count(e.out.begin(), e.out.end(), '\n') == 6);  // header + 5 edges
  CHECK(Contains(e.out, "\npeggy/llama-zh,bob/merged,"));
  SECTION("-o FILE.csv writes FILE-nodes.csv and FILE-edges.csv") {
    Output both = s.Run({"export", "csv", "-o", s.path("g.csv")});
    INFO(both.err);
    REQUIRE(both.code == 0);
    CHECK(ReadFile(s.path("g-nodes.csv")).rfind("id,kind,", 0) == 0);
    CHECK(ReadFile(s.path("g-edges.csv")).rfind("child,parent,", 0) == 0);
  }
  SECTION("both to stdout is a usage error") { CHECK(s.Run({"export", "csv"}).code == 2); }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Issue 14: a size cap per input document, with a flag to raise it.
TEST_CASE("ingest --max-document-size: a larger card or dump record is a diagnostic naming it; "
          "the rest lands", "[cli]") {
  TempDir dir;
  std::string pad(3000, 'x');
  WriteFile(dir / "cards/acme/small/README.md", "---\nbase_model: meta/base-a\n---\n");
  WriteFile(dir / "cards/acme/large/README.md", "---\nbase_model: meta/base-b\n---\n" + pad);
  WriteFile(dir / "dump.jsonl",
            "{\"id\": \"hub/one\", \"cardData\": {\"base_model\": \"meta/base-a\"}}\n"
            "{\"id\": \"hub/two\", \"cardData\": {\"base_model\": \"meta/base-a\", \"pad\": \"" +
                pad + "\"}}\n"
                      "{\"id\": \"hub/three\", \"cardData\": {\"base_model\": \"meta/base-a\"}}\n");
  // The same inside a JSON-array dump.
  WriteFile(dir / "array.json",
            "[\n{\"id\": \"arr/one\", \"cardData\": {\"base_model\": \"meta/base-a\"}},\n"
            "{\"id\": \"arr/two\", \"cardData\": {\"base_model\": \"meta/base-a\", \"pad\": \"" +
                pad + "\"}},\n"
                      "{\"id\": \"arr/three\", \"cardData\": {\"base_model\": \"meta/base-a\"}}\n]\n");
  std::string db = dir / "s.db";
  Output i = RunLineage(dir.path(), {"--db", db, "ingest", dir / "cards", dir / "dump.jsonl",
                                     dir / "array.json", "--no-progress", "--max-document-size",
                                     "2000"});
  REQUIRE(i.code == 0);
  Output d = RunLineage(dir.path(), {"--db", db, "diagnostics"});
  REQUIRE(d.code == 0);
  CHECK_THAT(d.out, Catch::Contains("acme/large/README.md: error: card is 3"));
  CHECK_THAT(d.out, Catch::Contains("dump.jsonl:2: error: record is 3"));
  CHECK_THAT(d.out, Catch::Contains("array.json:3: error: record 2: record is 3"));
  CHECK_THAT(d.out, Catch::Contains("over the limit of 2000 per document") &&
                        Catch::Contains("--max-document-size"));
  auto parents = [&](const std::string& id) {
    Output o = RunLineage(dir.path(), {"--db", db, "show", id, "--format", "json"});
    return o.out;
  };
  CHECK_THAT(parents("acme/small"), Catch::Contains("meta/base-a"));
  CHECK_THAT(parents("hub/one"), Catch::Contains("meta/base-a"));
  CHECK_THAT(parents("hub/three"), Catch::Contains("meta/base-a"));
  CHECK_THAT(parents("acme/large"), !Catch::Contains("meta/base-b"));
  CHECK(RunLineage(dir.path(), {"--db", db, "show", "hub/two"}).code == 1);
  CHECK_THAT(parents("arr/one"), Catch::Contains("meta/base-a"));
  CHECK_THAT(parents("arr/three"), Catch::Contains("meta/base-a"));
  CHECK(RunLineage(dir.path(), {"--db", db, "show", "arr/two"}).code == 1);

  SECTION("raising the limit reads them") {
    Output again = RunLineage(dir.path(), {"--db", db, "ingest", dir / "cards", dir / "dump.jsonl",
                                           dir / "array.json", "--no-progress",
                                           "--max-document-size", "100000"});
    REQUIRE(again.code == 0);
    Output d2 = RunLineage(dir.path(), {"--db", db, "diagnostics"});
    CHECK_THAT(d2.out, !Catch::Contains("over the limit"));
    CHECK_THAT(parents("acme/large"), Catch::Contains("meta/base-b"));
    CHECK_THAT(parents("hub/two"), Catch::Contains("meta/base-a"));
    CHECK_THAT(parents("arr/two"), Catch::Contains("meta/base-a"));
  }
  SECTION("a limit that is not a positive number is bad usage") {
    CHECK(RunLineage(dir.path(), {"--db", db, "ingest", dir / "cards", "--max-document-size",
                                  "0"}).code == 2);
  }
}

// Regression (issue 14 item 10): `sql` opened a store in a read-only folder by
// its plain path, where SQLite cannot create the WAL index; the other read
// commands open it immutable there, and now so does sql.
TEST_CASE("lineage sql reads a store in a read-only folder", "[cli]") {
  TempDir dir;
  std::string folder = dir / "ro";
  fs::create_directories(folder);
  WriteFile(dir / "d.jsonl", "{\"id\": \"acme/m\", \"cardData\": {\"base_model\": \"meta/b\"}}\n");
  REQUIRE(RunLineage(dir.path(), {"--db", folder + "/s.db", "ingest", dir / "d.jsonl",
                                  "--no-progress"}).code == 0);
  REQUIRE_FALSE(fs::exists(folder + "/s.db-wal"));
  fs::permissions(dir.path(), fs::perms::all, fs::perm_options::add);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  fs::permissions(folder + "/s.db", fs::perms::others_read, fs::perm_options::add);
  std::string as = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  std::string out = dir / "sql.txt";
  int rc = std::system((as + LINEAGE_BINARY + std::string(" --db ") + folder +
                        "/s.db sql \"SELECT display FROM artifact WHERE display = 'acme/m'\" "
                        "--format csv > " + out + " 2>&1")
                           .c_str());
  std::string write_out = dir / "write.txt";
  int write_rc = std::system((as + LINEAGE_BINARY + std::string(" --db ") + folder +
                              "/s.db sql \"DELETE FROM artifact\" > " + write_out + " 2>&1")
                                 .c_str());
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::add);
  INFO(ReadFile(out));
  CHECK(rc == 0);
  CHECK_THAT(ReadFile(out), Catch::Contains("acme/m"));
  CHECK_FALSE(fs::exists(folder + "/s.db-shm"));
  CHECK(WEXITSTATUS(write_rc) != 0);
  CHECK_THAT(ReadFile(write_out), Catch::Contains("read-only"));
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

TEST_CASE("timeline and report weigh the adoption shares by popularity, or say there is none",
          "[cli]") {
  Session s;
  s.Ingest();
  SECTION("the fixture cards carry no popularity: the shares are counts, and the text says so") {
    Output o = s.Run({"timeline", "--shares"});
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(Contains(o.out, "No derivative counted here carries downloads or likes"));
    CHECK_FALSE(Contains(o.out, "downloads_all_time"));
    json j = s.Json({"timeline"});
    CHECK(j["weighted_by"].empty());
    for (const auto& row : j["shares"]) CHECK(row["measure"] == "count");
    Output rep = s.Run({"report", "--out", s.path("rep")});
    REQUIRE(rep.code == 0);
    std::string html = ReadFile(s.path("rep/index.html"));
    CHECK(Contains(html, "id=\"adoption-chart\""));
    CHECK(Contains(html, "No derivative counted here carries downloads or likes"));
    CHECK_FALSE(Contains(html, "id=\"share-downloads\""));
    CHECK_FALSE(Contains(html, "<table class=\"t\" id=\"adoption-shares\""));
  }
  SECTION("a Hub dump with downloads and likes weighs each derivative by its own") {
    // id, base, month, downloads, likes: Qwen is cn and meta-llama west in the fixtures.
    struct Row {
      const char* id;
      const char* base;
      const char* month;
      int64_t downloads, likes;
    };
    const std::vector<Row> rows = {{"pop/a", "Qwen/Qwen2-7B", "2031-01", 30, 3},
                                   {"pop/b", "meta-llama/Llama-2-7b-hf", "2031-01", 10, 9},
                                   {"pop/c", "Qwen/Qwen2-7B", "2031-02", 5, 0}};
    std::string dump;
    for (const auto& r : rows) {
      dump += std::string("{\"id\":\"") + r.id + "\",\"tags\":[\"base_model:finetune:" + r.base +
              "\"],\"createdAt\":\"" + r.month + "-02T00:00:00.000Z\",\"downloads\":" +
              std::to_string(r.downloads) + ",\"likes\":" + std::to_string(r.likes) + "}\n";
    }
    WriteFile(s.path("pop.jsonl"), dump);
    Output in = s.Run({"ingest", s.path("pop.jsonl"), "--no-progress"});
    INFO(in.err);
    REQUIRE(in.code == 0);
    json j = s.Json({"timeline"});
    Strings measures;
    for (const auto& w : j["weighted_by"]) measures.push_back(w["measure"]);
    CHECK(measures == Strings{"downloads", "likes"});
    // January 2031 by downloads, worked out from the rows above.
    int64_t jan_total = 0, jan_cn = 0;
    for (const auto& r : rows) {
      if (std::string(r.month) != "2031-01") continue;
      jan_total += r.downloads;
      if (std::string(r.base).rfind("Qwen/", 0) == 0) jan_cn += r.downloads;
    }
    bool seen = false;
    for (const auto& row : j["shares"]) {
      if (row["month"] != "2031-01" || row["measure"] != "downloads" || row["bloc"] != "cn") continue;
      seen = true;
      CHECK(row["value"] == jan_cn);
      CHECK(row["total"] == jan_total);
      CHECK(row["share"].get<double>() == Approx(static_cast<double>(jan_cn) / jan_total));
    }
    CHECK(seen);
    Output csv = s.Run({"timeline", "--shares", "--format", "csv", "--share-svg",
                        s.path("shares.svg")});
    REQUIRE(csv.code == 0);
    CHECK(Contains(csv.out, "month,measure,total,"));
    CHECK(Contains(csv.out, "\n2031-01,likes,12,"));
    CHECK(Contains(ReadFile(s.path("shares.svg")), "id=\"share-likes\""));
    Output rep = s.Run({"report", "--out", s.path("rep2")});
    REQUIRE(rep.code == 0);
    std::string html = ReadFile(s.path("rep2/index.html"));
    CHECK(Contains(html, "id=\"share-downloads\""));
    CHECK(Contains(html, "<table class=\"t\" id=\"adoption-shares\""));
    CHECK(Contains(html, "downloads known for"));
  }
}

}  // namespace
}  // namespace lineage
