package io.riskmapping.artifacts;

import static io.riskmapping.artifacts.ImputeDictTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable.Mode;

class ArtifactScorersTest {

    private static Map<Object, Double> bins(Object... keysAndValues) {
        Map<Object, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return m;
    }

    /** Builds a record map that allows nulls, in the given key order. */
    private static Map<String, Object> record(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static final double COLOR_DEFAULT = 0.1;
    private static final double AMOUNT_DEFAULT = 0.2;

    /** color: categorical; amount: numeric (risk of 2.0 is 0.375). */
    private static final RiskTableMap TABLES = new RiskTableMap(List.of(
            new RiskTable("color", Mode.CATEGORICAL, COLOR_DEFAULT, bins("red", 0.5, "blue", 0.25, "1", 0.75)),
            new RiskTable("amount", Mode.NUMERIC, AMOUNT_DEFAULT, bins(1.0, 0.125, 2.0, 0.375, 2.5, 0.625))));

    /** amount (also a risk field) imputes 2.0; age (impute only) imputes 35.5. */
    private static final ImputeDict IMPUTE = new ImputeDict(values("age", 35.5, "amount", 2.0));

    private static final ArtifactScorers SCORERS = ArtifactScorers.of(TABLES, IMPUTE);

    // ------------------------------------------------------------ accessors

    @Test
    void exposesTablesDictAndScorersInOrder() {
        assertSame(TABLES, SCORERS.riskTables());
        assertSame(IMPUTE, SCORERS.imputeDict());
        assertEquals(List.of("color", "amount"), List.copyOf(SCORERS.riskScorers().keySet()));
        assertEquals(List.of("age", "amount"), List.copyOf(SCORERS.imputeScorers().keySet()));
        assertEquals(TABLES.get("amount"), SCORERS.risk("amount").table());
        assertEquals(new ImputeScorer("age", 35.5), SCORERS.impute("age"));
        assertThrows(UnsupportedOperationException.class, () -> SCORERS.riskScorers().clear());
        assertThrows(UnsupportedOperationException.class, () -> SCORERS.imputeScorers().clear());
    }

    @Test
    void riskOfAnUnknownFieldNamesItAndListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SCORERS.risk("colour"));
        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
        assertTrue(e.getMessage().contains("[color, amount]"), e.getMessage());
        // age has an impute value but no risk table.
        IllegalArgumentException age = assertThrows(IllegalArgumentException.class, () -> SCORERS.risk("age"));
        assertTrue(age.getMessage().contains("'age'"), age.getMessage());
    }

    @Test
    void imputeOfAnUnknownColumnNamesItAndListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SCORERS.impute("color"));
        assertTrue(e.getMessage().contains("'color'"), e.getMessage());
        assertTrue(e.getMessage().contains("[age, amount]"), e.getMessage());
    }

    @Test
    void withoutAnImputeDict() {
        ArtifactScorers s = ArtifactScorers.of(TABLES, null);
        assertNull(s.imputeDict());
        assertTrue(s.imputeScorers().isEmpty());
        assertEquals(AMOUNT_DEFAULT, s.score(record("amount", null)).get("amount"));
    }

    @Test
    void refusesNullTables() {
        assertThrows(NullPointerException.class, () -> ArtifactScorers.of((RiskTableMap) null, IMPUTE));
    }

    // ---------------------------------------------------------------- score

    @Test
    void imputationComesBeforeTheRiskLookup() {
        // A null numeric field with a numeric-mode table and an impute value of 2.0 gets the risk of category 2.0.
        Map<String, Object> out = SCORERS.score(record("amount", null));
        assertEquals(0.375, out.get("amount"));
        for (Object missing : Arrays.asList(Double.NaN, Float.NaN, Double.POSITIVE_INFINITY, "", "  ")) {
            assertEquals(0.375, SCORERS.score(record("amount", missing)).get("amount"), () -> "missing value " + missing);
        }
        // Without the impute value, the same null gets the default bin.
        assertEquals(AMOUNT_DEFAULT, ArtifactScorers.of(TABLES, null).score(record("amount", null)).get("amount"));
    }

    /**
     * Before a categorical-mode table the imputed value is its text, as the batch imputer writes it
     * into a text column ("35", "35.5"): the category the batch job then looks up.
     */
    @Test
    void beforeACategoricalTableTheImputedValueIsItsText() {
        RiskTableMap grades = new RiskTableMap(List.of(
                new RiskTable("grade", Mode.CATEGORICAL, 0.5, bins("35", 0.875, "35.0", 0.125, "2.5", 0.75, "abc", 0.25))));
        ArtifactScorers integral = ArtifactScorers.of(grades, new ImputeDict(values("grade", 35.0)));
        assertEquals(0.875, integral.score(record("grade", null)).get("grade"));
        assertEquals(0.875, integral.score(record("grade", "")).get("grade"));
        assertEquals(0.25, integral.score(record("grade", "abc")).get("grade"));
        ArtifactScorers fraction = ArtifactScorers.of(grades, new ImputeDict(values("grade", 2.5)));
        assertEquals(0.75, fraction.score(record("grade", null)).get("grade"));
        // Without a risk table the imputed value stays a Double.
        assertEquals(35.0, ArtifactScorers.of(new RiskTableMap(List.of()), new ImputeDict(values("grade", 35.0)))
                .score(record("grade", null)).get("grade"));
    }

    @Test
    void whiteSpaceOtherThanSpacesIsNotImputedAsInTheBatchJob() {
        assertEquals(AMOUNT_DEFAULT, SCORERS.score(record("amount", "\t")).get("amount"));
        assertEquals(AMOUNT_DEFAULT, SCORERS.score(record("amount", "\u00a0")).get("amount"));
    }

    @Test
    void presentValuesAreNotImputed() {
        assertEquals(0.125, SCORERS.score(record("amount", "1")).get("amount"));
        assertEquals(0.625, SCORERS.score(record("amount", 2.5)).get("amount"));
        // Present but not a number: not imputed, so the numeric table gives its default.
        assertEquals(AMOUNT_DEFAULT, SCORERS.score(record("amount", "abc")).get("amount"));
        assertEquals(AMOUNT_DEFAULT, SCORERS.score(record("amount", 7)).get("amount"));
    }

    @Test
    void scoresAWholeRecordKeepingItsOrderAndOtherFields() {
        Object id = new StringBuilder("r1");
        Map<String, Object> in = record("id", id, "amount", null, "color", "red", "age", null, "label", 1);
        Map<String, Object> out = SCORERS.score(in);
        assertEquals(List.of("id", "amount", "color", "age", "label"), new ArrayList<>(out.keySet()));
        assertSame(id, out.get("id"));
        assertEquals(0.375, out.get("amount"));
        assertEquals(0.5, out.get("color"));
        assertEquals(35.5, out.get("age"));
        assertEquals(1, out.get("label"));
        assertInstanceOf(LinkedHashMap.class, out);
    }

    @Test
    void doesNotChangeTheRecord() {
        Map<String, Object> in = record("amount", null, "color", "blue");
        Map<String, Object> copy = new LinkedHashMap<>(in);
        Map<String, Object> out = SCORERS.score(in);
        assertEquals(copy, in);
        assertNotSame(in, out);
        out.put("extra", 1);
        assertEquals(copy, in);
    }

    @Test
    void riskValuesAreDoublesBitIdenticalToRiskScorer() {
        for (Object v : Arrays.asList("red", "blue", "1", 1, "Red", " red", null, 1.0)) {
            Object risk = SCORERS.score(record("color", v)).get("color");
            assertInstanceOf(Double.class, risk);
            assertEquals(Double.doubleToRawLongBits(SCORERS.risk("color").score(v)), Double.doubleToRawLongBits((Double) risk),
                    () -> "value " + v);
        }
        // Categorical: value.toString() exactly. 1 -> "1" (a bin); 1.0 -> "1.0" (unseen).
        assertEquals(0.75, SCORERS.score(record("color", 1)).get("color"));
        assertEquals(COLOR_DEFAULT, SCORERS.score(record("color", 1.0)).get("color"));
    }

    @Test
    void numericFieldsMatchEveryFormOfTheNumber() {
        for (Object two : List.of(2, 2L, 2.0, 2.0f, "2", "2.0", "2e0", "+2", "02")) {
            assertEquals(0.375, SCORERS.score(record("amount", two)).get("amount"), () -> two + " (" + two.getClass().getSimpleName() + ")");
        }
    }

    @Test
    void absentFieldsAreTreatedAsNullAndAppendedInOrder() {
        Map<String, Object> out = SCORERS.score(record("id", 7));
        // Risk fields in table order (color has no impute value: default_bin; amount imputes 2.0),
        // then impute-only columns (age).
        assertEquals(List.of("id", "color", "amount", "age"), new ArrayList<>(out.keySet()));
        assertEquals(COLOR_DEFAULT, out.get("color"));
        assertEquals(0.375, out.get("amount"));
        assertEquals(35.5, out.get("age"));
    }

    @Test
    void anAbsentRiskFieldWithoutImputeGetsTheDefaultBinAtTheEnd() {
        ArtifactScorers s = ArtifactScorers.of(TABLES, null);
        Map<String, Object> out = s.score(record("amount", "2.5", "z", "last"));
        assertEquals(List.of("amount", "z", "color"), new ArrayList<>(out.keySet()));
        assertEquals(0.625, out.get("amount"));
        assertEquals(COLOR_DEFAULT, out.get("color"));
    }

    @Test
    void aKeyWithANullValueIsScoredInPlace() {
        Map<String, Object> out = SCORERS.score(record("color", null, "id", 1));
        assertEquals(List.of("color", "id", "amount", "age"), new ArrayList<>(out.keySet()));
        assertEquals(COLOR_DEFAULT, out.get("color"));
    }

    @Test
    void acceptsImmutableAndHashMaps() {
        assertEquals(0.5, SCORERS.score(Map.of("color", "red")).get("color"));
        Map<String, Object> hash = new HashMap<>();
        hash.put("color", "blue");
        assertEquals(0.25, SCORERS.score(hash).get("color"));
    }

    @Test
    void scoresTheSameFromManyThreads() throws Exception {
        List<Map<String, Object>> records = new ArrayList<>();
        List<Map<String, Object>> expected = new ArrayList<>();
        Object[] colors = {"red", "blue", "1", "x", null};
        Object[] amounts = {"1", 2.5, null, "abc", Double.NaN};
        for (int i = 0; i < 25; i++) {
            Map<String, Object> r = record("color", colors[i % 5], "amount", amounts[i / 5]);
            records.add(r);
            expected.add(SCORERS.score(r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int rep = 0; rep < 2000; rep++) {
                        for (int i = 0; i < records.size(); i++) {
                            if (!expected.get(i).equals(SCORERS.score(records.get(i)))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(SCORERS);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ArtifactScorers back = (ArtifactScorers) in.readObject();
            assertEquals(SCORERS, back);
            Map<String, Object> r = record("id", 1, "amount", null, "color", "blue");
            assertEquals(SCORERS.score(r), back.score(r));
        }
    }

    // ------------------------------------------------------------ save/load

    @Test
    void saveThenLoadGivesAnEqualObjectAndTheCodecBytes(@TempDir Path dir) throws IOException {
        SCORERS.save(dir);
        assertArrayEquals(RiskTableMapCodec.toJson(TABLES), Files.readAllBytes(dir.resolve("risk_table_map.json")));
        assertArrayEquals(RiskTableMapCodec.toPickle(TABLES), Files.readAllBytes(dir.resolve("risk_table_map.pkl")));
        assertArrayEquals(ImputeDictCodec.toJson(IMPUTE), Files.readAllBytes(dir.resolve("impute_dict.json")));
        assertArrayEquals(ImputeDictCodec.toPickle(IMPUTE), Files.readAllBytes(dir.resolve("impute_dict.pkl")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("impute_dict.json", "impute_dict.pkl", "risk_table_map.json", "risk_table_map.pkl"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
        ArtifactScorers back = ArtifactScorers.load(dir);
        assertEquals(SCORERS, back);
        assertEquals(List.of("age", "amount"), back.imputeDict().columns());
        assertEquals(List.of("color", "amount"), List.copyOf(back.riskTables().tables().keySet()));
    }

    @Test
    void saveWithoutImputeDictWritesOnlyTheRiskTables(@TempDir Path dir) throws IOException {
        ArtifactScorers s = ArtifactScorers.of(TABLES, null);
        s.save(dir);
        assertTrue(Files.exists(dir.resolve("risk_table_map.json")));
        assertTrue(Files.exists(dir.resolve("risk_table_map.pkl")));
        assertTrue(Files.notExists(dir.resolve("impute_dict.json")));
        assertTrue(Files.notExists(dir.resolve("impute_dict.pkl")));
        assertEquals(s, ArtifactScorers.load(dir));
    }

    @Test
    void saveKeepsOtherFilesReplacesOwnFilesAndCreatesTheFolder(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("a/b/model_artifacts");
        ArtifactScorers.of(new RiskTableMap(List.of(new RiskTable("old", Mode.CATEGORICAL, 0.9, bins("x", 0.9)))), null).save(dir);
        Files.writeString(dir.resolve("hyperparameters.json"), "{\"label_name\": \"class\"}");
        SCORERS.save(dir);
        assertEquals("{\"label_name\": \"class\"}", Files.readString(dir.resolve("hyperparameters.json")));
        assertEquals(SCORERS, ArtifactScorers.load(dir));
    }

    @Test
    void loadPrefersJsonOverPickle(@TempDir Path dir) throws IOException {
        SCORERS.save(dir);
        RiskTableMap other = new RiskTableMap(List.of(new RiskTable("other", Mode.CATEGORICAL, 0.5, bins("a", 0.5))));
        ImputeDict otherImpute = new ImputeDict(values("other", 1.0));
        Files.write(dir.resolve("risk_table_map.pkl"), RiskTableMapCodec.toPickle(other));
        Files.write(dir.resolve("impute_dict.pkl"), ImputeDictCodec.toPickle(otherImpute));
        assertEquals(SCORERS, ArtifactScorers.load(dir));
        Files.delete(dir.resolve("risk_table_map.json"));
        Files.delete(dir.resolve("impute_dict.json"));
        assertEquals(ArtifactScorers.of(other, otherImpute), ArtifactScorers.load(dir));
    }

    @Test
    void loadsAFolderWithOnlyAnImputeDict(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("impute_dict.pkl"), ImputeDictCodec.toPickle(IMPUTE));
        ArtifactScorers s = ArtifactScorers.load(dir);
        assertEquals(0, s.riskTables().size());
        assertTrue(s.riskScorers().isEmpty());
        assertEquals(IMPUTE, s.imputeDict());
        assertEquals(record("amount", 2.0, "age", 35.5), s.score(record("amount", null)));
    }

    @Test
    void loadsAFolderWithOnlyRiskTables(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("risk_table_map.pkl"), RiskTableMapCodec.toPickle(TABLES));
        ArtifactScorers s = ArtifactScorers.load(dir);
        assertEquals(TABLES, s.riskTables());
        assertNull(s.imputeDict());
    }

    @Test
    void loadOfAFolderWithoutArtifactsNamesTheFolderAndTheFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("hyperparameters.json"), "{}");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ArtifactScorers.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        for (String f : List.of("risk_table_map.json", "risk_table_map.pkl", "impute_dict.json", "impute_dict.pkl")) {
            assertTrue(e.getMessage().contains(f), e.getMessage());
        }
    }

    @Test
    void loadOfAMissingFolderOrAFileNamesIt(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArtifactScorers.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path file = Files.writeString(dir.resolve("file"), "x");
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> ArtifactScorers.load(file));
        assertTrue(f.getMessage().contains("not a folder"), f.getMessage());
    }

    @Test
    void loadOfABrokenFileNamesItsPath(@TempDir Path dir) throws IOException {
        SCORERS.save(dir);
        Files.writeString(dir.resolve("impute_dict.json"), "{\"format\": \"impute_dict\", \"format_version\": 1, "
                + "\"impute_values\": {\"age\": \"35\"}}");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ArtifactScorers.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("impute_dict.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("age"), e.getMessage());
        Files.writeString(dir.resolve("risk_table_map.json"), "{");
        ArtifactFormatException r = assertThrows(ArtifactFormatException.class, () -> ArtifactScorers.load(dir));
        assertTrue(r.getMessage().contains(dir.resolve("risk_table_map.json").toString()), r.getMessage());
    }

    @Test
    void loadOfAnUnreadableFileNamesIt(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve("risk_table_map.json")); // a folder where the file should be
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ArtifactScorers.load(dir));
        assertTrue(e.getMessage().contains("risk_table_map.json"), e.getMessage());
    }

    /** Python writes the impute dict (ints and floats); the chain uses it. */
    @Test
    void usesAnImputeDictWrittenByPython(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        Files.write(dir.resolve("risk_table_map.json"), RiskTableMapCodec.toJson(TABLES));
        Python.run("""
                import pickle, sys
                with open(sys.argv[1], "wb") as f:
                    pickle.dump({"amount": 2, "age": 35.5}, f)
                """, dir.resolve("impute_dict.pkl").toString());
        ArtifactScorers s = ArtifactScorers.load(dir);
        assertEquals(new ImputeDict(values("amount", 2.0, "age", 35.5)), s.imputeDict());
        assertEquals(0.375, s.score(record("amount", null)).get("amount"));
    }

    // ------------------------------------------- against the batch job's output

    private static final Path GERMAN_CREDIT_OUT = Path.of("..", "out", "german-credit");
    private static final Path GERMAN_CREDIT_IN = Path.of("..", "test-data", "german-credit", "csv");

    /**
     * When a local batch run of German Credit is present ({@code out/german-credit}, made with the
     * job from {@code test-data/german-credit/csv}; git-ignored, so usually absent): saving its
     * loaded artifacts gives the job's bytes, and scoring every input row gives the job's output
     * values bit for bit.
     */
    @Test
    void matchesALocalBatchRunOfGermanCredit(@TempDir Path dir) throws IOException {
        Path artifacts = GERMAN_CREDIT_OUT.resolve("model_artifacts");
        Assumptions.assumeTrue(Files.isRegularFile(artifacts.resolve("risk_table_map.json"))
                && Files.isRegularFile(artifacts.resolve("risk_table_map.pkl")), "no local batch run in out/german-credit");
        ArtifactScorers s = ArtifactScorers.load(artifacts);
        s.save(dir);
        for (String f : List.of("risk_table_map.json", "risk_table_map.pkl")) {
            assertArrayEquals(Files.readAllBytes(artifacts.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        int rows = 0;
        for (String split : List.of("train", "val", "test")) {
            for (String shard : List.of("part-00000.csv", "part-00001.csv", "part-00002.csv")) {
                Path in = GERMAN_CREDIT_IN.resolve(split).resolve(shard);
                Path out = GERMAN_CREDIT_OUT.resolve(split).resolve(shard);
                Assumptions.assumeTrue(Files.isRegularFile(in) && Files.isRegularFile(out), "incomplete batch run");
                List<String> inLines = Files.readAllLines(in, StandardCharsets.UTF_8);
                List<String> outLines = Files.readAllLines(out, StandardCharsets.UTF_8);
                assertEquals(inLines.size(), outLines.size(), out.toString());
                String[] header = inLines.get(0).split(",", -1);
                assertEquals(inLines.get(0), outLines.get(0));
                for (int i = 1; i < inLines.size(); i++) {
                    String[] values = inLines.get(i).split(",", -1);
                    String[] expected = outLines.get(i).split(",", -1);
                    Map<String, Object> record = new LinkedHashMap<>();
                    for (int c = 0; c < header.length; c++) {
                        record.put(header[c], values[c].isEmpty() ? null : values[c]);
                    }
                    Map<String, Object> scored = s.score(record);
                    assertEquals(List.of(header), new ArrayList<>(scored.keySet()));
                    for (int c = 0; c < header.length; c++) {
                        Object got = scored.get(header[c]);
                        String where = out + " line " + (i + 1) + " column " + header[c];
                        if (s.riskScorers().containsKey(header[c])) {
                            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(expected[c])),
                                    Double.doubleToRawLongBits((Double) got), where);
                        } else {
                            assertEquals(expected[c], got == null ? "" : got, where);
                        }
                    }
                    rows++;
                }
            }
        }
        assertEquals(1000, rows);
    }
}
