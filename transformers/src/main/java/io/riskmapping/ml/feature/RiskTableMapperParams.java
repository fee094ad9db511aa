package io.riskmapping.ml.feature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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

    /** {@code smoothingMode} value: pseudo-count {@code m = floor(N * smoothFactor)} (the default). */
    String FRACTION_SMOOTHING = "fraction";
    /** {@code smoothingMode} value: the fixed pseudo-count {@code smoothing}, as Spark's {@code TargetEncoder}. */
    String COUNT_SMOOTHING = "count";
    /** {@code smoothingMode} value: empirical-Bayes shrinkage, as scikit-learn's {@code smooth="auto"}. */
    String AUTO_SMOOTHING = "auto";

    /** {@code handleMissing} value: nulls map to the default bin (the prior), the default. */
    String DEFAULT_MISSING = "default";
    /** {@code handleMissing} value: null is a category of its own, with its own smoothed value. */
    String CATEGORY_MISSING = "category";

    /** {@code highCardinality} value: a column with too many categories is left unchanged, with a skip reason (the default). */
    String SKIP_HIGH_CARDINALITY = "skip";
    /** {@code highCardinality} value: the most frequent categories are kept, the rest form {@link #OTHER_CATEGORY}. */
    String GROUP_HIGH_CARDINALITY = "group";
    /** {@code highCardinality} value: a column with too many categories fails the fit. */
    String ERROR_HIGH_CARDINALITY = "error";
    /** The category that the rarer categories of a grouped column form ({@code highCardinality = "group"}). */
    String OTHER_CATEGORY = "__other__";
    /** {@code targetType} value: the label is 0, 1 (event), -1 or null (unlabelled); the default. */
    String BINARY_TARGET = "binary";
    /** {@code targetType} value: the label is a finite number (null: unlabelled); a category's value is its smoothed mean. */
    String CONTINUOUS_TARGET = "continuous";
    /**
     * {@code targetType} value: the label holds classes (any values; null, NaN and blank text are
     * unlabelled), encoded one-vs-rest: one output column {@code <output>_<class>} per class.
     */
    String MULTICLASS_TARGET = "multiclass";

    /** Columns to encode: string columns (categorical) or numeric columns (numeric mode). */
    StringArrayParam inputCols();

    /** Output column per input column (doubles); default: the input columns, replaced in place. */
    StringArrayParam outputCols();

    /** Label column for fitting: values 0, 1 (event), -1 or null (unlabelled, not fitted). Default "label". */
    Param<String> labelCol();

    /**
     * What the label is, as Spark's {@code TargetEncoder.targetType} names it: {@code "binary"}
     * (default): 0, 1 (event), -1 or null (unlabelled), a category's value is its smoothed event
     * rate; {@code "continuous"}: finite numbers (numeric columns, or text holding numbers; null or
     * blank text is unlabelled), a category's value is the smoothed mean of its labels, the prior
     * the mean of all fit rows; {@code "multiclass"}: any values (text or numbers, null, NaN and blank
     * text unlabelled), each class encoded one-vs-rest as the event of a binary fit, giving one
     * output column {@code <output>_<class>} per class. Any other value is refused by the param.
     */
    Param<String> targetType();

    /**
     * {@code targetType "multiclass"}: the label's classes, in output order (text as the label
     * column holds them, numbers as Spark casts them to text: {@code "2"}, {@code "2.5"}). Unset
     * (the default): the classes the fit finds, sorted numerically when all are numbers, else as
     * text. Set it when a later {@code Pipeline} stage reads the class columns: the estimator's
     * {@code transformSchema} can then name them before the fit.
     */
    StringArrayParam classes();

    /** Fraction of fit rows used as the integer pseudo-count {@code m = floor(N * smoothFactor)}; &ge; 0. Default 0.01. */
    DoubleParam smoothFactor();

    /**
     * How a category's event rate is pulled toward the prior {@code p} (docs/formulas.md), for a
     * category of {@code n} fit rows and event rate {@code r}:
     * <ul>
     *   <li>{@code "fraction"} (default): {@code (n*r + m*p) / (n + m)} with {@code m = floor(N * smoothFactor)},
     *       {@code N} the fit rows;</li>
     *   <li>{@code "count"}: the same with the fixed {@code m = smoothing} (Spark's {@code TargetEncoder.smoothing});</li>
     *   <li>{@code "auto"}: {@code lambda*r + (1-lambda)*p} with {@code lambda = n*v / (n*v + r(1-r))},
     *       {@code v = p(1-p)} (scikit-learn's {@code smooth="auto"}); {@code p} when {@code v = r(1-r) = 0}.</li>
     * </ul>
     * In every mode a category with fewer than {@code countThreshold} fit rows gets {@code p}.
     */
    Param<String> smoothingMode();

    /**
     * The pseudo-count {@code m} of {@code smoothingMode = "count"}, a real number &ge; 0. Default 0
     * (no smoothing). Setting it with another mode fails the fit with {@link IllegalArgumentException}.
     */
    DoubleParam smoothing();

    /**
     * What a null input value is at fit and transform time: {@code "default"} (default): it maps to
     * the default bin, the prior; {@code "category"}: it is a category of its own, whose value is
     * smoothed from the null fit rows like any other category (prior below {@code countThreshold}
     * or when the fit saw no null row). In numeric mode NaN and infinities are null.
     */
    Param<String> handleMissing();

    /** Categories with fewer fit rows than this get the default bin; &ge; 0. Default 5. */
    IntParam countThreshold();

    /**
     * A column is encoded as it is only if it has fewer distinct non-null train values than this;
     * &ge; 1. Default 100. What happens to the others: {@link #highCardinality()}.
     */
    IntParam maxUniqueThreshold();

    /**
     * A column with {@code maxUniqueThreshold} or more distinct train values:
     * <ul>
     *   <li>{@code "skip"} (default): it is not encoded and stays as it is, with a skip reason in the
     *       statistics. In a {@code Pipeline} it then stays a string column, which a later
     *       {@code VectorAssembler} refuses: use {@code "group"} there.</li>
     *   <li>{@code "group"}: the {@code maxUniqueThreshold - 1} categories with the most fit rows
     *       (ties: in key order) keep their own value; the fit rows of all the others are summed
     *       into one category, {@code __other__}, smoothed like any other (prior below
     *       {@code countThreshold}). The column's default bin is {@code __other__}'s value, so a
     *       category the fit merged, an unseen one and (unless {@code handleMissing = "category"}) a
     *       null all get it, as scikit-learn's and H2O's encoders treat rare levels.</li>
     *   <li>{@code "error"}: the fit fails with {@link IllegalArgumentException} naming the column and
     *       its number of distinct values.</li>
     * </ul>
     * {@code "group"} and {@code "error"} apply to {@code targetType "binary"} and
     * {@code "multiclass"} (every class groups the same categories); with {@code "continuous"} only
     * {@code "skip"} is accepted (the fit fails otherwise).
     */
    Param<String> highCardinality();

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

    default String[] getClasses() {
        return isDefined(classes()) ? $(classes()) : null;
    }

    default String getTargetType() {
        return getOrDefault(targetType());
    }

    default double getSmoothFactor() {
        return (Double) getOrDefault(smoothFactor());
    }

    default String getSmoothingMode() {
        return getOrDefault(smoothingMode());
    }

    default double getSmoothing() {
        return (Double) getOrDefault(smoothing());
    }

    default String getHandleMissing() {
        return getOrDefault(handleMissing());
    }

    default String getHighCardinality() {
        return getOrDefault(highCardinality());
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
        if (fitting && isSet(smoothing()) && !COUNT_SMOOTHING.equals(getSmoothingMode())) {
            throw new IllegalArgumentException(uid() + ": smoothing is set but smoothingMode is '" + getSmoothingMode()
                    + "'; smoothing is the pseudo-count of smoothingMode 'count'");
        }
        if (fitting) {
            String label = getLabelCol();
            if (!names.contains(label)) {
                throw new IllegalArgumentException("label column '" + label + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
            }
            DataType t = schema.apply(label).dataType();
            if (CONTINUOUS_TARGET.equals(getTargetType())) {
                if (!(t instanceof StringType || t instanceof NumericType)) {
                    throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                            + "; targetType 'continuous' expects numbers (or text holding numbers)");
                }
            } else if (MULTICLASS_TARGET.equals(getTargetType())) {
                if (!(t instanceof StringType || t instanceof NumericType || t instanceof BooleanType)) {
                    throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                            + "; targetType 'multiclass' expects text, numeric or boolean classes");
                }
            } else if (!(t instanceof StringType || t instanceof NumericType || t instanceof BooleanType)) {
                throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                        + "; expected numeric, boolean or string values 0, 1, -1 or null");
            }
        }
        StructType result = schema;
        boolean multiclass = MULTICLASS_TARGET.equals(getTargetType());
        for (int i = 0; i < in.length; i++) {
            if (skipped.contains(in[i])) {
                continue;
            }
            if (!multiclass) {
                result = SchemaChecks.putOutput(result, out[i], in);
            } else if (getClasses() != null) {
                // one column per class; before a fit without the classes param they are not known yet
                List<String> classColumns = new ArrayList<>();
                for (String cls : getClasses()) {
                    classColumns.add(io.riskmapping.artifacts.MulticlassRiskTables.outputName(out[i], cls));
                }
                result = SchemaChecks.putOutputs(result, in[i], out[i], classColumns, in);
            }
        }
        return result;
    }


    /** The param objects of one owner, created after its uid is set, with the defaults declared once. */
    final class Defs implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        final StringArrayParam inputCols;
        final StringArrayParam outputCols;
        final Param<String> labelCol;
        final Param<String> targetType;
        final StringArrayParam classes;
        final DoubleParam smoothFactor;
        final Param<String> smoothingMode;
        final DoubleParam smoothing;
        final Param<String> handleMissing;
        final IntParam countThreshold;
        final IntParam maxUniqueThreshold;
        final Param<String> highCardinality;
        final BooleanParam parseNumericStrings;
        final Param<String> handleInvalid;
        final IntParam numFolds;
        final Param<String> foldCol;
        final LongParam seed;

        Defs(Params owner) {
            inputCols = new StringArrayParam(owner, "inputCols", "input columns to encode (string or numeric)");
            outputCols = new StringArrayParam(owner, "outputCols", "output columns (double); default: replace the input columns");
            labelCol = new Param<>(owner, "labelCol", "label column: 0, 1 (event), -1 or null (unlabelled)");
            targetType = new Param<>(owner, "targetType",
                    "the label: 'binary' (0, 1, -1 or null), 'continuous' (finite numbers, null unlabelled) or 'multiclass' (classes, one-vs-rest)",
                    ParamValidators.inArray(new String[] {BINARY_TARGET, CONTINUOUS_TARGET, MULTICLASS_TARGET}));
            classes = new StringArrayParam(owner, "classes",
                    "targetType 'multiclass': the label's classes in output order (default: those the fit finds, sorted)");
            smoothFactor = new DoubleParam(owner, "smoothFactor",
                    "fraction of fit rows used as the integer pseudo-count m = floor(N * smoothFactor) (>= 0)", ParamValidators.gtEq(0.0));
            smoothingMode = new Param<>(owner, "smoothingMode",
                    "smoothing toward the prior: 'fraction' (m = floor(N * smoothFactor)), 'count' (m = smoothing) or 'auto' (empirical Bayes)",
                    ParamValidators.inArray(new String[] {FRACTION_SMOOTHING, COUNT_SMOOTHING, AUTO_SMOOTHING}));
            smoothing = new DoubleParam(owner, "smoothing",
                    "pseudo-count m of smoothingMode 'count' (>= 0)", ParamValidators.gtEq(0.0));
            handleMissing = new Param<>(owner, "handleMissing",
                    "nulls: 'default' (the default bin) or 'category' (a category of their own)",
                    ParamValidators.inArray(new String[] {DEFAULT_MISSING, CATEGORY_MISSING}));
            countThreshold = new IntParam(owner, "countThreshold",
                    "categories with fewer fit rows than this get the default bin (>= 0)", ParamValidators.gtEq(0.0));
            maxUniqueThreshold = new IntParam(owner, "maxUniqueThreshold",
                    "encode a column only if it has fewer distinct non-null train values than this (>= 1)", ParamValidators.gtEq(1.0));
            highCardinality = new Param<>(owner, "highCardinality",
                    "a column with maxUniqueThreshold or more categories: 'skip' (left unchanged), 'group' (rarest into __other__) or 'error'",
                    ParamValidators.inArray(new String[] {SKIP_HIGH_CARDINALITY, GROUP_HIGH_CARDINALITY, ERROR_HIGH_CARDINALITY}));
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
            owner.setDefault(targetType, BINARY_TARGET);
            owner.setDefault(smoothFactor, 0.01);
            owner.setDefault(countThreshold, 5);
            owner.setDefault(smoothingMode, FRACTION_SMOOTHING);
            owner.setDefault(smoothing, 0.0);
            owner.setDefault(handleMissing, DEFAULT_MISSING);
            owner.setDefault(maxUniqueThreshold, 100);
            owner.setDefault(highCardinality, SKIP_HIGH_CARDINALITY);
            owner.setDefault(parseNumericStrings, false);
            owner.setDefault(handleInvalid, KEEP_INVALID);
        }
    }
}
