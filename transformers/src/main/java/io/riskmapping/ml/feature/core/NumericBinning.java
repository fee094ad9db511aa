package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.QuantileDiscretizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.regression.DecisionTreeRegressor;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;


/**
 * The Spark side of numeric binning ({@code NumericBinner}): the statistics pass, the four ways to
 * find bin edges (each on Spark's own algorithm), the one-pass bin counts, and the native bin
 * expression shared with {@code NumericBinnerModel}.
 */
public final class NumericBinning {

    /** Classes of {@link KeyColumns#labelClass}: 0 and 1 are fitted, 2 is invalid. */
    static final int NON_EVENT = 0;
    static final int EVENT = 1;
    static final int INVALID = KeyColumns.INVALID;

    /** Method "tree": candidate thresholds per column (Spark's default is 32). */
    static final int TREE_MAX_BINS = 256;

    /** Spark's largest tree depth. */
    static final int TREE_MAX_DEPTH = 30;

    private NumericBinning() {
    }

    /**
     * Rows, events (label 1) and non-events (label 0) per bin of one column: the value bins in
     * order, then the missing bin; {@code events} and {@code nonEvents} null when no label was used.
     * The stage hands them on as its public {@code NumericBinnerModel.BinCounts}.
     */
    public record Counts(long[] rows, long[] events, long[] nonEvents) {
        /** True when events were counted (a label column was used). */
        public boolean hasLabel() {
            return events != null;
        }

    }

    /** What the statistics pass found for one column (over its numeric values). */
    public record ColumnStats(double min, double max, long values, long labelledValues) {
    }

    /** Per-column statistics, and the labelled rows (label 0 or 1) of the data. */
    public record Stats(List<ColumnStats> columns, long rows, long labelledRows) {
    }

    /** An input column as a double: {@link KeyColumns#asNumber}, so null, NaN, infinities and non-numeric text are null. */
    public static Column number(Dataset<Row> df, String column) {
        return KeyColumns.asNumber(KeyColumns.quoted(column), df.schema().apply(column).dataType());
    }

    /**
     * One aggregation over the data for all columns: minimum, maximum, numeric values and labelled
     * numeric values of each, and the label checks.
     *
     * @param labelClass the label as a class (0, 1, -1, 2), or null when no label is used
     * @throws IllegalArgumentException for a label value outside {0, 1, -1, null} (naming it) and for
     *         a column with no numeric value
     */
    public static Stats stats(Dataset<Row> df, String[] in, Column[] x, String labelCol, Column labelClass) {
        Column labelled = labelClass == null ? lit(false) : labelClass.isin(NON_EVENT, EVENT);
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)));
        aggs.add(count_if(labelled));
        aggs.add(labelClass == null ? lit(0L) : count_if(labelClass.equalTo(INVALID)));
        aggs.add(labelClass == null ? lit(null).cast(DataTypes.StringType)
                : min(when(labelClass.equalTo(INVALID), KeyColumns.quoted(labelCol).cast(DataTypes.StringType))));
        for (Column c : x) {
            aggs.add(min(c));
            aggs.add(max(c));
            aggs.add(count(c));
            aggs.add(count(when(labelled, c)));
        }
        Row r = df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).head();
        long invalid = r.getLong(2);
        if (invalid > 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has " + invalid
                    + " value(s) outside {0, 1, -1, null}, e.g. '" + r.getString(3) + "'");
        }
        List<ColumnStats> columns = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            int o = 4 + 4 * i;
            long values = r.getLong(o + 2);
            if (values == 0) {
                throw new IllegalArgumentException("column '" + in[i] + "' has no numeric value to bin: every value is null, NaN, infinite or not a number");
            }
            columns.add(new ColumnStats(r.getDouble(o), r.getDouble(o + 1), values, r.getLong(o + 3)));
        }
        return new Stats(columns, r.getLong(0), r.getLong(1));
    }

    /** Method "uniform": {@code k} equal-width bins between the minimum and the maximum (one bin when they are equal). */
    public static double[] uniform(ColumnStats s, int k) {
        TreeSet<Double> inner = new TreeSet<>();
        for (int i = 1; i < k; i++) {
            double v = s.min() + (s.max() - s.min()) * i / k;
            if (v > s.min() && v < s.max()) {
                inner.add(v == 0.0 ? 0.0 : v);
            }
        }
        return withInfinities(inner);
    }

    /** Method "quantile": Spark's {@link QuantileDiscretizer} on every column in one pass (its deduplicated splits). */
    public static List<double[]> quantile(Dataset<Row> df, Column[] x, int k) {
        Column[] named = new Column[x.length];
        String[] inCols = new String[x.length];
        String[] outCols = new String[x.length];
        for (int i = 0; i < x.length; i++) {
            inCols[i] = "c" + i;
            outCols[i] = "q" + i;
            named[i] = x[i].as(inCols[i]);
        }
        double[][] splits = new QuantileDiscretizer().setInputCols(inCols).setOutputCols(outCols).setNumBuckets(k)
                .fit(df.select(named)).getSplitsArray();
        return Arrays.asList(splits);
    }

    /** Method "kmeans": Spark's {@link KMeans} ({@code k}, {@code seed}) on the column's values; edges halfway between sorted centres. */
    public static double[] kmeans(Dataset<Row> df, Column x, int k, long seed) {
        Dataset<Row> values = new VectorAssembler().setInputCols(new String[] {"x"}).setOutputCol("features")
                .transform(df.select(x.as("x")).where(col("x").isNotNull()));
        KMeansModel model = new KMeans().setK(k).setSeed(seed).setFeaturesCol("features").fit(values);
        TreeSet<Double> centres = new TreeSet<>();
        for (Vector c : model.clusterCenters()) {
            centres.add(c.apply(0));
        }
        TreeSet<Double> inner = new TreeSet<>();
        Double previous = null;
        for (double c : centres) {
            if (previous != null) {
                double mid = previous + (c - previous) / 2;
                inner.add(mid == 0.0 ? 0.0 : mid);
            }
            previous = c;
        }
        return withInfinities(inner);
    }

    /**
     * Method "tree": a Spark decision tree of the 0/1 label on the column's labelled values
     * (variance impurity: the same splits as Gini for a 0/1 label; see {@code NumericBinner}); edges
     * at the thresholds of its internal nodes.
     *
     * @param numBins         depth {@code ceil(log2(numBins))}
     * @param minInstances    Spark's {@code minInstancesPerNode}
     */
    public static double[] tree(Dataset<Row> df, Column x, Column labelClass, int numBins, int minInstances, long seed) {
        Dataset<Row> labelled = df.select(x.as("x"), labelClass.cast(DataTypes.DoubleType).as("y"))
                .where(col("x").isNotNull().and(col("y").isin(NON_EVENT, EVENT)));
        Dataset<Row> features = new VectorAssembler().setInputCols(new String[] {"x"}).setOutputCol("features").transform(labelled);
        DecisionTreeRegressionModel model = new DecisionTreeRegressor().setFeaturesCol("features").setLabelCol("y")
                .setImpurity("variance").setMaxDepth(treeDepth(numBins)).setMinInstancesPerNode(minInstances)
                .setMaxBins(TREE_MAX_BINS).setSeed(seed).fit(features);
        TreeSet<Double> thresholds = new TreeSet<>();
        collectThresholds(model.rootNode(), thresholds);
        return withInfinities(thresholds);
    }

    /** {@code ceil(log2(numBins))}, at most Spark's limit of 30. */
    static int treeDepth(int numBins) {
        return Math.min(TREE_MAX_DEPTH, 32 - Integer.numberOfLeadingZeros(numBins - 1));
    }

    /** {@code max(1, ceil(minBinFraction * labelledValues))}. */
    public static int minInstances(double minBinFraction, long labelledValues) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) Math.ceil(minBinFraction * labelledValues)));
    }

    private static void collectThresholds(Node node, TreeSet<Double> out) {
        if (node instanceof InternalNode in) {
            double t = ((ContinuousSplit) in.split()).threshold();
            out.add(t == 0.0 ? 0.0 : t);
            collectThresholds(in.leftChild(), out);
            collectThresholds(in.rightChild(), out);
        }
    }

    private static double[] withInfinities(TreeSet<Double> inner) {
        double[] s = new double[inner.size() + 2];
        s[0] = Double.NEGATIVE_INFINITY;
        int i = 1;
        for (double v : inner) {
            s[i++] = v;
        }
        s[i] = Double.POSITIVE_INFINITY;
        return s;
    }

    /**
     * Rows, events and non-events per bin of every column, in one aggregation: each row is
     * unpivoted into (column, bin) pairs and grouped, so only the counts reach the driver.
     *
     * @param labelClass the label as a class, or null: then the counts have no events
     */
    public static List<Counts> countBins(Dataset<Row> df, Column[] x, List<double[]> splits, Column labelClass) {
        List<Column> structs = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            structs.add(struct(lit(i).as("f"), bin(x[i], splits.get(i)).cast(DataTypes.IntegerType).as("b")));
        }
        Column y = labelClass == null ? lit(null).cast(DataTypes.IntegerType) : labelClass;
        List<Row> rows = df.select(y.as("y"), inline(array(structs.toArray(new Column[0]))))
                .groupBy("f", "b")
                .agg(count(lit(1)).as("rows"), count_if(col("y").equalTo(EVENT)).as("events"),
                        count_if(col("y").equalTo(NON_EVENT)).as("non_events"))
                .collectAsList();
        List<long[][]> counts = new ArrayList<>();
        for (double[] s : splits) {
            counts.add(new long[3][s.length]); // value bins (s.length - 1) and the missing bin
        }
        for (Row r : rows) {
            long[][] c = counts.get(r.getInt(0));
            int b = r.getInt(1);
            c[0][b] = r.getLong(2);
            c[1][b] = r.getLong(3);
            c[2][b] = r.getLong(4);
        }
        List<Counts> result = new ArrayList<>();
        for (long[][] c : counts) {
            result.add(labelClass == null ? new Counts(c[0], null, null) : new Counts(c[0], c[1], c[2]));
        }
        return result;
    }

    /**
     * The bin index (a double) of a number: {@code j} for {@code splits[j] <= x < splits[j + 1]}
     * (Bucketizer's convention), and {@code splits.length - 1} (the missing bin) for null. A
     * balanced tree of {@code CASE WHEN x < split}: about {@code log2(bins)} comparisons per value.
     *
     * @param x       a finite double or null ({@link #number})
     * @param splits  -Infinity, the inner edges in increasing order, +Infinity
     */
    public static Column bin(Column x, double[] splits) {
        int k = splits.length - 1;
        return when(x.isNull(), lit((double) k)).otherwise(search(x, splits, 0, k - 1));
    }

    private static Column search(Column x, double[] splits, int lo, int hi) {
        if (lo == hi) {
            return lit((double) lo);
        }
        int mid = (lo + hi + 1) >>> 1; // bins lo .. mid-1 lie below splits[mid]
        return when(x.lt(splits[mid]), search(x, splits, lo, mid - 1)).otherwise(search(x, splits, mid, hi));
    }
}
