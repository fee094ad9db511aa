package io.riskmapping.ml.feature.exec.csv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.upper;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.testing.SparkTestSession;

/**
 * The CSV record paths: the fit's counts ({@link CsvCounts}) and the transform's lines
 * ({@link CsvMapping}) read through {@link CsvFiles}, against Spark's own reader, cast and writer.
 */
class CsvRecordsTest {

    @TempDir
    Path tmp;

    private Dataset<Row> csv(Path dir, boolean multiLine) {
        return SparkTestSession.get().read().option("header", "true").option("multiLine", String.valueOf(multiLine))
                .option("mode", "FAILFAST").csv(dir.toString());
    }

    /** The label texts' classes agree with Spark's cast of the same texts (KeyColumns.labelClass). */
    @Test
    void labelClassesAgreeWithSparksCast() throws IOException {
        List<String> labels = List.of("1", "0", "-1", " 1", "1 ", "1.0", "1e0", "1d", "1f", "+1", "0e0", "-0", "-1.0", "2", "0.5",
                "abc", "NaN", "Infinity", "inf", "   ", "\t1", "0x1p0", "1,0");
        StringBuilder text = new StringBuilder("y\n");
        for (String l : labels) {
            text.append('"').append(l).append("\"\n");
        }
        text.append("\n"); // an empty line: skipped by both
        text.append("\"\"\n"); // a quoted empty value: null
        Path dir = Files.createDirectories(tmp.resolve("labels"));
        Files.writeString(dir.resolve("part-00000.csv"), text);
        Dataset<Row> df = csv(dir, true);
        List<Row> classes = df.select(col("y"), KeyColumns.labelClass(df, "y").as("c")).collectAsList();
        assertEquals(labels.size() + 1, classes.size());
        for (Row r : classes) {
            assertEquals(r.getInt(1), CsvCounts.labelClass(r.getString(0)), "label '" + r.getString(0) + "'");
        }
        // the classes themselves, for the ones the fit cares about
        assertEquals(1, CsvCounts.labelClass(" 1"));
        assertEquals(1, CsvCounts.labelClass("1d"));
        assertEquals(0, CsvCounts.labelClass("-0"));
        assertEquals(KeyColumns.UNLABELLED, CsvCounts.labelClass("   "));
        assertEquals(KeyColumns.UNLABELLED, CsvCounts.labelClass(null));
        assertEquals(KeyColumns.INVALID, CsvCounts.labelClass("NaN"));
    }

    /** Only a plain multi-line CSV scan of strings is read as records; a filter, a computed column or line mode are not. */
    @Test
    void onlyPlainMultiLineScansAreReadAsRecords() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plans"));
        Files.writeString(dir.resolve("part-00000.csv"), "c,y\na,1\nb,0\n");
        Dataset<Row> df = csv(dir, true);
        assertTrue(CsvFiles.scan(df).isPresent());
        assertTrue(CsvFiles.scan(df.select("y", "c")).isPresent());
        assertTrue(CsvFiles.scan(df.filter(col("y").equalTo("1"))).isEmpty());
        assertTrue(CsvFiles.scan(df.select(upper(col("c")).as("c"), col("y"))).isEmpty());
        assertTrue(CsvFiles.scan(csv(dir, false)).isEmpty(), "line mode splits files: Spark's rows");
        assertTrue(CsvFiles.scan(SparkTestSession.get().read().option("header", "true").option("multiLine", "true")
                .option("inferSchema", "true").csv(dir.toString())).isEmpty(), "a typed column");
        SparkSession spark = SparkTestSession.get();
        spark.conf().set(CsvFiles.ENABLED, "false");
        try {
            assertTrue(CsvFiles.scan(df).isEmpty());
        } finally {
            spark.conf().unset(CsvFiles.ENABLED);
        }
    }

    /** Three shards with skewed, quoted and empty values: the fit from records equals the fit from Spark's rows. */
    @Test
    void fitFromRecordsEqualsFitFromRows() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fit"));
        for (int s = 0; s < 3; s++) {
            StringBuilder b = new StringBuilder("a,\"b c\",n,y\n");
            for (int i = 0; i < 2000; i++) {
                int k = (i * 7919 + s * 104729) % 997;
                String a = k % 11 == 0 ? "" : k % 13 == 0 ? "\"\"" : "\"v, " + (k % 37) + "\"";
                String y = k % 17 == 0 ? "" : k % 19 == 0 ? "-1" : (k % 5 == 0 || k % 37 == 3) ? "1" : "0";
                b.append(a).append(",w").append(k % 101).append(',').append(k).append(',').append(y).append('\n');
            }
            Files.writeString(dir.resolve(String.format("part-%05d.csv", s)), b.toString());
        }
        Dataset<Row> df = csv(dir, true);
        RiskTableMapper mapper = new RiskTableMapper().setInputCols(new String[] {"a", "b c"}).setLabelCol("y")
                .setSmoothFactor(0.01).setCountThreshold(2);
        RiskTableMap fromRecords = mapper.fit(df).riskTables();
        assertEquals(fitFromRows(mapper, df), fromRecords);
        assertEquals(37, fromRecords.get("a").bins().size(), "37 quoted categories; an empty value, quoted or not, is null: "
                + fromRecords.get("a").bins().keySet());
        assertTrue(fromRecords.get("a").bins().containsKey("v, 3"));
    }

    /** A record with the wrong number of values is refused in FAILFAST mode, naming the file. */
    @Test
    void raggedRecordsAreRefusedNamingTheFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ragged"));
        Files.writeString(dir.resolve("part-00000.csv"), "c,y\na,1\nb\n");
        Dataset<Row> df = csv(dir, true);
        RiskTableMapperModel model = RiskTableMapperModel.fromRiskTables(new RiskTableMap(List.of(
                new io.riskmapping.artifacts.RiskTable("c", io.riskmapping.artifacts.RiskTable.Mode.CATEGORICAL, 0.5, Map.of("a", 0.25)))));
        CsvMapping.Lines lines = CsvMapping.transform(model.tableMapping(), df, Map.of("header", "true"), Map.of()).orElse(null);
        assertNotNull(lines);
        Exception e = assertThrows(Exception.class, () -> lines.text().collectAsList());
        String m = rootMessage(e);
        assertTrue(m.contains("Malformed CSV record: b") && m.contains("part-00000.csv") && m.contains("record 3"), m);
    }

    /** The lines of a mapped shard: the header, then each record with its mapped value written as Spark writes a double. */
    @Test
    void mappedLinesAreSparksCsv() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("lines"));
        Files.writeString(dir.resolve("part-00000.csv"), "c,note,y\na,\"x, y\",1\nb,,0\n,\"\",1\n",
                StandardCharsets.UTF_8);
        Dataset<Row> df = csv(dir, true);
        RiskTableMapperModel model = RiskTableMapperModel.fromRiskTables(new RiskTableMap(List.of(
                new io.riskmapping.artifacts.RiskTable("c", io.riskmapping.artifacts.RiskTable.Mode.CATEGORICAL, 0.5, Map.of("a", 0.25)))));
        CsvMapping.Lines lines = CsvMapping.transform(model.tableMapping(), df, Map.of("header", "true"), Map.of()).orElse(null);
        List<String> text = new ArrayList<>();
        lines.text().collectAsList().forEach(r -> text.addAll(List.of(r.getString(0).split("\n", -1))));
        assertEquals(List.of("c,note,y", "0.25,\"x, y\",1", "0.5,,0", "0.5,,1"), text);
        assertEquals(3, lines.metrics().rows());
        assertEquals(0, lines.metrics().badRows());
        assertEquals(-1, lines.metrics().firstBadColumn());
    }

    /**
     * Plain lines read as bytes, among lines that are not plain (quoted values, values spanning
     * lines, CRLF, edge spaces, tabs, backslashes, non-ASCII text, empty and quoted empty values):
     * the fit equals the fit from Spark's rows, and the mapped lines are those Spark's CSV writer
     * writes for the model's transform, in CSV and TSV.
     */
    @Test
    void plainLinesAmongOthersGiveSparksFitAndLines() throws IOException {
        for (String sep : List.of(",", "\t")) {
            java.util.Random random = new java.util.Random(sep.hashCode());
            String[] plain = {"a1", "x y", "b-2", "", "a1", "a1", "z.9", sep.equals(",") ? "t\tab" : "t,ab"};
            // lines the parser reads alone, then (from line 2500 on) also lines after which it reads the rest of the file
            String[] alone = {" lead", "trail ", "\u00e9", "back\\slash", sep.equals(",") ? "\ttab" : "t;ab"};
            String[] other = {" lead", "trail ", "\u00e9", "back\\slash", sep.equals(",") ? "\ttab" : "t;ab",
                "\"q" + sep + "uoted\"", "\"multi\nline\"", "\"crlf\r\nin\"", "\"\"", "\"a1\""};
            // the label first: a CRLF line's \r stays in its last value (the file's line separator is \n)
            StringBuilder text = new StringBuilder(String.join(sep, "y", "c", "d", "note")).append('\n');
            for (int i = 0; i < 3000; i++) {
                boolean special = random.nextInt(10) == 0;
                String[] values = new String[3];
                for (int v = 0; v < 3; v++) {
                    String[] odd = i < 2500 ? alone : other;
                    values[v] = special && random.nextInt(3) == 0 ? odd[random.nextInt(odd.length)] : plain[random.nextInt(plain.length)];
                }
                String y = random.nextInt(20) == 0 ? "" : random.nextInt(3) == 0 ? "1" : "0";
                text.append(String.join(sep, y, values[0], values[1], values[2]));
                text.append(special && i >= 2500 && random.nextInt(8) == 0 ? "\r\n" : "\n");
            }
            Path dir = Files.createDirectories(tmp.resolve("mixed" + sep.length() + sep.hashCode()));
            Files.writeString(dir.resolve("part-00000.csv"), text, StandardCharsets.UTF_8);
            SparkSession spark = SparkTestSession.get();
            Dataset<Row> df = spark.read().option("header", "true").option("multiLine", "true").option("mode", "FAILFAST")
                    .option("sep", sep).csv(dir.toString());
            assertTrue(CsvFiles.scan(df).isPresent());
            assertTrue(CsvFiles.scan(df).orElseThrow().plainLines());

            RiskTableMapper mapper = new RiskTableMapper().setInputCols(new String[] {"c", "d"}).setLabelCol("y").setSmoothFactor(0.01);
            RiskTableMap fromBytes = mapper.fit(df).riskTables();
            assertEquals(fitFromRows(mapper, df), fromBytes, "sep " + sep);
            assertTrue(fromBytes.get("c").bins().containsKey("x y") && fromBytes.get("c").bins().containsKey("\u00e9")
                    && fromBytes.get("c").bins().containsKey(" lead"), "sep " + sep + ": " + fromBytes.get("c").bins().keySet());

            RiskTableMapperModel model = RiskTableMapperModel.fromRiskTables(new RiskTableMap(List.of(
                    new io.riskmapping.artifacts.RiskTable("c", io.riskmapping.artifacts.RiskTable.Mode.CATEGORICAL, 0.5,
                            Map.of("a1", 0.25, "x y", 0.75, "\u00e9", 0.125, " lead", 0.375, "q" + sep + "uoted", 0.0625)),
                    new io.riskmapping.artifacts.RiskTable("d", io.riskmapping.artifacts.RiskTable.Mode.CATEGORICAL, 0.4,
                            Map.of("b-2", 0.2, "multi\nline", 0.9, "back\\slash", 0.3)))));
            Map<String, String> options = Map.of("header", "true", "sep", sep);
            CsvMapping.Lines lines = CsvMapping.transform(model.tableMapping(), df, options, Map.of()).orElse(null);
            assertNotNull(lines);
            String ours = String.join("\n", lines.text().as(org.apache.spark.sql.Encoders.STRING()).collectAsList()) + "\n";
            Path sparks = tmp.resolve("sparks" + sep.length() + sep.hashCode());
            model.transform(df).coalesce(1).write().options(options).csv(sparks.toString());
            String expected;
            try (var files = Files.list(sparks)) {
                Path part = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
                expected = Files.readString(part, StandardCharsets.UTF_8);
            }
            assertEquals(expected, ours, "sep " + sep);
            assertEquals(df.count(), lines.metrics().rows());
        }
    }

    /**
     * One scan of three shards mapped with one partition of lines per shard, in the given order
     * (not Spark's, which puts the largest file first), each partition's rows counted apart; a list
     * that is not exactly the scan's files gives null.
     */
    @Test
    void oneScanOfShardsMapsOnePartitionPerShardInOrder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ordered"));
        List<String> files = new ArrayList<>();
        int[] sizes = {2, 40, 7};
        for (int s = 0; s < sizes.length; s++) {
            StringBuilder b = new StringBuilder("c,y\n");
            for (int i = 0; i < sizes[s]; i++) {
                b.append(i % 2 == 0 ? "a" : "z").append(s).append(",1\n");
            }
            Path f = dir.resolve(String.format("part-%05d.csv", s));
            Files.writeString(f, b.toString());
            files.add(f.toString());
        }
        Dataset<Row> df = csv(dir, true);
        RiskTableMapperModel model = RiskTableMapperModel.fromRiskTables(new RiskTableMap(List.of(new io.riskmapping.artifacts.RiskTable("c",
                io.riskmapping.artifacts.RiskTable.Mode.CATEGORICAL, 0.5, Map.of("a0", 0.125, "a1", 0.25, "a2", 0.375)))));
        CsvMapping.Lines lines = CsvMapping.transform(model.tableMapping(), df, Map.of("header", "true"), Map.of(), files).orElse(null);
        assertNotNull(lines);
        List<List<String>> byPartition = lines.text().javaRDD().glom().collect().stream()
                .map(rows -> rows.stream().flatMap(r -> List.of(r.getString(0).split("\n")).stream()).toList()).toList();
        assertEquals(3, byPartition.size());
        for (int s = 0; s < sizes.length; s++) {
            assertEquals(sizes[s] + 1, byPartition.get(s).size(), "shard " + s + ": header and rows");
            assertEquals(String.valueOf(0.125 * (s + 1)) + ",1", byPartition.get(s).get(1), "shard " + s + "'s first row");
            assertEquals(sizes[s], lines.metrics().partition(s)[0], "rows of shard " + s);
        }
        assertTrue(CsvMapping.transform(model.tableMapping(), df, Map.of("header", "true"), Map.of(), files.subList(0, 2)).isEmpty(),
                "a file left out");
        // the partitions travel with spark.serializer: Kryo in conf/spark-defaults.conf
        org.apache.spark.serializer.SerializerInstance kryo = new org.apache.spark.serializer.KryoSerializer(new org.apache.spark.SparkConf())
                .newInstance();
        List<List<String>> partitions = CsvFiles.scan(df, files).orElseThrow().partitions();
        scala.reflect.ClassTag<Object> any = scala.reflect.ClassTag$.MODULE$.Any();
        for (List<String> p : partitions) {
            assertEquals(p, kryo.deserialize(kryo.serialize(p, any), any));
        }
    }

    /** The tables fitted from Spark's rows ({@link CsvFiles#ENABLED} false). */
    private static RiskTableMap fitFromRows(RiskTableMapper mapper, Dataset<Row> df) {
        SparkSession spark = SparkTestSession.get();
        spark.conf().set(CsvFiles.ENABLED, "false");
        try {
            return mapper.fit(df).riskTables();
        } finally {
            spark.conf().unset(CsvFiles.ENABLED);
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
