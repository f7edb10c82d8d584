#!/usr/bin/env bash
# A local standalone Flink cluster (one JobManager, one TaskManager) from the Maven jars in jobs/target/lib, no
# Flink distribution needed. Configuration: flink-conf/config.yaml. State, logs and pids: local/flink/.
#
#   scripts/flink-cluster.sh start                      # web UI and REST on http://localhost:8081
#   scripts/flink-cluster.sh run windowed-counts ...    # flink run -d of the shaded job jar, the same jar as java -jar
#   scripts/flink-cluster.sh stop
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lib="$root/jobs/target/lib"
jar="$root/jobs/target/streamsketch-jobs.jar"
conf="$root/flink-conf"
work="$root/local/flink"
mkdir -p "$work/log"
# config.yaml names no checkpoint folder (java -jar runs use a per-user one): this cluster's is under local/flink.
checkpoints=(-D "execution.checkpointing.dir=file://$work/checkpoints")

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

ensure_jars() {
  if [ ! -f "$jar" ] || [ ! -d "$lib" ]; then
    (cd "$root" && mvn -B -q -ntp -DskipTests package)
  fi
}

# Memory flags the way Flink's own scripts compute them.
memory_flags() {
  java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | head -n 1
}

start_process() {
  local name=$1 main=$2 memory=$3
  # shellcheck disable=SC2086
  nohup java "${JAVA_OPENS[@]}" $memory \
    -Dlog.file="$work/log/$name.log" -Dlog4j.configurationFile="$conf/log4j.properties" \
    -cp "$lib/*" "$main" --configDir "$conf" "${checkpoints[@]}" >"$work/log/$name.out" 2>&1 &
  echo $! >"$work/$name.pid"
}

wait_for_task_manager() {
  for _ in $(seq 1 60); do
    if curl -sf http://localhost:8081/taskmanagers 2>/dev/null | grep -q '"id"'; then
      echo "Flink cluster up: http://localhost:8081"
      return 0
    fi
    sleep 1
  done
  echo "the cluster did not come up within 60 s; see $work/log" >&2
  return 1
}

case "${1:-}" in
  start)
    ensure_jars
    start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      "$(memory_flags GET_JM_RESOURCE_PARAMS)"
    tm_params=$(java -cp "$lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils GET_TM_RESOURCE_PARAMS \
      --configDir "$conf" 2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
    tm_jvm=$(printf '%s\n' "$tm_params" | sed -n 1p)
    tm_dynamic=$(printf '%s\n' "$tm_params" | sed -n 2p)
    # shellcheck disable=SC2086
    nohup java "${JAVA_OPENS[@]}" $tm_jvm \
      -Dlog.file="$work/log/taskmanager.log" -Dlog4j.configurationFile="$conf/log4j.properties" \
      -cp "$lib/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" "${checkpoints[@]}" $tm_dynamic \
      >"$work/log/taskmanager.out" 2>&1 &
    echo $! >"$work/taskmanager.pid"
    wait_for_task_manager
    ;;
  run)
    shift
    ensure_jars
    FLINK_CONF_DIR="$conf" java "${JAVA_OPENS[@]}" -Dlog4j.configurationFile="$conf/log4j.properties" \
      -Dlog.file="$work/log/client.log" -cp "$lib/*" org.apache.flink.client.cli.CliFrontend \
      run -d "$jar" "$@"
    ;;
  stop)
    for name in taskmanager jobmanager; do
      if [ -f "$work/$name.pid" ]; then
        kill "$(cat "$work/$name.pid")" 2>/dev/null || true
        rm -f "$work/$name.pid"
      fi
    done
    echo "Flink cluster stopped"
    ;;
  *)
    sed -n '2,8p' "$0"
    exit 2
    ;;
esac
