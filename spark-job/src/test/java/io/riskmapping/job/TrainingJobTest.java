package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.testing.SparkTestSession;

/** The training job on German Credit CSV, read back with an independent CSV parser and JSON reader. */
class TrainingJobTest {

    static final List<String> SPLITS = List.of("train", "val", "test");

    @TempDir
    static Path tmp;
    static Path input;
    static Path output;
    static JobHarness.Result result;
    static Map<String, String> inputChecksums;
    static JsonNode tables;

    @BeforeAll
    static void runTraining() throws IOException {
        input = SparkTestSession.germanCredit("csv");
        output = tmp.resolve("out");
        inputChecksums = JobHarness.checksums(input);
        result = JobHarness.run(JobHarness.training(input, output));
        assertEquals(0, result.exitCode(), result.toString());
        tables = new ObjectMapper().readTree(output.resolve("model_artifacts/risk_table_map.json").toFile()).get("risk_tables");
    }

    @Test
    void writesOneOutputShardPerInputShardWithTheSameNames() {
        for (String split : SPLITS) {
            assertEquals(JobHarness.names(input.resolve(split)), JobHarness.names(output.resolve(split)), split);
        }
        assertEquals(List.of("_manifest.json", "hyperparameters.json", "iv_summary.json", "report.html", "risk_table_map.json", "risk_table_map.pkl", "run_summary.json", "train_profile.json"),
                JobHarness.names(output.resolve("model_artifacts")));
        assertEquals(List.of("model_artifacts", "test", "train", "val"), JobHarness.names(output), "no staging or side files left");
    }

    @Test
    void keepsRowsOrderHeaderAndUnmappedTextAndMapsEveryField() {
        List<String> fields = List.of("checking_status", "credit_history", "purpose", "savings_status", "employment",
                "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job",
                "own_telephone", "foreign_worker");
        for (String split : SPLITS) {
            for (String shard : JobHarness.names(input.resolve(split))) {
                List<String[]> in = JobHarness.readText(input.resolve(split).resolve(shard));
                List<String[]> out = JobHarness.readText(output.resolve(split).resolve(shard));
                assertEquals(in.size(), out.size(), split + "/" + shard + " rows");
                assertArrayEquals(in.get(0), out.get(0), "header");
                String[] header = in.get(0);
                for (int r = 1; r < in.size(); r++) {
                    for (int c = 0; c < header.length; c++) {
                        String where = split + "/" + shard + " row " + r + " " + header[c];
                        if (fields.contains(header[c])) {
                            double expected = tables.get(header[c]).get("bins").get(in.get(r)[c]).doubleValue();
                            assertEquals(expected, Double.parseDouble(out.get(r)[c]), 0.0, where);
                        } else {
                            assertEquals(in.get(r)[c], out.get(r)[c], where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void risksMatchHandComputedCounts() {
        // train: 600 rows, 200 bad -> p = 1/3, m = 6; checking_status counts by awk over the shards.
        JsonNode bins = tables.get("checking_status").get("bins");
        assertEquals(102.0 / 173, bins.get("<0").doubleValue(), 1e-12);
        assertEquals(67.0 / 164, bins.get("0<=X<200").doubleValue(), 1e-12);
        assertEquals(9.0 / 38, bins.get(">=200").doubleValue(), 1e-12);
        assertEquals(30.0 / 249, bins.get("no checking").doubleValue(), 1e-12);
        assertEquals(1.0 / 3, tables.get("checking_status").get("default_bin").doubleValue(), 1e-15);
        assertEquals("categorical", tables.get("purpose").get("mode").asText());
        assertEquals(13, tables.size());
    }

    @Test
    void leavesTheInputUntouchedAndPrintsASummary() {
        assertEquals(inputChecksums, JobHarness.checksums(input));
        assertTrue(result.out().contains("13 mapped, 0 skipped"), result.out());
        assertTrue(result.out().matches("(?s).*train\\s+600 rows\\s+3 shards.*"), result.out());
        assertTrue(result.out().matches("(?s).*val\\s+200 rows\\s+3 shards.*"), result.out());
        assertTrue(result.err().contains("fit: counting categories of 13 fields"), result.err());
        assertTrue(result.err().contains("transform test: 200 rows in 3 shards"), result.err());
    }

    @Test
    void writesTheHyperparametersUsed() throws IOException {
        JsonNode hp = new ObjectMapper().readTree(output.resolve("model_artifacts/hyperparameters.json").toFile());
        assertEquals("class", hp.get("label_name").asText());
        assertEquals(0.01, hp.get("smooth_factor").doubleValue());
        assertEquals(5, hp.get("count_threshold").intValue());
        assertEquals(100, hp.get("max_unique_threshold").intValue());
        assertEquals(13, hp.get("cat_field_list").size());
    }

    @Test
    void validationWithTheSavedArtifactsGivesTheSameValues() {
        Path in2 = tmp.resolve("validation-in");
        JobHarness.copyTree(input.resolve("val"), in2.resolve("validation"));
        Path out2 = tmp.resolve("validation-out");
        JobHarness.Result r = JobHarness.run("--job-type", "validation", "--input-dir", in2.toString(),
                "--output-dir", out2.toString(), "--model-artifacts-input", output.resolve("model_artifacts").toString());
        assertEquals(0, r.exitCode(), r.toString());
        for (String shard : JobHarness.names(input.resolve("val"))) {
            List<String[]> expected = JobHarness.readText(output.resolve("val").resolve(shard));
            List<String[]> actual = JobHarness.readText(out2.resolve("validation").resolve(shard));
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), shard + " row " + i);
            }
        }
        assertEquals(List.of("_manifest.json", "hyperparameters.json", "iv_summary.json", "report-validation.html", "report.html",
                "risk_table_map.json", "risk_table_map.pkl", "run_summary-validation.json", "run_summary.json", "train_profile.json"),
                JobHarness.names(out2.resolve("model_artifacts")),
                "artifacts of the training step are carried over, the validation run's report beside the training run's");
    }

    @Test
    void environmentOverridesTheHyperparameters() throws IOException {
        Path out2 = tmp.resolve("env-out");
        Map<String, String> env = new HashMap<>();
        env.put("SMOOTH_FACTOR", "0");
        env.put("COUNT_THRESHOLD", "0");
        JobHarness.Result r = JobHarness.run(env, JobHarness.training(input, out2));
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode t = new ObjectMapper().readTree(out2.resolve("model_artifacts/risk_table_map.json").toFile()).get("risk_tables");
        // no smoothing, no threshold: the raw event rate, '<0' = 100 / 167, 'retraining' (5 rows, 1 bad) = 1/5
        assertEquals(100.0 / 167, t.get("checking_status").get("bins").get("<0").doubleValue(), 1e-12);
        assertEquals(0.2, t.get("purpose").get("bins").get("retraining").doubleValue(), 1e-12);
        JsonNode hp = new ObjectMapper().readTree(out2.resolve("model_artifacts/hyperparameters.json").toFile());
        assertEquals(0.0, hp.get("smooth_factor").doubleValue());
        assertEquals(0, hp.get("count_threshold").intValue());
    }

    @Test
    void theTablesDoNotDependOnHowTrainIsSharded() throws IOException {
        // the same 600 train rows as one shard, and as 7 shards of uneven size (one of them empty)
        List<String[]> rows = new java.util.ArrayList<>();
        for (String shard : JobHarness.names(input.resolve("train"))) {
            List<String[]> r = JobHarness.readText(input.resolve("train").resolve(shard));
            rows.addAll(r.subList(1, r.size()));
        }
        String header = String.join(",", JobHarness.readText(input.resolve("train/part-00000.csv")).get(0));
        int[][] layouts = {{600}, {1, 99, 0, 200, 150, 100, 50}};
        byte[] reference = Files.readAllBytes(output.resolve("model_artifacts/risk_table_map.json"));
        for (int[] sizes : layouts) {
            Path in = tmp.resolve("resharded-" + sizes.length);
            JobHarness.copyTree(input.resolve("val"), in.resolve("val"));
            JobHarness.copyTree(input.resolve("test"), in.resolve("test"));
            int from = 0;
            for (int s = 0; s < sizes.length; s++) {
                StringBuilder sb = new StringBuilder(header).append('\n');
                for (String[] r : rows.subList(from, from + sizes[s])) {
                    sb.append(String.join(",", r)).append('\n');
                }
                from += sizes[s];
                JobHarness.write(in.resolve("train").resolve(String.format("part-%05d.csv", s)), sb.toString());
            }
            Path out = tmp.resolve("resharded-out-" + sizes.length);
            JobHarness.Result r = JobHarness.run(JobHarness.training(in, out));
            assertEquals(0, r.exitCode(), r.toString());
            assertArrayEquals(reference, Files.readAllBytes(out.resolve("model_artifacts/risk_table_map.json")),
                    sizes.length + " shards give the same tables, byte for byte");
            assertEquals(sizes.length, JobHarness.names(out.resolve("train")).size());
        }
    }

    @Test
    void pythonReadsThePickleAsPlainDicts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PythonCheck.available(), "python3 not on the PATH");
        String script = String.join("\n",
                "import pickle, sys",
                "d = pickle.load(open(sys.argv[1], 'rb'))",
                "assert type(d) is dict and len(d) == 13, d.keys()",
                "for f, t in d.items():",
                "    assert type(t) is dict and sorted(t) == ['bins', 'default_bin', 'mode', 'type', 'varName'], t.keys()",
                "    assert t['varName'] == f and t['type'] == 'categorical' and t['mode'] == 'categorical'",
                "    assert type(t['default_bin']) is float",
                "    assert all(type(k) is str and type(v) is float for k, v in t['bins'].items())",
                "print(repr(d['checking_status']['bins']['<0']), len(d['purpose']['bins']))");
        String out = PythonCheck.run(script, output.resolve("model_artifacts/risk_table_map.pkl").toString());
        assertEquals(Double.toString(tables.get("checking_status").get("bins").get("<0").doubleValue()) + " 10", out.trim());
    }

    /** Runs python3 when it is installed (it is not needed to build or use the project). */
    static final class PythonCheck {
        static boolean available() {
            try {
                return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        static String run(String script, String... args) throws IOException, InterruptedException {
            Path f = Files.createTempFile("check", ".py");
            Files.writeString(f, script);
            String[] cmd = new String[args.length + 2];
            cmd[0] = "python3";
            cmd[1] = f.toString();
            System.arraycopy(args, 0, cmd, 2, args.length);
            Process p = new ProcessBuilder(Arrays.asList(cmd)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            return out;
        }
    }
}
