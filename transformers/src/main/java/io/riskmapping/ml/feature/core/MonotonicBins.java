package io.riskmapping.ml.feature.core;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The monotonic constraint of numeric binning ({@code NumericBinner}): merges adjacent value bins until the event
 * rate is monotone, pool-adjacent-violators style, on the driver from the per-bin counts of the
 * fit (no pass over the data: a merged bin's counts are the sums of its parts).
 *
 * <p>The bins are read left to right onto a stack of blocks. A bin without labelled rows has no
 * event rate: it joins the block on its left (or, at the start, the first bin that has labelled
 * rows), so empty bins never cause nor prevent a merge. Every other bin is pushed as a block; while
 * the two top blocks violate the direction (increasing: the left rate is higher than the right one;
 * decreasing: lower) they are pooled into one. Equal neighbouring rates are allowed. Rates are
 * compared exactly ({@code e1 * n2} against {@code e2 * n1} in integers), so the result depends
 * only on the counts: fitting the same data twice gives the same bins. Merging two bins drops the
 * split between them; the missing bin (the last one) is kept as it is.
 */
public final class MonotonicBins {

    /** The constraints ({@code monotonic}'s values). */
    public static final String NONE = "none";
    public static final String INCREASING = "increasing";
    public static final String DECREASING = "decreasing";
    public static final String AUTO = "auto";

    /** A binning after the constraint: its splits, counts (missing bin last) and the direction applied. */
    public record Merged(double[] splits, NumericBinning.Counts counts, String direction) {
        public int valueBins() {
            return splits.length - 1;
        }
    }

    private MonotonicBins() {
    }

    /**
     * Applies {@code monotonic} ("none", "increasing", "decreasing" or "auto": the direction that
     * keeps more bins, increasing on a tie) to one column's bins.
     *
     * @param splits  the bin edges, from -Infinity to +Infinity
     * @param counts  per bin, the value bins then the missing bin; events are needed unless "none"
     */
    public static Merged apply(double[] splits, NumericBinning.Counts counts, String monotonic) {
        switch (monotonic) {
            case NONE:
                return new Merged(splits, counts, NONE);
            case INCREASING:
                return merge(splits, counts, true);
            case DECREASING:
                return merge(splits, counts, false);
            case AUTO:
                Merged up = merge(splits, counts, true);
                Merged down = merge(splits, counts, false);
                return down.valueBins() > up.valueBins() ? down : up;
            default:
                throw new IllegalArgumentException("unknown monotonic constraint '" + monotonic + "'");
        }
    }

    /** One direction of the pool-adjacent-violators merge. */
    static Merged merge(double[] splits, NumericBinning.Counts counts, boolean increasing) {
        if (!counts.hasLabel()) {
            throw new IllegalArgumentException("a monotonic constraint needs event counts (a label column)");
        }
        long[] rows = counts.rows();
        long[] events = counts.events();
        long[] nonEvents = counts.nonEvents();
        int k = splits.length - 1;
        Deque<Block> stack = new ArrayDeque<>();
        Block pending = null; // leading bins without labelled rows
        for (int j = 0; j < k; j++) {
            Block b = new Block(j, rows[j], events[j], nonEvents[j]);
            if (b.labelled() == 0) {
                if (stack.isEmpty()) {
                    pending = pending == null ? b : pending.then(b);
                } else {
                    stack.push(stack.pop().then(b));
                }
                continue;
            }
            if (pending != null) {
                b = pending.then(b);
                pending = null;
            }
            stack.push(b);
            while (stack.size() >= 2) {
                Block right = stack.pop();
                Block left = stack.peek();
                int cmp = compareRates(left, right);
                if (increasing ? cmp > 0 : cmp < 0) {
                    stack.pop();
                    stack.push(left.then(right));
                } else {
                    stack.push(right);
                    break;
                }
            }
        }
        if (stack.isEmpty()) {
            stack.push(pending); // no value bin has a labelled row: one bin
        }
        List<Block> blocks = new ArrayList<>(stack);
        java.util.Collections.reverse(blocks);
        int m = blocks.size();
        double[] merged = new double[m + 1];
        long[] r = new long[m + 1];
        long[] e = new long[m + 1];
        long[] n = new long[m + 1];
        for (int i = 0; i < m; i++) {
            Block b = blocks.get(i);
            merged[i] = i == 0 ? splits[0] : splits[b.first];
            r[i] = b.rows;
            e[i] = b.events;
            n[i] = b.nonEvents;
        }
        merged[m] = splits[k];
        r[m] = rows[k];
        e[m] = events[k];
        n[m] = nonEvents[k];
        return new Merged(merged, new NumericBinning.Counts(r, e, n), increasing ? INCREASING : DECREASING);
    }

    /** Compares {@code a.events / a.labelled} with {@code b.events / b.labelled} exactly (both labelled &gt; 0). */
    static int compareRates(Block a, Block b) {
        BigInteger left = BigInteger.valueOf(a.events).multiply(BigInteger.valueOf(b.labelled()));
        BigInteger right = BigInteger.valueOf(b.events).multiply(BigInteger.valueOf(a.labelled()));
        return left.compareTo(right);
    }

    /** Consecutive bins from {@code first}, with their summed counts. */
    record Block(int first, long rows, long events, long nonEvents) {
        long labelled() {
            return events + nonEvents;
        }

        /** This block followed by the adjacent block {@code next}. */
        Block then(Block next) {
            return new Block(first, rows + next.rows, events + next.events, nonEvents + next.nonEvents);
        }
    }
}
