#!/usr/bin/env bash
# Builds rotad and the rounds driver (Release) and runs freeze + run + commit
# (server side, timed around each RPC) next to the replay of the same run, for
# a 2,000-teacher county and a 100,000-teacher prefecture, for exchange
# rotation, competitive hiring and itinerant teaching (走教): each kind's
# engine-only time and replay are measured in the same run, and exchange
# rotation is the reference for the other kinds.
# Goals: < 200 ms county, < 5 s prefecture, replay within 1.1x of run;
# recruitment, 20,000 applicants / ~2,000 posts: < 2 s (docs/perf-recruitment.md).
# Usage: bench/run_rounds_bench.sh [--quick]   (--quick: county only)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build rotad rounds_bench
echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)' || true
df -hT "${TMPDIR:-/tmp}" | tail -1
for kind in exchange hiring itinerant; do
  echo "== county: 2,000 teachers, 50 schools, $kind"
  ./build/bench/rounds_bench --teachers 2000 --schools 50 --kind "$kind" --repeat 5
done
echo "== county: 800 teachers, 50 schools, itinerant, all seven shortage subjects (> 200 demands)"
./build/bench/rounds_bench --teachers 800 --schools 50 --kind itinerant --repeat 5 \
  --all-shortage-subjects
echo "== recruitment: 20,000 applicants, ~2,000 recruitment posts (20,000 teachers, 600 schools)"
for rep in 1 2 3; do
  ./build/bench/rounds_bench --teachers 20000 --schools 600 --kind recruitment \
    --applicants 20000 --repeat 1
done
if [[ "${1:-}" != "--quick" ]]; then
  for kind in exchange hiring itinerant; do
    echo "== prefecture: 100,000 teachers, 2,000 schools, $kind"
    ./build/bench/rounds_bench --teachers 100000 --schools 2000 --kind "$kind" --repeat 3
  done
fi
