package io.riskmapping.artifacts;

import static io.riskmapping.artifacts.RiskTableTest.bins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.RiskTable.Mode;

/** A table whose nulls are a category of their own (handle_missing: category): files and scorers. */
class NullCategoryTest {

    static final RiskTable COLOR = new RiskTable("color", Mode.CATEGORICAL, 0.4, bins("red", 0.76, "blue", 0.16), 0.36);
    static final RiskTable N = new RiskTable("n", Mode.NUMERIC, 0.4, bins(1.0, 0.76, 2.0, 0.16), 0.1 + 0.2);
    static final RiskTable PLAIN = new RiskTable("plain", Mode.CATEGORICAL, 0.4, bins("red", 0.5));

    @Test
    void jsonWritesNullBinBesideDefaultBinInVersionTwo() {
        RiskTableMap map = new RiskTableMap(List.of(COLOR, PLAIN));
        String json = new String(RiskTableMapCodec.toJson(map), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"format_version\" : 2"), json);
        assertTrue(json.contains("\"default_bin\" : 0.4,\n      \"null_bin\" : 0.36,\n      \"bins\""), json);
        RiskTableMap back = RiskTableMapCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "t.json");
        assertEquals(map, back);
        assertEquals(0.36, back.get("color").nullBin());
        assertNull(back.get("plain").nullBin());
        // without a null bin the file stays version 1, without the key
        String v1 = new String(RiskTableMapCodec.toJson(new RiskTableMap(List.of(PLAIN))), StandardCharsets.UTF_8);
        assertTrue(v1.contains("\"format_version\" : 1") && !v1.contains("null_bin"), v1);
    }

    @Test
    void jsonRefusesANullBinThatIsNoNumber() {
        String json = """
                {"format": "risk_table_map", "format_version": 2, "risk_tables": {"c": {"mode": "categorical",
                 "default_bin": 0.5, "null_bin": "x", "bins": {}}}}""";
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "t.json"));
        assertEquals("t.json: field 'c': null_bin must be a number", e.getMessage());
    }

    @Test
    void pickleHoldsTheNullBinUnderNone() {
        RiskTableMap map = new RiskTableMap(List.of(COLOR, N));
        assertEquals(map, RiskTableMapCodec.fromPickle(RiskTableMapCodec.toPickle(map), "t.pkl"));
    }

    @Test
    void pythonLooksUpNone(@TempDir Path dir) throws Exception {
        Python.assumeAvailable();
        Path file = dir.resolve("risk_table_map.pkl");
        Files.write(file, RiskTableMapCodec.toPickle(new RiskTableMap(List.of(COLOR, N))));
        String out = Python.runText("""
                import pickle, sys
                t = pickle.load(open(sys.argv[1], "rb"))
                print(repr(t["color"]["bins"].get(None, t["color"]["default_bin"])), repr(t["n"]["bins"][None]),
                      repr(t["n"]["bins"][1]), repr(t["color"]["bins"].get("green", t["color"]["default_bin"])))
                """, file.toString());
        assertEquals("0.36 0.30000000000000004 0.76 0.4", out);
    }

    @Test
    void scorerMapsMissingValuesToTheNullBin() {
        RiskScorer c = new RiskScorer(COLOR);
        assertEquals(0.36, c.score(null));
        assertEquals(0.36, c.score(""), "the CSV empty field the job reads as null");
        assertEquals(0.4, c.score(" "), "a blank is text");
        assertEquals(0.4, c.score("green"));
        assertEquals(0.76, c.score("red"));
        RiskScorer n = new RiskScorer(N);
        assertEquals(0.1 + 0.2, n.score(null));
        assertEquals(0.1 + 0.2, n.score(Double.NaN));
        assertEquals(0.1 + 0.2, n.score(Double.POSITIVE_INFINITY));
        assertEquals(0.1 + 0.2, n.score(""));
        assertEquals(0.1 + 0.2, n.score("1e999"), "number text that overflows is missing, as in the fit");
        assertEquals(0.4, n.score("abc"), "text that is no number: unseen");
        assertEquals(0.76, n.score("1.0"));
        assertEquals(0.4, n.score(3));
        // a table without a null bin: nulls and the empty string get the default bin, as before
        assertEquals(0.4, new RiskScorer(PLAIN).score(null));
        assertEquals(0.4, new RiskScorer(PLAIN).score(""));
    }

    @Test
    void aBinForTheEmptyStringWins() {
        RiskTable t = new RiskTable("c", Mode.CATEGORICAL, 0.4, bins("", 0.9), 0.36);
        assertEquals(0.9, new RiskScorer(t).score(""));
        assertEquals(0.36, new RiskScorer(t).score(null));
    }

    @Test
    void tableRefusesANonFiniteNullBinAndCompares() {
        assertThrows(IllegalArgumentException.class, () -> new RiskTable("c", Mode.CATEGORICAL, 0.4, Map.of(), Double.NaN));
        RiskTable a = new RiskTable("c", Mode.CATEGORICAL, 0.4, Map.of(), 0.2);
        assertEquals(a, new RiskTable("c", Mode.CATEGORICAL, 0.4, Map.of(), 0.2));
        assertTrue(!a.equals(new RiskTable("c", Mode.CATEGORICAL, 0.4, Map.of())));
        assertEquals(0.2, a.withVarName("d").nullBin());
        assertEquals(0.4, new RiskTable("c", Mode.CATEGORICAL, 0.4, Map.of()).nullValue());
    }
}
