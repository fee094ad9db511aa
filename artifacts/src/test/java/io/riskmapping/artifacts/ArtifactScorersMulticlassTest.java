package io.riskmapping.artifacts;

import static io.riskmapping.artifacts.ImputeDictTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.artifacts.RiskTable.Mode;

/**
 * {@link ArtifactScorers} with multiclass risk tables ({@link MulticlassRiskTablesCodecTest#sample()}:
 * classes bad, good, neutral; purpose categorical with a null bin in class good; n numeric), and
 * {@code save}/{@code load} of every kind of artifacts folder.
 */
class ArtifactScorersMulticlassTest {

    /** n imputes 2.0: its risks are then bad 0.375, good 0.4375, neutral 0.1875. */
    private static final ImputeDict IMPUTE = new ImputeDict(values("n", 2.0));

    private static final ArtifactScorers SCORERS = ArtifactScorers.of(MulticlassRiskTablesCodecTest.sample(), IMPUTE);

    private static Map<String, Object> record(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------- score

    @Test
    void aFieldBecomesOneEntryPerClassAtItsPlaceAfterImputation() {
        Map<String, Object> out = SCORERS.score(record("id", "7", "purpose", "tv", "n", null, "class", "good"));
        assertEquals(List.of("id", "purpose_bad", "purpose_good", "purpose_neutral", "n_bad", "n_good", "n_neutral", "class"),
                new ArrayList<>(out.keySet()));
        assertEquals(record("id", "7", "purpose_bad", 0.125, "purpose_good", 0.75, "purpose_neutral", 0.125,
                "n_bad", 0.375, "n_good", 0.4375, "n_neutral", 0.1875, "class", "good"), out);
    }

    @Test
    void anAbsentFieldIsScoredAsNullAndAppended() {
        // purpose absent: bad and neutral have no null bin (default_bin), good has 0.625
        Map<String, Object> out = SCORERS.score(record("n", "1.0", "x", 1));
        assertEquals(List.of("n_bad", "n_good", "n_neutral", "x", "purpose_bad", "purpose_good", "purpose_neutral"),
                new ArrayList<>(out.keySet()));
        assertEquals(record("n_bad", 0.25, "n_good", 0.5, "n_neutral", 0.25, "x", 1,
                "purpose_bad", 0.3, "purpose_good", 0.625, "purpose_neutral", 0.2), out);
    }

    @Test
    void unseenEmptyAndImputedValuesPerClass() {
        // unseen: each class's default_bin
        assertEquals(record("purpose_bad", 0.3, "purpose_good", 0.5, "purpose_neutral", 0.2, "n_bad", 0.3, "n_good", 0.5,
                "n_neutral", 0.2), SCORERS.score(record("purpose", "boat", "n", "abc")));
        // "" is the null category where the class has one (good), else unseen; spaces-only n is imputed 2
        assertEquals(record("purpose_bad", 0.3, "purpose_good", 0.625, "purpose_neutral", 0.2, "n_bad", 0.375, "n_good", 0.4375,
                "n_neutral", 0.1875), SCORERS.score(record("purpose", "", "n", "  ")));
    }

    @Test
    void beforeACategoricalTableTheImputedValueIsItsText() {
        MulticlassRiskTables t = new MulticlassRiskTables(List.of("0", "1"), List.of(
                new RiskTableMap(List.of(new RiskTable("k", Mode.CATEGORICAL, 0.5, MulticlassRiskTablesCodecTest.bins("3", 0.25)))),
                new RiskTableMap(List.of(new RiskTable("k", Mode.CATEGORICAL, 0.5, MulticlassRiskTablesCodecTest.bins("3", 0.75))))));
        ArtifactScorers s = ArtifactScorers.of(t, new ImputeDict(values("k", 3.0)));
        assertEquals(record("k_0", 0.25, "k_1", 0.75), s.score(record("k", null)));
    }

    @Test
    void accessors() {
        assertSame(SCORERS.multiclassTables(), SCORERS.multiclassTables());
        assertEquals(MulticlassRiskTablesCodecTest.sample(), SCORERS.multiclassTables());
        assertEquals(0, SCORERS.riskTables().size());
        assertTrue(SCORERS.riskScorers().isEmpty());
        assertEquals(IMPUTE, SCORERS.imputeDict());
        assertNull(ArtifactScorers.of(new RiskTableMap(List.of()), null).multiclassTables());
        assertThrows(NullPointerException.class, () -> ArtifactScorers.of((MulticlassRiskTables) null, null));
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(SCORERS);
        }
        ArtifactScorers back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ArtifactScorers) in.readObject();
        }
        assertEquals(SCORERS, back);
        assertEquals(record("purpose_bad", 0.5, "purpose_good", 0.25, "purpose_neutral", 0.25, "n_bad", 0.375, "n_good", 0.4375,
                "n_neutral", 0.1875), back.score(record("purpose", "car", "n", 2)));
    }

    // ------------------------------------------------------------ save/load

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertBytes(byte[] expected, Path file) throws IOException {
        assertArrayEquals(expected, Files.readAllBytes(file), file.getFileName().toString());
    }

    @Test
    void multiclassSaveThenLoad(@TempDir Path dir) throws IOException {
        SCORERS.save(dir);
        assertEquals(List.of("impute_dict.json", "impute_dict.pkl", "risk_table_map.json", "risk_table_map.pkl"), files(dir));
        assertBytes(MulticlassRiskTablesCodec.toJson(SCORERS.multiclassTables()), dir.resolve("risk_table_map.json"));
        assertBytes(MulticlassRiskTablesCodec.toPickle(SCORERS.multiclassTables()), dir.resolve("risk_table_map.pkl"));
        assertBytes(ImputeDictCodec.toJson(IMPUTE), dir.resolve("impute_dict.json"));
        assertBytes(ImputeDictCodec.toPickle(IMPUTE), dir.resolve("impute_dict.pkl"));
        assertEquals(SCORERS, ArtifactScorers.load(dir));
        // the pickles alone give the same scorers
        Files.delete(dir.resolve("risk_table_map.json"));
        Files.delete(dir.resolve("impute_dict.json"));
        assertEquals(SCORERS, ArtifactScorers.load(dir));
    }

    @Test
    void binarySaveWritesEveryArtifactItHoldsThenLoad(@TempDir Path dir) throws IOException {
        RiskTableMap tables = MulticlassRiskTablesCodecTest.sample().forClass("good");
        NumericBins bins = BinsAndWoePicklesTest.bins();
        WoeTableMap woe = BinsAndWoePicklesTest.woe();
        ArtifactScorers s = ArtifactScorers.of(tables, IMPUTE, bins, woe);
        s.save(dir);
        assertEquals(List.of("impute_dict.json", "impute_dict.pkl", "numeric_bins.json", "numeric_bins.pkl",
                "risk_table_map.json", "risk_table_map.pkl", "woe_table_map.json", "woe_table_map.pkl"), files(dir));
        assertBytes(RiskTableMapCodec.toJson(tables), dir.resolve("risk_table_map.json"));
        assertBytes(RiskTableMapCodec.toPickle(tables), dir.resolve("risk_table_map.pkl"));
        assertBytes(ImputeDictCodec.toJson(IMPUTE), dir.resolve("impute_dict.json"));
        assertBytes(ImputeDictCodec.toPickle(IMPUTE), dir.resolve("impute_dict.pkl"));
        assertBytes(NumericBinsCodec.toJson(bins), dir.resolve("numeric_bins.json"));
        assertBytes(NumericBinsCodec.toPickle(bins), dir.resolve("numeric_bins.pkl"));
        assertBytes(WoeTableMapCodec.toJson(woe), dir.resolve("woe_table_map.json"));
        assertBytes(WoeTableMapCodec.toPickle(woe), dir.resolve("woe_table_map.pkl"));
        ArtifactScorers back = ArtifactScorers.load(dir);
        assertEquals(s, back);
        assertNull(back.multiclassTables());
    }

    @Test
    void woeSaveWithoutRiskTablesThenLoad(@TempDir Path dir) throws IOException {
        ArtifactScorers s = ArtifactScorers.of(new RiskTableMap(List.of()), null, BinsAndWoePicklesTest.bins(),
                BinsAndWoePicklesTest.woe());
        s.save(dir);
        assertEquals(List.of("numeric_bins.json", "numeric_bins.pkl", "woe_table_map.json", "woe_table_map.pkl"), files(dir));
        assertEquals(s, ArtifactScorers.load(dir));
    }

    @Test
    void aBrokenMulticlassFileNamesItsPath(@TempDir Path dir) throws IOException {
        SCORERS.save(dir);
        Path json = dir.resolve("risk_table_map.json");
        Files.writeString(json, Files.readString(json).replace("\"tv\" : 0.75", "\"tv\" : \"high\""));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ArtifactScorers.load(dir));
        assertEquals(json + ": field 'purpose', class 'good': bin 'tv' must be a number", e.getMessage());
    }

    // --------------------------------------------------------- Python consumer

    /** The folder of {@code python/risk_table_artifacts.py}: {@code python/} of the repository above the working folder. */
    private static Path pythonFolder() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("python/risk_table_artifacts.py"))) {
                return d.resolve("python");
            }
        }
        throw new AssertionError("python/risk_table_artifacts.py not found above " + Path.of("").toAbsolutePath());
    }

    /** python/risk_table_artifacts.py maps CSV-like records (text, '' for null) as {@link ArtifactScorers#score} does. */
    @Test
    void thePythonConsumerMapsRecordsAsTheJavaScorer(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        SCORERS.save(dir);
        List<Map<String, Object>> records = List.of(
                record("id", "7", "purpose", "tv", "n", "", "class", "good"),
                record("purpose", "", "n", "1.0", "class", "bad"),
                record("purpose", "boat", "n", "abc", "class", ""),
                record("class", "x", "n", "  ", "purpose", "car"));
        ObjectMapper json = new ObjectMapper();
        String script = """
                import json, sys
                sys.path.insert(0, sys.argv[1])
                import risk_table_artifacts
                for prefer_pickle in (False, True):
                    a = risk_table_artifacts.load(sys.argv[2], prefer_pickle=prefer_pickle)
                    for record in json.loads(sys.argv[3]):
                        print(json.dumps(list(a.transform_record(record).items())))
                """;
        String[] lines = Python.runText(script, pythonFolder().toString(), dir.toString(), json.writeValueAsString(records))
                .split("\n");
        assertEquals(2 * records.size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            List<List<Object>> expected = new ArrayList<>();
            SCORERS.score(records.get(i % records.size())).forEach((k, v) -> expected.add(List.of(k, v)));
            JsonNode python = json.readTree(lines[i]);
            assertEquals(json.valueToTree(expected), python, "record " + (i % records.size()) + (i < records.size() ? " (JSON)" : " (pickle)"));
        }
    }
}
