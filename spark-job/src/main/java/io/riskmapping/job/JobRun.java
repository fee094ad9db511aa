package io.riskmapping.job;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.artifacts.Hyperparameters;
import io.riskmapping.artifacts.ImputeDict;
import io.riskmapping.artifacts.ImputeDictCodec;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.artifacts.RiskTableMapCodec;
import io.riskmapping.artifacts.WoeTable;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.artifacts.WoeTableMapCodec;
import io.riskmapping.job.report.FitReport;
import io.riskmapping.ml.feature.exec.DriftBuckets;
import io.riskmapping.ml.feature.exec.TransformPaths;
import io.riskmapping.ml.feature.exec.csv.CsvMapping;
import io.riskmapping.ml.feature.exec.parquet.ColumnarMapping;
import io.riskmapping.ml.feature.FieldStatistics;
import io.riskmapping.ml.feature.FitStatistics;
import io.riskmapping.ml.feature.InformationValues;
import io.riskmapping.ml.feature.WoeEncoder;
import io.riskmapping.ml.feature.WoeEncoderModel;
import io.riskmapping.ml.feature.MissingValueImputer;
import io.riskmapping.ml.feature.MissingValueImputerModel;
import io.riskmapping.ml.feature.NumericBinner;
import io.riskmapping.ml.feature.NumericBinnerModel;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;

/**
 * One run of the job, from validated options to published output: the path of the data is
 * options &rarr; {@link Split#discover} &rarr; {@link ShardIO#read} &rarr; {@link RiskTableMapper#fit}
 * (training) or the loaded tables &rarr; {@link RiskTableMapperModel#transform} &rarr;
 * {@link ShardIO#write} into a staging folder &rarr; artifacts &rarr; publish &rarr; summary.
 *
 * <p>The output folder belongs to the run as a whole: every split and artifact is written into a
 * hidden sibling of it and published by renaming ({@link StagedFolder}), so the output is the
 * previous complete one, the new complete one or, between the two renames of a replacement, absent;
 * never a mix. The input is only read.
 */
final class JobRun {

    private final RiskTableMappingJob o;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final JobSummary summary = new JobSummary();
    /** Imputation applied before risk mapping, or null. */
    private MissingValueImputerModel imputer;
    /** Binning of numeric fields before encoding, or null. */
    private NumericBinnerModel binner;
    /** Per non-train split, how it compares with train (for the report). */
    private final List<FitReport.SplitDrift> drift = new ArrayList<>();
    private Hyperparameters usedHyperparameters;
    private long runStart;
    /** Whether the train split is encoded out of fold. */
    private boolean outOfFold;
    /** The risk fit's IV ranking while it is computed (then in {@link #summary}), or null. */
    private CompletableFuture<List<InformationValues.Row>> ivRanking;
    /** See {@link #background()}; null until first used. */
    private ExecutorService background;

    JobRun(RiskTableMappingJob options, Map<String, String> env, PrintStream out, PrintStream err) {
        this.o = options;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    private void progress(String format, Object... args) {
        err.println("[risk-table-mapping] " + String.format(Locale.ROOT, format, args));
        err.flush();
    }

    int execute() {
        long start = System.nanoTime();
        runStart = start;
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        if (ownSession && o.master == null && !new SparkConf().contains("spark.master")) {
            throw JobException.invalid("no Spark master: pass --master local[*] (or run through spark-submit)");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("risk-table-mapping " + o.jobType);
        builder.config(ShardIO.UNVERIFIED_LOCAL_READS); // a stale .crc sidecar beside a local shard does not fail the run
        if (o.master != null) {
            builder.master(o.master);
        }
        SparkSession spark = builder.getOrCreate();
        String scalaVersion = scala.util.Properties$.MODULE$.versionNumberString();
        progress("running on Spark %s, Scala %s (job built for Spark %s, Scala %s)", spark.version(), scalaVersion, BuildInfo.SPARK_VERSION,
                BuildInfo.SCALA_VERSION);
        String mismatch = BuildInfo.mismatch(spark.version(), scalaVersion);
        if (mismatch != null) {
            progress("warning: %s", mismatch);
        }
        try {
            run(spark);
        } finally {
            if (background != null) {
                background.shutdown();
            }
            if (ownSession) {
                spark.stop();
            }
        }
        summary.totalSeconds = seconds(start);
        summary.print(out);
        out.flush();
        return JobException.OK;
    }

    private void run(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ArtifactStore store = new ArtifactStore(conf);
        // every path as the file system sees it (links followed, ".." removed), so that the overlap
        // checks below compare what is read and written, not how the paths were spelled
        Path input = resolve(new Path(o.inputDir), store);
        Path output = resolve(new Path(o.outputDir), store);
        Path artifactsOut = o.artifactsOut != null ? resolve(new Path(o.artifactsOut), store) : new Path(output, "model_artifacts");
        Path artifactsIn = o.artifactsIn != null ? resolve(new Path(o.artifactsIn), store) : null;
        summary.jobType = o.jobType;
        summary.output = output.toString();
        summary.artifacts = artifactsOut.toString();

        if (!store.isDirectory(input)) {
            throw JobException.notFound("input folder not found: " + input);
        }
        if (artifactsIn != null && !store.isDirectory(artifactsIn)) {
            throw JobException.notFound("model artifacts folder not found: " + artifactsIn);
        }
        for (Path t : List.of(output, artifactsOut)) {
            if (related(t, input)) {
                throw JobException.invalid("output " + t + aliased(t == output ? o.outputDir : o.artifactsOut, t, store)
                        + " overlaps the input folder " + input + aliased(o.inputDir, input, store) + ": choose an output outside the input");
            }
        }
        // The output folder (and a separate artifacts folder) is replaced as a whole: it may hold neither the other nor an input.
        boolean artifactsInOutput = within(artifactsOut, output);
        if (!artifactsInOutput && within(output, artifactsOut)) {
            throw JobException.invalid("--model-artifacts-output " + artifactsOut + " holds the output folder " + output
                    + ": choose an artifacts folder inside the output or apart from it");
        }
        if (artifactsIn != null && related(artifactsIn, output)) {
            throw JobException.invalid("--model-artifacts-input " + artifactsIn + " overlaps the output folder " + output
                    + ", which the job replaces as a whole: read the artifacts from elsewhere");
        }
        if (artifactsIn != null && !artifactsInOutput && related(artifactsIn, artifactsOut)) {
            throw JobException.invalid("--model-artifacts-input " + artifactsIn + " overlaps --model-artifacts-output " + artifactsOut
                    + ", which the job replaces as a whole: read the artifacts from elsewhere");
        }
        for (Path t : artifactsInOutput ? List.of(output) : List.of(output, artifactsOut)) {
            if (store.isFile(t)) {
                throw JobException.invalid((t == output ? "output folder " : "--model-artifacts-output ") + t
                        + " is a file: the job writes a folder there and never replaces a file; choose a folder");
            }
        }
        String runId = UUID.randomUUID().toString();
        StagedFolder outStage = new StagedFolder(store.fs(output), output, runId, this::progress);
        StagedFolder artifactsStage = artifactsInOutput ? null : new StagedFolder(store.fs(artifactsOut), artifactsOut, runId, this::progress);

        Hyperparameters hp = null;
        RiskTableMap loaded = null;
        WoeTableMap loadedWoe = null;
        CompletableFuture<Object> tablesLoad = null;
        if (o.jobType == JobType.TRAINING) {
            if (o.hyperparameters == null) {
                throw JobException.invalid("--hyperparameters is required for a training job");
            }
            hp = store.loadHyperparameters(new Path(o.hyperparameters)).withEnvironment(env);
            if (hp.catFieldList().isEmpty()) {
                throw JobException.invalid(o.hyperparameters + ": cat_field_list is empty: no field to map");
            }
            checkUnknownKeys(hp);
        } else {
            if (artifactsIn == null) {
                throw JobException.invalid("--model-artifacts-input is required for a " + o.jobType + " job (the folder a training job wrote)");
            }
            // The tables load (parsing their JSON is a validation run's slowest driver step) on another
            // thread while this one discovers the splits and reads the first split's schema (both
            // read-only: the output is prepared after both).
            Path from = artifactsIn;
            if (store.hasRiskTables(artifactsIn) || !store.exists(new Path(artifactsIn, WoeTableMapCodec.JSON_FILE))) {
                tablesLoad = CompletableFuture.supplyAsync(() -> store.loadRiskTables(from));
            } else {
                tablesLoad = CompletableFuture.supplyAsync(() -> store.loadWoeTables(from));
            }
        }

        List<Split> splits = new ArrayList<>();
        List<ShardIO.ShardFrame> firstFrames;
        try {
            for (String s : o.jobType.splits()) {
                splits.add(Split.discover(input, s, conf));
            }
            splits.replaceAll(s -> ShardIO.check(s, conf)); // every shard's header or footer, read once, before the fit
            summary.input = input + " (" + splits.get(0).describeFormat() + ")";
            firstFrames = ShardIO.read(spark, splits.get(0));
        } catch (RuntimeException e) {
            if (tablesLoad != null) {
                join(tablesLoad); // bad artifacts are reported first, as when they were loaded first
            }
            throw e;
        }
        if (tablesLoad != null) {
            Object tables = join(tablesLoad);
            loaded = tables instanceof RiskTableMap r ? r : null;
            loadedWoe = tables instanceof WoeTableMap w ? w : null;
        }
        // Only now, with the input and the artifacts read, is anything under the output touched: first
        // the claims (one writer per output), then what a dead run left is tidied, under the claim.
        List<OutputClaim> claims = new ArrayList<>();
        try {
            claims.add(claim(store, output, runId));
            if (artifactsStage != null) {
                claims.add(claim(store, artifactsOut, runId));
            }
            prepare(outStage, "output folder " + output);
            if (artifactsStage != null) {
                prepare(artifactsStage, "artifacts folder " + artifactsOut);
            }
            runClaimed(spark, store, hp, loaded, loadedWoe, splits, firstFrames, input, output, artifactsIn, artifactsOut,
                    outStage, artifactsStage, runId, claims);
        } finally {
            for (int i = claims.size() - 1; i >= 0; i--) {
                claims.get(i).release();
            }
        }
    }

    /** The run once it holds the claims on its output folders: fit or load, the passes, the artifacts, the publish. */
    private void runClaimed(SparkSession spark, ArtifactStore store, Hyperparameters hp, RiskTableMap loaded, WoeTableMap loadedWoe,
            List<Split> splits, List<ShardIO.ShardFrame> firstFrames, Path input, Path output, Path artifactsIn, Path artifactsOut,
            StagedFolder outStage, StagedFolder artifactsStage, String runId, List<OutputClaim> claims) {

        FieldEncoding encoding;
        Dataset<Row> first = firstFrames.get(0).data(); // the shards' schemas are equal (ShardIO.read)
        ColumnNames names = new ColumnNames(first.columns());
        if (hp != null) {
            // The fit reads train as one scan of all its shards: it needs no shard-per-partition layout.
            try {
                encoding = fit(ShardIO.scan(spark, splits.get(0), first.schema()), names, hp, splits.get(0));
            } catch (Exception e) { // Spark's exceptions are checked ones, thrown undeclared
                JobException shard = ShardErrors.fromFailedSplitPass(e, splits.get(0), spark.sparkContext().hadoopConfiguration());
                if (shard != null) {
                    throw shard;
                }
                throw e;
            }
        } else if (loaded != null) {
            List<RiskTable> physical = new ArrayList<>();
            for (RiskTable t : loaded.list()) {
                physical.add(t.withVarName(requireColumn(names, t.varName(), splits.get(0), "field")));
            }
            encoding = new FieldEncoding.Risk(RiskTableMapperModel.fromRiskTables(new RiskTableMap(physical)));
            summary.tablesLoaded = physical.size();
        } else {
            List<WoeTable> physical = new ArrayList<>();
            for (WoeTable t : loadedWoe.list()) {
                physical.add(new WoeTable(requireColumn(names, t.varName(), splits.get(0), "field"), t.mode(), t.eventClass(),
                        t.prior(), t.woe(), t.se(), t.nullWoe(), t.nullSe()));
            }
            encoding = new FieldEncoding.Woe(WoeEncoderModel.fromWoeTables(new WoeTableMap(physical)));
            summary.tablesLoaded = loadedWoe.tables().size();
        }
        if (hp == null) {
            Map<String, double[]> edges = store.loadNumericBins(artifactsIn);
            if (edges != null) {
                Map<String, double[]> byColumn = new LinkedHashMap<>();
                edges.forEach((field, e) -> byColumn.put(requireColumn(names, field, splits.get(0), "binned field"), e));
                binner = NumericBinnerModel.fromEdges(byColumn, "loaded");
            }
            ImputeDict impute = store.loadImputeDict(artifactsIn);
            if (impute != null) {
                Map<String, Double> byColumn = new LinkedHashMap<>();
                impute.values().forEach((field, v) -> byColumn.put(requireColumn(names, field, splits.get(0), "imputed field"), v));
                imputer = MissingValueImputerModel.fromImputeDict(new ImputeDict(byColumn));
                summary.imputed.putAll(impute.values());
            }
            progress("loaded %d %s tables%s from %s", summary.tablesLoaded, loaded != null ? "risk" : "WOE",
                    impute == null ? "" : " and " + impute.size() + " impute values", artifactsIn);
        }

        Path staging = outStage.staging();
        Path stagedArtifacts = artifactsStage == null ? relocate(artifactsOut, output, staging) : artifactsStage.staging();
        boolean published = false;
        CompletableFuture<Void> fitArtifacts = null;
        try {
            create(outStage);
            if (artifactsStage != null) {
                create(artifactsStage);
            }
            usedHyperparameters = hp;
            if (hp != null) {
                // The fit's artifacts need nothing from the passes: the driver writes them on its
                // background thread while the splits are mapped.
                progress("artifacts: writing %s (staged) while the splits are mapped", artifactsOut);
                Hyperparameters fitted = hp;
                FieldEncoding fittedEncoding = encoding;
                fitArtifacts = CompletableFuture.runAsync(() -> writeArtifacts(store, stagedArtifacts, artifactsIn, fittedEncoding, fitted),
                        background());
            }
            for (int i = 0; i < splits.size(); i++) {
                Split split = splits.get(i);
                List<ShardIO.ShardFrame> frames = i == 0 ? firstFrames : ShardIO.read(spark, split);
                if (i > 0) {
                    ColumnNames splitNames = new ColumnNames(frames.get(0).data().columns());
                    for (String c : encoding.columns()) {
                        requireColumn(splitNames, ColumnNames.field(c), split, "field");
                    }
                    if (imputer != null) {
                        for (String c : imputer.getInputCols()) {
                            requireColumn(splitNames, ColumnNames.field(c), split, "imputed field");
                        }
                    }
                    if (binner != null) {
                        for (String c : binner.getInputCols()) {
                            requireColumn(splitNames, ColumnNames.field(c), split, "binned field");
                        }
                    }
                }
                StagedFolder.pause("map-" + split.name(), output.getName(), m -> progress("%s", m));
                boolean outOfFoldSplit = i == 0 && outOfFold;
                FieldEncoding enc = encoding;
                try {
                    ShardIO.withSettings(spark, ShardIO.transformSettings(spark), () -> transformSplit(enc, split, frames, outOfFoldSplit,
                            new Path(staging, split.name()), new Path(staging, "spark-" + split.name())));
                } catch (Exception e) { // Spark's exceptions are checked ones, thrown undeclared
                    JobException shard = ShardErrors.fromFailedSplitPass(e, split, spark.sparkContext().hadoopConfiguration());
                    if (shard != null) {
                        throw shard;
                    }
                    throw e;
                }
            }
            if (fitArtifacts != null) {
                join(fitArtifacts);
                fitArtifacts = null;
            } else {
                progress("artifacts: writing %s (staged)", artifactsOut);
                writeArtifacts(store, stagedArtifacts, artifactsIn, encoding, hp);
            }
            if (!o.noReport) {
                FitReport report = report(encoding, hp);
                store.write(new Path(stagedArtifacts, REPORT_FILE), report.toHtml());
                store.write(new Path(stagedArtifacts, RUN_SUMMARY_FILE), report.toJson());
                for (String f : List.of(REPORT_FILE, RUN_SUMMARY_FILE)) {
                    if (!summary.artifactFiles.contains(f)) {
                        summary.artifactFiles.add(f);
                    }
                }
            }
            // nothing is published unverified: every split, shard and artifact the summary reports
            List<Manifest.StagedSplit> staged = new ArrayList<>();
            for (int i = 0; i < splits.size(); i++) {
                Split split = splits.get(i);
                staged.add(new Manifest.StagedSplit(split.name(), new Path(staging, split.name()),
                        split.shards().stream().map(Split.Shard::name).toList(), summary.splits.get(i).rowsPerShard()));
            }
            summary.artifactFiles.remove(Manifest.FILE);
            byte[] manifest = Manifest.verify(store::fs, o.jobType.label(), staged, stagedArtifacts, summary.artifactFiles);
            store.write(new Path(stagedArtifacts, Manifest.FILE), manifest);
            summary.artifactFiles.add(Manifest.FILE);
            for (OutputClaim c : claims) {
                c.check();
            }
            publish(outStage, artifactsStage);
            published = true;
        } finally {
            if (!published) {
                if (fitArtifacts != null) {
                    // nothing may be written into the staged folders once they are discarded
                    try {
                        fitArtifacts.join();
                    } catch (RuntimeException ignored) {
                        // the failure being reported is the one that stopped the run
                    }
                }
                outStage.discard();
                if (artifactsStage != null) {
                    artifactsStage.discard();
                }
            }
        }
    }

    private FieldEncoding fit(Dataset<Row> train, ColumnNames names, Hyperparameters hp, Split split) {
        String label = requireColumn(names, hp.labelName(), split, "label column");
        List<String> fields = hp.catFieldList();
        String[] cols = new String[fields.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = requireColumn(names, fields.get(i), split, "field");
            if (cols[i].equals(label)) {
                throw JobException.invalid("field '" + fields.get(i) + "' is the label column: it cannot be mapped");
            }
        }
        summary.labelColumn = hp.labelName();
        summary.fieldNames = fields;
        Map<String, String> imputation = hp.numericImputation();
        if (!imputation.isEmpty()) {
            String[] icols = new String[imputation.size()];
            String[] strategies = imputation.values().toArray(new String[0]);
            int k = 0;
            for (String f : imputation.keySet()) {
                icols[k] = requireColumn(names, f, split, "imputed field");
                if (icols[k].equals(label)) {
                    throw JobException.invalid("numeric_imputation names the label column '" + f + "'");
                }
                k++;
            }
            progress("impute: fitting %d numeric fields over %s", icols.length, split.name());
            imputer = new MissingValueImputer().setInputCols(icols).setStrategies(strategies).fit(train);
            imputer.imputeDict().values().forEach((c, v) -> summary.imputed.put(ColumnNames.field(c), v));
            train = imputer.transform(train);
        }
        Hyperparameters.NumericBinning binning = hp.numericBinning();
        if (binning != null) {
            String[] bcols = new String[binning.fields().size()];
            for (int i = 0; i < bcols.length; i++) {
                String f = binning.fields().get(i);
                bcols[i] = requireColumn(names, f, split, "binned field");
                if (bcols[i].equals(label) || List.of(cols).contains(bcols[i])) {
                    throw JobException.invalid("numeric_binning field '" + f + "' is also the label or in cat_field_list");
                }
            }
            progress("binning: %s edges of %d numeric fields over %s", binning.method(), bcols.length, split.name());
            binner = new NumericBinner().setInputCols(bcols).setOutputCols(bcols).setLabelCol(label).setMethod(binning.method())
                    .setNumBins(binning.numBins()).setMonotonic(binning.monotonic()).fit(train);
            train = binner.transform(train);
            String[] all = java.util.Arrays.copyOf(cols, cols.length + bcols.length);
            System.arraycopy(bcols, 0, all, cols.length, bcols.length);
            cols = all;
            List<String> allFields = new ArrayList<>(fields);
            allFields.addAll(binning.fields());
            summary.fieldNames = allFields;
            for (String f : binning.fields()) {
                summary.binned.put(f, binner.splits(requireColumn(names, f, split, "binned field")).length - 1);
            }
        }
        if (Hyperparameters.WOE.equals(hp.encoding())) {
            return fitWoe(train, cols, label, hp, split);
        }
        outOfFold = hp.numFolds() >= 2;
        summary.folds = outOfFold ? hp.numFolds() : 0;
        progress("fit: counting categories of %d fields over %s (%d shards, %s) in one pass",
                cols.length, split.name(), split.shards().size(), split.describeFormat());
        long t0 = System.nanoTime();
        SparkContext sc = train.sparkSession().sparkContext();
        String group = "risk-table-mapping-fit-" + UUID.randomUUID();
        sc.setJobGroup(group, "risk table fit: one aggregation over " + split.name(), false);
        RiskTableMapperModel model = FieldEncoding.riskTableMapper(hp)
                .setInputCols(cols)
                .setLabelCol(label)
                .setSmoothFactor(hp.smoothFactor())
                .setCountThreshold(hp.countThreshold())
                .setMaxUniqueThreshold(hp.maxUniqueThreshold())
                .setParseNumericStrings(split.format().isText())
                .setNumFolds(hp.numFolds())
                .setSeed(hp.foldSeed())
                .fit(train);
        sc.clearJobGroup();
        int sparkJobs = sc.statusTracker().getJobIdsForGroup(group).length;
        checkLabelClasses(hp.labelName(), model.statistics().events(), model.statistics().fitRows() - model.statistics().events());
        summary.fit = model.statistics();
        summary.fitSeconds = seconds(t0);
        long skipped = 0;
        for (int i = 0; i < cols.length; i++) {
            FieldStatistics f = model.statistics().fields().get(i);
            if (!f.mapped()) {
                skipped++;
                progress("warning: field '%s' skipped (left unchanged): %s", ColumnNames.field(cols[i]), f.skipReason());
            } else if (f.distinct() == 0) {
                progress("warning: field '%s' has no value on %s (all null): every row gets the default %.6f",
                        ColumnNames.field(cols[i]), split.name(), model.statistics().prior());
            }
        }
        progress("fit: done in %.1f s (%d Spark jobs): %d fields mapped, %d skipped; %,d fitted rows, prior %.6f",
                summary.fitSeconds, sparkJobs, cols.length - skipped, skipped, model.statistics().fitRows(), model.statistics().prior());
        // the IV summary is needed by the artifacts and the report only: computed on the driver's
        // background thread while the main thread builds the lookup tables and plans the first pass
        FitStatistics stats = model.statistics();
        ivRanking = CompletableFuture.supplyAsync(() -> logical(InformationValues.of(stats, IV_CONFIDENCE)), background());
        return new FieldEncoding.Risk(model);
    }

    /** Weight-of-evidence fit: binary label only (event = 1); no out-of-fold encoding. */
    private FieldEncoding fitWoe(Dataset<Row> train, String[] cols, String label, Hyperparameters hp, Split split) {
        if (hp.numFolds() >= 2) {
            throw JobException.invalid("num_folds applies to the risk_table encoding only; remove it or use encoding \"risk_table\"");
        }
        progress("fit: weight of evidence of %d fields over %s (%d shards, %s) in one pass",
                cols.length, split.name(), split.shards().size(), split.describeFormat());
        long t0 = System.nanoTime();
        WoeEncoderModel model = new WoeEncoder().setInputCols(cols).setLabelCol(label).setConfidenceLevel(IV_CONFIDENCE).fit(train);
        if (!model.isBinary()) {
            throw JobException.invalid("label column '" + hp.labelName() + "' holds values outside {0, 1, -1, null}: " + model.classes());
        }
        summary.fitSeconds = seconds(t0);
        summary.encoding = Hyperparameters.WOE;
        summary.woe = model.statistics(cols[0], "1");
        summary.ivRanking = logical(InformationValues.of(model));
        progress("fit: done in %.1f s: %d fields encoded by weight of evidence", summary.fitSeconds, cols.length);
        return new FieldEncoding.Woe(model);
    }

    /** Confidence level of the IV intervals in iv_summary.json. */
    static final double IV_CONFIDENCE = 0.95;

    private static List<InformationValues.Row> logical(List<InformationValues.Row> rows) {
        List<InformationValues.Row> out = new ArrayList<>();
        rows.forEach(r -> out.add(new InformationValues.Row(ColumnNames.field(r.field()), r.iv(), r.ivSe(), r.ivCiLower(), r.ivCiUpper(), r.nBins())));
        return out;
    }

    private void transformSplit(FieldEncoding encoding, Split split, List<ShardIO.ShardFrame> frames, boolean outOfFoldSplit,
            Path target, Path work) {
        long t0 = System.nanoTime();
        boolean driftCounted = !o.noReport && !"train".equals(split.name());
        // the drift counts of a split mapped from column batches or CSV records are made by the mapping itself
        DriftProbe directProbe = driftCounted && !outOfFoldSplit && imputer == null && binner == null && encoding instanceof FieldEncoding.Risk
                ? new DriftProbe(encoding, frames.get(0).data(), split.name()) : null;
        boolean direct = !outOfFoldSplit && (!driftCounted || directProbe != null);
        Map<String, DriftBuckets> directDrift = directProbe == null ? Map.of() : directProbe.buckets();
        Dataset<Row> first = frames.get(0).data();
        TransformPaths.Path path = TransformPaths.choose(
                direct && imputer == null && binner == null && encoding instanceof FieldEncoding.Risk risk
                        ? Optional.of(risk.model().tableMapping()) : Optional.empty(),
                split.format().isText(), () -> ShardIO.scan(first.sparkSession(), split, first.schema()),
                frames.stream().map(ShardIO.ShardFrame::data).toList(), split.paths(),
                ShardIO.csvWriteOptions(split.format(), split.gzip()), directDrift);
        ColumnarMapping.Shards scanned = path instanceof TransformPaths.BatchScan b ? b.shards() : null;
        List<ShardIO.ShardFrame> batches = path instanceof TransformPaths.Batches b ? java.util.stream.IntStream.range(0, frames.size())
                .mapToObj(i -> new ShardIO.ShardFrame(frames.get(i).shard(), b.shards().get(i))).toList() : null;
        List<CsvMapping.Lines> lines = path instanceof TransformPaths.Records r ? r.lines() : null;
        // one partition per shard, checked on what the write reads (mapped shards: without planning them again)
        if (scanned != null) {
            ShardIO.checkOnePartitionPerShard(TransformPaths.partitions(scanned.data()), split);
        } else if (batches != null) {
            ShardIO.checkOnePartitionPerShard(batches.stream().mapToInt(f -> TransformPaths.partitions(f.data())).sum(), split);
        } else if (lines != null) {
            ShardIO.checkOnePartitionPerShard(lines.stream().mapToInt(l -> TransformPaths.partitions(l.text())).sum(), split);
        } else {
            ShardIO.checkOnePartitionPerShard(ShardIO.union(frames), split);
        }
        progress("transform %s: %d shards (%s)%s ...", split.name(), split.shards().size(), split.describeFormat(),
                outOfFoldSplit ? ", encoded out of fold" : scanned != null || batches != null ? ", mapped from column batches"
                        : lines != null ? ", mapped from CSV records" : "");
        List<Long> rows = new ArrayList<>();
        DriftProbe probe = scanned != null || batches != null || lines != null ? directProbe : null;
        if (scanned != null) {
            ShardIO.write(scanned.data(), split, target, work);
            for (int p = 0; p < split.shards().size(); p++) { // partition p: shard p
                rows.add(scanned.rows(p));
            }
        } else if (lines != null) {
            Dataset<Row> all = null;
            for (CsvMapping.Lines l : lines) {
                all = all == null ? l.text() : all.union(l.text());
            }
            ShardIO.writeLines(all, split, target, work);
            List<ShardIO.TextCheck> checks = new ArrayList<>();
            for (CsvMapping.Lines l : lines) {
                for (int p = 0, n = TransformPaths.partitions(l.text()); p < n; p++) { // partition p: the p-th shard of l
                    long[] m = l.metrics().partition(p);
                    checks.add(new ShardIO.TextCheck(m[1], (int) m[2]));
                    rows.add(m[0]);
                }
            }
            ShardIO.requireValidText(split, frames.get(0).data().columns(), checks, all.sparkSession().sparkContext().hadoopConfiguration());
        } else {
            List<ShardIO.ShardFrame> observed = new ArrayList<>();
            List<Observation> counters = ShardIO.observeRows(batches != null ? batches : frames, split, observed);
            Dataset<Row> mapped = ShardIO.union(observed);
            if (batches == null) {
                Dataset<Row> data = mapped;
                if (imputer != null) {
                    data = imputer.transform(data);
                }
                if (binner != null) {
                    data = binner.transform(data);
                }
                if (driftCounted) {
                    probe = new DriftProbe(encoding, data, split.name());
                    data = probe.attach(data);
                }
                mapped = encoding.apply(data, outOfFoldSplit);
            }
            ShardIO.write(mapped, split, target, work);
            ShardIO.requireValidText(split, frames.get(0).data().columns(), ShardIO.textChecks(split, counters),
                    mapped.sparkSession().sparkContext().hadoopConfiguration());
            for (Observation c : counters) {
                rows.add(ShardIO.rows(c));
            }
        }
        long total = rows.stream().mapToLong(Long::longValue).sum();
        if (probe != null) {
            drift.add(new FitReport.SplitDrift(split.name(), probe.result(total)));
        }
        double s = seconds(t0);
        summary.splits.add(new JobSummary.SplitResult(split.name(), split.describeFormat(), split.shards().size(), total, rows, s));
        progress("transform %s: %,d rows in %d shards, %.1f s", split.name(), total, split.shards().size(), s);
    }

    /** The IV ranking into the summary, once its computation ({@link #ivRanking}) is done. */
    private void awaitIvRanking() {
        if (ivRanking != null) {
            summary.ivRanking = join(ivRanking);
            ivRanking = null;
        }
    }

    /**
     * The driver's background thread (made on first use): work that no Spark job waits for, run
     * one task after another while the main thread plans and runs the passes.
     */
    private ExecutorService background() {
        if (background == null) {
            background = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "risk-table-mapping-driver");
                t.setDaemon(true);
                return t;
            });
        }
        return background;
    }

    private void writeArtifacts(ArtifactStore store, Path dir, Path artifactsIn, FieldEncoding encoding, Hyperparameters hp) {
        awaitIvRanking();
        if (artifactsIn != null) {
            List<String> copied = store.copyFolder(artifactsIn, dir);
            summary.artifactFiles.addAll(copied);
        }
        if (hp != null) {
            List<String> written = new ArrayList<>(encoding.writeArtifacts(store, dir));
            store.write(new Path(dir, Hyperparameters.FILE), hp.toJson());
            store.write(new Path(dir, IV_SUMMARY_FILE), ivSummaryJson(summary.ivRanking));
            written.addAll(List.of(Hyperparameters.FILE, IV_SUMMARY_FILE));
            if (binner != null) {
                Map<String, double[]> edges = new LinkedHashMap<>();
                for (String c : binner.getInputCols()) {
                    double[] splits = binner.splits(c);
                    edges.put(ColumnNames.field(c), java.util.Arrays.copyOfRange(splits, 1, splits.length - 1));
                }
                store.writeNumericBins(new Path(dir, ArtifactStore.NUMERIC_BINS_FILE), edges, hp.numericBinning().method());
                written.add(ArtifactStore.NUMERIC_BINS_FILE);
            }
            if (imputer != null) {
                Map<String, Double> byField = new LinkedHashMap<>();
                imputer.imputeDict().values().forEach((c, v) -> byField.put(ColumnNames.field(c), v));
                ImputeDict impute = new ImputeDict(byField);
                store.write(new Path(dir, ImputeDictCodec.JSON_FILE), ImputeDictCodec.toJson(impute));
                store.write(new Path(dir, ImputeDictCodec.PICKLE_FILE), ImputeDictCodec.toPickle(impute));
                written.addAll(List.of(ImputeDictCodec.JSON_FILE, ImputeDictCodec.PICKLE_FILE));
            }
            for (String f : written) {
                if (!summary.artifactFiles.contains(f)) {
                    summary.artifactFiles.add(f);
                }
            }
        }
    }

    static final String REPORT_FILE = "report.html";
    static final String RUN_SUMMARY_FILE = "run_summary.json";

    /** The fit report of this run (docs/report.md). */
    private FitReport report(FieldEncoding encoding, Hyperparameters hp) {
        awaitIvRanking();
        String version = RiskTableMappingJob.class.getPackage().getImplementationVersion();
        boolean risk = encoding instanceof FieldEncoding.Risk;
        Integer threshold = hp != null && risk ? hp.countThreshold() : null;
        FitReport.Run run = new FitReport.Run(o.jobType.label(), version == null ? "development" : version, summary.input, summary.output,
                summary.artifacts, risk ? "risk_table" : "woe", risk ? "risk" : "WOE", threshold, seconds(runStart));
        List<FitReport.SplitRows> splitRows = new ArrayList<>();
        List<FitReport.Pass> passes = new ArrayList<>();
        if (summary.fit != null || summary.woe != null) {
            passes.add(new FitReport.Pass("fit", summary.fitSeconds));
        }
        for (JobSummary.SplitResult r : summary.splits) {
            splitRows.add(new FitReport.SplitRows(r.name(), r.format(), r.rows(), r.shards(), r.rowsPerShard(), r.seconds()));
            passes.add(new FitReport.Pass(r.name(), r.seconds()));
        }
        List<FitReport.Iv> iv = new ArrayList<>();
        summary.ivRanking.forEach(r -> iv.add(new FitReport.Iv(r.field(), r.iv(), r.ivSe(), r.ivCiLower(), r.ivCiUpper(), r.nBins())));
        List<FitReport.Skipped> skipped = new ArrayList<>();
        if (summary.fit != null) {
            summary.fit.fields().stream().filter(f -> !f.mapped())
                    .forEach(f -> skipped.add(new FitReport.Skipped(ColumnNames.field(f.column()), f.skipReason())));
        }
        List<FitReport.Field> fields = new ArrayList<>();
        for (String c : encoding.columns()) {
            Map<Object, Double> values = encoding.values(c);
            Map<Object, Long> counts = encoding.trainCounts(c);
            List<Object> keys = new ArrayList<>(values.keySet());
            if (counts != null) {
                keys.sort((a, b) -> Long.compare(counts.getOrDefault(b, 0L), counts.getOrDefault(a, 0L)));
            }
            Map<Object, Double> woe = trainWoe(encoding, c);
            List<FitReport.Category> cats = new ArrayList<>();
            for (Object k : keys) {
                Long n = counts == null ? null : counts.get(k);
                boolean below = threshold != null && n != null && n < threshold;
                cats.add(new FitReport.Category(k instanceof Double d ? io.riskmapping.artifacts.NumericKeys.format(d) : k.toString(), n,
                        values.get(k), woe.get(k), below));
            }
            fields.add(new FitReport.Field(ColumnNames.field(c), encoding.mode(c).label(), encoding.defaultValue(c), cats));
        }
        com.fasterxml.jackson.databind.JsonNode hpJson = null;
        if (hp != null) {
            try {
                hpJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hp.toJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new FitReport(run, hpJson, splitRows, passes, iv, skipped, fields, drift);
    }

    /** The WOE on train of each category of a column (empty when the counts are unknown). */
    private Map<Object, Double> trainWoe(FieldEncoding encoding, String column) {
        Map<Object, Double> out = new LinkedHashMap<>();
        if (encoding instanceof FieldEncoding.Woe w) {
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
                    io.riskmapping.ml.feature.WoeStatistics.compute(bins, events, nonEvents, 1.96).bins()
                            .forEach(b -> out.put(b.key(), b.woe()));
                }
            }
        }
        return out;
    }

    /** The IV ranking file of every training run. */
    static final String IV_SUMMARY_FILE = "iv_summary.json";

    /** {@code iv_summary.json}: a list sorted by IV of {field, iv, iv_se, iv_ci_lower, iv_ci_upper, n_bins}. */
    static byte[] ivSummaryJson(List<InformationValues.Row> rows) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        com.fasterxml.jackson.databind.node.ArrayNode list = json.createArrayNode();
        for (InformationValues.Row r : rows) {
            com.fasterxml.jackson.databind.node.ObjectNode n = list.addObject();
            n.put("field", r.field());
            n.put("iv", r.iv());
            n.put("iv_se", r.ivSe());
            n.put("iv_ci_lower", r.ivCiLower());
            n.put("iv_ci_upper", r.ivCiUpper());
            n.put("n_bins", r.nBins());
        }
        try {
            return json.writeValueAsBytes(list);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Swaps the staged output folder in, then the separate artifacts folder if there is one (each
     * atomic on its own; a failure of the second swap moves the first one back), then removes the
     * previous folders.
     */
    private static void publish(StagedFolder output, StagedFolder artifacts) {
        try {
            StagedFolder.Swap first = output.swapIn();
            StagedFolder.Swap second = null;
            if (artifacts != null) {
                try {
                    second = artifacts.swapIn();
                } catch (IOException | RuntimeException e) {
                    try {
                        first.rollback();
                    } catch (IOException r) {
                        e.addSuppressed(r);
                    }
                    throw e;
                }
            }
            first.commit();
            if (second != null) {
                second.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish the output: " + e.getMessage(), e);
        }
    }

    /** " (given as X, which is P)" when the path as given is not where it leads, else "". */
    private static String aliased(String given, Path resolved, ArtifactStore store) {
        if (given == null) {
            return "";
        }
        Path asGiven = store.fs(new Path(given)).makeQualified(new Path(given));
        return asGiven.equals(resolved) ? "" : " (given as " + asGiven + ", which is " + resolved + ")";
    }

    /** Takes the claim on an output folder (exit 2 naming the holder when a live run has it). */
    private OutputClaim claim(ArtifactStore store, Path folder, String runId) {
        try {
            return OutputClaim.acquire(store.fs(folder), folder, runId, OutputClaim.DEFAULT_STALE_AFTER,
                    OutputClaim.DEFAULT_REFRESH_EVERY, this::progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Warns of (or, with --strict, refuses) hyperparameters keys the job does not know. */
    private void checkUnknownKeys(Hyperparameters hp) {
        List<String> unknown = hp.unknownKeys();
        if (unknown.isEmpty()) {
            return;
        }
        List<String> named = new ArrayList<>();
        for (String k : unknown) {
            String near = Hyperparameters.nearestKnownKey(k);
            named.add("'" + k + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
        String what = o.hyperparameters + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", named);
        if (o.strict) {
            throw JobException.invalid(what + "; remove or correct " + (unknown.size() > 1 ? "them" : "it") + " (--strict)");
        }
        progress("warning: %s: not used; kept under \"%s\" in the written %s (--strict makes this an error)", what,
                Hyperparameters.UNKNOWN_KEYS, Hyperparameters.FILE);
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
        if (!o.allowSingleClass) {
            throw JobException.invalid(what + "; every value would be mapped to the prior " + (events > 0 ? "1" : "0")
                    + " (pass --allow-single-class to map it anyway)");
        }
        progress("warning: %s: every value is mapped to the prior (--allow-single-class)", what);
    }

    /** Tidies what an interrupted run left; refuses a folder with something in it unless --overwrite. */
    private void prepare(StagedFolder folder, String what) {
        try {
            folder.recover();
            if (!o.overwrite && folder.targetHoldsSomething()) {
                throw JobException.invalid(what + " is not empty; pass --overwrite to replace the whole folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the " + what + ": " + e.getMessage(), e);
        }
    }

    private static void create(StagedFolder folder) {
        try {
            folder.create();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the staging folder " + folder.staging() + ": " + e.getMessage(), e);
        }
    }

    private static String requireColumn(ColumnNames names, String field, Split split, String what) {
        String c = names.column(field);
        if (c == null) {
            throw JobException.invalid(what + " '" + field + "' not found in " + split.name() + " ("
                    + split.shards().get(0).path() + ")");
        }
        return c;
    }

    /** True when one path is the other or lies inside it. */
    static boolean related(Path a, Path b) {
        return within(a, b) || within(b, a);
    }

    /** True when {@code a} is {@code b} or lies inside it. */
    static boolean within(Path a, Path b) {
        java.net.URI x = a.toUri();
        java.net.URI y = b.toUri();
        if (!blankIfNull(x.getScheme()).equalsIgnoreCase(blankIfNull(y.getScheme()))
                || !blankIfNull(x.getAuthority()).equalsIgnoreCase(blankIfNull(y.getAuthority()))) {
            return false;
        }
        String px = blankIfNull(x.getPath()).replaceAll("/+$", "");
        String py = blankIfNull(y.getPath()).replaceAll("/+$", "");
        return px.equals(py) || px.startsWith(py + "/");
    }

    /** Where {@code p} (equal to or inside {@code from}) lies once {@code from} is {@code to}. */
    static Path relocate(Path p, Path from, Path to) {
        String rest = p.toUri().getPath().substring(from.toUri().getPath().replaceAll("/+$", "").length()).replaceAll("^/+", "");
        return rest.isEmpty() ? to : new Path(to, rest);
    }

    private static String blankIfNull(String s) {
        return s == null ? "" : s;
    }

    /**
     * The path as its file system sees it: qualified, {@code ..} removed, and the longest part that
     * exists with its links followed (on the local file system by {@link java.nio.file.Path#toRealPath},
     * elsewhere by {@link org.apache.hadoop.fs.FileSystem#resolvePath}); the part that does not exist yet is appended.
     */
    static Path resolve(Path p, ArtifactStore store) {
        org.apache.hadoop.fs.FileSystem fs = store.fs(p);
        Path q = fs.makeQualified(p);
        java.util.Deque<String> missing = new java.util.ArrayDeque<>();
        Path existing = q;
        try {
            while (existing != null && !fs.exists(existing)) {
                missing.push(existing.getName());
                existing = existing.getParent();
            }
            if (existing == null) {
                return q;
            }
            Path real;
            if ("file".equals(existing.toUri().getScheme())) {
                real = new Path("file", null, java.nio.file.Paths.get(existing.toUri()).toRealPath().toString());
            } else {
                real = fs.resolvePath(existing);
            }
            while (!missing.isEmpty()) {
                real = new Path(real, missing.pop());
            }
            return real;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + q + ": " + e.getMessage(), e);
        }
    }

    /** The value of a finished future; its failure rethrown as thrown (a JobException keeps its exit code). */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public String toString() {
        return "JobRun" + Arrays.asList(o.jobType, o.inputDir, o.outputDir);
    }
}
