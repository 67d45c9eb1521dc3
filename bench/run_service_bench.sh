#!/usr/bin/env bash
# Builds rotad and the service load driver (Release) and runs it: durable
# import throughput next to a raw synced RocksDB WriteBatch, and Get/List QPS
# next to an empty gRPC call (grpc.health.v1 Check). Prints the machine too.
# Usage: bench/run_service_bench.sh [service_load_bench flags, e.g. --teachers 200000]
# The data directory goes under $TMPDIR (default /tmp); point TMPDIR at the disk
# you want to measure.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build rotad service_load_bench
echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core)' || true
nproc
echo "== data directory filesystem"
df -hT "${TMPDIR:-/tmp}" | tail -1
echo "== service_load_bench $*"
./build/bench/service_load_bench "$@"
