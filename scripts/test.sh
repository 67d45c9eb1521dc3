#!/usr/bin/env bash
# The test command (README; CI runs it through .ci/run): set up, build and
# run every test under CTest; with --all, then build every test again under
# the sanitizers and run them all there.
#
# Usage: scripts/test.sh [--no-sanitize | --all | --sanitize]
#   (no flag), --no-sanitize  the normal step: Release build in ./build,
#                  every test.
#   --all          both steps, in this order.
#   --sanitize     the sanitizer step only: clang AddressSanitizer +
#                  UndefinedBehaviorSanitizer build in ./build-asan
#                  (scripts/configure_asan.sh), every test; a memory error, a
#                  leak or undefined behaviour fails the test that hit it.
# Time on 2 idle cores from a cold cache (a fresh clone, as in CI): the
# sanitizer step about 21 to 27 minutes (30 CPU-minutes of build, 6 to 8
# minutes of tests), --all an estimated 45 to 55 minutes (docs/fuzzing.md).
# The sanitizer step is not yet the default: the code merged on 2026-12-06
# has not run under it in full.
set -euo pipefail
cd "$(dirname "$0")/.."

normal=1
sanitize=0
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) normal=1; sanitize=0 ;;
    --sanitize) normal=0; sanitize=1 ;;
    --all) normal=1; sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--no-sanitize | --all | --sanitize]" >&2; exit 2 ;;
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
