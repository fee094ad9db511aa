package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.testing.SparkTestSession;

class RerunAndNamesTest {

    @TempDir
    Path tmp;

    @Test
    void rerunningWithOverwriteGivesByteIdenticalArtifactsAndShards() throws Exception {
        Path out = tmp.resolve("out");
        String[] args = JobHarness.training(SparkTestSession.germanCredit("parquet"), out);
        assertEquals(0, JobHarness.run(args).exitCode());
        Map<String, String> first = JobHarness.checksums(out);
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--overwrite";
        assertEquals(0, JobHarness.run(again).exitCode());
        Map<String, String> second = JobHarness.checksums(out);
        // the report and run summary hold timings (and the manifest their checksums); every other file must be the same bytes
        assertTrue(first.containsKey("model_artifacts/" + Manifest.FILE));
        first.keySet().removeIf(k -> k.endsWith("report.html") || k.endsWith("run_summary.json") || k.endsWith(Manifest.FILE));
        second.keySet().removeIf(k -> k.endsWith("report.html") || k.endsWith("run_summary.json") || k.endsWith(Manifest.FILE));
        assertEquals(first, second);
    }

    @Test
    void aSeparateArtifactsFolderIsReplacedAsAWholeLikeTheOutput() {
        Path in = tmp.resolve("in");
        for (String split : TrainingJobTest.SPLITS) {
            JobHarness.write(in.resolve(split).resolve("part-00000.csv"), JobErrorsTest.DATA);
        }
        Path hp = tmp.resolve("hp.json");
        JobHarness.write(hp, JobErrorsTest.HP);
        Path out = tmp.resolve("out");
        Path artifacts = tmp.resolve("artifacts");
        String[] args = {"--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(), "--hyperparameters",
            hp.toString(), "--model-artifacts-output", artifacts.toString(), "--no-report"};
        JobHarness.Result first = JobHarness.run(args);
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(List.of("test", "train", "val"), JobHarness.names(out));
        Map<String, String> written = JobHarness.checksums(artifacts);
        assertTrue(written.containsKey("risk_table_map.json"), written.toString());

        JobHarness.write(artifacts.resolve("stale.txt"), "from an older run");
        JobHarness.write(out.resolve("stale/part-00000.csv"), "from an older run");
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--overwrite";
        JobHarness.Result second = JobHarness.run(again);
        assertEquals(0, second.exitCode(), second.toString());
        assertEquals(written, JobHarness.checksums(artifacts), "the whole artifacts folder replaced, byte for byte the same");
        assertEquals(List.of("test", "train", "val"), JobHarness.names(out), "the whole output folder replaced");
        assertEquals(List.of("artifacts", "hp.json", "in", "out"), JobHarness.names(tmp), "no staging or previous folder left");
    }

    @Test
    void columnNamesCannotReachOutsideTheOutputAndAnyNameWorks() throws Exception {
        Path in = tmp.resolve("in");
        String header = "\"../x\",\"a b\",\"größe\",\"p__DOT__q\",\"/etc/passwd\",y";
        String rows = "A,k,ü,1,z,1\nA,k,ü,1,z,0\nB,m,ö,2,z,1\nB,m,ö,2,z,0\nA,k,ö,1,z,1\n";
        for (String split : TrainingJobTest.SPLITS) {
            JobHarness.write(in.resolve(split).resolve("part-00000.csv"), header + "\n" + rows);
        }
        Path hp = tmp.resolve("hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"../x\", \"a b\", \"größe\", \"p.q\", \"/etc/passwd\"], \"label_name\": \"y\","
                + " \"count_threshold\": 0}");
        Path out = tmp.resolve("out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        try (Stream<Path> all = Files.walk(tmp)) {
            List<String> outside = all.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString())
                    .filter(p -> !p.startsWith("in/") && !p.startsWith("out/") && !p.equals("hp.json")).toList();
            assertEquals(List.of(), outside, "nothing written outside the output folder");
        }
        List<String[]> val = JobHarness.readText(out.resolve("val/part-00000.csv"));
        assertArrayEquals(new String[] {"../x", "a b", "größe", "p__DOT__q", "/etc/passwd", "y"}, val.get(0), "headers kept as they were");
        JsonNode t = new ObjectMapper().readTree(out.resolve("model_artifacts/risk_table_map.json").toFile()).get("risk_tables");
        assertTrue(t.has("../x") && t.has("a b") && t.has("größe") && t.has("p.q") && t.has("/etc/passwd"), t.toString());
        assertEquals(0.5, t.get("größe").get("bins").get("ü").doubleValue(), 1e-15);
    }

    @Test
    void anAllNullFieldMapsEverythingToTheDefault() throws Exception {
        Path in = tmp.resolve("nulls");
        for (String split : TrainingJobTest.SPLITS) {
            JobHarness.write(in.resolve(split).resolve("part-00000.csv"), "c,e,y\nA,,1\nB,,0\nA,,0\n");
        }
        Path hp = tmp.resolve("hp-null.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"c\", \"e\"], \"label_name\": \"y\"}");
        Path out = tmp.resolve("nulls-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String[]> val = JobHarness.readText(out.resolve("val/part-00000.csv"));
        for (int i = 1; i < val.size(); i++) {
            assertEquals(1.0 / 3, Double.parseDouble(val.get(i)[1]), 1e-15, "every row of the all-null field gets the prior");
        }
        assertTrue(r.err().contains("warning: field 'e' has no value on train (all null)"), r.err());
        assertTrue(r.out().matches("(?s).*\\n    e\\s+categorical\\s+0\\s+3.*"), "the summary shows 0 categories and 3 nulls:\n" + r.out());
    }
}
