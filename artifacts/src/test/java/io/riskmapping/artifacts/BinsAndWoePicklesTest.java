package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code numeric_bins.pkl} and {@code woe_table_map.pkl}: plain data, the JSON's content, identical bytes for equal input. */
class BinsAndWoePicklesTest {

    static NumericBins bins() {
        Map<String, double[]> edges = new LinkedHashMap<>();
        edges.put("duration", new double[] {12.0, 24.5});
        edges.put("a.b", new double[] {});
        return new NumericBins("quantile", edges);
    }

    static WoeTableMap woe() {
        Map<String, Double> w = new LinkedHashMap<>();
        w.put("car", 0.5);
        w.put("tv", -0.25);
        Map<String, Double> se = new LinkedHashMap<>();
        se.put("car", 0.125);
        se.put("tv", 0.375);
        Map<Double, Double> nw = new LinkedHashMap<>();
        nw.put(0.0, -1.5);
        nw.put(2.5, 0.75);
        Map<Double, Double> nse = new LinkedHashMap<>();
        nse.put(0.0, 0.0625);
        nse.put(2.5, 1.0);
        return new WoeTableMap(List.of(
                new WoeTable("purpose", RiskTable.Mode.CATEGORICAL, "1", 0.3, w, se, -0.0625, 0.5),
                new WoeTable("age", RiskTable.Mode.NUMERIC, "1", 0.3, nw, nse, null, null)));
    }

    @Test
    void theBinsPickleHoldsEdgesClosedSideMissingBinAndMethodPerField() throws IOException {
        Object root = new SafeUnpickler().loads(NumericBinsCodec.toPickle(bins()));
        Map<String, Object> duration = new LinkedHashMap<>();
        duration.put("edges", List.of(12.0, 24.5));
        duration.put("closed", "left");
        duration.put("missing_bin", 3);
        duration.put("method", "quantile");
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("edges", List.of());
        ab.put("closed", "left");
        ab.put("missing_bin", 1);
        ab.put("method", "quantile");
        assertEquals(Map.of("duration", duration, "a.b", ab), root);
        assertEquals(List.of("duration", "a.b"), List.copyOf(((Map<?, ?>) root).keySet()));
        assertArrayEquals(NumericBinsCodec.toPickle(bins()), NumericBinsCodec.toPickle(bins()));
    }

    @Test
    void theWoePickleHoldsTheJsonWoeTablesWithNoneForAnAbsentNullWoe() throws IOException {
        Object root = new SafeUnpickler().loads(WoeTableMapCodec.toPickle(woe()));
        Map<String, Object> purpose = new LinkedHashMap<>();
        purpose.put("prior", 0.3);
        purpose.put("woe", Map.of("car", 0.5, "tv", -0.25));
        purpose.put("woe_se", Map.of("car", 0.125, "tv", 0.375));
        purpose.put("null_woe", -0.0625);
        purpose.put("null_woe_se", 0.5);
        Map<String, Object> age = new LinkedHashMap<>();
        age.put("prior", 0.3);
        age.put("woe", Map.of("0", -1.5, "2.5", 0.75));
        age.put("woe_se", Map.of("0", 0.0625, "2.5", 1.0));
        age.put("null_woe", null);
        age.put("null_woe_se", null);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("purpose", Map.of("varName", "purpose", "mode", "categorical", "classes", Map.of("1", purpose)));
        expected.put("age", Map.of("varName", "age", "mode", "numeric", "classes", Map.of("1", age)));
        assertEquals(expected, root);
        assertArrayEquals(WoeTableMapCodec.toPickle(woe()), WoeTableMapCodec.toPickle(woe()));
    }

    /** Python's pickle.load gives plain dicts, lists, str, float, int and None, in the files' order. */
    @Test
    void pythonLoadsBothPicklesAsPlainData(@TempDir Path dir) throws IOException {
        Python.assumeAvailable();
        Path b = dir.resolve(NumericBinsCodec.PICKLE_FILE);
        Path w = dir.resolve(WoeTableMapCodec.PICKLE_FILE);
        Files.write(b, NumericBinsCodec.toPickle(bins()));
        Files.write(w, WoeTableMapCodec.toPickle(woe()));
        String out = Python.runText("""
                import pickle, sys
                for p in sys.argv[1:]:
                    with open(p, "rb") as f:
                        print(repr(pickle.load(f)))
                """, b.toString(), w.toString());
        assertEquals(Arrays.asList(
                "{'duration': {'edges': [12.0, 24.5], 'closed': 'left', 'missing_bin': 3, 'method': 'quantile'},"
                        + " 'a.b': {'edges': [], 'closed': 'left', 'missing_bin': 1, 'method': 'quantile'}}",
                "{'purpose': {'varName': 'purpose', 'mode': 'categorical', 'classes': {'1': {'prior': 0.3,"
                        + " 'woe': {'car': 0.5, 'tv': -0.25}, 'woe_se': {'car': 0.125, 'tv': 0.375},"
                        + " 'null_woe': -0.0625, 'null_woe_se': 0.5}}},"
                        + " 'age': {'varName': 'age', 'mode': 'numeric', 'classes': {'1': {'prior': 0.3,"
                        + " 'woe': {'0': -1.5, '2.5': 0.75}, 'woe_se': {'0': 0.0625, '2.5': 1.0},"
                        + " 'null_woe': None, 'null_woe_se': None}}}}"),
                Arrays.asList(out.strip().split("\n")));
    }
}
