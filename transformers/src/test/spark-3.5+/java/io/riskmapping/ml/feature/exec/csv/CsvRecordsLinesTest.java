package io.riskmapping.ml.feature.exec.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.junit.jupiter.api.Test;

import io.riskmapping.ml.feature.compat.ScalaCollections;

/**
 * {@link CsvRecords} without Spark: the records read with plain lines as bytes equal those the
 * parser alone gives (Spark's parser settings), across buffer refills, a line longer than the
 * buffer, lines parsed alone, and the hand-over of the rest of a file to the parser.
 */
class CsvRecordsLinesTest {

    private static CSVOptions options(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("header", "true", "multiLine", "true", "mode", "FAILFAST", "escape", "\"",
                "quote", "\""));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new CSVOptions(ScalaCollections.asScala(m), true, "UTC");
    }

    /** A stream that returns at most a few thousand bytes per read, so that lines straddle refills. */
    private static InputStream trickle(byte[] bytes, long seed) {
        Random random = new Random(seed);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(9000)));
            }
        };
    }

    /** Every record as its values (null for null), and how many of them were plain. */
    private static List<List<String>> read(byte[] file, CSVOptions options, int width, int[] select, boolean bytePath, int[] plainCount) {
        List<List<String>> out = new ArrayList<>();
        try (CsvRecords records = new CsvRecords(trickle(file, 7), new Path("/x/part-00000.csv"), options, width, select, bytePath)) {
            while (records.next()) {
                if (records.plain()) {
                    plainCount[0]++;
                    int[] columns = select == null ? java.util.stream.IntStream.range(0, width).toArray() : select;
                    List<String> values = new ArrayList<>();
                    for (int c : columns) {
                        values.add(records.isNull(c) ? null
                                : new String(records.bytes(), records.from(c), records.to(c) - records.from(c), StandardCharsets.UTF_8));
                    }
                    out.add(values);
                } else {
                    out.add(Arrays.asList(records.values()));
                }
            }
        }
        return out;
    }

    @Test
    void bytesAndParserGiveTheSameRecordsAcrossRefills() {
        Random random = new Random(42);
        String[] plain = {"a", "bb", "", "c d", "NA", "1.5", "x\ty"};
        String[] alone = {" lead", "trail ", "\u00fc", "back\\slash"};
        StringBuilder text = new StringBuilder("k,v,w\n");
        for (int i = 0; i < 40_000; i++) {
            String[] row = new String[3];
            for (int c = 0; c < 3; c++) {
                row[c] = random.nextInt(50) == 0 ? alone[random.nextInt(alone.length)] : plain[random.nextInt(plain.length)];
            }
            if (i == 20_000) {
                row[1] = "L".repeat(1_500_000); // longer than the 1 MB buffer
            }
            text.append(String.join(",", row)).append('\n');
        }
        text.append("q,\"a \"\"quoted\"\"\nvalue\",z\n"); // the parser reads on from here
        text.append("after,the,quote\n");
        text.append("last,line,without newline");
        byte[] file = text.toString().getBytes(StandardCharsets.UTF_8);
        for (String nullValue : List.of("", "NA")) {
            CSVOptions options = options("nullValue", nullValue);
            for (int[] select : new int[][] {null, {2, 0}}) {
                int[] plainCount = {0};
                List<List<String>> bytes = read(file, options, 3, select, true, plainCount);
                List<List<String>> parsed = read(file, options, 3, select, false, new int[1]);
                assertEquals(40_003, parsed.size());
                assertEquals(parsed, bytes, "nullValue '" + nullValue + "'");
                assertTrue(plainCount[0] > 35_000 && plainCount[0] < 40_000, plainCount[0] + " plain records");
            }
        }
    }

    @Test
    void aRaggedRecordAfterPlainLinesIsRefusedWithItsNumber() {
        byte[] file = "a,b\n1,2\n3,4\n5\n6,7\n".getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(file, options(), 2, null, true, new int[1]));
        assertTrue(e.getMessage().contains("Malformed CSV record: 5") && e.getMessage().contains("record 4 of /x/part-00000.csv"),
                e.getMessage());
        // the parser alone says the same
        IllegalArgumentException parsed = assertThrows(IllegalArgumentException.class,
                () -> read(file, options(), 2, null, false, new int[1]));
        assertEquals(parsed.getMessage(), e.getMessage());
    }

    @Test
    void oddFilesGoToTheParser() {
        List<String> files = List.of("\uFEFFa,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\n\n1,2\n\n", "a,b\n", "", "a,b\n1,2\n3,\"4\r\n5\"\n6,7\r\n");
        for (String f : files) {
            byte[] file = f.getBytes(StandardCharsets.UTF_8);
            CSVOptions options = options();
            assertEquals(read(file, options, 2, null, false, new int[1]), read(file, options, 2, null, true, new int[1]),
                    f.replace("\n", "\\n").replace("\r", "\\r"));
        }
        assertEquals(List.of(List.of("1", "2")), read("\uFEFFa,b\n1,2\n".getBytes(StandardCharsets.UTF_8), options(), 2, null, true, new int[1]));
        assertEquals(List.of(List.of("3", "4\r\n5"), List.of("6", "7\r")),
                read("a,b\n3,\"4\r\n5\"\n6,7\r\n".getBytes(StandardCharsets.UTF_8), options(), 2, null, true, new int[1]),
                "after plain lines the parser keeps the file's line separator, \\n");
    }
}
