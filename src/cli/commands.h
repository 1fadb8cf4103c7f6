// The command table: one row per command, from which the help text and
// "did you mean" are generated. Only this layer and main.cc parse argv,
// print, and choose exit codes.
#ifndef LINEAGE_CLI_COMMANDS_H_
#define LINEAGE_CLI_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace lineage::cli {

// Exit codes of the command-line contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Runs `lineage ARGS...`; writes data to `out` and diagnostics to `err`.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Whether the process exits once Run returns (main.cc): Run then leaves a
// large answer for the exit to drop instead of freeing it string by string
// (a tenth of the time of a 95,000-model descendants query). Off by default,
// for callers that run many commands in one process.
void SetExitAfterRun(bool on);

}  // namespace lineage::cli

#endif  // LINEAGE_CLI_COMMANDS_H_
