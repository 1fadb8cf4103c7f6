#!/bin/sh
# Builds lineage and runs every test. LINEAGE_SANITIZE=1 builds with
# AddressSanitizer and UndefinedBehaviorSanitizer instead.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh --tests
if [ "${LINEAGE_SANITIZE:-0}" = 1 ]; then
  dir=build-asan
  cmake -S . -B $dir -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLINEAGE_SANITIZE=ON >/dev/null
else
  dir=build
  cmake -S . -B $dir -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C $dir -j2
ctest --test-dir $dir --output-on-failure -j2
