// Inference signals from JSON: config.json shapes and Hub record fields
// (nlohmann_json stays inside ingest).
#include <nlohmann/json.hpp>

#include "ingest/hub_facts.h"
#include "ingest/json_view_nlohmann.h"
#include "lineage/infer.h"
#include "lineage/ingest.h"

namespace lineage {

using nlohmann::json;

Result<ConfigFingerprint> ParseConfigFingerprint(std::string_view config_json) {
  if (ingest_util::JsonNestingDepth(config_json) > ingest_util::kMaxJsonDepth) {
    return Status::InvalidInput("nested too deep");
  }
  json c;
  try {
    // Numbers beyond a double throw even when asked not to.
    c = json::parse(config_json.begin(), config_json.end(), nullptr, false);
  } catch (const json::exception& e) {
    return Status::InvalidInput(std::string("not a JSON object: ") + e.what());
  }
  if (c.is_discarded() || !c.is_object()) return Status::InvalidInput("not a JSON object");
  return hub_facts::Fingerprint(json_view::NlohmannView(c));
}

}  // namespace lineage
