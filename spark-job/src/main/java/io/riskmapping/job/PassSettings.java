package io.riskmapping.job;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.ml.feature.compat.UnverifiedLocalFileSystem;

/**
 * The Spark and Hadoop settings a pass runs with: the session settings of a transform pass
 * ({@link #transform}, applied by {@link #with} and undone afterwards), the check that they gave
 * one partition per shard, and the settings for reading local input ({@link #UNVERIFIED_LOCAL_READS}).
 */
final class PassSettings {

    /** Spark's rule that copies a projection into every child of a union. */
    static final String PUSH_PROJECTION_THROUGH_UNION = io.riskmapping.ml.feature.compat.SparkShims.PUSH_PROJECTION_THROUGH_UNION;
    private static final String EXCLUDED_RULES = "spark.sql.optimizer.excludedRules";
    /** Whether a generated class's name holds its code-generation stage id (Spark's default: true). */
    static final String USE_ID_IN_CLASS_NAME = "spark.sql.codegen.useIdInClassName";
    /**
     * 1 TiB: as the largest partition and as each file's opening cost, Spark packs no two files
     * into one partition and splits no file under 1 TiB (a scan's total cost, 1 TiB per file,
     * stays within a long up to millions of files). A larger shard would be split, and the job
     * stops at its one-partition-per-shard check.
     */
    static final long WHOLE_FILE = 1L << 40;

    /**
     * The session settings a transform pass runs with (see {@link #with}):
     * <ul>
     * <li>{@code spark.sql.files.minPartitionNum} 1 and both {@code spark.sql.files.maxPartitionBytes}
     * and {@code spark.sql.files.openCostInBytes} {@link #WHOLE_FILE} (1 TiB): Spark plans each
     * file of a scan as one partition of its own, whatever the file's size, so the union of the
     * shards' scans has partition i = shard i, and a scan of a whole Parquet split has one
     * partition per shard (in Spark's order: {@code ColumnarMapping} puts them in shard order). (A
     * {@code coalesce(1)} per shard would do the same, but keeps each scan out of the projection's
     * generated code; docs/performance.md, "Measured design choices".) The fit's {@link ShardReader#scan} does not
     * run under them: Spark's own packing and splitting spread train over the cores.</li>
     * <li>{@link #PUSH_PROJECTION_THROUGH_UNION} added to {@code spark.sql.optimizer.excludedRules}
     * (after the session's own exclusions): the mapping stays one projection over the union, planned
     * and compiled once, instead of one copy per shard.</li>
     * <li>{@code spark.sql.unionOutputPartitioning} false: Spark 4 would otherwise zip a union of
     * single-partition scans into one partition.</li>
     * <li>{@link #USE_ID_IN_CLASS_NAME} false: each shard's scan is a code-generation stage of its
     * own, and with the stage id in the class name the eight identical scans were eight classes,
     * each compiled by Janino and then by the JIT. Without it they share one class
     * (docs/performance.md, "Measured design choices").</li>
     * </ul>
     */
    static Map<String, String> transform(SparkSession spark) {
        String excluded = spark.conf().get(EXCLUDED_RULES, "");
        boolean listed = Arrays.stream(excluded.split(",")).map(String::trim).anyMatch(PUSH_PROJECTION_THROUGH_UNION::equals);
        return Map.of(
                "spark.sql.files.minPartitionNum", "1",
                "spark.sql.files.maxPartitionBytes", String.valueOf(WHOLE_FILE),
                "spark.sql.files.openCostInBytes", String.valueOf(WHOLE_FILE),
                "spark.sql.unionOutputPartitioning", "false",
                USE_ID_IN_CLASS_NAME, "false",
                EXCLUDED_RULES, listed ? excluded : excluded.isBlank() ? PUSH_PROJECTION_THROUGH_UNION : excluded + "," + PUSH_PROJECTION_THROUGH_UNION);
    }

    /**
     * Runs {@code body} with the given SQL settings on the session, then restores each setting's
     * previous value (or unsets it).
     */
    static void with(SparkSession spark, Map<String, String> settings, Runnable body) {
        Map<String, String> previous = new HashMap<>();
        settings.forEach((k, v) -> {
            previous.put(k, spark.conf().get(k, null));
            spark.conf().set(k, v);
        });
        try {
            body.run();
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    spark.conf().unset(k);
                } else {
                    spark.conf().set(k, v);
                }
            });
        }
    }

    /**
     * Session settings for reading local input ({@code file:}): Hadoop's local file system without
     * verifying checksum sidecars (the hidden {@code .NAME.crc} files it writes beside the files it
     * writes: a file edited afterwards no longer matches its sidecar, and the read would fail with a
     * {@code ChecksumException}), and not taken from Hadoop's cache of file systems, where one made
     * earlier in the process would still verify them. Only reads change: a local file system still
     * writes sidecars (which the job deletes from its output, {@link ShardWriter#removeSideFiles}), and it stays
     * a {@code LocalFileSystem} ({@code fs.file.impl=RawLocalFileSystem} would do the same for reads
     * but breaks {@code FileSystem.getLocal}, used by Spark's YARN client and S3A's disk buffers).
     * The settings are {@link UnverifiedLocalFileSystem#SESSION_SETTINGS}, the same on every Spark line.
     * The job sets them on the session it makes; a session made beforehand needs them set by its maker.
     */
    static final Map<String, Object> UNVERIFIED_LOCAL_READS = UnverifiedLocalFileSystem.SESSION_SETTINGS;

    /**
     * Checks that the union of the shards has one partition per shard (call on a DataFrame without
     * observations: planning it as an RDD completes them).
     */
    static void checkOnePartitionPerShard(Dataset<Row> union, Split split) {
        // the plan's internal rows: Dataset.rdd() would also generate and compile a Row deserializer
        checkOnePartitionPerShard(union.queryExecution().toRdd().getNumPartitions(), split);
    }

    /** Checks that the shards' DataFrames have one partition per shard in all. */
    static void checkOnePartitionPerShard(int partitions, Split split) {
        if (partitions != split.shards().size()) {
            throw new IllegalStateException("split " + split.name() + ": " + partitions + " partitions for "
                    + split.shards().size() + " shards");
        }
    }

    private PassSettings() {
    }
}
