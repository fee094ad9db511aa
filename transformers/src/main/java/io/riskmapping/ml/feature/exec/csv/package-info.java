/**
 * Internal: not a public API; may change without notice.
 *
 * <p>The CSV record paths: a plain multi-line CSV scan's files read as records
 * ({@link io.riskmapping.ml.feature.exec.csv.CsvFiles}, {@link io.riskmapping.ml.feature.exec.csv.CsvRecords}),
 * counted for the fit ({@link io.riskmapping.ml.feature.exec.csv.CsvCounts}) or mapped and written
 * back as CSV lines ({@link io.riskmapping.ml.feature.exec.csv.CsvMapping}).
 *
 * <p>May import: {@code io.riskmapping.ml.feature.exec} (file scans, drift buckets),
 * {@code io.riskmapping.ml.feature.core}, {@code io.riskmapping.ml.feature.compat},
 * {@code io.riskmapping.artifacts} and Spark. Never a stage class of {@code io.riskmapping.ml.feature},
 * nor {@code exec.parquet} ({@code LayersTest}).
 */
package io.riskmapping.ml.feature.exec.csv;
