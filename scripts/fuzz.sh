#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into ./build-asan (scripts/configure_asan.sh, the
# build of `scripts/test.sh --sanitize`) and runs each for SECONDS
# (default 60), then prints executions and crashes per harness.
#
# Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
#   HARNESS: csv filter page_token requests (default: all four)
#
# Seeds come from the repository: rota-gen's CSV files (a 3-school county
# with applicants), the filters of the documentation, page tokens of a few
# scopes, and one request per rota.v1 request type built from that county
# and docs/examples/policy.textproto (fuzz_requests writes them). The
# corpus grows in build-asan/corpus/<harness> across runs; a crashing input
# is saved as build-asan/artifacts/<harness>-crash-* (replay it with
# build-asan/tests/fuzz/fuzz_<harness> <file>). Exits 1 if any harness
# crashed, leaked or hit undefined behaviour. docs/fuzzing.md has the figures.
#
# Environment: ROTA_FUZZ_JOBS (build parallelism, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(csv filter page_token requests)
for h in "${harnesses[@]}"; do
  case "$h" in
    csv | filter | page_token | requests) ;;
    *) echo "usage: scripts/fuzz.sh [SECONDS] [csv|filter|page_token|requests]..." >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh --clang
build=$(bash scripts/configure_asan.sh)
targets=(rota-gen)
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
ninja -C "$build" -j "${ROTA_FUZZ_JOBS:-$(nproc)}" "${targets[@]}"

bin=$build/tests/fuzz
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$build/artifacts"

# Writes byte $1 (0-255) followed by the rest of stdin into file $2.
prefixed() {
  { printf "\\$(printf '%03o' "$1")"; cat; } >"$2"
}

make_seeds() {
  case "$1" in
    csv)
      local gen=$seeds/gen
      "$build/tools/rota-gen" --seed 7 --schools 3 --teachers 20 --applicants 8 \
        --county f --out "$gen" --quiet
      local i=0 file
      # The harness's table order: the first byte picks the table.
      for file in schools posts teachers applications applicants recruitment_posts; do
        prefixed $i "$seeds/csv/$file-all" <"$gen/$file.csv"
        head -n 3 "$gen/$file.csv" | prefixed $i "$seeds/csv/$file-head"
        i=$((i + 1))
      done
      rm -rf "$gen"
      ;;
    filter)
      local filters=(
        'locality = RURAL AND weak = true' 'zone = "north" AND stage != PRIMARY'
        'school = "s001" AND title_band = SENIOR_TITLE' 'subject = "music" AND gender = MALE'
        'role != TEACHER AND backbone_level = 2 AND employment = "ESTABLISHED"'
        'gender = FEMALE AND interview_passed = true AND channel = CHANNEL_OPEN'
        'school = "counties/f/schools/s002" AND subject = math AND stage = JUNIOR'
        'outcome = MOVED AND mandatory = true AND locked = false AND overridden = false'
        'from_school = s001 AND to_school != "s002" AND teacher = "t0001"'
        'eligible = true AND voluntary = false AND exempt = false')
      local k f n=0
      for k in 0 1 2 3 4 5 6; do
        for f in "${filters[@]}"; do
          printf '%s' "$f" | prefixed $k "$seeds/filter/$n"
          n=$((n + 1))
        done
      done
      ;;
    page_token)
      local scope filter n=0
      for scope in counties counties/yongan counties/yongan/rounds/2026-exchange-rotation-1; do
        for filter in '' 'subject = "music"'; do
          { printf "\\$(printf '%03o' ${#scope})\\$(printf '%03o' ${#filter})"
            printf '%s%s%s' "$scope" "$filter" "t0042"; } >"$seeds/page_token/$n"
          n=$((n + 1))
        done
      done
      ;;
    requests)
      ROTA_FUZZ_WRITE_SEEDS=$seeds/requests "$bin/fuzz_requests" >/dev/null 2>"$seeds/requests.log" ||
        { cat "$seeds/requests.log" >&2; exit 1; }
      ;;
  esac
}

declare -A execs rate corpus crashes
failed=0
for h in "${harnesses[@]}"; do
  mkdir -p "$seeds/$h" "$build/corpus/$h"
  make_seeds "$h"
  log=$build/fuzz-$h.log
  echo "== fuzz_$h for ${seconds} s (log: $log)"
  rc=0
  "$bin/fuzz_$h" "$build/corpus/$h" "$seeds/$h" -max_total_time="$seconds" -timeout=60 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$build/artifacts/$h-" \
    >"$log" 2>&1 || rc=$?
  execs[$h]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate[$h]=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus[$h]=$(find "$build/corpus/$h" -type f | wc -l)
  if [ "$rc" -ne 0 ]; then
    crashes[$h]=1
    failed=1
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz_[a-z_]+: ' "$log" || true
    grep -m1 'Test unit written to' "$log" || true
  else
    crashes[$h]=0
  fi
done

echo
printf '%-12s %14s %10s %8s %8s\n' harness executions exec/s corpus crashes
for h in "${harnesses[@]}"; do
  printf '%-12s %14s %10s %8s %8s\n' "$h" "${execs[$h]:-?}" "${rate[$h]:-?}" \
    "${corpus[$h]}" "${crashes[$h]}"
done
exit "$failed"
