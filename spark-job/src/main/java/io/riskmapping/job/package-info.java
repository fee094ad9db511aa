/**
 * The {@code spark-submit} job ({@link io.riskmapping.job.RiskTableMappingJob}): options, the run
 * from discovered splits to the published output ({@code JobRun}), shard reading and writing
 * ({@code ShardIO}, {@code Split}), the claim on the output ({@code OutputClaim}), staging and
 * publishing ({@code StagedFolder}, {@code Manifest}), artifacts through Hadoop's
 * {@code FileSystem} ({@code ArtifactStore}), errors and their exit codes.
 *
 * <p>May import: the public stages and result types of {@code io.riskmapping.ml.feature}, the
 * execution paths' entry points ({@code ml.feature.exec}: the transform-path chooser and the
 * CSV/Parquet mappings it returns), {@code ml.feature.compat}, {@code io.riskmapping.artifacts},
 * {@code io.riskmapping.job.report}, Spark's public API and Hadoop's. Never Spark internals
 * ({@code NoInternalImportsTest}).
 */
package io.riskmapping.job;
