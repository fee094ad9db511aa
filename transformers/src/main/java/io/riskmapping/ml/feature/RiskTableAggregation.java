package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.core.CountMerge;
import io.riskmapping.ml.feature.core.KeyColumns;
import io.riskmapping.ml.feature.core.PartialCounts;

/**
 * The fit pass: one distributed aggregation that counts (column, category, label) for every input
 * column at once, in a single scan of the data.
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
final class RiskTableAggregation {

    private RiskTableAggregation() {
    }

    static FitStatistics run(Dataset<?> data, String[] inputCols, String labelCol, boolean parseNumericStrings,
            int maxUniqueThreshold, double smoothFactor) {
        Dataset<Row> df = data.toDF();
        Column label = KeyColumns.quoted(labelCol);
        Column y = KeyColumns.labelClass(df, labelCol);

        // The label class and one key per input column: text (s) or, for numeric columns, a numeric key (d).
        List<Column> keyed = new ArrayList<>();
        keyed.add(y.as("y"));
        boolean[] numericType = new boolean[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            DataType t = df.schema().apply(inputCols[i]).dataType();
            Column c = KeyColumns.quoted(inputCols[i]);
            numericType[i] = t instanceof NumericType;
            keyed.add((numericType[i] ? KeyColumns.numericKey(c, t) : c.cast(DataTypes.StringType)).as("k" + i));
        }
        // Partial counts per partition, from a Parquet scan's column batches when it can (ColumnarCounts),
        // from a CSV scan's records (CsvCounts), else from Spark's rows (PartialCounts); then one hash
        // aggregation of the partials.
        ColumnarCounts.Plan columnar = ColumnarCounts.plan(df, labelCol, inputCols);
        JavaRDD<Row> partials = columnar != null ? columnar.partials(-1) : CsvCounts.partials(df, labelCol, inputCols, -1);
        if (partials == null) {
            partials = df.select(keyed.toArray(new Column[0])).queryExecution().toRdd().toJavaRDD().mapPartitions(new PartialCounts(numericType));
        }
        Iterator<Row> rows;
        if (Boolean.parseBoolean(df.sparkSession().conf().get(CountMerge.ENABLED, "true"))) {
            // One shuffle of compact buffers, summed in the map side's own tables, one collect (CountMerge).
            rows = CountMerge.merged(partials, partials.context().defaultParallelism());
        } else {
            Dataset<Row> byCategory = df.sparkSession().createDataFrame(partials, PartialCounts.SCHEMA).groupBy("f", "s", "d").agg(
                    sum("n0").as("n0"), sum("n1").as("n1"), sum("rows").as("rows"), sum("nbad").as("nbad"));
            // The grouped result streams to the driver one partition at a time: driver memory holds the
            // per-column key maps, not every collected row at once.
            rows = byCategory.select("f", "s", "d", "n0", "n1", "rows", "nbad").toLocalIterator();
        }
        // An invalid label's text is fetched only when there is one: a string min() in the aggregation
        // above would turn Spark's hash aggregation into a sort-based one (measured 3x slower).
        Supplier<String> invalidExample = () -> df.filter(y.equalTo(KeyColumns.INVALID)).select(label.cast(DataTypes.StringType))
                .limit(1).collectAsList().get(0).getString(0);
        return summarize(rows, inputCols, labelCol, invalidExample, numericType, parseNumericStrings, maxUniqueThreshold, smoothFactor);
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
     */
    private static FitStatistics summarize(Iterator<Row> rows, String[] inputCols, String labelCol, Supplier<String> invalidExample,
            boolean[] numericType, boolean parseNumericStrings, int maxUniqueThreshold, double smoothFactor) {
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
        List<FieldStatistics> fields = new ArrayList<>();
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
            String skip = distinct >= maxUniqueThreshold
                    ? distinct + " distinct values, not below maxUniqueThreshold " + maxUniqueThreshold : null;
            Map<Object, long[]> counts = skip == null ? sortedFitted(byKey) : Map.of();
            fields.add(new FieldStatistics(inputCols[i], mode, distinct, nulls[i], skip, counts, nullCounts[i]));
        }
        return new FitStatistics(trainRows, fitRows, n1, prior, smoothSamples, fields);
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
