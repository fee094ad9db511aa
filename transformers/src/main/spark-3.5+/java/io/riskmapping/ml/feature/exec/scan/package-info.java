/**
 * Internal: not a public API; may change without notice.
 *
 * <p>What the CSV and Parquet fast paths share: the file scan under a DataFrame and the shards'
 * order in it ({@link io.riskmapping.ml.feature.exec.scan.FileScans}). Uses Spark's internal
 * physical-plan classes, the same on every supported line, so its source is in
 * {@code transformers/src/main/spark-3.5+/java}.
 *
 * <p>May import: {@code io.riskmapping.ml.feature.compat} and Spark. Never {@code exec},
 * {@code exec.csv}, {@code exec.parquet} nor a stage class ({@code LayersTest}).
 */
package io.riskmapping.ml.feature.exec.scan;
