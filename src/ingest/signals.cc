// Inference signals from JSON: config.json shapes and Hub record fields
// (nlohmann_json stays inside ingest).
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "ingest/hub_facts.h"
#include "ingest/json_view_nlohmann.h"
#include "ingest/util.h"
#include "lineage/infer.h"
#include "lineage/ingest.h"

namespace lineage {

using nlohmann::json;

Result<ConfigFingerprint> ParseConfigFingerprint(std::string_view config_json) {
  if (ingest_util::JsonNestingDepth(config_json) > ingest_util::kMaxJsonDepth) {
    return Status::InvalidInput("nested deeper than " +
                                std::to_string(ingest_util::kMaxJsonDepth) + " levels");
  }
  // Only the members the fingerprint reads are kept, and no array: a config's
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
  json c;
  try {
    // Numbers beyond a double throw even when asked not to.
    c = json::parse(config_json.begin(), config_json.end(), keep, false);
  } catch (const json::exception& e) {
    return Status::InvalidInput(std::string("not a JSON object: ") + e.what());
  }
  if (c.is_discarded() || !c.is_object()) return Status::InvalidInput("not a JSON object");
  return hub_facts::Fingerprint(json_view::NlohmannView(c));
}

}  // namespace lineage
