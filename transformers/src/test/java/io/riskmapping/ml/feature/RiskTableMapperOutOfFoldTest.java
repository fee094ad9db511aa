package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

class RiskTableMapperOutOfFoldTest {

    @TempDir
    Path tmp;

    /*
     * Two folds given by a column; smoothFactor 0, countThreshold 0 (raw event rates):
     *   fold 0: A/1, A/0, B/1, C/1      fold 1: A/1, B/0, B/0, A/0
     * rows of fold 0 use fold 1's rows: N = 4, K = 1, p = 0.25; A 1/2 = 0.5, B 0/2 = 0; C unseen -> 0.25
     * rows of fold 1 use fold 0's rows: N = 4, K = 3, p = 0.75; A 1/2 = 0.5, B 1/1 = 1
     * the full table: N = 8, K = 4; A 2/4 = 0.5, B 1/3, C 1/1 = 1
     */
    static final String DATA = "c,y,fold\nA,1,0\nA,0,0\nB,1,0\nC,1,0\nA,1,1\nB,0,1\nB,0,1\nA,0,1\n";

    @Test
    void eachRowIsEncodedWithoutItsFoldUsingFoldPriors() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "d.csv", DATA);
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y")
                .setSmoothFactor(0).setCountThreshold(0).setNumFolds(2).setFoldCol("fold").fit(df);
        List<Row> rows = model.transformOutOfFold(df).select("r").collectAsList();
        double[] expected = {0.5, 0.5, 0.0, 0.25, 0.5, 1.0, 1.0, 0.5};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], rows.get(i).getDouble(0), 1e-15, "row " + i);
        }
        // the saved tables stay the full-data ones
        assertEquals(1.0 / 3, model.riskTables().get("c").bins().get("B"), 1e-15);
        assertEquals(1.0, model.riskTables().get("c").bins().get("C"), 1e-15);
        assertEquals(0.5, model.riskTables().get("c").defaultBin(), 1e-15);
    }

    @Test
    void hashedFoldsAreDeterministicForASeed() {
        Dataset<Row> train = SparkTestSession.germanCreditTrain();
        RiskTableMapper m = new RiskTableMapper().setInputCols("checking_status", "purpose").setLabelCol("class").setNumFolds(5).setSeed(11L);
        List<Row> a = m.fit(train).transformOutOfFold(train).select("purpose").collectAsList();
        List<Row> b = m.fit(train.repartition(3)).transformOutOfFold(train).select("purpose").collectAsList();
        assertEquals(a, b, "same seed, other partitioning: same encoding");
        List<Row> c = m.setSeed(12L).fit(train).transformOutOfFold(train).select("purpose").collectAsList();
        assertNotEquals(a, c, "another seed gives other folds");
        List<Row> full = m.fit(train).transform(train.repartition(2)).select("purpose").collectAsList();
        assertNotEquals(a, full, "out-of-fold values differ from the full-table values");
    }

    private static final double[] OUT_OF_FOLD = {0.5, 0.5, 0.0, 0.25, 0.5, 1.0, 1.0, 0.5};
    /** The full table of the example, row by row (A A B C A B B A): A 0.5, B 1/3, C 1. */
    private static final double[] FULL = {0.5, 0.5, 1.0 / 3, 1.0, 0.5, 1.0 / 3, 1.0 / 3, 0.5};

    private static void assertColumn(double[] expected, Dataset<Row> mapped, String what) {
        List<Row> rows = mapped.select("r").collectAsList();
        assertEquals(expected.length, rows.size(), what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], rows.get(i).getDouble(0), 1e-15, what + ", row " + i);
        }
    }

    /**
     * In a Pipeline the model encodes the data it was fitted on out of fold (recognised by its
     * plan), other data (the same rows read again from another file) with the full tables, and a
     * saved and reloaded PipelineModel, which has no fold tables, everything with the full tables.
     */
    @Test
    void aPipelineEncodesItsOwnTrainOutOfFoldAndOtherDataWithTheFullTables() throws Exception {
        Dataset<Row> train = SparkTestSession.csv(tmp.resolve("train"), "d.csv", DATA);
        Dataset<Row> test = SparkTestSession.csv(tmp.resolve("test"), "d.csv", DATA);
        // an earlier stage: what the mapper is fitted on is a new Dataset, made again by PipelineModel.transform
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new SQLTransformer().setStatement("SELECT c, y, fold, 1 AS one FROM __THIS__"),
                new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y").setSmoothFactor(0)
                        .setCountThreshold(0).setNumFolds(2).setFoldCol("fold")});
        PipelineModel fitted = pipeline.fit(train);
        assertColumn(OUT_OF_FOLD, fitted.transform(train), "Pipeline.fit(train).transform(train)");
        assertColumn(FULL, fitted.transform(test), "transform(test)");
        assertColumn(FULL, fitted.transform(train.filter("y >= 0")), "transform of other data (train filtered)");

        fitted.write().overwrite().save(tmp.resolve("pipeline").toString());
        PipelineModel loaded = PipelineModel.load(tmp.resolve("pipeline").toString());
        assertColumn(FULL, loaded.transform(train), "a reloaded PipelineModel: the full tables");

        // a later estimator is fitted on the out-of-fold values
        Pipeline withLater = new Pipeline().setStages(new PipelineStage[] {
                new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y").setSmoothFactor(0)
                        .setCountThreshold(0).setNumFolds(2).setFoldCol("fold"),
                new org.apache.spark.ml.feature.Imputer().setInputCols(new String[] {"r"}).setOutputCols(new String[] {"r_mean"})
                        .setStrategy("mean")});
        org.apache.spark.ml.feature.ImputerModel imputer = (org.apache.spark.ml.feature.ImputerModel) withLater.fit(train).stages()[1];
        double oofMean = java.util.Arrays.stream(OUT_OF_FOLD).average().orElseThrow();
        assertEquals(oofMean, imputer.surrogateDF().first().getDouble(0), 1e-12, "the later stage saw the out-of-fold values");
    }

    @Test
    void badFoldValuesAndMissingFoldTablesAreReported() {
        Dataset<Row> df = SparkTestSession.csv(tmp.resolve("bad"), "d.csv", "c,y,fold\nA,1,0\nA,0,7\nB,1,1\n");
        Exception e = assertThrows(Exception.class, () -> new RiskTableMapper().setInputCols("c").setLabelCol("y")
                .setNumFolds(2).setFoldCol("fold").fit(df));
        assertTrue(RiskTableMapperCitizenshipTest.rootMessage(e).contains("fold column 'fold' holds 7, expected an integer 0 .. 1"),
                RiskTableMapperCitizenshipTest.rootMessage(e));
        RiskTableMapperModel plain = new RiskTableMapper().setInputCols("c").setLabelCol("y").fit(df.filter("fold < 2"));
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> plain.transformOutOfFold(df));
        assertTrue(s.getMessage().contains("numFolds >= 2"), s.getMessage());
    }
}
