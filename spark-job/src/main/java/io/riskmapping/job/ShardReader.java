package io.riskmapping.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
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

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvFormat;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;

/**
 * Reads a split shard by shard with Spark's own CSV and Parquet readers: the check of every
 * shard's start (CSV/TSV header, Parquet footer) before any pass, one DataFrame per shard for the
 * transform passes ({@link #read}), and the whole split as one scan for the fit ({@link #scan}).
 *
 * <p>Each shard is read as its own scan and the scans are unioned in shard order; under
 * {@link PassSettings#transform} a one-file scan is one partition, so partition {@code i} of the
 * split is shard {@code i} ({@link ShardWriter} writes it back under shard {@code i}'s name). Text
 * columns are read as strings (no inference).
 */
final class ShardReader {

    /** What Spark's CSV reader makes of each byte sequence that is not valid in the charset. */
    static final String REPLACEMENT = "\uFFFD";

    private ShardReader() {
    }

    /**
     * One shard and its scan. A split's scans beyond the first are made when first asked for: a
     * pass that reads the split as one scan ({@link #scan}) never plans them (each is a file
     * listing and an analysis).
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
     * {@link PassSettings#transform}; all with the first shard's schema, and each beyond the first
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

    static CsvFormat csvFormat(CsvFormat f, ShardFormat format) {
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
}
