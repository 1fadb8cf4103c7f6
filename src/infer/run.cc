// Running inference over a store, calibrating it on the declared edges, and
// the leave-one-out evaluation.
#include <algorithm>
#include <chrono>
#include <deque>
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

// The declared lineage, for "the publisher of the root base".
class RootIndex {
 public:
  void Add(const InferenceSubject& s) {
    std::vector<std::string> ps;
    declared_.insert(IdKey(s.id));
    for (const Edge& e : s.declared_parents) {
      ++references_[IdKey(e.parent)];
      if (BlocksInference(e.relation)) ps.push_back(IdKey(e.parent));
    }
    std::sort(ps.begin(), ps.end());
    if (!ps.empty()) parents_[IdKey(s.id)] = std::move(ps);
  }
  // The namespace of the root reached by following each first declared parent.
  explicit RootIndex(const Inferer& inf) : inf_(inf) {}
  // The parents of `s` that are in the store only because `s` declared them:
  // no record of their own and no other model naming them. Leave-one-out
  // must not find them by name either.
  std::vector<std::string> OnlyThrough(const InferenceSubject& s) const {
    std::vector<std::string> out;
    for (const Edge& e : s.declared_parents) {
      std::string key = IdKey(e.parent);
      auto it = references_.find(key);
      if (!declared_.count(key) && it != references_.end() && it->second <= 1) out.push_back(key);
    }
    return out;
  }
  // A root that is not a known base (a stub nobody described, an upload that
  // declares nothing) is given the publisher of the family its name matches.
  std::string RootPublisher(const std::string& id) const {
    std::string key = IdKey(id);
    std::unordered_set<std::string> seen;
    for (int hops = 0; hops < 64; ++hops) {
      auto it = parents_.find(key);
      if (it == parents_.end() || !seen.insert(key).second) break;
      key = it->second.front();
    }
    if (!inf_.IsKnownBase(key)) {
      std::string pub = inf_.FamilyPublisher(key);
      if (!pub.empty()) return pub;
    }
    return NamespaceKey(key);
  }

 private:
  const Inferer& inf_;
  std::unordered_map<std::string, std::vector<std::string>> parents_;
  std::unordered_set<std::string> declared_;
  std::unordered_map<std::string, int> references_;
};

Result<std::unique_ptr<Inferer>> LoadInferer(const Store& store) {
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
  store.ScanNodes([&inf](const NodeRow& n) {
    if (n.kind == ArtifactKind::kModel) (*inf)->AddModel(n.display);
  });
  for (const char* kind : {kSignalTokenizer, kSignalParameters}) {
    store.ScanSignals(kind, [&inf](const std::string& id, const Signal& s) {
      (*inf)->AddBaseSignal(id, s);
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

// A deterministic sample of at most `limit` subjects: the smallest id hashes.
class Sample {
 public:
  explicit Sample(size_t limit) : limit_(limit) {}
  void Offer(const InferenceSubject& s) {
    uint64_t h = Fnv(IdKey(s.id));
    if (limit_ > 0 && heap_.size() >= limit_ && h >= heap_.top().first) return;
    heap_.push({h, items_.size()});
    items_.push_back(s);
    if (limit_ > 0 && heap_.size() > limit_) {
      items_[heap_.top().second] = InferenceSubject{};
      dropped_.insert(heap_.top().second);
      heap_.pop();
    }
  }
  std::vector<InferenceSubject> Take() {
    std::vector<std::pair<uint64_t, size_t>> order;
    while (!heap_.empty()) {
      order.push_back(heap_.top());
      heap_.pop();
    }
    std::sort(order.begin(), order.end());
    std::vector<InferenceSubject> out;
    for (const auto& [h, i] : order) out.push_back(std::move(items_[i]));
    return out;
  }

 private:
  size_t limit_;
  std::priority_queue<std::pair<uint64_t, size_t>> heap_;
  std::vector<InferenceSubject> items_;
  std::unordered_set<size_t> dropped_;
};

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
  auto inf = LoadInferer(store);
  if (!inf.ok()) return inf.status();
  Inferer& inferer = **inf;
  InferSummary summary;
  bool full = options.ids.empty();
  std::map<std::string, Store::Calibration> calibration;
  if (full && options.calibrate) {
    RootIndex roots(inferer);
    Sample sample(4000);
    store.ScanInferenceSubjects({}, [&](const InferenceSubject& s) {
      roots.Add(s);
      if (Blocked(s)) sample.Offer(s);
    });
    std::vector<InferenceSubject> declared = sample.Take();
    summary.calibration_models = static_cast<int64_t>(declared.size());
    calibration = Calibrate(inferer, roots, declared);
  } else {
    calibration = store.InferenceCalibration();
  }
  Reliability rel;
  for (const auto& [k, c] : calibration) rel[k] = c.reliability;
  inferer.set_reliability(rel);
  summary.reliability = inferer.reliability();

  Status st = store.BeginRun(full ? "infer" : "infer (incremental)");
  if (!st.ok()) return st;
  st = store.ClearInferred(options.ids, full);
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
    store.ScanInferenceSubjects(options.ids, [&](const InferenceSubject& s) {
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
  auto inf = LoadInferer(store);
  if (!inf.ok()) return inf.status();
  Inferer& inferer = **inf;
  Reliability rel;
  for (const auto& [k, c] : store.InferenceCalibration()) rel[k] = c.reliability;
  inferer.set_reliability(rel);
  RootIndex roots(inferer);
  Sample sample(options.sample > 0 ? static_cast<size_t>(options.sample) : 0);
  store.ScanInferenceSubjects({}, [&](const InferenceSubject& s) {
    roots.Add(s);
    if (Blocked(s)) sample.Offer(s);
  });
  std::vector<InferenceSubject> subjects = sample.Take();
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
