package io.riskmapping.job;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.job.ShardReader.ShardFrame;

/**
 * One run of the job, from the command line to the published output. Its contract, step by step:
 * <ol>
 * <li>the options, checked ({@link JobOptions}); another job type's tables start loading
 * ({@link ModelLoad});</li>
 * <li>the splits discovered, every shard's header or footer read ({@link Split#discover},
 * {@link ShardReader#check}), the first split read ({@link ShardReader#read});</li>
 * <li>the output folders claimed and tidied ({@link Publication#claim}): nothing under them is
 * touched before;</li>
 * <li>training: the fit on train ({@link ModelFit}), then the pass over train, val and test
 * ({@link SplitPass}) while the artifacts are written ({@link ArtifactWriter}, on the
 * {@link DriverThread}); other job types: the loaded model ({@link ModelLoad#model}), then the pass
 * over their split, then the artifacts;</li>
 * <li>the report ({@link ArtifactWriter#writeReport}) unless {@code --no-report};</li>
 * <li>the publish ({@link Publication#publish}): what is staged is verified, the claims checked,
 * the staged folders swapped in; after a failure instead, the staged folders are discarded;</li>
 * <li>the summary on stdout.</li>
 * </ol>
 *
 * <p>The output folder belongs to the run as a whole: every split and artifact is written into a
 * hidden sibling of it and published by renaming ({@link StagedFolder}), so the output is the
 * previous complete one, the new complete one or, between the two renames of a replacement, absent;
 * never a mix. The input is only read.
 */
final class JobRun {

    private final RiskTableMappingJob o;
    private final Map<String, String> env;
    private final PrintStream out;
    private final Progress progress;
    private final JobSummary summary = new JobSummary();
    private final DriverThread driver = new DriverThread();
    private long runStart;

    JobRun(RiskTableMappingJob options, Map<String, String> env, PrintStream out, PrintStream err) {
        this.o = options;
        this.env = env;
        this.out = out;
        this.progress = Progress.to(err);
    }

    /**
     * Runs the job on the default session, else on one it makes (and stops) with {@code --master};
     * prints the summary.
     *
     * @return {@link JobException#OK}
     * @throws JobException for a missing master and every failure the steps report
     */
    int execute() {
        long start = System.nanoTime();
        runStart = start;
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        if (ownSession && o.master == null && !new SparkConf().contains("spark.master")) {
            throw JobException.invalid("no Spark master: pass --master local[*] (or run through spark-submit)");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("risk-table-mapping " + o.jobType);
        builder.config(PassSettings.UNVERIFIED_LOCAL_READS); // a stale .crc sidecar beside a local shard does not fail the run
        if (o.master != null) {
            builder.master(o.master);
        }
        SparkSession spark = builder.getOrCreate();
        String scalaVersion = scala.util.Properties$.MODULE$.versionNumberString();
        progress.line("running on Spark %s, Scala %s (job built for Spark %s, Scala %s)", spark.version(), scalaVersion,
                BuildInfo.SPARK_VERSION, BuildInfo.SCALA_VERSION);
        String mismatch = BuildInfo.mismatch(spark.version(), scalaVersion);
        if (mismatch != null) {
            progress.line("warning: %s", mismatch);
        }
        try {
            run(spark);
        } finally {
            driver.close();
            if (ownSession) {
                spark.stop();
            }
        }
        summary.totalSeconds = Progress.secondsSince(start);
        summary.print(out);
        out.flush();
        return JobException.OK;
    }

    private void run(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ArtifactStore store = new ArtifactStore(conf);
        JobOptions options = JobOptions.of(o, env, store, progress);
        summary.jobType = options.jobType();
        summary.output = options.output().toString();
        summary.artifacts = options.artifactsOut().toString();
        // The tables load on another thread while this one discovers the splits and reads the first
        // split's schema (both read-only: the output is prepared after both).
        ModelLoad load = options.training() ? null : ModelLoad.start(store, options.artifactsIn(), summary, progress);
        List<Split> splits = new ArrayList<>();
        List<ShardFrame> firstFrames;
        try {
            for (String s : options.jobType().splits()) {
                splits.add(Split.discover(options.input(), s, conf));
            }
            splits.replaceAll(s -> ShardReader.check(s, conf)); // every shard's header or footer, read once, before the fit
            summary.input = options.input() + " (" + splits.get(0).describeFormat() + ")";
            firstFrames = ShardReader.read(spark, splits.get(0));
        } catch (RuntimeException e) {
            if (load != null) {
                load.await(); // bad artifacts are reported first, as when they were loaded first
            }
            throw e;
        }
        if (load != null) {
            load.await();
        }
        // Only now, with the input and the artifacts read, is anything under the output touched: first
        // the claims (one writer per output), then what a dead run left is tidied, under the claim.
        try (Publication publication = new Publication(options, store, UUID.randomUUID().toString(), progress)) {
            publication.claim();
            runClaimed(spark, store, options, load, splits, firstFrames, publication);
        }
    }

    /** The run once it holds the claims on its output folders: fit or load, the passes, the artifacts, the publish. */
    private void runClaimed(SparkSession spark, ArtifactStore store, JobOptions options, ModelLoad load, List<Split> splits,
            List<ShardFrame> firstFrames, Publication publication) {
        Split first = splits.get(0);
        ColumnNames names = new ColumnNames(firstFrames.get(0).data().columns()); // the shards' schemas are equal (ShardReader.read)
        JobModel model = options.training()
                ? new ModelFit(options, summary, progress, driver).fit(spark, first, firstFrames.get(0).data().schema(), names)
                : load.model(names, first);
        ArtifactWriter artifacts = new ArtifactWriter(options, store, summary, model);
        SplitPass pass = new SplitPass(options, model, summary, progress);
        Path stagedArtifacts = publication.stagedArtifacts();
        boolean published = false;
        CompletableFuture<Void> fitArtifacts = null;
        try {
            publication.createStaging();
            if (options.training()) {
                // The fit's artifacts need nothing from the passes: the driver writes them on its
                // background thread while the splits are mapped.
                progress.line("artifacts: writing %s (staged) while the splits are mapped", options.artifactsOut());
                fitArtifacts = driver.run(() -> artifacts.write(stagedArtifacts));
            }
            pass.run(spark, splits, firstFrames, publication.staging());
            if (fitArtifacts != null) {
                DriverThread.join(fitArtifacts);
                fitArtifacts = null;
            } else {
                progress.line("artifacts: writing %s (staged)", options.artifactsOut());
                artifacts.write(stagedArtifacts);
            }
            if (!options.noReport()) {
                artifacts.writeReport(stagedArtifacts, pass.drift(), runStart);
            }
            publication.publish(splits, summary);
            published = true;
        } finally {
            if (!published) {
                if (fitArtifacts != null) {
                    // nothing may be written into the staged folders once they are discarded
                    try {
                        fitArtifacts.join();
                    } catch (RuntimeException ignored) {
                        // the failure being reported is the one that stopped the run
                    }
                }
                publication.discard();
            }
        }
    }

    @Override
    public String toString() {
        return "JobRun" + Arrays.asList(o.jobType, o.inputDir, o.outputDir);
    }
}
