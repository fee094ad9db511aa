/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The format-free kernels the stages and the fast paths share: key and label columns
 * ({@link io.riskmapping.ml.feature.core.KeyColumns}), the fit's counting tables and their merge
 * ({@link io.riskmapping.ml.feature.core.PartialCounts}, {@link io.riskmapping.ml.feature.core.TextCounts},
 * {@link io.riskmapping.ml.feature.core.Utf8Keys}, {@link io.riskmapping.ml.feature.core.CountMerge}),
 * the aggregation's driver pass ({@link io.riskmapping.ml.feature.core.RiskTableAggregation},
 * {@link io.riskmapping.ml.feature.core.FitCounts}), the smoothing formula and out-of-fold tables,
 * table lookups ({@link io.riskmapping.ml.feature.core.Lookups}), the binning kernels, WOE counts,
 * schema checks, the saved models' {@code data/} folder ({@link io.riskmapping.ml.feature.core.ModelData})
 * a model's mapping as plain values ({@link io.riskmapping.ml.feature.core.TableMapping}) and the
 * drift counts a fast path makes while it maps ({@link io.riskmapping.ml.feature.core.DriftBuckets}).
 * The kernels that work on Spark's internal rows and strings ({@code PartialCounts},
 * {@code TextCounts}, {@code Utf8Keys}, {@code CountMerge}, {@code ShuffleBuffers},
 * {@code Lookups}) have their sources in {@code transformers/src/main/spark-3.5+/java}.
 *
 * <p>May import: {@code io.riskmapping.artifacts}, {@code io.riskmapping.ml.feature.compat} and Spark.
 * Never a stage class of {@code io.riskmapping.ml.feature} nor {@code io.riskmapping.ml.feature.exec}
 * ({@code LayersTest}).
 */
package io.riskmapping.ml.feature.core;
