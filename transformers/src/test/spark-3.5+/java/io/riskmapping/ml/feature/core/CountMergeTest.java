package io.riskmapping.ml.feature.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.testing.SparkTestSession;

/**
 * {@link CountMerge}: partial counts from several partitions, with keys repeated across them, summed
 * by (field, key) against sums made here in plain Java: text keys (empty, non-ASCII, longer than a
 * slot's inline 16 bytes), numeric keys, null keys and the label row; more data than one 512 KB
 * buffer per reduce partition.
 */
class CountMergeTest {

    /** "f|s|d" for a row's (field, key). */
    private static String id(Row r) {
        return r.getInt(0) + "|" + (r.isNullAt(1) ? "-" : "s:" + r.getString(1)) + "|" + (r.isNullAt(2) ? "-" : "d:" + r.getDouble(2));
    }

    @Test
    void sumsEqualPlainJavaSums() {
        Random random = new Random(3);
        String[] texts = {"", "a", "\u00e9t\u00e9", "a much longer category than sixteen bytes", "b"};
        List<Row> partials = new ArrayList<>();
        Map<String, long[]> expected = new HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            int f = random.nextInt(4) - 1; // -1: the label row
            String s = null;
            Double d = null;
            if (f == 0 || f == 2) {
                s = random.nextInt(10) == 0 ? null : texts[random.nextInt(texts.length)] + (random.nextInt(3) == 0 ? "" : i % 5000);
            } else if (f == 1) {
                d = random.nextInt(10) == 0 ? null : (double) (random.nextInt(2000) - 1000) / 4;
            }
            long[] c = {random.nextInt(5), random.nextInt(3), random.nextInt(9), random.nextInt(2)};
            Row r = RowFactory.create(f, f < 0 ? null : s, f < 0 ? null : d, c[0], c[1], c[2], c[3]);
            partials.add(r);
            long[] sum = expected.computeIfAbsent(id(r), k -> new long[4]);
            for (int j = 0; j < 4; j++) {
                sum[j] += c[j];
            }
        }
        JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext()).parallelize(partials, 4);
        for (int reducers : new int[] {1, 3}) {
            Map<String, long[]> merged = new HashMap<>();
            Iterator<Row> rows = CountMerge.merged(rdd, reducers);
            while (rows.hasNext()) {
                Row r = rows.next();
                long[] previous = merged.put(id(r), new long[] {r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)});
                assertEquals(null, previous, "each (field, key) once: " + id(r));
            }
            assertEquals(expected.keySet(), merged.keySet(), reducers + " reducers");
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), merged.get(e.getKey()), e.getKey());
            }
            assertTrue(expected.containsKey("-1|-|-") && expected.containsKey("0|s:|-") && expected.containsKey("2|-|-")
                    && expected.containsKey("1|-|d:-250.0"), "the cases are there");
        }
    }

    /** The fit with Spark SQL's aggregation ({@link CountMerge#ENABLED} false) gives the same tables, from a file. */
    @Test
    void sparkSqlAggregationGivesTheSameTables(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws java.io.IOException {
        StringBuilder b = new StringBuilder("a,n,y\n");
        for (int i = 0; i < 3000; i++) {
            int k = (i * 7919) % 613;
            b.append(k % 9 == 0 ? "" : "c" + (k % 41)).append(',').append(k % 7 == 0 ? "" : String.valueOf(k % 13)).append(',')
                    .append(k % 23 == 0 ? "" : k % 5 == 0 ? "1" : "0").append('\n');
        }
        java.nio.file.Files.writeString(tmp.resolve("part-00000.csv"), b.toString());
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true").csv(tmp.toString());
        RiskTableMapper mapper = new RiskTableMapper().setInputCols(new String[] {"a", "n"}).setLabelCol("y").setSmoothFactor(0.01);
        io.riskmapping.artifacts.RiskTableMap merged = mapper.fit(df).riskTables();
        spark.conf().set(CountMerge.ENABLED, "false");
        io.riskmapping.artifacts.RiskTableMap bySql;
        try {
            bySql = mapper.fit(df).riskTables();
        } finally {
            spark.conf().unset(CountMerge.ENABLED);
        }
        assertEquals(bySql, merged);
        assertEquals(41, merged.get("a").bins().size());
        assertEquals(13, merged.get("n").bins().size(), "numeric keys");
    }

    /*
     * A counting task's tables go straight into the buffers: the iterator PartialCounts returns
     * reaches CountMerge as itself (Spark hands mapPartitions' iterator on unwrapped), and the sums
     * are those of its rows (the rows path, taken when anything stands between the two), with the
     * tables flushed every 50 keys or never.
     */
    @Test
    void countingTasksWriteTheirTablesAsBuffersWithTheSameSums() {
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        // (y int, k0 text: 1,200 keys with nulls, k1 double: 90 keys with nulls), read through the executors
        org.apache.spark.sql.Dataset<Row> data = spark.range(0, 20_000, 1, 4).selectExpr(
                "cast(id % 3 as int) as y",
                "case when id % 11 = 0 then null else concat('k', cast(id * 7 % 1200 as string), '-\u00e9') end as k0",
                "case when id % 13 = 0 then null else cast(id % 90 as double) / 4 end as k1");
        JavaRDD<org.apache.spark.sql.catalyst.InternalRow> rows = data.queryExecution().toRdd().toJavaRDD();
        boolean[] numeric = {false, true};
        for (long flush : new long[] {50, Long.MAX_VALUE}) {
            JavaRDD<Row> partials = rows.mapPartitions(new PartialCounts(numeric, flush, -1));
            List<Boolean> counting = partials.mapPartitionsToPair(it -> List.of(new scala.Tuple2<>(it instanceof PartialCounts.Counting, 0))
                    .iterator()).keys().collect();
            assertEquals(List.of(true, true, true, true), counting, "each partition's iterator reaches the next step as itself");
            Map<String, long[]> direct = sums(CountMerge.merged(partials, 3));
            Map<String, long[]> byRows = sums(CountMerge.merged(partials.map(r -> r), 3));
            assertEquals(byRows.keySet(), direct.keySet(), "flush " + flush);
            byRows.forEach((k, c) -> assertArrayEquals(c, direct.get(k), k));
            assertEquals(1 + 1200 + 1 + 90 + 1, direct.size(), "the label, 1,200 texts and null, 90 numbers and null");
            assertArrayEquals(new long[] {6667, 6667, 20_000, 6666}, direct.get("-1|-|-"), "the label row: n0, n1, rows, invalid (class 2)");
        }
    }

    private static Map<String, long[]> sums(Iterator<Row> rows) {
        Map<String, long[]> out = new HashMap<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            assertEquals(null, out.put(id(r), new long[] {r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6)}), id(r));
        }
        return out;
    }
}
