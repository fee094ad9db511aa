package io.riskmapping.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.util.AccumulatorV2;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.job.report.Drift;
import io.riskmapping.job.report.FitReport;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.core.DriftBuckets;
import io.riskmapping.ml.feature.core.MulticlassTargets;
import io.riskmapping.ml.feature.exec.parquet.ColumnarMapping;

/**
 * Counts, during a split's write pass (no extra scan), what the fit report needs to compare the
 * split with train: per mapped field the rows with a null, with an unseen category, and with each
 * of the {@link #TOP} most frequent train categories.
 *
 * <p>Each row falls in one bucket per field: missing, unseen (native Column expressions, as the
 * transform computes the key), else its key's index among the top categories (a hash map probe),
 * else "other". A function per field adds the row to a {@link BucketCounts} accumulator and keeps
 * the row (a filter that is always true, marked nondeterministic so that Spark evaluates it once
 * per row and never drops it). Spark merges an accumulator's updates from each successful task of
 * the write once, as it does for observations (which are accumulators too). When the split is
 * mapped from Parquet column batches ({@link ColumnarMapping}), {@link #buckets} gives that mapping
 * the same buckets per field instead, and it counts into the same accumulator (each dictionary
 * id's bucket decided once per row group).
 *
 * <p>With train's label column recorded ({@link TrainProfile#label()}) and present in the split,
 * the same write pass counts the split's labels ({@link #attachLabels}, {@link #attachLabelLines}):
 * a function of the label column adds each row to a {@link LabelCounts} accumulator.
 *
 * <p>Why buckets: a {@code count_if(key = category)} per top category (384 aggregates for 12
 * fields) made the pass with the report much slower than without (docs/performance.md, "Measured design choices").
 */
final class DriftProbe {

    /** Categories compared one by one; the rest of train's categories form one {@code __other__} bin. */
    static final int TOP = 30;
    /** Above this many known categories, unseen values are not counted (no PSI). */
    static final int MAX_KNOWN = 1000;

    /** Buckets per field: the top categories' indexes, then other, unseen and missing. */
    static final int BUCKETS = TOP + 3;
    private static final int OTHER = TOP;
    private static final int UNSEEN = TOP + 1;
    private static final int MISSING = TOP + 2;

    private final FieldEncoding encoding;
    private final TrainProfile train;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, List<Object>> top = new LinkedHashMap<>();
    private final BucketCounts counts;
    private Column keep;
    /** The label's column in the split, or null (no label recorded in train's profile, or no such column in the split). */
    private final String label;
    /** The split's rows by label, when {@link #label} is set. */
    private final LabelCounts labels;

    /** @param train what train held (the fit's counts, or the artifacts' {@link TrainProfile#FILE}) */
    DriftProbe(FieldEncoding encoding, TrainProfile train, Dataset<Row> data, String split) {
        this.encoding = encoding;
        this.train = train;
        this.counts = new BucketCounts(encoding.columns().length);
        data.sparkSession().sparkContext().register(counts, "drift-" + split);
        TrainProfile.Label l = train.label();
        this.label = l != null && l.column() != null && List.of(data.columns()).contains(l.column()) ? l.column() : null;
        this.labels = label == null ? null : l.multiclass() ? new LabelCounts(List.copyOf(l.classes().keySet())) : new LabelCounts(l.continuous());
        if (labels != null) {
            data.sparkSession().sparkContext().register(labels, "labels-" + split);
        }
        int i = 0;
        for (String c : encoding.columns()) {
            DataType type = data.schema().apply(c).dataType();
            RiskTable.Mode mode = encoding.mode(c);
            Column col = data.col("`" + c.replace("`", "``") + "`");
            Column key = RiskTableMapperModel.key(col, type, mode);
            Column missing = type instanceof NumericType ? key.isNull() : col.isNull();
            Map<Object, Double> known = encoding.values(c);
            Column unseen = known.size() <= MAX_KNOWN ? key.isNotNull().and(not(key.isin(known.keySet().toArray()))) : lit(false);
            if (mode == RiskTable.Mode.NUMERIC && type instanceof StringType) {
                unseen = unseen.or(key.isNull().and(col.isNotNull()));
            }
            List<Object> cats = topCategories(c);
            columns.add(c);
            top.put(c, cats);
            Column counted = udf(new CountBucket(i, cats, counts), DataTypes.BooleanType).asNondeterministic()
                    .apply(key, coalesce(missing, lit(false)), coalesce(unseen, lit(false)));
            keep = keep == null ? counted : keep.and(counted);
            i++;
        }
    }

    private List<Object> topCategories(String column) {
        Map<Object, Long> counts = train.field(column).map(TrainProfile.Field::categories).orElse(null);
        List<Object> keys = new ArrayList<>(counts != null ? counts.keySet() : encoding.values(column).keySet());
        if (counts != null) {
            keys.sort((a, b) -> Long.compare(counts.get(b), counts.get(a)));
        }
        return keys.subList(0, Math.min(TOP, keys.size()));
    }

    /**
     * The same counting for {@link ColumnarMapping}, which maps Parquet column batches: per
     * column, the bucket of a category (decided once per dictionary id there) and the accumulator
     * its rows go to. Categorical text columns only, as that path maps only those.
     */
    Map<String, DriftBuckets> buckets() {
        Map<String, DriftBuckets> out = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            Map<Object, Double> known = encoding.values(c);
            out.put(c, new TextBuckets(i, columns.size(), top.get(c), known.size() <= MAX_KNOWN ? known.keySet() : null, counts));
        }
        return out;
    }

    /** A text column's buckets: its top categories, else unseen (when counted) or other; null is missing. */
    static final class TextBuckets implements DriftBuckets {
        private static final long serialVersionUID = 1L;
        private final int field;
        private final int fields;
        private final HashMap<String, Integer> index = new HashMap<>();
        private final java.util.HashSet<String> known;
        private final BucketCounts counts;

        TextBuckets(int field, int fields, List<Object> top, java.util.Collection<Object> known, BucketCounts counts) {
            this.field = field;
            this.fields = fields;
            for (int j = 0; j < top.size(); j++) {
                index.put(String.valueOf(top.get(j)), j);
            }
            this.known = known == null ? null : new java.util.HashSet<>();
            if (known != null) {
                known.forEach(k -> this.known.add(String.valueOf(k)));
            }
            this.counts = counts;
        }

        @Override
        public int size() {
            return BUCKETS;
        }

        @Override
        public int of(String category) {
            if (known != null && !known.contains(category)) {
                return UNSEEN;
            }
            Integer j = index.get(category);
            return j == null ? OTHER : j;
        }

        @Override
        public int ofNull() {
            return MISSING;
        }

        @Override
        public void add(long[] c) {
            long[] all = new long[fields * BUCKETS];
            System.arraycopy(c, 0, all, field * BUCKETS, BUCKETS);
            counts.add(all);
        }
    }

    /** The data with the counting attached (every row kept). */
    Dataset<Row> attach(Dataset<Row> data) {
        return keep == null ? data : data.filter(keep);
    }

    /**
     * {@code data} (the split's rows, mapped or not: its label column as read) with the counting of
     * its labels attached, every row kept: a function of the label column adds each row to a
     * {@link LabelCounts} accumulator, as {@link #attach} does for the fields. {@code data} itself
     * when no label is counted.
     */
    Dataset<Row> attachLabels(Dataset<Row> data) {
        if (label == null) {
            return data;
        }
        // a multiclass label's class as the fit reads it (a double's NaN unlabelled)
        Column text = labels.multiclass() ? MulticlassTargets.labelClass(data, label)
                : data.col("`" + label.replace("`", "``") + "`").cast(DataTypes.StringType);
        return data.filter(udf(new CountLabel(labels), DataTypes.BooleanType).asNondeterministic().apply(text));
    }

    /**
     * The mapped CSV/TSV lines of the record path ({@code CsvMapping}: one {@code value} column,
     * each row some whole records joined by {@code \n}, a partition's first row starting with the
     * header) with the counting of their labels attached, every row kept: each record's field at
     * the label's index is read from the line's bytes ({@link CountLabelLines}), the header (the
     * first record of a partition, told by {@code monotonically_increasing_id}'s row number within
     * the partition) left out. {@code lines} itself when no label is counted.
     *
     * @param columns   the split's columns, in file order (the lines' fields)
     * @param separator the field separator (one ASCII character)
     */
    Dataset<Row> attachLabelLines(Dataset<Row> lines, String[] columns, String separator) {
        if (label == null) {
            return lines;
        }
        int index = List.of(columns).indexOf(label);
        Column first = monotonically_increasing_id().bitwiseAND(lit(ROW_NUMBER_MASK)).equalTo(lit(0L));
        return lines.filter(udf(new CountLabelLines(labels, index, (byte) separator.charAt(0)), DataTypes.BooleanType).asNondeterministic()
                .apply(lines.col("value").cast(DataTypes.BinaryType), first));
    }

    /** {@code monotonically_increasing_id}'s lower 33 bits: the row's number within its partition. */
    private static final long ROW_NUMBER_MASK = (1L << 33) - 1;

    /** The split's label balance, after the write (null when no label was counted). */
    FitReport.LabelBalance labels() {
        return labels == null ? null : labels.value();
    }

    /** Adds a row's label (its text) to the counts; always true. */
    static final class CountLabel implements UDF1<String, Boolean> {
        private static final long serialVersionUID = 1L;
        private final LabelCounts counts;

        CountLabel(LabelCounts counts) {
            this.counts = counts;
        }

        @Override
        public Boolean call(String label) {
            counts.add(label);
            return Boolean.TRUE;
        }
    }

    /**
     * Adds the labels of some CSV/TSV records (UTF-8 bytes, records separated by {@code \n} outside
     * quotes, fields by the separator outside quotes, {@code "} quoting with {@code ""} for a quote,
     * as the job writes CSV) to the counts, the first record left out when it is a header; always
     * true. A record with fewer fields than the label's index counts as unlabelled.
     */
    static final class CountLabelLines implements UDF2<byte[], Boolean, Boolean> {
        private static final long serialVersionUID = 1L;
        private final LabelCounts counts;
        private final int index;
        private final byte separator;

        CountLabelLines(LabelCounts counts, int index, byte separator) {
            this.counts = counts;
            this.index = index;
            this.separator = separator;
        }

        @Override
        public Boolean call(byte[] text, Boolean headerFirst) {
            int n = text.length;
            if (n == 0) {
                return Boolean.TRUE;
            }
            boolean skip = headerFirst;
            boolean quoted = false;
            int field = 0;
            int start = index == 0 ? 0 : -1;
            int end = -1;
            for (int i = 0; i <= n; i++) {
                byte b = i < n ? text[i] : (byte) '\n';
                if (quoted) {
                    quoted = b != '"';
                    if (i < n) {
                        continue;
                    }
                }
                if (b == '"') {
                    quoted = true;
                } else if (b == separator || b == '\n') {
                    if (field == index) {
                        end = i;
                    }
                    field++;
                    if (field == index) {
                        start = i + 1;
                    }
                    if (b == '\n') {
                        if (!skip) {
                            counts.add(end < 0 ? null : field(text, start, end));
                        }
                        skip = false;
                        field = 0;
                        start = index == 0 ? i + 1 : -1;
                        end = -1;
                    }
                }
            }
            return Boolean.TRUE;
        }

        /** The field's text, its quotes removed. */
        private static String field(byte[] text, int start, int end) {
            String s = new String(text, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
            return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"'
                    ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
        }
    }

    /**
     * A split's rows by label, added up over a write's successful tasks. A binary label: a number
     * equal to 1 is an event, 0 a non-event, anything else (-1, null, blank, other text) unlabelled.
     * A continuous label: a finite number is labelled (its count, sum and sum of squares added up),
     * anything else (null, blank, text that is not a number) unlabelled. A multiclass label: null and
     * blank text are unlabelled, any other text is its class (as is, as the fit reads it).
     */
    static final class LabelCounts extends AccumulatorV2<String, FitReport.LabelBalance> {
        private static final long serialVersionUID = 1L;
        private final boolean continuous;
        /** Multiclass: train's classes, in their order; null for a binary or continuous label. */
        private final ArrayList<String> classes;
        /** Multiclass: rows per class. */
        private final HashMap<String, Long> classRows = new HashMap<>();
        private long events;
        private long nonEvents;
        private long labelled;
        private long unlabelled;
        private double sum;
        private double sumSquares;

        /** A binary ({@code continuous} false) or continuous label. */
        LabelCounts(boolean continuous) {
            this.continuous = continuous;
            this.classes = null;
        }

        /** A multiclass label; {@code classes}: train's classes, in the order the balance lists them first. */
        LabelCounts(List<String> classes) {
            this.continuous = false;
            this.classes = new ArrayList<>(classes);
        }

        boolean multiclass() {
            return classes != null;
        }

        @Override
        public void add(String text) {
            if (classes != null) {
                if (text == null || text.isBlank()) {
                    unlabelled++;
                } else {
                    classRows.merge(text, 1L, Long::sum);
                }
                return;
            }
            double v = number(text);
            if (continuous) {
                if (Double.isFinite(v)) {
                    labelled++;
                    sum += v;
                    sumSquares += v * v;
                } else {
                    unlabelled++;
                }
            } else if (v == 1.0) {
                events++;
            } else if (v == 0.0) {
                nonEvents++;
            } else {
                unlabelled++;
            }
        }

        /** The text as a number (trimmed), or NaN when it is none. */
        private static double number(String text) {
            if (text == null) {
                return Double.NaN;
            }
            if (text.length() == 1) { // the usual 0 and 1 without parsing
                char c = text.charAt(0);
                return c >= '0' && c <= '9' ? c - '0' : Double.NaN;
            }
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        @Override
        public boolean isZero() {
            return events == 0 && nonEvents == 0 && labelled == 0 && unlabelled == 0 && sum == 0 && sumSquares == 0 && classRows.isEmpty();
        }

        @Override
        public LabelCounts copy() {
            LabelCounts c = classes != null ? new LabelCounts(classes) : new LabelCounts(continuous);
            c.merge(this);
            return c;
        }

        @Override
        public void reset() {
            events = 0;
            nonEvents = 0;
            labelled = 0;
            unlabelled = 0;
            sum = 0;
            sumSquares = 0;
            classRows.clear();
        }

        @Override
        public void merge(AccumulatorV2<String, FitReport.LabelBalance> other) {
            LabelCounts o = (LabelCounts) other;
            events += o.events;
            nonEvents += o.nonEvents;
            labelled += o.labelled;
            unlabelled += o.unlabelled;
            sum += o.sum;
            sumSquares += o.sumSquares;
            o.classRows.forEach((k, v) -> classRows.merge(k, v, Long::sum));
        }

        @Override
        public FitReport.LabelBalance value() {
            if (classes != null) {
                Map<String, Long> rows = new LinkedHashMap<>();
                classes.forEach(c -> rows.put(c, classRows.getOrDefault(c, 0L)));
                classRows.keySet().stream().filter(c -> !rows.containsKey(c)).sorted().forEach(c -> rows.put(c, classRows.get(c)));
                return FitReport.LabelBalance.multiclass(rows, unlabelled);
            }
            return continuous ? FitReport.LabelBalance.continuous(labelled, unlabelled, sum, sumSquares)
                    : new FitReport.LabelBalance(events, nonEvents, unlabelled);
        }
    }

    /** Adds a row to its bucket of one field; always true. Holds the field's top categories and the accumulator. */
    static final class CountBucket implements UDF3<Object, Boolean, Boolean, Boolean> {
        private static final long serialVersionUID = 1L;
        private final int field;
        private final HashMap<Object, Integer> index = new HashMap<>();
        private final BucketCounts counts;

        CountBucket(int field, List<Object> top, BucketCounts counts) {
            this.field = field;
            for (int j = 0; j < top.size(); j++) {
                index.put(top.get(j), j);
            }
            this.counts = counts;
        }

        @Override
        public Boolean call(Object key, Boolean missing, Boolean unseen) {
            int bucket;
            if (missing) {
                bucket = MISSING;
            } else if (unseen) {
                bucket = UNSEEN;
            } else {
                Integer j = key == null ? null : index.get(key);
                bucket = j == null ? OTHER : j;
            }
            counts.increment(field, bucket);
            return Boolean.TRUE;
        }
    }

    /** Rows per (field, bucket), {@link #BUCKETS} per field; merged over a job's successful tasks. */
    static final class BucketCounts extends AccumulatorV2<long[], long[]> {
        private static final long serialVersionUID = 1L;
        private long[] counts;

        BucketCounts(int fields) {
            counts = new long[fields * BUCKETS];
        }

        void increment(int field, int bucket) {
            counts[field * BUCKETS + bucket]++;
        }

        long get(int field, int bucket) {
            return counts[field * BUCKETS + bucket];
        }

        @Override
        public boolean isZero() {
            for (long c : counts) {
                if (c != 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public BucketCounts copy() {
            BucketCounts c = new BucketCounts(counts.length / BUCKETS);
            c.counts = counts.clone();
            return c;
        }

        @Override
        public void reset() {
            Arrays.fill(counts, 0);
        }

        @Override
        public void add(long[] v) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += v[i];
            }
        }

        @Override
        public void merge(AccumulatorV2<long[], long[]> other) {
            add(other.value());
        }

        @Override
        public long[] value() {
            return counts;
        }
    }

    /** After the write: one {@link Drift.FieldDrift} per field (PSI when train's counts are known). */
    List<Drift.FieldDrift> result(long rows) {
        List<Drift.FieldDrift> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            long nulls = counts.get(i, MISSING);
            long unseen = counts.get(i, UNSEEN);
            Double psi = null;
            TrainProfile.Field trainField = this.train.field(c).orElse(null);
            boolean unseenCounted = encoding.values(c).size() <= MAX_KNOWN;
            if (trainField != null && unseenCounted && rows > 0) {
                Map<Object, Long> train = trainField.categories();
                long trainNulls = trainField.nullRows();
                Map<String, Long> expected = new LinkedHashMap<>();
                Map<String, Long> actual = new LinkedHashMap<>();
                long trainTop = 0;
                long splitTop = 0;
                List<Object> cats = top.get(c);
                for (int j = 0; j < cats.size(); j++) {
                    long e = train.getOrDefault(cats.get(j), 0L);
                    long a = counts.get(i, j);
                    expected.put("c" + j, e);
                    actual.put("c" + j, a);
                    trainTop += e;
                    splitTop += a;
                }
                long trainAll = train.values().stream().mapToLong(Long::longValue).sum();
                expected.put("__other__", trainAll - trainTop);
                actual.put("__other__", rows - nulls - unseen - splitTop);
                expected.put("__null__", trainNulls);
                actual.put("__null__", nulls);
                expected.put("__unseen__", 0L);
                actual.put("__unseen__", unseen);
                psi = Drift.psi(expected, actual);
            }
            out.add(new Drift.FieldDrift(ColumnNames.field(c), rows, rows == 0 ? 0 : (double) nulls / rows,
                    rows == 0 || !unseenCounted ? 0 : (double) unseen / rows, psi));
        }
        return out;
    }
}
