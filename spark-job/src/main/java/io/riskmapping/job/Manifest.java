package io.riskmapping.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The check a run makes of its staged folders before it publishes them, and its record,
 * {@value #FILE} in the artifacts folder.
 *
 * <p>{@link #verify} looks up every piece the run is about to report: each split folder with each
 * of its shards (named as the input shards) and each artifact file. A missing piece (a folder
 * removed by someone else while the run wrote it, a write that silently produced nothing) throws
 * {@link JobException#failed} (exit code 3) naming it, so that nothing is published. The record
 * gives, per shard, its size in bytes and its row count, plus the file system's own checksum when
 * it keeps one at no cost (HDFS's {@code MD5-of-MD5-of-CRC32C}; none on the local file system, where
 * the shards are not read again); per artifact, its size and SHA-256 (artifacts are small, and read
 * once more for it). It holds no time or run id: two runs that write the same output write the
 * same manifest.
 */
final class Manifest {

    /** The manifest's file name in the artifacts folder. */
    static final String FILE = "_manifest.json";
    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A split the run wrote: its folder under the staged output, its shard names and rows per shard. */
    record StagedSplit(String name, Path folder, List<String> shards, List<Long> rows) {
    }

    private Manifest() {
    }

    /**
     * Checks that every split folder, shard and artifact is in the staged folders and returns the
     * manifest's JSON bytes (write it with {@link ArtifactStore#write}).
     *
     * @param fileSystems  the file system of a path (the output and the artifacts may be on two)
     * @param artifactsDir the staged artifacts folder
     * @param artifacts    the artifact file names the run reports (without {@value #FILE})
     * @throws JobException (exit 3) naming the first missing piece
     */
    static byte[] verify(Function<Path, FileSystem> fileSystems, String jobType, List<StagedSplit> splits, Path artifactsDir,
            List<String> artifacts) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("job_type", jobType);
        ObjectNode splitsNode = root.putObject("splits");
        try {
            for (StagedSplit s : splits) {
                FileSystem fs = fileSystems.apply(s.folder());
                ObjectNode sn = splitsNode.putObject(s.name());
                require(fs, s.folder(), true, "split folder " + s.name());
                ArrayNode shards = sn.putArray("shards");
                long total = 0;
                for (int i = 0; i < s.shards().size(); i++) {
                    Path p = new Path(s.folder(), s.shards().get(i));
                    FileStatus st = require(fs, p, false, "shard " + s.name() + "/" + s.shards().get(i));
                    ObjectNode shard = shards.addObject();
                    shard.put("name", s.shards().get(i));
                    shard.put("bytes", st.getLen());
                    shard.put("rows", s.rows().get(i));
                    FileChecksum sum = fs.getFileChecksum(p);
                    if (sum != null) {
                        shard.put("checksum", sum.getAlgorithmName() + ":" + HexFormat.of().formatHex(sum.getBytes()));
                    }
                    total += s.rows().get(i);
                }
                sn.put("rows", total);
            }
            ArrayNode files = root.putArray("artifacts");
            FileSystem fs = fileSystems.apply(artifactsDir);
            for (String name : artifacts) {
                Path p = new Path(artifactsDir, name);
                FileStatus st = require(fs, p, false, "artifact " + name);
                ObjectNode f = files.addObject();
                f.put("name", name);
                f.put("bytes", st.getLen());
                f.put("sha256", sha256(fs, p));
            }
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the staged output: " + e.getMessage(), e);
        }
    }

    private static FileStatus require(FileSystem fs, Path p, boolean folder, String what) throws IOException {
        FileStatus st;
        try {
            st = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            throw JobException.failed("the staged output lacks the " + what + " (" + p
                    + "): was it removed by another process? Nothing was published");
        }
        if (st.isDirectory() != folder) {
            throw JobException.failed("the staged output's " + what + " (" + p + ") is not a " + (folder ? "folder" : "file")
                    + ": nothing was published");
        }
        return st;
    }

    private static String sha256(FileSystem fs, Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = fs.open(p)) {
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The manifest's splits as name &rarr; shard names, for tests and readers. */
    static Map<String, List<String>> shardNames(byte[] manifest) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JSON.readTree(manifest).get("splits").properties().forEach(e -> {
            List<String> names = new ArrayList<>();
            e.getValue().get("shards").forEach(s -> names.add(s.get("name").asText()));
            out.put(e.getKey(), names);
        });
        return out;
    }
}
