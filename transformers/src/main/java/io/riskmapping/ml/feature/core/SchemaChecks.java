package io.riskmapping.ml.feature.core;

import java.util.HashSet;
import java.util.Set;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema steps shared by the stages' {@code validateAndTransformSchema} methods. */
public final class SchemaChecks {

    private SchemaChecks() {
    }

    /** @throws IllegalArgumentException naming the param and the column when a column is named twice */
    public static void requireDistinct(String[] cols, String param) {
        Set<String> seen = new HashSet<>();
        for (String c : cols) {
            if (!seen.add(c)) {
                throw new IllegalArgumentException(param + " names '" + c + "' twice");
            }
        }
    }

    /**
     * The schema with a double output column {@code out}: it may replace one of the input columns
     * (in place) but not another existing column.
     *
     * @throws IllegalArgumentException naming the column when it exists and is not an input
     */
    public static StructType putOutput(StructType schema, String out, String[] inputs) {
        if (java.util.Arrays.asList(schema.fieldNames()).contains(out) && !java.util.Arrays.asList(inputs).contains(out)) {
            throw new IllegalArgumentException("output column '" + out + "' already exists");
        }
        return put(schema, new StructField(out, org.apache.spark.sql.types.DataTypes.DoubleType, true,
                org.apache.spark.sql.types.Metadata.empty()));
    }

    /** The schema with {@code field} replacing the column of the same name where it is, or appended. */
    public static StructType put(StructType schema, StructField field) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(field.name())) {
                StructField[] fields = schema.fields().clone();
                fields[i] = field;
                return new StructType(fields);
            }
        }
        return schema.add(field);
    }
}
