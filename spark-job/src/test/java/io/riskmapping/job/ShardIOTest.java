package io.riskmapping.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.riskmapping.testing.SparkTestSession;

/** The session settings of the transform passes: what they hold, and that they are undone. */
class ShardIOTest {

    private static final String EXCLUDED = "spark.sql.optimizer.excludedRules";
    private static final String OTHER_RULE = "org.apache.spark.sql.catalyst.optimizer.ConstantFolding";

    private final SparkSession spark = SparkTestSession.get();

    @AfterEach
    void unset() {
        spark.conf().unset(EXCLUDED);
    }

    @Test
    void theUnionRuleIsAddedAfterTheSessionsOwnExclusionsOnce() {
        assertEquals(ShardIO.PUSH_PROJECTION_THROUGH_UNION, ShardIO.transformSettings(spark).get(EXCLUDED));
        spark.conf().set(EXCLUDED, OTHER_RULE);
        assertEquals(OTHER_RULE + "," + ShardIO.PUSH_PROJECTION_THROUGH_UNION, ShardIO.transformSettings(spark).get(EXCLUDED));
        spark.conf().set(EXCLUDED, OTHER_RULE + ", " + ShardIO.PUSH_PROJECTION_THROUGH_UNION);
        assertEquals(OTHER_RULE + ", " + ShardIO.PUSH_PROJECTION_THROUGH_UNION, ShardIO.transformSettings(spark).get(EXCLUDED));
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
        ShardIO.withSettings(spark, ShardIO.transformSettings(spark), () -> under[0] = optimized(
                spark.range(0, 10, 1, 1).union(spark.range(10, 20, 1, 1)).select(col("id").plus(1).as("next"))));
        assertInstanceOf(Project.class, under[0]);
        assertInstanceOf(Union.class, ((Project) under[0]).child());
        assertFalse(spark.conf().contains(EXCLUDED), "the setting is unset again");
    }

    @Test
    void settingsComeBackWhenTheBodyFails() {
        spark.conf().set("spark.sql.files.maxPartitionBytes", "1234");
        try {
            assertThrows(IllegalStateException.class, () -> ShardIO.withSettings(spark,
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

    private static LogicalPlan optimized(Dataset<Row> df) {
        return df.queryExecution().optimizedPlan();
    }
}
