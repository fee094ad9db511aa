package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging, swap and recovery of a published folder, on the local file system (no Spark). */
class StagedFolderTest {

    @TempDir
    java.nio.file.Path tmp;

    private final List<String> lines = new ArrayList<>();

    private StagedFolder folder(java.nio.file.Path target) {
        FileSystem fs = ArtifactStore.fileSystem(new Path(target.toUri()), new Configuration());
        return new StagedFolder(fs, new Path(target.toUri()), UUID.randomUUID().toString(), lines::add);
    }

    private static java.nio.file.Path local(Path p) {
        return java.nio.file.Path.of(p.toUri());
    }

    @Test
    void aNewFolderIsOneRenameOfTheStagingFolder() throws IOException {
        java.nio.file.Path out = tmp.resolve("a/b/out");
        StagedFolder f = folder(out);
        f.create();
        JobHarness.write(local(f.staging()).resolve("train/part-00000.csv"), "new");
        f.swapIn().commit();
        assertEquals(Map.of("train/part-00000.csv", JobHarness.checksums(out).get("train/part-00000.csv")), JobHarness.checksums(out));
        assertEquals(List.of("out"), JobHarness.names(tmp.resolve("a/b")), "no staging folder left beside the output");
    }

    @Test
    void anExistingFolderIsReplacedAsAWholeAndCanBeRolledBack() throws IOException {
        java.nio.file.Path out = tmp.resolve("out");
        JobHarness.write(out.resolve("train/part-00000.csv"), "old");
        JobHarness.write(out.resolve("notes.txt"), "old");
        Map<String, String> old = JobHarness.checksums(out);
        StagedFolder f = folder(out);
        f.create();
        JobHarness.write(local(f.staging()).resolve("val/part-00000.csv"), "new");
        Map<String, String> staged = JobHarness.checksums(local(f.staging()));
        f.swapIn().rollback();
        assertEquals(old, JobHarness.checksums(out), "rolled back: the previous folder");
        f.swapIn().commit();
        assertEquals(staged, JobHarness.checksums(out), "the new folder, nothing of the old one");
        assertEquals(List.of("out"), JobHarness.names(tmp), "the previous folder is removed");
    }

    @Test
    void recoverRestoresAFolderMovedAsideAndRemovesOtherLeftovers() throws IOException {
        java.nio.file.Path out = tmp.resolve("out");
        String id = UUID.randomUUID().toString();
        JobHarness.write(tmp.resolve(".out.risk-table-mapping-trash-" + id + "/train/part-00000.csv"), "previous");
        JobHarness.write(tmp.resolve(".out.risk-table-mapping-staging-" + id + "/train/part-00000.csv"), "half written");
        JobHarness.write(tmp.resolve(".out.risk-table-mapping-staging-mine/keep.txt"), "not a run's name");
        JobHarness.write(tmp.resolve(".out2.risk-table-mapping-staging-" + id + "/keep.txt"), "another output's");
        folder(out).recover();
        assertEquals("previous", Files.readString(out.resolve("train/part-00000.csv")));
        assertEquals(List.of(".out.risk-table-mapping-staging-mine", ".out2.risk-table-mapping-staging-" + id, "out"), JobHarness.names(tmp));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("restored ")), lines.toString());

        JobHarness.write(tmp.resolve(".out.risk-table-mapping-trash-" + id + "/train/part-00000.csv"), "older");
        folder(out).recover();
        assertEquals("previous", Files.readString(out.resolve("train/part-00000.csv")), "an output in place is kept");
        assertFalse(Files.exists(tmp.resolve(".out.risk-table-mapping-trash-" + id)), "the stale copy is removed");
    }

    /*
     * As in the job: the claim, taken first, makes the missing parent folders; discarding the staged
     * folder removes the staging folder only, and releasing the claim then removes the lock and the
     * parent folders it made.
     */
    @Test
    void discardRemovesTheStagingFolderAndTheClaimTheParentsItMade() throws IOException {
        java.nio.file.Path out = tmp.resolve("new/deeper/out");
        Path target = new Path(out.toUri());
        FileSystem fs = ArtifactStore.fileSystem(target, new Configuration());
        String id = UUID.randomUUID().toString();
        OutputClaim claim = OutputClaim.acquire(fs, target, id, OutputClaim.DEFAULT_STALE_AFTER, OutputClaim.DEFAULT_REFRESH_EVERY,
                lines::add);
        StagedFolder f = new StagedFolder(fs, target, id, lines::add);
        f.create();
        JobHarness.write(local(f.staging()).resolve("train/part-00000.csv"), "half");
        f.discard();
        assertEquals(List.of(".out.risk-table-mapping-lock"), JobHarness.names(tmp.resolve("new/deeper")), "the claim's lock only");
        claim.release();
        assertEquals(List.of(), JobHarness.names(tmp));
    }

    @Test
    void targetHoldsSomethingUnlessMissingOrEmpty() throws IOException {
        java.nio.file.Path out = tmp.resolve("out");
        assertFalse(folder(out).targetHoldsSomething());
        Files.createDirectories(out);
        assertFalse(folder(out).targetHoldsSomething());
        JobHarness.write(out.resolve(".hidden"), "x");
        assertTrue(folder(out).targetHoldsSomething());
    }
}
