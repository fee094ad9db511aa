package io.riskmapping.job;

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

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * {@code "target_type": "multiclass"} in the job: German Credit with {@code housing} (for free,
 * own, rent) as the label. Each mapped field's column is replaced, where it was, by one column per
 * class; the values are checked against one-vs-rest smoothed rates computed here from the train
 * CSV files; a validation run from the artifacts, a TSV and a Parquet run write the same values.
 */
class MulticlassTargetJobTest {

    @TempDir
    static Path tmp;

    static final List<String> CLASSES = List.of("for free", "own", "rent");
    static final double M = 4;

    private static Path hp;
    private static Path trained;

    @BeforeAll
    static void train() {
        trainGermanCredit(tmp);
        trained = tmp.resolve("training");
        hp = tmp.resolve("hp.json");
    }

    /**
     * Runs the training job on German Credit (CSV) with {@code housing} as the label, count
     * smoothing {@link #M} and count_threshold 1, the hyperparameters written to {@code dir/hp.json};
     * checks that it succeeds and returns its result; its output folder is {@code dir/training}.
     */
    static JobHarness.Result trainGermanCredit(Path dir) {
        Path hyperparameters = dir.resolve("hp.json");
        JobHarness.write(hyperparameters, "{\"cat_field_list\": [\"checking_status\", \"purpose\"], \"label_name\": \"housing\", "
                + "\"target_type\": \"multiclass\", \"smoothing_mode\": \"count\", \"smoothing\": 4, \"count_threshold\": 1}");
        Path out = dir.resolve("training");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(),
                "--output-dir", out.toString(), "--hyperparameters", hyperparameters.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("multiclass label") && r.err().contains("3 classes (for free, own, rent)"), r.err());
        return r;
    }

    /**
     * Per value of {@code column} in a German Credit split's CSV shards: {rows, rows of each class
     * of {@link #CLASSES}}; key "" for all rows.
     */
    static Map<String, long[]> counts(String split, String column) {
        Map<String, long[]> counts = new HashMap<>();
        for (int s = 0; s < 3; s++) {
            List<String[]> lines = JobHarness.readText(SparkTestSession.germanCredit("csv").resolve(split + "/part-0000" + s + ".csv"));
            int x = List.of(lines.get(0)).indexOf(column);
            int y = List.of(lines.get(0)).indexOf("housing");
            for (String[] l : lines.subList(1, lines.size())) {
                for (String key : new String[] {l[x], ""}) {
                    long[] c = counts.computeIfAbsent(key, k -> new long[1 + CLASSES.size()]);
                    c[0]++;
                    c[1 + CLASSES.indexOf(l[y])]++;
                }
            }
        }
        return counts;
    }

    @Test
    void eachFieldBecomesOneColumnPerClassWithItsOneVsRestRate() {
        List<String[]> in = JobHarness.readText(SparkTestSession.germanCredit("csv").resolve("val/part-00000.csv"));
        List<String[]> out = JobHarness.readText(trained.resolve("val/part-00000.csv"));
        List<String> header = new ArrayList<>(List.of(in.get(0)));
        int c = header.indexOf("checking_status");
        header.remove(c);
        header.addAll(c, List.of("checking_status_for free", "checking_status_own", "checking_status_rent"));
        int p = header.indexOf("purpose");
        header.remove(p);
        header.addAll(p, List.of("purpose_for free", "purpose_own", "purpose_rent"));
        assertEquals(header, List.of(out.get(0)), "the class columns take the field's place");
        assertEquals(in.size(), out.size());

        Map<String, long[]> counts = counts("train", "checking_status");
        long[] all = counts.get("");
        int y = List.of(in.get(0)).indexOf("housing");
        int yOut = header.indexOf("housing");
        for (int i = 1; i < in.size(); i++) {
            long[] nk = counts.get(in.get(i)[c]);
            double sum = 0;
            for (int k = 0; k < CLASSES.size(); k++) {
                double prior = (double) all[1 + k] / all[0];
                double expected = nk == null ? prior : (nk[1 + k] + M * prior) / (nk[0] + M);
                double actual = Double.parseDouble(out.get(i)[c + k]);
                assertEquals(expected, actual, 1e-12, "val row " + i + ", class " + CLASSES.get(k));
                sum += actual;
            }
            assertEquals(1.0, sum, 1e-12, "smoothing toward the priors keeps the sum at 1");
            assertEquals(in.get(i)[y], out.get(i)[yOut], "the label is passed through");
        }
    }

    @Test
    void artifactsHoldOneTablePerClassAndAValidationRunMapsTheSame() throws IOException {
        Path artifacts = trained.resolve("model_artifacts");
        List<String> names = JobHarness.names(artifacts);
        assertTrue(names.contains("risk_table_map.json") && names.contains("risk_table_map.pkl"), names.toString());
        assertFalse(names.contains("iv_summary.json"), names.toString());
        String json = Files.readString(artifacts.resolve("risk_table_map.json"));
        assertTrue(json.contains("\"target_type\" : \"multiclass\"") && json.contains("\"class_tables\""), json);

        Path input = tmp.resolve("validation-in");
        JobHarness.copyTree(SparkTestSession.germanCredit("csv").resolve("val"), input.resolve("validation"));
        Path out = tmp.resolve("validation");
        JobHarness.Result v = JobHarness.run("--job-type", "validation", "--input-dir", input.toString(), "--output-dir", out.toString(),
                "--model-artifacts-input", artifacts.toString());
        assertEquals(0, v.exitCode(), v.toString());
        assertTrue(v.err().contains("multiclass risk (3 classes)"), v.err());
        for (int s = 0; s < 3; s++) {
            assertEquals(Files.readString(trained.resolve("val/part-0000" + s + ".csv")),
                    Files.readString(out.resolve("validation/part-0000" + s + ".csv")), "shard " + s);
        }
    }

    @Test
    void parquetShardsGetTheSameClassColumns() {
        Path out = tmp.resolve("parquet");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("parquet").toString(),
                "--output-dir", out.toString(), "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String[]> csv = JobHarness.readText(trained.resolve("val/part-00001.csv"));
        List<Row> rows = SparkTestSession.get().read().parquet(out.resolve("val/part-00001.parquet").toString()).collectAsList();
        List<String> columns = List.of(SparkTestSession.get().read().parquet(out.resolve("val/part-00001.parquet").toString()).columns());
        assertEquals(List.of(csv.get(0)), columns);
        int c = columns.indexOf("checking_status_own");
        assertEquals(csv.size() - 1, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(Double.parseDouble(csv.get(i + 1)[c]), rows.get(i).getDouble(c), 0.0, "row " + i);
        }
    }

    @Test
    void tsvShardsGetTheSameClassColumns() {
        Path out = tmp.resolve("tsv");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("tsv").toString(),
                "--output-dir", out.toString(), "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String[]> csv = JobHarness.readText(trained.resolve("val/part-00002.csv"));
        List<String[]> tsv = JobHarness.readText(out.resolve("val/part-00002.tsv"));
        assertEquals(csv.size(), tsv.size());
        for (int i = 0; i < csv.size(); i++) {
            assertEquals(List.of(csv.get(i)), List.of(tsv.get(i)), "row " + i);
        }
    }

    @Test
    void numFoldsEncodesTrainOutOfFoldAndValWithTheFullTables() throws IOException {
        Path folds = tmp.resolve("folds.json");
        JobHarness.write(folds, Files.readString(hp).replace("}", ", \"num_folds\": 3}"));
        Path out = tmp.resolve("folds");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(),
                "--output-dir", out.toString(), "--hyperparameters", folds.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(Files.readString(trained.resolve("val/part-00000.csv")), Files.readString(out.resolve("val/part-00000.csv")),
                "val: the full tables");
        List<String[]> full = JobHarness.readText(trained.resolve("train/part-00000.csv"));
        List<String[]> oof = JobHarness.readText(out.resolve("train/part-00000.csv"));
        int c = List.of(full.get(0)).indexOf("checking_status_own");
        int differ = 0;
        for (int i = 1; i < full.size(); i++) {
            differ += full.get(i)[c].equals(oof.get(i)[c]) ? 0 : 1;
        }
        assertTrue(differ > (full.size() - 1) / 2, "train rows encoded without their fold: " + differ + " of " + (full.size() - 1));
    }

    @Test
    void multiclassWithWoeIsRefused() {
        Path woe = tmp.resolve("woe.json");
        JobHarness.write(woe, "{\"cat_field_list\": [\"purpose\"], \"label_name\": \"housing\", \"target_type\": \"multiclass\", "
                + "\"encoding\": \"woe\"}");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(),
                "--output-dir", tmp.resolve("refused").toString(), "--hyperparameters", woe.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("target_type \"multiclass\" takes the risk_table encoding"), r.err());
        assertFalse(Files.exists(tmp.resolve("refused")));
    }
}
