#!/bin/sh
# The main job: build lineage, ingest the embedded real dataset in data/ and
# print the headline (flows between west and cn), writing graphs to
# lineage-report/ with the report to hand on, lineage-report/index.html.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLINEAGE_BUILD_TESTS=OFF >/dev/null
ninja -C build-release -j2 lineage >/dev/null
DB=${LINEAGE_DB:-lineage-demo.db}
rm -f "$DB" "$DB-wal" "$DB-shm"
# The files themselves, so every fact cites its file in data/ (a plain new store
# holds the same dataset, embedded in the binary).
./build-release/lineage --db "$DB" ingest --no-dataset data
./build-release/lineage --db "$DB" report --out lineage-report
