package io.riskmapping.ml.feature.exec.csv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.NoSuchElementException;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.CollectionAccumulator;

import com.univocity.parsers.csv.CsvWriter;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.compat.ScalaCollections;
import io.riskmapping.ml.feature.compat.SparkShims;
import io.riskmapping.ml.feature.core.Lookups;
import io.riskmapping.ml.feature.core.TableMapping;
import io.riskmapping.ml.feature.core.DriftBuckets;
import io.riskmapping.ml.feature.exec.scan.FileScans;

/**
 * A risk-table model's transform ({@link TableMapping}) of a CSV scan written back as CSV, computed from the CSV
 * parser's records ({@link CsvFiles}) instead of Spark's rows: each record's mapped values are
 * looked up in the model's tables and the record is written again by the univocity writer with the
 * settings Spark's CSV writer uses ({@link CSVOptions#asWriterSettings}, from the given write
 * options), so the lines are those Spark's CSV writer would write for the model's transform.
 *
 * <p>Applies when {@code handleInvalid} is {@code keep}, every mapped column has a categorical
 * table, and the data is a plain multi-line CSV scan of string columns (see {@link CsvFiles});
 * otherwise {@link #transform} finds none and the caller
 * ({@link io.riskmapping.ml.feature.exec.TransformPaths}) takes the model's own transform. The
 * values are the model's: the table's value of a known category, its default for a null or unseen
 * one; each written as Spark writes a double ({@link Double#toString}). The columns are the
 * model's output schema (each output column in place of a same-named column, else appended).
 *
 * <p>The result is a one-column ({@code value}) DataFrame of text, one partition per partition of
 * the scan: each row holds about 256 KB of lines joined by {@code \n}, the partition's first
 * line the header. Written with Spark's {@code text} source (which adds {@code \n} after each
 * row), it is the CSV file of that partition. Its {@link Metrics} count, as the lines are made,
 * the records, and those holding U+FFFD (what the parser makes of bytes that are not valid in the
 * charset).
 *
 * <p>A plain line ({@link CsvRecords}) is mapped as bytes: its values are copied, each mapped value
 * replaced by its text, a null written as {@code nullValue}; Spark's writer would write the same
 * bytes ({@link #plainWrites}). Other records are written by the univocity writer.
 *
 * <p>Why: Spark's CSV round trip turns each value into a {@code UTF8String} and back, and each
 * mapped double into text; this copies plain lines' bytes, and each category's output text is
 * made once per executor, by the broadcast table's slot ({@code Lookups.Table.textAt},
 * {@code asciiAt}; docs/performance.md, "Measured design choices").
 */
public final class CsvMapping {

    private CsvMapping() {
    }

    /**
     * What a mapping counted, filled as its lines are written, per partition of its lines: the
     * records; the records with a value holding U+FFFD; and the first such column (index in the
     * scan's schema), or -1. One entry {@code {partition, rows, badRows, badColumn}} per task.
     */
    public record Metrics(CollectionAccumulator<long[]> partitions) implements java.io.Serializable {
        /** The counts of one partition: {rows, badRows, badColumn}, zeros and -1 when it counted nothing. */
        public long[] partition(int index) {
            long[] e = FileScans.partitionEntry(partitions, index);
            return e == null ? new long[] {0, 0, -1} : new long[] {e[1], e[2], e[3]};
        }

        /** The records over all partitions. */
        public long rows() {
            return partitions.value().stream().mapToLong(e -> e[1]).sum();
        }

        /** The records holding U+FFFD over all partitions. */
        public long badRows() {
            return partitions.value().stream().mapToLong(e -> e[2]).sum();
        }

        /** The first column holding U+FFFD over all partitions, or -1. */
        public int firstBadColumn() {
            return (int) partitions.value().stream().mapToLong(e -> e[3]).filter(c -> c >= 0).min().orElse(-1);
        }
    }

    /** The mapped lines and their metrics. */
    public record Lines(Dataset<Row> text, Metrics metrics) {
    }

    /**
     * The mapping's transform of {@code dataset} as CSV lines; none when that does not apply (see the class comment).
     *
     * @param writeOptions Spark's CSV write options (e.g. {@code sep}, {@code quote}, {@code header})
     * @param buckets input column &rarr; its drift buckets, counted as the rows are mapped (see {@link DriftBuckets})
     * @throws IllegalArgumentException as the model's {@code transformSchema} ({@link TableMapping#outputSchema}) for a missing
     *         input column or a clash of output columns
     */
    public static Optional<Lines> transform(TableMapping spec, Dataset<?> dataset, Map<String, String> writeOptions,
            Map<String, DriftBuckets> buckets) {
        return transform(spec, dataset, writeOptions, buckets, null);
    }

    /**
     * As {@link #transform(TableMapping, Dataset, Map, Map)}, with one partition of lines
     * per file, in the order of {@code files} (each a file of the scan, as a path or URI; all the
     * scan's files, each once), whatever Spark's partitions of the scan; none also when the
     * files are not exactly the scan's. A split of several shards is then mapped by one scan.
     */
    public static Optional<Lines> transform(TableMapping spec, Dataset<?> dataset, Map<String, String> writeOptions,
            Map<String, DriftBuckets> buckets, List<String> files) {
        Dataset<Row> data = dataset.toDF();
        spec.outputSchema().apply(data.schema());
        if (spec.errorOnInvalid()) {
            return Optional.empty();
        }
        StructType in = data.schema();
        String[] inputCols = spec.inputCols();
        String[] outputCols = spec.outputCols();
        // the output columns: the input's, each passed through, then mapped ones in place or appended
        List<String> names = new ArrayList<>(List.of(in.fieldNames()));
        List<Integer> source = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            source.add(c);
        }
        List<RiskTable> tables = new ArrayList<>(Collections.nCopies(names.size(), null));
        List<DriftBuckets> counted = new ArrayList<>(Collections.nCopies(names.size(), null));
        for (int i = 0; i < inputCols.length; i++) {
            RiskTable t = spec.tables().get(inputCols[i]);
            if (t == null) {
                continue;
            }
            int from = List.of(in.fieldNames()).indexOf(inputCols[i]);
            if (from < 0 || t.mode() != RiskTable.Mode.CATEGORICAL || !(in.fields()[from].dataType() instanceof StringType)
                    || !t.bins().keySet().stream().allMatch(String.class::isInstance)) {
                return Optional.empty();
            }
            int j = names.indexOf(outputCols[i]);
            if (j < 0) {
                names.add(outputCols[i]);
                source.add(from);
                tables.add(t);
                counted.add(buckets.get(inputCols[i]));
            } else {
                source.set(j, from);
                tables.set(j, t);
                counted.set(j, buckets.get(inputCols[i]));
            }
        }
        CsvFiles.Scan scan = CsvFiles.scan(data, files).orElse(null);
        if (scan == null) {
            return Optional.empty();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        int n = names.size();
        int[] column = new int[n];
        @SuppressWarnings("unchecked")
        Broadcast<Lookups.Table>[] byColumn = new Broadcast[n];
        double[] defaults = new double[n];
        for (int j = 0; j < n; j++) {
            column[j] = scan.columns()[source.get(j)];
            RiskTable t = tables.get(j);
            if (t != null) {
                byColumn[j] = spec.broadcasts().of(t.bins(), jsc);
                defaults[j] = t.defaultBin();
            }
        }
        var session = data.sparkSession();
        CSVOptions write = new CSVOptions(ScalaCollections.asScala(writeOptions), session.sessionState().conf().csvColumnPruning(),
                session.sessionState().conf().sessionLocalTimeZone());
        Metrics metrics = new Metrics(jsc.sc().collectionAccumulator("csv mapping: rows, bad rows, bad column by partition"));
        Mapping mapping = new Mapping(scan, write, scan.plainLines() && plainWrites(scan.options(), write),
                names.toArray(new String[0]), column, byColumn, defaults, counted.toArray(new DriftBuckets[0]), metrics);
        JavaRDD<InternalRow> lines = jsc.parallelize(scan.partitions(), Math.max(1, scan.partitions().size())).mapPartitions(mapping);
        StructType text = new StructType().add("value", DataTypes.StringType, false);
        return Optional.of(new Lines(SparkShims.get().internalCreateDataFrame(session, lines.rdd(), text), metrics));
    }

    /**
     * Whether Spark's CSV writer, under the write options, writes each plain value read under the
     * read options ({@link CsvRecords}) as its own bytes, and a null as {@code nullValue}'s bytes:
     * the same delimiter, quote and escape characters, UTF-8, no quoting of every value, and a
     * {@code nullValue} that is itself plain.
     */
    static boolean plainWrites(CSVOptions read, CSVOptions write) {
        String nv = write.nullValue();
        boolean plainNull = nv.isEmpty() || nv.charAt(0) != ' ' && nv.charAt(nv.length() - 1) != ' ';
        for (int i = 0; i < nv.length(); i++) {
            char ch = nv.charAt(i);
            plainNull &= ch >= 0x20 && ch < 0x7F && ch != write.quote() && ch != write.escape() && write.delimiter().indexOf(ch) < 0;
        }
        return plainNull && CsvRecords.isUtf8(write.charset()) && !write.quoteAll() && write.delimiter().equals(read.delimiter()) && write.quote() == read.quote()
                && write.escape() == read.escape();
    }

    /** One partition's files, mapped into lines (the header first). */
    private static final class Mapping implements FlatMapFunction<Iterator<List<String>>, InternalRow> {
        private static final long serialVersionUID = 1L;
        /**
         * The size at which a chunk of lines is passed on (one text row). Well under G1's humongous
         * object size (half a heap region, 1 MB for heaps of 2 to 4 GB): a chunk per megabyte of
         * output allocated as humongous set off a concurrent GC cycle after another (JFR).
         */
        private static final int CHUNK_BYTES = 1 << 18;
        private static final byte NEWLINE = '\n';
        private final CsvFiles.Scan scan;
        private final CSVOptions write;
        /** Whether plain lines are mapped as bytes ({@link #plainWrites}). */
        private final boolean plainOut;
        private final String[] header;
        private final int[] column;
        private final Broadcast<Lookups.Table>[] tables;
        private final double[] defaults;
        private final DriftBuckets[] buckets;
        private final Metrics metrics;

        Mapping(CsvFiles.Scan scan, CSVOptions write, boolean plainOut, String[] header, int[] column, Broadcast<Lookups.Table>[] tables,
                double[] defaults, DriftBuckets[] buckets, Metrics metrics) {
            this.scan = scan;
            this.write = write;
            this.plainOut = plainOut;
            this.header = header;
            this.column = column;
            this.tables = tables;
            this.defaults = defaults;
            this.buckets = buckets;
            this.metrics = metrics;
        }

        @Override
        public Iterator<InternalRow> call(Iterator<List<String>> partition) {
            int n = column.length;
            Lookups.Table[] table = new Lookups.Table[n];
            String[] absent = new String[n];
            byte[][] absentBytes = new byte[n][];
            long[][] counts = new long[n][];
            for (int j = 0; j < n; j++) {
                table[j] = tables[j] == null ? null : tables[j].value();
                absent[j] = tables[j] == null ? null : Double.toString(defaults[j]);
                absentBytes[j] = absent[j] == null ? null : absent[j].getBytes(StandardCharsets.US_ASCII);
                counts[j] = buckets[j] == null ? null : new long[buckets[j].size()];
            }
            // Spark's CSV writer's settings: a null value is written as nullValue, an empty one as emptyValue
            CsvWriter writer = new CsvWriter(new java.io.StringWriter(), write.asWriterSettings());
            byte delimiter = (byte) write.delimiter().charAt(0);
            byte[] nullText = write.nullValue().getBytes(StandardCharsets.UTF_8);
            List<String> files = new ArrayList<>();
            partition.forEachRemaining(files::addAll);
            Iterator<String> fileNames = files.iterator();
            return new Iterator<>() {
                private boolean headerDone = !write.headerFlag();
                private CsvRecords records;
                private final String[] out = new String[n];
                /** Lines not yet returned, separated by newlines (the text writer ends the last). */
                private byte[] chunk = new byte[CHUNK_BYTES + (1 << 14)];
                private int used;
                private InternalRow pending;
                private long rows;
                private long badRows;
                private int badColumn = -1;
                private boolean finished;

                @Override
                public boolean hasNext() {
                    if (pending != null) {
                        return true;
                    }
                    if (!headerDone) {
                        headerDone = true;
                        add(writer.writeRowToString((Object[]) header));
                    }
                    while (used < CHUNK_BYTES) {
                        if (records == null || !records.next()) {
                            if (!fileNames.hasNext()) {
                                finish();
                                break;
                            }
                            records = CsvFiles.records(fileNames.next(), scan, null, plainOut, scan.conf().value().value());
                            continue;
                        }
                        rows++;
                        if (records.plain()) {
                            mapPlain();
                        } else {
                            add(map(records.values()));
                        }
                    }
                    if (used == 0) {
                        return false;
                    }
                    pending = new GenericInternalRow(new Object[] {UTF8String.fromBytes(chunk, 0, used - 1)});
                    chunk = new byte[chunk.length];
                    used = 0;
                    return true;
                }

                @Override
                public InternalRow next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    InternalRow r = pending;
                    pending = null;
                    return r;
                }

                /** Appends a line the writer made; none when it skipped the record (as Spark's does a line of no text). */
                private void add(String line) {
                    if (line != null) {
                        byte[] b = line.getBytes(StandardCharsets.UTF_8);
                        append(b, 0, b.length);
                        append(NEWLINE);
                    }
                }

                /** A plain record's line: its values' own bytes, the mapped ones replaced by their text. */
                private void mapPlain() {
                    byte[] b = records.bytes();
                    for (int j = 0; j < n; j++) {
                        if (j > 0) {
                            append(delimiter);
                        }
                        int c = column[j];
                        boolean isNull = records.isNull(c);
                        int from = records.from(c);
                        int len = records.to(c) - from;
                        if (table[j] == null) {
                            if (isNull) {
                                append(nullText, 0, nullText.length);
                            } else {
                                append(b, from, len);
                            }
                            continue;
                        }
                        if (counts[j] != null) {
                            counts[j][isNull ? buckets[j].ofNull() : buckets[j].of(new String(b, from, len, StandardCharsets.US_ASCII))]++;
                        }
                        int slot = isNull ? -1 : table[j].slotOf(UTF8String.fromBytes(b, from, len));
                        byte[] text = slot < 0 ? absentBytes[j] : table[j].asciiAt(slot);
                        append(text, 0, text.length);
                    }
                    append(NEWLINE);
                }

                private void append(byte x) {
                    if (used == chunk.length) {
                        chunk = java.util.Arrays.copyOf(chunk, chunk.length * 2);
                    }
                    chunk[used++] = x;
                }

                private void append(byte[] x, int from, int len) {
                    if (used + len > chunk.length) {
                        chunk = java.util.Arrays.copyOf(chunk, Math.max(chunk.length * 2, used + len));
                    }
                    System.arraycopy(x, from, chunk, used, len);
                    used += len;
                }

                /** A parsed record's line, or null when the writer skips it. */
                private String map(String[] r) {
                    check(r);
                    for (int j = 0; j < n; j++) {
                        String v = r[column[j]];
                        if (table[j] == null) {
                            out[j] = v;
                            continue;
                        }
                        if (counts[j] != null) {
                            counts[j][v == null ? buckets[j].ofNull() : buckets[j].of(v)]++;
                        }
                        out[j] = v == null ? absent[j] : mapped(j, v);
                    }
                    return writer.writeRowToString((Object[]) out);
                }

                /** Counts a record holding U+FFFD, and the first such column of the task. */
                private void check(String[] r) {
                    for (int c = 0; c < r.length; c++) {
                        if (r[c] != null && r[c].indexOf('\uFFFD') >= 0) {
                            badRows++;
                            badColumn = badColumn < 0 ? c : Math.min(badColumn, c);
                            return;
                        }
                    }
                }

                /** The output text of a category: its slot's value as text (made once per executor), or the default's. */
                private String mapped(int j, String v) {
                    int slot = table[j].slotOf(UTF8String.fromString(v));
                    return slot < 0 ? absent[j] : table[j].textAt(slot);
                }

                private void finish() {
                    if (finished) {
                        return;
                    }
                    finished = true;
                    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
                    metrics.partitions().add(new long[] {task == null ? 0 : task.partitionId(), rows, badRows, badColumn});
                    for (int j = 0; j < n; j++) {
                        if (counts[j] != null) {
                            buckets[j].add(counts[j]);
                        }
                    }
                }
            };
        }
    }
}
