// Inference signals read from JSON values. Private to the ingest module.
#ifndef LINEAGE_INGEST_JSON_SIGNALS_H_
#define LINEAGE_INGEST_JSON_SIGNALS_H_

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "lineage/store.h"

namespace lineage::readers {

// The signals of a Hub record (lineage/infer.h): `config`, `safetensors`,
// `gguf` and `baseModels`, appended to `out`.
void AddHubSignals(const nlohmann::json& rec, const std::string& source, int line,
                   std::vector<Signal>* out);

}  // namespace lineage::readers

#endif  // LINEAGE_INGEST_JSON_SIGNALS_H_
