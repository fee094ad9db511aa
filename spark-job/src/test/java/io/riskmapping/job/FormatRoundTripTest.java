package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.artifacts.RiskTableMapCodec;
import io.riskmapping.artifacts.SafeUnpickler;
import io.riskmapping.testing.SparkTestSession;

/** TSV, Parquet (our and Spark's shard names), gzipped CSV/TSV, and CSV text fidelity. */
class FormatRoundTripTest {

    static final List<String> FIELDS = List.of("checking_status", "credit_history", "purpose", "savings_status", "employment",
            "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job",
            "own_telephone", "foreign_worker");

    @TempDir
    static Path tmp;
    /** The CSV run: the reference the other formats must agree with. */
    static Path csvOut;

    @BeforeAll
    static void csvReference() {
        csvOut = tmp.resolve("csv-out");
        JobHarness.Result r = JobHarness.run(JobHarness.training(SparkTestSession.germanCredit("csv"), csvOut));
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void tsvGivesTsvShardsWithTheSameValues() {
        Path out = tmp.resolve("tsv-out");
        JobHarness.Result r = JobHarness.run(JobHarness.training(SparkTestSession.germanCredit("tsv"), out));
        assertEquals(0, r.exitCode(), r.toString());
        assertSameTextValues(csvOut, ".csv", out, ".tsv");
    }

    @Test
    void gzippedCsvGivesGzippedShardsWithTheSameValues() throws IOException {
        Path in = tmp.resolve("gz-in");
        for (String split : TrainingJobTest.SPLITS) {
            Path src = SparkTestSession.germanCredit("csv").resolve(split);
            for (String shard : JobHarness.names(src)) {
                Path dst = in.resolve(split).resolve(shard + ".gz");
                Files.createDirectories(dst.getParent());
                try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(dst))) {
                    os.write(Files.readAllBytes(src.resolve(shard)));
                }
            }
        }
        Path out = tmp.resolve("gz-out");
        JobHarness.Result r = JobHarness.run(JobHarness.training(in, out));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("part-00000.csv.gz", "part-00001.csv.gz", "part-00002.csv.gz"), JobHarness.names(out.resolve("val")));
        byte[] magic = Files.readAllBytes(out.resolve("val/part-00000.csv.gz"));
        assertTrue((magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b, "output is gzip");
        assertSameTextValues(csvOut, ".csv", out, ".csv.gz");
        assertTrue(r.out().contains("csv.gz"), r.out());
    }

    @Test
    void parquetKeepsItsSchemaAndRowsWithOurAndSparksShardNames() throws IOException {
        Path in = tmp.resolve("parquet-in");
        for (String split : TrainingJobTest.SPLITS) {
            Path src = SparkTestSession.germanCredit("parquet").resolve(split);
            for (String shard : JobHarness.names(src)) {
                // val uses Spark's own naming style, train and test ours
                String name = split.equals("val") ? shard.replace(".parquet", "-3f1b2c4d-0000-4000-8000-000000000000-c000.snappy.parquet") : shard;
                Files.createDirectories(in.resolve(split));
                Files.copy(src.resolve(shard), in.resolve(split).resolve(name));
            }
        }
        Path out = tmp.resolve("parquet-out");
        JobHarness.Result r = JobHarness.run(JobHarness.training(in, out));
        assertEquals(0, r.exitCode(), r.toString());
        assertParquetMatchesCsv(in, out);
    }

    /*
     * Without the report (whose drift counts need the keys), every Parquet split is mapped from its
     * column batches (ColumnarMapping, by dictionary id) and the fit counts them (ColumnarCounts);
     * with spark.riskmapping.parquetBatches=false the job takes Spark's rows. Both give the CSV run's
     * values, shard for shard.
     */
    @Test
    void parquetMappedFromColumnBatchesOrFromRowsGivesTheSameValues() throws IOException {
        Path in = SparkTestSession.germanCredit("parquet");
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        for (boolean batches : new boolean[] {true, false}) {
            Path out = tmp.resolve("parquet-batches-" + batches);
            if (!batches) {
                spark.conf().set(io.riskmapping.ml.feature.exec.parquet.ParquetBatches.ENABLED, "false");
            }
            try {
                String[] args = JobHarness.training(in, out);
                String[] noReport = java.util.Arrays.copyOf(args, args.length + 1);
                noReport[args.length] = "--no-report";
                JobHarness.Result r = JobHarness.run(noReport);
                assertEquals(0, r.exitCode(), r.toString());
                for (String split : TrainingJobTest.SPLITS) {
                    assertEquals(batches, r.err().contains("transform " + split + ": 3 shards (parquet), mapped from column batches"), r.err());
                }
                // the fit says where it counted: the column batches, or (the path switched off) Spark's rows
                assertTrue(r.err().contains("counted from " + (batches ? "column batches" : "Spark's rows") + ")"), r.err());
            } finally {
                spark.conf().unset(io.riskmapping.ml.feature.exec.parquet.ParquetBatches.ENABLED);
            }
            assertParquetMatchesCsv(in, out);
        }
    }

    /** Each Parquet output shard has its input's rows and types, with the CSV run's values in the mapped fields. */
    private static void assertParquetMatchesCsv(Path in, Path out) {
        for (String split : TrainingJobTest.SPLITS) {
            List<String> names = JobHarness.names(in.resolve(split));
            assertEquals(names, JobHarness.names(out.resolve(split)));
            for (int s = 0; s < names.size(); s++) {
                List<Row> before = SparkTestSession.get().read().parquet(in.resolve(split).resolve(names.get(s)).toString()).collectAsList();
                org.apache.spark.sql.Dataset<Row> after = SparkTestSession.get().read().parquet(out.resolve(split).resolve(names.get(s)).toString());
                StructType schema = after.schema();
                List<Row> rows = after.collectAsList();
                List<String[]> csv = JobHarness.readText(csvOut.resolve(split).resolve(String.format("part-%05d.csv", s)));
                assertEquals(before.size(), rows.size());
                for (StructField f : schema.fields()) {
                    int c = schema.fieldIndex(f.name());
                    if (FIELDS.contains(f.name())) {
                        assertEquals(DataTypes.DoubleType, f.dataType(), f.name());
                    } else {
                        assertEquals(before.get(0).schema().apply(f.name()).dataType(), f.dataType(), f.name() + " keeps its type");
                    }
                    for (int i = 0; i < rows.size(); i++) {
                        if (FIELDS.contains(f.name())) {
                            assertEquals(Double.parseDouble(csv.get(i + 1)[c]), rows.get(i).getDouble(c), 0.0, split + " " + f.name() + " row " + i);
                        } else {
                            assertEquals(before.get(i).get(c), rows.get(i).get(c), split + " " + f.name() + " row " + i);
                        }
                    }
                }
            }
        }
    }

    /*
     * Each Parquet shard must stay one partition of the transform pass, even when the session would
     * split it: under a 1 KiB maxPartitionBytes Spark plans a German Credit shard (about 10 KiB)
     * as several partitions, and the job would fail its one-partition-per-shard check or write
     * more files than shards. The session's own setting must come back after the run.
     */
    @Test
    void parquetShardsStayWholeWhenTheSessionWouldSplitThem() throws IOException {
        Path in = SparkTestSession.germanCredit("parquet");
        Path out = tmp.resolve("parquet-split-out");
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        String setting = "spark.sql.files.maxPartitionBytes";
        long shardBytes = Files.size(in.resolve("val").resolve(JobHarness.names(in.resolve("val")).get(0)));
        spark.conf().set(setting, "1024");
        try {
            assertTrue(spark.read().parquet(in.resolve("val").resolve(JobHarness.names(in.resolve("val")).get(0)).toString())
                    .rdd().getNumPartitions() > 1, "the session splits a " + shardBytes + "-byte shard");
            JobHarness.Result r = JobHarness.run(JobHarness.training(in, out));
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("1024", spark.conf().get(setting), "the session's setting is restored");
        } finally {
            spark.conf().unset(setting);
        }
        for (String split : TrainingJobTest.SPLITS) {
            List<String> names = JobHarness.names(in.resolve(split));
            assertEquals(names, JobHarness.names(out.resolve(split)));
            for (String name : names) {
                assertEquals(spark.read().parquet(in.resolve(split).resolve(name).toString()).count(),
                        spark.read().parquet(out.resolve(split).resolve(name).toString()).count(), split + "/" + name + " rows");
            }
        }
    }

    /*
     * Hand-made CSV: quoted commas, doubled quotes, a newline inside quotes, padded text, numbers in
     * several spellings, an a__DOT__b header (field a.b), an empty (header-only) shard.
     * With smoothing and threshold off (env), risks are raw event rates:
     *   a.b: " x " 1/1 = 1, "x" 1/1 = 1, "y" 1/2 = 0.5, "z" 0/1 = 0
     *   num (numeric text): 01.50, 1.5, 1.50 -> 1.5: labels 1, 0, 0 = 1/3; 2, 2.0 -> 2: labels 1, 1 = 1
     */
    static final String CRAFTED = "id,txt,a__DOT__b,num,label\n"
            + "1,\"hello, world\", x ,01.50,1\n"
            + "2,\"she said \"\"hi\"\"\",y,1.5,0\n"
            + "3,\"line1\nline2\",x,2,1\n"
            + "4,,z,1.50,0\n"
            + "5,  padded  ,y,2.0,1\n";

    @Test
    void csvTextIsWrittenBackAsReadAndDotsAndNumericTextAreHandled() throws Exception {
        Path in = tmp.resolve("crafted-in");
        for (String split : TrainingJobTest.SPLITS) {
            JobHarness.write(in.resolve(split).resolve("part-00000.csv"), CRAFTED);
            JobHarness.write(in.resolve(split).resolve("part-00001.csv"), "id,txt,a__DOT__b,num,label\n");
        }
        Path hp = tmp.resolve("crafted-hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"a.b\", \"num\"], \"label_name\": \"label\", \"extra_key\": [1, 2]}");
        Path out = tmp.resolve("crafted-out");
        JobHarness.Result r = JobHarness.run(Map.of("SMOOTH_FACTOR", "0", "COUNT_THRESHOLD", "0"), "--job-type", "training",
                "--input-dir", in.toString(), "--output-dir", out.toString(), "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());

        List<String[]> rows = JobHarness.readText(out.resolve("val/part-00000.csv"));
        assertArrayEquals(new String[] {"id", "txt", "a__DOT__b", "num", "label"}, rows.get(0));
        String[] txt = {"hello, world", "she said \"hi\"", "line1\nline2", null, "  padded  "};
        double[] ab = {1, 0.5, 1, 0, 0.5};
        double[] num = {1.0 / 3, 1.0 / 3, 1, 1.0 / 3, 1};
        String[] label = {"1", "0", "1", "0", "1"};
        for (int i = 0; i < 5; i++) {
            assertEquals(String.valueOf(i + 1), rows.get(i + 1)[0]);
            assertEquals(txt[i], rows.get(i + 1)[1], "txt row " + i);
            assertEquals(ab[i], Double.parseDouble(rows.get(i + 1)[2]), 1e-15, "a.b row " + i);
            assertEquals(num[i], Double.parseDouble(rows.get(i + 1)[3]), 1e-15, "num row " + i);
            assertEquals(label[i], rows.get(i + 1)[4]);
        }
        String raw = Files.readString(out.resolve("val/part-00000.csv"));
        assertTrue(raw.contains("\"hello, world\"") && raw.contains("\"she said \"\"hi\"\"\"") && raw.contains("\"line1\nline2\""), raw);
        List<String[]> empty = JobHarness.readText(out.resolve("val/part-00001.csv"));
        assertEquals(1, empty.size(), "empty shard has no rows");
        assertArrayEquals(new String[] {"id", "txt", "a__DOT__b", "num", "label"}, empty.get(0), "empty shard keeps its header");

        JsonNode t = new ObjectMapper().readTree(out.resolve("model_artifacts/risk_table_map.json").toFile()).get("risk_tables");
        assertEquals("numeric", t.get("num").get("mode").asText());
        List<String> numKeys = new java.util.ArrayList<>();
        t.get("num").get("bins").fieldNames().forEachRemaining(numKeys::add);
        assertEquals(List.of("1.5", "2"), numKeys, "numeric keys as text: 1.5 and 2 (from 2 and 2.0)");
        assertEquals("a.b", t.get("a.b").get("varName").asText());
        assertTrue(t.get("a.b").get("bins").has(" x "), "text categories are not trimmed");

        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> pkl = (Map<String, Map<String, Object>>) new SafeUnpickler()
                .loads(Files.readAllBytes(out.resolve("model_artifacts/" + RiskTableMapCodec.PICKLE_FILE)));
        Map<?, ?> numBins = (Map<?, ?>) pkl.get("num").get("bins");
        assertEquals(2, numBins.size());
        assertTrue(numBins.keySet().stream().allMatch(k -> k instanceof Double), "1.5 is not integral: float keys " + numBins);
        JsonNode hpOut = new ObjectMapper().readTree(out.resolve("model_artifacts/hyperparameters.json").toFile());
        assertEquals("[1,2]", hpOut.get("unknown_keys").get("extra_key").toString(), "unknown keys are kept, apart");
    }

    @Test
    void integralNumericTextGivesIntPickleKeys() throws Exception {
        Path in = tmp.resolve("int-in");
        String data = "n,label\n1,1\n2,0\n1.0,0\n3,1\n";
        for (String split : TrainingJobTest.SPLITS) {
            JobHarness.write(in.resolve(split).resolve("part-00000.csv"), data);
        }
        Path hp = tmp.resolve("int-hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"n\"], \"label_name\": \"label\", \"count_threshold\": 0}");
        Path out = tmp.resolve("int-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> pkl = (Map<String, Map<String, Object>>) new SafeUnpickler()
                .loads(Files.readAllBytes(out.resolve("model_artifacts/risk_table_map.pkl")));
        Map<?, ?> bins = (Map<?, ?>) pkl.get("n").get("bins");
        assertEquals("numeric", pkl.get("n").get("mode"));
        assertEquals(3, bins.size(), "1 and 1.0 are one category: " + bins);
        assertTrue(bins.keySet().stream().allMatch(k -> k instanceof Integer || k instanceof Long), "int keys: " + bins);
        // m = floor(4 * 0.01) = 0: category 1 has labels 1, 0 -> 0.5
        assertEquals(0.5, ((Number) bins.get(1)).doubleValue(), 1e-15);
    }

    /**
     * Text the CSV record path (CsvFiles, CsvCounts, CsvMapping) must read and write exactly as
     * Spark's CSV reader and writer do: quoted separators, doubled quotes, a quoted line break, CRLF
     * line ends, quoted and unquoted empty values, spaces, non-ASCII text and a real U+FFFD, an
     * all-empty record, a header with a space, labels spelled " 1", "1.0", "1d", "-1", "0e0" and empty,
     * and in val a category train never saw.
     */
    static final String TRICKY_TRAIN = "id,\"the city\",colour,label\r\n"
            + "1,\"Paris, FR\",red,1\r\n"
            + "2,\"say \"\"hi\"\"\",\"re\nd\", 1\r\n"
            + "3,\"\",,0\r\n"
            + "4,,\"\",1.0\r\n"
            + "5,  Zürich  ,blue,1d\r\n"
            + "6,K\u00f8benhavn \uFFFD,blue,-1\r\n"
            + ",,,\r\n"
            + "8,Paris,\"red\",0e0\r\n"
            + "9,Paris,green,0\r\n";
    static final String TRICKY_VAL = "id,\"the city\",colour,label\r\n"
            + "1,\"Paris, FR\",purple,1\r\n"
            + "2,Paris,\"re\nd\",0\r\n"
            + "3,,\"\",\r\n"
            + ",,,\r\n";

    /**
     * The CSV record path (the default) and Spark's rows ({@code spark.riskmapping.csvFiles=false})
     * write the same bytes, shard for shard, and the same tables, for CSV, TSV and gzipped CSV.
     */
    @Test
    void csvMappedFromRecordsOrFromRowsGivesTheSameBytes() throws IOException {
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        for (String ext : new String[] {".csv", ".tsv", ".csv.gz"}) {
            Path in = tmp.resolve("tricky-in" + ext);
            for (String split : TrainingJobTest.SPLITS) {
                String text = "train".equals(split) ? TRICKY_TRAIN : TRICKY_VAL;
                if (ext.equals(".tsv")) {
                    text = text.replace(",", "\t").replace("Paris\t FR", "Paris, FR");
                }
                byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (ext.endsWith(".gz")) {
                    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
                    try (OutputStream o = new GZIPOutputStream(gz)) {
                        o.write(bytes);
                    }
                    bytes = gz.toByteArray();
                }
                Files.createDirectories(in.resolve(split));
                Files.write(in.resolve(split).resolve("part-00000" + ext), bytes);
                Files.write(in.resolve(split).resolve("part-00001" + ext), bytes);
            }
            Path hp = tmp.resolve("tricky-hp.json");
            JobHarness.write(hp, "{\"cat_field_list\": [\"the city\", \"colour\"], \"label_name\": \"label\"}");
            Map<Boolean, Path> outs = new java.util.HashMap<>();
            for (boolean records : new boolean[] {true, false}) {
                Path out = tmp.resolve("tricky-out" + ext + "-" + records);
                outs.put(records, out);
                if (!records) {
                    spark.conf().set(io.riskmapping.ml.feature.exec.csv.CsvFiles.ENABLED, "false");
                }
                try {
                    JobHarness.Result r = JobHarness.run(Map.of("SMOOTH_FACTOR", "0.1", "COUNT_THRESHOLD", "1"), "--job-type", "training",
                            "--input-dir", in.toString(), "--output-dir", out.toString(), "--hyperparameters", hp.toString());
                    assertEquals(0, r.exitCode(), r.toString());
                    for (String split : TrainingJobTest.SPLITS) {
                        assertEquals(records, r.err().contains("transform " + split + ": 2 shards (" + ext.substring(1) + "), mapped from CSV records"),
                                r.err());
                    }
                    assertTrue(r.err().contains("counted from " + (records ? "CSV records" : "Spark's rows") + ")"), r.err());
                } finally {
                    spark.conf().unset(io.riskmapping.ml.feature.exec.csv.CsvFiles.ENABLED);
                }
            }
            for (String split : TrainingJobTest.SPLITS) {
                for (String shard : List.of("part-00000" + ext, "part-00001" + ext)) {
                    byte[] a = readMaybeGzipped(outs.get(true).resolve(split).resolve(shard));
                    byte[] b = readMaybeGzipped(outs.get(false).resolve(split).resolve(shard));
                    assertEquals(new String(b, java.nio.charset.StandardCharsets.UTF_8), new String(a, java.nio.charset.StandardCharsets.UTF_8),
                            ext + " " + split + " " + shard);
                }
            }
            assertEquals(Files.readString(outs.get(false).resolve("model_artifacts/risk_table_map.json")),
                    Files.readString(outs.get(true).resolve("model_artifacts/risk_table_map.json")), ext + " tables");
        }
        // Hand-computed: per shard the labelled rows are ids 1, 2 (" 1"), 3, 4 ("1.0"), 5 ("1d"), 8 ("0e0"), 9;
        // id 6 (-1) and the empty record are unlabelled: 14 fitted rows, 8 events, prior 8/14, m = floor(14 * 0.1) = 1.
        // red: ids 1 (event) and 8 in both shards: (2 + 1 * 8/14) / (4 + 1).
        JsonNode t = new ObjectMapper().readTree(tmp.resolve("tricky-out.csv-true/model_artifacts/risk_table_map.json").toFile())
                .get("risk_tables").get("colour").get("bins");
        assertEquals(List.of("blue", "green", "re\nd", "red"), fieldNames(t), "categories; empty values are null");
        assertEquals((2 + 8.0 / 14) / 5, t.get("red").asDouble(), 1e-15);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static byte[] readMaybeGzipped(Path p) throws IOException {
        byte[] raw = Files.readAllBytes(p);
        if (p.toString().endsWith(".gz")) {
            try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    private static void assertSameTextValues(Path refOut, String refExt, Path out, String ext) {
        for (String split : TrainingJobTest.SPLITS) {
            for (int s = 0; s < 3; s++) {
                List<String[]> a = JobHarness.readText(refOut.resolve(split).resolve(String.format("part-%05d%s", s, refExt)));
                List<String[]> b = JobHarness.readText(out.resolve(split).resolve(String.format("part-%05d%s", s, ext)));
                assertEquals(a.size(), b.size(), split + " shard " + s);
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.get(i), b.get(i), split + " shard " + s + " row " + i);
                }
            }
        }
    }
}
