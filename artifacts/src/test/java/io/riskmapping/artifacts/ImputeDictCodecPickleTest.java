package io.riskmapping.artifacts;

import static io.riskmapping.artifacts.ImputeDictTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImputeDictCodecPickleTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /**
     * {'age': 35.0, 'x': 0.5} assembled by hand: protocol 2, EMPTY_DICT, MARK, BINUNICODE keys,
     * BINFLOAT (big-endian IEEE 754) values, SETITEMS, no memo. Checked with pickletools.dis.
     */
    private static final byte[] HAND_PICKLE = hex("""
            80 02 7d 28
            58 03000000 616765   47 4041800000000000
            58 01000000 78       47 3fe0000000000000
            75 2e
            """);

    private static final ImputeDict HAND_DICT = new ImputeDict(values("age", 35.0, "x", 0.5));

    private static ImputeDict sample() {
        return new ImputeDict(values("duration", 20.903, "age", 35.0, "a.b", 0.1 + 0.2, "tiny", 5e-324, "neg", -1.5));
    }

    private static ArtifactFormatException refused(byte[] pickle, String source) {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> ImputeDictCodec.fromPickle(pickle, source));
        assertTrue(e.getMessage().contains(source), e.getMessage());
        return e;
    }

    // ------------------------------------------------------------- Java side

    @Test
    void writesTheDocumentedBytesForASmallDict() {
        assertArrayEquals(HAND_PICKLE, ImputeDictCodec.toPickle(HAND_DICT));
    }

    @Test
    void readsAHandAssembledPickle() {
        assertEquals(HAND_DICT, ImputeDictCodec.fromPickle(HAND_PICKLE, "hand.pkl"));
    }

    @Test
    void emptyDictIsAnEmptyPythonDict() {
        // PROTO 2, EMPTY_DICT, MARK, SETITEMS, STOP
        assertArrayEquals(hex("80 02 7d 28 75 2e"), ImputeDictCodec.toPickle(new ImputeDict(Map.of())));
        assertEquals(new ImputeDict(Map.of()), ImputeDictCodec.fromPickle(hex("80 02 7d 2e"), "empty-dict.pkl"));
    }

    @Test
    void roundTripKeepsOrderAndDoublesBitIdentical() {
        ImputeDict back = ImputeDictCodec.fromPickle(ImputeDictCodec.toPickle(sample()), "t.pkl");
        assertEquals(sample(), back);
        assertEquals(List.of("duration", "age", "a.b", "tiny", "neg"), back.columns());
        assertEquals(Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(back.get("a.b")));
        assertEquals(Double.doubleToRawLongBits(5e-324), Double.doubleToRawLongBits(back.get("tiny")));
        assertArrayEquals(ImputeDictCodec.toPickle(sample()), ImputeDictCodec.toPickle(back));
    }

    @Test
    void pickleIsAFlatDictOfStringToDouble() throws IOException {
        Map<?, ?> root = assertInstanceOf(Map.class, new SafeUnpickler().loads(ImputeDictCodec.toPickle(sample())));
        assertEquals(List.of("duration", "age", "a.b", "tiny", "neg"), List.copyOf(root.keySet()));
        for (Map.Entry<?, ?> e : root.entrySet()) {
            assertInstanceOf(String.class, e.getKey());
            assertInstanceOf(Double.class, e.getValue(), "value of " + e.getKey());
        }
    }

    // ------------------------------------------------------ against Python

    /** Python's pickle.load gives exactly a dict of str -> float, in order, with the exact doubles. */
    @Test
    void pythonLoadsTheJavaPickleAsADictOfStrToFloat(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        Path file = dir.resolve(ImputeDictCodec.PICKLE_FILE);
        Files.write(file, ImputeDictCodec.toPickle(sample()));
        String out = Python.runText("""
                import pickle, sys
                with open(sys.argv[1], "rb") as f:
                    d = pickle.load(f)
                print(type(d).__name__, type(d) is dict)
                for k, v in d.items():
                    print(type(k).__name__, repr(k), type(v).__name__, repr(v))
                """, file.toString());
        String expected = """
                dict True
                str 'duration' float 20.903
                str 'age' float 35.0
                str 'a.b' float 0.30000000000000004
                str 'tiny' float 5e-324
                str 'neg' float -1.5""";
        assertEquals(expected, out);
    }

    /** A literal Python dict as a pandas imputation step would pickle it (after float()/int()). */
    private static final String PYTHON_WRITE = """
            import pickle, sys
            d = {"age": 35, "credit_amount": 3271.258, "s": 0.1 + 0.2, "big": 2 ** 70, "neg": -7,
                 "large": 2 ** 40, "zero": 0.0}
            sys.stdout.buffer.write(pickle.dumps(d, protocol=int(sys.argv[1])))
            """;

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {0, 2, 4, 5})
    void readsAPickleWrittenByPythonWithIntsAsDoubles(int protocol) {
        Python.assumeAvailable();
        byte[] pickle = Python.run(PYTHON_WRITE, Integer.toString(protocol));
        ImputeDict expected = new ImputeDict(values("age", 35.0, "credit_amount", 3271.258, "s", 0.1 + 0.2,
                "big", Math.scalb(1.0, 70), "neg", -7.0, "large", 1099511627776.0, "zero", 0.0));
        assertEquals(expected, ImputeDictCodec.fromPickle(pickle, "python.pkl"));
    }

    // -------------------------------------------------------------- refusals

    /**
     * {'age': os.system('touch /tmp/pwned')} assembled by hand:
     * <pre>
     *  PROTO 2, EMPTY_DICT, MARK, BINUNICODE 'age',
     *  GLOBAL 'os system', BINUNICODE 'touch /tmp/pwned', TUPLE1, REDUCE, SETITEMS, STOP
     * </pre>
     */
    private static final byte[] EVIL = concat(hex("80 02 7d 28 58 03000000 616765"),
            "cos\nsystem\n".getBytes(StandardCharsets.ISO_8859_1),
            hex("58 10000000"), "touch /tmp/pwned".getBytes(StandardCharsets.ISO_8859_1),
            hex("85 52 75 2e"));

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void refusesAMaliciousPickleNamingFileAndOpcode() {
        ArtifactFormatException e = refused(EVIL, "models/impute_dict.pkl");
        assertTrue(e.getMessage().contains("refused pickle opcode GLOBAL"), e.getMessage());
    }

    /** A pickle whose value opens (creates) a file when Python loads it: refused, and the file is not created. */
    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {2, 4})
    void refusesAPythonBuiltMaliciousPickleWithoutSideEffects(int protocol, @TempDir Path dir) {
        Python.assumeAvailable();
        Path marker = dir.resolve("pwned");
        byte[] pickle = Python.run("""
                import pickle, sys
                class Evil:
                    def __reduce__(self):
                        return (open, (sys.argv[1], "w"))
                sys.stdout.buffer.write(pickle.dumps({"age": 35.0, "amount": Evil()}, protocol=int(sys.argv[2])))
                """, marker.toString(), Integer.toString(protocol));
        assertFalse(Files.exists(marker), "python only pickled the call");
        ArtifactFormatException e = refused(pickle, "evil.pkl");
        assertTrue(e.getMessage().contains("refused pickle opcode"), e.getMessage());
        assertFalse(Files.exists(marker), "loading must not call open()");
    }

    /**
     * {'age': numpy.float64(35.5)} as numpy 2 pickles it with protocol 2 (GLOBAL
     * 'numpy._core.multiarray scalar', GLOBAL 'numpy dtype', REDUCE, BUILD, ...): refused, with a
     * hint to convert numpy scalars with float().
     */
    @Test
    void refusesNumpyScalarsWithAHint() {
        byte[] numpyPickle = hex("80027d710058030000006167657101636e756d70792e5f636f72652e6d756c746961727261790a7363616c61720a71"
                + "02636e756d70790a64747970650a71035802000000663871048988877105527106284b0358010000003c71074e4e4e4affffffff4a"
                + "ffffffff4b0074710862635f636f646563730a656e636f64650a710958090000000000000000c3804140710a58060000006c6174"
                + "696e31710b86710c52710d86710e52710f732e");
        ArtifactFormatException e = refused(numpyPickle, "numpy.pkl");
        assertTrue(e.getMessage().contains("GLOBAL"), e.getMessage());
        assertTrue(e.getMessage().contains("float()"), e.getMessage());
    }

    @Test
    void refusesARootThatIsNotADict() {
        // Python: pickle.dumps([1], protocol=2) == b'\x80\x02]q\x00K\x01a.'
        ArtifactFormatException e = refused(hex("80 02 5d 71 00 4b 01 61 2e"), "list.pkl");
        assertTrue(e.getMessage().contains("dict"), e.getMessage());
        refused(hex("80 02 4e 2e"), "none.pkl"); // None
    }

    @Test
    void refusesANonStringColumnName() {
        // {1: 2.0}: PROTO 2, EMPTY_DICT, MARK, BININT1 1, BINFLOAT 2.0, SETITEMS, STOP
        ArtifactFormatException e = refused(hex("80 02 7d 28 4b 01 47 4000000000000000 75 2e"), "intkey.pkl");
        assertTrue(e.getMessage().contains("column name 1"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"'35'", "None", "True", "[35.0]", "{'mean': 35.0}", "b'35'"})
    void refusesANonNumberValueNamingFileAndColumn(String value) {
        Python.assumeAvailable();
        byte[] pickle = Python.run("""
                import pickle, sys
                sys.stdout.buffer.write(pickle.dumps({"ok": 1.0, "credit_amount": %s}, protocol=4))
                """.formatted(value));
        ArtifactFormatException e = refused(pickle, "bad.pkl");
        assertTrue(e.getMessage().contains("credit_amount"), e.getMessage());
        assertTrue(e.getMessage().contains("number"), e.getMessage());
    }

    @Test
    void refusesATextValueInAHandAssembledPickle() {
        // {'age': '35'}: a BINUNICODE value.
        ArtifactFormatException e = refused(hex("80 02 7d 28 58 03000000 616765 58 02000000 3335 75 2e"), "text.pkl");
        assertTrue(e.getMessage().contains("age"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"7ff8000000000000", "7ff0000000000000", "fff0000000000000"})
    void refusesNaNAndInfinityNamingTheColumn(String bits) {
        // {'age': nan / inf / -inf}: as pandas' mean of an all-missing column would give.
        ArtifactFormatException e = refused(hex("80 02 7d 28 58 03000000 616765 47" + bits + "75 2e"), "nan.pkl");
        assertTrue(e.getMessage().contains("age"), e.getMessage());
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void refusesTruncatedEmptyAndNonPickleInput() {
        byte[] whole = ImputeDictCodec.toPickle(sample());
        refused(Arrays.copyOf(whole, whole.length / 2), "artifacts/impute_dict.pkl");
        refused(new byte[0], "empty.pkl");
        refused(ImputeDictCodec.toJson(sample()), "json-as.pkl");
    }

    @Test
    void refusesARiskTableMapPickle() {
        RiskTableMap tables = new RiskTableMap(List.of(new RiskTable("c", RiskTable.Mode.CATEGORICAL, 0.5, Map.of("a", 0.25))));
        ArtifactFormatException e = refused(RiskTableMapCodec.toPickle(tables), "risk_table_map.pkl");
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    }
}
