// Walks over the persisted adjacency (schema version 7) against a reference
// walk of the edge table, and the adjacency kept current by ingest runs.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "lineage/store.h"
#include "raw_sql.h"
#include "store/walk_reads.h"
#include "test_support.h"

namespace lineage {
namespace {

using testing::ApplyRun;
using testing::MakeDoc;
using testing::NodeIds;
using testing::OpenStore;
using testing::TempDir;
using Strings = std::vector<std::string>;

using testing::RawExec;

int64_t Count(const Store& store, const std::string& sql) {
  auto rows = store.Query(sql);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  return std::stoll((*rows)[1][0]);
}

// A generated family forest: models with one to three parents among the
// models before them (merges), a few back edges (cycles), and self-standing
// models. Ids are "n<i>/m<i>".
std::vector<DocumentFacts> Forest(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<DocumentFacts> docs;
  auto id = [](int i) { return "n" + std::to_string(i) + "/m" + std::to_string(i); };
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> parents;
    if (i >= 5 && rng() % 10 < 7) {
      int k = 1 + static_cast<int>(rng() % 10 == 0) + static_cast<int>(rng() % 20 == 0);
      for (int j = 0; j < k; ++j) {
        // Mostly recent parents, so chains get deep.
        int p = rng() % 3 == 0 ? static_cast<int>(rng() % i) : std::max(0, i - 1 - static_cast<int>(rng() % 8));
        parents.push_back(id(p));
      }
    }
    if (i > 50 && rng() % 100 == 0) parents.push_back(id(i + 1 + static_cast<int>(rng() % 20)));
    docs.push_back(MakeDoc("card:" + id(i), "h", id(i), parents,
                           parents.size() > 1 ? Relation::kMerge : Relation::kFinetune));
  }
  return docs;
}

// Breadth first over `sql` rows (child, parent) as the reference: node ->
// shortest depth, and the (child, parent) pairs reached.
struct Reference {
  std::map<std::string, int> depth;
  std::set<std::pair<std::string, std::string>> edges;
};
Reference ReferenceWalk(const Store& store, const std::string& root, bool upward, int max_depth) {
  auto rows = store.Query(
      "SELECT c.display, p.display FROM edge e JOIN artifact c ON c.id = e.child "
      "JOIN artifact p ON p.id = e.parent");
  REQUIRE(rows.ok());
  std::map<std::string, std::vector<std::string>> next;
  for (size_t i = 1; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    if (upward) {
      next[r[0]].push_back(r[1]);
    } else {
      next[r[1]].push_back(r[0]);
    }
  }
  Reference ref;
  ref.depth[root] = 0;
  std::deque<std::string> queue{root};
  while (!queue.empty()) {
    std::string cur = queue.front();
    queue.pop_front();
    int d = ref.depth[cur];
    if (max_depth >= 0 && d >= max_depth) continue;
    for (const auto& o : next[cur]) {
      ref.edges.insert(upward ? std::make_pair(cur, o) : std::make_pair(o, cur));
      if (ref.depth.emplace(o, d + 1).second) queue.push_back(o);
    }
  }
  return ref;
}

void CheckAgainst(const Subgraph& g, const Reference& ref) {
  std::map<std::string, int> depth;
  for (const auto& n : g.nodes) depth[n.artifact.id] = n.depth;
  CHECK(depth == ref.depth);
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& e : g.edges) {
    edges.insert({e.child, e.parent});
    CHECK_FALSE(e.evidence.empty());  // a parent named twice gives two pieces
  }
  CHECK(edges.size() == g.edges.size());
  CHECK(edges == ref.edges);
}

// Everything a walk answers, for comparing two walks.
std::vector<std::string> Flatten(const Subgraph& g) {
  std::vector<std::string> out{g.root};
  for (const auto& n : g.nodes) {
    out.push_back(n.artifact.id + " " + std::to_string(n.depth) + " " + n.artifact.source + " " +
                  (n.artifact.declared ? "declared" : "stub"));
  }
  for (const auto& e : g.edges) {
    std::string s = e.child + " -> " + e.parent + " " + std::to_string(static_cast<int>(e.relation)) +
                    " " + std::to_string(e.confidence) + (e.inferred ? " inferred" : "");
    for (const auto& ev : e.evidence) {
      s += " [" + ev.kind + " " + ev.source + " " + std::to_string(ev.line) + " " + ev.detail + " " +
           std::to_string(ev.confidence) + "]";
    }
    out.push_back(s);
  }
  return out;
}

TEST_CASE("Descendants over the persisted adjacency equal a reference walk of the edge table",
          "[walks]") {
  TempDir dir;
  std::string path = dir / "s.db";
  auto store = OpenStore(path);
  ApplyRun(*store, Forest(1500, 7));
  REQUIRE(Count(*store, "SELECT count(*) FROM adjacency") == 1);
  for (int root : {0, 1, 2, 3, 4, 10, 100, 700}) {
    std::string id = "n" + std::to_string(root) + "/m" + std::to_string(root);
    INFO(id);
    for (int max_depth : {-1, 1, 3}) {
      auto g = store->Descendants(id, max_depth);
      REQUIRE(g.ok());
      CheckAgainst(*g, ReferenceWalk(*store, id, false, max_depth));
    }
  }
  SECTION("Chain equals the reference walk upward") {
    for (int leaf : {1499, 1400, 900, 60}) {
      std::string id = "n" + std::to_string(leaf) + "/m" + std::to_string(leaf);
      auto g = store->Chain(id);
      REQUIRE(g.ok());
      CheckAgainst(*g, ReferenceWalk(*store, id, true, -1));
    }
  }
  SECTION("a store without its adjacency row answers the same through the edge table") {
    std::vector<std::vector<std::string>> with;
    for (int root : {0, 1, 3, 100}) {
      auto g = store->Descendants("n" + std::to_string(root) + "/m" + std::to_string(root));
      REQUIRE(g.ok());
      with.push_back(Flatten(*g));
    }
    store.reset();
    RawExec(path, "DELETE FROM adjacency");
    auto read = OpenStore(path, Store::Mode::kReadOnly);
    size_t i = 0;
    for (int root : {0, 1, 3, 100}) {
      auto g = read->Descendants("n" + std::to_string(root) + "/m" + std::to_string(root));
      REQUIRE(g.ok());
      CHECK(Flatten(*g) == with[i++]);
    }
  }
}

// Every field a walk answers, for comparing the direct reads with the view reads.
std::vector<std::string> FlattenAll(const Subgraph& g) {
  std::vector<std::string> out{"root " + g.root};
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + ";";
    return s;
  };
  for (const auto& n : g.nodes) {
    const Artifact& a = n.artifact;
    out.push_back(a.id + "|" + std::to_string(n.depth) + "|" + std::to_string(static_cast<int>(a.kind)) +
                  "|" + a.author + "|" + a.organization + "|" + a.country + "|" + a.country_source +
                  "|" + a.country_source_kind + "|" + a.organization_parent + "|" + a.license + "|" +
                  a.license_name + "|" + a.license_link + "|" + a.license_normalized + "|" +
                  a.pipeline_tag + "|" + a.library_name + "|" + a.created_at + "|" + a.source + "|" +
                  a.new_version + "|" + join(a.tags) + "|" + join(a.languages) + "|" +
                  (a.declared ? "declared" : "stub"));
  }
  for (const auto& e : g.edges) {
    std::string s = e.child + " -> " + e.parent + " " + std::to_string(static_cast<int>(e.relation)) +
                    (e.relation_inferred ? " guessed" : "") + " " + std::to_string(e.confidence) +
                    (e.inferred ? " inferred" : "");
    for (const auto& ev : e.evidence) {
      s += " [" + ev.kind + "|" + ev.source + "|" + std::to_string(ev.line) + "|" + ev.commit + "|" +
           ev.detail + "|" + std::to_string(static_cast<int>(ev.relation)) +
           (ev.relation_inferred ? "|guessed|" : "||") + std::to_string(ev.confidence) + "]";
    }
    out.push_back(s);
  }
  return out;
}

// The walk of `id` through the direct reads and through the view reads.
void CheckReadsAgree(const Store& store, const std::string& id, bool upward, int max_depth) {
  INFO(id << (upward ? " chain" : " descendants") << " depth " << max_depth);
  auto fast = upward ? store.Chain(id, max_depth) : store.Descendants(id, max_depth);
  store_detail::UseViewWalkReads(true);
  auto slow = upward ? store.Chain(id, max_depth) : store.Descendants(id, max_depth);
  store_detail::UseViewWalkReads(false);
  REQUIRE(fast.ok());
  REQUIRE(slow.ok());
  CHECK(FlattenAll(*fast) == FlattenAll(*slow));
}

TEST_CASE("Walks read directly give the subgraph the view reads give", "[walks]") {
  TempDir dir;
  std::string path = dir / "s.db";
  auto store = OpenStore(path);
  std::vector<DocumentFacts> docs = Forest(400, 11);
  // Attributes the direct reads resolve themselves: licences, tags, an
  // organization through a renamed namespace, sources as their document's.
  for (size_t i = 0; i < docs.size(); ++i) {
    Artifact& a = *docs[i].artifact;
    if (i % 3 == 0) a.license = i % 2 ? "apache-2.0" : "other";
    if (i % 5 == 0) a.license_name = "Custom Licence";
    if (i % 7 == 0) a.tags = {"text-generation", "lora"};
    if (i % 11 == 0) a.languages = {"en", "fr"};
    if (i % 4 == 0) a.source = "card:" + a.id + "#README.md";
    if (i % 6 == 0) a.source = "elsewhere/" + a.id;
    if (i % 9 == 0) a.created_at = "2024-01-0" + std::to_string(i % 9 + 1);
    for (auto& e : docs[i].edges) {
      // A second piece of evidence for some edges, weaker or from elsewhere.
      if (i % 4 == 1 && !e.evidence.empty()) {
        Evidence more = e.evidence.front();
        more.kind = "tag";
        // The document's source, a prefix of it (stored as a length), or other text.
        more.source = i % 8 == 1 ? a.source.substr(0, 5) : i % 8 == 5 ? a.source : "tags.txt";
        more.line = static_cast<int>(i);
        more.confidence = 0.5;
        e.evidence.push_back(more);
      }
      // Many pieces for a few edges: ties on confidence and kind, sources
      // of other documents, details coded against the parent and not.
      if (i % 10 == 3 && !e.evidence.empty()) {
        for (int k = 0; k < 6; ++k) {
          Evidence more = e.evidence.front();
          more.kind = k % 2 ? "tag" : "card";
          more.source = k % 3 == 0 ? a.source : "card:n" + std::to_string(k) + "/m" + std::to_string(k) + "#README.md";
          more.line = k % 4;
          more.detail = k % 2 ? e.parent : "base_model:finetune:" + e.parent;
          more.confidence = k < 3 ? 0.5 : 0.75;
          e.evidence.push_back(more);
        }
      }
    }
  }
  ApplyRun(*store, docs);
  // Evidence sources stored as their document's (NULL), as a length, and as
  // text; artifact sources as their document's.
  for (const char* type : {"null", "integer", "text"}) {
    INFO(type);
    CHECK(Count(*store, std::string("SELECT count(*) FROM evidence_data WHERE typeof(source) = '") +
                            type + "'") > 0);
  }
  CHECK(Count(*store, "SELECT count(*) FROM artifact WHERE typeof(source) = 'null'") > 0);
  store.reset();
  RawExec(path,
          // organization is a view over its layers (schema v13).
          "INSERT INTO organization_layer(namespace, display, organization, country, kind, source, "
          "origin, seq, source_kind, parent) VALUES('n3', 'N3', 'Org Three', 'CN', 'company', "
          "'https://n3', 'm', 0, 'own_site', 'Parent Co'), ('n0', 'N0', 'Org Zero', 'US', "
          "'company', 'https://n0', 'm', 0, '', '');"
          "INSERT INTO alias(old_namespace, new_namespace, source, origin) "
          "VALUES('n1', 'n3', 'x', 'm');"
          // Artifact sources as a length of their document's and as text.
          "UPDATE artifact SET source = 6 WHERE id % 5 = 0;"
          "UPDATE artifact SET source = 'elsewhere/' || display WHERE id % 7 = 0;"
          // Codes and times the direct reads spell out themselves (schema
          // v13): in and past the lists, text, a real; times at the ends of
          // the years HubSeconds writes and beyond them, text.
          "UPDATE artifact SET license_code = 999 WHERE id % 13 = 1;"
          "UPDATE artifact SET license_code = 60 WHERE id % 13 = 2;"
          "UPDATE artifact SET pipeline_code = 7 WHERE id % 3 = 1;"
          "UPDATE artifact SET pipeline_code = 'custom-task' WHERE id % 17 = 2;"
          "UPDATE artifact SET library_code = 2.5 WHERE id % 19 = 3;"
          "UPDATE artifact SET library_code = 42 WHERE id % 23 = 4;"
          "UPDATE artifact SET library_code = 43 WHERE id % 23 = 5;"
          "UPDATE artifact SET created_time = -30610224000 WHERE id % 29 = 5;"
          "UPDATE artifact SET created_time = 253402300799 WHERE id % 31 = 6;"
          "UPDATE artifact SET created_time = 253402300800 WHERE id % 37 = 7;"
          "UPDATE artifact SET created_time = -99999999999 WHERE id % 41 = 8;"
          "UPDATE artifact SET created_time = 1700000000 WHERE id % 43 = 9;"
          "UPDATE artifact SET created_time = 0 WHERE id % 43 = 10;"
          "UPDATE artifact SET created_time = 'sometime' WHERE id % 47 = 11;"
          // Namespaces folded from the display id: organizations still found.
          "UPDATE artifact SET display = upper(display) WHERE key IN ('n0/m0', 'n3/m3', 'n5/m5');");
  // An edge with no evidence, and a cycle back to the root, written behind
  // the store's back (the walks then take the edge table).
  RawExec(path,
          "INSERT INTO edge(child, parent, relation, inferred, confidence) "
          "SELECT c.id, p.id, 2, 1, 0.25 FROM artifact c, artifact p "
          "WHERE c.key = 'n300/m300' AND p.key = 'n2/m2';"
          "INSERT INTO edge(child, parent, relation, inferred, confidence) "
          "SELECT c.id, p.id, 0, 0, 1.0 FROM artifact c, artifact p "
          "WHERE c.key = 'n0/m0' AND p.key = 'n350/m350' "
          "AND NOT EXISTS (SELECT 1 FROM edge x WHERE x.child = c.id AND x.parent = p.id);");
  auto read = OpenStore(path, Store::Mode::kReadOnly);
  for (int root : {0, 1, 2, 3, 10, 60}) {
    std::string id = "n" + std::to_string(root) + "/m" + std::to_string(root);
    for (int max_depth : {-1, 0, 1, 2, 5}) CheckReadsAgree(*read, id, false, max_depth);
  }
  for (int leaf : {399, 350, 300, 201, 77}) {
    std::string id = "n" + std::to_string(leaf) + "/m" + std::to_string(leaf);
    for (int max_depth : {-1, 1, 3}) CheckReadsAgree(*read, id, true, max_depth);
  }
  SECTION("edges read on a second connection give the serial answer") {
    // Every walk with an edge reads its edges and evidence beside its nodes.
    store_detail::UseSideWalkReads(1);
    for (int root : {0, 1, 2, 3, 10, 60}) {
      std::string id = "n" + std::to_string(root) + "/m" + std::to_string(root);
      for (int max_depth : {-1, 0, 1, 2, 5}) {
        INFO(id << " depth " << max_depth);
        auto side = read->Descendants(id, max_depth);
        store_detail::UseSideWalkReads(-1);
        auto serial = read->Descendants(id, max_depth);
        store_detail::UseSideWalkReads(1);
        REQUIRE(side.ok());
        REQUIRE(serial.ok());
        CHECK(FlattenAll(*side) == FlattenAll(*serial));
        CheckReadsAgree(*read, id, false, max_depth);
      }
    }
    store_detail::UseSideWalkReads(0);
  }
  SECTION("a failed read on the second connection is an error, not a crash") {
    store_detail::UseSideWalkReads(1);
    store_detail::FailSideWalkReads(true);
    auto g = read->Descendants("n0/m0");
    store_detail::FailSideWalkReads(false);
    store_detail::UseSideWalkReads(0);
    REQUIRE_FALSE(g.ok());
    CHECK(g.status().message().find("injected failure") != std::string::npos);
    // The store answers again afterwards.
    CHECK(read->Descendants("n0/m0").ok());
  }
  SECTION("the edge without evidence and the organizations are in the answer") {
    auto g = read->Descendants("n2/m2");
    REQUIRE(g.ok());
    bool bare = false;
    for (const auto& e : g->edges) bare = bare || (e.child == "n300/m300" && e.parent == "n2/m2" && e.evidence.empty());
    CHECK(bare);
    auto z = read->Descendants("n0/m0", 1);
    REQUIRE(z.ok());
    CHECK(z->nodes.front().artifact.organization == "Org Zero");
  }
  SECTION("edge pairs carry the artifacts a lookup reads, organizations through an alias") {
    size_t pairs = 0, through_alias = 0;
    auto same = [&](const Artifact& a) {
      auto b = read->GetArtifact(a.id);
      REQUIRE(b.ok());
      INFO(a.id);
      CHECK(a.kind == b->kind);
      CHECK(a.author == b->author);
      CHECK(a.declared == b->declared);
      CHECK(a.license == b->license);
      CHECK(a.license_name == b->license_name);
      CHECK(a.license_normalized == b->license_normalized);
      CHECK(a.created_at == b->created_at);
      CHECK(a.source == b->source);
      CHECK(a.tags == b->tags);
      CHECK(a.languages == b->languages);
      CHECK(a.organization == b->organization);
      CHECK(a.country == b->country);
      CHECK(a.country_source == b->country_source);
      CHECK(a.country_source_kind == b->country_source_kind);
      CHECK(a.organization_parent == b->organization_parent);
      if (a.id.rfind("n1/", 0) == 0) {
        CHECK(a.organization == "Org Three");
        ++through_alias;
      }
    };
    REQUIRE(read->ScanEdgePairs([&](const Artifact& c, const Artifact& p, const Edge& e) {
                   CHECK(e.child == c.id);
                   CHECK(e.parent == p.id);
                   same(c);
                   same(p);
                   ++pairs;
                 }).ok());
    CHECK(pairs == static_cast<size_t>(Count(*read, "SELECT count(*) FROM edge")));
    CHECK(through_alias > 0);
  }
  SECTION("the lean licence scan gives the edge pairs' ends, edges and evidence in their order") {
    auto ends = [](const Artifact& a, const std::string& license, const std::string& name,
                   const std::string& link) {
      return a.id + "|" + std::to_string(static_cast<int>(a.kind)) + "|" +
             (a.declared ? "d" : "-") + "|" + license + "|" + name + "|" + link;
    };
    auto edge = [](const Edge& e) {
      return std::to_string(static_cast<int>(e.relation)) + (e.relation_inferred ? "r" : "-") +
             (e.inferred ? "i" : "-") + std::to_string(e.confidence);
    };
    auto pieces = [](const std::vector<Evidence>& ev) {
      std::string out;
      for (const Evidence& x : ev) {
        out += x.kind + "|" + x.source + "|" + std::to_string(x.line) + "|" + x.commit + "|" +
               x.detail + "|" + std::to_string(x.confidence) + "|" +
               std::to_string(static_cast<int>(x.relation)) + (x.relation_inferred ? "r" : "-") +
               "\n";
      }
      return out;
    };
    Strings want, want_evidence;
    REQUIRE(read->ScanEdgePairs([&](const Artifact& c, const Artifact& p, const Edge& e) {
                   want.push_back(ends(c, c.license, c.license_name, c.license_link) + " <- " +
                                  ends(p, p.license, p.license_name, p.license_link) + " " +
                                  edge(e));
                   auto ev = read->EdgeEvidence(c.id, p.id);
                   REQUIRE(ev.ok());
                   want_evidence.push_back(pieces(*ev));
                 }).ok());
    Strings got, got_evidence;
    std::vector<int64_t> rows;
    REQUIRE(read->ScanLicenseEdges([&](const LicenseEdgeRow& r) {
                   const LicenseFields& cf = (*r.fields)[r.child_fields];
                   const LicenseFields& pf = (*r.fields)[r.parent_fields];
                   got.push_back(ends(*r.child, cf.license, cf.license_name, cf.license_link) +
                                 " <- " +
                                 ends(*r.parent, pf.license, pf.license_name, pf.license_link) +
                                 " " + edge(r.edge));
                   rows.push_back(r.edge_row);
                 }).ok());
    CHECK(got == want);
    // EvidenceOfEdges wants ascending edge rows; answer in the scan's order.
    std::vector<size_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
    std::vector<int64_t> sorted;
    for (size_t i : order) sorted.push_back(rows[i]);
    got_evidence.assign(rows.size(), "?");
    REQUIRE(read->EvidenceOfEdges(sorted, [&](size_t i, std::vector<Evidence>&& ev) {
                   got_evidence[order[i]] = pieces(ev);
                 }).ok());
    CHECK(got_evidence == want_evidence);
    size_t with_many = 0;
    for (const auto& e : want_evidence) with_many += std::count(e.begin(), e.end(), '\n') > 3;
    CHECK(with_many > 0);
    size_t licensed = 0;
    for (const auto& g : got) licensed += g.find("|apache-2.0|") != std::string::npos;
    CHECK(licensed > 0);
    CHECK(got.size() == static_cast<size_t>(Count(*read, "SELECT count(*) FROM edge")));
  }
}

TEST_CASE("The adjacency follows each ingest run that adds or removes edges", "[walks]") {
  TempDir dir;
  std::string path = dir / "s.db";
  auto store = OpenStore(path);
  ApplyRun(*store, {MakeDoc("card:a", "1", "x/a", {"x/base"}),
                    MakeDoc("card:b", "1", "x/b", {"x/a"})});
  auto g = store->Descendants("x/base");
  REQUIRE(g.ok());
  CHECK(NodeIds(*g) == Strings{"x/base", "x/a", "x/b"});
  SECTION("a newer card moves a model to another parent") {
    ApplyRun(*store, {MakeDoc("card:b", "2", "x/b", {"x/base"}),
                      MakeDoc("card:c", "1", "x/c", {"x/b"})});
    auto h = store->Descendants("x/base");
    REQUIRE(h.ok());
    CHECK(NodeIds(*h) == Strings{"x/base", "x/a", "x/b", "x/c"});
    CHECK(h->nodes[2].depth == 1);
    auto a = store->Descendants("x/a");
    REQUIRE(a.ok());
    CHECK(NodeIds(*a) == Strings{"x/a"});
  }
  SECTION("a run that rolls back leaves the adjacency as it was") {
    REQUIRE(store->BeginRun("test").ok());
    REQUIRE(store->ApplyDocument(MakeDoc("card:d", "1", "x/d", {"x/b"})).ok());
    store->RollbackRun();
    auto h = store->Descendants("x/base");
    REQUIRE(h.ok());
    CHECK(NodeIds(*h) == Strings{"x/base", "x/a", "x/b"});
  }
  SECTION("an edge written behind the store's back is still walked") {
    store.reset();
    RawExec(path,
            "INSERT INTO artifact(display, kind) VALUES('x/z', 0);"
            "INSERT INTO edge(child, parent, relation, inferred, confidence) "
            "SELECT z.id, b.id, 0, 0, 1.0 FROM artifact z, artifact b "
            "WHERE z.key = 'x/z' AND b.key = 'x/b';"
            "INSERT INTO origin_data(name_hash, name) VALUES(563151331, 'manual');"
            "INSERT INTO kind_code(name) VALUES('manual') ON CONFLICT DO NOTHING;"
            "INSERT INTO evidence_data(edge, origin, kind, source, line, commit_id, detail, "
            "relation, inferred, confidence) SELECT (SELECT max(id) FROM edge), "
            "(SELECT id FROM origin WHERE name = 'manual'), "
            "(SELECT id FROM kind_code WHERE name = 'manual'), 'sql', 0, '', '', 0, 0, 1.0;");
    auto read = OpenStore(path, Store::Mode::kReadOnly);
    auto h = read->Descendants("x/base");
    REQUIRE(h.ok());
    CHECK(NodeIds(*h) == Strings{"x/base", "x/a", "x/b", "x/z"});
  }
  SECTION("a store migrated without an adjacency gets one at its next run") {
    store.reset();
    RawExec(path, "DELETE FROM adjacency");
    auto again = OpenStore(path);
    CHECK(Count(*again, "SELECT count(*) FROM adjacency") == 0);
    ApplyRun(*again, {MakeDoc("card:a", "1", "x/a", {"x/base"})});  // unchanged document
    CHECK(Count(*again, "SELECT count(*) FROM adjacency") == 1);
    auto h = again->Descendants("x/base");
    REQUIRE(h.ok());
    CHECK(NodeIds(*h) == Strings{"x/base", "x/a", "x/b"});
  }
}

}  // namespace
}  // namespace lineage
