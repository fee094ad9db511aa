package io.riskmapping.ml.feature.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The map side of the fit on hand-made internal rows (no Spark job): counts, flushes, reused buffers. */
public class PartialCountsTest {

    /**
     * Rows (y, text key, numeric key). The text keys share one byte buffer that is overwritten for
     * every row, as Spark reuses a row's buffer: a key kept without a copy would change under the map.
     */
    private static Iterator<InternalRow> rows(byte[] buffer, Object[][] data) {
        List<Object[]> list = List.of(data);
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < list.size();
            }

            @Override
            public InternalRow next() {
                Object[] r = list.get(i++);
                UTF8String text = null;
                if (r[1] != null) {
                    byte[] b = ((String) r[1]).getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(b, 0, buffer, 0, b.length);
                    text = UTF8String.fromBytes(buffer, 0, b.length);
                }
                return new GenericInternalRow(new Object[] {r[0], text, r[2]});
            }
        };
    }

    /*
     * Field 0 (text):    A: y = 0, 0, 1 -> n0 2, n1 1, rows 3;  BB: y = 1, -1 -> n1 1, rows 2;  null: y = 2 -> rows 1, invalid 1.
     * Field 1 (numeric): 1.0: y = 0, 1, 1, 2 -> n0 1, n1 2, rows 4, invalid 1;  null: y = 0 -> n0 1;  2.5: y = -1 -> rows 1.
     * Label row (f = -1): y = 0, 0, 1, 1, -1, 2 -> n0 2, n1 2, rows 6, invalid 1.
     */
    private static final Object[][] DATA = {
        {0, "A", 1.0},
        {0, "A", null},
        {1, "A", 1.0},
        {1, "BB", 1.0},
        {-1, "BB", 2.5},
        {2, null, 1.0},
    };

    @Test
    void countsEachKeyOfEachFieldAndTheLabelClasses() throws Exception {
        for (int flush : new int[] {1, 2, 3, 1000}) {
            Map<String, long[]> sums = sum(new PartialCounts(new boolean[] {false, true}, flush, Long.MAX_VALUE).call(rows(new byte[8], DATA)));
            assertArrayEquals(new long[] {2, 1, 3, 0}, sums.get("0:A"), "flush " + flush);
            assertArrayEquals(new long[] {0, 1, 2, 0}, sums.get("0:BB"), "flush " + flush);
            assertArrayEquals(new long[] {0, 0, 1, 1}, sums.get("0:null"), "flush " + flush);
            assertArrayEquals(new long[] {1, 2, 4, 1}, sums.get("1:1.0"), "flush " + flush);
            assertArrayEquals(new long[] {1, 0, 1, 0}, sums.get("1:null"), "flush " + flush);
            assertArrayEquals(new long[] {0, 0, 1, 0}, sums.get("1:2.5"), "flush " + flush);
            assertArrayEquals(new long[] {2, 2, 6, 1}, sums.get("-1:null"), "flush " + flush);
            assertEquals(7, sums.size(), "flush " + flush + ": " + sums.keySet());
        }
    }

    @Test
    void flushesBoundTheKeysHeldAndEmitEachKeyOncePerFlush() throws Exception {
        List<Row> out = new ArrayList<>();
        new PartialCounts(new boolean[] {false, true}, 2, Long.MAX_VALUE).call(rows(new byte[8], DATA)).forEachRemaining(out::add);
        // Flushing every 2 new keys splits some keys over several partial rows; the sums stay the same (above).
        assertTrue(out.size() > 7, "expected split partial rows, got " + out.size());
        List<Row> whole = new ArrayList<>();
        new PartialCounts(new boolean[] {false, true}, 1000, Long.MAX_VALUE).call(rows(new byte[8], DATA)).forEachRemaining(whole::add);
        assertEquals(7, whole.size());
    }

    @Test
    void anEmptyPartitionGivesOnlyTheLabelRow() throws Exception {
        List<Row> out = new ArrayList<>();
        new PartialCounts(new boolean[] {false}).call(List.<InternalRow>of().iterator()).forEachRemaining(out::add);
        assertEquals(1, out.size());
        assertEquals(-1, out.get(0).getInt(0));
        assertEquals(0L, out.get(0).getLong(5));
    }

    @Test
    void manyKeysOfEveryLengthAreCountedAsTheirOwn() throws Exception {
        // 5,000 distinct keys (the table grows from 256 slots several times), of 1 to 40 UTF-8 bytes
        // (inline up to 16, apart beyond), some non-ASCII, and keys that differ only in their last
        // byte; key i appears (i % 3) + 1 times, the label is 1 on its first row when i is even.
        // Expected counts are computed here from the key's number, not by the code under test.
        List<Object[]> data = new ArrayList<>();
        Map<String, long[]> expected = new TreeMap<>();
        for (int i = 0; i < 5000; i++) {
            String key = (i % 7 == 0 ? "é" : "k") + "x".repeat(i % 40) + i;
            for (int r = 0; r <= i % 3; r++) {
                int y = r == 0 && i % 2 == 0 ? 1 : 0;
                data.add(new Object[] {y, key, null});
                long[] c = expected.computeIfAbsent("0:" + key, k -> new long[4]);
                c[y]++;
                c[2]++;
            }
        }
        // flushes by keys (700), by bytes (the tables outgrow 300,000 bytes: 12 fields' worth of
        // slots, about 4,000 keys of one field), and none
        long[][] flushes = {{700, Long.MAX_VALUE}, {Long.MAX_VALUE, 300_000}, {Long.MAX_VALUE, Long.MAX_VALUE}};
        for (long[] flush : flushes) {
            List<Row> out = new ArrayList<>();
            new PartialCounts(new boolean[] {false, true}, flush[0], flush[1])
                    .call(rows(new byte[64], data.toArray(new Object[0][]))).forEachRemaining(out::add);
            Map<String, long[]> sums = sum(out.iterator());
            String how = "flush at " + flush[0] + " keys, " + flush[1] + " bytes";
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), sums.get(e.getKey()), "key " + e.getKey() + ", " + how);
            }
            // the keys, the null key of the numeric field, and the label row
            assertEquals(expected.size() + 2, sums.size(), how);
            // a flush emits keys again: more partial rows than keys, unless nothing flushed
            assertEquals(flush[0] == Long.MAX_VALUE && flush[1] == Long.MAX_VALUE, out.size() == expected.size() + 2, how + ": " + out.size() + " rows");
        }
    }

    /** Partial rows summed by "field:key" (the label row is "-1:null"): {n0, n1, rows, invalid}. */
    public static Map<String, long[]> sum(Iterator<Row> partials) {
        Map<String, long[]> sums = new TreeMap<>();
        partials.forEachRemaining(r -> {
            String key = r.getInt(0) + ":" + (!r.isNullAt(1) ? r.getString(1) : !r.isNullAt(2) ? String.valueOf(r.getDouble(2)) : "null");
            long[] s = sums.computeIfAbsent(key, k -> new long[4]);
            for (int j = 0; j < 4; j++) {
                s[j] += r.getLong(3 + j);
            }
        });
        return sums;
    }
}
