// How walks read their nodes and edges (walks.cc), for tests that compare
// the fast reads with the reference reads through the store's views.
#ifndef LINEAGE_STORE_WALK_READS_H_
#define LINEAGE_STORE_WALK_READS_H_

namespace lineage::store_detail {

// true: chain and descendants read through kArtifactSelect and the evidence
// view and sort with SortSubgraph, as before the direct reads. Process-wide;
// for tests only.
void UseViewWalkReads(bool on);

}  // namespace lineage::store_detail

#endif  // LINEAGE_STORE_WALK_READS_H_
