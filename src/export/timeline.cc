// The timeline as text, CSV and an SVG bar chart.
#include "lineage/export.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "export/internal.h"

namespace lineage {

using export_internal::kBlocColors;

void WriteTimelineText(const Timeline& t, std::ostream& out) {
  std::string counted;
  for (const auto& c : t.classes) counted += (counted.empty() ? "" : ", ") + c;
  out << "New derivatives per month, by the bloc of their root bases (counted: " << counted
      << " edges)\n\n";
  out << std::left << std::setw(9) << "month";
  for (const auto& b : t.blocs) out << std::right << std::setw(10) << b;
  out << "\n";
  for (const auto& m : t.months) {
    out << std::left << std::setw(9) << m;
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(m).find(b);
      out << std::right << std::setw(10) << (it == t.counts.at(m).end() ? 0 : it->second);
    }
    out << "\n";
  }
  if (t.undated) out << "\n" << t.undated << " derivatives have no creation date and are not shown\n";
  if (!t.by_class.empty()) {
    out << "\nModels with a direct parent, by kind of dependence (all dates; --class to count "
           "another):\n";
    for (const auto& [c, n] : t.by_class) {
      out << "  " << std::right << std::setw(6) << n << "  " << c << "\n";
    }
  }
}

void WriteTimelineCsv(const Timeline& t, std::ostream& out) {
  out << "month";
  for (const auto& b : t.blocs) out << "," << CsvField(b);
  out << "\n";
  for (const auto& m : t.months) {
    out << m;
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(m).find(b);
      out << "," << (it == t.counts.at(m).end() ? 0 : it->second);
    }
    out << "\n";
  }
}

void WriteTimelineSvg(const Timeline& t, const std::string& title, std::ostream& out) {
  const int left = 60, top = 50, height = 300;
  // Bars narrow as months accumulate so the chart stays at most three times
  // as wide as it is high.
  const int months = std::max<int>(1, static_cast<int>(t.months.size()));
  const int step = std::clamp((3 * (height + top + 90) - left - 190) / months, 3, 24);
  const int bar_w = std::max(2, step * 3 / 4), gap = step - bar_w;
  const size_t label_every = static_cast<size_t>(std::max(3, (72 + step - 1) / step));
  int width = left + static_cast<int>(t.months.size()) * (bar_w + gap) + 180;
  int64_t max_total = 1;
  for (const auto& m : t.months) {
    int64_t total = 0;
    for (const auto& [b, c] : t.counts.at(m)) total += c;
    max_total = std::max(max_total, total);
  }
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << (height + top + 90) << "\" viewBox=\"0 0 " << width << " " << (height + top + 90)
      << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">\n";
  out << "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "  <text x=\"" << left << "\" y=\"24\" font-size=\"14\">" << XmlEscape(title) << "</text>\n";
  out << "  <line x1=\"" << left << "\" y1=\"" << top + height << "\" x2=\""
      << width - 170 << "\" y2=\"" << top + height << "\" stroke=\"#333\"/>\n";
  out << "  <text x=\"" << left - 8 << "\" y=\"" << top + 4 << "\" text-anchor=\"end\">"
      << max_total << "</text>\n";
  out << "  <text x=\"" << left - 8 << "\" y=\"" << top + height << "\" text-anchor=\"end\">0</text>\n";
  auto fill = [&t](const std::string& b) { return export_internal::BarColor(t.blocs, b); };
  for (size_t i = 0; i < t.months.size(); ++i) {
    int x = left + gap + static_cast<int>(i) * (bar_w + gap);
    double y = top + height;
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(t.months[i]).find(b);
      if (it == t.counts.at(t.months[i]).end() || it->second == 0) continue;
      double h = static_cast<double>(it->second) * height / max_total;
      y -= h;
      out << "  <rect x=\"" << x << "\" y=\"" << std::fixed << std::setprecision(1) << y
          << "\" width=\"" << bar_w << "\" height=\"" << h << "\" fill=\"" << fill(b)
          << "\"><title>" << XmlEscape(t.months[i] + " " + b + ": " + std::to_string(it->second))
          << "</title></rect>\n";
    }
    if (i % label_every == 0 || i + 1 == t.months.size()) {
      out << "  <text transform=\"translate(" << x + bar_w / 2 << "," << top + height + 8
          << ") rotate(60)\">" << XmlEscape(t.months[i]) << "</text>\n";
    }
  }
  int ly = top;
  for (const auto& b : t.blocs) {
    out << "  <rect x=\"" << width - 160 << "\" y=\"" << ly << "\" width=\"12\" height=\"12\" fill=\""
        << fill(b) << "\"/>\n  <text x=\"" << width - 142 << "\" y=\"" << ly + 10 << "\">"
        << XmlEscape("bases from " + b) << "</text>\n";
    ly += 18;
  }
  out << "</svg>\n";
}

namespace export_internal {

std::string BarColor(const std::vector<std::string>& blocs, const std::string& bloc) {
  auto at = std::find(blocs.begin(), blocs.end(), bloc);
  size_t i = static_cast<size_t>(at - blocs.begin());
  std::string color = bloc == "unknown" ? "#cccccc" : at == blocs.end() ? "" : kBlocColors[i % 7];
  // Stronger tones of the bloc colours so bars read on paper.
  static const std::map<std::string, std::string> kStrong = {
      {"#ffd8d8", "#e8590c"}, {"#d6e6ff", "#1c7ed6"}, {"#dff5d8", "#2f9e44"},
      {"#fff0c2", "#f59f00"}, {"#eadcff", "#7048e8"}, {"#d9f3f3", "#0c8599"},
      {"#ffe3cc", "#d9480f"}, {"#cccccc", "#adb5bd"}};
  auto it = kStrong.find(color);
  return it == kStrong.end() ? std::string("#868e96") : it->second;
}

}  // namespace export_internal

}  // namespace lineage
