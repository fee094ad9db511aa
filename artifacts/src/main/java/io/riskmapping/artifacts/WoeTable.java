package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The weight-of-evidence table of one field for one event class: category &rarr; WOE (natural
 * log of the category's event odds over the prior event odds) and its standard error. One entry
 * of {@code woe_table_map} (see {@code docs/woe.md}).
 *
 * <p>Keys follow {@link RiskTable}'s rules: text in categorical mode, numbers (by value) in numeric
 * mode. Nulls have their own learned bin ({@link #nullWoe()}, null when the fit saw no null);
 * categories merged into {@code __other__} appear with the other bin's WOE. A value with no bin
 * (unseen, or null without a null bin) scores 0: no evidence either way.
 */
public final class WoeTable implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String varName;
    private final RiskTable.Mode mode;
    private final String eventClass;
    private final double prior;
    private final Map<Object, Double> woe;
    private final Map<Object, Double> se;
    private final Double nullWoe;
    private final Double nullSe;

    /**
     * @param eventClass the label value that is the event ("1" for a binary label)
     * @param prior      the event rate of the fit rows, in (0, 1)
     * @param woe        category &rarr; WOE (finite)
     * @param se         category &rarr; standard error of the WOE (same keys)
     * @throws IllegalArgumentException for a key that does not fit the mode, different key sets, a
     *                                  prior outside (0, 1) or a non-finite value
     */
    public WoeTable(String varName, RiskTable.Mode mode, String eventClass, double prior, Map<?, Double> woe, Map<?, Double> se,
            Double nullWoe, Double nullSe) {
        this.varName = Objects.requireNonNull(varName, "varName");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.eventClass = Objects.requireNonNull(eventClass, "eventClass");
        if (!(prior > 0 && prior < 1)) {
            throw new IllegalArgumentException("field '" + varName + "': prior " + prior + " is not in (0, 1)");
        }
        this.prior = prior;
        // RiskTable does the key normalization and value checks.
        this.woe = Collections.unmodifiableMap(new LinkedHashMap<>(new RiskTable(varName, mode, 0.0, woe).bins()));
        this.se = Collections.unmodifiableMap(new LinkedHashMap<>(new RiskTable(varName, mode, 0.0, se).bins()));
        if (!this.woe.keySet().equals(this.se.keySet())) {
            throw new IllegalArgumentException("field '" + varName + "': woe and woe_se have different categories");
        }
        if ((nullWoe == null) != (nullSe == null) || (nullWoe != null && !(Double.isFinite(nullWoe) && Double.isFinite(nullSe)))) {
            throw new IllegalArgumentException("field '" + varName + "': null_woe and null_woe_se must both be finite numbers or both absent");
        }
        this.nullWoe = nullWoe;
        this.nullSe = nullSe;
    }

    public String varName() {
        return varName;
    }

    public RiskTable.Mode mode() {
        return mode;
    }

    public String eventClass() {
        return eventClass;
    }

    /** The event rate of the fit rows for this class. */
    public double prior() {
        return prior;
    }

    /** Category &rarr; WOE, sorted by key. */
    public Map<Object, Double> woe() {
        return woe;
    }

    /** Category &rarr; standard error of its WOE, sorted by key. */
    public Map<Object, Double> se() {
        return se;
    }

    /** The WOE of the null bin, or null when the fit saw no null. */
    public Double nullWoe() {
        return nullWoe;
    }

    public Double nullSe() {
        return nullSe;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WoeTable t && varName.equals(t.varName) && mode == t.mode && eventClass.equals(t.eventClass)
                && Double.compare(prior, t.prior) == 0 && woe.equals(t.woe) && se.equals(t.se)
                && Objects.equals(nullWoe, t.nullWoe) && Objects.equals(nullSe, t.nullSe);
    }

    @Override
    public int hashCode() {
        return Objects.hash(varName, mode, eventClass, prior, woe, se, nullWoe, nullSe);
    }

    @Override
    public String toString() {
        return "WoeTable(" + varName + ", class " + eventClass + ", " + woe.size() + " bins" + (nullWoe == null ? "" : " + null") + ")";
    }

}
