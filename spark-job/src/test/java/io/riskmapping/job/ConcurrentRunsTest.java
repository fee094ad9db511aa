package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * Two real runs on one output at the same time, and a run whose staging folder is removed under
 * it: the second run refuses (exit 2, naming the holder), the first publishes a complete output
 * equal to a clean run's; a run that lost part of its staged output publishes nothing. The first
 * run is a child JVM paused (the test hook {@link StagedFolder#PAUSE_PROPERTY}) before it maps val,
 * with train already mapped into its staging folder, so that the overlap is certain.
 */
// the job's own file handling: run on the default Spark line only (root pom, tests.excludedGroups)
@org.junit.jupiter.api.Tag("default-line")
class ConcurrentRunsTest {

    @TempDir
    Path tmp;

    @AfterEach
    void killChildren() {
        KillDuringWriteTest.Child.killAll();
    }

    private static List<String> args(Path input, Path output) {
        return new ArrayList<>(List.of("--job-type", "training", "--input-dir", input.toString(), "--output-dir", output.toString(),
                "--hyperparameters", JobHarness.hyperparameters().toString(), "--overwrite", "--no-report"));
    }

    private static KillDuringWriteTest.Child pausedBeforeVal(List<String> args, long pauseMs) {
        return KillDuringWriteTest.Child.start(List.of("-D" + StagedFolder.PAUSE_MS_PROPERTY + "=" + pauseMs), args, "map-val");
    }

    @Test
    void aSecondRunOnAClaimedOutputRefusesAndTheFirstPublishesACompleteOutput() throws Exception {
        Path input = SparkTestSession.germanCredit("csv");
        Map<String, String> inputBefore = JobHarness.checksums(input);
        Path reference = tmp.resolve("reference");
        JobHarness.Result ref = JobHarness.run(args(input, reference).toArray(new String[0]));
        assertEquals(0, ref.exitCode(), ref.toString());

        Path out = tmp.resolve("out");
        KillDuringWriteTest.Child first = pausedBeforeVal(args(input, out), 8_000);
        assertTrue(first.await("test pause before map-val"), first.transcript());
        assertTrue(first.printed("transform train: 600 rows"), "train is mapped into staging when the second run starts");
        // the second run, in this JVM, while the first holds the output and has train staged
        JobHarness.Result second = JobHarness.run(args(input, out).toArray(new String[0]));
        assertEquals(2, second.exitCode(), second.toString());
        String line = second.err().lines().filter(l -> l.startsWith("risk-table-mapping: error:")).findFirst().orElse("");
        assertTrue(line.contains("output folder file:" + out + " is claimed by another run (host " + OutputClaim.host() + ", process "),
                line);
        assertTrue(line.contains(".out.risk-table-mapping-lock"), "the message names the lock file: " + line);
        assertFalse(second.err().contains("removed"), "the second run removed nothing: " + second.err());

        assertEquals(0, first.waitFor(), first.transcript());
        assertEquals(JobHarness.checksums(reference), JobHarness.checksums(out), "the first run's output equals a clean run's");
        assertEquals(List.of("out", "reference"), JobHarness.names(tmp), "no lock, staging or trash left");
        assertEquals(inputBefore, JobHarness.checksums(input), "the input is unchanged");
        byte[] manifest = Files.readAllBytes(out.resolve("model_artifacts").resolve(Manifest.FILE));
        assertEquals(Map.of("train", List.of("part-00000.csv", "part-00001.csv", "part-00002.csv"),
                "val", List.of("part-00000.csv", "part-00001.csv", "part-00002.csv"),
                "test", List.of("part-00000.csv", "part-00001.csv", "part-00002.csv")), Manifest.shardNames(manifest));
    }

    @Test
    void aRunWhoseStagingIsRemovedMidRunFailsAndPublishesNothing() throws Exception {
        Path input = SparkTestSession.germanCredit("csv");
        Path out = tmp.resolve("out");
        JobHarness.write(out.resolve("previous.txt"), "the previous output");
        Map<String, String> previous = JobHarness.checksums(out);
        KillDuringWriteTest.Child run = pausedBeforeVal(args(input, out), 3_000);
        assertTrue(run.await("test pause before map-val"), run.transcript());
        List<Path> staging;
        try (Stream<Path> s = Files.list(tmp)) {
            staging = s.filter(p -> p.getFileName().toString().startsWith(".out.risk-table-mapping-staging-")).toList();
        }
        assertEquals(1, staging.size(), "one staging folder: " + staging);
        delete(staging.get(0));
        int code = run.waitFor();
        assertEquals(3, code, run.transcript());
        assertTrue(run.printed("risk-table-mapping: error: the staged output lacks the split folder train"), run.transcript());
        assertTrue(run.printed("Nothing was published"), run.transcript());
        assertEquals(previous, JobHarness.checksums(out), "the previous output is as it was");
        assertEquals(List.of("out"), JobHarness.names(tmp), "no lock or staging left");
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
