package io.riskmapping.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.razorvine.pickle.Pickler;

/**
 * Reads and writes {@code numeric_bins.json} (format version 1):
 * <pre>
 * {"format": "numeric_bins", "format_version": 1, "method": m, "closed": "left",
 *  "bins": {field: [inner edges...]}, "missing_bin": {field: k}}
 * </pre>
 * {@code closed} and {@code missing_bin} state the rules of {@link NumericBins} (bin {@code j}
 * holds {@code edges[j-1] <= x < edges[j]}; missing values go to bin {@code edges.length + 1});
 * files without them are read the same way. Readers throw {@link ArtifactFormatException} naming
 * the source and the bad part, and refuse a newer format version or other values of those keys.
 * <p>
 * {@code numeric_bins.pkl} ({@link #PICKLE_FILE}) holds the same content for Python, as plain
 * dicts, lists, str, float and int (protocol 2, no memo: equal bins give identical bytes):
 * <pre>
 * {field: {"edges": [inner edges as float...], "closed": "left", "missing_bin": k, "method": m}}
 * </pre>
 */
public final class NumericBinsCodec {

    public static final String JSON_FILE = "numeric_bins.json";
    /** File name of the Python pickle. */
    public static final String PICKLE_FILE = "numeric_bins.pkl";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private NumericBinsCodec() {
    }

    /** The JSON bytes of {@code bins} (UTF-8, indented, fields in order). */
    public static byte[] toJson(NumericBins bins) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "numeric_bins");
        root.put("format_version", NumericBins.FORMAT_VERSION);
        root.put("method", bins.method());
        root.put("closed", NumericBins.CLOSED);
        ObjectNode edges = root.putObject("bins");
        ObjectNode missing = root.putObject("missing_bin");
        bins.innerEdges().forEach((f, e) -> {
            ArrayNode a = edges.putArray(f);
            for (double v : e) {
                a.add(v);
            }
            missing.put(f, e.length + 1);
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pickle's bytes: {@code {field: {"edges": [float...], "closed": "left", "missing_bin": int,
     * "method": str}}}, fields in order, protocol 2, no memo (deterministic).
     */
    public static byte[] toPickle(NumericBins bins) {
        Map<String, Object> root = new LinkedHashMap<>();
        bins.innerEdges().forEach((f, e) -> {
            List<Double> edges = new ArrayList<>(e.length);
            for (double v : e) {
                edges.add(v);
            }
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("edges", edges);
            field.put("closed", NumericBins.CLOSED);
            field.put("missing_bin", e.length + 1);
            field.put("method", bins.method());
            root.put(f, field);
        });
        try {
            return new Pickler(false).dumps(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses {@code numeric_bins.json}.
     *
     * @param source the file name, for messages
     * @throws ArtifactFormatException when it is not JSON, has the wrong structure, a newer version,
     *         another closed side, or a missing bin other than the number of edges plus one
     */
    public static NumericBins fromJson(byte[] bytes, String source) {
        JsonNode root = WoeTableMapCodec.root(JSON, bytes, source, "numeric_bins", NumericBins.FORMAT_VERSION);
        JsonNode method = root.get("method");
        if (method == null || !method.isTextual()) {
            throw new ArtifactFormatException(source + ": \"method\" must be text");
        }
        JsonNode closed = root.get("closed");
        if (closed != null && !NumericBins.CLOSED.equals(closed.asText(null))) {
            throw new ArtifactFormatException(source + ": \"closed\" must be \"" + NumericBins.CLOSED + "\", got " + closed);
        }
        JsonNode bins = root.get("bins");
        if (bins == null || !bins.isObject()) {
            throw new ArtifactFormatException(source + ": \"bins\" must be an object of field -> edges");
        }
        JsonNode missing = root.get("missing_bin");
        if (missing != null && !missing.isObject()) {
            throw new ArtifactFormatException(source + ": \"missing_bin\" must be an object of field -> bin index");
        }
        Map<String, double[]> edges = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : bins.properties()) {
            JsonNode a = f.getValue();
            if (!a.isArray()) {
                throw new ArtifactFormatException(source + ": field '" + f.getKey() + "': edges must be an array of numbers");
            }
            double[] e = new double[a.size()];
            for (int i = 0; i < e.length; i++) {
                if (!a.get(i).isNumber()) {
                    throw new ArtifactFormatException(source + ": field '" + f.getKey() + "': edges must be numbers");
                }
                e[i] = a.get(i).doubleValue();
            }
            JsonNode k = missing == null ? null : missing.get(f.getKey());
            if (k != null && !(k.isIntegralNumber() && k.longValue() == e.length + 1)) {
                throw new ArtifactFormatException(source + ": field '" + f.getKey() + "': missing_bin must be "
                        + (e.length + 1) + " (the number of edges plus one), got " + k);
            }
            edges.put(f.getKey(), e);
        }
        try {
            return new NumericBins(method.asText(), edges);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(source + ": " + e.getMessage(), e);
        }
    }
}
