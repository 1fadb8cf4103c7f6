// The store: the SQLite system of record (schema in docs/schema.md).
//
// Every fact in it names the document ("origin") it came from, so a newer
// version of a document replaces exactly what the older one said. Writes happen
// inside an ingest run, which is one transaction: a crash mid-run leaves the
// store as it was before the run.
#ifndef LINEAGE_STORE_H_
#define LINEAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lineage/artifact.h"
#include "lineage/git_types.h"
#include "lineage/license.h"
#include "lineage/reference.h"
#include "lineage/status.h"

namespace lineage {

// An unresolved reference by bare name ("Llama-2-7b-hf" without a namespace),
// resolved against the whole store when the run ends.
struct PendingRef {
  std::string name;  // as written
  Evidence evidence;
};

// A fact inference reads (lineage/infer.h), captured when a document is read
// and owned by it: replaced when the document is read again. Kinds and value
// formats are listed in lineage/infer.h (kSignal...).
struct Signal {
  std::string kind;
  std::string value;
  std::string source;  // file, URL or repository it was read from
  int line = 0;
  std::string detail;  // what exactly was read (a phrase, a file path)
};
// At most this many diagnostics are stored per document; one more says how
// many were left out.
inline constexpr size_t kMaxDiagnosticsPerDocument = 100;

// Everything one input document says. `origin` names the document stably
// across versions ("card:qwen/qwen2-7b", "hub:qwen/qwen2-7b", "file:data/x.csv").
struct DocumentFacts {
  std::string origin;
  std::string content_hash;         // unchanged hash => the document is skipped
  std::optional<Artifact> artifact;  // the artifact the document declares, if any
  std::vector<Edge> edges;           // each edge with the evidence this document gives
  std::vector<PendingRef> pending;   // child is artifact->id
  std::vector<Diagnostic> diagnostics;
  std::vector<Signal> signals;  // about `artifact`, for inference
};

// One declared model as inference sees it (Store::ScanInferenceSubjects).
struct InferenceSubject {
  std::string id;  // display id
  std::string license, license_name, license_normalized;
  std::string pipeline_tag, library_name;
  std::vector<std::string> tags;
  std::vector<Signal> signals;
  std::vector<Edge> declared_parents;  // declared edges only, without evidence
};

// One artifact as a whole-store inference scan reads it (Store::ScanInferenceGraph).
// The views are valid during the callback only.
struct InferenceRow {
  int64_t row = 0;
  std::string_view display;
  ArtifactKind kind = ArtifactKind::kModel;
  bool declared = false;  // a document describes it
  // Filled for declared models in a scan that reads subjects
  // (InferenceScan::subject set); empty otherwise.
  std::string_view license, license_name, license_normalized;
  bool has_signals = false;
};

// What Store::ScanInferenceGraph calls, in this order: `edge` for every edge
// a document declares (row ids; inferred-only edges left out), then
// `artifact` for every artifact in row order. When `subject` is set, a
// declared model for which `artifact` returned true is then read whole and
// given to `subject` (its declared_parents left empty: `edge` gave them), so
// a model with nothing to match costs no decoding.
struct InferenceScan {
  std::function<void(int64_t child, int64_t parent, Relation relation)> edge;
  std::function<bool(const InferenceRow& row)> artifact;
  std::function<void(int64_t row, InferenceSubject&& subject)> subject;
};

struct StoreStats {
  int64_t artifacts = 0;
  int64_t declared = 0;  // artifacts with a record of their own (not only named as a parent)
  int64_t by_kind[3] = {0, 0, 0};
  int64_t edges = 0;
  int64_t edges_by_relation[kRelationCount] = {};
  int64_t inferred_relations = 0;
  std::vector<std::pair<std::string, int64_t>> evidence_by_kind;
  int64_t diagnostics = 0;
  std::vector<std::pair<std::string, int64_t>> diagnostics_by_code;
  int64_t models = 0;
  int64_t models_with_country = 0;
  int64_t models_with_organization = 0;
  int64_t models_with_license = 0;
  int64_t models_with_date = 0;
  int64_t organizations = 0;
  std::vector<std::pair<std::string, int64_t>> models_by_country;
};

// Compact whole-graph scan rows (integer ids are store row ids).
struct EdgeRow {
  int64_t child;
  int64_t parent;
  Relation relation;
  double confidence;
  bool inferred = false;  // proposed by inference, declared by no document
};
// The views are valid only during the ScanNodes callback that receives the row.
struct NodeRow {
  int64_t id;
  std::string display;
  ArtifactKind kind;
  std::string_view author;        // into display
  std::string_view organization;  // "" when no organization owns the namespace
  std::string_view country;
  std::string_view created_at;    // as the store holds it, "" when unknown
  // The same for every row of one (case-folded) namespace, numbered from 0 in
  // the order of first sight: a consumer can key per-namespace work on it.
  uint32_t namespace_index = 0;
};

// The licence fields of an artifact as stored ("" for NULL). ScanLicenseEdges
// numbers each distinct triple once, so a caller can normalise it once.
struct LicenseFields {
  std::string license, license_name, license_link;
};
// One edge as ScanLicenseEdges streams it: what the licence rules read, no
// more. `child` and `parent` have only id, kind, declared, license,
// license_name and license_link set; `edge` only relation,
// relation_inferred, confidence and inferred. Valid during the callback.
struct LicenseEdgeRow {
  int64_t edge_row = 0;  // edge.id, for EvidenceOfEdges
  int64_t child_row = 0, parent_row = 0;  // artifact.id of the ends
  const Artifact* child = nullptr;
  const Artifact* parent = nullptr;
  uint32_t child_fields = 0, parent_fields = 0;  // indexes into `fields`
  const std::vector<LicenseFields>* fields = nullptr;
  Edge edge;
};

// The popularity of one artifact as its records give it (Artifact::downloads
// and the rest). The counts travel together, from the first record in the
// records' precedence (store/records.cc) that has any of them.
struct Popularity {
  int64_t artifact = 0;             // store row id (NodeRow::id)
  int64_t downloads = -1;           // -1: not known
  int64_t downloads_all_time = -1;
  int64_t likes = -1;
  std::string last_modified;        // "" when not known
  std::string origin;               // the record they came from
};

class Store {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating when kReadWrite) the store at `path`, migrating an older
  // schema forward. Corruption when the file is not a lineage store or is newer
  // than this build understands.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, Mode mode);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Ingest runs -----------------------------------------------------------
  // One run is one transaction. Commit resolves pending bare names, checks for
  // cycles (`cycle_check`, given the whole edge list, returns the cycles as id
  // paths) and records the run.
  // Waits for another writer to finish (up to an hour) before it starts.
  Status BeginRun(const std::string& description);
  // True when the store holds `origin` with the same hash (nothing to do).
  // A failed read says changed: the document is read again, and the write
  // that follows reports the error.
  bool DocumentUnchanged(const std::string& origin, const std::string& hash);
  // Replaces whatever `facts.origin` said before with `facts`.
  Status ApplyDocument(const DocumentFacts& facts);
  Status UpsertOrganization(const Organization& org, const std::string& origin);
  Status AddAlias(const std::string& old_ns, const std::string& new_ns, const std::string& source,
                  const std::string& origin);
  Status UpsertLicense(const LicenseTerms& terms, const std::string& origin);
  Status AddLicenseAlias(const std::string& alias, const std::string& license_id,
                         const std::string& origin);
  Status SetBloc(const std::string& name, const std::vector<std::string>& countries,
                 const std::string& origin);
  // A repository renamed by its owner: `old_id` is the same artifact as
  // `new_id` for everything ingested after this (and for ResolveId).
  Status AddModelAlias(const std::string& old_id, const std::string& new_id,
                       const std::string& source, const std::string& origin);
  // Reference data (lineage/reference.h); a later origin's row for the same
  // slug / id replaces an earlier one.
  Status UpsertFamily(const Family& family, const std::string& origin);
  Status UpsertKnownBase(const KnownBase& base, const std::string& origin);
  // A diagnostic owned by `origin` (replaced when that document is re-read).
  Status AddDiagnostic(const std::string& origin, const Diagnostic& d);
  using CycleFinder =
      std::function<std::vector<std::vector<int64_t>>(const std::vector<EdgeRow>&)>;
  Status CommitRun(const CycleFinder& cycle_check);
  // Abandons the current run (no-op outside one). Stays void: it is the
  // cleanup path (destructor, after a failed write), and a rollback that
  // cannot be written leaves the transaction to SQLite's own rollback.
  void RollbackRun();

  struct RunCounts {
    int64_t documents = 0, unchanged = 0, edges = 0, diagnostics = 0;
  };
  // Counters kept in memory by the current run; no I/O, cannot fail.
  RunCounts run_counts() const;

  // --- Queries -----------------------------------------------------------------
  // Resolves user input (any case, URL, bare name, renamed namespace) to the
  // display id. NotFound carries "unknown model 'x', did you mean 'y'?".
  Result<std::string> ResolveId(const std::string& text) const;
  Result<Artifact> GetArtifact(const std::string& id) const;
  // Edges from `id` to its parents / children, with evidence, sorted; empty
  // for an id the store does not hold, IoError when the store cannot be read.
  Result<std::vector<Edge>> ParentEdges(const std::string& id) const;
  Result<std::vector<Edge>> ChildEdges(const std::string& id) const;
  // The first `limit` children of `id` by id, with evidence; `total` receives
  // how many there are. NotFound for an unknown id.
  Result<std::vector<Edge>> ChildEdges(const std::string& id, size_t limit, int64_t* total) const;
  // Every ancestor up to the roots (max_depth < 0: unlimited). `evidence`
  // false: the edges come without their evidence (for a drawing), all else
  // as with it.
  Result<Subgraph> Chain(const std::string& id, int max_depth = -1, bool evidence = true) const;
  // Everything derived from `id`, down to `max_depth` hops (< 0: unlimited).
  Result<Subgraph> Descendants(const std::string& id, int max_depth = -1,
                               bool evidence = true) const;
  // Builds a subgraph from a set of display ids: nodes plus all edges among
  // them (ids the store does not hold are left out). IoError when the store
  // cannot be read.
  Result<Subgraph> Induced(const std::string& root,
                           const std::vector<std::pair<std::string, int>>& nodes) const;
  // Every stored diagnostic, by source, line, code. IoError when the store
  // cannot be read (so do the store-wide reads below).
  Result<std::vector<Diagnostic>> Diagnostics() const;
  Result<StoreStats> Stats() const;
  Result<std::vector<Organization>> Organizations() const;
  // The licence catalogue as stored (empty until a licences file is ingested).
  Result<LicenseCatalogue> Licenses() const;
  // Store-wide settings ("reference_version": the built-in data it holds).
  // Meta is "" for a key never set.
  Status SetMeta(const std::string& key, const std::string& value);
  Result<std::string> Meta(const std::string& key) const;
  // Reference data as stored, sorted by slug / id key.
  Result<std::vector<Family>> Families() const;
  Result<std::vector<KnownBase>> KnownBases() const;
  // Bloc name -> countries, as stored.
  Result<std::vector<std::pair<std::string, std::vector<std::string>>>> Blocs() const;

  // Every edge between two artifacts with both ends loaded (no evidence), in
  // (child, parent) id order; for store-wide checks. The scans below return
  // IoError when the store cannot be read; `fn` may have seen some rows by
  // then, so a caller discards what it gathered.
  Status ScanEdgePairs(
      const std::function<void(const Artifact& child, const Artifact& parent, const Edge& e)>& fn)
      const;
  // The same pairs in the same order, lean: the ends' licence fields only,
  // each distinct triple of them numbered once (LicenseEdgeRow). For
  // `licenses check` over the whole store, in memory proportional to the
  // linked artifacts' ids rather than to full Artifact rows.
  Status ScanLicenseEdges(const std::function<void(const LicenseEdgeRow& row)>& fn) const;
  // The evidence of each edge row in `edge_rows` (as LicenseEdgeRow::edge_row
  // gives them), in the order EdgeEvidence lists it: fn(i, evidence of
  // edge_rows[i]) for every i, in ascending edge-row order; one statement,
  // prepared once. IoError when the store cannot be read.
  Status EvidenceOfEdges(const std::vector<int64_t>& edge_rows,
                         const std::function<void(size_t i, std::vector<Evidence>&& ev)>& fn)
      const;
  // The evidence of the edge child -> parent (empty when there is no such
  // edge), IoError when the store cannot be read.
  Result<std::vector<Evidence>> EdgeEvidence(const std::string& child,
                                             const std::string& parent) const;

  // Every artifact in row-id order; with `only`, just those whose row id r
  // has (*only)[r] set.
  Status ScanNodes(const std::function<void(const NodeRow&)>& fn,
                   const std::vector<bool>* only = nullptr) const;
  Status ScanEdges(const std::function<void(const EdgeRow&)>& fn) const;
  // Every artifact some Hub record gives popularity (downloads, likes), by
  // row id (NodeRow::id), in row order; for adoption measures weighted by use.
  Result<std::vector<Popularity>> ScanPopularity() const;

  // Read-only SQL for ad-hoc questions: a header row then the rows.
  // InvalidInput for anything that would write.
  Result<std::vector<std::vector<std::string>>> Query(const std::string& sql) const;

  // --- Inference (lineage/infer.h) -------------------------------------------------
  // Every declared model (only those of `ids` when non-empty) with its
  // signals and declared parent edges, in row order. IoError when the store
  // cannot be read; `fn` may have seen some subjects by then.
  Status ScanInferenceSubjects(const std::vector<std::string>& ids,
                             const std::function<void(const InferenceSubject&)>& fn) const;
  // What inference needs of the whole graph, in one pass over the artifacts
  // (see InferenceScan). IoError when the store cannot be read; the
  // callbacks may then have seen part of it.
  Status ScanInferenceGraph(const InferenceScan& scan) const;
  // Every stored signal of `kind`, with the display id of its artifact.
  // IoError when the store cannot be read.
  Status ScanSignals(const std::string& kind,
                   const std::function<void(const std::string& id, const Signal&)>& fn) const;
  // The id keys of the artifacts whose documents the last (or current) run
  // applied, in the order applied. Kept in memory: always ok today, a Result
  // so that keeping it in the store later changes no caller.
  Result<std::vector<std::string>> RunArtifacts() const;
  // The same, handed over: the store forgets them (a 2M-document run's list
  // is not held twice while inference runs). Nothing when there are more
  // than `at_most` (the caller scans the whole store instead).
  std::optional<std::vector<std::string>> TakeRunArtifacts(
      size_t at_most = std::numeric_limits<size_t>::max());
  // Inside a run: forgets the inferred edges of `children` (every inferred
  // edge when `all`). Evidence of origin "infer:<child key>" goes; an edge
  // left without evidence goes with it.
  Status ClearInferred(const std::vector<std::string>& children, bool all);
  // Inside a run: stores `edges` as inferred, their evidence under origin
  // "infer:<child key>". A pair that already has an edge is left alone
  // (declared edges always win). `written` receives the number stored.
  Status PutInferred(const std::vector<Edge>& edges, int64_t* written);
  // Inside a run: what ClearInferred({}, true) then PutInferred(edges) give,
  // but a child whose stored inferred edge is already exactly its edge in
  // `edges` (parent, relation, confidence, every piece of evidence, and still
  // no reverse edge) is left as stored, so a re-run that changes nothing
  // writes nothing. `written` receives the number of edges stored, the ones
  // left as they were included.
  Status ReplaceInferred(const std::vector<Edge>& edges, int64_t* written);
  // The reliability of each evidence kind as last measured on the declared
  // edges: kind -> (reliability, models measured, correct). Set inside a run.
  struct Calibration {
    double reliability = 0;
    int64_t models = 0, correct = 0;
  };
  Status SetInferenceCalibration(const std::map<std::string, Calibration>& c);
  // IoError when the store cannot be read.
  Result<std::map<std::string, Calibration>> InferenceCalibration() const;
  // As Query, for untrusted SQL: `row` gets the header, then each row, as
  // they come. It stops after `max_rows` rows (0: no cap; *truncated then
  // says so) and fails with InvalidInput "stopped after N s" once
  // `timeout_seconds` (0: none) have passed. fts3_tokenizer() is refused;
  // read-only PRAGMAs (journal_mode, user_version, ...) and a trailing
  // comment are allowed.
  struct QueryLimits {
    double timeout_seconds = 0;
    int64_t max_rows = 0;
  };
  Status QueryEach(const std::string& sql, const QueryLimits& limits,
                   const std::function<void(const std::vector<std::string>&)>& row,
                   bool* truncated) const;

  // --- Git repositories (docs/git.md) ---------------------------------------------
  // Replaces what `record.origin` said about its repository (weight-file LFS
  // objects, history, states) with `record`; call inside a run, after
  // ApplyDocument created the artifact. IoError when the store cannot be written.
  Status PutRepository(const RepoRecord& record);
  // The stored repositories sharing weight-file LFS oids with the repository of
  // `id`, sorted by id; empty when it has none or is not a stored repository,
  // IoError when the store cannot be read.
  Result<std::vector<LfsOverlap>> LfsOverlaps(const std::string& id) const;
  // The history of `id`'s repository, oldest first. NotFound when no repository
  // history of `id` was ingested.
  Result<std::vector<HistoryEntry>> History(const std::string& id) const;
  // The history entries that are findings, across all repositories, by date.
  // IoError when the store cannot be read.
  Result<std::vector<HistoryEntry>> Findings() const;
  // Every ancestor of `id` as the graph stood at `date` (YYYY-MM-DD, the end of
  // that day, or an ISO 8601 UTC date-time). A repository whose history was
  // ingested answers with the parents its metadata declared at that date (the
  // current edges once `date` reaches the commit that was ingested); any other
  // artifact answers with its current edges, and is named in `notes`, as is a
  // repository that did not exist yet or whose history is cut short.
  // InvalidInput for a malformed date, NotFound for an unknown id.
  Result<Subgraph> ChainAsOf(const std::string& id, const std::string& date,
                             std::vector<std::string>* notes) const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lineage

#endif  // LINEAGE_STORE_H_
