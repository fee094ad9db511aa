package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.compat.SparkShims;

/**
 * Risk tables of a continuous label ({@code targetType = "continuous"}): a category's value is the
 * smoothed mean of its labels, the prior the mean of all fit rows (docs/formulas.md). The fit is
 * one distributed aggregation over all columns at once: every row is unpivoted into one
 * {@code (column, key)} pair per input column and grouped, summing the row count, the labelled
 * count {@code n}, {@code sum(y)} and {@code sum(y*y)}. Out-of-fold tables
 * ({@link #outOfFold}) take one more such aggregation, keyed by fold as well.
 */
public final class ContinuousTargets {

    private ContinuousTargets() {
    }

    /**
     * Label sums of one group of rows.
     *
     * @param n          labelled rows (label not null)
     * @param sum        sum of their labels
     * @param sumSquares sum of their squared labels
     */
    public record Sums(long n, double sum, double sumSquares) {

        static final Sums ZERO = new Sums(0, 0.0, 0.0);

        /** The sums of this group and {@code o} together. */
        public Sums plus(Sums o) {
            return new Sums(n + o.n, sum + o.sum, sumSquares + o.sumSquares);
        }

        /** The labels' mean (NaN when {@code n = 0}). */
        public double mean() {
            return sum / n;
        }

        /** The labels' population variance {@code sum(y*y)/n - mean^2}, never below 0. */
        public double variance() {
            double m = mean();
            return Math.max(0.0, sumSquares / n - m * m);
        }
    }

    /**
     * One input column's sums.
     *
     * @param column     the input column
     * @param mode       categorical or numeric keys
     * @param distinct   distinct non-null values over all rows
     * @param skipReason why the column is not encoded, or null
     * @param categories key &rarr; sums of its labelled rows, sorted by key (categories seen only on unlabelled rows left out)
     * @param nulls      sums of the null rows' labels
     */
    public record Field(String column, RiskTable.Mode mode, long distinct, String skipReason, Map<Object, Sums> categories,
            Sums nulls) {
    }

    /**
     * The fit's sums.
     *
     * @param trainRows all rows
     * @param total     sums over all labelled rows (the prior is {@code total.mean()})
     * @param fields    per input column, in input order
     */
    public record Fit(long trainRows, Sums total, List<Field> fields) {
    }

    /**
     * Aggregates {@code data} in one distributed aggregation.
     *
     * @param inputCols          string, numeric or boolean columns; numeric ones in numeric mode
     * @param labelCol           numbers, or text holding numbers; null and blank text are unlabelled
     * @param maxUniqueThreshold a column with this many distinct non-null values or more is skipped
     * @throws IllegalArgumentException for a label that is not a finite number (naming it), or no labelled row
     */
    public static Fit aggregate(Dataset<?> data, String[] inputCols, String labelCol, int maxUniqueThreshold) {
        Dataset<Row> df = data.toDF();
        Column label = KeyColumns.quoted(labelCol);
        Column invalid = invalidLabel(df, labelCol);
        Column y = labelValue(df, labelCol);

        RiskTable.Mode[] modes = new RiskTable.Mode[inputCols.length];
        Column[] pairs = new Column[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            DataType t = df.schema().apply(inputCols[i]).dataType();
            modes[i] = t instanceof NumericType ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL;
            pairs[i] = pair(i, modes[i], KeyColumns.key(KeyColumns.quoted(inputCols[i]), t, modes[i]));
        }
        List<Row> groups = df.select(explode(array(pairs)).as("p"), y.as("y"),
                        when(invalid, label.cast(DataTypes.StringType)).as("bad"))
                .groupBy("p.f", "p.s", "p.d")
                .agg(count(lit(1)), count("y"), sum("y"), sum(col("y").multiply(col("y"))),
                        first("bad", true))
                .collectAsList();

        List<Map<Object, Sums>> categories = new ArrayList<>();
        long[] distinct = new long[inputCols.length];
        Sums[] nulls = new Sums[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            categories.add(new TreeMap<>());
            nulls[i] = new Sums(0, 0.0, 0.0);
        }
        long trainRows = 0;
        long n = 0;
        double total = 0.0;
        double totalSquares = 0.0;
        for (Row g : groups) {
            if (!g.isNullAt(7)) {
                throw new IllegalArgumentException("label column '" + labelCol + "': value '" + g.getString(7)
                        + "' is not a finite number (targetType 'continuous')");
            }
            int f = g.getInt(0);
            long rows = g.getLong(3);
            Sums s = new Sums(g.getLong(4), g.isNullAt(5) ? 0.0 : g.getDouble(5), g.isNullAt(6) ? 0.0 : g.getDouble(6));
            if (f == 0) {
                trainRows += rows;
                n += s.n();
                total += s.sum();
                totalSquares += s.sumSquares();
            }
            Object key = modes[f] == RiskTable.Mode.CATEGORICAL ? g.get(1) : g.get(2);
            if (key == null) {
                nulls[f] = s;
                continue;
            }
            distinct[f]++;
            if (s.n() > 0) {
                categories.get(f).put(key, s);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has no labelled row (all null)");
        }
        List<Field> fields = new ArrayList<>(inputCols.length);
        for (int i = 0; i < inputCols.length; i++) {
            String skip = distinct[i] >= maxUniqueThreshold
                    ? distinct[i] + " distinct values, at or above maxUniqueThreshold " + maxUniqueThreshold : null;
            fields.add(new Field(inputCols[i], modes[i], distinct[i], skip, skip == null ? categories.get(i) : Map.of(), nulls[i]));
        }
        return new Fit(trainRows, new Sums(n, total, totalSquares), fields);
    }

    /** The struct {@code (f, s, d)} of one column's key: {@code s} a categorical key, {@code d} a numeric one. */
    private static Column pair(int f, RiskTable.Mode mode, Column key) {
        return struct(lit(f).as("f"), (mode == RiskTable.Mode.CATEGORICAL ? key : lit(null).cast(DataTypes.StringType)).as("s"),
                (mode == RiskTable.Mode.NUMERIC ? key : lit(null).cast(DataTypes.DoubleType)).as("d"));
    }

    /** The label as a double: null when missing (null, blank text) or not a finite number. */
    private static Column labelValue(Dataset<Row> df, String labelCol) {
        return when(missingLabel(df, labelCol).or(invalidLabel(df, labelCol)), lit(null).cast(DataTypes.DoubleType))
                .otherwise(parsedLabel(df, labelCol));
    }

    private static Column parsedLabel(Dataset<Row> df, String labelCol) {
        Column label = KeyColumns.quoted(labelCol);
        return df.schema().apply(labelCol).dataType() instanceof StringType
                ? SparkShims.get().tryCast(trim(label), DataTypes.DoubleType) : label.cast(DataTypes.DoubleType);
    }

    private static Column missingLabel(Dataset<Row> df, String labelCol) {
        Column label = KeyColumns.quoted(labelCol);
        return df.schema().apply(labelCol).dataType() instanceof StringType ? label.isNull().or(trim(label).equalTo("")) : label.isNull();
    }

    /** A label that is present but not a finite number. */
    private static Column invalidLabel(Dataset<Row> df, String labelCol) {
        Column value = parsedLabel(df, labelCol);
        return not(missingLabel(df, labelCol)).and(value.isNull().or(isnan(value))
                .or(value.equalTo(Double.POSITIVE_INFINITY)).or(value.equalTo(Double.NEGATIVE_INFINITY)));
    }

    /**
     * The tables of the mapped (not skipped) columns.
     *
     * @param smoothing    the smoothing mode and its settings
     * @param nullCategory the null rows are a category of their own (a null bin when there are labelled null rows)
     */
    public static RiskTableMap tables(Fit fit, Smoothing.Spec smoothing, boolean nullCategory) {
        double prior = fit.total().mean();
        double variance = fit.total().variance();
        List<RiskTable> tables = new ArrayList<>();
        for (Field f : fit.fields()) {
            if (f.skipReason() != null) {
                continue;
            }
            Map<Object, Double> bins = new LinkedHashMap<>();
            for (Map.Entry<Object, Sums> e : f.categories().entrySet()) {
                bins.put(e.getKey(), value(smoothing, e.getValue(), prior, variance, fit.total().n()));
            }
            Double nullBin = nullCategory && f.nulls().n() > 0 ? value(smoothing, f.nulls(), prior, variance, fit.total().n()) : null;
            tables.add(new RiskTable(f.column(), f.mode(), prior, bins, nullBin));
        }
        return new RiskTableMap(tables);
    }

    /**
     * Out-of-fold tables for encoding the fitted data itself, as {@link OutOfFold} gives for a
     * binary label: fold j's tables are {@link #tables} of the labelled rows outside fold j only,
     * with their own prior {@code p_j} (their mean), variance {@code v_j} and count {@code N_j},
     * each category valued from its {@code (n, sum(y), sum(y*y))} outside fold j. A category with no
     * labelled row outside fold j is absent (it gets {@code p_j}); so is the null bin. Which columns
     * are mapped, and their mode, come from {@code fit}. One more distributed aggregation over
     * {@code data}, keyed by fold ({@link OutOfFold#fold}: the integer {@code foldCol}, or a hash of
     * the row and {@code seed}); the sums outside a fold add up the other folds' sums.
     *
     * @param fit          the fit of {@code data} by {@link #aggregate}
     * @param foldCol      a column of fold numbers 0 .. k-1, or null for folds by the row hash
     * @param k            the number of folds, &ge; 2
     * @param nullCategory as for {@link #tables}
     * @return k table maps (index = fold), each with the columns of {@code tables(fit, ...)}
     * @throws IllegalArgumentException when a fold holds every labelled row (naming the fold)
     */
    public static List<RiskTableMap> outOfFold(Dataset<?> data, Fit fit, String labelCol, String foldCol, int k, long seed,
            Smoothing.Spec smoothing, boolean nullCategory) {
        Dataset<Row> df = data.toDF();
        List<Field> fields = fit.fields();
        List<Column> pairs = new ArrayList<>();
        pairs.add(pair(-1, RiskTable.Mode.CATEGORICAL, lit(null).cast(DataTypes.StringType)));
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.skipReason() == null) {
                pairs.add(pair(i, f.mode(), KeyColumns.key(KeyColumns.quoted(f.column()), df.schema().apply(f.column()).dataType(), f.mode())));
            }
        }
        List<Row> groups = df.select(OutOfFold.fold(df, foldCol, k, seed).as("fold"), labelValue(df, labelCol).as("y"),
                        explode(array(pairs.toArray(new Column[0]))).as("p"))
                .filter(col("y").isNotNull())
                .groupBy("fold", "p.f", "p.s", "p.d")
                .agg(count("y"), sum("y"), sum(col("y").multiply(col("y"))))
                .collectAsList();

        Sums[] totals = zeros(k);
        List<Map<Object, Sums[]>> categories = new ArrayList<>();
        Sums[][] nulls = new Sums[fields.size()][];
        for (int i = 0; i < fields.size(); i++) {
            categories.add(new TreeMap<>());
            nulls[i] = zeros(k);
        }
        for (Row g : groups) {
            int j = g.getInt(0);
            int f = g.getInt(1);
            Sums s = new Sums(g.getLong(4), g.getDouble(5), g.getDouble(6));
            if (f < 0) {
                totals[j] = s;
                continue;
            }
            Object key = fields.get(f).mode() == RiskTable.Mode.CATEGORICAL ? g.get(2) : g.get(3);
            if (key == null) {
                nulls[f][j] = s;
            } else {
                categories.get(f).computeIfAbsent(key, x -> zeros(k))[j] = s;
            }
        }
        Sums[] outside = others(totals);
        List<List<Field>> foldFields = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            if (outside[j].n() == 0) {
                throw new IllegalArgumentException("fold " + j + " holds every labelled row: out-of-fold tables need labelled rows in other folds");
            }
            foldFields.add(new ArrayList<>());
        }
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            List<Map<Object, Sums>> foldCategories = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                foldCategories.add(new TreeMap<>());
            }
            for (Map.Entry<Object, Sums[]> e : categories.get(i).entrySet()) {
                Sums[] rest = others(e.getValue());
                for (int j = 0; j < k; j++) {
                    if (rest[j].n() > 0) {
                        foldCategories.get(j).put(e.getKey(), rest[j]);
                    }
                }
            }
            Sums[] restNulls = others(nulls[i]);
            for (int j = 0; j < k; j++) {
                foldFields.get(j).add(new Field(f.column(), f.mode(), f.distinct(), f.skipReason(), foldCategories.get(j), restNulls[j]));
            }
        }
        List<RiskTableMap> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            out.add(tables(new Fit(fit.trainRows(), outside[j], foldFields.get(j)), smoothing, nullCategory));
        }
        return out;
    }

    private static Sums[] zeros(int k) {
        Sums[] a = new Sums[k];
        Arrays.fill(a, Sums.ZERO);
        return a;
    }

    /** For each fold j, the sums of all the other folds (sums before j plus sums after j: no subtraction). */
    static Sums[] others(Sums[] perFold) {
        int k = perFold.length;
        Sums[] after = new Sums[k + 1];
        after[k] = Sums.ZERO;
        for (int j = k - 1; j >= 0; j--) {
            after[j] = perFold[j].plus(after[j + 1]);
        }
        Sums[] out = new Sums[k];
        Sums before = Sums.ZERO;
        for (int j = 0; j < k; j++) {
            out[j] = before.plus(after[j + 1]);
            before = before.plus(perFold[j]);
        }
        return out;
    }

    /**
     * The smoothed mean of a category with labels {@code c} ({@code c.n() >= 1}): {@code prior} when
     * {@code n < countThreshold}; else {@code (n*mean_c + m*prior) / (n + m)} with
     * {@code m = floor(N * smoothFactor)} ({@code fraction}) or {@code m = smoothing} ({@code count});
     * or ({@code auto}) {@code lambda*mean_c + (1-lambda)*prior}, {@code lambda = n*v / (n*v + v_c)}
     * with the population variances {@code v} of all fit labels and {@code v_c} of the category's
     * ({@code prior} when both are 0).
     *
     * @param prior    mean of all fit labels
     * @param variance {@code v}
     * @param fitRows  {@code N}, the labelled rows
     */
    public static double value(Smoothing.Spec smoothing, Sums c, double prior, double variance, long fitRows) {
        long n = c.n();
        if (n < smoothing.countThreshold()) {
            return prior;
        }
        double mean = c.mean();
        return switch (smoothing.mode()) {
            case FRACTION -> blend(n, mean, prior, Math.floor(fitRows * smoothing.smoothFactor()));
            case COUNT -> blend(n, mean, prior, smoothing.smoothing());
            case AUTO -> {
                double lambda = variance * n / (variance * n + c.variance());
                yield Double.isNaN(lambda) ? prior : lambda * mean + (1 - lambda) * prior;
            }
        };
    }

    private static double blend(long n, double mean, double prior, double m) {
        return (n * mean + m * prior) / (n + m);
    }
}
