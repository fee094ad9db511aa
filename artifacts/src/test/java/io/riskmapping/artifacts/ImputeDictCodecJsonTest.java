package io.riskmapping.artifacts;

import static io.riskmapping.artifacts.ImputeDictTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImputeDictCodecJsonTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid document whose impute_values object is {@code body}. */
    private static byte[] document(String body) {
        return utf8("""
                {"format": "impute_dict", "format_version": 1, "impute_values": %s}""".formatted(body));
    }

    private static ArtifactFormatException refused(byte[] json, String source) {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ImputeDictCodec.fromJson(json, source));
        assertTrue(e.getMessage().contains(source), e.getMessage());
        return e;
    }

    // --------------------------------------------------------------- writing

    @Test
    void writesTheDocumentedTextIndentedLikeRiskTableMapJson() {
        ImputeDict d = new ImputeDict(values("duration", 20.903, "age", 35.0, "a.b", 0.1 + 0.2));
        String expected = """
                {
                  "format" : "impute_dict",
                  "format_version" : 1,
                  "impute_values" : {
                    "duration" : 20.903,
                    "age" : 35.0,
                    "a.b" : 0.30000000000000004
                  }
                }""";
        assertEquals(expected, new String(ImputeDictCodec.toJson(d), StandardCharsets.UTF_8));
    }

    @Test
    void writesAnEmptyDict() {
        String expected = """
                {
                  "format" : "impute_dict",
                  "format_version" : 1,
                  "impute_values" : { }
                }""";
        assertEquals(expected, new String(ImputeDictCodec.toJson(new ImputeDict(Map.of())), StandardCharsets.UTF_8));
        assertEquals(new ImputeDict(Map.of()), ImputeDictCodec.fromJson(utf8(expected), "empty.json"));
    }

    @Test
    void equalDictsGiveIdenticalBytes() {
        assertArrayEquals(ImputeDictCodec.toJson(new ImputeDict(values("a", 1.5, "b", 2.0))),
                ImputeDictCodec.toJson(new ImputeDict(values("a", 1.5, "b", 2.0))));
    }

    // ------------------------------------------------------------ round trip

    @Test
    void roundTripKeepsOrderAndDoublesBitIdentical() {
        double[] v = {0.1 + 0.2, 1 / 3.0, 5e-324, Double.MIN_NORMAL, Double.MAX_VALUE, -0.0, 1e17, -2.5e-10};
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (int i = v.length - 1; i >= 0; i--) {
            m.put("c" + i, v[i]);
        }
        ImputeDict d = new ImputeDict(m);
        ImputeDict back = ImputeDictCodec.fromJson(ImputeDictCodec.toJson(d), "t.json");
        assertEquals(d, back);
        assertEquals(d.columns(), back.columns());
        for (int i = 0; i < v.length; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back.get("c" + i)), "c" + i + " = " + v[i]);
        }
    }

    @Test
    void readsAHandWrittenDocumentWithIntegerValues() {
        byte[] json = utf8("""
                {
                  "format": "impute_dict",
                  "format_version": 1,
                  "impute_values": {"age": 35, "credit_amount": 3271.258, "big": 1180591620717411303424, "neg": -1e-3}
                }
                """);
        ImputeDict expected = new ImputeDict(values("age", 35.0, "credit_amount", 3271.258, "big", Math.scalb(1.0, 70), "neg", -0.001));
        ImputeDict d = ImputeDictCodec.fromJson(json, "hand.json");
        assertEquals(expected, d);
        assertEquals(List.of("age", "credit_amount", "big", "neg"), d.columns());
    }

    @Test
    void acceptsOlderVersionsAndIgnoresUnknownKeys() {
        byte[] json = utf8("""
                {"format": "impute_dict", "format_version": 0, "strategy": "mean", "impute_values": {"x": 1.5}}""");
        assertEquals(new ImputeDict(values("x", 1.5)), ImputeDictCodec.fromJson(json, "old.json"));
    }

    /** Python's json module reads the file and sees the same doubles in the same order. */
    @Test
    void pythonReadsTheSameDoubles(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        Path file = dir.resolve(ImputeDictCodec.JSON_FILE);
        Files.write(file, ImputeDictCodec.toJson(new ImputeDict(values("z", 0.1 + 0.2, "age", 35.0, "tiny", 5e-324))));
        String out = Python.runText("""
                import json, sys
                d = json.load(open(sys.argv[1]))["impute_values"]
                print([(k, type(v).__name__, repr(v)) for k, v in d.items()])
                """, file.toString());
        assertEquals("[('z', 'float', '0.30000000000000004'), ('age', 'float', '35.0'), ('tiny', 'float', '5e-324')]", out);
    }

    // -------------------------------------------------------------- refusals

    @Test
    void refusesANewerFormatVersionNamingTheFile() {
        ArtifactFormatException e = refused(utf8("""
                {"format": "impute_dict", "format_version": 2, "impute_values": {}}"""), "models/impute_dict.json");
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        assertTrue(e.getMessage().contains("2"), e.getMessage());
    }

    @Test
    void refusesTrailingContent() {
        refused(utf8("""
                {"format": "impute_dict", "format_version": 1, "impute_values": {}} {}"""), "trailing.json");
    }

    @Test
    void refusesNonJsonAndTruncatedJson() {
        refused(utf8("not json"), "broken.json");
        byte[] whole = ImputeDictCodec.toJson(new ImputeDict(values("age", 35.0)));
        refused(Arrays.copyOf(whole, whole.length / 2), "half.json");
        refused(new byte[0], "empty.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"35\"", "null", "true", "[35]", "{\"v\": 35}"})
    void refusesANonNumberValueNamingFileAndColumn(String value) {
        ArtifactFormatException e = refused(document("{\"ok\": 1.0, \"credit_amount\": " + value + "}"), "text.json");
        assertTrue(e.getMessage().contains("credit_amount"), e.getMessage());
        assertTrue(e.getMessage().contains("number"), e.getMessage());
    }

    @Test
    void refusesAValueThatOverflowsNamingTheColumn() {
        ArtifactFormatException e = refused(document("{\"age\": 1e999}"), "inf.json");
        assertTrue(e.getMessage().contains("age"), e.getMessage());
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void refusesNaNTokens() {
        refused(document("{\"age\": NaN}"), "nan.json");
    }

    @Test
    void refusesADuplicateColumn() {
        ArtifactFormatException e = refused(document("{\"age\": 35, \"age\": 36}"), "dup.json");
        assertTrue(e.getMessage().contains("age"), e.getMessage());
    }

    @Test
    void refusesAWrongFormatName() {
        ArtifactFormatException e = refused(utf8("""
                {"format": "risk_table_map", "format_version": 1, "impute_values": {}}"""), "other.json");
        assertTrue(e.getMessage().contains("format"), e.getMessage());
    }

    @Test
    void refusesARiskTableMapFile() {
        RiskTableMap tables = new RiskTableMap(List.of(new RiskTable("c", RiskTable.Mode.CATEGORICAL, 0.5, Map.of("a", 0.25))));
        refused(RiskTableMapCodec.toJson(tables), "risk_table_map.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "1.5", "null", "2147483648"})
    void refusesANonIntegerFormatVersion(String version) {
        ArtifactFormatException e = refused(utf8("""
                {"format": "impute_dict", "format_version": %s, "impute_values": {}}""".formatted(version)), "v.json");
        assertTrue(e.getMessage().contains("format_version"), e.getMessage());
    }

    @Test
    void refusesMissingOrNonObjectImputeValues() {
        ArtifactFormatException missing = refused(utf8("""
                {"format": "impute_dict", "format_version": 1}"""), "none.json");
        assertTrue(missing.getMessage().contains("impute_values"), missing.getMessage());
        ArtifactFormatException list = refused(document("[[\"age\", 35]]"), "list.json");
        assertTrue(list.getMessage().contains("impute_values"), list.getMessage());
    }

    @Test
    void refusesATopLevelArray() {
        refused(utf8("[1, 2]"), "array.json");
    }
}
