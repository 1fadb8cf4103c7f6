// Licence obligations checked over the store: every edge, or one model's
// ancestry, plus the licence changes found in repository history.
#ifndef LINEAGE_LICENSE_CHECK_H_
#define LINEAGE_LICENSE_CHECK_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lineage/infer.h"
#include "lineage/license.h"
#include "lineage/status.h"
#include "lineage/store.h"

namespace lineage {

struct LicenseCheckResult {
  std::vector<LicenseFinding> findings;
  int64_t edges_checked = 0;
  int64_t on_inferred = 0;  // findings on inferred edges
};

// Findings along every edge (or, when `id` is not empty, `id`'s ancestry) at
// `min_severity` or worse, over the edges `filter` keeps, sorted by severity,
// rule, child and parent. NotFound when the store has no licence catalogue.
Result<LicenseCheckResult> CheckLicenses(const Store& store, const std::string& id,
                                         Severity min_severity, const InferredFilter& filter);

// The edges of `g` that break a licence obligation (a finding worse than
// info), as "child-key\tparent-key" -> the rules broken, comma-separated:
// DotOptions::marked_edges for `export dot --licenses`.
std::map<std::string, std::string> LicenseMarks(const LicenseCatalogue& catalogue,
                                                const Subgraph& g);

}  // namespace lineage

#endif  // LINEAGE_LICENSE_CHECK_H_
