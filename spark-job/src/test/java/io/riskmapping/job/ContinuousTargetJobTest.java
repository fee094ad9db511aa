package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * {@code "target_type": "continuous"} in the job: German Credit with {@code credit_amount} as the
 * label, count smoothing; the val shards' values against smoothed means computed here from the
 * train CSV files.
 */
class ContinuousTargetJobTest {

    @TempDir
    Path tmp;

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
        Path data = SparkTestSession.germanCredit("csv");
        Path out = tmp.resolve("out");
        JobHarness.Result r = trainGermanCredit(tmp, out);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("continuous label, mean "), r.err());
        List<String> artifacts = JobHarness.names(out.resolve("model_artifacts"));
        assertTrue(artifacts.contains("risk_table_map.json"), artifacts.toString());
        assertFalse(artifacts.contains("iv_summary.json"), "IV needs a binary label: " + artifacts);
        assertTrue(artifacts.contains("train_profile.json"), "the counts for later runs' drift: " + artifacts);

        // by hand: per category n and the sum of credit_amount over train, the mean over all train rows
        Map<String, double[]> byCategory = new HashMap<>();
        double total = 0;
        long rows = 0;
        int c = -1;
        int y = -1;
        for (int s = 0; s < 3; s++) {
            List<String[]> lines = JobHarness.readText(data.resolve("train/part-0000" + s + ".csv"));
            c = List.of(lines.get(0)).indexOf("checking_status");
            y = List.of(lines.get(0)).indexOf("credit_amount");
            for (String[] l : lines.subList(1, lines.size())) {
                double v = Double.parseDouble(l[y]);
                double[] nk = byCategory.computeIfAbsent(l[c], k -> new double[2]);
                nk[0]++;
                nk[1] += v;
                total += v;
                rows++;
            }
        }
        double mean = total / rows;
        List<String[]> in = JobHarness.readText(data.resolve("val/part-00000.csv"));
        List<String[]> mapped = JobHarness.readText(out.resolve("val/part-00000.csv"));
        assertEquals(in.size(), mapped.size());
        for (int i = 1; i < in.size(); i++) {
            double[] nk = byCategory.get(in.get(i)[c]);
            double expected = nk == null ? mean : (nk[1] + 10 * mean) / (nk[0] + 10);
            assertEquals(expected, Double.parseDouble(mapped.get(i)[c]), Math.abs(expected) * 1e-12, "val row " + i);
            assertEquals(in.get(i)[y], mapped.get(i)[y], "the label is passed through");
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
