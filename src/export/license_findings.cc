// Licence findings as text, JSON or CSV.
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
using export_internal::Or;
using export_internal::EvidenceText;
using export_internal::EvidenceJson;
using export_internal::NullIfEmpty;

void WriteLicenseFindings(const std::vector<LicenseFinding>& findings, int64_t edges_checked,
                          const std::string& format,
                          const std::function<std::string(const std::string&)>& bloc_of,
                          std::ostream& out) {
  std::map<std::string, int64_t> by_rule, by_blocs;
  for (const auto& f : findings) {
    ++by_rule[std::string(SeverityName(f.severity)) + " " + f.rule];
    if (!f.parent.empty()) ++by_blocs[bloc_of(f.parent) + " -> " + bloc_of(f.child)];
  }
  if (format == "json") {
    // Written one finding at a time, as Dump would indent the whole document:
    // 564k findings of a 2M store held as one tree took 3 GB.
    auto dump = [](const ordered_json& v) {
      return v.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    // `text` (a dump at depth 0) re-indented to sit `pad` spaces deep.
    auto nested = [&out](const std::string& text, const char* pad) {
      size_t from = 0;
      for (size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
        out.write(text.data() + from, static_cast<std::streamsize>(nl + 1 - from));
        out << pad;
      }
      out.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
    };
    out << "{\n  \"edges_checked\": " << dump(ordered_json(edges_checked)) << ",\n  \"findings\": ";
    if (findings.empty()) out << "[]";
    bool first = true;
    for (const auto& f : findings) {
      ordered_json x;
      x["severity"] = SeverityName(f.severity);
      x["rule"] = f.rule;
      x["child"] = f.child;
      x["parent"] = NullIfEmpty(f.parent);
      x["relation"] = f.parent.empty() ? ordered_json() : ordered_json(RelationName(f.relation));
      x["child_license"] = NullIfEmpty(f.child_license);
      x["child_license_id"] = NullIfEmpty(f.child_license_id);
      x["parent_license"] = NullIfEmpty(f.parent_license);
      x["parent_license_id"] = NullIfEmpty(f.parent_license_id);
      x["message"] = f.message;
      x["license_urls"] = f.urls;
      ordered_json ev = ordered_json::array();
      for (const auto& e : f.evidence) ev.push_back(EvidenceJson(e));
      x["evidence"] = ev;
      out << (first ? "[\n    " : ",\n    ");
      first = false;
      nested(dump(x), "    ");
    }
    if (!findings.empty()) out << "\n  ]";
    ordered_json r = ordered_json::object();
    for (const auto& [k, n] : by_rule) r[k] = n;
    out << ",\n  \"by_rule\": ";
    nested(dump(r), "  ");
    ordered_json b = ordered_json::object();
    for (const auto& [k, n] : by_blocs) b[k] = n;
    out << ",\n  \"by_blocs\": ";
    nested(dump(b), "  ");
    out << "\n}\n";
    return;
  }
  if (format == "csv") {
    out << "severity,rule,child,parent,relation,child_license,child_license_id,parent_license,"
           "parent_license_id,message,license_urls,evidence\n";
    for (const auto& f : findings) {
      std::string urls, ev;
      for (const auto& u : f.urls) urls += (urls.empty() ? "" : " ") + u;
      for (const auto& e : f.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(e);
      out << SeverityName(f.severity) << "," << f.rule << "," << CsvField(f.child) << ","
          << CsvField(f.parent) << "," << (f.parent.empty() ? "" : RelationName(f.relation)) << ","
          << CsvField(f.child_license) << "," << CsvField(f.child_license_id) << ","
          << CsvField(f.parent_license) << "," << CsvField(f.parent_license_id) << ","
          << CsvField(f.message) << "," << CsvField(urls) << "," << CsvField(ev) << "\n";
    }
    return;
  }
  out << findings.size() << " finding" << (findings.size() == 1 ? "" : "s") << " on "
      << edges_checked << " edge" << (edges_checked == 1 ? "" : "s") << " checked\n\n";
  for (const auto& f : findings) {
    out << SeverityName(f.severity) << " [" << f.rule << "] " << f.child;
    if (!f.parent.empty()) out << " -(" << RelationName(f.relation) << ")-> " << f.parent;
    out << "\n    " << f.message << "\n";
    if (!f.parent.empty()) {
      out << "    licences: " << Or(f.child_license, "none") << " on the derivative, "
          << Or(f.parent_license, "none") << " on the base\n";
    }
    for (const auto& u : f.urls) out << "    licence text: " << u << "\n";
    for (const auto& e : f.evidence) out << "    evidence: " << EvidenceText(e) << "\n";
  }
  out << "\nBy rule:\n";
  for (const auto& [k, n] : by_rule) out << "  " << std::right << std::setw(5) << n << "  " << k << "\n";
  if (!by_blocs.empty()) {
    out << "By bloc (base -> derivative):\n";
    for (const auto& [k, n] : by_blocs) out << "  " << std::right << std::setw(5) << n << "  " << k << "\n";
  }
}

}  // namespace lineage
