// Analyses over the whole graph: blocs, cross-border flows, timelines.
#ifndef LINEAGE_ANALYSIS_H_
#define LINEAGE_ANALYSIS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lineage/graph.h"
#include "lineage/status.h"
#include "lineage/store.h"

namespace lineage {

// A named set of countries. A bare country code is a bloc of one.
struct Bloc {
  std::string name;
  std::set<std::string> countries;
};
using BlocTable = std::vector<std::pair<std::string, std::vector<std::string>>>;

// Resolves `name` (a bloc in `table`, case-insensitive, or an ISO alpha-2
// code) to a Bloc. NotFound names the known blocs.
Result<Bloc> ResolveBloc(const BlocTable& table, const std::string& name);

// The first bloc of `table` (in name order) holding `country`, "" if none.
std::string BlocOf(const BlocTable& table, const std::string& country);

struct FlowOptions {
  bool direct = false;  // only one hop
  EdgeFilter filter;
  // Base families (Store::Families). Empty: a flow's family is its root's id.
  std::vector<Family> families;
};

// The family a root belongs to: the one whose canonical_base is it, or whose
// name patterns match its repository name and whose publisher owns it; else
// "other/unknown". Returns the family's display name.
std::string FamilyName(const std::vector<Family>& families, const std::string& root_id);
inline constexpr const char* kUnknownFamily = "other/unknown";

struct Flow {
  std::string model, model_organization, model_country;
  std::string base, base_organization, base_country;
  // The family of the root the base descends from through weights edges (the
  // root's id when no families are given).
  std::string family;
  std::vector<std::string> path;  // model first, base last
  std::vector<Relation> relations;
  bool inferred = false;  // a hop of `path` is an inferred edge
};

struct FlowSummaryRow {
  std::string key;     // "base org -> derivative org" or a family
  int64_t models = 0;  // distinct derivative models
};

struct FlowReport {
  std::string from, to;
  std::vector<Flow> flows;  // sorted by model, then path length, then base
  int64_t models = 0;       // distinct models in `to` reaching `from`
  int64_t bases = 0;        // distinct bases reached
  std::vector<FlowSummaryRow> by_organization;
  std::vector<FlowSummaryRow> by_family;
  // Distinct models whose path to a base holds an edge of each relation class
  // (key = RelationClassName), largest first; a model may count in several.
  std::vector<FlowSummaryRow> by_class;
};

// Every artifact owned in `to` whose ancestry reaches an artifact owned in
// `from`, through intermediaries of any or unknown country, with the nearest
// such bases and the path to each.
FlowReport ComputeFlows(const CompactGraph& graph, const Bloc& from, const Bloc& to,
                        const FlowOptions& options);

// ComputeFlows between two blocs named as ResolveBloc reads them (NotFound
// for an unknown name), with `options.families` filled from the store's
// families when the store has them.
Result<FlowReport> ComputeFlowsBetween(const Store& store, const CompactGraph& graph,
                                       const BlocTable& blocs, const std::string& from,
                                       const std::string& to, FlowOptions options);

// New derivatives per month, by the bloc of their root bases.
struct Timeline {
  std::vector<std::string> months;  // "YYYY-MM", ascending
  std::vector<std::string> blocs;   // columns, "unknown" last
  // counts[month][bloc]
  std::map<std::string, std::map<std::string, int64_t>> counts;
  int64_t undated = 0;  // derivatives without a creation date
  // Every model with a direct parent of each relation class (dated or not),
  // key = RelationClassName; shown beside the counted classes.
  std::map<std::string, int64_t> by_class;
  std::vector<std::string> classes;  // the classes counted, by name
  int64_t dated = 0;  // derivatives counted in a month (each once, whatever its blocs)
  // The same derivatives weighted by their own popularity (docs/adoption.md):
  // per measure, the sum of each month's derivatives' values by bloc. Only the
  // measures that at least one dated derivative carries are present, in the
  // order downloads, downloads_all_time, likes; empty when no derivative
  // carries any popularity (or none was given).
  struct Weighted {
    std::string measure;  // "downloads", "downloads_all_time" or "likes"
    std::map<std::string, std::map<std::string, int64_t>> sums;  // [month][bloc]
    int64_t models_with = 0;  // dated derivatives carrying the measure (others weigh 0)
  };
  std::vector<Weighted> weighted;
};
struct TimelineOptions {
  // A model counts as a new derivative when it has a direct parent through one
  // of these classes; its roots follow weights edges plus these classes.
  std::vector<RelationClass> classes = {RelationClass::kWeights};
  // Popularity by store row id (Store::ScanPopularity); may be null.
  const std::vector<Popularity>* popularity = nullptr;
};
Timeline ComputeTimeline(const CompactGraph& graph, const BlocTable& blocs,
                         const TimelineOptions& options = {});

// The timeline as shares: one row per month, measure and bloc (months
// ascending; measures "count" first, then Timeline::weighted in order; blocs
// as Timeline::blocs). A merge whose roots lie in two blocs counts (with its
// whole weight) for each, in the month's total too.
struct AdoptionShare {
  std::string month, measure, bloc;
  int64_t value = 0;             // this bloc's count or weight in the month
  int64_t total = 0;             // all blocs' in the month
  int64_t cumulative_value = 0;  // from the first month through this one
  int64_t cumulative_total = 0;
  double share() const { return total > 0 ? static_cast<double>(value) / total : 0; }
  double cumulative_share() const {
    return cumulative_total > 0 ? static_cast<double>(cumulative_value) / cumulative_total : 0;
  }
};
std::vector<AdoptionShare> AdoptionShares(const Timeline& t);

// An edge filter that follows only the relations of `classes`.
EdgeFilter ClassFilter(const std::vector<RelationClass>& classes);

// The models on the paths of `flows`, with the edges between them, as a
// graph to draw (depth: the node's first position on a path). IoError when
// the store cannot be read.
Result<Subgraph> FlowSubgraph(const Store& store, const FlowReport& flows);

// Keeps the nodes at most `max_depth` hops from the root and the edges out of
// nodes nearer than that.
void LimitDepth(Subgraph* g, int max_depth);

}  // namespace lineage

#endif  // LINEAGE_ANALYSIS_H_
