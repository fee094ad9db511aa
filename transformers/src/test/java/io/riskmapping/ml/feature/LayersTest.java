package io.riskmapping.ml.feature;

import static io.riskmapping.testing.JavaSources.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.riskmapping.testing.SparkTestSession;

/**
 * The packages' dependencies run one way (docs/architecture.md): the stages
 * ({@code io.riskmapping.ml.feature}) use {@code exec}, which chooses a format path
 * ({@code exec.csv}, {@code exec.parquet}), which uses {@code exec.scan} and {@code core}, which uses
 * {@code io.riskmapping.artifacts}. Read from the source files of every source folder: a file of
 * {@code core} or {@code exec} (and its subpackages) names no stage class (a class whose file is
 * directly in {@code ml/feature}), {@code core} names nothing of {@code exec}, the subpackages of
 * {@code exec} name nothing of {@code exec} itself, the two formats do not name each other, and
 * {@code exec.scan} names neither format.
 */
class LayersTest {

    /** The source folders of the transformers module (shared and per Spark line), from the repository root. */
    private static final List<String> SOURCES = List.of("transformers/src/main/java", "transformers/src/main/spark-3.5/java",
            "transformers/src/main/spark-4/java", "transformers/src/main/spark-3.5+/java");

    private static final String FEATURE = "io/riskmapping/ml/feature";

    /** A name under {@code io.riskmapping.ml.feature}, imported or written out in code: its package path and first class name. */
    private static final Pattern NAME = Pattern.compile("\\bio\\.riskmapping\\.ml\\.feature((?:\\.[a-z]\\w*)*)\\.([A-Z]\\w*|\\*)");

    @Test
    void executionCodeNamesNoStageAndCoreNoExec() throws IOException {
        Path root = SparkTestSession.repoRoot();
        List<String> broken = new ArrayList<>();
        int read = 0;
        for (String folder : SOURCES) {
            Path dir = root.resolve(folder).resolve(FEATURE);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String pkg = dir.relativize(f.getParent()).toString().replace('\\', '/').replace('/', '.');
                    if (pkg.equals("core") || pkg.equals("exec") || pkg.startsWith("exec.")) {
                        read++;
                        for (String v : violations(pkg, Files.readString(f, StandardCharsets.UTF_8))) {
                            broken.add(root.relativize(f).toString().replace('\\', '/') + ": " + v);
                        }
                    }
                }
            }
        }
        assertTrue(read > 20, "core and exec sources read: " + read);
        assertEquals(List.of(), broken, "dependencies must run stages -> exec -> core -> artifacts: execution code takes "
                + "what it needs of a stage as plain values (e.g. core.TableMapping), and core never calls exec");
    }

    @Test
    void theScanSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        assertEquals(List.of("names stage class RiskTableMapperModel"),
                violations("exec", "import io.riskmapping.ml.feature.RiskTableMapperModel;"));
        assertEquals(List.of("names stage class FitStatistics"),
                violations("core", "Object s = io.riskmapping.ml.feature.FitStatistics.class;"));
        assertEquals(List.of("names stage class RiskTableMapperModel"),
                violations("exec.csv", "import static io.riskmapping.ml.feature.RiskTableMapperModel.key;"));
        assertEquals(List.of("names stage package io.riskmapping.ml.feature.*"),
                violations("core", "import io.riskmapping.ml.feature.*;"));
        assertEquals(List.of("core names exec: io.riskmapping.ml.feature.exec.CountSources"),
                violations("core", "import io.riskmapping.ml.feature.exec.CountSources;"));
        assertEquals(List.of("exec.csv names exec.parquet: io.riskmapping.ml.feature.exec.parquet.ColumnarMapping"),
                violations("exec.csv", "import io.riskmapping.ml.feature.exec.parquet.ColumnarMapping;"));
        assertEquals(List.of("exec.parquet names exec: io.riskmapping.ml.feature.exec.TransformPaths"),
                violations("exec.parquet", "import io.riskmapping.ml.feature.exec.TransformPaths;"));
        assertEquals(List.of("exec.scan names exec.csv: io.riskmapping.ml.feature.exec.csv.CsvFiles"),
                violations("exec.scan", "import io.riskmapping.ml.feature.exec.csv.CsvFiles;"));
        assertTrue(violations("exec.csv", "import io.riskmapping.ml.feature.exec.scan.FileScans;\n"
                + "import io.riskmapping.ml.feature.core.DriftBuckets;").isEmpty());
        assertTrue(violations("exec", "import io.riskmapping.ml.feature.core.TableMapping;\n"
                + "import io.riskmapping.ml.feature.exec.csv.CsvMapping;\nimport io.riskmapping.ml.feature.compat.SparkShims;").isEmpty());
        assertTrue(violations("core", "/** see {@link io.riskmapping.ml.feature.RiskTableMapperModel} */ class A {"
                + " String s = \"io.riskmapping.ml.feature.exec.TransformPaths\"; // io.riskmapping.ml.feature.FitStatistics\n}")
                .isEmpty());
    }

    /** What a source of package {@code ml.feature.<pkg>} names against the layers. */
    static List<String> violations(String pkg, String source) {
        List<String> out = new ArrayList<>();
        Matcher m = NAME.matcher(code(source));
        while (m.find()) {
            String sub = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
            String name = m.group(2);
            if (sub.isEmpty()) {
                // every class whose file is directly in ml/feature is a stage class (or a stage's result type)
                out.add(name.equals("*") ? "names stage package io.riskmapping.ml.feature.*" : "names stage class " + name);
            } else if (pkg.equals("core") && (sub.equals("exec") || sub.startsWith("exec."))) {
                out.add("core names exec: " + m.group());
            } else if (pkg.startsWith("exec.") && sub.equals("exec")) {
                out.add(pkg + " names exec: " + m.group());
            } else if (pkg.startsWith("exec.") && sub.startsWith("exec.") && !ownFormat(pkg, sub) && !sub.equals("exec.scan")) {
                out.add(pkg + " names " + sub + ": " + m.group());
            }
        }
        return out;
    }

    /**
     * Whether {@code sub} is package {@code pkg} itself (or below it): a format never names the other
     * one; any subpackage of {@code exec} may name {@code exec.scan}, which names no other.
     */
    private static boolean ownFormat(String pkg, String sub) {
        return sub.equals(pkg) || sub.startsWith(pkg + ".");
    }
}
