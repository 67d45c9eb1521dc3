#!/usr/bin/env bash
# Builds and runs the durability drivers: power cuts with unsynced data
# dropped, then kill -9 cycles of the real rotad under load, each against a
# ledger of acknowledged writes. Both must report lost=0.
# Usage: bench/run_durability_bench.sh [CYCLES (default 1000)] [THREADS (default 4)]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-1000}"
threads="${2:-4}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build rotad durability_bench
./build/bench/durability_bench --mode power-cut --cycles "$cycles" --threads "$threads"
./build/bench/durability_bench --mode kill9 --cycles "$cycles" --threads "$threads"
