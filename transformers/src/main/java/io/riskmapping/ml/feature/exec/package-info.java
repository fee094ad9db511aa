/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The execution paths that read files instead of Spark's rows, and the two places that choose
 * them: {@link io.riskmapping.ml.feature.exec.CountSources} (where the fit's partial counts come
 * from) and {@link io.riskmapping.ml.feature.exec.TransformPaths} (how the job maps a split). The
 * formats themselves are in {@code exec.csv} and {@code exec.parquet}; what both share, the file
 * scan under a DataFrame, in {@code exec.scan}. Those three packages use Spark's internal classes,
 * so their sources are in {@code transformers/src/main/spark-3.5+/java}; this package's are not.
 *
 * <p>May import: {@code exec.csv}, {@code exec.parquet}, {@code exec.scan},
 * {@code io.riskmapping.ml.feature.core}, {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Never a stage class of {@code io.riskmapping.ml.feature}
 * ({@code LayersTest}): what it needs of a model comes as plain values
 * ({@link io.riskmapping.ml.feature.core.TableMapping}).
 */
package io.riskmapping.ml.feature.exec;
