package io.riskmapping.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.util.ReflectionUtils;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvFormat;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

import io.riskmapping.ml.feature.compat.UnverifiedLocalFileSystem;

/**
 * Reads a split shard by shard and writes it back shard for shard, with Spark's own CSV and
 * Parquet readers and writers.
 *
 * <p>Each shard is read as its own scan and the scans are unioned in shard order; under
 * {@link #transformSettings} a one-file scan is one partition, so partition {@code i} of the split is
 * shard {@code i}. Transforms are narrow (no shuffle), so the
 * single write job writes partition {@code i} to {@code part-0000i-<uuid>}; that file is then
 * renamed to shard {@code i}'s name. Rows keep their order; text columns are read as strings (no
 * inference) and written back as read.
 */
final class ShardIO {

    private static final Pattern SPARK_PART = Pattern.compile("^part-(\\d{5})-.*");

    private ShardIO() {
    }

    /**
     * One shard and its scan. A split's scans beyond the first are made when first asked for: a
     * pass that reads the split as one scan ({@link #scan}) never plans them (each is a file
     * listing and an analysis: about 40 ms a shard).
     */
    static final class ShardFrame {
        private final Split.Shard shard;
        private java.util.function.Supplier<Dataset<Row>> make;
        private Dataset<Row> data;

        ShardFrame(Split.Shard shard, Dataset<Row> data) {
            this.shard = shard;
            this.data = data;
        }

        ShardFrame(Split.Shard shard, java.util.function.Supplier<Dataset<Row>> make) {
            this.shard = shard;
            this.make = make;
        }

        Split.Shard shard() {
            return shard;
        }

        /** The shard's scan, made on the first call. */
        Dataset<Row> data() {
            if (data == null) {
                data = make.get();
                make = null;
            }
            return data;
        }
    }

    // ---------------------------------------------------------------- read

    /** Spark's rule that copies a projection into every child of a union. */
    static final String PUSH_PROJECTION_THROUGH_UNION = "org.apache.spark.sql.catalyst.optimizer.PushProjectionThroughUnion";
    private static final String EXCLUDED_RULES = "spark.sql.optimizer.excludedRules";
    /** Whether a generated class's name holds its code-generation stage id (Spark's default: true). */
    static final String USE_ID_IN_CLASS_NAME = "spark.sql.codegen.useIdInClassName";
    /**
     * 1 TiB: as the largest partition and as each file's opening cost, Spark packs no two files
     * into one partition and splits no file under 1 TiB (a scan's total cost, 1 TiB per file,
     * stays within a long up to millions of files). A larger shard would be split, and the job
     * stops at its one-partition-per-shard check.
     */
    static final long WHOLE_FILE = 1L << 40;

    /**
     * The session settings a transform pass runs with (see {@link #withSettings}):
     * <ul>
     * <li>{@code spark.sql.files.minPartitionNum} 1 and both {@code spark.sql.files.maxPartitionBytes}
     * and {@code spark.sql.files.openCostInBytes} {@link #WHOLE_FILE} (1 TiB): Spark plans each
     * file of a scan as one partition of its own, whatever the file's size, so the union of the
     * shards' scans has partition i = shard i, and a scan of a whole Parquet split has one
     * partition per shard (in Spark's order: {@code ColumnarMapping} puts them in shard order). (A
     * {@code coalesce(1)} per shard did the same, but kept each scan out of the projection's
     * generated code: the passes took about 1.8 times as long.) The fit's {@link #scan} does not
     * run under them: Spark's own packing and splitting spread train over the cores.</li>
     * <li>{@link #PUSH_PROJECTION_THROUGH_UNION} added to {@code spark.sql.optimizer.excludedRules}
     * (after the session's own exclusions): the mapping stays one projection over the union, planned
     * and compiled once, instead of one copy per shard (8 shards: about 2 s less per pass, cold).</li>
     * <li>{@code spark.sql.unionOutputPartitioning} false: Spark 4 would otherwise zip a union of
     * single-partition scans into one partition.</li>
     * <li>{@link #USE_ID_IN_CLASS_NAME} false: each shard's scan is a code-generation stage of its
     * own, and with the stage id in the class name the eight identical scans were eight classes,
     * each compiled by Janino and then by the JIT (JFR: about 0.3 s of C2 each). Without it they
     * share one class. Medium validation job, three interleaved pairs: 17.4, 18.2, 19.0 s against
     * 20.7, 19.9, 22.0 s, and 5 s less CPU.</li>
     * </ul>
     */
    static Map<String, String> transformSettings(SparkSession spark) {
        String excluded = spark.conf().get(EXCLUDED_RULES, "");
        boolean listed = Arrays.stream(excluded.split(",")).map(String::trim).anyMatch(PUSH_PROJECTION_THROUGH_UNION::equals);
        return Map.of(
                "spark.sql.files.minPartitionNum", "1",
                "spark.sql.files.maxPartitionBytes", String.valueOf(WHOLE_FILE),
                "spark.sql.files.openCostInBytes", String.valueOf(WHOLE_FILE),
                "spark.sql.unionOutputPartitioning", "false",
                USE_ID_IN_CLASS_NAME, "false",
                EXCLUDED_RULES, listed ? excluded : excluded.isBlank() ? PUSH_PROJECTION_THROUGH_UNION : excluded + "," + PUSH_PROJECTION_THROUGH_UNION);
    }

    /**
     * Runs {@code body} with the given SQL settings on the session, then restores each setting's
     * previous value (or unsets it).
     */
    static void withSettings(SparkSession spark, Map<String, String> settings, Runnable body) {
        Map<String, String> previous = new HashMap<>();
        settings.forEach((k, v) -> {
            previous.put(k, spark.conf().get(k, null));
            spark.conf().set(k, v);
        });
        try {
            body.run();
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    spark.conf().unset(k);
                } else {
                    spark.conf().set(k, v);
                }
            });
        }
    }

    /**
     * Session settings for reading local input ({@code file:}): Hadoop's local file system without
     * verifying checksum sidecars (the hidden {@code .NAME.crc} files it writes beside the files it
     * writes: a file edited afterwards no longer matches its sidecar, and the read would fail with a
     * {@code ChecksumException}), and not taken from Hadoop's cache of file systems, where one made
     * earlier in the process would still verify them. Only reads change: a local file system still
     * writes sidecars (which the job deletes from its output, {@link #removeSideFiles}), and it stays
     * a {@code LocalFileSystem} ({@code fs.file.impl=RawLocalFileSystem} would do the same for reads
     * but breaks {@code FileSystem.getLocal}, used by Spark's YARN client and S3A's disk buffers).
     * The settings are {@link UnverifiedLocalFileSystem#SESSION_SETTINGS}, the same on every Spark line.
     * The job sets them on the session it makes; a session made beforehand needs them set by its maker.
     */
    static final Map<String, Object> UNVERIFIED_LOCAL_READS = UnverifiedLocalFileSystem.SESSION_SETTINGS;

    /**
     * Reads the start of each shard of a split, once, before any pass over the data: a CSV/TSV
     * shard's header row (a gzipped shard's first bytes checked to be gzip's; the read decompresses
     * the shard's first million characters or so, so a small shard that is cut short or corrupt is
     * found here) or a Parquet shard's footer (its magic number, length and metadata). {@link #read}
     * then takes them from the returned split instead of reading them again. What this cannot see (a
     * gzip stream cut short or corrupt further in, a Parquet page that cannot be decoded) fails the
     * pass that reads the shard, with the same error ({@link ShardErrors#fromFailedPass}).
     *
     * @return the split, its shards holding their header or footer
     * @throws JobException (invalid) naming the split and the shard: a {@code .gz} shard that is not
     *                      gzip data ({@link ShardErrors#notGzip}), a gzip stream that ends or is
     *                      refused within what the header read decompresses, a Parquet footer that
     *                      cannot be read ({@link ShardErrors#unreadable}); an empty text shard, a
     *                      header that is not UTF-8 ({@link #readHeader})
     */
    static Split check(Split split, Configuration conf) {
        List<Split.Shard> read = new ArrayList<>();
        for (Split.Shard s : split.shards()) {
            if (split.format().isText()) {
                List<String> header = Collections.unmodifiableList(Arrays.asList(readHeader(s, split.format(), conf)));
                read.add(new Split.Shard(s.path(), s.name(), s.length(), header, null));
            } else {
                read.add(new Split.Shard(s.path(), s.name(), s.length(), null, footerSchema(s.path(), conf)));
            }
        }
        return split.withShards(read);
    }

    /**
     * One DataFrame per shard, in shard order, each one partition when planned under
     * {@link #transformSettings}; all with the first shard's schema, and each beyond the first
     * made when first asked for ({@link ShardFrame}). CSV/TSV: every column a string,
     * header names checked equal across shards. Parquet: the shards' schemas must be equal. The
     * headers and footers are those {@link #check} read, else read here.
     *
     * @throws JobException (invalid) for an empty text shard, a header that differs between shards,
     *                      duplicate column names, or Parquet shards with different schemas
     */
    static List<ShardFrame> read(SparkSession spark, Split split) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<ShardFrame> frames = new ArrayList<>();
        if (split.format().isText()) {
            StructType schema = null;
            String[] firstHeader = null;
            for (Split.Shard s : split.shards()) {
                String[] header = s.header() != null ? s.header().toArray(new String[0]) : readHeader(s, split.format(), conf);
                if (firstHeader == null) {
                    firstHeader = header;
                    schema = stringSchema(header, s);
                } else if (!Arrays.equals(firstHeader, header)) {
                    throw JobException.invalid("split " + split.name() + ": header of " + s.name() + " differs from "
                            + split.shards().get(0).name() + ": " + Arrays.toString(header) + " vs " + Arrays.toString(firstHeader));
                }
                StructType columns = schema;
                java.util.function.Supplier<Dataset<Row>> df = () -> spark.read().format("csv").schema(columns)
                        .options(csvReadOptions(split.format())).load(s.path().toString());
                frames.add(frames.isEmpty() ? new ShardFrame(s, df.get()) : new ShardFrame(s, df));
            }
        } else {
            // The first shard's schema is the one Spark wrote into its footer (read on the driver:
            // no Spark job), else Spark infers it (one small Spark job); the others are compared by
            // their footers on the driver, and only a shard whose footer differs is inferred too.
            StructType first = null;
            String firstFooter = null;
            for (Split.Shard s : split.shards()) {
                String footer = s.footer() != null ? s.footer() : footerSchema(s.path(), conf);
                if (first == null) {
                    first = sparkSchema(footer);
                    if (first == null) {
                        first = spark.read().parquet(s.path().toString()).schema();
                    }
                    firstFooter = footer;
                } else if (!footer.equals(firstFooter)) {
                    StructType schema = spark.read().parquet(s.path().toString()).schema();
                    if (!first.equals(schema)) {
                        throw JobException.invalid("split " + split.name() + ": schema of " + s.name() + " differs from "
                                + split.shards().get(0).name() + ": " + schema.simpleString() + " vs " + first.simpleString());
                    }
                }
                StructType columns = first;
                java.util.function.Supplier<Dataset<Row>> df = () -> spark.read().schema(columns).parquet(s.path().toString());
                frames.add(frames.isEmpty() ? new ShardFrame(s, df.get()) : new ShardFrame(s, df));
            }
        }
        return frames;
    }

    /**
     * A Parquet shard's schema as its footer states it (the Parquet message type and Spark's own
     * schema string when Spark wrote the file), read on the driver without a Spark job.
     *
     * @throws JobException (invalid) when the footer cannot be read ({@link ShardErrors#unreadable})
     */
    static String footerSchema(Path shard, Configuration conf) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(shard, conf))) {
            FileMetaData meta = reader.getFooter().getFileMetaData();
            return meta.getKeyValueMetaData().get(SPARK_ROW_METADATA) + FOOTER_SEPARATOR + meta.getSchema();
        } catch (IOException | RuntimeException e) {
            throw ShardErrors.unreadable(shard, e);
        }
    }

    /** The footer key under which Spark stores a Parquet file's Spark schema. */
    private static final String SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";
    /** Between the two parts of {@link #footerSchema}'s text (the first never holds a line break). */
    private static final String FOOTER_SEPARATOR = "\n";

    /**
     * The schema Spark reads a Parquet file with, from the Spark schema its footer holds
     * ({@link #footerSchema}; Spark writes it as JSON): every field nullable, as Spark's file
     * sources make them; null when the footer holds none (another writer) or not as JSON, and
     * Spark must infer it.
     */
    static StructType sparkSchema(String footer) {
        String json = footer.substring(0, footer.indexOf(FOOTER_SEPARATOR));
        if (json.equals("null")) {
            return null;
        }
        try {
            return org.apache.spark.sql.types.DataType.fromJson(json) instanceof StructType st ? (StructType) nullable(st) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The type with every field, array element and map value nullable. */
    private static org.apache.spark.sql.types.DataType nullable(org.apache.spark.sql.types.DataType t) {
        if (t instanceof StructType st) {
            StructField[] fields = st.fields().clone();
            for (int i = 0; i < fields.length; i++) {
                StructField f = fields[i];
                fields[i] = new StructField(f.name(), nullable(f.dataType()), true, f.metadata());
            }
            return new StructType(fields);
        }
        if (t instanceof org.apache.spark.sql.types.ArrayType a) {
            return org.apache.spark.sql.types.DataTypes.createArrayType(nullable(a.elementType()), true);
        }
        if (t instanceof org.apache.spark.sql.types.MapType m) {
            return org.apache.spark.sql.types.DataTypes.createMapType(nullable(m.keyType()), nullable(m.valueType()), true);
        }
        return t;
    }

    /** The whole split as one scan of all its shards, with the schema {@link #read} found (the fit needs no shard layout). */
    static Dataset<Row> scan(SparkSession spark, Split split, StructType schema) {
        String[] paths = split.paths().toArray(new String[0]);
        if (split.format().isText()) {
            return spark.read().format("csv").schema(schema).options(csvReadOptions(split.format())).load(paths);
        }
        return spark.read().schema(schema).parquet(paths);
    }

    /**
     * Checks that the union of the shards has one partition per shard (call on a DataFrame without
     * observations: planning it as an RDD completes them).
     */
    static void checkOnePartitionPerShard(Dataset<Row> union, Split split) {
        // the plan's internal rows: Dataset.rdd() would also generate and compile a Row deserializer
        checkOnePartitionPerShard(union.queryExecution().toRdd().getNumPartitions(), split);
    }

    /** Checks that the shards' DataFrames have one partition per shard in all. */
    static void checkOnePartitionPerShard(int partitions, Split split) {
        if (partitions != split.shards().size()) {
            throw new IllegalStateException("split " + split.name() + ": " + partitions + " partitions for "
                    + split.shards().size() + " shards");
        }
    }

    /** The shards as one DataFrame whose partition i is shard i. */
    static Dataset<Row> union(List<ShardFrame> frames) {
        Dataset<Row> all = null;
        for (ShardFrame f : frames) {
            all = all == null ? f.data() : all.union(f.data());
        }
        return all;
    }

    static Map<String, String> csvReadOptions(ShardFormat format) {
        Map<String, String> o = new HashMap<>();
        o.put("header", "true");
        o.put("enforceSchema", "true");
        o.put("inferSchema", "false");
        o.put("sep", format.separator());
        o.put("quote", "\"");
        o.put("escape", "\"");
        o.put("multiLine", "true");
        o.put("mode", "FAILFAST");
        o.put("encoding", "UTF-8");
        o.put("ignoreLeadingWhiteSpace", "false");
        o.put("ignoreTrailingWhiteSpace", "false");
        return o;
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

    private static CsvFormat csvFormat(CsvFormat f, ShardFormat format) {
        f.setDelimiter(format.separator().charAt(0));
        f.setQuote('"');
        f.setQuoteEscape('"');
        f.setLineSeparator("\n");
        return f;
    }

    /**
     * The header row of a text shard (decompressed when gzipped), parsed like Spark parses it. The
     * parser reads its first buffer (a million characters) at once, on this thread.
     *
     * @throws JobException (invalid) for an empty shard, a header that is not UTF-8, a gzipped shard
     *                      that is not gzip data or whose stream ends or is refused within that buffer
     */
    static String[] readHeader(Split.Shard shard, ShardFormat format, Configuration conf) {
        CsvParserSettings settings = new CsvParserSettings();
        csvFormat(settings.getFormat(), format);
        settings.setReadInputOnSeparateThread(false);
        settings.setLineSeparatorDetectionEnabled(true);
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setMaxColumns(100_000);
        settings.setMaxCharsPerColumn(-1);
        try (InputStream in = open(shard.path(), conf)) {
            CsvParser parser = new CsvParser(settings);
            parser.beginParsing(in, StandardCharsets.UTF_8);
            String[] header = parser.parseNext();
            parser.stopParsing();
            if (header == null) {
                throw JobException.invalid(shard.path() + ": empty file (a " + format.label() + " shard needs a header row)");
            }
            for (int i = 0; i < header.length; i++) {
                if (header[i] != null && header[i].contains(REPLACEMENT) && !decodesAsUtf8(shard.path(), conf)) {
                    throw JobException.invalid(shard.path() + ": header column " + (i + 1)
                            + " holds bytes that are not valid UTF-8 (CSV and TSV shards must be UTF-8)");
                }
            }
            return header;
        } catch (IOException | TextParsingException e) {
            throw ShardErrors.readFailure(shard.path(), e);
        }
    }

    /**
     * A shard's content, decompressed by the codec of its extension; a gzipped one's first bytes
     * must be gzip's.
     *
     * @throws JobException (invalid) for a {@code .gz} shard that is not gzip data ({@link ShardErrors#notGzip})
     */
    static InputStream open(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        InputStream raw = fs.open(p);
        if (codec instanceof GzipCodec) {
            PushbackInputStream in = new PushbackInputStream(raw, ShardErrors.GZIP_START.length);
            byte[] start = in.readNBytes(ShardErrors.GZIP_START.length);
            if (!Arrays.equals(start, ShardErrors.GZIP_START)) {
                in.close();
                throw ShardErrors.notGzip(p, start);
            }
            in.unread(start);
            raw = in;
        }
        return codec == null ? raw : codec.createInputStream(raw);
    }

    private static StructType stringSchema(String[] header, Split.Shard shard) {
        StructType schema = new StructType();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.length; i++) {
            String name = header[i];
            if (name == null || name.isEmpty()) {
                throw JobException.invalid(shard.path() + ": header column " + (i + 1) + " has no name");
            }
            if (!seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
                throw JobException.invalid(shard.path() + ": header names column '" + name + "' twice");
            }
            schema = schema.add(name, DataTypes.StringType, true);
        }
        return schema;
    }

    // --------------------------------------------------------------- write

    /** Metric of the per-shard observation: the rows of the shard. */
    private static final String ROWS = "rows";
    /** Metric of text shards: rows with a value holding U+FFFD. */
    private static final String BAD_TEXT_ROWS = "bad_text_rows";
    /** Metric of text shards: the index of the first column with a value holding U+FFFD. */
    private static final String BAD_TEXT_COLUMN = "bad_text_column";
    /** What Spark's CSV reader makes of each byte sequence that is not valid in the charset. */
    private static final String REPLACEMENT = "\uFFFD";

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
            cases[c] = when(data.col("`" + columns[c].replace("`", "``") + "`").contains(REPLACEMENT), lit(c));
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
            if (bad > 0 && !decodesAsUtf8(shard, conf)) {
                String field = ColumnNames.field(columns[checks.get(i).firstColumn()]);
                throw JobException.invalid("split " + split.name() + ": field '" + field + "' of " + shard
                        + " holds bytes that are not valid UTF-8 (" + bad + " row(s) of the shard; CSV and TSV shards must be UTF-8)");
            }
        }
    }

    /** True when the (decompressed) file is valid UTF-8 from start to end. */
    static boolean decodesAsUtf8(Path file, Configuration conf) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        char[] buffer = new char[1 << 16];
        try (Reader in = new InputStreamReader(open(file, conf), strict)) {
            while (in.read(buffer) >= 0) {
                // decoding is the check
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        } catch (IOException e) {
            throw ShardErrors.readFailure(file, e);
        }
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
            csvFormat(settings.getFormat(), split.format());
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
