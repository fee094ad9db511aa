package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * The job's output is the same bytes on every Spark line: a training run on German Credit (CSV,
 * and Parquet for the artifacts) checked against the SHA-256 of each file kept in
 * {@code src/test/resources/cross-line/}, written once on the default line. CSV shards, the
 * artifacts and the manifest must match on each line; Parquet shards are not compared (the
 * Parquet writer records its own version in each file), their artifacts are.
 *
 * <p>To write the expected checksums again (after a change that is meant to change the output):
 * {@code mvn -pl spark-job -am test -Dtest=SameOutputOnEveryLineTest -Driskmapping.writeExpected=true
 * -Dsurefire.failIfNoSpecifiedTests=false}, on the default line.
 */
class SameOutputOnEveryLineTest {

    static final Path EXPECTED = SparkTestSession.repoRoot().resolve("spark-job/src/test/resources/cross-line");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"csv", "parquet"})
    void germanCreditTrainingGivesTheSameFilesOnEveryLine(String format) throws IOException {
        Path out = tmp.resolve(format);
        List<String> args = new ArrayList<>(List.of(JobHarness.training(SparkTestSession.germanCredit(format), out)));
        args.add("--no-report");
        JobHarness.Result r = JobHarness.run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, String> actual = new LinkedHashMap<>();
        JobHarness.checksums(out).forEach((file, sha) -> {
            if (!file.endsWith(".parquet") && !(format.equals("parquet") && file.endsWith(Manifest.FILE))) {
                actual.put(file, sha); // a Parquet run's manifest holds its shards' sizes, which vary with the writer
            }
        });
        Path expected = EXPECTED.resolve("german-credit-" + format + "-training.sha256");
        if (Boolean.getBoolean("riskmapping.writeExpected")) {
            StringBuilder b = new StringBuilder();
            actual.forEach((file, sha) -> b.append(sha).append("  ").append(file).append('\n'));
            Files.writeString(expected, b.toString());
        }
        Map<String, String> want = new LinkedHashMap<>();
        for (String line : Files.readAllLines(expected)) {
            want.put(line.substring(66), line.substring(0, 64));
        }
        assertEquals(want, actual, "the files of a " + format + " training run, by SHA-256, as on the default line ("
                + System.getProperty("riskmapping.spark.line") + " here)");
    }

    @Test
    void theExpectedChecksumsCoverShardsAndArtifacts() throws IOException {
        String csv = Files.readString(EXPECTED.resolve("german-credit-csv-training.sha256"));
        for (String f : List.of("train/part-00000.csv", "val/part-00002.csv", "test/part-00001.csv", "model_artifacts/risk_table_map.json",
            "model_artifacts/risk_table_map.pkl", "model_artifacts/iv_summary.json", "model_artifacts/hyperparameters.json",
            "model_artifacts/_manifest.json", "model_artifacts/train_profile.json")) {
            assertEquals(true, csv.contains("  " + f + "\n"), f);
        }
    }
}
