#include "lineage/analysis.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <regex>
#include <string>
#include <unordered_map>

namespace lineage {

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<FlowSummaryRow> Rank(const std::map<std::string, std::set<std::string>>& groups) {
  std::vector<FlowSummaryRow> rows;
  for (const auto& [key, models] : groups) {
    rows.push_back({key, static_cast<int64_t>(models.size())});
  }
  std::sort(rows.begin(), rows.end(), [](const FlowSummaryRow& a, const FlowSummaryRow& b) {
    if (a.models != b.models) return a.models > b.models;
    return a.key < b.key;
  });
  return rows;
}

// Families with their patterns compiled once.
class FamilyMatcher {
 public:
  explicit FamilyMatcher(const std::vector<Family>& families) : families_(families) {
    for (const auto& f : families_) {
      std::vector<std::regex> rs;
      for (const auto& p : f.name_patterns) {
        try {
          rs.emplace_back(p, std::regex::ECMAScript | std::regex::icase);
        } catch (const std::regex_error&) {
          // A pattern this library cannot read matches nothing.
        }
      }
      patterns_.push_back(std::move(rs));
    }
  }
  std::string Name(const std::string& root) const {
    std::string key = IdKey(root);
    for (const auto& f : families_) {
      if (!f.canonical_base.empty() && IdKey(f.canonical_base) == key) return f.name;
    }
    size_t slash = root.find('/');
    std::string ns = slash == std::string::npos ? "" : IdKey(root.substr(0, slash));
    std::string name = slash == std::string::npos ? root : root.substr(slash + 1);
    for (size_t i = 0; i < families_.size(); ++i) {
      if (IdKey(families_[i].publisher) != ns) continue;
      for (const auto& re : patterns_[i]) {
        if (std::regex_search(name, re)) return families_[i].name;
      }
    }
    return kUnknownFamily;
  }

 private:
  const std::vector<Family>& families_;
  std::vector<std::vector<std::regex>> patterns_;
};

}  // namespace

std::string FamilyName(const std::vector<Family>& families, const std::string& root_id) {
  return FamilyMatcher(families).Name(root_id);
}

EdgeFilter ClassFilter(const std::vector<RelationClass>& classes) {
  EdgeFilter f;
  for (int r = 0; r < kRelationCount; ++r) {
    f.relations[r] =
        std::find(classes.begin(), classes.end(), ClassOf(static_cast<Relation>(r))) !=
        classes.end();
  }
  return f;
}

Result<Bloc> ResolveBloc(const BlocTable& table, const std::string& name) {
  std::string key = IdKey(name);
  for (const auto& [bloc, countries] : table) {
    if (IdKey(bloc) == key) {
      Bloc b{bloc, {}};
      for (const auto& c : countries) b.countries.insert(Upper(c));
      return b;
    }
  }
  if (name.size() == 2 && std::isalpha(static_cast<unsigned char>(name[0])) &&
      std::isalpha(static_cast<unsigned char>(name[1]))) {
    return Bloc{Upper(name), {Upper(name)}};
  }
  std::string known;
  for (const auto& [bloc, countries] : table) known += (known.empty() ? "" : ", ") + bloc;
  return Status::NotFound("unknown bloc '" + name + "' (known: " +
                          (known.empty() ? "none; ingest data/blocs.json" : known) +
                          "; or give an ISO country code such as CN)");
}

std::string BlocOf(const BlocTable& table, const std::string& country) {
  if (country.empty()) return "";
  std::string c = Upper(country);
  for (const auto& [bloc, countries] : table) {
    for (const auto& x : countries) {
      if (Upper(x) == c) return bloc;
    }
  }
  return "";
}

FlowReport ComputeFlows(const CompactGraph& g, const Bloc& from, const Bloc& to,
                        const FlowOptions& options) {
  FlowReport report;
  report.from = from.name;
  report.to = to.name;
  EdgeFilter filter = options.filter;
  if (options.direct) filter.max_depth = 1;
  // Lineage is about models and their parts: datasets and software are not bases here.
  filter.relations[static_cast<int>(Relation::kTrainedOn)] = false;
  filter.relations[static_cast<int>(Relation::kDependsOn)] = false;
  auto in = [&g](const Bloc& b, CompactGraph::Vertex v) {
    std::string_view c = g.country(v);
    return !c.empty() && b.countries.count(std::string(c)) > 0;
  };
  std::function<bool(CompactGraph::Vertex)> stop = [&](CompactGraph::Vertex v) {
    return in(from, v);
  };
  // A family follows weights edges only (design.md).
  EdgeFilter family_filter = ClassFilter({RelationClass::kWeights});
  family_filter.min_confidence = filter.min_confidence;
  std::unordered_map<CompactGraph::Vertex, std::string> family_cache;
  FamilyMatcher matcher(options.families);
  auto family = [&](CompactGraph::Vertex base) {
    auto it = family_cache.find(base);
    if (it != family_cache.end()) return it->second;
    auto roots = g.Roots(base, family_filter);
    std::string f = roots.empty() ? std::string(g.display(base)) : std::string(g.display(roots[0]));
    if (!options.families.empty()) f = matcher.Name(f);
    family_cache.emplace(base, f);
    return f;
  };
  std::set<std::string> models, bases;
  std::map<std::string, std::set<std::string>> by_org, by_family, by_class;
  for (CompactGraph::Vertex v = 0; v < g.vertex_count(); ++v) {
    if (g.kind(v) != ArtifactKind::kModel || !in(to, v)) continue;
    for (auto& reach : g.NearestAncestors(v, stop, filter)) {
      Flow f;
      f.model = g.display(v);
      f.model_country = g.country(v);
      f.model_organization = g.organization(v);
      f.base = g.display(reach.target);
      f.base_country = g.country(reach.target);
      f.base_organization = g.organization(reach.target);
      f.family = family(reach.target);
      for (auto p : reach.path) f.path.emplace_back(g.display(p));
      f.relations = reach.relations;
      f.inferred = reach.inferred;
      models.insert(f.model);
      bases.insert(f.base);
      auto org = [&g](CompactGraph::Vertex x, const std::string& name) {
        return name.empty() ? std::string(g.author(x)) : name;
      };
      by_org[org(reach.target, f.base_organization) + " -> " + org(v, f.model_organization)]
          .insert(f.model);
      by_family[f.family].insert(f.model);
      for (auto rel : f.relations) by_class[RelationClassName(ClassOf(rel))].insert(f.model);
      report.flows.push_back(std::move(f));
    }
  }
  std::sort(report.flows.begin(), report.flows.end(), [](const Flow& a, const Flow& b) {
    auto ka = IdKey(a.model), kb = IdKey(b.model);
    if (ka != kb) return ka < kb;
    if (a.path.size() != b.path.size()) return a.path.size() < b.path.size();
    return IdKey(a.base) < IdKey(b.base);
  });
  report.models = static_cast<int64_t>(models.size());
  report.bases = static_cast<int64_t>(bases.size());
  report.by_organization = Rank(by_org);
  report.by_family = Rank(by_family);
  report.by_class = Rank(by_class);
  return report;
}

Timeline ComputeTimeline(const CompactGraph& g, const BlocTable& blocs,
                         const TimelineOptions& options) {
  Timeline t;
  std::vector<RelationClass> root_classes = options.classes;
  root_classes.push_back(RelationClass::kWeights);
  EdgeFilter root_filter = ClassFilter(root_classes);
  EdgeFilter counted = ClassFilter(options.classes);
  counted.max_depth = 1;
  EdgeFilter any = ClassFilter({RelationClass::kWeights, RelationClass::kRedistribution,
                                RelationClass::kKnowledge, RelationClass::kComponent,
                                RelationClass::kArchitecture});
  any.max_depth = 1;
  for (auto c : options.classes) t.classes.emplace_back(RelationClassName(c));
  // Popularity by vertex: downloads, downloads_all_time, likes (-1: not known).
  constexpr int kMeasures = 3;
  static const char* const kMeasureNames[kMeasures] = {"downloads", "downloads_all_time",
                                                       "likes"};
  std::vector<std::array<int64_t, kMeasures>> pop;
  if (options.popularity && !options.popularity->empty()) {
    pop.assign(g.vertex_count(), {-1, -1, -1});
    for (const auto& p : *options.popularity) {
      CompactGraph::Vertex v = g.FromRow(p.artifact);
      if (v != CompactGraph::kNone) pop[v] = {p.downloads, p.downloads_all_time, p.likes};
    }
  }
  std::array<Timeline::Weighted, kMeasures> weighted;
  for (int i = 0; i < kMeasures; ++i) weighted[i].measure = kMeasureNames[i];
  std::function<bool(CompactGraph::Vertex)> first = [](CompactGraph::Vertex) { return true; };
  std::set<std::string> months, names;
  for (CompactGraph::Vertex v = 0; v < g.vertex_count(); ++v) {
    if (g.kind(v) != ArtifactKind::kModel) continue;
    auto parents = g.NearestAncestors(v, first, any);
    if (parents.empty()) continue;
    std::set<std::string> parent_classes;
    bool is_counted = false;
    for (const auto& p : parents) {
      if (p.relations.empty()) continue;
      parent_classes.insert(RelationClassName(ClassOf(p.relations[0])));
      if (counted.relations[static_cast<int>(p.relations[0])]) is_counted = true;
    }
    for (const auto& c : parent_classes) ++t.by_class[c];
    if (!is_counted) continue;  // not a derivative of the counted classes
    auto roots = g.Roots(v, root_filter);
    if (roots.empty()) continue;
    std::string_view created = g.created_at(v);
    auto digit = [&created](size_t i) {
      return std::isdigit(static_cast<unsigned char>(created[i])) != 0;
    };
    // Only a date that starts YYYY-MM (month 01-12) counts as dated.
    bool dated = created.size() >= 7 && digit(0) && digit(1) && digit(2) && digit(3) &&
                 created[4] == '-' && digit(5) && digit(6) &&
                 created.substr(5, 2) >= "01" && created.substr(5, 2) <= "12";
    if (!dated) {
      ++t.undated;
      continue;
    }
    std::string month(created.substr(0, 7));
    std::set<std::string> root_blocs;
    for (auto r : roots) {
      std::string b = BlocOf(blocs, std::string(g.country(r)));
      root_blocs.insert(b.empty() ? "unknown" : b);
    }
    months.insert(month);
    ++t.dated;
    for (const auto& b : root_blocs) {
      names.insert(b);
      ++t.counts[month][b];
    }
    if (!pop.empty()) {
      for (int i = 0; i < kMeasures; ++i) {
        int64_t value = pop[v][i];
        if (value < 0) continue;
        ++weighted[i].models_with;
        for (const auto& b : root_blocs) weighted[i].sums[month][b] += value;
      }
    }
  }
  for (auto& w : weighted) {
    if (w.models_with > 0) t.weighted.push_back(std::move(w));
  }
  // Every month from the first to the last, so gaps show as zero on a chart.
  if (!months.empty()) {
    int y = std::stoi(months.begin()->substr(0, 4)), m = std::stoi(months.begin()->substr(5, 2));
    const std::string& last = *months.rbegin();
    for (;;) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
      t.months.emplace_back(buf);
      t.counts[buf];
      if (t.months.back() >= last || t.months.size() > 1200) break;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  for (const auto& n : names) {
    if (n != "unknown") t.blocs.push_back(n);
  }
  if (names.count("unknown")) t.blocs.push_back("unknown");
  return t;
}

std::vector<AdoptionShare> AdoptionShares(const Timeline& t) {
  std::vector<AdoptionShare> out;
  auto add = [&](const std::string& measure,
                 const std::map<std::string, std::map<std::string, int64_t>>& values) {
    std::map<std::string, int64_t> cumulative;
    int64_t cumulative_total = 0;
    static const std::map<std::string, int64_t> kNone;
    for (const auto& m : t.months) {
      auto row_it = values.find(m);
      const auto& row = row_it == values.end() ? kNone : row_it->second;
      int64_t total = 0;
      for (const auto& [b, v] : row) total += v;
      cumulative_total += total;
      for (const auto& b : t.blocs) {
        auto it = row.find(b);
        int64_t v = it == row.end() ? 0 : it->second;
        cumulative[b] += v;
        out.push_back({m, measure, b, v, total, cumulative[b], cumulative_total});
      }
    }
  };
  add("count", t.counts);
  for (const auto& w : t.weighted) add(w.measure, w.sums);
  return out;
}

}  // namespace lineage
