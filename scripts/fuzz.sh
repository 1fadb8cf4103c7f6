#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# SECONDS (default 600) on a copy of its seed corpus in tests/fuzz/corpus/.
# A crash leaves its input as build-fuzz/<target>/crash-* and fails the run.
# SECONDS 0 replays the seed corpora (every regression input among them) once,
# without mutating: that is what CI runs.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   targets: card hub_dump tables git_meta gguf
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/deps.sh fuzz
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-card hub_dump tables git_meta gguf}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DLINEAGE_FUZZ=ON -DLINEAGE_BUILD_TESTS=OFF >/dev/null
for t in $targets; do ninja -C build-fuzz -j2 fuzz_$t >/dev/null; done
status=0
for t in $targets; do
  work=build-fuzz/$t
  rm -rf "$work/corpus"
  mkdir -p "$work/corpus"
  cp -r tests/fuzz/corpus/$t/. "$work/corpus/"
  echo "fuzz_$t: ${seconds}s" >&2
  if [ "$seconds" = 0 ]; then limit="-runs=0"; else limit="-max_total_time=$seconds"; fi
  if ! (cd "$work" && ../tests/fuzz/fuzz_$t $limit -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 corpus 2> log.txt); then
    echo "fuzz_$t FAILED: see $work/log.txt and $work/crash-*" >&2
    tail -30 "$work/log.txt" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log.txt" | sed "s/^/  /" >&2
  fi
done
exit $status
