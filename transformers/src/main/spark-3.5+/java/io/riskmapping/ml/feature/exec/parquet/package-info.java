/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The Parquet column-batch paths: a plain Parquet scan's batches and dictionaries
 * ({@link io.riskmapping.ml.feature.exec.parquet.ParquetBatches}), counted by dictionary id for the fit
 * ({@link io.riskmapping.ml.feature.exec.parquet.ColumnarCounts}) or mapped by dictionary id
 * ({@link io.riskmapping.ml.feature.exec.parquet.ColumnarMapping}).
 *
 * Uses Spark's internal classes (the same on every supported line), so its sources are in
 * {@code transformers/src/main/spark-3.5+/java}.
 *
 * <p>May import: {@code io.riskmapping.ml.feature.exec.scan} (file scans),
 * {@code io.riskmapping.ml.feature.core} (tables, drift buckets), {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Never a stage class of {@code io.riskmapping.ml.feature},
 * nor {@code exec} (which chooses this path) nor {@code exec.csv} ({@code LayersTest}).
 */
package io.riskmapping.ml.feature.exec.parquet;
