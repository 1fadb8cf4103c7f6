// Ingest: reads model-card folders, single cards, Hub API dumps, organization,
// alias, bloc and curated-edge files into the store, one transaction per run.
//
// Ingest never stops at a bad file: what cannot be read becomes a diagnostic
// (`file:line: what is wrong`) and everything around it still lands.
#ifndef LINEAGE_INGEST_H_
#define LINEAGE_INGEST_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/status.h"
#include "lineage/store.h"

namespace lineage {

// What the top level of a card's front matter (or a Hub record's cardData)
// says, before it is turned into facts. Lines are 1-based file lines (0: none).
struct CardFields {
  struct Value {
    std::string text;
    int line = 0;
  };
  std::vector<Value> base_models;
  Value base_model_relation;
  Value license, license_name, license_link;
  std::vector<Value> datasets;
  std::vector<std::string> languages, tags;
  std::string pipeline_tag, library_name, new_version, created_at;
  std::vector<Diagnostic> diagnostics;
};

// Parses the YAML front matter of a model card. Never fails: problems become
// diagnostics in the result (naming `source` and the file line).
CardFields ParseCardText(std::string_view text, const std::string& source);
// As ParseCardText; `fast_path` false forces yaml-cpp for every card (the
// fast path for plain front matter is checked against it in the tests).
CardFields ParseCardTextWith(std::string_view text, const std::string& source, bool fast_path);

// Turns the fields of `id`'s card into facts: the artifact, an edge with
// evidence `evidence_kind` per base model and dataset, pending bare names,
// diagnostics (bad ids, self-references). Relations absent from the card are
// inferred the way the Hub does and marked inferred.
DocumentFacts BuildCardFacts(const CardFields& fields, const std::string& id,
                             const std::string& source, const std::string& evidence_kind);

// Infers the relation of a child to its bases when the card does not declare
// one: several bases -> merge; GGUF/GPTQ/AWQ/EXL2/bitsandbytes... -> quantized;
// peft/LoRA -> adapter; otherwise finetune.
Relation InferRelation(size_t base_count, const std::vector<std::string>& tags,
                       const std::string& library_name, const std::string& id);

// Parses one record of a Hub API dump (/api/models?full=true&cardData=true).
// InvalidInput when `json_text` is not a JSON object with an id.
Result<DocumentFacts> ParseHubRecord(std::string_view json_text, const std::string& source,
                                     int line);

// The shape of a config.json (lineage/reference.h); a vision-language
// config's text_config / llm_config when the top level has none.
// InvalidInput when the text is not a JSON object.
Result<ConfigFingerprint> ParseConfigFingerprint(std::string_view config_json);

enum class InputKind {
  kAuto,
  kCards,    // a folder ROOT/<namespace>/<name>/README.md
  kCard,     // one README.md (needs an id)
  kHub,      // Hub API dump, JSON array or JSON lines
  kOrgs,     // organizations.csv
  kAliases,  // namespace aliases csv
  kBlocs,    // blocs.json
  kEdges,    // curated edges csv (evidence `manual`)
  kLicenses,        // licence catalogue csv
  kLicenseAliases,  // licence aliases csv
  kGit,             // a git model repository, or a folder of them (lineage/git.h)
  kFamilies,        // families.csv (lineage/reference.h)
  kKnownBases,      // known_bases.csv (lineage/reference.h)
  kModelAliases,    // model_aliases.csv: renamed repositories
};
// "cards", "card", "hub", "orgs", "aliases", "blocs", "edges", "licenses",
// "license-aliases", "git", "families", "known-bases", "model-aliases"; InvalidInput otherwise.
Result<InputKind> ParseInputKind(std::string_view name);

// Reads a blocs file ({"name": ["US", ...]}) without storing it, for queries
// that take an edited bloc file directly. Sorted by bloc name.
Result<std::vector<std::pair<std::string, std::vector<std::string>>>> ReadBlocsFile(
    const std::string& path);

// The largest input document read: a card, a repository's README.md,
// config.json or adapter_config.json, one record of a Hub dump in JSON lines.
// A larger one is not read; it becomes an error diagnostic naming the file
// (and line), and the documents around it still land.
inline constexpr int64_t kDefaultMaxDocumentSize = int64_t{16} << 20;

struct IngestOptions {
  InputKind as = InputKind::kAuto;
  std::string id;          // for a single card or a single git repository
  std::string rev;         // git repositories: the revision to read (empty: HEAD)
  bool progress = false;   // show progress on the stream (a terminal)
  int threads = 0;         // parser threads; 0 = hardware concurrency
  bool infer = true;       // run inference (lineage/infer.h) after the run
  int64_t max_document_size = kDefaultMaxDocumentSize;  // bytes; `ingest --max-document-size`
};

struct IngestSummary {
  int64_t documents = 0;  // new or changed documents applied
  int64_t unchanged = 0;  // documents skipped because they did not change
  int64_t edges = 0;      // new edges
  int64_t diagnostics = 0;
  int64_t inferred = 0;   // inferred parent edges stored after the run
  double seconds = 0;
};

// Ingests every path in one run (one transaction). Fails only when the store
// cannot be written or a path does not exist; bad content becomes diagnostics.
// `log` receives progress and the one-line summary.
Result<IngestSummary> Ingest(Store& store, const std::vector<std::string>& paths,
                             const IngestOptions& options, std::ostream& log);

// The reference data shipped in the binary (data/organizations.csv,
// aliases.csv, blocs.json, licenses.csv, license_aliases.csv, families.csv,
// known_bases.csv, model_aliases.csv) and the embedded dataset
// (data/curated_edges.csv and data/models/*.jsonl: real model records and the
// derivations only prose states): "<data/VERSION>+<content hash>".
std::string BuiltinDataVersion();
inline constexpr const char* kReferenceVersionKey = "reference_version";
// "with" or "without": whether the store takes the embedded dataset.
inline constexpr const char* kDatasetKey = "builtin_dataset";

// Whether a store takes the embedded dataset along with the reference data.
enum class DatasetChoice {
  kAsStored,  // as the store was created (a new store takes it)
  kWith,
  kWithout,   // only for a new store: a store that holds it keeps it
};

// Loads the shipped reference data into `store`, in one run of its own, when
// the store does not hold this version of it yet; true when it loaded it. Its
// facts have origins "builtin:<file>", and every file a user ingests layers
// over them (a user's row for the same namespace, bloc or licence wins, before
// and after a later version of the reference data is loaded; a model's own
// card or repository outranks the dataset's Hub-shaped record of it).
// kWithout on a store that already holds the dataset is InvalidInput.
Result<bool> EnsureBuiltinReference(Store& store, std::ostream& log,
                                    DatasetChoice dataset = DatasetChoice::kAsStored);

}  // namespace lineage

#endif  // LINEAGE_INGEST_H_
