package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImputeDictTest {

    static Map<String, Double> values(Object... columnsAndValues) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            m.put((String) columnsAndValues[i], (Double) columnsAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void keepsTheGivenColumnOrder() {
        ImputeDict d = new ImputeDict(values("zeta", 1.0, "alpha", 2.0, "mid", 3.0));
        assertEquals(List.of("zeta", "alpha", "mid"), d.columns());
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(d.values().keySet()));
        assertEquals(3, d.size());
    }

    @Test
    void getReturnsTheValueOrNull() {
        ImputeDict d = new ImputeDict(values("age", 35.0, "amount", 0.1 + 0.2));
        assertEquals(35.0, d.get("age"));
        assertEquals(Double.doubleToRawLongBits(0.1 + 0.2), Double.doubleToRawLongBits(d.get("amount")));
        assertNull(d.get("other"));
        assertTrue(d.contains("age"));
        assertFalse(d.contains("other"));
    }

    @Test
    void isACopyAndUnmodifiable() {
        Map<String, Double> source = values("age", 35.0);
        ImputeDict d = new ImputeDict(source);
        source.put("age", 1.0);
        source.put("new", 2.0);
        assertEquals(Map.of("age", 35.0), d.values());
        assertThrows(UnsupportedOperationException.class, () -> d.values().put("x", 1.0));
        assertThrows(UnsupportedOperationException.class, () -> d.columns().add("x"));
    }

    @Test
    void emptyDictIsAllowed() {
        assertEquals(0, new ImputeDict(Map.of()).size());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void refusesNonFiniteValuesNamingTheColumn(double bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImputeDict(values("ok", 1.0, "credit_amount", bad)));
        assertTrue(e.getMessage().contains("credit_amount"), e.getMessage());
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void refusesNullValuesAndColumns() {
        Map<String, Double> nullValue = new HashMap<>();
        nullValue.put("age", null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> new ImputeDict(nullValue));
        assertTrue(e.getMessage().contains("age"), e.getMessage());
        Map<String, Double> nullColumn = new HashMap<>();
        nullColumn.put(null, 1.0);
        assertThrows(NullPointerException.class, () -> new ImputeDict(nullColumn));
        assertThrows(NullPointerException.class, () -> new ImputeDict(null));
    }

    @Test
    void equalWhenSameColumnsSameOrderSameBits() {
        ImputeDict a = new ImputeDict(values("a", 1.0, "b", 2.5));
        ImputeDict b = new ImputeDict(values("a", 1.0, "b", 2.5));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void orderIsPartOfEquality() {
        // The order is written to the files, so dicts that would write different bytes differ.
        assertNotEquals(new ImputeDict(values("a", 1.0, "b", 2.5)), new ImputeDict(values("b", 2.5, "a", 1.0)));
    }

    @Test
    void valuesCompareByBits() {
        assertNotEquals(new ImputeDict(values("a", 0.0)), new ImputeDict(values("a", -0.0)));
        assertNotEquals(new ImputeDict(values("a", 0.3)), new ImputeDict(values("a", 0.1 + 0.2)));
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        ImputeDict d = new ImputeDict(values("age", 35.0, "amount", 1 / 3.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(d, in.readObject());
        }
    }
}
