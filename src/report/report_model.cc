// The report's model, computed from the store (include/lineage/report.h).
#include <map>
#include <set>
#include <string>
#include <utility>

#include "lineage/license_check.h"
#include "lineage/report.h"

namespace lineage {

namespace {

// Up to three chains of `r`, one per base, each hop with its relation and
// the first piece of evidence for it.
Result<std::vector<std::vector<ReportDirection::Hop>>> Examples(const Store& store,
                                                                const FlowReport& r) {
  std::vector<std::vector<ReportDirection::Hop>> out;
  std::set<std::string> seen;
  for (const auto& f : r.flows) {
    if (out.size() >= 3) break;
    if (f.path.size() < 2 || !seen.insert(f.base).second) continue;
    std::vector<ReportDirection::Hop> chain;
    for (size_t i = 0; i < f.path.size(); ++i) {
      ReportDirection::Hop h;
      h.id = f.path[i];
      auto a = store.GetArtifact(f.path[i]);
      if (a.ok()) h.country = a->country;
      if (i) {
        h.relation = RelationName(f.relations[i - 1]);
        auto ev = store.EdgeEvidence(f.path[i - 1], f.path[i]);
        if (!ev.ok()) return ev.status();
        if (!ev->empty()) {
          h.evidence_kind = (*ev)[0].kind;
          h.evidence_source = (*ev)[0].source;
        }
      }
      chain.push_back(std::move(h));
    }
    out.push_back(std::move(chain));
  }
  return out;
}

FlowOptions WithClasses(const ReportOptions& o, const std::vector<RelationClass>& classes) {
  FlowOptions fo;
  fo.filter = ClassFilter(classes);
  fo.filter.min_confidence = o.inferred.min_confidence;
  fo.filter.declared_only = o.inferred.declared_only;
  return fo;
}

}  // namespace

Result<ReportModel> BuildReportModel(const Store& store, const CompactGraph& graph,
                                     const ReportOptions& options) {
  ReportModel model;
  auto stats = store.Stats();
  if (!stats.ok()) return stats.status();
  model.stats = std::move(*stats);
  const std::vector<RelationClass> headline =
      options.classes.empty() ? std::vector<RelationClass>{RelationClass::kWeights}
                              : options.classes;
  const std::vector<RelationClass> every = {RelationClass::kWeights, RelationClass::kRedistribution,
                                            RelationClass::kKnowledge, RelationClass::kComponent,
                                            RelationClass::kArchitecture};
  for (auto [from, to] : {std::pair<const char*, const char*>{"west", "cn"}, {"cn", "west"}}) {
    auto r = ComputeFlowsBetween(store, graph, options.blocs, from, to,
                                 WithClasses(options, headline));
    if (!r.ok()) return r.status();
    auto all = ComputeFlowsBetween(store, graph, options.blocs, from, to,
                                   WithClasses(options, every));
    if (!all.ok()) return all.status();
    ReportDirection dir;
    dir.weights = std::move(r.value());
    dir.all = std::move(all.value());
    auto examples = Examples(store, dir.weights);
    if (!examples.ok()) return examples.status();
    dir.examples = std::move(*examples);
    model.directions.push_back(std::move(dir));
  }
  TimelineOptions topt;
  if (!options.classes.empty()) topt.classes = options.classes;
  auto popularity = store.ScanPopularity();
  if (!popularity.ok()) return popularity.status();
  topt.popularity = &*popularity;
  model.timeline = ComputeTimeline(graph, options.blocs, topt);
  model.inferred_edges = model.stats.inferred_relations;
  // The reference data the binary embeds; the snapshot is the last ingest.
  model.data_version = options.data_version;
  auto runs = store.Query("SELECT count(*), coalesce(max(started), '') FROM run");
  if (runs.ok() && runs->size() > 1) model.snapshot_date = (*runs)[1][1];
  auto inferred = store.Query(
      "SELECT count(DISTINCT edge) FROM evidence WHERE inferred = 1 OR kind LIKE 'infer%'");
  if (inferred.ok() && inferred->size() > 1) {
    model.inferred_edges = std::stoll((*inferred)[1][0]);
  }
  auto lic = CheckLicenses(store, "", Severity::kWarning, options.inferred);
  if (lic.ok()) {
    model.license_catalogue = true;
    model.license_edges_checked = lic->edges_checked;
    std::map<std::string, int64_t> by_rule;
    for (const auto& f : lic->findings) ++by_rule[f.rule];
    model.license_by_rule.assign(by_rule.begin(), by_rule.end());
  }
  return model;
}

}  // namespace lineage
