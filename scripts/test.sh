#!/usr/bin/env bash
# The test command (README; CI runs it through .ci/run): set up, build, run
# every test under CTest; with --sanitize or --all, the same tests under the
# sanitizers.
#
# Usage: scripts/test.sh [--no-sanitize | --sanitize | --all]
#   (no flag), --no-sanitize  Release build in ./build, every test.
#   --all          both steps below, in this order.
#   --sanitize     clang AddressSanitizer + UndefinedBehaviorSanitizer build
#                  in ./build-asan (scripts/configure_asan.sh), every test; a
#                  memory error, a leak or undefined behaviour fails the test
#                  that hit it.
# On a 2-core machine the sanitizer step takes about 15 minutes to build from
# a cold cache and 6 to 12 minutes to run (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

normal=1
sanitize=0
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    --sanitize) normal=0; sanitize=1 ;;
    --all) normal=1; sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--no-sanitize | --sanitize | --all]" >&2; exit 2 ;;
  esac
done

if [ "$normal" -eq 1 ]; then
  bash scripts/setup.sh
  bash scripts/build.sh
  (cd build && ctest --output-on-failure -j "$(nproc)" --timeout 1200)
fi

if [ "$sanitize" -eq 1 ]; then
  bash scripts/setup.sh --clang
  build=$(bash scripts/configure_asan.sh)
  ninja -C "$build" -j "$(nproc)"
  export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  (cd "$build" && ctest --output-on-failure -j "$(nproc)" --timeout 1200)
fi
