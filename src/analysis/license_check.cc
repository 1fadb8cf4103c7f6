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
    // Every edge, streamed lean (Store::ScanLicenseEdges): each distinct
    // triple of licence fields is normalised once, an edge whose base has no
    // known terms is passed over (CheckEdge would find nothing), and the
    // evidence of the edges with findings is read afterwards, in bulk.
    struct Fields {
      std::string id;  // LicenseCatalogue::Normalize of the triple
      bool base_known = false;  // terms other than other/unknown: CheckEdge may find
      bool artifact_finding = false;  // CheckArtifact finds (on a declared model)
    };
    std::vector<Fields> fields;
    std::vector<bool> seen_children;  // by artifact row id
    std::vector<int64_t> evidence_edges;  // edge rows whose findings want evidence
    std::vector<std::pair<size_t, size_t>> evidence_findings;  // [first, last) of each
    Status st = store.ScanLicenseEdges([&](const LicenseEdgeRow& row) {
      if (!filter.Keeps(row.edge)) return;
      if (fields.empty() && !row.fields->empty()) {
        fields.resize(row.fields->size());
        for (size_t i = 0; i < fields.size(); ++i) {
          const LicenseFields& f = (*row.fields)[i];
          Fields& x = fields[i];
          x.id = cat.Normalize(f.license, f.license_name, f.license_link);
          const LicenseTerms* t = x.id.empty() ? nullptr : cat.Find(x.id);
          x.base_known = t && t->id != "other" && t->id != "unknown";
          x.artifact_finding = (f.license.empty() && f.license_name.empty()) || x.id.empty() ||
                               x.id == "other" || x.id == "unknown";
        }
      }
      ++r.edges_checked;
      uint64_t c = static_cast<uint64_t>(row.child_row);
      if (c >= seen_children.size()) seen_children.resize(c + 1, false);
      if (!seen_children[c]) {
        seen_children[c] = true;
        if (fields[row.child_fields].artifact_finding) keep(CheckArtifact(cat, *row.child));
      }
      if (!fields[row.parent_fields].base_known) return;
      auto fs = CheckEdge(cat, *row.child, *row.parent, row.edge, fields[row.child_fields].id,
                          fields[row.parent_fields].id);
      size_t before = r.findings.size();
      keep(std::move(fs));
      if (r.findings.size() > before) {
        evidence_edges.push_back(row.edge_row);
        evidence_findings.emplace_back(before, r.findings.size());
      }
      if (row.edge.inferred) r.on_inferred += static_cast<int64_t>(r.findings.size() - before);
    });
    if (!st.ok()) return st;
    st = store.EvidenceOfEdges(evidence_edges, [&](size_t i, std::vector<Evidence>&& ev) {
      auto [first, last] = evidence_findings[i];
      for (size_t k = first; k + 1 < last; ++k) r.findings[k].evidence = ev;
      r.findings[last - 1].evidence = std::move(ev);
    });
    if (!st.ok()) return st;
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
  // By (severity, rule, IdKey(child), IdKey(parent)), the keys compared
  // folded in place rather than built for every comparison.
  auto folded_less = [](const std::string& x, const std::string& y) {
    auto fold = [](char ch) {
      return static_cast<unsigned char>(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
    };
    size_t n = std::min(x.size(), y.size());
    for (size_t i = 0; i < n; ++i) {
      unsigned char u = fold(x[i]), v = fold(y[i]);
      if (u != v) return u < v;
    }
    return x.size() < y.size();
  };
  std::sort(r.findings.begin(), r.findings.end(),
            [&folded_less](const LicenseFinding& a, const LicenseFinding& b) {
              if (a.severity != b.severity) {
                return static_cast<int>(a.severity) < static_cast<int>(b.severity);
              }
              int rule = a.rule.compare(b.rule);
              if (rule != 0) return rule < 0;
              if (folded_less(a.child, b.child)) return true;
              if (folded_less(b.child, a.child)) return false;
              return folded_less(a.parent, b.parent);
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
