package io.riskmapping.job;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.riskmapping.artifacts.Hyperparameters;
import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.artifacts.ImputeDictCodec;
import io.riskmapping.artifacts.NumericBinsCodec;
import io.riskmapping.job.report.FitReport;
import io.riskmapping.ml.feature.InformationValues;

/**
 * Writes a run's artifacts into the staged artifacts folder: a copy of {@code --model-artifacts-input}
 * when given; for a training run the tables (risk: {@code RiskTableMapCodec} JSON and pickle; WOE:
 * {@code WoeTableMapCodec}), {@code hyperparameters.json}, {@code iv_summary.json} and, when fitted,
 * the numeric bins, the impute values (JSON and pickle) and {@link TrainProfile#FILE}; then, unless
 * {@code --no-report}, the report ({@link #reportFile}, {@link #runSummaryFile}, {@link RunReport}). Each file written is
 * listed once in the summary's artifact files.
 */
final class ArtifactWriter {

    /** The IV ranking file of every training run. */
    static final String IV_SUMMARY_FILE = "iv_summary.json";
    /** The report and run summary of a training run; other job types add their name ({@link #reportFile}). */
    static final String REPORT_FILE = "report.html";
    static final String RUN_SUMMARY_FILE = "run_summary.json";

    /**
     * The report of a job type: {@code report.html} for training, {@code report-validation.html},
     * {@code report-testing.html}, {@code report-calibration.html} for the others, so that artifacts
     * accumulated along a pipeline keep every step's.
     */
    static String reportFile(JobType type) {
        return named(REPORT_FILE, type);
    }

    /** The run summary of a job type: {@code run_summary.json} for training, else {@code run_summary-<job type>.json}. */
    static String runSummaryFile(JobType type) {
        return named(RUN_SUMMARY_FILE, type);
    }

    private static String named(String file, JobType type) {
        if (type == JobType.TRAINING) {
            return file;
        }
        int dot = file.lastIndexOf('.');
        return file.substring(0, dot) + "-" + type.label() + file.substring(dot);
    }

    private final JobOptions options;
    private final ArtifactStore store;
    private final JobSummary summary;
    private final JobModel model;
    /** The risk fit's IV ranking while it is computed (then in {@link #summary}), or null. */
    private CompletableFuture<List<InformationValues.Row>> ivRanking;

    ArtifactWriter(JobOptions options, ArtifactStore store, JobSummary summary, JobModel model) {
        this.options = options;
        this.store = store;
        this.summary = summary;
        this.model = model;
        this.ivRanking = model.ivRanking();
    }

    /**
     * Writes the artifacts (not the report) into {@code dir}; a training run's on the
     * {@link DriverThread} while the splits are mapped, another run's after the passes.
     *
     * @throws UncheckedIOException when a file cannot be copied or written
     */
    void write(Path dir) {
        awaitIvRanking();
        if (options.artifactsIn() != null) {
            List<String> copied = store.copyFolder(options.artifactsIn(), dir);
            summary.artifactFiles.addAll(copied);
        }
        Hyperparameters hp = options.hyperparameters();
        if (hp == null) {
            return;
        }
        List<String> written = new ArrayList<>(model.encoding().writeArtifacts(store, dir));
        store.write(new Path(dir, Hyperparameters.FILE), hp.toJson());
        written.add(Hyperparameters.FILE);
        if (Hyperparameters.BINARY.equals(hp.targetType())) {
            // IV needs a binary label
            store.write(new Path(dir, IV_SUMMARY_FILE), ivSummaryJson(summary.ivRanking));
            written.add(IV_SUMMARY_FILE);
        }
        if (model.train().known()) {
            store.write(new Path(dir, TrainProfile.FILE), model.train().toJson(ColumnNames::field));
            written.add(TrainProfile.FILE);
        }
        if (model.binner() != null) {
            Map<String, double[]> edges = new LinkedHashMap<>();
            for (String c : model.binner().getInputCols()) {
                double[] splits = model.binner().splits(c);
                edges.put(ColumnNames.field(c), Arrays.copyOfRange(splits, 1, splits.length - 1));
            }
            store.writeNumericBins(new Path(dir, ArtifactStore.NUMERIC_BINS_FILE), edges, hp.numericBinning().method());
            store.writeNumericBinsPickle(new Path(dir, NumericBinsCodec.PICKLE_FILE), edges, hp.numericBinning().method());
            written.addAll(List.of(ArtifactStore.NUMERIC_BINS_FILE, NumericBinsCodec.PICKLE_FILE));
        }
        if (model.imputer() != null) {
            Map<String, Double> byField = new LinkedHashMap<>();
            model.imputer().imputeDict().values().forEach((c, v) -> byField.put(ColumnNames.field(c), v));
            ImputeDict impute = new ImputeDict(byField);
            store.write(new Path(dir, ImputeDictCodec.JSON_FILE), ImputeDictCodec.toJson(impute));
            store.write(new Path(dir, ImputeDictCodec.PICKLE_FILE), ImputeDictCodec.toPickle(impute));
            written.addAll(List.of(ImputeDictCodec.JSON_FILE, ImputeDictCodec.PICKLE_FILE));
        }
        listOnce(written);
    }

    /**
     * Writes {@code report.html} and {@code run_summary.json} into {@code dir} (docs/report.md),
     * once the passes are done.
     *
     * @param drift     each split but train against train ({@link SplitPass#drift})
     * @param runStart  when the run started, a {@link System#nanoTime} value
     * @throws UncheckedIOException when a file cannot be written
     */
    void writeReport(Path dir, List<FitReport.SplitDrift> drift, long runStart) {
        awaitIvRanking();
        FitReport report = RunReport.of(options, summary, model, drift, Progress.secondsSince(runStart));
        String html = reportFile(options.jobType());
        String json = runSummaryFile(options.jobType());
        store.write(new Path(dir, html), report.toHtml());
        store.write(new Path(dir, json), report.toJson());
        listOnce(List.of(html, json));
    }

    private void listOnce(List<String> files) {
        for (String f : files) {
            if (!summary.artifactFiles.contains(f)) {
                summary.artifactFiles.add(f);
            }
        }
    }

    /** The IV ranking into the summary, once its computation ({@link #ivRanking}) is done. */
    private void awaitIvRanking() {
        if (ivRanking != null) {
            summary.ivRanking = DriverThread.join(ivRanking);
            ivRanking = null;
        }
    }

    /** {@code iv_summary.json}: a list sorted by IV of {field, iv, iv_se, iv_ci_lower, iv_ci_upper, n_bins}. */
    static byte[] ivSummaryJson(List<InformationValues.Row> rows) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode list = json.createArrayNode();
        for (InformationValues.Row r : rows) {
            ObjectNode n = list.addObject();
            n.put("field", r.field());
            n.put("iv", r.iv());
            n.put("iv_se", r.ivSe());
            n.put("iv_ci_lower", r.ivCiLower());
            n.put("iv_ci_upper", r.ivCiUpper());
            n.put("n_bins", r.nBins());
        }
        try {
            return json.writeValueAsBytes(list);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
