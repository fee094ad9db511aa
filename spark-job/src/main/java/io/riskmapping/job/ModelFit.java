package io.riskmapping.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.Hyperparameters;
import io.riskmapping.ml.feature.FieldStatistics;
import io.riskmapping.ml.feature.FitStatistics;
import io.riskmapping.ml.feature.InformationValues;
import io.riskmapping.ml.feature.MissingValueImputer;
import io.riskmapping.ml.feature.MissingValueImputerModel;
import io.riskmapping.ml.feature.NumericBinner;
import io.riskmapping.ml.feature.NumericBinnerModel;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.WoeEncoder;
import io.riskmapping.ml.feature.WoeEncoderModel;

/**
 * A training run's fit, on train read as one scan of all its shards (the fit needs no shard
 * layout): the imputation when {@code numeric_imputation} is set, then the binning when
 * {@code numeric_binning} is set, each fitted on what the one before made, then the risk tables
 * ({@link RiskTableMapper}) or, with {@code encoding = woe}, the WOE tables ({@link WoeEncoder}).
 * Puts what it fitted into the summary, with its progress lines and warnings.
 */
final class ModelFit {

    /** Confidence level of the IV intervals in iv_summary.json. */
    static final double IV_CONFIDENCE = 0.95;

    private final JobOptions options;
    private final JobSummary summary;
    private final Progress progress;
    private final DriverThread driver;

    ModelFit(JobOptions options, JobSummary summary, Progress progress, DriverThread driver) {
        this.options = options;
        this.summary = summary;
        this.progress = progress;
        this.driver = driver;
    }

    /**
     * Fits on the train split.
     *
     * @param schema the split's schema as {@link ShardReader#read} found it
     * @param names  the split's columns
     * @throws JobException (invalid) for a label column or field that is not in train, a field that is
     *                      the label, one label class only (unless {@code --allow-single-class}),
     *                      {@code num_folds} with WOE, a WOE label outside {0, 1, -1, null}; a shard a
     *                      task's reader refused ({@link ShardErrors#fromFailedSplitPass})
     */
    JobModel fit(SparkSession spark, Split train, StructType schema, ColumnNames names) {
        try {
            return fit(ShardReader.scan(spark, train, schema), names, options.hyperparameters(), train);
        } catch (Exception e) { // Spark's exceptions are checked ones, thrown undeclared
            JobException shard = ShardErrors.fromFailedSplitPass(e, train, spark.sparkContext().hadoopConfiguration());
            if (shard != null) {
                throw shard;
            }
            throw e;
        }
    }

    private JobModel fit(Dataset<Row> train, ColumnNames names, Hyperparameters hp, Split split) {
        String label = names.require(hp.labelName(), split, "label column");
        List<String> fields = hp.catFieldList();
        String[] cols = new String[fields.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = names.require(fields.get(i), split, "field");
            if (cols[i].equals(label)) {
                throw JobException.invalid("field '" + fields.get(i) + "' is the label column: it cannot be mapped");
            }
        }
        summary.labelColumn = hp.labelName();
        summary.fieldNames = fields;
        MissingValueImputerModel imputer = null;
        Map<String, String> imputation = hp.numericImputation();
        if (!imputation.isEmpty()) {
            String[] icols = new String[imputation.size()];
            String[] strategies = imputation.values().toArray(new String[0]);
            int k = 0;
            for (String f : imputation.keySet()) {
                icols[k] = names.require(f, split, "imputed field");
                if (icols[k].equals(label)) {
                    throw JobException.invalid("numeric_imputation names the label column '" + f + "'");
                }
                k++;
            }
            progress.line("impute: fitting %d numeric fields over %s", icols.length, split.name());
            imputer = new MissingValueImputer().setInputCols(icols).setStrategies(strategies).fit(train);
            imputer.imputeDict().values().forEach((c, v) -> summary.imputed.put(ColumnNames.field(c), v));
            train = imputer.transform(train);
        }
        NumericBinnerModel binner = null;
        Hyperparameters.NumericBinning binning = hp.numericBinning();
        if (binning != null) {
            String[] bcols = new String[binning.fields().size()];
            for (int i = 0; i < bcols.length; i++) {
                String f = binning.fields().get(i);
                bcols[i] = names.require(f, split, "binned field");
                if (bcols[i].equals(label) || List.of(cols).contains(bcols[i])) {
                    throw JobException.invalid("numeric_binning field '" + f + "' is also the label or in cat_field_list");
                }
            }
            progress.line("binning: %s edges of %d numeric fields over %s", binning.method(), bcols.length, split.name());
            binner = new NumericBinner().setInputCols(bcols).setOutputCols(bcols).setLabelCol(label).setMethod(binning.method())
                    .setNumBins(binning.numBins()).setMonotonic(binning.monotonic()).fit(train);
            train = binner.transform(train);
            String[] all = Arrays.copyOf(cols, cols.length + bcols.length);
            System.arraycopy(bcols, 0, all, cols.length, bcols.length);
            cols = all;
            List<String> allFields = new ArrayList<>(fields);
            allFields.addAll(binning.fields());
            summary.fieldNames = allFields;
            for (String f : binning.fields()) {
                summary.binned.put(f, binner.splits(names.require(f, split, "binned field")).length - 1);
            }
        }
        if (Hyperparameters.WOE.equals(hp.encoding())) {
            FieldEncoding woe = fitWoe(train, cols, label, hp, split);
            return new JobModel(woe, imputer, binner, false, null, TrainProfile.of(woe, summary.woe.events(), summary.woe.nonEvents(), label));
        }
        boolean outOfFold = hp.numFolds() >= 2;
        summary.folds = outOfFold ? hp.numFolds() : 0;
        progress.line("fit: counting categories of %d fields over %s (%d shards, %s) in one pass",
                cols.length, split.name(), split.shards().size(), split.describeFormat());
        long t0 = System.nanoTime();
        SparkContext sc = train.sparkSession().sparkContext();
        String group = "risk-table-mapping-fit-" + UUID.randomUUID();
        sc.setJobGroup(group, "risk table fit: one aggregation over " + split.name(), false);
        RiskTableMapper mapper = FieldEncoding.riskTableMapper(hp)
                .setInputCols(cols)
                .setLabelCol(label)
                .setSmoothFactor(hp.smoothFactor())
                .setCountThreshold(hp.countThreshold())
                .setMaxUniqueThreshold(hp.maxUniqueThreshold())
                .setParseNumericStrings(split.format().isText())
                .setNumFolds(hp.numFolds())
                .setSeed(hp.foldSeed());
        boolean continuous = Hyperparameters.CONTINUOUS.equals(hp.targetType());
        RiskTableMapperModel model = mapper.fit(train);
        summary.continuous = model.continuousStatistics();
        sc.clearJobGroup();
        int sparkJobs = sc.statusTracker().getJobIdsForGroup(group).length;
        if (continuous) {
            return continuous(model, cols, label, imputer, binner, outOfFold, sparkJobs, t0);
        }
        if (Hyperparameters.MULTICLASS.equals(hp.targetType())) {
            return multiclass(model, cols, label, imputer, binner, outOfFold, sparkJobs, t0);
        }
        checkLabelClasses(hp.labelName(), model.statistics().events(), model.statistics().fitRows() - model.statistics().events());
        summary.fit = model.statistics();
        summary.smoothing = switch (hp.smoothingMode()) {
            case Hyperparameters.COUNT -> "smoothing m = " + hp.smoothing();
            case Hyperparameters.AUTO -> "smoothing auto (empirical Bayes)";
            default -> "smooth samples " + model.statistics().smoothSamples();
        };
        summary.fitSeconds = Progress.secondsSince(t0);
        long skipped = 0;
        for (int i = 0; i < cols.length; i++) {
            FieldStatistics f = model.statistics().fields().get(i);
            if (!f.mapped()) {
                skipped++;
                progress.line("warning: field '%s' skipped (left unchanged): %s", ColumnNames.field(cols[i]), f.skipReason());
            } else if (Hyperparameters.GROUP.equals(hp.highCardinality()) && f.distinct() >= hp.maxUniqueThreshold()) {
                progress.line("field '%s': %,d categories, not below max_unique_threshold %d: the %d with the most fit rows kept, "
                        + "the others (and unseen ones) mapped as one category, __other__", ColumnNames.field(cols[i]), f.distinct(),
                        hp.maxUniqueThreshold(), hp.maxUniqueThreshold() - 1);
            } else if (f.distinct() == 0) {
                progress.line("warning: field '%s' has no value on %s (all null): every row gets the default %.6f",
                        ColumnNames.field(cols[i]), split.name(), model.statistics().prior());
            }
        }
        progress.line("fit: done in %.1f s (%d Spark jobs, counted from %s): %d fields mapped, %d skipped; %,d fitted rows, prior %.6f",
                summary.fitSeconds, sparkJobs, model.statistics().countSource(), cols.length - skipped, skipped,
                model.statistics().fitRows(), model.statistics().prior());
        // the IV summary is needed by the artifacts and the report only: computed on the driver's
        // background thread while the main thread builds the lookup tables and plans the first pass
        FitStatistics stats = model.statistics();
        CompletableFuture<List<InformationValues.Row>> ivRanking = driver.supply(() -> logical(InformationValues.of(stats, IV_CONFIDENCE)));
        FieldEncoding risk = new FieldEncoding.Risk(model);
        return new JobModel(risk, imputer, binner, outOfFold, ivRanking,
                TrainProfile.of(risk, stats.events(), stats.fitRows() - stats.events(), label));
    }

    /**
     * The end of a fit of a continuous label: each category's value is its smoothed mean. IV and
     * WOE are not defined there: no IV ranking (no {@code iv_summary.json}); the train profile
     * holds each field's labelled rows per category and the label's count, mean and standard
     * deviation (for the drift and label balance of later runs). With {@code outOfFold} the train
     * split is encoded out of fold.
     */
    private JobModel continuous(RiskTableMapperModel model, String[] cols, String label, MissingValueImputerModel imputer,
            NumericBinnerModel binner, boolean outOfFold, int sparkJobs, long t0) {
        summary.fitSeconds = Progress.secondsSince(t0);
        summary.smoothing = "continuous label";
        long mapped = model.riskTables().tables().size();
        for (String c : cols) {
            if (model.riskTables().get(c) == null) {
                progress.line("warning: field '%s' skipped (left unchanged): not below max_unique_threshold", ColumnNames.field(c));
            }
        }
        double mean = model.riskTables().list().isEmpty() ? Double.NaN : model.riskTables().list().get(0).defaultBin();
        progress.line("fit: done in %.1f s (%d Spark jobs): %d fields mapped, %d skipped; continuous label, mean %.6f",
                summary.fitSeconds, sparkJobs, mapped, cols.length - mapped, mean);
        return new JobModel(new FieldEncoding.Risk(model), imputer, binner, outOfFold, null,
                TrainProfile.ofContinuous(summary.continuous, label));
    }

    /**
     * The end of a fit of a multiclass label: each field is replaced by one column per class, the
     * class's one-vs-rest risk. IV and WOE are per class and not written (no {@code iv_summary.json});
     * the train profile holds each field's labelled rows per category and the label's rows per class
     * (for the drift and label balance of later runs).
     */
    private JobModel multiclass(RiskTableMapperModel model, String[] cols, String label, MissingValueImputerModel imputer,
            NumericBinnerModel binner, boolean outOfFold, int sparkJobs, long t0) {
        summary.fitSeconds = Progress.secondsSince(t0);
        List<String> classes = model.multiclassTables().classes();
        FitStatistics first = model.classStatistics().get(0);
        summary.smoothing = "multiclass label, " + classes.size() + " classes";
        summary.classStatistics = model.classStatistics();
        summary.classes = classes;
        long skipped = 0;
        for (FieldStatistics f : first.fields()) {
            if (!f.mapped()) {
                skipped++;
                progress.line("warning: field '%s' skipped (left unchanged): %s", ColumnNames.field(f.column()), f.skipReason());
            }
        }
        progress.line("fit: done in %.1f s (%d Spark jobs): %d fields mapped, %d skipped; multiclass label, %,d fitted rows, "
                + "%d classes (%s): each field becomes one column per class, <field>_<class>", summary.fitSeconds, sparkJobs,
                cols.length - skipped, skipped, first.fitRows(), classes.size(), String.join(", ", classes));
        FieldEncoding encoding = new FieldEncoding.Multiclass(model);
        return new JobModel(encoding, imputer, binner, outOfFold, null,
                TrainProfile.ofMulticlass(encoding, classes, model.classStatistics(), label));
    }

    /** Weight-of-evidence fit: binary label only (event = 1); no out-of-fold encoding. */
    private FieldEncoding fitWoe(Dataset<Row> train, String[] cols, String label, Hyperparameters hp, Split split) {
        if (hp.numFolds() >= 2) {
            throw JobException.invalid("num_folds applies to the risk_table encoding only; remove it or use encoding \"risk_table\"");
        }
        progress.line("fit: weight of evidence of %d fields over %s (%d shards, %s) in one pass",
                cols.length, split.name(), split.shards().size(), split.describeFormat());
        long t0 = System.nanoTime();
        WoeEncoderModel model = new WoeEncoder().setInputCols(cols).setLabelCol(label).setConfidenceLevel(IV_CONFIDENCE).fit(train);
        if (!model.isBinary()) {
            throw JobException.invalid("label column '" + hp.labelName() + "' holds values outside {0, 1, -1, null}: " + model.classes());
        }
        summary.fitSeconds = Progress.secondsSince(t0);
        summary.encoding = Hyperparameters.WOE;
        summary.woe = model.statistics(cols[0], "1");
        summary.ivRanking = logical(InformationValues.of(model));
        progress.line("fit: done in %.1f s: %d fields encoded by weight of evidence", summary.fitSeconds, cols.length);
        return new FieldEncoding.Woe(model);
    }

    /**
     * Refuses a fit whose labelled rows hold one label class only (every value would get the prior, 0 or 1,
     * and no information value exists), unless --allow-single-class, which makes it a warning.
     */
    private void checkLabelClasses(String label, long events, long nonEvents) {
        if (events > 0 && nonEvents > 0) {
            return;
        }
        String what = "label column '" + label + "' has one class only on train: " + events + " event(s) (1) and " + nonEvents
                + " non-event(s) (0)";
        if (!options.allowSingleClass()) {
            throw JobException.invalid(what + "; every value would be mapped to the prior " + (events > 0 ? "1" : "0")
                    + " (pass --allow-single-class to map it anyway)");
        }
        progress.line("warning: %s: every value is mapped to the prior (--allow-single-class)", what);
    }

    /** The rows with each field's logical name (a.b for the column a__DOT__b). */
    private static List<InformationValues.Row> logical(List<InformationValues.Row> rows) {
        List<InformationValues.Row> out = new ArrayList<>();
        rows.forEach(r -> out.add(new InformationValues.Row(ColumnNames.field(r.field()), r.iv(), r.ivSe(), r.ivCiLower(), r.ivCiUpper(), r.nBins())));
        return out;
    }
}
