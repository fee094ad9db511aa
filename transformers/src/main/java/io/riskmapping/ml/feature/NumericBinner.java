package io.riskmapping.ml.feature;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.ml.Estimator;
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
import org.apache.spark.sql.types.StructType;

import io.riskmapping.ml.feature.NumericBinnerModel.BinCounts;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.MonotonicBins;
import io.riskmapping.ml.feature.core.NumericBinning;

/**
 * Binning of numeric columns: learns bin edges per input column and gives a
 * {@link NumericBinnerModel} that adds each value's bin index, with one extra bin for missing
 * values, optionally with an event rate that is monotone from bin to bin.
 *
 * <h2>Input</h2>
 * {@code inputCols}: numeric columns, or text holding decimal numbers (CSV), parsed as
 * {@link MissingValueImputer} does: null, NaN, infinities, blank and non-numeric text ({@code "abc"})
 * are missing. {@code labelCol}: 0, 1 (event) or -1/null (unlabelled, ignored), as numbers,
 * booleans or text ("1", "1.0"); needed by method "tree" and by a monotonic constraint. When the
 * label column is present (or set explicitly) it is also used to count events per bin, so its
 * values are checked in every case.
 *
 * <h2>Output</h2>
 * {@code outputCols} (default {@code <input>_bin}): doubles, the bin index. With {@code k} value
 * bins, values go to bins {@code 0 .. k-1} (bin {@code j} holds {@code splits[j] <= x < splits[j+1]},
 * a value on an edge goes up) and missing values to bin {@code k}. Every column's splits start
 * with -Infinity and end with +Infinity, so every number has a bin.
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code "quantile"} (default): Spark's {@link org.apache.spark.ml.feature.QuantileDiscretizer}
 *       with {@code numBuckets = numBins}, all columns in one pass ({@code approxQuantile}, relative
 *       error 0.001; the value of rank {@code ceil(p*n)} on small data). Repeated quantiles are
 *       dropped, as Spark does, so a column with few distinct values gets fewer bins.</li>
 *   <li>{@code "uniform"}: {@code numBins} equal-width bins between each column's minimum and maximum,
 *       edges {@code min + (max - min) * i / numBins}; the minima and maxima of all columns come from
 *       one aggregation. A constant column gets one bin.</li>
 *   <li>{@code "kmeans"}: Spark's {@link org.apache.spark.ml.clustering.KMeans} ({@code k = numBins},
 *       {@code seed}) on the column's values (missing dropped), one fit per column; edges halfway
 *       between consecutive sorted centres. KMeans may find fewer centres than {@code k}.</li>
 *   <li>{@code "tree"}: a Spark decision tree of the label on the column's labelled values, one fit per
 *       column, depth {@code ceil(log2(numBins))} (so up to {@code 2^depth} bins), each leaf holding at
 *       least {@code minInstancesPerNode = max(1, ceil(minBinFraction * n))} of the column's {@code n}
 *       labelled values, 256 candidate thresholds ({@code maxBins}), {@code seed}; edges at the
 *       thresholds of its internal nodes (walked from {@code rootNode()}). The tree is a
 *       {@link org.apache.spark.ml.regression.DecisionTreeRegressor} with variance impurity, not a
 *       {@code DecisionTreeClassifier}: for a 0/1 label variance {@code p(1-p)} is half the Gini
 *       impurity, so both choose the same splits, but the classifier prunes any two leaves that
 *       predict the same class and, when the event rate stays below one half everywhere (the usual
 *       case in risk data), collapses to a single leaf: no edges at all.</li>
 * </ul>
 *
 * <h2>Monotonic constraint</h2>
 * With {@code monotonic} "increasing" or "decreasing", after the edges are found the rows, events
 * and non-events of every bin of every column are counted in one aggregation, then adjacent bins
 * are merged (dropping the edge between them) by a pool-adjacent-violators pass until the event
 * rate is monotone in that direction (equal neighbours allowed); bins without labelled rows join a
 * neighbour. "auto" runs both directions and keeps the one with more bins (increasing on a tie).
 * The merge runs on the driver from the counts, exactly and deterministically; see
 * {@code MonotonicBins}. The missing bin takes no part in it.
 *
 * <h2>Cost</h2>
 * One aggregation for the statistics of all columns (and the label check), the method's own passes
 * (quantile: one for all columns; uniform: none; kmeans and tree: one fit per column), and one
 * aggregation for the bin counts of all columns. Only counts and edges reach the driver.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} from {@link #transformSchema} (and so from {@code fit}) for a
 * missing or non-numeric, non-text input column, mismatched or repeated input/output columns, an
 * existing output column, or a missing label column when it is needed; from {@code fit} for a label
 * value outside {0, 1, -1, null} (naming it), a column without any numeric value, no labelled row
 * when the label is needed; from the param setters for an unknown method or constraint, {@code numBins < 2}
 * or {@code minBinFraction} outside [0, 0.5).
 */
public class NumericBinner extends Estimator<NumericBinnerModel> implements NumericBinnerParams, MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final NumericBinnerParams.Defs p;

    public NumericBinner() {
        this(Identifiable.randomUID("numericBinner"));
    }

    public NumericBinner(String uid) {
        this.uid = uid;
        this.p = new NumericBinnerParams.Defs(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override public StringArrayParam inputCols() { return p.inputCols; }
    @Override public StringArrayParam outputCols() { return p.outputCols; }
    @Override public Param<String> labelCol() { return p.labelCol; }
    @Override public Param<String> method() { return p.method; }
    @Override public IntParam numBins() { return p.numBins; }
    @Override public Param<String> monotonic() { return p.monotonic; }
    @Override public LongParam seed() { return p.seed; }
    @Override public DoubleParam minBinFraction() { return p.minBinFraction; }

    public NumericBinner setInputCols(String... value) { set(p.inputCols, value); return this; }
    public NumericBinner setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public NumericBinner setLabelCol(String value) { set(p.labelCol, value); return this; }
    public NumericBinner setMethod(String value) { set(p.method, value); return this; }
    public NumericBinner setNumBins(int value) { set(p.numBins, value); return this; }
    public NumericBinner setMonotonic(String value) { set(p.monotonic, value); return this; }
    public NumericBinner setSeed(long value) { set(p.seed, value); return this; }
    public NumericBinner setMinBinFraction(double value) { set(p.minBinFraction, value); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        return validateAndTransformSchema(schema, true, null);
    }

    @Override
    public NumericBinnerModel fit(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);
        Dataset<Row> df = dataset.toDF();
        String[] in = getInputCols();
        String method = getMethod();
        int k = getNumBins();
        Column[] x = new Column[in.length];
        for (int i = 0; i < in.length; i++) {
            x[i] = NumericBinning.number(df, in[i]);
        }
        String labelCol = getLabelCol();
        boolean useLabel = java.util.Arrays.asList(schema.fieldNames()).contains(labelCol);
        Column y = useLabel ? KeyColumns.labelClass(df, labelCol) : null;

        NumericBinning.Stats stats = NumericBinning.stats(df, in, x, labelCol, y);
        if (labelRequired() && stats.labelledRows() == 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has no labelled rows (0 or 1) among "
                    + stats.rows() + " rows: every label is null or -1");
        }

        List<double[]> splits = new ArrayList<>();
        switch (method) {
            case QUANTILE:
                splits.addAll(NumericBinning.quantile(df, x, k));
                break;
            case UNIFORM:
                stats.columns().forEach(s -> splits.add(NumericBinning.uniform(s, k)));
                break;
            case KMEANS:
                for (Column c : x) {
                    splits.add(NumericBinning.kmeans(df, c, k, getSeed()));
                }
                break;
            case TREE:
                for (int i = 0; i < in.length; i++) {
                    long n = stats.columns().get(i).labelledValues();
                    if (n == 0) {
                        throw new IllegalArgumentException("column '" + in[i] + "' has no labelled row (label 0 or 1) with a numeric value to fit a tree on");
                    }
                    splits.add(NumericBinning.tree(df, x[i], y, k, NumericBinning.minInstances(getMinBinFraction(), n), getSeed()));
                }
                break;
            default:
                throw new IllegalArgumentException("unknown method '" + method + "'");
        }

        List<NumericBinning.Counts> counts = NumericBinning.countBins(df, x, splits, y);
        List<NumericBinnerModel.Bins> bins = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            MonotonicBins.Merged m = MonotonicBins.apply(splits.get(i), counts.get(i), getMonotonic());
            BinCounts merged = new BinCounts(m.counts().rows(), m.counts().events(), m.counts().nonEvents());
            bins.add(new NumericBinnerModel.Bins(in[i], method, m.direction(), m.splits(), merged));
        }
        NumericBinnerModel model = new NumericBinnerModel(uid, bins);
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    /** Saves the params only (docs/persistence.md). */
    @Override
    public MLWriter write() {
        return StageMetadata.writer(this);
    }

    public static MLReader<NumericBinner> read() {
        return StageMetadata.reader(NumericBinner.class);
    }

    public static NumericBinner load(String path) {
        return read().load(path);
    }

    @Override
    public NumericBinner copy(ParamMap extra) {
        return (NumericBinner) defaultCopy(extra);
    }

    @Override
    public String toString() {
        return "NumericBinner: uid=" + uid + ", method=" + getMethod() + ", numBins=" + getNumBins()
                + (NONE.equals(getMonotonic()) ? "" : ", monotonic=" + getMonotonic())
                + (isDefined(inputCols()) ? ", inputCols=" + String.join(",", getInputCols()) : "");
    }
}
