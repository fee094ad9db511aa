package io.riskmapping.ml.feature;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/** Params shared by {@link WoeEncoder} and {@link WoeEncoderModel}, and their one schema check. */
public interface WoeEncoderParams extends Params {

    /** Categorical (string, boolean) or numeric columns (e.g. bin indices from {@link NumericBinner}). */
    StringArrayParam inputCols();

    /** Output per input column; default: in place (binary) or {@code <input>_<class>} per class (multiclass). */
    StringArrayParam outputCols();

    /** Label: 0/1 (binary, event = 1) or any set of class values (multiclass, one-vs-rest); null and -1 are unlabelled. */
    Param<String> labelCol();

    /** Unseen categories (and nulls when the fit saw none): "keep" (WOE 0, default) or "error". */
    Param<String> handleInvalid();

    /** Confidence level of the WOE and IV intervals, in (0, 1). Default 0.95. */
    DoubleParam confidenceLevel();

    /** Keep at most this many categories per field (by count); the rest become {@code __other__}. 0 (default): all. */
    IntParam maxCategories();

    /** Keep the most frequent categories up to this cumulative share of rows; the rest become {@code __other__}. Default 1: all. */
    DoubleParam categoryShare();

    /** When set, the model adds P(event | x) = sigmoid(logit(prior) + Σ WOE) (an array per class for multiclass). */
    Param<String> probabilityCol();

    /** When set (binary), the model adds a map field &rarr; decibans (10·log10 of the odds factor) explaining the probability. */
    Param<String> explanationCol();

    default String[] getInputCols() {
        return getOrDefault(inputCols());
    }

    default String getLabelCol() {
        return getOrDefault(labelCol());
    }

    default String getHandleInvalid() {
        return getOrDefault(handleInvalid());
    }

    default double getConfidenceLevel() {
        return (Double) getOrDefault(confidenceLevel());
    }

    default int getMaxCategories() {
        return (Integer) getOrDefault(maxCategories());
    }

    default double getCategoryShare() {
        return (Double) getOrDefault(categoryShare());
    }

    default String getProbabilityCol() {
        return isDefined(probabilityCol()) ? getOrDefault(probabilityCol()) : null;
    }

    default String getExplanationCol() {
        return isDefined(explanationCol()) ? getOrDefault(explanationCol()) : null;
    }

    /** The base output name of each input column (a class suffix is added for multiclass). */
    default String[] getOutputCols() {
        return isDefined(outputCols()) ? getOrDefault(outputCols()) : getInputCols();
    }

    /**
     * Checks input names and types, output pairing, and (fitting) the label column.
     *
     * @throws IllegalArgumentException naming the column and the problem
     */
    default void validateSchema(StructType schema, boolean fitting) {
        if (!isDefined(inputCols())) {
            throw new IllegalArgumentException(uid() + ": inputCols must be set");
        }
        String[] in = getInputCols();
        if (in.length == 0) {
            throw new IllegalArgumentException(uid() + ": inputCols is empty");
        }
        if (getOutputCols().length != in.length) {
            throw new IllegalArgumentException(uid() + ": inputCols has " + in.length + " columns but outputCols has " + getOutputCols().length);
        }
        Set<String> names = new HashSet<>(Arrays.asList(schema.fieldNames()));
        Set<String> seen = new HashSet<>();
        for (String c : in) {
            if (!seen.add(c)) {
                throw new IllegalArgumentException("inputCols names '" + c + "' twice");
            }
            if (!names.contains(c)) {
                throw new IllegalArgumentException("input column '" + c + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
            }
            DataType t = schema.apply(c).dataType();
            if (!(t instanceof StringType || t instanceof NumericType || t instanceof BooleanType)) {
                throw new IllegalArgumentException("input column '" + c + "' has type " + t.simpleString() + "; expected a string, numeric or boolean column");
            }
        }
        if (fitting && !names.contains(getLabelCol())) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
        }
    }

    /** The param objects of one owner, created after its uid is set, with the defaults declared once. */
    final class Defs implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final StringArrayParam inputCols;
        final StringArrayParam outputCols;
        final Param<String> labelCol;
        final Param<String> handleInvalid;
        final DoubleParam confidenceLevel;
        final IntParam maxCategories;
        final DoubleParam categoryShare;
        final Param<String> probabilityCol;
        final Param<String> explanationCol;

        Defs(Params owner) {
            inputCols = new StringArrayParam(owner, "inputCols", "columns to encode (categorical or numeric)");
            outputCols = new StringArrayParam(owner, "outputCols", "output columns; default in place (binary) or <input>_<class> (multiclass)");
            labelCol = new Param<>(owner, "labelCol", "label: 0/1 (binary) or class values (multiclass); null and -1 unlabelled");
            handleInvalid = new Param<>(owner, "handleInvalid", "unseen categories: 'keep' (WOE 0) or 'error'",
                    ParamValidators.inArray(new String[] {RiskTableMapperParams.KEEP_INVALID, RiskTableMapperParams.ERROR_INVALID}));
            confidenceLevel = new DoubleParam(owner, "confidenceLevel", "confidence level of the WOE and IV intervals, in (0, 1)",
                    ParamValidators.inRange(0.0, 1.0, false, false));
            maxCategories = new IntParam(owner, "maxCategories", "keep at most this many categories per field, the rest __other__ (0: all)",
                    ParamValidators.gtEq(0.0));
            categoryShare = new DoubleParam(owner, "categoryShare", "keep the top categories up to this cumulative share of rows (1: all)",
                    ParamValidators.inRange(0.0, 1.0, false, true));
            probabilityCol = new Param<>(owner, "probabilityCol", "output column of P(event | x) = sigmoid(logit(prior) + sum of WOE)");
            explanationCol = new Param<>(owner, "explanationCol", "output column: field -> decibans of evidence (binary)");
            owner.setDefault(labelCol, "label");
            owner.setDefault(handleInvalid, RiskTableMapperParams.KEEP_INVALID);
            owner.setDefault(confidenceLevel, 0.95);
            owner.setDefault(maxCategories, 0);
            owner.setDefault(categoryShare, 1.0);
        }
    }
}
