package io.riskmapping.ml.feature.compat;

import static io.riskmapping.testing.JavaSources.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.riskmapping.testing.SparkTestSession;

/**
 * Spark's internal packages ({@code org.apache.spark.sql.classic}, {@code sql.catalyst},
 * {@code sql.execution}, {@code org.apache.spark.unsafe}) are named only in the Spark-line source
 * folders: {@code transformers/src/main/spark-3.5/java} and {@code src/main/spark-4/java} (what
 * differs between lines, behind {@link SparkShims}), {@code src/main/spark-3.5+/java} (the fast
 * paths, on internal classes that are the same on every supported line), and their test
 * counterparts in {@code transformers} and {@code spark-job}. The shared folders of every module,
 * main and test, name none.
 */
class NoInternalImportsTest {

    /** The source folders shared by every Spark line, from the repository root. */
    static final List<String> SHARED_SOURCES = List.of("artifacts/src/main/java", "artifacts/src/test/java", "transformers/src/main/java",
            "transformers/src/test/java", "spark-job/src/main/java", "spark-job/src/test/java", "bench/src/main/java",
            "examples/src/main/java", "examples/src/test/java");

    /** A name in one of the internal packages, imported or written out in code. */
    private static final Pattern INTERNAL = Pattern.compile("\\borg\\.apache\\.spark\\.(sql\\.(classic|catalyst|execution)|unsafe)\\.");

    @Test
    void internalPackagesAreUsedOnlyInTheLineFolders() throws IOException {
        Path root = SparkTestSession.repoRoot();
        List<String> using = new ArrayList<>();
        int read = 0;
        for (String folder : SHARED_SOURCES) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    read++;
                    if (INTERNAL.matcher(code(Files.readString(f, StandardCharsets.UTF_8))).find()) {
                        using.add(root.relativize(f).toString().replace('\\', '/'));
                    }
                }
            }
        }
        assertTrue(read > 100, "shared sources read: " + read);
        assertEquals(List.of(), using, "Spark-internal classes outside the src/{main,test}/spark-*/java folders: put what "
                + "differs between Spark lines behind SparkShims (one LineShims per line folder), and code on internal classes "
                + "that are the same on every line in src/main/spark-3.5+/java");
    }

    @Test
    void theScanSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        assertTrue(INTERNAL.matcher(code("import org.apache.spark.sql.classic.SparkSession;")).find());
        assertTrue(INTERNAL.matcher(code("long o = org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET;")).find());
        assertTrue(INTERNAL.matcher(code("import static org.apache.spark.sql.catalyst.util.FailFastMode$.MODULE$;")).find());
        assertFalse(INTERNAL.matcher(code("/** like {@code org.apache.spark.sql.execution.FileSourceScanExec} */ class A {}")).find());
        assertFalse(INTERNAL.matcher(code("String rule = \"org.apache.spark.sql.catalyst.optimizer.X\"; // org.apache.spark.unsafe.")).find());
        assertFalse(INTERNAL.matcher(code("import org.apache.spark.sql.types.StructType;")).find());
        // a // in a string starts no comment, a quote in a comment starts no string
        assertTrue(INTERNAL.matcher(code("String u = \"hdfs://x\"; Object o = org.apache.spark.unsafe.Platform.class;")).find());
        assertTrue(INTERNAL.matcher(code("/* it's */ char q = '\"'; org.apache.spark.sql.classic.Dataset<?> d;")).find());
    }
}
