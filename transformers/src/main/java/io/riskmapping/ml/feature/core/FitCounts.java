package io.riskmapping.ml.feature.core;

import java.util.List;
import java.util.Map;

import io.riskmapping.artifacts.RiskTable;

/**
 * What the fit's aggregation counted ({@link RiskTableAggregation#summarize}): the label totals
 * that define the prior and the pseudo-count, and per input column its keys' counts. The stages
 * hand it on as their public {@code FitStatistics} (the maps are passed on, not copied).
 *
 * @param trainRows      all rows of the fit data
 * @param fitRows        rows with label 0 or 1 ({@code N})
 * @param events         rows with label 1 ({@code K})
 * @param prior          default risk {@code p = K / N}
 * @param smoothSamples  pseudo-count {@code m = floor(N * smoothFactor)}
 * @param fields         per input column, in input order
 * @param countSource    where the partial counts were read from ("column batches", "CSV records", "Spark's rows")
 */
public record FitCounts(long trainRows, long fitRows, long events, double prior, long smoothSamples, List<Field> fields,
        String countSource) {

    /**
     * One input column's counts.
     *
     * @param column      the input column
     * @param mode        categorical or numeric keys
     * @param distinct    distinct non-null values over all rows (labelled or not)
     * @param nullRows    rows where the column is null (or NaN)
     * @param skipReason  why the column is not encoded, or null when it is
     * @param counts      key &rarr; {fit rows n, events k, rows}, keys with fit rows only, in key order; empty when skipped
     * @param nullCounts  {fit rows, events} of the null rows
     */
    public record Field(String column, RiskTable.Mode mode, long distinct, long nullRows, String skipReason,
            Map<Object, long[]> counts, long[] nullCounts) {
    }
}
