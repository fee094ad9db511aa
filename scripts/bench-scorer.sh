#!/usr/bin/env bash
# Micro-benchmark of real-time scoring latency (ArtifactScorers.score per record, RiskScorer.score
# per value): compiles the artifacts module and its test classes, then runs
# io.riskmapping.artifacts.bench.ScorerLatencyBenchmark (a plain main, not a unit test).
#   scripts/bench-scorer.sh [--warmup SECONDS] [--seconds SECONDS] [--seed N]
# Defaults: 5 s warm-up and 10 s measurement per case (about a minute and a half in all).
# Environment: MVN_FLAGS (default "-q -B -o": offline), JAVA (default java), JAVA_OPTS (JVM flags,
# default "-Xms1g -Xmx1g").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck disable=SC2086
mvn ${MVN_FLAGS:--q -B -o} -pl artifacts test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
t=artifacts/target/spark-4.2   # the default line's build folder (the artifacts module has no Spark)
cp="$t/test-classes:$t/classes:$(cat artifacts/target/bench-classpath.txt)"
echo "command: ${JAVA:-java} ${JAVA_OPTS:--Xms1g -Xmx1g} -cp ... io.riskmapping.artifacts.bench.ScorerLatencyBenchmark $*"
# shellcheck disable=SC2086
exec "${JAVA:-java}" ${JAVA_OPTS:--Xms1g -Xmx1g} -cp "$cp" io.riskmapping.artifacts.bench.ScorerLatencyBenchmark "$@"
