/**
 * The {@code spark-submit} job ({@link io.riskmapping.job.RiskTableMappingJob}: the command line,
 * help, exit codes, one-line errors) and its run, one class per step:
 * <ul>
 * <li>{@code JobRun}: the orchestrator, reading as the job's contract: training fits, then passes
 * over train, val and test, then writes the artifacts, then publishes; the other job types load
 * the artifacts, then pass over their split, then publish;</li>
 * <li>{@code JobOptions}: the command line a run uses, checked (folders resolved and their
 * overlaps refused, a training run's hyperparameters);</li>
 * <li>{@code ModelFit}, {@code ModelLoad}, {@code JobModel}: the fit on train, the artifacts of
 * another job type loaded, and what the passes apply (imputation, binning, {@code FieldEncoding});</li>
 * <li>{@code SplitPass}: the pass over each split (its transform path, the write, rows and drift);</li>
 * <li>{@code ArtifactWriter}, {@code RunReport}: the artifacts and the report written into the
 * staged artifacts folder;</li>
 * <li>{@code Publication}: the claims on the output folders ({@code OutputClaim}), their staging
 * folders ({@code StagedFolder}), the verification ({@code Manifest}) and the swap, or the discard
 * after a failure;</li>
 * <li>{@code ShardReader}, {@code ShardWriter}, {@code PassSettings}: reading a split shard by
 * shard ({@code Split}, {@code ShardFormat}), writing it back shard for shard, and the session
 * settings a pass runs with; {@code ShardErrors}: a shard a reader refused, named;</li>
 * <li>{@code ArtifactStore}: artifacts and configuration through Hadoop's {@code FileSystem};
 * {@code JobSummary}, {@code Progress}, {@code DriverThread}: the summary, the progress lines, the
 * driver's background thread; {@code JobException}: errors and their exit codes.</li>
 * </ul>
 *
 * <p>May import: the public stages and result types of {@code io.riskmapping.ml.feature}, the
 * execution paths' entry points ({@code ml.feature.exec}: the transform-path chooser and the
 * CSV/Parquet mappings it returns), {@code ml.feature.compat}, {@code io.riskmapping.artifacts},
 * {@code io.riskmapping.job.report}, Spark's public API and Hadoop's. Never Spark internals
 * ({@code NoInternalImportsTest}).
 */
package io.riskmapping.job;
