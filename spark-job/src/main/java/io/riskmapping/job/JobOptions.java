package io.riskmapping.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.riskmapping.artifacts.Hyperparameters;

/**
 * What one run uses of its command line, checked: the folders as the file system sees them (links
 * followed, {@code ..} removed), checked not to overlap where the job replaces a folder as a whole,
 * and, for a training run, the hyperparameters (with the environment's overrides).
 *
 * @param jobType           the job type
 * @param input             the input folder (holds the split folders); exists
 * @param output            the output folder; not a file, outside the input, not the root of its file system
 * @param artifactsIn       {@code --model-artifacts-input}, an existing folder apart from what the run
 *                          writes; null when not given (training only)
 * @param artifactsOut      where the artifacts go: {@code --model-artifacts-output}, else
 *                          {@code OUTPUT/model_artifacts}
 * @param artifactsInOutput whether {@code artifactsOut} lies inside the output folder (then published
 *                          with it, else as a folder of its own)
 * @param hyperparameters   a training run's hyperparameters (at least one field to map); null for the
 *                          other job types
 * @param overwrite         {@code --overwrite}: a folder that is not empty may be replaced
 * @param allowSingleClass  {@code --allow-single-class}: a one-class train split is a warning, not an error
 * @param noReport          {@code --no-report}: no report.html, run_summary.json nor drift counts
 */
record JobOptions(JobType jobType, Path input, Path output, Path artifactsIn, Path artifactsOut, boolean artifactsInOutput,
        Hyperparameters hyperparameters, boolean overwrite, boolean allowSingleClass, boolean noReport) {

    /** Whether this is a training run (fit, then the passes over train, val and test). */
    boolean training() {
        return jobType == JobType.TRAINING;
    }

    /**
     * The options of a run, checked in this order: the folders (resolved, then: input and
     * {@code --model-artifacts-input} exist; no output overlaps the input; a separate artifacts
     * folder does not hold the output; {@code --model-artifacts-input} apart from the folders the run
     * replaces; no output folder is a file or the root of its file system), then a training run's
     * hyperparameters (loaded, environment applied, unknown keys warned of or, with {@code --strict},
     * refused) or another run's {@code --model-artifacts-input}.
     *
     * @param env      the environment (SMOOTH_FACTOR, COUNT_THRESHOLD, MAX_UNIQUE_THRESHOLD overrides)
     * @param progress where the unknown-keys warning goes
     * @throws JobException not found (exit 1) for a missing input or artifacts folder or hyperparameters
     *                      file; invalid (exit 2) for the overlaps, a file or root as output, an empty
     *                      {@code cat_field_list}, unknown keys under {@code --strict}, a missing
     *                      {@code --hyperparameters} (training) or {@code --model-artifacts-input} (others)
     */
    static JobOptions of(RiskTableMappingJob o, Map<String, String> env, ArtifactStore store, Progress progress) {
        // every path as the file system sees it (links followed, ".." removed), so that the overlap
        // checks below compare what is read and written, not how the paths were spelled
        Path input = resolve(new Path(o.inputDir), store);
        Path output = resolve(new Path(o.outputDir), store);
        Path artifactsOut = o.artifactsOut != null ? resolve(new Path(o.artifactsOut), store) : new Path(output, "model_artifacts");
        Path artifactsIn = o.artifactsIn != null ? resolve(new Path(o.artifactsIn), store) : null;

        if (!store.isDirectory(input)) {
            throw JobException.notFound("input folder not found: " + input);
        }
        if (artifactsIn != null && !store.isDirectory(artifactsIn)) {
            throw JobException.notFound("model artifacts folder not found: " + artifactsIn);
        }
        for (Path t : List.of(output, artifactsOut)) {
            if (related(t, input)) {
                throw JobException.invalid("output " + t + aliased(t == output ? o.outputDir : o.artifactsOut, t, store)
                        + " overlaps the input folder " + input + aliased(o.inputDir, input, store) + ": choose an output outside the input");
            }
        }
        // The output folder (and a separate artifacts folder) is replaced as a whole: it may hold neither the other nor an input.
        boolean artifactsInOutput = within(artifactsOut, output);
        if (!artifactsInOutput && within(output, artifactsOut)) {
            throw JobException.invalid("--model-artifacts-output " + artifactsOut + " holds the output folder " + output
                    + ": choose an artifacts folder inside the output or apart from it");
        }
        if (artifactsIn != null && related(artifactsIn, output)) {
            throw JobException.invalid("--model-artifacts-input " + artifactsIn + " overlaps the output folder " + output
                    + ", which the job replaces as a whole: read the artifacts from elsewhere");
        }
        if (artifactsIn != null && !artifactsInOutput && related(artifactsIn, artifactsOut)) {
            throw JobException.invalid("--model-artifacts-input " + artifactsIn + " overlaps --model-artifacts-output " + artifactsOut
                    + ", which the job replaces as a whole: read the artifacts from elsewhere");
        }
        List<Path> published = artifactsInOutput ? List.of(output) : List.of(output, artifactsOut);
        for (Path t : published) {
            if (store.isFile(t)) {
                throw JobException.invalid((t == output ? "output folder " : "--model-artifacts-output ") + t
                        + " is a file: the job writes a folder there and never replaces a file; choose a folder");
            }
        }
        for (Path t : published) {
            StagedFolder.target(t); // not the root of its file system
        }

        Hyperparameters hp = null;
        if (o.jobType == JobType.TRAINING) {
            if (o.hyperparameters == null) {
                throw JobException.invalid("--hyperparameters is required for a training job");
            }
            hp = store.loadHyperparameters(new Path(o.hyperparameters)).withEnvironment(env);
            if (hp.catFieldList().isEmpty()) {
                throw JobException.invalid(o.hyperparameters + ": cat_field_list is empty: no field to map");
            }
            checkUnknownKeys(hp, o.hyperparameters, o.strict, progress);
        } else if (artifactsIn == null) {
            throw JobException.invalid("--model-artifacts-input is required for a " + o.jobType + " job (the folder a training job wrote)");
        }
        return new JobOptions(o.jobType, input, output, artifactsIn, artifactsOut, artifactsInOutput, hp, o.overwrite,
                o.allowSingleClass, o.noReport);
    }

    /** Warns of (or, with --strict, refuses) hyperparameters keys the job does not know. */
    private static void checkUnknownKeys(Hyperparameters hp, String file, boolean strict, Progress progress) {
        List<String> unknown = hp.unknownKeys();
        if (unknown.isEmpty()) {
            return;
        }
        List<String> named = new ArrayList<>();
        for (String k : unknown) {
            String near = Hyperparameters.nearestKnownKey(k);
            named.add("'" + k + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
        String what = file + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", named);
        if (strict) {
            throw JobException.invalid(what + "; remove or correct " + (unknown.size() > 1 ? "them" : "it") + " (--strict)");
        }
        progress.line("warning: %s: not used; kept under \"%s\" in the written %s (--strict makes this an error)", what,
                Hyperparameters.UNKNOWN_KEYS, Hyperparameters.FILE);
    }

    /** " (given as X, which is P)" when the path as given is not where it leads, else "". */
    private static String aliased(String given, Path resolved, ArtifactStore store) {
        if (given == null) {
            return "";
        }
        Path asGiven = store.fs(new Path(given)).makeQualified(new Path(given));
        return asGiven.equals(resolved) ? "" : " (given as " + asGiven + ", which is " + resolved + ")";
    }

    /** True when one path is the other or lies inside it (scheme and authority compared without case). */
    static boolean related(Path a, Path b) {
        return within(a, b) || within(b, a);
    }

    /** True when {@code a} is {@code b} or lies inside it. */
    static boolean within(Path a, Path b) {
        java.net.URI x = a.toUri();
        java.net.URI y = b.toUri();
        if (!blankIfNull(x.getScheme()).equalsIgnoreCase(blankIfNull(y.getScheme()))
                || !blankIfNull(x.getAuthority()).equalsIgnoreCase(blankIfNull(y.getAuthority()))) {
            return false;
        }
        String px = blankIfNull(x.getPath()).replaceAll("/+$", "");
        String py = blankIfNull(y.getPath()).replaceAll("/+$", "");
        return px.equals(py) || px.startsWith(py + "/");
    }

    /** Where {@code p} (equal to or inside {@code from}) lies once {@code from} is {@code to}. */
    static Path relocate(Path p, Path from, Path to) {
        String rest = p.toUri().getPath().substring(from.toUri().getPath().replaceAll("/+$", "").length()).replaceAll("^/+", "");
        return rest.isEmpty() ? to : new Path(to, rest);
    }

    private static String blankIfNull(String s) {
        return s == null ? "" : s;
    }

    /**
     * The path as its file system sees it: qualified, {@code ..} removed, and the longest part that
     * exists with its links followed (on the local file system by {@link java.nio.file.Path#toRealPath},
     * elsewhere by {@link FileSystem#resolvePath}); the part that does not exist yet is appended.
     *
     * @throws UncheckedIOException when the file system fails
     */
    static Path resolve(Path p, ArtifactStore store) {
        FileSystem fs = store.fs(p);
        Path q = fs.makeQualified(p);
        Deque<String> missing = new ArrayDeque<>();
        Path existing = q;
        try {
            while (existing != null && !fs.exists(existing)) {
                missing.push(existing.getName());
                existing = existing.getParent();
            }
            if (existing == null) {
                return q;
            }
            Path real;
            if ("file".equals(existing.toUri().getScheme())) {
                real = new Path("file", null, java.nio.file.Paths.get(existing.toUri()).toRealPath().toString());
            } else {
                real = fs.resolvePath(existing);
            }
            while (!missing.isEmpty()) {
                real = new Path(real, missing.pop());
            }
            return real;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + q + ": " + e.getMessage(), e);
        }
    }
}
