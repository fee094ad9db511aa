package io.riskmapping.job.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a split differs from train for one field: the share of rows with a null, the share with a
 * category train never saw, and the population stability index (PSI) of its category distribution.
 *
 * <p>{@code PSI = Σ_i (a_i − e_i)·ln(a_i / e_i)} over the bins (categories, {@code __unseen__},
 * {@code __null__}), with {@code e_i} the train share and {@code a_i} the split's share; a share of
 * 0 is counted as {@value #EMPTY_SHARE} so the sum stays finite (Siddiqi 2006; Yurdakul 2018).
 * Usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift, 0.25 or more a significant shift.
 */
public final class Drift {

    /** The share used for an empty bin. */
    public static final double EMPTY_SHARE = 1e-4;
    public static final double MODERATE = 0.1;
    public static final double SIGNIFICANT = 0.25;

    /** One field on one split. */
    public record FieldDrift(String field, long rows, double nullShare, double unseenShare, Double psi) {
        /** "stable", "moderate" or "significant" by the PSI thresholds; "n/a" without PSI. */
        public String flag() {
            return psi == null ? "n/a" : psi >= SIGNIFICANT ? "significant" : psi >= MODERATE ? "moderate" : "stable";
        }
    }

    private Drift() {
    }

    /**
     * PSI of two count distributions over the same bins (keys of {@code expected} and {@code actual}, missing = 0).
     *
     * @throws IllegalArgumentException when either side has no rows
     */
    public static double psi(Map<String, Long> expected, Map<String, Long> actual) {
        Map<String, long[]> bins = new LinkedHashMap<>();
        expected.forEach((k, v) -> bins.computeIfAbsent(k, x -> new long[2])[0] += v);
        actual.forEach((k, v) -> bins.computeIfAbsent(k, x -> new long[2])[1] += v);
        long e = 0;
        long a = 0;
        for (long[] c : bins.values()) {
            e += c[0];
            a += c[1];
        }
        if (e == 0 || a == 0) {
            throw new IllegalArgumentException("PSI needs rows on both sides; got " + e + " and " + a);
        }
        double psi = 0;
        for (long[] c : bins.values()) {
            double es = Math.max((double) c[0] / e, EMPTY_SHARE);
            double as = Math.max((double) c[1] / a, EMPTY_SHARE);
            psi += (as - es) * Math.log(as / es);
        }
        return psi;
    }
}
