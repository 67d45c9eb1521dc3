#!/usr/bin/env bash
# Runs the engine benchmarks on the issue-4 market (5,000/200, 100,000/2,000,
# 1,000,000/20,000): the bare reference DA next to the engine's DA, DA*, TTC,
# TO-BE, our min-cost assignment and LEMON's NetworkSimplex.
#
#   bench/run_engine_bench.sh [build-dir] [--skip-lemon-1m]
#
# 1. One process for everything except LEMON at 10^6 (side by side, times).
# 2. One process per solver at 10^6, so each peak RSS is that solver's
#    (plus the instance it needs). LEMON at 10^6 takes minutes; skip it with
#    --skip-lemon-1m.
set -euo pipefail
build="${1:-build}"
skip_lemon_1m=0
for arg in "$@"; do [[ "$arg" == "--skip-lemon-1m" ]] && skip_lemon_1m=1; done
bench="$build/bench/engine_bench"
[[ -x "$bench" ]] || { echo "missing $bench (ninja -C $build engine_bench)"; exit 1; }
out="${ROTA_BENCH_OUT:-$build/engine_bench_results}"
mkdir -p "$out"
lscpu | grep 'Model name' | tee "$out/machine.txt"
nproc | sed 's/^/cores: /' | tee -a "$out/machine.txt"

echo "== all solvers, all sizes (except LEMON at 10^6), one process"
"$bench" --benchmark_filter='^BM_(ReferenceDA|Engine|MinCost)|^BM_LemonNetworkSimplex/(5000|100000)/' \
  --benchmark_counters_tabular=true | tee "$out/side_by_side.txt"

echo "== peak memory at 10^6, one process per solver"
for name in ReferenceDA EngineDA EngineDAStar EngineTTC EngineTOBE MinCost; do
  "$bench" --benchmark_filter="^BM_${name}/1000000/" --benchmark_counters_tabular=true \
    2>/dev/null | grep "BM_" | tee -a "$out/peak_1m.txt"
done
if [[ $skip_lemon_1m == 0 ]]; then
  # Also computes our optimum in the same process and checks they agree.
  "$bench" --benchmark_filter='^BM_(MinCost|LemonNetworkSimplex)/1000000/' \
    --benchmark_counters_tabular=true | tee "$out/lemon_1m.txt"
fi
echo "results in $out"
