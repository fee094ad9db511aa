package io.riskmapping.artifacts;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads and writes the {@code risk_table_map} files of a multiclass label
 * ({@link MulticlassRiskTables}; format: {@code docs/artifacts.md}, "Multiclass targets"). Same
 * file names as the binary artifact ({@link RiskTableMapCodec#JSON_FILE},
 * {@link RiskTableMapCodec#PICKLE_FILE}); the binary readers refuse these files with a message
 * that names this class, and readers of format version 2 or older refuse the JSON as newer.
 *
 * <ul>
 *   <li>{@code risk_table_map.json}: {@code "format": "risk_table_map"}, {@code "format_version": 3},
 *       {@code "target_type": "multiclass"}, {@code "classes"} (in output order), and under
 *       {@code "risk_tables"} one entry per field: {@code varName}, {@code type}, {@code mode},
 *       {@code target_type}, {@code classes}, and {@code class_tables}: per class its
 *       {@code default_bin}, {@code null_bin} (only when that class's table has one) and
 *       {@code bins}, written as the binary codec writes a table's values (numeric keys as text,
 *       doubles that read back bit-identical). No {@code bins} or {@code default_bin} at a
 *       field's top level.</li>
 *   <li>{@code risk_table_map.pkl}: a Python pickle (protocol 2, no memo: deterministic) of
 *       {@code {field: {"varName", "type", "mode", "target_type": "multiclass", "classes": [..],
 *       "class_tables": {cls: {"default_bin": float, "bins": {key: float, ..., None: null_bin}}}}}}
 *       in plain dicts, lists, str, float and int (int keys when every numeric key of that
 *       class's table is an integer; the key {@code None} only when that class has a null bin).</li>
 * </ul>
 * Readers throw {@link ArtifactFormatException} naming the source and the bad part. The pickle
 * holds the classes in its field entries only, so a map without fields pickles as {@code {}},
 * which {@link #fromPickle} refuses (and {@link #isMulticlassPickle} does not recognise).
 */
public final class MulticlassRiskTablesCodec {

    /** The {@code format_version} of the multiclass JSON file; readers refuse newer versions. */
    public static final int FORMAT_VERSION = 3;

    private static final String MULTICLASS = "multiclass";

    private MulticlassRiskTablesCodec() {
    }

    // ------------------------------------------------------------------ JSON

    /** The JSON file's bytes (UTF-8, indented, deterministic): what {@link #writeJson} writes. */
    public static byte[] toJson(MulticlassRiskTables tables) {
        return RiskTableMapCodec.inMemory(tables, MulticlassRiskTablesCodec::writeJson);
    }

    /**
     * Writes the JSON file (UTF-8, indented, deterministic) to {@code out}, as a stream. Does not
     * close {@code out}.
     *
     * @throws IOException from {@code out}
     */
    public static void writeJson(MulticlassRiskTables tables, OutputStream out) throws IOException {
        try (JsonGenerator g = RiskTableMapCodec.generator(out)) {
            g.writeStartObject();
            g.writeStringField("format", "risk_table_map");
            g.writeNumberField("format_version", FORMAT_VERSION);
            writeClasses(g, tables.classes());
            g.writeObjectFieldStart("risk_tables");
            for (String field : tables.fields()) {
                g.writeObjectFieldStart(field);
                RiskTableMapCodec.writeHead(g, tables.get(field, tables.classes().get(0)));
                writeClasses(g, tables.classes());
                g.writeObjectFieldStart("class_tables");
                for (String cls : tables.classes()) {
                    g.writeObjectFieldStart(cls);
                    RiskTableMapCodec.writeBins(g, tables.get(field, cls));
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /** {@code "target_type": "multiclass"} and the {@code "classes"} array. */
    private static void writeClasses(JsonGenerator g, List<String> classes) throws IOException {
        g.writeStringField("target_type", MULTICLASS);
        g.writeArrayFieldStart("classes");
        for (String cls : classes) {
            g.writeString(cls);
        }
        g.writeEndArray();
    }

    /**
     * Reads the JSON file.
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not JSON (a duplicate key, trailing content), not
     *         a multiclass {@code risk_table_map} (a binary file is refused with a message saying
     *         so), has the wrong structure (classes that differ between the top level and a field,
     *         a class table missing or extra), or a format version newer than {@link #FORMAT_VERSION}
     */
    public static MulticlassRiskTables fromJson(byte[] bytes, String source) {
        RiskTableMapCodec.Document doc = RiskTableMapCodec.Document.parse(bytes, source);
        if (!doc.isMulticlass()) {
            if (doc.version.intValue() <= FORMAT_VERSION && doc.targetType == null) {
                throw holdsBinary(source);
            }
            if (doc.version.intValue() <= FORMAT_VERSION) {
                throw new ArtifactFormatException(source + ": \"target_type\" must be \"multiclass\"");
            }
        }
        doc.requireVersionAtMost(FORMAT_VERSION, source);
        List<String> classes = classes(doc.classes, source + ": \"classes\"");
        List<List<RiskTable>> perClass = new ArrayList<>();
        classes.forEach(c -> perClass.add(new ArrayList<>()));
        for (RiskTableMapCodec.Table t : doc.tables) {
            String where = source + ": field '" + t.key + "'";
            if (!t.object) {
                throw new ArtifactFormatException(where + " must be an object");
            }
            RiskTable.Mode mode = RiskTableMapCodec.parseMode(t.mode == null ? null : t.mode.asText(null), where);
            String field = RiskTableMapCodec.varNameOf(t.varName, t.key, where);
            if (t.targetType == null || !MULTICLASS.equals(t.targetType.asText(null))) {
                throw new ArtifactFormatException(where + ": target_type must be \"multiclass\"");
            }
            requireSameClasses(classes(t.classes, where + ": classes"), classes, where);
            if (t.classTables == null) {
                throw new ArtifactFormatException(where + ": class_tables must be an object");
            }
            Map<String, RiskTableMapCodec.Table> byClass = new LinkedHashMap<>();
            t.classTables.forEach(c -> byClass.put(c.key, c));
            requireClassTables(byClass.keySet(), classes, where);
            for (int i = 0; i < classes.size(); i++) {
                RiskTableMapCodec.Table c = byClass.get(classes.get(i));
                String at = where + ", class '" + c.key + "'";
                if (!c.object) {
                    throw new ArtifactFormatException(at + " must be an object");
                }
                perClass.get(i).add(c.toRiskTable(mode, at, () -> field));
            }
        }
        return tables(classes, perClass, source);
    }

    /**
     * Whether {@code bytes} is a JSON {@code risk_table_map} file of multiclass tables: an object
     * whose top level has {@code "target_type": "multiclass"}. Reads the top level only (nested
     * values are skipped, not built); false for anything that is not such a JSON object.
     */
    public static boolean isMulticlassJson(byte[] bytes) {
        try (JsonParser p = RiskTableMapCodec.READER.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean format = false;
            boolean multiclass = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING && "format".equals(name)) {
                    format = "risk_table_map".equals(p.getText());
                } else if (value == JsonToken.VALUE_STRING && "target_type".equals(name)) {
                    multiclass = MULTICLASS.equals(p.getText());
                } else {
                    p.skipChildren();
                }
            }
            return format && multiclass;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- pickle

    /** The pickle file's bytes (protocol 2, no memo: deterministic): what {@link #writePickle} writes. */
    public static byte[] toPickle(MulticlassRiskTables tables) {
        return RiskTableMapCodec.inMemory(tables, MulticlassRiskTablesCodec::writePickle);
    }

    /**
     * Writes the pickle file (protocol 2, no memo: deterministic) to {@code out}, which should be
     * buffered. Does not close {@code out}.
     *
     * @throws IOException from {@code out}
     */
    public static void writePickle(MulticlassRiskTables tables, OutputStream out) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        for (String field : tables.fields()) {
            Map<String, Object> n = RiskTableMapCodec.pickledHead(tables.get(field, tables.classes().get(0)));
            n.put("target_type", MULTICLASS);
            n.put("classes", new ArrayList<>(tables.classes()));
            Map<String, Object> classTables = new LinkedHashMap<>();
            for (String cls : tables.classes()) {
                Map<String, Object> c = new LinkedHashMap<>();
                RiskTableMapCodec.pickledBins(tables.get(field, cls), c);
                classTables.put(cls, c);
            }
            n.put("class_tables", classTables);
            root.put(field, n);
        }
        RiskTableMapCodec.dumpPickle(root, out);
    }

    /**
     * Reads the pickle with {@link SafeUnpickler} (plain data only).
     *
     * @param source the file's name, used in error messages
     * @throws ArtifactFormatException if it is not a pickle, is refused as unsafe, holds binary
     *         tables or no fields, or has the wrong structure (fields with different classes, a
     *         class table missing or extra)
     */
    public static MulticlassRiskTables fromPickle(byte[] bytes, String source) {
        Map<?, ?> fields = RiskTableMapCodec.unpickleFields(bytes, source);
        if (fields.isEmpty()) {
            throw new ArtifactFormatException(source + ": holds no fields, so no classes: not multiclass risk tables");
        }
        if (!RiskTableMapCodec.isMulticlass(fields)) {
            throw holdsBinary(source);
        }
        List<String> classes = null;
        List<List<RiskTable>> perClass = new ArrayList<>();
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            String where = source + ": field '" + e.getKey() + "'";
            Map<?, ?> t = RiskTableMapCodec.fieldEntry(e, source);
            String field = (String) e.getKey();
            RiskTableMapCodec.requireVarName(t, field, where);
            Object modeLabel = t.get("mode");
            RiskTable.Mode mode = RiskTableMapCodec.parseMode(modeLabel instanceof String s ? s : null, where);
            if (!MULTICLASS.equals(t.get("target_type"))) {
                throw new ArtifactFormatException(where + ": target_type must be \"multiclass\"");
            }
            List<String> own = pickledClasses(t.get("classes"), where);
            if (classes == null) {
                classes = own;
                classes.forEach(c -> perClass.add(new ArrayList<>()));
            } else {
                requireSameClasses(own, classes, where);
            }
            if (!(t.get("class_tables") instanceof Map<?, ?> classTables)) {
                throw new ArtifactFormatException(where + ": class_tables must be a dict");
            }
            List<String> keys = new ArrayList<>();
            for (Object k : classTables.keySet()) {
                if (!(k instanceof String s)) {
                    throw new ArtifactFormatException(where + ": class " + k + " of class_tables is not a string");
                }
                keys.add(s);
            }
            requireClassTables(keys, classes, where);
            for (int i = 0; i < classes.size(); i++) {
                String at = where + ", class '" + classes.get(i) + "'";
                if (!(classTables.get(classes.get(i)) instanceof Map<?, ?> c)) {
                    throw new ArtifactFormatException(at + " must be a dict");
                }
                perClass.get(i).add(RiskTableMapCodec.PickledValues.of(c, at).table(field, mode, at));
            }
        }
        return tables(classes, perClass, source);
    }

    /**
     * Whether {@code bytes} is a {@code risk_table_map} pickle of multiclass tables: a dict with a
     * field entry that says {@code "target_type": "multiclass"}. Unpickles it (with
     * {@link SafeUnpickler}); false for anything unreadable and for a dict without fields.
     */
    public static boolean isMulticlassPickle(byte[] bytes) {
        try {
            return RiskTableMapCodec.isMulticlass(RiskTableMapCodec.unpickleFields(bytes, "pickle"));
        } catch (ArtifactFormatException e) {
            return false;
        }
    }

    // --------------------------------------------------------------- helpers

    private static ArtifactFormatException holdsBinary(String source) {
        return new ArtifactFormatException(source + ": holds binary risk tables (no \"target_type\": \"multiclass\"); "
                + "read it with RiskTableMapCodec or ArtifactScorers.load");
    }

    private static List<String> classes(JsonNode node, String where) {
        if (node == null || !node.isArray()) {
            throw new ArtifactFormatException(where + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode c : node) {
            if (!c.isTextual()) {
                throw new ArtifactFormatException(where + " must be a list of strings");
            }
            out.add(c.asText());
        }
        return out;
    }

    private static List<String> pickledClasses(Object value, String where) {
        if (!(value instanceof List<?> list)) {
            throw new ArtifactFormatException(where + ": classes must be a list of str");
        }
        List<String> out = new ArrayList<>();
        for (Object c : list) {
            if (!(c instanceof String s)) {
                throw new ArtifactFormatException(where + ": classes must be a list of str");
            }
            out.add(s);
        }
        return out;
    }

    private static void requireSameClasses(List<String> own, List<String> classes, String where) {
        if (!own.equals(classes)) {
            throw new ArtifactFormatException(where + ": classes " + own + " differ from the file's " + classes);
        }
    }

    private static void requireClassTables(java.util.Collection<String> keys, List<String> classes, String where) {
        if (keys.size() != classes.size() || !keys.containsAll(classes)) {
            throw new ArtifactFormatException(where + ": class_tables has the classes " + keys + ", expected " + classes);
        }
    }

    private static MulticlassRiskTables tables(List<String> classes, List<List<RiskTable>> perClass, String source) {
        try {
            List<RiskTableMap> maps = new ArrayList<>();
            perClass.forEach(l -> maps.add(new RiskTableMap(l)));
            return new MulticlassRiskTables(classes, maps);
        } catch (IllegalArgumentException e) {
            throw new ArtifactFormatException(source + ": " + e.getMessage(), e);
        }
    }
}
