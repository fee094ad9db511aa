package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.Lookups;
import io.riskmapping.ml.feature.core.ModelData;
import io.riskmapping.ml.feature.core.OutOfFold;
import io.riskmapping.ml.feature.core.TableMapping;

/**
 * A fitted risk table mapping: replaces each mapped input column with its risk (a double) in one
 * narrow pass (no shuffle, rows keep their order). Columns skipped at fit time are left unchanged
 * and get no output column.
 *
 * <p>Lookups are native Column expressions: a table of at most {@link #NATIVE_LOOKUP_MAX_BINS}
 * bins becomes a {@code CASE WHEN}; a larger one is broadcast once as an open-addressing table and
 * probed from Spark's generated code with the value's UTF-8 bytes (numeric-mode tables: a
 * one-argument function). Keys: text as-is (categorical mode) or by numeric value (numeric mode,
 * text parsed by {@link NumericKeys}), exactly as {@link io.riskmapping.artifacts.RiskScorer} does.
 * Unseen categories give the default bin, and so do nulls unless the table has a null category
 * ({@code handleMissing = "category"}: its {@code nullBin}); with {@code handleInvalid = "error"}
 * the query fails with a message naming the column and the value (a null with a null category
 * does not fail).
 *
 * <p>Persistence ({@link #write()}, {@link #read()}, {@link #load(String)}, also inside a
 * {@code PipelineModel}): Spark's params metadata plus {@code data/}, a Parquet file with one row
 * per input column, laid out as documented in {@code docs/persistence.md} (format version
 * {@link #FORMAT_VERSION}). Out-of-fold tables are not saved: they serve the train split only.
 */
public class RiskTableMapperModel extends Model<RiskTableMapperModel> implements RiskTableMapperParams, MLWritable {

    private static final long serialVersionUID = 1L;

    /** Tables up to this many bins are applied as a native CASE WHEN; larger ones through a broadcast hash table. */
    public static final int NATIVE_LOOKUP_MAX_BINS = Lookups.NATIVE_LOOKUP_MAX_BINS;

    /**
     * Newest version of the saved {@code data/} layout; readers refuse newer ones. A row is saved
     * as version 2 when its table has a null bin (column {@code null_bin}), else as version 1.
     */
    public static final int FORMAT_VERSION = 2;

    private final String uid;
    private final RiskTableMapperParams.Defs p;
    private final RiskTableMap tables;
    private final FitStatistics statistics;
    private final List<RiskTableMap> foldTables;
    /** The data the model was fitted on, when it has fold tables: {@link #transform} encodes it out of fold. Not saved. */
    private final transient Dataset<?> fittedOn;

    /** Broadcast copies of the large tables, made on the first transform; neither persisted nor serialized. */
    private transient Lookups.Broadcasts broadcasts;

    synchronized Lookups.Broadcasts broadcasts() {
        if (broadcasts == null) {
            broadcasts = new Lookups.Broadcasts();
        }
        return broadcasts;
    }

    /**
     * @param tables     one table per mapped input column, keyed by the column name
     * @param statistics what the fit counted, or null for a model built from artifacts
     */
    public RiskTableMapperModel(String uid, RiskTableMap tables, FitStatistics statistics) {
        this(uid, tables, statistics, null);
    }

    RiskTableMapperModel(String uid, RiskTableMap tables, FitStatistics statistics, List<RiskTableMap> foldTables) {
        this(uid, tables, statistics, foldTables, null);
    }

    RiskTableMapperModel(String uid, RiskTableMap tables, FitStatistics statistics, List<RiskTableMap> foldTables,
            Dataset<?> fittedOn) {
        this.uid = uid;
        this.fittedOn = foldTables == null ? null : fittedOn;
        this.p = new RiskTableMapperParams.Defs(this);
        this.tables = tables;
        this.statistics = statistics;
        this.foldTables = foldTables == null ? null : List.copyOf(foldTables);
    }

    /** A model that applies {@code tables} (e.g. read from {@code risk_table_map.json}) to the columns named by their {@code varName}s, in place. */
    public static RiskTableMapperModel fromRiskTables(RiskTableMap tables) {
        RiskTableMapperModel m = new RiskTableMapperModel(Identifiable.randomUID("riskTableMapper"), tables, null);
        m.set(m.p.inputCols, tables.tables().keySet().toArray(new String[0]));
        return m;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override public StringArrayParam inputCols() { return p.inputCols; }
    @Override public StringArrayParam outputCols() { return p.outputCols; }
    @Override public Param<String> labelCol() { return p.labelCol; }
    @Override public Param<String> targetType() { return p.targetType; }
    @Override public DoubleParam smoothFactor() { return p.smoothFactor; }
    @Override public Param<String> smoothingMode() { return p.smoothingMode; }
    @Override public DoubleParam smoothing() { return p.smoothing; }
    @Override public Param<String> handleMissing() { return p.handleMissing; }
    @Override public Param<String> highCardinality() { return p.highCardinality; }
    @Override public IntParam countThreshold() { return p.countThreshold; }
    @Override public IntParam maxUniqueThreshold() { return p.maxUniqueThreshold; }
    @Override public BooleanParam parseNumericStrings() { return p.parseNumericStrings; }
    @Override public Param<String> handleInvalid() { return p.handleInvalid; }
    @Override public IntParam numFolds() { return p.numFolds; }
    @Override public Param<String> foldCol() { return p.foldCol; }
    @Override public LongParam seed() { return p.seed; }

    /** The transform-time params can be changed on a fitted model; the fit-time ones describe how it was fitted. */
    public RiskTableMapperModel setInputCols(String... value) { set(p.inputCols, value); return this; }
    public RiskTableMapperModel setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public RiskTableMapperModel setHandleInvalid(String value) { set(p.handleInvalid, value); return this; }

    /** The tables of the mapped columns, keyed by input column name (the {@code risk_table_map} artifact's content). */
    public RiskTableMap riskTables() {
        return tables;
    }

    /** What the fit pass counted, or null when the model was built from artifacts. */
    public FitStatistics statistics() {
        return statistics;
    }

    /**
     * True when {@link #transformOutOfFold} can be used (fitted with {@code numFolds >= 2} in this
     * session): then {@link #transform} of the fit's own data is out of fold too.
     */
    public boolean hasOutOfFoldTables() {
        return foldTables != null;
    }

    /**
     * This model's mapping as the plain values the execution fast paths take (its params as they
     * are now, its tables and broadcast copies, its schema check). Internal: for the job's transform
     * paths ({@code io.riskmapping.ml.feature.exec.TransformPaths}), not a public API.
     */
    public TableMapping tableMapping() {
        return new TableMapping(getInputCols(), getOutputCols(), tables, ERROR_INVALID.equals(getHandleInvalid()), broadcasts(),
                this::transformSchema);
    }

    private Set<String> skippedColumns() {
        Set<String> skipped = new HashSet<>();
        for (String c : getInputCols()) {
            if (tables.get(c) == null) {
                skipped.add(c);
            }
        }
        return skipped;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return validateAndTransformSchema(schema, false, skippedColumns());
    }

    /**
     * Maps the input columns with the full tables; or, when this model was fitted with
     * {@code numFolds >= 2} in this session and {@code dataset} is the data it was fitted on (the
     * same analyzed plan, {@link Dataset#sameSemantics}), out of fold, as {@link #transformOutOfFold}
     * does. So in a {@code Pipeline}, {@code pipeline.fit(train).transform(train)} encodes train out
     * of fold (the later stages are fitted on those values, as scikit-learn's {@code fit_transform}
     * does), and any other data, test or a filtered train alike, with the full tables. A model
     * loaded from disk has no fold tables and always uses the full tables.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        if (isFittedOn(dataset)) {
            return transformOutOfFold(dataset);
        }
        return apply(dataset, null);
    }

    /** Whether {@code dataset} is the data this model was fitted on with fold tables (its analyzed plan the same). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean isFittedOn(Dataset<?> dataset) {
        if (foldTables == null || fittedOn == null) {
            return false;
        }
        if (dataset == fittedOn) {
            return true;
        }
        return dataset.sparkSession() == fittedOn.sparkSession() && ((Dataset) dataset.toDF()).sameSemantics(fittedOn.toDF());
    }

    /**
     * Encodes the train split out of fold: each row with the tables fitted without its fold (see
     * {@code OutOfFold}). Give it the data the model was fitted on: folds are assigned the same way.
     *
     * @throws IllegalStateException when the model was not fitted with {@code numFolds >= 2}
     */
    public Dataset<Row> transformOutOfFold(Dataset<?> train) {
        if (foldTables == null) {
            throw new IllegalStateException(uid + ": no out-of-fold tables; fit with numFolds >= 2");
        }
        return apply(train, OutOfFold.fold(train.toDF(), getFoldCol(), getNumFolds(), getSeed()));
    }

    private Dataset<Row> apply(Dataset<?> dataset, Column fold) {
        transformSchema(dataset.schema());
        String[] in = getInputCols();
        String[] out = getOutputCols();
        boolean error = ERROR_INVALID.equals(getHandleInvalid());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < in.length; i++) {
            RiskTable t = tables.get(in[i]);
            if (t == null) {
                continue;
            }
            Column c = KeyColumns.quoted(in[i]);
            DataType type = dataset.schema().apply(in[i]).dataType();
            Column mapped;
            if (fold == null) {
                mapped = mapping(c, type, t, error, jsc);
            } else {
                mapped = null;
                for (int j = 0; j < foldTables.size(); j++) {
                    Column mj = mapping(c, type, foldTables.get(j).get(in[i]), error, jsc);
                    mapped = mapped == null ? when(fold.equalTo(j), mj) : mapped.when(fold.equalTo(j), mj);
                }
            }
            columns.put(out[i], mapped.as(out[i]));
        }
        return dataset.toDF().withColumns(columns);
    }

    /**
     * The lookup key of a column for a table: text (categorical mode) or a normalized double
     * (numeric mode: NaN, infinities and non-numeric text are null), as the transforms compute it.
     */
    public static Column key(Column c, DataType type, RiskTable.Mode mode) {
        return KeyColumns.key(c, type, mode);
    }

    private Column mapping(Column c, DataType type, RiskTable t, boolean error, JavaSparkContext jsc) {
        Column key = key(c, type, t.mode());
        Column nullBin = t.nullBin() == null ? null : when(missing(c, key, type, t.mode()), lit(t.nullBin()));
        if (!error) {
            // Unseen keys get the default inside the lookup (no null result to test per value), null keys here.
            Column lookup = Lookups.lookup(key, t.bins(), t.defaultBin(), broadcasts(), jsc);
            return nullBin == null ? coalesce(lookup, lit(t.defaultBin())) : coalesce(lookup, nullBin, lit(t.defaultBin()));
        }
        String where = "column '" + t.varName() + "': ";
        Column fallback = when(c.isNull(), raise_error(lit(where + "null value (handleInvalid=error)")))
                .otherwise(raise_error(concat(lit(where + "unseen category '"), c.cast(DataTypes.StringType),
                        lit("' (handleInvalid=error)"))));
        Column lookup = Lookups.lookup(key, t.bins(), broadcasts(), jsc);
        return nullBin == null ? coalesce(lookup, fallback) : coalesce(lookup, nullBin, fallback);
    }

    /**
     * Whether a value is missing, for a table with a null category: null; in numeric mode also a
     * number without a key (NaN, infinite, or number text that overflows), not other text.
     */
    private static Column missing(Column c, Column key, DataType type, RiskTable.Mode mode) {
        if (mode == RiskTable.Mode.CATEGORICAL) {
            return c.isNull();
        }
        if (type instanceof NumericType) {
            return key.isNull();
        }
        return c.isNull().or(key.isNull().and(c.cast(DataTypes.StringType).rlike(io.riskmapping.artifacts.NumericKeys.NUMBER_REGEX)));
    }

    @Override
    public RiskTableMapperModel copy(ParamMap extra) {
        RiskTableMapperModel copied = new RiskTableMapperModel(uid, tables, statistics, foldTables, fittedOn);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public String toString() {
        return "RiskTableMapperModel: uid=" + uid + ", mapped=" + List.copyOf(tables.tables().keySet())
                + (statistics == null ? "" : ", skipped=" + skippedColumns());
    }

    // ------------------------------------------------------------ persistence

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<RiskTableMapperModel> read() {
        return new Reader();
    }

    public static RiskTableMapperModel load(String path) {
        return read().load(path);
    }

    /** Saves params metadata and {@code data/}: one Parquet row per input column (docs/persistence.md). */
    static final class Writer extends MLWriter {
        private final RiskTableMapperModel instance;

        Writer(RiskTableMapperModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            StageMetadata.save(instance, path, sparkSession());
            List<Row> rows = PersistedTables.rows(instance);
            ModelData.write(sparkSession(), path, rows, PersistedTables.SCHEMA);
        }
    }

    /** Reads what {@link Writer} saved, refusing a newer format version. */
    static final class Reader extends MLReader<RiskTableMapperModel> {
        @Override
        public RiskTableMapperModel load(String path) {
            StageMetadata metadata = StageMetadata.load(path, sparkSession(), RiskTableMapperModel.class.getName());
            PersistedTables.Loaded loaded = PersistedTables.parse(ModelData.read(sparkSession(), path, FORMAT_VERSION));
            RiskTableMapperModel model = new RiskTableMapperModel(metadata.uid(), loaded.tables(), loaded.statistics());
            metadata.setParams(model);
            return model;
        }
    }

    /** The layout of {@code data/}; rows built on the driver (a model is small) and parsed back. */
    static final class PersistedTables {
        static final StructType SCHEMA = new StructType()
                .add("format_version", DataTypes.IntegerType, false)
                .add("ordinal", DataTypes.IntegerType, false)
                .add("column", DataTypes.StringType, false)
                .add("mode", DataTypes.StringType, false)
                .add("default_bin", DataTypes.DoubleType, true)
                .add("categories", DataTypes.createArrayType(DataTypes.StringType, false), true)
                .add("numeric_categories", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
                .add("risks", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
                .add("category_rows", DataTypes.createArrayType(DataTypes.LongType, false), true)
                .add("category_events", DataTypes.createArrayType(DataTypes.LongType, false), true)
                .add("distinct", DataTypes.LongType, true)
                .add("null_rows", DataTypes.LongType, true)
                .add("skip_reason", DataTypes.StringType, true)
                .add("null_fit_rows", DataTypes.LongType, true)
                .add("null_events", DataTypes.LongType, true)
                .add("train_rows", DataTypes.LongType, true)
                .add("fit_rows", DataTypes.LongType, true)
                .add("events", DataTypes.LongType, true)
                .add("smooth_samples", DataTypes.LongType, true)
                .add("null_bin", DataTypes.DoubleType, true);

        record Loaded(RiskTableMap tables, FitStatistics statistics) {
        }

        static List<Row> rows(RiskTableMapperModel m) {
            List<Row> rows = new ArrayList<>();
            FitStatistics s = m.statistics;
            List<String> columns = new ArrayList<>();
            if (s != null) {
                s.fields().forEach(f -> columns.add(f.column()));
            } else {
                columns.addAll(m.tables.tables().keySet());
            }
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                RiskTable t = m.tables.get(c);
                FieldStatistics f = s == null ? null : s.fields().get(i);
                boolean numeric = (t != null ? t.mode() : f.mode()) == RiskTable.Mode.NUMERIC;
                List<String> cats = new ArrayList<>();
                List<Double> nums = new ArrayList<>();
                List<Double> risks = new ArrayList<>();
                List<Long> ns = new ArrayList<>();
                List<Long> ks = new ArrayList<>();
                if (t != null) {
                    for (Map.Entry<Object, Double> e : t.bins().entrySet()) {
                        if (numeric) {
                            nums.add((Double) e.getKey());
                        } else {
                            cats.add((String) e.getKey());
                        }
                        risks.add(e.getValue());
                        if (f != null) {
                            long[] nk = f.counts().get(e.getKey());
                            ns.add(nk[0]);
                            ks.add(nk[1]);
                        }
                    }
                }
                rows.add(RowFactory.create(t != null && t.nullBin() != null ? FORMAT_VERSION : 1, i, c, (numeric ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL).label(),
                        t == null ? null : t.defaultBin(),
                        t == null || numeric ? null : cats.toArray(new String[0]),
                        t == null || !numeric ? null : nums.toArray(new Double[0]),
                        t == null ? null : risks.toArray(new Double[0]),
                        f == null || t == null ? null : ns.toArray(new Long[0]),
                        f == null || t == null ? null : ks.toArray(new Long[0]),
                        f == null ? null : f.distinct(), f == null ? null : f.nullRows(), f == null ? null : f.skipReason(),
                        f == null || f.nullCounts() == null ? null : f.nullCounts()[0],
                        f == null || f.nullCounts() == null ? null : f.nullCounts()[1],
                        s == null ? null : s.trainRows(), s == null ? null : s.fitRows(), s == null ? null : s.events(),
                        s == null ? null : s.smoothSamples(),
                        t == null ? null : t.nullBin()));
            }
            return rows;
        }

        static Loaded parse(List<Row> rows) {
            List<RiskTable> tables = new ArrayList<>();
            List<FieldStatistics> fields = new ArrayList<>();
            Row first = null;
            for (Row r : rows) {
                first = first == null ? r : first;
                String column = r.getString(r.fieldIndex("column"));
                RiskTable.Mode mode = RiskTable.Mode.fromLabel(r.getString(r.fieldIndex("mode")));
                boolean mapped = !r.isNullAt(r.fieldIndex("risks"));
                Map<Object, Double> bins = new LinkedHashMap<>();
                Map<Object, long[]> counts = new LinkedHashMap<>();
                if (mapped) {
                    List<Double> risks = r.getList(r.fieldIndex("risks"));
                    List<Object> keys = r.getList(r.fieldIndex(mode == RiskTable.Mode.NUMERIC ? "numeric_categories" : "categories"));
                    boolean hasCounts = !r.isNullAt(r.fieldIndex("category_rows"));
                    List<Long> ns = hasCounts ? r.getList(r.fieldIndex("category_rows")) : null;
                    List<Long> ks = hasCounts ? r.getList(r.fieldIndex("category_events")) : null;
                    for (int i = 0; i < keys.size(); i++) {
                        bins.put(keys.get(i), risks.get(i));
                        if (hasCounts) {
                            counts.put(keys.get(i), new long[] {ns.get(i), ks.get(i)});
                        }
                    }
                    // null_bin: version 2 (absent from version-1 files, null for a table without a null category)
                    boolean hasNullBin = r.schema().getFieldIndex("null_bin").isDefined() && !r.isNullAt(r.fieldIndex("null_bin"));
                    tables.add(new RiskTable(column, mode, r.getDouble(r.fieldIndex("default_bin")), bins,
                            hasNullBin ? r.getDouble(r.fieldIndex("null_bin")) : null));
                }
                if (!r.isNullAt(r.fieldIndex("distinct"))) {
                    // null_fit_rows / null_events: added within version 1, absent from models saved before
                    boolean hasNullCounts = r.schema().getFieldIndex("null_fit_rows").isDefined() && !r.isNullAt(r.fieldIndex("null_fit_rows"));
                    long[] nullCounts = hasNullCounts
                            ? new long[] {r.getLong(r.fieldIndex("null_fit_rows")), r.getLong(r.fieldIndex("null_events"))} : null;
                    fields.add(new FieldStatistics(column, mode, r.getLong(r.fieldIndex("distinct")),
                            r.getLong(r.fieldIndex("null_rows")), r.isNullAt(r.fieldIndex("skip_reason")) ? null
                                    : r.getString(r.fieldIndex("skip_reason")), counts, nullCounts));
                }
            }
            FitStatistics stats = null;
            if (first != null && !first.isNullAt(first.fieldIndex("fit_rows")) && fields.size() == rows.size()) {
                long fitRows = first.getLong(first.fieldIndex("fit_rows"));
                long events = first.getLong(first.fieldIndex("events"));
                stats = new FitStatistics(first.getLong(first.fieldIndex("train_rows")), fitRows, events,
                        (double) events / fitRows, first.getLong(first.fieldIndex("smooth_samples")), fields);
            }
            return new Loaded(new RiskTableMap(tables), stats);
        }
    }
}
