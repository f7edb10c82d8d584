#!/usr/bin/env bash
# A local standalone Flink cluster (a JobManager and TaskManagers) from the Maven jars in jobs/target/lib, no Flink
# distribution needed, and the job jar's lifecycle on it.
#
#   scripts/flink-cluster.sh [OPTIONS] COMMAND [ARGS]
#
# Commands:
#   start                        start a JobManager and one TaskManager; wait until both are up and registered
#   stop                         stop every process this cluster started (TaskManagers first) and wait for them
#   status                       its processes, TaskManagers, slots and running jobs; exit 1 if it is not up
#   add-taskmanager              start one more TaskManager (for example after one was lost)
#   run [-s PATH] [-p N] [-n] [-D KEY=VALUE]... JOB [JOB OPTIONS]
#                                submit the job jar detached: -s resumes from a savepoint or retained checkpoint,
#                                -p sets the parallelism, -n allows state that maps to no operator, -D sets Flink
#                                options; JOB and its options are the jar's (java -jar ... JOB --help)
#   savepoint JOB_ID [DIR]       take a savepoint of a running job (DIR: savepoints/ in the --work-dir)
#   stop-with-savepoint JOB_ID [DIR]
#                                take a savepoint and stop the job; resume it with run -s PATH
#   list                         the running and scheduled jobs
#
# Options (before the command):
#   --conf-dir DIR   the Flink configuration folder, with config.yaml (default: flink-conf)
#   --rest-port N    the REST and web UI port on localhost (default 8081)
#   --rpc-port N     the JobManager's RPC port (default 6123)
#   --work-dir DIR   pids, logs, checkpoints and savepoints of this cluster (default: local/flink); one per cluster
#
# A process that does not come up fails the command with the cause from its log. Health is checked by process id and
# over REST against this cluster's own instance id, never by whether a port answers (another program may hold it).
# Bad usage prints one line and exits 2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib="$root/jobs/target/lib"
jar="$root/jobs/target/streamsketch-jobs.jar"
conf="$root/flink-conf"
work="$root/local/flink"
rest_port=8081
rpc_port=6123
# Seconds a process may take to come up (cold JVMs on a busy machine take a while).
startup_timeout=90
stop_timeout=30

# The module opens a Flink distribution passes on Java 17 (env.java.opts.all).
JAVA_OPENS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

usage_error() {
  echo "flink-cluster.sh: $*" >&2
  exit 2
}

fail() {
  echo "flink-cluster.sh: $*" >&2
  exit 1
}

port_value() {
  [[ $2 =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 65535)) || usage_error "$1 must be a port in [1, 65535]: $2"
  echo "$2"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --conf-dir) [ $# -ge 2 ] || usage_error "--conf-dir needs a folder"; conf=$(cd "$2" 2>/dev/null && pwd) \
      || usage_error "--conf-dir $2 is not a folder"; shift 2 ;;
    --rest-port) [ $# -ge 2 ] || usage_error "--rest-port needs a port"; rest_port=$(port_value --rest-port "$2"); shift 2 ;;
    --rpc-port) [ $# -ge 2 ] || usage_error "--rpc-port needs a port"; rpc_port=$(port_value --rpc-port "$2"); shift 2 ;;
    --work-dir) [ $# -ge 2 ] || usage_error "--work-dir needs a folder"; mkdir -p "$2"; work=$(cd "$2" && pwd); shift 2 ;;
    -h | --help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) usage_error "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage_error "no command (see --help)"
command=$1
shift
[ -f "$conf/config.yaml" ] || usage_error "--conf-dir $conf has no config.yaml"
log4j="$conf/log4j.properties"
[ -f "$log4j" ] || log4j="$root/flink-conf/log4j.properties"
mkdir -p "$work/log"
rest="http://localhost:$rest_port"
# Every process of this cluster carries its folder as a system property: a pid is ours only if its command line
# has it (a pid file may outlive its process, and the pid be reused by another program).
marker="-Dstreamsketch.cluster.dir=$work"

ensure_jars() {
  if [ ! -f "$jar" ] || [ ! -d "$lib" ]; then
    echo "building the job jar and its Flink classpath (mvn package)..."
    (cd "$root" && mvn -B -q -ntp -DskipTests package) || fail "the build failed"
  fi
}

# is_ours PID MAIN_CLASS: the process is alive and is this cluster's process running MAIN_CLASS.
is_ours() {
  local cmdline
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ $cmdline == *"$marker "* && $cmdline == *"$2"* ]]
}

JM_MAIN=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_MAIN=org.apache.flink.runtime.taskexecutor.TaskManagerRunner

# The instance id of this cluster, written at start; the JobManager's configuration over REST must carry it.
instance_id() {
  cat "$work/instance" 2>/dev/null || true
}

# Whether the JobManager answering on the REST port is this cluster's.
jobmanager_is_ours() {
  local id
  id=$(instance_id)
  [ -n "$id" ] && curl -sf --max-time 5 "$rest/jobmanager/config" 2>/dev/null \
    | jq -e --arg id "$id" 'any(.[]; .key == "streamsketch.cluster.instance" and .value == $id)' >/dev/null
}

jobmanager_running() {
  local pid
  pid=$(cat "$work/jobmanager.pid" 2>/dev/null) && is_ours "$pid" "$JM_MAIN"
}

require_running() {
  jobmanager_running && jobmanager_is_ours \
    || fail "no cluster of $work answers on $rest (start it with: scripts/flink-cluster.sh start)"
}

# Why a process stopped, from what this start wrote to its log (after the byte offset the log had when the process
# started): the innermost "Caused by" of the ERROR record that says the process could not start, else of the first
# ERROR record, skipping class-loading errors of a JVM already shutting down; else the last line of its stdout.
log_cause() {
  local name=$1 offset cause
  offset=$(cat "$work/log/$name.offset" 2>/dev/null || echo 0)
  cause=$(tail -c +$((offset + 1)) "$work/log/$name.log" 2>/dev/null | awk '
    function close_record() {
      if (error == "") return
      line = (cause != "") ? cause : error
      if (line !~ /ClassNotFoundException|NoClassDefFoundError/) {
        if (fatal == "" && error ~ /Could not start|initialization failed|Terminating/) fatal = line
        if (first == "") first = line
      }
      error = ""; cause = ""
    }
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { close_record(); if ($0 ~ / ERROR /) error = $0; next }
    error != "" && /^Caused by: / { cause = $0 }
    END { close_record(); print (fatal != "") ? fatal : first }')
  [ -n "$cause" ] || cause=$(tail -n 1 "$work/log/$name.out" 2>/dev/null)
  echo "${cause:-no cause in the log}"
}

# Memory flags the way Flink's own scripts compute them (BASH_JAVA_UTILS_EXEC_RESULT lines).
memory_flags() {
  java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

# start_process NAME MAIN JVM_FLAGS ARGS...: starts it in the background, its pid in $work/NAME.pid.
start_process() {
  local name=$1 main=$2 jvm=$3
  shift 3
  : >"$work/log/$name.out"
  stat -c %s "$work/log/$name.log" 2>/dev/null >"$work/log/$name.offset" || echo 0 >"$work/log/$name.offset"
  # config.yaml names no checkpoint folder (java -jar runs use a per-user one): this cluster's are in its folder.
  # shellcheck disable=SC2086
  nohup java "${JAVA_OPENS[@]}" $jvm "$marker" \
    -Dlog.file="$work/log/$name.log" -Dlog4j.configurationFile="$log4j" \
    -cp "$lib/*" "$main" --configDir "$conf" -D "execution.checkpointing.dir=file://$work/checkpoints" \
    -D "execution.checkpointing.savepoint-dir=file://$work/savepoints" "$@" >"$work/log/$name.out" 2>&1 &
  echo $! >"$work/$name.pid"
}

# wait_until NAME PID MAIN CHECK...: polls CHECK until it succeeds; fails with the log's cause if the process ends.
wait_until() {
  local name=$1 pid=$2 main=$3
  shift 3
  local deadline=$((SECONDS + startup_timeout))
  while ((SECONDS < deadline)); do
    if ! is_ours "$pid" "$main"; then
      rm -f "$work/$name.pid"
      fail "$name (pid $pid) exited during startup: $(log_cause "$name") (log: $work/log/$name.log)"
    fi
    if "$@"; then
      return 0
    fi
    sleep 1
  done
  fail "$name (pid $pid) did not come up within ${startup_timeout}s (log: $work/log/$name.log)"
}

taskmanager_registered() {
  curl -sf --max-time 5 "$rest/taskmanagers" 2>/dev/null | jq -e --arg id "$1" 'any(.taskmanagers[]; .id == $id)' \
    >/dev/null
}

start_taskmanager() {
  local n=1 name tm_id params jvm dynamic pid
  while [ -f "$work/taskmanager-$n.pid" ]; do
    n=$((n + 1))
  done
  name="taskmanager-$n"
  tm_id="$(instance_id)-tm-$n"
  params=$(memory_flags GET_TM_RESOURCE_PARAMS)
  jvm=$(printf '%s\n' "$params" | sed -n 1p)
  dynamic=$(printf '%s\n' "$params" | sed -n 2p)
  [ -n "$jvm" ] || fail "could not compute the TaskManager's memory from $conf/config.yaml"
  # shellcheck disable=SC2086
  start_process "$name" "$TM_MAIN" "$jvm" $dynamic -D "jobmanager.rpc.port=$rpc_port" \
    -D "taskmanager.resource-id=$tm_id"
  pid=$(cat "$work/$name.pid")
  wait_until "$name" "$pid" "$TM_MAIN" taskmanager_registered "$tm_id"
  echo "$name up (pid $pid, id $tm_id)"
}

# stop_process NAME PIDFILE MAIN: SIGTERM, wait, SIGKILL after the timeout; a pid that is not ours is left alone.
stop_process() {
  local name=$1 pidfile=$2 main=$3 pid deadline
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  if ! is_ours "$pid" "$main"; then
    echo "$name: pid $pid is not running as this cluster's $name; removing the stale pid file"
    rm -f "$pidfile"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  deadline=$((SECONDS + stop_timeout))
  while is_ours "$pid" "$main" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if is_ours "$pid" "$main"; then
    echo "$name (pid $pid) still running after ${stop_timeout}s: killing it"
    kill -9 "$pid" 2>/dev/null || true
    while is_ours "$pid" "$main"; do
      sleep 0.2
    done
  fi
  rm -f "$pidfile"
  echo "$name (pid $pid) stopped"
}

# flink_cli ACTION ARGS...: Flink's CliFrontend against this cluster's REST endpoint.
flink_cli() {
  local action=$1
  shift
  FLINK_CONF_DIR="$conf" java "${JAVA_OPENS[@]}" -Dlog4j.configurationFile="$log4j" \
    -Dlog.file="$work/log/client.log" -cp "$lib/*" org.apache.flink.client.cli.CliFrontend \
    "$action" -m "localhost:$rest_port" "$@"
}

require_job_id() {
  [[ ${1:-} =~ ^[0-9a-f]{32}$ ]] || usage_error "$command needs a job id (32 hex digits, see list): ${1:-none given}"
}

case "$command" in
  start)
    [ $# -eq 0 ] || usage_error "start takes no arguments: $*"
    ensure_jars
    if jobmanager_running; then
      fail "this cluster is already running (pid $(cat "$work/jobmanager.pid"), $work); stop it first"
    fi
    rm -f "$work"/taskmanager-*.pid
    tr -dc 'a-f0-9' </dev/urandom 2>/dev/null | head -c 16 >"$work/instance" || true
    started=$SECONDS
    jm_jvm=$(memory_flags GET_JM_RESOURCE_PARAMS | head -n 1)
    [ -n "$jm_jvm" ] || fail "could not compute the JobManager's memory from $conf/config.yaml"
    start_process jobmanager "$JM_MAIN" "$jm_jvm" -D "rest.port=$rest_port" -D "jobmanager.rpc.port=$rpc_port" \
      -D "streamsketch.cluster.instance=$(instance_id)"
    jm_pid=$(cat "$work/jobmanager.pid")
    wait_until jobmanager "$jm_pid" "$JM_MAIN" jobmanager_is_ours
    echo "jobmanager up (pid $jm_pid, $rest)"
    if ! (start_taskmanager); then
      for pidfile in "$work"/taskmanager-*.pid "$work/jobmanager.pid"; do
        main=$TM_MAIN
        [ "$pidfile" = "$work/jobmanager.pid" ] && main=$JM_MAIN
        [ -f "$pidfile" ] && stop_process "$(basename "$pidfile" .pid)" "$pidfile" "$main" >/dev/null
      done
      exit 1
    fi
    echo "Flink cluster up in $((SECONDS - started)) s: $rest (pids and logs: $work)"
    ;;
  add-taskmanager)
    [ $# -eq 0 ] || usage_error "add-taskmanager takes no arguments: $*"
    require_running
    start_taskmanager
    ;;
  stop)
    [ $# -eq 0 ] || usage_error "stop takes no arguments: $*"
    found=false
    for pidfile in "$work"/taskmanager-*.pid; do
      [ -f "$pidfile" ] || continue
      found=true
      stop_process "$(basename "$pidfile" .pid)" "$pidfile" "$TM_MAIN"
    done
    if [ -f "$work/jobmanager.pid" ]; then
      found=true
      stop_process jobmanager "$work/jobmanager.pid" "$JM_MAIN"
    fi
    $found || echo "no cluster to stop in $work"
    ;;
  status)
    [ $# -eq 0 ] || usage_error "status takes no arguments: $*"
    up=true
    for pidfile in "$work/jobmanager.pid" "$work"/taskmanager-*.pid; do
      [ -f "$pidfile" ] || continue
      name=$(basename "$pidfile" .pid)
      main=$TM_MAIN
      [ "$name" = jobmanager ] && main=$JM_MAIN
      pid=$(cat "$pidfile")
      if is_ours "$pid" "$main"; then echo "$name: running (pid $pid)"; else echo "$name: not running (pid $pid is not this cluster's $name)"; fi
    done
    if jobmanager_running && jobmanager_is_ours; then
      curl -sf --max-time 5 "$rest/overview" | jq -r --arg rest "$rest" \
        '"REST \($rest): \(.taskmanagers) TaskManager(s), \(."slots-available") of \(."slots-total") slots free, \(."jobs-running") job(s) running"'
    else
      echo "no JobManager of this cluster answers on $rest"
      up=false
    fi
    $up
    ;;
  list)
    [ $# -eq 0 ] || usage_error "list takes no arguments: $*"
    require_running
    flink_cli list
    ;;
  savepoint)
    [ $# -ge 1 ] && [ $# -le 2 ] || usage_error "usage: savepoint JOB_ID [DIR]"
    require_job_id "$1"
    require_running
    flink_cli savepoint "$@"
    ;;
  stop-with-savepoint)
    [ $# -ge 1 ] && [ $# -le 2 ] || usage_error "usage: stop-with-savepoint JOB_ID [DIR]"
    require_job_id "$1"
    require_running
    if [ $# -eq 2 ]; then
      flink_cli stop --savepointPath "$2" "$1"
    else
      flink_cli stop "$1"
    fi
    ;;
  run)
    flink_options=()
    while [ $# -gt 0 ]; do
      case "$1" in
        -s | --fromSavepoint)
          [ $# -ge 2 ] || usage_error "-s needs a savepoint path"
          # A local path or file: URI must exist; other file systems (s3://, hdfs://) are Flink's to check.
          local_path=${2#file:}
          [ -e "${local_path#//}" ] || [[ $2 == *://* && $2 != file:* ]] \
            || usage_error "-s $2: no such savepoint or checkpoint"
          flink_options+=(-s "$2"); shift 2 ;;
        -p | --parallelism)
          [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage_error "-p needs a parallelism of at least 1: ${2:-none given}"
          flink_options+=(-p "$2"); shift 2 ;;
        -n | --allowNonRestoredState) flink_options+=(-n); shift ;;
        -D)
          [[ ${2:-} == ?*=* ]] || usage_error "-D needs KEY=VALUE: ${2:-none given}"
          flink_options+=(-D "$2"); shift 2 ;;
        -D?*=*) flink_options+=(-D "${1#-D}"); shift ;;
        -*) usage_error "run: unknown option $1 before the job name (-s, -p, -n, -D)" ;;
        *) break ;;
      esac
    done
    [ $# -ge 1 ] || usage_error "run needs a job (java -jar $jar --help lists them)"
    ensure_jars
    require_running
    flink_cli run -d "${flink_options[@]}" "$jar" "$@"
    ;;
  *)
    usage_error "unknown command $command (see --help)"
    ;;
esac
