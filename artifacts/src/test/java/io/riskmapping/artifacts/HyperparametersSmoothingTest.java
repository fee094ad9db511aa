package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** smoothing_mode, smoothing and handle_missing: values, defaults, bad combinations, what is written. */
class HyperparametersSmoothingTest {

    private static Hyperparameters parse(String json) {
        return Hyperparameters.parse(json.getBytes(StandardCharsets.UTF_8), "hp.json");
    }

    private static String refused(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    @Test
    void defaultsAreFractionAndDefaultAndAreNotWritten() {
        Hyperparameters h = parse("{\"cat_field_list\": [\"a\"]}");
        assertEquals("fraction", h.smoothingMode());
        assertEquals(0.0, h.smoothing());
        assertEquals("default", h.handleMissing());
        String written = new String(h.toJson(), StandardCharsets.UTF_8);
        assertTrue(!written.contains("smoothing") && !written.contains("handle_missing"), written);
        // given with their default values: the same file as without them
        assertEquals(written, new String(parse("{\"cat_field_list\": [\"a\"], \"smoothing_mode\": \"fraction\","
                + " \"handle_missing\": \"default\"}").toJson(), StandardCharsets.UTF_8));
    }

    @Test
    void countModeTakesSmoothingAndIsWritten() {
        Hyperparameters h = parse("{\"smoothing_mode\": \"count\", \"smoothing\": 20, \"handle_missing\": \"category\"}");
        assertEquals("count", h.smoothingMode());
        assertEquals(20.0, h.smoothing());
        assertEquals("category", h.handleMissing());
        String written = new String(h.toJson(), StandardCharsets.UTF_8);
        assertTrue(written.contains("\"smoothing_mode\" : \"count\",\n  \"smoothing\" : 20.0,\n  \"handle_missing\" : \"category\""), written);
        assertEquals(0.5, parse("{\"smoothing_mode\": \"count\", \"smoothing\": 0.5}").smoothing());
        assertEquals("auto", parse("{\"smoothing_mode\": \"auto\"}").smoothingMode());
    }

    @Test
    void badCombinationsAndValuesAreRefusedNamingTheKey() {
        assertEquals("hp.json: smoothing 10 is given but smoothing_mode is \"fraction\"; it is the pseudo-count of smoothing_mode \"count\"",
                refused("{\"smoothing\": 10}"));
        assertTrue(refused("{\"smoothing_mode\": \"auto\", \"smoothing\": 1}").contains("smoothing_mode is \"auto\""));
        assertEquals("hp.json: smoothing_mode \"count\" needs smoothing (the pseudo-count, a number >= 0)",
                refused("{\"smoothing_mode\": \"count\"}"));
        assertEquals("hp.json: smoothing must be a number >= 0, got -1", refused("{\"smoothing_mode\": \"count\", \"smoothing\": -1}"));
        assertEquals("hp.json: smoothing must be a number >= 0, got \"5\"", refused("{\"smoothing_mode\": \"count\", \"smoothing\": \"5\"}"));
        assertEquals("hp.json: smoothing_mode must be one of fraction, count, auto, got \"bayes\"", refused("{\"smoothing_mode\": \"bayes\"}"));
        assertEquals("hp.json: handle_missing must be one of default, category, got \"prior\"", refused("{\"handle_missing\": \"prior\"}"));
        assertTrue(refused("{\"encoding\": \"woe\", \"handle_missing\": \"category\"}").contains("apply to encoding \"risk_table\""));
        assertTrue(refused("{\"encoding\": \"woe\", \"smoothing_mode\": \"auto\"}").contains("apply to encoding \"risk_table\""));
    }

    @Test
    void theNewKeysAreKnown() {
        assertTrue(parse("{\"smoothing_mode\": \"auto\", \"handle_missing\": \"category\"}").unknownKeys().isEmpty());
        assertEquals("smoothing_mode", Hyperparameters.nearestKnownKey("smoothing_mod"));
    }
}
