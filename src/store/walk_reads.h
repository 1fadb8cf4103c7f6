// How walks read their nodes and edges (walks.cc), for tests that compare
// the fast reads with the reference reads through the store's views.
#ifndef LINEAGE_STORE_WALK_READS_H_
#define LINEAGE_STORE_WALK_READS_H_

namespace lineage::store_detail {

// true: chain and descendants read through kArtifactSelect and the evidence
// view and sort with SortSubgraph, as before the direct reads. Process-wide;
// for tests only.
void UseViewWalkReads(bool on);

// Whether walks read their edges and evidence on a second connection beside
// the artifact rows: -1 never, 1 whenever there is an edge, 0 for big walks
// (the default). Process-wide; for tests only.
void UseSideWalkReads(int mode);

// true: the second connection's read fails (for tests of the error path).
void FailSideWalkReads(bool on);

}  // namespace lineage::store_detail

#endif  // LINEAGE_STORE_WALK_READS_H_
