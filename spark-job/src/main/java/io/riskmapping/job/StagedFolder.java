package io.riskmapping.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder that a run writes as a whole and publishes by renaming, so that the folder is at any
 * moment the previous complete one, the new complete one or (between the two renames of a
 * replacement) absent, never a mix.
 *
 * <p>The run writes into a hidden sibling {@code PARENT/.NAME.risk-table-mapping-staging-<id>},
 * laid out exactly as the final folder. {@link #swapIn} then renames it to the target: one rename
 * when the target does not exist; otherwise the target is first renamed to the hidden sibling
 * {@code .NAME.risk-table-mapping-trash-<id>}, then the staging folder to the target, and
 * {@link Swap#commit} removes the trash. Renames always go to a name that does not exist (HDFS moves
 * a folder <em>into</em> an existing one). A run killed between the two renames leaves no target and
 * the previous folder in the trash; the next run for the same target moves it back
 * ({@link #recover}). On S3 a rename is a copy and a delete, so none of this is atomic there.
 *
 * <p>Two runs must never write the same target at once: {@link #recover} removes every staging
 * folder of the target. The job therefore calls it only while it holds the target's
 * {@link OutputClaim}, which no live run can hold at the same time.
 */
final class StagedFolder {

    private static final String TAG = ".risk-table-mapping-";
    private static final String STAGING = "staging-";
    private static final String TRASH = "trash-";

    /**
     * Test only (KillDuringWriteTest, ConcurrentRunsTest): the step before which to pause, announced
     * by a progress line, so that a test can kill the process or act beside it there:
     * {@code move-aside} (the previous folder to the trash), {@code move-in} (the staging folder to
     * the target), {@code remove-previous} (deleting the trash) or {@code map-<split>} (before a
     * split is mapped). Unset in real runs.
     */
    static final String PAUSE_PROPERTY = "risk-table-mapping.test.pause-before";
    /** Test only: how long the pause of {@link #PAUSE_PROPERTY} lasts, in milliseconds (default a minute). */
    static final String PAUSE_MS_PROPERTY = "risk-table-mapping.test.pause-ms";

    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private final Path trash;
    private final Consumer<String> progress;

    /**
     * @param id unique per run (a UUID), part of the staging and trash names
     * @throws JobException (invalid) when the target is the root of its file system
     */
    StagedFolder(FileSystem fs, Path folder, String id, Consumer<String> progress) {
        Path target = target(folder);
        Path parent = target.getParent();
        this.fs = fs;
        this.target = target;
        this.staging = new Path(parent, "." + target.getName() + TAG + STAGING + id);
        this.trash = new Path(parent, "." + target.getName() + TAG + TRASH + id);
        this.progress = progress;
    }

    /**
     * The folder a path names as a publish target: the path itself, or without its trailing slash.
     *
     * @throws JobException (invalid) when it is the root of its file system (no sibling can be staged)
     */
    static Path target(Path folder) {
        // a URI with a trailing slash has an empty name; parsed again as a string it loses the slash
        Path target = folder.getName().isEmpty() ? new Path(folder.toString()) : folder;
        if (target.getParent() == null) {
            throw JobException.invalid("output " + target + " is the root of its file system: choose a folder below it");
        }
        return target;
    }

    /** Where the run writes: the future content of the target. */
    Path staging() {
        return staging;
    }

    /**
     * Tidies what interrupted runs for this target left behind. When the target is missing and a
     * trash sibling holds the previous folder (a run killed between its two renames), moves it back;
     * removes every other staging and trash sibling of the target.
     */
    void recover() throws IOException {
        Path parent = target.getParent();
        if (!fs.exists(parent)) {
            return;
        }
        Pattern leftover = Pattern.compile("\\." + Pattern.quote(target.getName()) + Pattern.quote(TAG)
                + "(" + STAGING + "|" + TRASH + ")[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        List<FileStatus> trashes = new ArrayList<>();
        List<Path> stale = new ArrayList<>();
        for (FileStatus st : fs.listStatus(parent)) {
            String name = st.getPath().getName();
            if (leftover.matcher(name).matches()) {
                if (name.contains(TAG + TRASH)) {
                    trashes.add(st);
                } else {
                    stale.add(st.getPath());
                }
            }
        }
        if (!trashes.isEmpty() && !fs.exists(target)) {
            FileStatus newest = trashes.stream().max(Comparator.comparingLong(FileStatus::getModificationTime)).orElseThrow();
            ShardWriter.rename(fs, newest.getPath(), target);
            trashes.remove(newest);
            progress.accept("restored " + target + " from " + newest.getPath().getName()
                    + " (a run was killed while replacing it)");
        }
        trashes.forEach(t -> stale.add(t.getPath()));
        for (Path p : stale) {
            fs.delete(p, true);
            progress.accept("removed " + p + " (left by an interrupted run)");
        }
    }

    /** True when the target exists and is a file or a folder with something in it. */
    boolean targetHoldsSomething() throws IOException {
        if (!fs.exists(target)) {
            return false;
        }
        FileStatus st = fs.getFileStatus(target);
        return !st.isDirectory() || fs.listStatus(target).length > 0;
    }

    /**
     * Creates the staging folder. The target's parent folders are its {@link OutputClaim}'s: the
     * claim, taken first, creates them when missing and removes them again, when empty, on release.
     */
    void create() throws IOException {
        if (!fs.mkdirs(staging)) {
            throw new IOException("cannot create " + staging);
        }
    }

    /** After a failure: removes the staging folder (a failure to do so is a warning line). */
    void discard() {
        try {
            fs.delete(staging, true);
        } catch (IOException e) {
            progress.accept("warning: could not remove the staging folder " + staging + ": " + e.getMessage());
        }
    }

    /**
     * Publishes the staging folder as the target. When the target existed it is moved aside first,
     * and moved back if the second rename fails.
     */
    Swap swapIn() throws IOException {
        boolean replace = fs.exists(target);
        if (replace) {
            progress.accept("publish: replacing " + target + " by the staged folder (two renames)");
            pause("move-aside");
            ShardWriter.rename(fs, target, trash);
        } else {
            progress.accept("publish: moving the staged folder to " + target + " (one rename)");
        }
        pause("move-in");
        try {
            if (fs.exists(target)) {
                throw new IOException(target + " appeared while publishing: is another run writing it?");
            }
            ShardWriter.rename(fs, staging, target);
        } catch (IOException e) {
            if (replace && !fs.exists(target)) {
                ShardWriter.rename(fs, trash, target);
            }
            throw e;
        }
        return new Swap(replace);
    }

    private void pause(String step) {
        pause(step, target.getName(), progress);
    }

    /** Pauses when {@link #PAUSE_PROPERTY} names {@code step} (tests only); a no-op otherwise. */
    static void pause(String step, String of, Consumer<String> progress) {
        if (step.equals(System.getProperty(PAUSE_PROPERTY))) {
            progress.accept("test pause before " + step + " of " + of + " (" + PAUSE_PROPERTY + ")");
            try {
                Thread.sleep(Long.getLong(PAUSE_MS_PROPERTY, 60_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A published folder whose previous version (if any) is still in the trash. */
    final class Swap {
        private final boolean replaced;

        private Swap(boolean replaced) {
            this.replaced = replaced;
        }

        /** Removes the previous folder; a failure is only a warning (the new folder is complete). */
        void commit() {
            if (!replaced) {
                return;
            }
            pause("remove-previous");
            try {
                fs.delete(trash, true);
            } catch (IOException e) {
                progress.accept("warning: could not remove " + trash + " (the previous output): " + e.getMessage());
            }
        }

        /** Undoes {@link #swapIn}: the new folder back to staging, the previous one back in place. */
        void rollback() throws IOException {
            ShardWriter.rename(fs, target, staging);
            if (replaced) {
                ShardWriter.rename(fs, trash, target);
            }
        }
    }
}
