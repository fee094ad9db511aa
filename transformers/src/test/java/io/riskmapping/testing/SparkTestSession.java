package io.riskmapping.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import io.riskmapping.ml.feature.compat.UnverifiedLocalFileSystem;

/** The one local SparkSession of a test JVM (Surefire reuses one fork per module), and test-data helpers. */
public final class SparkTestSession {

    private static SparkSession spark;

    private SparkTestSession() {
    }

    /**
     * The shared session: local[2], 4 shuffle partitions, no UI, local files read without verifying
     * their .crc sidecars (as the job's session, PassSettings.UNVERIFIED_LOCAL_READS). Never stopped by tests.
     */
    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("risk-table-mapping-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    // as the job's own session: stale .crc sidecars beside local input are not verified
                    .config(UnverifiedLocalFileSystem.SESSION_SETTINGS)
                    .getOrCreate();
        }
        return spark;
    }

    /** The repository root (the folder holding test-data/), found from the working directory upward. */
    public static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("test-data"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("test-data/ not found above " + Paths.get("").toAbsolutePath());
        }
        return p;
    }

    /** German Credit in one format: test-data/german-credit/{csv,tsv,parquet}. */
    public static Path germanCredit(String format) {
        return repoRoot().resolve("test-data").resolve("german-credit").resolve(format);
    }

    /** Reads CSV text written to a file (all columns as strings, header row): data that goes through executors. */
    public static Dataset<Row> csv(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve(name);
            Files.writeString(f, content, StandardCharsets.UTF_8);
            return get().read().option("header", "true").option("inferSchema", "false").csv(f.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The German Credit train split (CSV, all strings). */
    public static Dataset<Row> germanCreditTrain() {
        return get().read().option("header", "true").csv(germanCredit("csv").resolve("train").toString());
    }
}
