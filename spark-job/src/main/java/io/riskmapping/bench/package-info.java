/**
 * The benchmark programs of {@code scripts/bench.sh} and {@code scripts/bench-scaling.sh}: data
 * generation, a plain Spark copy of the same data (the floor), MLlib's pipeline as a baseline, and
 * the chart of docs/performance.md. Each is a whole process; none is used by the job.
 *
 * <p>May import: the public stages, {@code io.riskmapping.artifacts}, {@code ml.feature.compat}
 * (MLlib's encoder where the line has one) and Spark's public API.
 */
package io.riskmapping.bench;
