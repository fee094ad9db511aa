package io.riskmapping.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.artifacts.Hyperparameters;
import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.job.report.FitReport;
import io.riskmapping.ml.feature.FieldStatistics;
import io.riskmapping.ml.feature.WoeStatistics;
import io.riskmapping.ml.feature.core.ContinuousTargets;

/**
 * The fit report of a run (docs/report.md) from its summary, encoding and drift: the run, the
 * hyperparameters, rows and label balance per split, time per pass, the IV ranking, the skipped
 * fields, each field's categories (by train count, with their value and WOE on train, for a
 * continuous label their raw mean label, for a multiclass label each class's raw rate and risk)
 * and each split's drift.
 */
final class RunReport {

    private RunReport() {
    }

    /**
     * The report, once the passes are done and the IV ranking is in the summary.
     *
     * @param model   what the run applied, and train's counts (its categories' train counts in the report)
     * @param seconds the run's time so far
     */
    static FitReport of(JobOptions options, JobSummary summary, JobModel model, List<FitReport.SplitDrift> drift, double seconds) {
        FieldEncoding encoding = model.encoding();
        Hyperparameters hp = options.hyperparameters();
        String version = RiskTableMappingJob.class.getPackage().getImplementationVersion();
        boolean risk = encoding instanceof FieldEncoding.Risk || encoding instanceof FieldEncoding.Multiclass;
        Integer threshold = hp != null && risk ? hp.countThreshold() : null;
        boolean continuous = hp != null ? Hyperparameters.CONTINUOUS.equals(hp.targetType())
                : model.train().label() != null && model.train().label().continuous();
        boolean multiclass = encoding instanceof FieldEncoding.Multiclass;
        FitReport.Run run = new FitReport.Run(options.jobType().label(), version == null ? "development" : version, summary.input,
                summary.output, summary.artifacts, risk ? "risk_table" : "woe", risk ? "risk" : "WOE", threshold, seconds,
                continuous ? FitReport.CONTINUOUS : multiclass ? FitReport.MULTICLASS : FitReport.BINARY);
        List<FitReport.SplitRows> splitRows = new ArrayList<>();
        List<FitReport.Pass> passes = new ArrayList<>();
        if (summary.fit != null || summary.woe != null || summary.continuous != null || summary.classStatistics != null) {
            passes.add(new FitReport.Pass("fit", summary.fitSeconds));
        }
        for (JobSummary.SplitResult r : summary.splits) {
            splitRows.add(new FitReport.SplitRows(r.name(), r.format(), r.rows(), r.shards(), r.rowsPerShard(), r.seconds(),
                    "train".equals(r.name()) ? trainLabels(summary, model, r.rows()) : summary.splitLabels.get(r.name())));
            passes.add(new FitReport.Pass(r.name(), r.seconds()));
        }
        List<FitReport.Iv> iv = new ArrayList<>();
        summary.ivRanking.forEach(r -> iv.add(new FitReport.Iv(r.field(), r.iv(), r.ivSe(), r.ivCiLower(), r.ivCiUpper(), r.nBins())));
        List<FitReport.Skipped> skipped = new ArrayList<>();
        if (summary.fit != null) {
            summary.fit.fields().stream().filter(f -> !f.mapped())
                    .forEach(f -> skipped.add(new FitReport.Skipped(ColumnNames.field(f.column()), f.skipReason())));
        }
        if (summary.continuous != null) {
            summary.continuous.fields().stream().filter(f -> f.skipReason() != null)
                    .forEach(f -> skipped.add(new FitReport.Skipped(ColumnNames.field(f.column()), f.skipReason())));
        }
        List<FitReport.Field> fields = new ArrayList<>();
        for (String c : encoding.columns()) {
            if (encoding instanceof FieldEncoding.Multiclass m) {
                fields.add(multiclassField(summary, model, m.model().multiclassTables(), c, threshold));
                continue;
            }
            Map<Object, Double> values = encoding.values(c);
            Map<Object, Long> counts = model.train().field(c).map(TrainProfile.Field::categories).orElse(null);
            List<Object> keys = new ArrayList<>(values.keySet());
            if (counts != null) {
                keys.sort((a, b) -> Long.compare(counts.getOrDefault(b, 0L), counts.getOrDefault(a, 0L)));
            }
            Map<Object, Double> woe = trainWoe(summary, encoding, c);
            Map<Object, long[]> fitted = trainEvents(summary, encoding, c);
            ContinuousTargets.Field sums = trainSums(summary, c);
            List<FitReport.Category> cats = new ArrayList<>();
            for (Object k : keys) {
                long[] nk = fitted == null ? null : fitted.get(k);
                ContinuousTargets.Sums ks = sums == null ? null : sums.categories().get(k);
                Long n = counts != null ? counts.get(k) : nk != null ? Long.valueOf(nk[0]) : ks != null ? Long.valueOf(ks.n()) : null;
                boolean below = threshold != null && n != null && n < threshold;
                cats.add(new FitReport.Category(k instanceof Double d ? NumericKeys.format(d) : k.toString(), n,
                        nk == null ? null : nk[1], values.get(k), woe.get(k), below, ks == null ? null : ks.mean()));
            }
            long[] nulls = fitted == null ? null : fitted.get(null);
            if (sums != null) {
                long n = sums.nulls().n();
                fields.add(new FitReport.Field(ColumnNames.field(c), encoding.mode(c).label(), encoding.defaultValue(c), cats, n, null,
                        n == 0 ? null : sums.nulls().mean()));
            } else {
                fields.add(new FitReport.Field(ColumnNames.field(c), encoding.mode(c).label(), encoding.defaultValue(c), cats,
                        nulls == null ? null : nulls[0], nulls == null ? null : nulls[1]));
            }
        }
        JsonNode hpJson = null;
        if (hp != null) {
            try {
                hpJson = new ObjectMapper().readTree(hp.toJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new FitReport(run, hpJson, splitRows, passes, iv, skipped, fields, drift);
    }

    /**
     * The fit's {train fit rows, events} of each category of a column and, under the key null, of its
     * null rows; null when the run did not fit (its counts are then only train's rows per category).
     */
    private static Map<Object, long[]> trainEvents(JobSummary summary, FieldEncoding encoding, String column) {
        Map<Object, long[]> out = new java.util.HashMap<>();
        if (encoding instanceof FieldEncoding.Woe w) {
            try {
                for (WoeStatistics.Bin b : w.model().statistics(column, "1").bins()) {
                    out.put(b.key(), new long[] {b.events() + b.nonEvents(), b.events()});
                }
                return out;
            } catch (IllegalStateException e) {
                return null; // tables loaded from the artifacts: no counts
            }
        }
        if (summary.fit == null) {
            return null;
        }
        for (FieldStatistics f : summary.fit.fields()) {
            if (f.column().equals(column) && f.mapped()) {
                f.counts().forEach((k, nk) -> out.put(k, new long[] {nk[0], nk[1]}));
                if (f.nullCounts() != null) {
                    out.put(null, new long[] {f.nullCounts()[0], f.nullCounts()[1]});
                }
                return out;
            }
        }
        return null;
    }

    /** A continuous fit's label sums of a column (null when the run did not fit a continuous label). */
    private static ContinuousTargets.Field trainSums(JobSummary summary, String column) {
        if (summary.continuous == null) {
            return null;
        }
        return summary.continuous.fields().stream().filter(f -> f.column().equals(column)).findFirst().orElse(null);
    }

    /**
     * A field of a multiclass label: per category (most train rows first) its train rows and, per
     * class, the class's rows among them (when the run fitted), raw rate and risk; the same for its
     * null rows; per class its labelled train rows, prior and default (from the train profile).
     */
    private static FitReport.Field multiclassField(JobSummary summary, JobModel model, MulticlassRiskTables tables, String column,
            Integer threshold) {
        List<String> classes = tables.classes();
        RiskTable first = tables.get(column, classes.get(0));
        TrainProfile.Field profile = model.train().field(column).orElse(null);
        Map<Object, Long> counts = profile == null ? null : profile.categories();
        List<FieldStatistics> perClass = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            FieldStatistics f = null;
            if (summary.classStatistics != null) {
                f = summary.classStatistics.get(i).fields().stream().filter(s -> s.column().equals(column) && s.mapped()).findFirst()
                        .orElse(null);
            }
            perClass.add(f);
        }
        List<Object> keys = new ArrayList<>(first.bins().keySet());
        if (counts != null) {
            keys.sort((a, b) -> Long.compare(counts.getOrDefault(b, 0L), counts.getOrDefault(a, 0L)));
        }
        List<FitReport.Category> cats = new ArrayList<>();
        for (Object k : keys) {
            Long n = counts != null ? counts.get(k) : perClass.get(0) != null && perClass.get(0).counts().get(k) != null
                    ? Long.valueOf(perClass.get(0).counts().get(k)[0]) : null;
            List<FitReport.ClassValue> values = new ArrayList<>();
            for (int i = 0; i < classes.size(); i++) {
                long[] nk = perClass.get(i) == null ? null : perClass.get(i).counts().get(k);
                values.add(classValue(classes.get(i), n, nk == null ? null : nk[1], tables.get(column, classes.get(i)).bins().get(k)));
            }
            cats.add(new FitReport.Category(k instanceof Double d ? NumericKeys.format(d) : k.toString(), n, null, first.bins().get(k), null,
                    threshold != null && n != null && n < threshold, null, values));
        }
        Long nullRows = profile != null ? Long.valueOf(profile.nullRows())
                : perClass.get(0) != null && perClass.get(0).nullCounts() != null ? Long.valueOf(perClass.get(0).nullCounts()[0]) : null;
        List<FitReport.ClassValue> nulls = new ArrayList<>();
        List<FitReport.ClassValue> totals = new ArrayList<>();
        Map<String, Long> labelRows = model.train().label() != null && model.train().label().multiclass() ? model.train().label().classes() : null;
        long labelled = labelRows == null ? 0 : labelRows.values().stream().mapToLong(Long::longValue).sum();
        for (int i = 0; i < classes.size(); i++) {
            RiskTable t = tables.get(column, classes.get(i));
            long[] nk = perClass.get(i) == null ? null : perClass.get(i).nullCounts();
            nulls.add(classValue(classes.get(i), nullRows, nk == null ? null : nk[1], t.nullValue()));
            Long rows = labelRows == null ? null : labelRows.get(classes.get(i));
            totals.add(new FitReport.ClassValue(classes.get(i), rows, rows == null || labelled == 0 ? null : (double) rows / labelled,
                    t.defaultBin()));
        }
        return new FitReport.Field(ColumnNames.field(column), first.mode().label(), first.defaultBin(), cats, nullRows, null, null, nulls,
                totals);
    }

    /** A class in a row of {@code rows} train rows, {@code classRows} of them of the class (null when unknown). */
    private static FitReport.ClassValue classValue(String cls, Long rows, Long classRows, Double value) {
        Double rate = rows != null && classRows != null && rows > 0 ? (double) classRows / rows : null;
        return new FitReport.ClassValue(cls, classRows, rate, value);
    }

    /** Train's rows by label, from the fit (null when the run did not fit). */
    private static FitReport.LabelBalance trainLabels(JobSummary summary, JobModel model, long trainRows) {
        TrainProfile.Label label = model.train().label();
        if (summary.classStatistics != null && label != null && label.multiclass()) {
            return FitReport.LabelBalance.multiclass(label.classes(), summary.classStatistics.get(0).unlabelledRows());
        }
        if (summary.continuous != null) {
            ContinuousTargets.Sums t = summary.continuous.total();
            return FitReport.LabelBalance.continuous(t.n(), summary.continuous.trainRows() - t.n(), t.sum(), t.sumSquares());
        }
        if (summary.fit != null) {
            return new FitReport.LabelBalance(summary.fit.events(), summary.fit.fitRows() - summary.fit.events(),
                    summary.fit.unlabelledRows());
        }
        if (summary.woe != null) {
            long labelled = summary.woe.events() + summary.woe.nonEvents();
            return new FitReport.LabelBalance(summary.woe.events(), summary.woe.nonEvents(), trainRows - labelled);
        }
        return null;
    }

    /** The WOE on train of each category of a column (empty when the counts are unknown). */
    private static Map<Object, Double> trainWoe(JobSummary summary, FieldEncoding encoding, String column) {
        Map<Object, Double> out = new LinkedHashMap<>();
        if (encoding instanceof FieldEncoding.Woe) {
            return encoding.trainCounts(column) == null ? out : encoding.values(column);
        }
        if (summary.fit == null) {
            return out;
        }
        for (FieldStatistics f : summary.fit.fields()) {
            if (f.column().equals(column) && f.mapped()) {
                Map<Object, long[]> bins = new LinkedHashMap<>();
                f.counts().forEach((k, nk) -> bins.put(k, new long[] {nk[1], nk[0] - nk[1]}));
                long events = summary.fit.events();
                long nonEvents = summary.fit.fitRows() - events;
                if (events > 0 && nonEvents > 0 && !bins.isEmpty()) {
                    WoeStatistics.compute(bins, events, nonEvents, 1.96).bins().forEach(b -> out.put(b.key(), b.woe()));
                }
            }
        }
        return out;
    }
}
