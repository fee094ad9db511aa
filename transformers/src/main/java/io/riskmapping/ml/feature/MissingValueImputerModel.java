package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Model;
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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.ModelData;

/**
 * Fills missing values with the learned (or loaded) value of each column, in one narrow pass.
 *
 * <p>Numeric columns: null and NaN become the value; the output is a double. Text columns (CSV):
 * null and blank text become the value written as {@link NumericKeys#format(double)}
 * ({@code "35"}, {@code "2.5"}); present text is kept exactly as it was, numeric or not.
 *
 * <p>Persistence: params metadata plus {@code data/}, one Parquet row per column
 * ({@code format_version, ordinal, column, value}); see {@code docs/persistence.md}.
 */
public class MissingValueImputerModel extends Model<MissingValueImputerModel> implements MissingValueImputerParams, MLWritable {

    private static final long serialVersionUID = 1L;

    /** Version of the saved {@code data/} layout; readers refuse newer ones. */
    public static final int FORMAT_VERSION = 1;

    private final String uid;
    private final MissingValueImputerParams.Defs p;
    private final ImputeDict values;

    public MissingValueImputerModel(String uid, ImputeDict values) {
        this.uid = uid;
        this.p = new MissingValueImputerParams.Defs(this);
        this.values = values;
    }

    /** A model that fills the columns of {@code values} (e.g. read from {@code impute_dict.json}) in place. */
    public static MissingValueImputerModel fromImputeDict(ImputeDict values) {
        MissingValueImputerModel m = new MissingValueImputerModel(Identifiable.randomUID("missingValueImputer"), values);
        m.set(m.p.inputCols, values.columns().toArray(new String[0]));
        return m;
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

    public MissingValueImputerModel setInputCols(String... value) { set(p.inputCols, value); return this; }
    public MissingValueImputerModel setOutputCols(String... value) { set(p.outputCols, value); return this; }

    /** The impute value per input column (the {@code impute_dict} artifact's content). */
    public ImputeDict imputeDict() {
        return values;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return validateAndTransformSchema(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String[] in = getInputCols();
        String[] out = getOutputCols();
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < in.length; i++) {
            Double v = values.get(in[i]);
            if (v == null) {
                throw new IllegalArgumentException("no impute value for column '" + in[i] + "'; known: " + values.columns());
            }
            Column c = KeyColumns.quoted(in[i]);
            DataType type = dataset.schema().apply(in[i]).dataType();
            Column filled = type instanceof StringType
                    ? when(c.isNull().or(trim(c).equalTo("")), lit(NumericKeys.format(v))).otherwise(c)
                    : coalesce(KeyColumns.finiteKey(c.cast(DataTypes.DoubleType)), lit(v));
            columns.put(out[i], filled.as(out[i]));
        }
        return dataset.toDF().withColumns(columns);
    }

    @Override
    public MissingValueImputerModel copy(ParamMap extra) {
        return copyValues(new MissingValueImputerModel(uid, values), extra).setParent(parent());
    }

    @Override
    public String toString() {
        return "MissingValueImputerModel: uid=" + uid + ", values=" + values.values();
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<MissingValueImputerModel> read() {
        return new Reader();
    }

    public static MissingValueImputerModel load(String path) {
        return read().load(path);
    }

    static final StructType DATA_SCHEMA = new StructType()
            .add("format_version", DataTypes.IntegerType, false)
            .add("ordinal", DataTypes.IntegerType, false)
            .add("column", DataTypes.StringType, false)
            .add("value", DataTypes.DoubleType, false);

    static final class Writer extends MLWriter {
        private final MissingValueImputerModel instance;

        Writer(MissingValueImputerModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            StageMetadata.save(instance, path, sparkSession());
            List<Row> rows = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, Double> e : instance.values.values().entrySet()) {
                rows.add(RowFactory.create(FORMAT_VERSION, i++, e.getKey(), e.getValue()));
            }
            ModelData.write(sparkSession(), path, rows, DATA_SCHEMA);
        }
    }

    static final class Reader extends MLReader<MissingValueImputerModel> {
        @Override
        public MissingValueImputerModel load(String path) {
            StageMetadata metadata = StageMetadata.load(path, sparkSession(), MissingValueImputerModel.class.getName());
            List<Row> rows = ModelData.read(sparkSession(), path, FORMAT_VERSION);
            Map<String, Double> values = new LinkedHashMap<>();
            for (Row r : rows) {
                values.put(r.getString(r.fieldIndex("column")), r.getDouble(r.fieldIndex("value")));
            }
            MissingValueImputerModel model = new MissingValueImputerModel(metadata.uid(), new ImputeDict(values));
            metadata.setParams(model);
            return model;
        }
    }
}
