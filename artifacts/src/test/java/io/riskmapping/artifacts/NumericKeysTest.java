package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumericKeysTest {

    private static final long POSITIVE_ZERO_BITS = 0L;

    @ParameterizedTest
    @ValueSource(strings = {"1", "-1.5", "+.5", "1e3", "1.", "0", "-0", "01", "2.50", "1E-3", "+7e+2", ".5", "123456789012345678901234567890"})
    void decimalTextsAreNumbers(String text) {
        assertTrue(NumericKeys.isNumber(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {" 1", "1 ", "NaN", "Infinity", "-Infinity", "0x10", "1d", "1f", "", "1e", "1\n", "abc",
            ".", "+", "-", "e3", "1.2.3", "1,5", "\uFF11", "\t1"})
    void otherTextsAreNotNumbers(String text) {
        assertFalse(NumericKeys.isNumber(text), text);
    }

    @Test
    void nullIsNotANumber() {
        assertFalse(NumericKeys.isNumber(null));
        assertNull(NumericKeys.parse(null));
    }

    /** The regex is also used by Spark's rlike, which searches (find) rather than matching in full. */
    @ParameterizedTest
    @ValueSource(strings = {" 1", "1 ", "x1", "1x", "1\n", "\n1", "0x10"})
    void regexRefusesPartialMatchesUnderFindSemanticsToo(String text) {
        assertFalse(Pattern.compile(NumericKeys.NUMBER_REGEX).matcher(text).find(), text);
    }

    @Test
    void regexFindsAWholeNumber() {
        assertTrue(Pattern.compile(NumericKeys.NUMBER_REGEX).matcher("-1.5e3").find());
    }

    @Test
    void equivalentTextsParseToTheSameKey() {
        assertEquals(1.0, NumericKeys.parse("1"));
        assertEquals(1.0, NumericKeys.parse("1.0"));
        assertEquals(1.0, NumericKeys.parse("01"));
        assertEquals(1.0, NumericKeys.parse("1e0"));
        assertEquals(NumericKeys.parse("1"), NumericKeys.parse("1.0"));
    }

    @Test
    void parseGivesTheDecimalValue() {
        assertEquals(-1.5, NumericKeys.parse("-1.5"));
        assertEquals(0.5, NumericKeys.parse("+.5"));
        assertEquals(1000.0, NumericKeys.parse("1e3"));
        assertEquals(1.0, NumericKeys.parse("1."));
    }

    @Test
    void parseOfNonNumberIsNull() {
        assertNull(NumericKeys.parse("abc"));
        assertNull(NumericKeys.parse(" 1"));
        assertNull(NumericKeys.parse("NaN"));
    }

    @Test
    void negativeZeroNormalizesToPositiveZero() {
        assertEquals(POSITIVE_ZERO_BITS, Double.doubleToRawLongBits(NumericKeys.normalize(-0.0)));
        assertEquals(POSITIVE_ZERO_BITS, Double.doubleToRawLongBits(NumericKeys.parse("-0")));
        assertEquals(POSITIVE_ZERO_BITS, Double.doubleToRawLongBits(NumericKeys.parse("-0.0")));
        assertEquals(POSITIVE_ZERO_BITS, Double.doubleToRawLongBits(NumericKeys.of(-0.0)));
        assertEquals(POSITIVE_ZERO_BITS, Double.doubleToRawLongBits(NumericKeys.of(-0.0f)));
    }

    @Test
    void nanIsMissing() {
        assertNull(NumericKeys.normalize(Double.NaN));
        assertNull(NumericKeys.of(Double.NaN));
        assertNull(NumericKeys.of(Float.NaN));
    }

    @Test
    void ofNumbersGivesTheirDoubleValue() {
        assertEquals(3.0, NumericKeys.of(Integer.valueOf(3)));
        assertEquals(3.0, NumericKeys.of(3L));
        assertEquals(1.5, NumericKeys.of(1.5f));
        assertEquals(2.5, NumericKeys.of(new BigDecimal("2.50")));
    }

    @Test
    void ofTextParsesIt() {
        assertEquals(1.0, NumericKeys.of("1.0"));
        assertEquals(1.0, NumericKeys.of(new StringBuilder("1")));
        assertNull(NumericKeys.of("abc"));
    }

    @Test
    void ofNullAndOtherTypesIsNull() {
        assertNull(NumericKeys.of(null));
        assertNull(NumericKeys.of(Boolean.TRUE));
        assertNull(NumericKeys.of(new Object()));
    }

    @Test
    void isIntegralHoldsForExactIntegersUpToTwoToThe53() {
        assertTrue(NumericKeys.isIntegral(0.0));
        assertTrue(NumericKeys.isIntegral(-3.0));
        assertTrue(NumericKeys.isIntegral(9007199254740992.0)); // 2^53
        assertTrue(NumericKeys.isIntegral(-9007199254740992.0));
        assertFalse(NumericKeys.isIntegral(9007199254740994.0)); // 2^53 + 2: beyond the exact range
        assertFalse(NumericKeys.isIntegral(1.5));
        assertFalse(NumericKeys.isIntegral(Double.POSITIVE_INFINITY));
        assertFalse(NumericKeys.isIntegral(Double.NaN));
    }

    @Test
    void formatWritesIntegersWithoutFraction() {
        assertEquals("12", NumericKeys.format(12.0));
        assertEquals("-3", NumericKeys.format(-3.0));
        assertEquals("0", NumericKeys.format(0.0));
        assertEquals("9007199254740992", NumericKeys.format(9007199254740992.0));
    }

    @Test
    void formatWritesFractions() {
        assertEquals("0.5", NumericKeys.format(0.5));
        assertEquals("2.5", NumericKeys.format(2.5));
        assertEquals("-1.5", NumericKeys.format(-1.5));
    }

    @Test
    void formatOfLargeAndTinyValuesReadsBackExactly() {
        for (double v : new double[] {1e300, -1e300, 1e17, 0.1 + 0.2, 1 / 3.0, 5e-324, Double.MAX_VALUE}) {
            String text = NumericKeys.format(v);
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Double.parseDouble(text)), text);
        }
    }

    @Test
    void formattedKeysAreNumbersByTheTextRule() {
        // The JSON twin's keys must themselves be numbers by NUMBER_REGEX (e.g. "1.0E300").
        for (double v : new double[] {12.0, 0.5, 1e300, 5e-324, -2.5e-10}) {
            assertTrue(NumericKeys.isNumber(NumericKeys.format(v)), NumericKeys.format(v));
        }
    }
}
