package io.riskmapping.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DriftTest {

    @Test
    void psiMatchesAHandComputedValue() {
        // train 50/50, split 25/75: (0.25-0.5) ln(0.25/0.5) + (0.75-0.5) ln(0.75/0.5) = 0.1732868 + 0.1013663
        assertEquals(0.2746531, Drift.psi(Map.of("a", 50L, "b", 50L), Map.of("a", 25L, "b", 75L)), 1e-7);
        assertEquals(0.0, Drift.psi(Map.of("a", 3L, "b", 1L), Map.of("a", 30L, "b", 10L)), 1e-15);
    }

    @Test
    void emptyBinsCountAsATinyShare() {
        // b is new in the split: (0.9-1) ln(0.9) + (0.1-1e-4) ln(0.1/1e-4)
        double expected = (0.9 - 1) * Math.log(0.9) + (0.1 - 1e-4) * Math.log(0.1 / 1e-4);
        assertEquals(expected, Drift.psi(Map.of("a", 100L), Map.of("a", 90L, "b", 10L)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Drift.psi(Map.of("a", 0L), Map.of("a", 1L)));
    }

    @Test
    void flagsFollowTheUsualThresholds() {
        assertEquals("stable", new Drift.FieldDrift("f", 10, 0, 0, 0.099).flag());
        assertEquals("moderate", new Drift.FieldDrift("f", 10, 0, 0, 0.1).flag());
        assertEquals("significant", new Drift.FieldDrift("f", 10, 0, 0, 0.25).flag());
        assertEquals("n/a", new Drift.FieldDrift("f", 10, 0, 0, null).flag());
    }
}
