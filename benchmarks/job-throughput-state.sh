#!/usr/bin/env bash
# Throughput and checkpointed state size of one job on the embedded MiniCluster, per state backend, from the shaded jar.
#   benchmarks/job-throughput-state.sh <job> <runs> [job options...]
# Example: benchmarks/job-throughput-state.sh unique-visitors 1 --events 1000000 --exact
# Checkpoints every 2 s (a copy of flink-conf/config.yaml with a shorter interval) to a fresh folder that the script
# polls every 0.25 s while the job runs. "state" is the largest size seen of what the latest completed checkpoint
# needs: the newest chk-* folder with a _metadata file, plus shared/ and taskowned/ (RocksDB's incremental SST files;
# they may briefly still hold files of a subsumed checkpoint). A bounded job deletes its checkpoints when it finishes,
# so the size is sampled during the run; a job shorter than one interval reports 0.
# Prints a markdown table: per run, Flink's net job runtime, events per second, and the state size in KiB.
set -euo pipefail
cd "$(dirname "$0")/.."
job=$1
runs=$2
shift 2
jar=jobs/target/streamsketch-jobs.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -o -q -pl operators,jobs -DskipTests package" >&2; exit 1; }
events=$(printf '%s\n' "$@" | awk 'prev=="--events"{print} {prev=$0}')
events=${events:-1000000}
conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
# A REST port from a range, so the run does not fail when another local Flink holds 8081.
sed -e 's/^execution.checkpointing.interval:.*/execution.checkpointing.interval: 2 s/' \
  -e 's/^rest.port:.*/rest.bind-port: 50100-50300/' flink-conf/config.yaml > "$conf/config.yaml"
cp flink-conf/log4j.properties "$conf/" 2>/dev/null || true

state_kib() {
  local dir=$1 newest
  newest=$( (ls -d "$dir"/*/chk-* 2>/dev/null || true) | while read -r c; do
    if [ -f "$c/_metadata" ]; then echo "$c"; fi
  done | sort -t- -k2 -n | tail -1)
  if [ -z "$newest" ]; then
    echo 0
    return
  fi
  (du -sk "$newest" "$(dirname "$newest")/shared" "$(dirname "$newest")/taskowned" 2>/dev/null || true) |
    awk '{s+=$1} END{print s+0}'
}

echo "| backend | run | job runtime (s) | events/s | checkpointed state (KiB) |"
echo "|---|---|---|---|---|"
for backend in hashmap rocksdb; do
  for run in $(seq 1 "$runs"); do
    checkpoints=$(mktemp -d)
    out=$(mktemp)
    timeout 900 java -jar "$jar" "$job" --state-backend "$backend" --checkpoint-dir "$checkpoints" --conf-dir "$conf" "$@" \
      >"$out" 2>/dev/null &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      size=$(state_kib "$checkpoints")
      if [ "$size" -gt "$peak" ]; then peak=$size; fi
      sleep 0.25
    done
    status=0
    wait "$pid" || status=$?
    runtime=$(sed -n 's/.* finished in \([0-9.]*\) s/\1/p' "$out")
    if [ "$status" -ne 0 ] || [ -z "$runtime" ]; then
      echo "| $backend | $run | failed (exit $status) | | |"
      rm -rf "$checkpoints" "$out"
      continue
    fi
    rm -rf "$checkpoints" "$out"
    rate=$(awk -v n="$events" -v t="$runtime" 'BEGIN{printf "%d", n/t}')
    echo "| $backend | $run | $runtime | $rate | $peak |"
  done
done
