// Licence checks over the store (include/lineage/license_check.h).
#include "lineage/license_check.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace lineage {

Result<LicenseCheckResult> CheckLicenses(const Store& store, const std::string& id,
                                         Severity min_severity, const InferredFilter& filter) {
  auto licenses = store.Licenses();
  if (!licenses.ok()) return licenses.status();
  const LicenseCatalogue& cat = *licenses;
  if (cat.empty()) {
    return Status::NotFound("no licence catalogue in the store; ingest data/licenses.csv and "
                            "data/license_aliases.csv first");
  }
  LicenseCheckResult r;
  auto keep = [&](std::vector<LicenseFinding>&& fs) {
    for (auto& f : fs) {
      if (static_cast<int>(f.severity) <= static_cast<int>(min_severity)) {
        r.findings.push_back(std::move(f));
      }
    }
  };
  if (!id.empty()) {
    auto g = store.Chain(id);
    if (!g.ok()) return g.status();
    FilterSubgraph(&*g, filter, true);
    std::map<std::string, const Artifact*> arts;
    for (const auto& n : g->nodes) arts[IdKey(n.artifact.id)] = &n.artifact;
    for (const auto& n : g->nodes) keep(CheckArtifact(cat, n.artifact));
    for (const auto& e : g->edges) {
      ++r.edges_checked;
      size_t before = r.findings.size();
      keep(CheckEdge(cat, *arts[IdKey(e.child)], *arts[IdKey(e.parent)], e));
      if (e.inferred) r.on_inferred += static_cast<int64_t>(r.findings.size() - before);
    }
  } else {
    std::set<std::string> seen_children;
    Status evidence_status;  // the first evidence read that failed
    Status st = store.ScanEdgePairs([&](const Artifact& c, const Artifact& p, const Edge& e) {
      if (!filter.Keeps(e) || !evidence_status.ok()) return;
      ++r.edges_checked;
      if (seen_children.insert(IdKey(c.id)).second) keep(CheckArtifact(cat, c));
      auto fs = CheckEdge(cat, c, p, e);
      if (!fs.empty()) {
        auto ev = store.EdgeEvidence(c.id, p.id);
        if (!ev.ok()) {
          evidence_status = ev.status();
          return;
        }
        for (auto& f : fs) f.evidence = *ev;
      }
      size_t before = r.findings.size();
      keep(std::move(fs));
      if (e.inferred) r.on_inferred += static_cast<int64_t>(r.findings.size() - before);
    });
    if (!st.ok()) return st;
    if (!evidence_status.ok()) return evidence_status;
  }
  // With repository history: a licence changed or removed after release.
  std::set<std::string> in_scope;
  if (!id.empty()) {
    auto g = store.Chain(id);
    if (g.ok()) {
      for (const auto& n : g->nodes) in_scope.insert(IdKey(n.artifact.id));
    }
  }
  auto findings = store.Findings();
  if (!findings.ok()) return findings.status();
  for (const HistoryEntry& h : *findings) {
    if (h.finding != "license_changed" && h.finding != "license_removed") continue;
    if (!id.empty() && !in_scope.count(IdKey(h.id))) continue;
    LicenseFinding f;
    f.severity = Severity::kWarning;
    f.rule = "license_changed_after_release";
    f.child = h.id;
    f.child_license = h.new_value;
    f.child_license_id = cat.Normalize(h.new_value, "", "");
    f.message = "licence changed from '" + h.old_value + "' to '" +
                (h.new_value.empty() ? std::string("none") : h.new_value) + "' on " +
                h.date.substr(0, 10) + " by " + h.author;
    Evidence ev;
    ev.kind = "git.history";
    ev.source = h.file;
    ev.commit = h.commit;
    ev.detail = h.field + ": " + h.old_value + " -> " + h.new_value;
    ev.confidence = 1.0;
    f.evidence.push_back(ev);
    if (const LicenseTerms* t = cat.Find(cat.Normalize(h.old_value, "", ""))) {
      if (!t->url.empty()) f.urls.push_back(t->url);
    }
    if (static_cast<int>(f.severity) <= static_cast<int>(min_severity)) {
      r.findings.push_back(std::move(f));
    }
  }
  std::sort(r.findings.begin(), r.findings.end(), [](const LicenseFinding& a, const LicenseFinding& b) {
    return std::make_tuple(static_cast<int>(a.severity), a.rule, IdKey(a.child), IdKey(a.parent)) <
           std::make_tuple(static_cast<int>(b.severity), b.rule, IdKey(b.child), IdKey(b.parent));
  });
  return r;
}

std::map<std::string, std::string> LicenseMarks(const LicenseCatalogue& catalogue,
                                                const Subgraph& g) {
  std::map<std::string, std::string> marks;
  std::map<std::string, const Artifact*> arts;
  for (const auto& n : g.nodes) arts[IdKey(n.artifact.id)] = &n.artifact;
  for (const auto& e : g.edges) {
    auto c = arts.find(IdKey(e.child));
    auto p = arts.find(IdKey(e.parent));
    if (c == arts.end() || p == arts.end()) continue;
    std::string rules;
    for (const auto& f : CheckEdge(catalogue, *c->second, *p->second, e)) {
      if (f.severity == Severity::kInfo) continue;
      rules += (rules.empty() ? "" : ", ") + f.rule;
    }
    if (!rules.empty()) marks[IdKey(e.child) + "\t" + IdKey(e.parent)] = rules;
  }
  return marks;
}

}  // namespace lineage
