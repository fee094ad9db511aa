package io.riskmapping.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.hadoop.fs.Path;

import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.artifacts.WoeTable;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.artifacts.WoeTableMapCodec;
import io.riskmapping.ml.feature.MissingValueImputerModel;
import io.riskmapping.ml.feature.NumericBinnerModel;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.WoeEncoderModel;

/**
 * The model of a validation, testing or calibration run, from {@code --model-artifacts-input}: the
 * risk tables (or, when the folder has none but WOE tables, those), read on another thread
 * ({@link #start}; parsing their JSON is such a run's slowest driver step) while the main thread
 * discovers the splits, then put on the files' column names with the numeric bins and impute
 * values the folder holds ({@link #model}).
 */
final class ModelLoad {

    private final ArtifactStore store;
    private final Path artifactsIn;
    private final JobSummary summary;
    private final Progress progress;
    private final CompletableFuture<Object> load;
    private Object tables;

    private ModelLoad(ArtifactStore store, Path artifactsIn, JobSummary summary, Progress progress, CompletableFuture<Object> load) {
        this.store = store;
        this.artifactsIn = artifactsIn;
        this.summary = summary;
        this.progress = progress;
        this.load = load;
    }

    /** Starts reading the tables of {@code artifactsIn} on another thread. */
    static ModelLoad start(ArtifactStore store, Path artifactsIn, JobSummary summary, Progress progress) {
        CompletableFuture<Object> load;
        if (store.hasRiskTables(artifactsIn) || !store.exists(new Path(artifactsIn, WoeTableMapCodec.JSON_FILE))) {
            load = CompletableFuture.supplyAsync(() -> store.loadAnyRiskTables(artifactsIn));
        } else {
            load = CompletableFuture.supplyAsync(() -> store.loadWoeTables(artifactsIn));
        }
        return new ModelLoad(store, artifactsIn, summary, progress, load);
    }

    /**
     * Waits until the tables are read.
     *
     * @throws JobException as {@link ArtifactStore#loadRiskTables} or {@link ArtifactStore#loadWoeTables}
     *                      (not found, or invalid artifacts)
     */
    void await() {
        tables = DriverThread.join(load);
    }

    /**
     * The loaded model on the columns of the first split (after {@link #await}), with one progress line.
     *
     * @throws JobException (invalid) for a table's, binned or imputed field that is not a column of
     *                      the split
     */
    JobModel model(ColumnNames names, Split split) {
        FieldEncoding encoding;
        if (tables instanceof RiskTableMap loaded) {
            List<RiskTable> physical = new ArrayList<>();
            for (RiskTable t : loaded.list()) {
                physical.add(t.withVarName(names.require(t.varName(), split, "field")));
            }
            encoding = new FieldEncoding.Risk(RiskTableMapperModel.fromRiskTables(new RiskTableMap(physical)));
            summary.tablesLoaded = physical.size();
        } else if (tables instanceof MulticlassRiskTables loaded) {
            List<RiskTableMap> perClass = new ArrayList<>();
            for (RiskTableMap m : loaded.byClass().values()) {
                List<RiskTable> physical = new ArrayList<>();
                for (RiskTable t : m.list()) {
                    physical.add(t.withVarName(names.require(t.varName(), split, "field")));
                }
                perClass.add(new RiskTableMap(physical));
            }
            encoding = new FieldEncoding.Multiclass(RiskTableMapperModel.fromMulticlassTables(
                    new MulticlassRiskTables(loaded.classes(), perClass)));
            summary.tablesLoaded = loaded.fields().size();
        } else {
            WoeTableMap loadedWoe = (WoeTableMap) tables;
            List<WoeTable> physical = new ArrayList<>();
            for (WoeTable t : loadedWoe.list()) {
                physical.add(new WoeTable(names.require(t.varName(), split, "field"), t.mode(), t.eventClass(),
                        t.prior(), t.woe(), t.se(), t.nullWoe(), t.nullSe()));
            }
            encoding = new FieldEncoding.Woe(WoeEncoderModel.fromWoeTables(new WoeTableMap(physical)));
            summary.tablesLoaded = loadedWoe.tables().size();
        }
        NumericBinnerModel binner = null;
        Map<String, double[]> edges = store.loadNumericBins(artifactsIn);
        if (edges != null) {
            Map<String, double[]> byColumn = new LinkedHashMap<>();
            edges.forEach((field, e) -> byColumn.put(names.require(field, split, "binned field"), e));
            binner = NumericBinnerModel.fromEdges(byColumn, "loaded");
        }
        MissingValueImputerModel imputer = null;
        ImputeDict impute = store.loadImputeDict(artifactsIn);
        if (impute != null) {
            Map<String, Double> byColumn = new LinkedHashMap<>();
            impute.values().forEach((field, v) -> byColumn.put(names.require(field, split, "imputed field"), v));
            imputer = MissingValueImputerModel.fromImputeDict(new ImputeDict(byColumn));
            summary.imputed.putAll(impute.values());
        }
        progress.line("loaded %d %s tables%s from %s", summary.tablesLoaded, tables instanceof RiskTableMap ? "risk"
                : tables instanceof MulticlassRiskTables m ? "multiclass risk (" + m.classes().size() + " classes)" : "WOE",
                impute == null ? "" : " and " + impute.size() + " impute values", artifactsIn);
        TrainProfile train = trainProfile(names);
        if (!train.known()) {
            progress.line("warning: %s holds no %s (the artifacts predate it): no drift against train (PSI) in the report",
                    artifactsIn, TrainProfile.FILE);
        }
        return new JobModel(encoding, imputer, binner, false, null, train);
    }

    /**
     * The training run's {@code train_profile.json}, its fields on the files' column names, or
     * {@link TrainProfile#unknown()} when the artifacts have none.
     *
     * @throws JobException (invalid) when the file is not a profile this job reads, naming it
     */
    private TrainProfile trainProfile(ColumnNames names) {
        Path file = new Path(artifactsIn, TrainProfile.FILE);
        if (!store.exists(file)) {
            return TrainProfile.unknown();
        }
        try {
            return TrainProfile.fromJson(store.read(file), field -> java.util.Optional.ofNullable(names.column(field)));
        } catch (IllegalArgumentException e) {
            throw JobException.invalid(file + ": " + e.getMessage());
        }
    }
}
