package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImputeScorerTest {

    private static final ImputeScorer AGE = new ImputeScorer("age", 35.5);

    // ---------------------------------------------------------------- impute

    @Test
    void presentValuesAreReturnedUnchanged() {
        for (Object v : List.of(42, 42L, 0.0, -0.0, 1.5f, "42", "abc", " 1", "NaN", "Infinity", "\t", new BigDecimal("1.50"),
                Boolean.FALSE, Double.MAX_VALUE)) {
            assertSame(v, AGE.impute(v), () -> v + " (" + v.getClass().getSimpleName() + ")");
        }
    }

    @Test
    void nullIsReplacedByTheImputeValueAsADouble() {
        Object v = AGE.impute(null);
        assertInstanceOf(Double.class, v);
        assertEquals(35.5, v);
    }

    @Test
    void nanAndInfiniteDoublesAndFloatsAreMissing() {
        assertEquals(35.5, AGE.impute(Double.NaN));
        assertEquals(35.5, AGE.impute(Float.NaN));
        assertEquals(35.5, AGE.impute(Double.longBitsToDouble(0x7ff0000000000abcL))); // another NaN bit pattern
        // The batch imputer reads non-finite numbers as missing (NumericKeys.normalize).
        assertEquals(35.5, AGE.impute(Double.POSITIVE_INFINITY));
        assertEquals(35.5, AGE.impute(Float.NEGATIVE_INFINITY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   "})
    void emptyAndAllSpaceTextIsMissing(String blank) {
        assertEquals(35.5, AGE.impute(blank));
        assertEquals(35.5, AGE.impute(new StringBuilder(blank)));
    }

    /** The batch test is Spark's trim(c) = '', and Spark's trim removes U+0020 only. */
    @ParameterizedTest
    @ValueSource(strings = {"\t", "\n", " \t ", "\r\n", "\u00a0", "\u2003", "\u3000"})
    void otherWhiteSpaceIsPresentAsInTheBatchJob(String white) {
        assertSame(white, AGE.impute(white));
    }

    @Test
    void isMissingFollowsTheRule() {
        assertTrue(ImputeScorer.isMissing(null));
        assertTrue(ImputeScorer.isMissing(Float.NaN));
        assertTrue(ImputeScorer.isMissing(Double.NEGATIVE_INFINITY));
        assertTrue(ImputeScorer.isMissing(""));
        assertTrue(ImputeScorer.isMissing("  "));
        assertFalse(ImputeScorer.isMissing("\t"));
        assertFalse(ImputeScorer.isMissing("NaN"), "text NaN is text, not a missing value");
        assertFalse(ImputeScorer.isMissing(Double.MAX_VALUE));
        assertFalse(ImputeScorer.isMissing(0));
    }

    // ---------------------------------------------------------- imputeDouble

    @Test
    void imputeDoubleConvertsNumbers() {
        assertEquals(42.0, AGE.imputeDouble(42));
        assertEquals(42.0, AGE.imputeDouble(42L));
        assertEquals(1.5, AGE.imputeDouble(new BigDecimal("1.50")));
        assertEquals((double) 0.1f, AGE.imputeDouble(0.1f)); // the float's own value, not 0.1
        assertEquals(-0.0, AGE.imputeDouble(-0.0));
    }

    @Test
    void imputeDoubleParsesNumericText() {
        assertEquals(2.5, AGE.imputeDouble("2.5"));
        assertEquals(1000.0, AGE.imputeDouble("1e3"));
        assertEquals(-3.0, AGE.imputeDouble("-3"));
        assertEquals(1.0, AGE.imputeDouble("+1."));
        assertEquals(0.5, AGE.imputeDouble(".5"));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(AGE.imputeDouble("-0")));
    }

    @Test
    void imputeDoubleReplacesMissingValues() {
        assertEquals(35.5, AGE.imputeDouble(null));
        assertEquals(35.5, AGE.imputeDouble(Double.NaN));
        assertEquals(35.5, AGE.imputeDouble(Float.NaN));
        assertEquals(35.5, AGE.imputeDouble(Double.POSITIVE_INFINITY));
        assertEquals(35.5, AGE.imputeDouble(new java.math.BigInteger("1" + "0".repeat(400)))); // overflows to infinity
        assertEquals(35.5, AGE.imputeDouble(""));
        assertEquals(35.5, AGE.imputeDouble("  "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", " 1", "1 ", "\t", "NaN", "Infinity", "0x10", "1d", "1,5", "1e999"})
    void imputeDoubleRefusesNonNumericTextNamingFieldAndValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AGE.imputeDouble(text));
        assertTrue(e.getMessage().contains("'age'"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void imputeDoubleRefusesOtherTypesNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AGE.imputeDouble(Boolean.TRUE));
        assertTrue(e.getMessage().contains("'age'"), e.getMessage());
        assertTrue(e.getMessage().contains("Boolean"), e.getMessage());
    }

    // ----------------------------------------------------------------- other

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void refusesANonFiniteImputeValueNamingTheField(double bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImputeScorer("amount", bad));
        assertTrue(e.getMessage().contains("amount"), e.getMessage());
    }

    @Test
    void refusesANullField() {
        assertThrows(NullPointerException.class, () -> new ImputeScorer(null, 1.0));
    }

    @Test
    void exposesFieldAndValue() {
        assertEquals("age", AGE.field());
        assertEquals(35.5, AGE.value());
        assertEquals(new ImputeScorer("age", 35.5), AGE);
        assertNotEquals(new ImputeScorer("age", 35.0), AGE);
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(AGE);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ImputeScorer back = (ImputeScorer) in.readObject();
            assertEquals(AGE, back);
            assertEquals(35.5, back.impute(null));
        }
    }
}
