package io.riskmapping.job;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An exclusive claim on an output folder {@code PARENT/NAME}: the lock file
 * {@code PARENT/.NAME.risk-table-mapping-lock} (a sibling, as the folder itself is replaced by a
 * rename), created atomically and holding JSON {@code host}, {@code pid}, {@code start},
 * {@code run_id} and {@code target}. While a run holds it, no other run on any process or host that
 * shares the file system can claim the folder, so only one run writes and publishes it at a time.
 *
 * <p>A daemon thread bumps the lock's modification time every {@code refreshEvery}
 * ({@link #DEFAULT_REFRESH_EVERY}). Another run treats a claim as stale, and takes it over, when
 * its holder ran on this host and its process is gone, or when the lock was not refreshed for
 * {@code staleAfter} ({@link #DEFAULT_STALE_AFTER}), or when the lock cannot be parsed and is that
 * old. The modification time is set by the file system at creation (on HDFS by the NameNode's
 * clock) and by the holder's clock at each refresh, and is compared with the reader's clock: the
 * clocks of the hosts must agree to well within {@code staleAfter}. A holder stalled (or cut off
 * from the file system) for longer than {@code staleAfter} loses its claim; {@link #check} tells.
 *
 * <p>Atomic creation, content included: the JSON is written to a draft file of the run's, which
 * becomes the lock in one step that fails when the lock exists, a hard link on the local file
 * system, a rename on HDFS (which refuses to rename onto an existing file). On S3 a rename is a copy
 * that may overwrite, so two runs may both believe they hold the claim there.
 */
final class OutputClaim implements AutoCloseable {

    static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);
    static final Duration DEFAULT_REFRESH_EVERY = Duration.ofSeconds(30);

    private static final String LOCK = ".risk-table-mapping-lock";
    private static final int ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNKNOWN = "unknown";
    private static final String HOST = localHost();

    /** Who holds a lock file; all but the modification time null (pid -1) when it is unreadable. */
    record Holder(String host, long pid, String start, String runId, long modificationTime) {
        boolean readable() {
            return runId != null;
        }
    }

    private final FileSystem fs;
    private final Path target;
    private final Path lock;
    private final String runId;
    private final Consumer<String> progress;
    private final AtomicBoolean released = new AtomicBoolean();
    /** The topmost folder {@link #acquire} made because the target's parent was missing, or null. */
    private Path created;
    private Holder tookOverFrom;
    private ScheduledExecutorService refresher;
    private volatile String lost;

    private OutputClaim(FileSystem fs, Path target, String runId, Consumer<String> progress) {
        this.fs = fs;
        this.target = normalized(target);
        this.lock = lockFileOf(target);
        this.runId = runId;
        this.progress = progress;
    }

    /**
     * The lock file of a target folder: {@code PARENT/.NAME.risk-table-mapping-lock}.
     *
     * @throws JobException (invalid) when the target is the root of its file system
     */
    static Path lockFileOf(Path target) {
        Path t = normalized(target);
        if (t.getParent() == null) {
            throw JobException.invalid("output " + t + " is the root of its file system: choose a folder below it");
        }
        return new Path(t.getParent(), "." + t.getName() + LOCK);
    }

    private static Path normalized(Path target) {
        // a URI with a trailing slash has an empty name; parsed again as a string it loses the slash
        return target.getName().isEmpty() ? new Path(target.toString()) : target;
    }

    /**
     * Claims a target folder before anything under it is touched, creating its parent folders when
     * missing (removed again by {@link #release}, or here on failure, when empty). A stale claim is
     * taken over with one {@code progress} line {@code claim: took over the stale claim on ...}.
     * Then a daemon thread refreshes the claim until {@link #release}.
     *
     * @param runId unique per run (the job's UUID); the claim is this run's while the lock holds it
     * @param staleAfter usually {@link #DEFAULT_STALE_AFTER}
     * @param refreshEvery usually {@link #DEFAULT_REFRESH_EVERY}; positive and below {@code staleAfter}
     * @throws JobException (invalid, exit 2) when another run holds a live claim ({@code output folder
     *         ... is claimed by another run (...)}), or the target is the root of its file system
     * @throws IOException when the file system fails, or the lock kept changing hands (5 attempts)
     */
    static OutputClaim acquire(FileSystem fs, Path target, String runId, Duration staleAfter, Duration refreshEvery,
            Consumer<String> progress) throws IOException {
        if (refreshEvery.isNegative() || refreshEvery.isZero() || refreshEvery.compareTo(staleAfter) >= 0) {
            throw new IllegalArgumentException("refresh every " + refreshEvery + " must be positive and below " + staleAfter);
        }
        OutputClaim c = new OutputClaim(fs, target, runId, progress);
        try {
            Path parent = c.lock.getParent();
            for (Path p = parent; p != null && !fs.exists(p); p = p.getParent()) {
                c.created = p;
            }
            if (c.created != null && !fs.mkdirs(parent)) {
                throw new IOException("cannot create " + parent);
            }
            c.take(staleAfter);
        } catch (IOException | RuntimeException e) {
            try {
                c.removeCreatedFolders();
            } catch (IOException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
        c.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "risk-table-mapping-claim");
            t.setDaemon(true);
            return t;
        });
        c.refresher.scheduleWithFixedDelay(c::refresh, refreshEvery.toMillis(), refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private void take(Duration staleAfter) throws IOException {
        Holder displaced = null;
        String why = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (createLock()) {
                if (displaced != null) {
                    tookOverFrom = displaced;
                    String of = displaced.readable()
                            ? "host " + displaced.host() + ", process " + displaced.pid() + " (started " + displaced.start() + ", "
                            : "an unknown run (unreadable lock file, ";
                    progress.accept("claim: took over the stale claim on " + target + " of " + of + why + ")");
                }
                return;
            }
            Holder h = read(lock);
            if (h == null) {
                continue; // removed meanwhile
            }
            long age = System.currentTimeMillis() - h.modificationTime();
            String stale = processGone(h) ? "process gone" : age > staleAfter.toMillis() ? "not refreshed for " + age / 1000 + " s" : null;
            if (stale == null) {
                throw JobException.invalid("output folder " + target + " is claimed by another run ("
                        + (h.readable() ? "host " + h.host() + ", process " + h.pid() + ", started " + h.start() + ", claim refreshed "
                                : "unreadable lock file, written ")
                        + Math.max(0, age) / 1000 + " s ago; lock file " + lock
                        + "): wait for it to finish, or remove the lock file if that run is gone");
            }
            displaced = h; // by this run or another taker: gone unless a live claim replaced it (then refused above)
            why = stale;
            moveAside(h);
        }
        throw new IOException("cannot create the lock file " + lock + ": other runs kept replacing it");
    }

    /** True when the holder ran on this host and its process is gone (a reused pid counts as alive). */
    private static boolean processGone(Holder h) {
        return h.readable() && h.host().equals(HOST) && !HOST.equals(UNKNOWN)
                && !ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Creates the lock holding this run's JSON; false when it exists. */
    private boolean createLock() throws IOException {
        return createNew(lock, JSON.writeValueAsBytes(JSON.createObjectNode().put("host", HOST).put("pid", ProcessHandle.current().pid())
                .put("start", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).put("run_id", runId).put("target", target.toString())));
    }

    /**
     * Creates a file with its whole content atomically; false when it exists. The content is written
     * to a file of this run's first, which then becomes {@code file} in one step that fails when
     * {@code file} exists: a hard link on the local file system, a rename elsewhere (HDFS refuses to
     * rename onto an existing file). So no reader ever sees the lock created but still empty, and no
     * other taker can move it aside half written.
     */
    private boolean createNew(Path file, byte[] content) throws IOException {
        Path draft = file.suffix(".new-" + runId);
        try (OutputStream out = fs.create(draft, true)) {
            out.write(content);
        }
        try {
            if ("file".equals(fs.getUri().getScheme())) {
                try {
                    Files.createLink(local(file), local(draft));
                    return true;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    return false;
                }
            }
            return fs.rename(draft, file);
        } finally {
            fs.delete(draft, false);
        }
    }

    private java.nio.file.Path local(Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }

    /**
     * Renames a stale lock to a name of this run's (of several takers, one rename succeeds) and
     * deletes it. When another taker had already replaced it by its own lock, puts that one back.
     */
    private void moveAside(Holder stale) throws IOException {
        Path aside = lock.suffix(".stale-" + runId);
        try {
            if (!fs.rename(lock, aside)) {
                return;
            }
        } catch (FileNotFoundException e) {
            return; // the local file system's rename throws when the source is gone
        }
        Holder moved = read(aside);
        if (moved != null && !moved.equals(stale)) {
            try (FSDataInputStream in = fs.open(aside)) {
                createNew(lock, in.readAllBytes());
            }
        }
        fs.delete(aside, false);
    }

    /** The lock's holder; null when there is no lock file. */
    private Holder read(Path file) throws IOException {
        try {
            long mtime = fs.getFileStatus(file).getModificationTime();
            JsonNode n;
            try (FSDataInputStream in = fs.open(file)) {
                n = JSON.readTree(in.readAllBytes());
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                n = null;
            }
            if (n == null || !n.path("host").isTextual() || !n.path("pid").isIntegralNumber() || !n.path("run_id").isTextual()) {
                return new Holder(null, -1, null, null, mtime);
            }
            return new Holder(n.get("host").asText(), n.get("pid").asLong(), n.path("start").asText("?"), n.get("run_id").asText(), mtime);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /** Null while the lock file is this run's; otherwise why not. */
    private String loss() throws IOException {
        Holder h = read(lock);
        if (h == null) {
            return "lock file removed";
        }
        if (runId.equals(h.runId())) {
            return null;
        }
        return h.readable() ? "taken by host " + h.host() + " process " + h.pid() : "lock file replaced by an unreadable one";
    }

    private void refresh() {
        try {
            String why = loss();
            if (why == null) {
                fs.setTimes(lock, System.currentTimeMillis(), -1);
            } else {
                lost = why;
                refresher.shutdown();
            }
        } catch (IOException | RuntimeException e) {
            // transient (the file system unreachable, the lock replaced meanwhile): the next tick tells
        }
    }

    /** The lock file ({@link #lockFileOf} of the target). */
    Path lockFile() {
        return lock;
    }

    /**
     * The stale claim this run saw and replaced, for the report. Empty when the lock was free, also
     * when another taker removed a stale lock just before this run looked: leftovers of dead runs
     * may be there either way.
     */
    Optional<Holder> tookOverFrom() {
        return Optional.ofNullable(tookOverFrom);
    }

    /**
     * Call before publishing: reads the lock file again.
     *
     * @throws JobException (exit 3) when the claim was lost (lock removed or taken by another run),
     *         or the lock file cannot be read
     */
    void check() {
        String why = lost;
        if (why == null) {
            try {
                why = loss();
            } catch (IOException e) {
                throw new JobException(JobException.FAILED, "cannot check the claim on " + target + " (lock file " + lock + "): " + e.getMessage(), e);
            }
        }
        if (why != null) {
            lost = why;
            throw JobException.failed("the claim on " + target + " was lost while the run was writing it (" + why
                    + "): nothing was published");
        }
    }

    /**
     * Stops refreshing, deletes the lock if it is still this run's, then removes the parent folders
     * {@link #acquire} created if they are empty. Idempotent; never throws (a problem is a warning line).
     */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        refresher.shutdown();
        try {
            refresher.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (loss() == null) {
                fs.delete(lock, false);
            }
            removeCreatedFolders();
        } catch (IOException | RuntimeException e) {
            progress.accept("warning: could not release the claim on " + target + " (lock file " + lock + "): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        release();
    }

    private void removeCreatedFolders() throws IOException {
        for (Path p = lock.getParent(); created != null && p != null; p = p.getParent()) {
            if (!fs.exists(p) || fs.listStatus(p).length > 0) {
                break;
            }
            fs.delete(p, false);
            if (p.equals(created)) {
                break;
            }
        }
    }

    /** This host's name as the lock file records it. */
    static String host() {
        return HOST;
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
