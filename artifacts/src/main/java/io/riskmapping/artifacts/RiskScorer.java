package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps one value of one field to its risk, exactly as the batch job does: the real-time side of
 * a {@link RiskTable}. Immutable and thread-safe; a lookup is one hash-map probe.
 *
 * <p>Categorical mode: {@code value.toString()} is the category (text compared exactly).
 * Numeric mode: {@link NumericKeys#of(Object)} (numbers by value, text parsed). Unseen categories
 * and non-numeric text in numeric mode give {@link RiskTable#defaultBin()}.
 *
 * <p>Missing values give {@link RiskTable#nullValue()}: the null category's value when the table
 * has one ({@code handleMissing = "category"}), else the default bin. Missing is: {@code null};
 * in numeric mode a NaN or infinite number (or number text that overflows to infinity); and,
 * when the table has a null category but no bin {@code ""}, the empty string, which is how a CSV
 * reader that keeps text as read hands over the empty field the batch job reads as null.
 */
public final class RiskScorer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RiskTable table;
    private final HashMap<Object, Double> lookup;

    public RiskScorer(RiskTable table) {
        this.table = table;
        this.lookup = new HashMap<>(table.bins());
    }

    /** The risk of {@code value} (see class comment); never NaN unless a bin is. */
    public double score(Object value) {
        if (value == null) {
            return table.nullValue();
        }
        Object key = table.mode() == RiskTable.Mode.NUMERIC ? NumericKeys.of(value) : value.toString();
        Double v = key == null ? null : lookup.get(key);
        if (v != null) {
            return v;
        }
        if (table.nullBin() != null && missing(value, key)) {
            return table.nullBin();
        }
        return table.defaultBin();
    }

    /** A non-null value without a bin that counts as missing (see the class comment). */
    private boolean missing(Object value, Object key) {
        if (value instanceof String s && s.isEmpty()) {
            return true;
        }
        return key == null && table.mode() == RiskTable.Mode.NUMERIC
                && (value instanceof Number || value instanceof String s && NumericKeys.isNumber(s));
    }

    public String field() {
        return table.varName();
    }

    public RiskTable table() {
        return table;
    }

    /** Bins as an unmodifiable map (for inspection). */
    public Map<Object, Double> bins() {
        return table.bins();
    }
}
