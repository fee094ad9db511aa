package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;

/**
 * The fit pass: one distributed aggregation that counts (column, category, label) for every input
 * column at once, in a single scan of the data.
 *
 * <p>Each row is unpivoted ({@code inline} of an array of structs) into one row per input column
 * plus one label row, then grouped by (column, category) with partial aggregation before the
 * shuffle. Over that small result, windows per column decide numeric mode for numeric text
 * ({@code parseNumericStrings}), merge "1"/"1.0" into one numeric category, count distinct values
 * and drop the categories of columns that reach {@code maxUniqueThreshold}. Only what the tables
 * need reaches the driver: at most {@code maxUniqueThreshold} rows per column.
 */
final class RiskTableAggregation {

    /** Label classes: 0 and 1 are fitted, -1 is unlabelled (null or -1), 2 is invalid. */
    static final int UNLABELLED = -1;
    static final int INVALID = 2;

    private RiskTableAggregation() {
    }

    static FitStatistics run(Dataset<?> data, String[] inputCols, String labelCol, boolean parseNumericStrings,
            int maxUniqueThreshold, double smoothFactor) {
        Dataset<Row> df = data.toDF();
        Column label = quoted(labelCol);
        Column y = labelClass(df, labelCol);
        Column invalidText = when(y.equalTo(INVALID), label.cast(DataTypes.StringType));

        // One struct per input column (f = index, s = text category, d = numeric category), plus f = -1 for the label.
        List<Column> structs = new ArrayList<>();
        structs.add(struct(lit(-1).as("f"), lit(null).cast(DataTypes.StringType).as("s"), lit(null).cast(DataTypes.DoubleType).as("d")));
        boolean[] numericType = new boolean[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            DataType t = df.schema().apply(inputCols[i]).dataType();
            Column c = quoted(inputCols[i]);
            numericType[i] = t instanceof NumericType;
            Column s = numericType[i] ? lit(null).cast(DataTypes.StringType) : c.cast(DataTypes.StringType);
            Column d = numericType[i] ? numericKey(c, t) : lit(null).cast(DataTypes.DoubleType);
            structs.add(struct(lit(i).as("f"), s.as("s"), d.as("d")));
        }
        Dataset<Row> stacked = df.select(y.as("y"), invalidText.as("bad"), inline(array(structs.toArray(new Column[0]))));

        Dataset<Row> byCategory = stacked.groupBy("f", "s", "d").agg(
                count_if(col("y").equalTo(0)).as("n0"),
                count_if(col("y").equalTo(1)).as("n1"),
                count(lit(1)).as("rows"),
                count_if(col("y").equalTo(INVALID)).as("nbad"),
                min("bad").as("bad"));

        WindowSpec perField = Window.partitionBy("f");
        Column nonNull = col("s").isNotNull().or(col("d").isNotNull());
        Column allNumeric = min(when(nonNull, col("d").isNotNull().or(col("s").rlike(NumericKeys.NUMBER_REGEX)))).over(perField);
        Column numericText = lit(parseNumericStrings).and(col("all_numeric"));
        Column parsed = when(numericText, finiteKey(col("s").try_cast(DataTypes.DoubleType)));
        Dataset<Row> keyed = byCategory
                .withColumn("all_numeric", coalesce(allNumeric, lit(false)))
                .withColumn("kd", coalesce(col("d"), parsed))
                .withColumn("ks", when(numericText, lit(null).cast(DataTypes.StringType)).otherwise(col("s")))
                .groupBy("f", "all_numeric", "ks", "kd").agg(
                        sum("n0").as("n0"), sum("n1").as("n1"), sum("rows").as("rows"),
                        sum("nbad").as("nbad"), min("bad").as("bad"));
        Column keyNonNull = col("ks").isNotNull().or(col("kd").isNotNull());
        Dataset<Row> result = keyed
                .withColumn("distinct", count(when(keyNonNull, lit(1))).over(perField))
                .withColumn("rn", row_number().over(perField.orderBy(col("ks").asc_nulls_first(), col("kd").asc_nulls_first())))
                .filter(col("distinct").lt(maxUniqueThreshold).or(col("rn").equalTo(1)).or(functions.not(keyNonNull)));

        List<Row> rows = result.select("f", "all_numeric", "ks", "kd", "n0", "n1", "rows", "nbad", "bad", "distinct").collectAsList();
        return summarize(rows, inputCols, labelCol, numericType, parseNumericStrings, maxUniqueThreshold, smoothFactor);
    }

    /**
     * The label as a class: 0 and 1 are fitted; null, blank text and -1 are unlabelled (-1); anything
     * else is invalid (2). Numbers, booleans and numeric text ("1", "1.0") are accepted.
     */
    static Column labelClass(Dataset<Row> df, String labelCol) {
        DataType labelType = df.schema().apply(labelCol).dataType();
        Column label = quoted(labelCol);
        Column labelValue = labelType instanceof StringType ? label.try_cast(DataTypes.DoubleType) : label.cast(DataTypes.DoubleType);
        Column labelMissing = labelType instanceof StringType ? label.isNull().or(trim(label).equalTo("")) : label.isNull();
        return when(labelMissing, UNLABELLED)
                .when(labelValue.equalTo(1.0), 1)
                .when(labelValue.equalTo(0.0), 0)
                .when(labelValue.equalTo(-1.0), UNLABELLED)
                .otherwise(INVALID);
    }

    /** A numeric column as a numeric-mode key (see {@link #finiteKey}). */
    static Column numericKey(Column c, DataType t) {
        Column d = c.cast(DataTypes.DoubleType);
        return t instanceof DoubleType || t instanceof FloatType ? finiteKey(d) : d.plus(0.0);
    }

    /**
     * A double as a numeric-mode key, as {@link NumericKeys#normalize(double)} does: NaN and
     * infinities are null (missing), -0.0 is 0.0.
     */
    static Column finiteKey(Column d) {
        return when(isnan(d).or(d.equalTo(Double.POSITIVE_INFINITY)).or(d.equalTo(Double.NEGATIVE_INFINITY)),
                lit(null).cast(DataTypes.DoubleType)).otherwise(d.plus(0.0));
    }

    /** A column reference that survives dots, spaces and backticks in the name. */
    static Column quoted(String name) {
        return col("`" + name.replace("`", "``") + "`");
    }

    private static FitStatistics summarize(List<Row> rows, String[] inputCols, String labelCol, boolean[] numericType,
            boolean parseNumericStrings, int maxUniqueThreshold, double smoothFactor) {
        long trainRows = 0;
        long n0 = 0;
        long n1 = 0;
        long nBad = 0;
        String badExample = null;
        List<Map<Object, long[]>> counts = new ArrayList<>();
        long[] distinct = new long[inputCols.length];
        long[] nulls = new long[inputCols.length];
        long[][] nullCounts = new long[inputCols.length][2];
        boolean[] allNumeric = new boolean[inputCols.length];
        for (int i = 0; i < inputCols.length; i++) {
            counts.add(new TreeMap<>());
        }
        for (Row r : rows) {
            int f = r.getInt(0);
            if (f < 0) {
                n0 = r.getLong(4);
                n1 = r.getLong(5);
                trainRows = r.getLong(6);
                nBad = r.getLong(7);
                badExample = r.getString(8);
                continue;
            }
            distinct[f] = r.getLong(9);
            allNumeric[f] = r.getBoolean(1);
            Object key = !r.isNullAt(3) ? (Object) r.getDouble(3) : r.isNullAt(2) ? null : r.getString(2);
            if (key == null) {
                nulls[f] = r.getLong(6);
                nullCounts[f] = new long[] {r.getLong(4) + r.getLong(5), r.getLong(5)};
            } else if (distinct[f] < maxUniqueThreshold) {
                long n = r.getLong(4) + r.getLong(5);
                if (n > 0) {
                    counts.get(f).put(key, new long[] {n, r.getLong(5)});
                }
            }
        }
        if (nBad > 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has " + nBad
                    + " value(s) outside {0, 1, -1, null}, e.g. '" + badExample + "'");
        }
        long fitRows = n0 + n1;
        if (fitRows == 0) {
            throw new IllegalArgumentException("label column '" + labelCol + "' has no labelled rows (0 or 1) among "
                    + trainRows + " rows: every label is null or -1");
        }
        double prior = (double) n1 / fitRows;
        long smoothSamples = (long) Math.floor(fitRows * smoothFactor);
        List<FieldStatistics> fields = new ArrayList<>();
        for (int i = 0; i < inputCols.length; i++) {
            RiskTable.Mode mode = numericType[i] || (parseNumericStrings && allNumeric[i] && distinct[i] > 0)
                    ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL;
            String skip = distinct[i] >= maxUniqueThreshold
                    ? distinct[i] + " distinct values, not below maxUniqueThreshold " + maxUniqueThreshold : null;
            fields.add(new FieldStatistics(inputCols[i], mode, distinct[i], nulls[i], skip,
                    skip == null ? counts.get(i) : Map.of(), nullCounts[i]));
        }
        return new FitStatistics(trainRows, fitRows, n1, prior, smoothSamples, fields);
    }
}
