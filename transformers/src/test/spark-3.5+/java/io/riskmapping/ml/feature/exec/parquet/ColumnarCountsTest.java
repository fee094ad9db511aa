package io.riskmapping.ml.feature.exec.parquet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.dictionary.PlainValuesDictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetDictionary;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.PartialCountsTest;
import io.riskmapping.ml.feature.core.TextCounts;
import io.riskmapping.testing.SparkTestSession;

/**
 * The fit's counts read from Parquet column batches ({@link ColumnarCounts}): by dictionary id,
 * each id decoded once per dictionary; and the plans it takes and leaves to the row path.
 */
class ColumnarCountsTest {

    @TempDir
    Path tmp;

    // ------------------------------------------------------------- batches made by hand

    /** A Parquet dictionary of strings that counts its decodes. */
    private static final class CountingDictionary extends Dictionary {
        private final Dictionary inner;
        int decodes;

        CountingDictionary(String... values) throws Exception {
            super(Encoding.PLAIN_DICTIONARY);
            ByteArrayOutputStream page = new ByteArrayOutputStream();
            for (String v : values) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                page.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
                page.write(b);
            }
            inner = new PlainValuesDictionary.PlainBinaryDictionary(
                    new DictionaryPage(BytesInput.from(page.toByteArray()), values.length, Encoding.PLAIN_DICTIONARY));
        }

        @Override
        public Binary decodeToBinary(int id) {
            decodes++;
            return inner.decodeToBinary(id);
        }

        @Override
        public int getMaxId() {
            return inner.getMaxId();
        }
    }

    /** A batch of (label int, key string): the keys by id of {@code dict}, or plain when {@code dict} is null; id -1 is null. */
    private static ColumnarBatch batch(Integer[] labels, int[] ids, CountingDictionary dict, String[] plain) {
        int n = labels.length;
        OnHeapColumnVector label = new OnHeapColumnVector(n, DataTypes.IntegerType);
        OnHeapColumnVector key = new OnHeapColumnVector(n, DataTypes.StringType);
        for (int k = 0; k < n; k++) {
            if (labels[k] == null) {
                label.putNull(k);
            } else {
                label.putInt(k, labels[k]);
            }
        }
        if (dict != null) {
            key.setDictionary(new ParquetDictionary(dict, false));
            OnHeapColumnVector dictIds = (OnHeapColumnVector) key.reserveDictionaryIds(n);
            for (int k = 0; k < n; k++) {
                if (ids[k] < 0) {
                    key.putNull(k);
                } else {
                    dictIds.putInt(k, ids[k]);
                }
            }
        } else {
            for (int k = 0; k < n; k++) {
                if (plain[k] == null) {
                    key.putNull(k);
                } else {
                    key.putByteArray(k, plain[k].getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        ColumnarBatch b = new ColumnarBatch(new ColumnVector[] {label, key});
        b.setNumRows(n);
        return b;
    }

    /*
     * Dictionary D1 = [a, bb, é]: batch 1 labels 0, 1, 1, -1, 7, null, 0 over ids a, a, bb, a, é, bb, null;
     * batch 2 (same D1) labels 1, 0 over bb, bb. Dictionary D2 = [bb, zz]: labels 0, 1 over zz, bb.
     * A plain batch: labels 1, 0 over a, null.
     *   a:  y 0, 1, -1 (D1) and 1 (plain) -> n0 1, n1 2, rows 4, invalid 0
     *   bb: y 1, null (D1 b1), 1, 0 (D1 b2), 1 (D2) -> n0 1, n1 3, rows 5
     *   é:  y 7 -> rows 1, invalid 1;   zz: y 0 -> n0 1, rows 1;   null: y 0 (D1), 0 (plain) -> n0 2, rows 2
     *   label row: y 0,1,1,-1,7,null,0, 1,0, 0,1, 1,0 -> n0 5, n1 5, rows 13, invalid 1
     */
    @Test
    void countsByDictionaryIdAndDecodesEachIdOncePerDictionary() throws Exception {
        for (long flushBytes : new long[] {Long.MAX_VALUE, 0}) {
            CountingDictionary d1 = new CountingDictionary("a", "bb", "é");
            CountingDictionary d2 = new CountingDictionary("bb", "zz");
            List<ColumnarBatch> batches = List.of(
                    batch(new Integer[] {0, 1, 1, -1, 7, null, 0}, new int[] {0, 0, 1, 0, 2, 1, -1}, d1, null),
                    batch(new Integer[] {1, 0}, new int[] {1, 1}, d1, null),
                    batch(new Integer[] {0, 1}, new int[] {1, 0}, d2, null),
                    batch(new Integer[] {1, 0}, null, null, new String[] {"a", null}));
            // the same vectors' dictionary object is wrapped anew per batch, as Spark's reader does
            Iterator<Row> out = new ColumnarCounts(0, DataTypes.IntegerType, new int[] {1}, flushBytes).call(batches.iterator());
            Map<String, long[]> sums = PartialCountsTest.sum(out);
            String how = "flush at " + flushBytes + " bytes";
            assertArrayEquals(new long[] {1, 2, 4, 0}, sums.get("0:a"), how);
            assertArrayEquals(new long[] {1, 3, 5, 0}, sums.get("0:bb"), how);
            assertArrayEquals(new long[] {0, 0, 1, 1}, sums.get("0:é"), how);
            assertArrayEquals(new long[] {1, 0, 1, 0}, sums.get("0:zz"), how);
            assertArrayEquals(new long[] {2, 0, 2, 0}, sums.get("0:null"), how);
            assertArrayEquals(new long[] {5, 5, 13, 1}, sums.get("-1:null"), how);
            assertEquals(6, sums.size(), how + ": " + sums.keySet());
            if (flushBytes == Long.MAX_VALUE) {
                // each id with rows decoded once per dictionary, whatever the number of batches and rows
                assertEquals(3, d1.decodes, how);
                assertEquals(2, d2.decodes, how);
            }
        }
    }

    @Test
    void labelClassesMatchTheRowPath() {
        assertEquals(1, KeyColumns.classOf(1.0));
        assertEquals(0, KeyColumns.classOf(-0.0));
        assertEquals(KeyColumns.UNLABELLED, KeyColumns.classOf(-1.0));
        assertEquals(KeyColumns.INVALID, KeyColumns.classOf(Double.NaN));
        assertEquals(KeyColumns.INVALID, KeyColumns.classOf(0.5));
    }

    // ------------------------------------------------------------- Parquet files read by Spark

    /**
     * 30,000 rows from spark.range, written as Parquet with small row groups (several dictionaries
     * per file) in two files, one without dictionaries (every page plain):
     * label = 1 when id % 13 == 0, null when id % 29 == 5, else 0; lo = "c" + id % 7; mid = null when
     * id % 5 == 0, else "v" + id % 11 + a 20-byte tail (keys longer than 16 bytes).
     */
    private Dataset<Row> writeParquet(SparkSession spark) {
        Dataset<Row> data = spark.range(30_000).select(
                when(col("id").mod(13).equalTo(0), lit(1)).when(col("id").mod(29).equalTo(5), lit(null)).otherwise(lit(0))
                        .cast(DataTypes.IntegerType).as("label"),
                concat(lit("c"), col("id").mod(7).cast(DataTypes.StringType)).as("lo"),
                when(col("id").mod(5).equalTo(0), lit(null).cast(DataTypes.StringType))
                        .otherwise(concat(lit("v"), col("id").mod(11).cast(DataTypes.StringType), lit("-twenty-bytes-tail-"))).as("mid"),
                col("id"));
        String dir = tmp.resolve("parquet").toString();
        data.filter(col("id").lt(15_000)).coalesce(1).write().option("parquet.block.size", "16384").parquet(dir + "/a");
        data.filter(col("id").geq(15_000)).coalesce(1).write().option("parquet.enable.dictionary", "false").parquet(dir + "/b");
        return spark.read().parquet(dir + "/a", dir + "/b");
    }

    @Test
    void aParquetScanIsCountedFromItsBatchesWithTheRowPathsCounts() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> df = writeParquet(spark);
        ColumnarCounts.Plan plan = ColumnarCounts.plan(df, "label", new String[] {"mid", "lo"}).orElse(null);
        assertNotNull(plan, "a plain Parquet scan takes the columnar path");
        Map<String, long[]> sums = PartialCountsTest.sum(plan.partials(-1).collect().iterator());
        // expected counts from the formulas above, not from the code under test
        Map<String, long[]> expected = new TreeMap<>();
        for (long id = 0; id < 30_000; id++) {
            int y = id % 13 == 0 ? 1 : id % 29 == 5 ? KeyColumns.UNLABELLED : 0;
            add(expected, "-1:null", y);
            add(expected, "0:" + (id % 5 == 0 ? "null" : "v" + id % 11 + "-twenty-bytes-tail-"), y);
            add(expected, "1:c" + id % 7, y);
        }
        assertEquals(expected.keySet(), sums.keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), sums.get(e.getKey()), e.getKey());
        }
        // and a flush after every batch gives the same sums
        Map<String, long[]> flushed = PartialCountsTest.sum(plan.partials(0).collect().iterator());
        assertEquals(expected.keySet(), flushed.keySet());
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), flushed.get(e.getKey()), "flushed " + e.getKey());
        }
    }

    @Test
    void otherPlansAreLeftToTheRowPath() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> df = writeParquet(spark);
        String[] in = {"lo", "mid"};
        assertTrue(ColumnarCounts.plan(df.select("mid", "label", "lo"), "label", in).isPresent());
        assertTrue(ColumnarCounts.plan(df.filter(col("id").gt(3)), "label", in).isEmpty(), "a filter");
        assertTrue(ColumnarCounts.plan(df.withColumn("lo", upper(col("lo"))), "label", in).isEmpty(), "a computed column");
        assertTrue(ColumnarCounts.plan(df.withColumn("label", col("label").cast(DataTypes.StringType)), "label", in).isEmpty(), "a text label");
        assertTrue(ColumnarCounts.plan(df, "label", new String[] {"lo", "id"}).isEmpty(), "a numeric input column");
        assertTrue(ColumnarCounts.plan(df.cache(), "label", in).isEmpty(), "a cached frame");
        Path csv = tmp.resolve("csv");
        df.write().option("header", "true").csv(csv.toString());
        Dataset<Row> text = spark.read().option("header", "true").csv(csv.toString()).withColumn("label", col("label").cast("int"));
        assertTrue(ColumnarCounts.plan(text, "label", in).isEmpty(), "CSV");
        df.unpersist();
    }

    /**
     * German Credit's train split as Parquet (label int): the fit takes the columnar path and gives
     * the hand-computed risks of RiskTableMapperTest.germanCreditRisksMatchHandComputedCounts.
     */
    @Test
    void germanCreditFromParquetMatchesHandComputedCounts() {
        Dataset<Row> train = SparkTestSession.get().read().parquet(SparkTestSession.germanCredit("parquet").resolve("train").toString());
        assertTrue(train.schema().apply("class").dataType().equals(DataTypes.IntegerType)
                || train.schema().apply("class").dataType().equals(DataTypes.LongType), train.schema().toString());
        assertTrue(ColumnarCounts.plan(train, "class", new String[] {"checking_status", "purpose"}).isPresent());
        RiskTableMap t = new RiskTableMapper().setInputCols("checking_status", "purpose").setLabelCol("class").fit(train).riskTables();
        assertEquals(102.0 / 173, t.get("checking_status").bins().get("<0"), 1e-12);
        assertEquals(9.0 / 38, t.get("checking_status").bins().get(">=200"), 1e-12);
        assertEquals(30.0 / 249, t.get("checking_status").bins().get("no checking"), 1e-12);
        assertEquals(4.0 / 11, t.get("purpose").bins().get("domestic appliance"), 1e-12);
        assertEquals(3.0 / 11, t.get("purpose").bins().get("retraining"), 1e-12);
    }

    private static void add(Map<String, long[]> m, String key, int y) {
        long[] c = m.computeIfAbsent(key, k -> new long[4]);
        TextCounts.add(c, y);
    }
}
