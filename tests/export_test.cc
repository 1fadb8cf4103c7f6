// Tests for include/lineage/export.h: escapers and writers, against golden
// strings and the JSON shapes of design.md.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "lineage/export.h"
#include "lineage/report.h"
#include "test_support.h"

namespace lineage {
namespace {

using nlohmann::json;
using Strings = std::vector<std::string>;

TEST_CASE("DotEscape makes any text safe inside a quoted DOT string", "[export]") {
  CHECK(DotEscape("plain id/name-1.0") == "plain id/name-1.0");
  CHECK(DotEscape("say \"hi\"") == "say \\\"hi\\\"");
  CHECK(DotEscape("back\\slash") == "back\\\\slash");
  CHECK(DotEscape("trailing\\") == "trailing\\\\");  // cannot escape the closing quote
  CHECK(DotEscape("two\nlines") == "two\\nlines");
  CHECK(DotEscape("crlf\r\nline") == "crlf\\nline");
  CHECK(DotEscape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;");
  CHECK(DotEscape("tab\there\x01") == "tab here ");
  CHECK(DotEscape("\xE4\xB8\xAD\xE6\x96\x87") == "\xE4\xB8\xAD\xE6\x96\x87");  // UTF-8 kept
  CHECK(DotEscape("") == "");
}

TEST_CASE("XmlEscape escapes markup and drops control characters", "[export]") {
  CHECK(XmlEscape("plain") == "plain");
  CHECK(XmlEscape("<a href='x'>&\"</a>") == "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;");
  CHECK(XmlEscape("&amp;") == "&amp;amp;");  // escaped once more, never trusted
  CHECK(XmlEscape("ctl\x01\x1F.") == "ctl  .");
  CHECK(XmlEscape("keeps\nnewline\tand tab") == "keeps\nnewline\tand tab");
}

TEST_CASE("CsvField quotes what needs quoting and defuses formulas", "[export]") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("") == "");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField("cr\rhere") == "\"cr\rhere\"");
  SECTION("formula injection") {
    CHECK(CsvField("=1+1") == "'=1+1");
    CHECK(CsvField("+1") == "'+1");
    CHECK(CsvField("-1") == "'-1");
    CHECK(CsvField("@SUM(A1)") == "'@SUM(A1)");
    CHECK(CsvField("=HYPERLINK(\"http://x\",\"y\")") ==
          "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    CHECK(CsvField("a=1") == "a=1");  // only a leading sign matters
  }
}

TEST_CASE("CsvField defuses formulas behind a leading tab or carriage return",
          "[export]") {
  // OWASP's CSV-injection list includes fields starting with TAB (0x09) and
  // CR (0x0D), which spreadsheets strip before evaluating the formula.
  std::string tab = CsvField("\t=1+1");
  std::string cr = CsvField("\r=1+1");
  CHECK(tab.find('\'') != std::string::npos);
  CHECK(cr.find('\'') != std::string::npos);
}

Artifact MakeArtifact(const std::string& id, const std::string& org = "",
                      const std::string& country = "", const std::string& license = "") {
  Artifact a;
  a.id = id;
  a.author = id.substr(0, id.find('/'));
  a.organization = org;
  a.country = country;
  a.license = license;
  a.declared = true;
  return a;
}

Evidence MakeEv(const std::string& kind, const std::string& source, int line, double conf,
                const std::string& commit = "") {
  Evidence ev;
  ev.kind = kind;
  ev.source = source;
  ev.line = line;
  ev.confidence = conf;
  ev.commit = commit;
  ev.detail = "detail of " + kind;
  return ev;
}

// me/Chat-GGUF -quantized(inferred)-> org/Chat -finetune-> org/Base
Subgraph SmallChain() {
  Subgraph g;
  g.root = "me/Chat-GGUF";
  Artifact chat = MakeArtifact("org/Chat", "Org Inc", "US", "other");
  chat.license_name = "org-license";
  g.nodes = {{MakeArtifact("me/Chat-GGUF", "", "", "apache-2.0"), 0},
             {chat, 1},
             {MakeArtifact("org/Base", "Org Inc", "US"), 2}};
  Edge q;
  q.child = "me/Chat-GGUF";
  q.parent = "org/Chat";
  q.relation = Relation::kQuantized;
  q.relation_inferred = true;
  q.confidence = 0.95;
  q.evidence = {MakeEv("card.base_model", "cards/me/Chat-GGUF/README.md", 3, 0.95)};
  Edge f;
  f.child = "org/Chat";
  f.parent = "org/Base";
  f.relation = Relation::kFinetune;
  f.confidence = 0.95;
  f.evidence = {MakeEv("hub.tag", "hub.jsonl", 0, 0.95),
                MakeEv("manual", "https://x.example/a,b", 0, 0.9,
                       "0123456789abcdef0123456789abcdef01234567")};
  g.edges = {q, f};
  return g;
}

TEST_CASE("WriteTreeText draws a chain as an indented tree", "[export]") {
  std::ostringstream out;
  WriteTreeText(SmallChain(), true, out);
  CHECK(out.str() ==
        "me/Chat-GGUF  [me \xC2\xB7 country unknown \xC2\xB7 apache-2.0]\n"
        "\xE2\x94\x94\xE2\x94\x80 quantized (inferred) of org/Chat  "
        "[Org Inc \xC2\xB7 US \xC2\xB7 other (org-license)]\n"
        "     evidence: card.base_model cards/me/Chat-GGUF/README.md:3 (confidence 0.95)\n"
        "   \xE2\x94\x94\xE2\x94\x80 finetune of org/Base  "
        "[Org Inc \xC2\xB7 US \xC2\xB7 no licence declared]\n"
        "        evidence: hub.tag hub.jsonl (confidence 0.95)\n"
        "        evidence: manual https://x.example/a,b @0123456789ab (confidence 0.90)\n"
        "\n"
        "2 ancestors, 2 edges, depth 2\n");
}

TEST_CASE("WriteTreeText prints a node reached twice once, then refers to it", "[export]") {
  // x/m merges x/l and x/r, which both derive from x/b.
  Subgraph g;
  g.root = "x/m";
  g.nodes = {{MakeArtifact("x/m"), 0}, {MakeArtifact("x/l"), 1}, {MakeArtifact("x/r"), 1},
             {MakeArtifact("x/b"), 2}};
  auto edge = [](const char* c, const char* p, Relation r) {
    Edge e;
    e.child = c;
    e.parent = p;
    e.relation = r;
    return e;
  };
  g.edges = {edge("x/l", "x/b", Relation::kFinetune), edge("x/m", "x/l", Relation::kMerge),
             edge("x/m", "x/r", Relation::kMerge), edge("x/r", "x/b", Relation::kFinetune)};
  const std::string tail = "  [x \xC2\xB7 country unknown \xC2\xB7 no licence declared]";
  std::ostringstream out;
  WriteTreeText(g, true, out);
  CHECK(out.str() == "x/m" + tail + "\n" +
                         "\xE2\x94\x9C\xE2\x94\x80 merge of x/l" + tail + "\n" +
                         "\xE2\x94\x82  \xE2\x94\x94\xE2\x94\x80 finetune of x/b" + tail + "\n" +
                         "\xE2\x94\x94\xE2\x94\x80 merge of x/r" + tail + "\n" +
                         "   \xE2\x94\x94\xE2\x94\x80 finetune of x/b" + tail +
                         "  (shown above)\n" + "\n3 ancestors, 4 edges, depth 2\n");
  SECTION("downward, for descendants") {
    Subgraph d;
    d.root = "x/b";
    d.nodes = {{MakeArtifact("x/b"), 0}, {MakeArtifact("x/l"), 1}};
    d.edges = {edge("x/l", "x/b", Relation::kAdapter)};
    std::ostringstream o;
    WriteTreeText(d, false, o);
    CHECK(o.str() == "x/b" + tail + "\n" + "\xE2\x94\x94\xE2\x94\x80 adapter by x/l" + tail +
                         "\n\n1 descendant, 1 edge, depth 1\n");
  }
}

TEST_CASE("WriteGraphJson has the documented graph shape", "[export]") {
  std::ostringstream out;
  WriteGraphJson(SmallChain(), out);
  json j = json::parse(out.str());
  CHECK(j["root"] == "me/Chat-GGUF");
  REQUIRE(j["nodes"].is_array());
  REQUIRE(j["nodes"].size() == 3);
  for (const auto& n : j["nodes"]) {
    for (const char* key : {"id", "depth", "author", "organization", "country", "license"}) {
      INFO(key);
      CHECK(n.contains(key));
    }
  }
  const json& root = j["nodes"][0];
  CHECK(root["id"] == "me/Chat-GGUF");
  CHECK(root["depth"] == 0);
  CHECK(root["author"] == "me");
  CHECK(root["organization"].is_null());  // unknown is null, never a guess
  CHECK(root["country"].is_null());
  CHECK(root["license"] == "apache-2.0");
  CHECK(j["nodes"][1]["country"] == "US");
  CHECK(j["nodes"][1]["organization"] == "Org Inc");
  CHECK(j["nodes"][2]["depth"] == 2);

  REQUIRE(j["edges"].size() == 2);
  const json& e = j["edges"][1];
  CHECK(e["child"] == "org/Chat");
  CHECK(e["parent"] == "org/Base");
  CHECK(e["relation"] == "finetune");
  CHECK(e["confidence"].get<double>() == Approx(0.95));
  REQUIRE(e["evidence"].size() == 2);
  CHECK(e["evidence"][0]["kind"] == "hub.tag");
  CHECK(e["evidence"][0]["source"] == "hub.jsonl");
  CHECK(e["evidence"][1]["kind"] == "manual");
  CHECK(e["evidence"][1]["commit"] == "0123456789abcdef0123456789abcdef01234567");
  CHECK(j["edges"][0]["relation"] == "quantized");
  CHECK(j["edges"][0]["evidence"][0]["line"] == 3);
  SECTION("each node starts with id then depth, for people reading it") {
    std::string s = out.str();
    size_t id = s.find("\"id\"");
    size_t depth = s.find("\"depth\"");
    size_t author = s.find("\"author\"");
    CHECK(id < depth);
    CHECK(depth < author);
  }
  SECTION("an empty subgraph is still the same shape") {
    std::ostringstream o;
    WriteGraphJson(Subgraph{}, o);
    json k = json::parse(o.str());
    CHECK(k["root"].is_null());
    CHECK(k["nodes"].is_array());
    CHECK(k["edges"].is_array());
  }
}

TEST_CASE("WriteGraphJson escapes whatever the strings hold", "[export]") {
  Subgraph g;
  g.root = "a/b";
  Artifact a = MakeArtifact("a/b", "", "", "\"},\n{\"evil\": true, \"x\": \"\x01");
  g.nodes = {{a, 0}};
  std::ostringstream out;
  WriteGraphJson(g, out);
  json j = json::parse(out.str());  // throws if the writer broke the JSON
  CHECK(j["nodes"][0]["license"] == "\"},\n{\"evil\": true, \"x\": \"\x01");
  CHECK_FALSE(j.contains("evil"));
}

TEST_CASE("WriteGraphJson writes strings and confidences as nlohmann_json writes them",
          "[export]") {
  // The writer's fast paths (plain strings, three-decimal confidences) must
  // give the library's bytes, so outputs diff cleanly across versions.
  for (int k = 0; k <= 1000; ++k) {
    double c = k / 1000.0 + (k % 3 == 0 ? 0.0002 : 0.0);
    Subgraph g;
    g.root = "a/b";
    std::string plain = "id-" + std::to_string(k) + "/x y.z";
    std::string odd = std::string("q\"\\") + static_cast<char>(0x7f) + "\xc3\xa9\t\xff" + plain;
    g.nodes = {{MakeArtifact(plain, "", "", odd), 0}};
    Edge e;
    e.child = plain;
    e.parent = "a/b";
    e.confidence = c;
    g.edges = {e};
    std::ostringstream out;
    WriteGraphJson(g, out);
    std::string want_conf =
        "\"confidence\": " + json(std::round(c * 1000) / 1000).dump() + ", \"inferred\"";
    INFO(k);
    CHECK(out.str().find(want_conf) != std::string::npos);
    CHECK(out.str().find("\"id\": " + json(plain).dump() + ",") != std::string::npos);
    std::string want_odd = json(odd).dump(-1, ' ', false, json::error_handler_t::replace);
    CHECK(out.str().find("\"license\": " + want_odd + ",") != std::string::npos);
  }
}

TEST_CASE("WriteGraphCsv writes one escaped row per edge", "[export]") {
  std::ostringstream out;
  WriteGraphCsv(SmallChain(), out);
  std::string s = out.str();
  CHECK(s.rfind("child,child_country,parent,parent_country,parent_depth,relation,"
                "relation_inferred,confidence,evidence\n",
                0) == 0);
  CHECK(s.find("me/Chat-GGUF,,org/Chat,US,1,quantized,true,0.95,") != std::string::npos);
  // The evidence column holds a comma, so it is quoted.
  CHECK(s.find(",\"hub.tag hub.jsonl (confidence 0.95); manual https://x.example/a,b") !=
        std::string::npos);
  CHECK(std::count(s.begin(), s.end(), '\n') == 3);
}

DotOptions Blocs() {
  DotOptions o;
  o.blocs = {{"cn", {"CN"}}, {"west", {"US"}}};
  return o;
}

std::string Dot(const Subgraph& g, const DotOptions& o = Blocs()) {
  std::ostringstream out;
  WriteDot(g, o, out);
  return out.str();
}

TEST_CASE("WriteDot is deterministic, keyed by id keys, sorted, and has a legend",
          "[export]") {
  Subgraph g = SmallChain();
  std::string first = Dot(g);
  CHECK(first == Dot(g));
  CHECK(first.rfind("digraph lineage {\n", 0) == 0);
  CHECK(first.substr(first.size() - 2) == "}\n");

  SECTION("node ids are id keys, labels keep the display id") {
    CHECK(first.find("\n  \"me/chat-gguf\" [label=\"me/Chat-GGUF\\n") != std::string::npos);
    CHECK(first.find("\"org/chat\" -> \"org/base\"") != std::string::npos);
    CHECK(first.find("\"me/chat-gguf\" -> \"org/chat\"") != std::string::npos);
    CHECK(first.find("0x") == std::string::npos);  // no pointer addresses
  }
  SECTION("nodes come out sorted whatever order they came in") {
    Subgraph shuffled = g;
    std::reverse(shuffled.nodes.begin(), shuffled.nodes.end());
    CHECK(Dot(shuffled) == first);
    size_t me = first.find("\"me/chat-gguf\" [");
    size_t base = first.find("\"org/base\" [");
    size_t chat = first.find("\"org/chat\" [");
    CHECK(me < base);
    CHECK(base < chat);
  }
  SECTION("a legend of the relations drawn and the bloc colours") {
    CHECK(first.find("\n  \"legend\" [shape=plaintext") != std::string::npos);
    CHECK(first.find(">quantized (redistribution, ") != std::string::npos);
    CHECK(first.find(">finetune (weights, ") != std::string::npos);
    CHECK(first.find(">merge (") == std::string::npos);  // not drawn, not listed
    CHECK(first.find(">bloc: west<") != std::string::npos);
    CHECK(first.find(">relation guessed from tags or names") != std::string::npos);
    CHECK(first.find(">not known: the owner&apos;s country") != std::string::npos);
    CHECK(first.find(">bloc: cn<") == std::string::npos);  // no cn node in this graph
  }
  SECTION("inferred relations are marked, the root stands out") {
    CHECK(first.find("label=\"quantized?\"") != std::string::npos);
    size_t root = first.find("\"me/chat-gguf\" [");
    size_t eol = first.find('\n', root);
    CHECK(first.substr(root, eol - root).find("penwidth") != std::string::npos);
  }
  SECTION("nodes are filled with their bloc's colour") {
    size_t us = first.find("\"org/base\" [");
    size_t unknown = first.find("\"me/chat-gguf\" [");
    std::string us_line = first.substr(us, first.find('\n', us) - us);
    std::string unknown_line = first.substr(unknown, first.find('\n', unknown) - unknown);
    CHECK(us_line.find("fillcolor=\"#ffffff\"") == std::string::npos);
    CHECK(unknown_line.find("fillcolor=\"#ffffff\"") != std::string::npos);
  }
}

TEST_CASE("WriteDot escapes labels so no input can add statements", "[export]") {
  Subgraph g;
  g.root = "a/b";
  Artifact a = MakeArtifact("a/b", "Org \"Quoted\" <b>", "", "x\"];\nevil -> pwned [label=\"y\\");
  g.nodes = {{a, 0}};
  DotOptions o;
  o.title = "title with \"quotes\"\nand a newline";
  std::string dot = Dot(g, o);
  CHECK(dot.find("\nevil") == std::string::npos);
  CHECK(dot.find("x\\\"];\\nevil -&gt; pwned [label=\\\"y\\\\\"") != std::string::npos);
  CHECK(dot.find("Org \\\"Quoted\\\" &lt;b&gt;") != std::string::npos);
  CHECK(dot.find("label=\"title with \\\"quotes\\\"\\nand a newline\"") != std::string::npos);
}

TEST_CASE("WriteDot options: clusters by organization and marked edges", "[export]") {
  Subgraph g = SmallChain();
  DotOptions o = Blocs();
  o.cluster_by_organization = true;
  o.marked_edges["me/chat-gguf\torg/chat"] = "licence dropped";
  std::string dot = Dot(g, o);
  CHECK(dot.find("subgraph cluster_0") != std::string::npos);
  CHECK(dot.find("label=\"Org Inc (US)\"") != std::string::npos);
  CHECK(dot.find("quantized?\\nlicence dropped") != std::string::npos);
  CHECK(dot.find(">red edge: licence finding<") != std::string::npos);
}

TEST_CASE("WriteGraphml escapes ids and attributes", "[export]") {
  Subgraph g;
  g.root = "a/b";
  g.nodes = {{MakeArtifact("a/b", "R&D <Lab>", "US", "it's \"fine\""), 0}};
  std::ostringstream out;
  WriteGraphml(g, out);
  std::string s = out.str();
  CHECK(s.find("<node id=\"a/b\">") != std::string::npos);
  CHECK(s.find("<data key=\"organization\">R&amp;D &lt;Lab&gt;</data>") != std::string::npos);
  CHECK(s.find("<data key=\"license\">it&apos;s &quot;fine&quot;</data>") != std::string::npos);
  CHECK(s.find("</graphml>\n") != std::string::npos);
}

FlowReport SmallFlows() {
  FlowReport r;
  r.from = "west";
  r.to = "cn";
  Flow f;
  f.model = "cn/model";
  f.model_country = "CN";
  f.model_organization = "CN Lab";
  f.base = "us/base";
  f.base_country = "US";
  f.family = "us/base";
  f.path = {"cn/model", "x/mid", "us/base"};
  f.relations = {Relation::kFinetune, Relation::kQuantized};
  r.flows = {f};
  r.models = 1;
  r.bases = 1;
  r.by_organization = {{"us -> CN Lab", 1}};
  r.by_family = {{"us/base", 1}};
  return r;
}

TEST_CASE("WriteFlowsJson has the documented flows shape", "[export]") {
  std::ostringstream out;
  WriteFlowsJson(SmallFlows(), out);
  json j = json::parse(out.str());
  CHECK(j["from"] == "west");
  CHECK(j["to"] == "cn");
  REQUIRE(j["flows"].size() == 1);
  const json& f = j["flows"][0];
  CHECK(f["model"] == "cn/model");
  CHECK(f["model_country"] == "CN");
  CHECK(f["base"] == "us/base");
  CHECK(f["base_country"] == "US");
  CHECK(f["base_organization"].is_null());
  CHECK(f["path"] == json::array({"cn/model", "x/mid", "us/base"}));
  CHECK(f["relations"] == json::array({"finetune", "quantized"}));
  CHECK(f["path"].size() == f["relations"].size() + 1);
}

TEST_CASE("WriteFlowsText and WriteFlowsCsv read one flow per row", "[export]") {
  FlowReport r = SmallFlows();
  std::ostringstream text;
  WriteFlowsText(r, text);
  CHECK(text.str().rfind("Models in cn built on bases from west: 1 model, 1 base, 1 path\n", 0) ==
        0);
  CHECK(text.str().find("cn/model -[finetune]-> x/mid -[quantized]-> us/base") !=
        std::string::npos);
  CHECK(text.str().find("2 hops") != std::string::npos);
  std::ostringstream csv;
  WriteFlowsCsv(r, csv);
  CHECK(csv.str() ==
        "model,model_organization,model_country,base,base_organization,base_country,family,"
        "hops,relations,path\n"
        "cn/model,CN Lab,CN,us/base,,US,us/base,2,finetune quantized,cn/model > x/mid > us/base\n");
}

TEST_CASE("Diagnostics are written as file:line: severity: message [code]", "[export]") {
  std::vector<Diagnostic> d = {
      {"cards/a/b/README.md", 3, "error", "yaml", "malformed YAML front matter"},
      {"orgs.csv", 0, "warning", "csv", "no line, so none shown"}};
  std::ostringstream text;
  WriteDiagnosticsText(d, text);
  CHECK(text.str() ==
        "cards/a/b/README.md:3: error: malformed YAML front matter [yaml]\n"
        "orgs.csv: warning: no line, so none shown [csv]\n"
        "2 diagnostics\n");
  std::ostringstream csv;
  WriteDiagnosticsCsv(d, csv);
  CHECK(csv.str() ==
        "source,line,severity,code,message\n"
        "cards/a/b/README.md,3,error,yaml,malformed YAML front matter\n"
        "orgs.csv,0,warning,csv,\"no line, so none shown\"\n");
  std::ostringstream js;
  WriteDiagnosticsJson(d, js);
  json j = json::parse(js.str());
  REQUIRE(j["diagnostics"].size() == 2);
  CHECK(j["diagnostics"][0]["line"] == 3);
  CHECK(j["diagnostics"][0]["code"] == "yaml");
}

TEST_CASE("Tables are written as text, CSV and JSON", "[export]") {
  std::vector<Strings> rows = {{"id", "note"}, {"a/b", "=cmd()"}, {"c/d", "x,y"}};
  std::ostringstream csv;
  WriteTableCsv(rows, csv);
  CHECK(csv.str() == "id,note\na/b,'=cmd()\nc/d,\"x,y\"\n");
  std::ostringstream text;
  WriteTableText(rows, text);
  CHECK(text.str() == "id   note  \n---  ------\na/b  =cmd()\nc/d  x,y   \n");
  std::ostringstream js;
  WriteTableJson(rows, js);
  json j = json::parse(js.str());
  REQUIRE(j.size() == 2);
  CHECK(j[0]["id"] == "a/b");
  CHECK(j[1]["note"] == "x,y");
}

TEST_CASE("Timelines are written as a table and as CSV", "[export]") {
  Timeline t;
  t.months = {"2024-05", "2024-06"};
  t.blocs = {"west", "unknown"};
  t.counts["2024-05"]["west"] = 2;
  t.counts["2024-06"]["unknown"] = 1;
  t.undated = 4;
  std::ostringstream csv;
  WriteTimelineCsv(t, csv);
  CHECK(csv.str() == "month,west,unknown\n2024-05,2,0\n2024-06,0,1\n");
  std::ostringstream text;
  WriteTimelineText(t, text);
  CHECK(text.str().find("4 derivatives have no creation date") != std::string::npos);
  std::ostringstream svg;
  WriteTimelineSvg(t, "A <title> & more", svg);
  CHECK(svg.str().rfind("<svg ", 0) == 0);
  CHECK(svg.str().find("A &lt;title&gt; &amp; more") != std::string::npos);
  CHECK(svg.str().find("</svg>\n") != std::string::npos);
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

using testing::Contains;

TEST_CASE("The HTML report escapes ids and licence strings it did not write", "[export]") {
  CHECK(HtmlEscape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
  ReportModel m;
  m.snapshot_date = "2026-01-01 <b>";
  ReportDirection d;
  d.weights.from = "west";
  d.weights.to = "cn";
  d.weights.models = 7;
  d.weights.by_family.push_back({"<script>alert(1)</script>/x", 7});
  d.all = d.weights;
  d.all.by_class.push_back({"redistribution", 2});
  m.directions.push_back(d);
  m.license_catalogue = true;
  m.license_by_rule.push_back({"license_drift\"><img src=x>", 3});
  std::ostringstream out;
  WriteReportHtml(m, out);
  std::string html = out.str();
  CHECK_FALSE(Contains(html, "<script>"));
  CHECK_FALSE(Contains(html, "<img"));
  CHECK(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;/x"));
  CHECK(Contains(html, "id=\"headline-west-cn\">7</span>"));
  CHECK(Contains(html, "<td>redistribution</td><td>2</td>"));
  SECTION("the tables beside it carry the same rows") {
    bool found = false;
    for (const auto& [stem, table] : ReportTables(m)) {
      if (stem != "families-west-cn") continue;
      found = true;
      REQUIRE(table.size() == 2);
      CHECK(table[1] == std::vector<std::string>{"<script>alert(1)</script>/x", "7"});
    }
    CHECK(found);
  }
}

TEST_CASE("Licence findings as JSON stream in exactly the indentation of one whole-tree dump",
          "[export]") {
  auto finding = [](int i, bool edge) {
    LicenseFinding f;
    f.severity = i % 2 ? Severity::kError : Severity::kWarning;
    f.rule = i % 2 ? "license_drift" : "naming_prefix";
    f.child = "org/child-" + std::to_string(i) + "-\xC3\xA9\"quoted\"";
    if (edge) f.parent = "base/model-" + std::to_string(i);
    f.child_license = "mit";
    f.parent_license = edge ? "llama3.1" : "";
    f.child_license_id = "mit";
    f.message = "line one\nline two";
    for (int u = 0; u < i; ++u) f.urls.push_back("https://example.org/LICENSE-" + std::to_string(u));
    for (int e = 0; e < i; ++e) {
      Evidence ev;
      ev.kind = "base_model";
      ev.source = "cards/org/child/README.md";
      ev.line = 3 + e;
      ev.detail = "base_model: base/model";
      ev.confidence = 0.5 + e / 4.0;
      f.evidence.push_back(ev);
    }
    return f;
  };
  auto bloc = [](const std::string& id) { return id.rfind("base/", 0) == 0 ? "west" : "cn"; };
  for (size_t n : {0, 1, 3}) {
    std::vector<LicenseFinding> fs;
    for (size_t i = 0; i < n; ++i) fs.push_back(finding(static_cast<int>(i), i != 1));
    std::ostringstream out;
    WriteLicenseFindings(fs, 40 + static_cast<int64_t>(n), "json", bloc, out);
    INFO(n << " findings:\n" << out.str());
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(out.str());
    // A whole-tree dump of what was read back gives the same bytes.
    CHECK(out.str() == j.dump(2) + "\n");
    CHECK(j["edges_checked"] == 40 + static_cast<int64_t>(n));
    REQUIRE(j["findings"].size() == n);
    for (size_t i = 0; i < n; ++i) {
      CHECK(j["findings"][i]["child"] == fs[i].child);
      CHECK(j["findings"][i]["parent"].is_null() == fs[i].parent.empty());
      CHECK(j["findings"][i]["evidence"].size() == fs[i].evidence.size());
      CHECK(j["findings"][i]["license_urls"].size() == fs[i].urls.size());
    }
    CHECK(j["by_rule"].size() == (n == 0 ? 0u : n == 1 ? 1u : 2u));
    CHECK(j["by_blocs"].size() == (n == 0 ? 0u : 1u));
  }
}

}  // namespace
}  // namespace lineage
