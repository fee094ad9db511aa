package io.riskmapping.ml.feature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.ml.feature.core.ModelData;
import io.riskmapping.ml.feature.core.NumericBinning;

/**
 * A fitted {@link NumericBinner}: adds one double column per input column (by default
 * {@code <input>_bin}) holding the bin index of its value, in one narrow pass (no shuffle, rows
 * keep their order, no action is run: it also works on a streaming DataFrame).
 *
 * <h2>Bins</h2>
 * A column with splits {@code -Infinity = s0 < s1 < ... < sk = +Infinity} has value bins
 * {@code 0 .. k-1}, bin {@code j} holding {@code sj <= x < s(j+1)} (Spark's {@code Bucketizer}
 * convention: a value equal to an edge goes to the upper bin), and the missing bin {@code k} for
 * null, NaN, infinities and text that is not a decimal number (the {@link MissingValueImputer}
 * rule). The index is a native {@code CASE WHEN} expression (a balanced search over the edges), not
 * Spark's {@code Bucketizer}: with {@code handleInvalid = "keep"} that puts NaN in the extra bucket
 * but leaves null as null.
 *
 * <h2>What the fit kept</h2>
 * Per column: the splits ({@link #splits}), the method ({@link #method}), the monotonic direction
 * applied ({@link #monotonicDirection}) and the rows, events and non-events of each bin on the fit
 * data ({@link #binCounts}), for reports such as weight of evidence.
 *
 * <h2>Persistence</h2>
 * {@link #write()}, {@link #read()}, {@link #load(String)}, also inside a {@code PipelineModel}:
 * Spark's params metadata plus {@code data/}, a Parquet file with one row per input column (format
 * version {@link #FORMAT_VERSION}; a newer version is refused), laid out as documented in
 * {@code docs/binning.md}.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} from {@link #transformSchema} and {@link #transform} for a
 * missing input column, one that is neither numeric nor text, one the model has no bins for, or an
 * output column that already exists; from {@link #splits} and {@link #binCounts} for an unknown column.
 */
public class NumericBinnerModel extends Model<NumericBinnerModel> implements NumericBinnerParams, MLWritable {

    private static final long serialVersionUID = 1L;

    /** Version of the saved {@code data/} layout; readers refuse newer ones. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Rows, events (label 1) and non-events (label 0) per bin of one column on the fit data: the
     * value bins in order, then the missing bin. Unlabelled rows (label -1 or null) count in
     * {@code rows} only. {@code events} and {@code nonEvents} are null when the fit had no label column.
     */
    public record BinCounts(long[] rows, long[] events, long[] nonEvents) implements java.io.Serializable {

        public BinCounts {
            Objects.requireNonNull(rows, "rows");
            if ((events == null) != (nonEvents == null)
                    || events != null && (events.length != rows.length || nonEvents.length != rows.length)) {
                throw new IllegalArgumentException("events and nonEvents must both be given, one per bin, or both null");
            }
            rows = rows.clone();
            events = events == null ? null : events.clone();
            nonEvents = nonEvents == null ? null : nonEvents.clone();
        }

        @Override
        public long[] rows() {
            return rows.clone();
        }

        @Override
        public long[] events() {
            return events == null ? null : events.clone();
        }

        @Override
        public long[] nonEvents() {
            return nonEvents == null ? null : nonEvents.clone();
        }

        /** True when events were counted (the fit had a label column). */
        public boolean hasLabel() {
            return events != null;
        }

        /** Number of bins, the missing bin included. */
        public int size() {
            return rows.length;
        }

        /** Events over labelled rows of bin {@code b}; NaN when it has no labelled row or no label was used. */
        public double eventRate(int b) {
            if (events == null || events[b] + nonEvents[b] == 0) {
                return Double.NaN;
            }
            return (double) events[b] / (events[b] + nonEvents[b]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BinCounts c && Arrays.equals(rows, c.rows) && Arrays.equals(events, c.events)
                    && Arrays.equals(nonEvents, c.nonEvents);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(rows), Arrays.hashCode(events), Arrays.hashCode(nonEvents));
        }

        @Override
        public String toString() {
            return "BinCounts[rows=" + Arrays.toString(rows) + ", events=" + Arrays.toString(events)
                    + ", nonEvents=" + Arrays.toString(nonEvents) + "]";
        }
    }

    /** What the model holds for one input column. */
    record Bins(String column, String method, String monotonic, double[] splits, BinCounts counts) implements java.io.Serializable {
        Bins {
            if (splits.length < 2 || splits[0] != Double.NEGATIVE_INFINITY || splits[splits.length - 1] != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("column '" + column + "': splits must run from -Infinity to +Infinity: " + Arrays.toString(splits));
            }
            for (int i = 1; i < splits.length; i++) {
                if (!(splits[i - 1] < splits[i])) {
                    throw new IllegalArgumentException("column '" + column + "': splits must increase strictly: " + Arrays.toString(splits));
                }
            }
            if (counts.size() != splits.length) {
                throw new IllegalArgumentException("column '" + column + "': " + counts.size() + " bin counts for "
                        + (splits.length - 1) + " value bins and the missing bin");
            }
            splits = splits.clone();
        }
    }

    private final String uid;
    private final NumericBinnerParams.Defs p;
    private final Map<String, Bins> bins;

    /**
     * A model that bins each column of {@code innerEdges} in place, from saved edges (e.g. the job's
     * {@code numeric_bins.json}): the inner edges, increasing, without the infinite ends. The fit's
     * counts are unknown (zero rows per bin).
     *
     * @throws IllegalArgumentException for edges that do not increase strictly or are not finite
     */
    public static NumericBinnerModel fromEdges(Map<String, double[]> innerEdges, String method) {
        List<Bins> bins = new ArrayList<>();
        for (Map.Entry<String, double[]> e : innerEdges.entrySet()) {
            double[] inner = e.getValue();
            double[] splits = new double[inner.length + 2];
            splits[0] = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < inner.length; i++) {
                if (!Double.isFinite(inner[i])) {
                    throw new IllegalArgumentException("column '" + e.getKey() + "': edge " + inner[i] + " is not finite");
                }
                splits[i + 1] = inner[i];
            }
            splits[splits.length - 1] = Double.POSITIVE_INFINITY;
            bins.add(new Bins(e.getKey(), method, "none", splits, new BinCounts(new long[splits.length], null, null)));
        }
        NumericBinnerModel m = new NumericBinnerModel(org.apache.spark.ml.util.Identifiable.randomUID("numericBinner"), bins);
        m.set(m.p.inputCols, innerEdges.keySet().toArray(new String[0]));
        m.set(m.p.outputCols, innerEdges.keySet().toArray(new String[0]));
        return m;
    }

    NumericBinnerModel(String uid, List<Bins> bins) {
        this.uid = uid;
        this.p = new NumericBinnerParams.Defs(this);
        Map<String, Bins> byColumn = new LinkedHashMap<>();
        for (Bins b : bins) {
            byColumn.put(b.column(), b);
        }
        this.bins = java.util.Collections.unmodifiableMap(byColumn);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override public StringArrayParam inputCols() { return p.inputCols; }
    @Override public StringArrayParam outputCols() { return p.outputCols; }
    @Override public Param<String> labelCol() { return p.labelCol; }
    @Override public Param<String> method() { return p.method; }
    @Override public IntParam numBins() { return p.numBins; }
    @Override public Param<String> monotonic() { return p.monotonic; }
    @Override public LongParam seed() { return p.seed; }
    @Override public DoubleParam minBinFraction() { return p.minBinFraction; }

    /** The transform-time params can be changed on a fitted model (any fitted columns); the others describe the fit. */
    public NumericBinnerModel setInputCols(String... value) { set(p.inputCols, value); return this; }
    public NumericBinnerModel setOutputCols(String... value) { set(p.outputCols, value); return this; }

    /** The fitted columns, in fit order. */
    public List<String> columns() {
        return List.copyOf(bins.keySet());
    }

    /** The bin edges of a column: -Infinity, the inner edges in increasing order, +Infinity (a copy). */
    public double[] splits(String column) {
        return get(column).splits().clone();
    }

    /** The number of value bins of a column; also the index of its missing bin. */
    public int valueBins(String column) {
        return get(column).splits().length - 1;
    }

    /** Rows, events and non-events per bin of a column on the fit data (missing bin last). */
    public BinCounts binCounts(String column) {
        return get(column).counts();
    }

    /** The method that found a column's edges: "quantile", "uniform", "kmeans" or "tree". */
    public String method(String column) {
        return get(column).method();
    }

    /** The monotonic direction applied to a column: "none", "increasing" or "decreasing" (what "auto" chose). */
    public String monotonicDirection(String column) {
        return get(column).monotonic();
    }

    private Bins get(String column) {
        Bins b = bins.get(column);
        if (b == null) {
            throw new IllegalArgumentException("no bins for column '" + column + "'; the model has bins for " + bins.keySet());
        }
        return b;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return validateAndTransformSchema(schema, false, bins.keySet());
    }

    /** Adds (or replaces, when an output column is an input column) the bin index columns. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        String[] in = getInputCols();
        String[] out = getOutputCols();
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < in.length; i++) {
            columns.put(out[i], NumericBinning.bin(NumericBinning.number(df, in[i]), bins.get(in[i]).splits()).as(out[i]));
        }
        return df.withColumns(columns);
    }

    @Override
    public NumericBinnerModel copy(ParamMap extra) {
        NumericBinnerModel copied = new NumericBinnerModel(uid, new ArrayList<>(bins.values()));
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("NumericBinnerModel: uid=" + uid + ", bins={");
        String sep = "";
        for (Bins b : bins.values()) {
            s.append(sep).append(b.column()).append('=').append(b.splits().length - 1).append(' ').append(b.method());
            if (!NONE.equals(b.monotonic())) {
                s.append(' ').append(b.monotonic());
            }
            sep = ", ";
        }
        return s.append('}').toString();
    }

    // ------------------------------------------------------------ persistence

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<NumericBinnerModel> read() {
        return new Reader();
    }

    public static NumericBinnerModel load(String path) {
        return read().load(path);
    }

    /** The layout of {@code data/} (format version 1), one row per fitted column. */
    static final StructType DATA_SCHEMA = new StructType()
            .add("format_version", DataTypes.IntegerType, false)
            .add("ordinal", DataTypes.IntegerType, false)
            .add("column", DataTypes.StringType, false)
            .add("method", DataTypes.StringType, false)
            .add("monotonic", DataTypes.StringType, false)
            .add("splits", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("bin_rows", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("bin_events", DataTypes.createArrayType(DataTypes.LongType, false), true)
            .add("bin_non_events", DataTypes.createArrayType(DataTypes.LongType, false), true);

    /** Saves params metadata and {@code data/}. */
    static final class Writer extends MLWriter {
        private final NumericBinnerModel instance;

        Writer(NumericBinnerModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            StageMetadata.save(instance, path, sparkSession());
            List<Row> rows = new ArrayList<>();
            int i = 0;
            for (Bins b : instance.bins.values()) {
                BinCounts c = b.counts();
                rows.add(RowFactory.create(FORMAT_VERSION, i++, b.column(), b.method(), b.monotonic(),
                        boxed(b.splits()), boxed(c.rows()), c.hasLabel() ? boxed(c.events()) : null,
                        c.hasLabel() ? boxed(c.nonEvents()) : null));
            }
            ModelData.write(sparkSession(), path, rows, DATA_SCHEMA);
        }

        private static Double[] boxed(double[] a) {
            return Arrays.stream(a).boxed().toArray(Double[]::new);
        }

        private static Long[] boxed(long[] a) {
            return Arrays.stream(a).boxed().toArray(Long[]::new);
        }
    }

    /** Reads what {@link Writer} saved, refusing a newer format version. */
    static final class Reader extends MLReader<NumericBinnerModel> {
        @Override
        public NumericBinnerModel load(String path) {
            StageMetadata metadata = StageMetadata.load(path, sparkSession(), NumericBinnerModel.class.getName());
            List<Row> rows = ModelData.read(sparkSession(), path, FORMAT_VERSION);
            List<Bins> bins = new ArrayList<>();
            for (Row r : rows) {
                boolean labelled = !r.isNullAt(r.fieldIndex("bin_events"));
                BinCounts counts = new BinCounts(longs(r, "bin_rows"), labelled ? longs(r, "bin_events") : null,
                        labelled ? longs(r, "bin_non_events") : null);
                List<Double> splits = r.getList(r.fieldIndex("splits"));
                bins.add(new Bins(r.getString(r.fieldIndex("column")), r.getString(r.fieldIndex("method")),
                        r.getString(r.fieldIndex("monotonic")), splits.stream().mapToDouble(Double::doubleValue).toArray(), counts));
            }
            NumericBinnerModel model = new NumericBinnerModel(metadata.uid(), bins);
            metadata.setParams(model);
            return model;
        }

        private static long[] longs(Row r, String field) {
            List<Long> values = r.getList(r.fieldIndex(field));
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }
}
