package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.riskmapping.artifacts.RiskTable.Mode;

class RiskScorerTest {

    private static final double DEFAULT = 0.1;

    private static Map<Object, Double> bins(Object... keysAndValues) {
        Map<Object, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return m;
    }

    private static final RiskScorer COLOR = new RiskScorer(
            new RiskTable("color", Mode.CATEGORICAL, DEFAULT, bins("A", 0.5, "b", 0.25, "1", 0.75)));

    private static final RiskScorer AMOUNT = new RiskScorer(
            new RiskTable("amount", Mode.NUMERIC, DEFAULT, bins(1.0, 0.5, 0.0, 0.25, 2.5, 0.125, -3, 0.0625)));

    // ---------------------------------------------------------- categorical

    @Test
    void categoricalLooksUpTheExactText() {
        assertEquals(0.5, COLOR.score("A"));
        assertEquals(0.25, COLOR.score("b"));
    }

    @Test
    void categoricalDoesNotTrimOrFoldCase() {
        assertEquals(DEFAULT, COLOR.score(" A"));
        assertEquals(DEFAULT, COLOR.score("A "));
        assertEquals(DEFAULT, COLOR.score("a"));
        assertEquals(DEFAULT, COLOR.score("B"));
    }

    @Test
    void categoricalNullAndUnseenGiveTheDefault() {
        assertEquals(DEFAULT, COLOR.score(null));
        assertEquals(DEFAULT, COLOR.score("Z"));
        assertEquals(DEFAULT, COLOR.score(""));
    }

    @Test
    void categoricalUsesTheTextOfNonStringValues() {
        // The category is value.toString(): 1 -> "1" (a bin); 1.0 -> "1.0" (not a bin).
        assertEquals(0.75, COLOR.score(1));
        assertEquals(DEFAULT, COLOR.score(1.0));
    }

    // -------------------------------------------------------------- numeric

    @Test
    void numericMatchesEveryFormOfOne() {
        for (Object one : List.of(1, 1L, 1.0f, 1.0, (short) 1, new BigDecimal("1.00"), "1", "1.0", "01", "1e0", "+1", "1.")) {
            assertEquals(0.5, AMOUNT.score(one), () -> one + " (" + one.getClass().getSimpleName() + ")");
        }
    }

    @Test
    void numericMatchesFractionalKeysByValue() {
        assertEquals(0.125, AMOUNT.score("2.50"));
        assertEquals(0.125, AMOUNT.score("25e-1"));
        assertEquals(0.125, AMOUNT.score(2.5f));
        assertEquals(0.0625, AMOUNT.score("-3"));
        assertEquals(0.0625, AMOUNT.score(-3));
    }

    @Test
    void numericNegativeZeroHitsTheBinOfZero() {
        assertEquals(0.25, AMOUNT.score(-0.0));
        assertEquals(0.25, AMOUNT.score(-0.0f));
        assertEquals(0.25, AMOUNT.score("-0"));
        assertEquals(0.25, AMOUNT.score("-0.0"));
        assertEquals(0.25, AMOUNT.score(0));
    }

    @Test
    void numericNonNumbersGiveTheDefault() {
        assertEquals(DEFAULT, AMOUNT.score("abc"));
        assertEquals(DEFAULT, AMOUNT.score(" 1"));
        assertEquals(DEFAULT, AMOUNT.score("1 "));
        assertEquals(DEFAULT, AMOUNT.score("1d"));
        assertEquals(DEFAULT, AMOUNT.score(""));
        assertEquals(DEFAULT, AMOUNT.score(Boolean.TRUE));
    }

    @Test
    void numericNaNAndNullGiveTheDefault() {
        assertEquals(DEFAULT, AMOUNT.score(Double.NaN));
        assertEquals(DEFAULT, AMOUNT.score(Float.NaN));
        assertEquals(DEFAULT, AMOUNT.score("NaN"));
        assertEquals(DEFAULT, AMOUNT.score(null));
    }

    @Test
    void numericUnseenValueGivesTheDefault() {
        assertEquals(DEFAULT, AMOUNT.score(2));
        assertEquals(DEFAULT, AMOUNT.score("1.0000001"));
    }

    // ---------------------------------------------------------------- other

    @Test
    void scorerFromAReadBackTableGivesBitIdenticalValues() {
        // Bin 1/3 and default 0.1 + 0.2 survive the JSON twin exactly.
        RiskTable t = new RiskTable("x", Mode.NUMERIC, 0.1 + 0.2, bins(7, 1 / 3.0));
        RiskTable back = RiskTableMapCodec.fromJson(RiskTableMapCodec.toJson(new RiskTableMap(List.of(t))), "t.json").get("x");
        RiskScorer s = new RiskScorer(back);
        assertEquals(Double.doubleToRawLongBits(1 / 3.0), Double.doubleToRawLongBits(s.score("7")));
        assertEquals(Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(s.score("8")));
    }

    @Test
    void exposesFieldAndBins() {
        assertEquals("amount", AMOUNT.field());
        assertEquals(4, AMOUNT.bins().size());
        assertEquals(Mode.NUMERIC, AMOUNT.table().mode());
    }
}
