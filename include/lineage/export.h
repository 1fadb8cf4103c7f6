// Writers: text for people, JSON and CSV for scripts, DOT and GraphML for
// pictures. Each takes a std::ostream&, escapes for its format, and writes
// nodes and edges in sorted order so the same store gives identical bytes.
#ifndef LINEAGE_EXPORT_H_
#define LINEAGE_EXPORT_H_

#include <iosfwd>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lineage/analysis.h"
#include "lineage/artifact.h"
#include "lineage/license.h"
#include "lineage/store.h"

namespace lineage {

// --- One artifact ---------------------------------------------------------------
void WriteShowText(const Artifact& a, const std::vector<Edge>& parents,
                   const std::vector<Edge>& children, std::ostream& out,
                   int64_t children_total = -1);
void WriteShowJson(const Artifact& a, const std::vector<Edge>& parents,
                   const std::vector<Edge>& children, std::ostream& out,
                   int64_t children_total = -1);
// `children_total` (when >= 0) is how many children there are in all, when
// `children` lists only the first of them.

// --- Graph-shaped results (chain, descendants, export json) ------------------------
// `upward`: edges point from the root towards its ancestors (chain), else
// towards descendants. Text is an indented tree with relation, licence and
// evidence per hop; a node reached twice is printed once and then referred to.
void WriteTreeText(const Subgraph& g, bool upward, std::ostream& out);
void WriteGraphJson(const Subgraph& g, std::ostream& out);
void WriteGraphCsv(const Subgraph& g, std::ostream& out);
// `export csv`: one row per node (sorted by id key, with its bloc) and one row
// per edge, each with a header row, quoted as RFC 4180 says.
void WriteNodesCsv(const Subgraph& g, const BlocTable& blocs, std::ostream& out);
void WriteEdgesCsv(const Subgraph& g, std::ostream& out);

struct DotOptions {
  std::string title;
  // Colour nodes by the bloc of their country (bloc name -> countries).
  BlocTable blocs;
  bool cluster_by_organization = false;
  // Edges to mark (e.g. with licence findings): "child-key\tparent-key" -> note.
  std::map<std::string, std::string> marked_edges;
  // A node with more children than this draws the children that lead on and
  // the first leaves, and one "N more" node for the other leaves (0: all).
  int max_children = 12;
  // Wide ranks are stacked into rows (invisible edges) until the estimated
  // picture is at most this many times as wide as it is high (0: never).
  double max_aspect = 3.0;
};
void WriteDot(const Subgraph& g, const DotOptions& options, std::ostream& out);
void WriteGraphml(const Subgraph& g, std::ostream& out);
// With `blocs`, nodes carry the bloc of their country. Every data key used is
// declared in the header.
void WriteGraphml(const Subgraph& g, const BlocTable& blocs, std::ostream& out);

// --- CycloneDX 1.6 ML-BOM (docs/cyclonedx.md) ---------------------------------------
struct CycloneDxOptions {
  const LicenseCatalogue* licenses = nullptr;  // SPDX ids for known licences; may be null
  std::string tool_version;                    // metadata.tools: the lineage version
  std::string data_version;                    // the reference data the store holds
};
// `chain` is a model's ancestry (Store::Chain): its root becomes
// metadata.component, every other node a component (models as
// machine-learning-model, datasets as data), each with its direct parents as
// pedigree ancestors carrying the edge and its evidence as lineage:* properties.
void WriteCycloneDx(const Subgraph& chain, const CycloneDxOptions& options, std::ostream& out);

// --- Flows -----------------------------------------------------------------------
void WriteFlowsText(const FlowReport& r, std::ostream& out, size_t max_rows = 0);
void WriteFlowsJson(const FlowReport& r, std::ostream& out);
void WriteFlowsCsv(const FlowReport& r, std::ostream& out);

// --- Timeline --------------------------------------------------------------------
void WriteTimelineText(const Timeline& t, std::ostream& out);
void WriteTimelineCsv(const Timeline& t, std::ostream& out);
void WriteTimelineSvg(const Timeline& t, const std::string& title, std::ostream& out);
// Everything ComputeTimeline found, with AdoptionShares as "shares" (share
// null when a month has no derivative) and the measures present as
// "weighted_by" (docs/adoption.md).
void WriteTimelineJson(const Timeline& t, std::ostream& out);

// --- Adoption shares (docs/adoption.md) --------------------------------------------
// One row per month and measure (count, then the weights present): the total,
// each bloc's value, its share, the cumulative total and each bloc's
// cumulative share; shares as fractions with 4 decimals, or with `percent` as
// "12.5%" (empty when the total is 0). Without `with_values`, only month,
// measure, total and the share columns.
std::vector<std::vector<std::string>> AdoptionTable(const Timeline& t, bool percent,
                                                    bool with_values = true);
// One 100%-stacked panel per measure of each month's shares, with the
// cumulative share of every known bloc as a dashed line.
void WriteAdoptionSvg(const Timeline& t, const std::string& title, std::ostream& out);
// "counted (each new derivative once)", "weighted by likes", ...
std::string AdoptionMeasureLabel(const std::string& measure);
// A sentence on what the weighted shares rest on: for each measure, how many
// dated derivatives carry it; or, plainly, that none carries any popularity.
std::string AdoptionWeightsNote(const Timeline& t);

// --- Licence findings ---------------------------------------------------------------
// `format` is text, json or csv. `bloc_of` names the bloc of an artifact id,
// for the summary by base and derivative bloc.
void WriteLicenseFindings(const std::vector<LicenseFinding>& findings, int64_t edges_checked,
                          const std::string& format,
                          const std::function<std::string(const std::string&)>& bloc_of,
                          std::ostream& out);

// --- Store-wide ------------------------------------------------------------------
void WriteDiagnosticsText(const std::vector<Diagnostic>& d, std::ostream& out);
void WriteDiagnosticsJson(const std::vector<Diagnostic>& d, std::ostream& out);
void WriteDiagnosticsCsv(const std::vector<Diagnostic>& d, std::ostream& out);
void WriteStatsText(const StoreStats& s, std::ostream& out);
void WriteStatsJson(const StoreStats& s, std::ostream& out);

// A table (first row = header) as text columns, CSV or JSON objects.
void WriteTableText(const std::vector<std::vector<std::string>>& rows, std::ostream& out);
void WriteTableCsv(const std::vector<std::vector<std::string>>& rows, std::ostream& out);
void WriteTableJson(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

// Escapers, exposed for tests.
std::string DotEscape(const std::string& s);  // inside a "quoted" DOT string
std::string XmlEscape(const std::string& s);
std::string CsvField(const std::string& s);

}  // namespace lineage

#endif  // LINEAGE_EXPORT_H_
