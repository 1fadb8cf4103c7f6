#include "cli/infer_commands.h"

#include <CLI/CLI.hpp>
#include <iomanip>
#include <algorithm>
#include <ostream>
#include <set>

#include "cli/commands.h"

namespace lineage::cli {

void AddInferredFlags(CLI::App* app, InferredFilter* filter) {
  app->add_flag("--declared-only", filter->declared_only,
                "leave out edges only inference proposes (lineage infer)");
  app->add_option("--min-confidence", filter->min_confidence,
                  "leave out edges less sure than this (0 to 1)");
}

void NoteInferred(std::ostream& err, int64_t inferred, int64_t total, int64_t dropped,
                  const InferredFilter& filter) {
  if (dropped > 0) {
    err << "note: " << dropped << " edge" << (dropped == 1 ? "" : "s") << " left out by "
        << (filter.declared_only ? "--declared-only" : "--min-confidence") << "\n";
  }
  if (inferred > 0) {
    err << "note: " << inferred << " of " << total << " edge" << (total == 1 ? "" : "s")
        << " shown rest on inference, not on declared metadata (--declared-only leaves them "
           "out)\n";
  }
}

int64_t FlowsOnInferred(const FlowReport& report) {
  return std::count_if(report.flows.begin(), report.flows.end(),
                       [](const Flow& f) { return f.inferred; });
}

int RunInferCommand(const std::string& db, double threshold, std::ostream& out,
                    std::ostream& err) {
  auto store = Store::Open(db, Store::Mode::kReadWrite);
  if (!store.ok()) {
    err << "lineage: " << store.status().message() << "\n";
    return kExitFailure;
  }
  InferOptions opts;
  opts.threshold = threshold;
  auto r = RunInference(**store, opts);
  if (!r.ok()) {
    err << "lineage: " << r.status().message() << "\n";
    return kExitFailure;
  }
  out << "inferred " << r->proposed << " parent edge" << (r->proposed == 1 ? "" : "s") << " for "
      << r->subjects << " models without a declared parent (" << r->family_level
      << " family-level), threshold " << std::fixed << std::setprecision(2) << threshold << ", in "
      << r->seconds << " s\n";
  out << "reliability per evidence kind (calibrated on " << r->calibration_models
      << " declared models):\n";
  for (const auto& [kind, p] : r->reliability) {
    out << "  " << std::left << std::setw(22) << kind << std::right << std::setprecision(3) << p
        << "\n";
  }
  return kExitOk;
}

int RunEvalCommand(const std::string& db, const std::string& what, int64_t sample,
                   double threshold, int64_t mistakes, const std::string& format, std::ostream& out,
                   std::ostream& err) {
  if (what != "inference") {
    err << "lineage: unknown evaluation '" << what << "' (only 'inference')\n";
    return kExitUsage;
  }
  auto store = Store::Open(db, Store::Mode::kReadOnly);
  if (!store.ok()) {
    err << "lineage: " << store.status().message() << "\n";
    return kExitFailure;
  }
  EvalOptions opts;
  opts.sample = sample;
  opts.threshold = threshold;
  opts.max_mistakes = mistakes;
  auto r = EvaluateInference(**store, opts);
  if (!r.ok()) {
    err << "lineage: " << r.status().message() << "\n";
    return kExitFailure;
  }
  if (format == "json") WriteEvalJson(*r, out);
  else WriteEvalText(*r, out);
  return kExitOk;
}

}  // namespace lineage::cli
