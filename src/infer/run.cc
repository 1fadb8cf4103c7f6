// Running inference over a store, calibrating it on the declared edges, and
// the leave-one-out evaluation.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/string_map.h"
#include "lineage/graph.h"
#include "lineage/infer.h"

namespace lineage {

namespace {

using Clock = std::chrono::steady_clock;

uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string NamespaceKey(const std::string& key) {
  size_t slash = key.find('/');
  return slash == std::string::npos ? std::string() : key.substr(0, slash);
}

// FNV-1a of `s` lower-cased: Fnv(IdKey(s)) without the copy.
uint64_t FnvKey(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// `display` lower-cased is `key`.
bool HasKey(std::string_view display, std::string_view key) {
  if (display.size() != key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = display[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != key[i]) return false;
  }
  return true;
}

// A declared edge as the graph scan gives it.
struct RowEdge {
  int64_t child, parent;
  Relation relation;
};

// Every artifact's display id by row id: a model's is the engine's own copy
// (Inferer::ModelId), anything else's is kept here, all in flat arrays.
class GraphRows {
 public:
  explicit GraphRows(const Inferer& inf) : inf_(inf) {}

  void Add(int64_t row, std::string_view display, uint32_t model) {
    if (row < 0 || row > INT32_MAX) return;
    size_t r = static_cast<size_t>(row);
    if (r >= ref_.size()) ref_.resize(std::max(r + 1, ref_.size() * 3 / 2), kAbsent);
    if (model != kNone) {
      ref_[r] = model;
      return;
    }
    ref_[r] = kOther | static_cast<uint32_t>(other_start_.size() - 1);
    other_arena_.append(display);
    other_start_.push_back(other_arena_.size());
  }
  bool Valid(int64_t row) const {
    return row >= 0 && static_cast<size_t>(row) < ref_.size() && ref_[row] != kAbsent;
  }
  std::string_view Display(int64_t row) const {
    uint32_t ref = ref_[static_cast<size_t>(row)];
    if (!(ref & kOther)) return inf_.ModelId(ref);
    uint32_t i = ref & ~kOther;
    return std::string_view(other_arena_).substr(other_start_[i], other_start_[i + 1] - other_start_[i]);
  }
  size_t size() const { return ref_.size(); }

  static constexpr uint32_t kNone = UINT32_MAX;

 private:
  static constexpr uint32_t kAbsent = UINT32_MAX;
  static constexpr uint32_t kOther = 0x80000000u;
  const Inferer& inf_;
  std::vector<uint32_t> ref_;  // by row: a model index, kOther | other index, or kAbsent
  std::string other_arena_;
  std::vector<size_t> other_start_{0};
};

// The declared lineage, for "the publisher of the root base", read from the
// graph scan (row ids) rather than from every model's document.
class RootIndex {
 public:
  RootIndex(const Inferer& inf, const GraphRows& rows) : inf_(inf), rows_(rows) {}

  void Artifact(int64_t row, ArtifactKind kind, bool declared) {
    if (!rows_.Valid(row)) return;
    size_t r = static_cast<size_t>(row);
    if (r >= subject_.size()) subject_.resize(std::max(r + 1, subject_.size() * 3 / 2), 0);
    subject_[r] = declared && kind == ArtifactKind::kModel;
  }
  // After the scan, with its declared edges: only a subject's (a declared
  // model's) count, as inference sees them. Parents go in key order (a
  // chain follows the first).
  void Finish(const std::vector<RowEdge>& edges) {
    subject_.resize(rows_.size(), 0);
    references_.assign(rows_.size(), 0);
    for (const RowEdge& e : edges) {
      if (!rows_.Valid(e.child) || !rows_.Valid(e.parent) || !subject_[e.child]) continue;
      ++references_[e.parent];
      if (BlocksInference(e.relation)) parents_.emplace_back(e.child, e.parent);
    }
    std::sort(parents_.begin(), parents_.end(), [this](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return IdKey(rows_.Display(a.second)) < IdKey(rows_.Display(b.second));
    });
    // The rows reachable by key: children and referenced parents.
    size_t n = 0;
    for (size_t i = 0; i < parents_.size(); ++i) {
      if (i == 0 || parents_[i].first != parents_[i - 1].first) ++n;
    }
    for (int32_t c : references_) n += c > 0;
    slots_.assign(std::max<size_t>(16, NextPow2(n * 2)), -1);
    for (size_t i = 0; i < parents_.size(); ++i) {
      if (i == 0 || parents_[i].first != parents_[i - 1].first) Insert(parents_[i].first);
    }
    for (size_t r = 0; r < references_.size(); ++r) {
      if (references_[r] > 0) Insert(static_cast<int64_t>(r));
    }
  }

  // The display ids of at most `limit` (0: every) models with a declared
  // weights or redistribution parent: the smallest id hashes, in hash order.
  std::vector<std::string> Sample(size_t limit) const {
    std::vector<std::pair<uint64_t, int64_t>> all;
    for (size_t i = 0; i < parents_.size(); ++i) {
      if (i > 0 && parents_[i].first == parents_[i - 1].first) continue;
      all.emplace_back(FnvKey(rows_.Display(parents_[i].first)), parents_[i].first);
    }
    auto cmp = [](const auto& a, const auto& b) { return a < b; };
    if (limit > 0 && all.size() > limit) {
      std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit), all.end(), cmp);
      all.resize(limit);
    }
    std::sort(all.begin(), all.end(), cmp);
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const auto& [h, row] : all) out.emplace_back(rows_.Display(row));
    return out;
  }

  // The parents of `s` that are in the store only because `s` declared them:
  // no record of their own and no other model naming them. Leave-one-out
  // must not find them by name either.
  std::vector<std::string> OnlyThrough(const InferenceSubject& s) const {
    std::vector<std::string> out;
    for (const lineage::Edge& e : s.declared_parents) {
      std::string key = IdKey(e.parent);
      int64_t row = Find(key);
      if (row < 0) continue;
      size_t r = static_cast<size_t>(row);
      if (!subject_[r] && references_[r] > 0 && references_[r] <= 1) out.push_back(key);
    }
    return out;
  }
  // A root that is not a known base (a stub nobody described, an upload that
  // declares nothing) is given the publisher of the family its name matches.
  std::string RootPublisher(const std::string& id) const {
    std::string key = IdKey(id);
    int64_t row = Find(key);
    if (row >= 0) {
      std::unordered_set<int64_t> seen;
      for (int hops = 0; hops < 64; ++hops) {
        auto it = std::lower_bound(parents_.begin(), parents_.end(), std::make_pair(row, INT64_MIN));
        if (it == parents_.end() || it->first != row || !seen.insert(row).second) break;
        row = it->second;
      }
      key = IdKey(rows_.Display(row));
    }
    if (!inf_.IsKnownBase(key)) {
      std::string pub = inf_.FamilyPublisher(key);
      if (!pub.empty()) return pub;
    }
    return NamespaceKey(key);
  }

 private:
  static size_t NextPow2(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
  }
  void Insert(int64_t row) {
    std::string_view d = rows_.Display(row);
    size_t mask = slots_.size() - 1;
    for (size_t p = FnvKey(d) & mask;; p = (p + 1) & mask) {
      if (slots_[p] < 0) {
        slots_[p] = row;
        return;
      }
      if (slots_[p] == row) return;
    }
  }
  int64_t Find(std::string_view key) const {
    if (slots_.empty()) return -1;
    size_t mask = slots_.size() - 1;
    for (size_t p = Fnv(key) & mask;; p = (p + 1) & mask) {
      if (slots_[p] < 0) return -1;
      if (HasKey(rows_.Display(slots_[p]), key)) return slots_[p];
    }
  }

  const Inferer& inf_;
  const GraphRows& rows_;
  std::vector<char> subject_;        // by row: a declared model
  std::vector<int32_t> references_;  // by row: declared edges naming it as parent
  std::vector<std::pair<int64_t, int64_t>> parents_;  // (child, weights/redistribution parent)
  std::vector<int64_t> slots_;  // rows by key, open addressing; -1 empty
};

// The models whose names hold a changed model's name as whole '-'-separated
// words ("X-GGUF", "team-X-tuned" beside a new "X"): their evidence changed
// with it. Indexed by the first word, so each stored name costs a probe per word.
class Neighbours {
 public:
  explicit Neighbours(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      std::string d = Dashed(id);
      if (d.size() < 4) continue;
      names_.insert(d);
      changed_.insert(IdKey(id));
      firsts_.insert(d.substr(0, d.find('-')));
    }
  }
  void Offer(std::string_view id) {
    if (names_.empty()) return;
    const std::string& d = DashedInto(id, &buffer_);
    std::string_view dv(d);
    size_t words = 1;
    for (char c : dv) words += c == '-';
    if (words > 16) return;
    for (size_t a = 0; a <= dv.size();) {
      size_t end = dv.find('-', a);
      if (end == std::string_view::npos) end = dv.size();
      if (firsts_.count(dv.substr(a, end - a))) {
        for (size_t stop = end;;) {
          if (stop > a && names_.count(dv.substr(a, stop - a)) && !changed_.count(IdKey(id))) {
            found_.emplace_back(id);
            return;
          }
          if (stop >= dv.size()) break;
          size_t next = dv.find('-', stop + 1);
          stop = next == std::string_view::npos ? dv.size() : next;
        }
      }
      a = end + 1;
    }
  }
  const std::vector<std::string>& found() const { return found_; }

 private:
  using Set = StringSet;
  static const std::string& DashedInto(std::string_view id, std::string* out) {
    size_t slash = id.rfind('/');
    out->assign(slash == std::string_view::npos ? id : id.substr(slash + 1));
    for (char& c : *out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      if (c == '_' || c == ' ') c = '-';
    }
    return *out;
  }
  static std::string Dashed(std::string_view id) {
    std::string out;
    DashedInto(id, &out);
    return out;
  }
  Set names_, changed_, firsts_;
  std::string buffer_;
  std::vector<std::string> found_;
};

// A declared model with something to match, kept from the whole-store scan
// for the proposals, with its declared edges (a range of the sorted edges).
struct Kept {
  int64_t row = 0;
  InferenceSubject subject;
  size_t edges_begin = 0, edges_end = 0;
};

// What a full run takes from the one scan of the store.
struct Subjects {
  int64_t examined = 0;     // declared models without a declared parent, not known bases
  std::vector<Kept> kept;   // ... of which those Inferer::MayPropose lets through
};

// The engine built from the reference data and the graph read once: every
// model name (for names inside names); on request the declared lineage
// (`roots`), the neighbours of changed models, and the subjects of a full run.
struct Loaded {
  std::unique_ptr<Inferer> inferer;
  std::unique_ptr<GraphRows> rows;
  std::unique_ptr<RootIndex> roots;
  std::vector<RowEdge> edges;  // declared, sorted by child
};

bool Blocks(const std::vector<RowEdge>& edges, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    if (BlocksInference(edges[i].relation)) return true;
  }
  return false;
}

Result<Loaded> LoadInferer(const Store& store, bool with_roots, Neighbours* neighbours = nullptr,
                           Subjects* subjects = nullptr) {
  auto families = store.Families();
  if (!families.ok()) return families.status();
  if (families->empty()) {
    return Status::NotFound("no base-model families in the store; ingest data/families.csv and "
                            "data/known_bases.csv first");
  }
  auto bases = store.KnownBases();
  if (!bases.ok()) return bases.status();
  auto inf = Inferer::Build(*families, *bases);
  if (!inf.ok()) return inf.status();
  Loaded out;
  out.inferer = std::move(*inf);
  Inferer& inferer = *out.inferer;
  out.rows = std::make_unique<GraphRows>(inferer);
  GraphRows& rows = *out.rows;
  if (with_roots) out.roots = std::make_unique<RootIndex>(inferer, rows);
  RootIndex* index = out.roots.get();
  std::vector<RowEdge>& edges = out.edges;
  size_t next_edge = 0;  // the merge of the artifacts (row order) with the sorted edges
  InferenceScan scan;
  // An incremental run needs only the names: no edges, no rows.
  const bool graph = index || subjects;
  if (graph) {
    scan.edge = [&edges](int64_t child, int64_t parent, Relation relation) {
      edges.push_back(RowEdge{child, parent, relation});
    };
  }
  size_t kept_begin = 0, kept_end = 0;
  // The edges arrive before the artifacts; sorted by child, they merge with
  // them (the artifacts come in row order).
  bool sorted = false;
  auto sort_edges = [&edges, &sorted]() {
    if (sorted) return;
    std::stable_sort(edges.begin(), edges.end(),
                     [](const RowEdge& a, const RowEdge& b) { return a.child < b.child; });
    sorted = true;
  };
  scan.artifact = [&](const InferenceRow& r) {
    sort_edges();
    uint32_t model = GraphRows::kNone;
    if (r.kind == ArtifactKind::kModel) {
      model = inferer.AddModel(r.display);
      if (neighbours && r.declared) neighbours->Offer(r.display);
    }
    if (graph) rows.Add(r.row, r.display, model);
    if (index) index->Artifact(r.row, r.kind, r.declared);
    if (!subjects || !r.declared || r.kind != ArtifactKind::kModel) return false;
    while (next_edge < edges.size() && edges[next_edge].child < r.row) ++next_edge;
    size_t begin = next_edge;
    while (next_edge < edges.size() && edges[next_edge].child == r.row) ++next_edge;
    if (Blocks(edges, begin, next_edge)) return false;
    // Known bases are never subjects.
    if (inferer.IsKnownBase(std::string(r.display))) return false;
    ++subjects->examined;
    if (!inferer.MayPropose(r.display, r.license, r.license_name, r.license_normalized,
                            r.has_signals)) {
      return false;
    }
    kept_begin = begin;
    kept_end = next_edge;
    return true;
  };
  if (subjects) {
    scan.subject = [&](int64_t row, InferenceSubject&& s) {
      Kept k;
      k.row = row;
      k.subject = std::move(s);
      k.edges_begin = kept_begin;
      k.edges_end = kept_end;
      subjects->kept.push_back(std::move(k));
    };
  }
  Status st = store.ScanInferenceGraph(scan);
  if (!st.ok()) return st;
  sort_edges();
  if (index) index->Finish(edges);
  if (subjects) {
    // Declared parents in key order, as the store's subject scans give them.
    for (Kept& k : subjects->kept) {
      for (size_t i = k.edges_begin; i < k.edges_end; ++i) {
        const RowEdge& e = edges[i];
        if (!rows.Valid(e.parent)) continue;
        Edge d;
        d.child = k.subject.id;
        d.parent.assign(rows.Display(e.parent));
        d.relation = e.relation;
        k.subject.declared_parents.push_back(std::move(d));
      }
      auto& ps = k.subject.declared_parents;
      if (ps.size() > 1) {
        std::sort(ps.begin(), ps.end(),
                  [](const Edge& a, const Edge& b) { return IdKey(a.parent) < IdKey(b.parent); });
      }
    }
  }
  for (const char* kind : {kSignalTokenizer, kSignalParameters}) {
    Status st = store.ScanSignals(kind, [&inferer](const std::string& id, const Signal& s) {
      inferer.AddBaseSignal(id, s);
    });
    if (!st.ok()) return st;
  }
  return out;
}

bool Blocked(const InferenceSubject& s) {
  return std::any_of(s.declared_parents.begin(), s.declared_parents.end(),
                     [](const Edge& e) { return BlocksInference(e.relation); });
}

// The subject as if it declared nothing: its declared parents, and the Hub's
// baseModels that repeat them, hidden.
InferenceSubject Hidden(const InferenceSubject& s) {
  InferenceSubject h = s;
  h.declared_parents.clear();
  h.signals.erase(std::remove_if(h.signals.begin(), h.signals.end(),
                                 [](const Signal& x) { return x.kind == kSignalHubBaseModels; }),
                  h.signals.end());
  return h;
}

// The sampled models' own documents, in sample order.
Result<std::vector<InferenceSubject>> LoadSample(const Store& store,
                                                 const std::vector<std::string>& ids) {
  std::vector<InferenceSubject> out;
  out.reserve(ids.size());
  Status st = store.ScanInferenceSubjects(ids, [&out](const InferenceSubject& s) {
    if (Blocked(s)) out.push_back(s);
  });
  if (!st.ok()) return st;
  return out;
}

struct Judged {
  bool exact = false, family = false;
  std::string proposed_family, declared_family, declared;
};

Judged Judge(const RootIndex& roots, const InferenceSubject& s, const std::string& parent) {
  Judged j;
  std::string pkey = IdKey(parent);
  j.proposed_family = roots.RootPublisher(parent);
  for (const Edge& e : s.declared_parents) {
    if (!BlocksInference(e.relation)) continue;
    if (IdKey(e.parent) == pkey) j.exact = true;
    std::string fam = roots.RootPublisher(e.parent);
    if (fam == j.proposed_family) j.family = true;
    if (j.declared_family.empty()) j.declared_family = fam;
    j.declared += (j.declared.empty() ? "" : ", ") + e.parent;
  }
  return j;
}

// Per-kind reliabilities measured on declared models, shrunk toward the priors.
std::map<std::string, Store::Calibration> Calibrate(const Inferer& inf, const RootIndex& roots,
                                                    const std::vector<InferenceSubject>& sample) {
  std::map<std::string, Store::Calibration> out;
  constexpr double kPriorWeight = 4;
  const Reliability& prior = DefaultReliability();
  std::vector<InferenceSubject> hidden;
  hidden.reserve(sample.size());
  for (const InferenceSubject& s : sample) hidden.push_back(Hidden(s));
  for (const auto& kind : Inferer::EvidenceKinds()) {
    Store::Calibration c;
    for (size_t i = 0; i < sample.size(); ++i) {
      const InferenceSubject& s = sample[i];
      auto props = inf.Propose(hidden[i], kind, roots.OnlyThrough(s));
      if (props.empty() || props[0].relation == Relation::kArchitecture) continue;
      ++c.models;
      if (Judge(roots, s, props[0].parent).family) ++c.correct;
    }
    double p0 = prior.count(kind) ? prior.at(kind) : 0.5;
    c.reliability = std::clamp((c.correct + kPriorWeight * p0) / (c.models + kPriorWeight), 0.05,
                               0.97);
    out[kind] = c;
  }
  return out;
}

}  // namespace

namespace {

// What one subject's best proposal gives: an edge when it reaches the
// threshold and no declared edge names the same parent.
struct Proposed {
  bool ok = false;
  bool family_level = false;
  Edge edge;
};

Proposed ProposeEdge(const Inferer& inferer, const InferenceSubject& s, double threshold) {
  Proposed out;
  auto props = inferer.Propose(s);
  if (props.empty() || props[0].confidence < threshold) return out;
  Proposal& p = props[0];
  // A declared edge to the same parent (component, distillation) stays as it is.
  for (const Edge& d : s.declared_parents) {
    if (IdKey(d.parent) == IdKey(p.parent)) return out;
  }
  out.ok = true;
  out.family_level = p.family_level;
  Edge& e = out.edge;
  e.child = s.id;
  e.parent = std::move(p.parent);
  e.relation = p.relation;
  e.relation_inferred = true;
  e.confidence = p.confidence;
  e.inferred = true;
  e.evidence = std::move(p.evidence);
  return out;
}

// The proposals for `kept`, in its order, computed by worker threads in
// chunks; `meanwhile` runs on the calling thread, which then joins the
// workers. Propose is const and keeps nothing between calls.
class Proposer {
 public:
  Proposer(const Inferer& inferer, const std::vector<Kept>& kept, double threshold)
      : inferer_(inferer), kept_(kept), threshold_(threshold), out_(kept.size()) {}

  std::vector<Proposed> Run(const std::function<void()>& meanwhile) {
    unsigned cores = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    size_t workers = kept_.size() >= 4 * kChunk ? cores : 0;
    std::vector<std::thread> threads;
    for (size_t i = 0; i < workers; ++i) threads.emplace_back([this]() { Work(); });
    meanwhile();
    if (workers < 2) Work();  // one core: the calling thread helps once it is free
    for (auto& t : threads) t.join();
    // What a worker threw (std::regex can, on a pathological name) is thrown
    // here, as a single-threaded run would have.
    if (error_) std::rethrow_exception(error_);
    return std::move(out_);
  }

 private:
  static constexpr size_t kChunk = 256;
  void Work() {
    try {
      while (true) {
        size_t begin = next_.fetch_add(kChunk);
        if (begin >= kept_.size()) return;
        size_t end = std::min(begin + kChunk, kept_.size());
        for (size_t i = begin; i < end; ++i) {
          out_[i] = ProposeEdge(inferer_, kept_[i].subject, threshold_);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      next_ = kept_.size();  // the others stop at their next chunk
    }
  }

  const Inferer& inferer_;
  const std::vector<Kept>& kept_;
  double threshold_;
  std::vector<Proposed> out_;
  std::atomic<size_t> next_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace

Result<InferSummary> RunInference(Store& store, const InferOptions& options) {
  auto start = Clock::now();
  bool full = options.ids.empty();
  std::optional<Neighbours> neighbours;
  if (!full) neighbours.emplace(options.ids);
  // A full run reads its subjects in the same scan as the graph, keeping
  // only those with something to match; an incremental one reads its few by id.
  Subjects subjects;
  auto loaded = LoadInferer(store, full && options.calibrate, neighbours ? &*neighbours : nullptr,
                            full ? &subjects : nullptr);
  if (!loaded.ok()) return loaded.status();
  // An incremental run re-infers what it changed and the models named after it.
  std::vector<std::string> ids = options.ids;
  if (neighbours) ids.insert(ids.end(), neighbours->found().begin(), neighbours->found().end());
  Inferer& inferer = *loaded->inferer;
  InferSummary summary;
  summary.neighbours = neighbours ? static_cast<int64_t>(neighbours->found().size()) : 0;
  std::map<std::string, Store::Calibration> calibration;
  if (full && options.calibrate) {
    auto sampled = LoadSample(store, loaded->roots->Sample(4000));
    if (!sampled.ok()) return sampled.status();
    std::vector<InferenceSubject> declared = std::move(sampled.value());
    summary.calibration_models = static_cast<int64_t>(declared.size());
    calibration = Calibrate(inferer, *loaded->roots, declared);
  } else {
    auto stored = store.InferenceCalibration();
    if (!stored.ok()) return stored.status();
    calibration = std::move(*stored);
  }
  Reliability rel;
  for (const auto& [k, c] : calibration) rel[k] = c.reliability;
  inferer.set_reliability(rel);
  summary.reliability = inferer.reliability();

  Status st = store.BeginRun(full ? "infer" : "infer (incremental)");
  if (!st.ok()) return st;
  std::vector<Edge> batch;
  auto put = [&]() {
    if (!st.ok() || batch.empty()) return;
    int64_t n = 0;
    st = store.PutInferred(batch, &n);
    summary.proposed += n;
    batch.clear();
  };
  if (full) {
    // The proposals need nothing of the store: they run while it stores the
    // calibration, and replace the inferred edges at once (a re-run that
    // changes nothing then writes nothing).
    summary.subjects = subjects.examined;
    std::vector<Proposed> proposed =
        Proposer(inferer, subjects.kept, options.threshold).Run([&]() {
          if (options.calibrate) st = store.SetInferenceCalibration(calibration);
        });
    subjects.kept.clear();
    for (Proposed& p : proposed) {
      if (!p.ok) continue;
      if (p.family_level) ++summary.family_level;
      batch.push_back(std::move(p.edge));
    }
    if (st.ok()) st = store.ReplaceInferred(batch, &summary.proposed);
  } else {
    st = store.ClearInferred(ids, false);
    if (st.ok()) {
      Status scanned = store.ScanInferenceSubjects(ids, [&](const InferenceSubject& s) {
        if (!st.ok() || Blocked(s) || inferer.IsKnownBase(s.id)) return;
        ++summary.subjects;
        Proposed p = ProposeEdge(inferer, s, options.threshold);
        if (!p.ok) return;
        if (p.family_level) ++summary.family_level;
        batch.push_back(std::move(p.edge));
        if (batch.size() >= 4096) put();
      });
      if (st.ok()) st = scanned;
    }
    put();
  }
  if (!st.ok()) {
    store.RollbackRun();
    return st;
  }
  st = store.CommitRun(FindCycles);
  if (!st.ok()) return st;
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

Result<EvalReport> EvaluateInference(const Store& store, const EvalOptions& options) {
  auto loaded = LoadInferer(store, true);
  if (!loaded.ok()) return loaded.status();
  Inferer& inferer = *loaded->inferer;
  const RootIndex& roots = *loaded->roots;
  auto calibration = store.InferenceCalibration();
  if (!calibration.ok()) return calibration.status();
  Reliability rel;
  for (const auto& [k, c] : *calibration) rel[k] = c.reliability;
  inferer.set_reliability(rel);
  auto sampled = LoadSample(
      store, roots.Sample(options.sample > 0 ? static_cast<size_t>(options.sample) : 0));
  if (!sampled.ok()) return sampled.status();
  std::vector<InferenceSubject> subjects = std::move(sampled.value());
  EvalReport r;
  r.threshold = options.threshold;
  r.models = static_cast<int64_t>(subjects.size());
  r.overall.kind = "all";
  r.overall.models = r.models;
  std::map<std::string, EvalCounts> per_kind;
  for (const auto& k : Inferer::EvidenceKinds()) {
    per_kind[k].kind = k;
    per_kind[k].models = r.models;
  }
  for (const InferenceSubject& s : subjects) {
    InferenceSubject h = Hidden(s);
    std::vector<std::string> unseen = roots.OnlyThrough(s);
    auto props = inferer.Propose(h, "", unseen);
    if (!props.empty() && props[0].confidence >= options.threshold &&
        props[0].relation != Relation::kArchitecture) {
      const Proposal& p = props[0];
      Judged j = Judge(roots, s, p.parent);
      // A family-level proposal claims the family only: never an exact hit,
      // even when the family's canonical base happens to be the declared parent.
      bool exact = j.exact && !p.family_level;
      ++r.overall.proposed;
      r.overall.family_level += p.family_level;
      r.overall.exact_correct += exact;
      r.overall.family_correct += j.family;
      if (!j.family || (!exact && !p.family_level)) {
        EvalMistake m;
        m.model = s.id;
        m.proposed = p.parent + (p.family_level ? " (family-level)" : "");
        m.declared = j.declared;
        m.proposed_family = j.proposed_family;
        m.declared_family = j.declared_family;
        m.confidence = p.confidence;
        std::set<std::string> kinds;
        for (const auto& ev : p.evidence) kinds.insert(ev.kind);
        for (const auto& k : kinds) m.kinds += (m.kinds.empty() ? "" : ", ") + k;
        if (!j.family) m.kinds += " [wrong family]";
        r.mistakes.push_back(std::move(m));
      }
    }
    // Each kind on its own, at its own word (no threshold).
    for (auto& [kind, c] : per_kind) {
      auto kp = inferer.Propose(h, kind, unseen);
      if (kp.empty() || kp[0].relation == Relation::kArchitecture) continue;
      Judged j = Judge(roots, s, kp[0].parent);
      ++c.proposed;
      c.family_level += kp[0].family_level;
      c.exact_correct += j.exact && !kp[0].family_level;
      c.family_correct += j.family;
    }
  }
  for (const auto& k : Inferer::EvidenceKinds()) {
    if (per_kind[k].proposed > 0) r.by_kind.push_back(per_kind[k]);
  }
  std::stable_sort(r.mistakes.begin(), r.mistakes.end(), [](const EvalMistake& a, const EvalMistake& b) {
    bool fa = a.proposed_family != a.declared_family, fb = b.proposed_family != b.declared_family;
    if (fa != fb) return fa;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return IdKey(a.model) < IdKey(b.model);
  });
  if (options.max_mistakes > 0 && r.mistakes.size() > static_cast<size_t>(options.max_mistakes)) {
    r.mistakes.resize(static_cast<size_t>(options.max_mistakes));
  }
  return r;
}

bool InferredFilter::Keeps(const Edge& e) const {
  if (declared_only && e.inferred) return false;
  return e.confidence + 1e-9 >= min_confidence;
}

int64_t FilterSubgraph(Subgraph* g, const InferredFilter& filter, bool upward) {
  if (!filter.active()) return 0;
  int64_t dropped = 0;
  std::vector<Edge> kept;
  for (auto& e : g->edges) {
    if (filter.Keeps(e)) kept.push_back(std::move(e));
    else ++dropped;
  }
  g->edges = std::move(kept);
  if (dropped == 0) return 0;
  std::unordered_map<std::string, std::vector<std::string>> next;
  for (const Edge& e : g->edges) {
    if (upward) next[IdKey(e.child)].push_back(IdKey(e.parent));
    else next[IdKey(e.parent)].push_back(IdKey(e.child));
  }
  std::unordered_map<std::string, int> depth;
  std::deque<std::string> queue;
  if (!g->root.empty()) {
    depth[IdKey(g->root)] = 0;
    queue.push_back(IdKey(g->root));
  }
  while (!queue.empty()) {
    std::string cur = queue.front();
    queue.pop_front();
    for (const auto& n : next[cur]) {
      if (depth.emplace(n, depth[cur] + 1).second) queue.push_back(n);
    }
  }
  if (g->root.empty()) return dropped;  // an induced graph keeps its nodes
  std::vector<GraphNode> nodes;
  for (auto& n : g->nodes) {
    auto it = depth.find(IdKey(n.artifact.id));
    if (it == depth.end()) continue;
    n.depth = it->second;
    nodes.push_back(std::move(n));
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const GraphNode& a, const GraphNode& b) {
    return a.depth != b.depth ? a.depth < b.depth : IdKey(a.artifact.id) < IdKey(b.artifact.id);
  });
  g->nodes = std::move(nodes);
  std::vector<Edge> edges;
  for (auto& e : g->edges) {
    if (depth.count(IdKey(e.child)) && depth.count(IdKey(e.parent))) edges.push_back(std::move(e));
  }
  g->edges = std::move(edges);
  return dropped;
}

int64_t CountInferred(const std::vector<Edge>& edges) {
  return std::count_if(edges.begin(), edges.end(), [](const Edge& e) { return e.inferred; });
}

}  // namespace lineage
