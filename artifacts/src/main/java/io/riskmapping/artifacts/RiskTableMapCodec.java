package io.riskmapping.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import net.razorvine.pickle.Pickler;

/**
 * Reads and writes the {@code risk_table_map} artifact files (format: {@code docs/artifacts.md}).
 *
 * <ul>
 *   <li>{@code risk_table_map.pkl}: a Python pickle of
 *       {@code {field: {"varName", "type": "categorical", "mode", "default_bin", "bins"}}} that
 *       Python's {@code pickle.load} reads into plain dict/str/float (int or float keys in numeric
 *       mode: int when every key is an integer); a null category is the bin of key {@code None}.</li>
 *   <li>{@code risk_table_map.json}: the same tables under {@code "risk_tables"}, with
 *       {@code "format": "risk_table_map"} and {@code "format_version"}; numeric keys are written
 *       as text ({@link NumericKeys#format(double)}); a null category is {@code "null_bin"} beside
 *       {@code "default_bin"} (format version 2). Doubles are written so they read back
 *       bit-identical.</li>
 * </ul>
 * Readers throw {@link ArtifactFormatException} naming the source and the bad part.
 */
public final class RiskTableMapCodec {

    /** File name of the JSON twin. */
    public static final String JSON_FILE = "risk_table_map.json";
    /** File name of the Python pickle. */
    public static final String PICKLE_FILE = "risk_table_map.pkl";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The reader's parsers: no canonical table (or interning) of names, which here are mostly unique categories. */
    private static final JsonFactory READER = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build().setCodec(new ObjectMapper());

    private RiskTableMapCodec() {
    }

    // ------------------------------------------------------------------ JSON

    /** The JSON file's bytes (UTF-8, indented, deterministic): what {@link #writeJson} writes. */
    public static byte[] toJson(RiskTableMap map) {
        return inMemory(map, RiskTableMapCodec::writeJson);
    }

    /** What a writer of a file writes, as bytes. */
    private static byte[] inMemory(RiskTableMap map, Writer writer) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            writer.write(map, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@link #writeJson} or {@link #writePickle}. */
    private interface Writer {
        void write(RiskTableMap map, java.io.OutputStream out) throws IOException;
    }

    /**
     * Writes the JSON file (UTF-8, indented, deterministic) to {@code out}, as a stream (Jackson's
     * {@code JsonGenerator}, with the mapper's indentation): the bytes a tree of the document
     * gives, without a node per bin, and without the file in memory when {@code out} is a file
     * (the 1-million-category run's file is 70 MB). Does not close {@code out}.
     *
     * @throws IOException from {@code out}
     */
    public static void writeJson(RiskTableMap map, java.io.OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", "risk_table_map");
            g.writeNumberField("format_version", map.formatVersion());
            g.writeObjectFieldStart("risk_tables");
            for (RiskTable t : map.list()) {
                g.writeObjectFieldStart(t.varName());
                g.writeStringField("varName", t.varName());
                g.writeStringField("type", "categorical");
                g.writeStringField("mode", t.mode().label());
                g.writeNumberField("default_bin", t.defaultBin());
                if (t.nullBin() != null) {
                    g.writeNumberField("null_bin", t.nullBin());
                }
                g.writeObjectFieldStart("bins");
                for (Map.Entry<Object, Double> e : t.bins().entrySet()) {
                    String key = t.mode() == RiskTable.Mode.NUMERIC ? NumericKeys.format((Double) e.getKey()) : (String) e.getKey();
                    g.writeNumberField(key, e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * Reads the JSON file.
     *
     * <p>The document is read as a stream (Jackson's {@code JsonParser}): the bins of a table go
     * straight into its map, without a tree of nodes or a canonical table of names in between
     * (a medium benchmark's 10 MB file of 640,000 bins: about 1 s cold instead of 3 s; the
     * validation job reads it while Spark starts, on the same cores). The small values (format,
     * version, mode, default bin, varName) are read as trees and checked in the order a tree of
     * the whole document was.
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not JSON (a duplicate key, trailing content), has the
     *         wrong structure, or a newer format version
     */
    public static RiskTableMap fromJson(byte[] bytes, String source) {
        Document doc;
        try (JsonParser p = READER.createParser(bytes)) {
            doc = Document.read(p);
        } catch (IOException e) {
            throw new ArtifactFormatException(source + ": not valid JSON (" + firstLine(e.getMessage()) + ")", e);
        }
        if (!doc.object) {
            throw new ArtifactFormatException(source + ": expected a JSON object");
        }
        if (doc.format == null || !"risk_table_map".equals(doc.format.asText(null))) {
            throw new ArtifactFormatException(source + ": \"format\" must be \"risk_table_map\"");
        }
        JsonNode version = doc.version;
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
            throw new ArtifactFormatException(source + ": \"format_version\" must be an integer");
        }
        if (version.intValue() < 1) {
            throw new ArtifactFormatException(source + ": format_version " + version.intValue() + " is not a version (1 or more)");
        }
        if (version.intValue() > RiskTableMap.FORMAT_VERSION) {
            throw new ArtifactFormatException(source + ": format_version " + version.intValue()
                    + " is newer than this version reads (" + RiskTableMap.FORMAT_VERSION + "); upgrade risk-table-mapping");
        }
        if (doc.tables == null) {
            throw new ArtifactFormatException(source + ": \"risk_tables\" must be an object");
        }
        List<RiskTable> out = new ArrayList<>();
        for (Table t : doc.tables) {
            String where = source + ": field '" + t.key + "'";
            if (!t.object) {
                throw new ArtifactFormatException(where + " must be an object");
            }
            RiskTable.Mode mode = parseMode(t.mode == null ? null : t.mode.asText(null), where);
            JsonNode def = t.defaultBin;
            if (def == null || !def.isNumber()) {
                throw new ArtifactFormatException(where + ": default_bin must be a number");
            }
            if (t.bins == null) {
                throw new ArtifactFormatException(where + ": bins must be an object");
            }
            if (t.notANumber != null) {
                throw new ArtifactFormatException(where + ": bin '" + t.notANumber + "' must be a number");
            }
            if (t.nullBin != null && !t.nullBin.isNumber()) {
                throw new ArtifactFormatException(where + ": null_bin must be a number");
            }
            out.add(table(varNameOf(t.varName, t.key, where), mode, def.doubleValue(), t.bins,
                    t.nullBin == null ? null : t.nullBin.doubleValue(), where));
        }
        return new RiskTableMap(out);
    }

    /** The document as read, before its checks: the small values as trees, each table's bins as a map. */
    private static final class Document {
        boolean object;
        JsonNode format;
        JsonNode version;
        /** null when "risk_tables" is missing or not an object. */
        List<Table> tables;

        static Document read(JsonParser p) throws IOException {
            Document d = new Document();
            JsonToken first = p.nextToken();
            d.object = first == JsonToken.START_OBJECT;
            if (!d.object) {
                if (first != null) {
                    p.skipChildren();
                }
                requireEnd(p);
                return d;
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = unique(p, seen);
                JsonToken value = p.nextToken();
                switch (name) {
                    case "format" -> d.format = p.readValueAsTree();
                    case "format_version" -> d.version = p.readValueAsTree();
                    case "risk_tables" -> {
                        if (value == JsonToken.START_OBJECT) {
                            d.tables = readTables(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            requireEnd(p);
            return d;
        }

        private static List<Table> readTables(JsonParser p) throws IOException {
            List<Table> tables = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                Table t = new Table(unique(p, seen));
                tables.add(t);
                t.object = p.nextToken() == JsonToken.START_OBJECT;
                if (!t.object) {
                    p.skipChildren();
                    continue;
                }
                java.util.Set<String> keys = new java.util.HashSet<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = unique(p, keys);
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "mode" -> t.mode = p.readValueAsTree();
                        case "default_bin" -> t.defaultBin = p.readValueAsTree();
                        case "null_bin" -> t.nullBin = p.readValueAsTree();
                        case "varName" -> t.varName = p.readValueAsTree();
                        case "bins" -> {
                            if (value == JsonToken.START_OBJECT) {
                                t.bins = readBins(p, t);
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            return tables;
        }

        private static Map<Object, Double> readBins(JsonParser p, Table t) throws IOException {
            Map<Object, Double> bins = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                    if (bins.put(key, p.getDoubleValue()) != null) {
                        throw duplicate(p, key);
                    }
                } else {
                    if (t.notANumber == null) {
                        t.notANumber = key;
                    }
                    p.skipChildren();
                    if (bins.put(key, Double.NaN) != null) {
                        throw duplicate(p, key);
                    }
                }
            }
            return bins;
        }

        private static String unique(JsonParser p, java.util.Set<String> seen) throws IOException {
            String name = p.currentName();
            if (!seen.add(name)) {
                throw duplicate(p, name);
            }
            return name;
        }

        /** As Jackson's STRICT_DUPLICATE_DETECTION says it (the first line of its message). */
        private static JsonParseException duplicate(JsonParser p, String name) {
            return new JsonParseException(p, "Duplicate field '" + name + "'");
        }

        private static void requireEnd(JsonParser p) throws IOException {
            JsonToken next = p.nextToken();
            if (next != null) {
                throw new JsonParseException(p, "Trailing token (of type " + next + ") found after value");
            }
        }
    }

    /** One table as read. */
    private static final class Table {
        final String key;
        boolean object;
        JsonNode mode;
        JsonNode defaultBin;
        /** null when the table has no null category. */
        JsonNode nullBin;
        JsonNode varName;
        /** null when "bins" is missing or not an object. */
        Map<Object, Double> bins;
        /** The first bin whose value is not a number, if any. */
        String notANumber;

        Table(String key) {
            this.key = key;
        }
    }

    private static String varNameOf(JsonNode v, String key, String where) {
        if (v != null && !v.isTextual()) {
            throw new ArtifactFormatException(where + ": varName must be a string");
        }
        if (v != null && !v.asText().equals(key)) {
            throw new ArtifactFormatException(where + ": varName '" + v.asText() + "' differs from its key");
        }
        return key;
    }

    // ---------------------------------------------------------------- pickle

    /** The pickle file's bytes (protocol 2, no memo: deterministic): what {@link #writePickle} writes. */
    public static byte[] toPickle(RiskTableMap map) {
        return inMemory(map, RiskTableMapCodec::writePickle);
    }

    /**
     * Writes the pickle file (protocol 2, no memo: deterministic) to {@code out}, which should be
     * buffered (the pickler writes an opcode at a time). Does not close {@code out}.
     *
     * @throws IOException from {@code out}
     */
    public static void writePickle(RiskTableMap map, java.io.OutputStream out) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        for (RiskTable t : map.list()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("varName", t.varName());
            n.put("type", "categorical");
            n.put("mode", t.mode().label());
            n.put("default_bin", t.defaultBin());
            // the table's own map (its order is the file's) unless integral numeric keys are written as ints
            Map<?, ?> bins = t.bins();
            if (t.hasIntegralKeys()) {
                Map<Object, Object> ints = new LinkedHashMap<>();
                for (Map.Entry<Object, Double> e : t.bins().entrySet()) {
                    ints.put(e.getKey() instanceof Double d ? (Object) (long) d.doubleValue() : e.getKey(), e.getValue());
                }
                bins = ints;
            }
            if (t.nullBin() != null) {
                // the null category: Python's None key, after the sorted keys
                Map<Object, Object> withNull = new LinkedHashMap<>(bins);
                withNull.put(null, t.nullBin());
                bins = withNull;
            }
            n.put("bins", bins);
            root.put(t.varName(), n);
        }
        new Pickler(false).dump(root, out);
    }

    /**
     * Reads the pickle with {@link SafeUnpickler} (plain data only).
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not a pickle, is refused as unsafe, or has the wrong structure
     */
    public static RiskTableMap fromPickle(byte[] bytes, String source) {
        Object root;
        try {
            root = new SafeUnpickler().loads(bytes);
        } catch (IOException | RuntimeException e) {
            throw new ArtifactFormatException(source + ": not a readable pickle (" + firstLine(String.valueOf(e.getMessage())) + ")", e);
        }
        if (!(root instanceof Map<?, ?> fields)) {
            throw new ArtifactFormatException(source + ": expected a dict of fields, got " + typeName(root));
        }
        List<RiskTable> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            if (!(e.getKey() instanceof String field)) {
                throw new ArtifactFormatException(source + ": field name " + e.getKey() + " is not a string");
            }
            String where = source + ": field '" + field + "'";
            if (!(e.getValue() instanceof Map<?, ?> t)) {
                throw new ArtifactFormatException(where + " must be a dict");
            }
            Object mode = t.get("mode");
            Object def = t.get("default_bin");
            if (!(def instanceof Number)) {
                throw new ArtifactFormatException(where + ": default_bin must be a number");
            }
            if (!(t.get("bins") instanceof Map<?, ?> bins)) {
                throw new ArtifactFormatException(where + ": bins must be a dict");
            }
            Map<Object, Double> b = new LinkedHashMap<>();
            Double nullBin = null;
            for (Map.Entry<?, ?> be : bins.entrySet()) {
                if (!(be.getValue() instanceof Number v)) {
                    throw new ArtifactFormatException(where + ": bin '" + be.getKey() + "' must be a number");
                }
                if (be.getKey() == null) {
                    nullBin = v.doubleValue();
                    continue;
                }
                Object key = be.getKey() instanceof BigInteger bi ? bi.doubleValue() : be.getKey();
                b.put(key, v.doubleValue());
            }
            Object varName = t.get("varName");
            if (varName != null && !field.equals(varName)) {
                throw new ArtifactFormatException(where + ": varName '" + varName + "' differs from its key");
            }
            out.add(table(field, parseMode(mode instanceof String s ? s : null, where), ((Number) def).doubleValue(), b, nullBin, where));
        }
        return new RiskTableMap(out);
    }

    // --------------------------------------------------------------- helpers

    private static RiskTable table(String field, RiskTable.Mode mode, double def, Map<Object, Double> bins, Double nullBin, String where) {
        try {
            return new RiskTable(field, mode, def, bins, nullBin);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static RiskTable.Mode parseMode(String mode, String where) {
        if (mode == null) {
            throw new ArtifactFormatException(where + ": mode must be \"categorical\" or \"numeric\"");
        }
        try {
            return RiskTable.Mode.fromLabel(mode);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
