package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
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

import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.core.ContinuousTargets;
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
     * as version 3 when it holds one class's table of a multiclass model (column
     * {@code target_class}), else as version 2 when its table has a null bin (column
     * {@code null_bin}), else as version 1.
     */
    public static final int FORMAT_VERSION = 3;

    private final String uid;
    private final RiskTableMapperParams.Defs p;
    /** The tables of a binary or continuous label; null for a multiclass one. */
    private final RiskTableMap tables;
    private final FitStatistics statistics;
    private final List<RiskTableMap> foldTables;
    /** The tables of a multiclass label, one map per class; null otherwise. */
    private final MulticlassRiskTables classTables;
    /** What the fit counted per class (multiclass), or null. */
    private final List<FitStatistics> classStatistics;
    private final List<MulticlassRiskTables> classFoldTables;
    /** The data the model was fitted on, when it has fold tables: {@link #transform} encodes it out of fold. Not saved. */
    private final transient Dataset<?> fittedOn;

    /** What the fit of a continuous label summed, in this session; not saved. */
    private transient ContinuousTargets.Fit continuousStatistics;

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
        this.tables = java.util.Objects.requireNonNull(tables, "tables");
        this.statistics = statistics;
        this.foldTables = foldTables == null ? null : List.copyOf(foldTables);
        this.classTables = null;
        this.classStatistics = null;
        this.classFoldTables = null;
    }

    /**
     * A model of a multiclass label ({@code targetType "multiclass"}): one output column per class
     * and mapped input column.
     *
     * @param statistics what the fit counted per class (in {@code tables}' class order), or null
     * @param foldTables out-of-fold tables, one per fold, or null
     * @param fittedOn   the data fitted on, when there are fold tables
     */
    RiskTableMapperModel(String uid, MulticlassRiskTables tables, List<FitStatistics> statistics,
            List<MulticlassRiskTables> foldTables, Dataset<?> fittedOn) {
        this.uid = uid;
        this.p = new RiskTableMapperParams.Defs(this);
        this.tables = null;
        this.statistics = null;
        this.foldTables = null;
        this.classTables = java.util.Objects.requireNonNull(tables, "tables");
        this.classStatistics = statistics == null ? null : List.copyOf(statistics);
        this.classFoldTables = foldTables == null ? null : List.copyOf(foldTables);
        this.fittedOn = foldTables == null ? null : fittedOn;
        set(p.targetType, MULTICLASS_TARGET);
        set(p.classes, tables.classes().toArray(new String[0]));
    }

    /** A model that applies {@code tables} (e.g. read from {@code risk_table_map.json}) to the columns named by their {@code varName}s, in place. */
    public static RiskTableMapperModel fromRiskTables(RiskTableMap tables) {
        RiskTableMapperModel m = new RiskTableMapperModel(Identifiable.randomUID("riskTableMapper"), tables, null);
        m.set(m.p.inputCols, tables.tables().keySet().toArray(new String[0]));
        return m;
    }

    /**
     * A model that applies multiclass {@code tables} (e.g. read from a multiclass
     * {@code risk_table_map.json}) to the columns named by their fields, in place: each field is
     * replaced by its class columns {@code <field>_<class>}.
     */
    public static RiskTableMapperModel fromMulticlassTables(MulticlassRiskTables tables) {
        RiskTableMapperModel m = new RiskTableMapperModel(Identifiable.randomUID("riskTableMapper"), tables, null, null, null);
        m.set(m.p.inputCols, tables.fields().toArray(new String[0]));
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
    @Override public StringArrayParam classes() { return p.classes; }
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

    /**
     * The tables of the mapped columns, keyed by input column name (the {@code risk_table_map} artifact's content).
     *
     * @throws IllegalStateException for a multiclass model: see {@link #multiclassTables()}
     */
    public RiskTableMap riskTables() {
        if (tables == null) {
            throw new IllegalStateException(uid + ": a multiclass model has one table map per class: see multiclassTables()");
        }
        return tables;
    }

    /** Whether the model encodes a multiclass label (one output column per class). */
    public boolean isMulticlass() {
        return classTables != null;
    }

    /**
     * The one-vs-rest tables of a multiclass model, one map per class (the multiclass
     * {@code risk_table_map} artifact's content).
     *
     * @throws IllegalStateException for a binary or continuous model: see {@link #riskTables()}
     */
    public MulticlassRiskTables multiclassTables() {
        if (classTables == null) {
            throw new IllegalStateException(uid + ": not a multiclass model: see riskTables()");
        }
        return classTables;
    }

    /**
     * What the fit of each class counted (a multiclass model, in class order; the binary fit of
     * that class as the event), or null when built from artifacts or not multiclass.
     */
    public List<FitStatistics> classStatistics() {
        return classStatistics;
    }

    /** This model, keeping what the fit of its continuous label summed ({@link #continuousStatistics()}). */
    RiskTableMapperModel withContinuousStatistics(ContinuousTargets.Fit fit) {
        this.continuousStatistics = fit;
        return this;
    }

    /**
     * What the fit of a continuous label summed per column and category (labelled rows, sum and sum of
     * squares of the labels; {@code targetType "continuous"}), or null: another target type, a model
     * loaded from disk or built from artifacts, or a copy. Internal (for the job's report), not saved.
     */
    public ContinuousTargets.Fit continuousStatistics() {
        return continuousStatistics;
    }

    /** What the fit pass counted, or null when the model was built from artifacts (or its label is continuous or multiclass). */
    public FitStatistics statistics() {
        return statistics;
    }

    /**
     * True when {@link #transformOutOfFold} can be used (fitted with {@code numFolds >= 2} in this
     * session): then {@link #transform} of the fit's own data is out of fold too.
     */
    public boolean hasOutOfFoldTables() {
        return foldTables != null || classFoldTables != null;
    }

    /**
     * This model's mapping as the plain values the execution fast paths take (its params as they
     * are now, its tables and broadcast copies, its schema check). Internal: for the job's transform
     * paths ({@code io.riskmapping.ml.feature.exec.TransformPaths}), not a public API.
     */
    public TableMapping tableMapping() {
        if (tables == null) {
            throw new IllegalStateException(uid + ": a multiclass model has no single-column table mapping");
        }
        return new TableMapping(getInputCols(), getOutputCols(), tables, ERROR_INVALID.equals(getHandleInvalid()), broadcasts(),
                this::transformSchema);
    }

    private Set<String> skippedColumns() {
        Set<String> skipped = new HashSet<>();
        for (String c : getInputCols()) {
            if (tables != null ? tables.get(c) == null : !classTables.fields().contains(c)) {
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
        return classTables != null ? applyMulticlass(dataset, null) : apply(dataset, null);
    }

    /** Whether {@code dataset} is the data this model was fitted on with fold tables (its analyzed plan the same). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean isFittedOn(Dataset<?> dataset) {
        if (!hasOutOfFoldTables() || fittedOn == null) {
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
        if (!hasOutOfFoldTables()) {
            throw new IllegalStateException(uid + ": no out-of-fold tables; fit with numFolds >= 2");
        }
        Column fold = OutOfFold.fold(train.toDF(), getFoldCol(), getNumFolds(), getSeed());
        return classTables != null ? applyMulticlass(train, fold) : apply(train, fold);
    }

    /**
     * Maps a multiclass model's columns: per mapped input column, one column {@code <output>_<class>}
     * per class; in place (output = input) the class columns take the input column's place.
     */
    private Dataset<Row> applyMulticlass(Dataset<?> dataset, Column fold) {
        transformSchema(dataset.schema());
        String[] in = getInputCols();
        String[] out = getOutputCols();
        boolean error = ERROR_INVALID.equals(getHandleInvalid());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        Map<String, List<Column>> inPlace = new HashMap<>();
        Map<String, Column> appended = new LinkedHashMap<>();
        for (int i = 0; i < in.length; i++) {
            if (!classTables.fields().contains(in[i])) {
                continue;
            }
            Column c = KeyColumns.quoted(in[i]);
            DataType type = dataset.schema().apply(in[i]).dataType();
            List<Column> perClass = new ArrayList<>();
            for (String cls : classTables.classes()) {
                String name = MulticlassRiskTables.outputName(out[i], cls);
                String column = in[i];
                Column mapped = fold == null ? mapping(c, type, classTables.get(column, cls), error, jsc)
                        : byFold(fold, classFoldTables.size(), j -> mapping(c, type, classFoldTables.get(j).get(column, cls), error, jsc));
                if (out[i].equals(in[i])) {
                    perClass.add(mapped.as(name));
                } else {
                    appended.put(name, mapped);
                }
            }
            if (out[i].equals(in[i])) {
                inPlace.put(in[i], perClass);
            }
        }
        List<Column> select = new ArrayList<>();
        for (String name : dataset.columns()) {
            if (inPlace.containsKey(name)) {
                select.addAll(inPlace.get(name));
            } else if (!appended.containsKey(name)) {
                select.add(KeyColumns.quoted(name));
            }
        }
        return dataset.toDF().select(select.toArray(new Column[0])).withColumns(appended);
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
            String column = in[i];
            Column mapped = fold == null ? mapping(c, type, t, error, jsc)
                    : byFold(fold, foldTables.size(), j -> mapping(c, type, foldTables.get(j).get(column), error, jsc));
            columns.put(out[i], mapped.as(out[i]));
        }
        return dataset.toDF().withColumns(columns);
    }

    /** {@code CASE fold WHEN 0 THEN mapped(0) WHEN 1 THEN mapped(1) ... END}: each row with its fold's tables. */
    private static Column byFold(Column fold, int folds, java.util.function.IntFunction<Column> mapped) {
        Column out = when(fold.equalTo(0), mapped.apply(0));
        for (int j = 1; j < folds; j++) {
            out = out.when(fold.equalTo(j), mapped.apply(j));
        }
        return out;
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
        RiskTableMapperModel copied = classTables != null
                ? new RiskTableMapperModel(uid, classTables, classStatistics, classFoldTables, fittedOn)
                : new RiskTableMapperModel(uid, tables, statistics, foldTables, fittedOn).withContinuousStatistics(continuousStatistics);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public String toString() {
        return "RiskTableMapperModel: uid=" + uid + ", mapped="
                + (tables != null ? List.copyOf(tables.tables().keySet()) : classTables.fields() + " x classes " + classTables.classes())
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
            List<Row> rows = ModelData.read(sparkSession(), path, FORMAT_VERSION);
            // rows of a multiclass model carry their class (format version 3), grouped by class in class order
            Map<String, List<Row>> byClass = new LinkedHashMap<>();
            for (Row r : rows) {
                boolean hasClass = r.schema().getFieldIndex("target_class").isDefined() && !r.isNullAt(r.fieldIndex("target_class"));
                byClass.computeIfAbsent(hasClass ? r.getString(r.fieldIndex("target_class")) : null, c -> new ArrayList<>()).add(r);
            }
            RiskTableMapperModel model;
            if (byClass.containsKey(null)) {
                PersistedTables.Loaded loaded = PersistedTables.parse(rows);
                model = new RiskTableMapperModel(metadata.uid(), loaded.tables(), loaded.statistics());
            } else {
                List<RiskTableMap> maps = new ArrayList<>();
                List<FitStatistics> stats = new ArrayList<>();
                for (List<Row> classRows : byClass.values()) {
                    PersistedTables.Loaded loaded = PersistedTables.parse(classRows);
                    maps.add(loaded.tables());
                    stats.add(loaded.statistics());
                }
                model = new RiskTableMapperModel(metadata.uid(), new MulticlassRiskTables(new ArrayList<>(byClass.keySet()), maps),
                        stats.contains(null) ? null : stats, null, null);
            }
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
                .add("null_bin", DataTypes.DoubleType, true)
                .add("target_class", DataTypes.StringType, true);

        record Loaded(RiskTableMap tables, FitStatistics statistics) {
        }

        static List<Row> rows(RiskTableMapperModel m) {
            if (m.classTables == null) {
                return rows(m.tables, m.statistics, null, 0);
            }
            List<Row> rows = new ArrayList<>();
            List<String> classes = m.classTables.classes();
            for (int k = 0; k < classes.size(); k++) {
                rows.addAll(rows(m.classTables.forClass(classes.get(k)), m.classStatistics == null ? null : m.classStatistics.get(k),
                        classes.get(k), rows.size()));
            }
            return rows;
        }

        /** The rows of one table map (of one class, {@code cls}, or of a binary/continuous model: null), ordinals from {@code first}. */
        private static List<Row> rows(RiskTableMap tables, FitStatistics s, String cls, int first) {
            List<Row> rows = new ArrayList<>();
            List<String> columns = new ArrayList<>();
            if (s != null) {
                s.fields().forEach(f -> columns.add(f.column()));
            } else {
                columns.addAll(tables.tables().keySet());
            }
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                RiskTable t = tables.get(c);
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
                rows.add(RowFactory.create(cls != null ? 3 : t != null && t.nullBin() != null ? 2 : 1, first + i, c, (numeric ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL).label(),
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
                        t == null ? null : t.nullBin(), cls));
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
