package io.riskmapping.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.job.ShardReader.ShardFrame;
import io.riskmapping.job.report.FitReport;
import io.riskmapping.ml.feature.core.DriftBuckets;
import io.riskmapping.ml.feature.exec.TransformPaths;
import io.riskmapping.ml.feature.exec.csv.CsvMapping;
import io.riskmapping.ml.feature.exec.parquet.ColumnarMapping;

/**
 * The pass over each split: the split read shard by shard, mapped by the {@link JobModel} and
 * written shard for shard into {@code STAGING/<split>}, one Spark write per split under
 * {@link PassSettings#transform}. The way a split is mapped comes from
 * {@link TransformPaths#choose}: Parquet column batches, CSV records, or Spark's rows (the train
 * split out of fold, imputation or binning, WOE). Each split's rows per shard and time go into the
 * summary, and, unless {@code --no-report}, each split but train is compared with train
 * ({@link DriftProbe}, {@link #drift}).
 */
final class SplitPass {

    private final JobOptions options;
    private final JobModel model;
    private final JobSummary summary;
    private final Progress progress;
    /** Per non-train split, how it compares with train (for the report). */
    private final List<FitReport.SplitDrift> drift = new ArrayList<>();

    SplitPass(JobOptions options, JobModel model, JobSummary summary, Progress progress) {
        this.options = options;
        this.model = model;
        this.summary = summary;
        this.progress = progress;
    }

    /** What each split but train drifted from train, in split order (empty with {@code --no-report}). */
    List<FitReport.SplitDrift> drift() {
        return drift;
    }

    /**
     * Maps and writes every split, in order.
     *
     * @param firstFrames the first split's shards as already read ({@link ShardReader#read})
     * @param staging     the staged output folder: split {@code s} goes to {@code staging/s}
     * @throws JobException (invalid) for a field of the model that is not in a later split; a shard a
     *                      task's reader refused ({@link ShardErrors#fromFailedSplitPass}); the errors of
     *                      {@link ShardReader#read} and {@link ShardWriter#requireValidText}
     */
    void run(SparkSession spark, List<Split> splits, List<ShardFrame> firstFrames, Path staging) {
        FieldEncoding encoding = model.encoding();
        for (int i = 0; i < splits.size(); i++) {
            Split split = splits.get(i);
            List<ShardFrame> frames = i == 0 ? firstFrames : ShardReader.read(spark, split);
            if (i > 0) {
                ColumnNames splitNames = new ColumnNames(frames.get(0).data().columns());
                for (String c : encoding.columns()) {
                    splitNames.require(ColumnNames.field(c), split, "field");
                }
                if (model.imputer() != null) {
                    for (String c : model.imputer().getInputCols()) {
                        splitNames.require(ColumnNames.field(c), split, "imputed field");
                    }
                }
                if (model.binner() != null) {
                    for (String c : model.binner().getInputCols()) {
                        splitNames.require(ColumnNames.field(c), split, "binned field");
                    }
                }
            }
            StagedFolder.pause("map-" + split.name(), options.output().getName(), m -> progress.line("%s", m));
            boolean outOfFoldSplit = i == 0 && model.outOfFold();
            try {
                PassSettings.with(spark, PassSettings.transform(spark), () -> transformSplit(split, frames, outOfFoldSplit,
                        new Path(staging, split.name()), new Path(staging, "spark-" + split.name())));
            } catch (Exception e) { // Spark's exceptions are checked ones, thrown undeclared
                JobException shard = ShardErrors.fromFailedSplitPass(e, split, spark.sparkContext().hadoopConfiguration());
                if (shard != null) {
                    throw shard;
                }
                throw e;
            }
        }
    }

    private void transformSplit(Split split, List<ShardFrame> frames, boolean outOfFoldSplit, Path target, Path work) {
        long t0 = System.nanoTime();
        FieldEncoding encoding = model.encoding();
        boolean plain = model.imputer() == null && model.binner() == null && encoding instanceof FieldEncoding.Risk;
        boolean driftCounted = !options.noReport() && !"train".equals(split.name());
        // the drift counts of a split mapped from column batches or CSV records are made by the mapping itself
        DriftProbe directProbe = driftCounted && !outOfFoldSplit && plain ? new DriftProbe(encoding, model.train(), frames.get(0).data(), split.name()) : null;
        boolean direct = !outOfFoldSplit && (!driftCounted || directProbe != null);
        Map<String, DriftBuckets> directDrift = directProbe == null ? Map.of() : directProbe.buckets();
        Dataset<Row> first = frames.get(0).data();
        TransformPaths.Path path = TransformPaths.choose(
                direct && plain ? Optional.of(((FieldEncoding.Risk) encoding).model().tableMapping()) : Optional.empty(),
                split.format().isText(), () -> ShardReader.scan(first.sparkSession(), split, first.schema()),
                frames.stream().map(ShardFrame::data).toList(), split.paths(),
                ShardWriter.csvWriteOptions(split.format(), split.gzip()), directDrift);
        ColumnarMapping.Shards scanned = path instanceof TransformPaths.BatchScan b ? b.shards() : null;
        List<ShardFrame> batches = path instanceof TransformPaths.Batches b ? IntStream.range(0, frames.size())
                .mapToObj(i -> new ShardFrame(frames.get(i).shard(), b.shards().get(i))).toList() : null;
        List<CsvMapping.Lines> lines = path instanceof TransformPaths.Records r ? r.lines() : null;
        // one partition per shard, checked on what the write reads (mapped shards: without planning them again)
        if (scanned != null) {
            PassSettings.checkOnePartitionPerShard(TransformPaths.partitions(scanned.data()), split);
        } else if (batches != null) {
            PassSettings.checkOnePartitionPerShard(batches.stream().mapToInt(f -> TransformPaths.partitions(f.data())).sum(), split);
        } else if (lines != null) {
            PassSettings.checkOnePartitionPerShard(lines.stream().mapToInt(l -> TransformPaths.partitions(l.text())).sum(), split);
        } else {
            PassSettings.checkOnePartitionPerShard(ShardReader.union(frames), split);
        }
        progress.line("transform %s: %d shards (%s)%s ...", split.name(), split.shards().size(), split.describeFormat(),
                outOfFoldSplit ? ", encoded out of fold" : scanned != null || batches != null ? ", mapped from column batches"
                        : lines != null ? ", mapped from CSV records" : "");
        List<Long> rows = new ArrayList<>();
        DriftProbe probe = scanned != null || batches != null || lines != null ? directProbe : null;
        if (scanned != null) {
            ShardWriter.write(probe == null ? scanned.data() : probe.attachLabels(scanned.data()), split, target, work);
            for (int p = 0; p < split.shards().size(); p++) { // partition p: shard p
                rows.add(scanned.rows(p));
            }
        } else if (lines != null) {
            writeLines(lines, split, frames, target, work, rows, probe);
        } else {
            DriftProbe rowsProbe = writeRows(frames, batches, probe, driftCounted, outOfFoldSplit, split, target, work, rows);
            probe = rowsProbe != null ? rowsProbe : probe;
        }
        long total = rows.stream().mapToLong(Long::longValue).sum();
        if (probe != null) {
            drift.add(new FitReport.SplitDrift(split.name(), probe.result(total)));
            FitReport.LabelBalance labels = probe.labels();
            if (labels != null) {
                summary.splitLabels.put(split.name(), labels);
            }
        }
        double s = Progress.secondsSince(t0);
        summary.splits.add(new JobSummary.SplitResult(split.name(), split.describeFormat(), split.shards().size(), total, rows, s));
        progress.line("transform %s: %,d rows in %d shards, %.1f s", split.name(), total, split.shards().size(), s);
    }

    /**
     * The CSV record path: the mapped lines written (their labels counted by {@code probe} when not
     * null), each shard's rows added to {@code rows}.
     */
    private static void writeLines(List<CsvMapping.Lines> lines, Split split, List<ShardFrame> frames, Path target, Path work,
            List<Long> rows, DriftProbe probe) {
        Dataset<Row> all = null;
        for (CsvMapping.Lines l : lines) {
            all = all == null ? l.text() : all.union(l.text());
        }
        Dataset<Row> written = probe == null ? all : probe.attachLabelLines(all, frames.get(0).data().columns(), split.format().separator());
        ShardWriter.writeLines(written, split, target, work);
        List<ShardWriter.TextCheck> checks = new ArrayList<>();
        for (CsvMapping.Lines l : lines) {
            for (int p = 0, n = TransformPaths.partitions(l.text()); p < n; p++) { // partition p: the p-th shard of l
                long[] m = l.metrics().partition(p);
                checks.add(new ShardWriter.TextCheck(m[1], (int) m[2]));
                rows.add(m[0]);
            }
        }
        ShardWriter.requireValidText(split, frames.get(0).data().columns(), checks, all.sparkSession().sparkContext().hadoopConfiguration());
    }

    /**
     * Spark's rows: the shards ({@code batches} when mapped from column batches already, else
     * {@code frames}) observed (rows, U+FFFD), then, when not mapped yet, imputed, binned, probed for
     * drift and encoded; written (labels counted by the probe), each shard's rows added to {@code rows}.
     *
     * @param batchProbe the probe counting the drift of {@code batches} (as they are mapped), or null
     * @return the drift probe attached to the rows (when not mapped yet), or null
     */
    private DriftProbe writeRows(List<ShardFrame> frames, List<ShardFrame> batches, DriftProbe batchProbe, boolean driftCounted,
            boolean outOfFoldSplit, Split split, Path target, Path work, List<Long> rows) {
        DriftProbe probe = null;
        List<ShardFrame> observed = new ArrayList<>();
        List<Observation> counters = ShardWriter.observeRows(batches != null ? batches : frames, split, observed);
        Dataset<Row> mapped = ShardReader.union(observed);
        if (batches == null) {
            Dataset<Row> data = mapped;
            if (model.imputer() != null) {
                data = model.imputer().transform(data);
            }
            if (model.binner() != null) {
                data = model.binner().transform(data);
            }
            if (driftCounted) {
                probe = new DriftProbe(model.encoding(), model.train(), data, split.name());
                data = probe.attachLabels(probe.attach(data));
            }
            mapped = model.encoding().apply(data, outOfFoldSplit);
        } else if (batchProbe != null) {
            mapped = batchProbe.attachLabels(mapped);
        }
        ShardWriter.write(mapped, split, target, work);
        ShardWriter.requireValidText(split, frames.get(0).data().columns(), ShardWriter.textChecks(split, counters),
                mapped.sparkSession().sparkContext().hadoopConfiguration());
        for (Observation c : counters) {
            rows.add(ShardWriter.rows(c));
        }
        return probe;
    }
}
