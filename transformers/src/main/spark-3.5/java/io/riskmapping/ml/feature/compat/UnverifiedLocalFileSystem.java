package io.riskmapping.ml.feature.compat;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * Hadoop's local file system ({@code file:}) that reads without verifying checksum sidecars: what
 * {@code fs.file.checksum.verify=false} does from Hadoop 3.4 on, for the Hadoop 3.3 that Spark 3.5
 * ships ({@link SparkShims#unverifiedLocalReads}). Writing is Hadoop's: sidecars are still written.
 * A {@code LocalFileSystem}, so {@code FileSystem.getLocal} still works with it.
 */
public class UnverifiedLocalFileSystem extends LocalFileSystem {

    /** Made by Hadoop for {@code fs.file.impl}. */
    public UnverifiedLocalFileSystem() {
        setVerifyChecksum(false);
    }
}
