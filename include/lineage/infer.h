// Inference: parent edges nobody declared, proposed from names, licences, card
// bodies, configs, tokenizers, GGUF metadata and Hub fields, each with its
// evidence and one confidence (the model is documented in docs/inference.md).
//
// Signals are captured when documents are read (Store signals, owned by the
// document); inference reads them with the reference data (families and
// known bases, lineage/reference.h) and stores what it proposes as inferred
// edges (Edge::inferred) under origins "infer:<child key>". Declared metadata
// always wins: a model with a declared weights or redistribution parent gets
// no inferred parent, and an inferred edge never replaces a declared one.
#ifndef LINEAGE_INFER_H_
#define LINEAGE_INFER_H_

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/artifact.h"
#include "lineage/reference.h"
#include "lineage/status.h"
#include "lineage/store.h"

namespace lineage {

// --- Signals (Signal::kind and the format of Signal::value) -----------------------
inline constexpr const char* kSignalBodyLink = "card.body_link";      // a Hub model id
inline constexpr const char* kSignalBodyPhrase = "card.body_phrase";  // text after the phrase
inline constexpr const char* kSignalConfig = "config";                // EncodeFingerprint()
inline constexpr const char* kSignalTokenizer = "tokenizer";  // blob id or "sha256:<hex>"
inline constexpr const char* kSignalGgufBase = "gguf.base_model";  // repo URL, id or name
inline constexpr const char* kSignalGgufSource = "gguf.source";    // repo URL or id
inline constexpr const char* kSignalHubBaseModels = "hub.base_models";  // Hub id
inline constexpr const char* kSignalParameters = "hub.parameters";      // decimal count

// "model_type=llama;hidden_size=4096;..." and back; unknown keys are ignored.
std::string EncodeFingerprint(const ConfigFingerprint& f);
ConfigFingerprint DecodeFingerprint(std::string_view text);

// The links to Hub models and the lineage phrases ("fine-tuned from",
// "based on", "Built with Meta Llama 3", "基于 ... 训练") in the body of a
// model card (the text after its front matter). `self` is left out.
std::vector<Signal> CardBodySignals(std::string_view card_text, const std::string& self,
                                    const std::string& source);

// Size and variant tokens of a repo name: "Qwen2.5-7B-Instruct" -> "7b",
// {"instruct"}; "Mixtral-8x7B" -> "8x7b".
struct NameTokens {
  std::string size;                   // lower case, "" when none
  std::vector<std::string> variants;  // instruct, chat, base, coder, math, vision
  std::string context;                // a context-length token after the size: "32k", "1m"
  std::vector<std::string> versions;  // "v0.3" tokens
};
NameTokens ReadNameTokens(std::string_view name);

// The repo name without its trailing quantization and format tokens, lower
// case ("Llama3-70B-X-i1-GGUF" -> "llama3-70b-x"); "" when there are none.
std::string StripFormatSuffix(std::string_view name);
// True when the repo name's last '-' token is a quantization or format token:
// StripFormatSuffix can only be non-empty then.
bool EndsWithFormatToken(std::string_view name);

// --- The inference engine -----------------------------------------------------------
// One proposed parent.
struct Proposal {
  std::string parent;  // display id
  Relation relation = Relation::kFinetune;
  double confidence = 0;
  // No evidence named the exact model, or pinned it down by size, variant,
  // version and context: the parent is the family's closest known base (else
  // its canonical base), and only the family is claimed.
  bool family_level = false;
  std::string family;         // family slug, "" when the parent's family is unknown
  std::vector<Evidence> evidence;
};

// Per-kind reliabilities: the probability that one piece of evidence of that
// kind names the right family, before combination (docs/inference.md).
using Reliability = std::map<std::string, double>;
// The built-in priors, used until calibration on declared edges replaces them.
const Reliability& DefaultReliability();

class Inferer {
 public:
  // Compiles every family's name patterns once. InvalidInput names a pattern
  // that is not a valid ECMAScript regex.
  static Result<std::unique_ptr<Inferer>> Build(const std::vector<Family>& families,
                                                const std::vector<KnownBase>& bases);
  ~Inferer();

  // Tokenizer hashes and exact parameter counts read from the known bases'
  // own records (Store::ScanSignals), so other models can be matched to them.
  void AddBaseSignal(const std::string& base_id, const Signal& signal);
  // A model of the store: a quantized or converted upload named after it
  // ("X-GGUF", "X-exl2-4bpw") is matched to it by name, and so is a name that
  // holds it. Returns its index for ModelId.
  uint32_t AddModel(std::string_view id);
  std::string_view ModelId(uint32_t model) const;
  // False when Propose would surely find nothing for a subject with this id
  // and these licence fields: no signals, no family's literal in its name, no
  // format suffix on it, no licence of one family. A scan can then skip
  // reading the rest of it.
  bool MayPropose(std::string_view id, std::string_view license, std::string_view license_name,
                  std::string_view license_normalized, bool has_signals) const;
  void set_reliability(const Reliability& r);
  const Reliability& reliability() const;
  bool IsKnownBase(const std::string& id) const;
  // The publisher of the family `id` belongs to (a known base's, else the one
  // its name matches); "" when none.
  std::string FamilyPublisher(const std::string& id) const;

  // Every parent hypothesis for `subject`, best first (at most one per
  // family), ignoring its declared parents. `only_kind` non-empty: evidence
  // of that kind alone (for calibration and per-kind evaluation).
  // `unseen`: id keys to treat as absent from the store (leave-one-out: the
  // stubs that only the hidden declared edges brought into it).
  std::vector<Proposal> Propose(const InferenceSubject& subject,
                                const std::string& only_kind = "",
                                const std::vector<std::string>& unseen = {}) const;

  // The evidence kinds Propose can give.
  static const std::vector<std::string>& EvidenceKinds();

 private:
  struct Impl;
  Inferer();
  std::unique_ptr<Impl> impl_;
};

// True when a declared parent edge makes inference stay away from the model:
// a weights-class (finetune, adapter, merge, continued pretraining) or
// redistribution (quantized, copy) relation.
bool BlocksInference(Relation relation);

// --- Running it over a store ----------------------------------------------------------
struct InferOptions {
  double threshold = 0.5;        // proposals below this are not stored
  std::vector<std::string> ids;  // only these models and their neighbours (empty: every model)
  bool calibrate = true;         // measure reliabilities on the declared edges first
};

struct InferSummary {
  int64_t subjects = 0;      // models without a declared parent that were examined
  int64_t proposed = 0;      // inferred edges stored
  int64_t family_level = 0;  // of which pointing to a family's canonical base
  int64_t calibration_models = 0;  // declared models the reliabilities were measured on
  // Incremental runs: models re-inferred beside InferOptions::ids because
  // their names hold a changed model's name ("X-GGUF" beside a new "X").
  int64_t neighbours = 0;
  Reliability reliability;
  double seconds = 0;
};

// Replaces the inferred edges of the models in scope, in one run (one
// transaction). NotFound when the store holds no families (ingest
// data/families.csv and data/known_bases.csv); IoError when it cannot be written.
Result<InferSummary> RunInference(Store& store, const InferOptions& options);

// --- Leave-one-out evaluation ---------------------------------------------------------
struct EvalOptions {
  int64_t sample = 0;  // models evaluated (0: every model with a declared parent)
  double threshold = 0.5;
  int64_t max_mistakes = 20;  // confusion list length (0: every mistake)
};

struct EvalCounts {
  std::string kind;              // evidence kind, or "all"
  int64_t proposed = 0;          // models given a parent at or above the threshold
  int64_t family_level = 0;      // ... of which only a family (Proposal::family_level)
  int64_t exact_correct = 0;     // ... naming an exact parent that is one of the declared ones
  int64_t family_correct = 0;    // ... whose root publisher is a declared parent's
  int64_t models = 0;            // models evaluated (the recall denominator)
  // Proposals that name an exact parent; a family-level one claims only the
  // family, so it is never an exact hit and not in the exact denominator.
  int64_t ExactProposed() const { return proposed - family_level; }
  double ExactPrecision() const {
    return ExactProposed() ? double(exact_correct) / ExactProposed() : 0;
  }
  double FamilyPrecision() const { return proposed ? double(family_correct) / proposed : 0; }
  double ExactRecall() const { return models ? double(exact_correct) / models : 0; }
  double FamilyRecall() const { return models ? double(family_correct) / models : 0; }
};

struct EvalMistake {
  std::string model, proposed, declared;  // declared: the parents, ", "-joined
  std::string proposed_family, declared_family;  // root publishers
  double confidence = 0;
  std::string kinds;  // evidence kinds of the proposal, ", "-joined
};

struct EvalReport {
  int64_t models = 0;
  double threshold = 0.5;
  EvalCounts overall;
  std::vector<EvalCounts> by_kind;   // EvidenceKinds() order, kinds never seen left out
  std::vector<EvalMistake> mistakes;  // wrong family first, then by confidence, at most 20
};

// Hides each sampled model's declared parents (and Hub baseModels, which
// repeat them), infers again and compares. NotFound without families.
Result<EvalReport> EvaluateInference(const Store& store, const EvalOptions& options);

void WriteEvalText(const EvalReport& r, std::ostream& os);
void WriteEvalJson(const EvalReport& r, std::ostream& os);

// --- Leaving inferred edges out of query results ---------------------------------------
struct InferredFilter {
  bool declared_only = false;
  double min_confidence = 0;  // edges below it are left out (declared ones too)
  bool active() const { return declared_only || min_confidence > 0; }
  bool Keeps(const Edge& e) const;
};
// Drops the edges the filter leaves out, then the nodes no longer reached
// from the root (`upward`: along parent edges), recomputing depths. Returns
// the number of edges dropped.
int64_t FilterSubgraph(Subgraph* g, const InferredFilter& filter, bool upward);
int64_t CountInferred(const std::vector<Edge>& edges);

}  // namespace lineage

#endif  // LINEAGE_INFER_H_
