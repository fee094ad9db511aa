package io.riskmapping.ml.feature.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.riskmapping.artifacts.RiskTable;

/**
 * The counts of one field for one event class, as the fit found them: per category the events and
 * non-events, the categories merged into {@code __other__}, and the null bin. The model keeps these
 * (not finished numbers), so statistics and tables ({@code WoeEncoderModel}) are always derived
 * from the same counts.
 *
 * @param column     the input column
 * @param mode       categorical or numeric keys
 * @param eventClass the label value that is the event
 * @param categories category &rarr; {events, non-events}, sorted by key
 * @param others     the categories merged into {@code __other__} (categorical mode only)
 * @param nulls      {events, non-events} of null rows, or null when there were none
 * @param events     all fit events {@code B} of this class
 * @param nonEvents  all fit non-events {@code G}
 */
public record WoeCounts(String column, RiskTable.Mode mode, String eventClass, Map<Object, long[]> categories, Set<Object> others,
        long[] nulls, long events, long nonEvents) implements Serializable {

    public static final String OTHER = "__other__";

    public WoeCounts {
        categories = Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(categories)));
        others = Set.copyOf(others);
    }

    /** The bins: kept categories, {@code __other__} (merged), and the null bin (key null), in that order. */
    public Map<Object, long[]> bins() {
        Map<Object, long[]> bins = new LinkedHashMap<>();
        long[] other = new long[2];
        for (Map.Entry<Object, long[]> e : categories.entrySet()) {
            if (others.contains(e.getKey())) {
                other[0] += e.getValue()[0];
                other[1] += e.getValue()[1];
            } else {
                bins.put(e.getKey(), e.getValue());
            }
        }
        if (!others.isEmpty()) {
            bins.put(OTHER, other);
        }
        if (nulls != null) {
            bins.put(null, nulls);
        }
        return bins;
    }

    /** The event rate of the fit rows. */
    public double prior() {
        return (double) events / (events + nonEvents);
    }

    /**
     * The categories to merge into {@code __other__}: beyond the {@code maxCategories} most frequent,
     * or beyond the smallest top set covering {@code share} of the non-null rows (ties broken by key).
     */
    public static List<Object> othersOf(Map<Object, long[]> categories, int maxCategories, double share) {
        List<Map.Entry<Object, long[]>> byCount = new ArrayList<>(new TreeMap<>(categories).entrySet());
        byCount.sort((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
        long total = 0;
        for (Map.Entry<Object, long[]> e : byCount) {
            total += e.getValue()[0] + e.getValue()[1];
        }
        List<Object> others = new ArrayList<>();
        long covered = 0;
        int kept = 0;
        for (Map.Entry<Object, long[]> e : byCount) {
            boolean full = (maxCategories > 0 && kept >= maxCategories) || (share < 1 && kept > 0 && covered >= share * total);
            if (full) {
                others.add(e.getKey());
            } else {
                kept++;
                covered += e.getValue()[0] + e.getValue()[1];
            }
        }
        return others.size() > 1 ? others : List.of();
    }
}
