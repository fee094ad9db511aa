package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.HashMap;

/**
 * Maps one value of one field to its weight of evidence for one event class, exactly as the batch
 * {@code WoeEncoderModel} does: keys as in {@link RiskScorer} (text exactly, or numbers by value);
 * null gets the null bin's WOE; a value with no bin gets 0. Immutable and thread-safe.
 */
public final class WoeScorer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final WoeTable table;
    private final HashMap<Object, Double> woe;

    public WoeScorer(WoeTable table) {
        this.table = table;
        this.woe = new HashMap<>(table.woe());
    }

    /** The WOE of {@code value}: its bin's, the null bin's for null (or NaN in numeric mode), else 0. */
    public double score(Object value) {
        Object key = value == null ? null : table.mode() == RiskTable.Mode.NUMERIC ? NumericKeys.of(value) : value.toString();
        if (key == null) {
            boolean missing = value == null || table.mode() == RiskTable.Mode.NUMERIC && value instanceof Number;
            return missing && table.nullWoe() != null ? table.nullWoe() : 0.0;
        }
        Double v = woe.get(key);
        return v == null ? 0.0 : v;
    }

    public WoeTable table() {
        return table;
    }
}
