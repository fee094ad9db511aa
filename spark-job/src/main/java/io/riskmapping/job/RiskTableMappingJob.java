package io.riskmapping.job;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.AnalysisException;

import io.riskmapping.ml.feature.compat.SparkShims;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} job: risk table mapping of the categorical fields of
 * {@code train/ val/ test/} shard folders (training), or of one split with saved artifacts
 * (validation, testing, calibration). {@link #main} only calls {@link #run} and exits with its code.
 *
 * <p>Exit codes: 0 success, 1 a file or folder not found, 2 an invalid value, option, input or
 * configuration, 3 anything else. Errors are one line on stderr ({@code --stacktrace} for more).
 */
@Command(name = "risk-table-mapping", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = RiskTableMappingJob.Version.class,
        description = {
            "Risk table mapping (target encoding) of categorical fields with Spark.",
            "training: fit on INPUT/train, map INPUT/train, val, test into OUTPUT/ and write the artifacts.",
            "validation | testing | calibration: load the artifacts, map INPUT/<job type> into OUTPUT/<job type>.",
            "Shards part-NNNNN.csv, .tsv (optionally .gz) or .parquet give output shards of the same names and format."},
        footer = {"", "Environment: SMOOTH_FACTOR, COUNT_THRESHOLD, MAX_UNIQUE_THRESHOLD override the hyperparameters file.",
            "Exit codes: 0 success, 1 file or folder not found, 2 invalid value or configuration, 3 other error."})
public final class RiskTableMappingJob implements Callable<Integer> {

    @Option(names = "--job-type", required = true, paramLabel = "TYPE", converter = JobTypeConverter.class,
            description = "training, validation, testing or calibration")
    JobType jobType;

    @Option(names = "--input-dir", required = true, paramLabel = "INPUT",
            description = "folder holding train/ val/ test/ (training) or <job type>/ shard folders; any Hadoop path (hdfs://, s3a://, local)")
    String inputDir;

    @Option(names = "--output-dir", required = true, paramLabel = "OUTPUT",
            description = "folder the job writes as a whole (mapped split folders, default artifacts folder), published only when everything succeeded")
    String outputDir;

    @Option(names = "--hyperparameters", paramLabel = "FILE|DIR",
            description = "hyperparameters.json, or a folder holding it (training; required there)")
    String hyperparameters;

    @Option(names = "--model-artifacts-input", paramLabel = "DIR",
            description = "artifacts of an earlier step: copied into the artifacts output first; non-training jobs read risk_table_map.json (or .pkl) from it")
    String artifactsIn;

    @Option(names = "--model-artifacts-output", paramLabel = "DIR",
            description = "where to write the artifacts (default: OUTPUT/model_artifacts); a folder elsewhere is replaced as a whole too")
    String artifactsOut;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[*] (default: the one spark-submit sets)")
    String master;

    @Option(names = "--overwrite", description = "replace an output folder (and a separate artifacts folder) that is not empty, the whole folder")
    boolean overwrite;

    @Option(names = "--strict", description = "fail (exit 2) on a hyperparameters key the job does not know, instead of a warning")
    boolean strict;

    @Option(names = "--allow-single-class",
            description = "map a train split whose labelled rows are all events (or all non-events) with a warning, instead of failing (exit 2)")
    boolean allowSingleClass;

    @Option(names = "--no-report", description = "do not write report.html and run_summary.json into the artifacts")
    boolean noReport;

    @Option(names = "--stacktrace", description = "print the full stack trace of an error")
    boolean stacktrace;

    private Map<String, String> env = System.getenv();
    private PrintStream out = System.out;
    private PrintStream err = System.err;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the job with the process environment; returns the exit code. */
    public static int run(String... args) {
        return run(args, System.getenv(), System.out, System.err);
    }

    /** Runs the job with the given environment (for the overrides) and streams; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        RiskTableMappingJob job = new RiskTableMappingJob();
        job.env = env;
        job.out = out;
        job.err = err;
        CommandLine cl = new CommandLine(job);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("risk-table-mapping: error: " + ex.getMessage());
            err.println("Try 'risk-table-mapping --help' for the options.");
            return JobException.INVALID;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> job.report(ex));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        return new JobRun(this, env, out, err).execute();
    }

    private int report(Throwable failure) {
        JobException shard = ShardErrors.fromFailedPass(failure); // a task's decoder refused a shard: name split and shard
        Throwable ex = shard != null ? shard : failure;
        int code = exitCode(ex);
        err.println("risk-table-mapping: error: " + message(ex));
        if (stacktrace) {
            ex.printStackTrace(err);
        } else if (code == JobException.FAILED) {
            err.println("(run with --stacktrace for details)");
        }
        err.flush();
        return code;
    }

    /** The exit code of a failure: 1 not found, 2 invalid input or configuration, 3 otherwise. */
    static int exitCode(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof JobException j) {
                return j.exitCode();
            }
            if (t instanceof FileNotFoundException) {
                return JobException.NOT_FOUND;
            }
            if (t instanceof AnalysisException a) {
                return "PATH_NOT_FOUND".equals(SparkShims.get().errorCondition(a)) ? JobException.NOT_FOUND : JobException.INVALID;
            }
            if (t instanceof IllegalArgumentException || isMalformedInput(t)) {
                return JobException.INVALID;
            }
        }
        return JobException.FAILED;
    }

    private static boolean isMalformedInput(Throwable t) {
        String name = t.getClass().getName();
        String msg = String.valueOf(t.getMessage());
        return name.endsWith("BadRecordException") || name.endsWith("SparkRuntimeException") && msg.contains("USER_RAISED_EXCEPTION")
                || msg.contains("MALFORMED_RECORD_IN_PARSING") || msg.contains("is not a Parquet file")
                || name.endsWith("SchemaColumnConvertNotSupportedException");
    }

    /** One line: the most specific message in the cause chain. */
    static String message(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof JobException || t instanceof IllegalArgumentException) {
                return firstLine(t.getMessage());
            }
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = ex.getMessage() != null ? ex.getMessage() : ex.toString();
        if (root != ex && root.getMessage() != null) {
            m = m.length() > 200 || m.isBlank() ? root.getMessage() : m + " (" + root.getMessage() + ")";
        }
        return firstLine(m);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** picocli converter for {@link JobType}. */
    static final class JobTypeConverter implements CommandLine.ITypeConverter<JobType> {
        @Override
        public JobType convert(String value) {
            try {
                return JobType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The version from the jar manifest (set by Maven), or "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RiskTableMappingJob.class.getPackage().getImplementationVersion();
            return new String[] {"risk-table-mapping " + (v == null ? "development" : v)};
        }
    }
}
