package io.riskmapping.ml.feature;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.ml.feature.core.SchemaChecks;

/** Params shared by {@link MissingValueImputer} and {@link MissingValueImputerModel}, and their one schema check. */
public interface MissingValueImputerParams extends Params {

    String MEAN = "mean";
    String MEDIAN = "median";
    String MODE = "mode";

    /** Numeric columns to impute: numeric types, or text holding decimal numbers (CSV). */
    StringArrayParam inputCols();

    /** Output columns; default: the input columns, replaced in place. */
    StringArrayParam outputCols();

    /** Strategy for every column without its own: "mean" (default), "median" or "mode". */
    Param<String> strategy();

    /** Optional per-column strategies, aligned with {@code inputCols}. */
    StringArrayParam strategies();

    /** Relative error of the median (Spark's {@code approxQuantile}); 0 is exact. Default 0.001, as Spark's {@code Imputer}. */
    DoubleParam relativeError();

    default String[] getInputCols() {
        return getOrDefault(inputCols());
    }

    default String[] getOutputCols() {
        return isDefined(outputCols()) ? getOrDefault(outputCols()) : getInputCols();
    }

    default String getStrategy() {
        return getOrDefault(strategy());
    }

    /** The strategy of each input column. */
    default String[] getStrategies() {
        String[] in = getInputCols();
        if (!isDefined(strategies())) {
            String[] all = new String[in.length];
            Arrays.fill(all, getStrategy());
            return all;
        }
        return getOrDefault(strategies());
    }

    default double getRelativeError() {
        return (Double) getOrDefault(relativeError());
    }

    /**
     * Checks the schema and returns the output schema: input columns exist and are numeric or
     * text; outputs pair up with inputs; strategies are known and aligned. Numeric inputs give
     * double outputs; text inputs give text outputs (present values kept as they are).
     *
     * @throws IllegalArgumentException naming the column or strategy
     */
    default StructType validateAndTransformSchema(StructType schema) {
        if (!isDefined(inputCols())) {
            throw new IllegalArgumentException(uid() + ": inputCols must be set");
        }
        String[] in = getInputCols();
        String[] out = getOutputCols();
        if (in.length != out.length) {
            throw new IllegalArgumentException(uid() + ": inputCols has " + in.length + " columns but outputCols has " + out.length);
        }
        String[] strategies = getStrategies();
        if (strategies.length != in.length) {
            throw new IllegalArgumentException(uid() + ": strategies has " + strategies.length + " entries for " + in.length + " inputCols");
        }
        Set<String> names = new HashSet<>(Arrays.asList(schema.fieldNames()));
        StructType result = schema;
        for (int i = 0; i < in.length; i++) {
            if (!Set.of(MEAN, MEDIAN, MODE).contains(strategies[i])) {
                throw new IllegalArgumentException("column '" + in[i] + "': unknown strategy '" + strategies[i] + "' (mean, median or mode)");
            }
            if (!names.contains(in[i])) {
                throw new IllegalArgumentException("input column '" + in[i] + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
            }
            DataType t = schema.apply(in[i]).dataType();
            if (!(t instanceof NumericType || t instanceof StringType)) {
                throw new IllegalArgumentException("input column '" + in[i] + "' has type " + t.simpleString() + "; expected numbers or numeric text");
            }
            StructField f = new StructField(out[i], t instanceof StringType ? DataTypes.StringType : DataTypes.DoubleType, true,
                    org.apache.spark.sql.types.Metadata.empty());
            result = SchemaChecks.put(result, f);
        }
        return result;
    }

    /** The param objects of one owner, created after its uid is set, with the defaults declared once. */
    final class Defs implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final StringArrayParam inputCols;
        final StringArrayParam outputCols;
        final Param<String> strategy;
        final StringArrayParam strategies;
        final DoubleParam relativeError;

        Defs(Params owner) {
            inputCols = new StringArrayParam(owner, "inputCols", "numeric columns to impute (numbers or numeric text)");
            outputCols = new StringArrayParam(owner, "outputCols", "output columns; default: replace the input columns");
            strategy = new Param<>(owner, "strategy", "mean, median or mode, for columns without their own strategy",
                    ParamValidators.inArray(new String[] {MEAN, MEDIAN, MODE}));
            strategies = new StringArrayParam(owner, "strategies", "per-column strategies aligned with inputCols");
            relativeError = new DoubleParam(owner, "relativeError", "relative error of the median, in [0, 1]",
                    ParamValidators.inRange(0.0, 1.0));
            owner.setDefault(strategy, MEAN);
            owner.setDefault(relativeError, 0.001);
        }
    }
}
