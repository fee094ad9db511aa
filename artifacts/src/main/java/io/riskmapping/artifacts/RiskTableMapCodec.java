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
 * Readers throw {@link ArtifactFormatException} naming the source and the bad part. The files of
 * a multiclass label ({@link MulticlassRiskTablesCodec}) have the same names; these readers
 * refuse them with a message that says so.
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
    static final JsonFactory READER = JsonFactory.builder()
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
    static <T> byte[] inMemory(T value, Writer<T> writer) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            writer.write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A writer of a file, such as {@link #writeJson} or {@link #writePickle}. */
    interface Writer<T> {
        void write(T value, java.io.OutputStream out) throws IOException;
    }

    /** A generator of the JSON files' layout (the mapper's indentation) that does not close {@code out}. */
    static JsonGenerator generator(java.io.OutputStream out) throws IOException {
        return JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).createGenerator(out);
    }

    /** A field entry's first keys: {@code varName}, {@code type}, {@code mode}. */
    static void writeHead(JsonGenerator g, RiskTable t) throws IOException {
        g.writeStringField("varName", t.varName());
        g.writeStringField("type", "categorical");
        g.writeStringField("mode", t.mode().label());
    }

    /** A table's values: {@code default_bin}, {@code null_bin} when it has one, and the {@code bins} object. */
    static void writeBins(JsonGenerator g, RiskTable t) throws IOException {
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
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringField("format", "risk_table_map");
            g.writeNumberField("format_version", map.formatVersion());
            g.writeObjectFieldStart("risk_tables");
            for (RiskTable t : map.list()) {
                g.writeObjectFieldStart(t.varName());
                writeHead(g, t);
                writeBins(g, t);
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
     *         wrong structure, or a newer format version, or holds multiclass tables
     *         ({@code "target_type": "multiclass"}: read it with {@link MulticlassRiskTablesCodec})
     */
    public static RiskTableMap fromJson(byte[] bytes, String source) {
        Document doc = Document.parse(bytes, source);
        if (doc.isMulticlass()) {
            throw holdsMulticlass(source);
        }
        doc.requireVersionAtMost(RiskTableMap.FORMAT_VERSION, source);
        List<RiskTable> out = new ArrayList<>();
        for (Table t : doc.tables) {
            String where = source + ": field '" + t.key + "'";
            if (!t.object) {
                throw new ArtifactFormatException(where + " must be an object");
            }
            RiskTable.Mode mode = parseMode(t.mode == null ? null : t.mode.asText(null), where);
            out.add(t.toRiskTable(mode, where, () -> varNameOf(t.varName, t.key, where)));
        }
        return new RiskTableMap(out);
    }

    /**
     * What the binary readers say of a multiclass file (a {@code risk_table_map} with
     * {@code "target_type": "multiclass"}, format version 3).
     */
    static ArtifactFormatException holdsMulticlass(String source) {
        return new ArtifactFormatException(source + ": holds multiclass risk tables (target_type \"multiclass\", format_version "
                + MulticlassRiskTablesCodec.FORMAT_VERSION + "); read it with MulticlassRiskTablesCodec or ArtifactScorers.load");
    }

    /** The document as read, before its checks: the small values as trees, each table's bins as a map. */
    static final class Document {
        boolean object;
        JsonNode format;
        JsonNode version;
        /** The top level's target_type and classes (multiclass files), or null. */
        JsonNode targetType;
        JsonNode classes;
        /** null when "risk_tables" is missing or not an object. */
        List<Table> tables;

        /**
         * Parses a risk_table_map file and checks what every version has: an object of format
         * risk_table_map with an integer format_version of 1 or more.
         */
        static Document parse(byte[] bytes, String source) {
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
            return doc;
        }

        /** Whether the top level says {@code "target_type": "multiclass"}. */
        boolean isMulticlass() {
            return targetType != null && "multiclass".equals(targetType.asText(null));
        }

        /** Refuses a version newer than {@code newest}, then a document without a "risk_tables" object. */
        void requireVersionAtMost(int newest, String source) {
            if (version.intValue() > newest) {
                throw new ArtifactFormatException(source + ": format_version " + version.intValue()
                        + " is newer than this version reads (" + newest + "); upgrade risk-table-mapping");
            }
            if (tables == null) {
                throw new ArtifactFormatException(source + ": \"risk_tables\" must be an object");
            }
        }
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
                    case "target_type" -> d.targetType = p.readValueAsTree();
                    case "classes" -> d.classes = p.readValueAsTree();
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
                        case "target_type" -> t.targetType = p.readValueAsTree();
                        case "classes" -> t.classes = p.readValueAsTree();
                        case "class_tables" -> {
                            if (value == JsonToken.START_OBJECT) {
                                t.classTables = readTables(p);
                            } else {
                                p.skipChildren();
                            }
                        }
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

    /** One table as read: a field entry, or (multiclass) one class's table of a field. */
    static final class Table {
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
        /** A multiclass field entry's target_type and classes, or null. */
        JsonNode targetType;
        JsonNode classes;
        /** A multiclass field entry's class tables, in the file's order; null when "class_tables" is missing or not an object. */
        List<Table> classTables;

        Table(String key) {
            this.key = key;
        }

        /**
         * Its values as a table of {@code mode}, after checking them (default_bin, bins, null_bin);
         * {@code name} gives the table's field name once they are checked.
         */
        RiskTable toRiskTable(RiskTable.Mode mode, String where, java.util.function.Supplier<String> name) {
            if (defaultBin == null || !defaultBin.isNumber()) {
                throw new ArtifactFormatException(where + ": default_bin must be a number");
            }
            if (bins == null) {
                throw new ArtifactFormatException(where + ": bins must be an object");
            }
            if (notANumber != null) {
                throw new ArtifactFormatException(where + ": bin '" + notANumber + "' must be a number");
            }
            if (nullBin != null && !nullBin.isNumber()) {
                throw new ArtifactFormatException(where + ": null_bin must be a number");
            }
            return table(name.get(), mode, defaultBin.doubleValue(), bins, nullBin == null ? null : nullBin.doubleValue(), where);
        }
    }

    static String varNameOf(JsonNode v, String key, String where) {
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
            Map<String, Object> n = pickledHead(t);
            pickledBins(t, n);
            root.put(t.varName(), n);
        }
        dumpPickle(root, out);
    }

    /** A pickled field entry's first keys: {@code varName}, {@code type}, {@code mode} (a new, modifiable map). */
    static Map<String, Object> pickledHead(RiskTable t) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("varName", t.varName());
        n.put("type", "categorical");
        n.put("mode", t.mode().label());
        return n;
    }

    /**
     * Puts a table's values into {@code n}: {@code default_bin} and {@code bins} (int keys when
     * every numeric key is an integer; the null bin under the key {@code None}, after the sorted keys).
     */
    static void pickledBins(RiskTable t, Map<String, Object> n) {
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
    }

    /** Pickles plain data: protocol 2, no memo (deterministic). */
    static void dumpPickle(Object root, java.io.OutputStream out) throws IOException {
        new Pickler(false).dump(root, out);
    }

    /**
     * Reads the pickle with {@link SafeUnpickler} (plain data only).
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not a pickle, is refused as unsafe, has the wrong
     *         structure, or holds multiclass tables (read it with {@link MulticlassRiskTablesCodec})
     */
    public static RiskTableMap fromPickle(byte[] bytes, String source) {
        Map<?, ?> fields = unpickleFields(bytes, source);
        if (isMulticlass(fields)) {
            throw holdsMulticlass(source);
        }
        List<RiskTable> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            String where = source + ": field '" + e.getKey() + "'";
            Map<?, ?> t = fieldEntry(e, source);
            String field = (String) e.getKey();
            Object mode = t.get("mode");
            PickledValues values = PickledValues.of(t, where);
            requireVarName(t, field, where);
            out.add(values.table(field, parseMode(mode instanceof String s ? s : null, where), where));
        }
        return new RiskTableMap(out);
    }

    /** Unpickles a risk_table_map pickle with {@link SafeUnpickler}: its root dict of fields. */
    static Map<?, ?> unpickleFields(byte[] bytes, String source) {
        Object root;
        try {
            root = new SafeUnpickler().loads(bytes);
        } catch (IOException | RuntimeException e) {
            throw new ArtifactFormatException(source + ": not a readable pickle (" + firstLine(String.valueOf(e.getMessage())) + ")", e);
        }
        if (!(root instanceof Map<?, ?> fields)) {
            throw new ArtifactFormatException(source + ": expected a dict of fields, got " + typeName(root));
        }
        return fields;
    }

    /** Whether some field entry of an unpickled root says {@code "target_type": "multiclass"}. */
    static boolean isMulticlass(Map<?, ?> fields) {
        for (Object v : fields.values()) {
            if (v instanceof Map<?, ?> t && "multiclass".equals(t.get("target_type"))) {
                return true;
            }
        }
        return false;
    }

    /** A field entry of an unpickled root: a dict under a str key. */
    static Map<?, ?> fieldEntry(Map.Entry<?, ?> e, String source) {
        if (!(e.getKey() instanceof String field)) {
            throw new ArtifactFormatException(source + ": field name " + e.getKey() + " is not a string");
        }
        if (!(e.getValue() instanceof Map<?, ?> t)) {
            throw new ArtifactFormatException(source + ": field '" + field + "' must be a dict");
        }
        return t;
    }

    /** Refuses a pickled field entry whose varName is not its key. */
    static void requireVarName(Map<?, ?> t, String field, String where) {
        Object varName = t.get("varName");
        if (varName != null && !field.equals(varName)) {
            throw new ArtifactFormatException(where + ": varName '" + varName + "' differs from its key");
        }
    }

    /** A pickled table's values (default_bin, and bins with the null bin under None), checked. */
    record PickledValues(double defaultBin, Map<Object, Double> bins, Double nullBin) {

        static PickledValues of(Map<?, ?> t, String where) {
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
            return new PickledValues(((Number) def).doubleValue(), b, nullBin);
        }

        RiskTable table(String field, RiskTable.Mode mode, String where) {
            return RiskTableMapCodec.table(field, mode, defaultBin, bins, nullBin, where);
        }
    }

    // --------------------------------------------------------------- helpers

    private static RiskTable table(String field, RiskTable.Mode mode, double def, Map<Object, Double> bins, Double nullBin, String where) {
        try {
            return new RiskTable(field, mode, def, bins, nullBin);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(where + ": " + e.getMessage(), e);
        }
    }

    static RiskTable.Mode parseMode(String mode, String where) {
        if (mode == null) {
            throw new ArtifactFormatException(where + ": mode must be \"categorical\" or \"numeric\"");
        }
        try {
            return RiskTable.Mode.fromLabel(mode);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(where + ": " + e.getMessage(), e);
        }
    }

    static String typeName(Object o) {
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
