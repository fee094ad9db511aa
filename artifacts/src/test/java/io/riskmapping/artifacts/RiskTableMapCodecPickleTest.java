package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.riskmapping.artifacts.RiskTable.Mode;

class RiskTableMapCodecPickleTest {

    private static final double TWO_TO_40 = 1099511627776.0;

    private static Map<Object, Double> bins(Object... keysAndValues) {
        Map<Object, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return m;
    }

    /**
     * color: categorical; n: numeric with integral keys (1, 3, 2^40); x: numeric with a fractional
     * key (so -1 is written as the float -1.0 too). Values include doubles with long expansions.
     */
    private static RiskTableMap sample() {
        return new RiskTableMap(List.of(
                new RiskTable("color", Mode.CATEGORICAL, 0.25, bins("red", 0.5, "blue", 0.125, " A", 1 / 3.0)),
                new RiskTable("n", Mode.NUMERIC, 0.1 + 0.2, bins("1", 0.75, 3L, 5e-324, TWO_TO_40, 0.0625)),
                new RiskTable("x", Mode.NUMERIC, 0.5, bins(2.5, 0.375, -1, 0.0625))));
    }

    private static Map<?, ?> unpickle(byte[] pickle) throws IOException {
        return assertInstanceOf(Map.class, new SafeUnpickler().loads(pickle));
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /**
     * {'f': {'varName': 'f', 'type': 'categorical', 'mode': 'numeric', 'default_bin': 0.5,
     * 'bins': {1: 0.25, 3: 0.125}}} assembled by hand: protocol 2, BINUNICODE strings, BININT1
     * keys, BINFLOAT (big-endian IEEE 754) values, no memo. Checked with pickletools.dis.
     */
    private static final byte[] HAND_PICKLE = hex("""
            80 02 7d 28
            58 01000000 66
            7d 28
            58 07000000 7661724e616d65
            58 01000000 66
            58 04000000 74797065
            58 0b000000 63617465676f726963616c
            58 04000000 6d6f6465
            58 07000000 6e756d65726963
            58 0b000000 64656661756c745f62696e
            47 3fe0000000000000
            58 04000000 62696e73
            7d 28
            4b 01 47 3fd0000000000000
            4b 03 47 3fc0000000000000
            75 75 75 2e
            """);

    private static final RiskTableMap HAND_TABLES = new RiskTableMap(List.of(
            new RiskTable("f", Mode.NUMERIC, 0.5, bins(1.0, 0.25, 3.0, 0.125))));

    // ----------------------------------------------------------- round trip

    @Test
    void roundTripGivesAnEqualMap() {
        RiskTableMap m = sample();
        assertEquals(m, RiskTableMapCodec.fromPickle(RiskTableMapCodec.toPickle(m), "t.pkl"));
    }

    @Test
    void roundTripKeepsDoublesBitIdentical() {
        RiskTableMap back = RiskTableMapCodec.fromPickle(RiskTableMapCodec.toPickle(sample()), "t.pkl");
        assertEquals(Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(back.get("n").defaultBin()));
        assertEquals(Double.doubleToRawLongBits(5e-324), Double.doubleToRawLongBits(back.get("n").bins().get(3.0)));
        assertEquals(Double.doubleToRawLongBits(1 / 3.0), Double.doubleToRawLongBits(back.get("color").bins().get(" A")));
    }

    @Test
    void writesTheDocumentedBytesForASmallTable() {
        // Protocol 2, no memo: deterministic, and exactly the hand-assembled bytes.
        assertArrayEquals(HAND_PICKLE, RiskTableMapCodec.toPickle(HAND_TABLES));
    }

    @Test
    void readsAHandAssembledPickle() {
        assertEquals(HAND_TABLES, RiskTableMapCodec.fromPickle(HAND_PICKLE, "hand.pkl"));
    }

    @Test
    void fromPickleKeepsTheFieldOrderOfThePickle() {
        RiskTableMap m = new RiskTableMap(List.of(
                new RiskTable("zeta", Mode.CATEGORICAL, 0.1, bins("a", 0.5)),
                new RiskTable("alpha", Mode.CATEGORICAL, 0.1, bins("a", 0.5)),
                new RiskTable("mid", Mode.CATEGORICAL, 0.1, bins("a", 0.5))));
        byte[] pickle = RiskTableMapCodec.toPickle(m);
        RiskTableMap back = RiskTableMapCodec.fromPickle(pickle, "t.pkl");
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(back.tables().keySet()));
        assertArrayEquals(pickle, RiskTableMapCodec.toPickle(back));
    }

    // ------------------------------------------------ structure (Java side)

    @Test
    void pickleIsADictOfDictsWithExactlyTheFiveKeys() throws IOException {
        Map<?, ?> root = unpickle(RiskTableMapCodec.toPickle(sample()));
        assertEquals(Set.of("color", "n", "x"), root.keySet());
        for (Object field : root.keySet()) {
            Map<?, ?> t = assertInstanceOf(Map.class, root.get(field));
            assertEquals(Set.of("varName", "type", "mode", "default_bin", "bins"), t.keySet(), "field " + field);
            assertEquals(field, t.get("varName"));
            assertEquals("categorical", t.get("type"));
            assertInstanceOf(String.class, t.get("mode"));
            assertInstanceOf(Double.class, t.get("default_bin"));
            Map<?, ?> b = assertInstanceOf(Map.class, t.get("bins"));
            for (Object v : b.values()) {
                assertInstanceOf(Double.class, v, "bin value of " + field);
            }
        }
    }

    @Test
    void categoricalBinsHaveStringKeys() throws IOException {
        Map<?, ?> color = (Map<?, ?>) unpickle(RiskTableMapCodec.toPickle(sample())).get("color");
        assertEquals("categorical", color.get("mode"));
        assertEquals(Map.of("red", 0.5, "blue", 0.125, " A", 1 / 3.0), color.get("bins"));
    }

    @Test
    void integralNumericKeysArePickledAsInts() throws IOException {
        Map<?, ?> n = (Map<?, ?>) unpickle(RiskTableMapCodec.toPickle(sample())).get("n");
        assertEquals("numeric", n.get("mode"));
        Map<?, ?> b = (Map<?, ?>) n.get("bins");
        Set<Long> keys = new HashSet<>();
        for (Object k : b.keySet()) {
            assertTrue(k instanceof Integer || k instanceof Long, "int key expected, got " + k.getClass() + " " + k);
            keys.add(((Number) k).longValue());
        }
        assertEquals(Set.of(1L, 3L, 1099511627776L), keys);
    }

    @Test
    void numericKeysArePickledAsFloatsWhenOneHasAFraction() throws IOException {
        Map<?, ?> x = (Map<?, ?>) unpickle(RiskTableMapCodec.toPickle(sample())).get("x");
        Map<?, ?> b = (Map<?, ?>) x.get("bins");
        for (Object k : b.keySet()) {
            assertInstanceOf(Double.class, k);
        }
        assertEquals(Map.of(-1.0, 0.0625, 2.5, 0.375), b);
    }

    // ----------------------------------------------------- against Python

    private static final String PYTHON_DUMP = """
            import json, pickle, sys
            with open(sys.argv[1], "rb") as f:
                d = pickle.load(f)
            def tag(o):
                return type(o).__name__ + ":" + repr(o)
            def canon(o):
                if type(o) is dict:
                    return {tag(k): canon(v) for k, v in o.items()}
                return tag(o)
            print(json.dumps([tag(k) for k in d]))
            print(json.dumps(canon(d), sort_keys=True, indent=1))
            """;

    /** Python reads the Java pickle into plain dict/str/int/float, with the exact doubles. */
    @Test
    void pythonLoadsThePickleIntoPlainDicts(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        Path file = dir.resolve("risk_table_map.pkl");
        Files.write(file, RiskTableMapCodec.toPickle(sample()));
        // First line: field order. Then every key and value as type:repr, keys sorted as text.
        // n has int keys (all integral); x has float keys (2.5 is not), so -1 is the float -1.0.
        String expected = """
                ["str:'color'", "str:'n'", "str:'x'"]
                {
                 "str:'color'": {
                  "str:'bins'": {
                   "str:' A'": "float:0.3333333333333333",
                   "str:'blue'": "float:0.125",
                   "str:'red'": "float:0.5"
                  },
                  "str:'default_bin'": "float:0.25",
                  "str:'mode'": "str:'categorical'",
                  "str:'type'": "str:'categorical'",
                  "str:'varName'": "str:'color'"
                 },
                 "str:'n'": {
                  "str:'bins'": {
                   "int:1": "float:0.75",
                   "int:1099511627776": "float:0.0625",
                   "int:3": "float:5e-324"
                  },
                  "str:'default_bin'": "float:0.30000000000000004",
                  "str:'mode'": "str:'numeric'",
                  "str:'type'": "str:'categorical'",
                  "str:'varName'": "str:'n'"
                 },
                 "str:'x'": {
                  "str:'bins'": {
                   "float:-1.0": "float:0.0625",
                   "float:2.5": "float:0.375"
                  },
                  "str:'default_bin'": "float:0.5",
                  "str:'mode'": "str:'numeric'",
                  "str:'type'": "str:'categorical'",
                  "str:'varName'": "str:'x'"
                 }
                }""";
        assertEquals(expected, Python.runText(PYTHON_DUMP, file.toString()));
    }

    /** A literal Python dict, as the pandas step would have pickled it. */
    private static final String PYTHON_WRITE = """
            import pickle, sys
            d = {
                "color": {"varName": "color", "type": "categorical", "mode": "categorical",
                          "default_bin": 0.1, "bins": {"red": 0.2, "blue": 0.1 + 0.2, " A": 1 / 3}},
                "n": {"varName": "n", "type": "categorical", "mode": "numeric",
                      "default_bin": 0.25, "bins": {1: 0.5, 2 ** 40: 0.125, 2 ** 70: 5e-324, -7: 0.75}},
                "x": {"varName": "x", "type": "categorical", "mode": "numeric",
                      "default_bin": 0.5, "bins": {2.5: 0.375, -1.0: 0.0625}},
            }
            sys.stdout.buffer.write(pickle.dumps(d, protocol=int(sys.argv[1])))
            """;

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {2, 4, 5})
    void readsAPickleWrittenByPython(int protocol) {
        Python.assumeAvailable();
        byte[] pickle = Python.run(PYTHON_WRITE, Integer.toString(protocol));
        RiskTableMap expected = new RiskTableMap(List.of(
                new RiskTable("color", Mode.CATEGORICAL, 0.1, bins("red", 0.2, "blue", 0.1 + 0.2, " A", 1 / 3.0)),
                // 2**70 is a Python long (BigInteger in Java): key 2^70 as a double.
                new RiskTable("n", Mode.NUMERIC, 0.25, bins(1.0, 0.5, TWO_TO_40, 0.125, Math.scalb(1.0, 70), 5e-324, -7.0, 0.75)),
                new RiskTable("x", Mode.NUMERIC, 0.5, bins(2.5, 0.375, -1.0, 0.0625))));
        assertEquals(expected, RiskTableMapCodec.fromPickle(pickle, "python.pkl"));
    }

    // ------------------------------------------------------------- refusals

    @Test
    void refusesARootThatIsNotADict() {
        // Python: pickle.dumps([1], protocol=2) == b'\x80\x02]q\x00K\x01a.'
        byte[] list = hex("80 02 5d 71 00 4b 01 61 2e");
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(list, "list.pkl"));
        assertTrue(e.getMessage().contains("list.pkl"), e.getMessage());
    }

    @Test
    void refusesAnIntKeyInACategoricalTableNamingTheField() {
        Python.assumeAvailable();
        byte[] pickle = Python.run("""
                import pickle, sys
                d = {"color": {"varName": "color", "type": "categorical", "mode": "categorical",
                               "default_bin": 0.1, "bins": {1: 0.5}}}
                sys.stdout.buffer.write(pickle.dumps(d, protocol=2))
                """);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(pickle, "intkey.pkl"));
        assertTrue(e.getMessage().contains("intkey.pkl"), e.getMessage());
        assertTrue(e.getMessage().contains("color"), e.getMessage());
    }
}
