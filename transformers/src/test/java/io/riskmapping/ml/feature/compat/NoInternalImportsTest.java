package io.riskmapping.ml.feature.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.riskmapping.testing.SparkTestSession;

/**
 * Spark's internal packages ({@code org.apache.spark.sql.classic}, {@code sql.catalyst},
 * {@code sql.execution}, {@code org.apache.spark.unsafe}) are used outside the Spark-line folders
 * ({@code transformers/src/main/spark-3.5/java}, {@code src/main/spark-4/java}) only by the files
 * of {@link #IDENTICAL_ON_EVERY_LINE}: what differs between lines goes behind {@link SparkShims}.
 */
class NoInternalImportsTest {

    /** The source folders shared by every Spark line, from the repository root. */
    private static final List<String> SHARED_SOURCES = List.of("transformers/src/main/java", "spark-job/src/main/java");

    /**
     * The files that use internal classes that are the same on Spark 3.5 (Scala 2.12 and 2.13), 4.0,
     * 4.1 and 4.2 (compiled and tested on every line): the fast paths' file scans, column vectors,
     * CSV options, {@code InternalRow} and {@code UTF8String}, and the shims' interface, whose
     * {@code internalCreateDataFrame} takes internal rows. Kept as one copy each rather than
     * duplicated into both line folders. A file that stops using them leaves this list.
     */
    static final Set<String> IDENTICAL_ON_EVERY_LINE = Set.of(
            "transformers/src/main/java/io/riskmapping/ml/feature/compat/SparkShims.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/core/CountMerge.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/core/Lookups.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/core/PartialCounts.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/core/ShuffleBuffers.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/core/TextCounts.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/core/Utf8Keys.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/FileScans.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/TransformPaths.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/csv/CsvCounts.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/csv/CsvFiles.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/csv/CsvMapping.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/csv/CsvRecords.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/parquet/ColumnarCounts.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/parquet/ColumnarMapping.java",
            "transformers/src/main/java/io/riskmapping/ml/feature/exec/parquet/ParquetBatches.java");

    /** A name in one of the internal packages, imported or written out in code. */
    private static final Pattern INTERNAL = Pattern.compile("\\borg\\.apache\\.spark\\.(sql\\.(classic|catalyst|execution)|unsafe)\\.");

    @Test
    void internalPackagesAreUsedOnlyInTheLineFoldersAndTheListedFiles() throws IOException {
        Path root = SparkTestSession.repoRoot();
        Set<String> using = new TreeSet<>();
        for (String folder : SHARED_SOURCES) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (INTERNAL.matcher(code(Files.readString(f, StandardCharsets.UTF_8))).find()) {
                        using.add(root.relativize(f).toString().replace('\\', '/'));
                    }
                }
            }
        }
        List<String> unexpected = new ArrayList<>(using);
        unexpected.removeAll(IDENTICAL_ON_EVERY_LINE);
        assertEquals(List.of(), unexpected, "Spark-internal classes outside transformers/src/main/spark-*/java: put what differs "
                + "between Spark lines behind SparkShims (one LineShims per line folder)");
        List<String> stale = new ArrayList<>(new TreeSet<>(IDENTICAL_ON_EVERY_LINE));
        stale.removeAll(using);
        assertEquals(List.of(), stale, "listed but no longer using Spark-internal classes: remove from IDENTICAL_ON_EVERY_LINE");
    }

    @Test
    void theScanSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        assertTrue(INTERNAL.matcher(code("import org.apache.spark.sql.classic.SparkSession;")).find());
        assertTrue(INTERNAL.matcher(code("long o = org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET;")).find());
        assertTrue(INTERNAL.matcher(code("import static org.apache.spark.sql.catalyst.util.FailFastMode$.MODULE$;")).find());
        assertFalse(INTERNAL.matcher(code("/** like {@code org.apache.spark.sql.execution.FileSourceScanExec} */ class A {}")).find());
        assertFalse(INTERNAL.matcher(code("String rule = \"org.apache.spark.sql.catalyst.optimizer.X\"; // org.apache.spark.unsafe.")).find());
        assertFalse(INTERNAL.matcher(code("import org.apache.spark.sql.types.StructType;")).find());
    }

    /** Java source without its comments and string literals. */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ").replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"");
    }
}
