// Adoption shares (the timeline as each bloc's share of a month's new
// derivatives, counted and weighted by popularity): tables, JSON and an SVG
// chart of one panel per measure.
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "export/internal.h"
#include "lineage/export.h"

namespace lineage {

namespace {

using export_internal::ordered_json;

std::string Fraction(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

// The dash pattern of the cumulative line of the bloc at `index`.
const char* Dashes(size_t index) {
  static const char* const kDashes[] = {"6,3", "2,2", "10,3,2,3", "1,4"};
  return kDashes[index % 4];
}

std::vector<std::string> Measures(const Timeline& t) {
  std::vector<std::string> m{"count"};
  for (const auto& w : t.weighted) m.push_back(w.measure);
  return m;
}

}  // namespace

std::string AdoptionMeasureLabel(const std::string& measure) {
  if (measure == "count") return "counted (each new derivative once)";
  if (measure == "downloads") return "weighted by downloads (the Hub's last 30 days)";
  if (measure == "downloads_all_time") return "weighted by all-time downloads";
  if (measure == "likes") return "weighted by likes";
  return measure;
}

std::string AdoptionWeightsNote(const Timeline& t) {
  if (t.weighted.empty()) {
    return "No derivative counted here carries downloads or likes, so the shares are by count "
           "only. Popularity comes from Hub API records (lineage fetch, or a dump of "
           "/api/models with downloads, downloadsAllTime and likes).";
  }
  std::string s = "Weighted shares use each derivative's own popularity as its Hub record gives "
                  "it: ";
  for (size_t i = 0; i < t.weighted.size(); ++i) {
    const auto& w = t.weighted[i];
    s += (i ? "; " : "") + w.measure + " known for " + std::to_string(w.models_with) + " of " +
         std::to_string(t.dated) + " dated derivatives";
  }
  return s + " (a derivative without the figure weighs 0).";
}

std::vector<std::vector<std::string>> AdoptionTable(const Timeline& t, bool percent,
                                                    bool with_values) {
  auto fmt = [percent](int64_t part, int64_t whole) {
    return percent ? Percent(part, whole) : Fraction(part, whole);
  };
  std::vector<std::vector<std::string>> out{{"month", "measure", "total"}};
  for (const auto& b : t.blocs) out[0].push_back(b);
  for (const auto& b : t.blocs) out[0].push_back("share_" + b);
  out[0].push_back("cumulative_total");
  for (const auto& b : t.blocs) out[0].push_back("cumulative_share_" + b);
  std::vector<AdoptionShare> shares = AdoptionShares(t);
  const size_t n = t.blocs.size();
  // AdoptionShares gives each measure's months in order, blocs within.
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; n > 0 && i + n <= shares.size(); i += n) {
    const AdoptionShare& first = shares[i];
    std::vector<std::string> row{first.month, first.measure, std::to_string(first.total)};
    for (size_t j = 0; j < n; ++j) row.push_back(std::to_string(shares[i + j].value));
    for (size_t j = 0; j < n; ++j) row.push_back(fmt(shares[i + j].value, first.total));
    row.push_back(std::to_string(first.cumulative_total));
    for (size_t j = 0; j < n; ++j) {
      row.push_back(fmt(shares[i + j].cumulative_value, first.cumulative_total));
    }
    rows.push_back(std::move(row));
  }
  // Month first, measures in their order within a month.
  std::vector<std::string> measures = Measures(t);
  std::stable_sort(rows.begin(), rows.end(), [&measures](const auto& a, const auto& b) {
    if (a[0] != b[0]) return a[0] < b[0];
    return std::find(measures.begin(), measures.end(), a[1]) <
           std::find(measures.begin(), measures.end(), b[1]);
  });
  for (auto& r : rows) out.push_back(std::move(r));
  if (!with_values) {
    // month, measure, total, then the share_ and cumulative_share_ columns.
    const std::vector<std::string> header = out[0];
    for (auto& row : out) {
      std::vector<std::string> kept;
      for (size_t c = 0; c < row.size(); ++c) {
        if (c < 3 || header[c].rfind("share_", 0) == 0 ||
            header[c].rfind("cumulative_share_", 0) == 0) {
          kept.push_back(std::move(row[c]));
        }
      }
      row = std::move(kept);
    }
  }
  return out;
}

void WriteTimelineJson(const Timeline& t, std::ostream& out) {
  ordered_json j;
  j["classes"] = t.classes;
  j["blocs"] = t.blocs;
  j["months"] = t.months;
  j["dated"] = t.dated;
  j["undated"] = t.undated;
  ordered_json counts = ordered_json::object();
  for (const auto& m : t.months) {
    ordered_json row = ordered_json::object();
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(m).find(b);
      row[b] = it == t.counts.at(m).end() ? 0 : it->second;
    }
    counts[m] = std::move(row);
  }
  j["counts"] = std::move(counts);
  ordered_json by_class = ordered_json::object();
  for (const auto& [c, n] : t.by_class) by_class[c] = n;
  j["by_class"] = std::move(by_class);
  ordered_json weighted = ordered_json::array();
  for (const auto& w : t.weighted) {
    weighted.push_back({{"measure", w.measure}, {"models_with", w.models_with}});
  }
  j["weighted_by"] = std::move(weighted);
  j["weights_note"] = AdoptionWeightsNote(t);
  ordered_json shares = ordered_json::array();
  for (const auto& s : AdoptionShares(t)) {
    ordered_json r;
    r["month"] = s.month;
    r["measure"] = s.measure;
    r["bloc"] = s.bloc;
    r["value"] = s.value;
    r["total"] = s.total;
    r["share"] = s.total > 0 ? ordered_json(s.share()) : ordered_json(nullptr);
    r["cumulative_value"] = s.cumulative_value;
    r["cumulative_total"] = s.cumulative_total;
    r["cumulative_share"] =
        s.cumulative_total > 0 ? ordered_json(s.cumulative_share()) : ordered_json(nullptr);
    shares.push_back(std::move(r));
  }
  j["shares"] = std::move(shares);
  export_internal::Dump(j, out);
}

void WriteAdoptionSvg(const Timeline& t, const std::string& title, std::ostream& out) {
  const std::vector<std::string> measures = Measures(t);
  const std::vector<AdoptionShare> shares = AdoptionShares(t);
  const int left = 60, top = 50, panel_h = 150, panel_gap = 56, bottom = 80;
  const int panels = static_cast<int>(measures.size());
  const int height = top + panels * panel_h + (panels - 1) * panel_gap + bottom;
  const int months = std::max<int>(1, static_cast<int>(t.months.size()));
  // As the count chart: bars narrow as months accumulate, so even one panel
  // stays at most three times as wide as it is high.
  const int step = std::clamp((3 * (top + panel_h + bottom) - left - 190) / months, 3, 24);
  const int bar_w = std::max(2, step * 3 / 4), gap = step - bar_w;
  const size_t label_every = static_cast<size_t>(std::max(3, (72 + step - 1) / step));
  const int width = left + months * step + 190;
  const size_t n = t.blocs.size();
  auto fill = [&t](const std::string& b) { return export_internal::BarColor(t.blocs, b); };
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height
      << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">\n";
  out << "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "  <text x=\"" << left << "\" y=\"24\" font-size=\"14\">" << XmlEscape(title)
      << "</text>\n";
  out << std::fixed << std::setprecision(1);
  for (int k = 0; k < panels; ++k) {
    const int y0 = top + k * (panel_h + panel_gap);
    const double base = y0 + panel_h;
    out << "  <g class=\"panel\" id=\"share-" << XmlEscape(measures[k]) << "\">\n";
    out << "  <text x=\"" << left << "\" y=\"" << y0 - 8 << "\" font-size=\"12\">"
        << XmlEscape("Share of new derivatives, " + AdoptionMeasureLabel(measures[k])) << "</text>\n";
    out << "  <line x1=\"" << left << "\" y1=\"" << base << "\" x2=\"" << left + months * step
        << "\" y2=\"" << base << "\" stroke=\"#333\"/>\n";
    out << "  <text x=\"" << left - 8 << "\" y=\"" << y0 + 4
        << "\" text-anchor=\"end\">100%</text>\n";
    out << "  <text x=\"" << left - 8 << "\" y=\"" << base << "\" text-anchor=\"end\">0%</text>\n";
    const size_t offset = static_cast<size_t>(k) * t.months.size() * n;
    for (size_t i = 0; i < t.months.size() && n > 0; ++i) {
      const int x = left + gap + static_cast<int>(i) * step;
      double y = base;
      for (size_t j = 0; j < n; ++j) {
        const AdoptionShare& s = shares[offset + i * n + j];
        if (s.value <= 0 || s.total <= 0) continue;
        double h = s.share() * panel_h;
        y -= h;
        out << "  <rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << bar_w << "\" height=\""
            << h << "\" fill=\"" << fill(s.bloc) << "\"><title>"
            << XmlEscape(s.month + " " + s.bloc + ": " + Percent(s.value, s.total) + " of " +
                         std::to_string(s.total))
            << "</title></rect>\n";
      }
    }
    // The cumulative share since the first month, one dashed line per bloc.
    for (size_t j = 0; j < n; ++j) {
      if (t.blocs[j] == "unknown") continue;
      std::string points;
      for (size_t i = 0; i < t.months.size(); ++i) {
        const AdoptionShare& s = shares[offset + i * n + j];
        if (s.cumulative_total <= 0) continue;
        std::ostringstream p;
        p << std::fixed << std::setprecision(1)
          << left + gap + static_cast<double>(i) * step + bar_w / 2.0 << ","
          << base - s.cumulative_share() * panel_h;
        points += (points.empty() ? "" : " ") + p.str();
      }
      if (points.empty()) continue;
      // A white halo under the line keeps it legible over the bars.
      out << "  <polyline points=\"" << points << "\" fill=\"none\" stroke=\"white\" "
          << "stroke-width=\"3.5\"/>\n";
      out << "  <polyline points=\"" << points << "\" fill=\"none\" stroke=\"#212529\" "
          << "stroke-width=\"1.5\" stroke-dasharray=\"" << Dashes(j) << "\"><title>"
          << XmlEscape("cumulative share of " + t.blocs[j]) << "</title></polyline>\n";
    }
    out << "  </g>\n";
  }
  const int label_y = top + panels * panel_h + (panels - 1) * panel_gap + 8;
  for (size_t i = 0; i < t.months.size(); ++i) {
    if (i % label_every == 0 || i + 1 == t.months.size()) {
      out << "  <text transform=\"translate(" << left + gap + static_cast<int>(i) * step + bar_w / 2
          << "," << label_y << ") rotate(60)\">" << XmlEscape(t.months[i]) << "</text>\n";
    }
  }
  int ly = top;
  const int lx = left + months * step + 20;
  for (const auto& b : t.blocs) {
    out << "  <rect x=\"" << lx << "\" y=\"" << ly << "\" width=\"12\" height=\"12\" fill=\""
        << fill(b) << "\"/>\n  <text x=\"" << lx + 18 << "\" y=\"" << ly + 10 << "\">"
        << XmlEscape("bases from " + b) << "</text>\n";
    ly += 18;
  }
  for (size_t j = 0; j < n; ++j) {
    if (t.blocs[j] == "unknown") continue;
    out << "  <line x1=\"" << lx << "\" y1=\"" << ly + 6 << "\" x2=\"" << lx + 26 << "\" y2=\""
        << ly + 6 << "\" stroke=\"#212529\" stroke-width=\"1.5\" stroke-dasharray=\""
        << Dashes(j) << "\"/>\n  <text x=\"" << lx + 32 << "\" y=\"" << ly + 10
        << "\">" << XmlEscape("cumulative share, " + t.blocs[j]) << "</text>\n";
    ly += 18;
  }
  out << "</svg>\n";
}

}  // namespace lineage
