package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * The stdlib-only Python consumer ({@code python/risk_table_artifacts.py}, docs/artifacts.md) maps
 * every val row of a training run as the batch job did: its CLI is run with {@code python3} over
 * each val input shard and its output compared with the job's val shard, value for value (text
 * equal, or both numbers within 1e-12). German Credit with blanks, spaces-only values, unseen
 * categories and non-numbers in numeric fields added to val, so that nulls, imputation, the missing
 * bin and the defaults are all exercised. Runs: plain risk tables (read from the JSON and from the
 * pickle), a null category (from the JSON and from the pickle), WOE with tree bins and imputation
 * and quantile bins with imputation (each from the JSON files and from the pickles), uniform bins (kmeans,
 * the fourth method, writes the same {@code numeric_bins.json} and would add a slow run). Skipped
 * when {@code python3} (3.9 or later) is not on the PATH.
 */
class PythonConsumerTest {

    static final String CAT_FIELDS = "\"checking_status\", \"credit_history\", \"purpose\", \"savings_status\", \"employment\","
            + " \"personal_status\", \"other_parties\", \"property_magnitude\", \"other_payment_plans\", \"housing\", \"job\","
            + " \"own_telephone\", \"foreign_worker\", \"num_dependents\", \"existing_credits\"";

    @TempDir
    static Path tmp;
    static Path input;
    static Path script;

    @BeforeAll
    static void python3AndInput() throws Exception {
        String version;
        try {
            version = python("-c", "import sys; print(sys.version_info >= (3, 9))").trim();
        } catch (IOException e) {
            version = "no python3: " + e.getMessage();
        }
        Assumptions.assumeTrue(version.equals("True"), "python3 3.9+ on the PATH: " + version);
        script = SparkTestSession.repoRoot().resolve("python/risk_table_artifacts.py");
        input = tmp.resolve("in");
        int n = 0;
        for (String split : TrainingJobTest.SPLITS) {
            Path from = SparkTestSession.germanCredit("csv").resolve(split);
            for (String shard : JobHarness.names(from)) {
                List<String[]> rows = JobHarness.readText(from.resolve(shard));
                List<String> header = Arrays.asList(rows.get(0));
                StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
                for (String[] r : rows.subList(1, rows.size())) {
                    n++;
                    for (String blank : new String[] {"purpose", "age", "duration", "num_dependents", "residence_since"}) {
                        if ((n + blank.length()) % 7 == 0) {
                            r[header.indexOf(blank)] = "";
                        }
                    }
                    if (split.equals("val")) {
                        switch (n % 13) {
                            case 1 -> r[header.indexOf("housing")] = "castle";          // unseen category
                            case 2 -> r[header.indexOf("age")] = "  ";                  // spaces only: imputed, else missing
                            case 3 -> r[header.indexOf("duration")] = "n/a";            // not a number: the missing bin
                            case 4 -> r[header.indexOf("num_dependents")] = "1.0";      // numeric key by value
                            case 5 -> r[header.indexOf("credit_amount")] = "1e999";     // infinite: missing
                            default -> { }
                        }
                    }
                    sb.append(String.join(",", r)).append('\n');
                }
                JobHarness.write(input.resolve(split).resolve(shard), sb.toString());
            }
        }
    }

    /** Runs python3 with {@code args}; returns its stdout and stderr; fails unless it exits 0. */
    static String python(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "python3";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + text);
        return text;
    }

    /** A training run on the input with these hyperparameters (JSON object body); returns its output folder. */
    static Path train(String name, String hyperparameters) {
        Path hp = tmp.resolve(name + ".json");
        // hyperparameters that name their own fields and label replace the defaults
        String defaults = hyperparameters.contains("\"label_name\"") ? "" : "\"cat_field_list\": [" + CAT_FIELDS + "], \"label_name\": \"class\", ";
        JobHarness.write(hp, "{" + defaults + hyperparameters + "}");
        Path out = tmp.resolve(name);
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir",
                out.toString(), "--hyperparameters", hp.toString(), "--no-report");
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /**
     * Maps every val input shard with the Python CLI (extra options first) and compares it with the
     * job's val shard. Returns the cells of {@code column} Python wrote, over all val rows in order.
     */
    static List<String> pythonMatchesTheJob(Path out, String column, String... options) throws Exception {
        List<String> values = new java.util.ArrayList<>();
        int rows = 0;
        for (String shard : JobHarness.names(input.resolve("val"))) {
            Path mapped = tmp.resolve("py-" + out.getFileName() + "-" + options.length + "-" + shard);
            String[] args = new String[options.length + 4];
            System.arraycopy(options, 0, args, 1, options.length);
            args[0] = script.toString();
            args[options.length + 1] = out.resolve("model_artifacts").toString();
            args[options.length + 2] = input.resolve("val").resolve(shard).toString();
            args[options.length + 3] = mapped.toString();
            python(args);
            List<String[]> job = JobHarness.readText(out.resolve("val").resolve(shard));
            List<String[]> py = JobHarness.readText(mapped);
            assertEquals(Arrays.asList(job.get(0)), Arrays.asList(py.get(0)), shard + ": header");
            assertEquals(job.size(), py.size(), shard + ": rows");
            int col = Arrays.asList(py.get(0)).indexOf(column);
            for (int i = 1; i < job.size(); i++) {
                for (int c = 0; c < job.get(0).length; c++) {
                    String a = Objects.requireNonNullElse(job.get(i)[c], "");
                    String b = Objects.requireNonNullElse(py.get(i)[c], "");
                    if (a.equals(b)) {
                        continue;
                    }
                    String where = out.getFileName() + " " + shard + " row " + i + " " + job.get(0)[c] + ": job " + a + ", python " + b;
                    double x = Double.parseDouble(a);
                    double y = Double.parseDouble(b);
                    assertEquals(x, y, 1e-12 * Math.max(1.0, Math.abs(x)), where);
                }
                values.add(Objects.requireNonNullElse(py.get(i)[col], ""));
                rows++;
            }
        }
        assertEquals(200, rows, "every val row");
        return values;
    }

    @Test
    void theModuleSelfTestPasses() throws Exception {
        assertTrue(python(script.toString(), "--self-test").contains("self-test passed"));
    }

    @Test
    void riskTablesFromJsonAndFromThePickle() throws Exception {
        Path out = train("risk", "\"smooth_factor\": 0.01");
        List<String> fromJson = pythonMatchesTheJob(out, "checking_status");
        List<String> fromPickle = pythonMatchesTheJob(out, "checking_status", "--pickle");
        assertEquals(fromJson, fromPickle);
        // '<0': 167 train rows, 100 bad; prior 200/600, m = floor(600 * 0.01) = 6 (docs/formulas.md)
        assertTrue(fromJson.stream().anyMatch(v -> Math.abs(Double.parseDouble(v) - 102.0 / 173) < 1e-12), fromJson.toString());
    }

    /** Nulls as a category of their own: the null bin ("null_bin" in the JSON, key None in the pickle) maps the blanks. */
    @Test
    void aNullCategoryFromJsonAndFromThePickle() throws Exception {
        Path out = train("null-category", "\"handle_missing\": \"category\", \"smoothing_mode\": \"count\", \"smoothing\": 3");
        List<String> fromJson = pythonMatchesTheJob(out, "purpose");
        assertEquals(fromJson, pythonMatchesTheJob(out, "purpose", "--pickle"));
        io.riskmapping.artifacts.RiskTable purpose = io.riskmapping.artifacts.ArtifactScorers.load(out.resolve("model_artifacts"))
                .riskTables().get("purpose");
        assertTrue(purpose.nullBin() != null && purpose.nullBin() != purpose.defaultBin(), purpose.toString());
        long nullBins = fromJson.stream().filter(v -> Double.parseDouble(v) == purpose.nullBin()).count();
        assertTrue(nullBins > 10, "val rows with the null bin of purpose: " + nullBins);
    }

    @Test
    void woeWithTreeBinsAndImputation() throws Exception {
        Path out = train("woe", "\"encoding\": \"woe\", \"numeric_imputation\": {\"age\": \"median\"},"
                + " \"numeric_binning\": {\"fields\": [\"duration\", \"credit_amount\", \"age\"], \"method\": \"tree\", \"num_bins\": 8,"
                + " \"monotonic\": \"auto\"}");
        for (String f : List.of("woe_table_map.json", "woe_table_map.pkl", "numeric_bins.json", "numeric_bins.pkl")) {
            assertTrue(Files.exists(out.resolve("model_artifacts").resolve(f)), f);
        }
        List<String> checking = pythonMatchesTheJob(out, "checking_status");
        // '<0' on train: 100 of the 200 events, 67 of the 400 non-events
        double woe = Math.log((100.0 / 200) / (67.0 / 400));
        assertTrue(checking.stream().anyMatch(v -> Math.abs(Double.parseDouble(v) - woe) < 1e-12), checking.toString());
        // every column of every val row again from the pickles: WOE tables, tree bins, impute values
        assertEquals(checking, pythonMatchesTheJob(out, "checking_status", "--pickle"));
    }

    @Test
    void quantileBinsWithImputationBeforeThem() throws Exception {
        Path out = train("quantile", "\"numeric_imputation\": {\"age\": \"median\", \"duration\": \"mean\","
                + " \"residence_since\": \"mode\", \"num_dependents\": \"mode\"},"
                + " \"numeric_binning\": {\"fields\": [\"duration\", \"credit_amount\", \"age\"], \"method\": \"quantile\", \"num_bins\": 5}");
        List<String> residence = pythonMatchesTheJob(out, "residence_since");
        assertTrue(residence.stream().noneMatch(String::isEmpty), "blank residence_since imputed: " + residence);
        // every column of every val row again from the pickles: risk tables, quantile bins, impute values
        assertEquals(residence, pythonMatchesTheJob(out, "residence_since", "--pickle"));
    }

    /** A multiclass label (housing): each field becomes one column per class, from the JSON and from the pickle. */
    @Test
    void multiclassTablesFromJsonAndFromThePickle() throws Exception {
        Path out = train("multiclass", "\"cat_field_list\": [\"checking_status\", \"purpose\", \"savings_status\", \"num_dependents\"], "
                + "\"label_name\": \"housing\", \"target_type\": \"multiclass\", \"handle_missing\": \"category\"");
        List<String> fromJson = pythonMatchesTheJob(out, "purpose_own");
        assertEquals(fromJson, pythonMatchesTheJob(out, "purpose_own", "--pickle"));
        assertTrue(fromJson.stream().distinct().count() > 3, fromJson.toString());
    }

    @Test
    void uniformBins() throws Exception {
        pythonMatchesTheJob(train("uniform", "\"numeric_binning\": {\"fields\": [\"duration\", \"credit_amount\"],"
                + " \"method\": \"uniform\", \"num_bins\": 6}"), "duration");
    }
}
