package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;

/**
 * A fitted risk table mapping: replaces each mapped input column with its risk (a double) in one
 * narrow pass (no shuffle, rows keep their order). Columns skipped at fit time are left unchanged.
 *
 * <p>Lookups are native Column expressions: a table of at most {@link #NATIVE_LOOKUP_MAX_BINS}
 * bins becomes a {@code CASE WHEN}; a larger one is broadcast once as a hash map and probed by a
 * one-argument function. Keys: text as-is (categorical mode) or by numeric value (numeric mode,
 * text parsed by {@link NumericKeys}), exactly as {@link io.riskmapping.artifacts.RiskScorer} does.
 * Nulls and unseen categories give the default bin, or fail the query naming the value when
 * {@code handleInvalid} is "error".
 */
public class RiskTableMapperModel extends Model<RiskTableMapperModel> implements RiskTableMapperParams {

    private static final long serialVersionUID = 1L;

    /** Tables up to this many bins are applied as a native CASE WHEN; larger ones through a broadcast hash map. */
    public static final int NATIVE_LOOKUP_MAX_BINS = 64;

    private final String uid;
    private final RiskTableMapperParams.Defs p;
    private final RiskTableMap tables;
    private final FitStatistics statistics;

    /**
     * @param tables     one table per mapped input column, keyed by the column name
     * @param statistics what the fit counted, or null for a model built from artifacts
     */
    public RiskTableMapperModel(String uid, RiskTableMap tables, FitStatistics statistics) {
        this.uid = uid;
        this.p = new RiskTableMapperParams.Defs(this);
        this.tables = tables;
        this.statistics = statistics;
    }

    /** A model that applies {@code tables} to the columns named by their {@code varName}s, in place. */
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
    @Override public DoubleParam smoothFactor() { return p.smoothFactor; }
    @Override public IntParam countThreshold() { return p.countThreshold; }
    @Override public IntParam maxUniqueThreshold() { return p.maxUniqueThreshold; }
    @Override public BooleanParam parseNumericStrings() { return p.parseNumericStrings; }
    @Override public Param<String> handleInvalid() { return p.handleInvalid; }

    public RiskTableMapperModel setInputCols(String... value) { set(p.inputCols, value); return this; }
    public RiskTableMapperModel setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public RiskTableMapperModel setHandleInvalid(String value) { set(p.handleInvalid, value); return this; }

    /** The tables of the mapped columns, keyed by input column name. */
    public RiskTableMap riskTables() {
        return tables;
    }

    /** What the fit pass counted, or null when the model was built from artifacts. */
    public FitStatistics statistics() {
        return statistics;
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

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String[] in = getInputCols();
        String[] out = getOutputCols();
        boolean error = ERROR_INVALID.equals(getHandleInvalid());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < in.length; i++) {
            RiskTable t = tables.get(in[i]);
            if (t != null) {
                DataType type = dataset.schema().apply(in[i]).dataType();
                columns.put(out[i], mapping(RiskTableAggregation.quoted(in[i]), type, t, error, jsc).as(out[i]));
            }
        }
        return dataset.toDF().withColumns(columns);
    }

    /** The lookup key of a column for a table: text (categorical) or a normalized double (numeric). */
    static Column key(Column c, DataType type, RiskTable.Mode mode) {
        if (mode == RiskTable.Mode.CATEGORICAL) {
            return type instanceof StringType ? c : c.cast(DataTypes.StringType);
        }
        if (type instanceof NumericType) {
            return RiskTableAggregation.numericKey(c, type);
        }
        Column s = c.cast(DataTypes.StringType);
        return when(s.rlike(NumericKeys.NUMBER_REGEX), RiskTableAggregation.finiteKey(s.try_cast(DataTypes.DoubleType)));
    }

    private static Column mapping(Column c, DataType type, RiskTable t, boolean error, JavaSparkContext jsc) {
        Column key = key(c, type, t.mode());
        Column found;
        if (t.bins().size() <= NATIVE_LOOKUP_MAX_BINS) {
            found = null;
            for (Map.Entry<Object, Double> e : t.bins().entrySet()) {
                Column cond = key.equalTo(lit(e.getKey()));
                found = found == null ? when(cond, lit(e.getValue())) : found.when(cond, lit(e.getValue()));
            }
            if (found == null) {
                found = lit(null).cast(DataTypes.DoubleType);
            }
        } else {
            Broadcast<HashMap<Object, Double>> bins = jsc.broadcast(new HashMap<>(t.bins()));
            found = udf(new Lookup(bins), DataTypes.DoubleType).apply(key);
        }
        Column fallback = lit(t.defaultBin());
        if (error) {
            String where = "column '" + t.varName() + "': ";
            fallback = when(c.isNull(), raise_error(lit(where + "null value (handleInvalid=error)")))
                    .otherwise(raise_error(concat(lit(where + "unseen category '"), c.cast(DataTypes.StringType),
                            lit("' (handleInvalid=error)"))));
        }
        return coalesce(found, fallback);
    }

    /** Probes a broadcast table; null when the key is null or absent. Holds only the broadcast handle. */
    static final class Lookup implements UDF1<Object, Double> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<HashMap<Object, Double>> bins;

        Lookup(Broadcast<HashMap<Object, Double>> bins) {
            this.bins = bins;
        }

        @Override
        public Double call(Object key) {
            return key == null ? null : bins.value().get(key);
        }
    }

    @Override
    public RiskTableMapperModel copy(ParamMap extra) {
        RiskTableMapperModel copied = new RiskTableMapperModel(uid, tables, statistics);
        return copyValues(copied, extra).setParent(parent());
    }

    @Override
    public String toString() {
        List<String> mapped = List.copyOf(tables.tables().keySet());
        return "RiskTableMapperModel: uid=" + uid + ", mapped=" + mapped;
    }
}
