package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.param.DoubleParam;
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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.ml.feature.core.KeyColumns;

/**
 * Numeric imputation: learns one value per column (mean, median or mode of its non-missing
 * values) and gives a {@link MissingValueImputerModel} that fills nulls (and NaN) with it.
 *
 * <p>Built on Spark's {@link Imputer}: the columns are grouped by strategy and each group is one
 * {@code Imputer} fit (at most three passes). Text columns (CSV) are read as numbers with the
 * {@link NumericKeys} rule; blank or non-numeric text counts as missing for the fit. Mean is the
 * arithmetic mean; median is Spark's {@code approxQuantile} with {@code relativeError} (0.001 by
 * default, 0 for exact); mode is the most frequent value, the smallest on ties (Spark's rule).
 *
 * <p>The values are the {@code impute_dict} artifact ({@link ImputeDict}).
 *
 * @throws IllegalArgumentException from {@code fit} for a missing or non-numeric column, or a
 *         column with no value to compute from (all missing), naming it
 */
public class MissingValueImputer extends Estimator<MissingValueImputerModel> implements MissingValueImputerParams, MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final MissingValueImputerParams.Defs p;

    public MissingValueImputer() {
        this(Identifiable.randomUID("missingValueImputer"));
    }

    public MissingValueImputer(String uid) {
        this.uid = uid;
        this.p = new MissingValueImputerParams.Defs(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override public StringArrayParam inputCols() { return p.inputCols; }
    @Override public StringArrayParam outputCols() { return p.outputCols; }
    @Override public Param<String> strategy() { return p.strategy; }
    @Override public StringArrayParam strategies() { return p.strategies; }
    @Override public DoubleParam relativeError() { return p.relativeError; }

    public MissingValueImputer setInputCols(String... value) { set(p.inputCols, value); return this; }
    public MissingValueImputer setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public MissingValueImputer setStrategy(String value) { set(p.strategy, value); return this; }
    public MissingValueImputer setStrategies(String... value) { set(p.strategies, value); return this; }
    public MissingValueImputer setRelativeError(double value) { set(p.relativeError, value); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        return validateAndTransformSchema(schema);
    }

    @Override
    public MissingValueImputerModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String[] in = getInputCols();
        String[] strategies = getStrategies();
        Dataset<Row> df = dataset.toDF();
        List<Column> numbers = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            numbers.add(KeyColumns.asNumber(KeyColumns.quoted(in[i]), df.schema().apply(in[i]).dataType()).as("c" + i));
        }
        Dataset<Row> numeric = df.select(numbers.toArray(new Column[0]));
        Map<String, Double> values = new LinkedHashMap<>();
        double[] found = new double[in.length];
        for (String strategy : new String[] {MEAN, MEDIAN, MODE}) {
            List<String> group = new ArrayList<>();
            List<Integer> index = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                if (strategies[i].equals(strategy)) {
                    group.add("c" + i);
                    index.add(i);
                }
            }
            if (group.isEmpty()) {
                continue;
            }
            ImputerModel fitted;
            try {
                fitted = new Imputer().setStrategy(strategy).setRelativeError(getRelativeError())
                        .setInputCols(group.toArray(new String[0])).setOutputCols(group.stream().map(g -> g + "_out").toArray(String[]::new)).fit(numeric);
            } catch (Exception e) { // Spark throws its checked SparkException undeclared
                String msg = String.valueOf(e.getMessage());
                for (int i : index) {
                    if (msg.matches("(?s).*\\bc" + i + "\\b.*")) {
                        throw new IllegalArgumentException("column '" + in[i] + "': no value to impute from (every value is missing)", e);
                    }
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException(msg, e);
            }
            Row surrogate = fitted.surrogateDF().head();
            for (int k = 0; k < group.size(); k++) {
                found[index.get(k)] = surrogate.getDouble(k);
            }
        }
        for (int i = 0; i < in.length; i++) {
            values.put(in[i], found[i]);
        }
        MissingValueImputerModel model = new MissingValueImputerModel(uid, new ImputeDict(values));
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    /** Saves the params only (docs/persistence.md). */
    @Override
    public MLWriter write() {
        return StageMetadata.writer(this);
    }

    public static MLReader<MissingValueImputer> read() {
        return StageMetadata.reader(MissingValueImputer.class);
    }

    public static MissingValueImputer load(String path) {
        return read().load(path);
    }

    @Override
    public MissingValueImputer copy(ParamMap extra) {
        return (MissingValueImputer) defaultCopy(extra);
    }

    @Override
    public String toString() {
        return "MissingValueImputer: uid=" + uid + (isDefined(inputCols()) ? ", inputCols=" + String.join(",", getInputCols()) : "");
    }

}
