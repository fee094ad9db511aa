package io.riskmapping.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A deterministic benchmark data set: {@code OUT/<format>/{train,val,test}/part-0000i.<ext>}, 8
 * shards per split, plus {@code OUT/hyperparameters.json}. Every value is a function of the row id
 * and a seed (hashes, not a random generator), so the data is the same whatever the partitioning.
 *
 * <ul>
 *   <li>12 string fields {@code s0..s11} with cardinalities 2, 5, 10, 50, 100, 500, 1k, 5k, 10k,
 *       50k, 100k, 500k, skewed (category {@code floor(C·u³)}: a few categories hold most rows), about 2% nulls;</li>
 *   <li>8 numeric fields {@code x0..x7} in [0, 1000) with about 5% nulls;</li>
 *   <li>{@code label}: 0/1 with about 8% events depending on some categories, about 1% -1 and 0.5% null.</li>
 * </ul>
 * Usage: {@code BenchData OUT small|medium|large [csv,parquet] [--rows T,V,T] [--fields N] [--wide-categories C]}
 * ({@code --help} for details): {@code --fields 48} repeats the 12 cardinalities with new values
 * (the field-scaling run); {@code --wide-categories 1000000} adds a field of exactly a million
 * categories, each on about the same number of rows, when a split has at least that many rows (the memory run).
 */
public final class BenchData {

    static final long[] CARDINALITIES = {2, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000};
    static final int SHARDS = 8;
    static final long SEED = 20261121L;

    private BenchData() {
    }

    /** Command line: {@code BenchData OUT SIZE [FORMATS] [--rows T,V,T] [--fields N] [--wide-categories C]}. */
    @Command(name = "bench-data", mixinStandardHelpOptions = true,
            description = "Writes the deterministic benchmark data set OUT/<format>/{train,val,test}/ and OUT/hyperparameters.json.")
    static final class Options {
        @Parameters(index = "0", paramLabel = "OUT", description = "output folder (any Hadoop path)")
        String out;
        @Parameters(index = "1", paramLabel = "SIZE", description = "small (200k/50k/50k rows), medium (3M/1M/1M) or large (--rows)")
        String size;
        @Parameters(index = "2", arity = "0..1", paramLabel = "FORMATS", description = "comma-separated: csv, parquet (default: both)")
        String formats = "csv,parquet";
        @Option(names = "--rows", split = ",", paramLabel = "T,V,T", description = "train, val and test rows (large size)")
        long[] rows;
        @Option(names = "--fields", description = "string fields s0..s(N-1), cardinalities cycling through 2 ... 500k (default 12)")
        int fields = CARDINALITIES.length;

        void check() {
            if (fields < 1 || fields > 100) {
                throw new IllegalArgumentException("--fields must be between 1 and 100");
            }
        }
        @Option(names = "--wide-categories", paramLabel = "C",
                description = "add a field 'wide' of C categories, w_(row id mod C) (0: none); max_unique_threshold is raised above C")
        long wide;
    }

    public static void main(String[] args) throws IOException {
        Options o = new Options();
        CommandLine cl = new CommandLine(o);
        cl.parseArgs(args);
        if (cl.isUsageHelpRequested()) {
            cl.usage(System.out);
            return;
        }
        o.check();
        long[] rows = switch (o.size) {
            case "small" -> new long[] {200_000, 50_000, 50_000};
            case "medium" -> new long[] {3_000_000, 1_000_000, 1_000_000};
            case "large" -> o.rows;
            default -> null;
        };
        if (rows == null || rows.length != 3) {
            throw new IllegalArgumentException("size must be small, medium or large with --rows TRAIN,VAL,TEST");
        }
        SparkSession spark = SparkSession.builder().appName("bench-data").getOrCreate();
        writeDataSet(spark, o.out, rows, o.formats, o.fields, o.wide);
        spark.stop();
    }

    /**
     * Writes the data set into {@code out}: {@code <format>/{train,val,test}/} with {@code rows[0..2]}
     * rows, for each of the comma-separated {@code formats} (csv, parquet), and {@code hyperparameters.json}.
     */
    public static void writeDataSet(SparkSession spark, String out, long[] rows, String formats) throws IOException {
        writeDataSet(spark, out, rows, formats, CARDINALITIES.length, 0);
    }

    /** As {@link #writeDataSet(SparkSession, String, long[], String)}, with {@code --fields} and {@code --wide-categories}. */
    public static void writeDataSet(SparkSession spark, String out, long[] rows, String formats, int fieldCount, long wide)
            throws IOException {
        long start = 0;
        String[] splits = {"train", "val", "test"};
        for (int s = 0; s < 3; s++) {
            Dataset<Row> df = generate(spark, start, rows[s], fieldCount, wide);
            start += rows[s];
            for (String format : formats.split(",")) {
                write(spark, df, out + "/" + format + "/" + splits[s], format);
            }
        }
        List<String> fields = new ArrayList<>();
        for (int j = 0; j < fieldCount; j++) {
            fields.add("\"s" + j + "\"");
        }
        if (wide > 0) {
            fields.add("\"wide\"");
        }
        String hp = "{\n  \"cat_field_list\": [" + String.join(", ", fields) + "],\n  \"label_name\": \"label\",\n"
                + "  \"smooth_factor\": 0.01,\n  \"count_threshold\": 5,\n  \"max_unique_threshold\": "
                + Math.max(1_000_000, 2 * wide) + "\n}\n";
        Path hpPath = new Path(out, "hyperparameters.json");
        try (var os = hpPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(hpPath, true)) {
            os.write(hp.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A uniform [0, 1) value from the row id and a stream number. */
    static Column uniform(int stream) {
        return pmod(xxhash64(col("id"), lit(SEED * 1000 + stream)), lit(1_000_000_007L)).cast(DataTypes.DoubleType).divide(1_000_000_007.0);
    }

    static Dataset<Row> generate(SparkSession spark, long start, long n, int fields, long wide) {
        Dataset<Row> df = spark.range(start, start + n, 1, SHARDS).toDF();
        List<Column> cols = new ArrayList<>();
        for (int j = 0; j < fields; j++) {
            // hash streams: j for values, 100 + j for nulls (so at most 100 fields); past the first 12, the cardinalities repeat
            Column idx = floor(pow(uniform(j), 3).multiply(CARDINALITIES[j % CARDINALITIES.length]));
            cols.add(when(uniform(100 + j).lt(0.02), lit(null).cast(DataTypes.StringType))
                    .otherwise(concat(lit("c" + j + "_"), idx.cast(DataTypes.StringType))).as("s" + j));
        }
        if (wide > 0) {
            // exactly `wide` categories when a split has at least that many rows, each about equally often
            cols.add(concat(lit("w_"), pmod(col("id"), lit(wide)).cast(DataTypes.StringType)).as("wide"));
        }
        for (int j = 0; j < 8; j++) {
            cols.add(when(uniform(300 + j).lt(0.05), lit(null).cast(DataTypes.DoubleType))
                    .otherwise(round(uniform(200 + j).multiply(1000), 2)).as("x" + j));
        }
        // event rate ~8%, higher for some categories of s1, s3 and s7
        Column logit = lit(-3.3)
                .plus(when(floor(pow(uniform(1), 3).multiply(CARDINALITIES[1])).equalTo(0), 0.9).otherwise(0.0))
                .plus(when(floor(pow(uniform(3), 3).multiply(CARDINALITIES[3])).lt(3), 0.5).otherwise(0.0))
                .plus(when(floor(pow(uniform(7), 3).multiply(CARDINALITIES[7])).lt(10), 0.4).otherwise(0.0));
        Column p = lit(1.0).divide(lit(1.0).plus(exp(logit.multiply(-1))));
        Column label = when(uniform(402).lt(0.005), lit(null).cast(DataTypes.IntegerType))
                .when(uniform(401).lt(0.01), lit(-1))
                .when(uniform(400).lt(p), lit(1)).otherwise(lit(0));
        cols.add(label.as("label"));
        return df.select(cols.toArray(new Column[0]));
    }

    static void write(SparkSession spark, Dataset<Row> df, String dir, String format) throws IOException {
        String tmp = dir + ".tmp";
        if ("csv".equals(format)) {
            df.write().mode("overwrite").option("header", "true").csv(tmp);
        } else {
            df.write().mode("overwrite").parquet(tmp);
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path target = new Path(dir);
        FileSystem fs = target.getFileSystem(conf);
        fs.delete(target, true);
        fs.mkdirs(target);
        for (FileStatus st : fs.listStatus(new Path(tmp))) {
            String name = st.getPath().getName();
            if (name.startsWith("part-")) {
                String ext = "csv".equals(format) ? ".csv" : ".parquet";
                fs.rename(st.getPath(), new Path(target, name.substring(0, 10) + ext));
            }
        }
        fs.delete(new Path(tmp), true);
    }
}
