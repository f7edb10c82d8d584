#!/usr/bin/env bash
# Wall time of one job on the embedded MiniCluster, per state backend, from the shaded jar.
#   benchmarks/job-wall-time.sh <job> <runs> [job options...]
# Example (issue 2's figure): benchmarks/job-wall-time.sh windowed-counts 3 --events 1000000
# Prints a markdown table: per run, the process wall time and Flink's net job runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
job=$1
runs=$2
shift 2
jar=jobs/target/streamsketch-jobs.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package
events=$(printf '%s\n' "$@" | awk 'prev=="--events"{print} {prev=$0}')
events=${events:-1000000}

echo "| backend | run | wall time (s) | job runtime (s) | events/s (job runtime) |"
echo "|---|---|---|---|---|"
for backend in hashmap rocksdb; do
  for run in $(seq 1 "$runs"); do
    checkpoints=$(mktemp -d)
    start=$(date +%s%N)
    out=$(java -jar "$jar" "$job" --state-backend "$backend" --checkpoint-dir "$checkpoints" "$@" 2>/dev/null)
    end=$(date +%s%N)
    rm -rf "$checkpoints"
    runtime=$(printf '%s\n' "$out" | sed -n 's/.* finished in \([0-9.]*\) s/\1/p')
    wall=$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.1f", (e-s)/1e9}')
    rate=$(awk -v n="$events" -v t="$runtime" 'BEGIN{printf "%d", n/t}')
    echo "| $backend | $run | $wall | $runtime | $rate |"
  done
done
