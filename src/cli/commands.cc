#include "cli/commands.h"
#include "cli/terminal_text.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "cli/infer_commands.h"
#include "lineage/analysis.h"
#include "lineage/export.h"
#include "lineage/fetch.h"
#include "lineage/git.h"
#include "lineage/graph.h"
#include "lineage/ingest.h"
#include "lineage/license.h"
#include "lineage/license_check.h"
#include "lineage/report.h"
#include "lineage/store.h"

extern char** environ;

namespace lineage::cli {

namespace {

namespace fs = std::filesystem;

// What every command has: the store (--db, before the command) and the
// output format.
struct GlobalOptions {
  std::string db;
  std::string format = "text";
};

// The flow selection flows, export --flows and report share.
struct FlowSelection {
  bool direct = false;
  std::vector<std::string> relations;
  std::vector<std::string> classes;  // --class: kinds of dependence to follow
  InferredFilter inferred;            // --declared-only, --min-confidence
  std::string blocs_file;
};

struct IngestCommand : GlobalOptions {
  std::vector<std::string> paths;
  std::string as;
  std::string id;
  std::string rev;  // git revision
  bool no_progress = false;
  bool no_dataset = false;  // a new store without the embedded dataset
  int threads = 0;
  int64_t max_document_size = kDefaultMaxDocumentSize;  // bytes per document
};

struct ShowCommand : GlobalOptions {
  std::string id;
  int limit = 100;  // children listed
  InferredFilter inferred;
};

// chain and descendants.
struct WalkCommand : GlobalOptions {
  std::string id;
  int depth = -1;
  InferredFilter inferred;
  std::string as_of;  // chain: the date to answer for
};

struct HistoryCommand : GlobalOptions {
  std::string id;
  bool findings = false;
};

struct FlowsCommand : GlobalOptions {
  std::string from, to;
  FlowSelection selection;
};

struct TimelineCommand : GlobalOptions {
  std::string blocs_file;
  std::vector<std::string> classes;
  std::string svg;        // the counts chart
  bool shares = false;    // the adoption shares instead of counts
  std::string share_svg;  // the shares chart
};

struct ExportCommand : GlobalOptions {
  std::string export_format;
  std::string csv_what;  // csv: nodes or edges
  std::string sel_chain, sel_descendants, sel_flows;
  int depth = -1;
  FlowSelection selection;  // --flows: only --blocs and the inferred filter are options
  std::string output;
  int max_children = 12;  // dot: children drawn before "N more"
  bool mark_licenses = false;
  std::string render;
};

struct SqlCommand : GlobalOptions {
  std::string sql;
  double timeout = 30;       // seconds before a query is stopped
  int64_t max_rows = 100000;  // rows printed at most
};

struct LicensesCommand : GlobalOptions {
  std::string action;  // check or list
  std::string id;
  std::string min_severity;
  std::string blocs_file;
  InferredFilter inferred;
};

struct ReportCommand : GlobalOptions {
  std::string out_dir = "lineage-report";
  FlowSelection selection;  // --class, --blocs and the inferred filter
  int max_children = 12;
};

struct FetchCommand : GlobalOptions {
  FetchOptions fetch;  // the listing and politeness options
  std::string output;
  std::string repo;  // --repo ID
  bool no_progress = false;
};

struct InferCommand : GlobalOptions {
  double threshold = 0.5;  // the confidence an inferred edge needs
};

struct EvalCommand : GlobalOptions {
  std::string what;
  int64_t sample = 0;      // models evaluated
  int64_t mistakes = 20;   // confusion list length (0: all)
  double threshold = 0.5;
};

struct Io {
  std::ostream& out;
  std::ostream& err;
};

bool exit_after_run = false;  // SetExitAfterRun
// An answer left for the process's exit (SetExitAfterRun). Reachable from
// here, so leak checkers do not count it.
Subgraph* kept_for_exit = nullptr;
// The command-line parser left for the process's exit, reachable likewise.
CLI::App* parser_for_exit = nullptr;

// Hands `g` to the process's exit when it follows; otherwise `g` is freed
// as usual by its owner.
void KeepForExit(Subgraph* g) {
  if (!exit_after_run || kept_for_exit) return;
  kept_for_exit = new Subgraph(std::move(*g));
}

// A command's options declared on its subcommand, and its handler bound to them.
struct Bound {
  GlobalOptions* global;  // owned by `run`
  std::function<int(Io&)> run;
};

struct Command {
  const char* name;
  const char* help;
  // Declares the command's options on `app` into options of its own.
  std::function<Bound(CLI::App*)> bind;
};

template <typename O>
Command MakeCommand(const char* name, const char* help, void (*setup)(CLI::App*, O&),
                    int (*run)(O&, Io&)) {
  return {name, help, [setup, run](CLI::App* app) {
            auto o = std::make_shared<O>();
            setup(app, *o);
            return Bound{o.get(), [o, run](Io& io) { return run(*o, io); }};
          }};
}

// --- helpers -----------------------------------------------------------------------

int Fail(Io& io, const Status& st) {
  io.err << "lineage: " << TerminalSafe(st.message()) << "\n";
  return st.code() == Status::Code::kInvalidInput ? kExitUsage : kExitFailure;
}

// Opens the store for writing; a new store (or one holding older reference
// data) first receives the reference data shipped in the binary.
Result<std::unique_ptr<Store>> OpenWrite(const IngestCommand& o, Io& io) {
  auto store = Store::Open(o.db, Store::Mode::kReadWrite);
  if (!store.ok()) return store;
  auto loaded = EnsureBuiltinReference(
      **store, io.err, o.no_dataset ? DatasetChoice::kWithout : DatasetChoice::kAsStored);
  if (!loaded.ok()) return loaded.status();
  return store;
}

// A query on a store that does not exist yet answers from the reference data
// alone, in memory, so a first question works before any ingest and creates
// no file. `sql` reads the file itself and has no such fallback.
Result<std::unique_ptr<Store>> OpenRead(const GlobalOptions& o, Io& io,
                                        bool reference_fallback = true) {
  std::error_code ec;
  if (reference_fallback && !std::filesystem::exists(o.db, ec)) {
    auto store = Store::Open(":memory:", Store::Mode::kReadWrite);
    if (!store.ok()) return store;
    auto loaded = EnsureBuiltinReference(**store, io.err);
    if (!loaded.ok()) return loaded.status();
    io.err << "lineage: no store at '" << o.db << "': answering from the built-in reference "
           << "data and dataset (" << BuiltinDataVersion()
           << "); add models with 'lineage ingest PATH'\n";
    return store;
  }
  return Store::Open(o.db, Store::Mode::kReadOnly);
}

void AddFormat(CLI::App* app, GlobalOptions& o, bool csv = true) {
  app->add_option("--format", o.format, csv ? "text, json or csv" : "text or json")
      ->check(CLI::IsMember(csv ? std::vector<std::string>{"text", "json", "csv"}
                                : std::vector<std::string>{"text", "json"}));
}

Result<std::string> Resolve(const Store& store, const std::string& text) {
  return store.ResolveId(text);
}

Result<BlocTable> Blocs(const Store& store, const std::string& blocs_file) {
  if (!blocs_file.empty()) return ReadBlocsFile(blocs_file);
  return store.Blocs();
}

Result<std::vector<RelationClass>> ParseClasses(const std::vector<std::string>& classes) {
  std::vector<RelationClass> out;
  for (const auto& c : classes) {
    auto rc = ParseRelationClass(c);
    if (!rc) {
      return Status::InvalidInput("unknown class '" + c + "' (weights, redistribution, "
                                  "knowledge, component, architecture, data, software)");
    }
    out.push_back(*rc);
  }
  return out;
}

void AddClassOption(CLI::App* app, std::vector<std::string>& classes) {
  app->add_option("--class", classes,
                  "follow only these kinds of dependence (repeatable): weights, redistribution, "
                  "knowledge, component, architecture, data");
}

Status FilterFromOptions(const FlowSelection& o, EdgeFilter* f) {
  EdgeFilter by_class;  // every relation unless --class narrows it
  if (!o.classes.empty()) {
    auto classes = ParseClasses(o.classes);
    if (!classes.ok()) return classes.status();
    by_class = ClassFilter(*classes);
  }
  if (!o.relations.empty()) {
    for (bool& b : f->relations) b = false;
    for (const auto& r : o.relations) {
      auto rel = ParseRelation(r);
      if (!rel) return Status::InvalidInput("unknown relation '" + r + "'");
      f->relations[static_cast<int>(*rel)] = true;
    }
  }
  for (int r = 0; r < kRelationCount; ++r) {
    f->relations[r] = f->relations[r] && by_class.relations[r];
  }
  f->min_confidence = o.inferred.min_confidence;
  f->declared_only = o.inferred.declared_only;
  return Status::Ok();
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// A path as dot must see it: a relative path starting with '-' gets "./" so
// dot never takes it for an option (dot has no "--" end of options).
std::string PathArg(const std::string& path) {
  return !path.empty() && path[0] == '-' ? "./" + path : path;
}

// Runs Graphviz's dot on `dot_file`, writing `svg_file`. No shell involved.
Status RenderSvg(const std::string& dot_file_in, const std::string& svg_file_in) {
  const std::string dot_file = PathArg(dot_file_in), svg_file = PathArg(svg_file_in);
  if (!OnPath("dot")) {
    return Status::NotFound("Graphviz 'dot' is not installed, so no SVG was rendered (the .dot "
                            "file was written; install the graphviz package to render it)");
  }
  std::string out_arg = "-o" + svg_file;
  std::vector<char*> argv = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"),
                             const_cast<char*>(out_arg.c_str()),
                             const_cast<char*>(dot_file.c_str()), nullptr};
  pid_t pid;
  if (posix_spawnp(&pid, "dot", nullptr, nullptr, argv.data(), environ) != 0) {
    return Status::IoError("cannot run Graphviz 'dot'");
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::IoError("Graphviz 'dot' failed on " + dot_file);
  }
  return Status::Ok();
}

// True when `path` is the store, or one of its WAL files: an export there
// would destroy it.
bool IsStoreFile(const GlobalOptions& o, const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::string db = o.db + suffix;
    if (fs::exists(path, ec) && fs::exists(db, ec) && fs::equivalent(path, db, ec)) return true;
  }
  return false;
}

// Writes through `write` to `path` atomically: into a temporary file in the
// same folder, renamed over `path` only when complete, so a failure or a kill
// never leaves a truncated file. Refuses the store itself.
template <typename F>
Status WriteAtomically(const GlobalOptions& o, const std::string& path, F write) {
  if (IsStoreFile(o, path)) {
    return Status::InvalidInput("'" + path + "' is the store itself; write to another file");
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::IoError("cannot write '" + path + "'");
    write(f);
    f.close();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return Status::IoError("cannot write '" + path + "'");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::IoError("cannot write '" + path + "': " + ec.message());
  }
  return Status::Ok();
}

// Writes through `write` to `output` (-o FILE), or stdout when it is empty or "-".
template <typename F>
Status Emit(const GlobalOptions& o, const std::string& output, Io& io, F write) {
  if (output.empty() || output == "-") {
    write(io.out);
    return Status::Ok();
  }
  return WriteAtomically(o, output, write);
}

// --- ingest ------------------------------------------------------------------------

void SetupIngest(CLI::App* app, IngestCommand& o) {
  app->add_option("paths", o.paths, "card folders, card files, Hub dumps, organization, alias, "
                                    "bloc or curated-edge files")
      ->required();
  app->add_option("--as", o.as, "what the paths hold: cards, card, hub, orgs, aliases, blocs, edges, git");
  app->add_option("--id", o.id, "the id of a single card file or git repository (NAMESPACE/NAME)");
  app->add_option("--rev", o.rev, "git repositories: read this branch, tag or commit, not HEAD");
  app->add_flag("--no-progress", o.no_progress, "never show progress");
  app->add_option("--threads", o.threads, "parser threads (default: all cores)");
  app->add_flag("--no-dataset", o.no_dataset,
                "a new store without the embedded dataset (real model records, curated edges): "
                "only what you ingest, over the reference tables");
  app->add_option("--max-document-size", o.max_document_size,
                  "read no card, repository config or dump record larger than BYTES "
                  "(default 16777216)")
      ->check(CLI::PositiveNumber);
}

int RunIngest(IngestCommand& o, Io& io) {
  auto store = OpenWrite(o, io);
  if (!store.ok()) return Fail(io, store.status());
  IngestOptions opts;
  if (!o.as.empty()) {
    auto kind = ParseInputKind(o.as);
    if (!kind.ok()) return Fail(io, kind.status());
    opts.as = *kind;
  }
  opts.id = o.id;
  opts.rev = o.rev;
  opts.threads = o.threads;
  opts.max_document_size = o.max_document_size;
  opts.progress = !o.no_progress && ::isatty(STDERR_FILENO);
  auto summary = Ingest(**store, o.paths, opts, io.err);
  if (!summary.ok()) return Fail(io, summary.status());
  const IngestSummary& s = *summary;
  io.err << "ingested " << s.documents << " document" << (s.documents == 1 ? "" : "s") << " ("
         << s.unchanged << " unchanged), " << s.edges << " new edge" << (s.edges == 1 ? "" : "s")
         << ", " << s.diagnostics << " diagnostic" << (s.diagnostics == 1 ? "" : "s");
  if (s.inferred > 0) io.err << ", " << s.inferred << " inferred parent" << (s.inferred == 1 ? "" : "s");
  io.err << " in " << std::fixed << std::setprecision(2) << s.seconds << " s"
         << (s.diagnostics ? "  (see 'lineage diagnostics')" : "") << "\n";
  return kExitOk;
}

// --- show / chain / descendants ------------------------------------------------------

void SetupShow(CLI::App* app, ShowCommand& o) {
  app->add_option("id", o.id, "model id, any case, or its huggingface.co URL")->required();
  app->add_option("--limit", o.limit, "list at most N children (default 100; 0: all)");
  AddFormat(app, o, false);
  AddInferredFlags(app, &o.inferred);
}

int RunShow(ShowCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto id = Resolve(**store, o.id);
  if (!id.ok()) return Fail(io, id.status());
  auto a = (*store)->GetArtifact(*id);
  if (!a.ok()) return Fail(io, a.status());
  auto parents_read = (*store)->ParentEdges(*id);
  if (!parents_read.ok()) return Fail(io, parents_read.status());
  std::vector<Edge> parents = std::move(parents_read.value());
  // A base with a million children is summarised, not listed.
  int64_t total = 0;
  size_t limit = o.limit > 0 ? static_cast<size_t>(o.limit) : SIZE_MAX;
  auto children = (*store)->ChildEdges(*id, limit, &total);
  if (!children.ok()) return Fail(io, children.status());
  int64_t dropped = 0;
  for (auto* edges : {&parents, &children.value()}) {
    size_t before = edges->size();
    edges->erase(std::remove_if(edges->begin(), edges->end(),
                                [&o](const Edge& e) { return !o.inferred.Keeps(e); }),
                 edges->end());
    dropped += static_cast<int64_t>(before - edges->size());
  }
  NoteInferred(io.err, CountInferred(parents) + CountInferred(*children),
               static_cast<int64_t>(parents.size() + children->size()), dropped, o.inferred);
  if (o.format == "json") {
    WriteShowJson(*a, parents, *children, io.out, total);
  } else {
    WriteShowText(*a, parents, *children, io.out, total);
  }
  if (static_cast<int64_t>(children->size()) < total) {
    io.err << "lineage: showing " << children->size() << " of " << total
           << " children; 'lineage descendants " << *id
           << " --depth 1' lists them all, '--limit 0' shows them here\n";
  }
  return kExitOk;
}

void SetupChain(CLI::App* app, WalkCommand& o) {
  app->add_option("id", o.id, "model id, any case, or its huggingface.co URL")->required();
  app->add_option("--depth", o.depth, "stop after N hops");
  AddFormat(app, o);
  AddInferredFlags(app, &o.inferred);
}

int RunWalk(WalkCommand& o, Io& io, bool upward) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto id = Resolve(**store, o.id);
  if (!id.ok()) return Fail(io, id.status());
  auto g = upward ? (*store)->Chain(*id, o.depth) : (*store)->Descendants(*id, o.depth);
  if (!g.ok()) return Fail(io, g.status());
  int64_t dropped = FilterSubgraph(&*g, o.inferred, upward);
  NoteInferred(io.err, CountInferred(g->edges), static_cast<int64_t>(g->edges.size()), dropped,
               o.inferred);
  if (o.format == "json") {
    WriteGraphJson(*g, io.out);
  } else if (o.format == "csv") {
    WriteGraphCsv(*g, io.out);
  } else {
    WriteTreeText(*g, upward, io.out);
  }
  KeepForExit(&*g);
  return kExitOk;
}

void SetupChainAsOf(CLI::App* app, WalkCommand& o) {
  SetupChain(app, o);
  app->add_option("--as-of", o.as_of,
                  "answer from the lineage as it stood on DATE (YYYY-MM-DD, UTC), for models "
                  "whose git history was ingested");
}

// chain --as-of: the ancestors at a date, from ingested repository histories.
int RunChainAsOf(WalkCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto id = Resolve(**store, o.id);
  if (!id.ok()) return Fail(io, id.status());
  std::vector<std::string> notes;
  auto g = (*store)->ChainAsOf(*id, o.as_of, &notes);
  if (!g.ok()) return Fail(io, g.status());
  for (const auto& n : notes) io.err << "lineage: note: " << n << "\n";
  if (o.depth >= 0) LimitDepth(&*g, o.depth);
  if (o.format == "json") {
    WriteGraphJson(*g, io.out);
  } else if (o.format == "csv") {
    WriteGraphCsv(*g, io.out);
  } else {
    WriteTreeText(*g, true, io.out);
  }
  return kExitOk;
}

int RunChain(WalkCommand& o, Io& io) {
  return o.as_of.empty() ? RunWalk(o, io, true) : RunChainAsOf(o, io);
}
int RunDescendants(WalkCommand& o, Io& io) { return RunWalk(o, io, false); }

// --- history ----------------------------------------------------------------------------

void SetupHistory(CLI::App* app, HistoryCommand& o) {
  app->add_option("id", o.id, "model id whose ingested git history to list");
  app->add_flag("--findings", o.findings,
                "only findings (a base model that disappeared, a licence that changed); "
                "across all repositories when no ID is given");
  AddFormat(app, o);
}

int RunHistory(HistoryCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  if (o.id.empty() && !o.findings) {
    return Fail(io, Status::InvalidInput("history needs a model ID, or --findings"));
  }
  std::vector<HistoryEntry> rows;
  if (!o.id.empty()) {
    auto id = Resolve(**store, o.id);
    if (!id.ok()) return Fail(io, id.status());
    auto h = (*store)->History(*id);
    if (!h.ok()) return Fail(io, h.status());
    rows = std::move(h.value());
    if (o.findings) {
      rows.erase(std::remove_if(rows.begin(), rows.end(),
                                [](const HistoryEntry& e) { return e.finding.empty(); }),
                 rows.end());
    }
  } else {
    auto findings = (*store)->Findings();
    if (!findings.ok()) return Fail(io, findings.status());
    rows = std::move(findings.value());
  }
  std::vector<std::vector<std::string>> table;
  if (o.format == "text") {
    // For reading: one line per change, short commit ids, the change in one column.
    table.push_back({"date", "model", "commit", "author", "file", "change", "finding"});
    auto shown = [](const std::string& v) { return v.empty() ? std::string("(none)") : "'" + v + "'"; };
    for (const auto& h : rows) {
      table.push_back({h.date, h.id, h.commit.substr(0, 12), h.author, h.file,
                       h.field + ": " + shown(h.old_value) + " -> " + shown(h.new_value),
                       h.finding});
    }
    if (rows.empty()) {
      io.err << (o.findings ? "no findings\n" : "no recorded changes of base_model, relation or "
                                                 "licence\n");
      return kExitOk;
    }
    WriteTableText(table, io.out);
    return kExitOk;
  }
  table.push_back({"id", "commit", "date", "author", "file", "field", "old", "new", "finding"});
  for (const auto& h : rows) {
    table.push_back({h.id, h.commit, h.date, h.author, h.file, h.field, h.old_value, h.new_value,
                     h.finding});
  }
  if (o.format == "json") WriteTableJson(table, io.out);
  else WriteTableCsv(table, io.out);
  return kExitOk;
}

// --- flows / timeline ----------------------------------------------------------------

void SetupFlows(CLI::App* app, FlowsCommand& o) {
  FlowSelection& f = o.selection;
  app->add_option("--from", o.from, "bloc or country code of the bases (e.g. west, US)")->required();
  app->add_option("--to", o.to, "bloc or country code of the derivatives (e.g. cn)")->required();
  app->add_flag("--direct", f.direct, "only derivatives one hop from the base");
  app->add_option("--relation", f.relations, "follow only these relations (repeatable)");
  AddInferredFlags(app, &f.inferred);
  AddClassOption(app, f.classes);
  app->add_option("--blocs", f.blocs_file, "bloc definitions to use instead of the stored ones");
  AddFormat(app, o);
}

Result<FlowReport> Flows(const Store& store, const FlowSelection& o, const std::string& from_name,
                         const std::string& to_name, const CompactGraph& g) {
  auto table = Blocs(store, o.blocs_file);
  if (!table.ok()) return table.status();
  // An unknown bloc is reported before a bad --relation or --class.
  for (const std::string* name : {&from_name, &to_name}) {
    if (auto b = ResolveBloc(*table, *name); !b.ok()) return b.status();
  }
  FlowOptions fo;
  fo.direct = o.direct;
  Status st = FilterFromOptions(o, &fo.filter);
  if (!st.ok()) return st;
  return ComputeFlowsBetween(store, g, *table, from_name, to_name, fo);
}

int RunFlows(FlowsCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  // A flow runs along edges: artifacts without any are never on one.
  auto g = CompactGraph::Load(**store, CompactGraph::Scope::kLinked);
  if (!g.ok()) return Fail(io, g.status());
  auto r = Flows(**store, o.selection, o.from, o.to, **g);
  if (!r.ok()) return Fail(io, r.status());
  if (int64_t n = FlowsOnInferred(*r); n > 0) {
    io.err << "note: " << n << " of " << r->flows.size()
           << " flows take an inferred edge (--declared-only leaves them out)\n";
  }
  if (o.format == "json") WriteFlowsJson(*r, io.out);
  else if (o.format == "csv") WriteFlowsCsv(*r, io.out);
  else WriteFlowsText(*r, io.out);
  return kExitOk;
}

void SetupTimeline(CLI::App* app, TimelineCommand& o) {
  app->add_option("--blocs", o.blocs_file, "bloc definitions to use instead of the stored ones");
  app->add_option("--svg", o.svg, "also draw the timeline as an SVG chart into FILE");
  app->add_flag("--shares", o.shares,
                "each bloc's share of the month's new derivatives, monthly and cumulative, "
                "counted and weighted by downloads and likes where Hub records give them");
  app->add_option("--share-svg", o.share_svg, "also draw the shares as an SVG chart into FILE");
  AddClassOption(app, o.classes);
  AddFormat(app, o);
}

int RunTimeline(TimelineCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto table = Blocs(**store, o.blocs_file);
  if (!table.ok()) return Fail(io, table.status());
  TimelineOptions to;
  auto classes = ParseClasses(o.classes);
  if (!classes.ok()) return Fail(io, classes.status());
  if (!classes->empty()) to.classes = *classes;
  auto g = CompactGraph::Load(**store);
  if (!g.ok()) return Fail(io, g.status());
  auto popularity = (*store)->ScanPopularity();
  if (!popularity.ok()) return Fail(io, popularity.status());
  to.popularity = &*popularity;
  Timeline t = ComputeTimeline(**g, *table, to);
  if (o.format == "json") {
    WriteTimelineJson(t, io.out);
  } else if (o.shares) {
    if (o.format == "csv") {
      WriteTableCsv(AdoptionTable(t, false), io.out);
    } else {
      // On a terminal the shares alone.
      auto rows = AdoptionTable(t, true, false);
      io.out << "Share of new derivatives per month, by the bloc of their root bases\n\n";
      WriteTableText(rows, io.out);
      io.out << "\n" << AdoptionWeightsNote(t) << "\n";
    }
  } else if (o.format == "csv") {
    WriteTimelineCsv(t, io.out);
  } else {
    WriteTimelineText(t, io.out);
  }
  if (o.format != "text" && o.shares) io.err << "lineage: " << AdoptionWeightsNote(t) << "\n";
  for (const auto& [file, shares] : {std::pair{o.svg, false}, {o.share_svg, true}}) {
    if (file.empty()) continue;
    Status st = WriteAtomically(o, file, [&t, shares = shares](std::ostream& f) {
      if (shares) WriteAdoptionSvg(t, "New derivatives by bloc of their root bases: shares", f);
      else WriteTimelineSvg(t, "New derivative models per month, by bloc of their root bases", f);
    });
    if (!st.ok()) return Fail(io, st);
    io.err << "wrote " << file << "\n";
  }
  return kExitOk;
}

// --- export ------------------------------------------------------------------------

void SetupExport(CLI::App* app, ExportCommand& o) {
  app->add_option("format", o.export_format, "dot, graphml, json, csv or cyclonedx")
      ->required()
      ->check(CLI::IsMember({"dot", "graphml", "json", "csv", "cyclonedx"}));
  app->add_option("--what", o.csv_what, "with csv: nodes or edges (default both, which needs -o)")
      ->check(CLI::IsMember({"nodes", "edges"}));
  app->add_option("--chain", o.sel_chain, "only ID and its ancestors");
  app->add_option("--descendants", o.sel_descendants, "only ID and what derives from it");
  app->add_option("--flows", o.sel_flows, "only the flow subgraph FROM:TO (e.g. west:cn)");
  app->add_option("--depth", o.depth, "with --chain/--descendants: stop after N hops");
  app->add_option("--blocs", o.selection.blocs_file,
                  "bloc definitions to use instead of the stored ones");
  app->add_option("-o,--output", o.output, "write to FILE instead of stdout");
  app->add_option("--max-children", o.max_children,
                  "with dot: draw at most N leaf children of a node, then one 'N more' node "
                  "(default 12; 0: all)");
  app->add_flag("--licenses", o.mark_licenses, "with dot: mark edges that break a licence obligation");
  app->add_option("--render", o.render, "with dot -o FILE.dot: also render FILE.svg with Graphviz")
      ->check(CLI::IsMember({"svg"}));
  AddInferredFlags(app, &o.selection.inferred);
}

int RunExport(ExportCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  int selections = !o.sel_chain.empty() + !o.sel_descendants.empty() + !o.sel_flows.empty();
  if (selections > 1) {
    return Fail(io, Status::InvalidInput("choose one of --chain, --descendants, --flows"));
  }
  if (!o.render.empty() && (o.export_format != "dot" || o.output.empty() || o.output == "-")) {
    return Fail(io, Status::InvalidInput("--render svg needs 'export dot -o FILE.dot'"));
  }
  if (o.export_format == "cyclonedx" && o.sel_chain.empty()) {
    return Fail(io, Status::InvalidInput("export cyclonedx needs --chain ID (the model the BOM "
                                         "describes)"));
  }
  bool to_stdout = o.output.empty() || o.output == "-";
  if (o.export_format == "csv" && o.csv_what.empty() && to_stdout) {
    return Fail(io, Status::InvalidInput("export csv to stdout needs --what nodes or --what "
                                         "edges; -o FILE.csv writes FILE-nodes.csv and "
                                         "FILE-edges.csv"));
  }
  Subgraph g;
  DotOptions dot;
  dot.max_children = o.max_children;
  auto table = Blocs(**store, o.selection.blocs_file);
  if (table.ok()) dot.blocs = *table;
  if (!o.sel_chain.empty() || !o.sel_descendants.empty()) {
    bool up = !o.sel_chain.empty();
    auto id = Resolve(**store, up ? o.sel_chain : o.sel_descendants);
    if (!id.ok()) return Fail(io, id.status());
    // A drawing shows no evidence (unless --licenses marks edges by it): the
    // walk skips reading it.
    bool evidence = o.export_format != "dot" || o.mark_licenses;
    auto sg = up ? (*store)->Chain(*id, o.depth, evidence)
                 : (*store)->Descendants(*id, o.depth, evidence);
    if (!sg.ok()) return Fail(io, sg.status());
    g = std::move(sg.value());
    dot.title = std::string(up ? "Derivation chain of " : "Derivatives of ") + g.root;
  } else if (!o.sel_flows.empty()) {
    size_t colon = o.sel_flows.find(':');
    if (colon == std::string::npos) {
      return Fail(io, Status::InvalidInput("--flows wants FROM:TO, e.g. west:cn"));
    }
    auto cg = CompactGraph::Load(**store);
    if (!cg.ok()) return Fail(io, cg.status());
    auto r = Flows(**store, o.selection, o.sel_flows.substr(0, colon),
                   o.sel_flows.substr(colon + 1), **cg);
    if (!r.ok()) return Fail(io, r.status());
    auto flow_graph = FlowSubgraph(**store, *r);
    if (!flow_graph.ok()) return Fail(io, flow_graph.status());
    g = std::move(flow_graph.value());
    dot.title = "Models in " + r->to + " built on bases from " + r->from + " (" +
                std::to_string(r->models) + " models, " + std::to_string(r->bases) + " bases)";
    dot.cluster_by_organization = true;
  } else {
    std::vector<std::pair<std::string, int>> all;
    Status scanned =
        (*store)->ScanNodes([&all](const NodeRow& n) { all.emplace_back(n.display, 0); });
    if (!scanned.ok()) return Fail(io, scanned);
    auto whole = (*store)->Induced("", all);
    if (!whole.ok()) return Fail(io, whole.status());
    g = std::move(whole.value());
    dot.title = "lineage: whole graph";
  }
  {
    bool up = !o.sel_chain.empty() || o.sel_descendants.empty();
    int64_t dropped = FilterSubgraph(&g, o.selection.inferred, up);
    NoteInferred(io.err, CountInferred(g.edges), static_cast<int64_t>(g.edges.size()), dropped,
                 o.selection.inferred);
  }
  if (o.mark_licenses) {
    auto licenses = (*store)->Licenses();
    if (!licenses.ok()) return Fail(io, licenses.status());
    const LicenseCatalogue& cat = *licenses;
    if (cat.empty()) {
      return Fail(io, Status::NotFound("--licenses needs the licence catalogue; ingest "
                                       "data/licenses.csv and data/license_aliases.csv first"));
    }
    dot.marked_edges = LicenseMarks(cat, g);
  }
  if (o.export_format == "csv") {
    auto write = [&](const std::string& what, std::ostream& os) {
      if (what == "nodes") WriteNodesCsv(g, dot.blocs, os);
      else WriteEdgesCsv(g, os);
    };
    if (!o.csv_what.empty()) {
      Status st = Emit(o, o.output, io, [&](std::ostream& os) { write(o.csv_what, os); });
      return st.ok() ? kExitOk : Fail(io, st);
    }
    fs::path stem = fs::path(o.output).replace_extension();
    for (const char* what : {"nodes", "edges"}) {
      std::string file = stem.string() + "-" + what + ".csv";
      Status st = WriteAtomically(o, file, [&](std::ostream& os) { write(what, os); });
      if (!st.ok()) return Fail(io, st);
      io.err << "wrote " << file << "\n";
    }
    return kExitOk;
  }
  LicenseCatalogue catalogue;
  if (o.export_format == "cyclonedx") {
    auto licenses = (*store)->Licenses();
    if (!licenses.ok()) return Fail(io, licenses.status());
    catalogue = std::move(*licenses);
  }
  Status st = Emit(o, o.output, io, [&](std::ostream& os) {
    if (o.export_format == "dot") {
      WriteDot(g, dot, os);
    } else if (o.export_format == "graphml") {
      WriteGraphml(g, dot.blocs, os);
    } else if (o.export_format == "cyclonedx") {
      CycloneDxOptions cdx;
      cdx.licenses = &catalogue;
      cdx.tool_version = LINEAGE_VERSION;
      cdx.data_version = BuiltinDataVersion();
      WriteCycloneDx(g, cdx, os);
    } else {
      WriteGraphJson(g, os);
    }
  });
  if (!st.ok()) return Fail(io, st);
  KeepForExit(&g);
  if (!o.render.empty()) {
    std::string svg = fs::path(o.output).replace_extension(".svg").string();
    if (IsStoreFile(o, svg)) {
      return Fail(io, Status::InvalidInput("'" + svg + "' is the store itself; choose another -o"));
    }
    st = RenderSvg(o.output, svg);
    if (!st.ok()) return Fail(io, st);
    io.err << "rendered " << svg << "\n";
  }
  return kExitOk;
}

// --- diagnostics / stats / sql -------------------------------------------------------

void SetupFormatOnly(CLI::App* app, GlobalOptions& o) { AddFormat(app, o); }

int RunDiagnostics(GlobalOptions& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto d = (*store)->Diagnostics();
  if (!d.ok()) return Fail(io, d.status());
  if (o.format == "json") WriteDiagnosticsJson(*d, io.out);
  else if (o.format == "csv") WriteDiagnosticsCsv(*d, io.out);
  else WriteDiagnosticsText(*d, io.out);
  return kExitOk;
}

void SetupStats(CLI::App* app, GlobalOptions& o) { AddFormat(app, o, false); }

int RunStats(GlobalOptions& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto s = (*store)->Stats();
  if (!s.ok()) return Fail(io, s.status());
  if (o.format == "json") WriteStatsJson(*s, io.out);
  else WriteStatsText(*s, io.out);
  return kExitOk;
}

void SetupSql(CLI::App* app, SqlCommand& o) {
  app->add_option("query", o.sql, "one read-only SQL statement (schema: docs/schema.md)")
      ->required();
  app->add_option("--timeout", o.timeout, "stop the query after SECONDS (default 30; 0: never)");
  app->add_option("--max-rows", o.max_rows, "print at most N rows (default 100000; 0: all)");
  AddFormat(app, o);
}

int RunSql(SqlCommand& o, Io& io) {
  auto store = OpenRead(o, io, false);
  if (!store.ok()) return Fail(io, store.status());
  Store::QueryLimits limits{o.timeout, o.max_rows};
  bool truncated = false;
  Status st;
  if (o.format == "csv") {
    // Streamed: each row goes out as it comes.
    st = (*store)->QueryEach(o.sql, limits, [&io](const std::vector<std::string>& r) {
      WriteTableCsv({r}, io.out);
    }, &truncated);
  } else {
    // Text needs every width and JSON one array, so these are gathered (the
    // row cap bounds them).
    std::vector<std::vector<std::string>> rows;
    st = (*store)->QueryEach(o.sql, limits, [&rows](const std::vector<std::string>& r) {
      rows.push_back(r);
    }, &truncated);
    if (st.ok()) {
      if (o.format == "json") WriteTableJson(rows, io.out);
      else WriteTableText(rows, io.out);
    }
  }
  if (!st.ok()) return Fail(io, st);
  if (truncated) {
    io.err << "lineage: sql: output stopped after " << o.max_rows
           << " rows (--max-rows N for more, 0 for all)\n";
  }
  return kExitOk;
}

// --- licences ----------------------------------------------------------------------

void SetupLicenses(CLI::App* app, LicensesCommand& o) {
  app->add_option("action", o.action, "check (obligations along edges) or list")
      ->required()
      ->check(CLI::IsMember({"check", "list"}));
  app->add_option("id", o.id, "with check: only this model's ancestry");
  app->add_option("--min-severity", o.min_severity, "error, warning or info (default info)")
      ->check(CLI::IsMember({"error", "warning", "info"}));
  app->add_option("--blocs", o.blocs_file, "bloc definitions to use instead of the stored ones");
  AddFormat(app, o);
  AddInferredFlags(app, &o.inferred);
}

int RunLicenses(LicensesCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  if (o.action == "list") {
    auto rows = (*store)->Query(
        "SELECT id, family, spdx, CASE commercial WHEN 1 THEN 'yes' WHEN 2 THEN 'no' ELSE '' END "
        "AS commercial, naming_prefix, url FROM license ORDER BY id");
    if (!rows.ok()) return Fail(io, rows.status());
    if (o.format == "json") WriteTableJson(*rows, io.out);
    else if (o.format == "csv") WriteTableCsv(*rows, io.out);
    else WriteTableText(*rows, io.out);
    return kExitOk;
  }
  std::string id;
  if (!o.id.empty()) {
    auto r = Resolve(**store, o.id);
    if (!r.ok()) return Fail(io, r.status());
    id = *r;
  }
  Severity min = o.min_severity == "error"     ? Severity::kError
                 : o.min_severity == "warning" ? Severity::kWarning
                                               : Severity::kInfo;
  auto result = CheckLicenses(**store, id, min, o.inferred);
  if (!result.ok()) return Fail(io, result.status());
  if (result->on_inferred > 0) {
    io.err << "note: " << result->on_inferred << " of " << result->findings.size()
           << " findings are on inferred edges (--declared-only leaves them out)\n";
  }
  auto table = Blocs(**store, o.blocs_file);
  BlocTable blocs = table.ok() ? *table : BlocTable{};
  std::map<std::string, std::string> country;
  auto country_of = [&](const std::string& a) -> std::string {
    if (a.empty()) return "";
    auto it = country.find(a);
    if (it != country.end()) return it->second;
    auto art = (*store)->GetArtifact(a);
    std::string c = art.ok() ? art->country : "";
    country[a] = c;
    return c;
  };
  auto bloc_of = [&](const std::string& a) {
    std::string b = BlocOf(blocs, country_of(a));
    return b.empty() ? std::string("unknown") : b;
  };
  WriteLicenseFindings(result->findings, result->edges_checked, o.format, bloc_of, io.out);
  return kExitOk;
}

// --- report: the headline on the embedded dataset -------------------------------------

void SetupReport(CLI::App* app, ReportCommand& o) {
  app->add_option("--out", o.out_dir, "folder for index.html, tables and graphs (default lineage-report)");
  AddInferredFlags(app, &o.selection.inferred);
  app->add_option("--blocs", o.selection.blocs_file,
                  "bloc definitions to use instead of the stored ones");
  AddClassOption(app, o.selection.classes);
  app->add_option("--max-children", o.max_children,
                  "graphs: draw at most N leaf children of a node, then one 'N more' node "
                  "(default 12; 0: all)");
}

void Headline(const FlowReport& r, const Store& store, Io& io) {
  io.out << "== Models in " << r.to << " built on bases from " << r.from << " ==\n";
  io.out << r.models << " models reach " << r.bases << " bases through " << r.flows.size()
         << " paths (counted over weights edges unless --class says otherwise).\n";
  io.out << "Top base families:\n";
  for (size_t i = 0; i < r.by_family.size() && i < 6; ++i) {
    io.out << "  " << std::setw(4) << r.by_family[i].models << "  " << r.by_family[i].key << "\n";
  }
  io.out << "Top organization pairs (base -> derivative):\n";
  for (size_t i = 0; i < r.by_organization.size() && i < 6; ++i) {
    io.out << "  " << std::setw(4) << r.by_organization[i].models << "  "
           << r.by_organization[i].key << "\n";
  }
  // A few chains: the longest paths first, one per model.
  std::vector<const Flow*> sample;
  std::set<std::string> seen;
  std::vector<const Flow*> sorted;
  for (const auto& f : r.flows) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Flow* a, const Flow* b) {
    return a->path.size() > b->path.size();
  });
  for (const Flow* f : sorted) {
    if (sample.size() >= 4) break;
    if (seen.insert(f->model).second && seen.insert("base:" + f->base).second) sample.push_back(f);
  }
  if (!sample.empty()) io.out << "Example chains:\n";
  for (const Flow* f : sample) {
    io.out << "  " << f->path[0] << " [" << (f->model_country.empty() ? "?" : f->model_country)
           << "]\n";
    for (size_t i = 1; i < f->path.size(); ++i) {
      auto a = store.GetArtifact(f->path[i]);
      std::string country = a.ok() && !a->country.empty() ? a->country : "?";
      io.out << "    " << std::string(2 * (i - 1), ' ') << "\xE2\x94\x94\xE2\x94\x80 "
             << RelationName(f->relations[i - 1]) << " of " << f->path[i] << " [" << country
             << "]\n";
    }
  }
  io.out << "\n";
}

int RunReport(ReportCommand& o, Io& io) {
  auto store = OpenRead(o, io);
  if (!store.ok()) return Fail(io, store.status());
  auto table = Blocs(**store, o.selection.blocs_file);
  if (!table.ok()) return Fail(io, table.status());
  if (table->empty()) {
    return Fail(io, Status::NotFound("no blocs in the store; ingest data/blocs.json first"));
  }
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(io, stats.status());
  const StoreStats& s = *stats;
  io.out << "lineage report: " << s.models << " models, " << s.edges << " edges, "
         << s.organizations << " organizations; country known for " << s.models_with_country
         << " models\n\n";
  auto g = CompactGraph::Load(**store);
  if (!g.ok()) return Fail(io, g.status());
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return Fail(io, Status::IoError("cannot create '" + o.out_dir + "': " + ec.message()));
  bool rendered_any = false, missing_dot = false;
  ReportOptions ro;
  ro.blocs = *table;
  auto classes = ParseClasses(o.selection.classes);
  if (!classes.ok()) return Fail(io, classes.status());
  ro.classes = *classes;
  ro.inferred = o.selection.inferred;
  ro.data_version = BuiltinDataVersion();
  auto built = BuildReportModel(**store, **g, ro);
  if (!built.ok()) return Fail(io, built.status());
  const ReportModel& model = *built;
  // BuildReportModel gives west -> cn, then cn -> west.
  const char* const kSlugs[] = {"flows-west-cn", "flows-cn-west"};
  for (size_t d = 0; d < model.directions.size() && d < 2; ++d) {
    const ReportDirection& dir = model.directions[d];
    const FlowReport* r = &dir.weights;
    const FlowReport* all = &dir.all;
    Headline(*r, **store, io);
    if (int64_t n = FlowsOnInferred(*r); n > 0) {
      io.out << "(" << n << " of these " << r->flows.size()
             << " paths take an inferred edge; --declared-only leaves them out)\n\n";
    }
    io.out << "Other kinds of dependence (models in " << r->to << " on bases from " << r->from
           << "):";
    for (const auto& row : all->by_class) io.out << " " << row.key << " " << row.models << ";";
    io.out << " any kind " << all->models << "\n\n";
    auto sg = FlowSubgraph(**store, *r);
    if (!sg.ok()) return Fail(io, sg.status());
    DotOptions dot;
    dot.blocs = *table;
    dot.max_children = o.max_children;
    dot.cluster_by_organization = true;
    dot.title = "Models in " + r->to + " built on bases from " + r->from;
    std::string base = (fs::path(o.out_dir) / kSlugs[d]).string();
    std::ofstream f(base + ".dot", std::ios::binary);
    WriteDot(*sg, dot, f);
    f.close();
    io.err << "wrote " << base << ".dot\n";
    Status st = RenderSvg(base + ".dot", base + ".svg");
    if (st.ok()) {
      io.err << "wrote " << base << ".svg\n";
      rendered_any = true;
    } else if (st.code() == Status::Code::kNotFound) {
      missing_dot = true;
    } else {
      io.err << "lineage: " << st.message() << "\n";
    }
  }
  const Timeline& t = model.timeline;
  for (const auto& [stem, tab] : ReportTables(model)) {
    std::ofstream csv(fs::path(o.out_dir) / (stem + ".csv"), std::ios::binary);
    WriteTableCsv(tab, csv);
    std::ofstream json(fs::path(o.out_dir) / (stem + ".json"), std::ios::binary);
    WriteTableJson(tab, json);
  }
  {
    std::string index = (fs::path(o.out_dir) / "index.html").string();
    std::ofstream html(index, std::ios::binary);
    WriteReportHtml(model, html);
    html.close();
    if (!html) return Fail(io, Status::IoError("cannot write '" + index + "'"));
    io.err << "wrote " << index << "\n";
  }
  std::string tl = (fs::path(o.out_dir) / "timeline").string();
  std::string adoption_svg = (fs::path(o.out_dir) / "adoption.svg").string();
  {
    std::ofstream csv(tl + ".csv", std::ios::binary);
    WriteTimelineCsv(t, csv);
    std::ofstream svg(tl + ".svg", std::ios::binary);
    WriteTimelineSvg(t, "New derivative models per month, by bloc of their root bases", svg);
    std::ofstream shares(adoption_svg, std::ios::binary);
    WriteAdoptionSvg(t, "Share of new derivatives by bloc of their roots (weights edges)", shares);
  }
  io.err << "wrote " << tl << ".csv, " << tl << ".svg and " << adoption_svg << "\n";
  if (missing_dot && !rendered_any) {
    io.err << "note: Graphviz 'dot' is not installed; open the .dot files with any Graphviz "
              "viewer or install graphviz to get .svg\n";
  }
  return kExitOk;
}

// --- fetch: the only command that talks to the network --------------------------------

void SetupFetch(CLI::App* app, FetchCommand& o) {
  FetchOptions& f = o.fetch;
  app->add_option("--out", o.output, "the JSON lines snapshot to write (and resume, or refresh "
                                     "with --since); with --repo, default stdout");
  app->add_option("--repo", o.repo, "one model's details, with its files and LFS sha256");
  app->add_option("--author", f.authors, "only models of this user or organization (repeatable)");
  app->add_option("--search", f.search, "only models whose id contains TEXT");
  app->add_option("--filter", f.filters, "only models with this tag (repeatable: all of them)");
  app->add_option("--limit", f.limit, "stop after N models");
  app->add_option("--expand", f.expand, "also request this field (repeatable), as "
                                        "huggingface_hub's expand");
  app->add_option("--since", f.since, "refresh FILE with the models modified since DATE");
  app->add_option("--token", f.token, "Hub token (default $HF_TOKEN)");
  app->add_option("--rate", f.max_rate, "at most this many requests per second (default 2)");
  app->add_option("--retries", f.max_retries, "retries per request (default 10)");
  app->add_option("--backoff", f.initial_backoff, "first retry delay in seconds, doubling (default 1)");
  app->add_option("--timeout", f.stall_timeout, "seconds without data before a request is retried "
                                                "(default 60)");
  app->add_flag("--no-progress", o.no_progress, "never show progress");
}

int RunFetch(FetchCommand& o, Io& io) {
  FetchOptions& f = o.fetch;
  f.progress = !o.no_progress && ::isatty(STDERR_FILENO);
  if (!o.repo.empty()) {
    auto line = FetchModelInfo(f, o.repo, io.err);
    if (!line.ok()) return Fail(io, line.status());
    Status st = Emit(o, o.output, io, [&line](std::ostream& out) { out << *line << "\n"; });
    return st.ok() ? kExitOk : Fail(io, st);
  }
  if (o.output.empty() || o.output == "-") {
    return Fail(io, Status::InvalidInput("fetch needs --out FILE (the snapshot is resumable, so "
                                         "it goes to a file)"));
  }
  auto s = FetchModels(f, o.output, io.err);
  if (!s.ok()) {
    int rc = Fail(io, s.status());
    std::error_code ec;
    if (s.status().code() == Status::Code::kIoError &&
        (fs::exists(CheckpointPath(o.output), ec) ||
         fs::exists(CheckpointPath(o.output + ".since"), ec))) {
      io.err << "lineage: fetch: progress is saved; run the same command again to continue\n";
    }
    return rc;
  }
  io.err << "fetched " << s->fetched << " model" << (s->fetched == 1 ? "" : "s") << " in "
         << s->pages << " page" << (s->pages == 1 ? "" : "s") << (s->resumed ? " (resumed)" : "")
         << ", " << s->retries << " retr" << (s->retries == 1 ? "y" : "ies") << "; " << o.output
         << " holds " << s->records << " models";
  if (!f.since.empty()) io.err << " (" << s->replaced << " replaced by a newer version)";
  io.err << " (" << std::fixed << std::setprecision(1) << s->seconds << " s)\n";
  return kExitOk;
}

// --- inference ------------------------------------------------------------------------

void SetupInfer(CLI::App* app, InferCommand& o) {
  app->add_option("--threshold", o.threshold, "store proposals at least this sure (default 0.5)");
}

int RunInfer(InferCommand& o, Io& io) { return RunInferCommand(o.db, o.threshold, io.out, io.err); }

void SetupEval(CLI::App* app, EvalCommand& o) {
  app->add_option("what", o.what, "what to evaluate: inference")->required();
  app->add_option("--sample", o.sample, "evaluate N models (default: every declared one)");
  app->add_option("--threshold", o.threshold, "the confidence a proposal needs (default 0.5)");
  app->add_option("--mistakes", o.mistakes, "list at most N mistakes (default 20, 0: all)");
  AddFormat(app, o, false);
}

int RunEval(EvalCommand& o, Io& io) {
  return RunEvalCommand(o.db, o.what, o.sample, o.threshold, o.mistakes, o.format, io.out, io.err);
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      MakeCommand("ingest", "read cards, Hub dumps, organization/alias/bloc/edge files into the store",
       SetupIngest, RunIngest),
      MakeCommand("show", "one artifact: owner, country, licence, parents and children with evidence",
       SetupShow, RunShow),
      MakeCommand("chain", "every ancestor of a model up to the roots (--as-of DATE: as it stood then)",
       SetupChainAsOf, RunChain),
      MakeCommand("descendants", "everything derived from a model", SetupChain, RunDescendants),
      MakeCommand("flows", "models owned in one bloc whose ancestry reaches a base owned in another",
       SetupFlows, RunFlows),
      MakeCommand("timeline", "new derivatives per month, by the bloc of their root bases", SetupTimeline, RunTimeline),
      MakeCommand("export", "write the graph or a selection as dot, graphml, json, csv or a CycloneDX ML-BOM", SetupExport, RunExport),
      MakeCommand("diagnostics", "what ingest could not read or resolve", SetupFormatOnly, RunDiagnostics),
      MakeCommand("stats", "counts of artifacts, edges by relation and evidence, attribution coverage",
       SetupStats, RunStats),
      MakeCommand("sql", "run one read-only SQL query over the store", SetupSql, RunSql),
      MakeCommand("history", "changes of base model, relation and licence in ingested git repositories",
       SetupHistory, RunHistory),
      MakeCommand("licenses", "licence obligations along every edge ('licenses check [ID]'), or the catalogue",
       SetupLicenses, RunLicenses),
      MakeCommand("report", "the headline: flows both ways between west and cn, with graphs", SetupReport, RunReport),
      MakeCommand("fetch", "download a Hub API snapshot (JSON lines) to ingest; resumable", SetupFetch, RunFetch),
      MakeCommand("infer", "propose the parents nobody declared, with evidence and confidence", SetupInfer, RunInfer),
      MakeCommand("eval", "'eval inference': leave-one-out precision and recall of inference", SetupEval, RunEval),
  };
  return kCommands;
}

std::string Suggest(const std::string& word) {
  std::string best;
  int best_d = 1 << 30;
  for (const auto& c : Commands()) {
    int d = EditDistance(word, c.name);
    if (std::string(c.name).rfind(word, 0) == 0 && !word.empty()) d = 0;
    if (d < best_d) {
      best_d = d;
      best = c.name;
    }
  }
  return best_d <= 3 ? best : "";
}

}  // namespace

void SetExitAfterRun(bool on) { exit_after_run = on; }

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Io io{out, err};
  const char* env_db = std::getenv("LINEAGE_DB");
  std::string db = env_db && *env_db ? env_db : "lineage.db";
  // An unknown command gets a "did you mean" before CLI11 sees it.
  const Command* chosen = nullptr;  // the command named, when it is known
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--db") {
      ++i;
      continue;
    }
    if (a.rfind("--db=", 0) == 0 || a == "-h" || a == "--help" || a == "--version") continue;
    if (!a.empty() && a[0] == '-') break;
    auto known = std::find_if(Commands().begin(), Commands().end(),
                              [&a](const Command& c) { return a == c.name; });
    if (known == Commands().end()) {
      err << "lineage: unknown command '" << a << "'";
      std::string s = Suggest(a);
      if (!s.empty()) err << ", did you mean '" << s << "'?";
      err << "\nRun 'lineage --help' for the list of commands.\n";
      return kExitUsage;
    }
    chosen = &*known;
    break;
  }
  // A process that exits after this run leaves the parser to the exit: its
  // teardown (every option of every command) is work nobody reads.
  std::unique_ptr<CLI::App> owned = std::make_unique<CLI::App>(
      "lineage: AI model lineage and dependency graphs, with evidence on every edge", "lineage");
  if (exit_after_run && !parser_for_exit) parser_for_exit = owned.release();
  CLI::App& app = owned ? *owned : *parser_for_exit;
  const std::string version =
      "lineage " LINEAGE_VERSION ", reference data " + BuiltinDataVersion();
  app.set_version_flag("--version", version);
  app.add_option("--db", db, "the store (default $LINEAGE_DB, else ./lineage.db)");
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Bound>> subs;
  // A named command is the only one set up: the others' options are never
  // parsed (the list of all of them is for --help and a missing command).
  for (const auto& c : Commands()) {
    if (chosen && &c != chosen) continue;
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    subs.emplace_back(sub, c.bind(sub));
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    out << version << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      // Help for a subcommand.
      for (const auto& [sub, bound] : subs) {
        if (sub->parsed()) {
          out << sub->help();
          return kExitOk;
        }
      }
      out << app.help();
      return kExitOk;
    }
    err << "lineage: " << e.what() << "\n";
    return kExitUsage;
  }
  for (auto& [sub, bound] : subs) {
    if (!sub->parsed()) continue;
    bound.global->db = db;
    // Text goes through the terminal filter; JSON, CSV, DOT and fetched data
    // stay byte-exact.
    std::string name = sub->get_name();
    if (bound.global->format == "text" && name != "export" && name != "fetch") {
      TerminalSafeStream safe(out);
      Io text_io{safe, err};
      return bound.run(text_io);
    }
    return bound.run(io);
  }
  err << app.help();
  return kExitUsage;
}

}  // namespace lineage::cli
