package io.riskmapping.artifacts;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code risk_table_map} artifact: one {@link RiskTable} per mapped field, in field order.
 * Files: {@link RiskTableMapCodec}; format: {@code docs/artifacts.md}.
 */
public final class RiskTableMap implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The newest version of {@code risk_table_map.json} this code reads and writes; readers refuse
     * newer versions. A file is written with {@link #formatVersion()}: 1 unless a table has a null
     * bin (version 2 adds {@code null_bin}, which a version-1 reader would silently ignore).
     */
    public static final int FORMAT_VERSION = 2;

    private final Map<String, RiskTable> tables;

    /**
     * @param tables the tables, in the order they are written
     * @throws IllegalArgumentException if two tables share a field name
     */
    public RiskTableMap(List<RiskTable> tables) {
        LinkedHashMap<String, RiskTable> m = new LinkedHashMap<>();
        for (RiskTable t : tables) {
            if (m.put(t.varName(), t) != null) {
                throw new IllegalArgumentException("field '" + t.varName() + "' appears twice in the risk table map");
            }
        }
        this.tables = Collections.unmodifiableMap(m);
    }

    /** Field name &rarr; table, in order. */
    public Map<String, RiskTable> tables() {
        return tables;
    }

    /** The tables in order. */
    public List<RiskTable> list() {
        return new ArrayList<>(tables.values());
    }

    /** The table of {@code field}, or {@code null}. */
    public RiskTable get(String field) {
        return tables.get(field);
    }

    /** True when some table has a null category ({@link RiskTable#nullBin()}). */
    public boolean hasNullBins() {
        for (RiskTable t : tables.values()) {
            if (t.nullBin() != null) {
                return true;
            }
        }
        return false;
    }

    /** The {@code format_version} its JSON file is written with: 2 when {@link #hasNullBins()}, else 1. */
    public int formatVersion() {
        return hasNullBins() ? 2 : 1;
    }

    public int size() {
        return tables.size();
    }

    /** Equal when the same tables come in the same order (the order is part of the files written). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RiskTableMap m && list().equals(m.list());
    }

    @Override
    public int hashCode() {
        return list().hashCode();
    }

    @Override
    public String toString() {
        return "RiskTableMap" + tables.values();
    }
}
