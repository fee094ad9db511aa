package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.riskmapping.artifacts.RiskTable.Mode;

class RiskTableMapTest {

    private static RiskTable table(String field) {
        return new RiskTable(field, Mode.CATEGORICAL, 0.1, Map.of("a", 0.5));
    }

    @Test
    void keepsTheGivenFieldOrder() {
        RiskTableMap m = new RiskTableMap(List.of(table("zeta"), table("alpha"), table("mid")));
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(m.tables().keySet()));
        assertEquals("alpha", m.list().get(1).varName());
        assertEquals(3, m.size());
    }

    @Test
    void getReturnsTheTableOrNull() {
        RiskTableMap m = new RiskTableMap(List.of(table("a")));
        assertEquals(table("a"), m.get("a"));
        assertNull(m.get("b"));
    }

    @Test
    void refusesTheSameFieldTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RiskTableMap(List.of(table("color"), table("color"))));
        assertTrue(e.getMessage().contains("color"), e.getMessage());
    }
}
