// The report an analyst hands on: the headline both ways by kind of
// dependence, base families, the timeline, licence findings, example chains
// and coverage, as one self-contained HTML file (inline SVG and CSS, no
// scripts, nothing loaded from the network) with every table also as CSV and
// JSON beside it.
#ifndef LINEAGE_REPORT_H_
#define LINEAGE_REPORT_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "lineage/analysis.h"
#include "lineage/graph.h"
#include "lineage/infer.h"
#include "lineage/store.h"

namespace lineage {

using Table = std::vector<std::vector<std::string>>;  // first row = header

struct ReportDirection {
  FlowReport weights;  // the headline: paths over weights edges only
  FlowReport all;      // every kind of dependence between models, for the breakdown
  // Example chains: path ids and, per hop, relation and the evidence source.
  struct Hop {
    std::string id, country, relation, evidence_kind, evidence_source;
  };
  std::vector<std::vector<Hop>> examples;
};

struct ReportModel {
  std::string snapshot_date;  // when the store was last ingested
  std::string data_version;   // runs and schema the figures come from
  StoreStats stats;
  int64_t inferred_edges = 0;  // edges whose relation or existence rests on inference
  std::vector<ReportDirection> directions;
  Timeline timeline;
  std::vector<std::pair<std::string, int64_t>> license_by_rule;
  int64_t license_edges_checked = 0;
  bool license_catalogue = false;
};

struct ReportOptions {
  BlocTable blocs;  // must hold "west" and "cn"
  // The kinds of dependence the headline and the timeline follow (empty:
  // weights); the breakdown always follows every kind between models.
  std::vector<RelationClass> classes;
  InferredFilter inferred;  // --declared-only, --min-confidence
  std::string data_version;  // the reference data built in (BuiltinDataVersion())
};

// Everything the report shows, computed from the store: the flows west -> cn
// and cn -> west with up to three example chains each (one per base, with the
// first evidence of each hop), the timeline weighted by the store's
// popularity, the licence findings at warning or worse by rule (none when the
// store has no licence catalogue), coverage, and the snapshot date (the
// start of the last ingest run). Fails as ResolveBloc or Store reads do.
Result<ReportModel> BuildReportModel(const Store& store, const CompactGraph& graph,
                                     const ReportOptions& options);

// The tables of the report, by file stem ("headline", "families-west-cn", ...).
std::vector<std::pair<std::string, Table>> ReportTables(const ReportModel& m);
// Writes index.html. Every string from the store is HTML-escaped.
void WriteReportHtml(const ReportModel& m, std::ostream& out);
std::string HtmlEscape(const std::string& s);

}  // namespace lineage

#endif  // LINEAGE_REPORT_H_
