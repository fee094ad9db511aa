package io.riskmapping.ml.feature;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.ml.feature.core.SchemaChecks;

/**
 * Params shared by {@link RiskTableMapper} and {@link RiskTableMapperModel}, with their getters
 * and the one schema check both run first ({@link #validateAndTransformSchema}).
 *
 * <p>Spark finds params by reflection over public no-argument methods returning a {@link Param};
 * each implementing class holds a {@link Defs} (created after its uid) and returns its fields.
 */
public interface RiskTableMapperParams extends Params {

    /** {@code handleInvalid} value: nulls and unseen categories map to the default bin. */
    String KEEP_INVALID = "keep";
    /** {@code handleInvalid} value: a null or unseen category fails the transform, naming it. */
    String ERROR_INVALID = "error";

    /** Columns to encode: string columns (categorical) or numeric columns (numeric mode). */
    StringArrayParam inputCols();

    /** Output column per input column (doubles); default: the input columns, replaced in place. */
    StringArrayParam outputCols();

    /** Label column for fitting: values 0, 1 (event), -1 or null (unlabelled, not fitted). Default "label". */
    Param<String> labelCol();

    /** Fraction of fit rows used as the integer pseudo-count {@code m = floor(N * smoothFactor)}; &ge; 0. Default 0.01. */
    DoubleParam smoothFactor();

    /** Categories with fewer fit rows than this get the default bin; &ge; 0. Default 5. */
    IntParam countThreshold();

    /** A column is encoded only if it has fewer distinct non-null train values than this; &ge; 1. Default 100. */
    IntParam maxUniqueThreshold();

    /**
     * When true, a string input column whose every non-null fit value is a decimal number is fitted in numeric
     * mode ("1" and "1.0" are one category). Default false: string columns are categorical.
     */
    BooleanParam parseNumericStrings();

    /** What transform does with nulls and unseen categories: "keep" (default bin, default) or "error". */
    Param<String> handleInvalid();

    /**
     * Out-of-fold encoding of the train split: with {@code numFolds >= 2}, {@code fit} also learns one table per
     * fold from the other folds (with their own prior), used by
     * {@link RiskTableMapperModel#transformOutOfFold} and by the model's {@code transform} of the
     * data it was fitted on (a {@code Pipeline}'s train). 0 (default) or 1: off.
     */
    IntParam numFolds();

    /** Optional column holding each row's fold (integers 0 .. numFolds-1); default: folds by a hash of the row and {@code seed}. */
    Param<String> foldCol();

    /** Seed of the row hash that assigns folds when {@code foldCol} is not set. */
    LongParam seed();

    default String[] getInputCols() {
        return getOrDefault(inputCols());
    }

    /** The output columns: the set value, or the input columns when not set. */
    default String[] getOutputCols() {
        return isDefined(outputCols()) ? getOrDefault(outputCols()) : getInputCols();
    }

    default String getLabelCol() {
        return getOrDefault(labelCol());
    }

    default double getSmoothFactor() {
        return (Double) getOrDefault(smoothFactor());
    }

    default int getCountThreshold() {
        return (Integer) getOrDefault(countThreshold());
    }

    default int getMaxUniqueThreshold() {
        return (Integer) getOrDefault(maxUniqueThreshold());
    }

    default boolean getParseNumericStrings() {
        return (Boolean) getOrDefault(parseNumericStrings());
    }

    default String getHandleInvalid() {
        return getOrDefault(handleInvalid());
    }

    default int getNumFolds() {
        return (Integer) getOrDefault(numFolds());
    }

    /** The fold column, or null when folds come from the row hash. */
    default String getFoldCol() {
        return isDefined(foldCol()) ? getOrDefault(foldCol()) : null;
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    /**
     * Checks the schema and returns the output schema: the input columns exist with a supported
     * type (string, numeric or boolean), input and output columns pair up without duplicates, and,
     * when fitting, the label column exists and is numeric, boolean or string.
     *
     * @param fitting  true when called by {@code fit} (the label is needed)
     * @param skipped  input columns that a fitted model leaves unchanged (no output column)
     * @throws IllegalArgumentException naming the column and the problem
     */
    default StructType validateAndTransformSchema(StructType schema, boolean fitting, Set<String> skipped) {
        if (!isDefined(inputCols())) {
            throw new IllegalArgumentException(uid() + ": inputCols must be set");
        }
        String[] in = getInputCols();
        String[] out = getOutputCols();
        if (in.length == 0) {
            throw new IllegalArgumentException(uid() + ": inputCols is empty");
        }
        if (in.length != out.length) {
            throw new IllegalArgumentException(uid() + ": inputCols has " + in.length + " columns but outputCols has " + out.length);
        }
        SchemaChecks.requireDistinct(in, "inputCols");
        SchemaChecks.requireDistinct(out, "outputCols");
        Set<String> names = new HashSet<>(Arrays.asList(schema.fieldNames()));
        for (String c : in) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException("input column '" + c + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
            }
            DataType t = schema.apply(c).dataType();
            if (!(t instanceof StringType || t instanceof NumericType || t instanceof BooleanType)) {
                throw new IllegalArgumentException("input column '" + c + "' has type " + t.simpleString()
                        + "; expected a string, numeric or boolean column");
            }
        }
        if (fitting && getFoldCol() != null && getNumFolds() >= 2) {
            if (!names.contains(getFoldCol())) {
                throw new IllegalArgumentException("fold column '" + getFoldCol() + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
            }
            if (!(schema.apply(getFoldCol()).dataType() instanceof NumericType || schema.apply(getFoldCol()).dataType() instanceof StringType)) {
                throw new IllegalArgumentException("fold column '" + getFoldCol() + "' must hold integers 0 .. " + (getNumFolds() - 1));
            }
        }
        if (fitting) {
            String label = getLabelCol();
            if (!names.contains(label)) {
                throw new IllegalArgumentException("label column '" + label + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
            }
            DataType t = schema.apply(label).dataType();
            if (!(t instanceof StringType || t instanceof NumericType || t instanceof BooleanType)) {
                throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                        + "; expected numeric, boolean or string values 0, 1, -1 or null");
            }
        }
        StructType result = schema;
        for (int i = 0; i < in.length; i++) {
            if (skipped.contains(in[i])) {
                continue;
            }
            result = SchemaChecks.putOutput(result, out[i], in);
        }
        return result;
    }


    /** The param objects of one owner, created after its uid is set, with the defaults declared once. */
    final class Defs implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final StringArrayParam inputCols;
        final StringArrayParam outputCols;
        final Param<String> labelCol;
        final DoubleParam smoothFactor;
        final IntParam countThreshold;
        final IntParam maxUniqueThreshold;
        final BooleanParam parseNumericStrings;
        final Param<String> handleInvalid;
        final IntParam numFolds;
        final Param<String> foldCol;
        final LongParam seed;

        Defs(Params owner) {
            inputCols = new StringArrayParam(owner, "inputCols", "input columns to encode (string or numeric)");
            outputCols = new StringArrayParam(owner, "outputCols", "output columns (double); default: replace the input columns");
            labelCol = new Param<>(owner, "labelCol", "label column: 0, 1 (event), -1 or null (unlabelled)");
            smoothFactor = new DoubleParam(owner, "smoothFactor",
                    "fraction of fit rows used as the integer pseudo-count m = floor(N * smoothFactor) (>= 0)", ParamValidators.gtEq(0.0));
            countThreshold = new IntParam(owner, "countThreshold",
                    "categories with fewer fit rows than this get the default bin (>= 0)", ParamValidators.gtEq(0.0));
            maxUniqueThreshold = new IntParam(owner, "maxUniqueThreshold",
                    "encode a column only if it has fewer distinct non-null train values than this (>= 1)", ParamValidators.gtEq(1.0));
            parseNumericStrings = new BooleanParam(owner, "parseNumericStrings",
                    "fit a string column whose non-null values are all decimal numbers in numeric mode");
            handleInvalid = new Param<>(owner, "handleInvalid",
                    "nulls and unseen categories: 'keep' (default bin) or 'error'",
                    ParamValidators.inArray(new String[] {KEEP_INVALID, ERROR_INVALID}));
            numFolds = new IntParam(owner, "numFolds",
                    "folds for out-of-fold encoding of the train split (>= 2), or 0/1 for none", ParamValidators.gtEq(0.0));
            foldCol = new Param<>(owner, "foldCol", "column holding each row's fold 0 .. numFolds-1 (default: a row hash)");
            seed = new LongParam(owner, "seed", "seed of the row hash that assigns folds");
            owner.setDefault(numFolds, 0);
            owner.setDefault(seed, (long) "io.riskmapping.ml.feature.RiskTableMapper".hashCode());
            owner.setDefault(labelCol, "label");
            owner.setDefault(smoothFactor, 0.01);
            owner.setDefault(countThreshold, 5);
            owner.setDefault(maxUniqueThreshold, 100);
            owner.setDefault(parseNumericStrings, false);
            owner.setDefault(handleInvalid, KEEP_INVALID);
        }
    }
}
