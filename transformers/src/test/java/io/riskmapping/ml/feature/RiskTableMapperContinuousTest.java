package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.testing.SparkTestSession;

/** targetType = "continuous": hand-computed smoothed means. */
class RiskTableMapperContinuousTest {

    @TempDir
    Path tmp;

    /*
     * Labelled rows (N = 9): A: 2, 2, 2 (within-variance 0); B: 10 (one row); C: 1, 3, 5, 7 (mean 4,
     * population variance 5); null key: 6. D has only an unlabelled row.
     * Sum 38, prior 38/9; sum of squares 232, v = 232/9 - (38/9)^2 = 644/81.
     */
    static final String DATA = String.join("\n", "c,y", "A,2", "A,2", "A,2.0", "B,10", "C,1", "C,3", "C,5", "C,7",
            ",6", "D,") + "\n";

    private Dataset<Row> data() {
        return SparkTestSession.csv(tmp.resolve("data"), "data.csv", DATA);
    }

    private RiskTableMapper mapper() {
        return new RiskTableMapper().setInputCols("c").setOutputCols("c_mean").setLabelCol("y").setTargetType("continuous");
    }

    @Test
    void autoShrinksByTheLabelVariancesAsScikitLearnDoes() {
        RiskTable t = mapper().setSmoothingMode("auto").setCountThreshold(1).setHandleMissing("category").fit(data())
                .riskTables().get("c");
        assertEquals(38.0 / 9, t.defaultBin(), 1e-13);
        assertEquals(2.0, t.bins().get("A"), 1e-13, "within-variance 0: lambda = 1, the category's mean");
        assertEquals(10.0, t.bins().get("B"), 1e-13, "one row: its own label");
        // lambda = 4v / (4v + 5) = 2576/2981; 2576/2981 * 4 + 405/2981 * 38/9 = 12014/2981
        assertEquals(12014.0 / 2981, t.bins().get("C"), 1e-13);
        assertEquals(6.0, t.nullBin(), 1e-13, "the null category: one row");
        assertFalse(t.bins().containsKey("D"), "a category without labelled rows is unseen");
    }

    @Test
    void autoGivesThePriorWhenEveryLabelIsEqual() {
        Dataset<Row> same = SparkTestSession.csv(tmp.resolve("same"), "same.csv", "c,y\nA,3\nA,3\nB,3\n");
        RiskTable t = mapper().setSmoothingMode("auto").setCountThreshold(1).fit(same).riskTables().get("c");
        assertEquals(3.0, t.defaultBin());
        assertEquals(3.0, t.bins().get("A"));
        assertEquals(3.0, t.bins().get("B"));
    }

    @Test
    void countBlendsWithThePriorAndTheThresholdGivesThePrior() {
        RiskTableMapperModel model = mapper().setSmoothingMode("count").setSmoothing(2).setCountThreshold(4).fit(data());
        RiskTable t = model.riskTables().get("c");
        double prior = 38.0 / 9;
        assertEquals(prior, t.bins().get("A"), 1e-13, "3 rows < countThreshold 4");
        assertEquals((16 + 2 * prior) / 6, t.bins().get("C"), 1e-13);
        assertNull(t.nullBin(), "handleMissing default: nulls get the prior");
        List<Row> rows = model.transform(data()).select("c", "c_mean").collectAsList();
        for (Row r : rows) {
            double expected = "C".equals(r.getString(0)) ? (16 + 2 * prior) / 6 : prior;
            assertEquals(expected, r.getDouble(1), 1e-13, String.valueOf(r.getString(0)));
        }
    }

    @Test
    void fractionUsesFloorOfNTimesSmoothFactor() {
        // m = floor(9 * 0.5) = 4
        RiskTable t = mapper().setSmoothFactor(0.5).setCountThreshold(1).fit(data()).riskTables().get("c");
        assertEquals((10 + 4 * 38.0 / 9) / 5, t.bins().get("B"), 1e-13);
    }

    @Test
    void aNonNumericLabelIsAnErrorNamingIt() {
        Dataset<Row> bad = SparkTestSession.csv(tmp.resolve("bad"), "bad.csv", "c,y\nA,1.5\nB,abc\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mapper().fit(bad));
        assertTrue(e.getMessage().contains("'abc'"), e.getMessage());
    }

    @Test
    void anInfiniteLabelIsAnError() {
        Dataset<Row> inf = SparkTestSession.get().sql("SELECT 'A' AS c, CAST('Infinity' AS DOUBLE) AS y");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mapper().fit(inf));
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    }
}
