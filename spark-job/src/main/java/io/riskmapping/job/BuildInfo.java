package io.riskmapping.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Spark line the job was built for ({@code build.properties}, written by the build from the
 * line's Maven profile), and the check of it against the Spark the job runs on.
 */
final class BuildInfo {

    private static final Properties BUILD = load();

    /** The line's name as {@code SPARK_LINE} takes it: 4.2, 4.1, 4.0, 3.5 or 3.5-scala-2.13. */
    static final String SPARK_LINE = BUILD.getProperty("spark.line");
    static final String SPARK_VERSION = BUILD.getProperty("spark.version");
    static final String SCALA_VERSION = BUILD.getProperty("scala.version");

    private BuildInfo() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** "3.5" of "3.5.6", "2.13" of "2.13.18": a version's first two numbers. */
    static String minor(String version) {
        String[] parts = version.split("[.-]");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }

    /**
     * A warning when the running Spark or Scala is not of the line this jar was built for (the
     * job may then fail with a linkage error), naming the jar to use; null when they match.
     */
    static String mismatch(String sparkVersion, String scalaVersion) {
        if (SPARK_VERSION == null || minor(sparkVersion).equals(minor(SPARK_VERSION)) && minor(scalaVersion).equals(minor(SCALA_VERSION))) {
            return null;
        }
        String line = minor(sparkVersion) + ("2.13".equals(minor(scalaVersion)) && minor(sparkVersion).startsWith("3.") ? "-scala-2.13" : "");
        return "this jar is built for Spark " + minor(SPARK_VERSION) + " with Scala " + minor(SCALA_VERSION) + ", but runs on Spark "
                + sparkVersion + " with Scala " + scalaVersion + ": submit risk-table-mapping-job_spark" + minor(sparkVersion) + "_"
                + minor(scalaVersion) + "-<version>.jar (build it with SPARK_LINE=" + line + ")";
    }
}
