#!/usr/bin/env bash
# Production I/O, from the shaded jar on the embedded MiniCluster (issue 9's closing note):
#   1. throughput of windowed-counts Kafka -> Kafka (exactly once) against files -> files, on the same events;
#   2. checkpoint duration and size of windowed-counts, incremental against full RocksDB checkpoints.
#
#   benchmarks/production-io.sh [events] [runs]        (defaults: 1000000 events, 1 run each)
#
# Starts its own broker with scripts/kafka.sh on KAFKA_PORT (default 19092) under a temporary KAFKA_HOME_DIR, and
# stops it at the end. The events are the generator's (--seed 42): `produce` writes them to a topic of 2 partitions
# (the job's parallelism), `generate` to a file. Throughput is events / Flink's net job runtime. For part 2 the job
# runs with checkpoints every 2 s and its REST API on a free port from 50100-50300; the script polls
# /jobs/<id>/checkpoints every 0.5 s and keeps the last summary it saw: per completed checkpoint, the end-to-end
# duration, the full state size and the checkpointed size (what that checkpoint uploaded: all of it for a full
# checkpoint, only new RocksDB files for an incremental one). Needs curl and python3 (JSON).
# Prints markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
runs=${2:-1}
jar=jobs/target/streamsketch-jobs.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q -DskipTests package" >&2; exit 1; }
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "needs curl and python3" >&2; exit 1; }

work=$(mktemp -d)
export KAFKA_PORT=${KAFKA_PORT:-19092}
export KAFKA_HOME_DIR=$work/kafka
servers=localhost:$KAFKA_PORT
cleanup() {
  scripts/kafka.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
scripts/kafka.sh start >&2

conf() { # conf <dir> <incremental> [interval]: a copy of flink-conf/config.yaml
  mkdir -p "$1"
  sed -e "s/^execution.checkpointing.incremental:.*/execution.checkpointing.incremental: $2/" \
    -e "s/^execution.checkpointing.interval:.*/execution.checkpointing.interval: ${3:-10 s}/" \
    -e 's/^rest.port:.*/rest.bind-port: 50100-50300/' flink-conf/config.yaml > "$1/config.yaml"
}
conf "$work/conf-default" true

java -jar "$jar" produce --bootstrap-servers "$servers" --topic events --partitions 2 --events "$events" >/dev/null
java -jar "$jar" generate --output "$work/files" --events "$events" >/dev/null

runtime_of() { sed -n 's/.* finished in \([0-9.]*\) s/\1/p' "$1"; }

echo "### windowed-counts, $events events, parallelism 2, RocksDB incremental checkpoints every 10 s"
echo
echo "| input -> sink | run | job runtime (s) | events/s |"
echo "|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  out=$work/files-$run.txt
  java -jar "$jar" windowed-counts --input "$work/files/events.jsonl" --output "$work/out-$run" \
    --checkpoint-dir "$work/ckpt-files-$run" --conf-dir "$work/conf-default" >"$out" 2>/dev/null
  t=$(runtime_of "$out")
  echo "| files -> files | $run | $t | $(awk -v n="$events" -v t="$t" 'BEGIN{printf "%d", n/t}') |"
  out=$work/kafka-$run.txt
  java -jar "$jar" windowed-counts --source kafka --bootstrap-servers "$servers" --topic events --bounded \
    --group-id "bench-$run" --sink kafka --topic-prefix "bench-$run." \
    --checkpoint-dir "$work/ckpt-kafka-$run" --conf-dir "$work/conf-default" >"$out" 2>/dev/null
  t=$(runtime_of "$out")
  echo "| Kafka -> Kafka (exactly once) | $run | $t | $(awk -v n="$events" -v t="$t" 'BEGIN{printf "%d", n/t}') |"
done

# Part 2: the checkpoint statistics of Flink's REST API, polled while the job runs.
poll_checkpoints() { # poll_checkpoints <log> <pid> <result>: the last checkpoint summary seen
  local port="" job="" json
  while kill -0 "$2" 2>/dev/null; do
    if [ -z "$port" ]; then
      port=$(sed -n 's/.*Rest endpoint listening at [^:]*:\([0-9]*\).*/\1/p' "$1" | head -1)
    elif [ -z "$job" ]; then
      job=$(curl -sf "localhost:$port/jobs" | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"]; print(j[0]["id"] if j else "")' 2>/dev/null || true)
    else
      json=$(curl -sf "localhost:$port/jobs/$job/checkpoints" 2>/dev/null || true)
      if [ -n "$json" ]; then echo "$json" > "$3"; fi
    fi
    sleep 0.5
  done
}

echo
echo "### Checkpoints of windowed-counts (files -> files, $events events, every 2 s), incremental against full"
echo
echo "| RocksDB checkpoints | run | completed | duration avg / max (ms) | full state size avg (KiB) | checkpointed size avg / max (KiB) | job runtime (s) |"
echo "|---|---|---|---|---|---|---|"
cat > "$work/log4j.properties" <<'LOG'
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = File
appender.file.type = File
appender.file.name = File
appender.file.fileName = ${sys:rest.log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %m%n
logger.rest.name = org.apache.flink.runtime
logger.rest.level = INFO
LOG
for incremental in true false; do
  conf "$work/conf-$incremental" "$incremental" "2 s"
  for run in $(seq 1 "$runs"); do
    log=$work/rest-$incremental-$run.log
    out=$work/ckpt-$incremental-$run.txt
    stats=$work/stats-$incremental-$run.json
    : > "$log"
    java -Dlog4j2.configurationFile="$work/log4j.properties" -Drest.log="$log" -jar "$jar" windowed-counts \
      --input "$work/files/events.jsonl" --output "$work/ckpt-out-$incremental-$run" --web-ui \
      --checkpoint-dir "$work/ckpt-$incremental-$run" --conf-dir "$work/conf-$incremental" >"$out" 2>/dev/null &
    pid=$!
    poll_checkpoints "$log" "$pid" "$stats"
    wait "$pid"
    label=$([ "$incremental" = true ] && echo incremental || echo full)
    python3 - "$stats" "$label" "$run" "$(runtime_of "$out")" <<'PY'
import json, sys
path, label, run, runtime = sys.argv[1:5]
try:
    s = json.load(open(path))
except Exception:
    print(f"| {label} | {run} | no checkpoint seen | | | | {runtime} |"); sys.exit()
c, m = s["counts"]["completed"], s["summary"]
kib = lambda v: v / 1024
print(f"| {label} | {run} | {c} | {m['end_to_end_duration']['avg']:.0f} / {m['end_to_end_duration']['max']} "
      f"| {kib(m['state_size']['avg']):,.0f} | {kib(m['checkpointed_size']['avg']):,.0f} / {kib(m['checkpointed_size']['max']):,.0f} | {runtime} |")
PY
  done
done
