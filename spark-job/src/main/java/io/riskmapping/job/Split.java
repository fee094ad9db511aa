package io.riskmapping.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One split folder of the input ({@code train/}, {@code val/}, ...) and its shards, in shard-name
 * order, all of one format. Found through Hadoop {@link FileSystem}, so any scheme works.
 *
 * @param name   the split name, also the output folder name
 * @param dir    the input folder
 * @param format the shards' format
 * @param gzip   whether the (text) shards are gzipped
 * @param shards the shard files, sorted by name
 */
public record Split(String name, Path dir, ShardFormat format, boolean gzip, List<Shard> shards) {

    /**
     * One input shard: its file and name (the output shard gets the same name) and, once
     * {@link ShardReader#check} has read it, its start: the header row of a CSV/TSV shard or the
     * footer's schema of a Parquet shard (else null).
     */
    public record Shard(Path path, String name, long length, List<String> header, String footer) {

        /** A shard not read yet. */
        public Shard(Path path, String name, long length) {
            this(path, name, length, null, null);
        }
    }

    /** The shards' paths, in shard order. */
    public List<String> paths() {
        return shards.stream().map(s -> s.path().toString()).toList();
    }

    /** The same split with these shards (the same files, with what was read of them). */
    Split withShards(List<Shard> read) {
        return new Split(name, dir, format, gzip, List.copyOf(read));
    }

    /** "csv", "tsv.gz", "parquet". */
    public String describeFormat() {
        return format.label() + (gzip ? ".gz" : "");
    }

    /**
     * Lists {@code inputDir/name}: every file not hidden ({@code .}) or marked ({@code _}) must be a
     * shard, all of one format.
     *
     * @throws JobException not found: the folder is missing; invalid: no shards, a foreign file,
     *                      mixed formats
     */
    public static Split discover(Path inputDir, String name, Configuration conf) {
        Path dir = new Path(inputDir, name);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            FileStatus[] listed;
            try {
                if (!fs.getFileStatus(dir).isDirectory()) {
                    throw JobException.invalid("split " + name + ": " + dir + " is a file, expected a folder of shards");
                }
                listed = fs.listStatus(dir);
            } catch (FileNotFoundException e) {
                throw JobException.notFound("split folder not found: " + dir);
            }
            List<Shard> shards = new ArrayList<>();
            ShardFormat.Detected first = null;
            String firstName = null;
            for (FileStatus st : listed) {
                String file = st.getPath().getName();
                if (file.startsWith(".") || file.startsWith("_")) {
                    continue;
                }
                ShardFormat.Detected d = st.isFile() ? ShardFormat.detect(file) : null;
                if (d == null) {
                    throw JobException.invalid("split " + name + ": unexpected " + (st.isDirectory() ? "folder" : "file") + " "
                            + st.getPath() + " (shards are named part-NNNNN.csv, .tsv, .csv.gz, .tsv.gz or .parquet)");
                }
                if (first == null) {
                    first = d;
                    firstName = file;
                } else if (first.format() != d.format() || first.gzip() != d.gzip()) {
                    throw JobException.invalid("split " + name + ": shards of mixed formats: " + firstName + " is "
                            + first.describe() + " but " + file + " is " + d.describe());
                }
                shards.add(new Shard(st.getPath(), file, st.getLen()));
            }
            if (shards.isEmpty()) {
                throw JobException.invalid("split " + name + ": no shards in " + dir + " (expected part-NNNNN.csv, .tsv or .parquet files)");
            }
            shards.sort(Comparator.comparing(Shard::name));
            return new Split(name, dir, first.format(), first.gzip(), List.copyOf(shards));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
