/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The CSV record paths: a plain multi-line CSV scan's files read as records
 * ({@link io.riskmapping.ml.feature.exec.csv.CsvFiles}, {@link io.riskmapping.ml.feature.exec.csv.CsvRecords}),
 * counted for the fit ({@link io.riskmapping.ml.feature.exec.csv.CsvCounts}) or mapped and written
 * back as CSV lines ({@link io.riskmapping.ml.feature.exec.csv.CsvMapping}).
 *
 * Uses Spark's internal classes (the same on every supported line), so its sources are in
 * {@code transformers/src/main/spark-3.5+/java}.
 *
 * <p>May import: {@code io.riskmapping.ml.feature.exec.scan} (file scans),
 * {@code io.riskmapping.ml.feature.core} (tables, drift buckets), {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Never a stage class of {@code io.riskmapping.ml.feature},
 * nor {@code exec} (which chooses this path) nor {@code exec.parquet} ({@code LayersTest}).
 */
package io.riskmapping.ml.feature.exec.csv;
