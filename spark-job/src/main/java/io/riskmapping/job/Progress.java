package io.riskmapping.job;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The run's progress lines: one line on stderr per step, {@code [risk-table-mapping] } and the
 * text, flushed at once. Steps take one and call {@link #line}.
 */
@FunctionalInterface
interface Progress {

    /**
     * One progress line.
     *
     * @param format a {@link String#format} pattern, formatted with {@link Locale#ROOT}
     */
    void line(String format, Object... args);

    /** Progress lines written to {@code err}. */
    static Progress to(PrintStream err) {
        return (format, args) -> {
            err.println("[risk-table-mapping] " + String.format(Locale.ROOT, format, args));
            err.flush();
        };
    }

    /** Seconds since {@code startNanos}, a {@link System#nanoTime} value. */
    static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
