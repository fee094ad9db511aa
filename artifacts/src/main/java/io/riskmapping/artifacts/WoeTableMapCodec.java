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
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.razorvine.pickle.Pickler;

/**
 * Reads and writes {@code woe_table_map.json} (format version 1):
 * <pre>
 * {"format": "woe_table_map", "format_version": 1,
 *  "woe_tables": {field: {"varName": field, "mode": "categorical"|"numeric",
 *                         "classes": {eventClass: {"prior": p, "woe": {category: w}, "woe_se": {category: se},
 *                                                  "null_woe": w|null, "null_woe_se": se|null}}}}}
 * </pre>
 * Numeric keys as text ({@link NumericKeys#format(double)}); doubles read back bit-identical.
 * Readers throw {@link ArtifactFormatException} naming the source and the bad part, and refuse a
 * newer format version.
 * <p>
 * {@code woe_table_map.pkl} ({@link #PICKLE_FILE}) holds the {@code "woe_tables"} object of the
 * JSON for Python, as plain dicts of str, float and {@code None} (the same keys, numeric keys as
 * the same text; protocol 2, no memo: equal tables give identical bytes):
 * <pre>
 * {field: {"varName": field, "mode": mode,
 *          "classes": {eventClass: {"prior": p, "woe": {category: w}, "woe_se": {category: se},
 *                                   "null_woe": w|None, "null_woe_se": se|None}}}}
 * </pre>
 */
public final class WoeTableMapCodec {

    public static final String JSON_FILE = "woe_table_map.json";
    /** File name of the Python pickle. */
    public static final String PICKLE_FILE = "woe_table_map.pkl";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private WoeTableMapCodec() {
    }

    public static byte[] toJson(WoeTableMap map) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "woe_table_map");
        root.put("format_version", WoeTableMap.FORMAT_VERSION);
        ObjectNode tables = root.putObject("woe_tables");
        for (Map.Entry<String, Map<String, WoeTable>> f : map.tables().entrySet()) {
            ObjectNode field = tables.putObject(f.getKey());
            field.put("varName", f.getKey());
            field.put("mode", f.getValue().values().iterator().next().mode().label());
            ObjectNode classes = field.putObject("classes");
            for (WoeTable t : f.getValue().values()) {
                ObjectNode c = classes.putObject(t.eventClass());
                c.put("prior", t.prior());
                put(c.putObject("woe"), t.woe(), t.mode());
                put(c.putObject("woe_se"), t.se(), t.mode());
                if (t.nullWoe() == null) {
                    c.putNull("null_woe");
                    c.putNull("null_woe_se");
                } else {
                    c.put("null_woe", t.nullWoe());
                    c.put("null_woe_se", t.nullSe());
                }
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pickle's bytes: the JSON's {@code "woe_tables"} as dicts (see the class comment), fields
     * and classes in order, protocol 2, no memo (deterministic).
     */
    public static byte[] toPickle(WoeTableMap map) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, WoeTable>> f : map.tables().entrySet()) {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("varName", f.getKey());
            field.put("mode", f.getValue().values().iterator().next().mode().label());
            Map<String, Object> classes = new LinkedHashMap<>();
            for (WoeTable t : f.getValue().values()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("prior", t.prior());
                c.put("woe", textKeys(t.woe(), t.mode()));
                c.put("woe_se", textKeys(t.se(), t.mode()));
                c.put("null_woe", t.nullWoe());
                c.put("null_woe_se", t.nullSe());
                classes.put(t.eventClass(), c);
            }
            field.put("classes", classes);
            root.put(f.getKey(), field);
        }
        try {
            return new Pickler(false).dumps(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Double> textKeys(Map<Object, Double> values, RiskTable.Mode mode) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(mode == RiskTable.Mode.NUMERIC ? NumericKeys.format((Double) k) : (String) k, v));
        return out;
    }

    private static void put(ObjectNode node, Map<Object, Double> values, RiskTable.Mode mode) {
        textKeys(values, mode).forEach(node::put);
    }

    /**
     * @param source the file's name, for messages
     * @throws ArtifactFormatException when it is not JSON, has the wrong structure, or a newer version
     */
    public static WoeTableMap fromJson(byte[] bytes, String source) {
        JsonNode root = root(JSON, bytes, source, "woe_table_map", WoeTableMap.FORMAT_VERSION);
        JsonNode tables = root.get("woe_tables");
        if (tables == null || !tables.isObject()) {
            throw new ArtifactFormatException(source + ": \"woe_tables\" must be an object");
        }
        List<WoeTable> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : tables.properties()) {
            String where = source + ": field '" + f.getKey() + "'";
            JsonNode classes = f.getValue().get("classes");
            if (classes == null || !classes.isObject() || classes.isEmpty()) {
                throw new ArtifactFormatException(where + ": \"classes\" must be a non-empty object");
            }
            RiskTable.Mode mode;
            try {
                mode = RiskTable.Mode.fromLabel(f.getValue().path("mode").asText(""));
            } catch (IllegalArgumentException e) {
                throw new ArtifactFormatException(where + ": " + e.getMessage(), e);
            }
            for (Map.Entry<String, JsonNode> c : classes.properties()) {
                String cw = where + " class '" + c.getKey() + "'";
                JsonNode t = c.getValue();
                try {
                    out.add(new WoeTable(f.getKey(), mode, c.getKey(), number(t.get("prior"), cw + ": prior"),
                            numbers(t.get("woe"), cw + ": woe"), numbers(t.get("woe_se"), cw + ": woe_se"),
                            optional(t.get("null_woe"), cw + ": null_woe"), optional(t.get("null_woe_se"), cw + ": null_woe_se")));
                } catch (ArtifactFormatException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new ArtifactFormatException(cw + ": " + e.getMessage(), e);
                }
            }
        }
        return new WoeTableMap(out);
    }

    private static double number(JsonNode n, String where) {
        if (n == null || !n.isNumber()) {
            throw new ArtifactFormatException(where + " must be a number");
        }
        return n.doubleValue();
    }

    private static Double optional(JsonNode n, String where) {
        return n == null || n.isNull() ? null : number(n, where);
    }

    private static Map<Object, Double> numbers(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new ArtifactFormatException(where + " must be an object");
        }
        Map<Object, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            m.put(e.getKey(), number(e.getValue(), where + " '" + e.getKey() + "'"));
        }
        return m;
    }

    /**
     * The root object of a JSON artifact, after checking {@code "format"} and that
     * {@code "format_version"} is an integer from 1 to {@code maxVersion}.
     *
     * @throws ArtifactFormatException naming {@code source} when it is not JSON, not of
     *         {@code format}, or of another version
     */
    static JsonNode root(ObjectMapper json, byte[] bytes, String source, String format, int maxVersion) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (IOException e) {
            throw new ArtifactFormatException(source + ": not valid JSON (" + RiskTableMapCodec.firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject() || !format.equals(root.path("format").asText(null))) {
            throw new ArtifactFormatException(source + ": \"format\" must be \"" + format + "\"");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.isIntegralNumber() || version.intValue() < 1) {
            throw new ArtifactFormatException(source + ": \"format_version\" must be an integer >= 1");
        }
        if (version.intValue() > maxVersion) {
            throw new ArtifactFormatException(source + ": format_version " + version.intValue()
                    + " is newer than this version reads (" + maxVersion + "); upgrade risk-table-mapping");
        }
        return root;
    }
}
