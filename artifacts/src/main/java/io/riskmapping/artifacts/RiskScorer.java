package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps one value of one field to its risk, exactly as the batch job does: the real-time side of
 * a {@link RiskTable}. Immutable and thread-safe; a lookup is one hash-map probe.
 *
 * <p>Categorical mode: {@code value.toString()} is the category (text compared exactly).
 * Numeric mode: {@link NumericKeys#of(Object)} (numbers by value, text parsed). Null, NaN,
 * non-numeric text in numeric mode, and unseen categories give {@link RiskTable#defaultBin()}.
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
            return table.defaultBin();
        }
        Object key = table.mode() == RiskTable.Mode.NUMERIC ? NumericKeys.of(value) : value.toString();
        Double v = key == null ? null : lookup.get(key);
        return v == null ? table.defaultBin() : v;
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
