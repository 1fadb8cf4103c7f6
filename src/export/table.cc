// Generic tables as text, CSV and JSON.
#include "lineage/export.h"

#include <nlohmann/json.hpp>

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

using export_internal::ordered_json;
using export_internal::Dump;

void WriteTableText(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  if (rows.empty()) return;
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), 60));
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    for (size_t i = 0; i < rows[k].size(); ++i) {
      std::string cell = rows[k][i];
      for (char& c : cell) if (c == '\n' || c == '\t') c = ' ';
      out << (i ? "  " : "") << std::left << std::setw(static_cast<int>(w[i])) << cell;
    }
    out << "\n";
    if (k == 0) {
      for (size_t i = 0; i < w.size(); ++i) out << (i ? "  " : "") << std::string(w[i], '-');
      out << "\n";
    }
  }
}

void WriteTableCsv(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << CsvField(r[i]);
    out << "\n";
  }
}

void WriteTableJson(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  ordered_json a = ordered_json::array();
  for (size_t k = 1; k < rows.size(); ++k) {
    ordered_json o;
    for (size_t i = 0; i < rows[k].size() && i < rows[0].size(); ++i) o[rows[0][i]] = rows[k][i];
    a.push_back(o);
  }
  Dump(a, out);
}

}  // namespace lineage
