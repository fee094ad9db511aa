package io.riskmapping.ml.feature;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The information value ranking of fields ({@code iv_summary.json}): event = label 1, one bin per
 * category plus a null bin, statistics of {@link WoeStatistics}. Built from counts a fit already
 * has, so it costs no extra pass over the data.
 */
public final class InformationValues {

    /** One field's IV with standard error and confidence interval, and its number of bins. */
    public record Row(String field, double iv, double ivSe, double ivCiLower, double ivCiUpper, int nBins) implements Serializable {
    }

    private InformationValues() {
    }

    /** From a risk-table fit: its categories' fit rows and events (skipped fields have no counts and are left out). */
    public static List<Row> of(FitStatistics fit, double confidenceLevel) {
        double z = WoeStatistics.z(confidenceLevel);
        long events = fit.events();
        long nonEvents = fit.fitRows() - fit.events();
        List<Row> rows = new ArrayList<>();
        if (events == 0 || nonEvents == 0) {
            return rows;
        }
        for (FieldStatistics f : fit.fields()) {
            if (!f.mapped()) {
                continue;
            }
            Map<Object, long[]> bins = new LinkedHashMap<>();
            f.counts().forEach((k, nk) -> bins.put(k, new long[] {nk[1], nk[0] - nk[1]}));
            if (f.nullCounts() != null && f.nullCounts()[0] > 0) {
                bins.put(null, new long[] {f.nullCounts()[1], f.nullCounts()[0] - f.nullCounts()[1]});
            }
            if (bins.isEmpty()) {
                continue;
            }
            WoeStatistics.Field s = WoeStatistics.compute(bins, events, nonEvents, z);
            rows.add(new Row(f.column(), s.iv(), s.ivSe(), s.ivCiLower(), s.ivCiUpper(), s.bins().size()));
        }
        return sorted(rows);
    }

    /** From a WOE fit (binary label): every input column. */
    public static List<Row> of(WoeEncoderModel model) {
        List<Row> rows = new ArrayList<>();
        for (String c : model.getInputCols()) {
            WoeStatistics.Field s = model.statistics(c, "1");
            rows.add(new Row(c, s.iv(), s.ivSe(), s.ivCiLower(), s.ivCiUpper(), s.bins().size()));
        }
        return sorted(rows);
    }

    /** Highest IV first; ties by field name. */
    public static List<Row> sorted(List<Row> rows) {
        List<Row> out = new ArrayList<>(rows);
        out.sort(Comparator.comparingDouble(Row::iv).reversed().thenComparing(Row::field));
        return out;
    }
}
