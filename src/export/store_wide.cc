// Store-wide results: diagnostics and stats.
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

void WriteDiagnosticsText(const std::vector<Diagnostic>& d, std::ostream& out) {
  for (const auto& x : d) {
    out << x.source;
    if (x.line > 0) out << ":" << x.line;
    out << ": " << x.severity << ": " << x.message << " [" << x.code << "]\n";
  }
  out << d.size() << " diagnostic" << (d.size() == 1 ? "" : "s") << "\n";
}

void WriteDiagnosticsJson(const std::vector<Diagnostic>& d, std::ostream& out) {
  ordered_json a = ordered_json::array();
  for (const auto& x : d) {
    a.push_back({{"source", x.source}, {"line", x.line}, {"severity", x.severity},
                 {"code", x.code}, {"message", x.message}});
  }
  Dump(ordered_json{{"diagnostics", a}}, out);
}

void WriteDiagnosticsCsv(const std::vector<Diagnostic>& d, std::ostream& out) {
  out << "source,line,severity,code,message\n";
  for (const auto& x : d) {
    out << CsvField(x.source) << "," << x.line << "," << x.severity << "," << x.code << ","
        << CsvField(x.message) << "\n";
  }
}

void WriteStatsText(const StoreStats& s, std::ostream& out) {
  auto pct = [](int64_t a, int64_t b) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << (b ? 100.0 * a / b : 0.0) << "%";
    return o.str();
  };
  out << "artifacts      " << s.artifacts << "  (" << s.by_kind[0] << " models, " << s.by_kind[1]
      << " datasets, " << s.by_kind[2] << " software; " << s.declared
      << " with a record of their own)\n";
  out << "edges          " << s.edges << "  (" << s.inferred_relations
      << " with an inferred relation)\n";
  for (int r = 0; r < kRelationCount; ++r) {
    if (s.edges_by_relation[r]) {
      out << "  " << std::left << std::setw(22) << RelationName(static_cast<Relation>(r))
          << std::right << std::setw(9) << s.edges_by_relation[r] << "\n";
    }
  }
  out << "evidence by kind\n";
  for (const auto& [k, n] : s.evidence_by_kind) {
    out << "  " << std::left << std::setw(22) << k << std::right << std::setw(9) << n << "\n";
  }
  out << "attribution of " << s.models << " models\n";
  out << "  organization known   " << s.models_with_organization << " ("
      << pct(s.models_with_organization, s.models) << ")\n";
  out << "  country known        " << s.models_with_country << " ("
      << pct(s.models_with_country, s.models) << ")\n";
  out << "  licence declared     " << s.models_with_license << " ("
      << pct(s.models_with_license, s.models) << ")\n";
  out << "  creation date        " << s.models_with_date << " (" << pct(s.models_with_date, s.models)
      << ")\n";
  out << "models by country\n";
  size_t n = 0;
  for (const auto& [c, k] : s.models_by_country) {
    if (++n > 12) break;
    out << "  " << std::left << std::setw(22) << (c == "??" ? "unknown" : c) << std::right
        << std::setw(9) << k << "\n";
  }
  out << "organizations  " << s.organizations << "\n";
  out << "diagnostics    " << s.diagnostics << "\n";
  for (const auto& [k, c] : s.diagnostics_by_code) {
    out << "  " << std::left << std::setw(22) << k << std::right << std::setw(9) << c << "\n";
  }
}

void WriteStatsJson(const StoreStats& s, std::ostream& out) {
  ordered_json j;
  j["artifacts"] = s.artifacts;
  j["declared"] = s.declared;
  j["models"] = s.by_kind[0];
  j["datasets"] = s.by_kind[1];
  j["software"] = s.by_kind[2];
  j["edges"] = s.edges;
  j["inferred_relations"] = s.inferred_relations;
  ordered_json rel = ordered_json::object();
  for (int r = 0; r < kRelationCount; ++r) rel[RelationName(static_cast<Relation>(r))] = s.edges_by_relation[r];
  j["edges_by_relation"] = rel;
  ordered_json ev = ordered_json::object();
  for (const auto& [k, n] : s.evidence_by_kind) ev[k] = n;
  j["evidence_by_kind"] = ev;
  j["models_with_organization"] = s.models_with_organization;
  j["models_with_country"] = s.models_with_country;
  j["models_with_license"] = s.models_with_license;
  j["models_with_date"] = s.models_with_date;
  ordered_json bc = ordered_json::object();
  for (const auto& [c, k] : s.models_by_country) bc[c == "??" ? "unknown" : c] = k;
  j["models_by_country"] = bc;
  j["organizations"] = s.organizations;
  j["diagnostics"] = s.diagnostics;
  ordered_json dc = ordered_json::object();
  for (const auto& [k, c] : s.diagnostics_by_code) dc[k] = c;
  j["diagnostics_by_code"] = dc;
  Dump(j, out);
}

}  // namespace lineage
