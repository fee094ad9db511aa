package io.riskmapping.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
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
 * Reads and writes the {@code impute_dict} artifact files (format: {@code docs/scorers.md}).
 *
 * <ul>
 *   <li>{@code impute_dict.pkl} ({@link #PICKLE_FILE}): a Python pickle of exactly
 *       {@code {column: float}}, which Python's {@code pickle.load} reads into a plain
 *       {@code dict} of {@code str} &rarr; {@code float}, in the dict's column order. Protocol 2,
 *       no memo, so equal dicts give identical bytes. Pickles written by Python may also hold
 *       {@code int} values ({@code {"age": 35}}): they are read as doubles ({@code 35.0}).</li>
 *   <li>{@code impute_dict.json} ({@link #JSON_FILE}):
 *       {@code {"format": "impute_dict", "format_version": 1, "impute_values": {column: value}}},
 *       indented like {@code risk_table_map.json}. Doubles are written so they read back
 *       bit-identical; integer JSON numbers are read as doubles.</li>
 * </ul>
 *
 * Readers throw {@link ArtifactFormatException} naming the source (and the column when one is at
 * fault) for: bytes that are not JSON / not a pickle, trailing content after the JSON document, a
 * duplicate JSON key, a wrong structure, a {@code format_version} newer than
 * {@link ImputeDict#FORMAT_VERSION}, a value that is not a number (text, bool, null, a list...), a
 * NaN or infinite value, and (pickles) any opcode {@link SafeUnpickler} refuses, such as the
 * {@code GLOBAL}/{@code REDUCE} of a {@code numpy.float64}: convert numpy scalars with
 * {@code float(v)} before pickling.
 */
public final class ImputeDictCodec {

    /** File name of the JSON twin. */
    public static final String JSON_FILE = "impute_dict.json";
    /** File name of the Python pickle. */
    public static final String PICKLE_FILE = "impute_dict.pkl";

    /** The {@code "format"} value of the JSON file. */
    public static final String FORMAT = "impute_dict";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ImputeDictCodec() {
    }

    // ------------------------------------------------------------------ JSON

    /** The JSON file's bytes (UTF-8, indented, columns in the dict's order). */
    public static byte[] toJson(ImputeDict dict) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", ImputeDict.FORMAT_VERSION);
        ObjectNode values = root.putObject("impute_values");
        for (Map.Entry<String, Double> e : dict.values().entrySet()) {
            values.put(e.getKey(), e.getValue().doubleValue());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the JSON file.
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not JSON (or has trailing content or a duplicate
     *         key), has the wrong structure, a newer format version, or a value that is not a
     *         finite number (the message names the column)
     */
    public static ImputeDict fromJson(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ArtifactFormatException(source + ": not valid JSON (" + RiskTableMapCodec.firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ArtifactFormatException(source + ": expected a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText(null))) {
            throw new ArtifactFormatException(source + ": \"format\" must be \"" + FORMAT + "\"");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new ArtifactFormatException(source + ": \"format_version\" must be an integer");
        }
        if (version.intValue() > ImputeDict.FORMAT_VERSION) {
            throw new ArtifactFormatException(source + ": format_version " + version.intValue()
                    + " is newer than this version reads (" + ImputeDict.FORMAT_VERSION + "); upgrade risk-table-mapping");
        }
        JsonNode values = root.get("impute_values");
        if (values == null || !values.isObject()) {
            throw new ArtifactFormatException(source + ": \"impute_values\" must be an object");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            if (!e.getValue().isNumber()) {
                throw new ArtifactFormatException(source + ": column '" + e.getKey() + "': impute value must be a number, got "
                        + e.getValue());
            }
            out.put(e.getKey(), finite(e.getValue().doubleValue(), e.getKey(), source));
        }
        return new ImputeDict(out);
    }

    // ---------------------------------------------------------------- pickle

    /** The pickle file's bytes: {@code {column: float}}, protocol 2, no memo (deterministic). */
    public static byte[] toPickle(ImputeDict dict) {
        Map<String, Object> root = new LinkedHashMap<>(dict.values());
        try {
            return new Pickler(false).dumps(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the pickle with {@link SafeUnpickler} (plain data only).
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not a pickle, is refused as unsafe, is not a dict of
     *         str &rarr; number, or a value is NaN or infinite (the message names the column)
     */
    public static ImputeDict fromPickle(byte[] bytes, String source) {
        Object root;
        try {
            root = new SafeUnpickler().loads(bytes);
        } catch (IOException | RuntimeException e) {
            String why = RiskTableMapCodec.firstLine(String.valueOf(e.getMessage()));
            String hint = why.startsWith("refused pickle opcode")
                    ? "; numpy scalars such as numpy.float64 must be converted with float() before pickling" : "";
            throw new ArtifactFormatException(source + ": not a readable pickle (" + why + ")" + hint, e);
        }
        if (!(root instanceof Map<?, ?> columns)) {
            throw new ArtifactFormatException(source + ": expected a dict of column -> number, got "
                    + (root == null ? "None" : root.getClass().getSimpleName()));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : columns.entrySet()) {
            if (!(e.getKey() instanceof String column)) {
                throw new ArtifactFormatException(source + ": column name " + e.getKey() + " is not a string");
            }
            Object v = e.getValue();
            double d;
            if (v instanceof Double || v instanceof Integer || v instanceof Long) {
                d = ((Number) v).doubleValue();
            } else if (v instanceof BigInteger big) {
                d = big.doubleValue();
            } else {
                throw new ArtifactFormatException(source + ": column '" + column + "': impute value must be a number (float or int), got "
                        + (v == null ? "None" : v.getClass().getSimpleName() + " " + v));
            }
            out.put(column, finite(d, column, source));
        }
        return new ImputeDict(out);
    }

    private static double finite(double v, String column, String source) {
        try {
            return ImputeDict.checkFinite(column, v);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(source + ": " + e.getMessage(), e);
        }
    }
}
