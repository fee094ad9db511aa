package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code woe_table_map} artifact: per field, one {@link WoeTable} per event class (one for a
 * binary label), in order. File: {@link WoeTableMapCodec}; format: {@code docs/woe.md}.
 */
public final class WoeTableMap implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The version written into {@code woe_table_map.json}; readers refuse newer versions. */
    public static final int FORMAT_VERSION = 1;

    private final Map<String, Map<String, WoeTable>> tables;

    /**
     * @throws IllegalArgumentException if a (field, class) pair appears twice
     */
    public WoeTableMap(List<WoeTable> tables) {
        Map<String, Map<String, WoeTable>> m = new LinkedHashMap<>();
        for (WoeTable t : tables) {
            Map<String, WoeTable> perClass = m.computeIfAbsent(t.varName(), k -> new LinkedHashMap<>());
            if (perClass.put(t.eventClass(), t) != null) {
                throw new IllegalArgumentException("field '" + t.varName() + "' has two tables for class '" + t.eventClass() + "'");
            }
        }
        m.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        this.tables = Collections.unmodifiableMap(m);
    }

    /** Field &rarr; (event class &rarr; table), in order. */
    public Map<String, Map<String, WoeTable>> tables() {
        return tables;
    }

    /** Every table, field by field, class by class. */
    public List<WoeTable> list() {
        List<WoeTable> out = new ArrayList<>();
        tables.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    /** The table of a field and class, or null. */
    public WoeTable get(String field, String eventClass) {
        Map<String, WoeTable> m = tables.get(field);
        return m == null ? null : m.get(eventClass);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WoeTableMap w && list().equals(w.list());
    }

    @Override
    public int hashCode() {
        return list().hashCode();
    }

    @Override
    public String toString() {
        return "WoeTableMap" + list();
    }
}
