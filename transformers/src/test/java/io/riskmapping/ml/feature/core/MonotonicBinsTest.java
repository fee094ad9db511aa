package io.riskmapping.ml.feature.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The pool-adjacent-violators merge on hand-made counts (no Spark). */
class MonotonicBinsTest {

    static final double NEG = Double.NEGATIVE_INFINITY;
    static final double POS = Double.POSITIVE_INFINITY;

    /** Ten bins of 100 labelled rows with these events, edges 1 .. 9, and a missing bin of 5 rows (1 event, 3 non-events). */
    static NumericBinning.Counts tenBins(long... events) {
        long[] rows = new long[11];
        long[] e = new long[11];
        long[] n = new long[11];
        for (int i = 0; i < 10; i++) {
            rows[i] = 100;
            e[i] = events[i];
            n[i] = 100 - events[i];
        }
        rows[10] = 5;
        e[10] = 1;
        n[10] = 3;
        return new NumericBinning.Counts(rows, e, n);
    }

    static final double[] TEN_SPLITS = {NEG, 1, 2, 3, 4, 5, 6, 7, 8, 9, POS};

    /*
     * Events per 100: 10 30 20 40 50 45 70 60 80 90.
     * Increasing: 30 > 20 -> pool bins 1-2 (50/200 = .25); 50 > 45 -> pool 4-5 (.475, above .40);
     * 70 > 60 -> pool 6-7 (.65). Blocks {0} {1,2} {3} {4,5} {6,7} {8} {9}: edges 1, 3, 4, 6, 8, 9.
     * Decreasing: every new bin is above the pooled rate before it, so everything pools into one bin.
     */
    @Test
    void poolsAdjacentViolatorsIntoTheHandComputedBlocks() {
        NumericBinning.Counts counts = tenBins(10, 30, 20, 40, 50, 45, 70, 60, 80, 90);
        MonotonicBins.Merged up = MonotonicBins.apply(TEN_SPLITS, counts, "increasing");
        assertArrayEquals(new double[] {NEG, 1, 3, 4, 6, 8, 9, POS}, up.splits());
        assertArrayEquals(new long[] {100, 200, 100, 200, 200, 100, 100, 5}, up.counts().rows());
        assertArrayEquals(new long[] {10, 50, 40, 95, 130, 80, 90, 1}, up.counts().events());
        assertArrayEquals(new long[] {90, 150, 60, 105, 70, 20, 10, 3}, up.counts().nonEvents());
        assertEquals("increasing", up.direction());

        MonotonicBins.Merged down = MonotonicBins.apply(TEN_SPLITS, counts, "decreasing");
        assertArrayEquals(new double[] {NEG, POS}, down.splits());
        assertArrayEquals(new long[] {1000, 5}, down.counts().rows());
        assertArrayEquals(new long[] {495, 1}, down.counts().events());

        MonotonicBins.Merged auto = MonotonicBins.apply(TEN_SPLITS, counts, "auto");
        assertArrayEquals(up.splits(), auto.splits());
        assertEquals("increasing", auto.direction());
    }

    @Test
    void autoPicksDecreasingWhenItKeepsMoreBins() {
        NumericBinning.Counts counts = tenBins(90, 80, 60, 70, 45, 50, 40, 20, 30, 10);
        MonotonicBins.Merged auto = MonotonicBins.apply(TEN_SPLITS, counts, "auto");
        assertEquals("decreasing", auto.direction());
        // 60 < 70 -> pool 2-3; 45 < 50 -> pool 4-5; 20 < 30 -> pool 7-8
        assertArrayEquals(new double[] {NEG, 1, 2, 4, 6, 7, 9, POS}, auto.splits());
    }

    /*
     * Bins: 0 empty; 1: 2 of 10; 2: 3 unlabelled rows only; 3: 1 of 10; 4: 5 of 10; missing: 4 rows.
     * Increasing: bin 0 waits for bin 1, bin 2 joins {0,1} (.2); bin 3 (.1) pools with it (3/20);
     * bin 4 (.5) stays. Decreasing: {0,1,2} .2, bin 3 .1, bin 4 .5 pools with 3 (.3), then with {0,1,2}: one bin.
     */
    @Test
    void binsWithoutLabelledRowsJoinANeighbourAndBreakNothing() {
        double[] splits = {NEG, 0, 1, 2, 3, POS};
        NumericBinning.Counts counts = new NumericBinning.Counts(new long[] {0, 10, 3, 10, 10, 4}, new long[] {0, 2, 0, 1, 5, 1}, new long[] {0, 8, 0, 9, 5, 2});
        MonotonicBins.Merged up = MonotonicBins.apply(splits, counts, "increasing");
        assertArrayEquals(new double[] {NEG, 3, POS}, up.splits());
        assertCounts(new long[] {23, 10, 4}, new long[] {3, 5, 1}, new long[] {17, 5, 2}, up.counts());
        MonotonicBins.Merged down = MonotonicBins.apply(splits, counts, "decreasing");
        assertArrayEquals(new double[] {NEG, POS}, down.splits());
        assertCounts(new long[] {33, 4}, new long[] {8, 1}, new long[] {22, 2}, down.counts());
        assertEquals("increasing", MonotonicBins.apply(splits, counts, "auto").direction());
    }

    @Test
    void equalRatesStayAndTiesGoToIncreasing() {
        double[] splits = {NEG, 5, POS};
        NumericBinning.Counts flat = new NumericBinning.Counts(new long[] {10, 20, 0}, new long[] {2, 4, 0}, new long[] {8, 16, 0});
        MonotonicBins.Merged auto = MonotonicBins.apply(splits, flat, "auto");
        assertArrayEquals(splits, auto.splits());
        assertEquals("increasing", auto.direction());
    }

    @Test
    void withoutAnyLabelledRowEverythingIsOneBin() {
        double[] splits = {NEG, 5, 7, POS};
        NumericBinning.Counts unlabelled = new NumericBinning.Counts(new long[] {3, 0, 2, 1}, new long[] {0, 0, 0, 0}, new long[] {0, 0, 0, 0});
        MonotonicBins.Merged up = MonotonicBins.apply(splits, unlabelled, "increasing");
        assertArrayEquals(new double[] {NEG, POS}, up.splits());
        assertArrayEquals(new long[] {5, 1}, up.counts().rows());
    }

    @Test
    void ratesCompareExactlyWhereDoublesWouldTie() {
        // 1/3 against 10^18 / (3*10^18 - 1): higher by ~1e-19, but (double) (3*10^18 - 1) == 3e18, so as doubles both are 1/3
        long labelled = 3_000_000_000_000_000_000L - 1;
        long events = 1_000_000_000_000_000_000L;
        assertEquals(1.0 / 3, (double) events / labelled, 0.0);
        double[] splits = {NEG, 5, POS};
        NumericBinning.Counts counts = new NumericBinning.Counts(new long[] {3, labelled, 0}, new long[] {1, events, 0}, new long[] {2, labelled - events, 0});
        assertEquals(3, MonotonicBins.apply(splits, counts, "increasing").splits().length, "the right rate is higher: no merge");
        assertEquals(2, MonotonicBins.apply(splits, counts, "decreasing").splits().length);
    }

    @Test
    void noneLeavesTheBinsAndAConstraintNeedsEvents() {
        double[] splits = {NEG, 5, POS};
        NumericBinning.Counts noLabel = new NumericBinning.Counts(new long[] {1, 2, 3}, null, null);
        MonotonicBins.Merged none = MonotonicBins.apply(splits, noLabel, "none");
        assertSame(splits, none.splits());
        assertThrows(IllegalArgumentException.class, () -> MonotonicBins.apply(splits, noLabel, "increasing"));
    }

    private static void assertCounts(long[] rows, long[] events, long[] nonEvents, NumericBinning.Counts actual) {
        assertArrayEquals(rows, actual.rows());
        assertArrayEquals(events, actual.events());
        assertArrayEquals(nonEvents, actual.nonEvents());
    }
}
