package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.riskmapping.testing.SparkTestSession;

/**
 * The job against an in-process HDFS (Hadoop's {@link MiniDFSCluster}): hdfs:// input, output,
 * artifacts output and hyperparameters, compared with the same run on local paths.
 *
 * <p>Both sides use one layout below a root: {@code in/<case>/<split>/}, {@code out/<case>/},
 * {@code artifacts/<case>/}, {@code conf/}; the local root is {@code spark-job/target/hdfs-it/local},
 * the HDFS root {@code hdfs://localhost:<port>/it}. Paths and timings are the only expected differences.
 */
class HdfsJobIT {

    static final List<String> ARTIFACTS = List.of("hyperparameters.json", "iv_summary.json", "risk_table_map.json", "risk_table_map.pkl",
            "train_profile.json");

    static java.nio.file.Path base;
    static java.nio.file.Path local;
    static MiniDFSCluster cluster;
    static FileSystem hdfs;
    static Path root;
    static Map<String, String> hdfsInput;
    static Pair csv;

    /** One job run on local paths and the same run on hdfs:// paths. */
    record Pair(JobHarness.Result local, JobHarness.Result hdfs) {
    }

    @BeforeAll
    static void startHdfsAndRunTrainingOnCsv() throws IOException, InterruptedException {
        base = SparkTestSession.repoRoot().resolve("spark-job/target/hdfs-it");
        FileUtil.fullyDelete(base.toFile());
        local = base.resolve("local");
        Thread warmSpark = new Thread(SparkTestSession::get, "spark-warm-up");
        warmSpark.start();
        Configuration conf = new Configuration();
        conf.setInt("dfs.replication", 1);
        // the client polls the namenode until a closed file's block is reported: from 400 ms on by default, per file
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
        cluster = new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile()).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        root = hdfs.makeQualified(new Path("/it"));

        java.nio.file.Path data = SparkTestSession.germanCredit("csv").getParent();
        for (String format : List.of("csv", "parquet")) {
            upload(data.resolve(format), "in/" + format);
        }
        for (String split : TrainingJobTest.SPLITS) {
            for (String shard : JobHarness.names(data.resolve("csv").resolve(split))) {
                byte[] gz = gzip(Files.readAllBytes(data.resolve("csv").resolve(split).resolve(shard)));
                write("in/csv-gz/" + split + "/" + shard + ".gz", gz);
            }
        }
        upload(data.resolve("csv").resolve("val"), "in/validation/validation");
        write("conf/hyperparameters.json", Files.readAllBytes(JobHarness.hyperparameters()));
        hdfsInput = hdfsChecksums(new Path(root, "in/csv"));

        warmSpark.join();
        csv = both(r -> training(r, "csv", r + "/conf/hyperparameters.json"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    // ---------------------------------------------------------------- the runs

    @Test
    void csvTrainingOnHdfsGivesTheLocalRunsShardsAndArtifacts() throws IOException {
        assertSameOutput("csv", "csv", true);
        assertTrue(csv.hdfs().out().contains("input      " + root + "/in/csv (csv)"), csv.hdfs().out());
        assertTrue(csv.hdfs().out().matches("(?s).*train\\s+600 rows\\s+3 shards.*val\\s+200 rows\\s+3 shards.*"), csv.hdfs().out());
        assertEquals(List.of("test", "train", "val"), hdfsNames(new Path(root, "out/csv")),
                "the artifacts went to --model-artifacts-output: no model_artifacts, staging or marker in the output");
        assertEquals(hdfsInput, hdfsChecksums(new Path(root, "in/csv")), "the input is only read");
    }

    @Test
    void validationReadsTheArtifactsFromHdfsAndRerunsOverItsOutput() throws IOException {
        Pair v = both(r -> new String[] {"--job-type", "validation", "--input-dir", r + "/in/validation", "--output-dir", r + "/out/validation",
            "--model-artifacts-input", r + "/artifacts/csv"});
        assertEquals(0, v.hdfs().exitCode(), v.hdfs().toString());
        assertEquals(0, v.local().exitCode(), v.local().toString());
        Map<String, String> shards = hdfsChecksums(new Path(root, "out/validation/validation"));
        assertEquals(JobHarness.checksums(local.resolve("out/validation/validation")), shards, "same shard names and bytes as locally");
        assertEquals(hdfsChecksums(new Path(root, "out/csv/val")), shards, "the training run's val shards, byte for byte");
        Map<String, String> carried = hdfsChecksums(new Path(root, "out/validation/model_artifacts"));
        Map<String, String> trained = hdfsChecksums(new Path(root, "artifacts/csv"));
        for (String a : ARTIFACTS) {
            assertEquals(trained.get(a), carried.get(a), a + " carried over from the hdfs:// artifacts input unchanged");
        }

        // --overwrite publishes over existing folders (an HDFS rename onto an existing folder would move into it),
        // with hdfs:/// paths resolved against fs.defaultFS as on a cluster
        Configuration hadoop = SparkTestSession.get().sparkContext().hadoopConfiguration();
        String defaultFs = hadoop.get(FileSystem.FS_DEFAULT_NAME_KEY);
        hadoop.set(FileSystem.FS_DEFAULT_NAME_KEY, hdfs.getUri().toString());
        JobHarness.Result again;
        try {
            again = JobHarness.run("--job-type", "validation", "--input-dir", "hdfs:///it/in/validation", "--output-dir",
                    "hdfs:///it/out/validation", "--model-artifacts-input", "hdfs:///it/artifacts/csv", "--overwrite");
        } finally {
            hadoop.set(FileSystem.FS_DEFAULT_NAME_KEY, defaultFs);
        }
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("output     " + root + "/out/validation"), "qualified: " + again.out());
        assertEquals(shards, hdfsChecksums(new Path(root, "out/validation/validation")), "replaced, not nested");
        assertEquals(List.of("model_artifacts", "validation"), hdfsNames(new Path(root, "out/validation")));
        assertEquals(carried.keySet(), hdfsChecksums(new Path(root, "out/validation/model_artifacts")).keySet(), "replaced, not nested");
        assertNoClutter(new Path(root, "out/validation"));
        JobHarness.Result refused = JobHarness.run("--job-type", "validation", "--input-dir", root + "/in/validation",
                "--output-dir", root + "/out/validation", "--model-artifacts-input", root + "/artifacts/csv");
        assertEquals(2, refused.exitCode(), refused.toString());
        assertEquals(shards, hdfsChecksums(new Path(root, "out/validation/validation")), "existing output left alone");
    }

    @Test
    void aClaimOnHdfsIsRefusedWhileLiveAndTakenOverWhenStale() throws IOException {
        Path lock = new Path(root, "out/.claimed.risk-table-mapping-lock");
        try (org.apache.hadoop.fs.FSDataOutputStream o = hdfs.create(lock, false)) {
            o.write(("{\"host\": \"another-host\", \"pid\": 4242, \"start\": \"2026-01-01T00:00:00Z\", \"run_id\": \"r1\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String[] args = {"--job-type", "validation", "--input-dir", root + "/in/validation", "--output-dir", root + "/out/claimed",
            "--model-artifacts-input", root + "/artifacts/csv"};
        JobHarness.Result refused = JobHarness.run(args);
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("output folder " + root + "/out/claimed is claimed by another run (host another-host, process 4242"),
                refused.err());
        assertFalse(hdfs.exists(new Path(root, "out/claimed")), "nothing written");
        assertTrue(hdfs.exists(lock), "the live claim is left as it was");
        // the holder stopped refreshing 11 minutes ago (another host: its process cannot be looked up)
        hdfs.setTimes(lock, System.currentTimeMillis() - java.time.Duration.ofMinutes(11).toMillis(), -1);
        JobHarness.Result taken = JobHarness.run(args);
        assertEquals(0, taken.exitCode(), taken.toString());
        assertTrue(taken.err().contains("claim: took over the stale claim on " + root + "/out/claimed of host another-host, process 4242"),
                taken.err());
        assertFalse(hdfs.exists(lock), "the claim is released at the end");
        assertEquals(List.of("model_artifacts", "validation"), hdfsNames(new Path(root, "out/claimed")));
    }

    @Test
    void parquetTrainingOnHdfsGivesTheLocalRunsShardsAndArtifacts() throws IOException {
        Pair p = both(r -> training(r, "parquet", r + "/conf"));
        assertEquals(0, p.hdfs().exitCode(), p.hdfs().toString());
        assertEquals(0, p.local().exitCode(), p.local().toString());
        assertSameOutput("parquet", "parquet", false);
        // the bytes are the same; read back, every output shard has its input shard's row count
        assertEquals(rowsPerFile(root + "/in/parquet"), rowsPerFile(root + "/out/parquet"));
    }

    /** "split/shard" &rarr; rows, for the Parquet shards of the three splits below a folder (one Spark job). */
    static Map<String, Long> rowsPerFile(String dir) {
        Map<String, Long> out = new TreeMap<>();
        String[] splits = TrainingJobTest.SPLITS.stream().map(s -> dir + "/" + s).toArray(String[]::new);
        for (Row r : SparkTestSession.get().read().parquet(splits).groupBy(functions.input_file_name()).count().collectAsList()) {
            String file = r.getString(0);
            out.put(file.substring(file.lastIndexOf('/', file.lastIndexOf('/') - 1) + 1), r.getLong(1));
        }
        return out;
    }

    @Test
    void gzippedCsvOnHdfsWithArtifactsOnTheLocalFileSystem() throws IOException {
        // input and output on HDFS, artifacts on another file system (published by copy, not rename); the
        // reference is the local CSV run: the same text, gzipped, and the same artifacts
        java.nio.file.Path artifacts = base.resolve("mixed/artifacts/csv-gz");
        JobHarness.Result h = JobHarness.run("--job-type", "training", "--input-dir", root + "/in/csv-gz", "--output-dir",
                root + "/out/csv-gz", "--model-artifacts-output", artifacts.toUri().toString(), "--hyperparameters",
                root + "/conf/hyperparameters.json", "--no-report");
        assertEquals(0, h.exitCode(), h.toString());
        for (String split : TrainingJobTest.SPLITS) {
            java.nio.file.Path csvShards = local.resolve("out/csv").resolve(split);
            List<String> names = new ArrayList<>();
            for (String shard : JobHarness.names(csvShards)) {
                names.add(shard + ".gz");
                byte[] gz = read(new Path(root, "out/csv-gz/" + split + "/" + shard + ".gz"));
                assertArrayEquals(Files.readAllBytes(csvShards.resolve(shard)), new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(),
                        split + "/" + shard + ".gz holds the local CSV run's text");
            }
            assertEquals(names, hdfsNames(new Path(root, "out/csv-gz/" + split)), split);
        }
        assertEquals(List.of("test", "train", "val"), hdfsNames(new Path(root, "out/csv-gz")));
        assertNoClutter(new Path(root, "out/csv-gz"));
        List<String> withManifest = new ArrayList<>(ARTIFACTS);
        withManifest.add(0, Manifest.FILE);
        assertEquals(withManifest, JobHarness.names(artifacts), "no .crc files beside the copied artifacts");
        for (String a : ARTIFACTS) {
            assertArrayEquals(Files.readAllBytes(local.resolve("artifacts/csv").resolve(a)), Files.readAllBytes(artifacts.resolve(a)), a);
        }
    }

    @Test
    void badInputOnHdfsFailsWithTheLocalExitCodeAndWritesNothing() throws IOException {
        // a split folder missing: found before anything is written
        java.nio.file.Path data = SparkTestSession.germanCredit("csv");
        for (String split : List.of("train", "val")) {
            upload(data.resolve(split), "in/no-test/" + split);
        }
        Pair missing = both(r -> training(r, "no-test", r + "/conf/hyperparameters.json"));
        assertEquals(1, missing.local().exitCode(), missing.local().toString());
        assertEquals(1, missing.hdfs().exitCode(), missing.hdfs().toString());
        assertTrue(missing.hdfs().err().contains("split folder not found: " + root + "/in/no-test/test"), missing.hdfs().err());

        // a mapped field missing from val: train is already fitted and written into staging when it fails
        for (String split : List.of("train", "test")) {
            upload(data.resolve(split), "in/no-purpose/" + split);
        }
        byte[] val = withoutColumn(Files.readAllBytes(data.resolve("val/part-00000.csv")), "purpose");
        write("in/no-purpose/val/part-00000.csv", val);
        Pair noField = both(r -> training(r, "no-purpose", r + "/conf/hyperparameters.json"));
        assertEquals(2, noField.local().exitCode(), noField.local().toString());
        assertEquals(2, noField.hdfs().exitCode(), noField.hdfs().toString());
        assertTrue(noField.hdfs().err().contains("field 'purpose' not found in val"), noField.hdfs().err());

        for (String c : List.of("no-test", "no-purpose")) {
            assertFalse(hdfs.exists(new Path(root, "out/" + c)), c + ": no output folder (nor staging) left on HDFS");
            assertFalse(hdfs.exists(new Path(root, "artifacts/" + c)), c + ": no artifacts on HDFS");
            assertFalse(Files.exists(local.resolve("out/" + c)), c + ": no local output folder");
            assertFalse(Files.exists(local.resolve("artifacts/" + c)), c + ": no local artifacts");
        }
    }

    // ---------------------------------------------------------------- comparing

    /**
     * The HDFS run of a case against its local run: the same shard names and bytes per split, the
     * same artifact files, the model files byte for byte, run_summary.json equal but for paths
     * and timings, report.html equal but for paths and timings; no checksum, marker or staging file.
     */
    static void assertSameOutput(String c, String format, boolean report) throws IOException {
        for (String split : TrainingJobTest.SPLITS) {
            Map<String, String> l = JobHarness.checksums(local.resolve("out").resolve(c).resolve(split));
            assertEquals(JobHarness.names(SparkTestSession.germanCredit(format).resolve(split)), List.copyOf(l.keySet()), split);
            assertEquals(l, hdfsChecksums(new Path(root, "out/" + c + "/" + split)), split + ": the same shard names and bytes");
            if (!"parquet".equals(format)) {
                for (String shard : l.keySet()) {
                    assertEquals(JobHarness.readText(SparkTestSession.germanCredit(format).resolve(split).resolve(shard)).size(),
                            JobHarness.readText(local.resolve("out").resolve(c).resolve(split).resolve(shard)).size(), split + "/" + shard + " rows");
                }
            }
        }
        Path hdfsArtifacts = new Path(root, "artifacts/" + c);
        Map<String, String> l = JobHarness.checksums(local.resolve("artifacts").resolve(c));
        Map<String, String> h = hdfsChecksums(hdfsArtifacts);
        assertEquals(l.keySet(), h.keySet(), "the same artifact files");
        for (String a : ARTIFACTS) {
            assertEquals(l.get(a), h.get(a), a + " byte for byte");
        }
        // the manifest: the same shards, bytes and rows; on HDFS each shard also has the file system's checksum
        JsonNode lm = readJson(Files.readAllBytes(local.resolve("artifacts").resolve(c).resolve(Manifest.FILE)));
        JsonNode hm = readJson(read(new Path(hdfsArtifacts, Manifest.FILE)));
        for (String split : TrainingJobTest.SPLITS) {
            JsonNode ls = lm.get("splits").get(split).get("shards");
            JsonNode hs = hm.get("splits").get(split).get("shards");
            assertEquals(ls.size(), hs.size());
            for (int i = 0; i < ls.size(); i++) {
                assertEquals(ls.get(i).get("bytes"), hs.get(i).get("bytes"), split + " shard " + i);
                assertEquals(ls.get(i).get("rows"), hs.get(i).get("rows"), split + " shard " + i);
                assertFalse(ls.get(i).has("checksum"), "no checksum of the local file system's");
                assertTrue(hs.get(i).get("checksum").asText().startsWith("MD5-of-"), hs.get(i).toString());
            }
        }
        if (report) {
            String localRoot = "file:" + local.toAbsolutePath();
            JsonNode ls = withoutTimings(readJson(Files.readAllBytes(local.resolve("artifacts").resolve(c).resolve(ArtifactWriter.RUN_SUMMARY_FILE))));
            JsonNode hs = withoutTimings(readJson(read(new Path(hdfsArtifacts, ArtifactWriter.RUN_SUMMARY_FILE))));
            assertEquals(root + "/in/" + c + " (" + format + ")", hs.get("run").get("input").asText());
            assertEquals(ls.toString(), hs.toString().replace(root.toString(), localRoot), "run_summary.json but for paths and timings");
            String lr = withoutTimings(Files.readString(local.resolve("artifacts").resolve(c).resolve(ArtifactWriter.REPORT_FILE)));
            String hr = withoutTimings(new String(read(new Path(hdfsArtifacts, ArtifactWriter.REPORT_FILE)), StandardCharsets.UTF_8));
            assertEquals(lr, hr.replace(root.toString(), localRoot), "report.html but for paths and timings");
        }
        assertNoClutter(new Path(root, "out/" + c));
        assertNoClutter(hdfsArtifacts);
    }

    private static final Pattern SECONDS = Pattern.compile("\\d+\\.\\d( s in all|</td></tr>)");

    private static String withoutTimings(String html) {
        return SECONDS.matcher(html).replaceAll("…$1");
    }

    private static JsonNode withoutTimings(JsonNode summary) {
        ((ObjectNode) summary.get("run")).remove("total_seconds");
        for (String list : List.of("splits", "passes")) {
            summary.get(list).forEach(n -> ((ObjectNode) n).remove("seconds"));
        }
        return summary;
    }

    private static JsonNode readJson(byte[] bytes) throws IOException {
        return new ObjectMapper().readTree(bytes);
    }

    /**
     * No .crc, _SUCCESS or other hidden/marker file anywhere below an HDFS folder, and no staging or
     * trash sibling of it ({@link StagedFolder}) left next to it.
     */
    static void assertNoClutter(Path dir) throws IOException {
        for (String f : hdfsChecksums(dir).keySet()) {
            for (String part : f.split("/")) {
                assertFalse(part.startsWith(".") || part.startsWith("_") && !part.equals(Manifest.FILE) || part.endsWith(".crc"), dir + ": " + f);
            }
        }
        for (FileStatus st : hdfs.listStatus(dir.getParent())) {
            assertFalse(st.getPath().getName().contains(".risk-table-mapping-"), st.getPath().toString());
        }
    }

    // ---------------------------------------------------------------- runs on both sides

    interface Args {
        String[] at(String root) throws IOException;
    }

    /** The same arguments below the local root and below the HDFS root. */
    static Pair both(Args args) throws IOException {
        JobHarness.Result h = JobHarness.run(args.at(root.toString()));
        JobHarness.Result l = JobHarness.run(args.at(local.toString()));
        return new Pair(l, h);
    }

    static String[] training(String r, String c, String hyperparameters) {
        return new String[] {"--job-type", "training", "--input-dir", r + "/in/" + c, "--output-dir", r + "/out/" + c,
            "--model-artifacts-output", r + "/artifacts/" + c, "--hyperparameters", hyperparameters};
    }

    // ---------------------------------------------------------------- files on HDFS and locally

    /** Copies a local folder to {@code root/relative} on HDFS and to the same place below the local root. */
    static void upload(java.nio.file.Path from, String relative) throws IOException {
        hdfs.copyFromLocalFile(false, true, new Path(from.toUri()), new Path(root, relative));
        JobHarness.copyTree(from, local.resolve(relative));
    }

    /** Writes a file to {@code root/relative} on HDFS and to the same place below the local root. */
    static void write(String relative, byte[] bytes) throws IOException {
        try (OutputStream out = hdfs.create(new Path(root, relative), true)) {
            out.write(bytes);
        }
        Files.createDirectories(local.resolve(relative).getParent());
        Files.write(local.resolve(relative), bytes);
    }

    static byte[] read(Path p) throws IOException {
        try (InputStream in = hdfs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** Relative path &rarr; SHA-256 of every file below an HDFS folder (like {@link JobHarness#checksums}). */
    static Map<String, String> hdfsChecksums(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        String prefix = hdfs.makeQualified(dir).toUri().getPath() + "/";
        var files = hdfs.listFiles(dir, true);
        while (files.hasNext()) {
            Path p = files.next().getPath();
            out.put(p.toUri().getPath().substring(prefix.length()), JobHarness.sha256(read(p)));
        }
        return out;
    }

    static List<String> hdfsNames(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus st : hdfs.listStatus(dir)) {
            out.add(st.getPath().getName());
        }
        out.sort(null);
        return out;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** A CSV (no quoted separators, as German Credit) without one column. */
    private static byte[] withoutColumn(byte[] csv, String column) {
        List<String> lines = new String(csv, StandardCharsets.UTF_8).lines().toList();
        int drop = List.of(lines.get(0).split(",", -1)).indexOf(column);
        assertTrue(drop >= 0, column);
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(drop);
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
