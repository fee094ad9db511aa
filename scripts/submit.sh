#!/usr/bin/env bash
# Submits the risk table mapping job to a cluster with spark-submit (Spark installed there).
# Job options as for scripts/risk-table-mapping; spark-submit options in SPARK_SUBMIT_ARGS, e.g.
#   SPARK_SUBMIT_ARGS="--master yarn --deploy-mode cluster --executor-memory 4g" \
#     scripts/submit.sh --job-type training --input-dir hdfs:///data/in --output-dir hdfs:///data/out \
#       --hyperparameters hdfs:///conf/hyperparameters.json
# The job's Spark settings (conf/spark-defaults.conf) go to spark-submit as --conf key=value, so the
# cluster's own spark-defaults.conf still applies to everything else (a --properties-file would
# replace it); a --conf in SPARK_SUBMIT_ARGS wins over them. The Spark UI stays as the cluster has it.
# The job jar is thin: Spark, Hadoop and Jackson come from the cluster. Build it for the cluster's
# Spark: SPARK_LINE=4.2 (default), 4.1, 4.0, 3.5 (Scala 2.12) or 3.5-scala-2.13; or give a jar in JOB_JAR.
# SPARK_SUBMIT names the spark-submit to run (default: the one on the PATH); SPARK_SUBMIT=echo
# prints the command instead of running it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${JOB_JAR:-}" ]]; then
  jar="$JOB_JAR"
else
  # shellcheck source=spark-line.sh
  . "$root/scripts/spark-line.sh"
fi

settings=()
while read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  settings+=(--conf "$key=$value")
done < "$root/conf/spark-defaults.conf"

# shellcheck disable=SC2086
exec "${SPARK_SUBMIT:-spark-submit}" "${settings[@]}" ${SPARK_SUBMIT_ARGS:-} \
  --class io.riskmapping.job.RiskTableMappingJob \
  "$jar" "$@"
