#!/usr/bin/env bash
# Durable teacher import the way an administrator runs it: `rotactl import
# teachers` of a rota-gen county (full rows: evaluations, service history)
# into the real rotad, one stream and two counties in parallel, and a county
# imported again (updates) into the store holding them, each printed beside
# a raw synced RocksDB WriteBatch of the same rows (500 per batch) measured
# in the same run by bench/import_reference. Each repetition starts a fresh
# rotad on a fresh data directory (run back to back in one store, the
# compactions of one repetition's 300,000 teachers landed in the next one's
# imports). Also prints the CPU seconds rotad and rotactl spent per 100,000
# teachers (from /proc) and the machine's load.
#
# Usage: bench/run_import_bench.sh [TEACHERS [SCHOOLS [REPEATS]]]
#   defaults: 100000 teachers, 1000 schools, 3 repetitions (best shown).
# The data directory goes under $TMPDIR (default /tmp); point TMPDIR at the
# disk you want to measure. Never run by ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
TEACHERS=${1:-100000}
SCHOOLS=${2:-1000}
REPEATS=${3:-3}
export CCACHE_BASEDIR=$PWD
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j2 rotad rotactl rota-gen import_reference >/dev/null
B=$PWD/build
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rota-import-bench-XXXXXX")
ROTAD_PID=
cleanup() {
  if [[ -n "$ROTAD_PID" ]]; then kill "$ROTAD_PID" 2>/dev/null || true; wait "$ROTAD_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores; $(uptime)"
df -hT "$WORK" | tail -1
"$B/tools/rota-gen" --seed 9 --schools "$SCHOOLS" --teachers "$TEACHERS" --out "$WORK/county" -q
echo "== county: $TEACHERS teachers, $SCHOOLS schools (rota-gen --seed 9), teachers.csv $(du -h "$WORK/county/teachers.csv" | cut -f1)"

# CPU seconds (user + system) of a process so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

# Starts rotad on the fresh data directory $1, stopping the one before and
# deleting its store.
DATA_DIR=
start_rotad() {
  if [[ -n "$ROTAD_PID" ]]; then kill "$ROTAD_PID"; wait "$ROTAD_PID" 2>/dev/null || true; fi
  if [[ -n "$DATA_DIR" ]]; then rm -rf "$DATA_DIR"; fi
  DATA_DIR=$1
  sync  # the previous store's writeback stays out of the next timings
  "$B/service/rotad" --data-dir "$1" --listen 127.0.0.1:0 >"$WORK/rotad.log" 2>&1 &
  ROTAD_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$WORK/rotad.log" && break; sleep 0.1; done
  ADDR=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$WORK/rotad.log" | head -1)
  CTL=("$B/tools/rotactl" --server "$ADDR" --timeout 600)
}

# Creates county $1 with the schools and posts (not timed).
prepare() {
  "${CTL[@]}" county create "$1" --name "$1" >/dev/null
  "${CTL[@]}" --county "$1" import schools "$WORK/county/schools.csv" --no-progress >/dev/null
  "${CTL[@]}" --county "$1" import posts "$WORK/county/posts.csv" --no-progress >/dev/null
}
# Imports teachers into the counties given, in parallel; prints teachers/s.
import_teachers() {
  local start end pids=() c
  start=$(date +%s.%N)
  for c in "$@"; do
    /usr/bin/time -f "%U %S" -o "$WORK/time-$c" \
      "${CTL[@]}" --county "$c" import teachers "$WORK/county/teachers.csv" --no-progress >"$WORK/out-$c" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  for c in "$@"; do grep -q " 0 rejected" "$WORK/out-$c" || { cat "$WORK/out-$c"; exit 1; }; done
  awk -v n="$(( TEACHERS * $# ))" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }'
}

best() { tr ' ' '\n' | sort -n | tail -1; }
one=() two=() ctl_cpu=() rotad_cpu=()
for r in $(seq "$REPEATS"); do
  start_rotad "$WORK/db$r"
  prepare "one$r"
  prepare "a$r"
  prepare "b$r"
  sleep 1  # the schools' and posts' writes settle before the timed imports
  before=$(cpu_of "$ROTAD_PID")
  one+=("$(import_teachers "one$r")")
  after=$(cpu_of "$ROTAD_PID")
  rotad_cpu+=("$(awk -v a="$before" -v b="$after" -v n="$TEACHERS" 'BEGIN { printf "%.2f", (b - a) * 100000 / n }')")
  ctl_cpu+=("$(awk -v n="$TEACHERS" '{ printf "%.2f", ($1 + $2) * 100000 / n }' "$WORK/time-one$r")")
  two+=("$(import_teachers "a$r" "b$r")")
done
# A county imported again (every row an update, read before it is written)
# into the last repetition's store, which holds its three counties.
again=()
for r in $(seq "$REPEATS"); do again+=("$(import_teachers "one$REPEATS")"); done
ref1=() ref2=()
for r in $(seq "$REPEATS"); do
  ref1+=("$("$B/bench/import_reference" --csv "$WORK/county/teachers.csv" --dir "$WORK/raw1-$r" --writers 1)")
  ref2+=("$("$B/bench/import_reference" --csv "$WORK/county/teachers.csv" --dir "$WORK/raw2-$r" --writers 2)")
done

echo "== runs (teachers/s): 1 stream ${one[*]}; 2 counties ${two[*]}; re-import (updates) ${again[*]}; raw 1 writer ${ref1[*]}; raw 2 writers ${ref2[*]}"
echo "== CPU-s per 100,000 teachers (1 stream): rotad ${rotad_cpu[*]}; rotactl ${ctl_cpu[*]}"
echo "== load after: $(uptime)"
printf '\n| durable import, best of %d | rotactl -> rotad | raw synced RocksDB WriteBatch, same rows, same run |\n' "$REPEATS"
printf '|---|---:|---:|\n'
printf '| 1 county, 1 stream | %s teachers/s | %s rows/s (1 writer) |\n' "$(echo "${one[*]}" | best)" "$(echo "${ref1[*]}" | best)"
printf '| 2 counties in parallel | %s teachers/s | %s rows/s (2 writers) |\n' "$(echo "${two[*]}" | best)" "$(echo "${ref2[*]}" | best)"
printf '| 1 county again (updates), 3 counties stored | %s teachers/s | |\n' "$(echo "${again[*]}" | best)"
