package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.WoeTable;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.Lookups;
import io.riskmapping.ml.feature.core.ModelData;
import io.riskmapping.ml.feature.core.SchemaChecks;
import io.riskmapping.ml.feature.core.WoeCounts;

/**
 * A fitted weight-of-evidence encoding. Transform replaces each input column with its WOE (binary
 * label, in place by default) or adds one WOE column per class ({@code <output>_<class>},
 * multiclass); one narrow pass with native lookups (see {@code Lookups}). Nulls get the null bin's
 * WOE; unseen categories 0 (no evidence), or an error naming the value with
 * {@code handleInvalid = "error"}.
 *
 * <p>Options: {@code probabilityCol} adds {@code P(event | x) = sigmoid(logit(prior) + Σ_j WOE_j)}
 * (naive Bayes: it assumes the fields independent given the class, so it is over-confident when
 * they are correlated) with {@code <probabilityCol>_ci_lower/_ci_upper} from
 * {@code logit ± z·sqrt(Σ SE_j²)} (binary); for multiclass an array of the one-vs-rest
 * probabilities normalized to sum to 1, in {@link #classes()} order. {@code explanationCol} adds a
 * map field &rarr; decibans ({@code 10·log10(odds factor) = 10·WOE/ln 10}).
 *
 * <p>{@link #summary()} gives the per-category and per-field statistics; {@link #woeTables()} the
 * {@code woe_table_map} artifact. Persistence saves the counts (docs/woe.md), from which every
 * number is derived again on load.
 */
public class WoeEncoderModel extends Model<WoeEncoderModel> implements WoeEncoderParams, MLWritable {

    private static final long serialVersionUID = 1L;

    /** Version of the saved {@code data/} layout; readers refuse newer ones. */
    public static final int FORMAT_VERSION = 1;

    private final String uid;
    private final WoeEncoderParams.Defs p;
    private final List<String> classes;
    /** The fit's counts, or null for a model built from a {@code woe_table_map} artifact. */
    private final List<WoeCounts> counts;
    /** The tables of a model built from an artifact, or null. */
    private final WoeTableMap given;

    /** Broadcast copies of the large tables, made on the first transform; neither persisted nor serialized. */
    private transient Lookups.Broadcasts broadcasts;

    private synchronized Lookups.Broadcasts broadcasts() {
        if (broadcasts == null) {
            broadcasts = new Lookups.Broadcasts();
        }
        return broadcasts;
    }

    WoeEncoderModel(String uid, List<String> classes, List<WoeCounts> counts) {
        this(uid, classes, List.copyOf(counts), null);
    }

    private WoeEncoderModel(String uid, List<String> classes, List<WoeCounts> counts, WoeTableMap given) {
        this.uid = uid;
        this.p = new WoeEncoderParams.Defs(this);
        this.classes = List.copyOf(classes);
        this.counts = counts;
        this.given = given;
    }

    /**
     * A model that encodes the fields of {@code tables} (e.g. read from {@code woe_table_map.json})
     * in place (binary) or into {@code <field>_<class>} columns. It has the tables, not the counts:
     * {@link #statistics}, {@link #summary()} and {@link #write()} are not available.
     */
    public static WoeEncoderModel fromWoeTables(WoeTableMap tables) {
        List<String> classes = new ArrayList<>();
        tables.list().forEach(t -> {
            if (!classes.contains(t.eventClass())) {
                classes.add(t.eventClass());
            }
        });
        WoeEncoderModel m = new WoeEncoderModel(org.apache.spark.ml.util.Identifiable.randomUID("woeEncoder"), classes, null, tables);
        m.set(m.p.inputCols, tables.tables().keySet().toArray(new String[0]));
        return m;
    }

    private List<WoeCounts> requireCounts() {
        if (counts == null) {
            throw new IllegalStateException(uid + ": built from a woe_table_map artifact, it has no fit counts");
        }
        return counts;
    }

    private WoeTable table(String column, String eventClass, double z) {
        if (given != null) {
            WoeTable t = given.get(column, eventClass);
            if (t == null) {
                throw new IllegalArgumentException("no WOE table for column '" + column + "' and class '" + eventClass + "'");
            }
            return t;
        }
        return table(counts(column, eventClass), z);
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

    public WoeEncoderModel setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public WoeEncoderModel setHandleInvalid(String value) { set(p.handleInvalid, value); return this; }
    public WoeEncoderModel setConfidenceLevel(double value) { set(p.confidenceLevel, value); return this; }
    public WoeEncoderModel setProbabilityCol(String value) { set(p.probabilityCol, value); return this; }
    public WoeEncoderModel setExplanationCol(String value) { set(p.explanationCol, value); return this; }

    /** The event classes: ["1"] for a binary label, else every class value (one-vs-rest), sorted. */
    public List<String> classes() {
        return classes;
    }

    /** True for a 0/1 label (one event class, "1"). */
    public boolean isBinary() {
        return classes.equals(List.of("1"));
    }

    private double z() {
        return WoeStatistics.z(getConfidenceLevel());
    }

    private WoeCounts counts(String column, String eventClass) {
        for (WoeCounts c : requireCounts()) {
            if (c.column().equals(column) && c.eventClass().equals(eventClass)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no WOE table for column '" + column + "' and class '" + eventClass + "'");
    }

    /** The statistics of one column's counts for one event class. */
    private static WoeStatistics.Field statistics(WoeCounts c, double z) {
        return WoeStatistics.compute(c.bins(), c.events(), c.nonEvents(), z);
    }

    /** The scoring table: every category (merged ones with the {@code __other__} bin's values) and the null bin. */
    private static WoeTable table(WoeCounts c, double z) {
        WoeStatistics.Field f = statistics(c, z);
        Map<Object, WoeStatistics.Bin> byKey = new LinkedHashMap<>();
        f.bins().forEach(b -> byKey.put(b.key(), b));
        Map<Object, Double> woe = new LinkedHashMap<>();
        Map<Object, Double> se = new LinkedHashMap<>();
        for (Object k : c.categories().keySet()) {
            WoeStatistics.Bin b = byKey.get(c.others().contains(k) ? WoeCounts.OTHER : k);
            woe.put(k, b.woe());
            se.put(k, b.se());
        }
        WoeStatistics.Bin nullBin = byKey.get(null);
        return new WoeTable(c.column(), c.mode(), c.eventClass(), c.prior(), woe, se, nullBin == null ? null : nullBin.woe(),
                nullBin == null ? null : nullBin.se());
    }

    /** The statistics of one column for one event class (bins in key order, {@code __other__}, then the null bin). */
    public WoeStatistics.Field statistics(String column, String eventClass) {
        return statistics(counts(column, eventClass), z());
    }

    /** The {@code woe_table_map} artifact: one table per column and event class. */
    public WoeTableMap woeTables() {
        if (given != null) {
            return given;
        }
        List<WoeTable> tables = new ArrayList<>();
        double z = z();
        counts.forEach(c -> tables.add(table(c, z)));
        return new WoeTableMap(tables);
    }

    /** The output column of an input column for a class. */
    public String outputCol(int input, String eventClass) {
        String base = getOutputCols()[input];
        return isBinary() ? base : base + "_" + eventClass;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        validateSchema(schema, false);
        StructType out = schema;
        for (int i = 0; i < getInputCols().length; i++) {
            for (String c : classes) {
                out = SchemaChecks.put(out, new org.apache.spark.sql.types.StructField(outputCol(i, c), DataTypes.DoubleType, false,
                        org.apache.spark.sql.types.Metadata.empty()));
            }
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String[] in = getInputCols();
        boolean error = RiskTableMapperParams.ERROR_INVALID.equals(getHandleInvalid());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        double z = z();
        Map<String, Column> columns = new LinkedHashMap<>();
        Map<String, List<Column>> woeByClass = new LinkedHashMap<>();
        Map<String, List<Column>> seByClass = new LinkedHashMap<>();
        for (String c : classes) {
            woeByClass.put(c, new ArrayList<>());
            seByClass.put(c, new ArrayList<>());
        }
        for (int i = 0; i < in.length; i++) {
            Column col = KeyColumns.quoted(in[i]);
            DataType type = dataset.schema().apply(in[i]).dataType();
            for (String cls : classes) {
                WoeTable t = table(in[i], cls, z);
                Column key = KeyColumns.key(col, type, t.mode());
                Column missing = key.isNull().and(type instanceof NumericType ? lit(true) : col.isNull());
                Column unseen = lit(0.0);
                if (error) {
                    unseen = raise_error(concat(lit("column '" + in[i] + "': unseen category '"), col.cast(DataTypes.StringType),
                            lit("' (handleInvalid=error)")));
                }
                Column nullWoe = t.nullWoe() != null ? lit(t.nullWoe()) : error
                        ? raise_error(lit("column '" + in[i] + "': null value, and the fit saw none (handleInvalid=error)")) : lit(0.0);
                Column woe = when(missing, nullWoe).otherwise(coalesce(Lookups.lookup(key, t.woe(), broadcasts(), jsc), unseen));
                Column se = when(missing, lit(t.nullSe() == null ? 0.0 : t.nullSe()))
                        .otherwise(coalesce(Lookups.lookup(key, t.se(), broadcasts(), jsc), lit(0.0)));
                columns.put(outputCol(i, cls), woe.as(outputCol(i, cls)));
                woeByClass.get(cls).add(woe);
                seByClass.get(cls).add(se);
            }
        }
        // every output from the input columns, in one projection (outputs may replace inputs in place)
        Map<String, Column> extra = columns;
        String probabilityCol = getProbabilityCol();
        if (probabilityCol != null) {
            if (isBinary()) {
                Column logit = sum(woeByClass.get("1")).plus(logit(table(in[0], "1", z).prior()));
                Column se = sqrt(sum(squares(seByClass.get("1"))));
                extra.put(probabilityCol, sigmoid(logit));
                extra.put(probabilityCol + "_ci_lower", sigmoid(logit.minus(se.multiply(z))));
                extra.put(probabilityCol + "_ci_upper", sigmoid(logit.plus(se.multiply(z))));
            } else {
                List<Column> ps = new ArrayList<>();
                for (String cls : classes) {
                    ps.add(sigmoid(sum(woeByClass.get(cls)).plus(logit(table(in[0], cls, z).prior()))));
                }
                Column total = sum(ps);
                List<Column> normalized = new ArrayList<>();
                ps.forEach(pc -> normalized.add(pc.divide(total)));
                extra.put(probabilityCol, array(normalized.toArray(new Column[0])));
            }
        }
        String explanationCol = getExplanationCol();
        if (explanationCol != null && isBinary()) {
            List<Column> names = new ArrayList<>();
            List<Column> decibans = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                names.add(lit(in[i]));
                decibans.add(woeByClass.get("1").get(i).multiply(10 / Math.log(10)));
            }
            extra.put(explanationCol, map_from_arrays(array(names.toArray(new Column[0])), array(decibans.toArray(new Column[0]))));
        }
        return dataset.toDF().withColumns(columns);
    }

    private static Column sum(List<Column> cols) {
        Column s = lit(0.0);
        for (Column c : cols) {
            s = s.plus(c);
        }
        return s;
    }

    private static List<Column> squares(List<Column> cols) {
        List<Column> out = new ArrayList<>();
        cols.forEach(c -> out.add(c.multiply(c)));
        return out;
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    private static Column sigmoid(Column x) {
        return lit(1.0).divide(lit(1.0).plus(exp(x.multiply(-1))));
    }

    /**
     * Statistics as rows: for every column and event class, one row per bin
     * ({@code row_type = "category"}: category, count, events, non_events, event_rate, woe, woe_se,
     * woe_ci_lower, woe_ci_upper, iv_contribution; the null bin has category null and
     * {@code is_null_bin} true) and one row for the field ({@code row_type = "field"}: iv, iv_se,
     * iv_ci_lower, iv_ci_upper, n_bins).
     */
    public Dataset<Row> summary() {
        SparkSession spark = SparkSession.active();
        List<Row> rows = new ArrayList<>();
        double z = z();
        for (WoeCounts c : requireCounts()) {
            WoeStatistics.Field f = statistics(c, z);
            for (WoeStatistics.Bin b : f.bins()) {
                rows.add(RowFactory.create(c.column(), c.eventClass(), "category", b.key() == null ? null : keyText(b.key()), b.key() == null,
                        b.events() + b.nonEvents(), b.events(), b.nonEvents(), b.eventRate(), b.woe(), b.se(), b.ciLower(), b.ciUpper(),
                        b.ivContribution(), null, null, null, null, null));
            }
            rows.add(RowFactory.create(c.column(), c.eventClass(), "field", null, false, f.events() + f.nonEvents(), f.events(),
                    f.nonEvents(), (double) f.events() / (f.events() + f.nonEvents()), null, null, null, null, null,
                    f.iv(), f.ivSe(), f.ivCiLower(), f.ivCiUpper(), f.bins().size()));
        }
        return spark.createDataFrame(rows, SUMMARY_SCHEMA);
    }

    static final StructType SUMMARY_SCHEMA = new StructType()
            .add("field", DataTypes.StringType, false).add("class", DataTypes.StringType, false)
            .add("row_type", DataTypes.StringType, false).add("category", DataTypes.StringType, true)
            .add("is_null_bin", DataTypes.BooleanType, false)
            .add("count", DataTypes.LongType, false).add("events", DataTypes.LongType, false)
            .add("non_events", DataTypes.LongType, false).add("event_rate", DataTypes.DoubleType, false)
            .add("woe", DataTypes.DoubleType, true).add("woe_se", DataTypes.DoubleType, true)
            .add("woe_ci_lower", DataTypes.DoubleType, true).add("woe_ci_upper", DataTypes.DoubleType, true)
            .add("iv_contribution", DataTypes.DoubleType, true)
            .add("iv", DataTypes.DoubleType, true).add("iv_se", DataTypes.DoubleType, true)
            .add("iv_ci_lower", DataTypes.DoubleType, true).add("iv_ci_upper", DataTypes.DoubleType, true)
            .add("n_bins", DataTypes.IntegerType, true);

    private static String keyText(Object key) {
        return key instanceof Double d ? io.riskmapping.artifacts.NumericKeys.format(d) : key.toString();
    }

    @Override
    public WoeEncoderModel copy(ParamMap extra) {
        return copyValues(new WoeEncoderModel(uid, classes, counts, given), extra).setParent(parent());
    }

    @Override
    public String toString() {
        Set<String> cols = new HashSet<>(List.of(getInputCols()));
        return "WoeEncoderModel: uid=" + uid + ", columns=" + cols.size() + ", classes=" + classes;
    }

    // ------------------------------------------------------------ persistence

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<WoeEncoderModel> read() {
        return new Reader();
    }

    public static WoeEncoderModel load(String path) {
        return read().load(path);
    }

    static final StructType DATA_SCHEMA = new StructType()
            .add("format_version", DataTypes.IntegerType, false)
            .add("ordinal", DataTypes.IntegerType, false)
            .add("column", DataTypes.StringType, false)
            .add("event_class", DataTypes.StringType, false)
            .add("mode", DataTypes.StringType, false)
            .add("categories", DataTypes.createArrayType(DataTypes.StringType, false), true)
            .add("numeric_categories", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
            .add("category_events", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("category_non_events", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("in_other", DataTypes.createArrayType(DataTypes.BooleanType, false), false)
            .add("null_events", DataTypes.LongType, true)
            .add("null_non_events", DataTypes.LongType, true)
            .add("events", DataTypes.LongType, false)
            .add("non_events", DataTypes.LongType, false);

    /** Saves params metadata and {@code data/}: one Parquet row per column and event class, holding the counts. */
    static final class Writer extends MLWriter {
        private final WoeEncoderModel instance;

        Writer(WoeEncoderModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            List<WoeCounts> counts = instance.requireCounts();
            StageMetadata.save(instance, path, sparkSession());
            List<Row> rows = new ArrayList<>();
            int ordinal = 0;
            for (WoeCounts c : counts) {
                boolean numeric = c.mode() == RiskTable.Mode.NUMERIC;
                List<Object> keys = new ArrayList<>(c.categories().keySet());
                Long[] ev = new Long[keys.size()];
                Long[] ne = new Long[keys.size()];
                Boolean[] other = new Boolean[keys.size()];
                for (int i = 0; i < keys.size(); i++) {
                    ev[i] = c.categories().get(keys.get(i))[0];
                    ne[i] = c.categories().get(keys.get(i))[1];
                    other[i] = c.others().contains(keys.get(i));
                }
                rows.add(RowFactory.create(FORMAT_VERSION, ordinal++, c.column(), c.eventClass(), c.mode().label(),
                        numeric ? null : keys.stream().map(k -> (String) k).toArray(String[]::new),
                        numeric ? keys.stream().map(k -> (Double) k).toArray(Double[]::new) : null,
                        ev, ne, other, c.nulls() == null ? null : c.nulls()[0], c.nulls() == null ? null : c.nulls()[1],
                        c.events(), c.nonEvents()));
            }
            ModelData.write(sparkSession(), path, rows, DATA_SCHEMA);
        }
    }

    static final class Reader extends MLReader<WoeEncoderModel> {
        @Override
        public WoeEncoderModel load(String path) {
            StageMetadata metadata = StageMetadata.load(path, sparkSession(), WoeEncoderModel.class.getName());
            List<Row> rows = ModelData.read(sparkSession(), path, FORMAT_VERSION);
            List<WoeCounts> counts = new ArrayList<>();
            List<String> classes = new ArrayList<>();
            for (Row r : rows) {
                RiskTable.Mode mode = RiskTable.Mode.fromLabel(r.getString(r.fieldIndex("mode")));
                List<Object> keys = r.getList(r.fieldIndex(mode == RiskTable.Mode.NUMERIC ? "numeric_categories" : "categories"));
                List<Long> ev = r.getList(r.fieldIndex("category_events"));
                List<Long> ne = r.getList(r.fieldIndex("category_non_events"));
                List<Boolean> other = r.getList(r.fieldIndex("in_other"));
                Map<Object, long[]> cats = new LinkedHashMap<>();
                Set<Object> others = new HashSet<>();
                for (int i = 0; i < keys.size(); i++) {
                    cats.put(keys.get(i), new long[] {ev.get(i), ne.get(i)});
                    if (other.get(i)) {
                        others.add(keys.get(i));
                    }
                }
                long[] nulls = r.isNullAt(r.fieldIndex("null_events")) ? null
                        : new long[] {r.getLong(r.fieldIndex("null_events")), r.getLong(r.fieldIndex("null_non_events"))};
                String cls = r.getString(r.fieldIndex("event_class"));
                if (!classes.contains(cls)) {
                    classes.add(cls);
                }
                counts.add(new WoeCounts(r.getString(r.fieldIndex("column")), mode, cls, cats, others, nulls,
                        r.getLong(r.fieldIndex("events")), r.getLong(r.fieldIndex("non_events"))));
            }
            WoeEncoderModel model = new WoeEncoderModel(metadata.uid(), classes, counts);
            metadata.setParams(model);
            return model;
        }
    }
}
