#!/usr/bin/env bash
# Submits the risk table mapping job to a cluster with spark-submit (Spark installed there).
# Job options as for scripts/risk-table-mapping; spark-submit options in SPARK_SUBMIT_ARGS, e.g.
#   SPARK_SUBMIT_ARGS="--master yarn --deploy-mode cluster --executor-memory 4g" \
#     scripts/submit.sh --job-type training --input-dir hdfs:///data/in --output-dir hdfs:///data/out \
#       --hyperparameters hdfs:///conf/hyperparameters.json
# The job jar is thin: Spark, Hadoop and Jackson come from the cluster. Build it for the cluster's
# Spark: SPARK_LINE=4.2 (default), 4.1, 4.0, 3.5 (Scala 2.12) or 3.5-scala-2.13; or give a jar in JOB_JAR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${JOB_JAR:-}" ]]; then
  jar="$JOB_JAR"
else
  # shellcheck source=spark-line.sh
  . "$root/scripts/spark-line.sh"
fi
# shellcheck disable=SC2086
exec "${SPARK_SUBMIT:-spark-submit}" ${SPARK_SUBMIT_ARGS:-} \
  --class io.riskmapping.job.RiskTableMappingJob \
  --properties-file "${SPARK_PROPERTIES_FILE:-$root/conf/spark-defaults.conf}" \
  "$jar" "$@"
