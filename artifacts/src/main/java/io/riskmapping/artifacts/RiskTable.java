package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.List;

/**
 * The risk table of one field: category &rarr; smoothed event rate, the default for unseen
 * categories, and for nulls either that default or, when the null is a category of its own
 * ({@code handleMissing = "category"}), its own value ({@link #nullBin()}). One entry of
 * {@code risk_table_map} (see {@code docs/artifacts.md}).
 *
 * <p>Keys are {@link String}s in {@link Mode#CATEGORICAL} mode and {@link Double}s in
 * {@link Mode#NUMERIC} mode (normalized by {@link NumericKeys#normalize(double)}). Bins are kept
 * sorted by key, so files written from equal tables are byte-identical.
 */
public final class RiskTable implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How category values are compared. */
    public enum Mode {
        /** Categories are text, compared exactly (no trimming, case-sensitive). */
        CATEGORICAL("categorical"),
        /** Categories are numbers, compared by value ({@code 1 == 1.0}). */
        NUMERIC("numeric");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** The name used in the artifacts: {@code "categorical"} or {@code "numeric"}. */
        public String label() {
            return label;
        }

        /**
         * The mode named {@code label}.
         *
         * @throws IllegalArgumentException for any other name
         */
        public static Mode fromLabel(String label) {
            for (Mode m : values()) {
                if (m.label.equals(label)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + label + "' (expected categorical or numeric)");
        }
    }

    private final String varName;
    private final Mode mode;
    private final double defaultBin;
    private final Map<Object, Double> bins;
    private final Double nullBin;

    /** A table whose nulls get {@code defaultBin} (no null category). */
    public RiskTable(String varName, Mode mode, double defaultBin, Map<?, Double> bins) {
        this(varName, mode, defaultBin, bins, null);
    }

    /**
     * @param varName    the field name (dotted form, as in {@code cat_field_list})
     * @param mode       how keys compare
     * @param defaultBin the value for nulls and unseen categories (the prior event rate)
     * @param bins       category &rarr; risk; String keys (categorical) or numeric keys (numeric)
     * @param nullBin    the value of nulls when they are a category of their own, or null: nulls get {@code defaultBin}
     * @throws IllegalArgumentException if a key does not fit the mode, two keys are the same number with different values, or a value is not finite
     */
    public RiskTable(String varName, Mode mode, double defaultBin, Map<?, Double> bins, Double nullBin) {
        this.varName = Objects.requireNonNull(varName, "varName");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (!Double.isFinite(defaultBin)) {
            throw new IllegalArgumentException("field '" + varName + "': default_bin " + defaultBin + " is not a finite number");
        }
        this.defaultBin = defaultBin;
        if (nullBin != null && !Double.isFinite(nullBin)) {
            throw new IllegalArgumentException("field '" + varName + "': null bin " + nullBin + " is not a finite number");
        }
        this.nullBin = nullBin;
        // Sorted as an array (TimSort: linear on the already sorted input a fit hands over), then
        // kept in that order; equal keys (numbers written two ways) must carry the same value.
        List<Bin> entries = new ArrayList<>(bins.size());
        for (Map.Entry<?, Double> e : bins.entrySet()) {
            Object key = normalizeKey(mode, e.getKey(), varName);
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("field '" + varName + "': bin '" + e.getKey() + "' has no finite value: " + e.getValue());
            }
            entries.add(new Bin(key, e.getValue(), e.getKey()));
        }
        entries.sort(RiskTable::compareKeys);
        LinkedHashMap<Object, Double> sorted = new LinkedHashMap<>(Math.max(16, (int) (entries.size() / 0.75f) + 1));
        Bin previous = null;
        for (Bin e : entries) {
            if (previous != null && compareKeys(previous, e) == 0) {
                if (!previous.value().equals(e.value())) {
                    throw new IllegalArgumentException("field '" + varName + "': key " + e.given() + " is the number " + e.key()
                            + " of another key, with another value (" + previous.value() + " vs " + e.value() + ")");
                }
                continue;
            }
            sorted.put(e.key(), e.value());
            previous = e;
        }
        this.bins = Collections.unmodifiableMap(sorted);
    }

    /** A bin while the table is built: its normalized key, value and key as given. */
    private record Bin(Object key, Double value, Object given) {
    }

    /** Natural order of normalized keys: all String (categorical) or all Double (numeric). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(Bin a, Bin b) {
        return ((Comparable) a.key()).compareTo(b.key());
    }

    private static Object normalizeKey(Mode mode, Object key, String varName) {
        if (mode == Mode.CATEGORICAL) {
            if (key instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("field '" + varName + "': categorical key " + key + " is not a string");
        }
        Double d = key instanceof Number n ? NumericKeys.normalize(n.doubleValue())
                : key instanceof String s ? NumericKeys.parse(s) : null;
        if (d == null) {
            throw new IllegalArgumentException("field '" + varName + "': numeric key '" + key + "' is not a number");
        }
        return d;
    }


    public String varName() {
        return varName;
    }

    public Mode mode() {
        return mode;
    }

    public double defaultBin() {
        return defaultBin;
    }

    /**
     * The value of the null category ({@code handleMissing = "category"} and null fit rows seen),
     * or null when nulls get {@link #defaultBin()}.
     */
    public Double nullBin() {
        return nullBin;
    }

    /** What a null maps to: {@link #nullBin()} when there is one, else {@link #defaultBin()}. */
    public double nullValue() {
        return nullBin != null ? nullBin : defaultBin;
    }

    /** Category &rarr; risk, sorted by key; String keys (categorical) or Double keys (numeric). */
    public Map<Object, Double> bins() {
        return bins;
    }

    /** True when every key is an integer (numeric mode): the pickle then has int keys. */
    public boolean hasIntegralKeys() {
        if (mode != Mode.NUMERIC) {
            return false;
        }
        for (Object k : bins.keySet()) {
            if (!NumericKeys.isIntegral((Double) k)) {
                return false;
            }
        }
        return true;
    }

    /** A copy under another field name (e.g. the physical column name of a dotted field). */
    public RiskTable withVarName(String name) {
        return new RiskTable(Objects.requireNonNull(name, "varName"), this);
    }

    /** The same (checked, sorted, unmodifiable) bins under another name: no re-sort. */
    private RiskTable(String varName, RiskTable same) {
        this.varName = varName;
        this.mode = same.mode;
        this.defaultBin = same.defaultBin;
        this.bins = same.bins;
        this.nullBin = same.nullBin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RiskTable t && varName.equals(t.varName) && mode == t.mode
                && Double.compare(defaultBin, t.defaultBin) == 0 && bins.equals(t.bins) && Objects.equals(nullBin, t.nullBin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(varName, mode, defaultBin, bins, nullBin);
    }

    @Override
    public String toString() {
        return "RiskTable(" + varName + ", " + mode.label() + ", default_bin=" + defaultBin + ", " + bins.size() + " bins"
                + (nullBin == null ? "" : ", null_bin=" + nullBin) + ")";
    }
}
