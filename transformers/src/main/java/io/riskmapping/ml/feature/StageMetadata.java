package io.riskmapping.ml.feature;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code metadata/} folder of a saved stage, written and read by this project's own code in
 * the format of Spark's (internal) {@code DefaultParamsWriter} / {@code DefaultParamsReader}: one
 * single-line JSON text file {@code PATH/metadata/part-00000*} with {@code class},
 * {@code timestamp}, {@code sparkVersion}, {@code uid}, {@code paramMap} (the set params) and
 * {@code defaultParamMap} (the defaults), values encoded by {@link Param#jsonEncode} and decoded by
 * {@link Param#jsonDecode}, params sorted by name as Spark 4 writes them. Spark's reader reads it
 * (a saved {@code PipelineModel} holding the stages loads), and this class reads what Spark wrote,
 * including the {@code part-00000} file of Spark 3.
 *
 * <p>Only public Spark API that is the same in Spark 3.5 and 4.x is used, so the stages persist the
 * same way on every Spark line (docs/persistence.md). Overwriting is {@link MLWriter}'s: it
 * deletes or refuses an existing folder before {@code saveImpl} runs.
 */
final class StageMetadata {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)(\\..*)?$");

    private final String className;
    private final String uid;
    private final String sparkVersion;
    private final JsonNode json;

    private StageMetadata(String className, String uid, String sparkVersion, JsonNode json) {
        this.className = className;
        this.uid = uid;
        this.sparkVersion = sparkVersion;
        this.json = json;
    }

    /** The saved stage's class name. */
    String className() {
        return className;
    }

    /** The saved stage's uid. */
    String uid() {
        return uid;
    }

    /** The version of Spark that saved the stage. */
    String sparkVersion() {
        return sparkVersion;
    }

    /** The whole metadata object (the fields above and any other saved beside them). */
    JsonNode json() {
        return json;
    }

    // ------------------------------------------------------------ writing

    /** Writes {@code instance}'s metadata to {@code path/metadata} (fails if that folder exists). */
    static void save(Params instance, String path, SparkSession spark) {
        String json = toJson(instance, spark.version(), System.currentTimeMillis());
        spark.createDataset(List.of(json), Encoders.STRING()).coalesce(1).write().text(metadataPath(path));
    }

    /** The single-line metadata JSON of {@code instance}, as Spark's {@code DefaultParamsWriter.getMetadataToSave} makes it. */
    static String toJson(Params instance, String sparkVersion, long timestamp) {
        ObjectNode paramMap = JSON.createObjectNode();
        ObjectNode defaultParamMap = JSON.createObjectNode();
        // Params.params(): every param of the stage, sorted by name
        for (Param<?> p : instance.params()) {
            @SuppressWarnings("unchecked")
            Param<Object> param = (Param<Object>) p;
            if (instance.isSet(param)) {
                paramMap.set(param.name(), encode(param, instance.get(param).get()));
            }
            if (instance.hasDefault(param)) {
                defaultParamMap.set(param.name(), encode(param, instance.getDefault(param).get()));
            }
        }
        ObjectNode metadata = JSON.createObjectNode();
        metadata.put("class", instance.getClass().getName());
        metadata.put("timestamp", timestamp);
        metadata.put("sparkVersion", sparkVersion);
        metadata.put("uid", instance.uid());
        metadata.set("paramMap", paramMap);
        metadata.set("defaultParamMap", defaultParamMap);
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode encode(Param<Object> param, Object value) {
        try {
            return JSON.readTree(param.jsonEncode(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("param " + param.name() + ": jsonEncode gave no JSON", e);
        }
    }

    // ------------------------------------------------------------ reading

    /**
     * Reads the metadata under {@code path/metadata}.
     *
     * @param expectedClassName if not empty, the class name the metadata must name
     * @throws IllegalArgumentException if it names another class or is not stage metadata
     */
    static StageMetadata load(String path, SparkSession spark, String expectedClassName) {
        String text = spark.read().text(metadataPath(path)).first().getString(0);
        return parse(text, expectedClassName);
    }

    /** Parses one metadata JSON line, as Spark's {@code DefaultParamsReader.parseMetadata} does. */
    static StageMetadata parse(String text, String expectedClassName) {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot recognize JSON metadata: " + text + ".", e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("Cannot recognize JSON metadata: " + text + ".");
        }
        String className = requiredText(json, "class", text);
        String uid = requiredText(json, "uid", text);
        String sparkVersion = requiredText(json, "sparkVersion", text);
        if (!expectedClassName.isEmpty() && !className.equals(expectedClassName)) {
            throw new IllegalArgumentException("Error loading metadata: Expected class name " + expectedClassName
                    + " but found class name " + className);
        }
        return new StageMetadata(className, uid, sparkVersion, json);
    }

    private static String requiredText(JsonNode json, String field, String text) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("Cannot recognize JSON metadata (no " + field + "): " + text + ".");
        }
        return v.asText();
    }

    /**
     * Sets the saved params on {@code instance}: {@code paramMap} as set params, then
     * {@code defaultParamMap} as defaults (metadata saved by Spark 2.4 or later), as Spark's
     * {@code Metadata.getAndSetParams} does.
     */
    void setParams(Params instance) {
        setParams(instance, json.get("paramMap"), false);
        Matcher m = MAJOR_MINOR.matcher(sparkVersion);
        if (!m.matches()) {
            throw new IllegalArgumentException("Spark tried to parse '" + sparkVersion + "' as a Spark version string, "
                    + "but it could not find the major and minor version numbers.");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major > 2 || (major == 2 && minor >= 4)) {
            setParams(instance, json.get("defaultParamMap"), true);
        }
    }

    private void setParams(Params instance, JsonNode params, boolean asDefaults) {
        if (params == null || !params.isObject()) {
            throw new IllegalArgumentException("Cannot recognize JSON metadata: " + json + ".");
        }
        for (Map.Entry<String, JsonNode> e : params.properties()) {
            Param<Object> param = instance.getParam(e.getKey());
            Object value = param.jsonDecode(e.getValue().toString());
            if (asDefaults) {
                instance.setDefault(param, value);
            } else {
                instance.set(param, value);
            }
        }
    }

    private static String metadataPath(String path) {
        return new Path(path, "metadata").toString();
    }

    // ------------------------------------------------------------ params-only stages

    /** The writer of a stage that saves its params only (the estimators). */
    static MLWriter writer(Params instance) {
        return new ParamsWriter(instance);
    }

    /**
     * The reader of a stage saved by {@link #writer}: builds the saved class (which must be
     * {@code type} or a subclass) with its {@code (String uid)} constructor and sets the saved params.
     */
    static <T extends Params> MLReader<T> reader(Class<T> type) {
        return new ParamsReader<>(type);
    }

    private static final class ParamsWriter extends MLWriter {
        private final Params instance;

        ParamsWriter(Params instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            StageMetadata.save(instance, path, sparkSession());
        }
    }

    private static final class ParamsReader<T extends Params> extends MLReader<T> {
        private final Class<T> type;

        ParamsReader(Class<T> type) {
            this.type = type;
        }

        @Override
        public T load(String path) {
            StageMetadata metadata = StageMetadata.load(path, sparkSession(), "");
            T instance = instantiate(metadata.className(), metadata.uid());
            metadata.setParams(instance);
            return instance;
        }

        private T instantiate(String className, String uid) {
            Class<?> cls;
            try {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                cls = Class.forName(className, true, loader != null ? loader : StageMetadata.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("Error loading metadata: class " + className + " not found", e);
            }
            if (!type.isAssignableFrom(cls)) {
                throw new IllegalArgumentException("Error loading metadata: Expected class name " + type.getName()
                        + " but found class name " + className);
            }
            try {
                return type.cast(cls.getConstructor(String.class).newInstance(uid));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot create " + className + "(uid)", e);
            }
        }
    }
}
