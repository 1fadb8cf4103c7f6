// The inference commands (infer, eval inference) and the inferred-edge
// filters the query commands share. Private to the command layer.
#ifndef LINEAGE_CLI_INFER_COMMANDS_H_
#define LINEAGE_CLI_INFER_COMMANDS_H_

#include <cstdint>
#include <iosfwd>
#include <string>

#include "lineage/analysis.h"
#include "lineage/infer.h"
#include "lineage/store.h"

namespace CLI {
class App;
}

namespace lineage::cli {

// --declared-only and --min-confidence.
void AddInferredFlags(CLI::App* app, InferredFilter* filter);

// "note: N of M edges shown are inferred ..." on `err`, when there are any.
void NoteInferred(std::ostream& err, int64_t inferred, int64_t total, int64_t dropped,
                  const InferredFilter& filter);

// How many flows take at least one inferred edge.
int64_t FlowsOnInferred(const FlowReport& report);

// lineage infer [--threshold T]
int RunInferCommand(const std::string& db, double threshold, std::ostream& out,
                    std::ostream& err);
// lineage eval inference [--sample N] [--mistakes N] [--format text|json]
int RunEvalCommand(const std::string& db, const std::string& what, int64_t sample,
                   double threshold, int64_t mistakes, const std::string& format, std::ostream& out,
                   std::ostream& err);

}  // namespace lineage::cli

#endif  // LINEAGE_CLI_INFER_COMMANDS_H_
