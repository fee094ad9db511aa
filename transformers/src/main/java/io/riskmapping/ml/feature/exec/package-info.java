/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The execution paths that read files instead of Spark's rows, and the two places that choose
 * them: {@link io.riskmapping.ml.feature.exec.CountSources} (where the fit's partial counts come
 * from) and {@link io.riskmapping.ml.feature.exec.TransformPaths} (how the job maps a split); what
 * both formats share: {@link io.riskmapping.ml.feature.exec.FileScans} (the file scan under a
 * DataFrame) and {@link io.riskmapping.ml.feature.exec.DriftBuckets} (drift counted while mapping).
 * The formats themselves are in {@code exec.csv} and {@code exec.parquet}.
 *
 * <p>May import: {@code io.riskmapping.ml.feature.core}, {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Never a stage class of {@code io.riskmapping.ml.feature}
 * ({@code LayersTest}): what it needs of a model comes as plain values
 * ({@link io.riskmapping.ml.feature.core.TableMapping}).
 */
package io.riskmapping.ml.feature.exec;
