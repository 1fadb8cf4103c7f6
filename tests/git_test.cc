// Tests of include/lineage/git.h and of what git ingest puts in the store. The
// repositories are real: built commit by commit with libgit2 in temporary
// folders, with set author dates, then read back through `lineage ingest`.
#include "lineage/git.h"

#include <git2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gguf_writer.h"
#include "lineage/ingest.h"
#include "lineage/store.h"
#include "test_support.h"

namespace lineage {
namespace {

namespace fs = std::filesystem;

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "lineage-git-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    REQUIRE(::mkdtemp(buf.data()) != nullptr);
    path_ = buf.data();
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

int64_t Epoch(const std::string& date) {  // "YYYY-MM-DD", noon UTC
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2));
  tm.tm_hour = 12;
  return static_cast<int64_t>(timegm(&tm));
}

// Builds a repository commit by commit: the files live in a map and every
// commit writes the whole tree, on the first parent of the previous commit.
class RepoBuilder {
 public:
  RepoBuilder(const std::string& path, bool bare) {
    git_libgit2_init();
    fs::create_directories(path);
    REQUIRE(git_repository_init(&repo_, path.c_str(), bare ? 1 : 0) == 0);
  }
  ~RepoBuilder() {
    git_repository_free(repo_);
    git_libgit2_shutdown();
  }

  RepoBuilder& Set(const std::string& path, const std::string& content) {
    files_[path] = content;
    return *this;
  }
  RepoBuilder& Remove(const std::string& path) {
    files_.erase(path);
    return *this;
  }

  // Commits the files with author `who` on `date` (noon UTC); returns the id.
  std::string Commit(const std::string& date, const std::string& who) {
    git_oid tree_id = Tree("");
    git_tree* tree = nullptr;
    REQUIRE(git_tree_lookup(&tree, repo_, &tree_id) == 0);
    git_signature* sig = nullptr;
    std::string email = who + "@example.org";
    REQUIRE(git_signature_new(&sig, who.c_str(), email.c_str(), Epoch(date), 0) == 0);
    git_commit* parent = nullptr;
    if (has_head_) REQUIRE(git_commit_lookup(&parent, repo_, &head_) == 0);
    const git_commit* parents[] = {parent};
    git_oid id;
    REQUIRE(git_commit_create(&id, repo_, "HEAD", sig, sig, nullptr, ("change on " + date).c_str(),
                              tree, parent ? 1 : 0, parents) == 0);
    git_commit_free(parent);
    git_signature_free(sig);
    git_tree_free(tree);
    head_ = id;
    has_head_ = true;
    return Hex(&id);
  }

  // Written to the config directly: libgit2 1.5's git_remote_create leaks
  // regex match data, which would fail the sanitizer build.
  void AddRemote(const std::string& name, const std::string& url) {
    git_config* cfg = nullptr;
    REQUIRE(git_repository_config(&cfg, repo_) == 0);
    REQUIRE(git_config_set_string(cfg, ("remote." + name + ".url").c_str(), url.c_str()) == 0);
    git_config_free(cfg);
  }

  // The loose object file holding a blob with `content`, or a commit by id.
  std::string BlobFile(const std::string& content) const {
    git_oid oid;
    REQUIRE(git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB) == 0);
    return ObjectFile(Hex(&oid));
  }
  std::string ObjectFile(const std::string& hex) const {
    return std::string(git_repository_path(repo_)) + "objects/" + hex.substr(0, 2) + "/" +
           hex.substr(2);
  }
  std::string git_dir() const { return git_repository_path(repo_); }

 private:
  static std::string Hex(const git_oid* oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return buf;
  }

  git_oid Tree(const std::string& prefix) {
    git_treebuilder* tb = nullptr;
    REQUIRE(git_treebuilder_new(&tb, repo_, nullptr) == 0);
    std::set<std::string> dirs;
    for (const auto& [path, content] : files_) {
      if (path.rfind(prefix, 0) != 0) continue;
      std::string rest = path.substr(prefix.size());
      size_t slash = rest.find('/');
      if (slash != std::string::npos) {
        dirs.insert(rest.substr(0, slash));
        continue;
      }
      git_oid blob;
      REQUIRE(git_blob_create_from_buffer(&blob, repo_, content.data(), content.size()) == 0);
      REQUIRE(git_treebuilder_insert(nullptr, tb, rest.c_str(), &blob, GIT_FILEMODE_BLOB) == 0);
    }
    for (const auto& d : dirs) {
      git_oid sub = Tree(prefix + d + "/");
      REQUIRE(git_treebuilder_insert(nullptr, tb, d.c_str(), &sub, GIT_FILEMODE_TREE) == 0);
    }
    git_oid out;
    REQUIRE(git_treebuilder_write(&out, tb) == 0);
    git_treebuilder_free(tb);
    return out;
  }

  git_repository* repo_ = nullptr;
  std::map<std::string, std::string> files_;
  git_oid head_{};
  bool has_head_ = false;
};

std::string Pointer(char digit, int64_t size) {
  return "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, digit) +
         "\nsize " + std::to_string(size) + "\n";
}

std::string Card(const std::string& front_matter) {
  return "---\n" + front_matter + "---\n# Model\n\nSome text.\n";
}

void Overwrite(const std::string& path, const std::string& bytes) {
  ::chmod(path.c_str(), 0644);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  auto s = Store::Open(path, Store::Mode::kReadWrite);
  REQUIRE(s.ok());
  return std::move(s.value());
}

IngestSummary IngestPaths(Store& store, const std::vector<std::string>& paths,
                          IngestOptions options = {}) {
  std::ostringstream log;
  auto r = Ingest(store, paths, options, log);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

const Edge* EdgeTo(const std::vector<Edge>& edges, const std::string& parent) {
  for (const auto& e : edges) {
    if (IdKey(e.parent) == IdKey(parent)) return &e;
  }
  return nullptr;
}

const Evidence* EvidenceOf(const Edge& e, const std::string& kind) {
  for (const auto& ev : e.evidence) {
    if (ev.kind == kind) return &ev;
  }
  return nullptr;
}

std::vector<Diagnostic> DiagnosticsWith(const Store& store, const std::string& code) {
  std::vector<Diagnostic> out;
  for (const auto& d : testing::Must(store.Diagnostics())) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// acme/chat-7b: a base model changed, a licence changed, then the base removed.
struct ChatRepo {
  std::string c1, c2, c3, c4, c5;
};
ChatRepo BuildChatRepo(const std::string& path) {
  RepoBuilder b(path, false);
  ChatRepo r;
  b.Set("README.md", Card("base_model: meta/base-a\nlicense: apache-2.0\n"))
      .Set("config.json",
           "{\n  \"_name_or_path\": \"/home/alice/out/checkpoint-500\",\n"
           "  \"architectures\": [\"LlamaForCausalLM\"],\n  \"model_type\": \"llama\"\n}\n")
      .Set("model-00001-of-00002.safetensors", Pointer('a', 4000))
      .Set("model-00002-of-00002.safetensors", Pointer('b', 3000))
      .Set("training_args.bin", Pointer('f', 10));
  r.c1 = b.Commit("2023-01-10", "alice");
  b.Set("notes.txt", "unrelated\n");
  r.c2 = b.Commit("2023-02-01", "alice");
  b.Set("README.md", Card("base_model: meta/base-b\nlicense: apache-2.0\n"));
  r.c3 = b.Commit("2023-03-01", "bob");
  b.Set("README.md", Card("base_model: meta/base-b\nlicense: cc-by-nc-4.0\n"));
  r.c4 = b.Commit("2023-05-01", "bob");
  b.Set("README.md", Card("license: cc-by-nc-4.0\n"));
  r.c5 = b.Commit("2023-07-01", "carol");
  return r;
}

TEST_CASE("ParseLfsPointer reads the spec's lines and names the line that is wrong", "[git]") {
  SECTION("a valid pointer") {
    auto p = ParseLfsPointer(Pointer('c', 123), "m.safetensors");
    REQUIRE(p.ok());
    CHECK(p->oid == "sha256:" + std::string(64, 'c'));
    CHECK(p->size == 123);
  }
  SECTION("text that is not a pointer is NotFound") {
    auto p = ParseLfsPointer("\x89PNG binary", "x.bin");
    CHECK(p.status().code() == Status::Code::kNotFound);
  }
  SECTION("a malformed size names its line") {
    std::string text =
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, 'd') +
        "\nsize abc\n";
    auto p = ParseLfsPointer(text, "m.bin");
    REQUIRE(p.status().code() == Status::Code::kInvalidInput);
    CHECK(p.status().message().rfind("m.bin:3:", 0) == 0);
  }
  SECTION("an oid that is not sha256 is rejected") {
    auto p = ParseLfsPointer("version https://git-lfs.github.com/spec/v1\noid md5:abc\nsize 1\n",
                             "m.bin");
    CHECK(p.status().message().rfind("m.bin:2:", 0) == 0);
  }
}

TEST_CASE("IsWeightFile knows weights from trainer state", "[git]") {
  CHECK(IsWeightFile("model-00001-of-00002.safetensors"));
  CHECK(IsWeightFile("vae/diffusion_pytorch_model.bin"));
  CHECK(IsWeightFile("llama-q4_k_m.gguf"));
  CHECK_FALSE(IsWeightFile("training_args.bin"));
  CHECK_FALSE(IsWeightFile("checkpoint/optimizer.pt"));
  CHECK_FALSE(IsWeightFile("tokenizer.json"));
}

TEST_CASE("A repository's history records base model and licence changes", "[git]") {
  TempFolder tmp;
  ChatRepo r = BuildChatRepo(tmp / "hub/acme/chat-7b");
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});

  auto history = store->History("acme/chat-7b");
  REQUIRE(history.ok());
  std::vector<std::string> lines;
  for (const auto& h : *history) {
    lines.push_back(h.commit.substr(0, 7) + " " + h.date + " " + h.author + " " + h.file + " " +
                    h.field + " [" + h.old_value + "] -> [" + h.new_value + "] " + h.finding);
  }
  auto c = [](const std::string& id) { return id.substr(0, 7); };
  std::vector<std::string> want = {
      c(r.c1) +
          " 2023-01-10T12:00:00Z alice <alice@example.org> README.md base_model [] -> "
          "[meta/base-a] ",
      c(r.c1) +
          " 2023-01-10T12:00:00Z alice <alice@example.org> README.md relation [] -> "
          "[finetune (inferred)] ",
      c(r.c1) +
          " 2023-01-10T12:00:00Z alice <alice@example.org> README.md license [] -> "
          "[apache-2.0] ",
      c(r.c1) +
          " 2023-01-10T12:00:00Z alice <alice@example.org> config.json name_or_path [] "
          "-> [/home/alice/out/checkpoint-500] ",
      c(r.c3) +
          " 2023-03-01T12:00:00Z bob <bob@example.org> README.md base_model "
          "[meta/base-a] -> [meta/base-b] base_model_replaced",
      c(r.c4) +
          " 2023-05-01T12:00:00Z bob <bob@example.org> README.md license [apache-2.0] -> "
          "[cc-by-nc-4.0] license_changed",
      c(r.c5) +
          " 2023-07-01T12:00:00Z carol <carol@example.org> README.md base_model "
          "[meta/base-b] -> [] base_model_removed",
  };
  CHECK(lines == want);

  SECTION("findings across repositories are the disappearing base and the licence change") {
    auto findings = testing::Must(store->Findings());
    REQUIRE(findings.size() == 3);
    CHECK(findings[0].finding == "base_model_replaced");
    CHECK(findings[0].commit == r.c3);
    CHECK(findings[1].finding == "license_changed");
    CHECK(findings[2].finding == "base_model_removed");
    CHECK(findings[2].id == "acme/chat-7b");
  }
  SECTION("the current state is HEAD: no base left, the later licence, a local config path") {
    auto a = store->GetArtifact("acme/chat-7b");
    REQUIRE(a.ok());
    CHECK(a->license == "cc-by-nc-4.0");
    CHECK(a->created_at == "2023-01-10T12:00:00Z");
    CHECK(testing::Must(store->ParentEdges("acme/chat-7b")).empty());
    CHECK(std::find(a->tags.begin(), a->tags.end(), "llama") != a->tags.end());
  }
  SECTION("a model without an ingested repository has no history") {
    auto h = store->History("meta/base-a");
    CHECK(h.status().code() == Status::Code::kNotFound);
  }
}

TEST_CASE("chain --as-of answers from the state at that date", "[git]") {
  TempFolder tmp;
  ChatRepo r = BuildChatRepo(tmp / "hub/acme/chat-7b");
  {
    RepoBuilder lora(tmp / "hub/beta/chat-lora", false);
    lora.Set("adapter_config.json", "{\"base_model_name_or_path\": \"acme/chat-7b\"}");
    lora.Commit("2023-04-01", "dora");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});

  auto parents_on = [&](const std::string& date, std::vector<std::string>* notes) {
    auto g = store->ChainAsOf("acme/chat-7b", date, notes);
    REQUIRE(g.ok());
    std::vector<std::string> out;
    for (const auto& e : g->edges) out.push_back(e.child + " -> " + e.parent);
    return out;
  };
  std::vector<std::string> notes;
  CHECK(parents_on("2023-02-15", &notes) ==
        std::vector<std::string>{"acme/chat-7b -> meta/base-a"});
  CHECK(parents_on("2023-03-01", &notes) ==
        std::vector<std::string>{"acme/chat-7b -> meta/base-b"});
  CHECK(parents_on("2023-02-28T23:59:59Z", &notes) ==
        std::vector<std::string>{"acme/chat-7b -> meta/base-a"});
  CHECK(parents_on("2023-08-01", &notes).empty());
  CHECK(notes.empty());

  SECTION("the evidence of a past state names its commit, and the licence is the one of then") {
    auto g = store->ChainAsOf("acme/chat-7b", "2023-04-01", nullptr);
    REQUIRE(g.ok());
    REQUIRE(g->edges.size() == 1);
    const Evidence* ev = EvidenceOf(g->edges[0], "card.base_model");
    REQUIRE(ev != nullptr);
    CHECK(ev->commit == r.c3);
    CHECK(EndsWith(ev->source, "acme/chat-7b/README.md"));
    REQUIRE(g->nodes[0].artifact.id == "acme/chat-7b");
    CHECK(g->nodes[0].artifact.license == "apache-2.0");
  }
  SECTION("before the first commit the repository has no parents, and a note says so") {
    CHECK(parents_on("2022-12-31", &notes).empty());
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("no commit yet") != std::string::npos);
  }
  SECTION("the walk goes through each ancestor's own state") {
    auto g = store->ChainAsOf("beta/chat-lora", "2023-04-15", &notes);
    REQUIRE(g.ok());
    std::vector<std::string> edges;
    for (const auto& e : g->edges) edges.push_back(e.child + " -> " + e.parent);
    CHECK(edges == std::vector<std::string>{"acme/chat-7b -> meta/base-b",
                                            "beta/chat-lora -> acme/chat-7b"});
  }
  SECTION("a model without history answers with current edges, and says so") {
    fs::create_directories(tmp / "cards/x/y");
    std::ofstream(tmp / "cards/x/y/README.md") << Card("base_model: acme/chat-7b\n");
    IngestPaths(*store, {tmp / "cards"});
    auto g = store->ChainAsOf("x/y", "2023-04-15", &notes);
    REQUIRE(g.ok());
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("x/y: no repository history") == 0);
    std::vector<std::string> edges;
    for (const auto& e : g->edges) edges.push_back(e.child + " -> " + e.parent);
    CHECK(edges == std::vector<std::string>{"acme/chat-7b -> meta/base-b", "x/y -> acme/chat-7b"});
  }
  SECTION("a malformed date is invalid input") {
    auto g = store->ChainAsOf("acme/chat-7b", "2023-4-1", nullptr);
    CHECK(g.status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("adapter_config.json gives an adapter edge; the id comes from the Hub remote", "[git]") {
  TempFolder tmp;
  std::string commit;
  {
    // The folder's name says nothing; the remote (with a token) names the repository.
    RepoBuilder b(tmp / "clones/some-dir", false);
    b.AddRemote("origin", "https://user:hf_secret@huggingface.co/beta/chat-7b-lora.git");
    b.Set("README.md", Card("library_name: peft\n"))
        .Set("adapter_config.json",
             "{\n  \"peft_type\": \"LORA\",\n  \"base_model_name_or_path\": \"acme/chat-7b\"\n}\n");
    commit = b.Commit("2024-01-01", "dora");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "clones"});

  auto a = store->GetArtifact("beta/chat-7b-lora");
  REQUIRE(a.ok());
  CHECK(a->source.find("hf_secret") == std::string::npos);
  auto parents = testing::Must(store->ParentEdges("beta/chat-7b-lora"));
  const Edge* e = EdgeTo(parents, "acme/chat-7b");
  REQUIRE(e != nullptr);
  CHECK(e->relation == Relation::kAdapter);
  CHECK_FALSE(e->relation_inferred);
  const Evidence* ev = EvidenceOf(*e, "adapter_config");
  REQUIRE(ev != nullptr);
  CHECK(ev->confidence == Approx(0.9));
  CHECK(ev->commit == commit);
  CHECK(EndsWith(ev->source, "clones/some-dir/adapter_config.json"));
  CHECK(ev->line == 3);
  CHECK(ev->detail.find("LORA") != std::string::npos);

  SECTION("--id overrides the remote for a single repository") {
    IngestOptions opts;
    opts.id = "other/name";
    IngestPaths(*store, {tmp / "clones/some-dir"}, opts);
    CHECK(EdgeTo(testing::Must(store->ParentEdges("other/name")), "acme/chat-7b") != nullptr);
  }
  SECTION("--id is refused for a folder of repositories") {
    IngestOptions opts;
    opts.id = "other/name";
    std::ostringstream log;
    auto r = Ingest(*store, {tmp / "clones"}, opts, log);
    CHECK(r.status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("Remotes name the repository: ssh form, datasets, and folders as a fallback",
          "[git]") {
  TempFolder tmp;
  {
    RepoBuilder b(tmp / "clones/a", false);
    b.AddRemote("upstream", "git@hf.co:acme/ssh-model");
    b.Set("README.md", Card("license: mit\n"));
    b.Commit("2024-01-01", "olga");
  }
  {
    RepoBuilder b(tmp / "clones/b", true);
    b.AddRemote("origin", "https://huggingface.co/datasets/acme/corpus");
    b.Set("README.md", Card("license: cc-by-4.0\n"));
    b.Commit("2024-01-02", "olga");
  }
  {
    RepoBuilder b(tmp / "clones/c", false);  // no remote, and "clones/c" is the folder id
    b.Set("README.md", Card("license: mit\n"));
    b.Commit("2024-01-03", "olga");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "clones"});
  CHECK(store->GetArtifact("acme/ssh-model").ok());
  auto corpus = store->GetArtifact("datasets/acme/corpus");
  REQUIRE(corpus.ok());
  CHECK(corpus->kind == ArtifactKind::kDataset);
  CHECK(store->GetArtifact("clones/c").ok());
}

TEST_CASE("config.json _name_or_path naming a Hub id is weaker evidence than the card", "[git]") {
  TempFolder tmp;
  std::string commit;
  {
    RepoBuilder b(tmp / "hub/gamma/tuned", false);
    b.Set("README.md", Card("base_model: meta/base-a\n"))
        .Set("config.json", "{\"_name_or_path\": \"meta/base-z\", \"model_type\": \"qwen2\"}");
    commit = b.Commit("2024-02-01", "gus");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});
  auto parents = testing::Must(store->ParentEdges("gamma/tuned"));
  const Edge* config = EdgeTo(parents, "meta/base-z");
  REQUIRE(config != nullptr);
  const Evidence* ev = EvidenceOf(*config, "config.name_or_path");
  REQUIRE(ev != nullptr);
  CHECK(ev->confidence == Approx(0.7));
  CHECK(ev->confidence < 0.95);
  CHECK(ev->commit == commit);
  CHECK(EndsWith(ev->source, "gamma/tuned/config.json"));
  const Edge* card = EdgeTo(parents, "meta/base-a");
  REQUIRE(card != nullptr);
  CHECK(EvidenceOf(*card, "card.base_model")->confidence == Approx(0.95));
}

TEST_CASE("Repositories sharing LFS weight files get copy and partial edges", "[git]") {
  TempFolder tmp;
  BuildChatRepo(tmp / "run1/acme/chat-7b");
  std::string copy_commit;
  {
    RepoBuilder b(tmp / "run2/gamma/copycat", false);
    b.Set("README.md", "# a copy, no metadata\n")
        .Set("weights/part1.safetensors", Pointer('a', 4000))
        .Set("weights/part2.safetensors", Pointer('b', 3000));
    copy_commit = b.Commit("2024-02-01", "mallory");
  }
  {
    RepoBuilder b(tmp / "run2/delta/partial.git", true);  // a bare repository
    b.Set("README.md", Card("license: mit\n"))
        .Set("model-00001-of-00002.safetensors", Pointer('a', 4000))
        .Set("model-00002-of-00002.safetensors", Pointer('c', 3100));
    b.Commit("2024-03-01", "dan");
  }
  auto store = OpenStore(tmp / "s.db");
  // Separate runs: the copy is found through the stored oids.
  IngestPaths(*store, {tmp / "run1"});
  IngestPaths(*store, {tmp / "run2"});

  SECTION("identical weight sets: copy, lfs.identical, the newer repository is the child") {
    auto parents = testing::Must(store->ParentEdges("gamma/copycat"));
    const Edge* e = EdgeTo(parents, "acme/chat-7b");
    REQUIRE(e != nullptr);
    CHECK(e->relation == Relation::kCopy);
    CHECK(e->confidence == Approx(0.99));
    const Evidence* ev = EvidenceOf(*e, "lfs.identical");
    REQUIRE(ev != nullptr);
    CHECK(ev->commit == copy_commit);
    CHECK(EndsWith(ev->source, "run2/gamma/copycat"));
    CHECK(ev->detail.find("weights/part1.safetensors") != std::string::npos);
    CHECK(testing::Must(store->ParentEdges("acme/chat-7b")).empty());
  }
  SECTION("a partial overlap is lfs.partial with the shared fraction and lower confidence") {
    auto parents = testing::Must(store->ParentEdges("delta/partial"));
    const Edge* e = EdgeTo(parents, "acme/chat-7b");
    REQUIRE(e != nullptr);
    const Evidence* ev = EvidenceOf(*e, "lfs.partial");
    REQUIRE(ev != nullptr);
    CHECK(ev->detail.rfind("shared fraction 0.33", 0) == 0);
    CHECK(ev->confidence < 0.95);
    CHECK(ev->confidence == Approx(0.63));
    CHECK(EndsWith(ev->source, "run2/delta/partial.git"));
    CHECK(ev->detail.find("model-00001-of-00002.safetensors") != std::string::npos);
    CHECK(EdgeTo(parents, "gamma/copycat") != nullptr);
  }
  SECTION("trainer state shared by every checkpoint is not a weight file") {
    // training_args.bin has the same oid in acme/chat-7b only: nothing to compare,
    // and it must not make the overlap of acme/chat-7b and gamma/copycat partial.
    auto overlaps = testing::Must(store->LfsOverlaps("gamma/copycat"));
    REQUIRE(!overlaps.empty());
    CHECK(overlaps[0].id == "acme/chat-7b");
    CHECK(overlaps[0].shared == 2);
    CHECK(overlaps[0].theirs == 2);
  }
  SECTION("re-reading a repository whose weights changed retracts the copy edge") {
    {
      RepoBuilder b(tmp / "run3/gamma/copycat", false);
      b.Set("README.md", "# retrained\n").Set("model.safetensors", Pointer('e', 999));
      b.Commit("2024-02-01", "mallory");
    }
    IngestPaths(*store, {tmp / "run3"});
    CHECK(EdgeTo(testing::Must(store->ParentEdges("gamma/copycat")), "acme/chat-7b") == nullptr);
  }
}

TEST_CASE("Broken content becomes diagnostics and the rest of the repository lands", "[git]") {
  TempFolder tmp;
  std::string config = "{\"_name_or_path\": \"meta/base-a\"}";
  std::string commit;
  {
    RepoBuilder b(tmp / "hub/eps/broken", false);
    b.Set("README.md", Card("base_model: acme/chat-7b\nlicense: mit\n"))
        .Set("config.json", config)
        .Set("model.safetensors", "version https://git-lfs.github.com/spec/v1\noid sha256:" +
                                      std::string(64, 'a') + "\nsize abc\n")
        .Set("adapter_config.json",
             "{\n  \"base_model_name_or_path\": \"acme/chat-7b\",\n  oops\n}\n");
    commit = b.Commit("2024-04-01", "eve");
    // Damage the loose object of config.json.
    Overwrite(b.BlobFile(config), "this is not a zlib stream");
  }
  {
    RepoBuilder b(tmp / "hub/eps/fine", false);
    b.Set("README.md", Card("base_model: meta/base-a\n"));
    b.Commit("2024-04-02", "eve");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});

  auto damaged = DiagnosticsWith(*store, "git_object");
  REQUIRE(damaged.size() == 1);
  CHECK(EndsWith(damaged[0].source, "eps/broken/config.json"));
  auto pointer = DiagnosticsWith(*store, "lfs_pointer");
  REQUIRE(pointer.size() == 1);
  CHECK(EndsWith(pointer[0].source, "eps/broken/model.safetensors"));
  CHECK(pointer[0].line == 3);
  auto json = DiagnosticsWith(*store, "json");
  REQUIRE(json.size() == 1);
  CHECK(EndsWith(json[0].source, "eps/broken/adapter_config.json"));
  CHECK(json[0].line == 3);

  // The card still lands, with its commit, and so does the other repository.
  auto broken_parents = testing::Must(store->ParentEdges("eps/broken"));
  const Edge* e = EdgeTo(broken_parents, "acme/chat-7b");
  REQUIRE(e != nullptr);
  const Evidence* card = EvidenceOf(*e, "card.base_model");
  REQUIRE(card != nullptr);
  CHECK(card->commit == commit);
  CHECK(store->GetArtifact("eps/broken")->license == "mit");
  CHECK(EdgeTo(testing::Must(store->ParentEdges("eps/fine")), "meta/base-a") != nullptr);
}

TEST_CASE("A repository that cannot be opened is a diagnostic; the others land", "[git]") {
  TempFolder tmp;
  {
    RepoBuilder b(tmp / "hub/ok/model", false);
    b.Set("README.md", Card("base_model: meta/base-a\n"));
    b.Commit("2024-01-01", "olga");
  }
  fs::create_directories(tmp / "hub/bad/model/.git");  // a .git with nothing in it
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});
  auto open = DiagnosticsWith(*store, "git_open");
  REQUIRE(open.size() == 1);
  CHECK(EndsWith(open[0].source, "hub/bad/model"));
  CHECK(EdgeTo(testing::Must(store->ParentEdges("ok/model")), "meta/base-a") != nullptr);
}

TEST_CASE("A shallow clone: history stops at the missing parent with a diagnostic", "[git]") {
  TempFolder tmp;
  std::string c1, c2;
  {
    RepoBuilder b(tmp / "hub/zeta/shallow", false);
    b.Set("README.md", Card("base_model: meta/base-a\n"));
    c1 = b.Commit("2023-06-01", "zoe");
    b.Set("README.md", Card("base_model: meta/base-a\nlicense: mit\n"));
    c2 = b.Commit("2023-09-01", "zoe");
    fs::remove(b.ObjectFile(c1));
    std::ofstream(b.git_dir() + "shallow") << c2 << "\n";
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});
  auto cut = DiagnosticsWith(*store, "history_incomplete");
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].message.find(c2.substr(0, 12)) != std::string::npos);
  CHECK(EdgeTo(testing::Must(store->ParentEdges("zeta/shallow")), "meta/base-a") != nullptr);
  auto history = store->History("zeta/shallow");
  REQUIRE(history.ok());
  REQUIRE(!history->empty());
  CHECK(history->front().commit == c2);
  std::vector<std::string> notes;
  auto g = store->ChainAsOf("zeta/shallow", "2023-07-01", &notes);
  REQUIRE(g.ok());
  CHECK(g->edges.empty());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("does not reach") != std::string::npos);
}

TEST_CASE("Ingest with --rev reads an older commit; the same commit again changes nothing",
          "[git]") {
  TempFolder tmp;
  ChatRepo r = BuildChatRepo(tmp / "hub/acme/chat-7b");
  auto store = OpenStore(tmp / "s.db");
  IngestOptions opts;
  opts.rev = r.c3;
  IngestPaths(*store, {tmp / "hub/acme/chat-7b"}, opts);
  auto at_c3 = testing::Must(store->ParentEdges("acme/chat-7b"));
  const Edge* e = EdgeTo(at_c3, "meta/base-b");
  REQUIRE(e != nullptr);
  CHECK(EvidenceOf(*e, "card.base_model")->commit == r.c3);
  CHECK(testing::Must(store->Findings()).size() == 1);  // only what happened up to c3

  IngestSummary again = IngestPaths(*store, {tmp / "hub/acme/chat-7b"}, opts);
  CHECK(again.documents == 0);
  CHECK(again.unchanged >= 1);

  IngestSummary head = IngestPaths(*store, {tmp / "hub/acme/chat-7b"});
  CHECK(head.documents >= 1);
  CHECK(testing::Must(store->ParentEdges("acme/chat-7b")).empty());
  CHECK(testing::Must(store->Findings()).size() == 3);

  SECTION("a revision that names nothing is a usage error for a single repository") {
    IngestOptions bad;
    bad.rev = "no-such-branch";
    std::ostringstream log;
    auto res = Ingest(*store, {tmp / "hub/acme/chat-7b"}, bad, log);
    CHECK(res.status().code() == Status::Code::kInvalidInput);
  }
}

TEST_CASE("Ingest detects a repository and a folder of repositories", "[git]") {
  TempFolder tmp;
  {
    RepoBuilder b(tmp / "one/org/name", false);
    b.Set("README.md", Card("base_model: meta/base-a\n"))
        .Set("config.json", "{\"model_type\": \"llama\"}");
    b.Commit("2024-01-01", "olga");
  }
  CHECK(IsGitRepository(tmp / "one/org/name"));
  CHECK_FALSE(IsGitRepository(tmp / "one/org"));
  CHECK(FindGitRepositories(tmp / "one") == std::vector<std::string>{tmp / "one/org/name"});
  auto store = OpenStore(tmp / "s.db");
  // The working tree's config.json must not be taken for a Hub dump.
  IngestPaths(*store, {tmp / "one/org/name"});
  CHECK(EdgeTo(testing::Must(store->ParentEdges("org/name")), "meta/base-a") != nullptr);
  CHECK(DiagnosticsWith(*store, "json").empty());
}

// --- the command line ------------------------------------------------------------------

int RunLineage(const TempFolder& tmp, const std::string& args, std::string* out, std::string* err) {
  std::string cmd = std::string("'") + LINEAGE_BINARY + "' --db '" + (tmp / "s.db") + "' " + args +
                    " >'" + (tmp / "out.txt") + "' 2>'" + (tmp / "err.txt") + "'";
  int status = std::system(cmd.c_str());
  auto slurp = [](const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  *out = slurp(tmp / "out.txt");
  *err = slurp(tmp / "err.txt");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("lineage history and chain --as-of on the command line", "[git]") {
  TempFolder tmp;
  ChatRepo r = BuildChatRepo(tmp / "hub/acme/chat-7b");
  std::string out, err;
  REQUIRE(RunLineage(tmp, "ingest '" + (tmp / "hub") + "' --no-progress", &out, &err) == 0);

  SECTION("history --format csv lists every change with full commit ids") {
    REQUIRE(RunLineage(tmp, "history acme/chat-7b --format csv", &out, &err) == 0);
    CHECK(out.rfind("id,commit,date,author,file,field,old,new,finding\n", 0) == 0);
    CHECK(out.find("acme/chat-7b," + r.c4 +
                   ",2023-05-01T12:00:00Z,bob <bob@example.org>,README.md,license,apache-2.0,"
                   "cc-by-nc-4.0,license_changed\n") != std::string::npos);
  }
  SECTION("history --findings lists the findings across repositories") {
    REQUIRE(RunLineage(tmp, "history --findings --format json", &out, &err) == 0);
    CHECK(out.find("\"base_model_removed\"") != std::string::npos);
    CHECK(out.find("\"base_model_replaced\"") != std::string::npos);
    CHECK(out.find("\"license_changed\"") != std::string::npos);
    CHECK(out.find("\"relation\"") == std::string::npos);
  }
  SECTION("history of an unknown model fails with a suggestion") {
    CHECK(RunLineage(tmp, "history acme/chat-7c", &out, &err) == 1);
    CHECK(err.find("did you mean 'acme/chat-7b'") != std::string::npos);
  }
  SECTION("history without an id or --findings is bad usage") {
    CHECK(RunLineage(tmp, "history", &out, &err) == 2);
  }
  SECTION("chain --as-of shows the base of that date") {
    REQUIRE(RunLineage(tmp, "chain acme/chat-7b --as-of 2023-02-01 --format csv", &out, &err) == 0);
    CHECK(out.find("meta/base-a") != std::string::npos);
    CHECK(out.find("meta/base-b") == std::string::npos);
    REQUIRE(RunLineage(tmp, "chain acme/chat-7b --as-of 2023-04-01 --format csv", &out, &err) == 0);
    CHECK(out.find("meta/base-b") != std::string::npos);
    CHECK(out.find("meta/base-a") == std::string::npos);
  }
  SECTION("chain --as-of on a model without history says so on stderr") {
    fs::create_directories(tmp / "cards/x/y");
    std::ofstream(tmp / "cards/x/y/README.md") << Card("base_model: acme/chat-7b\n");
    REQUIRE(RunLineage(tmp, "ingest '" + (tmp / "cards") + "' --no-progress", &out, &err) == 0);
    REQUIRE(RunLineage(tmp, "chain x/y --as-of 2023-04-01 --format csv", &out, &err) == 0);
    CHECK(err.find("x/y: no repository history ingested; current edges used") != std::string::npos);
    CHECK(out.find("meta/base-b") != std::string::npos);
  }
}

}  // namespace
}  // namespace lineage

namespace lineage {
namespace {

// Regression (issue 14): an out-of-range number in a repository's config.json
// aborted the whole ingest (an uncaught nlohmann out_of_range), and JSON
// nested 100,000 deep could overflow the stack; one such repository in a
// folder of several lost them all.
TEST_CASE("Hostile config.json and adapter_config.json are diagnostics naming the file; the "
          "other repositories land", "[git]") {
  TempFolder tmp;
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  struct Hostile {
    const char* name;
    const char* file;
    std::string text;
    const char* says;
  };
  std::vector<Hostile> hostile = {
      {"overflow", "config.json", "{\n  \"_name_or_path\": \"acme/base\",\n  \"hidden_size\": 1e999\n}\n",
       "number overflow"},
      {"negative", "adapter_config.json",
       "{\"base_model_name_or_path\": \"acme/base\",\n\"r\": -1e400}", "number overflow"},
      {"deepconfig", "config.json", "{\"_name_or_path\": \"acme/base\", \"x\": " + deep + "}",
       "nested deeper than 512"},
      {"deepadapter", "adapter_config.json", "{\"base_model_name_or_path\": " + deep + "}",
       "nested deeper than 512"},
      {"toplist", "config.json", deep, "expected a JSON object"},
  };
  for (const Hostile& h : hostile) {
    RepoBuilder b(tmp / (std::string("hub/evil/") + h.name), false);
    b.Set("README.md", Card("base_model: meta/base-a\n")).Set(h.file, h.text);
    b.Commit("2024-03-01", "mallory");
  }
  for (const char* name : {"good-1", "good-2", "good-3"}) {
    RepoBuilder b(tmp / (std::string("hub/fine/") + name), false);
    b.Set("README.md", Card("base_model: meta/base-b\n"))
        .Set("config.json", "{\"_name_or_path\": \"acme/base\", \"hidden_size\": 4096}");
    b.Commit("2024-03-02", "olga");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {tmp / "hub"});

  auto json = DiagnosticsWith(*store, "json");
  REQUIRE(json.size() == hostile.size());
  for (const Hostile& h : hostile) {
    INFO(h.name);
    auto it = std::find_if(json.begin(), json.end(), [&](const Diagnostic& d) {
      return EndsWith(d.source, std::string("evil/") + h.name + "/" + h.file);
    });
    REQUIRE(it != json.end());
    CHECK_THAT(it->message, Catch::Contains(h.says));
    CHECK(it->severity == std::string("error"));
    // The hostile repository's card still lands.
    CHECK(EdgeTo(testing::Must(store->ParentEdges(std::string("evil/") + h.name)), "meta/base-a") != nullptr);
  }
  CHECK(json[0].line >= 1);
  for (const char* name : {"good-1", "good-2", "good-3"}) {
    auto parents = testing::Must(store->ParentEdges(std::string("fine/") + name));
    CHECK(EdgeTo(parents, "meta/base-b") != nullptr);
    CHECK(EdgeTo(parents, "acme/base") != nullptr);
  }
}

// Regression (issue 14): a nested config.json cost ~37 times its size in
// memory (nlohmann's document holds each token in a 16-byte value plus its
// container). The reader now keeps only the top-level members it uses.
TEST_CASE("A large nested config.json costs a small multiple of its size in memory", "[git]") {
  TempFolder tmp;
  auto repo = [&](const std::string& name, const std::string& config) {
    RepoBuilder b(tmp / ("hub/" + name), false);
    b.Set("README.md", Card("base_model: meta/base-a\n")).Set("config.json", config);
    b.Commit("2024-03-01", "olga");
  };
  std::string small = "{\"_name_or_path\": \"acme/base\", \"hidden_size\": 4096}";
  std::string big = "{\"_name_or_path\": \"acme/base\", \"hidden_size\": 4096, \"layers\": [";
  const size_t kTarget = size_t{24} << 20;
  while (big.size() < kTarget) big += "{\"a\":[1,[2,[3]],{\"b\":[[4],[5]]}]},";
  big += "{}]}";
  repo("small/model", small);
  repo("big/model", big);
  auto peak_kb = [&](const std::string& path, const std::string& db) {
    long kb = 0;
    pid_t pid = testing::SpawnLineage({"--db", db, "ingest", path, "--no-progress",
                                       "--max-document-size", "67108864"},
                                      tmp / "out",
                                      tmp / "err", {"ASAN_OPTIONS=quarantine_size_mb=0"});
    INFO(testing::ReadFile(tmp / "err"));
    REQUIRE(testing::WaitExit(pid, &kb) == 0);
    return kb;
  };
  long base = peak_kb(tmp / "hub/small/model", tmp / "small.db");
  long nested = peak_kb(tmp / "hub/big/model", tmp / "big.db");
  long growth_kb = nested - base;
  INFO("config " << big.size() / 1024 << " KiB; peak RSS " << base << " KiB small, " << nested
                 << " KiB big");
  // Reading the blob and its copies cost a few times its size; a parsed
  // document would cost some 37 times.
  CHECK(growth_kb < static_cast<long>(big.size() / 1024) * 10);
  auto store = OpenStore(tmp / "big.db");
  CHECK(EdgeTo(testing::Must(store->ParentEdges("big/model")), "acme/base") != nullptr);
}

// `ingest --max-document-size`: a repository's README.md or config.json past
// the limit is not read; a diagnostic names it and the rest of the
// repository, and the other repositories, land.
TEST_CASE("Repository files over the size limit are diagnostics naming them", "[git]") {
  TempFolder tmp;
  std::string padding(4000, 'x');
  {
    RepoBuilder b(tmp / "hub/big/card", false);
    b.Set("README.md", Card("base_model: meta/base-a\n") + padding)
        .Set("config.json", "{\"_name_or_path\": \"acme/base\"}");
    b.Commit("2024-03-01", "olga");
  }
  {
    RepoBuilder b(tmp / "hub/big/config", false);
    b.Set("README.md", Card("base_model: meta/base-a\n"))
        .Set("config.json", "{\"_name_or_path\": \"acme/base\", \"pad\": \"" + padding + "\"}");
    b.Commit("2024-03-01", "olga");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestOptions limited;
  limited.max_document_size = 2000;
  IngestPaths(*store, {tmp / "hub"}, limited);
  auto large = DiagnosticsWith(*store, "too_large");
  REQUIRE(large.size() == 2);
  std::set<std::string> files;
  for (const auto& d : large) {
    files.insert(d.source.substr(d.source.find("hub/") + 4));
    CHECK_THAT(d.message, Catch::Contains("over the limit of 2000") &&
                              Catch::Contains("--max-document-size"));
  }
  CHECK(files == std::set<std::string>{"big/card/README.md", "big/config/config.json"});
  CHECK(EdgeTo(testing::Must(store->ParentEdges("big/card")), "meta/base-a") == nullptr);
  CHECK(EdgeTo(testing::Must(store->ParentEdges("big/card")), "acme/base") != nullptr);
  CHECK(EdgeTo(testing::Must(store->ParentEdges("big/config")), "meta/base-a") != nullptr);
  CHECK(EdgeTo(testing::Must(store->ParentEdges("big/config")), "acme/base") == nullptr);

  SECTION("a higher limit reads them on the next ingest") {
    IngestPaths(*store, {tmp / "hub"});
    CHECK(DiagnosticsWith(*store, "too_large").empty());
    CHECK(EdgeTo(testing::Must(store->ParentEdges("big/card")), "meta/base-a") != nullptr);
    CHECK(EdgeTo(testing::Must(store->ParentEdges("big/config")), "acme/base") != nullptr);
  }
}

// The header of a quantized upload of Llama 3.1 8B; `tokens` pads it past the
// size of an LFS pointer.
std::string HelperGguf(int tokens) {
  testing::GgufWriter w;
  w.String("general.architecture", "llama")
      .String("general.name", "Helper 8B")
      .U32("general.base_model.count", 1)
      .String("general.base_model.0.name", "Llama 3.1 8B")
      .String("general.base_model.0.organization", "Meta Llama")
      .String("general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-3.1-8B");
  std::vector<std::string> vocab;
  for (int i = 0; i < tokens; ++i) vocab.push_back("token" + std::to_string(i));
  w.StringArray("tokenizer.ggml.tokens", vocab);
  return w.Build(3, 1);
}

const std::string kReferenceData = std::string(LINEAGE_SOURCE_DIR) + "/tests/fixtures/reference";

TEST_CASE("A .gguf file whose header names its base gives an inferred parent with gguf.metadata "
          "evidence naming the file",
          "[git]") {
  TempFolder tmp;
  std::string repo = tmp / "hub/zed/helper";
  std::string small = HelperGguf(2), large = HelperGguf(300);
  REQUIRE(small.size() < 1024);
  REQUIRE(large.size() > 1024);
  SECTION("a small file committed as is") {
    RepoBuilder b(repo, true);
    b.Set("README.md", Card("license: mit\n")).Set("helper-Q4_K_M.gguf", small);
    b.Commit("2024-05-01", "zed");
  }
  SECTION("a larger file committed without LFS") {
    RepoBuilder b(repo, true);
    b.Set("README.md", Card("license: mit\n")).Set("helper-Q4_K_M.gguf", large);
    b.Commit("2024-05-01", "zed");
  }
  SECTION("an LFS clone: the commit holds the pointer, the working tree the file") {
    RepoBuilder b(repo, false);
    b.Set("README.md", Card("license: mit\n"))
        .Set("helper-Q4_K_M.gguf", Pointer('e', static_cast<int64_t>(large.size())));
    b.Commit("2024-05-01", "zed");
    testing::WriteFile(repo + "/helper-Q4_K_M.gguf", large);
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {kReferenceData + "/families.csv", kReferenceData + "/known_bases.csv"});
  IngestPaths(*store, {tmp / "hub"});
  auto parents = testing::Must(store->ParentEdges("zed/helper"));
  const Edge* e = EdgeTo(parents, "meta-llama/Llama-3.1-8B");
  REQUIRE(e != nullptr);
  CHECK(e->inferred);
  const Evidence* ev = EvidenceOf(*e, "gguf.metadata");
  REQUIRE(ev != nullptr);
  CHECK(EndsWith(ev->source, "zed/helper/helper-Q4_K_M.gguf"));
  CHECK(ev->detail.find("general.base_model.0.repo_url = "
                        "https://huggingface.co/meta-llama/Llama-3.1-8B") != std::string::npos);
  CHECK(DiagnosticsWith(*store, "gguf_header").empty());
}

TEST_CASE("A GGUF file's header is read only where its content is, and a bad one is a "
          "diagnostic naming the file",
          "[git]") {
  TempFolder tmp;
  std::string header = HelperGguf(300);
  {
    // A clone without LFS content: only the pointer, nothing to read, nothing said.
    RepoBuilder b(tmp / "hub/zed/pointer-only", false);
    b.Set("README.md", Card("license: mit\n"))
        .Set("a.gguf", Pointer('e', static_cast<int64_t>(header.size())));
    b.Commit("2024-05-01", "zed");
  }
  {
    // The working-tree file differs in size from the pointer: another file, not read.
    RepoBuilder b(tmp / "hub/zed/stale", false);
    b.Set("README.md", Card("license: mit\n")).Set("a.gguf", Pointer('f', 999999));
    b.Commit("2024-05-01", "zed");
    testing::WriteFile(tmp / "hub/zed/stale/a.gguf", header);
  }
  {
    RepoBuilder b(tmp / "hub/zed/broken", true);
    b.Set("README.md", Card("base_model: acme/chat-7b\nlicense: mit\n"))
        .Set("cut.gguf", header.substr(0, 700))
        .Set("notgguf.gguf", std::string(2000, 'x'))
        .Set("huge.gguf", "GGUF" + testing::Le32(3) + testing::Le64(0) + testing::Le64(1) +
                              testing::Le64(UINT64_MAX) + std::string(40, 'k'));
    b.Commit("2024-05-01", "zed");
  }
  auto store = OpenStore(tmp / "s.db");
  IngestPaths(*store, {kReferenceData + "/families.csv", kReferenceData + "/known_bases.csv"});
  IngestPaths(*store, {tmp / "hub"});
  CHECK(EdgeTo(testing::Must(store->ParentEdges("zed/pointer-only")), "meta-llama/Llama-3.1-8B") ==
        nullptr);
  CHECK(EdgeTo(testing::Must(store->ParentEdges("zed/stale")), "meta-llama/Llama-3.1-8B") ==
        nullptr);
  std::map<std::string, std::string> bad;
  for (const auto& d : DiagnosticsWith(*store, "gguf_header")) {
    bad[d.source.substr(d.source.find("hub/") + 4)] = d.message;
  }
  REQUIRE(bad.size() == 3);
  CHECK_THAT(bad["zed/broken/cut.gguf"],
             Catch::StartsWith("array 'tokenizer.ggml.tokens' of 300 elements is larger than") &&
                 Catch::EndsWith("; its metadata is not read"));
  CHECK_THAT(bad["zed/broken/notgguf.gguf"], Catch::StartsWith("not a GGUF file"));
  CHECK_THAT(bad["zed/broken/huge.gguf"],
             Catch::Contains("18446744073709551615 bytes long, more than the 40 bytes left"));
  // The rest of the repository lands.
  CHECK(EdgeTo(testing::Must(store->ParentEdges("zed/broken")), "acme/chat-7b") != nullptr);
}

}  // namespace
}  // namespace lineage
