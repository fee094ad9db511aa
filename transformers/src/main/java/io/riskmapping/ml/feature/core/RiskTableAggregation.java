package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;

/**
 * The fit pass: one distributed aggregation that counts (column, category, label) for every input
 * column at once, in a single scan of the data (its source, Spark's rows or a fast path, is chosen by
 * {@code exec.CountSources}), and the driver's pass over its sums.
 *
 * <p>Each partition counts its rows in one table per input column ({@link PartialCounts}), and
 * the partial counts are summed by (column, category) in one shuffle ({@link CountMerge}; or
 * Spark SQL's hash aggregation when {@code spark.riskmapping.countMerge} is false): one scan and
 * one shuffle, whatever the number of columns. The sums (one row per distinct category) come to
 * the driver in one collect of compact buffers, read a buffer at a time, and the driver finishes
 * in one pass over them: numeric mode for numeric text ({@code parseNumericStrings}), the merge of "1"/"1.0" into one
 * numeric key, distinct counts against {@code maxUniqueThreshold}, and the (fit rows, events) of
 * each key. Driver memory is therefore proportional to the number of distinct categories over all
 * columns (see docs/performance.md for the measured figure).
 */
public final class RiskTableAggregation {

    /** The category that a grouped column's rarer categories form. */
    public static final String OTHER = "__other__";

    /** What the fit does with a column of {@code maxUniqueThreshold} or more distinct values (the stages' {@code highCardinality}). */
    public enum HighCardinality {
        /** Not encoded, with a skip reason. */
        SKIP,
        /** The {@code maxUniqueThreshold - 1} categories with the most fit rows kept, the rest summed into {@link #OTHER} (categorical keys). */
        GROUP,
        /** {@link IllegalArgumentException}, naming the column. */
        ERROR;

        /** The value of a stage's {@code highCardinality} param ("skip", "group", "error"). */
        public static HighCardinality fromLabel(String label) {
            return valueOf(label.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private RiskTableAggregation() {
    }

    /**
     * The partial counts summed by (column, key): in one shuffle of compact buffers, summed in the map
     * side's own tables, and one collect ({@link CountMerge}); or, with
     * {@code spark.riskmapping.countMerge=false}, Spark SQL's hash aggregation, streamed to the driver
     * one partition at a time (driver memory holds the per-column key maps, not every collected row at once).
     *
     * @param partials rows of {@link PartialCounts#SCHEMA}, from any of the fit's count sources
     */
    public static Iterator<Row> sums(SparkSession spark, JavaRDD<Row> partials) {
        if (Boolean.parseBoolean(spark.conf().get(CountMerge.ENABLED, "true"))) {
            return CountMerge.merged(partials, partials.context().defaultParallelism());
        }
        Dataset<Row> byCategory = spark.createDataFrame(partials, PartialCounts.SCHEMA).groupBy("f", "s", "d").agg(
                sum("n0").as("n0"), sum("n1").as("n1"), sum("rows").as("rows"), sum("nbad").as("nbad"));
        return byCategory.select("f", "s", "d", "n0", "n1", "rows", "nbad").toLocalIterator();
    }

    /** Columns of a collected row: field index, text, number, n0, n1, rows, invalid labels. */
    private static final int F = 0;
    private static final int S = 1;
    private static final int D = 2;
    private static final int N0 = 3;
    private static final int N1 = 4;
    private static final int ROWS = 5;
    private static final int NBAD = 6;

    /**
     * The driver side of the fit, one pass over the grouped rows: per column, the (fit rows n,
     * events k) of each key and of the null rows, and whether every text value is a decimal number
     * ({@link NumericKeys#isNumber}). Then per column: numeric mode for numeric text
     * ({@code parseNumericStrings}), whose keys merge by value ("1", "1.0") through
     * {@link NumericKeys#parse}, the same function the real-time scorers use; the distinct count
     * against {@code maxUniqueThreshold}.
     *
     * @param numericType per input column, whether its keys are numbers (a numeric column)
     * @param invalidExample an invalid label's text, fetched only when there is one
     * @throws IllegalArgumentException for a label outside {0, 1, -1, null} (naming one) or no labelled row
     */
    public static FitCounts summarize(Iterator<Row> rows, String[] inputCols, String labelCol, Supplier<String> invalidExample,
            boolean[] numericType, boolean parseNumericStrings, int maxUniqueThreshold, HighCardinality highCardinality,
            double smoothFactor, String countSource) {
        int m = inputCols.length;
        long trainRows = 0;
        long n0 = 0;
        long n1 = 0;
        long nBad = 0;
        boolean[] numericText = new boolean[m];
        java.util.Arrays.fill(numericText, parseNumericStrings);
        List<Map<Object, long[]>> keys = new ArrayList<>(); // key -> {fit rows n, events k, rows}
        long[] nulls = new long[m];
        long[][] nullCounts = new long[m][2];
        for (int i = 0; i < m; i++) {
            keys.add(new HashMap<>());
        }
        while (rows.hasNext()) {
            Row r = rows.next();
            int f = r.getInt(F);
            if (f < 0) {
                n0 = r.getLong(N0);
                n1 = r.getLong(N1);
                trainRows = r.getLong(ROWS);
                nBad = r.getLong(NBAD);
                continue;
            }
            Object key = !r.isNullAt(D) ? (Object) r.getDouble(D) : r.isNullAt(S) ? null : r.getString(S);
            long n = r.getLong(N0) + r.getLong(N1);
            long k = r.getLong(N1);
            if (key == null) {
                nulls[f] += r.getLong(ROWS);
                nullCounts[f][0] += n;
                nullCounts[f][1] += k;
                continue;
            }
            if (numericText[f] && key instanceof String text && !NumericKeys.isNumber(text)) {
                numericText[f] = false;
            }
            keys.get(f).put(key, new long[] {n, k, r.getLong(ROWS)});
        }
        if (nBad > 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has " + nBad
                    + " value(s) outside {0, 1, -1, null}, e.g. '" + invalidExample.get() + "'");
        }
        long fitRows = n0 + n1;
        if (fitRows == 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has no labelled rows (0 or 1) among "
                    + trainRows + " rows: every label is null or -1");
        }
        double prior = (double) n1 / fitRows;
        long smoothSamples = (long) Math.floor(fitRows * smoothFactor);
        List<FitCounts.Field> fields = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            Map<Object, long[]> byKey = keys.get(i);
            keys.set(i, null);
            boolean asNumbers = numericText[i] && !numericType[i] && !byKey.isEmpty();
            if (asNumbers) {
                // Text that overflows to infinity (1e999) is missing, as NumericKeys.normalize says.
                Map<Object, long[]> merged = new HashMap<>();
                for (Map.Entry<Object, long[]> e : byKey.entrySet()) {
                    Double value = NumericKeys.parse((String) e.getKey());
                    long[] c = e.getValue();
                    if (value == null) {
                        nullCounts[i][0] += c[0];
                        nullCounts[i][1] += c[1];
                        nulls[i] += c[2];
                    } else {
                        long[] sum = merged.computeIfAbsent(value, x -> new long[3]);
                        sum[0] += c[0];
                        sum[1] += c[1];
                        sum[2] += c[2];
                    }
                }
                byKey = merged;
            }
            long distinct = byKey.size();
            RiskTable.Mode mode = numericType[i] || (asNumbers && distinct > 0) ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL;
            boolean high = distinct >= maxUniqueThreshold;
            String skip = null;
            Map<Object, long[]> counts;
            if (high && highCardinality == HighCardinality.ERROR) {
                throw new IllegalArgumentException("column '" + inputCols[i] + "' has " + distinct
                        + " distinct values, not below maxUniqueThreshold " + maxUniqueThreshold
                        + " (highCardinality 'error'; 'group' keeps the most frequent and groups the rest)");
            } else if (high && highCardinality == HighCardinality.GROUP && mode == RiskTable.Mode.CATEGORICAL) {
                counts = grouped(sortedFitted(byKey), maxUniqueThreshold - 1);
            } else if (high) {
                skip = distinct + " distinct values, not below maxUniqueThreshold " + maxUniqueThreshold
                        + (highCardinality == HighCardinality.GROUP ? " (numeric keys are not grouped)" : "");
                counts = Map.of();
            } else {
                counts = sortedFitted(byKey);
            }
            fields.add(new FitCounts.Field(inputCols[i], mode, distinct, nulls[i], skip, counts, nullCounts[i]));
        }
        return new FitCounts(trainRows, fitRows, n1, prior, smoothSamples, fields, countSource);
    }

    /**
     * The {@code keep} keys with the most fit rows (ties: the first in {@code sorted}'s key order),
     * in key order, then {@link #OTHER} with the sums of all the others (when there are others).
     */
    static Map<Object, long[]> grouped(Map<Object, long[]> sorted, int keep) {
        List<Map.Entry<Object, long[]>> byRows = new ArrayList<>(sorted.entrySet());
        byRows.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])); // stable: ties stay in key order
        java.util.Set<Object> kept = new java.util.HashSet<>();
        for (int j = 0; j < Math.min(keep, byRows.size()); j++) {
            kept.add(byRows.get(j).getKey());
        }
        Map<Object, long[]> out = new LinkedHashMap<>();
        long[] other = new long[3];
        for (Map.Entry<Object, long[]> e : sorted.entrySet()) {
            if (kept.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            } else {
                for (int c = 0; c < 3; c++) {
                    other[c] += e.getValue()[c];
                }
            }
        }
        if (other[0] > 0) {
            out.put(OTHER, other);
        }
        return out;
    }

    /** The keys with fit rows, in key order (an array sort: faster than a TreeMap for large tables). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Map<Object, long[]> sortedFitted(Map<Object, long[]> byKey) {
        List<Map.Entry<Object, long[]>> fitted = new ArrayList<>(byKey.size());
        for (Map.Entry<Object, long[]> e : byKey.entrySet()) {
            if (e.getValue()[0] > 0) {
                fitted.add(e);
            }
        }
        fitted.sort((a, b) -> ((Comparable) a.getKey()).compareTo(b.getKey()));
        Map<Object, long[]> sorted = new LinkedHashMap<>(Math.max(16, (int) (fitted.size() / 0.75f) + 1));
        fitted.forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
