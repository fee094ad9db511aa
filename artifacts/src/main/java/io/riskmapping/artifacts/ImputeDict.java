package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code impute_dict} artifact: column name &rarr; the value that replaces a missing value of
 * that column (a mean, median or mode computed at training time). Immutable and serializable.
 * Files: {@link ImputeDictCodec}; scoring: {@link ImputeScorer}; format: {@code docs/scorers.md}.
 *
 * <p>Columns keep the order they were given in (the order of the Python dict, of the JSON object),
 * and that order is written back, so a dict read from a file writes the same bytes. Every value is
 * a finite double.
 *
 * <p>Equality: two dicts are equal when they hold the same columns <em>in the same order</em>
 * with bit-identical values ({@link Double#equals}, so {@code 0.0} and {@code -0.0} differ). Equal
 * dicts therefore always give byte-identical files.
 */
public final class ImputeDict implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The version written into {@code impute_dict.json}; readers refuse newer versions. */
    public static final int FORMAT_VERSION = 1;

    private final Map<String, Double> values;

    /**
     * @param values column &rarr; impute value, in the order to keep (copied)
     * @throws NullPointerException     if {@code values}, a column name or a value is null
     * @throws IllegalArgumentException naming the column if a value is NaN or infinite
     */
    public ImputeDict(Map<String, Double> values) {
        LinkedHashMap<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : Objects.requireNonNull(values, "values").entrySet()) {
            String column = Objects.requireNonNull(e.getKey(), "column name");
            Double v = Objects.requireNonNull(e.getValue(), () -> "impute value of column '" + column + "'");
            copy.put(column, checkFinite(column, v));
        }
        this.values = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns {@code value} when it is finite.
     *
     * @throws IllegalArgumentException naming the column when it is NaN or infinite
     */
    static double checkFinite(String column, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("column '" + column + "': impute value must be a finite number, got " + value);
        }
        return value;
    }

    /** The impute value of {@code column}, or {@code null} when the dict has no such column. */
    public Double get(String column) {
        return values.get(column);
    }

    /** True when the dict has an impute value for {@code column}. */
    public boolean contains(String column) {
        return values.containsKey(column);
    }

    /** The column names, in order. */
    public List<String> columns() {
        return Collections.unmodifiableList(new ArrayList<>(values.keySet()));
    }

    /** Column &rarr; impute value, in order (unmodifiable). */
    public Map<String, Double> values() {
        return values;
    }

    public int size() {
        return values.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImputeDict d && new ArrayList<>(values.entrySet()).equals(new ArrayList<>(d.values.entrySet()));
    }

    @Override
    public int hashCode() {
        return new ArrayList<>(values.entrySet()).hashCode();
    }

    @Override
    public String toString() {
        return "ImputeDict" + values;
    }
}
