package io.riskmapping.ml.feature.core;

import java.io.Serializable;
import java.util.Locale;

/**
 * The smoothing formulas of risk tables (docs/formulas.md), shared by the full-data tables
 * ({@code RiskTableMapper.tables}) and the out-of-fold ones ({@link OutOfFold}).
 */
public final class Smoothing {

    private Smoothing() {
    }

    /** How a category's event rate is pulled toward the prior ({@code smoothingMode}). */
    public enum Mode {
        /** Pseudo-count {@code m = floor(N * smoothFactor)}: grows with the fit rows. */
        FRACTION,
        /** A fixed pseudo-count {@code m = smoothing}, as Spark's {@code TargetEncoder.smoothing}. */
        COUNT,
        /** Empirical-Bayes shrinkage, as scikit-learn's {@code TargetEncoder(smooth="auto")}. */
        AUTO;

        /** The param value: {@code "fraction"}, {@code "count"} or {@code "auto"}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The mode named {@code label}.
         *
         * @throws IllegalArgumentException for any other name
         */
        public static Mode fromLabel(String label) {
            for (Mode m : values()) {
                if (m.label().equals(label)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown smoothing mode '" + label + "' (expected fraction, count or auto)");
        }
    }

    /**
     * One fit's smoothing settings.
     *
     * @param mode           the formula
     * @param smoothFactor   {@link Mode#FRACTION}: {@code m = floor(N * smoothFactor)}, &ge; 0
     * @param smoothing      {@link Mode#COUNT}: the pseudo-count {@code m}, &ge; 0
     * @param countThreshold categories with fewer fit rows get the prior, in every mode
     */
    public record Spec(Mode mode, double smoothFactor, double smoothing, int countThreshold) implements Serializable {

        /** Today's default: {@link Mode#FRACTION}. */
        public static Spec fraction(double smoothFactor, int countThreshold) {
            return new Spec(Mode.FRACTION, smoothFactor, 0.0, countThreshold);
        }

        /**
         * The smoothed value of a category with {@code n} fit rows, {@code k} of them events, in a
         * fit of {@code fitRows} rows whose event rate is {@code prior}.
         *
         * @param n       fit rows of the category (&ge; 1)
         * @param k       events among them
         * @param prior   {@code p = K / N}
         * @param fitRows {@code N}
         */
        public double value(long n, long k, double prior, long fitRows) {
            return switch (mode) {
                case FRACTION -> risk(n, k, prior, (long) Math.floor(fitRows * smoothFactor), countThreshold);
                case COUNT -> risk(n, k, prior, smoothing, countThreshold);
                case AUTO -> auto(n, k, prior, countThreshold);
            };
        }
    }

    /**
     * The smoothed risk of a category: {@code (n*r + m*p) / (n + m)} with {@code r = k/n} when
     * {@code n >= countThreshold}, else {@code p}; evaluated in this order, as the pandas step does.
     *
     * @param n      fit rows of the category (&ge; 1)
     * @param k      events among them
     * @param prior  {@code p}, the event rate of all fit rows
     * @param m      the integer pseudo-count {@code floor(N * smoothFactor)}
     */
    public static double risk(long n, long k, double prior, long m, int countThreshold) {
        // the same bits as with the long m: m and n + m are exact doubles below 2^53
        return risk(n, k, prior, (double) m, countThreshold);
    }

    /**
     * {@link Mode#COUNT}: {@code (n*r + m*p) / (n + m)} with a real pseudo-count {@code m >= 0}
     * (Spark's {@code TargetEncoder} with {@code smoothing = m}) when {@code n >= countThreshold},
     * else {@code p}.
     */
    public static double risk(long n, long k, double prior, double m, int countThreshold) {
        if (n < countThreshold) {
            return prior;
        }
        double r = (double) k / n;
        return (n * r + m * prior) / (n + m);
    }

    /**
     * {@link Mode#AUTO}, scikit-learn's {@code smooth="auto"} for a binary label: with the
     * population variances {@code v = p(1-p)} of all fit rows and {@code v_c = r(1-r)} of the
     * category, {@code lambda = n*v / (n*v + v_c)} and the value {@code lambda*r + (1-lambda)*p};
     * {@code p} when {@code lambda} is undefined ({@code v = v_c = 0}) or {@code n < countThreshold}.
     */
    public static double auto(long n, long k, double prior, int countThreshold) {
        if (n < countThreshold) {
            return prior;
        }
        double r = (double) k / n;
        double v = prior * (1 - prior);
        double vc = r * (1 - r);
        double lambda = v * n / (v * n + vc);
        return Double.isNaN(lambda) ? prior : lambda * r + (1 - lambda) * prior;
    }
}
