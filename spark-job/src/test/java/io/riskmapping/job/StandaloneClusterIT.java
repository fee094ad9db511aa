package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.bench.BenchData;
import io.riskmapping.testing.SparkTestSession;

/**
 * The job on a real Spark standalone cluster on loopback: a master and two workers (1 core, 1 GiB
 * each) started by {@code scripts/standalone-cluster.sh} from the build's own jars, jobs submitted
 * through the same script (SparkSubmit in a child JVM, client mode; the executors are JVMs the
 * workers launch), and the output compared with a local run of the same job in this JVM.
 *
 * <p>The fault test SIGKILLs one executor JVM while it runs a task of the fit (or, failing that, of
 * the transform of train) and checks that the job still finishes with the same output: the worker
 * reports the executor lost, the master gives the application a new one, and the driver retries the
 * lost tasks. Master, workers and executors are stopped in {@link #stopCluster}, and by a shutdown
 * hook if this JVM ends before that.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    static final Path ROOT = SparkTestSession.repoRoot();
    static final Path SCRIPT = ROOT.resolve("scripts/standalone-cluster.sh");
    /** Cluster state: spark-home/, pids, logs/ (master, workers, drivers), work/ (executor folders); kept for inspection. */
    static final Path CLUSTER = ROOT.resolve("spark-job/target/standalone-it");
    static final List<String> SPLITS = List.of("train", "val", "test");
    /** Artifacts that must be byte-identical (report.html and run_summary.json hold times and paths). */
    static final List<String> SAME_BYTES = List.of("risk_table_map.json", "risk_table_map.pkl", "hyperparameters.json", "iv_summary.json");
    /** Rows of the generated data set of the fault test: train, val, test. */
    static final long[] FAULT_ROWS = {100_000, 10_000, 10_000};
    /** A task must have been running this long on an executor before that executor is killed. */
    static final long KILL_AFTER_MS = 1_000;

    @TempDir
    static Path tmp;
    static final Map<String, String> ENV = new HashMap<>();
    static int webuiPort;
    static final List<Process> SUBMITTED = new ArrayList<>();
    static Thread shutdownHook;

    @BeforeAll
    static void startCluster() throws Exception {
        ENV.put("CLUSTER_DIR", CLUSTER.toString());
        // the cluster and the job of the line under test (the Maven profile's, passed by failsafe)
        ENV.put("SPARK_LINE", System.getProperty("riskmapping.spark.line", "4.2"));
        shutdownHook = new Thread(StandaloneClusterIT::stopEverything, "standalone-cluster-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (Files.isDirectory(CLUSTER)) {
            stopEverything();   // left over from a run whose JVM was killed
            deleteTree(CLUSTER);
        }
        Files.createDirectories(CLUSTER.resolve("logs"));
        webuiPort = freePort();
        ENV.put("MASTER_PORT", String.valueOf(freePort()));
        ENV.put("MASTER_WEBUI_PORT", String.valueOf(webuiPort));
        ENV.put("WORKER_WEBUI_PORT", "0");
        long t = System.nanoTime();
        String out = script(Duration.ofMinutes(3), "start");
        JsonNode master = masterJson();
        assertEquals(2, master.get("aliveworkers").asInt(), master.toString());
        assertEquals(2, master.get("cores").asInt(), master.toString());
        report("cluster started in %.1f s: %s", seconds(t), out.strip());
    }

    @AfterAll
    static void stopCluster() {
        List<ProcessHandle> jvms = clusterProcesses();
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        for (ProcessHandle p : jvms) {
            assertFalse(p.isAlive(), "still running after stop: pid " + p.pid() + " " + p.info().commandLine().orElse(""));
        }
        report("stopped master, workers and executors (%d JVMs)", jvms.size());
    }

    @Test
    @Order(1)
    void germanCreditOnTheClusterGivesTheSameOutputAsALocalRun() throws Exception {
        Path clusterOut = tmp.resolve("german-credit-cluster");
        Path localOut = tmp.resolve("german-credit-local");
        Submission run = trainOnClusterAndLocally("german-credit", SparkTestSession.germanCredit("csv"), clusterOut, localOut);
        // the CSV record paths (CsvFiles: the executors open the shards themselves, with the broadcast Hadoop configuration)
        assertEverySplitMapped(run, "csv", "mapped from CSV records");

        assertSameOutput(localOut, clusterOut);
        assertRanOnExecutors(run.appId());
    }

    /*
     * German Credit as Parquet, with the report: the fit counts the column batches and every split
     * is mapped from them (drift buckets included) in the executors' JVMs, which read Spark's
     * dictionaries there, receive the tables through the cluster's serializer, and send the drift
     * counts back as accumulator updates. Same shards, tables and drift figures as a local run.
     */
    @Test
    @Order(2)
    void germanCreditParquetIsMappedFromColumnBatchesOnTheExecutorsAsLocally() throws Exception {
        Path clusterOut = tmp.resolve("german-credit-parquet-cluster");
        Path localOut = tmp.resolve("german-credit-parquet-local");
        Submission run = trainOnClusterAndLocally("german-credit-parquet", SparkTestSession.germanCredit("parquet"), clusterOut, localOut);
        assertEverySplitMapped(run, "parquet", "mapped from column batches");

        long rows = 0;
        for (String split : SPLITS) {
            List<String> shards = JobHarness.names(localOut.resolve(split));
            assertEquals(shards, JobHarness.names(clusterOut.resolve(split)), split);
            for (String shard : shards) {
                List<org.apache.spark.sql.Row> e = SparkTestSession.get().read().parquet(localOut.resolve(split).resolve(shard).toString()).collectAsList();
                List<org.apache.spark.sql.Row> a = SparkTestSession.get().read().parquet(clusterOut.resolve(split).resolve(shard).toString()).collectAsList();
                assertEquals(e, a, split + "/" + shard);
                rows += e.size();
            }
        }
        for (String name : SAME_BYTES) {
            assertArrayEquals(Files.readAllBytes(localOut.resolve("model_artifacts").resolve(name)),
                    Files.readAllBytes(clusterOut.resolve("model_artifacts").resolve(name)), name);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(json.readTree(localOut.resolve("model_artifacts/run_summary.json").toFile()).get("drift"),
                json.readTree(clusterOut.resolve("model_artifacts/run_summary.json").toFile()).get("drift"), "drift figures");
        report("  same output: %,d rows, %s byte for byte, the same drift figures", rows, SAME_BYTES);
        assertRanOnExecutors(run.appId());
    }

    /** The driver's log shows each split's 3 shards mapped by the given path ("mapped from ..."). */
    static void assertEverySplitMapped(Submission run, String format, String path) {
        String driver;
        synchronized (run.lines) {
            driver = String.join("\n", run.lines);
        }
        for (String split : SPLITS) {
            assertTrue(driver.contains("transform " + split + ": 3 shards (" + format + "), " + path), driver);
        }
    }

    /** The training job on {@code input}, submitted to the cluster and run locally in this JVM at the same time; both must succeed. */
    static Submission trainOnClusterAndLocally(String name, Path input, Path clusterOut, Path localOut) throws Exception {
        Submission run = Submission.start(name, Map.of(), JobHarness.training(input, clusterOut));
        CompletableFuture<Timed> local = runLocally(JobHarness.training(input, localOut));
        assertEquals(0, run.await(Duration.ofMinutes(5)), run.describe());
        Timed l = local.get(5, TimeUnit.MINUTES);
        assertEquals(0, l.result.exitCode(), l.result.toString());
        report("%s: cluster run %.1f s (%s), local run %.1f s (at the same time, in this JVM)", name, run.seconds(), run.appId(), l.seconds);
        return run;
    }

    @Test
    @Order(3)
    void killingAnExecutorInTheMiddleOfAPassStillGivesTheSameOutput() throws Exception {
        Path data = tmp.resolve("bench");
        long t = System.nanoTime();
        BenchData.writeDataSet(SparkTestSession.get(), data.toString(), FAULT_ROWS, "csv");
        report("fault test data: %,d/%,d/%,d rows (BenchData, csv, 8 shards per split) in %.1f s",
                FAULT_ROWS[0], FAULT_ROWS[1], FAULT_ROWS[2], seconds(t));
        Path clusterOut = tmp.resolve("bench-cluster");
        Path localOut = tmp.resolve("bench-local");

        Submission run = Submission.start("fault", Map.of("DRIVER_MEMORY", "2g"), benchTraining(data, clusterOut));
        CompletableFuture<Timed> local = runLocally(benchTraining(data, localOut));
        Kill kill = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (run.process.isAlive() && System.nanoTime() < deadline) {
            if (kill == null) {
                kill = run.tasks.killIfDue(run);
            }
            Thread.sleep(50);
        }
        assertEquals(0, run.await(Duration.ofSeconds(1)), run.describe());
        assertNotNull(kill, "no executor was killed: no task ran " + KILL_AFTER_MS + " ms during the fit or the transform of train\n"
                + run.describe());
        report("fault run: %.1f s (%s); killed executor %s (pid %d) during the %s, %.1f s after the job started, "
                + "while it ran TID %s", run.seconds(), run.appId(), kill.executorId, kill.pid, kill.pass, kill.atSeconds, kill.tid);

        // the kill happened and was noticed: process gone, the worker saw it exit with SIGKILL's status,
        // the driver lost the executor and its running task, and the master gave the application a new executor
        assertTrue(ProcessHandle.of(kill.pid).map(p -> !p.isAlive()).orElse(true), "executor process still alive");
        String exit = "Executor " + run.appId() + "/" + kill.executorId + " finished with state EXITED";
        String workerLine = workerLogLines().filter(l -> l.contains(exit)).findFirst().orElse(null);
        assertNotNull(workerLine, "no worker log line '" + exit + "'");
        assertTrue(workerLine.contains("exitStatus 137"), workerLine);
        String lostTask = run.firstLine("Lost task .* \\(TID \\d+\\) \\(\\S+ executor " + kill.executorId + "\\)");
        assertNotNull(lostTask, "the driver lost no task of executor " + kill.executorId + "\n" + run.describe());
        assertTrue(lostTask.contains("ExecutorLostFailure"), lostTask);
        String lostExecutor = run.firstLine("Lost executor " + kill.executorId + " on ");
        assertNotNull(lostExecutor, run.describe());
        List<String> added = run.lines("Executor added: " + Pattern.quote(run.appId()) + "/");
        assertTrue(added.size() >= 3, "no replacement executor: " + added);
        // the lost task ran again (another attempt, or the task again in a resubmitted stage) and finished
        Matcher lost = Pattern.compile("Lost task (\\d+)\\.\\d+ in stage (\\d+)\\.\\d+ \\(TID (\\d+)\\)").matcher(lostTask);
        assertTrue(lost.find(), lostTask);
        String retried = run.lines("Finished task " + lost.group(1) + "\\.\\d+ in stage " + lost.group(2) + "\\.\\d+ \\(TID \\d+\\)").stream()
                .filter(l -> !l.contains("(TID " + lost.group(3) + ")")).findFirst().orElse(null);
        assertNotNull(retried, "task " + lost.group(1) + " of stage " + lost.group(2) + " never finished after it was lost\n" + run.describe());
        report("evidence: worker: %s%n  driver: %s%n  driver: %s%n  driver: %s%n  driver: %s", workerLine.strip(), lostExecutor.strip(),
                lostTask.strip(), added.get(added.size() - 1).strip(), retried.strip());

        Timed l = local.get(5, TimeUnit.MINUTES);
        assertEquals(0, l.result.exitCode(), l.result.toString());
        report("fault test: fault-free local run %.1f s (at the same time, in this JVM)", l.seconds);
        assertSameOutput(localOut, clusterOut);
    }

    /** A job run and its wall time. */
    record Timed(JobHarness.Result result, double seconds) {
    }

    /** The job run locally in this JVM (the shared local[2] session) in the background, next to a cluster run. */
    static CompletableFuture<Timed> runLocally(String... args) {
        return CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            JobHarness.Result r = JobHarness.run(args);
            return new Timed(r, seconds(t));
        });
    }

    /** The training job on BenchData's CSV data set, without the report. */
    static String[] benchTraining(Path data, Path output) {
        return new String[] {"--job-type", "training", "--input-dir", data.resolve("csv").toString(),
            "--output-dir", output.toString(), "--hyperparameters", data.resolve("hyperparameters.json").toString(), "--no-report"};
    }

    // ---- what the runs wrote

    /** Same shard names, rows and values in every split; the same artifact files, the tables byte for byte. */
    static void assertSameOutput(Path expected, Path actual) throws IOException {
        assertEquals(JobHarness.names(expected), JobHarness.names(actual));
        long rows = 0;
        for (String split : SPLITS) {
            List<String> shards = JobHarness.names(expected.resolve(split));
            assertFalse(shards.isEmpty(), split);
            assertEquals(shards, JobHarness.names(actual.resolve(split)), split);
            for (String shard : shards) {
                Path e = expected.resolve(split).resolve(shard);
                Path a = actual.resolve(split).resolve(shard);
                List<String[]> er = JobHarness.readText(e);
                List<String[]> ar = JobHarness.readText(a);
                assertEquals(er.size(), ar.size(), split + "/" + shard + " rows");
                for (int i = 0; i < er.size(); i++) {
                    assertArrayEquals(er.get(i), ar.get(i), split + "/" + shard + " row " + i);
                }
                rows += er.size() - 1;
            }
        }
        Path ea = expected.resolve("model_artifacts");
        Path aa = actual.resolve("model_artifacts");
        assertEquals(JobHarness.names(ea), JobHarness.names(aa));
        for (String name : SAME_BYTES) {
            assertArrayEquals(Files.readAllBytes(ea.resolve(name)), Files.readAllBytes(aa.resolve(name)), name);
        }
        report("  same output: %,d rows in %s, %s byte for byte", rows, SPLITS, SAME_BYTES);
    }

    /** The application finished on the master, and the workers ran its tasks in executor JVMs of their own. */
    static void assertRanOnExecutors(String appId) throws IOException {
        JsonNode master = masterJson();
        JsonNode app = null;
        for (JsonNode a : master.get("completedapps")) {
            if (appId.equals(a.get("id").asText())) {
                app = a;
            }
        }
        assertNotNull(app, appId + " not among the master's completed applications: " + master);
        assertEquals("FINISHED", app.get("state").asText());
        List<Path> executorDirs;
        try (Stream<Path> s = Files.find(CLUSTER.resolve("work"), 3,
                (p, attr) -> attr.isDirectory() && p.getParent().getFileName().toString().equals(appId))) {
            executorDirs = s.sorted().collect(Collectors.toList());
        }
        assertEquals(2, executorDirs.size(), "one executor per worker: " + executorDirs);
        int tasks = 0;
        for (Path dir : executorDirs) {
            String stderr = Files.readString(dir.resolve("stderr"));
            assertTrue(stderr.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"), dir.toString());
            tasks += (int) stderr.lines().filter(l -> l.contains("Executor: Finished task")).count();
        }
        assertTrue(tasks > 0, "no task finished in an executor: " + executorDirs);
        report("  ran on the cluster: %s FINISHED, %d tasks finished in executors %s", appId, tasks,
                executorDirs.stream().map(d -> CLUSTER.relativize(d).toString()).collect(Collectors.toList()));
    }

    static Stream<String> workerLogLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> s = Files.list(CLUSTER.resolve("logs"))) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().startsWith("worker-"))::iterator) {
                lines.addAll(Files.readAllLines(p));
            }
        }
        return lines.stream();
    }

    // ---- the cluster's processes

    /** Runs scripts/standalone-cluster.sh with the cluster's environment; its output, or a failure with it. */
    static String script(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(Arrays.asList(args));
        Path log = CLUSTER.resolve("logs").resolve("script-" + args[0] + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(ENV);
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("scripts/standalone-cluster.sh " + args[0] + " did not finish in " + timeout + "\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), "scripts/standalone-cluster.sh " + args[0] + "\n" + out);
        return out;
    }

    /**
     * Master, workers (from the script's pid files) and their child processes, the executors: only
     * JVMs whose command line names this cluster's jars (a recycled pid is someone else's).
     */
    static List<ProcessHandle> clusterProcesses() {
        String jars = CLUSTER.resolve("spark-home/jars").toString();
        List<ProcessHandle> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(CLUSTER)) {
            for (Path pid : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".pid"))::iterator) {
                Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()));
                h.ifPresent(p -> {
                    out.add(p);
                    p.descendants().forEach(out::add);
                });
            }
        } catch (IOException | NumberFormatException e) {
            // no cluster (yet)
        }
        out.removeIf(p -> !p.info().commandLine().orElse("").contains(jars));
        return out;
    }

    /** Stops what the test started: drivers still running, then the script's stop, then anything left, by pid. */
    static synchronized void stopEverything() {
        for (Process p : SUBMITTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        List<ProcessHandle> jvms = clusterProcesses();
        if (!jvms.isEmpty()) {
            try {
                script(Duration.ofMinutes(1), "stop");
            } catch (Exception | AssertionError e) {
                System.err.println("[StandaloneClusterIT] stop: " + e);
            }
        }
        for (ProcessHandle p : jvms) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
            }
        }
    }

    /** The executor JVM of an application, a child of one of the workers. */
    static Optional<ProcessHandle> executorProcess(String appId, String executorId) {
        return clusterProcesses().stream().filter(p -> {
            List<String> a = Arrays.asList(p.info().arguments().orElse(new String[0]));
            int i = a.indexOf("--executor-id");
            return a.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && a.contains(appId)
                    && i >= 0 && i + 1 < a.size() && a.get(i + 1).equals(executorId);
        }).findFirst();
    }

    static JsonNode masterJson() throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webuiPort + "/json/"))
                .timeout(Duration.ofSeconds(20)).build();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return new ObjectMapper().readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ---- one submitted job

    /** An executor this test killed. */
    record Kill(String executorId, long pid, String tid, String pass, double atSeconds) {
    }

    /**
     * One job submitted through the script: SparkSubmit in a child JVM (stdout to a file), its stderr
     * (the job's progress lines and the driver's scheduler log) read line by line into memory, a file,
     * and the task tracker.
     */
    static final class Submission {
        static final Pattern APP_ID = Pattern.compile("Connected to Spark cluster with app ID (\\S+)");
        final String name;
        final Process process;
        final List<String> lines = new ArrayList<>();
        final TaskTracker tasks = new TaskTracker();
        final Thread reader;
        final long started = System.nanoTime();
        volatile long ended;

        private Submission(String name, Process process) {
            this.name = name;
            this.process = process;
            process.onExit().thenRun(() -> ended = System.nanoTime());
            Path log = CLUSTER.resolve("logs").resolve("driver-" + name + ".log");
            this.reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
                        PrintWriter file = new PrintWriter(Files.newBufferedWriter(log), true)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        file.println(line);
                        synchronized (lines) {
                            lines.add(line);
                        }
                        tasks.accept(line);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "driver-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        static Submission start(String name, Map<String, String> env, String... jobArgs) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), "submit"));
            cmd.addAll(Arrays.asList(jobArgs));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
                    .redirectOutput(CLUSTER.resolve("logs").resolve("driver-" + name + ".out").toFile());
            pb.environment().putAll(ENV);
            pb.environment().putAll(env);
            pb.environment().put("JAVA_OPTS", "-Dlog4j2.configurationFile=" + driverLogConfig());
            Process p = pb.start();
            synchronized (StandaloneClusterIT.class) {
                SUBMITTED.add(p);
            }
            return new Submission(name, p);
        }

        static Path driverLogConfig() {
            try {
                return Path.of(StandaloneClusterIT.class.getResource("/log4j2-cluster-driver.properties").toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Waits for the driver to exit; its exit code. */
        int await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("the " + name + " job did not finish in time\n" + describe());
            }
            reader.join(10_000);
            return process.exitValue();
        }

        /** Wall time from submission to the driver's exit. */
        double seconds() {
            return ((ended == 0 ? System.nanoTime() : ended) - started) / 1e9;
        }

        String appId() {
            String line = firstLine(APP_ID.pattern());
            assertNotNull(line, "no application id in the driver log\n" + describe());
            Matcher m = APP_ID.matcher(line);
            assertTrue(m.find());
            return m.group(1);
        }

        List<String> lines(String regex) {
            Pattern p = Pattern.compile(regex);
            synchronized (lines) {
                return lines.stream().filter(l -> p.matcher(l).find()).collect(Collectors.toList());
            }
        }

        String firstLine(String regex) {
            List<String> l = lines(regex);
            return l.isEmpty() ? null : l.get(0);
        }

        String describe() {
            synchronized (lines) {
                List<String> tail = lines.subList(Math.max(0, lines.size() - 60), lines.size());
                return "--- driver stderr (last " + tail.size() + " lines; all in " + CLUSTER.resolve("logs") + ")\n"
                        + String.join("\n", tail);
            }
        }
    }

    /**
     * Follows the driver's log: which pass the job is in (its progress lines) and which tasks run on
     * which executor (TaskSetManager's "Starting task" / "Finished task" / "Lost task" lines).
     */
    static final class TaskTracker {
        static final Pattern STARTING = Pattern.compile("Starting task \\S+ in stage \\S+ \\(TID (\\d+)\\) \\([^,]*, ?executor (\\d+),");
        static final Pattern ENDED = Pattern.compile("(?:Finished|Lost) task \\S+ in stage \\S+ \\(TID (\\d+)\\)");
        /** TID -> (executor id, when its start was read). */
        private final Map<String, Map.Entry<String, Long>> running = new LinkedHashMap<>();
        private String pass;

        synchronized void accept(String line) {
            if (line.startsWith("[risk-table-mapping] fit: counting")) {
                pass = "fit";
            } else if (line.startsWith("[risk-table-mapping] transform train: ") && !line.contains(" rows in ")) {
                pass = "transform of train";
            } else if (line.startsWith("[risk-table-mapping] ")) {
                pass = null;   // fit done, train done, other splits
            }
            Matcher m = STARTING.matcher(line);
            if (m.find()) {
                running.put(m.group(1), Map.entry(m.group(2), System.nanoTime()));
            }
            m = ENDED.matcher(line);
            if (m.find()) {
                running.remove(m.group(1));
            }
        }

        /**
         * In the fit or the transform of train, once a task has run {@link #KILL_AFTER_MS} on an
         * executor: SIGKILLs that executor's JVM. The kill, or null when it is not yet time.
         */
        synchronized Kill killIfDue(Submission run) {
            if (!"fit".equals(pass) && !"transform of train".equals(pass)) {
                return null;
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Map.Entry<String, Long>> task : running.entrySet()) {
                if (now - task.getValue().getValue() >= TimeUnit.MILLISECONDS.toNanos(KILL_AFTER_MS)) {
                    String executorId = task.getValue().getKey();
                    ProcessHandle executor = executorProcess(run.appId(), executorId).orElse(null);
                    if (executor == null) {
                        continue;
                    }
                    executor.destroyForcibly();   // SIGKILL
                    executor.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> executor).join();
                    return new Kill(executorId, executor.pid(), task.getKey(), pass, seconds(run.started));
                }
            }
            return null;
        }
    }

    // ---- small helpers

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void report(String format, Object... args) {
        System.out.println("[StandaloneClusterIT] " + String.format(format, args));
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
