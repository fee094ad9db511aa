package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

import io.riskmapping.artifacts.MulticlassRiskTables;

/**
 * The counts of a multiclass label ({@code targetType = "multiclass"}), one-vs-rest: for each class
 * the {@link FitCounts} of the binary fit with that class as the event (1) and every other class
 * as the non-event (0), as scikit-learn's {@code TargetEncoder} does for multiclass targets.
 *
 * <p>One distributed aggregation counts (column, key, class) for all columns at once; the driver
 * then gives each class's counts to {@link RiskTableAggregation#summarize}, the binary fit's own
 * driver pass, so a class's counts (numeric mode of numeric text, the distinct count, grouping
 * into {@code __other__}) are exactly those of the binary fit of that class's indicator. Driver
 * memory: the distinct keys over all columns times the classes.
 */
public final class MulticlassTargets {

    /** More classes than this are refused: each class adds one output column per input column. */
    public static final int MAX_CLASSES = 1000;

    private MulticlassTargets() {
    }

    /**
     * The fit's per-class counts.
     *
     * @param classes  the classes in output order ({@link MulticlassRiskTables#sortedClasses})
     * @param perClass the counts with that class as the event, in the same order
     */
    public record Fit(List<String> classes, List<FitCounts> perClass) {
    }

    /**
     * A label as its class: the value as text (numbers as Spark casts them to text, {@code 2},
     * {@code 2.5}); null, NaN and blank text are unlabelled (null).
     */
    public static Column labelClass(Dataset<Row> df, String labelCol) {
        DataType t = df.schema().apply(labelCol).dataType();
        Column label = KeyColumns.quoted(labelCol);
        Column missing = t instanceof StringType ? label.isNull().or(trim(label).equalTo(""))
                : t instanceof DoubleType || t instanceof FloatType ? label.isNull().or(isnan(label)) : label.isNull();
        return when(missing, lit(null).cast(DataTypes.StringType)).otherwise(label.cast(DataTypes.StringType));
    }

    /**
     * Counts {@code data} in one aggregation.
     *
     * @param classes the classes in output order, or null to take the label's classes sorted
     * @throws IllegalArgumentException when no row is labelled, fewer than two classes occur,
     *         more than {@link #MAX_CLASSES}, or (with {@code classes}) a label outside them (naming it)
     */
    public static Fit aggregate(Dataset<?> data, String[] inputCols, String labelCol, List<String> classes, boolean parseNumericStrings,
            int maxUniqueThreshold, RiskTableAggregation.HighCardinality highCardinality, double smoothFactor) {
        Dataset<Row> df = data.toDF();
        boolean[] numericType = new boolean[inputCols.length];
        Column[] pairs = new Column[inputCols.length + 1];
        pairs[0] = struct(lit(-1).as("f"), lit(null).cast(DataTypes.StringType).as("s"), lit(null).cast(DataTypes.DoubleType).as("d"));
        for (int i = 0; i < inputCols.length; i++) {
            DataType t = df.schema().apply(inputCols[i]).dataType();
            Column c = KeyColumns.quoted(inputCols[i]);
            numericType[i] = t instanceof NumericType;
            pairs[i + 1] = struct(lit(i).as("f"),
                    (numericType[i] ? lit(null).cast(DataTypes.StringType) : c.cast(DataTypes.StringType)).as("s"),
                    (numericType[i] ? KeyColumns.numericKey(c, t) : lit(null).cast(DataTypes.DoubleType)).as("d"));
        }
        List<Row> groups = df.select(explode(array(pairs)).as("p"), labelClass(df, labelCol).as("y"))
                .groupBy(col("p.f"), col("p.s"), col("p.d"), col("y"))
                .agg(count(lit(1)))
                .collectAsList();

        // (f, s, d) -> rows of each class (null: unlabelled), in first-seen order
        Map<List<Object>, Map<String, Long>> byKey = new HashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Row g : groups) {
            List<Object> key = java.util.Arrays.asList(g.getInt(0), g.isNullAt(1) ? null : g.getString(1),
                    g.isNullAt(2) ? null : g.getDouble(2));
            String y = g.isNullAt(3) ? null : g.getString(3);
            byKey.computeIfAbsent(key, k -> new HashMap<>()).put(y, g.getLong(4));
            if (y != null) {
                seen.add(y);
            }
        }
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has no labelled row (every label is null or blank)");
        }
        List<String> order;
        if (classes != null) {
            for (String y : seen) {
                if (!classes.contains(y)) {
                    throw new IllegalArgumentException("label column '" + labelCol + "' holds '" + y + "', not one of the classes "
                            + classes);
                }
            }
            order = List.copyOf(classes);
        } else {
            order = MulticlassRiskTables.sortedClasses(seen);
        }
        if (order.size() < 2) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has one class only, " + order
                    + "; targetType 'multiclass' needs at least two");
        }
        if (order.size() > MAX_CLASSES) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has " + order.size() + " classes, more than "
                    + MAX_CLASSES + " (one output column per class and input column); is it a continuous label?");
        }
        List<FitCounts> perClass = new ArrayList<>(order.size());
        for (String cls : order) {
            perClass.add(RiskTableAggregation.summarize(indicatorRows(byKey, cls), inputCols, labelCol, () -> null, numericType,
                    parseNumericStrings, maxUniqueThreshold, highCardinality, smoothFactor, "Spark's rows"));
        }
        return new Fit(order, perClass);
    }

    /**
     * The summed rows ({@link PartialCounts#SCHEMA}'s columns f, s, d, n0, n1, rows, nbad) of the
     * binary fit of the indicator "label is {@code cls}": n1 the key's rows of that class, n0 its
     * other labelled rows, rows all its rows.
     */
    private static Iterator<Row> indicatorRows(Map<List<Object>, Map<String, Long>> byKey, String cls) {
        List<Row> rows = new ArrayList<>(byKey.size());
        for (Map.Entry<List<Object>, Map<String, Long>> e : byKey.entrySet()) {
            long labelled = 0;
            long all = 0;
            for (Map.Entry<String, Long> c : e.getValue().entrySet()) {
                all += c.getValue();
                labelled += c.getKey() == null ? 0 : c.getValue();
            }
            long events = Objects.requireNonNullElse(e.getValue().get(cls), 0L);
            List<Object> k = e.getKey();
            rows.add(RowFactory.create(k.get(0), k.get(1), k.get(2), labelled - events, events, all, 0L));
        }
        return rows.iterator();
    }
}
