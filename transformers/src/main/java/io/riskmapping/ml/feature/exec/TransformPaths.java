package io.riskmapping.ml.feature.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.riskmapping.ml.feature.core.DriftBuckets;
import io.riskmapping.ml.feature.core.TableMapping;
import io.riskmapping.ml.feature.exec.csv.CsvMapping;
import io.riskmapping.ml.feature.exec.parquet.ColumnarMapping;
import io.riskmapping.ml.feature.exec.scan.FileScans;

/**
 * The one place that chooses how a split of shards is mapped by a risk-table model: from its
 * Parquet column batches ({@link ColumnarMapping}), from its CSV records written back as lines
 * ({@link CsvMapping}), or by the model's transform over Spark's rows. Each choice is a
 * {@link Path}; a fast path that does not apply is chosen against here, and the result says which
 * path was taken. Every path gives the same output as the model's transform written by Spark.
 */
public final class TransformPaths {

    private TransformPaths() {
    }

    /** How a split is mapped. */
    public sealed interface Path permits BatchScan, Batches, Records, Rows {
    }

    /** Parquet: one scan of all the split's shards, partition i the rows of shard i. */
    public record BatchScan(ColumnarMapping.Shards shards) implements Path {
    }

    /** Parquet: each shard's scan mapped on its own, in the order of the shards given. */
    public record Batches(List<Dataset<Row>> shards) implements Path {
    }

    /**
     * CSV/TSV: the records mapped as lines, one partition of lines per shard in shard order; one
     * entry when the split was mapped as one scan, else one per shard.
     */
    public record Records(List<CsvMapping.Lines> lines) implements Path {
    }

    /** No fast path applies: the caller maps Spark's rows with the model's own transform. */
    public record Rows() implements Path {
    }

    /**
     * The path of one split.
     *
     * @param mapping the risk-table mapping when it alone maps the split (none when the fields are
     *        imputed or binned first, the encoding is not a risk-table one, or the caller needs
     *        Spark's rows, e.g. for out-of-fold encoding): then a fast path is tried (unless a table
     *        has a null category), else {@link Rows}
     * @param text whether the shards are CSV/TSV (else Parquet)
     * @param splitScan the split as one scan of all its shards, one partition per shard (made only when a fast path is tried)
     * @param shards each shard's own DataFrame, in shard order
     * @param files the shards' files, in shard order
     * @param csvWriteOptions Spark's CSV write options of the output (CSV/TSV only)
     * @param drift input column &rarr; its drift buckets, counted as the rows are mapped, or empty
     * @throws IllegalArgumentException as the model's {@code transformSchema} for a missing input column
     *         or a clash of output columns
     */
    public static Path choose(Optional<TableMapping> mapping, boolean text, Supplier<Dataset<Row>> splitScan,
            List<Dataset<Row>> shards, List<String> files, Map<String, String> csvWriteOptions, Map<String, DriftBuckets> drift) {
        if (mapping.isEmpty() || mapping.get().tables().hasNullBins()) {
            // the fast paths map every null to the default bin: a null category goes through the rows
            return new Rows();
        }
        TableMapping spec = mapping.get();
        Dataset<Row> scan = splitScan.get();
        if (text) {
            // the split as one scan, one partition per shard in shard order: one plan, not one per shard
            Optional<CsvMapping.Lines> whole = CsvMapping.transform(spec, scan, csvWriteOptions, drift, files);
            if (whole.isPresent()) {
                return new Records(List.of(whole.get()));
            }
            List<CsvMapping.Lines> out = new ArrayList<>();
            for (Dataset<Row> shard : shards) {
                Optional<CsvMapping.Lines> mapped = CsvMapping.transform(spec, shard, csvWriteOptions, drift);
                if (mapped.isEmpty()) {
                    return new Rows();
                }
                out.add(mapped.get());
            }
            return new Records(out);
        }
        // one scan, when Spark planned each shard as one partition; else shard by shard
        Optional<ColumnarMapping.Shards> whole = ColumnarMapping.transform(spec, scan, drift, files);
        if (whole.isPresent()) {
            return new BatchScan(whole.get());
        }
        List<Dataset<Row>> out = new ArrayList<>();
        for (Dataset<Row> shard : shards) {
            Optional<Dataset<Row>> mapped = ColumnarMapping.transform(spec, shard, drift);
            if (mapped.isEmpty()) {
                return new Rows();
            }
            out.add(mapped.get());
        }
        return new Batches(out);
    }

    /**
     * The number of partitions of a DataFrame that a fast path returned (those of its scan
     * or of its files), read from its plan without planning it.
     */
    public static int partitions(Dataset<Row> mapped) {
        return FileScans.partitions(mapped);
    }
}
