package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.ml.feature.NumericBinnerModel.BinCounts;
import io.riskmapping.testing.SparkTestSession;

/** NumericBinner as a Spark ML citizen: persistence, pipelines, streams, and one test per error message. */
class NumericBinnerCitizenshipTest {

    static final double NEG = Double.NEGATIVE_INFINITY;
    static final double POS = Double.POSITIVE_INFINITY;

    @TempDir
    Path tmp;

    private Dataset<Row> small() {
        return NumericBinnerTest.small(tmp);
    }

    private static NumericBinner binner() {
        return new NumericBinner().setInputCols("x", "z").setLabelCol("y").setMethod("uniform").setNumBins(4);
    }

    // ------------------------------------------------------------ persistence

    @Test
    void saveLoadKeepsBinsCountsAndParams() throws IOException {
        NumericBinnerModel model = binner().setOutputCols("x_b", "z_b").setMonotonic("auto").fit(small());
        String path = tmp.resolve("model").toString();
        model.save(path);
        assertThrows(IOException.class, () -> model.save(path), "a second save without overwrite fails");
        model.write().overwrite().save(path);
        NumericBinnerModel loaded = NumericBinnerModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.columns(), loaded.columns());
        for (String c : model.columns()) {
            assertArrayEquals(model.splits(c), loaded.splits(c), c);
            assertEquals(model.binCounts(c), loaded.binCounts(c), c);
            assertEquals(model.method(c), loaded.method(c));
            assertEquals(model.monotonicDirection(c), loaded.monotonicDirection(c));
        }
        assertArrayEquals(new String[] {"x_b", "z_b"}, loaded.getOutputCols());
        assertEquals("auto", loaded.getMonotonic());
        assertTrue(loaded.isSet(loaded.numBins()));
        assertFalse(loaded.isSet(loaded.minBinFraction()), "defaults stay defaults after load");
        assertEquals(model.transform(small()).collectAsList(), loaded.transform(small()).collectAsList());

        NumericBinner estimator = new NumericBinner().setInputCols("x").setMethod("tree").setMinBinFraction(0.1).setSeed(11);
        estimator.save(tmp.resolve("estimator").toString());
        NumericBinner e2 = NumericBinner.load(tmp.resolve("estimator").toString());
        assertEquals("tree", e2.getMethod());
        assertEquals(0.1, e2.getMinBinFraction());
        assertEquals(11L, e2.getSeed());
        assertFalse(e2.isSet(e2.numBins()));
    }

    @Test
    void aModelFittedWithoutALabelSavesAndLoadsWithoutEvents() throws IOException {
        Dataset<Row> df = SparkTestSession.get().range(0, 20).select(functions.col("id").as("v"));
        NumericBinnerModel model = new NumericBinner().setInputCols("v").setNumBins(2).fit(df);
        model.save(tmp.resolve("unlabelled").toString());
        NumericBinnerModel loaded = NumericBinnerModel.load(tmp.resolve("unlabelled").toString());
        assertFalse(loaded.binCounts("v").hasLabel());
        assertNull(loaded.binCounts("v").events());
        assertEquals(model.binCounts("v"), loaded.binCounts("v"));
        assertArrayEquals(new double[] {NEG, 9, POS}, loaded.splits("v"), "rank ceil(0.5 * 20) = 10: the value 9");
    }

    @Test
    void aModelSavedByVersionOneStillLoads() {
        // saved by this code on 2026-11-21 (format version 1) from NumericBinnerTest.SMALL: x, z -> x_b, z_b,
        // label y, uniform, 4 bins, monotonic increasing. Later versions must keep reading it.
        Path saved = SparkTestSession.repoRoot().resolve("transformers/src/test/resources/saved-models/numeric-binner-v1");
        NumericBinnerModel m = NumericBinnerModel.load(saved.toString());
        assertArrayEquals(new String[] {"x", "z"}, m.getInputCols());
        // x raw rates 1/2, 1/1, 0/1, 2/2: bins 1 and 2 pool (1/2); z: the empty bin and 1/3 pool with 1/2
        assertArrayEquals(new double[] {NEG, 4.5, 9.5, POS}, m.splits("x"));
        assertEquals(new BinCounts(new long[] {2, 2, 2, 2}, new long[] {1, 1, 2, 0}, new long[] {1, 1, 0, 1}), m.binCounts("x"));
        assertArrayEquals(new double[] {NEG, 0.75, POS}, m.splits("z"));
        assertEquals("increasing", m.monotonicDirection("z"));
        assertEquals("y", m.getLabelCol());
        assertEquals(0.05, m.getMinBinFraction());
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2, 3, 3},
                NumericBinnerTest.column(m.transform(small()), "x_b"));
    }

    @Test
    void newerFormatVersionsAreRefused() throws IOException {
        NumericBinnerModel model = binner().fit(small());
        String path = tmp.resolve("newer").toString();
        model.save(path);
        Dataset<Row> data = SparkTestSession.get().read().parquet(path + "/data").withColumn("format_version", functions.lit(2));
        data.write().parquet(path + "/data2");
        try (var files = Files.walk(Path.of(path, "data"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.move(Path.of(path, "data2"), Path.of(path, "data"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumericBinnerModel.load(path));
        assertTrue(e.getMessage().contains("format version 2, newer"), e.getMessage());
    }

    @Test
    void worksInsideASavedPipeline() throws IOException {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            binner().setMonotonic("increasing"),
            new VectorAssembler().setInputCols(new String[] {"x_bin", "z_bin"}).setOutputCol("features")});
        PipelineModel fitted = pipeline.fit(small());
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(fitted.transform(small()).select("features").collectAsList(), loaded.transform(small()).select("features").collectAsList());
        NumericBinnerModel stage = (NumericBinnerModel) loaded.stages()[0];
        assertArrayEquals(new double[] {NEG, 4.5, 9.5, POS}, stage.splits("x"));
        pipeline.write().overwrite().save(tmp.resolve("unfitted").toString());
        assertEquals(2, Pipeline.load(tmp.resolve("unfitted").toString()).getStages().length);
    }

    @Test
    void transformRunsOnAStreamWithoutAnAction() throws Exception {
        NumericBinnerModel model = binner().fit(small());
        Path dir = tmp.resolve("stream-in");
        SparkTestSession.csv(dir, "part-0.csv", "x,z,y\n3,1,1\n9.5,x,0\n,0.7,1\n");
        Dataset<Row> stream = SparkTestSession.get().readStream().schema(small().schema()).option("header", "true").csv(dir.toString());
        Dataset<Row> out = model.transform(stream);
        assertTrue(out.isStreaming());
        StreamingQuery q = out.writeStream().format("memory").queryName("binner_stream").trigger(Trigger.AvailableNow()).start();
        q.awaitTermination();
        List<Row> rows = SparkTestSession.get().sql("select x_bin, z_bin from binner_stream order by x_bin").collectAsList();
        // x: 3 -> 0, 9.5 (an edge) -> 3, blank -> 4; z: 1 -> 3, "x" -> 4, 0.7 -> 2 (edges -0.75, 0, 0.75)
        assertEquals(List.of(List.of(0.0, 3.0), List.of(3.0, 4.0), List.of(4.0, 2.0)),
                rows.stream().map(r -> List.of(r.getDouble(0), r.getDouble(1))).toList());
    }

    /** The Java example of docs/binning.md (the same code, with paths from the repository root). */
    @Test
    void theDocumentedExampleRuns() throws IOException {
        SparkSession spark = SparkTestSession.get();
        Path root = SparkTestSession.repoRoot();
        Dataset<Row> train = spark.read().parquet(root.resolve("test-data/german-credit/parquet/train").toString());
        Dataset<Row> test = spark.read().parquet(root.resolve("test-data/german-credit/parquet/test").toString());

        NumericBinner binner = new NumericBinner()
                .setInputCols("duration", "credit_amount", "age")    // numbers, or numeric text from CSV
                .setLabelCol("class")                                // 1 = bad (the event), 0 = good
                .setMethod("tree")                                   // or "quantile" (default), "uniform", "kmeans"
                .setNumBins(8)                                       // tree depth ceil(log2(8)) = 3
                .setMinBinFraction(0.05)                             // each leaf: at least 5% of the labelled rows
                .setMonotonic("auto");                               // or "none" (default), "increasing", "decreasing"
        NumericBinnerModel model = binner.fit(train);

        double[] edges = model.splits("duration");                   // -Infinity, 8.5, 11.5, 17.0, 43.5, +Infinity
        BinCounts counts = model.binCounts("duration");              // rows, events, non-events per bin; missing bin last
        String direction = model.monotonicDirection("age");          // what "auto" chose: "decreasing"
        Dataset<Row> binned = model.transform(test);                 // adds duration_bin, credit_amount_bin, age_bin (doubles)

        model.write().overwrite().save(tmp.resolve("binner-model").toString());
        NumericBinnerModel same = NumericBinnerModel.load(tmp.resolve("binner-model").toString());

        assertArrayEquals(new double[] {NEG, 8.5, 11.5, 17.0, 43.5, POS}, edges);
        assertArrayEquals(new long[] {56, 45, 158, 294, 47, 0}, counts.rows());
        assertEquals("increasing", model.monotonicDirection("duration"));
        assertEquals("decreasing", direction);
        assertArrayEquals(new double[] {NEG, 4049.5, 6751.5, POS}, model.splits("credit_amount"), "U-shaped risk: 3 increasing bins");
        for (String c : model.columns()) {
            NumericBinnerTest.assertMonotone(model.binCounts(c), model.monotonicDirection(c).equals("increasing"), c);
            assertEquals(train.count(), java.util.Arrays.stream(model.binCounts(c).rows()).sum(), c);
        }
        assertEquals(test.count(), binned.where(functions.col("age_bin").between(0, model.valueBins("age"))).count());
        assertArrayEquals(edges, same.splits("duration"));
    }

    // ------------------------------------------------------------ errors: one test per message

    static final StructType SCHEMA = new StructType()
            .add("x", DataTypes.DoubleType).add("t", DataTypes.StringType).add("flag", DataTypes.BooleanType)
            .add("label", DataTypes.IntegerType).add("tags", DataTypes.createArrayType(DataTypes.StringType));

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void inputColsMustBeSet() {
        assertMessage("inputCols must be set", () -> new NumericBinner().transformSchema(SCHEMA));
    }

    @Test
    void inputColsMustNotBeEmpty() {
        assertMessage("inputCols is empty", () -> new NumericBinner().setInputCols().transformSchema(SCHEMA));
    }

    @Test
    void inputAndOutputColsMustPairUp() {
        assertMessage("inputCols has 2 columns but outputCols has 1",
                () -> new NumericBinner().setInputCols("x", "t").setOutputCols("o").transformSchema(SCHEMA));
    }

    @Test
    void inputColsMustNotRepeat() {
        assertMessage("inputCols names 'x' twice", () -> new NumericBinner().setInputCols("x", "x").transformSchema(SCHEMA));
    }

    @Test
    void outputColsMustNotRepeat() {
        assertMessage("outputCols names 'o' twice",
                () -> new NumericBinner().setInputCols("x", "t").setOutputCols("o", "o").transformSchema(SCHEMA));
    }

    @Test
    void aMissingInputColumnIsNamed() {
        assertMessage("input column 'nope' does not exist; columns are [x, t, flag, label, tags]",
                () -> new NumericBinner().setInputCols("nope").transformSchema(SCHEMA));
    }

    @Test
    void anInputColumnThatIsNeitherNumericNorTextIsNamed() {
        assertMessage("input column 'flag' has type boolean; expected numbers or numeric text",
                () -> new NumericBinner().setInputCols("flag").transformSchema(SCHEMA));
    }

    @Test
    void anExistingOutputColumnIsRefused() {
        assertMessage("output column 't' already exists", () -> new NumericBinner().setInputCols("x").setOutputCols("t").transformSchema(SCHEMA));
    }

    @Test
    void methodTreeNeedsTheLabelColumn() {
        assertMessage("label column 'lbl' does not exist (method 'tree' needs it)",
                () -> new NumericBinner().setInputCols("x").setMethod("tree").setLabelCol("lbl").transformSchema(SCHEMA));
    }

    @Test
    void aMonotonicConstraintNeedsTheLabelColumn() {
        StructType noLabel = new StructType().add("x", DataTypes.DoubleType);
        assertMessage("label column 'label' does not exist (monotonic 'increasing' needs it)",
                () -> new NumericBinner().setInputCols("x").setMonotonic("increasing").transformSchema(noLabel));
    }

    @Test
    void aLabelColumnSetExplicitlyMustExist() {
        assertMessage("label column 'lbl' does not exist (labelCol was set)",
                () -> new NumericBinner().setInputCols("x").setLabelCol("lbl").transformSchema(SCHEMA));
        // not set and not needed: an absent label column is fine (no event counts)
        new NumericBinner().setInputCols("x").transformSchema(new StructType().add("x", DataTypes.DoubleType));
    }

    @Test
    void aLabelColumnOfAnotherTypeIsNamed() {
        assertMessage("label column 'tags' has type array<string>; expected numeric, boolean or string values 0, 1, -1 or null",
                () -> new NumericBinner().setInputCols("x").setLabelCol("tags").transformSchema(SCHEMA));
    }

    @Test
    void theModelRefusesColumnsItWasNotFittedOn() {
        NumericBinnerModel model = new NumericBinnerModel("m", List.of(new NumericBinnerModel.Bins("x", "uniform", "none",
                new double[] {NEG, 1, POS}, new BinCounts(new long[] {1, 1, 0}, null, null))));
        model.setInputCols("t");
        assertMessage("input column 't' was not fitted; the model has bins for [x]", () -> model.transformSchema(SCHEMA));
    }

    @Test
    void gettersNameAnUnknownColumn() {
        NumericBinnerModel model = new NumericBinnerModel("m", List.of(new NumericBinnerModel.Bins("x", "uniform", "none",
                new double[] {NEG, 1, POS}, new BinCounts(new long[] {1, 1, 0}, null, null))));
        assertMessage("no bins for column 'y'; the model has bins for [x]", () -> model.splits("y"));
    }

    @Test
    void paramsOutOfRangeAreRefusedWhenSet() {
        assertThrows(IllegalArgumentException.class, () -> new NumericBinner().setNumBins(1));
        assertThrows(IllegalArgumentException.class, () -> new NumericBinner().setMinBinFraction(0.5));
        assertThrows(IllegalArgumentException.class, () -> new NumericBinner().setMinBinFraction(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new NumericBinner().setMethod("equal-width"));
        assertThrows(IllegalArgumentException.class, () -> new NumericBinner().setMonotonic("up"));
        new NumericBinner().setNumBins(2).setMinBinFraction(0.0);
    }

    @Test
    void aColumnWithoutAnyNumberIsNamed() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "words.csv", "w,x\nabc,1\n,2\nNaN,3\n");
        assertMessage("column 'w' has no numeric value to bin", () -> new NumericBinner().setInputCols("x", "w").fit(df));
    }

    @Test
    void noLabelledRowWhenTheLabelIsNeeded() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "unlabelled.csv", "x,label\n1,-1\n2,\n");
        assertMessage("label column 'label' has no labelled rows (0 or 1) among 2 rows",
                () -> new NumericBinner().setInputCols("x").setMonotonic("auto").fit(df));
    }

    @Test
    void methodTreeNeedsLabelledValuesInTheColumn() {
        Dataset<Row> df = SparkTestSession.csv(tmp, "apart.csv", "x,label\n1,\n2,-1\n,1\nabc,0\n");
        assertMessage("column 'x' has no labelled row (label 0 or 1) with a numeric value to fit a tree on",
                () -> new NumericBinner().setInputCols("x").setMethod("tree").fit(df));
    }
}
