// Inference signals from JSON: config.json shapes and Hub record fields
// (nlohmann_json stays inside ingest).
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <set>

#include "ingest/json_signals.h"
#include "ingest/util.h"
#include "lineage/infer.h"
#include "lineage/ingest.h"

namespace lineage {

namespace {

using nlohmann::json;

int64_t Int(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->is_number_integer() || it->is_number_unsigned()) return it->get<int64_t>();
  if (it->is_number_float()) {
    // A shape past int64 (or NaN) is no shape: casting it would be undefined.
    double d = it->get<double>();
    if (!(std::fabs(d) < 9.2e18)) return 0;
    return static_cast<int64_t>(d);
  }
  return 0;
}

std::string Str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ConfigFingerprint FromObject(const json& c) {
  ConfigFingerprint f;
  f.model_type = Str(c, "model_type");
  // Vision-language configs keep the language model's shape in a sub-object.
  const json* shape = &c;
  if (Int(c, "hidden_size") == 0) {
    for (const char* sub : {"text_config", "llm_config", "language_config"}) {
      auto it = c.find(sub);
      if (it != c.end() && it->is_object() && Int(*it, "hidden_size") > 0) {
        shape = &*it;
        if (f.model_type.empty()) f.model_type = Str(*it, "model_type");
        break;
      }
    }
  }
  f.hidden_size = Int(*shape, "hidden_size");
  f.intermediate_size = Int(*shape, "intermediate_size");
  f.num_hidden_layers = Int(*shape, "num_hidden_layers");
  f.num_attention_heads = Int(*shape, "num_attention_heads");
  f.num_key_value_heads = Int(*shape, "num_key_value_heads");
  f.vocab_size = Int(*shape, "vocab_size");
  if (auto it = shape->find("rope_theta"); it != shape->end() && it->is_number()) {
    f.rope_theta = it->get<double>();
  }
  f.max_position_embeddings = Int(*shape, "max_position_embeddings");
  return f;
}

}  // namespace

Result<ConfigFingerprint> ParseConfigFingerprint(std::string_view config_json) {
  if (ingest_util::JsonNestingDepth(config_json) > ingest_util::kMaxJsonDepth) {
    return Status::InvalidInput("nested deeper than " +
                                std::to_string(ingest_util::kMaxJsonDepth) + " levels");
  }
  // Only the members FromObject reads are kept, and no array: a config's
  // size in memory stays that of those few values, whatever else it holds.
  static const std::set<std::string, std::less<>> kKeys = {
      "model_type",          "hidden_size",         "intermediate_size",
      "num_hidden_layers",   "num_attention_heads", "num_key_value_heads",
      "vocab_size",          "rope_theta",          "max_position_embeddings",
      "text_config",         "llm_config",          "language_config"};
  json::parser_callback_t keep = [](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::key:
        return parsed.is_string() && kKeys.count(parsed.get_ref<const std::string&>()) > 0;
      case json::parse_event_t::object_start:
        return depth <= 1;
      case json::parse_event_t::array_start:
        return false;
      default:
        return true;
    }
  };
  json c = json::parse(config_json.begin(), config_json.end(), keep, false);
  if (c.is_discarded() || !c.is_object()) return Status::InvalidInput("not a JSON object");
  return FromObject(c);
}

namespace readers {

void AddHubSignals(const json& rec, const std::string& source, int line,
                   std::vector<Signal>* out) {
  if (auto it = rec.find("config"); it != rec.end() && it->is_object()) {
    ConfigFingerprint f = FromObject(*it);
    if (!f.empty()) out->push_back(Signal{kSignalConfig, EncodeFingerprint(f), source, line, "config"});
  }
  if (auto it = rec.find("safetensors"); it != rec.end() && it->is_object()) {
    int64_t total = Int(*it, "total");
    if (total == 0) {
      if (auto p = it->find("parameters"); p != it->end() && p->is_object()) {
        for (const auto& [k, v] : p->items()) {
          if (v.is_number_integer() || v.is_number_unsigned()) total += v.get<int64_t>();
        }
      }
    }
    if (total > 0) {
      out->push_back(Signal{kSignalParameters, std::to_string(total), source, line,
                            "safetensors.parameters"});
    }
  }
  if (auto it = rec.find("gguf"); it != rec.end() && it->is_object()) {
    // Either flat keys ("general.base_model.0.repo_url") or nested objects.
    auto flat = [&](const std::string& key) -> std::string {
      auto f = it->find(key);
      if (f != it->end() && f->is_string()) return f->get<std::string>();
      json::json_pointer ptr("/" + [&key]() {
        std::string p = key;
        for (char& c : p) {
          if (c == '.') c = '/';
        }
        return p;
      }());
      if (it->contains(ptr) && it->at(ptr).is_string()) return it->at(ptr).get<std::string>();
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
  if (auto it = rec.find("baseModels"); it != rec.end()) {
    std::string relation;
    const json* models = &*it;
    if (it->is_object()) {
      relation = Str(*it, "relation");
      auto m = it->find("models");
      if (m == it->end()) return;
      models = &*m;
    }
    if (!models->is_array()) return;
    for (const auto& m : *models) {
      std::string id = m.is_string() ? m.get<std::string>() : m.is_object() ? Str(m, "id") : "";
      if (!id.empty()) out->push_back(Signal{kSignalHubBaseModels, id, source, line, relation});
    }
  }
}

}  // namespace readers

}  // namespace lineage
