package io.riskmapping.ml.feature.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The fit's last driver step before the tables: the keys with fit rows, in key order ({@link RiskTableAggregation#sortedFitted}). */
class SortedFittedTest {

    /** Text (with non-ASCII) and numeric keys, small and large tables: the fitted keys (n > 0) in a TreeMap's order, each with its own counts. */
    @Test
    void fittedKeysComeInKeyOrderWithTheirCounts() {
        for (int size : new int[] {1_000, 100_007}) {
            Map<Object, long[]> text = new HashMap<>();
            Map<Object, long[]> numbers = new HashMap<>();
            java.util.Random r = new java.util.Random(size);
            for (int i = 0; i < size; i++) {
                long n = i % 10 == 0 ? 0 : 1 + r.nextInt(50); // every tenth key has no fit rows
                text.put("k" + Integer.toString(r.nextInt(Integer.MAX_VALUE), 36) + "-é" + i, new long[] {n, n / 3, n + 1});
                numbers.put(r.nextGaussian() * 1e6 + i, new long[] {n, n / 2, n});
            }
            for (Map<Object, long[]> byKey : List.of(text, numbers)) {
                TreeMap<Object, long[]> expected = new TreeMap<>();
                byKey.forEach((k, c) -> {
                    if (c[0] > 0) {
                        expected.put(k, c);
                    }
                });
                Map<Object, long[]> sorted = RiskTableAggregation.sortedFitted(byKey);
                assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(sorted.keySet()), size + " keys");
                expected.forEach((k, c) -> assertSame(c, sorted.get(k)));
            }
        }
    }
}
