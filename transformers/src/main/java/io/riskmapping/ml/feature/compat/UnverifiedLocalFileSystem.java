package io.riskmapping.ml.feature.compat;

import java.util.Map;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * Hadoop's local file system ({@code file:}) that reads without verifying checksum sidecars (the
 * hidden {@code .NAME.crc} files Hadoop writes beside local files), so that a shard edited after its
 * sidecar was written is read as it is instead of failing with a {@code ChecksumException}. Writing
 * is Hadoop's: sidecars are still written. A {@code LocalFileSystem}, so {@code FileSystem.getLocal}
 * still works with it (it would not with {@code RawLocalFileSystem}).
 *
 * <p>Hadoop 3.4.2 and later read {@code fs.file.checksum.verify=false} for the same; the Hadoop of
 * Spark 3.5 (3.3.4) and of Spark 4.0 (3.4.1) do not, so {@link #SESSION_SETTINGS} sets both, the same
 * on every Spark line.
 */
public class UnverifiedLocalFileSystem extends LocalFileSystem {

    /**
     * The Spark session settings for unverified local reads: this class as {@code fs.file.impl}, the
     * key of newer Hadoop, and no cached file system (one made before the settings would verify).
     */
    public static final Map<String, Object> SESSION_SETTINGS = Map.of(
            "spark.hadoop.fs.file.impl", UnverifiedLocalFileSystem.class.getName(),
            "spark.hadoop.fs.file.checksum.verify", "false",
            "spark.hadoop.fs.file.impl.disable.cache", "true");

    /** Made by Hadoop for {@code fs.file.impl}. */
    public UnverifiedLocalFileSystem() {
        setVerifyChecksum(false);
    }
}
