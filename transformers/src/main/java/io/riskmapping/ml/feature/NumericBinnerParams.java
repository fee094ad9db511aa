package io.riskmapping.ml.feature;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

import io.riskmapping.ml.feature.core.MonotonicBins;
import io.riskmapping.ml.feature.core.SchemaChecks;

/**
 * Params shared by {@link NumericBinner} and {@link NumericBinnerModel}, with their getters and
 * the one schema check both run first ({@link #validateAndTransformSchema}).
 *
 * <p>Spark finds params by reflection over public no-argument methods returning a {@link Param};
 * each implementing class holds a {@link Defs} (created after its uid) and returns its fields.
 */
public interface NumericBinnerParams extends Params {

    /** {@code method}: Spark's {@code QuantileDiscretizer} (equal-frequency bins). */
    String QUANTILE = "quantile";
    /** {@code method}: equal-width bins between the column's minimum and maximum. */
    String UNIFORM = "uniform";
    /** {@code method}: Spark's {@code KMeans} on the column; edges halfway between sorted centres. */
    String KMEANS = "kmeans";
    /** {@code method}: a Spark decision tree of the label on the column; edges at its thresholds. */
    String TREE = "tree";

    /** {@code monotonic}: no constraint. */
    String NONE = MonotonicBins.NONE;
    /** {@code monotonic}: the event rate does not decrease from bin to bin. */
    String INCREASING = MonotonicBins.INCREASING;
    /** {@code monotonic}: the event rate does not increase from bin to bin. */
    String DECREASING = MonotonicBins.DECREASING;
    /** {@code monotonic}: the direction whose merged binning keeps more bins (increasing on a tie). */
    String AUTO = MonotonicBins.AUTO;

    /** Suffix of the default output column: {@code <input>_bin}. */
    String OUTPUT_SUFFIX = "_bin";

    /** Columns to bin: numeric columns, or text holding decimal numbers (CSV). */
    StringArrayParam inputCols();

    /** Output column per input column (doubles: the bin index); default {@code <input>_bin}. */
    StringArrayParam outputCols();

    /**
     * Label column: 0, 1 (event), -1 or null (unlabelled). Needed by method "tree" and by a monotonic
     * constraint; otherwise used, when present, only to count events per bin. Default "label".
     */
    Param<String> labelCol();

    /** How bin edges are found: "quantile" (default), "uniform", "kmeans" or "tree". */
    Param<String> method();

    /** Number of value bins asked for (&ge; 2; a method may find fewer). Default 10. */
    IntParam numBins();

    /** Monotonic event-rate constraint: "none" (default), "increasing", "decreasing" or "auto". */
    Param<String> monotonic();

    /** Seed of {@code KMeans} (method "kmeans") and of the tree's sampling (method "tree"). */
    LongParam seed();

    /** Method "tree": the smallest share of a column's labelled rows in one leaf, in [0, 0.5). Default 0.05. */
    DoubleParam minBinFraction();

    default String[] getInputCols() {
        return getOrDefault(inputCols());
    }

    /** The output columns: the set value, or {@code <input>_bin} for each input column. */
    default String[] getOutputCols() {
        return isDefined(outputCols()) ? getOrDefault(outputCols())
                : Arrays.stream(getInputCols()).map(c -> c + OUTPUT_SUFFIX).toArray(String[]::new);
    }

    default String getLabelCol() {
        return getOrDefault(labelCol());
    }

    default String getMethod() {
        return getOrDefault(method());
    }

    default int getNumBins() {
        return (Integer) getOrDefault(numBins());
    }

    default String getMonotonic() {
        return getOrDefault(monotonic());
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default double getMinBinFraction() {
        return (Double) getOrDefault(minBinFraction());
    }

    /** True when fitting cannot do without the label: method "tree" or a monotonic constraint. */
    default boolean labelRequired() {
        return TREE.equals(getMethod()) || !NONE.equals(getMonotonic());
    }

    /**
     * Checks the schema and returns the output schema: the input columns exist and are numeric or
     * text, input and output columns pair up without duplicates, an output column does not already
     * exist (unless it replaces an input column), and, when fitting, the label column exists with a
     * numeric, boolean or string type if it is needed (method "tree", a monotonic constraint) or was
     * set explicitly.
     *
     * @param fitting  true when called by {@code fit}
     * @param fitted   the columns a model has splits for, or null when fitting
     * @throws IllegalArgumentException naming the column or param and the problem
     */
    default StructType validateAndTransformSchema(StructType schema, boolean fitting, Set<String> fitted) {
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
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String c : in) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException("input column '" + c + "' does not exist; columns are " + names);
            }
            DataType t = schema.apply(c).dataType();
            if (!(t instanceof NumericType || t instanceof StringType)) {
                throw new IllegalArgumentException("input column '" + c + "' has type " + t.simpleString()
                        + "; expected numbers or numeric text");
            }
            if (fitted != null && !fitted.contains(c)) {
                throw new IllegalArgumentException("input column '" + c + "' was not fitted; the model has bins for " + fitted);
            }
        }
        if (fitting && (labelRequired() || isSet(labelCol()) || names.contains(getLabelCol()))) {
            String label = getLabelCol();
            if (!names.contains(label)) {
                String why = TREE.equals(getMethod()) ? "method 'tree' needs it"
                        : !NONE.equals(getMonotonic()) ? "monotonic '" + getMonotonic() + "' needs it" : "labelCol was set";
                throw new IllegalArgumentException("label column '" + label + "' does not exist (" + why + "); columns are " + names);
            }
            DataType t = schema.apply(label).dataType();
            if (!(t instanceof StringType || t instanceof NumericType || t instanceof BooleanType)) {
                throw new IllegalArgumentException("label column '" + label + "' has type " + t.simpleString()
                        + "; expected numeric, boolean or string values 0, 1, -1 or null");
            }
        }
        StructType result = schema;
        for (int i = 0; i < in.length; i++) {
            result = SchemaChecks.putOutput(result, out[i], in);
        }
        return result;
    }


    /**
     * The param objects of one owner, created after its uid is set, with the defaults declared once.
     * Serializable, as Spark's {@code Params} are: the stage can be Java-serialized (e.g. captured in a closure).
     */
    final class Defs implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final StringArrayParam inputCols;
        final StringArrayParam outputCols;
        final Param<String> labelCol;
        final Param<String> method;
        final IntParam numBins;
        final Param<String> monotonic;
        final LongParam seed;
        final DoubleParam minBinFraction;

        Defs(Params owner) {
            inputCols = new StringArrayParam(owner, "inputCols", "columns to bin (numbers or numeric text)");
            outputCols = new StringArrayParam(owner, "outputCols", "output columns (double bin index); default <input>_bin");
            labelCol = new Param<>(owner, "labelCol", "label column: 0, 1 (event), -1 or null (unlabelled)");
            method = new Param<>(owner, "method", "how bin edges are found: quantile, uniform, kmeans or tree",
                    ParamValidators.inArray(new String[] {QUANTILE, UNIFORM, KMEANS, TREE}));
            numBins = new IntParam(owner, "numBins", "number of value bins asked for (>= 2)", ParamValidators.gtEq(2.0));
            monotonic = new Param<>(owner, "monotonic", "event-rate constraint: none, increasing, decreasing or auto",
                    ParamValidators.inArray(new String[] {NONE, INCREASING, DECREASING, AUTO}));
            seed = new LongParam(owner, "seed", "seed of KMeans and of the tree's sampling");
            minBinFraction = new DoubleParam(owner, "minBinFraction",
                    "method tree: smallest share of a column's labelled rows in one leaf, in [0, 0.5)",
                    ParamValidators.inRange(0.0, 0.5, true, false));
            owner.setDefault(labelCol, "label");
            owner.setDefault(method, QUANTILE);
            owner.setDefault(numBins, 10);
            owner.setDefault(monotonic, NONE);
            owner.setDefault(seed, (long) "io.riskmapping.ml.feature.NumericBinner".hashCode());
            owner.setDefault(minBinFraction, 0.05);
        }
    }
}
