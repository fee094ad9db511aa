package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.artifacts.RiskTable.Mode;

class RiskTableMapCodecJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Map<Object, Double> bins(Object... keysAndValues) {
        Map<Object, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return m;
    }

    /** color (categorical), n (numeric, integral keys), x (numeric, fractional keys). */
    private static RiskTableMap sample() {
        return new RiskTableMap(List.of(
                new RiskTable("color", Mode.CATEGORICAL, 0.25, bins("red", 0.5, "blue", 0.125)),
                new RiskTable("n", Mode.NUMERIC, 0.75, bins(2, 0.375, "1", 0.0625)),
                new RiskTable("x", Mode.NUMERIC, 0.5, bins(2.5, 0.25, -1, 0.625))));
    }

    private static JsonNode tree(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid document with one table whose body is {@code tableBody}. */
    private static byte[] document(String tableBody) {
        return utf8("""
                {"format": "risk_table_map", "format_version": 1,
                 "risk_tables": {"color": %s}}
                """.formatted(tableBody));
    }

    // ------------------------------------------------------------ structure

    @Test
    void rootHoldsFormatVersionAndTables() throws IOException {
        JsonNode root = tree(RiskTableMapCodec.toJson(sample()));
        assertEquals(List.of("format", "format_version", "risk_tables"), fieldNames(root));
        assertEquals("risk_table_map", root.get("format").textValue());
        assertTrue(root.get("format_version").isInt(), "format_version is a JSON integer");
        assertEquals(1, root.get("format_version").intValue());
        assertEquals(List.of("color", "n", "x"), fieldNames(root.get("risk_tables")));
    }

    @Test
    void eachTableHasVarNameTypeModeDefaultBinAndBins() throws IOException {
        JsonNode color = tree(RiskTableMapCodec.toJson(sample())).get("risk_tables").get("color");
        assertEquals(List.of("varName", "type", "mode", "default_bin", "bins"), fieldNames(color));
        assertEquals("color", color.get("varName").textValue());
        assertEquals("categorical", color.get("type").textValue());
        assertEquals("categorical", color.get("mode").textValue());
        assertTrue(color.get("default_bin").isDouble());
        assertEquals(0.25, color.get("default_bin").doubleValue());
        // Bins sorted by key: "blue" < "red".
        assertEquals(List.of("blue", "red"), fieldNames(color.get("bins")));
        assertEquals(0.125, color.get("bins").get("blue").doubleValue());
        assertEquals(0.5, color.get("bins").get("red").doubleValue());
    }

    @Test
    void numericTableSaysNumericButTypeStaysCategorical() throws IOException {
        JsonNode n = tree(RiskTableMapCodec.toJson(sample())).get("risk_tables").get("n");
        assertEquals("categorical", n.get("type").textValue());
        assertEquals("numeric", n.get("mode").textValue());
    }

    @Test
    void integralNumericKeysAreWrittenWithoutFraction() throws IOException {
        JsonNode bins = tree(RiskTableMapCodec.toJson(sample())).get("risk_tables").get("n").get("bins");
        assertEquals(List.of("1", "2"), fieldNames(bins));
        assertEquals(0.0625, bins.get("1").doubleValue());
        assertEquals(0.375, bins.get("2").doubleValue());
    }

    @Test
    void fractionalNumericKeysAreWrittenAsDecimalText() throws IOException {
        JsonNode bins = tree(RiskTableMapCodec.toJson(sample())).get("risk_tables").get("x").get("bins");
        // Sorted numerically: -1 before 2.5. -1 is integral, so it is "-1".
        assertEquals(List.of("-1", "2.5"), fieldNames(bins));
    }

    @Test
    void equalMapsGiveIdenticalBytes() {
        RiskTableMap a = new RiskTableMap(List.of(new RiskTable("c", Mode.CATEGORICAL, 0.1, bins("b", 0.2, "a", 0.3))));
        RiskTableMap b = new RiskTableMap(List.of(new RiskTable("c", Mode.CATEGORICAL, 0.1, bins("a", 0.3, "b", 0.2))));
        assertArrayEquals(RiskTableMapCodec.toJson(a), RiskTableMapCodec.toJson(b));
    }

    // ----------------------------------------------------------- round trip

    @Test
    void roundTripGivesAnEqualMapInTheSameOrder() {
        RiskTableMap m = sample();
        RiskTableMap back = RiskTableMapCodec.fromJson(RiskTableMapCodec.toJson(m), "t.json");
        assertEquals(m, back);
        assertEquals(List.of("color", "n", "x"), List.copyOf(back.tables().keySet()));
    }

    @Test
    void roundTripKeepsDoublesBitIdentical() {
        double[] values = {0.1 + 0.2, 1 / 3.0, 5e-324, Double.MIN_NORMAL, Double.MAX_VALUE, 2.0 / 3.0, 1e-17};
        Map<Object, Double> b = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            b.put("k" + i, values[i]);
        }
        RiskTableMap m = new RiskTableMap(List.of(new RiskTable("c", Mode.CATEGORICAL, 0.1 + 0.2, b)));
        RiskTable back = RiskTableMapCodec.fromJson(RiskTableMapCodec.toJson(m), "t.json").get("c");
        assertEquals(Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(back.defaultBin()));
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back.bins().get("k" + i)),
                    "k" + i + " = " + values[i]);
        }
    }

    @Test
    void roundTripKeepsNumericKeysBitIdentical() {
        double[] keys = {0.1 + 0.2, 1 / 3.0, 5e-324, 1e300, -2.5e-10, 1e17};
        Map<Object, Double> b = new LinkedHashMap<>();
        for (double k : keys) {
            b.put(k, 0.5);
        }
        RiskTableMap m = new RiskTableMap(List.of(new RiskTable("x", Mode.NUMERIC, 0.1, b)));
        RiskTable back = RiskTableMapCodec.fromJson(RiskTableMapCodec.toJson(m), "t.json").get("x");
        for (double k : keys) {
            assertEquals(0.5, back.bins().get(k), "key " + k);
        }
        assertEquals(keys.length, back.bins().size());
    }

    @Test
    void readsAHandWrittenDocument() {
        byte[] json = utf8("""
                {
                  "format": "risk_table_map",
                  "format_version": 1,
                  "risk_tables": {
                    "a.b": {"varName": "a.b", "type": "categorical", "mode": "categorical",
                            "default_bin": 0.2, "bins": {"x": 0.5, " x": 0.25}},
                    "amount": {"varName": "amount", "type": "categorical", "mode": "numeric",
                               "default_bin": 0, "bins": {"1": 0.75, "2.5": 0.125, "-3": 1}}
                  }
                }
                """);
        RiskTableMap expected = new RiskTableMap(List.of(
                new RiskTable("a.b", Mode.CATEGORICAL, 0.2, bins("x", 0.5, " x", 0.25)),
                new RiskTable("amount", Mode.NUMERIC, 0.0, bins(1.0, 0.75, 2.5, 0.125, -3.0, 1.0))));
        assertEquals(expected, RiskTableMapCodec.fromJson(json, "hand.json"));
    }

    @Test
    void varNameMayBeOmitted() {
        RiskTableMap m = RiskTableMapCodec.fromJson(document("""
                {"mode": "categorical", "default_bin": 0.5, "bins": {}}"""), "t.json");
        assertEquals("color", m.get("color").varName());
    }

    /** Python's json module reads the twin and sees the same doubles (Python repr is the shortest exact text). */
    @Test
    void pythonReadsTheSameDoubles(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        RiskTableMap m = new RiskTableMap(List.of(
                new RiskTable("x", Mode.NUMERIC, 0.1 + 0.2, bins(2.5, 1 / 3.0, 1, 5e-324))));
        Path file = dir.resolve("risk_table_map.json");
        Files.write(file, RiskTableMapCodec.toJson(m));
        String out = Python.runText("""
                import json, sys
                t = json.load(open(sys.argv[1]))["risk_tables"]["x"]
                print(repr(t["default_bin"]), sorted((k, repr(v)) for k, v in t["bins"].items()))
                """, file.toString());
        assertEquals("0.30000000000000004 [('1', '5e-324'), ('2.5', '0.3333333333333333')]", out);
    }

    // ------------------------------------------------------------- refusals

    @Test
    void refusesANewerFormatVersionNamingTheFile() {
        byte[] json = utf8("""
                {"format": "risk_table_map", "format_version": 99, "risk_tables": {}}""");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(json, "models/risk_table_map.json"));
        assertTrue(e.getMessage().contains("models/risk_table_map.json"), e.getMessage());
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void acceptsTheCurrentFormatVersion() {
        byte[] json = utf8("""
                {"format": "risk_table_map", "format_version": 1, "risk_tables": {}}""");
        assertEquals(0, RiskTableMapCodec.fromJson(json, "t.json").size());
    }

    @Test
    void refusesNonJsonNamingTheFile() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(utf8("this is not json"), "broken.json"));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
    }

    @Test
    void refusesTruncatedJsonNamingTheFile() {
        byte[] whole = RiskTableMapCodec.toJson(sample());
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(half, "half.json"));
        assertTrue(e.getMessage().contains("half.json"), e.getMessage());
    }

    @Test
    void refusesADuplicateKeyAtEveryLevelNamingIt() {
        String[] docs = {
            """
            {"format": "risk_table_map", "format_version": 1, "format": "risk_table_map", "risk_tables": {}}""",
            """
            {"format": "risk_table_map", "format_version": 1, "risk_tables": {
              "color": {"mode": "categorical", "default_bin": 0.5, "bins": {}},
              "color": {"mode": "categorical", "default_bin": 0.5, "bins": {}}}}""",
            """
            {"format": "risk_table_map", "format_version": 1, "risk_tables": {
              "color": {"mode": "categorical", "mode": "numeric", "default_bin": 0.5, "bins": {}}}}""",
            """
            {"format": "risk_table_map", "format_version": 1, "risk_tables": {
              "color": {"mode": "categorical", "default_bin": 0.5, "bins": {"red": 0.1, "blue": 0.2, "red": 0.3}}}}""",
        };
        String[] named = {"format", "color", "mode", "red"};
        for (int i = 0; i < docs.length; i++) {
            byte[] json = utf8(docs[i]);
            ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                    () -> RiskTableMapCodec.fromJson(json, "dup.json"));
            assertTrue(e.getMessage().startsWith("dup.json: not valid JSON (Duplicate field '" + named[i] + "'"), e.getMessage());
        }
    }

    @Test
    void readsLargeTablesWithEveryBinInOrder() {
        // 50,000 bins written by toJson: read back equal, in the same (sorted) order
        Map<Object, Double> bins = new java.util.TreeMap<>();
        for (int i = 0; i < 50_000; i++) {
            bins.put("k" + i, i / 50_000.0);
        }
        RiskTableMap map = new RiskTableMap(List.of(new RiskTable("big", RiskTable.Mode.CATEGORICAL, 0.25, bins)));
        RiskTableMap back = RiskTableMapCodec.fromJson(RiskTableMapCodec.toJson(map), "big.json");
        assertEquals(map, back);
        assertEquals(List.copyOf(bins.keySet()), List.copyOf(back.get("big").bins().keySet()));
    }

    @Test
    void refusesTrailingContentAfterTheDocument() {
        byte[] json = utf8("""
                {"format": "risk_table_map", "format_version": 1, "risk_tables": {}} garbage""");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(json, "trailing.json"));
        assertTrue(e.getMessage().contains("trailing.json"), e.getMessage());
    }

    @Test
    void refusesAWrongFormatName() {
        byte[] json = utf8("""
                {"format": "impute_dict", "format_version": 1, "risk_tables": {}}""");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(json, "other.json"));
        assertTrue(e.getMessage().contains("other.json"), e.getMessage());
        assertTrue(e.getMessage().contains("format"), e.getMessage());
    }

    @Test
    void refusesANonIntegerFormatVersion() {
        byte[] json = utf8("""
                {"format": "risk_table_map", "format_version": "1", "risk_tables": {}}""");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(json, "v.json"));
        assertTrue(e.getMessage().contains("format_version"), e.getMessage());
    }

    @Test
    void refusesMissingBinsNamingFileAndField() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(document("""
                        {"varName": "color", "type": "categorical", "mode": "categorical", "default_bin": 0.5}"""),
                        "nobins.json"));
        assertTrue(e.getMessage().contains("nobins.json"), e.getMessage());
        assertTrue(e.getMessage().contains("color"), e.getMessage());
        assertTrue(e.getMessage().contains("bins"), e.getMessage());
    }

    @Test
    void refusesANonNumberBinNamingFileFieldAndBin() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(document("""
                        {"varName": "color", "type": "categorical", "mode": "categorical", "default_bin": 0.5,
                         "bins": {"red": "0.5"}}"""), "textbin.json"));
        assertTrue(e.getMessage().contains("textbin.json"), e.getMessage());
        assertTrue(e.getMessage().contains("color"), e.getMessage());
        assertTrue(e.getMessage().contains("red"), e.getMessage());
    }

    @Test
    void refusesAMissingDefaultBin() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(document("""
                        {"varName": "color", "mode": "categorical", "bins": {}}"""), "nodefault.json"));
        assertTrue(e.getMessage().contains("nodefault.json"), e.getMessage());
        assertTrue(e.getMessage().contains("default_bin"), e.getMessage());
    }

    @Test
    void refusesAnUnknownModeNamingFileFieldAndMode() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(document("""
                        {"varName": "color", "type": "categorical", "mode": "weird", "default_bin": 0.5, "bins": {}}"""),
                        "mode.json"));
        assertTrue(e.getMessage().contains("mode.json"), e.getMessage());
        assertTrue(e.getMessage().contains("color"), e.getMessage());
        assertTrue(e.getMessage().contains("weird"), e.getMessage());
    }

    @Test
    void refusesAVarNameDifferentFromItsKey() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(document("""
                        {"varName": "colour", "type": "categorical", "mode": "categorical", "default_bin": 0.5, "bins": {}}"""),
                        "name.json"));
        assertTrue(e.getMessage().contains("name.json"), e.getMessage());
        assertTrue(e.getMessage().contains("color"), e.getMessage());
        assertTrue(e.getMessage().contains("colour"), e.getMessage());
    }

    @Test
    void refusesANonNumericKeyInANumericTable() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(document("""
                        {"varName": "color", "type": "categorical", "mode": "numeric", "default_bin": 0.5,
                         "bins": {"abc": 0.5}}"""), "key.json"));
        assertTrue(e.getMessage().contains("key.json"), e.getMessage());
        assertTrue(e.getMessage().contains("color"), e.getMessage());
        assertTrue(e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void refusesATopLevelArray() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(utf8("[1, 2]"), "array.json"));
        assertTrue(e.getMessage().contains("array.json"), e.getMessage());
    }
}
