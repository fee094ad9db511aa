package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code risk_table_map} artifact of a multiclass label ({@code target_type: multiclass}):
 * one-vs-rest, one {@link RiskTableMap} per class, each the binary risk tables with that class as
 * the event. Every class maps the same fields in the same modes. A mapped field {@code f} gives
 * one output column per class, {@link #outputName(String, String) f_<class>}, in class order.
 * Format: {@code docs/artifacts.md}, "Multiclass targets".
 */
public final class MulticlassRiskTables implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> classes;
    private final Map<String, RiskTableMap> byClass;

    /**
     * @param classes  the label's classes in output order (see {@link #sortedClasses})
     * @param perClass one table map per class, in the same order
     * @throws IllegalArgumentException when the sizes differ, a class repeats, there are fewer
     *         than two classes, or the maps do not hold the same fields in the same modes
     */
    public MulticlassRiskTables(List<String> classes, List<RiskTableMap> perClass) {
        if (classes.size() != perClass.size()) {
            throw new IllegalArgumentException(classes.size() + " classes but " + perClass.size() + " table maps");
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException("a multiclass label needs at least two classes, got " + classes);
        }
        LinkedHashMap<String, RiskTableMap> m = new LinkedHashMap<>();
        RiskTableMap first = perClass.get(0);
        for (int i = 0; i < classes.size(); i++) {
            RiskTableMap t = perClass.get(i);
            if (!t.tables().keySet().equals(first.tables().keySet())) {
                throw new IllegalArgumentException("class '" + classes.get(i) + "' maps fields " + t.tables().keySet()
                        + ", class '" + classes.get(0) + "' maps " + first.tables().keySet());
            }
            for (RiskTable table : t.list()) {
                if (table.mode() != first.get(table.varName()).mode()) {
                    throw new IllegalArgumentException("field '" + table.varName() + "' has different modes in classes '"
                            + classes.get(0) + "' and '" + classes.get(i) + "'");
                }
            }
            if (m.put(classes.get(i), t) != null) {
                throw new IllegalArgumentException("class '" + classes.get(i) + "' appears twice");
            }
        }
        this.classes = List.copyOf(classes);
        this.byClass = Collections.unmodifiableMap(m);
    }

    /** The classes, in output order. */
    public List<String> classes() {
        return classes;
    }

    /** Class &rarr; its one-vs-rest tables, in class order. */
    public Map<String, RiskTableMap> byClass() {
        return byClass;
    }

    /** The tables with {@code cls} as the event, or {@code null} for an unknown class. */
    public RiskTableMap forClass(String cls) {
        return byClass.get(cls);
    }

    /** The mapped fields, in order. */
    public List<String> fields() {
        return new ArrayList<>(byClass.get(classes.get(0)).tables().keySet());
    }

    /** The table of {@code field} for {@code cls}, or {@code null}. */
    public RiskTable get(String field, String cls) {
        RiskTableMap t = byClass.get(cls);
        return t == null ? null : t.get(field);
    }

    /** The output column of {@code column}'s value for {@code cls}: {@code column + "_" + cls}. */
    public static String outputName(String column, String cls) {
        return column + "_" + cls;
    }

    /**
     * The classes in output order: by numeric value when every class is a decimal number
     * ({@link NumericKeys#isNumber}; ties by text), else as text ({@link String#compareTo}).
     */
    public static List<String> sortedClasses(Collection<String> classes) {
        List<String> out = new ArrayList<>(classes);
        boolean numbers = out.stream().allMatch(NumericKeys::isNumber);
        Comparator<String> byText = Comparator.naturalOrder();
        out.sort(numbers ? Comparator.comparingDouble((String s) -> Double.parseDouble(s)).thenComparing(byText) : byText);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MulticlassRiskTables m && classes.equals(m.classes)
                && new ArrayList<>(byClass.values()).equals(new ArrayList<>(m.byClass.values()));
    }

    @Override
    public int hashCode() {
        return classes.hashCode() * 31 + byClass.hashCode();
    }

    @Override
    public String toString() {
        return "MulticlassRiskTables" + byClass;
    }
}
