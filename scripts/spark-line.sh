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
  echo "[risk-table-mapping] building the job for Spark $spark_line (mvn -Pspark-$spark_line package; the first build of a line fetches its Spark, a few minutes) ..." >&2
  (cd "$root" && mvn -q -B -ntp -P"$spark_profile" -DskipTests package) >&2 || {
    echo "risk-table-mapping: error: the build for Spark $spark_line failed (run: mvn -P$spark_profile -DskipTests package)" >&2
    exit 3
  }
  jar="$(spark_line_jar)"
  echo "[risk-table-mapping] built $jar" >&2
fi
