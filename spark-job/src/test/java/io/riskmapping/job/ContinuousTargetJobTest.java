package io.riskmapping.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * {@code "target_type": "continuous"} in the job: German Credit with {@code credit_amount} as the
 * label, count smoothing; the val shards' values (and, with {@code num_folds}, the train shards'
 * out-of-fold values) against smoothed means computed here from the train CSV files.
 */
class ContinuousTargetJobTest {

    @TempDir
    Path tmp;

    /**
     * Runs a training job on German Credit CSV into {@code out}: label {@code credit_amount}, continuous, count
     * smoothing 10, count threshold 1, the fields {@code fields} (JSON strings), {@code extra} JSON members
     * appended; asserts exit code 0.
     */
    private JobHarness.Result train(Path out, String fields, String extra) {
        Path hp = tmp.resolve("hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [" + fields + "], \"label_name\": \"credit_amount\", \"target_type\": \"continuous\", "
                + "\"smoothing_mode\": \"count\", \"smoothing\": 10, \"count_threshold\": 1" + extra + "}");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(),
                "--output-dir", out.toString(), "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** Columns of the German Credit shards. */
    private static final List<String> HEADER = List.of(
            JobHarness.readText(SparkTestSession.germanCredit("csv").resolve("train/part-00000.csv")).get(0));
    private static final int C = HEADER.indexOf("checking_status");
    private static final int Y = HEADER.indexOf("credit_amount");

    /**
     * Sums of credit_amount over the train shards, made here from the CSV text.
     *
     * @param perFold    [fold] &rarr; {rows, sum of labels}
     * @param byCategory [fold] &rarr; checking_status &rarr; {rows, sum of labels}
     */
    private record TrainSums(double[][] perFold, List<Map<String, double[]>> byCategory) {

        /** {@code folds.get(s)[i]}: the fold of row i of train shard s. */
        static TrainSums of(List<int[]> folds, int k) {
            double[][] perFold = new double[k][2];
            List<Map<String, double[]>> byCategory = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                byCategory.add(new HashMap<>());
            }
            for (int s = 0; s < 3; s++) {
                List<String[]> lines = JobHarness.readText(SparkTestSession.germanCredit("csv").resolve("train/part-0000" + s + ".csv"));
                assertEquals(lines.size() - 1, folds.get(s).length);
                for (int i = 1; i < lines.size(); i++) {
                    int j = folds.get(s)[i - 1];
                    double v = Double.parseDouble(lines.get(i)[Y]);
                    perFold[j][0]++;
                    perFold[j][1] += v;
                    double[] nk = byCategory.get(j).computeIfAbsent(lines.get(i)[C], x -> new double[2]);
                    nk[0]++;
                    nk[1] += v;
                }
            }
            return new TrainSums(perFold, byCategory);
        }

        /** The mean label of fold j's rows. */
        double mean(int j) {
            return perFold[j][1] / perFold[j][0];
        }

        /** {@code (sum + 10*p) / (n + 10)} over fold j's rows of the category, with {@code p} their mean; {@code p} for a category not there. */
        double smoothedMean(int j, String category) {
            double[] nk = byCategory.get(j).get(category);
            return nk == null ? mean(j) : (nk[1] + 10 * mean(j)) / (nk[0] + 10);
        }
    }

    /**
     * Every row of shard {@code split/name} of {@code out} against the input shard: checking_status
     * holds {@code expected.applyAsDouble(row, category)} (rows counted from 1 after the header),
     * the label is passed through.
     */
    private static void assertMapped(Path out, String split, String name, ToDoubleBiFunction<Integer, String> expected) {
        List<String[]> a = JobHarness.readText(SparkTestSession.germanCredit("csv").resolve(split).resolve(name));
        List<String[]> b = JobHarness.readText(out.resolve(split).resolve(name));
        assertEquals(a.size(), b.size());
        for (int i = 1; i < a.size(); i++) {
            double e = expected.applyAsDouble(i, a.get(i)[C]);
            assertEquals(e, Double.parseDouble(b.get(i)[C]), Math.abs(e) * 1e-12, split + "/" + name + " row " + i);
            assertEquals(a.get(i)[Y], b.get(i)[Y], "the label is passed through");
        }
    }

    /**
     * Trains on German Credit CSV with {@code credit_amount} as a continuous label, count smoothing
     * 10 and count threshold 1, fields checking_status and purpose, into {@code out}; its
     * hyperparameters file is written into {@code dir}.
     */
    static JobHarness.Result trainGermanCredit(Path dir, Path out) {
        Path hp = dir.resolve("continuous-hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"checking_status\", \"purpose\"], \"label_name\": \"credit_amount\", "
                + "\"target_type\": \"continuous\", \"smoothing_mode\": \"count\", \"smoothing\": 10, \"count_threshold\": 1}");
        return JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(), "--output-dir",
                out.toString(), "--hyperparameters", hp.toString());
    }

    @Test
    void eachCategoryGetsItsSmoothedMeanOfTheLabel() throws IOException {
        Path out = tmp.resolve("out");
        JobHarness.Result r = train(out, "\"checking_status\", \"purpose\"", "");
        assertTrue(r.err().contains("continuous label, mean "), r.err());
        List<String> artifacts = JobHarness.names(out.resolve("model_artifacts"));
        assertTrue(artifacts.contains("risk_table_map.json"), artifacts.toString());
        assertFalse(artifacts.contains("iv_summary.json"), "IV needs a binary label: " + artifacts);
        assertTrue(artifacts.contains("train_profile.json"), "the counts for later runs' drift: " + artifacts);

        // by hand: per category n and the sum of credit_amount over train (all rows one "fold"), the mean over all train rows
        List<int[]> oneFold = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            oneFold.add(new int[JobHarness.readText(SparkTestSession.germanCredit("csv").resolve("train/part-0000" + s + ".csv")).size() - 1]);
        }
        TrainSums sums = TrainSums.of(oneFold, 1);
        assertMapped(out, "val", "part-00000.csv", (i, category) -> sums.smoothedMean(0, category));
    }

    /**
     * {@code num_folds} 2: each train row gets the smoothed mean over the train rows of the other
     * fold (fold of a row: {@code pmod(xxhash64(every column as text, fold_seed), 2)}, evaluated
     * here with Spark's functions on the shard as read), val the smoothed mean over all train rows.
     */
    @Test
    void numFoldsEncodesTrainOutOfFoldAndValWithTheFullTables() throws IOException {
        Path out = tmp.resolve("out");
        JobHarness.Result r = train(out, "\"checking_status\"", ", \"num_folds\": 2, \"fold_seed\": 3");
        assertTrue(r.out().contains("encoded out of fold (2 folds)"), r.out());

        Column[] hashed = new Column[HEADER.size() + 1];
        for (int i = 0; i < HEADER.size(); i++) {
            hashed[i] = col("`" + HEADER.get(i) + "`");
        }
        hashed[HEADER.size()] = lit(3L);
        List<int[]> folds = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Dataset<Row> read = SparkTestSession.get().read().option("header", "true")
                    .csv(SparkTestSession.germanCredit("csv").resolve("train/part-0000" + s + ".csv").toString());
            folds.add(read.select(pmod(xxhash64(hashed), lit(2L))).collectAsList().stream().mapToInt(x -> (int) x.getLong(0)).toArray());
        }
        TrainSums sums = TrainSums.of(folds, 2);
        assertTrue(sums.perFold()[0][0] > 200 && sums.perFold()[1][0] > 200,
                "two folds of about 300 rows: " + sums.perFold()[0][0] + ", " + sums.perFold()[1][0]);
        for (int s = 0; s < 3; s++) {
            int[] fold = folds.get(s);
            assertMapped(out, "train", "part-0000" + s + ".csv", (i, category) -> sums.smoothedMean(1 - fold[i - 1], category));
        }
        List<int[]> oneFold = new ArrayList<>();
        for (int[] f : folds) {
            oneFold.add(new int[f.length]);
        }
        TrainSums all = TrainSums.of(oneFold, 1);
        for (int s = 0; s < 3; s++) {
            assertMapped(out, "val", "part-0000" + s + ".csv", (i, category) -> all.smoothedMean(0, category));
        }
    }

    @Test
    void continuousWithWoeIsRefused() {
        Path hp = tmp.resolve("hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"purpose\"], \"label_name\": \"credit_amount\", \"target_type\": \"continuous\", "
                + "\"encoding\": \"woe\"}");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(),
                "--output-dir", tmp.resolve("out").toString(), "--hyperparameters", hp.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("target_type \"continuous\" takes the risk_table encoding"), r.err());
        assertFalse(Files.exists(tmp.resolve("out")));
    }
}
