package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The jar knows the Spark line it was built for, and says which jar to use on another. */
class BuildInfoTest {

    @Test
    void theBuildPropertiesAreThoseOfTheLineBeingBuilt() {
        // surefire passes the line of the Maven profile (root pom, riskmapping.spark.line)
        assertEquals(System.getProperty("riskmapping.spark.line"), BuildInfo.SPARK_LINE);
        assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), BuildInfo.SPARK_VERSION, "compiled against the Spark it tests on");
        assertEquals(scala.util.Properties$.MODULE$.versionNumberString(), BuildInfo.SCALA_VERSION);
    }

    @Test
    void aMismatchNamesTheJarAndTheLineToBuild() {
        assertNull(BuildInfo.mismatch(BuildInfo.SPARK_VERSION, BuildInfo.SCALA_VERSION));
        assertEquals("3.5", BuildInfo.minor("3.5.6"));
        assertEquals("2.13", BuildInfo.minor("2.13.18"));
        String m = "4.2".equals(BuildInfo.minor(BuildInfo.SPARK_VERSION)) ? BuildInfo.mismatch("3.5.1", "2.12.18") : BuildInfo.mismatch("4.2.0", "2.13.18");
        assertTrue(m.startsWith("this jar is built for Spark " + BuildInfo.minor(BuildInfo.SPARK_VERSION)), m);
        String other = "4.2".equals(BuildInfo.minor(BuildInfo.SPARK_VERSION)) ? "risk-table-mapping-job_spark3.5_2.12-<version>.jar (build it with SPARK_LINE=3.5)"
                : "risk-table-mapping-job_spark4.2_2.13-<version>.jar (build it with SPARK_LINE=4.2)";
        assertTrue(m.endsWith(other), m);
        if (!"3.5-scala-2.13".equals(BuildInfo.SPARK_LINE)) {
            assertTrue(BuildInfo.mismatch("3.5.6", "2.13.8").endsWith("(build it with SPARK_LINE=3.5-scala-2.13)"));
        }
    }
}
