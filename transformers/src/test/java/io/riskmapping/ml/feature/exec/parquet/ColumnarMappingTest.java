package io.riskmapping.ml.feature.exec.parquet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.exec.TransformPaths;
import io.riskmapping.testing.SparkTestSession;

/** The model's transform read from Parquet column batches ({@link ColumnarMapping}). */
class ColumnarMappingTest {

    @TempDir
    Path tmp;

    private SparkSession spark;
    private Dataset<Row> parquet;

    /**
     * 20,000 rows: id; lo = "c" + id % 7; mid = null when id % 5 == 0, else "v" + id % 100 + a
     * 20-byte tail (a table above 64 bins, keys longer than 16 bytes); n = id * 0.5. Two files: one
     * with small row groups (several dictionaries), one without dictionaries (plain pages).
     */
    @BeforeEach
    void writeParquet() {
        spark = SparkTestSession.get();
        Dataset<Row> data = spark.range(20_000).select(col("id"),
                concat(lit("c"), col("id").mod(7).cast(DataTypes.StringType)).as("lo"),
                when(col("id").mod(5).equalTo(0), lit(null).cast(DataTypes.StringType))
                        .otherwise(concat(lit("v"), col("id").mod(100).cast(DataTypes.StringType), lit("-twenty-bytes-tail-"))).as("mid"),
                col("id").multiply(0.5).as("n"));
        String dir = tmp.resolve("parquet").toString();
        data.filter(col("id").lt(10_000)).coalesce(1).write().option("parquet.block.size", "16384").parquet(dir + "/a");
        data.filter(col("id").geq(10_000)).coalesce(1).write().option("parquet.enable.dictionary", "false").parquet(dir + "/b");
        parquet = spark.read().parquet(dir + "/a", dir + "/b");
    }

    /** lo: c0 -> 0.1 ... c5 -> 0.6 (c6 unseen), default 0.05; mid: v0..v79 -> 0.001 * (i + 1) (v80..v99 unseen), default 0.5. */
    private static RiskTableMapperModel model(String... outputCols) {
        Map<String, Double> lo = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            lo.put("c" + i, 0.1 * (i + 1));
        }
        Map<String, Double> mid = new HashMap<>();
        for (int i = 0; i < 80; i++) {
            mid.put("v" + i + "-twenty-bytes-tail-", 0.001 * (i + 1));
        }
        RiskTableMap map = new RiskTableMap(List.of(new RiskTable("lo", RiskTable.Mode.CATEGORICAL, 0.05, lo),
                new RiskTable("mid", RiskTable.Mode.CATEGORICAL, 0.5, mid)));
        RiskTableMapperModel m = new RiskTableMapperModel("columnar-test", map, null);
        m.setInputCols(new String[] {"lo", "mid"});
        m.setOutputCols(outputCols.length > 0 ? outputCols : new String[] {"lo", "mid"});
        return m;
    }

    private static double expectedLo(long id) {
        return id % 7 == 6 ? 0.05 : 0.1 * (id % 7 + 1);
    }

    private static double expectedMid(long id) {
        return id % 5 == 0 || id % 100 >= 80 ? 0.5 : 0.001 * (id % 100 + 1);
    }

    @Test
    void mapsEveryRowAsHandComputedAndAsTheModelsTransform() {
        RiskTableMapperModel m = model();
        Dataset<Row> columnar = ColumnarMapping.transform(m.tableMapping(), parquet).orElse(null);
        assertNotNull(columnar, "a plain Parquet scan of string columns takes the columnar path");
        Dataset<Row> catalyst = m.transform(parquet);
        assertEquals(catalyst.schema(), columnar.schema());
        List<Row> rows = columnar.collectAsList();
        assertEquals(20_000, rows.size());
        for (Row r : rows) {
            long id = r.getLong(0);
            assertEquals(expectedLo(id), r.getDouble(1), 0.0, "lo of " + id);
            assertEquals(expectedMid(id), r.getDouble(2), 0.0, "mid of " + id);
            assertEquals(id * 0.5, r.getDouble(3), 0.0, "n of " + id);
        }
        assertEquals(0, catalyst.exceptAll(columnar).count() + columnar.exceptAll(catalyst).count());
        // one partition per scan partition, read without planning the mapped frame
        assertEquals(parquet.rdd().getNumPartitions(), TransformPaths.partitions(columnar));
        assertEquals(columnar.queryExecution().toRdd().getNumPartitions(), TransformPaths.partitions(columnar));
    }

    @Test
    void newOutputColumnsAreAppendedAndTheInputsKept() {
        RiskTableMapperModel m = model("lo_risk", "mid_risk");
        Dataset<Row> columnar = ColumnarMapping.transform(m.tableMapping(), parquet.select("mid", "id", "lo")).orElse(null);
        assertNotNull(columnar);
        assertEquals(m.transform(parquet.select("mid", "id", "lo")).schema(), columnar.schema());
        for (Row r : columnar.collectAsList()) {
            long id = r.getLong(1);
            assertEquals(id % 7 + "", r.getString(2).substring(1));
            assertEquals(expectedLo(id), r.getDouble(3), 0.0, "lo_risk of " + id);
            assertEquals(expectedMid(id), r.getDouble(4), 0.0, "mid_risk of " + id);
        }
    }

    @Test
    void otherCasesAreLeftToTheModelsTransform() {
        assertTrue(ColumnarMapping.transform(model().setHandleInvalid("error").tableMapping(), parquet).isEmpty(), "handleInvalid error");
        assertTrue(ColumnarMapping.transform(model().tableMapping(), parquet.filter(col("id").gt(5))).isEmpty(), "a filter");
        assertTrue(ColumnarMapping.transform(model().tableMapping(), parquet.withColumn("lo", concat(col("lo"), lit("x")))).isEmpty(), "a computed column");
        Path csv = tmp.resolve("csv");
        parquet.write().option("header", "true").csv(csv.toString());
        assertTrue(ColumnarMapping.transform(model().tableMapping(), spark.read().option("header", "true").csv(csv.toString())).isEmpty(), "CSV");
        RiskTableMap numeric = new RiskTableMap(List.of(new RiskTable("n", RiskTable.Mode.NUMERIC, 0.5, Map.of(1.0, 0.2))));
        RiskTableMapperModel byNumber = new RiskTableMapperModel("numeric", numeric, null);
        byNumber.setInputCols(new String[] {"n"});
        byNumber.setOutputCols(new String[] {"n"});
        assertTrue(ColumnarMapping.transform(byNumber.tableMapping(), parquet).isEmpty(), "a numeric table");
    }

    /*
     * One scan of both files, with each file a partition of its own (Spark's settings as the job's
     * transform pass sets them): partition i holds the rows of the i-th file asked for, whichever
     * order Spark planned them in (by size), and rows(i) its count. File a holds ids 0..9999, b
     * 10000..19999.
     */
    @Test
    void oneScanOfSeveralFilesGivesOnePartitionPerFileInTheGivenOrder() throws java.io.IOException {
        String a = partFile("a");
        String b = partFile("b");
        Map<String, String> whole = Map.of("spark.sql.files.maxPartitionBytes", String.valueOf(1L << 40),
                "spark.sql.files.openCostInBytes", String.valueOf(1L << 40), "spark.sql.files.minPartitionNum", "1");
        withConf(whole, () -> {
            Dataset<Row> scan = spark.read().parquet(a, b);
            for (List<String> order : List.of(List.of(a, b), List.of(b, a))) {
                ColumnarMapping.Shards shards = ColumnarMapping.transform(model().tableMapping(), scan, Map.of(), order).orElse(null);
                assertNotNull(shards, "each file one partition: " + order);
                assertEquals(2, TransformPaths.partitions(shards.data()));
                List<long[]> ranges = shards.data().javaRDD().mapPartitionsWithIndex((i, rows) -> {
                    long min = Long.MAX_VALUE;
                    long max = -1;
                    long n = 0;
                    while (rows.hasNext()) {
                        long id = rows.next().getLong(0);
                        min = Math.min(min, id);
                        max = Math.max(max, id);
                        n++;
                    }
                    return List.of(new long[] {i, min, max, n}).iterator();
                }, false).collect();
                for (long[] r : ranges) {
                    long first = order.get((int) r[0]).equals(a) ? 0 : 10_000;
                    assertEquals(first, r[1], "partition " + r[0] + " starts at its file's first id");
                    assertEquals(first + 9_999, r[2], "partition " + r[0] + " ends at its file's last id");
                    assertEquals(10_000, r[3]);
                    assertEquals(10_000, shards.rows((int) r[0]), "rows counted for partition " + r[0]);
                }
                // the values are the model's, as on Spark's partitions
                for (Row r : shards.data().collectAsList()) {
                    assertEquals(expectedMid(r.getLong(0)), r.getDouble(2), 0.0);
                }
            }
            assertTrue(ColumnarMapping.transform(model().tableMapping(), scan, Map.of(), List.of(a)).isEmpty(), "a file list that is not the scan's");
            assertTrue(ColumnarMapping.transform(model().tableMapping(), scan, Map.of(), List.of(a, a)).isEmpty(), "a file listed twice");
        });
        // Spark packs both files into one partition, or splits a file: no one-file partitions
        withConf(Map.of("spark.sql.files.maxPartitionBytes", String.valueOf(1L << 40), "spark.sql.files.openCostInBytes", "0",
                "spark.sql.files.minPartitionNum", "1"), () -> {
            Dataset<Row> scan = spark.read().parquet(a, b);
            assertEquals(1, scan.rdd().getNumPartitions());
            assertTrue(ColumnarMapping.transform(model().tableMapping(), scan, Map.of(), List.of(a, b)).isEmpty(), "both files in one partition");
        });
        withConf(Map.of("spark.sql.files.maxPartitionBytes", "16384", "spark.sql.files.openCostInBytes", "0"), () -> {
            Dataset<Row> scan = spark.read().parquet(a, b);
            assertTrue(scan.rdd().getNumPartitions() > 2);
            assertTrue(ColumnarMapping.transform(model().tableMapping(), scan, Map.of(), List.of(a, b)).isEmpty(), "files split into several partitions");
        });
    }

    /** The one Parquet file written under {@code parquet/<dir>}. */
    private String partFile(String dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(tmp.resolve("parquet").resolve(dir))) {
            List<Path> parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
            assertEquals(1, parts.size());
            return parts.get(0).toString();
        }
    }

    private void withConf(Map<String, String> settings, Runnable body) {
        settings.forEach((k, v) -> spark.conf().set(k, v));
        try {
            body.run();
        } finally {
            settings.keySet().forEach(k -> spark.conf().unset(k));
        }
    }
}
