package io.riskmapping.job;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.riskmapping.ml.feature.FieldStatistics;
import io.riskmapping.ml.feature.FitStatistics;

/** What a run did, printed at the end: fields mapped or skipped, rows and shards per split, time per pass. */
final class JobSummary {

    /** One transformed split. */
    record SplitResult(String name, String format, int shards, long rows, List<Long> rowsPerShard, double seconds) {
    }

    JobType jobType;
    String input;
    String output;
    String artifacts;
    List<String> artifactFiles = new ArrayList<>();
    String labelColumn;
    FitStatistics fit;
    /** A fit of a continuous label: its label sums per field and category, or null. */
    io.riskmapping.ml.feature.core.ContinuousTargets.Fit continuous;
    /** A one-vs-rest fit of a multiclass label: its statistics with each class as the event, in the tables' class order, or null. */
    List<FitStatistics> classStatistics;
    /** A multiclass label's classes, in the order of {@link #classStatistics}, or null. */
    List<String> classes;
    /** Each split's label balance as counted in its pass (splits but train; none without a label column), by split name. */
    final java.util.Map<String, io.riskmapping.job.report.FitReport.LabelBalance> splitLabels = new java.util.LinkedHashMap<>();
    /** How the fit smoothed, as the summary prints it: "smooth samples m" (fraction), "smoothing m = s" (count) or "smoothing auto". */
    String smoothing;
    List<String> fieldNames = new ArrayList<>();
    double fitSeconds;
    int tablesLoaded;
    /** Imputed field &rarr; value. */
    final java.util.Map<String, Double> imputed = new java.util.LinkedHashMap<>();
    /** Folds of the out-of-fold encoding of train, or 0. */
    int folds;
    /** Binned field &rarr; number of value bins (a missing bin comes on top). */
    final java.util.Map<String, Integer> binned = new java.util.LinkedHashMap<>();
    /** "risk_table" or "woe". */
    String encoding = "risk_table";
    /** A WOE fit's statistics of its first field (for the label totals), or null. */
    io.riskmapping.ml.feature.WoeStatistics.Field woe;
    /** The fields by information value (training runs). */
    List<io.riskmapping.ml.feature.InformationValues.Row> ivRanking = new ArrayList<>();
    final List<SplitResult> splits = new ArrayList<>();
    double totalSeconds;

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "risk-table-mapping %s: done in %.1f s%n", jobType, totalSeconds);
        out.printf(Locale.ROOT, "  input      %s%n", input);
        out.printf(Locale.ROOT, "  output     %s%n", output);
        out.printf(Locale.ROOT, "  artifacts  %s (%s)%n", artifacts, String.join(", ", artifactFiles));
        if (fit != null) {
            out.printf(Locale.ROOT, "  label      %s: %,d train rows, %,d fitted (%,d events, prior %.6f), %,d unlabelled, %s%n",
                    labelColumn, fit.trainRows(), fit.fitRows(), fit.events(), fit.prior(), fit.unlabelledRows(),
                    smoothing != null ? smoothing : "smooth samples " + fit.smoothSamples());
            long mapped = fit.fields().stream().filter(FieldStatistics::mapped).count();
            out.printf(Locale.ROOT, "  fields     %d mapped, %d skipped%n", mapped, fit.fields().size() - mapped);
            int width = Math.max(5, fieldNames.stream().mapToInt(String::length).max().orElse(5));
            String row = "    %-" + width + "s  %-11s  %10s  %8s  %s";
            out.println(String.format(Locale.ROOT, row, "field", "mode", "categories", "nulls", "note").stripTrailing());
            for (int i = 0; i < fit.fields().size(); i++) {
                FieldStatistics f = fit.fields().get(i);
                out.println(String.format(Locale.ROOT, row, fieldNames.get(i), f.mode().label(),
                        f.mapped() ? f.counts().size() : f.distinct(), f.nullRows(),
                        f.mapped() ? "" : "skipped: " + f.skipReason()).stripTrailing());
            }
        } else if (continuous != null) {
            io.riskmapping.ml.feature.core.ContinuousTargets.Sums t = continuous.total();
            out.printf(Locale.ROOT, "  label      %s: %,d train rows, %,d labelled (continuous, mean %.6f, std %.6f), %,d unlabelled%n",
                    labelColumn, continuous.trainRows(), t.n(), t.mean(), Math.sqrt(t.variance()), continuous.trainRows() - t.n());
            long mapped = continuous.fields().stream().filter(f -> f.skipReason() == null).count();
            out.printf(Locale.ROOT, "  fields     %d mapped, %d skipped%n", mapped, continuous.fields().size() - mapped);
        } else if (classStatistics != null) {
            FitStatistics first = classStatistics.get(0);
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < classStatistics.size(); i++) {
                rows.append(rows.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %,d", classes.get(i),
                        classStatistics.get(i).events()));
            }
            out.printf(Locale.ROOT, "  label      %s: %,d train rows, %,d labelled (multiclass: %s), %,d unlabelled%n",
                    labelColumn, first.trainRows(), first.fitRows(), rows, first.unlabelledRows());
            long mapped = first.fields().stream().filter(FieldStatistics::mapped).count();
            out.printf(Locale.ROOT, "  fields     %d mapped, %d skipped%n", mapped, first.fields().size() - mapped);
        } else if (woe != null) {
            long n = woe.events() + woe.nonEvents();
            out.printf(Locale.ROOT, "  label      %s: %,d fitted rows (%,d events, prior %.6f)%n", labelColumn, n, woe.events(), (double) woe.events() / n);
            out.printf(Locale.ROOT, "  fields     %d encoded by weight of evidence (woe_table_map.json)%n", fieldNames.size());
        } else {
            out.printf(Locale.ROOT, "  fields     %d mapped with the loaded tables%n", tablesLoaded);
        }
        if (!ivRanking.isEmpty()) {
            int width = Math.max(5, ivRanking.stream().mapToInt(r -> r.field().length()).max().orElse(5));
            out.println("  information value (train, event = 1), highest first");
            out.println(String.format(Locale.ROOT, "    %-" + width + "s  %7s  %7s  %17s  %4s", "field", "IV", "SE", "95% CI", "bins").stripTrailing());
            for (io.riskmapping.ml.feature.InformationValues.Row r : ivRanking) {
                out.println(String.format(Locale.ROOT, "    %-" + width + "s  %7.4f  %7.4f  [%6.4f, %6.4f]  %4d", r.field(), r.iv(), r.ivSe(),
                        r.ivCiLower(), r.ivCiUpper(), r.nBins()));
            }
        }
        if (!imputed.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            imputed.forEach((f, v) -> sb.append(sb.length() > 0 ? ", " : "").append(f).append(" = ").append(v));
            out.printf(Locale.ROOT, "  imputed    %s%n", sb);
        }
        if (!binned.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            binned.forEach((f, n) -> sb.append(sb.length() > 0 ? ", " : "").append(f).append(" (").append(n).append(" bins)"));
            out.printf(Locale.ROOT, "  binned     %s%n", sb);
        }
        if (folds >= 2) {
            out.printf(Locale.ROOT, "  train      encoded out of fold (%d folds); the artifacts hold the full-data tables%n", folds);
        }
        out.println("  splits");
        for (SplitResult s : splits) {
            out.printf(Locale.ROOT, "    %-11s %,10d rows  %4d shards  %-8s %6.1f s%n", s.name(), s.rows(), s.shards(), s.format(), s.seconds());
        }
        StringBuilder passes = new StringBuilder();
        if (fit != null || woe != null || continuous != null || classStatistics != null) {
            passes.append(String.format(Locale.ROOT, "fit %.1f s", fitSeconds));
        }
        for (SplitResult s : splits) {
            passes.append(passes.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %.1f s", s.name(), s.seconds()));
        }
        out.printf(Locale.ROOT, "  passes     %s%n", passes);
    }
}
