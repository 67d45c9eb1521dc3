#!/usr/bin/env bash
# The test command (README; CI runs it through .ci/run): set up, build and
# run every test under CTest, then build every test again under the
# sanitizers and run them all there.
#
# Usage: scripts/test.sh [--all | --no-sanitize | --sanitize]
#   (no flag), --all  both steps, in this order (the default, what CI runs).
#   --no-sanitize  the normal step only: Release build in ./build, every
#                  test.
#   --sanitize     the sanitizer step only: clang AddressSanitizer +
#                  UndefinedBehaviorSanitizer build in ./build-asan
#                  (scripts/configure_asan.sh), every test; a memory error, a
#                  leak or undefined behaviour fails the test that hit it
#                  (leaks of system libraries at exit: scripts/lsan.supp).
# Time on 2 cores from a cold cache (a fresh clone, as in CI): the normal
# step about 15 to 20 minutes, the sanitizer step about 21 to 27 (30
# CPU-minutes of build, 3 to 8 minutes of tests); both about 40 to 50 of
# CI's 90 (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

normal=1
sanitize=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) normal=1; sanitize=0 ;;
    --sanitize) normal=0; sanitize=1 ;;
    --all) normal=1; sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--all | --no-sanitize | --sanitize]" >&2; exit 2 ;;
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
  # Relative paths in ccache's hash, as scripts/build.sh: clones share it.
  CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" ninja -C "$build" -j "$(nproc)"
  export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  # Leaks of a system library at exit, named there (scripts/lsan.supp).
  export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  (cd "$build" && ctest --output-on-failure -j "$(nproc)" --timeout 1200)
fi
