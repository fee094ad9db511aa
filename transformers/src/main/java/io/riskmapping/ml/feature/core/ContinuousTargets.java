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
 * count {@code n}, {@code sum(y)} and {@code sum(y*y)}.
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
        @SuppressWarnings("unchecked")
        Dataset<Row> df = (Dataset<Row>) data;
        DataType labelType = df.schema().apply(labelCol).dataType();
        Column label = KeyColumns.quoted(labelCol);
        Column value = labelType instanceof StringType ? SparkShims.get().tryCast(trim(label), DataTypes.DoubleType)
                : label.cast(DataTypes.DoubleType);
        Column missing = labelType instanceof StringType ? label.isNull().or(trim(label).equalTo("")) : label.isNull();
        Column invalid = not(missing).and(value.isNull().or(isnan(value))
                .or(value.equalTo(Double.POSITIVE_INFINITY)).or(value.equalTo(Double.NEGATIVE_INFINITY)));
        Column y = when(missing.or(invalid), lit(null).cast(DataTypes.DoubleType)).otherwise(value);

        RiskTable.Mode[] modes = new RiskTable.Mode[inputCols.length];
        Column[] pairs = new Column[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            DataType t = df.schema().apply(inputCols[i]).dataType();
            modes[i] = t instanceof NumericType ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL;
            Column key = KeyColumns.key(KeyColumns.quoted(inputCols[i]), t, modes[i]);
            pairs[i] = struct(lit(i).as("f"),
                    (modes[i] == RiskTable.Mode.CATEGORICAL ? key : lit(null).cast(DataTypes.StringType)).as("s"),
                    (modes[i] == RiskTable.Mode.NUMERIC ? key : lit(null).cast(DataTypes.DoubleType)).as("d"));
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
