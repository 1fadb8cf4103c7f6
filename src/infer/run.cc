// Running inference over a store, calibrating it on the declared edges, and
// the leave-one-out evaluation.
#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

// The declared lineage, for "the publisher of the root base", read from the
// graph scan (row ids) rather than from every model's document.
class RootIndex {
 public:
  explicit RootIndex(const Inferer& inf) : inf_(inf) {}

  void Artifact(int64_t row, const std::string& display, ArtifactKind kind, bool declared) {
    if (row < 0) return;
    size_t r = static_cast<size_t>(row);
    if (r >= display_.size()) {
      display_.resize(r + 1);
      subject_.resize(r + 1, false);
      references_.resize(r + 1, 0);
    }
    display_[r] = display;
    subject_[r] = declared && kind == ArtifactKind::kModel;
  }
  // A declared edge; only a subject's (a declared model's) count, as
  // inference sees them.
  void Edge(int64_t child, int64_t parent, Relation relation) {
    if (!Valid(child) || !Valid(parent) || !subject_[child]) return;
    ++references_[parent];
    if (BlocksInference(relation)) parents_[child].push_back(parent);
  }
  // After the scan: parents in key order (a chain follows the first), and the
  // rows reachable by key.
  void Finish() {
    for (auto& [child, ps] : parents_) {
      if (ps.size() > 1) {
        std::sort(ps.begin(), ps.end(), [this](int64_t a, int64_t b) {
          return IdKey(display_[a]) < IdKey(display_[b]);
        });
      }
      row_by_key_.emplace(IdKey(display_[child]), child);
    }
    for (size_t r = 0; r < references_.size(); ++r) {
      if (references_[r] > 0) row_by_key_.emplace(IdKey(display_[r]), static_cast<int64_t>(r));
    }
  }

  // The display ids of at most `limit` (0: every) models with a declared
  // weights or redistribution parent: the smallest id hashes, in hash order.
  std::vector<std::string> Sample(size_t limit) const {
    std::vector<std::pair<uint64_t, int64_t>> all;
    all.reserve(parents_.size());
    for (const auto& [child, ps] : parents_) all.emplace_back(Fnv(IdKey(display_[child])), child);
    auto cmp = [](const auto& a, const auto& b) { return a < b; };
    if (limit > 0 && all.size() > limit) {
      std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit), all.end(), cmp);
      all.resize(limit);
    }
    std::sort(all.begin(), all.end(), cmp);
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const auto& [h, row] : all) out.push_back(display_[row]);
    return out;
  }

  // The parents of `s` that are in the store only because `s` declared them:
  // no record of their own and no other model naming them. Leave-one-out
  // must not find them by name either.
  std::vector<std::string> OnlyThrough(const InferenceSubject& s) const {
    std::vector<std::string> out;
    for (const lineage::Edge& e : s.declared_parents) {
      std::string key = IdKey(e.parent);
      auto it = row_by_key_.find(key);
      if (it == row_by_key_.end()) continue;
      size_t r = static_cast<size_t>(it->second);
      if (!subject_[r] && references_[r] > 0 && references_[r] <= 1) out.push_back(key);
    }
    return out;
  }
  // A root that is not a known base (a stub nobody described, an upload that
  // declares nothing) is given the publisher of the family its name matches.
  std::string RootPublisher(const std::string& id) const {
    std::string key = IdKey(id);
    auto start = row_by_key_.find(key);
    if (start != row_by_key_.end()) {
      int64_t row = start->second;
      std::unordered_set<int64_t> seen;
      for (int hops = 0; hops < 64; ++hops) {
        auto it = parents_.find(row);
        if (it == parents_.end() || !seen.insert(row).second) break;
        row = it->second.front();
      }
      key = IdKey(display_[static_cast<size_t>(row)]);
    }
    if (!inf_.IsKnownBase(key)) {
      std::string pub = inf_.FamilyPublisher(key);
      if (!pub.empty()) return pub;
    }
    return NamespaceKey(key);
  }

 private:
  bool Valid(int64_t row) const { return row >= 0 && static_cast<size_t>(row) < display_.size(); }

  const Inferer& inf_;
  std::vector<std::string> display_;  // by row id
  std::vector<bool> subject_;         // declared models
  std::vector<int32_t> references_;   // declared edges naming the row as parent
  std::unordered_map<int64_t, std::vector<int64_t>> parents_;  // weights/redistribution parents
  std::unordered_map<std::string, int64_t> row_by_key_;       // children and referenced parents
};

// Builds the engine from the reference data, and reads the graph once: the
// model names (for names inside names) and, when `roots` is given, the
// declared lineage.
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
  void Offer(const std::string& id) {
    if (names_.empty()) return;
    std::string d = Dashed(id);
    std::vector<size_t> starts{0};
    for (size_t i = 0; i < d.size(); ++i) {
      if (d[i] == '-') starts.push_back(i + 1);
    }
    if (starts.size() > 16) return;
    for (size_t a : starts) {
      size_t end = d.find('-', a);
      if (!firsts_.count(d.substr(a, (end == std::string::npos ? d.size() : end) - a))) continue;
      size_t from = a;
      while (true) {
        size_t b = d.find('-', from);
        size_t stop = b == std::string::npos ? d.size() : b;
        if (stop > a && names_.count(d.substr(a, stop - a)) && !changed_.count(IdKey(id))) {
          found_.push_back(id);
          return;
        }
        if (b == std::string::npos) break;
        from = b + 1;
      }
    }
  }
  const std::vector<std::string>& found() const { return found_; }

 private:
  static std::string Dashed(const std::string& id) {
    size_t slash = id.rfind('/');
    std::string d = IdKey(slash == std::string::npos ? id : id.substr(slash + 1));
    for (char& c : d) {
      if (c == '_' || c == ' ') c = '-';
    }
    return d;
  }
  std::unordered_set<std::string> names_, changed_, firsts_;
  std::vector<std::string> found_;
};

Result<std::unique_ptr<Inferer>> LoadInferer(const Store& store,
                                             std::unique_ptr<RootIndex>* roots = nullptr,
                                             Neighbours* neighbours = nullptr) {
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
  Inferer& inferer = **inf;
  RootIndex* index = nullptr;
  if (roots) {
    *roots = std::make_unique<RootIndex>(inferer);
    index = roots->get();
  }
  store.ScanInferenceGraph(
      [&](int64_t row, const std::string& display, ArtifactKind kind, bool declared) {
        if (kind == ArtifactKind::kModel) {
          inferer.AddModel(display);
          if (neighbours && declared) neighbours->Offer(display);
        }
        if (index) index->Artifact(row, display, kind, declared);
      },
      [&](int64_t child, int64_t parent, Relation relation) {
        if (index) index->Edge(child, parent, relation);
      });
  if (index) index->Finish();
  for (const char* kind : {kSignalTokenizer, kSignalParameters}) {
    store.ScanSignals(kind, [&inferer](const std::string& id, const Signal& s) {
      inferer.AddBaseSignal(id, s);
    });
  }
  return inf;
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
std::vector<InferenceSubject> LoadSample(const Store& store, const std::vector<std::string>& ids) {
  std::vector<InferenceSubject> out;
  out.reserve(ids.size());
  store.ScanInferenceSubjects(ids, [&out](const InferenceSubject& s) {
    if (Blocked(s)) out.push_back(s);
  });
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

Result<InferSummary> RunInference(Store& store, const InferOptions& options) {
  auto start = Clock::now();
  bool full = options.ids.empty();
  std::unique_ptr<RootIndex> roots;
  std::optional<Neighbours> neighbours;
  if (!full) neighbours.emplace(options.ids);
  auto inf = LoadInferer(store, full && options.calibrate ? &roots : nullptr,
                         neighbours ? &*neighbours : nullptr);
  if (!inf.ok()) return inf.status();
  // An incremental run re-infers what it changed and the models named after it.
  std::vector<std::string> ids = options.ids;
  if (neighbours) ids.insert(ids.end(), neighbours->found().begin(), neighbours->found().end());
  Inferer& inferer = **inf;
  InferSummary summary;
  summary.neighbours = neighbours ? static_cast<int64_t>(neighbours->found().size()) : 0;
  std::map<std::string, Store::Calibration> calibration;
  if (full && options.calibrate) {
    std::vector<InferenceSubject> declared = LoadSample(store, roots->Sample(4000));
    summary.calibration_models = static_cast<int64_t>(declared.size());
    calibration = Calibrate(inferer, *roots, declared);
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
  st = store.ClearInferred(ids, full);
  if (st.ok() && full && options.calibrate) st = store.SetInferenceCalibration(calibration);
  std::vector<Edge> batch;
  auto flush = [&]() {
    if (!st.ok() || batch.empty()) return;
    int64_t n = 0;
    st = store.PutInferred(batch, &n);
    summary.proposed += n;
    batch.clear();
  };
  if (st.ok()) {
    store.ScanInferenceSubjects(ids, [&](const InferenceSubject& s) {
      if (!st.ok() || Blocked(s) || inferer.IsKnownBase(s.id)) return;
      ++summary.subjects;
      auto props = inferer.Propose(s);
      if (props.empty() || props[0].confidence < options.threshold) return;
      const Proposal& p = props[0];
      // A declared edge to the same parent (component, distillation) stays as it is.
      for (const Edge& d : s.declared_parents) {
        if (IdKey(d.parent) == IdKey(p.parent)) return;
      }
      Edge e;
      e.child = s.id;
      e.parent = p.parent;
      e.relation = p.relation;
      e.relation_inferred = true;
      e.confidence = p.confidence;
      e.inferred = true;
      e.evidence = p.evidence;
      if (p.family_level) ++summary.family_level;
      batch.push_back(std::move(e));
      if (batch.size() >= 4096) flush();
    });
    flush();
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
  std::unique_ptr<RootIndex> root_index;
  auto inf = LoadInferer(store, &root_index);
  if (!inf.ok()) return inf.status();
  Inferer& inferer = **inf;
  const RootIndex& roots = *root_index;
  auto calibration = store.InferenceCalibration();
  if (!calibration.ok()) return calibration.status();
  Reliability rel;
  for (const auto& [k, c] : *calibration) rel[k] = c.reliability;
  inferer.set_reliability(rel);
  std::vector<InferenceSubject> subjects = LoadSample(
      store, roots.Sample(options.sample > 0 ? static_cast<size_t>(options.sample) : 0));
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
