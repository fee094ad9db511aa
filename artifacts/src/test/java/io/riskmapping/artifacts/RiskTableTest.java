package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.riskmapping.artifacts.RiskTable.Mode;

class RiskTableTest {

    /** Keys and values in turn, as an ordered map (also for the other tests of this package). */
    static Map<Object, Double> bins(Object... keysAndValues) {
        Map<Object, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void categoricalKeysAreSortedAsText() {
        RiskTable t = new RiskTable("color", Mode.CATEGORICAL, 0.1, bins("b", 0.2, "a", 0.3, "C", 0.4));
        // String order: upper case before lower case.
        assertEquals(List.of("C", "a", "b"), new ArrayList<>(t.bins().keySet()));
    }

    @Test
    void numericKeysAreSortedByValueNotByText() {
        RiskTable t = new RiskTable("n", Mode.NUMERIC, 0.1, bins("10", 0.2, 2, 0.3, -1.5, 0.4));
        // As text "10" < "2"; as numbers -1.5 < 2 < 10.
        assertEquals(List.of(-1.5, 2.0, 10.0), new ArrayList<>(t.bins().keySet()));
    }

    @Test
    void numericModeTurnsNumericStringsAndNumbersIntoDoubleKeys() {
        RiskTable t = new RiskTable("n", Mode.NUMERIC, 0.1, bins("1", 0.5, 2L, 0.25, 3.5f, 0.125, "4.0", 0.0625, 5, 0.75));
        for (Object k : t.bins().keySet()) {
            assertInstanceOf(Double.class, k);
        }
        assertEquals(Map.of(1.0, 0.5, 2.0, 0.25, 3.5, 0.125, 4.0, 0.0625, 5.0, 0.75), t.bins());
    }

    @Test
    void numericModeMergesTextAndNumberOfTheSameValueIntoOneKey() {
        RiskTable t = new RiskTable("n", Mode.NUMERIC, 0.1, bins("1", 0.5, 1.0, 0.5, 1, 0.5, "1.00", 0.5));
        assertEquals(Map.of(1.0, 0.5), t.bins());
    }

    @Test
    void numericKeysOfTheSameNumberWithDifferentValuesAreRefused() {
        // e.g. a hand-edited risk_table_map.json holding both "1" and "1.0"
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("n", Mode.NUMERIC, 0.1, bins("1", 0.9, "1.0", 0.2)));
        assertTrue(e.getMessage().contains("'n'") && e.getMessage().contains("0.9") && e.getMessage().contains("0.2"), e.getMessage());
    }

    @Test
    void nonFiniteValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RiskTable("n", Mode.CATEGORICAL, Double.NaN, bins("a", 0.5)));
        assertThrows(IllegalArgumentException.class, () -> new RiskTable("n", Mode.CATEGORICAL, 0.1, bins("a", Double.POSITIVE_INFINITY)));
    }

    @Test
    void numericModeStoresNegativeZeroAsPositiveZero() {
        RiskTable t = new RiskTable("n", Mode.NUMERIC, 0.1, bins(-0.0, 0.5));
        Object key = t.bins().keySet().iterator().next();
        assertEquals(0L, Double.doubleToRawLongBits((Double) key));
    }

    @Test
    void categoricalKeysAreKeptExactly() {
        RiskTable t = new RiskTable("c", Mode.CATEGORICAL, 0.1, bins(" A", 0.2, "A", 0.3, "a", 0.4, "1", 0.5, "1.0", 0.6));
        assertEquals(5, t.bins().size());
        assertEquals(0.2, t.bins().get(" A"));
        assertEquals(0.6, t.bins().get("1.0"));
    }

    @Test
    void categoricalTableRefusesNonStringKeyNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("color", Mode.CATEGORICAL, 0.1, bins(1, 0.5)));
        assertTrue(e.getMessage().contains("color"), e.getMessage());
    }

    @Test
    void numericTableRefusesNonNumericTextNamingTheFieldAndKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("amount", Mode.NUMERIC, 0.1, bins("abc", 0.5)));
        assertTrue(e.getMessage().contains("amount"), e.getMessage());
        assertTrue(e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void numericTableRefusesNaNKey() {
        // NaN is "missing", never a category.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("amount", Mode.NUMERIC, 0.1, bins(Double.NaN, 0.5)));
        assertTrue(e.getMessage().contains("amount"), e.getMessage());
    }

    @Test
    void numericTableRefusesNonNumberKeyObject() {
        assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("amount", Mode.NUMERIC, 0.1, bins(Boolean.TRUE, 0.5)));
    }

    /** The same text rule as {@link NumericKeys#isNumber}: what the scorer and the batch job accept. */
    @ParameterizedTest
    @ValueSource(strings = {" 1", "1 ", "1d", "0x1p4", "Infinity"})
    void numericTableRefusesTextThatIsNotANumberByTheNumericKeysRule(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("amount", Mode.NUMERIC, 0.1, bins(key, 0.5)));
        assertTrue(e.getMessage().contains("amount"), e.getMessage());
    }

    @Test
    void nullBinValueIsRefusedNamingTheField() {
        Map<Object, Double> b = new HashMap<>();
        b.put("a", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTable("color", Mode.CATEGORICAL, 0.1, b));
        assertTrue(e.getMessage().contains("color"), e.getMessage());
    }

    @Test
    void hasIntegralKeysWhenEveryNumericKeyIsAnInteger() {
        assertTrue(new RiskTable("n", Mode.NUMERIC, 0.1, bins(1, 0.5, "2.0", 0.25, -3L, 0.125)).hasIntegralKeys());
        assertTrue(new RiskTable("n", Mode.NUMERIC, 0.1, bins(9007199254740992.0, 0.5)).hasIntegralKeys()); // 2^53
    }

    @Test
    void hasNoIntegralKeysWhenOneKeyHasAFraction() {
        assertFalse(new RiskTable("n", Mode.NUMERIC, 0.1, bins(1, 0.5, 2.5, 0.25)).hasIntegralKeys());
    }

    @Test
    void hasNoIntegralKeysBeyondTwoToThe53() {
        assertFalse(new RiskTable("n", Mode.NUMERIC, 0.1, bins(1e17, 0.5)).hasIntegralKeys());
    }

    @Test
    void categoricalTableNeverHasIntegralKeys() {
        assertFalse(new RiskTable("c", Mode.CATEGORICAL, 0.1, bins("1", 0.5, "2", 0.25)).hasIntegralKeys());
    }

    @Test
    void binsCannotBeModified() {
        RiskTable t = new RiskTable("c", Mode.CATEGORICAL, 0.1, bins("a", 0.5));
        assertThrows(UnsupportedOperationException.class, () -> t.bins().put("b", 0.25));
    }

    @Test
    void laterChangesToTheInputMapDoNotLeakIn() {
        Map<Object, Double> in = bins("a", 0.5);
        RiskTable t = new RiskTable("c", Mode.CATEGORICAL, 0.1, in);
        in.put("b", 0.25);
        assertEquals(Map.of("a", 0.5), t.bins());
    }

    @Test
    void tablesFromEquivalentNumericKeysAreEqual() {
        RiskTable a = new RiskTable("n", Mode.NUMERIC, 0.1, bins("1", 0.5, "2.5", 0.25));
        RiskTable b = new RiskTable("n", Mode.NUMERIC, 0.1, bins(2.5, 0.25, 1L, 0.5));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void tablesDifferingInModeOrDefaultAreNotEqual() {
        RiskTable a = new RiskTable("c", Mode.CATEGORICAL, 0.1, bins());
        assertFalse(a.equals(new RiskTable("c", Mode.NUMERIC, 0.1, bins())));
        assertFalse(a.equals(new RiskTable("c", Mode.CATEGORICAL, 0.2, bins())));
        assertFalse(a.equals(new RiskTable("d", Mode.CATEGORICAL, 0.1, bins())));
    }

    @Test
    void withVarNameRenamesOnly() {
        RiskTable a = new RiskTable("a.b", Mode.NUMERIC, 0.1, bins(1, 0.5));
        RiskTable b = a.withVarName("a__DOT__b");
        assertEquals("a__DOT__b", b.varName());
        assertEquals(Mode.NUMERIC, b.mode());
        assertEquals(0.1, b.defaultBin());
        assertEquals(Map.of(1.0, 0.5), b.bins());
    }

    @Test
    void modeLabelsAreTheArtifactNames() {
        assertEquals("categorical", Mode.CATEGORICAL.label());
        assertEquals("numeric", Mode.NUMERIC.label());
        assertEquals(Mode.NUMERIC, Mode.fromLabel("numeric"));
        assertThrows(IllegalArgumentException.class, () -> Mode.fromLabel("Numeric"));
    }
}
