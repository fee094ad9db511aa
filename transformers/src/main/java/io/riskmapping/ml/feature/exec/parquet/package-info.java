/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The Parquet column-batch paths: a plain Parquet scan's batches and dictionaries
 * ({@link io.riskmapping.ml.feature.exec.parquet.ParquetBatches}), counted by dictionary id for the fit
 * ({@link io.riskmapping.ml.feature.exec.parquet.ColumnarCounts}) or mapped by dictionary id
 * ({@link io.riskmapping.ml.feature.exec.parquet.ColumnarMapping}).
 *
 * <p>May import: {@code io.riskmapping.ml.feature.exec} (file scans, drift buckets),
 * {@code io.riskmapping.ml.feature.core}, {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Never a stage class of {@code io.riskmapping.ml.feature},
 * nor {@code exec.csv} ({@code LayersTest}).
 */
package io.riskmapping.ml.feature.exec.parquet;
