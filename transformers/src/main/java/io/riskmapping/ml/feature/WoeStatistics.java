package io.riskmapping.ml.feature;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Weight of evidence and information value with their uncertainty, for one field and one event
 * class, from the event / non-event counts of its bins. Formulas (docs/woe.md):
 *
 * <ul>
 *   <li>{@code WOE_i = ln((b_i/B) / (g_i/G))}: positive when the bin is riskier than the whole.</li>
 *   <li>{@code SE(WOE_i) = sqrt(1/b_i + 1/g_i)} (the standard error of a log odds ratio, Woolf
 *       1955); {@code CI = WOE_i ± z·SE} with {@code z} the normal quantile of the confidence level
 *       (Commons Math).</li>
 *   <li>Zero cells: a bin with {@code b_i = 0} or {@code g_i = 0} gets 0.5 added to both of its
 *       counts (the Haldane–Anscombe correction), so WOE, SE and IV stay finite.</li>
 *   <li>{@code IV = Σ (b_i/B − g_i/G)·WOE_i}: every term is ≥ 0, so IV ≥ 0 (Kullback's J
 *       divergence; Siddiqi 2006).</li>
 *   <li>{@code SE(IV)} by the delta method, the event and non-event bin shares being independent
 *       multinomials: with {@code p_i = b_i/B}, {@code q_i = g_i/G},
 *       {@code a_i = ∂IV/∂p_i = WOE_i + 1 − q_i/p_i}, {@code c_i = ∂IV/∂q_i = −WOE_i + 1 − p_i/q_i},
 *       {@code Var(IV) = (Σ p_i a_i² − (Σ p_i a_i)²)/B + (Σ q_i c_i² − (Σ q_i c_i)²)/G};
 *       {@code CI = [max(0, IV − z·SE), IV + z·SE]}.</li>
 * </ul>
 */
public final class WoeStatistics {

    /** Added to both counts of a bin with a zero cell (Haldane–Anscombe). */
    public static final double ZERO_CELL_PSEUDO_COUNT = 0.5;

    private WoeStatistics() {
    }

    /** One bin: its counts and statistics. {@code key} null is the null bin. */
    public record Bin(Object key, long events, long nonEvents, double woe, double se, double ciLower, double ciUpper,
            double ivContribution) implements Serializable {
        /** Events over all rows of the bin. */
        public double eventRate() {
            return (double) events / (events + nonEvents);
        }
    }

    /** A field's bins and its information value with standard error and confidence interval. */
    public record Field(List<Bin> bins, long events, long nonEvents, double iv, double ivSe, double ivCiLower, double ivCiUpper)
            implements Serializable {
    }

    /** The normal quantile {@code z} for a two-sided confidence level in (0, 1). */
    public static double z(double confidenceLevel) {
        if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
            throw new IllegalArgumentException("confidence level " + confidenceLevel + " is not in (0, 1)");
        }
        return new NormalDistribution().inverseCumulativeProbability(0.5 + confidenceLevel / 2);
    }

    /**
     * @param counts bin key &rarr; {events, non-events}; the key null is the null bin
     * @param events total events {@code B} of the fit rows (all bins)
     * @param nonEvents total non-events {@code G}
     * @throws IllegalArgumentException when {@code B} or {@code G} is 0 (no WOE can be computed)
     */
    public static Field compute(Map<Object, long[]> counts, long events, long nonEvents, double z) {
        if (events <= 0 || nonEvents <= 0) {
            throw new IllegalArgumentException("weight of evidence needs both events and non-events; got " + events
                    + " events and " + nonEvents + " non-events");
        }
        List<Bin> bins = new ArrayList<>();
        double iv = 0;
        int k = counts.size();
        double[] p = new double[k];
        double[] q = new double[k];
        double[] w = new double[k];
        int i = 0;
        for (Map.Entry<Object, long[]> e : counts.entrySet()) {
            long b = e.getValue()[0];
            long g = e.getValue()[1];
            double bb = b;
            double gg = g;
            if (b == 0 || g == 0) {
                bb += ZERO_CELL_PSEUDO_COUNT;
                gg += ZERO_CELL_PSEUDO_COUNT;
            }
            p[i] = bb / events;
            q[i] = gg / nonEvents;
            w[i] = Math.log(p[i] / q[i]);
            double se = Math.sqrt(1 / bb + 1 / gg);
            double contribution = (p[i] - q[i]) * w[i];
            iv += contribution;
            bins.add(new Bin(e.getKey(), b, g, w[i], se, w[i] - z * se, w[i] + z * se, contribution));
            i++;
        }
        double pa = 0;
        double pa2 = 0;
        double qc = 0;
        double qc2 = 0;
        for (int j = 0; j < k; j++) {
            double a = w[j] + 1 - q[j] / p[j];
            double c = -w[j] + 1 - p[j] / q[j];
            pa += p[j] * a;
            pa2 += p[j] * a * a;
            qc += q[j] * c;
            qc2 += q[j] * c * c;
        }
        double var = (pa2 - pa * pa) / events + (qc2 - qc * qc) / nonEvents;
        double ivSe = Math.sqrt(Math.max(var, 0));
        return new Field(bins, events, nonEvents, iv, ivSe, Math.max(0, iv - z * ivSe), iv + z * ivSe);
    }
}
