package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.riskmapping.artifacts.RiskTable.Mode;
import net.razorvine.pickle.PickleException;

class SafeUnpicklerTest {

    /**
     * The classic protocol-0 exploit, {@code os.system('echo pwned')} on load:
     * <pre>
     *  0: c GLOBAL 'os system'
     * 11: ( MARK
     * 12: S STRING 'echo pwned'
     * 26: t TUPLE
     * 27: R REDUCE
     * 28: . STOP
     * </pre>
     */
    private static final byte[] OS_SYSTEM_GLOBAL = "cos\nsystem\n(S'echo pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * The protocol-4 variant with STACK_GLOBAL:
     * <pre>
     *  0: \x80 PROTO 4
     *  2: \x8c SHORT_BINUNICODE 'os'
     *  6: \x8c SHORT_BINUNICODE 'system'
     * 14: \x93 STACK_GLOBAL
     * 15: \x8c SHORT_BINUNICODE 'echo pwned'
     * 27: \x85 TUPLE1
     * 28: R    REDUCE
     * 29: .    STOP
     * </pre>
     */
    private static final byte[] OS_SYSTEM_STACK_GLOBAL = {
        (byte) 0x80, 0x04,
        (byte) 0x8c, 0x02, 'o', 's',
        (byte) 0x8c, 0x06, 's', 'y', 's', 't', 'e', 'm',
        (byte) 0x93,
        (byte) 0x8c, 0x0a, 'e', 'c', 'h', 'o', ' ', 'p', 'w', 'n', 'e', 'd',
        (byte) 0x85, 'R', '.',
    };

    @Test
    void refusesGlobalPlusReduceNamingTheOpcode() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(OS_SYSTEM_GLOBAL, "evil.pkl"));
        assertTrue(e.getMessage().contains("GLOBAL"), e.getMessage());
        assertTrue(e.getMessage().contains("evil.pkl"), e.getMessage());
    }

    @Test
    void refusesStackGlobalNamingTheOpcode() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(OS_SYSTEM_STACK_GLOBAL, "evil4.pkl"));
        assertTrue(e.getMessage().contains("STACK_GLOBAL"), e.getMessage());
        assertTrue(e.getMessage().contains("evil4.pkl"), e.getMessage());
    }

    @Test
    void unpicklerItselfRefusesBeforeConstructingAnything() {
        PickleException e = assertThrows(PickleException.class, () -> new SafeUnpickler().loads(OS_SYSTEM_GLOBAL));
        assertTrue(e.getMessage().contains("GLOBAL"), e.getMessage());
    }

    /**
     * Every opcode that names a callable, builds an object or asks for a persistent id is refused
     * as soon as it is met. Opcode bytes from CPython's Lib/pickle.py.
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "0x63, GLOBAL",
        "0x93, STACK_GLOBAL",
        "0x52, REDUCE",
        "0x62, BUILD",
        "0x69, INST",
        "0x6f, OBJ",
        "0x81, NEWOBJ",
        "0x92, NEWOBJ_EX",
        "0x82, EXT",
        "0x83, EXT",
        "0x84, EXT",
        "0x50, PERSID",
        "0x51, PERSID",
    })
    void refusesEveryObjectBuildingOpcode(String opcode, String name) {
        // PROTO 4, EMPTY_TUPLE, then the opcode (its operands never get read).
        byte[] pickle = {(byte) 0x80, 0x04, ')', (byte) Integer.parseInt(opcode.substring(2), 16), '.'};
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(pickle, "op.pkl"));
        assertTrue(e.getMessage().contains("refused pickle opcode " + name), e.getMessage());
    }

    @Test
    void readsPlainDataWrittenByPython() throws IOException {
        Python.assumeAvailable();
        byte[] pickle = Python.run("""
                import pickle, sys
                d = {"l": [1, 2.5, "s", None, True], "t": (1, 2), "s": {3}, "b": b"xy", "big": 2 ** 70}
                sys.stdout.buffer.write(pickle.dumps(d, protocol=4))
                """);
        Map<?, ?> m = assertInstanceOf(Map.class, new SafeUnpickler().loads(pickle));
        assertEquals(Arrays.asList(1, 2.5, "s", null, true), m.get("l"));
        assertArrayEquals(new Object[] {1, 2}, (Object[]) m.get("t"));
        assertEquals(Set.of(3), m.get("s"));
        assertArrayEquals(new byte[] {'x', 'y'}, (byte[]) m.get("b"));
        assertEquals(new java.math.BigInteger("1180591620717411303424"), m.get("big")); // 2^70
    }

    /** The 13 categorical fields of German Credit, in cat_field_list order (a HashMap scrambles them). */
    private static final List<String> GERMAN_CREDIT_FIELDS = List.of("checking_status", "credit_history", "purpose",
            "savings_status", "employment", "personal_status", "other_parties", "property_magnitude",
            "other_payment_plans", "housing", "job", "own_telephone", "foreign_worker");

    /** SETITEMS (one batch of up to 1000 items in CPython) keeps the pickle's order. */
    @Test
    void keepsTheOrderOfADictFilledBySetitems() throws IOException {
        Map<Object, Object> ordered = new java.util.LinkedHashMap<>();
        for (int i = 0; i < GERMAN_CREDIT_FIELDS.size(); i++) {
            ordered.put(GERMAN_CREDIT_FIELDS.get(i), i);
        }
        byte[] pickle = new net.razorvine.pickle.Pickler(false).dumps(ordered);
        Map<?, ?> back = assertInstanceOf(Map.class, new SafeUnpickler().loads(pickle));
        assertEquals(GERMAN_CREDIT_FIELDS, List.copyOf(back.keySet()));
    }

    @Test
    void keepsTheFieldOrderOfARiskTableMapPickle() {
        List<RiskTable> tables = new java.util.ArrayList<>();
        for (String f : GERMAN_CREDIT_FIELDS) {
            tables.add(new RiskTable(f, Mode.CATEGORICAL, 0.3, Map.of("a", 0.5, "b", 0.25)));
        }
        byte[] pickle = RiskTableMapCodec.toPickle(new RiskTableMap(tables));
        RiskTableMap back = RiskTableMapCodec.fromPickle(pickle, "gc.pkl");
        assertEquals(GERMAN_CREDIT_FIELDS, List.copyOf(back.tables().keySet()));
        assertArrayEquals(pickle, RiskTableMapCodec.toPickle(back));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "protocol {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2, 4, 5})
    void keepsTheOrderOfADictWrittenByPython(int protocol) throws IOException {
        Python.assumeAvailable();
        // 1,500 keys: CPython writes two SETITEMS batches (1,000 + 500) from protocol 1 on.
        byte[] pickle = Python.run("""
                import pickle, sys
                d = {"k%d" % ((i * 7919) % 1500): i for i in range(1500)}
                sys.stdout.buffer.write(pickle.dumps(d, protocol=int(sys.argv[1])))
                """, Integer.toString(protocol));
        Map<?, ?> back = assertInstanceOf(Map.class, new SafeUnpickler().loads(pickle));
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            expected.add("k" + (i * 7919) % 1500);
        }
        assertEquals(expected, List.copyOf(back.keySet()));
        assertEquals(1499, back.get("k" + (1499 * 7919) % 1500));
    }

    @Test
    void refusesSetitemsWithAnOddNumberOfItems() {
        // PROTO 2, EMPTY_DICT, MARK, BININT1 1, SETITEMS, STOP
        byte[] pickle = {(byte) 0x80, 0x02, '}', '(', 'K', 0x01, 'u', '.'};
        assertThrows(PickleException.class, () -> new SafeUnpickler().loads(pickle));
    }

    @Test
    void readsNoneAsNull() throws IOException {
        // PROTO 2, NONE, STOP
        assertNull(new SafeUnpickler().loads(new byte[] {(byte) 0x80, 0x02, 'N', '.'}));
    }

    @Test
    void truncatedPickleIsRefusedNamingTheSource() {
        RiskTableMap m = new RiskTableMap(List.of(
                new RiskTable("color", Mode.CATEGORICAL, 0.25, Map.of("red", 0.5, "blue", 0.125))));
        byte[] whole = RiskTableMapCodec.toPickle(m);
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(half, "artifacts/risk_table_map.pkl"));
        assertTrue(e.getMessage().contains("artifacts/risk_table_map.pkl"), e.getMessage());
    }

    @Test
    void emptyInputIsRefusedNamingTheSource() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(new byte[0], "empty.pkl"));
        assertTrue(e.getMessage().contains("empty.pkl"), e.getMessage());
    }

    @Test
    void jsonBytesAreNotAPickle() {
        byte[] json = "{\"format\": \"risk_table_map\"}".getBytes(StandardCharsets.UTF_8);
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> RiskTableMapCodec.fromPickle(json, "wrong.pkl"));
        assertTrue(e.getMessage().contains("wrong.pkl"), e.getMessage());
    }
}
