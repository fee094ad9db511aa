package io.riskmapping.ml.feature;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
import org.apache.spark.util.LongAccumulator;

import com.univocity.parsers.csv.CsvWriter;

import io.riskmapping.artifacts.RiskTable;

/**
 * {@link RiskTableMapperModel#transform} of a CSV scan written back as CSV, computed from the CSV
 * parser's records ({@link CsvFiles}) instead of Spark's rows: each record's mapped values are
 * looked up in the model's tables and the record is written again by the univocity writer with the
 * settings Spark's CSV writer uses ({@link CSVOptions#asWriterSettings}, from the given write
 * options), so the lines are those Spark's CSV writer would write for the model's transform.
 *
 * <p>Applies when {@code handleInvalid} is {@code keep}, every mapped column has a categorical
 * table, and the data is a plain multi-line CSV scan of string columns (see {@link CsvFiles});
 * otherwise {@link #transform} returns null and the caller uses the model's own transform. The
 * values are the model's: the table's value of a known category, its default for a null or unseen
 * one; each written as Spark writes a double ({@link Double#toString}). The columns are the
 * model's output schema (each output column in place of a same-named column, else appended).
 *
 * <p>The result is a one-column ({@code value}) DataFrame of text lines, one partition per partition of
 * the scan, each partition's lines starting with the header: written with Spark's {@code text}
 * source (which adds {@code \n} after each line), it is the CSV file of that partition. Its
 * {@link Metrics} count, as the lines are written, the records, and those holding U+FFFD (what the
 * parser makes of bytes that are not valid in the charset).
 *
 * <p>Why: Spark's CSV round trip turns each value into a {@code UTF8String} and back, and each
 * mapped double into text; this keeps the parser's strings, and each category's output text is
 * made once per executor, by the broadcast table's slot ({@code Lookups.Table.textAt};
 * docs/performance.md, item 24).
 */
public final class CsvMapping {

    private CsvMapping() {
    }

    /**
     * What a mapping counted, filled as its lines are written: the records; the records with a
     * value holding U+FFFD; and for those, the first such column (index in the scan's schema) of each task.
     */
    public record Metrics(LongAccumulator rows, LongAccumulator badRows, CollectionAccumulator<Integer> badColumns)
            implements java.io.Serializable {
        /** The first column holding U+FFFD over all tasks, or -1. */
        public int firstBadColumn() {
            int first = -1;
            for (Integer c : badColumns.value()) {
                first = first < 0 ? c : Math.min(first, c);
            }
            return first;
        }
    }

    /** The mapped lines and their metrics. */
    public record Lines(Dataset<Row> text, Metrics metrics) {
    }

    /**
     * The model's transform of {@code dataset} as CSV lines; null when that does not apply (see the class comment).
     *
     * @param writeOptions Spark's CSV write options (e.g. {@code sep}, {@code quote}, {@code header})
     * @param buckets input column &rarr; its drift buckets, counted as the rows are mapped (see {@link ColumnarMapping.Buckets})
     * @throws IllegalArgumentException as {@link RiskTableMapperModel#transformSchema} for a missing
     *         input column or a clash of output columns
     */
    public static Lines transform(RiskTableMapperModel model, Dataset<?> dataset, Map<String, String> writeOptions,
            Map<String, ColumnarMapping.Buckets> buckets) {
        Dataset<Row> data = dataset.toDF();
        model.transformSchema(data.schema());
        if (RiskTableMapperParams.ERROR_INVALID.equals(model.getHandleInvalid())) {
            return null;
        }
        StructType in = data.schema();
        String[] inputCols = model.getInputCols();
        String[] outputCols = model.getOutputCols();
        // the output columns: the input's, each passed through, then mapped ones in place or appended
        List<String> names = new ArrayList<>(List.of(in.fieldNames()));
        List<Integer> source = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            source.add(c);
        }
        List<RiskTable> tables = new ArrayList<>(Collections.nCopies(names.size(), null));
        List<ColumnarMapping.Buckets> counted = new ArrayList<>(Collections.nCopies(names.size(), null));
        for (int i = 0; i < inputCols.length; i++) {
            RiskTable t = model.riskTables().get(inputCols[i]);
            if (t == null) {
                continue;
            }
            int from = List.of(in.fieldNames()).indexOf(inputCols[i]);
            if (from < 0 || t.mode() != RiskTable.Mode.CATEGORICAL || !(in.fields()[from].dataType() instanceof StringType)
                    || !t.bins().keySet().stream().allMatch(String.class::isInstance)) {
                return null;
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
        CsvFiles.Scan scan = CsvFiles.scan(data);
        if (scan == null) {
            return null;
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
                byColumn[j] = model.broadcasts().of(t.bins(), jsc);
                defaults[j] = t.defaultBin();
            }
        }
        var session = data.sparkSession();
        CSVOptions write = new CSVOptions(scalaMap(writeOptions), session.sessionState().conf().csvColumnPruning(),
                session.sessionState().conf().sessionLocalTimeZone());
        Metrics metrics = new Metrics(jsc.sc().longAccumulator("csv mapping: rows"), jsc.sc().longAccumulator("csv mapping: bad rows"),
                jsc.sc().collectionAccumulator("csv mapping: bad columns"));
        Mapping mapping = new Mapping(scan, write, names.toArray(new String[0]), column, byColumn, defaults,
                counted.toArray(new ColumnarMapping.Buckets[0]), metrics);
        JavaRDD<InternalRow> lines = jsc.parallelize(scan.partitions(), Math.max(1, scan.partitions().size())).mapPartitions(mapping);
        StructType text = new StructType().add("value", DataTypes.StringType, false);
        return new Lines(((org.apache.spark.sql.classic.SparkSession) session).internalCreateDataFrame(lines.rdd(), text, false), metrics);
    }

    @SuppressWarnings("unchecked")
    private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> m) {
        return (scala.collection.immutable.Map<String, String>) scala.collection.immutable.Map$.MODULE$
                .from(scala.jdk.javaapi.CollectionConverters.asScala(m));
    }

    /** One partition's files, mapped into lines (the header first). */
    private static final class Mapping implements FlatMapFunction<Iterator<List<String>>, InternalRow> {
        private static final long serialVersionUID = 1L;
        private final CsvFiles.Scan scan;
        private final CSVOptions write;
        private final String[] header;
        private final int[] column;
        private final Broadcast<Lookups.Table>[] tables;
        private final double[] defaults;
        private final ColumnarMapping.Buckets[] buckets;
        private final Metrics metrics;

        Mapping(CsvFiles.Scan scan, CSVOptions write, String[] header, int[] column, Broadcast<Lookups.Table>[] tables,
                double[] defaults, ColumnarMapping.Buckets[] buckets, Metrics metrics) {
            this.scan = scan;
            this.write = write;
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
            long[][] counts = new long[n][];
            for (int j = 0; j < n; j++) {
                table[j] = tables[j] == null ? null : tables[j].value();
                absent[j] = tables[j] == null ? null : Double.toString(defaults[j]);
                counts[j] = buckets[j] == null ? null : new long[buckets[j].size()];
            }
            // Spark's CSV writer's settings: a null value is written as nullValue, an empty one as emptyValue
            CsvWriter writer = new CsvWriter(new java.io.StringWriter(), write.asWriterSettings());
            List<String> files = new ArrayList<>();
            partition.forEachRemaining(files::addAll);
            Iterator<String> fileNames = files.iterator();
            return new Iterator<>() {
                private boolean headerDone = !write.headerFlag();
                private Iterator<String[]> records = Collections.emptyIterator();
                private final String[] out = new String[n];
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
                        pending = line(writer.writeRowToString((Object[]) header));
                        return true;
                    }
                    while (pending == null) {
                        while (!records.hasNext()) {
                            if (!fileNames.hasNext()) {
                                finish();
                                return false;
                            }
                            records = CsvFiles.records(fileNames.next(), scan.options(), scan.width(), null, scan.conf().value().value());
                        }
                        pending = map(records.next());
                    }
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

                /** A record's line, or null when the writer skips it (as Spark's does a line of no text). */
                private InternalRow map(String[] r) {
                    rows++;
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
                    return line(writer.writeRowToString((Object[]) out));
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
                    metrics.rows().add(rows);
                    metrics.badRows().add(badRows);
                    if (badColumn >= 0) {
                        metrics.badColumns().add(badColumn);
                    }
                    for (int j = 0; j < n; j++) {
                        if (counts[j] != null) {
                            buckets[j].add(counts[j]);
                        }
                    }
                }
            };
        }

        private static InternalRow line(String s) {
            return s == null ? null : new GenericInternalRow(new Object[] {UTF8String.fromString(s)});
        }
    }
}
