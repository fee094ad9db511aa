package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable.Mode;

/** The multiclass {@code risk_table_map} files: layout, round trips, refusals, and Python's view of the pickle. */
class MulticlassRiskTablesCodecTest {

    static Map<Object, Double> bins(Object... keysAndValues) {
        Map<Object, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return m;
    }

    /**
     * Classes bad, good, neutral; fields purpose (categorical; class good has a null bin) and n
     * (numeric mode, integer keys).
     */
    static MulticlassRiskTables sample() {
        return new MulticlassRiskTables(List.of("bad", "good", "neutral"), List.of(
                new RiskTableMap(List.of(
                        new RiskTable("purpose", Mode.CATEGORICAL, 0.3, bins("tv", 0.125, "car", 0.5)),
                        new RiskTable("n", Mode.NUMERIC, 0.3, bins(2, 0.375, 1, 0.25)))),
                new RiskTableMap(List.of(
                        new RiskTable("purpose", Mode.CATEGORICAL, 0.5, bins("car", 0.25, "tv", 0.75), 0.625),
                        new RiskTable("n", Mode.NUMERIC, 0.5, bins(1, 0.5, 2, 0.4375)))),
                new RiskTableMap(List.of(
                        new RiskTable("purpose", Mode.CATEGORICAL, 0.2, bins("car", 0.25, "tv", 0.125)),
                        new RiskTable("n", Mode.NUMERIC, 0.2, bins(1, 0.25, 2, 0.1875))))));
    }

    private static final String SAMPLE_JSON = """
            {
              "format" : "risk_table_map",
              "format_version" : 3,
              "target_type" : "multiclass",
              "classes" : [ "bad", "good", "neutral" ],
              "risk_tables" : {
                "purpose" : {
                  "varName" : "purpose",
                  "type" : "categorical",
                  "mode" : "categorical",
                  "target_type" : "multiclass",
                  "classes" : [ "bad", "good", "neutral" ],
                  "class_tables" : {
                    "bad" : {
                      "default_bin" : 0.3,
                      "bins" : {
                        "car" : 0.5,
                        "tv" : 0.125
                      }
                    },
                    "good" : {
                      "default_bin" : 0.5,
                      "null_bin" : 0.625,
                      "bins" : {
                        "car" : 0.25,
                        "tv" : 0.75
                      }
                    },
                    "neutral" : {
                      "default_bin" : 0.2,
                      "bins" : {
                        "car" : 0.25,
                        "tv" : 0.125
                      }
                    }
                  }
                },
                "n" : {
                  "varName" : "n",
                  "type" : "categorical",
                  "mode" : "numeric",
                  "target_type" : "multiclass",
                  "classes" : [ "bad", "good", "neutral" ],
                  "class_tables" : {
                    "bad" : {
                      "default_bin" : 0.3,
                      "bins" : {
                        "1" : 0.25,
                        "2" : 0.375
                      }
                    },
                    "good" : {
                      "default_bin" : 0.5,
                      "bins" : {
                        "1" : 0.5,
                        "2" : 0.4375
                      }
                    },
                    "neutral" : {
                      "default_bin" : 0.2,
                      "bins" : {
                        "1" : 0.25,
                        "2" : 0.1875
                      }
                    }
                  }
                }
              }
            }""";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ JSON

    @Test
    void jsonIsTheDocumentedLayout() {
        assertEquals(SAMPLE_JSON, new String(MulticlassRiskTablesCodec.toJson(sample()), StandardCharsets.UTF_8));
    }

    @Test
    void writeJsonAndWritePickleGiveTheSameBytesAsToJsonAndToPickle() throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        MulticlassRiskTablesCodec.writeJson(sample(), json);
        assertArrayEquals(MulticlassRiskTablesCodec.toJson(sample()), json.toByteArray());
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        MulticlassRiskTablesCodec.writePickle(sample(), pickle);
        assertArrayEquals(MulticlassRiskTablesCodec.toPickle(sample()), pickle.toByteArray());
    }

    @Test
    void jsonRoundTrip() {
        MulticlassRiskTables back = MulticlassRiskTablesCodec.fromJson(utf8(SAMPLE_JSON), "risk_table_map.json");
        assertEquals(sample(), back);
        assertEquals(List.of("bad", "good", "neutral"), back.classes());
        assertEquals(List.of("purpose", "n"), back.fields());
        assertEquals(0.625, back.get("purpose", "good").nullBin());
        assertEquals(null, back.get("purpose", "bad").nullBin());
        assertEquals(0.4375, back.get("n", "good").bins().get(2.0));
        assertEquals(SAMPLE_JSON, new String(MulticlassRiskTablesCodec.toJson(back), StandardCharsets.UTF_8));
    }

    @Test
    void aNewerFormatVersionIsRefused() {
        byte[] v4 = utf8(SAMPLE_JSON.replace("\"format_version\" : 3", "\"format_version\" : 4"));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromJson(v4, "m/risk_table_map.json"));
        assertEquals("m/risk_table_map.json: format_version 4 is newer than this version reads (3); upgrade risk-table-mapping",
                e.getMessage());
    }

    private static final String HOLDS_MULTICLASS = ": holds multiclass risk tables (target_type \"multiclass\", format_version 3);"
            + " read it with MulticlassRiskTablesCodec or ArtifactScorers.load";

    @Test
    void theBinaryCodecRefusesTheMulticlassJsonSayingSo() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(utf8(SAMPLE_JSON), "m/risk_table_map.json"));
        assertEquals("m/risk_table_map.json" + HOLDS_MULTICLASS, e.getMessage());
    }

    @Test
    void theBinaryCodecRefusesTheMulticlassPickleSayingSo() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(MulticlassRiskTablesCodec.toPickle(sample()), "m/risk_table_map.pkl"));
        assertEquals("m/risk_table_map.pkl" + HOLDS_MULTICLASS, e.getMessage());
    }

    @Test
    void theMulticlassCodecRefusesBinaryFilesSayingSo() {
        RiskTableMap binary = sample().forClass("good");
        String says = ": holds binary risk tables (no \"target_type\": \"multiclass\"); read it with RiskTableMapCodec or ArtifactScorers.load";
        assertEquals("b.json" + says, assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromJson(RiskTableMapCodec.toJson(binary), "b.json")).getMessage());
        assertEquals("b.pkl" + says, assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromPickle(RiskTableMapCodec.toPickle(binary), "b.pkl")).getMessage());
    }

    @Test
    void recognisesMulticlassFiles() {
        RiskTableMap binary = sample().forClass("bad");
        assertTrue(MulticlassRiskTablesCodec.isMulticlassJson(MulticlassRiskTablesCodec.toJson(sample())));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassJson(RiskTableMapCodec.toJson(binary)));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassJson(utf8("{\"target_type\": \"multiclass\"")));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassJson(utf8("[1, 2]")));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassJson(ImputeDictCodec.toJson(new ImputeDict(Map.of("a", 1.0)))));
        assertTrue(MulticlassRiskTablesCodec.isMulticlassPickle(MulticlassRiskTablesCodec.toPickle(sample())));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassPickle(RiskTableMapCodec.toPickle(binary)));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassPickle(utf8("not a pickle")));
        assertFalse(MulticlassRiskTablesCodec.isMulticlassPickle(MulticlassRiskTablesCodec.toJson(sample())));
    }

    @Test
    void aFieldWhoseClassTablesLackAClassIsRefusedNamingIt() {
        String noNeutral = SAMPLE_JSON.replaceFirst("(?s),\\s*\"neutral\" : \\{[^}]*\\{[^}]*\\}\\s*\\}", "");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromJson(utf8(noNeutral), "m.json"));
        assertEquals("m.json: field 'purpose': class_tables has the classes [bad, good], expected [bad, good, neutral]",
                e.getMessage());
    }

    @Test
    void aFieldWithOtherClassesIsRefusedNamingIt() {
        String other = SAMPLE_JSON.replaceFirst("\"classes\" : \\[ \"bad\", \"good\", \"neutral\" \\],\\s*\"class_tables\"",
                "\"classes\" : [ \"bad\", \"good\" ], \"class_tables\"");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromJson(utf8(other), "m.json"));
        assertEquals("m.json: field 'purpose': classes [bad, good] differ from the file's [bad, good, neutral]", e.getMessage());
    }

    @Test
    void aBadBinNamesTheFieldAndTheClass() {
        String bad = SAMPLE_JSON.replace("\"tv\" : 0.75", "\"tv\" : \"high\"");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromJson(utf8(bad), "m.json"));
        assertEquals("m.json: field 'purpose', class 'good': bin 'tv' must be a number", e.getMessage());
    }

    // ---------------------------------------------------------------- pickle

    @Test
    void pickleRoundTrip() {
        byte[] pickle = MulticlassRiskTablesCodec.toPickle(sample());
        MulticlassRiskTables back = MulticlassRiskTablesCodec.fromPickle(pickle, "risk_table_map.pkl");
        assertEquals(sample(), back);
        assertArrayEquals(pickle, MulticlassRiskTablesCodec.toPickle(back), "deterministic");
    }

    @Test
    void aPickleWithoutFieldsIsRefused() {
        byte[] empty = RiskTableMapCodec.toPickle(new RiskTableMap(List.of()));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> MulticlassRiskTablesCodec.fromPickle(empty, "e.pkl"));
        assertEquals("e.pkl: holds no fields, so no classes: not multiclass risk tables", e.getMessage());
    }

    /** Python's pickle.load gives plain dicts, lists, str, int and float, in the documented layout. */
    @Test
    void pythonLoadsThePickleIntoPlainData(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        Path file = dir.resolve("risk_table_map.pkl");
        Files.write(file, MulticlassRiskTablesCodec.toPickle(sample()));
        String script = """
                import pickle, sys
                d = pickle.load(open(sys.argv[1], "rb"))
                assert type(d) is dict
                for field, entry in d.items():
                    print(repr(field), repr(entry))
                """;
        String expected = String.join("\n",
                "'purpose' {'varName': 'purpose', 'type': 'categorical', 'mode': 'categorical', 'target_type': 'multiclass', "
                        + "'classes': ['bad', 'good', 'neutral'], 'class_tables': {"
                        + "'bad': {'default_bin': 0.3, 'bins': {'car': 0.5, 'tv': 0.125}}, "
                        + "'good': {'default_bin': 0.5, 'bins': {'car': 0.25, 'tv': 0.75, None: 0.625}}, "
                        + "'neutral': {'default_bin': 0.2, 'bins': {'car': 0.25, 'tv': 0.125}}}}",
                "'n' {'varName': 'n', 'type': 'categorical', 'mode': 'numeric', 'target_type': 'multiclass', "
                        + "'classes': ['bad', 'good', 'neutral'], 'class_tables': {"
                        + "'bad': {'default_bin': 0.3, 'bins': {1: 0.25, 2: 0.375}}, "
                        + "'good': {'default_bin': 0.5, 'bins': {1: 0.5, 2: 0.4375}}, "
                        + "'neutral': {'default_bin': 0.2, 'bins': {1: 0.25, 2: 0.1875}}}}");
        assertEquals(expected, Python.runText(script, file.toString()));
    }
}
