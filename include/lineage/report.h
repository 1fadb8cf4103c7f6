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

// The tables of the report, by file stem ("headline", "families-west-cn", ...).
std::vector<std::pair<std::string, Table>> ReportTables(const ReportModel& m);
// Writes index.html. Every string from the store is HTML-escaped.
void WriteReportHtml(const ReportModel& m, std::ostream& out);
std::string HtmlEscape(const std::string& s);

}  // namespace lineage

#endif  // LINEAGE_REPORT_H_
