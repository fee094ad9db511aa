package io.riskmapping.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;

/**
 * What a training run saw of train, for the drift of later runs ({@code train_profile.json},
 * docs/artifacts.md): the label balance, and per encoded field its labelled train rows per
 * category and with a null. A training run makes it from its fit; a validation, testing or
 * calibration run reads it from the artifacts and compares its split with it, as the training run
 * compares val and test.
 *
 * @param known     whether train's distribution is known (false: the artifacts predate this file)
 * @param events    labelled train rows with the event (1)
 * @param nonEvents labelled train rows without it (0)
 * @param fields    per field (the files' column names) its train counts, for the fields whose
 *                  counts are known
 */
record TrainProfile(boolean known, long events, long nonEvents, Map<String, Field> fields) {

    /** The file, beside the tables. */
    static final String FILE = "train_profile.json";
    /** The format written; a reader refuses a newer one. */
    static final int FORMAT_VERSION = 1;

    /**
     * One field's train counts.
     *
     * @param mode       how its keys compare: categorical (text) or numeric (numbers)
     * @param categories labelled train rows per category (a {@code String} or, numeric, a {@code Double} key)
     * @param nullRows   labelled train rows with a null
     */
    record Field(RiskTable.Mode mode, Map<Object, Long> categories, long nullRows) {
    }

    TrainProfile {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** No profile: the artifacts of an earlier version hold none. */
    static TrainProfile unknown() {
        return new TrainProfile(false, 0, 0, Map.of());
    }

    /** The profile of a fit: each field of {@code encoding} whose train counts the fit kept. */
    static TrainProfile of(FieldEncoding encoding, long events, long nonEvents) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (String c : encoding.columns()) {
            Map<Object, Long> counts = encoding.trainCounts(c);
            long nulls = encoding.trainNulls(c);
            if (counts != null && nulls >= 0) {
                fields.put(c, new Field(encoding.mode(c), counts, nulls));
            }
        }
        return new TrainProfile(true, events, nonEvents, fields);
    }

    /** The train counts of a column, when known. */
    Optional<Field> field(String column) {
        return Optional.ofNullable(fields.get(column));
    }

    /**
     * {@code train_profile.json}: {@code {"format_version": 1, "events": K, "non_events": N - K,
     * "fields": {field: {"mode": "categorical"|"numeric", "null_rows": n, "categories": {key: n}}}}},
     * fields under their logical names, numeric keys as {@link NumericKeys#format} writes them.
     */
    byte[] toJson(Function<String, String> logicalName) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("events", events);
        root.put("non_events", nonEvents);
        ObjectNode out = root.putObject("fields");
        fields.forEach((column, f) -> {
            ObjectNode n = out.putObject(logicalName.apply(column));
            n.put("mode", f.mode().label());
            n.put("null_rows", f.nullRows());
            ObjectNode cats = n.putObject("categories");
            f.categories().forEach((k, v) -> cats.put(k instanceof Double d ? NumericKeys.format(d) : k.toString(), v));
        });
        try {
            return json.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code train_profile.json}.
     *
     * @param column a field's column in the files, or empty when the files have no such column
     *               (its counts are then left out)
     * @throws IllegalArgumentException when the file is not a profile, or of a newer format (naming it)
     */
    static TrainProfile fromJson(byte[] bytes, Function<String, Optional<String>> column) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("fields").isObject() || !root.path("format_version").canConvertToInt()) {
            throw new IllegalArgumentException(FILE + " has no format_version and fields");
        }
        int version = root.path("format_version").intValue();
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException(FILE + " has format_version " + version + ", newer than this job reads ("
                    + FORMAT_VERSION + "): use the job version that wrote it or a newer one");
        }
        Map<String, Field> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("fields").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Optional<String> physical = column.apply(e.getKey());
            if (physical.isEmpty()) {
                continue;
            }
            JsonNode n = e.getValue();
            RiskTable.Mode mode = "numeric".equals(n.path("mode").asText()) ? RiskTable.Mode.NUMERIC : RiskTable.Mode.CATEGORICAL;
            Map<Object, Long> cats = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> c = n.path("categories").fields(); c.hasNext();) {
                Map.Entry<String, JsonNode> k = c.next();
                Object key = mode == RiskTable.Mode.NUMERIC ? NumericKeys.parse(k.getKey()) : k.getKey();
                if (key == null) {
                    throw new IllegalArgumentException(FILE + ": field '" + e.getKey() + "' is numeric but has the key '" + k.getKey() + "'");
                }
                cats.merge(key, k.getValue().asLong(), Long::sum);
            }
            fields.put(physical.get(), new Field(mode, cats, n.path("null_rows").asLong()));
        }
        return new TrainProfile(true, root.path("events").asLong(), root.path("non_events").asLong(), fields);
    }
}
