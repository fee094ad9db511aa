package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;

class HyperparametersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String FILE = """
            {"cat_field_list": ["a.b", "color"], "label_name": "y", "smooth_factor": 0.5,
             "count_threshold": 3, "max_unique_threshold": 10}""";

    private static Hyperparameters parse(String json) {
        return Hyperparameters.parse(json.getBytes(StandardCharsets.UTF_8), "hp.json");
    }

    /** Parsing {@code json} fails with a message naming the key and showing the value. */
    private static void assertRefused(String json, String key, String valueText) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(valueText), e.getMessage());
        assertTrue(e.getMessage().contains("hp.json"), e.getMessage());
    }

    private static Map<String, String> env(String... namesAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    // -------------------------------------------------------------- values

    @Test
    void defaultsAreThoseOfTheReferenceStep() {
        Hyperparameters h = Hyperparameters.defaults();
        assertEquals(0.01, h.smoothFactor());
        assertEquals(5, h.countThreshold());
        assertEquals(100, h.maxUniqueThreshold());
        assertEquals("target", h.labelName());
        assertEquals(List.of(), h.catFieldList());
    }

    @Test
    void anEmptyObjectGivesTheDefaults() {
        Hyperparameters h = parse("{}");
        assertEquals(0.01, h.smoothFactor());
        assertEquals(5, h.countThreshold());
        assertEquals(100, h.maxUniqueThreshold());
        assertEquals("target", h.labelName());
    }

    @Test
    void nullValuesGiveTheDefaults() {
        Hyperparameters h = parse("""
                {"smooth_factor": null, "count_threshold": null, "label_name": null, "cat_field_list": null}""");
        assertEquals(0.01, h.smoothFactor());
        assertEquals(5, h.countThreshold());
        assertEquals("target", h.labelName());
        assertEquals(List.of(), h.catFieldList());
    }

    @Test
    void parsesAValidFile() {
        Hyperparameters h = parse(FILE);
        assertEquals(List.of("a.b", "color"), h.catFieldList());
        assertEquals("y", h.labelName());
        assertEquals(0.5, h.smoothFactor());
        assertEquals(3, h.countThreshold());
        assertEquals(10, h.maxUniqueThreshold());
    }

    @Test
    void integralFloatCountIsAccepted() {
        assertEquals(7, parse("{\"count_threshold\": 7.0}").countThreshold());
    }

    @Test
    void zeroIsAValidSmoothFactorAndCountThreshold() {
        Hyperparameters h = parse("{\"smooth_factor\": 0, \"count_threshold\": 0, \"max_unique_threshold\": 1}");
        assertEquals(0.0, h.smoothFactor());
        assertEquals(0, h.countThreshold());
        assertEquals(1, h.maxUniqueThreshold());
    }

    // ------------------------------------------------------------ refusals

    @Test
    void negativeSmoothFactorIsRefused() {
        assertRefused("{\"smooth_factor\": -0.1}", "smooth_factor", "-0.1");
    }

    @Test
    void textSmoothFactorIsRefused() {
        assertRefused("{\"smooth_factor\": \"0.01\"}", "smooth_factor", "0.01");
    }

    @Test
    void negativeCountThresholdIsRefused() {
        assertRefused("{\"count_threshold\": -1}", "count_threshold", "-1");
    }

    @Test
    void countThresholdAsTextIsRefused() {
        assertRefused("{\"count_threshold\": \"5\"}", "count_threshold", "\"5\"");
    }

    @Test
    void fractionalCountThresholdIsRefused() {
        assertRefused("{\"count_threshold\": 2.5}", "count_threshold", "2.5");
    }

    @Test
    void countThresholdBeyondIntIsRefused() {
        assertRefused("{\"count_threshold\": 3000000000}", "count_threshold", "3000000000");
    }

    @Test
    void zeroMaxUniqueThresholdIsRefused() {
        assertRefused("{\"max_unique_threshold\": 0}", "max_unique_threshold", "0");
    }

    @Test
    void catFieldListThatIsNotAListIsRefused() {
        assertRefused("{\"cat_field_list\": \"color\"}", "cat_field_list", "color");
    }

    @Test
    void catFieldListWithANonStringIsRefused() {
        assertRefused("{\"cat_field_list\": [\"a\", 7]}", "cat_field_list", "7");
    }

    @Test
    void catFieldListWithAnEmptyNameIsRefused() {
        assertRefused("{\"cat_field_list\": [\"a\", \"\"]}", "cat_field_list", "\"\"");
    }

    @Test
    void duplicateFieldsAreRefused() {
        assertRefused("{\"cat_field_list\": [\"color\", \"size\", \"color\"]}", "cat_field_list", "color");
    }

    @Test
    void numericLabelNameIsRefused() {
        assertRefused("{\"label_name\": 3}", "label_name", "3");
    }

    @Test
    void emptyLabelNameIsRefused() {
        assertRefused("{\"label_name\": \"\"}", "label_name", "\"\"");
    }

    @Test
    void notJsonIsRefusedNamingTheSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.parse("smooth_factor=0.1".getBytes(StandardCharsets.UTF_8), "conf/hyperparameters.json"));
        assertTrue(e.getMessage().contains("conf/hyperparameters.json"), e.getMessage());
    }

    @Test
    void aJsonArrayIsRefusedNamingTheSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Hyperparameters.parse("[1]".getBytes(StandardCharsets.UTF_8), "conf/hyperparameters.json"));
        assertTrue(e.getMessage().contains("conf/hyperparameters.json"), e.getMessage());
    }

    @Test
    void trailingContentAfterTheObjectIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"count_threshold\": 3} {\"count_threshold\": 9}"));
        assertTrue(e.getMessage().contains("hp.json"), e.getMessage());
    }

    // --------------------------------------------------------- environment

    @Test
    void environmentOverridesTheFile() {
        Hyperparameters h = parse(FILE).withEnvironment(env(
                "SMOOTH_FACTOR", "0.2", "COUNT_THRESHOLD", "7", "MAX_UNIQUE_THRESHOLD", "50"));
        assertEquals(0.2, h.smoothFactor());
        assertEquals(7, h.countThreshold());
        assertEquals(50, h.maxUniqueThreshold());
        // Not overridable: kept from the file.
        assertEquals("y", h.labelName());
        assertEquals(List.of("a.b", "color"), h.catFieldList());
    }

    @Test
    void environmentOverridesTheDefaults() {
        Hyperparameters h = Hyperparameters.defaults().withEnvironment(env("COUNT_THRESHOLD", "2"));
        assertEquals(2, h.countThreshold());
        assertEquals(0.01, h.smoothFactor());
    }

    @Test
    void environmentOverrideLeavesTheOriginalUnchanged() {
        Hyperparameters file = parse(FILE);
        file.withEnvironment(env("SMOOTH_FACTOR", "0.2"));
        assertEquals(0.5, file.smoothFactor());
    }

    @Test
    void blankEnvironmentValuesAreIgnored() {
        Hyperparameters h = parse(FILE).withEnvironment(env(
                "SMOOTH_FACTOR", "", "COUNT_THRESHOLD", "   ", "MAX_UNIQUE_THRESHOLD", "\t"));
        assertEquals(0.5, h.smoothFactor());
        assertEquals(3, h.countThreshold());
        assertEquals(10, h.maxUniqueThreshold());
    }

    @Test
    void otherEnvironmentVariablesAreIgnored() {
        Hyperparameters h = parse(FILE).withEnvironment(env("smooth_factor", "0.9", "LABEL_NAME", "z", "PATH", "/bin"));
        assertEquals(0.5, h.smoothFactor());
        assertEquals("y", h.labelName());
    }

    @Test
    void unparsableSmoothFactorNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(FILE).withEnvironment(env("SMOOTH_FACTOR", "abc")));
        assertTrue(e.getMessage().contains("SMOOTH_FACTOR"), e.getMessage());
        assertTrue(e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void fractionalCountThresholdInTheEnvironmentNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(FILE).withEnvironment(env("COUNT_THRESHOLD", "1.5")));
        assertTrue(e.getMessage().contains("COUNT_THRESHOLD"), e.getMessage());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void unparsableMaxUniqueThresholdNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(FILE).withEnvironment(env("MAX_UNIQUE_THRESHOLD", "many")));
        assertTrue(e.getMessage().contains("MAX_UNIQUE_THRESHOLD"), e.getMessage());
        assertTrue(e.getMessage().contains("many"), e.getMessage());
    }

    @Test
    void outOfRangeEnvironmentValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse(FILE).withEnvironment(env("COUNT_THRESHOLD", "-1")));
        assertThrows(IllegalArgumentException.class, () -> parse(FILE).withEnvironment(env("MAX_UNIQUE_THRESHOLD", "0")));
        assertThrows(IllegalArgumentException.class, () -> parse(FILE).withEnvironment(env("SMOOTH_FACTOR", "-0.5")));
    }

    @Test
    void outOfRangeEnvironmentValueNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(FILE).withEnvironment(env("COUNT_THRESHOLD", "-1")));
        assertTrue(e.getMessage().contains("COUNT_THRESHOLD"), e.getMessage());
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> parse(FILE).withEnvironment(env("SMOOTH_FACTOR", "NaN")));
        assertTrue(nan.getMessage().contains("SMOOTH_FACTOR"), nan.getMessage());
    }

    // ------------------------------------------------------------- writing

    @Test
    void toJsonWritesTheEffectiveValuesAndKeepsUnknownKeysApart() throws IOException {
        Hyperparameters h = parse("""
                {"count_threshold": 3, "extra": {"nested": [1, "x"]}, "id_name": "id"}""")
                .withEnvironment(env("SMOOTH_FACTOR", "0.2"));
        JsonNode out = MAPPER.readTree(h.toJson());
        assertEquals(MAPPER.readTree("[]"), out.get("cat_field_list"));
        assertEquals("target", out.get("label_name").textValue());
        assertEquals(0.2, out.get("smooth_factor").doubleValue());
        assertEquals(IntNode.valueOf(3), out.get("count_threshold"));
        assertEquals(IntNode.valueOf(100), out.get("max_unique_threshold"));
        assertNull(out.get("extra"), "an unknown key is not written beside the used ones");
        assertNull(out.get("id_name"));
        assertEquals(MAPPER.readTree("{\"extra\": {\"nested\": [1, \"x\"]}, \"id_name\": \"id\"}"), out.get("unknown_keys"));
        assertEquals(MAPPER.readTree("{}"), out.get("numeric_imputation"));
        assertEquals(IntNode.valueOf(0), out.get("num_folds"));
        assertEquals(0L, out.get("fold_seed").longValue());
        assertEquals("risk_table", out.get("encoding").textValue());
        assertEquals(10, out.size());
    }

    @Test
    void unknownKeysAreListedWithTheNearestKnownKey() throws IOException {
        Hyperparameters h = parse("""
                {"smoothing_factor": 0.5, "cat_field_list": ["c"], "model_class": "xgb",
                 "numeric_binning": {"fields": ["age"], "num_bin": 4}}""");
        assertEquals(List.of("smoothing_factor", "model_class", "numeric_binning.num_bin"), h.unknownKeys());
        assertEquals(0.01, h.smoothFactor(), "the typo is not used: the default applies");
        assertEquals("smooth_factor", Hyperparameters.nearestKnownKey("smoothing_factor"));
        assertEquals("count_threshold", Hyperparameters.nearestKnownKey("Count_Treshold"));
        assertEquals("label_name", Hyperparameters.nearestKnownKey("labelname"));
        assertEquals("numeric_binning.num_bins", Hyperparameters.nearestKnownKey("numeric_binning.num_bin"));
        assertNull(Hyperparameters.nearestKnownKey("model_class"), "nothing near: no suggestion");
        assertNull(Hyperparameters.nearestKnownKey("unknown_keys"), "the written key is not suggested");
        JsonNode out = MAPPER.readTree(h.toJson());
        assertEquals(MAPPER.readTree("{\"smoothing_factor\": 0.5, \"model_class\": \"xgb\", \"numeric_binning.num_bin\": 4}"),
                out.get("unknown_keys"));
        assertFalse(out.get("numeric_binning").has("num_bin"));
        // read back (an artifact used as input): nothing is unknown any more, and nothing is lost
        Hyperparameters back = Hyperparameters.parse(h.toJson(), "written.json");
        assertEquals(List.of(), back.unknownKeys());
        assertEquals(out, MAPPER.readTree(back.toJson()));
        assertEquals(List.of(), parse(FILE).unknownKeys());
    }

    @Test
    void imputationAndFoldsAreReadAndValidated() {
        Hyperparameters h = parse("{\"numeric_imputation\": {\"age\": \"median\", \"a.b\": \"mode\"}, \"num_folds\": 5, \"fold_seed\": -3}");
        assertEquals(java.util.List.of("age", "a.b"), java.util.List.copyOf(h.numericImputation().keySet()));
        assertEquals("median", h.numericImputation().get("age"));
        assertEquals(5, h.numFolds());
        assertEquals(-3L, h.foldSeed());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"numeric_imputation\": {\"age\": \"average\"}}"));
        assertTrue(e.getMessage().contains("field 'age' has strategy \"average\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"numeric_imputation\": [\"age\"]}"));
        assertTrue(e.getMessage().contains("numeric_imputation must be an object"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"num_folds\": -2}"));
        assertTrue(e.getMessage().contains("num_folds must be an integer >= 0, got -2"), e.getMessage());
        assertEquals("woe", parse("{\"encoding\": \"woe\"}").encoding());
        Hyperparameters.NumericBinning nb = parse("{\"numeric_binning\": {\"fields\": [\"age\", \"duration\"], \"monotonic\": \"auto\"}}").numericBinning();
        assertEquals(new Hyperparameters.NumericBinning(java.util.List.of("age", "duration"), "quantile", 10, "auto"), nb);
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"numeric_binning\": {\"fields\": [\"age\"], \"method\": \"magic\"}}"));
        assertTrue(e.getMessage().contains("numeric_binning.method must be one of quantile, uniform, kmeans, tree, got \"magic\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"numeric_binning\": {\"fields\": [\"age\"], \"num_bins\": 1}}"));
        assertTrue(e.getMessage().contains("numeric_binning.num_bins must be an integer from 2 to 1000, got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"encoding\": \"onehot\"}"));
        assertTrue(e.getMessage().contains("encoding must be \"risk_table\" or \"woe\", got \"onehot\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"fold_seed\": 1.5}"));
        assertTrue(e.getMessage().contains("fold_seed must be an integer, got 1.5"), e.getMessage());
    }

    @Test
    void toJsonWritesIntegralCountsAsJsonIntegers() throws IOException {
        JsonNode out = MAPPER.readTree(parse("{\"count_threshold\": 7.0}").toJson());
        assertEquals(IntNode.valueOf(7), out.get("count_threshold"));
    }

    @Test
    void toJsonReadsBackToTheSameValues() {
        Hyperparameters h = parse(FILE).withEnvironment(env("COUNT_THRESHOLD", "8"));
        Hyperparameters back = Hyperparameters.parse(h.toJson(), "written.json");
        assertEquals(List.of("a.b", "color"), back.catFieldList());
        assertEquals("y", back.labelName());
        assertEquals(0.5, back.smoothFactor());
        assertEquals(8, back.countThreshold());
        assertEquals(10, back.maxUniqueThreshold());
    }

    @Test
    void getReturnsUnknownKeysAsWritten() {
        assertEquals("id", parse("{\"id_name\": \"id\"}").get("id_name").textValue());
    }
}
