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

    /**
     * The schema with the double columns {@code names}: in place ({@code out} equals {@code in}) at
     * the input column's place, which they replace; else appended.
     *
     * @throws IllegalArgumentException naming the column when one exists and is not an input
     */
    public static StructType putOutputs(StructType schema, String in, String out, java.util.List<String> names, String[] inputs) {
        java.util.List<StructField> fields = new java.util.ArrayList<>();
        for (String n : names) {
            if (java.util.Arrays.asList(schema.fieldNames()).contains(n) && !java.util.Arrays.asList(inputs).contains(n)) {
                throw new IllegalArgumentException("output column '" + n + "' already exists");
            }
            fields.add(new StructField(n, org.apache.spark.sql.types.DataTypes.DoubleType, true,
                    org.apache.spark.sql.types.Metadata.empty()));
        }
        if (!out.equals(in)) {
            StructType result = schema;
            for (StructField f : fields) {
                result = put(result, f);
            }
            return result;
        }
        java.util.List<StructField> result = new java.util.ArrayList<>();
        for (StructField f : schema.fields()) {
            if (f.name().equals(in)) {
                result.addAll(fields);
            } else if (!names.contains(f.name())) {
                result.add(f);
            }
        }
        return new StructType(result.toArray(new StructField[0]));
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
