package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.riskmapping.ml.feature.compat.SparkParamsHelpers;
import io.riskmapping.testing.SparkTestSession;

/**
 * The stages' metadata ({@link StageMetadata}) against Spark's own {@code DefaultParamsWriter} and
 * {@code DefaultParamsReader} (called here only, in the test, on the Spark line the build uses).
 */
class StageMetadataTest {

    /** c: categories, x: numbers as text with blanks, y: the label. */
    static final String DATA = "c,x,y\n"
            + "a,1,1\na,2,0\na,3,1\na,,1\nb,4,0\nb,5,0\nb,6,1\nb,,0\nc,7,0\nc,8,1\n"
            + "c,9,0\nc,10,0\na,11,1\nb,12,0\nc,,1\na,13,0\nb,14,1\nc,15,0\na,16,1\nb,17,0\n";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPARK_HELPERS = Pattern.compile("\\bDefaultParams(Reader|Writer|Writable|Readable)\\b");

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static Dataset<Row> data;
    static List<Params> stages;

    @BeforeAll
    static void fitEveryStage() {
        data = SparkTestSession.csv(shared, "data.csv", DATA);
        MissingValueImputer imputer = new MissingValueImputer().setInputCols("x").setOutputCols("x_f").setStrategy("median");
        NumericBinner binner = new NumericBinner().setInputCols("x").setOutputCols("x_b").setLabelCol("y").setMethod("uniform").setNumBins(3);
        RiskTableMapper mapper = new RiskTableMapper().setInputCols("c").setOutputCols("c_risk").setLabelCol("y").setCountThreshold(1);
        WoeEncoder woe = new WoeEncoder().setInputCols("c").setOutputCols("c_woe").setLabelCol("y").setConfidenceLevel(0.9);
        stages = List.of(imputer, imputer.fit(data), binner, binner.fit(data), mapper, mapper.fit(data), woe, woe.fit(data));
    }

    private static SparkSession spark() {
        return SparkTestSession.get();
    }

    // ------------------------------------------------------------ the format

    @Test
    void theMetadataIsWhatSparksWriterWritesButTheTimestamp() throws IOException {
        for (Params stage : stages) {
            String name = stage.getClass().getSimpleName();
            Path ours = tmp.resolve(name + "-ours");
            Path sparks = tmp.resolve(name + "-spark");
            ((MLWritable) stage).save(ours.toString());
            SparkParamsHelpers.saveMetadata(stage, sparks.toString(), spark());
            String ourLine = metadataLine(ours);
            String sparkLine = metadataLine(sparks);
            assertEquals(withoutTimestamp(inOurParamOrder(sparkLine)), withoutTimestamp(ourLine), name);
            assertEquals(JSON.readTree(sparkLine).get("timestamp").getNodeType(), JSON.readTree(ourLine).get("timestamp").getNodeType(), name);
            // the in-memory JSON too, byte for byte: same keys in the same order, values encoded alike
            assertEquals(withoutTimestamp(inOurParamOrder(SparkParamsHelpers.metadataToSave(stage, spark()))),
                    withoutTimestamp(StageMetadata.toJson(stage, spark().version(), 0L)), name);
        }
    }

    @Test
    void sparksReaderReadsOurMetadataAndSetsTheSameParams() throws Exception {
        for (Params stage : stages) {
            String name = stage.getClass().getSimpleName();
            Path path = tmp.resolve(name);
            ((MLWritable) stage).save(path.toString());
            DefaultParamsReader.Metadata m = SparkParamsHelpers.loadMetadata(path.toString(), spark(), stage.getClass().getName());
            assertEquals(stage.uid(), m.uid(), name);
            assertEquals(stage.getClass().getName(), m.className(), name);
            assertEquals(spark().version(), m.sparkVersion(), name);
            assertEquals(metadataLine(path), m.metadataJson(), name);
            Params target = stage.copy(ParamMap.empty());
            for (Param<?> p : target.params()) {
                target.clear(p);
            }
            m.getAndSetParams(target, scala.Option.empty());
            assertEquals(paramState(stage), paramState(target), name);
        }
        // Spark's reader class itself loads a saved estimator
        Path est = tmp.resolve("estimator");
        ((MLWritable) stages.get(4)).save(est.toString());
        RiskTableMapper byDefaultReader = new DefaultParamsReader<RiskTableMapper>().load(est.toString());
        assertEquals(paramState(stages.get(4)), paramState(byDefaultReader));
    }

    @Test
    void ourReaderReadsSparksMetadata() {
        for (Params stage : stages) {
            String name = stage.getClass().getSimpleName();
            Path path = tmp.resolve(name);
            SparkParamsHelpers.saveMetadata(stage, path.toString(), spark());
            StageMetadata m = StageMetadata.load(path.toString(), spark(), stage.getClass().getName());
            assertEquals(stage.uid(), m.uid(), name);
            Params target = stage.copy(ParamMap.empty());
            for (Param<?> p : target.params()) {
                target.clear(p);
            }
            m.setParams(target);
            assertEquals(paramState(stage), paramState(target), name);
        }
    }

    @Test
    void defaultsStayDefaultsAndSetParamsStaySetAfterSaveAndLoad() throws IOException {
        List<Params> loaded = new ArrayList<>();
        for (Params stage : stages) {
            Path path = tmp.resolve(stage.getClass().getSimpleName());
            ((MLWritable) stage).save(path.toString());
            Params back = load(stage.getClass(), path.toString());
            assertEquals(stage.uid(), back.uid());
            assertEquals(paramState(stage), paramState(back), stage.getClass().getSimpleName());
            loaded.add(back);
        }
        NumericBinner binner = (NumericBinner) loaded.get(2);
        assertFalse(binner.isSet(binner.minBinFraction()), "a default is not turned into a set param");
        assertTrue(binner.isSet(binner.numBins()));
        RiskTableMapperModel mapper = (RiskTableMapperModel) loaded.get(5);
        assertFalse(mapper.isSet(mapper.smoothFactor()));
        assertTrue(mapper.isSet(mapper.countThreshold()));
        WoeEncoderModel woe = (WoeEncoderModel) loaded.get(7);
        assertFalse(woe.isSet(woe.categoryShare()));
        assertEquals(0.9, woe.getConfidenceLevel());
    }

    @Test
    void aSecondSaveFailsUnlessOverwritten() throws IOException {
        for (Params stage : stages) {
            String path = tmp.resolve(stage.getClass().getSimpleName()).toString();
            MLWritable w = (MLWritable) stage;
            w.save(path);
            assertThrows(IOException.class, () -> w.save(path), stage.getClass().getSimpleName());
            w.write().overwrite().save(path);
            assertEquals(stage.uid(), load(stage.getClass(), path).uid());
        }
    }

    @Test
    void theWrongClassIsRefused() throws IOException {
        String path = tmp.resolve("binner").toString();
        ((MLWritable) stages.get(3)).save(path);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RiskTableMapperModel.load(path));
        assertTrue(e.getMessage().contains("Expected class name io.riskmapping.ml.feature.RiskTableMapperModel"), e.getMessage());
        String est = tmp.resolve("estimator").toString();
        ((MLWritable) stages.get(2)).save(est);
        e = assertThrows(IllegalArgumentException.class, () -> RiskTableMapper.load(est));
        assertTrue(e.getMessage().contains("but found class name io.riskmapping.ml.feature.NumericBinner"), e.getMessage());
    }

    // ------------------------------------------------------------ saved models and pipelines

    @Test
    void everySavedModelInTheTestResourcesLoadsAsSparkReadsIt() throws IOException {
        Path root = SparkTestSession.repoRoot().resolve("transformers/src/test/resources/saved-models");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).filter(d -> !d.endsWith("lines")).sorted().toList(); // lines/: SavedAcrossLinesTest
        }
        assertEquals(2, dirs.size(), dirs.toString());
        for (Path dir : dirs) {
            DefaultParamsReader.Metadata sparks = SparkParamsHelpers.loadMetadata(dir.toString(), spark(), "");
            StageMetadata ours = StageMetadata.load(dir.toString(), spark(), sparks.className());
            assertEquals(sparks.uid(), ours.uid());
            // through the static read() of the class named in the metadata, as PipelineModel.load finds it
            Params model = SparkParamsHelpers.loadParamsInstance(dir.toString(), spark());
            Params target = model.copy(ParamMap.empty());
            for (Param<?> p : target.params()) {
                target.clear(p);
            }
            sparks.getAndSetParams(target, scala.Option.empty());
            assertEquals(paramState(target), paramState(model), dir.getFileName().toString());
            assertFalse(paramState(model).values().stream().allMatch(v -> v.startsWith("set")), "defaults stay defaults");
        }
    }

    @Test
    void metadataInSpark3sLayoutLoads() throws IOException {
        // Spark 3's DefaultParamsWriter saved metadata/part-00000 (no extension) with saveAsTextFile
        Path saved = SparkTestSession.repoRoot().resolve("transformers/src/test/resources/saved-models/numeric-binner-v1");
        Path copy = tmp.resolve("spark3");
        copyTree(saved, copy);
        Path meta = copy.resolve("metadata");
        String line;
        try (Stream<Path> s = Files.list(meta)) {
            Path part = s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            line = Files.readString(part, StandardCharsets.UTF_8);
            Files.delete(part);
        }
        Files.writeString(meta.resolve("part-00000"), line.replace("\"sparkVersion\":\"4.1.0\"", "\"sparkVersion\":\"3.5.3\""), StandardCharsets.UTF_8);
        Files.writeString(meta.resolve("_SUCCESS"), "");
        NumericBinnerModel m = NumericBinnerModel.load(copy.toString());
        assertEquals("numericBinner_a2f2ea8627f7", m.uid());
        assertEquals("y", m.getLabelCol());
        assertFalse(m.isSet(m.minBinFraction()));
        assertEquals(0.05, m.getMinBinFraction());
    }

    @Test
    void aPipelineWithEveryStageRoundTrips() throws IOException {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new MissingValueImputer().setInputCols("x").setOutputCols("x_f"),
            new NumericBinner().setInputCols("x_f").setOutputCols("x_b").setLabelCol("y").setMethod("uniform").setNumBins(3),
            new RiskTableMapper().setInputCols("c").setOutputCols("c_risk").setLabelCol("y").setCountThreshold(1),
            new WoeEncoder().setInputCols("c").setOutputCols("c_woe").setLabelCol("y"),
            // not c_woe: WoeEncoder.transformSchema does not add its outputs (their number depends on the label's classes)
            new VectorAssembler().setInputCols(new String[] {"x_b", "c_risk"}).setOutputCol("features")});
        PipelineModel fitted = pipeline.fit(data);
        String path = tmp.resolve("pipeline-model").toString();
        fitted.save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(fitted.transform(data).collectAsList(), loaded.transform(data).collectAsList());
        assertEquals(List.of("c", "x", "y", "x_f", "x_b", "c_risk", "c_woe", "features"), List.of(loaded.transform(data).columns()));
        for (int i = 0; i < 4; i++) {
            assertEquals(fitted.stages()[i].getClass(), loaded.stages()[i].getClass());
            assertEquals(paramState(fitted.stages()[i]), paramState(loaded.stages()[i]), fitted.stages()[i].getClass().getSimpleName());
        }
        String unfitted = tmp.resolve("pipeline").toString();
        pipeline.save(unfitted);
        Pipeline back = Pipeline.load(unfitted);
        for (int i = 0; i < 4; i++) {
            assertEquals(paramState(pipeline.getStages()[i]), paramState(back.getStages()[i]), pipeline.getStages()[i].getClass().getSimpleName());
        }
        assertEquals(loaded.transform(data).collectAsList(), back.fit(data).transform(data).collectAsList());
    }

    // ------------------------------------------------------------ no Spark-internal helpers

    @Test
    void mainCodeDoesNotCallSparksPrivatePersistenceHelpers() throws IOException {
        Path main = SparkTestSession.repoRoot().resolve("transformers/src/main");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".scala")).toList()) {
                if (SPARK_HELPERS.matcher(withoutComments(Files.readString(f, StandardCharsets.UTF_8))).find()) {
                    offenders.add(main.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "Spark's private[ml] DefaultParams* helpers differ between Spark 3.5 and 4.x: use StageMetadata");
        assertTrue(SPARK_HELPERS.matcher(withoutComments("class A { DefaultParamsWriter.saveMetadata(x); } // DefaultParamsReader")).find());
        assertFalse(SPARK_HELPERS.matcher(withoutComments("/** like DefaultParamsWriter */ class A {} // DefaultParamsReader")).find());
    }

    // ------------------------------------------------------------ helpers

    /** Java comments removed (string literals are not special-cased: none of ours holds a comment marker). */
    static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    /** The one metadata line under {@code dir/metadata}, checking the layout: one part file of one line. */
    private static String metadataLine(Path dir) throws IOException {
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir.resolve("metadata"))) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-00000")).toList();
        }
        assertEquals(1, parts.size(), parts.toString());
        String text = Files.readString(parts.get(0), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line: " + text);
        return text.substring(0, text.length() - 1);
    }

    /**
     * Spark's metadata JSON as is where Spark writes the params sorted by name (Spark 4), else
     * with {@code paramMap} and {@code defaultParamMap} sorted by name (Spark 3.5): the order the
     * stages write on every line.
     */
    /** Spark's JSON with its param maps sorted by name, as ours are (Spark 4.1+ sorts them too; 3.5 and 4.0 do not). */
    private static String inOurParamOrder(String json) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        for (String key : List.of("paramMap", "defaultParamMap")) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.get(key).properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            node.set(key, JSON.createObjectNode().setAll(sorted));
        }
        return JSON.writeValueAsString(node);
    }

    private static String withoutTimestamp(String json) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        assertTrue(node.has("timestamp"), json);
        node.put("timestamp", 0L);
        return JSON.writeValueAsString(node);
    }

    /** name -> "set ..." / "default ..." with the JSON of the value (set params also show their default). */
    @SuppressWarnings("unchecked")
    static Map<String, String> paramState(Params stage) {
        Map<String, String> state = new LinkedHashMap<>();
        for (Param<?> p : stage.params()) {
            Param<Object> param = (Param<Object>) p;
            String set = stage.isSet(param) ? "set " + param.jsonEncode(stage.get(param).get()) : "";
            String def = stage.hasDefault(param) ? "default " + param.jsonEncode(stage.getDefault(param).get()) : "";
            if (!set.isEmpty() || !def.isEmpty()) {
                state.put(param.name(), (set + " " + def).trim());
            }
        }
        return state;
    }

    private static Params load(Class<?> cls, String path) {
        try {
            return (Params) cls.getMethod("load", String.class).invoke(null, path);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
