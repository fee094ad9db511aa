package io.riskmapping.ml.feature.core;

/**
 * The smoothing formula of risk tables (additive smoothing toward the prior, docs/formulas.md),
 * shared by the full-data tables ({@code RiskTableMapper.tables}) and the out-of-fold ones
 * ({@link OutOfFold}).
 */
public final class Smoothing {

    private Smoothing() {
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
        if (n < countThreshold) {
            return prior;
        }
        double r = (double) k / n;
        return (n * r + m * prior) / (n + m);
    }
}
