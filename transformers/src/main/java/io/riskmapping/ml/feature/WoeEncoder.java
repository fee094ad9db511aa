package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.compat.SparkShims;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.WoeCounts;

/**
 * Weight-of-evidence encoding with uncertainty: learns, per input column and event class, the WOE
 * of every category, its standard error and confidence interval, and the field's information
 * value (IV) with its standard error and interval ({@link WoeStatistics}; docs/woe.md).
 *
 * <h2>Input</h2>
 * {@code inputCols}: string or boolean columns (categories as text) or numeric columns (categories
 * by value, e.g. the bins of {@link NumericBinner}); nulls (and NaN) form their own learned bin.
 * {@code labelCol}: 0/1 (binary; event = 1) or any other set of class values (multiclass,
 * one-vs-rest: each class in turn is the event); null and -1 are unlabelled and not fitted.
 *
 * <h2>Cost</h2>
 * One scan and one aggregation of (column, category, class) counts for all columns together;
 * the driver receives one row per column, category and class.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for a missing or unsupported column, a class with no events or
 * no non-events, or more than {@link #MAX_CLASSES} classes.
 */
public class WoeEncoder extends Estimator<WoeEncoderModel> implements WoeEncoderParams, MLWritable {

    private static final long serialVersionUID = 1L;

    /** More label values than this is not a classification label. */
    public static final int MAX_CLASSES = 100;

    private final String uid;
    private final WoeEncoderParams.Defs p;

    public WoeEncoder() {
        this(Identifiable.randomUID("woeEncoder"));
    }

    public WoeEncoder(String uid) {
        this.uid = uid;
        this.p = new WoeEncoderParams.Defs(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override public StringArrayParam inputCols() { return p.inputCols; }
    @Override public StringArrayParam outputCols() { return p.outputCols; }
    @Override public Param<String> labelCol() { return p.labelCol; }
    @Override public Param<String> handleInvalid() { return p.handleInvalid; }
    @Override public DoubleParam confidenceLevel() { return p.confidenceLevel; }
    @Override public IntParam maxCategories() { return p.maxCategories; }
    @Override public DoubleParam categoryShare() { return p.categoryShare; }
    @Override public Param<String> probabilityCol() { return p.probabilityCol; }
    @Override public Param<String> explanationCol() { return p.explanationCol; }

    public WoeEncoder setInputCols(String... value) { set(p.inputCols, value); return this; }
    public WoeEncoder setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public WoeEncoder setLabelCol(String value) { set(p.labelCol, value); return this; }
    public WoeEncoder setHandleInvalid(String value) { set(p.handleInvalid, value); return this; }
    public WoeEncoder setConfidenceLevel(double value) { set(p.confidenceLevel, value); return this; }
    public WoeEncoder setMaxCategories(int value) { set(p.maxCategories, value); return this; }
    public WoeEncoder setCategoryShare(double value) { set(p.categoryShare, value); return this; }
    public WoeEncoder setProbabilityCol(String value) { set(p.probabilityCol, value); return this; }
    public WoeEncoder setExplanationCol(String value) { set(p.explanationCol, value); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        validateSchema(schema, true);
        return schema;
    }

    /** The class of a label as text ("1", "0", "2.5", "good"), or null when unlabelled (null, blank, -1). */
    static Column labelClass(Dataset<Row> df, String labelCol) {
        Column label = KeyColumns.quoted(labelCol);
        DataType t = df.schema().apply(labelCol).dataType();
        if (t instanceof BooleanType) {
            return label.cast(DataTypes.IntegerType).cast(DataTypes.StringType);
        }
        Column s = trim(label.cast(DataTypes.StringType));
        // numbers (or numeric text) by value: 1, 1.0 and "1" are the class "1"
        Column d = t instanceof NumericType ? label.cast(DataTypes.DoubleType)
                : when(s.rlike(io.riskmapping.artifacts.NumericKeys.NUMBER_REGEX), SparkShims.get().tryCast(s, DataTypes.DoubleType));
        return when(label.isNull().or(s.equalTo("")).or(d.equalTo(-1.0)).or(d.isNaN()), lit(null).cast(DataTypes.StringType))
                .when(d.isNotNull().and(d.equalTo(floor(d))), d.cast(DataTypes.LongType).cast(DataTypes.StringType))
                .when(d.isNotNull(), d.cast(DataTypes.StringType))
                .otherwise(s);
    }

    @Override
    public WoeEncoderModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        String[] in = getInputCols();
        RiskTable.Mode[] modes = new RiskTable.Mode[in.length];
        List<Column> structs = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            DataType t = df.schema().apply(in[i]).dataType();
            modes[i] = t instanceof NumericType ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL;
            Column key = KeyColumns.key(KeyColumns.quoted(in[i]), t, modes[i]);
            boolean numeric = modes[i] == RiskTable.Mode.NUMERIC;
            structs.add(struct(lit(i).as("f"), (numeric ? lit(null).cast(DataTypes.StringType) : key).as("s"),
                    (numeric ? key : lit(null).cast(DataTypes.DoubleType)).as("d")));
        }
        List<Row> rows = df.select(labelClass(df, getLabelCol()).as("cls"), inline(array(structs.toArray(new Column[0]))))
                .filter(col("cls").isNotNull())
                .groupBy("f", "s", "d", "cls").count()
                .collectAsList();

        Set<String> classes = new TreeSet<>();
        List<Map<Object, Map<String, Long>>> byField = new ArrayList<>();
        List<Map<String, Long>> nullsByField = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            byField.add(new HashMap<>());
            nullsByField.add(new HashMap<>());
        }
        for (Row r : rows) {
            int f = r.getInt(0);
            String cls = r.getString(3);
            classes.add(cls);
            Object key = !r.isNullAt(2) ? (Object) r.getDouble(2) : r.isNullAt(1) ? null : r.getString(1);
            Map<String, Long> target = key == null ? nullsByField.get(f) : byField.get(f).computeIfAbsent(key, k -> new HashMap<>());
            target.merge(cls, r.getLong(4), Long::sum);
        }
        if (classes.size() > MAX_CLASSES) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' has " + classes.size() + " distinct values; "
                    + "a classification label has at most " + MAX_CLASSES);
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' has no labelled rows");
        }
        List<String> eventClasses = Set.of("0", "1").containsAll(classes) ? List.of("1") : List.copyOf(classes);
        List<WoeCounts> counts = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            for (String event : eventClasses) {
                Map<Object, long[]> cats = new TreeMap<>();
                long events = 0;
                long nonEvents = 0;
                for (Map.Entry<Object, Map<String, Long>> e : byField.get(i).entrySet()) {
                    long[] c = split(e.getValue(), event);
                    cats.put(e.getKey(), c);
                    events += c[0];
                    nonEvents += c[1];
                }
                long[] nulls = nullsByField.get(i).isEmpty() ? null : split(nullsByField.get(i), event);
                if (nulls != null) {
                    events += nulls[0];
                    nonEvents += nulls[1];
                }
                if (events == 0 || nonEvents == 0) {
                    throw new IllegalArgumentException("column '" + in[i] + "', event class '" + event + "': weight of evidence needs "
                            + "both events and non-events; got " + events + " and " + nonEvents);
                }
                List<Object> others = modes[i] == RiskTable.Mode.CATEGORICAL
                        ? WoeCounts.othersOf(cats, getMaxCategories(), getCategoryShare()) : List.of();
                counts.add(new WoeCounts(in[i], modes[i], event, cats, Set.copyOf(others), nulls, events, nonEvents));
            }
        }
        WoeEncoderModel model = new WoeEncoderModel(uid, eventClasses, counts);
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    private static long[] split(Map<String, Long> byClass, String event) {
        long events = byClass.getOrDefault(event, 0L);
        long all = 0;
        for (long n : byClass.values()) {
            all += n;
        }
        return new long[] {events, all - events};
    }

    /** Saves the params only (docs/persistence.md). */
    @Override
    public MLWriter write() {
        return StageMetadata.writer(this);
    }

    public static MLReader<WoeEncoder> read() {
        return StageMetadata.reader(WoeEncoder.class);
    }

    public static WoeEncoder load(String path) {
        return read().load(path);
    }

    @Override
    public WoeEncoder copy(ParamMap extra) {
        return (WoeEncoder) defaultCopy(extra);
    }

    @Override
    public String toString() {
        return "WoeEncoder: uid=" + uid + (isDefined(inputCols()) ? ", inputCols=" + String.join(",", getInputCols()) : "");
    }
}
