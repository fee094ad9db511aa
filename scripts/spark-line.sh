# The Spark line a launcher runs on (sourced by scripts/risk-table-mapping, submit.sh, run-example,
# standalone-cluster.sh and the benchmark scripts, not run): SPARK_LINE picks it, the newest by default.
#
#   SPARK_LINE   4.2 (default) | 4.1 | 4.0 | 3.5 (Scala 2.12) | 3.5-scala-2.13
#
# Sets: spark_line, spark_profile (the Maven profile), target (spark-job's build folder for the
# line), jar (the job jar of the line, built with that profile on first use) and classpath_file
# (Spark and every other runtime jar of the line, for the local launchers). Defines line_module,
# which does the same for the bench/ and examples/ modules.
root="${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
spark_line="${SPARK_LINE:-4.2}"
case "$spark_line" in
  4.2|4.1|4.0|3.5|3.5-scala-2.13) ;;
  *) echo "risk-table-mapping: error: SPARK_LINE='$spark_line' is not a supported Spark line (4.2, 4.1, 4.0, 3.5, 3.5-scala-2.13)" >&2
     exit 2 ;;
esac
spark_profile="spark-$spark_line"
target="$root/spark-job/target/spark-$spark_line"
classpath_file="$target/classpath.txt"

# line_jar DIR NAME: the jar NAME_spark<minor>_<scala>-<version>.jar of the line in DIR, or nothing
line_jar() {
  ls "$1/$2"_spark*.jar 2>/dev/null | grep -v -e original- -e tests | head -n 1 || true
}

# build_line WHAT [MAVEN ARGS...]: packages the line with its profile (tests skipped), saying what it
# does: Maven's module lines as they come, and a line every 30 s (a first build's downloads are
# silent); on failure Maven's errors and the log's path, and exit 3
build_line() {
  local what=$1; shift
  local cmd="mvn -B -ntp -P$spark_profile -DskipTests${*:+ $*} package"
  local log
  log="$(mktemp)"
  echo "[risk-table-mapping] building $what for Spark $spark_line (first use of the line; about 2 minutes, several more while Maven fetches its Spark): $cmd" >&2
  SECONDS=0
  ( while sleep 30 && kill -0 $$ 2>/dev/null; do echo "[risk-table-mapping] ... still building (${SECONDS}s; log $log)" >&2; done ) &
  local ticker=$!
  # shellcheck disable=SC2086
  (cd "$root" && $cmd) 2>&1 | tee "$log" \
    | sed -nu 's/^\[INFO\] \(Building .*\[[0-9]*\/[0-9]*\]\)$/[risk-table-mapping] mvn: \1/p' >&2 || true
  kill "$ticker" 2>/dev/null || true
  if ! grep -q '^\[INFO\] BUILD SUCCESS' "$log"; then
    grep -E '^\[ERROR\]' "$log" | head -n 20 >&2 || true
    echo "risk-table-mapping: error: the build for Spark $spark_line failed (full log: $log; run: $cmd)" >&2
    exit 3
  fi
  rm -f "$log"
  echo "[risk-table-mapping] built $what in ${SECONDS}s" >&2
}

# spark_line_jar: the job jar of the line, or nothing
spark_line_jar() {
  line_jar "$target" risk-table-mapping-job
}

jar="$(spark_line_jar)"
if [[ -z "$jar" || ! -f "$classpath_file" ]]; then
  build_line "the job jar"
  jar="$(spark_line_jar)"
  [[ -n "$jar" && -f "$classpath_file" ]] || { echo "risk-table-mapping: error: the build for Spark $spark_line made no job jar in $target" >&2; exit 3; }
  echo "[risk-table-mapping] job jar: $jar" >&2
fi

# line_module MODULE: MODULE's jar of the line (bench or examples:
# MODULE/target/spark-<line>/risk-table-mapping-MODULE_spark<minor>_<scala>-<version>.jar), built
# with the modules it needs on first use. Sets module_jar and module_classpath_file (its dependencies
# but this project's own jars: those the job jar holds).
line_module() {
  local dir="$root/$1/target/spark-$spark_line"
  module_classpath_file="$dir/classpath.txt"
  module_jar="$(line_jar "$dir" "risk-table-mapping-$1")"
  if [[ -z "$module_jar" || ! -f "$module_classpath_file" ]]; then
    build_line "the $1 jar" -pl "$1" -am
    module_jar="$(line_jar "$dir" "risk-table-mapping-$1")"
    [[ -n "$module_jar" && -f "$module_classpath_file" ]] || { echo "risk-table-mapping: error: the build for Spark $spark_line made no $1 jar in $dir" >&2; exit 3; }
    echo "[risk-table-mapping] $1 jar: $module_jar" >&2
  fi
}
