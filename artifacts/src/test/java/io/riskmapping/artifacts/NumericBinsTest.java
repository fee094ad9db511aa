package io.riskmapping.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Bin indexes by hand (edges 10, 20, 30: bins 0..3, missing bin 4) and the numeric_bins.json format. */
class NumericBinsTest {

    private static NumericBins bins() {
        Map<String, double[]> edges = new LinkedHashMap<>();
        edges.put("age", new double[] {10, 20, 30});
        edges.put("flat", new double[0]);
        return new NumericBins("quantile", edges);
    }

    @Test
    void aValueOnAnEdgeGoesToTheUpperBinAndMissingValuesToTheLastBin() {
        NumericBins b = bins();
        assertEquals(4, b.missingBin("age"));
        Object[] values = {-1e300, 9.999, 10, "10", 10.0f, 15L, "19.5", 20, 29.9, 30, "3e1", 1e300,
            null, Double.NaN, Double.POSITIVE_INFINITY, "", " 30", "n/a", "1e999", "NaN", true};
        double[] expected = {0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4};
        for (int i = 0; i < values.length; i++) {
            assertEquals(expected[i], b.bin("age", values[i]), 0.0, String.valueOf(values[i]));
        }
        // no edges: one value bin 0, the missing bin 1
        assertEquals(0.0, b.bin("flat", -5), 0.0);
        assertEquals(1.0, b.bin("flat", null), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.bin("height", 1));
        assertTrue(e.getMessage().contains("'height'") && e.getMessage().contains("[age, flat]"), e.getMessage());
    }

    @Test
    void theJsonStatesTheClosedSideAndTheMissingBinAndReadsBackEqual() {
        String json = new String(NumericBinsCodec.toJson(bins()), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"closed\" : \"left\""), json);
        assertTrue(json.replaceAll("\\s", "").contains("\"missing_bin\":{\"age\":4,\"flat\":1}"), json);
        assertEquals(bins(), NumericBinsCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "f"));
    }

    @Test
    void aFileWithoutTheNewKeysIsReadWithTheSameRules() {
        NumericBins b = NumericBinsCodec.fromJson("""
                {"format": "numeric_bins", "format_version": 1, "method": "tree", "bins": {"age": [10.0, 20.0, 30.0]}}
                """.getBytes(StandardCharsets.UTF_8), "old.json");
        assertEquals("tree", b.method());
        assertEquals(List.of("age"), List.copyOf(b.fields()));
        assertEquals(2.0, b.bin("age", "20"), 0.0);
        assertEquals(4.0, b.bin("age", ""), 0.0);
    }

    @Test
    void badFilesAreRefusedNamingTheSourceAndThePart() {
        String[][] cases = {
            {"{\"format\": \"numeric_bins\", \"format_version\": 2, \"method\": \"q\", \"bins\": {}}", "newer"},
            {"{\"format\": \"numeric_bins\", \"format_version\": 1, \"method\": \"q\", \"closed\": \"right\", \"bins\": {}}", "\"closed\""},
            {"{\"format\": \"numeric_bins\", \"format_version\": 1, \"method\": \"q\", \"bins\": {\"a\": [1.0]}, \"missing_bin\": {\"a\": 1}}",
                "missing_bin must be 2"},
            {"{\"format\": \"numeric_bins\", \"format_version\": 1, \"method\": \"q\", \"bins\": {\"a\": [2.0, 1.0]}}", "strictly increasing"},
            {"{\"format\": \"numeric_bins\", \"format_version\": 1, \"method\": \"q\", \"bins\": {\"a\": [\"x\"]}}", "numbers"},
            {"{\"format\": \"risk_table_map\", \"format_version\": 1}", "\"format\""},
        };
        for (String[] c : cases) {
            ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                    () -> NumericBinsCodec.fromJson(c[0].getBytes(StandardCharsets.UTF_8), "bins.json"), c[0]);
            assertTrue(e.getMessage().startsWith("bins.json: ") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
