package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.DecisionTreeClassifier;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.ml.feature.NumericBinnerModel.BinCounts;
import io.riskmapping.testing.SparkTestSession;

/** The four methods, the monotonic constraint and the missing bin, against hand-computed expectations. */
class NumericBinnerTest {

    static final double NEG = Double.NEGATIVE_INFINITY;
    static final double POS = Double.POSITIVE_INFINITY;

    @TempDir
    Path tmp;

    /*
     * SMALL, a CSV file (all text), hand-computed with numBins 4, method uniform:
     *   x: 2 4 5 7 10 12 abc (blank) -> numbers 2 .. 12: width (12 - 2) / 4 = 2.5, edges 4.5, 7, 9.5.
     *      2, 4 -> bin 0; 5 -> 1; 7 (on an edge: goes up) -> 2; 10, 12 -> 3; abc, blank -> 4 (missing).
     *   z: -1.5 0 1.5 -1.5 0 1.5 0 0 -> width 3 / 4 = 0.75, edges -0.75, 0, 0.75:
     *      -1.5 -> 0; nothing in bin 1; 0 (on an edge) -> 2; 1.5 -> 3.
     *   y (label): 1 0 1 0 1 1 0 -1
     *   x counts: rows 2 1 1 2 | 2; events (y = 1) 1 1 0 2 | 0; non-events 1 0 1 0 | 1 (the -1 row counts as a row only)
     */
    static final String SMALL = "x,z,y\n2,-1.5,1\n4,0,0\n5,1.5,1\n7,-1.5,0\n10,0,1\n12,1.5,1\nabc,0,0\n,0,-1\n";

    static Dataset<Row> small(Path dir) {
        return SparkTestSession.csv(dir, "small.csv", SMALL);
    }

    static double[] column(Dataset<Row> df, String name) {
        return df.select(name).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    }

    @Test
    void uniformEdgesAndCountsMatchTheHandComputedValues() {
        NumericBinnerModel model = new NumericBinner().setInputCols("x", "z").setLabelCol("y").setMethod("uniform").setNumBins(4)
                .fit(small(tmp));
        assertArrayEquals(new double[] {NEG, 4.5, 7, 9.5, POS}, model.splits("x"));
        assertArrayEquals(new double[] {NEG, -0.75, 0, 0.75, POS}, model.splits("z"));
        assertEquals(4, model.valueBins("x"));
        assertEquals(new BinCounts(new long[] {2, 1, 1, 2, 2}, new long[] {1, 1, 0, 2, 0}, new long[] {1, 0, 1, 0, 1}),
                model.binCounts("x"));
        assertArrayEquals(new long[] {2, 0, 4, 2, 0}, model.binCounts("z").rows());
        assertEquals("uniform", model.method("x"));
        assertEquals("none", model.monotonicDirection("x"));

        Dataset<Row> out = model.transform(small(tmp));
        assertEquals(List.of("x", "z", "y", "x_bin", "z_bin"), List.of(out.columns()));
        assertEquals(DataTypes.DoubleType, out.schema().apply("x_bin").dataType());
        assertArrayEquals(new double[] {0, 0, 1, 2, 3, 3, 4, 4}, column(out, "x_bin"));
        assertArrayEquals(new double[] {0, 2, 3, 0, 2, 3, 2, 2}, column(out, "z_bin"));
        // an output column may replace its input column
        Dataset<Row> inPlace = model.copy(org.apache.spark.ml.param.ParamMap.empty()).setInputCols("x").setOutputCols("x").transform(small(tmp));
        assertEquals(List.of("x", "z", "y"), List.of(inPlace.columns()));
        assertArrayEquals(new double[] {0, 0, 1, 2, 3, 3, 4, 4}, column(inPlace, "x"));
    }

    /*
     * Spark's approxQuantile gives, on data this small, the value of rank ceil(p * n) (1-based) among the
     * n sorted non-missing values. numBins 4, n = 100, p = 0.25, 0.5, 0.75 -> ranks 25, 50, 75:
     *   a = id (0 .. 99)                     -> 24, 49, 74
     *   b = id % 10 (each digit ten times)   -> ranks 21-30 hold 2, 41-50 hold 4, 71-80 hold 7 -> 2, 4, 7
     *   c = 0 for id < 60, else id           -> 0, 0, 74: the repeated 0 is dropped (Spark's deduplication)
     * The first and last quantiles (min, max) become -Infinity and +Infinity.
     */
    @Test
    void quantileSplitsMatchRanksDerivedByHandAndRepeatsAreDropped() {
        Dataset<Row> df = SparkTestSession.get().range(0, 100).select(col("id").as("a"), col("id").mod(10).as("b"),
                when(col("id").lt(60), 0).otherwise(col("id")).as("c"));
        NumericBinnerModel model = new NumericBinner().setInputCols("a", "b", "c").setNumBins(4).fit(df);
        assertArrayEquals(new double[] {NEG, 24, 49, 74, POS}, model.splits("a"));
        assertArrayEquals(new double[] {NEG, 2, 4, 7, POS}, model.splits("b"));
        assertArrayEquals(new double[] {NEG, 0, 74, POS}, model.splits("c"));
        // a: [-inf, 24) holds 0..23, [24, 49) 24..48, [49, 74) 49..73, [74, inf) 74..99; no label column: no events
        assertArrayEquals(new long[] {24, 25, 25, 26, 0}, model.binCounts("a").rows());
        assertFalse(model.binCounts("a").hasLabel());
        assertArrayEquals(new long[] {0, 74, 26, 0}, model.binCounts("c").rows(), "nothing below 0; 60 zeros and 60 .. 73 in [0, 74)");
        assertEquals("quantile", model.method("b"));
    }

    /* Three clusters of nine values: {0,1,2}, {100,101,102}, {1000,1001,1002}, each value three times: centres 1, 101, 1001. */
    @Test
    void kmeansPutsEdgesHalfwayBetweenWellSeparatedClusters() {
        Dataset<Row> df = SparkTestSession.get().range(0, 27).select(
                element_at(array(lit(0.0), lit(100.0), lit(1000.0)), col("id").mod(3).plus(1).cast(DataTypes.IntegerType))
                        .plus(col("id").divide(3).cast(DataTypes.LongType).mod(3)).as("v"));
        NumericBinnerModel model = new NumericBinner().setInputCols("v").setMethod("kmeans").setNumBins(3).setSeed(7).fit(df);
        assertArrayEquals(new double[] {NEG, 51, 551, POS}, model.splits("v"));
        assertArrayEquals(new long[] {9, 9, 9, 0}, model.binCounts("v").rows());
    }

    /*
     * 1000 rows, x = id % 20 (50 rows per value). Events: 3 of 50 (6%) for x < 12, 15 of 50 (30%) for x >= 12.
     * The best (and only useful) split is between 11 and 12: Spark's threshold is the midpoint 11.5; inside each
     * side the rate is flat, so a deeper tree (numBins 4, depth 2) finds nothing more.
     */
    static Dataset<Row> jump() {
        Column x = col("id").mod(20);
        Column r = col("id").divide(20).cast(DataTypes.LongType);
        return SparkTestSession.get().range(0, 1000).select(x.cast(DataTypes.DoubleType).as("x"),
                when(x.lt(12), when(r.mod(20).equalTo(0), 1).otherwise(0)).otherwise(when(r.mod(10).lt(3), 1).otherwise(0)).as("label"));
    }

    @Test
    void treeFindsTheThresholdWhereTheEventRateJumps() {
        NumericBinnerModel model = new NumericBinner().setInputCols("x").setMethod("tree").setNumBins(4).fit(jump());
        assertArrayEquals(new double[] {NEG, 11.5, POS}, model.splits("x"));
        assertEquals(new BinCounts(new long[] {600, 400, 0}, new long[] {36, 120, 0}, new long[] {564, 280, 0}), model.binCounts("x"));
        // minBinFraction 0.45: each leaf needs 450 of the 1000 rows, so 11.5 (600 | 400) is out; the best allowed is 10.5 (550 | 450)
        NumericBinnerModel wide = new NumericBinner().setInputCols("x").setMethod("tree").setNumBins(4).setMinBinFraction(0.45).fit(jump());
        assertArrayEquals(new double[] {NEG, 10.5, POS}, wide.splits("x"));
    }

    /** Why method "tree" uses a regression tree: Spark's classifier prunes leaves that predict the same class. */
    @Test
    void sparksClassifierTreeCollapsesWhenNoRegionHasAMajorityOfEvents() {
        Dataset<Row> features = new VectorAssembler().setInputCols(new String[] {"x"}).setOutputCol("f").transform(jump());
        DecisionTreeClassificationModel classifier = new DecisionTreeClassifier().setFeaturesCol("f").setMaxDepth(2).fit(features);
        assertEquals(1, classifier.numNodes(), "both sides predict 0, so Spark prunes the split: " + classifier.toDebugString());
    }

    /*
     * 1000 rows, x = id % 10 (100 rows per value), x2 = 9 - x. Events per value of x (of 100):
     *   x:  0  1  2  3  4  5  6  7  8  9
     *       10 30 20 40 50 45 70 60 80 90   (not monotone: 30 > 20, 50 > 45, 70 > 60)
     * Uniform, 10 bins on [0, 9]: edges 0.9 * i, one value per bin.
     * Increasing (x): pool 1-2, 4-5, 6-7 -> edges 0.9, 2.7, 3.6, 5.4, 7.2, 8.1 (rates .10 .25 .40 .475 .65 .80 .90).
     * Decreasing (x2, the mirror): pool 2-3, 4-5, 7-8 -> edges 0.9, 1.8, 3.6, 5.4, 6.3, 8.1.
     * Increasing on x2 (or decreasing on x) pools everything into one bin, so "auto" picks the other direction.
     */
    static Dataset<Row> notMonotone() {
        Column x = col("id").mod(10);
        Column events = element_at(array(lit(10), lit(30), lit(20), lit(40), lit(50), lit(45), lit(70), lit(60), lit(80), lit(90)),
                x.plus(1).cast(DataTypes.IntegerType));
        return SparkTestSession.get().range(0, 1000).select(x.as("x"), lit(9).minus(x).as("x2"),
                when(col("id").divide(10).cast(DataTypes.LongType).lt(events), 1).otherwise(0).as("label"));
    }

    static void assertMonotone(BinCounts c, boolean increasing, String what) {
        for (int b = 1; b < c.size() - 1; b++) {
            double prev = c.eventRate(b - 1);
            double cur = c.eventRate(b);
            assertTrue(increasing ? prev <= cur : prev >= cur, what + ": bin " + (b - 1) + " rate " + prev + ", bin " + b + " rate " + cur + " in " + c);
        }
    }

    static boolean monotone(BinCounts c, boolean increasing) {
        for (int b = 1; b < c.size() - 1; b++) {
            if (increasing ? c.eventRate(b - 1) > c.eventRate(b) : c.eventRate(b - 1) < c.eventRate(b)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void monotonicConstraintsMergeBinsUntilTheEventRateIsMonotone() {
        NumericBinner binner = new NumericBinner().setInputCols("x", "x2").setMethod("uniform").setNumBins(10);
        NumericBinnerModel raw = binner.fit(notMonotone());
        assertEquals(10, raw.valueBins("x"));
        assertFalse(monotone(raw.binCounts("x"), true) || monotone(raw.binCounts("x"), false), "raw bins of x are not monotone");
        assertFalse(monotone(raw.binCounts("x2"), true) || monotone(raw.binCounts("x2"), false), "raw bins of x2 are not monotone");

        NumericBinnerModel up = binner.copy(org.apache.spark.ml.param.ParamMap.empty()).setMonotonic("increasing").fit(notMonotone());
        assertArrayEquals(new double[] {NEG, 0.9, 2.7, 3.6, 5.4, 7.2, 8.1, POS}, up.splits("x"));
        assertArrayEquals(new long[] {10, 50, 40, 95, 130, 80, 90, 0}, up.binCounts("x").events());
        assertMonotone(up.binCounts("x"), true, "x increasing");
        assertEquals(2, up.splits("x2").length, "x2 falls with x: increasing pools everything");
        assertMonotone(up.binCounts("x2"), true, "x2 increasing");

        NumericBinnerModel down = binner.copy(org.apache.spark.ml.param.ParamMap.empty()).setMonotonic("decreasing").fit(notMonotone());
        assertArrayEquals(new double[] {NEG, 0.9, 1.8, 3.6, 5.4, 6.3, 8.1, POS}, down.splits("x2"));
        assertMonotone(down.binCounts("x2"), false, "x2 decreasing");
        assertMonotone(down.binCounts("x"), false, "x decreasing");
        assertEquals("decreasing", down.monotonicDirection("x"));

        NumericBinnerModel auto = binner.copy(org.apache.spark.ml.param.ParamMap.empty()).setMonotonic("auto").fit(notMonotone());
        assertEquals("increasing", auto.monotonicDirection("x"));
        assertEquals("decreasing", auto.monotonicDirection("x2"));
        assertArrayEquals(up.splits("x"), auto.splits("x"));
        assertArrayEquals(down.splits("x2"), auto.splits("x2"));
        // transform agrees with the merged edges: x = 2 is in [0.9, 2.7) -> bin 1, x2 = 7 (x = 2) in [6.3, 8.1) -> bin 5
        Row row2 = auto.transform(notMonotone()).where(col("x").equalTo(2)).select("x_bin", "x2_bin").head();
        assertEquals(1.0, row2.getDouble(0));
        assertEquals(5.0, row2.getDouble(1));
    }

    @Test
    void monotonicBinningIsDeterministicAndAbsorbsEmptyBins() {
        // quantile on x = id % 10 with 10 bins: ranks 100, 200, ... hold 0 .. 8, so edges 0 .. 8 and bin [-inf, 0) is empty
        NumericBinner binner = new NumericBinner().setInputCols("x", "x2").setNumBins(10).setMonotonic("auto");
        NumericBinnerModel raw = new NumericBinner().setInputCols("x").setNumBins(10).fit(notMonotone());
        assertEquals(0, raw.binCounts("x").rows()[0], "the first quantile bin is empty");
        NumericBinnerModel first = binner.fit(notMonotone());
        NumericBinnerModel second = binner.fit(notMonotone().repartition(3));
        for (String c : new String[] {"x", "x2"}) {
            assertArrayEquals(first.splits(c), second.splits(c), c);
            assertEquals(first.binCounts(c), second.binCounts(c), c);
            BinCounts counts = first.binCounts(c);
            assertMonotone(counts, first.monotonicDirection(c).equals("increasing"), c);
            for (int b = 0; b < counts.size() - 1; b++) {
                assertTrue(counts.events()[b] + counts.nonEvents()[b] > 0, c + ": bin " + b + " has labelled rows");
            }
        }
    }

    /*
     * Numeric v: 0 -> null, 1 -> NaN, 2 -> +Infinity, 3 .. 7 -> themselves. Uniform, 2 bins on [3, 7]: edge 5.
     * Text t (a second column k, as Spark's CSV reader skips blank lines): 1, abc, (blank), 2, NaN (not a decimal
 * number by the rule), " 3" (a leading blank: not one either).
     *   Uniform, 2 bins on [1, 2]: edge 1.5.
     */
    @Test
    void nullNaNInfinityAndNonNumericTextGoToTheMissingBin() {
        Column id = col("id");
        Dataset<Row> numeric = SparkTestSession.get().range(0, 8).select(
                when(id.equalTo(0), lit(null).cast(DataTypes.DoubleType)).when(id.equalTo(1), lit(Double.NaN))
                        .when(id.equalTo(2), lit(Double.POSITIVE_INFINITY)).otherwise(id.cast(DataTypes.DoubleType)).as("v"));
        NumericBinnerModel m = new NumericBinner().setInputCols("v").setMethod("uniform").setNumBins(2).fit(numeric);
        assertArrayEquals(new double[] {NEG, 5, POS}, m.splits("v"));
        assertArrayEquals(new double[] {2, 2, 2, 0, 0, 1, 1, 1}, column(m.transform(numeric), "v_bin"));
        assertArrayEquals(new long[] {2, 3, 3}, m.binCounts("v").rows());

        Dataset<Row> text = SparkTestSession.csv(tmp, "text.csv", "t,k\n1,a\nabc,b\n,c\n2,d\nNaN,e\n 3,f\n");
        NumericBinnerModel t = new NumericBinner().setInputCols("t").setMethod("uniform").setNumBins(2).fit(text);
        assertArrayEquals(new double[] {NEG, 1.5, POS}, t.splits("t"));
        assertArrayEquals(new double[] {0, 2, 2, 1, 2, 2}, column(t.transform(text), "t_bin"));
    }

    /** Why the model does not use Spark's Bucketizer: with handleInvalid "keep", NaN gets the extra bucket but null stays null. */
    @Test
    void sparksBucketizerKeepsNullAsNull() {
        Column id = col("id");
        Dataset<Row> df = SparkTestSession.get().range(0, 3).select(
                when(id.equalTo(0), lit(null).cast(DataTypes.DoubleType)).when(id.equalTo(1), lit(Double.NaN)).otherwise(lit(7.0)).as("v"));
        List<Row> rows = new Bucketizer().setInputCol("v").setOutputCol("b").setSplits(new double[] {NEG, 5, POS})
                .setHandleInvalid("keep").transform(df).select("b").collectAsList();
        assertTrue(rows.get(0).isNullAt(0), "null stays null");
        assertEquals(2.0, rows.get(1).getDouble(0), "NaN -> the extra bucket");
        assertEquals(1.0, rows.get(2).getDouble(0));
    }

    @Test
    void aLabelOutsideTheDomainIsRefusedNamingTheValue() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "bad.csv", "x,label\n1,0\n2,1\n3,2\n4,-1\n");
        for (String method : new String[] {"quantile", "tree"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new NumericBinner().setInputCols("x").setMethod(method).fit(df));
            assertTrue(e.getMessage().contains("'2'") && e.getMessage().contains("'label'"), e.getMessage());
        }
    }

    @Test
    void copyKeepsTheBinsAndParamsAndToStringSummarizes() {
        NumericBinner binner = new NumericBinner().setInputCols("x").setLabelCol("y").setMethod("uniform").setNumBins(4).setSeed(3);
        NumericBinner copied = binner.copy(org.apache.spark.ml.param.ParamMap.empty());
        assertEquals(binner.uid(), copied.uid());
        assertEquals(4, copied.getNumBins());
        assertEquals(3L, copied.getSeed());
        assertTrue(binner.toString().contains("method=uniform"), binner.toString());
        NumericBinnerModel model = binner.fit(small(tmp));
        NumericBinnerModel twin = model.copy(org.apache.spark.ml.param.ParamMap.empty());
        assertArrayEquals(model.splits("x"), twin.splits("x"));
        assertEquals(model.binCounts("x"), twin.binCounts("x"));
        assertEquals(binner, twin.parent());
        assertEquals(List.of("x"), model.columns());
        assertEquals("NumericBinnerModel: uid=" + model.uid() + ", bins={x=4 uniform}", model.toString());
        assertTrue(Double.isNaN(new BinCounts(new long[] {1}, null, null).eventRate(0)));
        List<Double> rates = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            rates.add(model.binCounts("x").eventRate(b));
        }
        assertEquals(List.of(0.5, 1.0, 0.0, 1.0), rates);
    }

    @Test
    void estimatorAndModelAreJavaSerializable() throws Exception {
        NumericBinnerModel model = new NumericBinner().setInputCols("x").setLabelCol("y").setMethod("uniform").setNumBins(4).fit(small(tmp));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            NumericBinnerModel back = (NumericBinnerModel) in.readObject();
            assertArrayEquals(model.splits("x"), back.splits("x"));
            assertEquals(model.binCounts("x"), back.binCounts("x"));
            assertEquals(4, back.getNumBins());
        }
    }
}
