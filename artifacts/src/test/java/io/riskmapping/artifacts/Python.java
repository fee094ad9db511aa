package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code python3} (when it is on the PATH) so that tests can check the artifacts against the
 * real Python reader and writer. Tests call {@link #assumeAvailable()} first: without python3
 * they are skipped, not failed.
 */
final class Python {

    private static Boolean available;

    private Python() {
    }

    /** Skips the calling test when python3 cannot be started. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "python3 is not on the PATH");
    }

    private static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import pickle, json")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }

    /** Runs {@code python3 -c script args...}; asserts exit code 0 and returns stdout. */
    static byte[] run(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
            String stderr = new String(err.join(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "python3 failed: " + stderr);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Like {@link #run} but returns stdout as UTF-8 text without the final newline. */
    static String runText(String script, String... args) {
        String s = new String(run(script, args), StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
