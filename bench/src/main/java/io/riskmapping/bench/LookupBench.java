package io.riskmapping.bench;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;

/**
 * Measures the parts of the job in one JVM, so that the choices in the code rest on numbers: the fit
 * (cold and warm), a cached versus a re-read train split, and the transform's lookup strategies
 * (the model's own: CASE WHEN for small tables and a broadcast hash map above; broadcast hash
 * joins), each against a plain read of the same split. Writes go to Spark's {@code noop} sink, so
 * the differences are the computation alone. Rounds are interleaved; wall and process CPU seconds
 * are printed per step (CPU time is the steadier number on a busy machine).
 *
 * <p>Usage: {@code LookupBench DATA_DIR FORMAT ROUNDS} where DATA_DIR holds {@code FORMAT/train}
 * and {@code hyperparameters.json} as written by {@link BenchData}.
 */
public final class LookupBench {

    private LookupBench() {
    }

    public static void main(String[] args) throws Exception {
        String dir = args[0];
        String format = args.length > 1 ? args[1] : "parquet";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SparkSession spark = SparkSession.builder().appName("lookup-bench").getOrCreate();
        String path = dir + "/" + format + "/train";
        String[] fields = new String[BenchData.CARDINALITIES.length];
        for (int j = 0; j < fields.length; j++) {
            fields[j] = "s" + j;
        }
        RiskTableMapper mapper = new RiskTableMapper().setInputCols(fields).setLabelCol("label")
                .setSmoothFactor(0.01).setCountThreshold(5).setMaxUniqueThreshold(1_000_000)
                .setParseNumericStrings(!"parquet".equals(format));
        RiskTableMapperModel model = null;
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            Dataset<Row> train = read(spark, path, format);
            long[] t = start();
            model = mapper.fit(train);
            record(times, "fit", t);

            t = start();
            read(spark, path, format).write().format("noop").mode("overwrite").save();
            record(times, "read (floor)", t);

            t = start();
            model.transform(read(spark, path, format)).write().format("noop").mode("overwrite").save();
            record(times, "transform: model (CASE WHEN / broadcast map)", t);

            t = start();
            joins(spark, model, read(spark, path, format)).write().format("noop").mode("overwrite").save();
            record(times, "transform: broadcast joins", t);

            Dataset<Row> cached = read(spark, path, format).persist();
            t = start();
            mapper.fit(cached);
            record(times, "fit on a cached split (builds the cache)", t);
            t = start();
            model.transform(cached).write().format("noop").mode("overwrite").save();
            record(times, "transform from the cache", t);
            cached.unpersist(true);
        }
        System.out.printf("%-48s %10s %10s%n", "step (medians of " + rounds + ")", "wall s", "cpu s");
        times.forEach((k, v) -> System.out.printf("%-48s %10.2f %10.2f%n", k, median(v, 0), median(v, 1)));
        spark.stop();
    }

    static Dataset<Row> read(SparkSession spark, String path, String format) {
        return switch (format) {
            case "parquet" -> spark.read().parquet(path);
            // as the job reads CSV: each file parsed whole (quoted line breaks), every column a string
            case "csv" -> spark.read().option("header", "true").option("multiLine", "true").option("mode", "FAILFAST").csv(path);
            default -> throw new IllegalArgumentException(format);
        };
    }

    /** The same mapping as left broadcast hash joins against one (key, value) table per field. */
    static Dataset<Row> joins(SparkSession spark, RiskTableMapperModel model, Dataset<Row> df) {
        StructType schema = new StructType().add("k", DataTypes.StringType).add("v", DataTypes.DoubleType);
        Dataset<Row> out = df;
        for (RiskTable t : model.riskTables().list()) {
            List<Row> rows = new ArrayList<>();
            t.bins().forEach((k, v) -> rows.add(RowFactory.create(String.valueOf(k), v)));
            String f = t.varName();
            Dataset<Row> table = spark.createDataFrame(rows, schema).withColumnRenamed("k", "k_" + f).withColumnRenamed("v", "v_" + f);
            out = out.join(broadcast(table), col(f).equalTo(col("k_" + f)), "left")
                    .withColumn(f, coalesce(col("v_" + f), lit(t.defaultBin()))).drop("k_" + f, "v_" + f);
        }
        return out;
    }

    private static long[] start() {
        return new long[] {System.nanoTime(), cpu()};
    }

    private static void record(Map<String, List<double[]>> times, String step, long[] t) {
        double[] v = {(System.nanoTime() - t[0]) / 1e9, (cpu() - t[1]) / 1e9};
        times.computeIfAbsent(step, k -> new ArrayList<>()).add(v);
        System.out.printf("  %-48s %8.2f s wall %8.2f s cpu%n", step, v[0], v[1]);
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(List<double[]> v, int i) {
        double[] a = v.stream().mapToDouble(x -> x[i]).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
