#!/usr/bin/env bash
# A real Spark standalone cluster on this machine (loopback only), from the build's own jars: no
# Spark download. One master and WORKERS workers, each its own JVM; the workers launch the
# executors of a submitted job as further JVMs.
#
#   scripts/standalone-cluster.sh start              start master + workers, wait until all registered
#   scripts/standalone-cluster.sh submit JOB-ARGS... submit the job to it (through scripts/submit.sh)
#   scripts/standalone-cluster.sh status             pids, workers, applications (exit 1: not running)
#   scripts/standalone-cluster.sh stop               stop workers (and their executors) and master
#
# e.g.
#   scripts/standalone-cluster.sh start
#   scripts/standalone-cluster.sh submit --job-type training --input-dir test-data/german-credit/csv \
#     --output-dir out/german-credit-cluster --hyperparameters conf/german-credit/hyperparameters.json --overwrite
#   scripts/standalone-cluster.sh stop
#
# Environment (defaults in brackets):
#   SPARK_LINE         the Spark line of the cluster and the job: 4.2, 4.1, 4.0, 3.5, 3.5-scala-2.13 [4.2]
#   CLUSTER_DIR        state folder: spark-home/, pids, logs/, work/ [target/standalone]
#   MASTER_PORT        master RPC port [7077]
#   MASTER_WEBUI_PORT  master web UI, also http://127.0.0.1:PORT/json/ [8080]
#   WORKER_WEBUI_PORT  web UI of the first worker, the next ones count up; 0: any free port [8081]
#   WORKERS            number of workers [2]
#   WORKER_CORES       cores each worker offers [1]
#   WORKER_MEMORY      memory each worker offers to executors [1g]
#   DAEMON_MEMORY      heap of the master and worker JVMs [512m]
#   START_TIMEOUT      seconds to wait for the master and the workers [90]
#   SPARK_SUBMIT_ARGS  extra spark-submit options for `submit`, e.g. "--executor-memory 512m"
#   DRIVER_MEMORY, JAVA_OPTS   heap and extra JVM options of the (client-mode) driver of `submit`
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$(realpath -m "${CLUSTER_DIR:-$root/target/standalone}")"
home="$dir/spark-home"
master_port="${MASTER_PORT:-7077}"
master_url="spark://127.0.0.1:$master_port"
webui_port="${MASTER_WEBUI_PORT:-8080}"
worker_webui_port="${WORKER_WEBUI_PORT:-8081}"
workers="${WORKERS:-2}"
timeout="${START_TIMEOUT:-90}"

usage() {
  sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
}

log() { echo "[standalone-cluster] $*" >&2; }

# ours PID: a live JVM of this cluster (its command line names our jars; a recycled pid does not).
ours() { kill -0 "$1" 2>/dev/null && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$home/jars/"; }
alive() { [[ -f "$1" ]] && ours "$(cat "$1")"; }

# The job jar and classpath.txt (Spark and every other runtime jar) of SPARK_LINE, built if missing.
build() {
  # shellcheck source=spark-line.sh
  . "$root/scripts/spark-line.sh"
  classpath="$classpath_file"
}

# SPARK_HOME without a Spark download: jars/ links every jar of the classpath, bin/spark-submit runs
# SparkSubmit from them (in client mode the driver is this JVM, so its heap and options come from
# DRIVER_MEMORY and JAVA_OPTS).
make_spark_home() {
  rm -rf "$home"
  mkdir -p "$home/jars" "$home/bin"
  local j jars=()
  IFS=: read -r -a jars < "$classpath" || true   # one line, no final newline
  for j in "${jars[@]}"; do
    ln -s "$j" "$home/jars/"
  done
  cat > "$home/bin/spark-submit" <<EOS
#!/usr/bin/env bash
# spark-submit from the jars next to this folder (written by scripts/standalone-cluster.sh).
. "$root/scripts/java-flags.sh"
export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
# shellcheck disable=SC2086
exec java -Xmx\${DRIVER_MEMORY:-1g} \$SPARK_JAVA_FLAGS -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \${JAVA_OPTS:-} \\
  -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
EOS
  chmod +x "$home/bin/spark-submit"
}

# daemon NAME CLASS ARGS...: one master or worker JVM in the background, its pid in NAME.pid.
# (The master's REST submission server is off: nothing here uses it, and its fixed port 6066
# would clash between two clusters on one machine.)
daemon() {
  local name=$1; shift
  # shellcheck disable=SC2086
  nohup java -Xmx"${DAEMON_MEMORY:-512m}" $SPARK_JAVA_FLAGS -Dspark.master.rest.enabled=false -cp "$home/jars/*" "$@" \
    > "$dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

# wait_for LOG TEXT: until LOG holds TEXT (or the timeout; then the logs are shown and all stopped).
wait_for() {
  local file=$1 text=$2 waited=0
  until grep -q -- "$text" "$file" 2>/dev/null; do
    if (( waited >= timeout * 5 )); then
      log "timed out after ${timeout}s waiting for '$text' in $file"
      tail -n 30 "$file" >&2 || true
      stop
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

start() {
  if alive "$dir/master.pid"; then
    log "already running (master pid $(cat "$dir/master.pid")); stop it first"
    exit 2
  fi
  build
  # shellcheck source=java-flags.sh
  . "$root/scripts/java-flags.sh"
  mkdir -p "$dir/logs" "$dir/work"
  rm -f "$dir"/*.pid "$dir/logs/master.log" "$dir"/logs/worker-*.log
  make_spark_home
  # SPARK_SCALA_VERSION: a Spark distribution's bin/load-spark-env.sh sets it; without it a worker
  # cannot build an executor's command ("Cannot find any build directories").
  export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
  echo "$master_url" > "$dir/master.url"
  echo "$webui_port" > "$dir/master.webui"
  daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" --webui-port "$webui_port"
  wait_for "$dir/logs/master.log" "I have been elected leader"
  local i
  for ((i = 1; i <= workers; i++)); do
    mkdir -p "$dir/work/worker-$i"
    daemon "worker-$i" org.apache.spark.deploy.worker.Worker "$master_url" --host 127.0.0.1 \
      --webui-port $(( worker_webui_port == 0 ? 0 : worker_webui_port + i - 1 )) --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-1g}" \
      --work-dir "$dir/work/worker-$i"
  done
  for ((i = 1; i <= workers; i++)); do
    wait_for "$dir/logs/worker-$i.log" "Successfully registered with master"
  done
  log "master $master_url (web UI http://127.0.0.1:$webui_port, pid $(cat "$dir/master.pid")), $workers workers registered; state in $dir"
}

submit() {
  [[ -f "$dir/master.url" ]] && alive "$dir/master.pid" || { log "no cluster running in $dir (start it first)"; exit 2; }
  build
  SPARK_SUBMIT="$home/bin/spark-submit" SPARK_SUBMIT_ARGS="--master $(cat "$dir/master.url") ${SPARK_SUBMIT_ARGS:-}" \
    JOB_JAR="$jar" exec "$root/scripts/submit.sh" "$@"
}

status() {
  local f name state=1
  for f in "$dir"/master.pid "$dir"/worker-*.pid; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f" .pid)"
    if alive "$f"; then
      echo "$name: running, pid $(cat "$f")"
      state=0
    else
      echo "$name: not running"
    fi
  done
  if [[ $state == 0 ]] && command -v curl >/dev/null; then
    local json
    json="$(curl -fsS "http://127.0.0.1:$(cat "$dir/master.webui")/json/" 2>/dev/null || true)"
    if [[ -n "$json" ]] && command -v jq >/dev/null; then
      jq -r '"master \(.url): \(.status), \(.aliveworkers) workers alive, \(.coresused)/\(.cores) cores used",
             (.activeapps[]? | "  running   \(.id) \(.name)"), (.completedapps[]? | "  completed \(.id) \(.name) \(.state)")' <<< "$json"
    elif [[ -n "$json" ]]; then
      echo "$json"
    fi
  fi
  [[ $state == 0 ]] || { echo "no cluster running in $dir"; exit 1; }
}

# Children of a pid (the executor JVMs of a worker).
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

stop() {
  local f pid kids=() n
  for f in "$dir"/worker-*.pid "$dir"/master.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if ours "$pid"; then
      # shellcheck disable=SC2207
      kids+=($(children "$pid"))
      kill -TERM "$pid" 2>/dev/null || true
      n=0
      while kill -0 "$pid" 2>/dev/null && (( n < 100 )); do sleep 0.1; n=$((n + 1)); done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      log "stopped $(basename "$f" .pid) (pid $pid)"
    fi
    rm -f "$f"
  done
  # executors normally exit with their worker; any left over are ended by pid
  for pid in "${kids[@]}"; do
    if ours "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      log "killed leftover executor (pid $pid)"
    fi
  done
}

case "${1:-help}" in
  start) start ;;
  submit) shift; submit "$@" ;;
  status) status ;;
  stop) stop ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
