// Checks on the shipped data in data/: every fact has a source, no source is
// on a list of domains that cannot be cited, every code is valid, every
// curated edge's base has a record. These run on the repository's own files.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/util.h"
#include "lineage/artifact.h"

namespace lineage {
namespace {

namespace fs = std::filesystem;
const std::string kData = std::string(LINEAGE_SOURCE_DIR) + "/data";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Rows of a CSV as column -> value maps, with their line numbers.
std::vector<std::pair<int, std::map<std::string, std::string>>> Rows(const std::string& file) {
  std::string error;
  int error_line = 0;
  std::string text = Slurp(kData + "/" + file);
  auto rows = ingest_util::ParseCsv(text, &error, &error_line);
  INFO(file << ":" << error_line << ": " << error);
  REQUIRE(error.empty());
  REQUIRE(!rows.empty());
  std::vector<std::pair<int, std::map<std::string, std::string>>> out;
  const auto& header = rows[0].fields;
  for (size_t i = 1; i < rows.size(); ++i) {
    INFO(file << ":" << rows[i].line);
    REQUIRE(rows[i].fields.size() == header.size());
    std::map<std::string, std::string> m;
    for (size_t c = 0; c < header.size(); ++c) m[header[c]] = rows[i].fields[c];
    out.emplace_back(rows[i].line, std::move(m));
  }
  return out;
}

// Mirrors, aggregators and AI-written sites: never a source.
const std::vector<std::string> kWeakDomains = {
    "aiwiki.ai",     "hf-mirror.com", "deepwiki.com",  "ollama.com",    "crunchbase.com",
    "pitchbook.com", "tracxn.com",    "cbinsights.com", "zoominfo.com", "rocketreach.co",
    "llm-stats.com", "dataloop.ai",   "aimodels.fyi",  "promptlayer.com", "huggingface.co/spaces",
    "replicate.com", "openrouter.ai", "wikiwand.com",  "everybodywiki", "grokipedia",
    "owiki.org",     "wikipedia_en_all", "dynip.sapo.pt", "inamatrix",  "wikizero",
    "alchetron.com", "golden.com",    "theorg.com",    "f6s.com",       "wellfound.com",
    "ipfs"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A bare Hub profile shows a display name and a model list: it states no
// location, so it is never the source of a country or a parent company.
bool IsBareProfile(const std::string& url) {
  static const std::regex kBareProfile(
      R"(^https?://(www\.)?huggingface\.co/(organizations/)?[^/?]+(/(models|datasets|activity(/all)?|spaces|collections))?/?$)");
  return std::regex_search(Lower(url), kBareProfile);
}

bool IsWeak(const std::string& raw) {
  const std::string url = Lower(raw);
  // An organization's own Hub card lives in a Space named README.
  static const std::regex kOrgCard(R"(huggingface\.co/spaces/[^/]+/readme)");
  if (std::regex_search(url, kOrgCard)) return false;
  for (const auto& d : kWeakDomains) {
    if (url.find(d) != std::string::npos) return true;
  }
  return false;
}

bool IsUrl(const std::string& s) {
  return (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) &&
         s.find(' ') == std::string::npos;
}

// ISO 3166-1 alpha-2, officially assigned codes.
const std::set<std::string>& CountryCodes() {
  static const std::set<std::string> kCodes = [] {
    const char* all =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
        "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
        "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
        "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
        "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
        "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
        "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
        "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
        "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
    std::set<std::string> s;
    std::istringstream in(all);
    for (std::string c; in >> c;) s.insert(c);
    return s;
  }();
  return kCodes;
}

// IdKey, with a renamed namespace (data/aliases.csv, THUDM -> zai-org) read
// as its new name, as the store resolves it.
std::string ModelKey(std::string_view id) {
  static const std::map<std::string, std::string> renamed = [] {
    std::map<std::string, std::string> m;
    for (auto& [line, row] : Rows("aliases.csv")) {
      m[IdKey(row["old_namespace"])] = IdKey(row["new_namespace"]);
    }
    return m;
  }();
  std::string key = IdKey(id);
  auto slash = key.find('/');
  if (slash == std::string::npos) return key;
  auto it = renamed.find(key.substr(0, slash));
  return it == renamed.end() ? key : it->second + key.substr(slash);
}

// Every model id with a record in data/models/, keyed by ModelKey.
std::set<std::string> ModelRecords() {
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(kData + "/models")) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream in(e.path());
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.contains("id") && j["id"].is_string()) {
        ids.insert(ModelKey(j["id"].get<std::string>()));
      }
    }
  }
  return ids;
}

TEST_CASE("Every organization with a country cites a first-hand source of a stated kind",
          "[data]") {
  static const std::set<std::string> kKinds = {"company",   "academic",  "government",
                                               "nonprofit", "community", "individual",
                                               "unknown"};
  static const std::set<std::string> kSourceKinds = {"own_site", "registry", "encyclopedia",
                                                     "news", "paper"};
  std::set<std::string> seen;
  int with_country = 0;
  for (auto& [line, m] : Rows("organizations.csv")) {
    INFO("data/organizations.csv:" << line << ": " << m["namespace"]);
    CHECK(seen.insert(IdKey(m["namespace"])).second);  // one row per namespace
    CHECK(kKinds.count(m["kind"]));
    if (!m["parent"].empty()) {  // a parent company is a fact with its own source
      CHECK(IsUrl(m["parent_source"]));
      CHECK_FALSE(IsWeak(m["parent_source"]));
      CHECK_FALSE(IsBareProfile(m["parent_source"]));
    }
    if (m["country"].empty()) continue;
    ++with_country;
    CHECK(CountryCodes().count(m["country"]));
    CHECK(IsUrl(m["source"]));
    CHECK_FALSE(IsWeak(m["source"]));
    CHECK_FALSE(IsBareProfile(m["source"]));
    CHECK(kSourceKinds.count(m["source_kind"]));
    CHECK(m["checked"].size() == 10);
  }
  CHECK(with_country > 0);
}

TEST_CASE("Every model record and curated edge names the page it was read from", "[data]") {
  int records = 0;
  for (const auto& e : fs::directory_iterator(kData + "/models")) {
    if (e.path().extension() != ".jsonl") continue;
    std::ifstream in(e.path());
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      if (line.empty()) continue;
      INFO(e.path().string() << ":" << n);
      auto j = nlohmann::json::parse(line, nullptr, false);
      REQUIRE(j.is_object());
      REQUIRE(j.contains("source"));
      CHECK(IsUrl(j["source"].get<std::string>()));
      CHECK_FALSE(IsWeak(j["source"].get<std::string>()));
      if (j.contains("createdAt")) {
        // The date comes from a commit page: the record's own source or
        // created_source.
        bool dated = j["source"].get<std::string>().find("/commit") != std::string::npos;
        if (j.contains("created_source")) {
          CHECK_FALSE(IsWeak(j["created_source"].get<std::string>()));
          dated = true;
        }
        CHECK(dated);
      }
      ++records;
    }
  }
  CHECK(records > 0);
  for (auto& [line, m] : Rows("curated_edges.csv")) {
    INFO("data/curated_edges.csv:" << line << ": " << m["child"] << " -> " << m["parent"]);
    CHECK(ParseRelation(m["relation"]).has_value());
    CHECK(IsUrl(m["source"]));
    CHECK_FALSE(IsWeak(m["source"]));
  }
}

TEST_CASE("Every curated edge's base has a record of its own, or is a listed gap", "[data]") {
  std::set<std::string> models = ModelRecords();
  for (auto& [line, m] : Rows("known_bases.csv")) models.insert(ModelKey(m["id"]));
  std::map<std::string, std::string> renamed;
  for (auto& [line, m] : Rows("model_aliases.csv")) renamed[ModelKey(m["old_id"])] = ModelKey(m["new_id"]);
  // The known gaps: each must still be a gap, so the list only shrinks.
  std::set<std::string> gaps;
  std::ifstream in(kData + "/bases_without_record.txt");
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l[0] == '#') continue;
    INFO("data/bases_without_record.txt: " << l);
    CHECK_FALSE(models.count(ModelKey(l)));
    gaps.insert(ModelKey(l));
  }
  std::set<std::string> used;
  for (auto& [line, m] : Rows("curated_edges.csv")) {
    if (m["relation"] == "trained_on" || m["relation"] == "depends_on") continue;
    std::string key = ModelKey(m["parent"]);
    if (renamed.count(key)) key = renamed[key];
    INFO("data/curated_edges.csv:" << line << ": base " << m["parent"]);
    CHECK((models.count(key) || gaps.count(ModelKey(m["parent"]))));
    used.insert(ModelKey(m["parent"]));
  }
  for (const auto& g : gaps) {
    INFO("data/bases_without_record.txt lists " << g << ", which no curated edge names");
    CHECK(used.count(g));
  }
}

TEST_CASE("Families and known bases are sourced and consistent", "[data]") {
  std::set<std::string> bases;
  for (auto& [line, m] : Rows("known_bases.csv")) {
    INFO("data/known_bases.csv:" << line << ": " << m["id"]);
    CHECK(bases.insert(IdKey(m["id"])).second);
    CHECK(IsUrl(m["source"]));
    CHECK_FALSE(IsWeak(m["source"]));
    if (!m["hidden_size"].empty()) CHECK(IsUrl(m["config_source"]));
    if (!m["model_type"].empty() || !m["hidden_size"].empty()) {
      // A fingerprint is copied from the model's own config.json, never a copy's.
      auto lower = [](std::string t) {
        for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return t;
      };
      std::string own = "https://huggingface.co/" + m["id"] + "/";
      CHECK(lower(m["config_source"].substr(0, own.size())) == lower(own));
      CHECK(m["config_source"].size() > 12);
      CHECK(m["config_source"].compare(m["config_source"].size() - 12, 12, "/config.json") == 0);
    }
  }
  std::set<std::string> slugs;
  for (auto& [line, m] : Rows("families.csv")) {
    INFO("data/families.csv:" << line << ": " << m["family"]);
    CHECK(slugs.insert(m["family"]).second);
    CHECK(IsUrl(m["source"]));
    CHECK_FALSE(IsWeak(m["source"]));
    if (!m["canonical_base"].empty()) CHECK(bases.count(IdKey(m["canonical_base"])));
  }
  for (auto& [line, m] : Rows("known_bases.csv")) {
    INFO("data/known_bases.csv:" << line << ": family " << m["family"]);
    CHECK(slugs.count(m["family"]));
  }
}

TEST_CASE("Every bloc member is an ISO country code", "[data]") {
  auto j = nlohmann::json::parse(Slurp(kData + "/blocs.json"));
  for (auto& [name, members] : j.items()) {
    if (name.rfind('_', 0) == 0) continue;
    for (const auto& c : members) {
      INFO("bloc " << name << ": " << c.dump());
      CHECK(CountryCodes().count(c.get<std::string>()));
    }
  }
}

}  // namespace
}  // namespace lineage
