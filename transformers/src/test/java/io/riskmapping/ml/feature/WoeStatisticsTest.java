package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class WoeStatisticsTest {

    static final double Z95 = 1.959963984540054;

    private static Map<Object, long[]> counts(Object... keyEventsNonEvents) {
        Map<Object, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < keyEventsNonEvents.length; i += 3) {
            m.put(keyEventsNonEvents[i], new long[] {((Number) keyEventsNonEvents[i + 1]).longValue(), ((Number) keyEventsNonEvents[i + 2]).longValue()});
        }
        return m;
    }

    @Test
    void zIsTheNormalQuantile() {
        assertEquals(Z95, WoeStatistics.z(0.95), 1e-12);
        assertEquals(2.5758293035489, WoeStatistics.z(0.99), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> WoeStatistics.z(1.0));
    }

    /*
     * A: 10 events / 30 non-events, B: 20 / 20; B = 30, G = 50.
     *   WOE_A = ln((10/30) / (30/50)) = ln(5/9) = -0.5877866649
     *   WOE_B = ln((20/30) / (20/50)) = ln(5/3) =  0.5108256238
     *   SE_A = sqrt(1/10 + 1/30) = 0.3651483717;  SE_B = sqrt(1/20 + 1/20) = 0.3162277660
     *   IV = (1/3 - 3/5)(-0.5877866649) + (2/3 - 2/5)(0.5108256238) = 0.1567431106 + 0.1362201663 = 0.2929632770
     */
    @Test
    void handComputedTable() {
        WoeStatistics.Field f = WoeStatistics.compute(counts("A", 10, 30, "B", 20, 20), 30, 50, Z95);
        assertEquals(-0.5877866649, f.bins().get(0).woe(), 1e-10);
        assertEquals(0.5108256238, f.bins().get(1).woe(), 1e-10);
        assertEquals(0.3651483717, f.bins().get(0).se(), 1e-10);
        assertEquals(0.3162277660, f.bins().get(1).se(), 1e-10);
        assertEquals(-0.5877866649 - Z95 * 0.3651483717, f.bins().get(0).ciLower(), 1e-9);
        assertEquals(0.2929632770, f.iv(), 1e-10);
        assertEquals(0.1567431106, f.bins().get(0).ivContribution(), 1e-10);
        assertTrue(f.ivSe() > 0 && f.ivCiLower() <= f.iv() && f.iv() <= f.ivCiUpper());
        assertEquals(0.25, f.bins().get(0).eventRate(), 1e-15);
    }

    @Test
    void zeroCellsStayFiniteWithTheHalfCountCorrection() {
        // C: 0 events / 5 non-events -> counted as 0.5 / 5.5
        WoeStatistics.Field f = WoeStatistics.compute(counts("A", 10, 30, "B", 20, 15, "C", 0, 5), 30, 50, Z95);
        WoeStatistics.Bin c = f.bins().get(2);
        assertEquals(Math.log((0.5 / 30) / (5.5 / 50)), c.woe(), 1e-12);
        assertEquals(Math.sqrt(1 / 0.5 + 1 / 5.5), c.se(), 1e-12);
        assertTrue(Double.isFinite(f.iv()) && Double.isFinite(f.ivSe()) && f.iv() > 0);
        WoeStatistics.Field allZero = WoeStatistics.compute(counts("A", 0, 1, "B", 1, 0), 1, 1, Z95);
        allZero.bins().forEach(b -> assertTrue(Double.isFinite(b.woe()) && Double.isFinite(b.se())));
        assertThrows(IllegalArgumentException.class, () -> WoeStatistics.compute(counts("A", 0, 3), 0, 3, Z95));
    }

    @Test
    void ivIsNonNegativeWithOrderedBoundsEvenWithoutSignal() {
        // identical distributions: IV = 0, lower bound clipped at 0
        WoeStatistics.Field f = WoeStatistics.compute(counts("A", 10, 20, "B", 10, 20), 20, 40, Z95);
        assertEquals(0.0, f.iv(), 1e-15);
        assertEquals(0.0, f.ivCiLower(), 0.0);
        assertTrue(f.ivCiUpper() >= f.iv());
    }

    /**
     * The delta-method standard error of IV against a simulation: events and non-events drawn as
     * multinomials with known bin shares, IV recomputed 4,000 times; the empirical standard deviation
     * must agree with the delta-method SE at the true shares within 10%.
     */
    @Test
    void ivStandardErrorAgreesWithASimulation() {
        double[] p = {0.2, 0.3, 0.5};
        double[] q = {0.4, 0.35, 0.25};
        int bigB = 2000;
        int bigG = 3000;
        Map<Object, long[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            expected.put(i, new long[] {Math.round(p[i] * bigB), Math.round(q[i] * bigG)});
        }
        double deltaSe = WoeStatistics.compute(expected, bigB, bigG, Z95).ivSe();
        Random rnd = new Random(42);
        int reps = 4000;
        double sum = 0;
        double sum2 = 0;
        for (int r = 0; r < reps; r++) {
            long[] b = draw(rnd, p, bigB);
            long[] g = draw(rnd, q, bigG);
            Map<Object, long[]> c = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                c.put(i, new long[] {b[i], g[i]});
            }
            double iv = WoeStatistics.compute(c, bigB, bigG, Z95).iv();
            sum += iv;
            sum2 += iv * iv;
        }
        double sd = Math.sqrt(sum2 / reps - (sum / reps) * (sum / reps));
        assertEquals(1.0, deltaSe / sd, 0.10, "delta SE " + deltaSe + " vs simulated SD " + sd);
    }

    private static long[] draw(Random rnd, double[] shares, int n) {
        long[] out = new long[shares.length];
        for (int k = 0; k < n; k++) {
            double u = rnd.nextDouble();
            int i = 0;
            double acc = shares[0];
            while (u > acc && i < shares.length - 1) {
                acc += shares[++i];
            }
            out[i]++;
        }
        return out;
    }
}
