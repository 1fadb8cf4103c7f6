// Small curated tables: organizations, namespace aliases, blocs, curated edges.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <cerrno>
#include <cstdlib>
#include <regex>
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
  for (auto& row : Table(path, text, {"namespace", "organization", "country", "kind", "source"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
    Organization o{m["namespace"], m["organization"], m["country"], m["kind"], m["source"]};
    static const std::set<std::string> kSourceKinds = {"own_site", "registry", "encyclopedia",
                                                       "news", "paper", ""};
    o.source_kind = m["source_kind"];
    if (!kSourceKinds.count(o.source_kind)) {
      diags->push_back({path, line, "warning", "organization",
                        "source_kind '" + o.source_kind +
                            "' is not own_site, registry, encyclopedia, news or paper; cleared"});
      o.source_kind.clear();
    }
    o.checked = m["checked"];
    o.parent = m["parent"];
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
  for (auto& row : Table(path, text, {"old_namespace", "new_namespace"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
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

void ReadModelAliases(Store& store, const std::string& path, const std::string& origin,
                      const std::string& text, std::vector<Diagnostic>* diags) {
  for (auto& row : Table(path, text, {"old_id", "new_id", "source"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
    auto from = ParseHubRef(m["old_id"]);
    auto to = ParseHubRef(m["new_id"]);
    if (!from.ok() || !to.ok() || !from->qualified || !to->qualified ||
        IdKey(from->id) == IdKey(to->id)) {
      diags->push_back({path, line, "error", "model_alias",
                        "a rename needs two different NAMESPACE/NAME ids; row skipped"});
      continue;
    }
    Status st = store.AddModelAlias(from->id, to->id, m["source"], origin);
    if (!st.ok()) diags->push_back({path, line, "error", "model_alias", st.message()});
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
  for (auto& row : Table(path, text, {"id", "name", "family", "url"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
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
  for (auto& row : Table(path, text, {"alias", "license_id"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
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
  for (auto& row : Table(path, text, {"child", "parent", "relation", "source"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
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

namespace lineage::readers {

namespace {

// Splits on '|' outside parentheses and brackets, so a regex alternation
// inside a group stays one pattern: "(^|-)yi(-|$)|yi-vl" is two patterns.
std::vector<std::string> SplitBars(const std::string& s) {
  auto next_bar = [&s](size_t from) {
    int depth = 0;
    bool in_class = false;
    for (size_t i = from; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\\') {
        ++i;
      } else if (in_class) {
        if (c == ']') in_class = false;
      } else if (c == '[') {
        in_class = true;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (depth > 0) --depth;
      } else if (c == '|' && depth == 0) {
        return i;
      }
    }
    return std::string::npos;
  };
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t bar = next_bar(start);
    if (bar == std::string::npos) bar = s.size();
    std::string part(ingest_util::Trim(std::string_view(s).substr(start, bar - start)));
    if (!part.empty()) out.push_back(std::move(part));
    start = bar + 1;
  }
  return out;
}

// A non-negative integer column; empty is 0 (not known).
bool ParseCount(const std::string& v, int64_t* out) {
  if (v.empty()) {
    *out = 0;
    return true;
  }
  char* end = nullptr;
  errno = 0;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (errno != 0 || !end || *end != '\0' || x < 0) return false;
  *out = x;
  return true;
}

}  // namespace

void ReadFamilies(Store& store, const std::string& path, const std::string& origin,
                  const std::string& text, std::vector<Diagnostic>* diags) {
  for (auto& row : Table(path, text, {"family", "name", "publisher", "canonical_base",
                                            "name_patterns", "licenses", "source"},
                               diags)) {
    const int line = row.first;
    auto& m = row.second;
    Family f;
    f.slug = m["family"];
    if (f.slug.empty()) {
      diags->push_back({path, line, "error", "family", "family without a slug; row skipped"});
      continue;
    }
    f.name = m["name"];
    f.publisher = m["publisher"];
    f.canonical_base = m["canonical_base"];
    if (!f.canonical_base.empty() && !ParseHubRef(f.canonical_base).ok()) {
      diags->push_back({path, line, "error", "family",
                        "canonical_base '" + f.canonical_base + "' is not a Hub id; row skipped"});
      continue;
    }
    f.name_patterns = SplitBars(m["name_patterns"]);
    bool bad = false;
    for (const auto& p : f.name_patterns) {
      try {
        std::regex re(p, std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        diags->push_back({path, line, "error", "family",
                          "name pattern '" + p + "' is not a valid regex (" + e.what() +
                              "); row skipped"});
        bad = true;
        break;
      }
    }
    if (bad) continue;
    f.licenses = SplitBars(m["licenses"]);
    f.source = m["source"];
    if (f.source.empty()) {
      diags->push_back({path, line, "warning", "family", "family '" + f.slug + "' has no source"});
    }
    Status st = store.UpsertFamily(f, origin);
    if (!st.ok()) diags->push_back({path, line, "error", "family", st.message()});
  }
}

void ReadKnownBases(Store& store, const std::string& path, const std::string& origin,
                    const std::string& text, std::vector<Diagnostic>* diags) {
  for (auto& row : Table(path, text, {"id", "family", "source"}, diags)) {
    const int line = row.first;
    auto& m = row.second;
    KnownBase b;
    auto ref = ParseHubRef(m["id"]);
    if (!ref.ok() || !ref->qualified) {
      diags->push_back({path, line, "error", "known_base",
                        "'" + m["id"] + "' is not a NAMESPACE/NAME id; row skipped"});
      continue;
    }
    b.id = ref->id;
    b.family = m["family"];
    b.params = m["params"];
    b.variant = m["variant"];
    b.license = m["license"];
    b.created_at = m["created_at"];
    b.config.model_type = m["model_type"];
    bool bad = false;
    auto count = [&](const char* key, int64_t* out) {
      if (!bad && !ParseCount(m[key], out)) {
        diags->push_back({path, line, "error", "known_base",
                          std::string(key) + " '" + m[key] + "' is not a count; row skipped"});
        bad = true;
      }
    };
    count("hidden_size", &b.config.hidden_size);
    count("intermediate_size", &b.config.intermediate_size);
    count("num_hidden_layers", &b.config.num_hidden_layers);
    count("num_attention_heads", &b.config.num_attention_heads);
    count("num_key_value_heads", &b.config.num_key_value_heads);
    count("vocab_size", &b.config.vocab_size);
    count("max_position_embeddings", &b.config.max_position_embeddings);
    if (bad) continue;
    const std::string& theta = m["rope_theta"];
    if (!theta.empty()) {
      char* end = nullptr;
      double v = std::strtod(theta.c_str(), &end);
      if (!end || *end != '\0' || !(v >= 0) || v > 1e15) {
        diags->push_back({path, line, "error", "known_base",
                          "rope_theta '" + theta + "' is not a number; row skipped"});
        continue;
      }
      b.config.rope_theta = v;
    }
    b.source = m["source"];
    b.config_source = m["config_source"];
    if (!b.config.empty() && b.config_source.empty()) {
      diags->push_back({path, line, "warning", "known_base",
                        "'" + b.id + "' has a config fingerprint but no config_source"});
    }
    Status st = store.UpsertKnownBase(b, origin);
    if (!st.ok()) {
      diags->push_back({path, line, "error", "known_base", st.message()});
      continue;
    }
    // A known base is also a model record: its licence and creation date, as
    // its own card gives them, merge with whatever else describes it.
    DocumentFacts facts;
    facts.origin = "base:" + origin + "#" + IdKey(b.id);
    facts.content_hash = ingest_util::HashHex(b.id + '\n' + b.license + '\n' + b.created_at +
                                              '\n' + b.source);
    Artifact a;
    a.id = b.id;
    a.author = ref->id.substr(0, ref->id.find('/'));
    if (b.license.rfind("other:", 0) == 0) {
      a.license = "other";
      a.license_name = b.license.substr(6);
    } else {
      a.license = b.license;
    }
    a.created_at = b.created_at;
    a.source = b.source;
    a.declared = true;
    facts.artifact = std::move(a);
    st = store.ApplyDocument(facts);
    if (!st.ok()) diags->push_back({path, line, "error", "known_base", st.message()});
  }
}

}  // namespace lineage::readers
