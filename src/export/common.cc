// Shared text and JSON forms of artifacts, edges and evidence.
#include "export/internal.h"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace lineage::export_internal {

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

std::string LicenseText(const Artifact& a) {
  std::string l = a.license;
  if (!a.license_name.empty()) l += (l.empty() ? "" : " ") + std::string("(") + a.license_name + ")";
  if (!a.license_normalized.empty() && IdKey(a.license_normalized) != IdKey(a.license)) {
    l += " = " + a.license_normalized;
  }
  return l;
}

std::string OwnerText(const Artifact& a) {
  std::string who = a.organization.empty() ? a.author : a.organization;
  if (who.empty()) who = "?";
  return who + " \xC2\xB7 " + (a.country.empty() ? "country unknown" : a.country);
}

std::string RelationText(const Edge& e) {
  std::string r = RelationName(e.relation);
  if (e.inferred) {
    std::ostringstream c;
    c << std::fixed << std::setprecision(2) << e.confidence;
    r += " (inferred edge, confidence " + c.str() + ")";
  } else if (e.relation_inferred) {
    r += " (inferred)";
  }
  return r;
}

std::string EvidenceText(const Evidence& ev) {
  std::ostringstream s;
  s << ev.kind << " " << ev.source;
  if (ev.line > 0) s << ":" << ev.line;
  if (!ev.commit.empty()) s << " @" << ev.commit.substr(0, 12);
  s << " (confidence " << std::fixed << std::setprecision(2) << ev.confidence << ")";
  return s.str();
}

ordered_json EvidenceJson(const Evidence& ev) {
  ordered_json j;
  j["kind"] = ev.kind;
  j["source"] = ev.source;
  j["line"] = ev.line;
  if (!ev.commit.empty()) j["commit"] = ev.commit;
  j["detail"] = ev.detail;
  j["relation"] = RelationName(ev.relation);
  j["relation_inferred"] = ev.relation_inferred;
  j["confidence"] = std::round(ev.confidence * 1000) / 1000;
  return j;
}

ordered_json EdgeJson(const Edge& e) {
  ordered_json j;
  j["child"] = e.child;
  j["parent"] = e.parent;
  j["relation"] = RelationName(e.relation);
  j["class"] = RelationClassName(ClassOf(e.relation));
  j["relation_inferred"] = e.relation_inferred;
  j["confidence"] = std::round(e.confidence * 1000) / 1000;
  j["inferred"] = e.inferred;
  ordered_json ev = ordered_json::array();
  for (const auto& x : e.evidence) ev.push_back(EvidenceJson(x));
  j["evidence"] = ev;
  return j;
}

ordered_json NullIfEmpty(const std::string& s) { return s.empty() ? ordered_json() : ordered_json(s); }

ordered_json ArtifactJson(const Artifact& a) {
  ordered_json j;
  j["id"] = a.id;
  j["kind"] = ArtifactKindName(a.kind);
  j["author"] = a.author;
  j["organization"] = NullIfEmpty(a.organization);
  j["country"] = NullIfEmpty(a.country);
  j["country_source"] = NullIfEmpty(a.country_source);
  j["country_source_kind"] = NullIfEmpty(a.country_source_kind);
  j["organization_parent"] = NullIfEmpty(a.organization_parent);
  j["license"] = NullIfEmpty(a.license);
  j["license_name"] = NullIfEmpty(a.license_name);
  j["license_link"] = NullIfEmpty(a.license_link);
  j["license_normalized"] = NullIfEmpty(a.license_normalized);
  j["created_at"] = NullIfEmpty(a.created_at);
  j["pipeline_tag"] = NullIfEmpty(a.pipeline_tag);
  j["library_name"] = NullIfEmpty(a.library_name);
  j["source"] = NullIfEmpty(a.source);
  j["declared"] = a.declared;
  // Popularity as a Hub dump gave it; null when no dump did.
  auto count = [](int64_t n) { return n >= 0 ? ordered_json(n) : ordered_json(); };
  j["downloads"] = count(a.downloads);
  j["downloads_all_time"] = count(a.downloads_all_time);
  j["likes"] = count(a.likes);
  j["last_modified"] = NullIfEmpty(a.last_modified);
  return j;
}

void Dump(const ordered_json& j, std::ostream& out) {
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}


const char* const kBlocColors[8] = {"#ffd8d8", "#d6e6ff", "#dff5d8", "#fff0c2", "#eadcff",
                                    "#d9f3f3", "#ffe3cc", "#f0f0f0"};

}  // namespace lineage::export_internal
