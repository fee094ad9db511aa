package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * Runs every Scala block of docs/spark-shell.md, in order, as one Scala script (the Scala of the
 * build's Spark line, 2.12 or 2.13) in a child JVM with the test classpath, after a prelude that
 * defines {@code spark} as spark-shell does.
 */
class SparkShellDocTest {

    @TempDir
    Path tmp;

    static List<String> blocks(String markdown, String lang) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?ms)^```" + lang + "\\n(.*?)^```").matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Whether the build's Scala (Spark's) is 2.12. */
    private static boolean scala212() {
        return scala.util.Properties.versionNumberString().startsWith("2.12.");
    }

    @Test
    void everyScalaBlockRunsAsInSparkShell() throws Exception {
        Path root = SparkTestSession.repoRoot();
        List<String> scala = blocks(Files.readString(root.resolve("docs/spark-shell.md")), "scala");
        assertTrue(scala.size() >= 6, "Scala blocks found: " + scala.size());
        String script = "val spark = org.apache.spark.sql.SparkSession.builder().master(\"local[2]\")"
                + ".config(\"spark.ui.enabled\", \"false\").config(\"spark.sql.shuffle.partitions\", \"4\").getOrCreate()\n"
                + "import spark.implicits._\n"
                + String.join("\n", scala) + "\nspark.stop()\n";
        Path file = tmp.resolve("spark-shell-doc.scala");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx2g");
        cmd.add("-Dlog4j2.configurationFile=" + root.resolve("spark-job/src/test/resources/log4j2-test.properties"));
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).replace(File.pathSeparator + File.pathSeparator, File.pathSeparator));
        cmd.addAll(List.of("scala.tools.nsc.MainGenericRunner", "-usejavacp", "-howtorun:script"));
        if (scala212()) {
            cmd.add("-nc"); // Scala 2.12's script runner compiles in a daemon (fsc) started with a `scala` command; 2.13's in process
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "script finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertFalse(text.contains("error:"), text);
        assertTrue(text.contains("fit rows 600, events 200, prior 0.3333333333333333"), text);
        assertTrue(text.contains("<0=0.5895953757225433") || text.contains("<0 -> 0.5895953757225433"), text);
        assertTrue(text.contains("scored 200 rows"), text);
        assertTrue(Files.size(root.resolve("target/shell-risk_table_map.pkl")) > 0);
    }
}
