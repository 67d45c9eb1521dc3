#!/usr/bin/env bash
# The main job (README): set up, build (Release), start rotad on ./rota-data,
# generate a sample county (50 schools, 2,000 teachers, fixed seed) into
# ./rota-demo, import it through rotactl, list and summarise it, verify its
# audit chain; then set a policy (docs/examples/policy.textproto), run a
# competitive hiring round (create, apply rota-gen's post-level
# hiring_applications.csv, freeze, run, report, the registry diff, commit
# with --yes) and an
# exchange rotation round (create, apply rota-gen's applications.csv, freeze
# with a fixed seed, run, report, commit, audit replay => MATCH), printing
# their reports and writing their printable HTML reports (the exchange
# rotation's also as PDF) into ./rota-demo; an itinerant teaching round (走教: rota-gen's periods.csv
# and roads.csv; one teacher's weekly plan and one school's coverage); a
# recruitment round (rota-gen --applicants: new-teacher applicants and
# recruitment posts) with equal numbers of women and men per post, printing
# the first rows of its per-post gender table; then stop rotad cleanly with
# SIGTERM.
#
# Re-runnable: on an existing ./rota-data the county is kept, and the imports
# replay (same files and the same --request-id => same chunk request ids =>
# nothing applied twice).
# Each run creates new rounds (the server numbers them {year}-{kind}-{n}), so
# a re-run works on the registry as the previous run's commits left it.
#
# Environment: ROTA_DATA_DIR (default ./rota-data), ROTAD (the rotad binary,
# default build/service/rotad), ROTA_DEMO_SKIP_BUILD=1 to
# skip set-up and build on a re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${ROTA_DEMO_SKIP_BUILD:-0}" != "1" ]; then
  bash scripts/setup.sh
  bash scripts/build.sh
fi

ROTAD=${ROTAD:-build/service/rotad}
ROTACTL=build/tools/rotactl
ROTA_GEN=build/tools/rota-gen
DATA_DIR=${ROTA_DATA_DIR:-./rota-data}
DEMO_DIR=./rota-demo
COUNTY=demo
SEED=2024

step() { printf '\n== %s\n' "$*"; }
# The etag `round run` printed, in English ("run etag X") or Chinese
# ("运行标识 X", with a zh_CN locale).
run_etag() { awk '($1 == "run" && $2 == "etag") { print $3 } $1 == "运行标识" { print $2 }' "$1"; }

for bin in "$ROTAD" "$ROTACTL" "$ROTA_GEN"; do
  [ -x "$bin" ] || { echo "demo: $bin is missing; run scripts/build.sh" >&2; exit 1; }
done

step "start rotad on $DATA_DIR"
mkdir -p "$DATA_DIR"
listen_log=$(mktemp)
"$ROTAD" --data-dir "$DATA_DIR" --listen 127.0.0.1:0 >"$listen_log" &
rotad_pid=$!
stop_rotad() {
  if kill -0 "$rotad_pid" 2>/dev/null; then
    kill -TERM "$rotad_pid"
    wait "$rotad_pid" || true
  fi
  rm -f "$listen_log"
}
trap stop_rotad EXIT
for _ in $(seq 1 600); do
  grep -q '^rotad listening on ' "$listen_log" && break
  if ! kill -0 "$rotad_pid" 2>/dev/null; then
    echo "demo: rotad exited before listening" >&2
    exit 1
  fi
  sleep 0.1
done
address=$(sed -n 's/^rotad listening on //p' "$listen_log")
[ -n "$address" ] || { echo "demo: rotad did not start within 60 s" >&2; exit 1; }
echo "rotad (pid $rotad_pid) listening on $address"
export ROTA_SERVER=$address ROTA_COUNTY=$COUNTY

# The data's "today": 2026-09-01 (rota-gen's default), or the last 1 September
# if this machine's clock is earlier, so that no generated date is in the
# server's future.
as_of=2026-09-01
year=$(date -u +%Y)
[ "$(date -u +%m%d)" -lt 0901 ] && year=$((year - 1))
[ "$year-09-01" \< "$as_of" ] && as_of="$year-09-01"

step "generate a sample county: 50 schools, 2,000 teachers, seed $SEED, as of $as_of -> $DEMO_DIR"
"$ROTA_GEN" --seed "$SEED" --schools 50 --teachers 2000 --county "$COUNTY" --as-of "$as_of" \
  --applicants 600 --out "$DEMO_DIR"
county_name=$(sed -n 's/^display_name=//p' "$DEMO_DIR/county.txt")

step "rotactl county create $COUNTY --name $county_name"
if "$ROTACTL" county get "$COUNTY" >/dev/null 2>&1; then
  echo "county $COUNTY already exists in $DATA_DIR; keeping it (imports below are upserts)"
else
  "$ROTACTL" county create "$COUNTY" --name "$county_name" --region "rota-gen seed $SEED"
fi

for table in schools posts teachers periods roads recruitment-posts applicants; do
  file=${table//-/_}
  step "rotactl import $table $DEMO_DIR/$file.csv --request-id demo-seed-$SEED"
  "$ROTACTL" import "$table" "$DEMO_DIR/$file.csv" --request-id "demo-seed-$SEED"
done

step "rotactl school list --filter 'locality = RURAL AND weak = true'"
"$ROTACTL" school list --filter 'locality = RURAL AND weak = true' --all

step "rotactl teacher list --filter 'subject = \"music\" AND gender = MALE' --page-size 10"
"$ROTACTL" teacher list --filter 'subject = "music" AND gender = MALE' --page-size 10

step "rotactl summary"
"$ROTACTL" summary

step "rotactl audit verify"
"$ROTACTL" audit verify

# ---- rounds (issue 5) ----
school_year=${as_of%%-*}
if ! "$ROTACTL" round list >/dev/null 2>&1; then
  echo "demo: this rotad does not serve RoundService yet; skipping the rounds" >&2
else
  policy_file=$(mktemp)
  sed "s/^school_year: .*/school_year: $school_year/" docs/examples/policy.textproto >"$policy_file"
  step "rotactl policy set docs/examples/policy.textproto (school_year $school_year)"
  "$ROTACTL" policy set "$policy_file"
  rm -f "$policy_file"

  step "competitive hiring round (竞聘上岗), effective $as_of"
  ch=$("$ROTACTL" round create --kind competitive-hiring --year "$school_year" --effective "$as_of")
  echo "round $ch"
  step "rotactl round apply $ch $DEMO_DIR/hiring_applications.csv (post-level lists)"
  "$ROTACTL" round apply "$ch" "$DEMO_DIR/hiring_applications.csv" --no-progress
  "$ROTACTL" round freeze "$ch" --seed "$SEED"
  "$ROTACTL" round run "$ch" | tee "$DEMO_DIR/run-ch.txt"
  ch_etag=$(run_etag "$DEMO_DIR/run-ch.txt")
  step "rotactl round report $ch"
  "$ROTACTL" round report "$ch"
  "$ROTACTL" round report "$ch" --html "$DEMO_DIR/report-$ch.html"
  step "rotactl round diff $ch 0 --registry (what the commit changes: the summary line)"
  "$ROTACTL" round diff "$ch" 0 --registry | tail -n 1
  step "rotactl round commit $ch --run-etag $ch_etag (the run just reviewed)"
  "$ROTACTL" round commit "$ch" --run-etag "$ch_etag" --yes
  step "rotactl audit replay $ch"
  "$ROTACTL" audit replay "$ch"

  step "exchange rotation round (交流轮岗), effective $as_of"
  er=$("$ROTACTL" round create --kind exchange-rotation --year "$school_year" --effective "$as_of")
  echo "round $er"
  "$ROTACTL" round apply "$er" "$DEMO_DIR/applications.csv" --no-progress
  "$ROTACTL" round freeze "$er" --seed "$SEED"
  "$ROTACTL" round run "$er" | tee "$DEMO_DIR/run-er.txt"
  er_etag=$(run_etag "$DEMO_DIR/run-er.txt")
  step "rotactl round report $er"
  "$ROTACTL" round report "$er"
  step "rotactl round report $er --html $DEMO_DIR/report-$er.html --pdf $DEMO_DIR/report-$er.pdf"
  # The printable report (Chinese): summary, one page per school, letters.
  "$ROTACTL" round report "$er" --html "$DEMO_DIR/report-$er.html" \
    --pdf "$DEMO_DIR/report-$er.pdf"
  step "rotactl round results $er --outcome MOVED (first page)"
  "$ROTACTL" round results "$er" --outcome MOVED --page-size 10
  # Why: a mover placed at a later choice (the earlier ones name who holds them).
  # awk reads to the end: an early exit would kill rotactl with SIGPIPE.
  who=$("$ROTACTL" -o csv round results "$er" --outcome MOVED --all |
        awk -F, 'NR > 1 && $7 >= 2 && !found { print $1; found = 1 }')
  if [ -n "$who" ]; then
    step "rotactl round explain $er $who"
    "$ROTACTL" round explain "$er" "$who"
  fi
  step "rotactl round commit $er --run-etag $er_etag (the run just reviewed)"
  "$ROTACTL" round commit "$er" --run-etag "$er_etag" --yes
  step "rotactl audit replay $er"
  "$ROTACTL" audit replay "$er"

  step "itinerant teaching round (走教), effective $as_of"
  it=$("$ROTACTL" round create --kind itinerant-teaching --year "$school_year" --effective "$as_of")
  echo "round $it"
  "$ROTACTL" round freeze "$it" --seed "$SEED"
  "$ROTACTL" round run "$it" | tee "$DEMO_DIR/run-it.txt"
  it_etag=$(run_etag "$DEMO_DIR/run-it.txt")
  who=$("$ROTACTL" -o csv round results "$it" --outcome ITINERANT --all |
        awk -F, 'NR == 2 { print $1 }')
  if [ -n "$who" ]; then
    step "rotactl round plan $it $who"
    "$ROTACTL" round plan "$it" "$who"
  fi
  school=$("$ROTACTL" -o csv round coverage "$it" |
           awk -F, 'NR > 1 && $7 > 0 && !found { print $1; found = 1 }')
  if [ -n "$school" ]; then
    step "rotactl round coverage $it (the lines of $school)"
    "$ROTACTL" round coverage "$it" | awk -v s="($school)" 'NR == 1 || index($0, s)'
  fi
  step "rotactl round commit $it --run-etag $it_etag"
  "$ROTACTL" round commit "$it" --run-etag "$it_etag" --yes
  "$ROTACTL" audit replay "$it"

  step "recruitment round (新教师招聘), equal numbers of women and men per post, effective $as_of"
  policy_file=$(mktemp)
  printf 'school_year: %s\nrecruitment { gender_mode: EQUAL_NUMBERS }\n' "$school_year" >"$policy_file"
  "$ROTACTL" policy set "$policy_file" >/dev/null
  rm -f "$policy_file"
  rr=$("$ROTACTL" round create --kind recruitment --year "$school_year" --effective "$as_of")
  echo "round $rr"
  "$ROTACTL" round freeze "$rr" --seed "$SEED"
  "$ROTACTL" round run "$rr" | tee "$DEMO_DIR/run-rr.txt"
  rr_etag=$(run_etag "$DEMO_DIR/run-rr.txt")
  step "rotactl round report $rr (the per-post gender table, first rows)"
  # awk reads to the end: an early exit would kill rotactl with SIGPIPE.
  "$ROTACTL" round report "$rr" | awk 'NR <= 16'
  who=$("$ROTACTL" --lang en -o csv round results "$rr" --outcome NOT_RECRUITED --all |
        awk -F, 'NR > 1 && /ranked above/ && !found { print $1; found = 1 }')
  if [ -n "$who" ]; then
    step "rotactl round explain $rr $who"
    "$ROTACTL" round explain "$rr" "$who"
  fi
  step "rotactl round commit $rr --run-etag $rr_etag (the hires become teachers)"
  "$ROTACTL" round commit "$rr" --run-etag "$rr_etag" --yes
  step "rotactl audit replay $rr"
  "$ROTACTL" audit replay "$rr"

  step "rotactl round list"
  "$ROTACTL" round list
  step "rotactl audit verify (after the commits)"
  "$ROTACTL" audit verify
fi

step "stop rotad (SIGTERM)"
kill -TERM "$rotad_pid"
rc=0
wait "$rotad_pid" || rc=$?
trap - EXIT
rm -f "$listen_log"
echo "rotad exited with status $rc"
exit "$rc"
