package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.testing.SparkTestSession;

/** targetType = "continuous" with numFolds &ge; 2: each train row encoded from the other folds' labels, by hand. */
class RiskTableMapperContinuousOutOfFoldTest {

    @TempDir
    Path tmp;

    /*
     * Three folds given by a column (row: category/label):
     *   fold 0: A/1, A/3, B/10, C/4          n 4, sum 18, sum of squares 126
     *   fold 1: A/5, B/20, null/6            n 3, sum 31, sum of squares 461
     *   fold 2: B/30, A/7, null/2, D/-       n 3, sum 39, sum of squares 953 (D unlabelled)
     * Outside fold 0: N 6, sum 70, p 35/3; A {5, 7}, B {20, 30}, null {6, 2}, C none.
     * Outside fold 1: N 7, sum 57, p 57/7; A {1, 3, 7}, B {10, 30}, C {4}, null {2}.
     * Outside fold 2: N 7, sum 49, p 7;    A {1, 3, 5}, B {10, 20}, C {4}, null {6}.
     * All rows: N 10, sum 88, p 8.8; A {1, 3, 5, 7}, B {10, 20, 30}, C {4}, null {6, 2}.
     */
    static final String DATA = String.join("\n", "c,y,fold", "A,1,0", "A,3,0", "B,10,0", "C,4,0", "A,5,1", "B,20,1", ",6,1",
            "B,30,2", "A,7,2", ",2,2", "D,,2") + "\n";

    /*
     * count smoothing m = 1, countThreshold 1, handleMissing "category": (sum + p) / (n + 1).
     *   fold 0 rows: A (12 + 35/3)/3 = 71/9, B (50 + 35/3)/3 = 185/9, C absent: 35/3
     *   fold 1 rows: A (11 + 57/7)/4 = 67/14, B (40 + 57/7)/3 = 337/21, null (2 + 57/7)/2 = 71/14
     *   fold 2 rows: A (9 + 7)/4 = 4, B (30 + 7)/3 = 37/3, null (6 + 7)/2 = 13/2, D unseen: 7
     */
    static final double[] COUNT_OUT_OF_FOLD = {71.0 / 9, 71.0 / 9, 185.0 / 9, 35.0 / 3, 67.0 / 14, 337.0 / 21, 71.0 / 14,
        37.0 / 3, 4.0, 13.0 / 2, 7.0};
    /* the full tables: A (16 + 8.8)/5 = 4.96, B (60 + 8.8)/4 = 17.2, C (4 + 8.8)/2 = 6.4, null (8 + 8.8)/3 = 5.6, D 8.8 */
    static final double[] COUNT_FULL = {4.96, 4.96, 17.2, 6.4, 4.96, 17.2, 5.6, 17.2, 4.96, 5.6, 8.8};

    private RiskTableMapper countMapper() {
        return new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y").setTargetType("continuous")
                .setSmoothingMode("count").setSmoothing(1).setCountThreshold(1).setHandleMissing("category")
                .setNumFolds(3).setFoldCol("fold");
    }

    /** Column {@code r}, row by row. */
    private static double[] mapped(Dataset<Row> data) {
        return data.select("r").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    }

    @Test
    void countSmoothingUsesTheLabelsOutsideEachFold() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "d.csv", DATA);
        RiskTableMapperModel model = countMapper().fit(df);
        assertTrue(model.hasOutOfFoldTables());
        assertArrayEquals(COUNT_OUT_OF_FOLD, mapped(model.transformOutOfFold(df)), 1e-12, "transformOutOfFold");
        assertArrayEquals(COUNT_OUT_OF_FOLD, mapped(model.transform(df)), 1e-12, "transform of the fitted data");
        RiskTable full = model.riskTables().get("c");
        assertEquals(8.8, full.defaultBin(), 1e-12);
        assertEquals(4.96, full.bins().get("A"), 1e-12, "the saved tables are the full ones");
        assertEquals(5.6, full.nullBin(), 1e-12);
    }

    /*
     * auto, countThreshold 1, nulls as the prior: lambda = n*v / (n*v + v_c), value lambda*mean + (1 - lambda)*p,
     * with v, p over the rows outside the fold and v_c the category's variance there.
     *   fold 0: v = 1414/6 - (35/3)^2 = 896/9; A mean 6, v_c 1; B mean 25, v_c 25; C, null: 35/3
     *   fold 1: v = 1079/7 - (57/7)^2 = 4304/49; A mean 11/3, v_c 59/3 - 121/9 = 56/9; B mean 20, v_c 100; C one row: 4; null 57/7
     *   fold 2: v = 587/7 - 49 = 244/7; A mean 3, v_c 35/3 - 9 = 8/3; B mean 15, v_c 25; null, D: 7
     */
    private static double auto(int n, double mean, double vc, double p, double v) {
        double lambda = n * v / (n * v + vc);
        return lambda * mean + (1 - lambda) * p;
    }

    @Test
    void autoSmoothingUsesTheVariancesOutsideEachFold() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "d.csv", DATA);
        double p0 = 35.0 / 3;
        double v0 = 896.0 / 9;
        double p1 = 57.0 / 7;
        double v1 = 4304.0 / 49;
        double p2 = 7;
        double v2 = 244.0 / 7;
        double a0 = auto(2, 6, 1, p0, v0);
        double a1 = auto(3, 11.0 / 3, 56.0 / 9, p1, v1);
        double a2 = auto(3, 3, 8.0 / 3, p2, v2);
        double[] expected = {a0, a0, auto(2, 25, 25, p0, v0), p0, a1, auto(2, 20, 100, p1, v1), p1,
            auto(2, 15, 25, p2, v2), a2, p2, p2};
        assertEquals(10857.0 / 1801, a0, 1e-12, "fold 0, A: lambda 1792/1801");
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y")
                .setTargetType("continuous").setSmoothingMode("auto").setCountThreshold(1).setNumFolds(3).setFoldCol("fold").fit(df);
        assertArrayEquals(expected, mapped(model.transformOutOfFold(df)), 1e-12, "auto, out of fold");
        assertNull(model.riskTables().get("c").nullBin());
    }

    /**
     * In a Pipeline the model encodes the data it was fitted on out of fold, other data (the same
     * rows read again from another file) with the full tables.
     */
    @Test
    void aPipelineEncodesItsOwnTrainOutOfFoldAndOtherDataWithTheFullTables() {
        Dataset<Row> train = SparkTestSession.csv(tmp.resolve("train"), "d.csv", DATA);
        Dataset<Row> other = SparkTestSession.csv(tmp.resolve("other"), "d.csv", DATA);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new SQLTransformer().setStatement("SELECT c, y, fold, 1 AS one FROM __THIS__"), countMapper()});
        PipelineModel fitted = pipeline.fit(train);
        assertArrayEquals(COUNT_OUT_OF_FOLD, mapped(fitted.transform(train)), 1e-12, "Pipeline.fit(train).transform(train)");
        RiskTableMapperModel mapper = (RiskTableMapperModel) fitted.stages()[1];
        Dataset<Row> staged = ((SQLTransformer) fitted.stages()[0]).transform(train);
        assertArrayEquals(COUNT_OUT_OF_FOLD, mapped(mapper.transformOutOfFold(staged)), 1e-12, "transformOutOfFold");
        assertArrayEquals(COUNT_FULL, mapped(fitted.transform(other)), 1e-12, "transform(other data)");
        assertArrayEquals(COUNT_FULL, mapped(fitted.transform(train.filter("fold >= 0"))), 1e-12, "transform(train filtered)");
    }

    @Test
    void aFoldHoldingEveryLabelledRowIsAnErrorNamingIt() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "d.csv", "c,y,fold\nA,1.5,1\nB,2.5,1\nC,,0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTableMapper().setInputCols("c").setLabelCol("y").setTargetType("continuous").setNumFolds(2)
                        .setFoldCol("fold").fit(df));
        assertTrue(e.getMessage().contains("fold 1 holds every labelled row"), e.getMessage());
    }

    /**
     * Hashed folds over generated rows: numeric column {@code k = id % 7} (numeric mode), label
     * {@code id % 13}, 4 folds by {@code pmod(xxhash64(id, k, y, seed), 4)} as documented; every
     * row's value recomputed here from the rows outside its fold with count smoothing m = 2.
     */
    @Test
    void hashedFoldsOfGeneratedRowsMatchSumsRecomputedHere() {
        long seed = 5;
        int k = 4;
        Dataset<Row> data = SparkTestSession.get().range(0, 500)
                .selectExpr("id", "id % 7 AS k", "CAST(id % 13 AS DOUBLE) AS y");
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("k").setOutputCols("r").setLabelCol("y")
                .setTargetType("continuous").setSmoothingMode("count").setSmoothing(2).setCountThreshold(1)
                .setNumFolds(k).setSeed(seed).fit(data);
        assertNotNull(model.riskTables().get("k"));
        assertEquals(RiskTable.Mode.NUMERIC, model.riskTables().get("k").mode());
        List<Row> rows = data.withColumn("fold", pmod(xxhash64(col("id"), col("k"), col("y"), lit(seed)), lit(k)))
                .orderBy("id").collectAsList();
        double[] foldN = new double[k];
        double[] foldSum = new double[k];
        Map<Long, double[]> catN = new HashMap<>();
        Map<Long, double[]> catSum = new HashMap<>();
        double n = 0;
        double total = 0;
        for (Row r : rows) {
            int f = (int) r.getLong(3);
            double y = r.getDouble(2);
            foldN[f]++;
            foldSum[f] += y;
            catN.computeIfAbsent(r.getLong(1), x -> new double[k])[f]++;
            catSum.computeIfAbsent(r.getLong(1), x -> new double[k])[f] += y;
            n++;
            total += y;
        }
        List<Row> mapped = model.transformOutOfFold(data).orderBy("id").select("r").collectAsList();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int f = (int) r.getLong(3);
            double prior = (total - foldSum[f]) / (n - foldN[f]);
            double cn = java.util.Arrays.stream(catN.get(r.getLong(1))).sum() - catN.get(r.getLong(1))[f];
            double cs = java.util.Arrays.stream(catSum.get(r.getLong(1))).sum() - catSum.get(r.getLong(1))[f];
            double expected = cn == 0 ? prior : (cs + 2 * prior) / (cn + 2);
            assertEquals(expected, mapped.get(i).getDouble(0), 1e-9, "row " + i + ", fold " + f);
        }
    }
}
