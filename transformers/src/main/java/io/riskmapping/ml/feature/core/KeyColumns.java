package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

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
import io.riskmapping.ml.feature.compat.SparkShims;

/**
 * The columns every stage and fast path computes the same way: a column reference, the label as a
 * class, and a value as a lookup key (text, or a numeric key normalized as {@link NumericKeys}
 * does, the rule the real-time scorers share).
 */
public final class KeyColumns {

    /** Label classes: 0 and 1 are fitted, -1 is unlabelled (null or -1), 2 is invalid. */
    public static final int UNLABELLED = -1;
    public static final int INVALID = 2;

    private KeyColumns() {
    }

    /** A column reference that survives dots, spaces and backticks in the name. */
    public static Column quoted(String name) {
        return col("`" + name.replace("`", "``") + "`");
    }

    /**
     * The label as a class: 0 and 1 are fitted; null, blank text and -1 are unlabelled (-1); anything
     * else is invalid (2). Numbers, booleans and numeric text ("1", "1.0") are accepted.
     */
    public static Column labelClass(Dataset<Row> df, String labelCol) {
        DataType labelType = df.schema().apply(labelCol).dataType();
        Column label = quoted(labelCol);
        Column labelValue = labelType instanceof StringType ? SparkShims.get().tryCast(label, DataTypes.DoubleType) : label.cast(DataTypes.DoubleType);
        Column labelMissing = labelType instanceof StringType ? label.isNull().or(trim(label).equalTo("")) : label.isNull();
        return when(labelMissing, UNLABELLED)
                .when(labelValue.equalTo(1.0), 1)
                .when(labelValue.equalTo(0.0), 0)
                .when(labelValue.equalTo(-1.0), UNLABELLED)
                .otherwise(INVALID);
    }

    /** A label value's class, as {@link #labelClass} gives it for a number: 1 and 0 fitted, -1 unlabelled, anything else (NaN too) invalid. */
    public static int classOf(double v) {
        return v == 1.0 ? 1 : v == 0.0 ? 0 : v == -1.0 ? UNLABELLED : INVALID;
    }

    /** A numeric column as a numeric-mode key (see {@link #finiteKey}). */
    public static Column numericKey(Column c, DataType t) {
        Column d = c.cast(DataTypes.DoubleType);
        return t instanceof DoubleType || t instanceof FloatType ? finiteKey(d) : d.plus(0.0);
    }

    /**
     * A double as a numeric-mode key, as {@link NumericKeys#normalize(double)} does: NaN and
     * infinities are null (missing), -0.0 is 0.0.
     */
    public static Column finiteKey(Column d) {
        return when(isnan(d).or(d.equalTo(Double.POSITIVE_INFINITY)).or(d.equalTo(Double.NEGATIVE_INFINITY)),
                lit(null).cast(DataTypes.DoubleType)).otherwise(d.plus(0.0));
    }

    /**
     * The lookup key of a column for a table: text (categorical mode) or a normalized double
     * (numeric mode: NaN, infinities and non-numeric text are null), as the transforms compute it.
     */
    public static Column key(Column c, DataType type, RiskTable.Mode mode) {
        if (mode == RiskTable.Mode.CATEGORICAL) {
            return type instanceof StringType ? c : c.cast(DataTypes.StringType);
        }
        if (type instanceof NumericType) {
            return numericKey(c, type);
        }
        Column s = c.cast(DataTypes.StringType);
        return when(s.rlike(NumericKeys.NUMBER_REGEX), finiteKey(SparkShims.get().tryCast(s, DataTypes.DoubleType)));
    }

    /** A column as a double: numbers cast, NaN as null; text parsed by the {@link NumericKeys} rule, else null. */
    public static Column asNumber(Column c, DataType type) {
        if (type instanceof StringType) {
            return when(c.rlike(NumericKeys.NUMBER_REGEX), finiteKey(SparkShims.get().tryCast(c, DataTypes.DoubleType)));
        }
        return finiteKey(c.cast(DataTypes.DoubleType));
    }
}
