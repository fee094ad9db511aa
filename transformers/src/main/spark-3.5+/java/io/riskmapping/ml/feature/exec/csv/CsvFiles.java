package io.riskmapping.ml.feature.exec.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.Partition;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.apache.spark.sql.catalyst.util.FailFastMode$;
import org.apache.spark.sql.catalyst.util.PermissiveMode$;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.datasources.csv.CSVFileFormat;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.SerializableConfiguration;

import io.riskmapping.ml.feature.exec.scan.FileScans;

/**
 * A DataFrame's CSV scan read as records ({@link CsvRecords}: plain lines as bytes, other records as
 * the CSV parser's arrays of strings), without Spark's rows: what {@link CsvCounts} (the fit) and
 * {@link CsvMapping} (the transform) share.
 *
 * <p>A DataFrame qualifies when its physical plan is a CSV file scan with at most a selection of
 * its columns above it (no filter, no computed column, no partition columns), read with
 * {@code multiLine} (each file parsed whole, as one stream) and every column a string. Each file
 * is then parsed by the same univocity parser, with the same settings, that Spark's CSV reader
 * uses ({@link CSVOptions#asParserSettings}, built from the scan's own options): the header
 * record is dropped when {@code header} is set, a value equal to {@code nullValue} (by default
 * the empty string, quoted or not) is null, and in {@code FAILFAST} mode a record whose number of
 * values differs from the schema's is refused ({@link IllegalArgumentException}, naming the file)
 * and in {@code PERMISSIVE} mode padded with nulls or cut; as Spark does, a record is not checked
 * when only some columns are read (column pruning). Other modes take Spark's rows.
 *
 * <p>The files are read where the task runs, through Hadoop's {@link FileSystem} (any scheme) and
 * its compression codecs (by file extension, e.g. {@code .gz}), in Spark's partitions of the scan.
 *
 * <p>{@code spark.riskmapping.csvFiles=false} ({@link #ENABLED}) turns this path off: the fit and
 * the transform then read Spark's rows, with the same results. {@code
 * spark.riskmapping.csvPlainLines=false} ({@link #PLAIN_LINES}) keeps it but gives every record to
 * the parser.
 */
public final class CsvFiles {

    /** The Spark setting that turns the CSV record paths off ({@code false}; default {@code true}). */
    public static final String ENABLED = "spark.riskmapping.csvFiles";

    /**
     * The Spark setting that turns off reading plain lines as bytes ({@code false}; default
     * {@code true}): every record then goes through Spark's parser, with the same results (see {@link CsvRecords}).
     */
    public static final String PLAIN_LINES = "spark.riskmapping.csvPlainLines";

    private CsvFiles() {
    }

    /**
     * A file of a CSV scan that could not be read to its end: an I/O error, or a compressed file cut
     * short or refused by its codec (the cause, an {@link IOException}, says which). It names the
     * file, as Spark's {@code FAILED_READ_FILE} error does on Spark's own read path.
     */
    public static final class FileReadException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;
        private final Path file;

        FileReadException(Path file, IOException cause) {
            super("cannot read " + file + ": " + cause.getMessage(), cause);
            this.file = file;
        }

        /** The file that could not be read. */
        public Path file() {
            return file;
        }
    }

    /**
     * A CSV scan: its files in Spark's partitions, its reader options, the Hadoop configuration to
     * open them with, the number of columns of its schema, and for each column of the DataFrame it
     * was found under, that column's index in a record.
     */
    record Scan(List<List<String>> partitions, CSVOptions options, Broadcast<SerializableConfiguration> conf, int width,
            int[] columns, boolean plainLines) implements java.io.Serializable {
    }

    /** The CSV scan under {@code data}, or none when {@code data} is not a plain multi-line CSV scan of string columns. */
    static Optional<Scan> scan(Dataset<Row> data) {
        return scan(data, null);
    }

    /**
     * As {@link #scan(Dataset)}; when {@code order} is not null, one partition per file in that
     * order (paths or URIs, compared by their path), or none unless they are exactly the scan's files.
     */
    static Optional<Scan> scan(Dataset<Row> data, List<String> order) {
        if (!Boolean.parseBoolean(data.sparkSession().conf().get(ENABLED, "true"))) {
            return Optional.empty();
        }
        FileScans.Found found = FileScans.of(data).orElse(null);
        if (found == null) {
            return Optional.empty();
        }
        FileSourceScanExec scan = found.scan();
        if (!(scan.relation().fileFormat() instanceof CSVFileFormat) || scan.relation().partitionSchema().nonEmpty()
                || scan.bucketedScan() || !scan.dataFilters().isEmpty() || !scan.partitionFilters().isEmpty()) {
            return Optional.empty();
        }
        var session = scan.relation().sparkSession();
        CSVOptions options = new CSVOptions(scan.relation().options(), session.sessionState().conf().csvColumnPruning(),
                session.sessionState().conf().sessionLocalTimeZone());
        StructField[] schema = scan.relation().dataSchema().fields();
        if (!options.multiLine() || options.isCommentSet()
                || !(options.parseMode() == FailFastMode$.MODULE$ || options.parseMode() == PermissiveMode$.MODULE$)) {
            return Optional.empty();
        }
        for (StructField f : schema) {
            if (!(f.dataType() instanceof StringType) || f.name().equals(options.columnNameOfCorruptRecord())) {
                return Optional.empty();
            }
        }
        int[] at = new int[found.outputs().length];
        for (int i = 0; i < at.length; i++) {
            at[i] = indexOf(schema, found.output(i).name());
            if (at[i] < 0) {
                return Optional.empty();
            }
        }
        List<List<String>> partitions = new ArrayList<>();
        for (Partition part : scan.inputRDD().partitions()) {
            List<String> files = new ArrayList<>();
            for (PartitionedFile f : ((FilePartition) part).files()) {
                if (f.start() != 0) {
                    return Optional.empty(); // a split file: Spark reads multi-line CSV whole, so this is not the reader we know
                }
                files.add(f.urlEncodedPath());
            }
            partitions.add(files);
        }
        if (order != null) {
            Optional<List<List<String>>> ordered = inOrder(partitions, order);
            if (ordered.isEmpty()) {
                return Optional.empty();
            }
            partitions = ordered.get();
        }
        Configuration conf = session.sessionState().newHadoopConfWithOptions(scan.relation().options());
        Broadcast<SerializableConfiguration> shared = session.sparkContext().broadcast(new SerializableConfiguration(conf),
                scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class));
        boolean plainLines = Boolean.parseBoolean(session.conf().get(PLAIN_LINES, "true")) && CsvRecords.applies(options, schema.length);
        return Optional.of(new Scan(partitions, options, shared, schema.length, at, plainLines));
    }

    /** The files of {@code partitions}, one per partition in the order of {@code order}; none unless the same files. */
    private static Optional<List<List<String>>> inOrder(List<List<String>> partitions, List<String> order) {
        List<String> files = new ArrayList<>();
        partitions.forEach(files::addAll);
        return FileScans.positions(files.stream().map(f -> org.apache.spark.paths.SparkPath.fromUrlString(f).toPath()).toList(), order)
                .map(at -> {
                    List<List<String>> out = new ArrayList<>();
                    for (int i : at) {
                        out.add(new ArrayList<>(List.of(files.get(i)))); // a mutable list: Kryo (spark.serializer) cannot rebuild List.of's
                    }
                    return out;
                });
    }

    private static int indexOf(StructField[] schema, String name) {
        for (int j = 0; j < schema.length; j++) {
            if (schema[j].name().equals(name)) {
                return j;
            }
        }
        return -1;
    }

    /**
     * The records of one file ({@link CsvRecords}): plain lines read as bytes when {@code plainLines}
     * (which the caller takes from {@link Scan#plainLines}), other records by Spark's parser;
     * {@code select} the columns a parsed record's values hold, or null for all. The file is closed after its last record, and
     * (in a Spark task) when the task completes.
     *
     * @param width the number of columns of the schema (a record of another width is malformed when all are read)
     * @throws IllegalArgumentException (from {@link CsvRecords#next}) for a malformed record in {@code FAILFAST} mode
     * @throws FileReadException when the file cannot be opened or read to its end
     */
    static CsvRecords records(String file, Scan scan, int[] select, boolean plainLines, Configuration conf) {
        Path path = org.apache.spark.paths.SparkPath.fromUrlString(file).toPath();
        InputStream in;
        try {
            in = open(path, conf);
        } catch (IOException e) {
            throw new FileReadException(path, e);
        }
        CsvRecords records = new CsvRecords(in, path, scan.options(), scan.width(), select, plainLines);
        // a task that stops early (a failure) closes the file on completion
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener(new org.apache.spark.util.TaskCompletionListener() {
                @Override
                public void onTaskCompletion(org.apache.spark.TaskContext context) {
                    records.close();
                }
            });
        }
        return records;
    }

    private static InputStream open(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        InputStream raw = fs.open(p);
        return codec == null ? raw : codec.createInputStream(raw);
    }
}
