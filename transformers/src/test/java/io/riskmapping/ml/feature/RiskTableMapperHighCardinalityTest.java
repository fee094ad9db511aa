package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.testing.SparkTestSession;

/**
 * {@code highCardinality}: a column of {@code maxUniqueThreshold} or more categories is skipped,
 * grouped or refused. Values by hand, with smoothFactor 0 and countThreshold 0 (raw event rates).
 */
class RiskTableMapperHighCardinalityTest {

    @TempDir
    Path tmp;

    /*
     * c: A x4 (3 events), B x3 (1), C x2 (2), D x1 (0), E x1 (0): 5 categories, N = 11, K = 6.
     * With maxUniqueThreshold 3 and "group": A and B (the 2 with the most rows) kept,
     * C, D, E summed into __other__: n = 4, k = 2. Raw rates: A 3/4, B 1/3, __other__ 1/2.
     * Folds (fold column): fold 0 = A1 A1 B0 C1 D0 E0, fold 1 = A1 A0 B1 B0 C1.
     *   fold 0's rows use fold 1's rows: N = 5, K = 3, p = 0.6; A 1/2, B 1/2, __other__ (C1) 1/1
     *   fold 1's rows use fold 0's rows: N = 6, K = 3, p = 0.5; A 2/2, B 0/1, __other__ (C1 D0 E0) 1/3
     */
    static final String DATA = "c,y,fold\nA,1,0\nA,1,0\nB,0,0\nC,1,0\nD,0,0\nE,0,0\nA,1,1\nA,0,1\nB,1,1\nB,0,1\nC,1,1\n";

    private Dataset<Row> data() {
        return SparkTestSession.csv(tmp, "d.csv", DATA);
    }

    private static RiskTableMapper mapper(String highCardinality) {
        return new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y").setSmoothFactor(0).setCountThreshold(0)
                .setMaxUniqueThreshold(3).setHighCardinality(highCardinality);
    }

    @Test
    void groupKeepsTheMostFrequentAndMapsTheRestAndUnseenToOther() {
        RiskTableMapperModel model = mapper("group").fit(data());
        RiskTable t = model.riskTables().get("c");
        assertEquals(Map.of("A", 0.75, "B", 1.0 / 3, "__other__", 0.5), t.bins());
        assertEquals(0.5, t.defaultBin(), 1e-15, "the default bin is __other__'s value");
        assertEquals(5, model.statistics().fields().get(0).distinct(), "the statistics keep the true number of categories");
        Dataset<Row> probe = SparkTestSession.csv(tmp.resolve("probe"), "p.csv", "c,y,fold\nA,,\nB,,\nD,,\nZ,,\n,,\n");
        List<Row> mapped = model.transform(probe).select("r").collectAsList();
        double[] expected = {0.75, 1.0 / 3, 0.5, 0.5, 0.5}; // A, B, a merged category, an unseen one, a null
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], mapped.get(i).getDouble(0), 1e-15, "row " + i);
        }
    }

    @Test
    void outOfFoldTablesGroupTheSameCategoriesWithoutTheRowsOwnFold() {
        RiskTableMapperModel model = mapper("group").setNumFolds(2).setFoldCol("fold").fit(data());
        List<Row> rows = model.transformOutOfFold(data()).select("r").collectAsList();
        double[] expected = {0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0 / 3};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], rows.get(i).getDouble(0), 1e-15, "row " + i);
        }
    }

    @Test
    void skipLeavesTheColumnAndErrorRefusesIt() {
        RiskTableMapperModel skipped = mapper("skip").fit(data());
        assertNull(skipped.riskTables().get("c"));
        FieldStatistics f = skipped.statistics().fields().get(0);
        assertFalse(f.mapped());
        assertTrue(f.skipReason().startsWith("5 distinct values, not below maxUniqueThreshold 3"), f.skipReason());
        assertEquals("skip", new RiskTableMapper().getHighCardinality(), "the default");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mapper("error").fit(data()));
        assertTrue(e.getMessage().startsWith("column 'c' has 5 distinct values, not below maxUniqueThreshold 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mapper("bucket"));
    }

    @Test
    void belowTheThresholdGroupChangesNothing() {
        RiskTableMapperModel grouped = mapper("group").setMaxUniqueThreshold(6).fit(data());
        RiskTableMapperModel plain = mapper("skip").setMaxUniqueThreshold(6).fit(data());
        assertEquals(plain.riskTables().get("c").bins(), grouped.riskTables().get("c").bins());
        assertEquals(6.0 / 11, grouped.riskTables().get("c").defaultBin(), 1e-15, "the prior");
    }
}
