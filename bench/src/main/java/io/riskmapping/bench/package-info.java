/**
 * The benchmark programs of {@code scripts/bench.sh} and {@code scripts/bench-scaling.sh}: data
 * generation, a plain Spark copy of the same data (the floor), MLlib's pipeline as a baseline, and
 * the chart of docs/performance.md. Each is a whole process; the scripts run the job itself from the
 * line's job jar. None is part of the job jar; the job module's standalone-cluster test, which has
 * this module as a test dependency, generates its data with {@link io.riskmapping.bench.BenchData}.
 *
 * <p>May import: the public stages, {@code io.riskmapping.artifacts}, {@code ml.feature.compat}
 * (MLlib's encoder where the line has one) and Spark's public API.
 */
package io.riskmapping.bench;
