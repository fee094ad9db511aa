package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** smoothingMode (fraction, count, auto) and handleMissing (default, category): hand-computed values. */
class RiskTableMapperSmoothingTest {

    @TempDir
    Path tmp;

    /*
     * N = 10 fit rows, K = 4 events: p = 0.4, v = p(1-p) = 0.24.
     *   A: 3 rows, 3 events (r = 1, within-variance 0)
     *   B: 1 row, 0 events (one row: within-variance 0)
     *   C: 6 rows, 1 event (r = 1/6, within-variance 5/36)
     */
    static final String THREE = String.join("\n", "c,y", "A,1", "A,1", "A,1", "B,0",
            "C,1", "C,0", "C,0", "C,0", "C,0", "C,0") + "\n";

    private Dataset<Row> three() {
        return SparkTestSession.csv(tmp.resolve("three"), "three.csv", THREE);
    }

    @Test
    void autoShrinksByTheVariancesAsScikitLearnDoes() {
        RiskTable t = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothingMode("auto").setCountThreshold(1)
                .fit(three()).riskTables().get("c");
        assertEquals(0.4, t.defaultBin(), 1e-15);
        // zero within-variance: lambda = 1, the category's own rate
        assertEquals(1.0, t.bins().get("A"), 1e-15);
        assertEquals(0.0, t.bins().get("B"), 1e-15, "one row: its own label");
        // lambda = 6 * 0.24 / (6 * 0.24 + 5/36) = 1296/1421; 1296/1421 * 1/6 + 125/1421 * 0.4 = 266/1421
        assertEquals(266.0 / 1421, t.bins().get("C"), 1e-15);
    }

    @Test
    void autoGivesThePriorBelowTheThresholdAndWhenEveryLabelIsEqual() {
        RiskTable t = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothingMode("auto").setCountThreshold(3)
                .fit(three()).riskTables().get("c");
        assertEquals(0.4, t.bins().get("B"), 1e-15, "1 row < countThreshold 3");
        assertEquals(1.0, t.bins().get("A"), 1e-15);
        Dataset<Row> ones = SparkTestSession.csv(tmp.resolve("ones"), "ones.csv", "c,y\nA,1\nA,1\nB,1\n");
        RiskTable all = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothingMode("auto").setCountThreshold(1)
                .fit(ones).riskTables().get("c");
        // v = 0 and every within-variance 0: lambda is 0/0, the prior
        assertEquals(1.0, all.defaultBin());
        assertEquals(1.0, all.bins().get("A"));
        assertEquals(1.0, all.bins().get("B"));
    }

    @Test
    void countUsesTheFixedPseudoCount() {
        RiskTable t = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothingMode("count").setSmoothing(2.5)
                .setCountThreshold(1).fit(three()).riskTables().get("c");
        assertEquals((3 + 2.5 * 0.4) / 5.5, t.bins().get("A"), 1e-15);
        assertEquals((0 + 2.5 * 0.4) / 3.5, t.bins().get("B"), 1e-15);
        assertEquals((1 + 2.5 * 0.4) / 8.5, t.bins().get("C"), 1e-15);
    }

    @Test
    void smoothingWithoutCountModeIsAnError() {
        RiskTableMapper m = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothing(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.fit(three()));
        assertTrue(e.getMessage().contains("smoothing is set but smoothingMode is 'fraction'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setSmoothingMode("bayes"));
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setSmoothing(-1));
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setHandleMissing("zero"));
    }

    /** German Credit: count with m = 6 is fraction's floor(600 * 0.01); auto against counts made here with a groupBy. */
    @Test
    void germanCreditCountAndAutoAgainstIndependentCounts() {
        Dataset<Row> train = SparkTestSession.germanCreditTrain();
        String[] fields = {"checking_status", "purpose", "savings_status"};
        RiskTableMapperModel count = new RiskTableMapper().setInputCols(fields).setLabelCol("class")
                .setSmoothingMode("count").setSmoothing(6).fit(train);
        assertEquals(102.0 / 173, count.riskTables().get("checking_status").bins().get("<0"), 1e-12);
        RiskTableMapperModel fraction = new RiskTableMapper().setInputCols(fields).setLabelCol("class").fit(train);
        assertEquals(fraction.riskTables(), count.riskTables(), "m = 6 either way");

        RiskTableMapperModel auto = new RiskTableMapper().setInputCols(fields).setLabelCol("class").setSmoothingMode("auto")
                .setCountThreshold(1).fit(train);
        double p = 200.0 / 600;
        double v = p * (1 - p);
        for (String f : fields) {
            List<Row> counts = train.groupBy(col(f)).agg(count("*").as("n"), sum(col("class").cast("int")).as("k")).collectAsList();
            RiskTable t = auto.riskTables().get(f);
            assertEquals(counts.size(), t.bins().size(), f);
            for (Row r : counts) {
                double n = r.getLong(1);
                double mean = r.getLong(2) / n;
                double within = mean * (1 - mean);
                double expected = (n * v * mean + within * p) / (n * v + within);
                assertEquals(expected, t.bins().get(r.getString(0)), 1e-12, f + " = " + r.getString(0));
            }
        }
    }

    /*
     * N = 10, K = 4: p = 0.4; fraction, smoothFactor 0.2: m = 2; countThreshold 2.
     *   A: 3 rows, 3 events -> (3 + 0.8) / 5 = 0.76
     *   B: 3 rows, 0 events -> 0.8 / 5 = 0.16
     *   null: 3 rows, 1 event -> (1 + 0.8) / 5 = 0.36
     *   C: 1 row < 2 -> 0.4
     */
    static final String NULLS = String.join("\n", "c,y", "A,1", "A,1", "A,1", "B,0", "B,0", "B,0", ",1", ",0", ",0", "C,0") + "\n";

    @Test
    void aNullCategoryGetsItsOwnSmoothedValue() {
        Dataset<Row> data = SparkTestSession.csv(tmp.resolve("nulls"), "nulls.csv", NULLS);
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y")
                .setSmoothFactor(0.2).setCountThreshold(2).setHandleMissing("category").fit(data);
        RiskTable t = model.riskTables().get("c");
        assertEquals(0.76, t.bins().get("A"), 1e-15);
        assertEquals(0.16, t.bins().get("B"), 1e-15);
        assertEquals(0.4, t.bins().get("C"), 1e-15);
        assertEquals(0.36, t.nullBin(), 1e-15);
        Dataset<Row> other = SparkTestSession.csv(tmp.resolve("other"), "other.csv", "c,y\nA,\n,\nZ,\n");
        List<Row> out = model.transform(other).select("r").collectAsList();
        assertEquals(0.76, out.get(0).getDouble(0), 1e-15);
        assertEquals(0.36, out.get(1).getDouble(0), 1e-15, "null: the null category");
        assertEquals(0.4, out.get(2).getDouble(0), 1e-15, "unseen: the prior");
        // handleInvalid = error fails on the unseen value only
        List<Row> known = model.setHandleInvalid("error").transform(other.limit(2)).select("r").collectAsList();
        assertEquals(0.36, known.get(1).getDouble(0), 1e-15);

        RiskTableMapperModel byDefault = new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y")
                .setSmoothFactor(0.2).setCountThreshold(2).fit(data);
        assertNull(byDefault.riskTables().get("c").nullBin());
        assertEquals(0.4, byDefault.transform(other).select("r").collectAsList().get(1).getDouble(0), 1e-15);
        // below the threshold the null category gets the prior; with no null fit row there is no null bin
        RiskTableMapperModel strict = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothFactor(0.2)
                .setCountThreshold(4).setHandleMissing("category").fit(data);
        assertEquals(0.4, strict.riskTables().get("c").nullBin(), 1e-15);
        RiskTableMapperModel none = new RiskTableMapper().setInputCols("c").setLabelCol("y").setHandleMissing("category")
                .fit(three());
        assertNull(none.riskTables().get("c").nullBin());
    }

    @Test
    void aNumericNullCategoryTakesNullsAndNaNsNotText() {
        Dataset<Row> data = SparkTestSession.csv(tmp.resolve("num"), "num.csv", "x,y\n1,1\n1,1\n1,1\n2,0\n2,0\n2,0\n,1\n,0\n,0\n3,0\n")
                .selectExpr("cast(x as double) as x", "y");
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("x").setOutputCols("r").setLabelCol("y")
                .setSmoothFactor(0.2).setCountThreshold(2).setHandleMissing("category").fit(data);
        assertEquals(0.36, model.riskTables().get("x").nullBin(), 1e-15);
        Dataset<Row> other = SparkTestSession.get().sql("select * from values (1.0), (cast('NaN' as double)), (null), (9.0) as t(x)");
        List<Row> out = model.transform(other).select("r").collectAsList();
        assertEquals(0.76, out.get(0).getDouble(0), 1e-15);
        assertEquals(0.36, out.get(1).getDouble(0), 1e-15, "NaN is missing");
        assertEquals(0.36, out.get(2).getDouble(0), 1e-15);
        assertEquals(0.4, out.get(3).getDouble(0), 1e-15);
        // a text column in numeric mode: text that is no number is an unseen category
        Dataset<Row> text = SparkTestSession.get().sql("select * from values ('1'), ('abc'), (cast(null as string)) as t(x)");
        List<Row> t = model.transform(text).select("r").collectAsList();
        assertEquals(0.76, t.get(0).getDouble(0), 1e-15);
        assertEquals(0.4, t.get(1).getDouble(0), 1e-15);
        assertEquals(0.36, t.get(2).getDouble(0), 1e-15);
    }

    @Test
    void outOfFoldTablesHaveANullCategoryToo() {
        // fold 0: nulls 2 rows, 1 event; fold 1: nulls 3 rows, 2 events. count mode, m = 0, threshold 1
        Dataset<Row> data = SparkTestSession.csv(tmp.resolve("oof"), "oof.csv",
                "c,y,f\n,1,0\n,0,0\nA,1,0\n,1,1\n,1,1\n,0,1\nA,0,1\n");
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y")
                .setCountThreshold(1).setHandleMissing("category").setSmoothingMode("count").setNumFolds(2)
                .setFoldCol("f").fit(data);
        assertEquals(3.0 / 5, model.riskTables().get("c").nullBin(), 1e-15);
        for (Row r : model.transformOutOfFold(data).collectAsList()) {
            if (r.isNullAt(0)) {
                assertEquals(r.getString(2).equals("0") ? 2.0 / 3 : 1.0 / 2, r.getDouble(3), 1e-15, r.toString());
            }
        }
    }

    @Test
    void newParamsSaveAndLoad() throws Exception {
        Dataset<Row> data = SparkTestSession.csv(tmp.resolve("save"), "nulls.csv", NULLS);
        RiskTableMapper est = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothingMode("count").setSmoothing(1.5)
                .setHandleMissing("category").setCountThreshold(1);
        est.save(tmp.resolve("est").toString());
        RiskTableMapper est2 = RiskTableMapper.load(tmp.resolve("est").toString());
        assertEquals("count", est2.getSmoothingMode());
        assertEquals(1.5, est2.getSmoothing());
        assertEquals("category", est2.getHandleMissing());

        RiskTableMapperModel model = est.fit(data);
        model.save(tmp.resolve("model").toString());
        RiskTableMapperModel loaded = RiskTableMapperModel.load(tmp.resolve("model").toString());
        assertEquals(model.riskTables(), loaded.riskTables());
        assertEquals((1 + 1.5 * 0.4) / 4.5, loaded.riskTables().get("c").nullBin(), 1e-15);
        assertEquals("count", loaded.getSmoothingMode());
        assertEquals("category", loaded.getHandleMissing());

        RiskTableMapperModel old = RiskTableMapperModel.load(
                SparkTestSession.repoRoot().resolve("transformers/src/test/resources/saved-models/risk-table-mapper-v1").toString());
        assertEquals("fraction", old.getSmoothingMode());
        assertEquals("default", old.getHandleMissing());
        assertTrue(!old.isSet(old.smoothingMode()) && !old.isSet(old.handleMissing()));
        assertNull(old.riskTables().get("checking_status").nullBin());
    }
}
