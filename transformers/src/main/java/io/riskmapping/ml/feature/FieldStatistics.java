package io.riskmapping.ml.feature;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

import io.riskmapping.artifacts.RiskTable;

/**
 * What the fit pass counted for one input column on the train split.
 *
 * @param column        the input column
 * @param mode          categorical or numeric keys
 * @param distinct      distinct non-null values over all train rows (labelled or not)
 * @param nullRows      train rows where the column is null (or NaN)
 * @param skipReason    why the column is not encoded, or null when it is
 * @param counts        category &rarr; {fit rows n, events k}, sorted by key; empty when skipped
 * @param nullCounts    {fit rows, events} of the null rows, or null when unknown (a model saved before it was kept)
 */
public record FieldStatistics(String column, RiskTable.Mode mode, long distinct, long nullRows, String skipReason,
        Map<Object, long[]> counts, long[] nullCounts) implements Serializable {

    public FieldStatistics {
        // A sorted or insertion-ordered map is kept as given (the fit hands over its own, built in
        // key order): no copy of a large table.
        counts = counts instanceof SortedMap<Object, long[]> sorted ? Collections.unmodifiableSortedMap(sorted)
                : Collections.unmodifiableMap(counts instanceof LinkedHashMap<Object, long[]> ordered ? ordered : new LinkedHashMap<>(counts));
    }

    /** True when the column is encoded (not skipped). */
    public boolean mapped() {
        return skipReason == null;
    }
}
