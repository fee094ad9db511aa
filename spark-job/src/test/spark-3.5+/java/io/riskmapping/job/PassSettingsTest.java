package io.riskmapping.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.junit.jupiter.api.AfterEach;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.ml.feature.compat.ScalaCollections;
import io.riskmapping.testing.SparkTestSession;

/** The session settings of the transform passes: what they hold, and that they are undone. */
class PassSettingsTest {

    private static final String EXCLUDED = "spark.sql.optimizer.excludedRules";
    private static final String OTHER_RULE = "org.apache.spark.sql.catalyst.optimizer.ConstantFolding";

    private final SparkSession spark = SparkTestSession.get();

    @AfterEach
    void unset() {
        spark.conf().unset(EXCLUDED);
    }

    @Test
    void theUnionRuleIsAddedAfterTheSessionsOwnExclusionsOnce() {
        assertEquals(PassSettings.PUSH_PROJECTION_THROUGH_UNION, PassSettings.transform(spark).get(EXCLUDED));
        spark.conf().set(EXCLUDED, OTHER_RULE);
        assertEquals(OTHER_RULE + "," + PassSettings.PUSH_PROJECTION_THROUGH_UNION, PassSettings.transform(spark).get(EXCLUDED));
        spark.conf().set(EXCLUDED, OTHER_RULE + ", " + PassSettings.PUSH_PROJECTION_THROUGH_UNION);
        assertEquals(OTHER_RULE + ", " + PassSettings.PUSH_PROJECTION_THROUGH_UNION, PassSettings.transform(spark).get(EXCLUDED));
    }

    /*
     * A projection over a union of two scans: Spark's optimizer copies it into both children unless
     * the rule is excluded (a misspelt rule name would be ignored, and this test would fail).
     */
    @Test
    void underTheSettingsAProjectionStaysAboveTheUnion() {
        Dataset<Row> union = spark.range(0, 10, 1, 1).union(spark.range(10, 20, 1, 1)).select(col("id").plus(1).as("next"));
        assertInstanceOf(Union.class, optimized(union), "Spark's default pushes the projection into the union");
        LogicalPlan[] under = new LogicalPlan[1];
        PassSettings.with(spark, PassSettings.transform(spark), () -> under[0] = optimized(
                spark.range(0, 10, 1, 1).union(spark.range(10, 20, 1, 1)).select(col("id").plus(1).as("next"))));
        assertInstanceOf(Project.class, under[0]);
        assertInstanceOf(Union.class, ((Project) under[0]).child());
        assertFalse(spark.conf().contains(EXCLUDED), "the setting is unset again");
    }

    @Test
    void settingsComeBackWhenTheBodyFails() {
        spark.conf().set("spark.sql.files.maxPartitionBytes", "1234");
        try {
            assertThrows(IllegalStateException.class, () -> PassSettings.with(spark,
                    Map.of("spark.sql.files.maxPartitionBytes", "99", EXCLUDED, OTHER_RULE), () -> {
                        assertEquals("99", spark.conf().get("spark.sql.files.maxPartitionBytes"));
                        throw new IllegalStateException("body failed");
                    }));
            assertEquals("1234", spark.conf().get("spark.sql.files.maxPartitionBytes"));
            assertFalse(spark.conf().contains(EXCLUDED));
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
        }
    }

    /*
     * Three shards read as three scans under a union: each scan is a code-generation stage. Under
     * the settings the three stages generate the same code, so Spark compiles one class (its code
     * cache is keyed by the code); by default each stage's class name carries its id.
     */
    @Test
    @SuppressWarnings("unchecked")
    void underTheSettingsTheShardsScansShareOneGeneratedClass(@TempDir Path dir) {
        for (int i = 0; i < 3; i++) {
            spark.range(i * 10, i * 10 + 10, 1, 1).selectExpr("id", "cast(id AS STRING) AS c")
                    .write().parquet(dir.resolve("part-0000" + i).toString());
        }
        java.util.function.Supplier<Dataset<Row>> union = () -> {
            Dataset<Row> u = null;
            for (int i = 0; i < 3; i++) {
                Dataset<Row> shard = spark.read().parquet(dir.resolve("part-0000" + i).toString());
                u = u == null ? shard : u.union(shard);
            }
            return u.select(col("id").plus(1).as("next"), col("c"));
        };
        assertEquals(3, scanStageCodes(union.get()).size(), "by default, one class per stage");
        Set<String>[] under = new Set[1];
        PassSettings.with(spark, PassSettings.transform(spark), () -> under[0] = scanStageCodes(union.get()));
        assertEquals(1, under[0].size());
        assertFalse(spark.conf().contains(PassSettings.USE_ID_IN_CLASS_NAME), "the setting is unset again");
    }

    /** The distinct generated code of the plan's code-generation stages that read files. */
    private static Set<String> scanStageCodes(Dataset<Row> df) {
        Set<String> codes = new HashSet<>();
        List<SparkPlan> pending = new ArrayList<>(List.of(df.queryExecution().executedPlan()));
        while (!pending.isEmpty()) {
            SparkPlan node = pending.remove(pending.size() - 1);
            if (node instanceof WholeStageCodegenExec stage && stage.child().collectLeaves().head() instanceof FileSourceScanExec) {
                codes.add(stage.doCodeGen()._2().body());
            }
            pending.addAll(ScalaCollections.asJava(node.children()));
        }
        return codes;
    }

    private static LogicalPlan optimized(Dataset<Row> df) {
        return df.queryExecution().optimizedPlan();
    }
}
