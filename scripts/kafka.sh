#!/usr/bin/env bash
# One local Kafka broker (KRaft: broker and controller in one JVM) from Maven jars, no Kafka distribution or Docker.
#
#   scripts/kafka.sh start     # listens on localhost:${KAFKA_PORT:-9092}; waits until it serves, or fails loudly
#   scripts/kafka.sh status    # exit 0 if it runs, 3 if not
#   scripts/kafka.sh stop      # waits for the process to end
#
# Everything lives under ${KAFKA_HOME_DIR:-local/kafka} (local/ is git-ignored):
#   lib/                jars, copied by `mvn dependency:copy-dependencies` of scripts/kafka/pom.xml (first start)
#   data/               the broker's log.dirs: topics and offsets survive a restart; delete the folder to start empty
#   server.properties   written on each start; broker.log: the broker's log; kafka.pid
# The controller listens on KAFKA_PORT+1. Topics are not created automatically (use produce or --partitions).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
home=${KAFKA_HOME_DIR:-$root/local/kafka}
port=${KAFKA_PORT:-9092}
controller_port=$((port + 1))
lib="$home/lib"
data="$home/data"
pidfile="$home/kafka.pid"
log="$home/broker.log"
start_timeout=${KAFKA_START_TIMEOUT:-60}
stop_timeout=${KAFKA_STOP_TIMEOUT:-60}

fail() {
  echo "kafka.sh: $*" >&2
  exit 1
}

running_pid() {
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "$pid"
      return 0
    fi
  fi
  return 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_jars() {
  if [ ! -f "$lib/.complete" ]; then
    echo "collecting the broker's jars into $lib (first start only)"
    mkdir -p "$lib"
    (cd "$root" && mvn -B -q -ntp -f scripts/kafka/pom.xml dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$lib") || fail "could not collect the broker's jars with Maven"
    touch "$lib/.complete"
  fi
}

write_config() {
  cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$controller_port
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$controller_port
advertised.listeners=PLAINTEXT://localhost:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$home/log4j2.properties" <<PROPS
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = File
appender.file.type = File
appender.file.name = File
appender.file.fileName = $log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
PROPS
}

start() {
  local pid
  if pid=$(running_pid); then
    echo "Kafka already runs (pid $pid): $(grep '^listeners=' "$home/server.properties")"
    return 0
  fi
  if port_in_use "$port"; then
    fail "port $port is in use by another process: set KAFKA_PORT to a free port"
  fi
  if port_in_use "$controller_port"; then
    fail "controller port $controller_port (KAFKA_PORT+1) is in use by another process: set KAFKA_PORT"
  fi
  mkdir -p "$home"
  ensure_jars
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null) || fail "could not make a cluster id"
    java -Dlog4j2.configurationFile="$home/log4j2.properties" -cp "$lib/*" kafka.tools.StorageTool format \
      --config "$home/server.properties" --cluster-id "$cluster_id" >"$home/format.out" 2>&1 \
      || fail "formatting $data failed: $(tail -n 3 "$home/format.out")"
  fi
  local mark
  mark=$( [ -f "$log" ] && wc -l <"$log" || echo 0 )
  nohup java -Xms256m -Xmx1g -Dlog4j2.configurationFile="$home/log4j2.properties" -cp "$lib/*" \
    kafka.Kafka "$home/server.properties" >"$home/kafka.out" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  local waited=0
  # The broker logs this line once it serves clients.
  until tail -n +"$((mark + 1))" "$log" 2>/dev/null | grep -q "Kafka Server started"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      echo "kafka.sh: the broker exited during start; the end of its output and log:" >&2
      tail -n 15 "$home/kafka.out" >&2 2>/dev/null || true
      tail -n +"$((mark + 1))" "$log" 2>/dev/null | tail -n 15 >&2 || true
      exit 1
    fi
    if [ "$waited" -ge "$((start_timeout * 5))" ]; then
      echo "kafka.sh: the broker did not come up within $start_timeout s; stopping it. The end of its log:" >&2
      tail -n +"$((mark + 1))" "$log" 2>/dev/null | tail -n 15 >&2 || true
      stop >&2
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  echo "Kafka up on localhost:$port (pid $pid, data in $data, log in $log)"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pidfile"
    echo "Kafka is not running"
    return 0
  fi
  kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$((stop_timeout * 5))" ]; then
      fail "the broker (pid $pid) did not stop within $stop_timeout s; it still runs"
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  rm -f "$pidfile"
  echo "Kafka stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid); then
    echo "Kafka runs (pid $pid): $(grep '^listeners=' "$home/server.properties"), data in $data"
  else
    echo "Kafka is not running"
    exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: scripts/kafka.sh start|stop|status   (KAFKA_PORT, default 9092; KAFKA_HOME_DIR, default local/kafka)" >&2
    exit 2
    ;;
esac
