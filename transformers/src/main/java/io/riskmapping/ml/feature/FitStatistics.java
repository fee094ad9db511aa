package io.riskmapping.ml.feature;

import java.io.Serializable;
import java.util.List;

/**
 * Totals of the fit pass: the label counts that define the prior and the pseudo-count, and
 * per-column {@link FieldStatistics}.
 *
 * @param trainRows      all rows of the fit data
 * @param fitRows        rows with label 0 or 1 ({@code N})
 * @param events         rows with label 1 ({@code K})
 * @param prior          default risk {@code p = K / N}
 * @param smoothSamples  pseudo-count {@code m = floor(N * smoothFactor)}
 * @param fields         per input column, in input order
 * @param countSource    where the fit read its counts from: "column batches" (a plain Parquet
 *                       scan), "CSV records" (a plain CSV scan) or "Spark's rows" (any other plan);
 *                       {@link #NOT_RECORDED} for statistics loaded with a saved model
 */
public record FitStatistics(long trainRows, long fitRows, long events, double prior, long smoothSamples,
        List<FieldStatistics> fields, String countSource) implements Serializable {

    /** The {@link #countSource} of statistics read back from a saved model. */
    public static final String NOT_RECORDED = "not recorded";

    /** Statistics whose count source is not known (a saved model's). */
    public FitStatistics(long trainRows, long fitRows, long events, double prior, long smoothSamples, List<FieldStatistics> fields) {
        this(trainRows, fitRows, events, prior, smoothSamples, fields, NOT_RECORDED);
    }

    public FitStatistics {
        fields = List.copyOf(fields);
    }

    /** Rows whose label is null or -1: counted, not fitted. */
    public long unlabelledRows() {
        return trainRows - fitRows;
    }
}
