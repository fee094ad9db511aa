package io.riskmapping.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Column names in files versus field names in hyperparameters and artifacts: a header (or Parquet
 * field) {@code a__DOT__b} is the field {@code a.b}. Files keep their own names; field lists and
 * the artifacts use the dotted names.
 */
public final class ColumnNames {

    /** The marker standing for a dot in file column names. */
    public static final String DOT = "__DOT__";

    private final Map<String, String> physicalByField = new LinkedHashMap<>();

    /**
     * @param columns the columns of a data set, as in the files
     * @throws JobException (invalid) when two columns stand for the same field
     */
    public ColumnNames(String[] columns) {
        for (String c : columns) {
            String prev = physicalByField.put(field(c), c);
            if (prev != null) {
                throw JobException.invalid("columns '" + prev + "' and '" + c + "' both stand for field '" + field(c) + "'");
            }
        }
    }

    /** The field name of a file column: {@code __DOT__} replaced by a dot. */
    public static String field(String column) {
        return column.replace(DOT, ".");
    }

    /** The file column of a field, or null when there is none. */
    public String column(String field) {
        return physicalByField.get(field);
    }

    /**
     * The file column of a field that must be there.
     *
     * @param what what the field is, for the message ("field", "label column", "imputed field", ...)
     * @throws JobException (invalid) naming the field, the split and its first shard when there is no such column
     */
    String require(String field, Split split, String what) {
        String c = column(field);
        if (c == null) {
            throw JobException.invalid(what + " '" + field + "' not found in " + split.name() + " ("
                    + split.shards().get(0).path() + ")");
        }
        return c;
    }
}
