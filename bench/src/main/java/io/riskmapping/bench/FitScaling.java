package io.riskmapping.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.ml.feature.RiskTableMapper;

/**
 * The fit's cost against the number of fields, in one JVM: fits the risk tables of the first
 * {@code k} string fields of a {@link BenchData} train split ({@code --fields 48} data) for each
 * {@code k}, rounds interleaved after one warm-up fit, and prints the median wall seconds and the
 * Spark job count of each. Usage: {@code FitScaling TRAIN_DIR FORMAT K1,K2,... ROUNDS}.
 */
public final class FitScaling {

    private FitScaling() {
    }

    public static void main(String[] args) {
        String path = args[0];
        String format = args[1];
        int[] ks = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(args[3]);
        SparkSession spark = SparkSession.builder().appName("fit-scaling").getOrCreate();
        double[][] times = new double[ks.length][rounds];
        int[] jobs = new int[ks.length];
        fit(spark, path, format, ks[0]);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < ks.length; i++) {
                String group = "fit-" + ks[i] + "-" + r;
                spark.sparkContext().setJobGroup(group, group, false);
                long t0 = System.nanoTime();
                fit(spark, path, format, ks[i]);
                times[i][r] = (System.nanoTime() - t0) / 1e9;
                spark.sparkContext().clearJobGroup();
                jobs[i] = spark.sparkContext().statusTracker().getJobIdsForGroup(group).length;
                System.out.printf("  round %d  %2d fields  %6.2f s  %d Spark jobs%n", r + 1, ks[i], times[i][r], jobs[i]);
            }
        }
        System.out.println("fields,median_seconds,spark_jobs,seconds_per_field");
        for (int i = 0; i < ks.length; i++) {
            double[] t = times[i].clone();
            Arrays.sort(t);
            double median = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
            System.out.printf("%d,%.2f,%d,%.3f%n", ks[i], median, jobs[i], median / ks[i]);
        }
        spark.stop();
    }

    private static void fit(SparkSession spark, String path, String format, int k) {
        Dataset<Row> train = LookupBench.read(spark, path, format);
        List<String> fields = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            fields.add("s" + j);
        }
        new RiskTableMapper().setInputCols(fields.toArray(new String[0])).setLabelCol("label").setSmoothFactor(0.01)
                .setCountThreshold(5).setMaxUniqueThreshold(1_000_000).setParseNumericStrings(!"parquet".equals(format)).fit(train);
    }
}
