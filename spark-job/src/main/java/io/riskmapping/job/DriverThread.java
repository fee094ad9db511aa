package io.riskmapping.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The driver's background thread (made on first use, a daemon): work that no Spark job waits for
 * (a training run's IV ranking and artifacts), run one task after another while the main thread
 * plans and runs the passes. {@link #close} lets it end once its tasks are done.
 */
final class DriverThread implements AutoCloseable {

    private ExecutorService executor;

    /** Runs {@code task} on the thread, after the tasks before it. */
    <T> CompletableFuture<T> supply(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, executor());
    }

    /** Runs {@code task} on the thread, after the tasks before it. */
    CompletableFuture<Void> run(Runnable task) {
        return CompletableFuture.runAsync(task, executor());
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "risk-table-mapping-driver");
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    /** Takes no more tasks; the ones queued still run. */
    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
        }
    }

    /**
     * The value of a future, once done; its failure rethrown as thrown (a {@link JobException} keeps
     * its exit code), not wrapped in a {@link CompletionException}.
     */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
