package io.riskmapping.job.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.riskmapping.ml.feature.WoeStatistics;

/**
 * A field's binning table as the report shows it (in the style of optbinning): one row per train
 * category, a row for nulls, a row for unseen categories and a totals row.
 *
 * <p>Per row: {@code count} (train fit rows), {@code share} (count over the table's rows, in
 * [0, 1]), {@code events}, {@code nonEvents}, {@code eventRate = events / count} (raw), the mapped
 * {@code value} (risk or WOE: what the job writes), and {@code WOE_i} with its 95% interval and IV
 * contribution, computed by {@link WoeStatistics} (docs/woe.md) from the events and non-events of
 * the table's rows with {@code B} and {@code G} their sums (nulls included when their counts are
 * known). A count or statistic that is not known is null.
 *
 * <p>Events per category come from {@link FitReport.Category#trainEvents()} (the fit's counts);
 * a run that has only train's rows per category (a validation run, from {@code train_profile.json})
 * shows counts and shares without events and WOE.
 */
final class BinningTable {

    /** The two-sided 95% normal quantile used for the WOE intervals. */
    static final double Z95 = WoeStatistics.z(0.95);

    /** What a row is. */
    enum Kind { CATEGORY, NULLS, UNSEEN, TOTAL }

    /**
     * One row; any count or statistic may be null (unknown or not applicable). {@code mean} is the
     * raw mean of the rows' labels (a continuous label only); {@code classes} each class's rows,
     * raw rate and value in the row (a multiclass label only, else null).
     */
    record Row(Kind kind, String label, Long count, Double share, Long events, Long nonEvents, Double eventRate, Double value,
            Double woe, Double woeLower, Double woeUpper, Double ivContribution, boolean belowThreshold, Double mean,
            List<FitReport.ClassValue> classes) {
        Row(Kind kind, String label, Long count, Double share, Long events, Long nonEvents, Double eventRate, Double value,
                Double woe, Double woeLower, Double woeUpper, Double ivContribution, boolean belowThreshold, Double mean) {
            this(kind, label, count, share, events, nonEvents, eventRate, value, woe, woeLower, woeUpper, ivContribution, belowThreshold,
                    mean, null);
        }
    }

    /** @param rows the category rows, then nulls, unseen and totals (always those three, in this order) */
    record Table(List<Row> rows) {
        Row total() {
            return rows.get(rows.size() - 1);
        }
    }

    private BinningTable() {
    }

    /**
     * The table of one field.
     *
     * @param f the field as the job hands it to the report
     * @param recordedIv the field's IV from the IV ranking, shown as the total when the table cannot
     *     compute its own (null when none)
     */
    static Table of(FitReport.Field f, Double recordedIv) {
        List<FitReport.Category> cats = f.categories();
        Long[] events = new Long[cats.size()];
        for (int i = 0; i < cats.size(); i++) {
            events[i] = cats.get(i).trainEvents();
        }
        boolean allCounts = cats.stream().allMatch(c -> c.trainRows() != null);
        boolean allEvents = allCounts && java.util.Arrays.stream(events).allMatch(e -> e != null);
        boolean nullsKnown = f.nullRows() != null && (!allEvents || f.nullEvents() != null);
        long total = 0;
        if (allCounts) {
            for (FitReport.Category c : cats) {
                total += c.trainRows();
            }
            total += nullsKnown ? f.nullRows() : 0;
        }
        WoeStatistics.Field woe = null;
        Map<Object, long[]> counts = new LinkedHashMap<>();
        long eventSum = 0;
        long nonEventSum = 0;
        if (allEvents) {
            for (int i = 0; i < cats.size(); i++) {
                counts.put(i, new long[] {events[i], cats.get(i).trainRows() - events[i]});
            }
            if (nullsKnown && f.nullRows() > 0) {
                counts.put(null, new long[] {f.nullEvents(), f.nullRows() - f.nullEvents()});
            }
            for (long[] c : counts.values()) {
                eventSum += c[0];
                nonEventSum += c[1];
            }
            if (eventSum > 0 && nonEventSum > 0) {
                woe = WoeStatistics.compute(counts, eventSum, nonEventSum, Z95);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cats.size(); i++) {
            FitReport.Category c = cats.get(i);
            WoeStatistics.Bin b = woe == null ? null : woe.bins().get(i);
            Double w = b != null ? Double.valueOf(b.woe()) : c.woe();
            rows.add(row(Kind.CATEGORY, c.key(), c.trainRows(), total, events[i], c.value(), w, b, c.belowThreshold()));
        }
        WoeStatistics.Bin nullBin = woe != null && counts.containsKey(null) ? woe.bins().get(woe.bins().size() - 1) : null;
        rows.add(row(Kind.NULLS, "(null)", nullsKnown ? f.nullRows() : null, total, nullsKnown ? f.nullEvents() : null,
                f.defaultValue(), nullBin == null ? null : nullBin.woe(), nullBin, false));
        rows.add(unseen(f));
        Double iv = woe != null ? Double.valueOf(woe.iv()) : recordedIv;
        Long count = allCounts ? total : null;
        Long ev = allEvents ? eventSum : null;
        Long nonEv = allEvents ? nonEventSum : null;
        rows.add(new Row(Kind.TOTAL, "total", count, allCounts && total > 0 ? 1.0 : null, ev, nonEv,
                ev != null && count > 0 ? (double) ev / count : null, null, null, null, null, iv, false, null));
        return new Table(rows);
    }

    /**
     * The table of one field of a continuous label: per category (then nulls) its labelled train
     * rows ({@code count}), their {@code share} of the table's rows, their raw label {@code mean}
     * (from {@link FitReport.Category#trainMean()}, {@link FitReport.Field#nullMean()}) and the
     * mapped value; the total's mean is the count-weighted mean of the rows' means (the mean of
     * every labelled train row when all are known, else null). No events, WOE or IV.
     */
    static Table continuous(FitReport.Field f) {
        List<FitReport.Category> cats = f.categories();
        boolean allCounts = cats.stream().allMatch(c -> c.trainRows() != null);
        boolean nullsKnown = f.nullRows() != null;
        long total = 0;
        double sum = 0;
        boolean allMeans = allCounts && nullsKnown && (f.nullRows() == 0 || f.nullMean() != null);
        for (FitReport.Category c : cats) {
            if (allCounts) {
                total += c.trainRows();
            }
            if (allMeans && c.trainMean() != null) {
                sum += c.trainRows() * c.trainMean();
            } else {
                allMeans = false;
            }
        }
        if (allCounts && nullsKnown) {
            total += f.nullRows();
            sum += f.nullRows() > 0 && allMeans ? f.nullRows() * f.nullMean() : 0;
        }
        List<Row> rows = new ArrayList<>();
        for (FitReport.Category c : cats) {
            rows.add(meanRow(Kind.CATEGORY, c.key(), c.trainRows(), total, c.trainMean(), c.value(), c.belowThreshold()));
        }
        rows.add(meanRow(Kind.NULLS, "(null)", f.nullRows(), total, f.nullMean(), f.defaultValue(), false));
        rows.add(unseen(f));
        rows.add(new Row(Kind.TOTAL, "total", allCounts ? total : null, allCounts && total > 0 ? 1.0 : null, null, null, null, null,
                null, null, null, null, false, allMeans && total > 0 ? sum / total : null));
        return new Table(rows);
    }

    /**
     * The table of one field of a multiclass label: per category (then nulls) its train fit rows
     * ({@code count}), their {@code share} of the table's rows, and per class the class's rows, raw
     * rate (class rows / count) and mapped value ({@link FitReport.Category#classes()},
     * {@link FitReport.Field#nullClasses()}); the unseen row gives each class's default; the total
     * gives each class's labelled train rows and their share of all labelled rows, the class's prior
     * ({@link FitReport.Field#classTotals()}). No events, WOE or IV.
     */
    static Table multiclass(FitReport.Field f) {
        List<FitReport.Category> cats = f.categories();
        boolean allCounts = cats.stream().allMatch(c -> c.trainRows() != null);
        long total = 0;
        if (allCounts) {
            for (FitReport.Category c : cats) {
                total += c.trainRows();
            }
            total += f.nullRows() != null ? f.nullRows() : 0;
        }
        List<Row> rows = new ArrayList<>();
        for (FitReport.Category c : cats) {
            rows.add(classRow(Kind.CATEGORY, c.key(), c.trainRows(), total, c.value(), c.belowThreshold(), c.classes()));
        }
        List<FitReport.ClassValue> totals = f.classTotals() == null ? List.of() : f.classTotals();
        rows.add(classRow(Kind.NULLS, "(null)", f.nullRows(), total, f.defaultValue(), false, f.nullClasses()));
        rows.add(classRow(Kind.UNSEEN, "(unseen)", null, total, f.defaultValue(), false,
                totals.stream().map(t -> new FitReport.ClassValue(t.className(), null, null, t.value())).toList()));
        rows.add(classRow(Kind.TOTAL, "total", allCounts ? total : null, total, null, false,
                totals.stream().map(t -> new FitReport.ClassValue(t.className(), t.trainRows(), t.rate(), null)).toList()));
        return new Table(rows);
    }

    private static Row classRow(Kind kind, String label, Long count, long total, Double value, boolean below,
            List<FitReport.ClassValue> classes) {
        Double share = count != null && total > 0 ? (double) count / total : null;
        return new Row(kind, label, count, share, null, null, null, value, null, null, null, null, below, null, classes);
    }

    private static Row meanRow(Kind kind, String label, Long count, long total, Double mean, double value, boolean below) {
        Double share = count != null && total > 0 ? (double) count / total : null;
        return new Row(kind, label, count, share, null, null, null, value, null, null, null, null, below, mean);
    }

    private static Row unseen(FitReport.Field f) {
        return new Row(Kind.UNSEEN, "(unseen)", null, null, null, null, null, f.defaultValue(), null, null, null, null, false, null);
    }

    private static Row row(Kind kind, String label, Long count, long total, Long events, Double value, Double woe, WoeStatistics.Bin b,
            boolean below) {
        Double share = count != null && total > 0 ? (double) count / total : null;
        Long nonEvents = count != null && events != null ? count - events : null;
        Double rate = count != null && events != null && count > 0 ? (double) events / count : null;
        return new Row(kind, label, count, share, events, nonEvents, rate, value, woe, b == null ? null : b.ciLower(),
                b == null ? null : b.ciUpper(), b == null ? null : b.ivContribution(), below, null);
    }
}
