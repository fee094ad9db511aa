package io.riskmapping.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.Path;

/**
 * Where a run writes and how it publishes: the output folder, and a separate artifacts folder
 * when {@code --model-artifacts-output} lies outside it, each claimed ({@link OutputClaim}: one
 * writer per folder), written into a hidden staging sibling ({@link StagedFolder}) and, once every
 * split and artifact is verified ({@link Manifest}), swapped in by renaming; or, after a failure,
 * discarded. {@link #close} releases the claims.
 *
 * <p>The run's order: {@link #claim} (after the input and the artifacts are read: nothing under
 * the output is touched before), {@link #createStaging}, the writes into {@link #staging} and
 * {@link #stagedArtifacts}, then {@link #publish} or {@link #discard}, then {@link #close}.
 */
final class Publication implements AutoCloseable {

    private final JobOptions options;
    private final ArtifactStore store;
    private final String runId;
    private final Progress progress;
    private final StagedFolder output;
    /** The separate artifacts folder, or null when the artifacts lie in the output folder. */
    private final StagedFolder artifacts;
    private final List<OutputClaim> claims = new ArrayList<>();

    /** @param runId unique per run (a UUID): the claims' owner, part of the staging folders' names */
    Publication(JobOptions options, ArtifactStore store, String runId, Progress progress) {
        this.options = options;
        this.store = store;
        this.runId = runId;
        this.progress = progress;
        this.output = new StagedFolder(store.fs(options.output()), options.output(), runId, progress::line);
        this.artifacts = options.artifactsInOutput() ? null
                : new StagedFolder(store.fs(options.artifactsOut()), options.artifactsOut(), runId, progress::line);
    }

    /**
     * Claims the output folder, then a separate artifacts folder; then, under the claims, tidies what
     * a killed run left there ({@link StagedFolder#recover}) and checks each folder is empty unless
     * {@code --overwrite}.
     *
     * @throws JobException (invalid) when a live run holds a claim, or a folder is not empty without
     *                      {@code --overwrite}
     * @throws UncheckedIOException when the file system fails
     */
    void claim() {
        claims.add(claim(options.output()));
        if (artifacts != null) {
            claims.add(claim(options.artifactsOut()));
        }
        prepare(output, "output folder " + options.output());
        if (artifacts != null) {
            prepare(artifacts, "artifacts folder " + options.artifactsOut());
        }
    }

    /** The staged output folder: the future content of the output folder. */
    Path staging() {
        return output.staging();
    }

    /** Where the artifacts are staged: in the staged output folder, or the separate artifacts folder's staging. */
    Path stagedArtifacts() {
        return artifacts == null ? JobOptions.relocate(options.artifactsOut(), options.output(), output.staging()) : artifacts.staging();
    }

    /** Creates the staging folders. */
    void createStaging() {
        create(output);
        if (artifacts != null) {
            create(artifacts);
        }
    }

    /**
     * Verifies what is staged against what the summary reports (every split's shards and rows, every
     * artifact file), writes the manifest into the staged artifacts, checks the claims are still this
     * run's, then swaps the staged output folder in, then the separate artifacts folder (each atomic
     * on its own; a failure of the second swap moves the first one back), then removes the previous
     * folders.
     *
     * @param splits the run's splits, in the order of the summary's split results
     * @throws JobException (invalid) when a claim was taken over; the errors of {@link Manifest#verify}
     * @throws UncheckedIOException when a rename fails ({@code cannot publish the output: ...})
     */
    void publish(List<Split> splits, JobSummary summary) {
        // nothing is published unverified: every split, shard and artifact the summary reports
        Path staging = output.staging();
        Path stagedArtifacts = stagedArtifacts();
        List<Manifest.StagedSplit> staged = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            Split split = splits.get(i);
            staged.add(new Manifest.StagedSplit(split.name(), new Path(staging, split.name()),
                    split.shards().stream().map(Split.Shard::name).toList(), summary.splits.get(i).rowsPerShard()));
        }
        summary.artifactFiles.remove(Manifest.FILE);
        byte[] manifest = Manifest.verify(store::fs, options.jobType().label(), staged, stagedArtifacts, summary.artifactFiles);
        store.write(new Path(stagedArtifacts, Manifest.FILE), manifest);
        summary.artifactFiles.add(Manifest.FILE);
        for (OutputClaim c : claims) {
            c.check();
        }
        swapIn();
    }

    private void swapIn() {
        try {
            StagedFolder.Swap first = output.swapIn();
            StagedFolder.Swap second = null;
            if (artifacts != null) {
                try {
                    second = artifacts.swapIn();
                } catch (IOException | RuntimeException e) {
                    try {
                        first.rollback();
                    } catch (IOException r) {
                        e.addSuppressed(r);
                    }
                    throw e;
                }
            }
            first.commit();
            if (second != null) {
                second.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish the output: " + e.getMessage(), e);
        }
    }

    /** After a failure: removes the staging folders (a failure to do so is a warning line). */
    void discard() {
        output.discard();
        if (artifacts != null) {
            artifacts.discard();
        }
    }

    /** Releases the claims taken, the last first. Never throws. */
    @Override
    public void close() {
        for (int i = claims.size() - 1; i >= 0; i--) {
            claims.get(i).release();
        }
    }

    /** Takes the claim on an output folder (exit 2 naming the holder when a live run has it). */
    private OutputClaim claim(Path folder) {
        try {
            return OutputClaim.acquire(store.fs(folder), folder, runId, OutputClaim.DEFAULT_STALE_AFTER,
                    OutputClaim.DEFAULT_REFRESH_EVERY, progress::line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Tidies what an interrupted run left; refuses a folder with something in it unless --overwrite. */
    private void prepare(StagedFolder folder, String what) {
        try {
            folder.recover();
            if (!options.overwrite() && folder.targetHoldsSomething()) {
                throw JobException.invalid(what + " is not empty; pass --overwrite to replace the whole folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the " + what + ": " + e.getMessage(), e);
        }
    }

    private static void create(StagedFolder folder) {
        try {
            folder.create();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the staging folder " + folder.staging() + ": " + e.getMessage(), e);
        }
    }
}
