package io.riskmapping.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lock file that gives one run at a time an output folder, on the local file system (no Spark). */
class OutputClaimTest {

    @TempDir
    java.nio.file.Path tmp;

    /** The job's file system (raw local); the checksummed one where a test says so. */
    private final FileSystem raw = ArtifactStore.fileSystem(new Path("file:///"), new Configuration());
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<OutputClaim> claims = new CopyOnWriteArrayList<>();

    @AfterEach
    void releaseAll() {
        claims.forEach(OutputClaim::release);
    }

    private OutputClaim acquire(FileSystem fs, Path target, String runId, Duration refreshEvery) throws IOException {
        OutputClaim c = OutputClaim.acquire(fs, target, runId, OutputClaim.DEFAULT_STALE_AFTER, refreshEvery, lines::add);
        claims.add(c);
        return c;
    }

    private OutputClaim acquire(FileSystem fs, java.nio.file.Path target, String runId, Duration refreshEvery) throws IOException {
        return acquire(fs, new Path(target.toUri()), runId, refreshEvery);
    }

    private OutputClaim acquire(java.nio.file.Path target, String runId) throws IOException {
        return acquire(raw, target, runId, OutputClaim.DEFAULT_REFRESH_EVERY);
    }

    private static java.nio.file.Path lockOf(java.nio.file.Path target) {
        return target.resolveSibling("." + target.getFileName() + ".risk-table-mapping-lock");
    }

    private static JsonNode json(java.nio.file.Path file) throws IOException {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    private static JsonNode json(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return new ObjectMapper().readTree(in.readAllBytes());
        }
    }

    private static String thisHost() throws IOException {
        return InetAddress.getLocalHost().getHostName();
    }

    private static void writeLock(java.nio.file.Path lock, String host, long pid, String runId) throws IOException {
        Files.writeString(lock, "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"start\":\"2026-01-02T03:04:05Z\",\"run_id\":\""
                + runId + "\",\"target\":\"somewhere\"}");
    }

    private static void age(java.nio.file.Path file, Duration by) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(by)));
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
        return p.pid();
    }

    private static boolean refresherRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("risk-table-mapping-claim") && t.isAlive());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    @ParameterizedTest(name = "checksummed file system: {0}")
    @ValueSource(booleans = {false, true})
    void theLockNamesThisRunAndIsDeletedOnRelease(boolean checksummed) throws Exception {
        FileSystem fs = checksummed ? FileSystem.getLocal(new Configuration()) : raw;
        java.nio.file.Path out = tmp.resolve("out");
        Instant before = Instant.now().minusSeconds(1);
        OutputClaim c = acquire(fs, out, "run-1", OutputClaim.DEFAULT_REFRESH_EVERY);
        assertEquals(new Path(lockOf(out).toUri()), c.lockFile());
        JsonNode lock = json(lockOf(out));
        assertEquals(thisHost(), lock.get("host").asText());
        assertEquals(ProcessHandle.current().pid(), lock.get("pid").asLong());
        assertEquals("run-1", lock.get("run_id").asText());
        assertEquals(new Path(out.toUri()).toString(), lock.get("target").asText());
        Instant start = Instant.parse(lock.get("start").asText());
        assertTrue(!start.isBefore(before) && !start.isAfter(Instant.now()), start.toString());
        assertTrue(c.tookOverFrom().isEmpty());
        assertTrue(refresherRunning());
        c.check();

        c.release();
        assertEquals(List.of(), JobHarness.names(tmp), "the lock (and no side file) is gone");
        await("the refresh thread to stop", () -> !refresherRunning());
        c.release();
        c.close();
        assertEquals(List.of(), lines);
    }

    @Test
    void theLockIsASiblingOfTheTargetAndARootIsRefused() throws IOException {
        java.nio.file.Path out = Files.createDirectory(tmp.resolve("out"));
        Path slashed = new Path(out.toUri()); // an existing folder's URI ends with a slash
        assertTrue(slashed.toUri().toString().endsWith("/"), slashed.toString());
        assertEquals(new Path(lockOf(out).toUri()), OutputClaim.lockFileOf(slashed));
        assertEquals(new Path(lockOf(out).toUri()), acquire(out, "run-1").lockFile());
        assertTrue(Files.exists(lockOf(out)));

        JobException e = assertThrows(JobException.class, () -> OutputClaim.lockFileOf(new Path("file:///")));
        assertEquals(2, e.exitCode());
        assertThrows(JobException.class, () -> OutputClaim.acquire(raw, new Path("file:///"), "run-2",
                OutputClaim.DEFAULT_STALE_AFTER, OutputClaim.DEFAULT_REFRESH_EVERY, lines::add));
    }

    @Test
    void aLiveClaimIsRefusedAndLeftAsItIs() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        OutputClaim first = acquire(out, "run-1");
        byte[] held = Files.readAllBytes(lockOf(out));

        JobException e = assertThrows(JobException.class, () -> acquire(out, "run-2"));
        assertEquals(2, e.exitCode());
        String m = e.getMessage();
        assertTrue(m.startsWith("output folder " + new Path(out.toUri()) + " is claimed by another run (host " + thisHost()
                + ", process " + ProcessHandle.current().pid() + ", started "), m);
        assertTrue(m.contains("; lock file " + new Path(lockOf(out).toUri()) + "): wait for it to finish"), m);
        assertFalse(m.contains("\n"), m);
        assertEquals(new String(held), Files.readString(lockOf(out)), "the first claim is untouched");
        first.check();
        assertEquals(List.of(".out.risk-table-mapping-lock"), JobHarness.names(tmp));
    }

    @Test
    void theClaimOfAProcessThatIsGoneIsTakenOver() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        long dead = deadPid();
        writeLock(lockOf(out), thisHost(), dead, "dead-run");

        OutputClaim c = acquire(out, "run-2");
        assertEquals("run-2", json(lockOf(out)).get("run_id").asText());
        assertEquals(List.of("claim: took over the stale claim on " + new Path(out.toUri()) + " of host " + thisHost() + ", process "
                + dead + " (started 2026-01-02T03:04:05Z, process gone)"), lines);
        assertEquals("dead-run", c.tookOverFrom().orElseThrow().runId());
        assertEquals(dead, c.tookOverFrom().orElseThrow().pid());
        assertEquals(List.of(".out.risk-table-mapping-lock"), JobHarness.names(tmp), "no renamed lock left");
    }

    @Test
    void anotherHostsClaimIsStaleOnlyWhenNoLongerRefreshed() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        long dead = deadPid(); // no such process here, but the lock is another host's: that proves nothing
        writeLock(lockOf(out), "elsewhere", dead, "far-run");

        JobException e = assertThrows(JobException.class, () -> acquire(out, "run-2"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("(host elsewhere, process " + dead + ", started 2026-01-02T03:04:05Z, claim refreshed "), e.getMessage());
        assertEquals("far-run", json(lockOf(out)).get("run_id").asText());

        age(lockOf(out), Duration.ofMinutes(11));
        OutputClaim c = acquire(out, "run-2");
        assertEquals("run-2", json(lockOf(out)).get("run_id").asText());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("claim: took over the stale claim on .* of host elsewhere, process " + dead
                + " \\(started 2026-01-02T03:04:05Z, not refreshed for 6[56][0-9] s\\)"), lines.get(0));
        assertEquals("elsewhere", c.tookOverFrom().orElseThrow().host());
    }

    @Test
    void theClaimIsRefreshedWhileHeld() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        acquire(raw, out, "run-1", Duration.ofMillis(100));
        age(lockOf(out), Duration.ofMinutes(5));
        Instant past = Files.getLastModifiedTime(lockOf(out)).toInstant();
        await("the lock's modification time to advance", () -> {
            try {
                return Files.getLastModifiedTime(lockOf(out)).toInstant().isAfter(past.plusSeconds(240));
            } catch (IOException x) {
                return false;
            }
        });
        assertEquals("run-1", json(lockOf(out)).get("run_id").asText());
    }

    @Test
    void aRemovedLockIsALostClaim() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        OutputClaim c = acquire(raw, out, "run-1", Duration.ofMillis(100));
        byte[] mine = Files.readAllBytes(lockOf(out));
        Files.delete(lockOf(out));
        await("the refresh thread to notice and stop", () -> !refresherRunning());
        Files.write(lockOf(out), mine); // even if the same content comes back, the claim was lost meanwhile

        JobException e = assertThrows(JobException.class, c::check);
        assertEquals(3, e.exitCode());
        assertEquals("the claim on " + new Path(out.toUri()) + " was lost while the run was writing it (lock file removed): nothing was published",
                e.getMessage());
        Files.delete(lockOf(out));
        c.release();
        assertEquals(List.of(), JobHarness.names(tmp));
        assertEquals(List.of(), lines, "no warning");
    }

    @Test
    void aLockTakenByAnotherRunIsALostClaimAndIsKept() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        OutputClaim c = acquire(out, "run-1");
        writeLock(lockOf(out), "elsewhere", 77, "other-run");
        String theirs = Files.readString(lockOf(out));

        JobException e = assertThrows(JobException.class, c::check);
        assertEquals(3, e.exitCode());
        assertTrue(e.getMessage().contains("was lost while the run was writing it (taken by host elsewhere process 77)"), e.getMessage());
        c.release();
        assertEquals(theirs, Files.readString(lockOf(out)), "the other run's lock is kept");
        assertEquals(List.of(".out.risk-table-mapping-lock"), JobHarness.names(tmp));
        assertEquals(List.of(), lines);
    }

    @Test
    void missingParentsAreCreatedAndRemovedWhenEmpty() throws Exception {
        java.nio.file.Path out = tmp.resolve("a/b/out");
        OutputClaim c = acquire(out, "run-1");
        assertEquals(List.of(".out.risk-table-mapping-lock"), JobHarness.names(tmp.resolve("a/b")));
        c.release();
        assertEquals(List.of(), JobHarness.names(tmp), "a and a/b are removed again");

        c = acquire(out, "run-2");
        Files.writeString(tmp.resolve("a/b/kept.txt"), "x");
        c.release();
        assertEquals(List.of("kept.txt"), JobHarness.names(tmp.resolve("a/b")));
    }

    @Test
    void anUnreadableLockIsRefusedUntilItIsOld() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        for (String garbage : List.of("", "{\"host\": \"h\", \"pid\": ", "not json")) {
            Files.writeString(lockOf(out), garbage);
            JobException e = assertThrows(JobException.class, () -> acquire(out, "run-2"));
            assertEquals(2, e.exitCode());
            assertTrue(e.getMessage().contains("claimed by another run (unreadable lock file, written "), e.getMessage());
            assertEquals(garbage, Files.readString(lockOf(out)));
        }
        age(lockOf(out), Duration.ofMinutes(11));
        OutputClaim c = acquire(out, "run-2");
        assertEquals("run-2", json(lockOf(out)).get("run_id").asText());
        assertTrue(lines.get(0).contains(" of an unknown run (unreadable lock file, not refreshed for "), lines.toString());
        assertFalse(c.tookOverFrom().orElseThrow().readable());
    }

    @Test
    void ofTwoRunsTakingOverTheSameStaleClaimOneWins() throws Exception {
        java.nio.file.Path out = tmp.resolve("out");
        long dead = deadPid();
        assertOneOfTwoWins(raw, new Path(out.toUri()), 20, round -> {
            if (round % 2 == 0) { // not refreshed for 11 minutes
                writeLock(lockOf(out), "elsewhere", 1, "stale-run");
                age(lockOf(out), Duration.ofMinutes(11));
            } else { // written by a process of this host that is gone
                writeLock(lockOf(out), thisHost(), dead, "stale-run");
            }
        });
    }

    interface Round {
        void prepare(int round) throws Exception;
    }

    /** Two threads acquire the target at once, round after round: one holds the claim, the other is refused. */
    private void assertOneOfTwoWins(FileSystem fs, Path target, int rounds, Round makeStale) throws Exception {
        Path lock = new Path(target.getParent(), "." + target.getName() + ".risk-table-mapping-lock");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int r = 0; r < rounds; r++) {
                int round = r;
                makeStale.prepare(round);
                CyclicBarrier go = new CyclicBarrier(2);
                Map<String, Future<OutputClaim>> runs = new TreeMap<>();
                for (String id : List.of("run-a" + round, "run-b" + round)) {
                    runs.put(id, pool.submit(() -> {
                        go.await();
                        return acquire(fs, target, id, OutputClaim.DEFAULT_REFRESH_EVERY);
                    }));
                }
                Map<String, OutputClaim> won = new TreeMap<>();
                List<Integer> refused = new ArrayList<>();
                for (Map.Entry<String, Future<OutputClaim>> f : runs.entrySet()) {
                    try {
                        won.put(f.getKey(), f.getValue().get());
                    } catch (ExecutionException e) {
                        assertTrue(e.getCause() instanceof JobException, () -> "round " + round + ": " + e.getCause());
                        refused.add(((JobException) e.getCause()).exitCode());
                    }
                }
                assertEquals(1, won.size(), "round " + round + ": exactly one run holds the claim");
                assertEquals(List.of(2), refused, "round " + round);
                String winner = won.keySet().iterator().next();
                // the winner names the stale claim unless the loser had already removed it before the winner looked
                assertEquals("stale-run", won.get(winner).tookOverFrom().map(OutputClaim.Holder::runId).orElse("stale-run"), "round " + round);
                assertEquals(winner, json(fs, lock).get("run_id").asText(), "round " + round);
                assertEquals(List.of(lock), Arrays.stream(fs.listStatus(target.getParent())).map(FileStatus::getPath).toList(),
                        "round " + round + ": nothing but the lock beside the target");
                won.get(winner).check();
                won.get(winner).release();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same on an in-process HDFS, whose create(overwrite=false), rename and times are the NameNode's. */
    @Test
    void onHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.setInt("dfs.replication", 1);
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, tmp.resolve("dfs").toFile()).numDataNodes(1).build();
        try {
            cluster.waitActive();
            FileSystem hdfs = cluster.getFileSystem();
            Path out = hdfs.makeQualified(new Path("/a/b/out"));
            Path lock = hdfs.makeQualified(new Path("/a/b/.out.risk-table-mapping-lock"));
            OutputClaim first = acquire(hdfs, out, "run-1", Duration.ofMillis(100));
            assertEquals(lock, first.lockFile());
            assertEquals(ProcessHandle.current().pid(), json(hdfs, lock).get("pid").asLong());
            JobException refused = assertThrows(JobException.class, () -> acquire(hdfs, out, "run-2", OutputClaim.DEFAULT_REFRESH_EVERY));
            assertEquals(2, refused.exitCode());
            assertTrue(refused.getMessage().contains("; lock file " + lock + "): wait"), refused.getMessage());

            long past = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
            hdfs.setTimes(lock, past, -1);
            await("the claim to be refreshed", () -> {
                try {
                    return hdfs.getFileStatus(lock).getModificationTime() > past + 60_000;
                } catch (IOException e) {
                    return false;
                }
            });
            first.release();
            assertFalse(hdfs.exists(new Path("/a")), "the lock and the folders the claim made are gone");

            Round makeStale = round -> {
                try (FSDataOutputStream o = hdfs.create(lock, true)) {
                    o.write("{\"host\":\"elsewhere\",\"pid\":1,\"start\":\"2026-01-02T03:04:05Z\",\"run_id\":\"stale-run\"}".getBytes(UTF_8));
                }
                hdfs.setTimes(lock, System.currentTimeMillis() - Duration.ofMinutes(11).toMillis(), -1);
            };
            makeStale.prepare(0);
            OutputClaim taker = acquire(hdfs, out, "run-3", OutputClaim.DEFAULT_REFRESH_EVERY);
            assertEquals("run-3", json(hdfs, lock).get("run_id").asText());
            assertEquals("stale-run", taker.tookOverFrom().orElseThrow().runId());
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("claim: took over the stale claim on " + out + " of host elsewhere, process 1 "
                    + "\\(started 2026-01-02T03:04:05Z, not refreshed for 66[0-9] s\\)"), lines.get(0));
            taker.release();

            assertOneOfTwoWins(hdfs, out, 5, makeStale);
            assertTrue(lines.stream().allMatch(l -> l.startsWith("claim: took over the stale claim on " + out + " of host elsewhere, process 1 ")),
                    lines.toString());
        } finally {
            releaseAll();
            cluster.shutdown();
        }
    }
}
