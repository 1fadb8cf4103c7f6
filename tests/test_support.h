// Helpers shared by the tests: temporary folders, files, and small builders
// of store facts. Test-only; nothing here is part of the library.
#ifndef LINEAGE_TESTS_TEST_SUPPORT_H_
#define LINEAGE_TESTS_TEST_SUPPORT_H_

#include <stdlib.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lineage/artifact.h"
#include "lineage/store.h"

namespace lineage::testing {

// A fresh folder under the system temp dir, removed with everything in it
// when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lineage-test-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// Writes `content` byte for byte to `path`, creating parent folders.
inline void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  if (!f) throw std::runtime_error("cannot write " + path);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Writes ROOT/<id>/README.md.
inline void WriteCard(const std::string& root, const std::string& id, const std::string& text) {
  WriteFile(root + "/" + id + "/README.md", text);
}

inline std::unique_ptr<Store> OpenStore(const std::string& path,
                                        Store::Mode mode = Store::Mode::kReadWrite) {
  auto s = Store::Open(path, mode);
  if (!s.ok()) throw std::runtime_error("cannot open store: " + s.status().ToString());
  return std::move(s.value());
}

inline Evidence MakeEvidence(const std::string& kind, Relation relation, double confidence,
                             const std::string& source = "test", int line = 0) {
  Evidence ev;
  ev.kind = kind;
  ev.source = source;
  ev.line = line;
  ev.relation = relation;
  ev.confidence = confidence;
  ev.detail = kind;
  return ev;
}

inline Edge MakeEdge(const std::string& child, const std::string& parent,
                     Relation relation = Relation::kFinetune, double confidence = 0.95,
                     const std::string& kind = "card.base_model") {
  Edge e;
  e.child = child;
  e.parent = parent;
  e.relation = relation;
  e.confidence = confidence;
  e.evidence.push_back(MakeEvidence(kind, relation, confidence));
  return e;
}

// The facts of a document declaring `id` with edges to `parents`.
inline DocumentFacts MakeDoc(const std::string& origin, const std::string& hash,
                             const std::string& id, const std::vector<std::string>& parents = {},
                             Relation relation = Relation::kFinetune) {
  DocumentFacts f;
  f.origin = origin;
  f.content_hash = hash;
  Artifact a;
  a.id = id;
  a.author = id.substr(0, id.find('/'));
  a.declared = true;
  a.source = origin;
  f.artifact = a;
  for (const auto& p : parents) f.edges.push_back(MakeEdge(id, p, relation));
  return f;
}

// Applies `docs` in one committed run; throws when the store refuses.
inline void ApplyRun(Store& store, const std::vector<DocumentFacts>& docs,
                     const Store::CycleFinder& cycles = nullptr) {
  Status st = store.BeginRun("test");
  if (!st.ok()) throw std::runtime_error(st.ToString());
  for (const auto& d : docs) {
    st = store.ApplyDocument(d);
    if (!st.ok()) throw std::runtime_error(st.ToString());
  }
  st = store.CommitRun(cycles);
  if (!st.ok()) throw std::runtime_error(st.ToString());
}

// The value of `r`; throws (failing the test) with its status when it is an error.
template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r.value());
}

inline std::vector<std::string> Parents(const Store& store, const std::string& id) {
  std::vector<std::string> out;
  for (const auto& e : Must(store.ParentEdges(id))) out.push_back(e.parent);
  return out;
}

inline std::vector<std::string> NodeIds(const Subgraph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.artifact.id);
  return out;
}

inline bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// --- Running the built binary (test_support.cc) ----------------------------------
// Each runs LINEAGE_BINARY without a shell, stdin from /dev/null, with the
// test's environment minus LINEAGE_DB and HF_* (so only --db names the store
// and no test reaches the Hub), plus `env` ("NAME=value" entries).

// Starts `lineage ARGS...` with stdout to `out_path` (empty: inherited) and
// stderr to `err_path`; returns its pid. Fails the test when it cannot start.
pid_t SpawnLineage(const std::vector<std::string>& args, const std::string& out_path,
                   const std::string& err_path, const std::vector<std::string>& env = {});

// Waits for `pid`: its exit status, or 128 + the signal that ended it. Sets
// `peak_rss_kb`, when given, to the most memory the process held (ru_maxrss).
int WaitExit(pid_t pid, long* peak_rss_kb = nullptr);

// Runs `argv` (argv[0] found on PATH) to the end, stdout to `out_path` and
// stderr to /dev/null: its exit status, or -1 when it cannot start.
int RunProgram(const std::vector<std::string>& argv, const std::string& out_path);

struct Output {
  int code = -1;
  std::string out, err;
};

// Runs `lineage ARGS...` to the end, its stdout and stderr kept in files under
// `scratch` and read back.
Output RunLineage(const std::string& scratch, const std::vector<std::string>& args,
                  const std::vector<std::string>& env = {});

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_TEST_SUPPORT_H_
