package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.testing.SparkTestSession;

/** RiskTableMapper behaves like Spark's own feature stages: params, schema checks, copy, persistence, pipelines, streaming. */
class RiskTableMapperCitizenshipTest {

    @TempDir
    Path tmp;

    static final String TINY = "c,x,y\nA,1,1\nA,1,1\nA,2,0\nB,2,0\nB,2,1\nA,1,0\n";

    private Dataset<Row> tiny() {
        return SparkTestSession.csv(tmp.resolve("tiny"), "tiny.csv", TINY);
    }

    @Test
    void defaultsAreDeclaredNotSet() {
        RiskTableMapper m = new RiskTableMapper();
        assertEquals("label", m.getLabelCol());
        assertEquals(0.01, m.getSmoothFactor());
        assertEquals(5, m.getCountThreshold());
        assertEquals(100, m.getMaxUniqueThreshold());
        assertEquals("keep", m.getHandleInvalid());
        assertEquals(0, m.getNumFolds());
        assertFalse(m.getParseNumericStrings());
        assertNull(m.getFoldCol());
        assertEquals("fraction", m.getSmoothingMode());
        assertEquals(0.0, m.getSmoothing());
        assertEquals("default", m.getHandleMissing());
        assertEquals("binary", m.getTargetType());
        for (org.apache.spark.ml.param.Param<?> p : new org.apache.spark.ml.param.Param<?>[] {m.labelCol(), m.smoothFactor(),
            m.countThreshold(), m.maxUniqueThreshold(), m.handleInvalid(), m.numFolds(), m.seed(), m.parseNumericStrings(),
            m.smoothingMode(), m.smoothing(), m.handleMissing(), m.targetType()}) {
            assertTrue(m.hasDefault(p) && !m.isSet(p), p.name());
        }
        assertNull(m.getClasses(), "classes: learned by the fit unless set");
        assertEquals(17, m.params().length, "every param is found by Spark's reflection");
        assertTrue(m.explainParams().contains("smoothFactor: fraction of fit rows"), m.explainParams());
    }

    @Test
    void settersAndGettersRoundTripAndValidate() {
        RiskTableMapper m = new RiskTableMapper().setInputCols("a", "b").setOutputCols("a_r", "b_r").setLabelCol("y")
                .setSmoothFactor(0.5).setCountThreshold(2).setMaxUniqueThreshold(9).setHandleInvalid("error")
                .setParseNumericStrings(true).setNumFolds(3).setFoldCol("fold").setSeed(7L);
        assertArrayEquals(new String[] {"a", "b"}, m.getInputCols());
        assertArrayEquals(new String[] {"a_r", "b_r"}, m.getOutputCols());
        assertEquals("y", m.getLabelCol());
        assertEquals(0.5, m.getSmoothFactor());
        assertEquals(2, m.getCountThreshold());
        assertEquals(9, m.getMaxUniqueThreshold());
        assertEquals("error", m.getHandleInvalid());
        assertTrue(m.getParseNumericStrings());
        assertEquals(3, m.getNumFolds());
        assertEquals("fold", m.getFoldCol());
        assertEquals(7L, m.getSeed());
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setSmoothFactor(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setCountThreshold(-1));
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setMaxUniqueThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> new RiskTableMapper().setHandleInvalid("skip"));
    }

    @Test
    void copyKeepsParamsAppliesExtrasAndToStringNamesTheColumns() {
        RiskTableMapper m = new RiskTableMapper().setInputCols("c").setLabelCol("y");
        RiskTableMapper c = m.copy(new ParamMap().put(m.smoothFactor().w(0.3)));
        assertNotSame(m, c);
        assertEquals(m.uid(), c.uid());
        assertEquals(0.3, c.getSmoothFactor());
        assertEquals(0.01, m.getSmoothFactor());
        assertTrue(m.toString().contains("inputCols=c"), m.toString());

        RiskTableMapperModel model = m.fit(tiny());
        RiskTableMapperModel mc = model.copy(new ParamMap().put(model.outputCols().w(new String[] {"c_risk"})));
        assertEquals(model.riskTables(), mc.riskTables());
        assertTrue(mc.hasParent());
        assertEquals(List.of("c", "x", "y", "c_risk"), List.of(mc.transform(tiny()).columns()));
        assertTrue(model.toString().contains("mapped=[c]"), model.toString());
    }

    @Test
    void transformSchemaNamesWhatIsWrong() {
        Dataset<Row> df = tiny();
        assertMessage("input column 'zz' does not exist", () -> new RiskTableMapper().setInputCols("zz").setLabelCol("y").transformSchema(df.schema()));
        assertMessage("inputCols must be set", () -> new RiskTableMapper().transformSchema(df.schema()));
        assertMessage("inputCols has 2 columns but outputCols has 1",
                () -> new RiskTableMapper().setInputCols("c", "x").setOutputCols("o").setLabelCol("y").transformSchema(df.schema()));
        assertMessage("outputCols names 'o' twice",
                () -> new RiskTableMapper().setInputCols("c", "x").setOutputCols("o", "o").setLabelCol("y").transformSchema(df.schema()));
        assertMessage("label column 'label' does not exist", () -> new RiskTableMapper().setInputCols("c").transformSchema(df.schema()));
        assertMessage("output column 'y' already exists",
                () -> new RiskTableMapper().setInputCols("c").setOutputCols("y").setLabelCol("y").transformSchema(df.schema()));
        Dataset<Row> arrays = df.withColumn("arr", functions.array(functions.col("c")));
        assertMessage("input column 'arr' has type array<string>",
                () -> new RiskTableMapper().setInputCols("arr").setLabelCol("y").transformSchema(arrays.schema()));
        assertEquals(DataTypes.DoubleType,
                new RiskTableMapper().setInputCols("c").setOutputCols("r").setLabelCol("y").transformSchema(df.schema()).apply("r").dataType());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), "expected '" + expected + "' in: " + ex.getMessage());
    }

    @Test
    void handleInvalidErrorNamesTheColumnAndValue() {
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setLabelCol("y").setHandleInvalid("error").fit(tiny());
        Dataset<Row> unseen = SparkTestSession.csv(tmp.resolve("u"), "u.csv", "c,y\nA,1\nZebra,0\n");
        Exception e = assertThrows(Exception.class, () -> model.transform(unseen).collectAsList());
        assertTrue(rootMessage(e).contains("column 'c': unseen category 'Zebra' (handleInvalid=error)"), rootMessage(e));
        Dataset<Row> nulls = SparkTestSession.csv(tmp.resolve("n"), "n.csv", "c,y\nA,1\n,0\n");
        e = assertThrows(Exception.class, () -> model.transform(nulls).collectAsList());
        assertTrue(rootMessage(e).contains("column 'c': null value (handleInvalid=error)"), rootMessage(e));
        // keep (the default) maps both to the prior
        List<Row> kept = model.setHandleInvalid("keep").transform(unseen).collectAsList();
        assertEquals(model.riskTables().get("c").defaultBin(), kept.get(1).getDouble(0));
    }

    static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    @Test
    void saveLoadKeepsTablesStatisticsAndParams() throws IOException {
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c", "x").setOutputCols("c_r", "x_r").setLabelCol("y")
                .setCountThreshold(1).setParseNumericStrings(true).fit(tiny());
        String path = tmp.resolve("model").toString();
        model.save(path);
        assertThrows(IOException.class, () -> model.save(path), "a second save without overwrite fails");
        model.write().overwrite().save(path);
        RiskTableMapperModel loaded = RiskTableMapperModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.riskTables(), loaded.riskTables());
        assertEquals(model.statistics().fitRows(), loaded.statistics().fitRows());
        assertEquals(model.statistics().fields().get(1).counts().keySet(), loaded.statistics().fields().get(1).counts().keySet());
        assertArrayEquals(model.getOutputCols(), loaded.getOutputCols());
        assertEquals(1, loaded.getCountThreshold());
        assertTrue(loaded.isSet(loaded.countThreshold()));
        assertFalse(loaded.isSet(loaded.smoothFactor()), "defaults stay defaults after load");
        assertEquals(model.transform(tiny()).collectAsList(), loaded.transform(tiny()).collectAsList());

        RiskTableMapper estimator = new RiskTableMapper().setInputCols("c").setLabelCol("y").setSmoothFactor(0.2);
        estimator.save(tmp.resolve("estimator").toString());
        RiskTableMapper e2 = RiskTableMapper.load(tmp.resolve("estimator").toString());
        assertEquals(0.2, e2.getSmoothFactor());
        assertArrayEquals(new String[] {"c"}, e2.getInputCols());
    }

    @Test
    void aModelBuiltFromArtifactsSavesAndLoads() throws IOException {
        RiskTableMap tables = new RiskTableMap(List.of(new RiskTable("c", RiskTable.Mode.CATEGORICAL, 0.5, Map.of("A", 0.25, "B", 0.75))));
        RiskTableMapperModel model = RiskTableMapperModel.fromRiskTables(tables);
        model.save(tmp.resolve("from-artifacts").toString());
        RiskTableMapperModel loaded = RiskTableMapperModel.load(tmp.resolve("from-artifacts").toString());
        assertEquals(tables, loaded.riskTables());
        assertNull(loaded.statistics());
        List<Row> rows = loaded.transform(tiny()).select("c").collectAsList();
        assertEquals(0.25, rows.get(0).getDouble(0));
        assertEquals(0.75, rows.get(3).getDouble(0));
    }

    @Test
    void aModelSavedByVersionOneStillLoads() {
        // saved by this code on 2026-11-21 (format version 1) and kept: later versions must keep reading it
        Path saved = SparkTestSession.repoRoot().resolve("transformers/src/test/resources/saved-models/risk-table-mapper-v1");
        RiskTableMapperModel m = RiskTableMapperModel.load(saved.toString());
        assertArrayEquals(new String[] {"checking_status", "purpose", "num_dependents"}, m.getInputCols());
        assertEquals(102.0 / 173, m.riskTables().get("checking_status").bins().get("<0"), 1e-12);
        assertEquals(168.0 / 509, m.riskTables().get("num_dependents").bins().get(1.0), 1e-12);
        assertEquals(600, m.statistics().fitRows());
        assertEquals("class", m.getLabelCol());
    }

    @Test
    void newerFormatVersionsAreRefused() throws IOException {
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setLabelCol("y").fit(tiny());
        String path = tmp.resolve("newer").toString();
        model.save(path);
        Dataset<Row> data = SparkTestSession.get().read().parquet(path + "/data").withColumn("format_version", functions.lit(RiskTableMapperModel.FORMAT_VERSION + 1));
        data.collectAsList();
        data.write().mode("overwrite").parquet(path + "/data2");
        java.nio.file.Files.walk(Path.of(path, "data")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        java.nio.file.Files.move(Path.of(path, "data2"), Path.of(path, "data"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RiskTableMapperModel.load(path));
        assertTrue(e.getMessage().contains("format version " + (RiskTableMapperModel.FORMAT_VERSION + 1) + ", newer"), e.getMessage());
    }

    @Test
    void worksInsideASavedPipeline() throws IOException {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new RiskTableMapper().setInputCols("c").setOutputCols("c_r").setLabelCol("y").setCountThreshold(1),
            new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"c_r"}).setOutputCol("features")});
        PipelineModel fitted = pipeline.fit(tiny());
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(fitted.transform(tiny()).select("features").collectAsList(), loaded.transform(tiny()).select("features").collectAsList());
        pipeline.write().overwrite().save(tmp.resolve("unfitted").toString());
        assertEquals(2, Pipeline.load(tmp.resolve("unfitted").toString()).getStages().length);
    }

    @Test
    void transformRunsOnAStreamWithoutAnAction() throws Exception {
        RiskTableMapperModel model = new RiskTableMapper().setInputCols("c").setOutputCols("c_r").setLabelCol("y").setCountThreshold(1).fit(tiny());
        Path dir = tmp.resolve("stream-in");
        SparkTestSession.csv(dir, "part-0.csv", "c,x,y\nA,1,1\nB,2,0\nQ,3,1\n");
        Dataset<Row> stream = SparkTestSession.get().readStream().schema(tiny().schema()).option("header", "true").csv(dir.toString());
        Dataset<Row> out = model.transform(stream);
        assertTrue(out.isStreaming());
        StreamingQuery q = out.writeStream().format("memory").queryName("risk_stream").trigger(Trigger.AvailableNow()).start();
        q.awaitTermination();
        List<Row> rows = SparkTestSession.get().sql("select c, c_r from risk_stream").collectAsList();
        Map<Object, Double> bins = model.riskTables().get("c").bins();
        assertEquals(3, rows.size());
        for (Row r : rows) {
            assertEquals(bins.getOrDefault(r.getString(0), model.riskTables().get("c").defaultBin()), r.getDouble(1), 0.0);
        }
    }
}
