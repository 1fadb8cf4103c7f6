// The facts of one Hub record (/api/models?full=true&cardData=true), read
// through a JSON view (ingest/json_view.h): the same template serves the
// nlohmann_json reference and the simdjson fast path, so both read a record
// alike. Private to the ingest module.
#ifndef LINEAGE_INGEST_HUB_FACTS_H_
#define LINEAGE_INGEST_HUB_FACTS_H_

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ingest/json_view.h"
#include "ingest/util.h"
#include "lineage/infer.h"
#include "lineage/ingest.h"

namespace lineage::hub_facts {

template <class V>
std::string Str(const V& obj, std::string_view key) {
  auto v = obj.Find(key);
  if (!v || !v->IsString()) return {};
  return std::string(v->Str());
}

template <class V>
std::vector<std::string> Plain(const V& v) {
  std::vector<std::string> out;
  if (v.IsString()) out.emplace_back(v.Str());
  v.ForEach([&out](const V& item) {
    if (item.IsString()) out.emplace_back(item.Str());
  });
  return out;
}

template <class V>
CardFields::Value Joined(const V& obj, std::string_view key, int line) {
  auto v = obj.Find(key);
  if (!v) return {};
  std::string out;
  for (const auto& s : Plain(*v)) out += (out.empty() ? "" : "; ") + s;
  return {out, line};
}

template <class V>
void Values(const V& obj, std::string_view key, int line, std::vector<CardFields::Value>* out) {
  auto v = obj.Find(key);
  if (!v) return;
  for (auto& s : Plain(*v)) {
    if (!ingest_util::Trim(s).empty()) out->push_back({std::move(s), line});
  }
}

template <class V>
int64_t Int(const V& o, std::string_view key) {
  auto v = o.Find(key);
  if (!v) return 0;
  if (v->IsInt()) return v->Int();
  if (v->IsFloat()) return json_view::DoubleToInt(v->Double());
  return 0;
}

// A count the Hub gives (downloads, likes): -1 when absent, negative or not a
// number that fits.
template <class V>
int64_t Count(const V& o, std::string_view key) {
  auto v = o.Find(key);
  if (!v) return -1;
  int64_t n = -1;
  if (v->IsInt()) {
    n = v->Int();
  } else if (v->IsFloat()) {
    double d = v->Double();
    if (std::isfinite(d) && d >= 0 && d < 9.2e18 && d == std::floor(d)) n = static_cast<int64_t>(d);
  }
  return n < 0 ? -1 : n;
}

template <class V>
ConfigFingerprint Fingerprint(const V& c) {
  ConfigFingerprint f;
  f.model_type = Str(c, "model_type");
  // Vision-language configs keep the language model's shape in a sub-object.
  V shape = c;
  if (Int(c, "hidden_size") == 0) {
    for (const char* sub : {"text_config", "llm_config", "language_config"}) {
      auto it = c.Find(sub);
      if (it && it->IsObject() && Int(*it, "hidden_size") > 0) {
        shape = *it;
        if (f.model_type.empty()) f.model_type = Str(*it, "model_type");
        break;
      }
    }
  }
  f.hidden_size = Int(shape, "hidden_size");
  f.intermediate_size = Int(shape, "intermediate_size");
  f.num_hidden_layers = Int(shape, "num_hidden_layers");
  f.num_attention_heads = Int(shape, "num_attention_heads");
  f.num_key_value_heads = Int(shape, "num_key_value_heads");
  f.vocab_size = Int(shape, "vocab_size");
  if (auto it = shape.Find("rope_theta"); it && it->IsNumber()) f.rope_theta = it->Double();
  f.max_position_embeddings = Int(shape, "max_position_embeddings");
  return f;
}

// A value by JSON pointer tokens: object members by key, array items by index.
template <class V>
std::optional<V> AtPath(const V& root, const std::vector<std::string>& tokens) {
  std::optional<V> cur = root;
  for (const auto& t : tokens) {
    if (cur->IsObject()) {
      cur = cur->Find(t);
    } else if (cur->IsArray()) {
      // RFC 6901 array index: digits, no leading zero.
      if (t.empty() || (t.size() > 1 && t[0] == '0') || t.size() > 9) return std::nullopt;
      size_t index = 0;
      for (char c : t) {
        if (c < '0' || c > '9') return std::nullopt;
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      cur = cur->At(index);
    } else {
      return std::nullopt;
    }
    if (!cur) return std::nullopt;
  }
  return cur;
}

// The signals of a Hub record (lineage/infer.h): `config`, `safetensors`,
// `gguf` and `baseModels`, appended to `out`.
template <class V>
void AddHubSignals(const V& rec, const std::string& source, int line, std::vector<Signal>* out) {
  if (auto it = rec.Find("config"); it && it->IsObject()) {
    ConfigFingerprint f = Fingerprint(*it);
    if (!f.empty()) out->push_back(Signal{kSignalConfig, EncodeFingerprint(f), source, line, "config"});
  }
  if (auto it = rec.Find("safetensors"); it && it->IsObject()) {
    int64_t total = Int(*it, "total");
    if (total == 0) {
      if (auto p = it->Find("parameters"); p && p->IsObject()) {
        p->ForEachField([&total](std::string_view, const V& v) {
          // Wraps rather than overflows on absurd counts.
          if (v.IsInt()) {
            total = static_cast<int64_t>(static_cast<uint64_t>(total) +
                                         static_cast<uint64_t>(v.Int()));
          }
        });
      }
    }
    if (total > 0) {
      out->push_back(Signal{kSignalParameters, std::to_string(total), source, line,
                            "safetensors.parameters"});
    }
  }
  if (auto it = rec.Find("gguf"); it && it->IsObject()) {
    // Either flat keys ("general.base_model.0.repo_url") or nested objects.
    auto flat = [&](const std::string& key) -> std::string {
      if (auto f = it->Find(key); f && f->IsString()) return std::string(f->Str());
      std::vector<std::string> tokens;
      size_t start = 0;
      for (;;) {
        size_t dot = key.find('.', start);
        tokens.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      auto v = AtPath(*it, tokens);
      if (v && v->IsString()) return std::string(v->Str());
      return "";
    };
    for (int n = 0; n < 8; ++n) {
      std::string prefix = "general.base_model." + std::to_string(n) + ".";
      std::string url = flat(prefix + "repo_url");
      std::string name = flat(prefix + "name");
      std::string org = flat(prefix + "organization");
      if (url.empty() && name.empty()) break;
      if (!url.empty()) {
        out->push_back(Signal{kSignalGgufBase, url, source, line, prefix + "repo_url"});
      } else {
        std::string text = org.empty() ? name : org + " " + name;
        out->push_back(Signal{kSignalGgufBase, text, source, line, prefix + "name"});
      }
    }
    std::string src = flat("general.source.repo_url");
    if (!src.empty()) {
      out->push_back(Signal{kSignalGgufSource, src, source, line, "general.source.repo_url"});
    }
  }
  if (auto it = rec.Find("baseModels"); it) {
    std::string relation;
    std::optional<V> models = *it;
    if (it->IsObject()) {
      relation = Str(*it, "relation");
      models = it->Find("models");
      if (!models) return;
    }
    if (!models->IsArray()) return;
    models->ForEach([&](const V& m) {
      std::string id = m.IsString() ? std::string(m.Str()) : m.IsObject() ? Str(m, "id") : "";
      if (!id.empty()) out->push_back(Signal{kSignalHubBaseModels, id, source, line, relation});
    });
  }
}

// Facts of one Hub record. Evidence cites the record's own "source" URL when
// it has one (the embedded dataset does), else the dump file and line.
template <class V>
Result<DocumentFacts> FactsFromHub(const V& rec, const std::string& path, int line) {
  if (!rec.IsObject()) return Status::InvalidInput("record is not a JSON object");
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
  auto card = rec.Find("cardData");
  bool card_object = card && card->IsObject();
  if (card_object) {
    Values(*card, "base_model", ev_line, &f.base_models);
    Values(*card, "datasets", ev_line, &f.datasets);
    f.base_model_relation = Joined(*card, "base_model_relation", ev_line);
    f.license = Joined(*card, "license", ev_line);
    f.license_name = Joined(*card, "license_name", ev_line);
    f.license_link = Joined(*card, "license_link", ev_line);
    if (auto it = card->Find("language"); it) f.languages = Plain(*it);
    f.new_version = Str(*card, "new_version");
  }
  // The Hub's tags: base_model:[REL:]ID, license:X, dataset:X. region:us is
  // where the Hub stores files, never a country, so it is not read.
  std::vector<std::pair<std::string, std::string>> tag_bases;  // relation, id
  std::string tag_license;
  std::vector<std::string> tag_datasets;
  if (auto it = rec.Find("tags"); it) {
    for (auto& t : Plain(*it)) {
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
        f.tags.push_back(std::move(t));
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
  if (card_object) {
    if (f.pipeline_tag.empty()) f.pipeline_tag = Str(*card, "pipeline_tag");
    if (f.library_name.empty()) f.library_name = Str(*card, "library_name");
    if (auto t = card->Find("tags"); t && f.tags.empty()) f.tags = Plain(*t);
  }
  DocumentFacts facts = BuildCardFacts(f, ref->id, ev_source, "card.base_model");
  facts.artifact->source = url.empty() ? where : url;
  facts.artifact->downloads = Count(rec, "downloads");
  facts.artifact->downloads_all_time = Count(rec, "downloadsAllTime");
  facts.artifact->likes = Count(rec, "likes");
  facts.artifact->last_modified = Str(rec, "lastModified");
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
  AddHubSignals(rec, ev_source, ev_line, &facts.signals);
  facts.origin = "hub:" + IdKey(ref->id);
  return facts;
}

}  // namespace lineage::hub_facts

#endif  // LINEAGE_INGEST_HUB_FACTS_H_
