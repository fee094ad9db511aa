package io.riskmapping.job;

/**
 * A failure the job reports as one line with a distinct exit code (see {@link #NOT_FOUND},
 * {@link #INVALID}, {@link #FAILED}); the message names the file, field or value.
 */
public class JobException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: a file or folder was not found. */
    public static final int NOT_FOUND = 1;
    /** Exit code: an invalid value, option, input or configuration. */
    public static final int INVALID = 2;
    /** Exit code: anything else. */
    public static final int FAILED = 3;

    private final int exitCode;

    public JobException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public JobException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static JobException notFound(String message) {
        return new JobException(NOT_FOUND, message);
    }

    public static JobException invalid(String message) {
        return new JobException(INVALID, message);
    }

    /** Exit code 3: the run could not complete for a reason other than its input or options. */
    public static JobException failed(String message) {
        return new JobException(FAILED, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
