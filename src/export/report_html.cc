#include <cstddef>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include "lineage/export.h"
#include "lineage/report.h"

namespace lineage {

namespace {

std::string E(const std::string& s) { return HtmlEscape(s); }

std::string Pct(int64_t part, int64_t whole) {
  if (whole <= 0) return "0%";
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << 100.0 * static_cast<double>(part) / whole << "%";
  return o.str();
}

std::string Slug(const ReportDirection& d) { return d.weights.from + "-" + d.weights.to; }

Table FamilyTable(const FlowReport& r) {
  Table t{{"family", "models"}};
  for (const auto& row : r.by_family) t.push_back({row.key, std::to_string(row.models)});
  return t;
}

Table ClassTable(const ReportDirection& d) {
  Table t{{"class", "models"}};
  t.push_back({"weights (headline)", std::to_string(d.weights.models)});
  for (const auto& row : d.all.by_class) {
    if (row.key == "weights") continue;
    t.push_back({row.key, std::to_string(row.models)});
  }
  t.push_back({"any kind", std::to_string(d.all.models)});
  return t;
}

void HtmlTable(const Table& t, const std::string& stem, const std::string& source,
               std::ostream& out, size_t max_rows = 15) {
  out << "<table class=\"t\" id=\"" << E(stem) << "\"><thead><tr>";
  for (const auto& h : t[0]) out << "<th>" << E(h) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (size_t i = 1; i < t.size() && i <= max_rows; ++i) {
    out << "<tr>";
    for (const auto& c : t[i]) out << "<td>" << E(c) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  if (t.size() - 1 > max_rows) {
    out << "<p class=\"src\">" << (t.size() - 1 - max_rows) << " more rows in the CSV.</p>";
  }
  out << "<p class=\"src\">Source: " << E(source) << ". Data: <a href=\"" << E(stem)
      << ".csv\">" << E(stem) << ".csv</a>, <a href=\"" << E(stem) << ".json\">" << E(stem)
      << ".json</a>.</p>\n";
}

// Per month: new derivatives, and each bloc's share of them that month and
// cumulatively since the first month.
Table AdoptionTable(const Timeline& t) {
  Table out{{"month", "new_derivatives"}};
  for (const auto& b : t.blocs) out[0].push_back("share_" + b);
  for (const auto& b : t.blocs) out[0].push_back("cumulative_share_" + b);
  std::map<std::string, int64_t> cumulative;
  int64_t cumulative_total = 0;
  for (const auto& m : t.months) {
    const auto& row = t.counts.at(m);
    int64_t total = 0;
    for (const auto& [b, c] : row) total += c;
    cumulative_total += total;
    std::vector<std::string> line{m, std::to_string(total)};
    for (const auto& b : t.blocs) {
      auto it = row.find(b);
      int64_t c = it == row.end() ? 0 : it->second;
      cumulative[b] += c;
      line.push_back(total ? Pct(c, total) : "");
    }
    for (const auto& b : t.blocs) {
      line.push_back(cumulative_total ? Pct(cumulative[b], cumulative_total) : "");
    }
    out.push_back(std::move(line));
  }
  return out;
}

// The header and the last `n` rows of `t`.
Table LastRows(const Table& t, size_t n) {
  if (t.size() <= n + 1) return t;
  Table out{t[0]};
  out.insert(out.end(), t.end() - static_cast<std::ptrdiff_t>(n), t.end());
  return out;
}

// A note on the rows a table shows when it shows the last ones only.
void LastRowsNote(const Table& all, size_t shown, const std::string& what, std::ostream& out) {
  if (all.size() <= shown + 1) return;
  out << "<p class=\"src\">The last " << shown << " of " << (all.size() - 1) << " " << what
      << "; every row is in the CSV.</p>\n";
}

bool IsUrl(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, Table>> ReportTables(const ReportModel& m) {
  std::vector<std::pair<std::string, Table>> out;
  Table head{{"from", "to", "models_weights", "bases_weights", "paths_weights", "models_any_class"}};
  for (const auto& d : m.directions) {
    head.push_back({d.weights.from, d.weights.to, std::to_string(d.weights.models),
                    std::to_string(d.weights.bases), std::to_string(d.weights.flows.size()),
                    std::to_string(d.all.models)});
  }
  out.emplace_back("headline", head);
  for (const auto& d : m.directions) {
    out.emplace_back("classes-" + Slug(d), ClassTable(d));
    out.emplace_back("families-" + Slug(d), FamilyTable(d.weights));
  }
  out.emplace_back("adoption", AdoptionTable(m.timeline));
  out.emplace_back("adoption-shares", lineage::AdoptionTable(m.timeline, true));
  Table lic{{"rule", "findings"}};
  for (const auto& [rule, n] : m.license_by_rule) lic.push_back({rule, std::to_string(n)});
  out.emplace_back("licenses", lic);
  Table cov{{"measure", "value"}};
  cov.push_back({"models", std::to_string(m.stats.models)});
  cov.push_back({"models with a known country", std::to_string(m.stats.models_with_country)});
  cov.push_back({"countries known", std::to_string(m.stats.models_by_country.size())});
  cov.push_back({"edges", std::to_string(m.stats.edges)});
  cov.push_back({"edges resting on inference", std::to_string(m.inferred_edges)});
  cov.push_back({"share of edges resting on inference", Pct(m.inferred_edges, m.stats.edges)});
  cov.push_back({"derivatives without a creation date", std::to_string(m.timeline.undated)});
  cov.push_back({"data version", m.data_version});
  cov.push_back({"snapshot date", m.snapshot_date});
  out.emplace_back("coverage", cov);
  return out;
}

void WriteReportHtml(const ReportModel& m, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<title>lineage report</title>\n<style>\n"
         "body{font-family:Helvetica,Arial,sans-serif;max-width:60em;margin:2em auto;"
         "padding:0 1em;color:#222;line-height:1.4}\n"
         "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}\n"
         ".t{border-collapse:collapse;margin:.5em 0;display:block;overflow-x:auto;font-size:.92em}.t td,.t th{border:1px solid #ccc;"
         "padding:.2em .6em;text-align:left}.t th{background:#f1f3f5}\n"
         ".big{font-size:2em;font-weight:bold}.src{color:#666;font-size:.85em}\n"
         ".chain{font-family:monospace;white-space:pre-wrap}svg{max-width:100%;height:auto}\n"
         "@media print{a{color:inherit}}\n</style></head><body>\n";
  out << "<h1>AI model lineage: who builds on whose bases</h1>\n";
  out << "<p class=\"src\">Snapshot " << E(m.snapshot_date) << "; data version "
      << E(m.data_version) << "; " << m.stats.models << " models, " << m.stats.edges
      << " edges. Written by <code>lineage report</code>.</p>\n";
  auto tables = ReportTables(m);
  auto find = [&tables](const std::string& stem) -> const Table& {
    for (const auto& [s, t] : tables) {
      if (s == stem) return t;
    }
    return tables[0].second;
  };
  out << "<h2 id=\"headline\">Headline</h2>\n<p>Counted over <b>weights</b> edges (finetune, "
         "continued pretraining, adapter, merge): a model counts when its weights descend from a "
         "base owned in the other bloc. Other kinds of dependence (quantized copies, "
         "distillation, components, reused architectures) are shown separately.</p>\n";
  for (const auto& d : m.directions) {
    out << "<div class=\"headline\"><p><span class=\"big\" id=\"headline-" << E(Slug(d)) << "\">"
        << d.weights.models << "</span> models owned in <b>" << E(d.weights.to)
        << "</b> build on " << d.weights.bases << " bases owned in <b>" << E(d.weights.from)
        << "</b> (" << d.weights.flows.size() << " paths; " << d.all.models
        << " with any kind of dependence).</p></div>\n";
    HtmlTable(ClassTable(d), "classes-" + Slug(d),
              "lineage flows --from " + d.weights.from + " --to " + d.weights.to +
                  " --class CLASS, over the store's edges and data/organizations.csv countries",
              out);
  }
  out << "<h2 id=\"families\">Top base families</h2>\n<p>The root each base descends from "
         "through weights edges.</p>\n";
  for (const auto& d : m.directions) {
    out << "<h3>Models in " << E(d.weights.to) << " on bases from " << E(d.weights.from)
        << "</h3>\n";
    HtmlTable(FamilyTable(d.weights), "families-" + Slug(d),
              "lineage flows --from " + d.weights.from + " --to " + d.weights.to +
                  " --class weights (by_family)",
              out, 10);
  }
  out << "<h2 id=\"adoption\">New derivatives over time</h2>\n";
  std::ostringstream svg;
  WriteTimelineSvg(m.timeline, "New derivatives per month (weights edges), by bloc of their roots",
                   svg);
  out << "<figure id=\"timeline-chart\">" << svg.str() << "<figcaption class=\"src\">Source: "
      << "lineage timeline --class weights; creation dates from Hub records and cards. "
      << m.timeline.undated << " derivatives have no creation date and are not drawn. Data: "
      << "<a href=\"timeline.csv\">timeline.csv</a>.</figcaption></figure>\n";
  out << "<h3 id=\"adoption-weighted\">"
      << (m.timeline.weighted.empty() ? "Shares of new derivatives by bloc (counted; no "
                                        "popularity data to weigh by)"
                                      : "Shares counted and weighted by popularity")
      << "</h3>\n";
  std::ostringstream shares_svg;
  WriteAdoptionSvg(m.timeline, "Share of new derivatives by bloc of their roots (weights edges)",
                   shares_svg);
  out << "<figure id=\"adoption-chart\">" << shares_svg.str()
      << "<figcaption class=\"src\">Source: lineage timeline --shares --class weights; "
         "bars are each month's shares, dashed lines the cumulative share since the first "
         "month. Data: <a href=\"adoption-shares.csv\">adoption-shares.csv</a>."
         "</figcaption></figure>\n";
  out << "<p id=\"weights-note\">" << E(AdoptionWeightsNote(m.timeline)) << "</p>\n";
  if (!m.timeline.weighted.empty()) {
    // Twelve months of every measure; the CSV beside it has every month.
    const size_t measures = m.timeline.weighted.size() + 1;
    Table shares = lineage::AdoptionTable(m.timeline, true, false);
    LastRowsNote(shares, 12 * measures, "rows (month and measure)", out);
    Table last = LastRows(shares, 12 * measures);
    HtmlTable(last, "adoption-shares",
              "lineage timeline --shares --class weights; downloads, downloadsAllTime and likes "
              "from the Hub records ingested",
              out, last.size());
  }
  out << "<p>Share of each month's new derivatives by the bloc of their roots (a merge of "
         "roots from two blocs counts once for each, in the total too). "
         "docs/adoption.md relates this to published measures.</p>\n";
  const Table& adoption = find("adoption");
  LastRowsNote(adoption, 24, "months", out);
  HtmlTable(LastRows(adoption, 24), "adoption", "lineage timeline --class weights", out, 24);
  out << "<h2 id=\"licenses\">Licence findings</h2>\n";
  if (m.license_catalogue) {
    out << "<p>" << m.license_edges_checked << " edges checked against the licence "
        << "catalogue.</p>\n";
    HtmlTable(find("licenses"), "licenses",
              "lineage licenses check, rules in README.md, licence terms in data/licenses.csv",
              out, 30);
  } else {
    out << "<p>No licence catalogue in the store; ingest data/licenses.csv.</p>\n";
  }
  out << "<h2 id=\"chains\">Example chains</h2>\n";
  for (const auto& d : m.directions) {
    for (const auto& chain : d.examples) {
      out << "<div class=\"chain\">";
      for (size_t i = 0; i < chain.size(); ++i) {
        const auto& h = chain[i];
        if (i) {
          out << "\n" << std::string(2 * i, ' ') << "\xE2\x94\x94\xE2\x94\x80 " << E(h.relation)
              << " of ";
        }
        out << "<b>" << E(h.id) << "</b> [" << E(h.country.empty() ? "?" : h.country) << "]";
        if (i && !h.evidence_kind.empty()) {
          out << " <span class=\"src\">(" << E(h.evidence_kind);
          if (IsUrl(h.evidence_source)) {
            out << ": <a href=\"" << E(h.evidence_source) << "\">" << E(h.evidence_source)
                << "</a>";
          } else if (!h.evidence_source.empty()) {
            out << ": " << E(h.evidence_source);
          }
          out << ")</span>";
        }
      }
      out << "</div>\n";
    }
  }
  out << "<p class=\"src\">Source: lineage chain ID, evidence per edge as stored.</p>\n";
  out << "<h2 id=\"coverage\">Coverage and method</h2>\n";
  HtmlTable(find("coverage"), "coverage",
            "lineage stats; countries from data/organizations.csv, each with the URL stating it",
            out, 20);
  out << "<p>A country is known only when the namespace's organization names a source; models "
         "of unknown country are counted as neither bloc. An edge rests on inference when its "
         "relation was guessed from tags or names, or it was proposed by inference rather than "
         "declared.</p>\n</body></html>\n";
}

}  // namespace lineage
