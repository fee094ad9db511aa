#!/usr/bin/env bash
# Submits the risk table mapping job to a cluster with spark-submit (Spark installed there).
# Job options as for scripts/risk-table-mapping; spark-submit options in SPARK_SUBMIT_ARGS, e.g.
#   SPARK_SUBMIT_ARGS="--master yarn --deploy-mode cluster --executor-memory 4g" \
#     scripts/submit.sh --job-type training --input-dir hdfs:///data/in --output-dir hdfs:///data/out \
#       --hyperparameters hdfs:///conf/hyperparameters.json
# The job jar is thin: Spark, Hadoop and Jackson come from the cluster.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${JOB_JAR:-$(ls "$root"/spark-job/target/risk-table-mapping-job-*.jar 2>/dev/null | grep -v -e original- -e tests | head -n 1 || true)}"
if [[ -z "$jar" ]]; then
  (cd "$root" && mvn -q -B -DskipTests package) >&2
  jar="$(ls "$root"/spark-job/target/risk-table-mapping-job-*.jar | grep -v -e original- -e tests | head -n 1)"
fi
# shellcheck disable=SC2086
exec "${SPARK_SUBMIT:-spark-submit}" ${SPARK_SUBMIT_ARGS:-} \
  --class io.riskmapping.job.RiskTableMappingJob \
  --properties-file "${SPARK_PROPERTIES_FILE:-$root/conf/spark-defaults.conf}" \
  "$jar" "$@"
