# The Spark line a launcher runs on (sourced by scripts/risk-table-mapping, submit.sh, run-example,
# standalone-cluster.sh and the benchmark scripts, not run): SPARK_LINE picks it, the newest by default.
#
#   SPARK_LINE   4.2 (default) | 4.1 | 4.0 | 3.5 (Scala 2.12) | 3.5-scala-2.13
#
# Sets: spark_line, spark_profile (the Maven profile), target (spark-job's build folder for the
# line), jar (the job jar of the line, built with that profile on first use) and classpath_file
# (Spark and every other runtime jar of the line, for the local launchers).
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

# spark_line_jar: the job jar of the line, or nothing
spark_line_jar() {
  ls "$target"/risk-table-mapping-job_spark*.jar 2>/dev/null | grep -v -e original- -e tests | head -n 1 || true
}

jar="$(spark_line_jar)"
if [[ -z "$jar" || ! -f "$classpath_file" ]]; then
  # Maven's module lines as they come, and a line every 30 s (a first build's downloads are silent).
  build_cmd="mvn -B -ntp -P$spark_profile -DskipTests package"
  build_log="$(mktemp)"
  echo "[risk-table-mapping] building the Spark $spark_line job jar (first use of the line; about 2 minutes, several more while Maven fetches its Spark): $build_cmd" >&2
  SECONDS=0
  ( while sleep 30 && kill -0 $$ 2>/dev/null; do echo "[risk-table-mapping] ... still building (${SECONDS}s; log $build_log)" >&2; done ) &
  ticker=$!
  (cd "$root" && $build_cmd) 2>&1 | tee "$build_log" \
    | sed -nu 's/^\[INFO\] \(Building .*\[[0-9]*\/[0-9]*\]\)$/[risk-table-mapping] mvn: \1/p' >&2 || true
  kill "$ticker" 2>/dev/null || true
  jar="$(spark_line_jar)"
  if ! grep -q '^\[INFO\] BUILD SUCCESS' "$build_log" || [[ -z "$jar" || ! -f "$classpath_file" ]]; then
    grep -E '^\[ERROR\]' "$build_log" | head -n 20 >&2 || true
    echo "risk-table-mapping: error: the build for Spark $spark_line failed (full log: $build_log; run: $build_cmd)" >&2
    exit 3
  fi
  rm -f "$build_log"
  echo "[risk-table-mapping] built $jar in ${SECONDS}s" >&2
fi
