package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * A job killed (SIGKILL) at any moment leaves either no output or the previous complete one or the
 * new complete one, byte for byte, never a mix; the next run recovers and succeeds.
 *
 * <p>The job runs as a child JVM on German Credit (CSV), replacing with {@code --overwrite} a
 * previous output written with other hyperparameters (other fields, imputation, a report), and is
 * killed when a given progress line appears, after an optional delay: during the fit, the train and
 * test writes and the artifact writing, and at the three publish steps (before the first rename,
 * between the two renames, after the swap), hit through the test-only pause of
 * {@link StagedFolder#PAUSE_PROPERTY}. The new complete output is a reference run of the same job (in
 * this JVM); the new runs use {@code --no-report} so that every file, artifacts included, is
 * compared byte for byte. The kill points run in two lanes at once (each its own output folder) to
 * keep the wall time down; each lane's output is then re-run to success over what its killed runs
 * left.
 */
// the job's own file handling: run on the default Spark line only (root pom, tests.excludedGroups)
@org.junit.jupiter.api.Tag("default-line")
class KillDuringWriteTest {

    private static final long TIMEOUT_S = 180;
    /** Quicker start-up for short child JVMs (C1 only, one GC thread): the kill runs are mostly start-up. */
    private static final List<String> CHILD_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static final String PREVIOUS = "the previous output";
    static final String NEW = "the new output";
    static final String ABSENT = "no output";

    @TempDir
    Path tmp;

    /**
     * Where to kill: {@code delayMs} after the first output line containing {@code line}, the child
     * paused before the publish step {@code pause} (or null); the state the kill must leave, or null
     * when any allowed state will do.
     */
    record KillPoint(String name, String line, long delayMs, String pause, String expected) {
    }

    /** What every lane compares with. */
    record Fixture(Path input, Path previousCopy, Map<String, String> previous, Map<String, String> reference) {
    }

    @Test
    void aKilledRunLeavesNoOutputOrTheOldOrTheNewCompleteOneAndTheNextRunSucceeds() throws Exception {
        long t0 = System.nanoTime();
        Path input = SparkTestSession.germanCredit("csv");
        Map<String, String> inputBefore = JobHarness.checksums(input);
        Path oldHp = tmp.resolve("old-hyperparameters.json");
        JobHarness.write(oldHp, "{\"cat_field_list\": [\"checking_status\", \"purpose\", \"housing\"], \"label_name\": \"class\","
                + " \"smooth_factor\": 1.0, \"count_threshold\": 0, \"numeric_imputation\": {\"age\": \"median\"}}");
        // The previous complete output and the reference new one, written in this JVM (quicker than a child).
        Path previousCopy = tmp.resolve("previous");
        JobHarness.Result old = JobHarness.run(args(input, previousCopy, oldHp, false).toArray(new String[0]));
        assertEquals(0, old.exitCode(), old.toString());
        Path referenceOut = tmp.resolve("reference");
        JobHarness.Result ref = JobHarness.run(args(input, referenceOut, JobHarness.hyperparameters(), true).toArray(new String[0]));
        assertEquals(0, ref.exitCode(), ref.toString());
        Fixture f = new Fixture(input, previousCopy, JobHarness.checksums(previousCopy), JobHarness.checksums(referenceOut));
        assertNotEquals(f.previous().keySet(), f.reference().keySet(), "the previous output and the new one differ");

        List<KillPoint> laneA = List.of(
                new KillPoint("publish, before the first rename", "test pause before move-aside", 0, "move-aside", PREVIOUS),
                new KillPoint("publish, between the two renames", "test pause before move-in", 0, "move-in", ABSENT),
                // this run first moves the previous output back from where the killed one had put it
                new KillPoint("fit", "fit: counting categories", 1000, null, PREVIOUS),
                // the CSV record path maps test's 200 rows in about 0.2 s: killed as its first line comes
                new KillPoint("transform test", "transform test: ", 0, null, PREVIOUS));
        List<KillPoint> laneB = List.of(
                new KillPoint("transform train", "transform train: ", 100, null, PREVIOUS),
                new KillPoint("artifact writing", "artifacts: writing", 0, null, null),
                new KillPoint("publish, after the swap", "test pause before remove-previous", 0, "remove-previous", NEW));
        List<String> outcomes = new ArrayList<>();
        ExecutorService lanes = Executors.newFixedThreadPool(2);
        try {
            Future<List<String>> a = lanes.submit(() -> lane(f, tmp.resolve("lane-a"), laneA));
            Future<List<String>> b = lanes.submit(() -> lane(f, tmp.resolve("lane-b"), laneB));
            outcomes.addAll(result(a));
            outcomes.addAll(result(b));
        } finally {
            lanes.shutdownNow();
            Child.killAll(); // after a failure in one lane, the other's child
        }
        // The same job again, over what the killed runs left (in this JVM: it is the same code, and quicker).
        for (String lane : List.of("lane-a", "lane-b")) {
            long t1 = System.nanoTime();
            Path work = tmp.resolve(lane);
            JobHarness.Result r = JobHarness.run(args(input, work.resolve("out"), JobHarness.hyperparameters(), true).toArray(new String[0]));
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(f.reference(), JobHarness.checksums(work.resolve("out")), lane + ": the re-run gives the reference output, byte for byte");
            assertEquals(List.of("out"), JobHarness.names(work), lane + ": the re-run removed what the killed runs left");
            outcomes.add(String.format("%-34s %-20s (%.1f s)", lane + ", re-run to success:", NEW, (System.nanoTime() - t1) / 1e9));
        }
        assertEquals(inputBefore, JobHarness.checksums(input), "the input is unchanged");
        System.out.printf("KillDuringWriteTest: %.1f s%n  %s%n", (System.nanoTime() - t0) / 1e9, String.join("\n  ", outcomes));
    }

    /** Runs the kill points one after the other on one output folder; returns what each left. */
    private static List<String> lane(Fixture f, Path work, List<KillPoint> points) throws Exception {
        Path out = work.resolve("out");
        JobHarness.copyTree(f.previousCopy(), out);
        List<String> outcomes = new ArrayList<>();
        for (KillPoint p : points) {
            long t0 = System.nanoTime();
            Child child = Child.start(CHILD_JVM, args(f.input(), out, JobHarness.hyperparameters(), true), p.pause());
            assertTrue(child.await(p.line()), p.name() + ": the line '" + p.line() + "' never came:\n" + child.transcript());
            if (p.delayMs() > 0) {
                Thread.sleep(p.delayMs());
            }
            int code = child.kill();
            assertEquals(137, code, p.name() + ": the job ended before the kill:\n" + child.transcript());
            Map<String, String> now = Files.exists(out) ? JobHarness.checksums(out) : null;
            String state = now == null ? ABSENT : now.equals(f.previous()) ? PREVIOUS : now.equals(f.reference()) ? NEW : "a MIX " + now.keySet();
            outcomes.add(String.format("%-34s %-20s (killed after %.1f s)", p.name() + ":", state, (System.nanoTime() - t0) / 1e9));
            boolean publishing = child.printed("publish: ");
            assertTrue(state.equals(PREVIOUS) || publishing && (state.equals(NEW) || state.equals(ABSENT)),
                    p.name() + ": killed " + (publishing ? "while publishing" : "before publishing") + " but left " + state + "\n"
                            + child.transcript());
            if (p.expected() != null) {
                assertEquals(p.expected(), state, p.name() + "\n" + child.transcript());
            }
            if (p.name().equals("fit")) {
                assertTrue(child.printed("restored file:" + out + " from "),
                        "the run after a kill between the renames restores the previous output:\n" + child.transcript());
            }
            for (String n : JobHarness.names(work)) {
                assertTrue(n.equals("out") || n.startsWith(".out.risk-table-mapping-"), "only hidden leftovers beside the output: " + n);
            }
            if (state.equals(NEW)) { // the next run replaces the previous output again
                delete(out);
                JobHarness.copyTree(f.previousCopy(), out);
            }
        }
        return outcomes;
    }

    private static <T> T result(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        }
    }

    private static List<String> args(Path input, Path output, Path hp, boolean overwrite) {
        List<String> a = new ArrayList<>(List.of("--job-type", "training", "--input-dir", input.toString(), "--output-dir",
                output.toString(), "--hyperparameters", hp.toString()));
        if (overwrite) {
            a.addAll(List.of("--overwrite", "--no-report"));
        }
        return a;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The job as a child JVM (the test's classpath and Spark's JVM flags), its stdout and stderr merged, read line by line. */
    static final class Child {
        private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        synchronized (lines) {
                            lines.add(l);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process was killed: what it wrote before is kept
                }
                synchronized (lines) {
                    lines.add(null);
                    lines.notifyAll();
                }
            }, "job-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** @param pause the publish step to pause before (the test-only hook), or null */
        static Child start(List<String> jvm, List<String> jobArgs, String pause) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx1g");
            cmd.addAll(jvm);
            // Spark's --add-opens flags: those of this JVM (surefire's argLine, spark.java17.flags of the root pom)
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")
                        || a.startsWith("-Dio.netty")) {
                    cmd.add(a);
                }
            }
            // the settings of the test session (SparkTestSession), so that the child's output can equal the reference
            cmd.addAll(List.of("-Dspark.ui.enabled=false", "-Dspark.sql.shuffle.partitions=4", "-Dspark.driver.host=127.0.0.1",
                    "-Dspark.driver.bindAddress=127.0.0.1", "-Dlog4j2.configurationFile=log4j2-test.properties"));
            if (pause != null) {
                cmd.add("-D" + StagedFolder.PAUSE_PROPERTY + "=" + pause);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RiskTableMappingJob.class.getName(), "--master", "local[2]"));
            cmd.addAll(jobArgs);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeAll(List.of("SMOOTH_FACTOR", "COUNT_THRESHOLD", "MAX_UNIQUE_THRESHOLD"));
            try {
                Process p = pb.start();
                RUNNING.add(p);
                return new Child(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for a line containing {@code text}; false when the output ended (or the time ran out) first. */
        boolean await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            int seen = 0;
            synchronized (lines) {
                while (System.nanoTime() < deadline) {
                    for (; seen < lines.size(); seen++) {
                        String l = lines.get(seen);
                        if (l == null) {
                            return false;
                        }
                        if (l.contains(text)) {
                            return true;
                        }
                    }
                    lines.wait(200);
                }
            }
            return false;
        }

        /** SIGKILL (destroyForcibly on Linux); returns the exit code once the process and its output are done. */
        int kill() throws InterruptedException {
            process.destroyForcibly();
            return waitFor();
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            RUNNING.remove(process);
            return process.exitValue();
        }

        /** Kills the children still running (SIGKILL, each by its own handle). */
        static void killAll() {
            RUNNING.forEach(Process::destroyForcibly);
            RUNNING.clear();
        }

        boolean printed(String text) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l != null && l.contains(text));
            }
        }

        String transcript() {
            synchronized (lines) {
                return String.join("\n", lines.stream().filter(l -> l != null).toList());
            }
        }
    }
}
