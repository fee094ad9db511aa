package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.testing.SparkTestSession;

/** targetType = "multiclass": one-vs-rest tables, hand-computed and against the binary fit of each class. */
class RiskTableMapperMulticlassTest {

    @TempDir
    Path tmp;

    /*
     * Labelled rows (N = 7): x 3, y 2, z 2. A: x, y, x; B: y, z, z; null: x. C only unlabelled.
     * Fold 0: A-x, A-y, B-y, null-x; fold 1: A-x, B-z, B-z, C-unlabelled.
     */
    static final String DATA = String.join("\n", "c,y,fold", "A,x,0", "A,y,0", "A,x,1", "B,y,0", "B,z,1", "B,z,1", ",x,0", "C,,1")
            + "\n";

    private Dataset<Row> data() {
        return SparkTestSession.csv(tmp.resolve("data"), "data.csv", DATA);
    }

    private static RiskTableMapper mapper() {
        return new RiskTableMapper().setInputCols("c").setLabelCol("y").setTargetType("multiclass")
                .setSmoothingMode("count").setSmoothing(0).setCountThreshold(1);
    }

    /** Each row's class columns, keyed by its c value ("null" for null). */
    private static Map<String, double[]> byCategory(Dataset<Row> mapped, String... columns) {
        Map<String, double[]> out = new HashMap<>();
        for (Row r : mapped.select(col("key"), col(columns[0]), col(columns[1]), col(columns[2])).collectAsList()) {
            out.put(String.valueOf(r.get(0)), new double[] {r.getDouble(1), r.getDouble(2), r.getDouble(3)});
        }
        return out;
    }

    @Test
    void withoutSmoothingEachCategoryGetsItsClassSharesWhichSumToOne() {
        Dataset<Row> df = data();
        RiskTableMapperModel model = mapper().fit(df);
        assertTrue(model.isMulticlass());
        MulticlassRiskTables t = model.multiclassTables();
        assertEquals(List.of("x", "y", "z"), t.classes());
        assertEquals(2.0 / 3, t.get("c", "x").bins().get("A"), 1e-15);
        assertEquals(1.0 / 3, t.get("c", "y").bins().get("A"), 1e-15);
        assertEquals(0.0, t.get("c", "z").bins().get("A"), 1e-15);
        assertEquals(3.0 / 7, t.get("c", "x").defaultBin(), 1e-15);
        assertEquals(2.0 / 7, t.get("c", "z").defaultBin(), 1e-15);
        assertFalse(t.get("c", "x").bins().containsKey("C"), "C has unlabelled rows only: unseen");

        Dataset<Row> mapped = model.transform(df.withColumn("key", col("c")));
        assertArrayEquals(new String[] {"key", "c_x", "c_y", "c_z", "y", "fold"}, reorder(mapped.columns()),
                "in place: the class columns replace c where it was");
        assertFalse(List.of(mapped.columns()).contains("c"));
        Map<String, double[]> rows = byCategory(mapped, "c_x", "c_y", "c_z");
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3, 0}, rows.get("A"), 1e-15);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3}, rows.get("B"), 1e-15);
        assertArrayEquals(new double[] {3.0 / 7, 2.0 / 7, 2.0 / 7}, rows.get("null"), 1e-15, "null: the priors");
        assertArrayEquals(new double[] {3.0 / 7, 2.0 / 7, 2.0 / 7}, rows.get("C"), 1e-15, "unseen: the priors");
        for (double[] v : rows.values()) {
            assertEquals(1.0, v[0] + v[1] + v[2], 1e-15);
        }
    }

    /** The columns with "key" (added last) moved first, to compare the order of the others. */
    private static String[] reorder(String[] columns) {
        List<String> out = new ArrayList<>(List.of(columns));
        out.remove("key");
        out.add(0, "key");
        return out.toArray(new String[0]);
    }

    @Test
    void smoothingAndTheNullCategoryApplyPerClass() {
        RiskTableMapperModel model = mapper().setSmoothing(2).setHandleMissing("category").setOutputCols("enc").fit(data());
        MulticlassRiskTables t = model.multiclassTables();
        // A, class x: (2 + 2 * 3/7) / (3 + 2) = 4/7; null, class x: (1 + 2 * 3/7) / (1 + 2) = 13/21
        assertEquals(4.0 / 7, t.get("c", "x").bins().get("A"), 1e-15);
        assertEquals(13.0 / 21, t.get("c", "x").nullBin(), 1e-15);
        assertEquals((0 + 2 * 2.0 / 7) / 3, t.get("c", "y").nullBin(), 1e-15);
        Dataset<Row> mapped = model.transform(data());
        assertTrue(List.of(mapped.columns()).containsAll(List.of("c", "enc_x", "enc_y", "enc_z")),
                "outputCols other than the input: the input column is kept, the class columns appended");
    }

    @Test
    void numericClassesSortByValueAndNumericLabelsWork() {
        // spark.range: c = id % 3 as text, y = 10 when id % 4 == 0, 2 when 1, 1.5 otherwise (a double column)
        Dataset<Row> df = SparkTestSession.get().range(0, 24).select(col("id").mod(3).cast(DataTypes.StringType).as("c"),
                when(col("id").mod(4).equalTo(0), lit(10.0)).when(col("id").mod(4).equalTo(1), lit(2.0)).otherwise(lit(1.5)).as("y"));
        RiskTableMapperModel model = mapper().fit(df);
        assertEquals(List.of("1.5", "2.0", "10.0"), model.multiclassTables().classes());
        // c = "0": ids 0, 3, ..., 21: id % 4 = 0 for 0, 12 -> 2 of 8
        assertEquals(2.0 / 8, model.multiclassTables().get("c", "10.0").bins().get("0"), 1e-15);
        assertEquals(List.of("1", "2", "10"), MulticlassRiskTables.sortedClasses(List.of("10", "2", "1")));
        assertEquals(List.of("10", "2", "a"), MulticlassRiskTables.sortedClasses(List.of("a", "2", "10")), "not all numbers: as text");
    }

    @Test
    void eachClassTableIsTheBinaryFitOfThatClassOnGermanCredit() {
        Dataset<Row> df = SparkTestSession.germanCreditTrain();
        String[] cols = {"checking_status", "purpose", "credit_history", "savings_status", "age"};
        RiskTableMapperModel model = new RiskTableMapper().setInputCols(cols).setLabelCol("job").setTargetType("multiclass")
                .setParseNumericStrings(true).setMaxUniqueThreshold(8).setHighCardinality("group").fit(df);
        MulticlassRiskTables t = model.multiclassTables();
        assertEquals(List.of("high qualif/self emp/mgmt", "skilled", "unemp/unskilled non res", "unskilled resident"), t.classes());
        assertEquals(List.of("checking_status", "purpose", "credit_history", "savings_status"), t.fields(),
                "age (numeric, 50+ values) is skipped, as in the binary fit; purpose (10 values) grouped");
        for (String cls : t.classes()) {
            Dataset<Row> binary = df.withColumn("is_class", when(col("job").equalTo(cls), "1").otherwise("0"));
            RiskTableMap expected = new RiskTableMapper().setInputCols(cols).setLabelCol("is_class").setParseNumericStrings(true)
                    .setMaxUniqueThreshold(8).setHighCardinality("group").fit(binary).riskTables();
            assertEquals(expected, t.forClass(cls), cls);
        }
        assertTrue(t.get("purpose", "skilled").bins().containsKey("__other__"));
    }

    @Test
    void classValuesSumToOneOnGermanCreditWithoutSmoothing() {
        Dataset<Row> df = SparkTestSession.germanCreditTrain();
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("purpose").setLabelCol("housing").setTargetType("multiclass")
                .setSmoothingMode("count").setCountThreshold(1).fit(df);
        List<String> classes = model.multiclassTables().classes();
        assertEquals(List.of("for free", "own", "rent"), classes);
        List<Row> rows = model.transform(df).select("purpose_for free", "purpose_own", "purpose_rent").collectAsList();
        assertEquals(df.count(), rows.size());
        for (Row r : rows) {
            assertEquals(1.0, r.getDouble(0) + r.getDouble(1) + r.getDouble(2), 1e-12);
        }
    }

    @Test
    void pipelineIsOutOfFoldOnItsTrainDataAndSavedModelsUseTheFullTables() throws java.io.IOException {
        Dataset<Row> df = data().withColumn("key", col("c"));
        RiskTableMapper encoder = mapper().setNumFolds(2).setFoldCol("fold").setClasses("x", "y", "z");
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"c_x", "c_y", "c_z"}).setOutputCol("features");
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {encoder, assembler}).fit(df);

        Map<String, double[]> oof = new HashMap<>();
        for (Row r : pipeline.transform(df).select("key", "fold", "features").collectAsList()) {
            oof.put(r.get(0) + "/" + r.getString(1), ((Vector) r.get(2)).toArray());
        }
        // fold 0 rows with fold 1's tables (A-x, B-z, B-z: priors 1/3, 0, 2/3), fold 1 rows with fold 0's (A-x, A-y, B-y, null-x)
        assertArrayEquals(new double[] {1, 0, 0}, oof.get("A/0"), 1e-15);
        assertArrayEquals(new double[] {0, 0, 1}, oof.get("B/0"), 1e-15);
        assertArrayEquals(new double[] {1.0 / 3, 0, 2.0 / 3}, oof.get("null/0"), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, oof.get("A/1"), 1e-15);
        assertArrayEquals(new double[] {0, 1, 0}, oof.get("B/1"), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, oof.get("C/1"), 1e-15, "unseen in fold 0: its priors");

        RiskTableMapperModel model = (RiskTableMapperModel) pipeline.stages()[0];
        assertEquals(model.transformOutOfFold(df).select("c_x", "c_y", "c_z").collectAsList(),
                model.transform(df).select("c_x", "c_y", "c_z").collectAsList());

        String path = tmp.resolve("pipeline").toString();
        pipeline.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        RiskTableMapperModel reloaded = (RiskTableMapperModel) loaded.stages()[0];
        assertEquals(model.multiclassTables(), reloaded.multiclassTables());
        assertFalse(reloaded.hasOutOfFoldTables());
        Map<String, double[]> full = new HashMap<>();
        for (Row r : loaded.transform(df).select("key", "features").collectAsList()) {
            full.put(String.valueOf(r.get(0)), ((Vector) r.get(1)).toArray());
        }
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3, 0}, full.get("A"), 1e-15, "reloaded: the full tables");
        assertArrayEquals(new double[] {3.0 / 7, 2.0 / 7, 2.0 / 7}, full.get("C"), 1e-15);
    }

    @Test
    void savedModelKeepsClassesAndStatistics() throws java.io.IOException {
        RiskTableMapperModel model = mapper().setHandleMissing("category").fit(data());
        String path = tmp.resolve("model").toString();
        model.write().overwrite().save(path);
        RiskTableMapperModel loaded = RiskTableMapperModel.load(path);
        assertTrue(loaded.isMulticlass());
        assertEquals(model.multiclassTables(), loaded.multiclassTables());
        assertArrayEquals(new String[] {"x", "y", "z"}, loaded.getClasses());
        assertEquals(3, loaded.classStatistics().size());
        assertEquals(3, loaded.classStatistics().get(0).events(), "class x: 3 events of 7");
        assertEquals(7, loaded.classStatistics().get(0).fitRows());
        assertThrows(IllegalStateException.class, loaded::riskTables);
    }

    @Test
    void badLabelsAreRefusedNamingThem() {
        Dataset<Row> one = SparkTestSession.csv(tmp.resolve("one"), "one.csv", "c,y\nA,x\nB,x\nC,\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mapper().fit(one));
        assertTrue(e.getMessage().contains("one class only"), e.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> mapper().setClasses("x", "y").fit(data()));
        assertTrue(outside.getMessage().contains("'z'"), outside.getMessage());
        RiskTable.Mode mode = mapper().fit(data()).multiclassTables().get("c", "x").mode();
        assertEquals(RiskTable.Mode.CATEGORICAL, mode);
    }
}
