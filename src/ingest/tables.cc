// Small curated tables: organizations, namespace aliases, blocs, curated edges.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <cstdlib>
#include <set>

#include "ingest/readers.h"
#include "ingest/util.h"

namespace lineage::readers {

namespace {

using ingest_util::CsvRow;

// Parses a CSV whose header must contain `required`; returns the rows as
// maps from column name to value. Problems go to `diags`.
std::vector<std::pair<int, std::map<std::string, std::string>>> Table(
    const std::string& path, const std::string& text, const std::vector<std::string>& required,
    std::vector<Diagnostic>* diags) {
  std::vector<std::pair<int, std::map<std::string, std::string>>> out;
  std::string error;
  int error_line = 0;
  auto rows = ingest_util::ParseCsv(text, &error, &error_line);
  if (!error.empty()) diags->push_back({path, error_line, "error", "csv", error + "; rest of file ignored"});
  if (rows.empty()) {
    diags->push_back({path, 1, "error", "csv", "empty file, expected a header line"});
    return out;
  }
  std::vector<std::string> header;
  for (auto& h : rows[0].fields) header.emplace_back(ingest_util::Trim(h));
  for (const auto& r : required) {
    if (std::find(header.begin(), header.end(), r) == header.end()) {
      diags->push_back({path, rows[0].line, "error", "csv", "header lacks column '" + r + "'"});
      return out;
    }
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRow& row = rows[i];
    if (row.fields.size() != header.size()) {
      diags->push_back({path, row.line, "error", "csv",
                        "expected " + std::to_string(header.size()) + " fields, found " +
                            std::to_string(row.fields.size()) + "; row skipped"});
      continue;
    }
    std::map<std::string, std::string> m;
    for (size_t c = 0; c < header.size(); ++c) m[header[c]] = std::string(ingest_util::Trim(row.fields[c]));
    out.emplace_back(row.line, std::move(m));
  }
  return out;
}

bool IsCountryCode(const std::string& c) {
  return c.size() == 2 && std::isupper(static_cast<unsigned char>(c[0])) &&
         std::isupper(static_cast<unsigned char>(c[1]));
}

}  // namespace

bool IsCountryCodeForBlocs(const std::string& c) { return IsCountryCode(c); }

void ReadOrganizations(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                       std::vector<Diagnostic>* diags) {
  static const std::set<std::string> kKinds = {"company",   "academic",  "government",
                                               "nonprofit", "community", "individual",
                                               "unknown"};
  for (auto& [line, m] : Table(path, text, {"namespace", "organization", "country", "kind", "source"}, diags)) {
    Organization o{m["namespace"], m["organization"], m["country"], m["kind"], m["source"]};
    if (o.ns.empty() || !ParseHubRef(o.ns + "/x").ok()) {
      diags->push_back({path, line, "error", "organization", "'" + o.ns + "' is not a namespace; row skipped"});
      continue;
    }
    if (!o.country.empty() && !IsCountryCode(o.country)) {
      diags->push_back({path, line, "warning", "organization",
                        "country '" + o.country + "' is not an ISO 3166-1 alpha-2 code; kept unknown"});
      o.country.clear();
    }
    if (!o.country.empty() && o.source.empty()) {
      diags->push_back({path, line, "warning", "organization",
                        "country for '" + o.ns + "' has no source URL; kept unknown"});
      o.country.clear();
    }
    if (o.kind.empty()) o.kind = "unknown";
    if (!kKinds.count(o.kind)) {
      diags->push_back({path, line, "warning", "organization", "unknown kind '" + o.kind + "'; set to unknown"});
      o.kind = "unknown";
    }
    Status st = store.UpsertOrganization(o, origin);
    if (!st.ok()) diags->push_back({path, line, "error", "organization", st.message()});
  }
}

void ReadAliases(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                 std::vector<Diagnostic>* diags) {
  for (auto& [line, m] : Table(path, text, {"old_namespace", "new_namespace"}, diags)) {
    const std::string& from = m["old_namespace"];
    const std::string& to = m["new_namespace"];
    if (from.empty() || to.empty() || IdKey(from) == IdKey(to)) {
      diags->push_back({path, line, "error", "alias", "alias needs two different namespaces; row skipped"});
      continue;
    }
    Status st = store.AddAlias(from, to, m["source"], origin);
    if (!st.ok()) diags->push_back({path, line, "error", "alias", st.message()});
  }
}

// Parses a blocs file: numbers out of range (1e999) and nesting past
// kMaxJsonDepth become `*why` instead of an exception or a stack overflow.
static bool SafeParseBlocs(const std::string& text, nlohmann::json* out, std::string* why) {
  if (ingest_util::JsonNestingDepth(text) > ingest_util::kMaxJsonDepth) {
    *why = "nested deeper than " + std::to_string(ingest_util::kMaxJsonDepth) + " levels";
    return false;
  }
  try {
    *out = nlohmann::json::parse(text);
    return true;
  } catch (const nlohmann::json::exception& e) {
    *why = e.what();
    return false;
  }
}

void ReadBlocs(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
               std::vector<Diagnostic>* diags) {
  using nlohmann::json;
  json j;
  std::string why;
  if (!SafeParseBlocs(text, &j, &why)) {
    diags->push_back({path, 1, "error", "blocs", "cannot read the blocs file: " + why});
    return;
  }
  if (!j.is_object()) {
    diags->push_back({path, 1, "error", "blocs", "expected a JSON object of bloc name -> country list"});
    return;
  }
  for (const auto& [name, value] : j.items()) {
    if (!name.empty() && name[0] == '_') continue;  // "_comment" keys document the file
    if (!value.is_array()) {
      diags->push_back({path, 0, "error", "blocs", "bloc '" + name + "' is not a list; skipped"});
      continue;
    }
    std::vector<std::string> countries;
    for (const auto& c : value) {
      std::string code = c.is_string() ? c.get<std::string>() : std::string();
      if (!IsCountryCode(code)) {
        diags->push_back({path, 0, "warning", "blocs", "bloc '" + name + "': '" + (c.is_string() ? code : c.dump()) + "' is not an ISO alpha-2 code; skipped"});
        continue;
      }
      countries.push_back(code);
    }
    Status st = store.SetBloc(name, countries, origin);
    if (!st.ok()) diags->push_back({path, 0, "error", "blocs", st.message()});
  }
}

void ReadLicenses(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                  std::vector<Diagnostic>* diags) {
  static const std::set<std::string> kFamilies = {
      "permissive", "copyleft", "weak-copyleft", "openrail", "llama", "gemma", "qwen", "deepseek",
      "community", "non-commercial", "research-only", "public-domain", "proprietary", "other",
      "unknown"};
  for (auto& [line, m] : Table(path, text, {"id", "name", "family", "url"}, diags)) {
    LicenseTerms t;
    t.id = m["id"];
    if (t.id.empty()) {
      diags->push_back({path, line, "error", "license", "licence without an id; row skipped"});
      continue;
    }
    t.name = m["name"];
    t.family = m["family"];
    if (!kFamilies.count(t.family)) {
      diags->push_back({path, line, "warning", "license", "unknown family '" + t.family + "'; set to unknown"});
      t.family = "unknown";
    }
    t.spdx = m["spdx"];
    t.url = m["url"];
    auto term = [&](const char* key) {
      const std::string& v = m[key];
      Term x = ParseTerm(v);
      if (x == Term::kUnknown && !v.empty()) {
        diags->push_back({path, line, "warning", "license",
                          std::string(key) + " '" + v + "' is not yes, no or empty; read as unknown"});
      }
      return x;
    };
    t.commercial = term("commercial");
    t.attribution = term("attribution");
    t.pass_on_use_restrictions = term("pass_on_use_restrictions");
    t.share_alike = term("share_alike");
    t.non_commercial = term("non_commercial");
    t.no_derivatives = term("no_derivatives");
    t.output_restriction = term("output_restriction");
    t.naming_prefix = m["naming_prefix"];
    const std::string& threshold = m["user_threshold"];
    if (!threshold.empty()) {
      char* end = nullptr;
      long long v = std::strtoll(threshold.c_str(), &end, 10);
      if (end && *end == '\0' && v > 0) {
        t.user_threshold = v;
      } else {
        diags->push_back({path, line, "warning", "license", "user_threshold '" + threshold + "' is not a number; ignored"});
      }
    }
    t.source = m["source"];
    t.note = m["note"];
    Status st = store.UpsertLicense(t, origin);
    if (!st.ok()) diags->push_back({path, line, "error", "license", st.message()});
  }
}

void ReadLicenseAliases(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                        std::vector<Diagnostic>* diags) {
  for (auto& [line, m] : Table(path, text, {"alias", "license_id"}, diags)) {
    if (m["alias"].empty() || m["license_id"].empty()) {
      diags->push_back({path, line, "error", "license_alias", "alias and license_id are both needed; row skipped"});
      continue;
    }
    Status st = store.AddLicenseAlias(m["alias"], m["license_id"], origin);
    if (!st.ok()) diags->push_back({path, line, "error", "license_alias", st.message()});
  }
}

void ReadCuratedEdges(const std::string& path, const std::string& origin, const std::string& text,
                      const Sink& sink,
                      std::vector<Diagnostic>* diags) {
  DocumentFacts facts;
  facts.origin = "edges:" + origin;
  facts.content_hash = ingest_util::HashHex(text);
  for (auto& [line, m] : Table(path, text, {"child", "parent", "relation", "source"}, diags)) {
    auto child = ParseHubRef(m["child"]);
    auto parent = ParseHubRef(m["parent"]);
    auto relation = ParseRelation(m["relation"]);
    std::string why;
    if (!child.ok() || !child->qualified) why = "child '" + m["child"] + "' is not a Hub id";
    else if (!parent.ok() || !parent->qualified) why = "parent '" + m["parent"] + "' is not a Hub id";
    else if (!relation) why = "unknown relation '" + m["relation"] + "'";
    else if (m["source"].empty()) why = "a curated edge needs a source URL";
    else if (IdKey(child->id) == IdKey(parent->id)) why = "child and parent are the same";
    if (!why.empty()) {
      diags->push_back({path, line, "error", "curated_edge", why + "; row skipped"});
      continue;
    }
    Evidence ev;
    ev.kind = "manual";
    ev.source = m["source"];
    ev.detail = m["note"] + (m["note"].empty() ? "" : " ") + "@ " + path + ":" + std::to_string(line);
    ev.relation = *relation;
    ev.confidence = 0.9;
    Edge e;
    e.child = child->id;
    e.parent = parent->id;
    e.relation = *relation;
    e.confidence = ev.confidence;
    e.evidence.push_back(ev);
    facts.edges.push_back(std::move(e));
  }
  sink(std::move(facts));
}

}  // namespace lineage::readers

namespace lineage {

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> ReadBlocsFile(
    const std::string& path) {
  std::string text;
  if (!ingest_util::ReadFile(path, &text)) return Status::IoError("cannot read '" + path + "'");
  nlohmann::json j;
  std::string why;
  if (!readers::SafeParseBlocs(text, &j, &why)) return Status::InvalidInput(path + ": " + why);
  if (!j.is_object()) {
    return Status::InvalidInput(path + ": expected a JSON object of bloc name -> country list");
  }
  std::map<std::string, std::vector<std::string>> blocs;
  for (const auto& [name, value] : j.items()) {
    if (!name.empty() && name[0] == '_') continue;
    if (!value.is_array()) return Status::InvalidInput(path + ": bloc '" + name + "' is not a list");
    auto& list = blocs[IdKey(name)];
    for (const auto& c : value) {
      if (!c.is_string() || !readers::IsCountryCodeForBlocs(c.get<std::string>())) {
        return Status::InvalidInput(path + ": bloc '" + name + "': " + c.dump() +
                                    " is not an ISO 3166-1 alpha-2 code");
      }
      list.push_back(c.get<std::string>());
    }
  }
  return std::vector<std::pair<std::string, std::vector<std::string>>>(blocs.begin(), blocs.end());
}

}  // namespace lineage
