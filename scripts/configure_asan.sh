#!/usr/bin/env bash
# Configures ./build-asan: clang, AddressSanitizer + UndefinedBehaviorSanitizer
# (undefined behaviour aborts), -O1 with line tables, no benchmarks, and the
# libFuzzer harnesses (ROTA_FUZZ). One build serves both `scripts/test.sh
# --sanitize` (every test) and scripts/fuzz.sh (the harnesses), so the
# libraries are compiled once with the fuzzer's coverage instrumentation.
# Usage: scripts/configure_asan.sh   (prints the build directory)
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS=-g1 \
  -DROTA_SANITIZE="address;undefined" -DROTA_FUZZ=ON -DROTA_WERROR=OFF \
  -DROTA_BUILD_BENCH=OFF >/dev/null
echo build-asan
