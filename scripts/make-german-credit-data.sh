#!/usr/bin/env bash
# Rebuilds test-data/german-credit/ (CSV, TSV, Parquet; train/val/test x 3 shards) from the UCI
# German Credit ARFF file. The result is committed: run this only to rebuild it.
#   scripts/make-german-credit-data.sh path/to/credit-g.arff
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
arff="${1:?usage: $0 path/to/credit-g.arff}"
cd "$root"
mvn -q -B -DskipTests install
mvn -q -B -pl spark-job test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
t=spark-job/target/spark-4.2   # the default line's build folder
cp="$t/test-classes:$t/classes:$(cat spark-job/target/test-classpath.txt)"
# shellcheck source=scripts/java-flags.sh
. "$root/scripts/java-flags.sh"
rm -rf test-data/german-credit/csv test-data/german-credit/tsv test-data/german-credit/parquet
java $SPARK_JAVA_FLAGS -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$cp" \
  io.riskmapping.job.tools.GermanCreditConverter "$arff" test-data/german-credit
find test-data/german-credit -name '.*.crc' -delete
