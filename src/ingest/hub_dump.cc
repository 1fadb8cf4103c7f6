// Hub API dumps: records of /api/models?full=true&cardData=true (nlohmann_json).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "ingest/json_signals.h"
#include "ingest/readers.h"
#include "ingest/util.h"
#include "lineage/ingest.h"

namespace lineage {

namespace {

using nlohmann::json;

// Parses one record. nlohmann throws out_of_range for numbers beyond a double
// (1e999) even when asked not to throw, so every failure is caught here and
// becomes `*why`; false then.
bool ParseRecord(std::string_view text, json* out, std::string* why) {
  if (ingest_util::JsonNestingDepth(text) > ingest_util::kMaxJsonDepth) {
    *why = "nested deeper than " + std::to_string(ingest_util::kMaxJsonDepth) + " levels";
    return false;
  }
  try {
    *out = json::parse(text.begin(), text.end());
    return true;
  } catch (const json::exception& e) {
    *why = e.what();
    return false;
  }
}

// The records of a JSON array dump, found by bracket matching so one bad
// record (a bad byte, a huge number, a truncation) costs only itself.
struct ArrayRecord {
  std::string_view text;
  int line = 1;       // where the record starts
  bool complete = true;
};

std::vector<ArrayRecord> SplitArrayRecords(std::string_view text, size_t open) {
  std::vector<ArrayRecord> out;
  int line = 1;
  for (size_t k = 0; k < open; ++k) line += text[k] == '\n';
  size_t i = open + 1;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') ++line;
    if (c == ']' ) break;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') {
      ++i;
      continue;
    }
    // A record runs to the comma or bracket that closes it at depth 0.
    ArrayRecord r;
    r.line = line;
    size_t start = i;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      char d = text[i];
      if (d == '\n') ++line;
      if (in_string) {
        if (d == '\\') ++i;
        else if (d == '"') in_string = false;
        continue;
      }
      if (d == '"') {
        in_string = true;
      } else if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (depth == 0) break;  // the array's own ']'
        if (--depth == 0) {
          ++i;
          break;
        }
      } else if (depth == 0 && d == ',') {
        break;
      }
    }
    r.text = text.substr(start, std::min(i, text.size()) - start);
    r.complete = depth == 0 && !in_string && i < text.size();
    out.push_back(r);
  }
  return out;
}

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::vector<std::string> Plain(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

CardFields::Value Joined(const json& obj, const char* key, int line) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  std::string out;
  for (const auto& s : Plain(*it)) out += (out.empty() ? "" : "; ") + s;
  return {out, line};
}

void Values(const json& obj, const char* key, int line, std::vector<CardFields::Value>* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return;
  for (const auto& s : Plain(*it)) {
    if (!ingest_util::Trim(s).empty()) out->push_back({s, line});
  }
}

// Facts of one Hub record. Evidence cites the record's own "source" URL when
// it has one (the embedded dataset does), else the dump file and line.
Result<DocumentFacts> FactsFromHubJson(const json& rec, const std::string& path, int line) {
  if (!rec.is_object()) return Status::InvalidInput("record is not a JSON object");
  std::string id = Str(rec, "id");
  if (id.empty()) id = Str(rec, "modelId");
  if (id.empty()) return Status::InvalidInput("record has no \"id\"");
  auto ref = ParseHubRef(id);
  if (!ref.ok()) return Status::InvalidInput("record id: " + ref.status().message());
  std::string url = Str(rec, "source");
  std::string where = path + ":" + std::to_string(line);
  std::string ev_source = url.empty() ? path : url;
  int ev_line = url.empty() ? line : 0;

  CardFields f;
  auto card = rec.find("cardData");
  if (card != rec.end() && card->is_object()) {
    Values(*card, "base_model", ev_line, &f.base_models);
    Values(*card, "datasets", ev_line, &f.datasets);
    f.base_model_relation = Joined(*card, "base_model_relation", ev_line);
    f.license = Joined(*card, "license", ev_line);
    f.license_name = Joined(*card, "license_name", ev_line);
    f.license_link = Joined(*card, "license_link", ev_line);
    if (auto it = card->find("language"); it != card->end()) f.languages = Plain(*it);
    f.new_version = Str(*card, "new_version");
  }
  // The Hub's tags: base_model:[REL:]ID, license:X, dataset:X. region:us is
  // where the Hub stores files, never a country, so it is not read.
  std::vector<std::pair<std::string, std::string>> tag_bases;  // relation, id
  std::string tag_license;
  std::vector<std::string> tag_datasets;
  if (auto it = rec.find("tags"); it != rec.end()) {
    for (const auto& t : Plain(*it)) {
      if (t.rfind("base_model:", 0) == 0) {
        std::string rest = t.substr(11);
        size_t colon = rest.find(':');
        if (colon != std::string::npos) {
          tag_bases.emplace_back(rest.substr(0, colon), rest.substr(colon + 1));
        } else {
          tag_bases.emplace_back("", rest);
        }
      } else if (t.rfind("license:", 0) == 0) {
        tag_license = t.substr(8);
      } else if (t.rfind("dataset:", 0) == 0) {
        tag_datasets.push_back(t.substr(8));
      } else if (t.rfind("region:", 0) != 0) {
        f.tags.push_back(t);
      }
    }
  }
  if (f.license.text.empty() && !tag_license.empty()) f.license = {tag_license, ev_line};
  if (f.datasets.empty()) {
    for (const auto& d : tag_datasets) f.datasets.push_back({d, ev_line});
  }
  f.pipeline_tag = Str(rec, "pipeline_tag");
  f.library_name = Str(rec, "library_name");
  f.created_at = Str(rec, "createdAt");
  if (card != rec.end() && card->is_object()) {
    if (f.pipeline_tag.empty()) f.pipeline_tag = Str(*card, "pipeline_tag");
    if (f.library_name.empty()) f.library_name = Str(*card, "library_name");
    if (auto t = card->find("tags"); t != card->end() && f.tags.empty()) f.tags = Plain(*t);
  }
  DocumentFacts facts = BuildCardFacts(f, ref->id, ev_source, "card.base_model");
  facts.artifact->source = url.empty() ? where : url;
  for (auto& e : facts.edges) {
    for (auto& ev : e.evidence) {
      if (!url.empty()) ev.detail += " @ " + where;
    }
  }
  // Hub tags: evidence on the same edges, with the relation the Hub computed.
  std::set<std::string> with_relation;
  for (const auto& [rel, base] : tag_bases) {
    if (!rel.empty()) with_relation.insert(IdKey(base));
  }
  std::set<std::string> done;
  for (const auto& [rel, base] : tag_bases) {
    auto bref = ParseHubRef(base);
    if (!bref.ok() || !bref->qualified) continue;
    std::string bkey = IdKey(bref->id);
    if (bkey == IdKey(ref->id)) continue;
    if (rel.empty() && with_relation.count(bkey)) continue;
    if (!done.insert(bkey).second) continue;
    Evidence ev;
    ev.kind = "hub.tag";
    ev.source = ev_source;
    ev.line = ev_line;
    ev.detail = "base_model:" + (rel.empty() ? "" : rel + ":") + base;
    if (!url.empty()) ev.detail += " @ " + where;
    auto parsed = ParseRelation(rel);
    ev.relation = parsed ? *parsed : InferRelation(tag_bases.size(), f.tags, f.library_name, id);
    ev.relation_inferred = !parsed;
    ev.confidence = 0.95;
    bool attached = false;
    for (auto& e : facts.edges) {
      if (IdKey(e.parent) == bkey) {
        e.evidence.push_back(ev);
        attached = true;
      }
    }
    if (!attached) {
      Edge e;
      e.child = ref->id;
      e.parent = bref->id;
      e.relation = ev.relation;
      e.relation_inferred = ev.relation_inferred;
      e.confidence = ev.confidence;
      e.evidence.push_back(ev);
      facts.edges.push_back(std::move(e));
    }
  }
  readers::AddHubSignals(rec, ev_source, ev_line, &facts.signals);
  facts.origin = "hub:" + IdKey(ref->id);
  return facts;
}

}  // namespace

Result<DocumentFacts> ParseHubRecord(std::string_view json_text, const std::string& source,
                                     int line) {
  json rec;
  std::string why;
  if (!ParseRecord(json_text, &rec, &why)) return Status::InvalidInput("not valid JSON: " + why);
  auto facts = FactsFromHubJson(rec, source, line);
  if (facts.ok()) facts->content_hash = ingest_util::HashHex(json_text);
  return facts;
}

namespace readers {

bool IsHubRecordLine(const std::string& line) {
  json j;
  std::string why;
  return ParseRecord(line, &j, &why) && j.is_object() && (j.contains("id") || j.contains("modelId"));
}

std::string SniffJson(const std::string& text) {
  size_t i = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i == std::string::npos) return "hub";
  if (text[i] == '[') return "hub";
  // An object on the first line with an "id" is a JSON-lines record.
  size_t eol = text.find('\n', i);
  std::string first = text.substr(i, eol == std::string::npos ? std::string::npos : eol - i);
  json j;
  std::string why;
  if (ParseRecord(first, &j, &why) && j.is_object() && (j.contains("id") || j.contains("modelId"))) {
    return "hub";
  }
  json whole;
  if (ParseRecord(text, &whole, &why) && whole.is_object()) {
    bool all_lists = !whole.empty();
    for (const auto& [k, v] : whole.items()) {
      if (k.empty() || k[0] != '_') all_lists = all_lists && v.is_array();
    }
    if (all_lists) return "blocs";
  }
  return "hub";
}

void ReadHubDump(const std::string& path, const std::string& text, const Sink& sink,
                 std::vector<Diagnostic>* diags) {
  size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos) return;
  if (text[first] == '[') {
    int index = 0;
    for (const ArrayRecord& r : SplitArrayRecords(text, first)) {
      ++index;
      std::string where = "record " + std::to_string(index) + ": ";
      if (!r.complete) {
        diags->push_back({path, r.line, "error", "json",
                          where + "truncated (the file ends inside it); skipped"});
        continue;
      }
      json rec;
      std::string why;
      if (!ParseRecord(r.text, &rec, &why)) {
        diags->push_back({path, r.line, "error", "json", where + "malformed JSON; skipped (" + why + ")"});
        continue;
      }
      auto facts = FactsFromHubJson(rec, path, index);
      if (!facts.ok()) {
        diags->push_back({path, r.line, "error", "hub_record", where + facts.status().message()});
        continue;
      }
      facts->content_hash = ingest_util::HashHex(rec.dump());
      sink(std::move(facts.value()));
    }
    return;
  }
  // JSON lines: records are parsed in batches on worker threads while the
  // caller's sink (the store) takes the previous batch, in file order.
  struct Parsed {
    int line = 0;
    std::optional<DocumentFacts> facts;
    std::optional<Diagnostic> diag;
  };
  struct Line {
    std::string_view text;
    int line;
  };
  std::vector<Line> lines;
  {
    size_t pos = 0;
    int line = 0;
    while (pos < text.size()) {
      size_t eol = text.find('\n', pos);
      if (eol == std::string::npos) eol = text.size();
      std::string_view l(text.data() + pos, eol - pos);
      pos = eol + 1;
      ++line;
      if (!ingest_util::Trim(l).empty()) lines.push_back({l, line});
    }
  }
  auto parse_one = [&path](const Line& in) {
    Parsed out;
    out.line = in.line;
    json rec;
    std::string why;
    if (!ParseRecord(in.text, &rec, &why)) {
      out.diag = Diagnostic{path, in.line, "error", "json", "malformed JSON line; skipped (" + why + ")"};
      return out;
    }
    auto facts = FactsFromHubJson(rec, path, in.line);
    if (!facts.ok()) {
      out.diag = Diagnostic{path, in.line, "error", "hub_record", facts.status().message()};
      return out;
    }
    facts->content_hash = ingest_util::HashHex(in.text);
    out.facts = std::move(facts.value());
    return out;
  };
  unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  constexpr size_t kBatch = 4096;
  auto parse_batch = [&](size_t begin) {
    size_t end = std::min(lines.size(), begin + kBatch);
    std::vector<Parsed> out(end - begin);
    std::vector<std::thread> pool;
    unsigned n = std::max(1u, std::min<unsigned>(workers, static_cast<unsigned>(end - begin)));
    for (unsigned t = 0; t < n; ++t) {
      pool.emplace_back([&, t] {
        for (size_t i = begin + t; i < end; i += n) out[i - begin] = parse_one(lines[i]);
      });
    }
    for (auto& th : pool) th.join();
    return out;
  };
  if (lines.empty()) return;
  std::future<std::vector<Parsed>> next = std::async(std::launch::async, parse_batch, size_t{0});
  for (size_t begin = 0; begin < lines.size(); begin += kBatch) {
    std::vector<Parsed> batch = next.get();
    if (begin + kBatch < lines.size()) {
      next = std::async(std::launch::async, parse_batch, begin + kBatch);
    }
    for (auto& p : batch) {
      if (p.diag) diags->push_back(std::move(*p.diag));
      if (p.facts) sink(std::move(*p.facts));
    }
  }
}

}  // namespace readers

}  // namespace lineage
