package io.riskmapping.ml.feature.exec.csv;

import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.unsafe.types.UTF8String;

import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.PartialCounts;
import io.riskmapping.ml.feature.core.TextCounts;

/**
 * The map side of the fit read straight from a CSV scan's records ({@link CsvFiles},
 * {@link CsvRecords}): the label and each input column's value counted as a plain line's bytes
 * (the count tables probe a view of the line, no copy) or as the parser returns a record's
 * strings, without Spark's rows (no {@code UTF8String} row per record, no generated projection).
 *
 * <p>Chosen by {@link io.riskmapping.ml.feature.exec.CountSources} when the data is a plain multi-line CSV scan of string
 * columns (see {@link CsvFiles}); otherwise the fit counts Spark's rows with {@link PartialCounts},
 * with the same result. The label's class is {@link KeyColumns#labelClass}'s for text
 * ({@link #labelClass(String)}): null or blank (spaces) unlabelled, else the text parsed as Spark
 * casts text to a double ({@code java.lang.Double.parseDouble}): 1 and 0 fitted, -1 unlabelled,
 * anything else invalid; each distinct label text is classified once per task ("0" and "1" on a
 * plain line at once).
 *
 * <p>Output: the rows of {@link PartialCounts#SCHEMA}, as {@link PartialCounts} emits them.
 */
public final class CsvCounts implements FlatMapFunction<Iterator<List<String>>, Row> {
    private static final long serialVersionUID = 1L;

    private final CsvFiles.Scan scan;
    private final long flushBytes;

    private CsvCounts(CsvFiles.Scan scan, long flushBytes) {
        this.scan = scan;
        this.flushBytes = flushBytes;
    }

    /**
     * The partial counts of {@code data}'s label and input columns read from its CSV files, one
     * partition per partition of Spark's scan; none when {@code data} is not a plain CSV scan (see
     * {@link CsvFiles}) and the rows must be counted instead.
     */
    public static Optional<JavaRDD<Row>> partials(Dataset<Row> data, String labelCol, String[] inputCols, long flushBytes) {
        Column[] columns = new Column[inputCols.length + 1];
        columns[0] = KeyColumns.quoted(labelCol);
        for (int i = 0; i < inputCols.length; i++) {
            columns[i + 1] = KeyColumns.quoted(inputCols[i]);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        return CsvFiles.scan(data.select(columns))
                .map(scan -> jsc.parallelize(scan.partitions(), Math.max(1, scan.partitions().size())).mapPartitions(new CsvCounts(scan, flushBytes)));
    }

    /** A label text's class, as {@link KeyColumns#labelClass} gives it for a string column. */
    static int labelClass(String text) {
        if (text == null || text.chars().allMatch(ch -> ch == ' ')) {
            return KeyColumns.UNLABELLED;
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return KeyColumns.INVALID; // Spark's special literals (NaN, inf) are invalid labels too
        }
        return KeyColumns.classOf(v);
    }

    @Override
    public Iterator<Row> call(Iterator<List<String>> files) {
        return new RecordCounting(files, new boolean[scan.columns().length - 1], PartialCounts.budget(flushBytes));
    }

    /** Counting of the records of a partition's files (column 0 the label, then the input columns). */
    private final class RecordCounting extends PartialCounts.Counting {
        private final Iterator<List<String>> partition;
        private Iterator<String> files = Collections.emptyIterator();
        private CsvRecords records;
        private final Map<String, Integer> classes = new HashMap<>();
        /** Whether {@link #records} is at a record not yet counted. */
        private boolean ready;

        RecordCounting(Iterator<List<String>> partition, boolean[] numeric, long budget) {
            super(numeric, budget);
            this.partition = partition;
        }

        @Override
        protected boolean more() {
            if (ready) {
                return true;
            }
            while (records == null || !records.next()) {
                while (!files.hasNext()) {
                    if (!partition.hasNext()) {
                        return false;
                    }
                    files = partition.next().iterator();
                }
                records = CsvFiles.records(files.next(), scan, scan.columns(), scan.plainLines(), scan.conf().value().value());
            }
            ready = true;
            return true;
        }

        @Override
        protected void fill() {
            int m = texts.length;
            int[] columns = scan.columns();
            while (more()) {
                ready = false;
                boolean added = false;
                if (records.plain()) {
                    byte[] b = records.bytes();
                    int y = labelClass(b, records.from(columns[0]), records.to(columns[0]), records.isNull(columns[0]));
                    TextCounts.add(label, y);
                    for (int i = 0; i < m; i++) {
                        int c = columns[i + 1];
                        if (records.isNull(c)) {
                            texts[i].addNull(y);
                        } else {
                            int from = records.from(c);
                            added |= texts[i].add(UTF8String.fromBytes(b, from, records.to(c) - from), y);
                        }
                    }
                } else {
                    String[] r = records.values();
                    int y = labelClass(r[0]);
                    TextCounts.add(label, y);
                    for (int i = 0; i < m; i++) {
                        String v = r[i + 1];
                        if (v == null) {
                            texts[i].addNull(y);
                        } else {
                            added |= texts[i].add(UTF8String.fromString(v), y);
                        }
                    }
                }
                if (added && bytes(0) > budget) {
                    break;
                }
            }
        }

        /** The class of a label given as plain bytes (ASCII): "0" and "1" at once, other texts as {@link #labelClass(String)}, once each. */
        private int labelClass(byte[] b, int from, int to, boolean isNull) {
            if (to - from == 1 && (b[from] == '0' || b[from] == '1')) {
                return b[from] - '0';
            }
            return labelClass(isNull ? null : new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII));
        }

        /** The class of a parsed label text (null and "" are both unlabelled), memoised per distinct text. */
        private int labelClass(String text) {
            String key = text == null ? "" : text;
            Integer y = classes.get(key);
            if (y == null) {
                y = CsvCounts.labelClass(key);
                classes.put(key, y);
            }
            return y;
        }
    }
}
