// The vocabulary of the lineage graph: artifacts (nodes), relations (typed
// edges child -> parent) and the evidence behind each edge, plus the rules for
// Hub-style ids. Plain value types; no library types cross this header.
#ifndef LINEAGE_ARTIFACT_H_
#define LINEAGE_ARTIFACT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/status.h"

namespace lineage {

// Stored as integers in the store: never renumber, only append.
enum class ArtifactKind : int { kModel = 0, kDataset = 1, kSoftware = 2 };

// Stored as integers in the store: never renumber, only append.
enum class Relation : int {
  kFinetune = 0,
  kAdapter = 1,
  kQuantized = 2,
  kMerge = 3,
  kDistillation = 4,
  kContinuedPretraining = 5,
  kCopy = 6,
  kComponent = 7,
  kTrainedOn = 8,
  kDependsOn = 9,
  kArchitecture = 10,  // a design reused, not the weights (found by inference)
};
inline constexpr int kRelationCount = 11;

// What kind of dependence a relation is (design.md). A model's root and family
// follow kWeights edges only.
enum class RelationClass : int {
  kWeights = 0,         // finetune, continued_pretraining, adapter, merge
  kRedistribution = 1,  // quantized, copy
  kKnowledge = 2,       // distillation: trained on another model's outputs
  kComponent = 3,       // vision tower, text encoder, VAE, tokenizer
  kArchitecture = 4,    // a design reused
  kData = 5,            // trained_on
  kSoftware = 6,        // depends_on
};
inline constexpr int kRelationClassCount = 7;

const char* ArtifactKindName(ArtifactKind kind);
const char* RelationName(Relation relation);
RelationClass ClassOf(Relation relation);
// "weights", "redistribution", "knowledge", "component", "architecture", "data", "software".
const char* RelationClassName(RelationClass c);
std::optional<RelationClass> ParseRelationClass(std::string_view name);
// Accepts the names RelationName returns (and "continued-pretraining" with a
// dash); nullopt for anything else.
std::optional<Relation> ParseRelation(std::string_view name);

// Why we believe an edge. `kind` is one of the evidence kinds of design.md
// (card.base_model, hub.tag, adapter_config, config.name_or_path, manual, ...).
struct Evidence {
  std::string kind;
  std::string source;  // file path, URL or repository
  int line = 0;        // 1-based line in `source`, 0 when not applicable
  std::string commit;  // git commit id when read from a repository
  std::string detail;  // what exactly was read, e.g. the raw base_model value
  double confidence = 0;
  Relation relation = Relation::kFinetune;
  bool relation_inferred = false;  // relation guessed from tags/names, not declared
};

struct Artifact {
  std::string id;  // display form, as first written by its owner
  ArtifactKind kind = ArtifactKind::kModel;
  std::string author;        // the namespace
  std::string organization;  // from the organizations table, empty if unknown
  std::string country;       // ISO 3166-1 alpha-2, empty if unknown
  std::string country_source;
  std::string country_source_kind;  // own_site, registry, encyclopedia, news, paper
  std::string organization_parent;  // the organization's parent company, if known
  std::string license;  // as written (`other` keeps license_name beside it)
  std::string license_name;
  std::string license_link;
  std::string license_normalized;  // catalogue id, empty when not recognised
  std::string pipeline_tag;
  std::string library_name;
  std::string created_at;  // ISO date or date-time prefix, empty if unknown
  std::string source;      // where the record was read
  std::string new_version;
  std::vector<std::string> tags;
  std::vector<std::string> languages;
  bool declared = false;  // false: only known because something names it as a parent
  // Popularity as a Hub dump gave it (-1 / "": not known). Filled by
  // Store::GetArtifact; walks leave them unknown.
  int64_t downloads = -1;           // the Hub's last-30-days count
  int64_t downloads_all_time = -1;  // downloadsAllTime
  int64_t likes = -1;
  std::string last_modified;  // ISO date-time
};

struct Edge {
  std::string child;
  std::string parent;
  Relation relation = Relation::kFinetune;
  bool relation_inferred = false;
  double confidence = 0;
  std::vector<Evidence> evidence;
  // Proposed by inference (lineage/infer.h) from undeclared signals; no
  // document declares this edge.
  bool inferred = false;
};

// A connected piece of the graph as returned by chain and descendants queries.
struct GraphNode {
  Artifact artifact;
  int depth = 0;  // shortest number of hops from the root
};
struct Subgraph {
  std::string root;              // display id of the root
  std::vector<GraphNode> nodes;  // sorted by (depth, id key)
  std::vector<Edge> edges;       // sorted by (child key, parent key)
};

// A problem found while reading or resolving input: `source:line: message`.
struct Diagnostic {
  std::string source;
  int line = 0;
  std::string severity;  // "error" (input lost) or "warning" (input kept, with doubt)
  std::string code;      // stable machine-readable kind, e.g. "yaml", "self_reference"
  std::string message;
};

// Who publishes under a namespace.
struct Organization {
  std::string ns;  // namespace as written
  std::string name;
  std::string country;  // ISO alpha-2 or empty
  std::string kind;     // company, academic, government, nonprofit, community, individual, unknown
  std::string source;   // URL stating the country
  std::string source_kind;  // own_site, registry, encyclopedia, news, paper; "" if not stated
  std::string checked;      // YYYY-MM-DD the source was read
  std::string parent;       // parent organization's name ("Alibaba Group"), "" if none
};

// The case-folded form used to compare ids ("Qwen/Qwen2-7B" -> "qwen/qwen2-7b").
std::string IdKey(std::string_view id);

// A reference to a Hub artifact as found in the wild.
struct HubRef {
  std::string id;          // "ns/name", or "name" when unqualified
  bool qualified = false;  // has a namespace
  bool from_url = false;   // was written as a huggingface.co URL
  ArtifactKind kind = ArtifactKind::kModel;  // datasets/ URLs give kDataset
};

// Parses "ns/name", "name", "https://huggingface.co/ns/name[/tree/...]",
// "hf.co/ns/name", "datasets/ns/name". Returns InvalidInput, with the reason,
// for anything that is not a Hub id (spaces, extra path parts, bad characters).
Result<HubRef> ParseHubRef(std::string_view text);

// Edit distance, for "did you mean".
int EditDistance(std::string_view a, std::string_view b);

}  // namespace lineage

#endif  // LINEAGE_ARTIFACT_H_
