// Reference data about base models: families (data/families.csv) and known
// base checkpoints with their config fingerprints (data/known_bases.csv).
// Inference proposes parents from it; reports group roots into families.
// Plain value types; the files' columns are documented in data/README.md.
#ifndef LINEAGE_REFERENCE_H_
#define LINEAGE_REFERENCE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lineage {

// A family of base models ("llama3.1", "qwen2.5", "flux").
struct Family {
  std::string slug;            // stable id, lower case
  std::string name;            // display name ("Llama 3.1")
  std::string publisher;       // Hub namespace of the publisher
  std::string canonical_base;  // id a family-level inferred edge points to
  std::vector<std::string> name_patterns;  // case-insensitive ECMAScript regexes over repo names
  std::vector<std::string> licenses;       // licence ids only this family carries
  std::string source;                      // URL stating the family's publisher
};

// The shape of a transformer config.json; 0 / "" when the config does not say.
struct ConfigFingerprint {
  std::string model_type;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t vocab_size = 0;
  double rope_theta = 0;
  int64_t max_position_embeddings = 0;
  bool empty() const { return model_type.empty() && hidden_size == 0 && vocab_size == 0; }
};

// A known base checkpoint.
struct KnownBase {
  std::string id;       // Hub id as displayed
  std::string family;   // Family::slug
  std::string params;   // size token as published: "7B", "8x7B", "671B-A37B"
  std::string variant;  // base, instruct, chat, coder, math, vision, ...
  std::string license;  // as the card declares it
  std::string created_at;
  ConfigFingerprint config;
  std::string source;         // the card
  std::string config_source;  // the config.json read
};

}  // namespace lineage

#endif  // LINEAGE_REFERENCE_H_
