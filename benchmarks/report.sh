#!/usr/bin/env bash
# Regenerates benchmarks/results/REPORT.md and its PNG charts in one command:
#   benchmarks/report.sh [--rounds N] [--events N] [--jobs "windowed-counts sessions unique-visitors ctr"] [--jmh]
#                        [--state-windows]
#   benchmarks/report.sh --runs-from benchmarks/results/report-runs.tsv   (redraws the report from recorded runs)
# 1. builds the job jar and the benchmarks module with -Psql-baseline (the Flink SQL baseline, XChart);
# 2. generates the input once: `generate --seed 7 --events N` (one JSON-lines file, default 1,000,000 events);
# 3. runs, in --rounds interleaved rounds (default 2), every job x backend (hashmap, RocksDB incremental, checkpoints
#    every 10 s, parallelism 2) x engine: ours (`java -jar jobs/target/streamsketch-jobs.jar <job>`), Flink SQL at its
#    defaults, Flink SQL tuned (mini-batch, two-phase aggregation, split distinct); all outputs written as JSON-lines
#    files. Per run: Flink's net job runtime, the checkpoints the CheckpointCoordinator completed and their state size
#    (from its "Completed checkpoint N ... (S bytes" log line, benchmarks/log4j-checkpoint-sizes.properties), rows
#    written, and `uptime` before and after. Every run is listed in the report, none is dropped;
# 4. with --state-windows (off by default: 12 more runs, about 5 to 10 min on 1,000,000 events), once after the
#    rounds: unique-visitors with --window 1m and 1h, on RocksDB and hashmap, ours (HyperLogLog), ours --exact and
#    Flink SQL at its defaults (SqlBaseline ... --window W), with checkpoints every 1 s (a copy of flink-conf with that
#    interval for ours, --checkpoint-interval for SQL) so that each run completes several; recorded like the other runs
#    with the window in the TSV's "window" column (empty for the runs at the jobs' default windows);
# 5. with --jmh, runs the JMH benchmarks into benchmarks/results/jmh-report.json first (about 10 min; off by default);
# 6. ReportCharts reads the runs and every benchmarks/results/*.json (JMH output) and writes REPORT.md and the PNGs.
# Needs java 17, maven, python3 (none of them checked beyond failing). Bad options: one line, exit status 2.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=2
events=1000000
jobs="windowed-counts sessions unique-visitors ctr"
jmh=false
state_windows=false
runs_from=
while [ $# -gt 0 ]; do
  case "$1" in --rounds|--events|--jobs|--runs-from)
    [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; } ;;
  esac
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --jmh) jmh=true; shift ;;
    --state-windows) state_windows=true; shift ;;
    --runs-from) runs_from=$2; shift 2 ;;
    *) echo "error: unknown option $1 (usage: benchmarks/report.sh [--rounds N] [--events N] [--jobs \"...\"] [--jmh] [--state-windows] | --runs-from FILE)" >&2; exit 2 ;;
  esac
done
for n in "$rounds" "$events"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: --rounds and --events take a positive integer, not '$n'" >&2; exit 2; }
done
for job in $jobs; do
  case "$job" in windowed-counts|sessions|unique-visitors|ctr) ;;
    *) echo "error: --jobs: no SQL baseline for '$job' (windowed-counts, sessions, unique-visitors, ctr)" >&2; exit 2 ;;
  esac
done

if [ -n "$runs_from" ] && [ ! -r "$runs_from" ]; then
  echo "error: --runs-from $runs_from is not a readable file" >&2
  exit 2
fi
results=benchmarks/results
work=$(mktemp -d "${TMPDIR:-/tmp}/streamsketch-report.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "building (jobs, benchmarks -Psql-baseline)..." >&2
mvn -B -ntp -q -pl jobs,benchmarks -am -Psql-baseline -DskipTests package >"$work/build.log" 2>&1 ||
  { tail -30 "$work/build.log" >&2; exit 1; }
jar=jobs/target/streamsketch-jobs.jar
# A copy of the classes, so that a build during the runs does not change what they run.
cp -r benchmarks/target/classes "$work/classes"
classpath="$work/classes:$(cat benchmarks/target/sql-baseline.classpath)"
log4j="-Dlog4j2.configurationFile=$PWD/benchmarks/log4j-checkpoint-sizes.properties"

if $jmh; then
  echo "running JMH (benchmarks.jar)..." >&2
  mvn -B -ntp -q -pl benchmarks -am -DskipTests package >"$work/build-jmh.log" 2>&1
  java -jar benchmarks/target/benchmarks.jar -rf json -rff "$results/jmh-report.json" >"$work/jmh.log" 2>&1
  # The -Psql-baseline build's classes and class path are what the rest of this script runs.
  mvn -B -ntp -q -pl jobs,benchmarks -am -Psql-baseline -DskipTests package >"$work/build.log" 2>&1
fi

machine="$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB,\
 $(java -version 2>&1 | head -1)"
render() { # runs.tsv (its "# command:" and "# machine:" lines say how and where it was measured)
  java -cp "$classpath" io.streamsketch.benchmarks.report.ReportCharts --runs "$1" --results "$results"
  echo "wrote $results/REPORT.md" >&2
}
if [ -n "$runs_from" ]; then
  render "$runs_from"
  exit 0
fi

input=$work/input
java -jar "$jar" generate --seed 7 --events "$events" --output "$input" >/dev/null

load() { uptime | sed 's/.*load average: //'; }

# Counts every line of the committed (not hidden) files of an output folder.
rows_written() {
  find "$1" -type f -name 'part-*' ! -name '.*' -print0 | xargs -0 -r cat | wc -l
}

command="benchmarks/report.sh --rounds $rounds --events $events --jobs \"$jobs\"$($jmh && echo ' --jmh' || true)\
$($state_windows && echo ' --state-windows' || true)"
# Written as the runs go, so that an interrupted report keeps the runs it made (--runs-from draws them).
runs=$results/report-runs.tsv
{ echo "# command: $command"; echo "# machine: $machine"; echo "# events: $events"; } >"$runs"
printf 'round\tjob\tbackend\tengine\tstatus\truntime_s\tcheckpoints\tmax_state_bytes\trows\tload_before\tload_after\twindow\tcheckpoint_interval\n' >>"$runs"

# --state-windows: our jobs take their checkpoint interval from config.yaml, so they get a copy with a shorter one.
state_interval=1s
state_conf=$work/conf-state
if $state_windows; then
  mkdir "$state_conf"
  sed 's/^execution\.checkpointing\.interval:.*/execution.checkpointing.interval: 1 s/' flink-conf/config.yaml \
    >"$state_conf/config.yaml"
  grep -q '^execution.checkpointing.interval: 1 s$' "$state_conf/config.yaml" ||
    { echo "error: flink-conf/config.yaml has no execution.checkpointing.interval line to shorten" >&2; exit 1; }
fi

run() { # round job backend engine [window: empty for the job's defaults, else a --state-windows run]
  local round=$1 job=$2 backend=$3 engine=$4 window=${5:-} out=$work/out-$1-$2-$3-$4-${5:-default}
  local ckpt=$work/ckpt ckptlog=$work/ckpt.log before after status=0 runtime checkpoints max_state
  local interval=10s ours_options=() sql_options=()
  if [ -n "$window" ]; then
    interval=$state_interval
    ours_options=(--window "$window" --conf-dir "$state_conf")
    sql_options=(--window "$window" --checkpoint-interval "$state_interval")
  fi
  rm -rf "$ckpt" "$ckptlog"
  before=$(load)
  if [ "$engine" = ours ] || [ "$engine" = ours-exact ]; then
    if [ "$engine" = ours-exact ]; then ours_options+=(--exact); fi
    timeout 1200 java "$log4j" -Dcheckpoint.log="$ckptlog" -jar "$jar" "$job" --input "$input/events.jsonl" \
      --output "$out" --state-backend "$backend" --checkpoint-dir "$ckpt" "${ours_options[@]}" \
      >"$work/stdout" 2>"$work/stderr" || status=$?
  else
    timeout 1200 java "$log4j" -Dcheckpoint.log="$ckptlog" -cp "$classpath" io.streamsketch.benchmarks.sql.SqlBaseline \
      "$job" "$input/events.jsonl" "$out" "$backend" "$ckpt" "${engine#sql-}" "${sql_options[@]}" \
      >"$work/stdout" 2>"$work/stderr" || status=$?
  fi
  after=$(load)
  runtime=$(sed -n 's/.* finished in \([0-9.]*\) s$/\1/p' "$work/stdout")
  checkpoints=$(grep -c '^Completed checkpoint' "$ckptlog" 2>/dev/null || true)
  max_state=$( (grep '^Completed checkpoint' "$ckptlog" 2>/dev/null || true) |
    sed 's/.*(\([0-9]*\) bytes.*/\1/' | sort -n | tail -1)
  if [ "$status" -ne 0 ] || [ -z "$runtime" ]; then
    echo "  $job $backend $engine${window:+ $window}: failed (exit $status): $(tail -1 "$work/stderr")" >&2
    runtime=
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$job" "$backend" "$engine" "$status" \
    "$runtime" "${checkpoints:-0}" "${max_state:-}" "$(rows_written "$out")" "$before" "$after" "$window" "$interval" \
    >>"$runs"
  echo "  round $round $job $backend $engine${window:+ $window}: ${runtime:-failed} s, ${checkpoints:-0} checkpoints, load $before -> $after" >&2
  rm -rf "$out" "$ckpt"
}

for round in $(seq 1 "$rounds"); do
  for job in $jobs; do
    for backend in hashmap rocksdb; do
      # Alternate the order per round, so that neither engine always runs right after the other.
      if [ $((round % 2)) -eq 1 ]; then engines="ours sql-default sql-tuned"; else engines="sql-tuned sql-default ours"; fi
      for engine in $engines; do
        run "$round" "$job" "$backend" "$engine"
      done
    done
  done
done

if $state_windows; then
  for window in 1m 1h; do
    for backend in rocksdb hashmap; do
      for engine in ours ours-exact sql-default; do
        run 1 unique-visitors "$backend" "$engine" "$window"
      done
    done
  done
fi

render "$runs"
