package io.riskmapping.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.util.ReflectionUtils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

import io.riskmapping.job.ShardReader.ShardFrame;

/**
 * Writes a mapped split back shard for shard, with Spark's own CSV, text and Parquet writers, in
 * the input's format and compression and under the input shards' names; and checks what the
 * write observed (each shard's rows, CSV/TSV values that were not UTF-8).
 *
 * <p>Transforms are narrow (no shuffle), so the single write job of a split writes partition
 * {@code i} (shard {@code i}, {@link ShardReader}) to {@code part-0000i-<uuid>}; that file is then
 * renamed to shard {@code i}'s name. Rows keep their order; text columns are written back as read.
 */
final class ShardWriter {

    private static final Pattern SPARK_PART = Pattern.compile("^part-(\\d{5})-.*");

    private ShardWriter() {
    }

    /** Metric of the per-shard observation: the rows of the shard. */
    private static final String ROWS = "rows";
    /** Metric of text shards: rows with a value holding U+FFFD. */
    private static final String BAD_TEXT_ROWS = "bad_text_rows";
    /** Metric of text shards: the index of the first column with a value holding U+FFFD. */
    private static final String BAD_TEXT_COLUMN = "bad_text_column";

    /**
     * Per-shard observations, attached before the union so that the one write job of a split
     * counts every shard's rows and, for CSV/TSV, the values holding U+FFFD (see
     * {@link #requireValidText}): no extra pass over the data.
     */
    static List<Observation> observeRows(List<ShardFrame> frames, Split split, List<ShardFrame> observed) {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Dataset<Row> data = frames.get(i).data();
            Observation o = new Observation(split.name() + "-shard-" + i + "-" + System.nanoTime());
            Dataset<Row> watched;
            if (split.format().isText()) {
                Column bad = firstColumnWithReplacement(data);
                watched = data.observe(o, count(lit(1)).as(ROWS), count(bad).as(BAD_TEXT_ROWS), min(bad).as(BAD_TEXT_COLUMN));
            } else {
                watched = data.observe(o, count(lit(1)).as(ROWS));
            }
            observed.add(new ShardFrame(frames.get(i).shard(), watched));
            obs.add(o);
        }
        return obs;
    }

    /** The index of the first column whose value holds U+FFFD, else null (text shards: every column a string). */
    private static Column firstColumnWithReplacement(Dataset<Row> data) {
        String[] columns = data.columns();
        Column[] cases = new Column[columns.length];
        for (int c = 0; c < columns.length; c++) {
            cases[c] = when(data.col("`" + columns[c].replace("`", "``") + "`").contains(ShardReader.REPLACEMENT), lit(c));
        }
        return coalesce(cases);
    }

    /** The rows a shard's observation counted (once the write that fills it has run). */
    static long rows(Observation o) {
        return ((Number) metrics(o).get(ROWS)).longValue();
    }

    private static Map<String, Object> metrics(Observation o) {
        try {
            return o.getAsJava();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the metrics of " + o.name(), e);
        }
    }

    /** What a text shard's write counted: its rows holding U+FFFD, and the first column (index) holding it, or -1. */
    record TextCheck(long badRows, int firstColumn) {
    }

    /** The text checks of a split's shards from their observations (see {@link #observeRows}); empty for Parquet. */
    static List<TextCheck> textChecks(Split split, List<Observation> observations) {
        List<TextCheck> checks = new ArrayList<>();
        if (split.format().isText()) {
            for (Observation o : observations) {
                Map<String, Object> m = metrics(o);
                Object column = m.get(BAD_TEXT_COLUMN);
                checks.add(new TextCheck(((Number) m.get(BAD_TEXT_ROWS)).longValue(), column == null ? -1 : ((Number) column).intValue()));
            }
        }
        return checks;
    }

    /**
     * After the write of a CSV/TSV split: fails when a shard held bytes that are not valid UTF-8.
     * Spark's reader (and the CSV parser it uses) silently turns each such byte sequence into
     * U+FFFD, which the write would store in place of the original bytes. Only a shard whose values
     * hold U+FFFD is then decoded strictly (on the driver), so real U+FFFD characters in valid UTF-8 pass.
     *
     * @param columns the split's column names (the header)
     * @param checks one per shard, in shard order
     * @throws JobException (invalid) naming the split, the shard file and the first field at fault
     */
    static void requireValidText(Split split, String[] columns, List<TextCheck> checks, Configuration conf) {
        if (!split.format().isText()) {
            return;
        }
        for (int i = 0; i < checks.size(); i++) {
            long bad = checks.get(i).badRows();
            Path shard = split.shards().get(i).path();
            if (bad > 0 && !ShardReader.decodesAsUtf8(shard, conf)) {
                String field = ColumnNames.field(columns[checks.get(i).firstColumn()]);
                throw JobException.invalid("split " + split.name() + ": field '" + field + "' of " + shard
                        + " holds bytes that are not valid UTF-8 (" + bad + " row(s) of the shard; CSV and TSV shards must be UTF-8)");
            }
        }
    }

    static Map<String, String> csvWriteOptions(ShardFormat format, boolean gzip) {
        Map<String, String> o = new HashMap<>();
        o.put("header", "true");
        o.put("sep", format.separator());
        o.put("quote", "\"");
        o.put("escape", "\"");
        o.put("encoding", "UTF-8");
        o.put("lineSep", "\n");
        o.put("ignoreLeadingWhiteSpace", "false");
        o.put("ignoreTrailingWhiteSpace", "false");
        o.put("compression", gzip ? "gzip" : "none");
        return o;
    }

    /**
     * Writes {@code out} (partition i = shard i) into {@code target} as one file per shard, named
     * like the input shard, in the split's format. Shards without rows still get a file (header
     * only, or a Parquet file with the schema).
     *
     * @param work a scratch folder for Spark's writer, deleted afterwards
     */
    static void write(Dataset<Row> out, Split split, Path target, Path work) {
        if (split.format().isText()) {
            out.write().mode(SaveMode.ErrorIfExists).format("csv").options(csvWriteOptions(split.format(), split.gzip()))
                    .save(work.toString());
        } else {
            out.write().mode(SaveMode.ErrorIfExists).parquet(work.toString());
        }
        publishShards(out.sparkSession().sparkContext().hadoopConfiguration(), out, split, target, work);
    }

    /**
     * Writes CSV/TSV lines (one string column; partition i = shard i, each partition's lines a
     * whole file, header first, as {@code CsvMapping} makes them) into {@code target} as one file
     * per shard, named like the input shard, with Spark's text writer.
     *
     * @param work a scratch folder for Spark's writer, deleted afterwards
     */
    static void writeLines(Dataset<Row> lines, Split split, Path target, Path work) {
        lines.write().mode(SaveMode.ErrorIfExists).format("text").option("compression", split.gzip() ? "gzip" : "none")
                .option("lineSep", "\n").save(work.toString());
        publishShards(lines.sparkSession().sparkContext().hadoopConfiguration(), null, split, target, work);
    }

    /**
     * Moves Spark's part files from {@code work} to the shards' names in {@code target}; an empty
     * shard gets a file of its own, with {@code out}'s columns (null: every shard must have a part file).
     */
    private static void publishShards(Configuration conf, Dataset<Row> out, Split split, Path target, Path work) {
        int partitions = split.shards().size();
        try {
            FileSystem fs = ArtifactStore.fileSystem(target, conf);
            fs.mkdirs(target);
            boolean[] written = new boolean[partitions];
            for (FileStatus st : fs.listStatus(work)) {
                Matcher m = SPARK_PART.matcher(st.getPath().getName());
                if (!m.matches()) {
                    continue;
                }
                int i = Integer.parseInt(m.group(1));
                if (i >= partitions || written[i]) {
                    throw new IllegalStateException("unexpected Spark output file " + st.getPath());
                }
                rename(fs, st.getPath(), new Path(target, split.shards().get(i).name()));
                written[i] = true;
            }
            for (int i = 0; i < partitions; i++) {
                if (!written[i]) {
                    if (out == null) {
                        throw new IllegalStateException("Spark wrote no file for shard " + i + " in " + work);
                    }
                    writeEmptyShard(out, split, new Path(target, split.shards().get(i).name()), new Path(work, "empty-" + i), fs);
                }
            }
            fs.delete(work, true);
            removeSideFiles(fs, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void writeEmptyShard(Dataset<Row> out, Split split, Path file, Path work, FileSystem fs) throws IOException {
        if (split.format().isText()) {
            CsvWriterSettings settings = new CsvWriterSettings();
            ShardReader.csvFormat(settings.getFormat(), split.format());
            settings.setIgnoreLeadingWhitespaces(false);
            settings.setIgnoreTrailingWhitespaces(false);
            OutputStream raw = fs.create(file, false);
            OutputStream os = split.gzip() ? ReflectionUtils.newInstance(GzipCodec.class, fs.getConf()).createOutputStream(raw) : raw;
            try (OutputStreamWriter w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
                CsvWriter writer = new CsvWriter(w, settings);
                writer.writeRow((Object[]) out.columns());
                writer.flush();
            }
        } else {
            out.sparkSession().createDataFrame(List.of(), out.schema()).write().parquet(work.toString());
            for (FileStatus st : fs.listStatus(work)) {
                if (st.getPath().getName().endsWith(".parquet")) {
                    rename(fs, st.getPath(), file);
                    return;
                }
            }
            throw new IllegalStateException("Spark wrote no Parquet file for an empty shard in " + work);
        }
    }

    static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** Deletes Hadoop's checksum and marker files (.*.crc, _SUCCESS) from a finished folder. */
    static void removeSideFiles(FileSystem fs, Path dir) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (n.startsWith(".") || n.startsWith("_")) {
                fs.delete(st.getPath(), true);
            }
        }
    }
}
