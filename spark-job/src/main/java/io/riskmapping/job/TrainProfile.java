package io.riskmapping.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.riskmapping.artifacts.NumericKeys;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.ml.feature.FitStatistics;
import io.riskmapping.ml.feature.core.ContinuousTargets;

/**
 * What a training run saw of train, for the drift of later runs ({@code train_profile.json},
 * docs/artifacts.md): the label (its column, type and balance or statistics), and per encoded field its labelled train rows per
 * category and with a null. A training run makes it from its fit; a validation, testing or
 * calibration run reads it from the artifacts and compares its split with it, as the training run
 * compares val and test.
 *
 * @param known     whether train's distribution is known (false: the artifacts predate this file)
 * @param events    labelled train rows with the event (1); 0 for a continuous or multiclass label
 * @param nonEvents labelled train rows without it (0); 0 for a continuous or multiclass label
 * @param fields    per field (the files' column names) its train counts, for the fields whose
 *                  counts are known
 * @param label     the label column and its type (and, continuous, its statistics on train;
 *                  multiclass, its rows per class); null
 *                  when not recorded (a profile written before the key existed)
 */
record TrainProfile(boolean known, long events, long nonEvents, Map<String, Field> fields, Label label) {

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

    /**
     * The label.
     *
     * @param column     its column in the files (a reader's: null when the split has no such column)
     * @param continuous whether it is a number ({@code target_type} "continuous") rather than 0/1
     * @param count      continuous: train rows with a label (0 for a binary label)
     * @param mean       continuous: their labels' mean (NaN for a binary label)
     * @param std        continuous: their labels' population standard deviation (NaN for a binary label)
     * @param classes    multiclass: labelled train rows per class, in the tables' class order; null
     *                   for a binary or continuous label
     * @param unlabelled multiclass: train rows without a label (null or blank), -1 when not recorded
     */
    record Label(String column, boolean continuous, long count, double mean, double std, Map<String, Long> classes, long unlabelled) {
        Label {
            classes = classes == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classes));
        }

        /** A binary or continuous label. */
        Label(String column, boolean continuous, long count, double mean, double std) {
            this(column, continuous, count, mean, std, null, -1);
        }

        /** A binary label's column. */
        static Label binary(String column) {
            return new Label(column, false, 0, Double.NaN, Double.NaN);
        }

        /**
         * A multiclass label.
         *
         * @param classes    labelled train rows per class
         * @param unlabelled train rows without a label, -1 when not recorded
         */
        static Label multiclass(String column, Map<String, Long> classes, long unlabelled) {
            return new Label(column, false, 0, Double.NaN, Double.NaN, classes, unlabelled);
        }

        /** Whether the label is multiclass ({@code target_type} "multiclass"). */
        boolean multiclass() {
            return classes != null;
        }

        /** {@code target_type}: "binary", "continuous" or "multiclass". */
        String targetType() {
            return continuous ? "continuous" : multiclass() ? "multiclass" : "binary";
        }
    }

    TrainProfile {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A profile of a binary label without a recorded label column. */
    TrainProfile(boolean known, long events, long nonEvents, Map<String, Field> fields) {
        this(known, events, nonEvents, fields, null);
    }

    /** No profile: the artifacts of an earlier version hold none. */
    static TrainProfile unknown() {
        return new TrainProfile(false, 0, 0, Map.of());
    }

    /**
     * The profile of a fit of a binary label: each field of {@code encoding} whose train counts the fit kept.
     *
     * @param labelColumn the label's column in the files
     */
    static TrainProfile of(FieldEncoding encoding, long events, long nonEvents, String labelColumn) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (String c : encoding.columns()) {
            Map<Object, Long> counts = encoding.trainCounts(c);
            long nulls = encoding.trainNulls(c);
            if (counts != null && nulls >= 0) {
                fields.put(c, new Field(encoding.mode(c), counts, nulls));
            }
        }
        return new TrainProfile(true, events, nonEvents, fields, Label.binary(labelColumn));
    }

    /**
     * The profile of a fit of a continuous label: per mapped field of {@code fit} its labelled train
     * rows per category and with a null; the label's labelled rows, mean and standard deviation.
     *
     * @param labelColumn the label's column in the files
     */
    static TrainProfile ofContinuous(ContinuousTargets.Fit fit, String labelColumn) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (ContinuousTargets.Field f : fit.fields()) {
            if (f.skipReason() == null) {
                Map<Object, Long> counts = new LinkedHashMap<>();
                f.categories().forEach((k, sums) -> counts.put(k, sums.n()));
                fields.put(f.column(), new Field(f.mode(), counts, f.nulls().n()));
            }
        }
        ContinuousTargets.Sums total = fit.total();
        return new TrainProfile(true, 0, 0, fields,
                new Label(labelColumn, true, total.n(), total.mean(), Math.sqrt(total.variance())));
    }

    /**
     * The profile of a one-vs-rest fit of a multiclass label: each field of {@code encoding} whose
     * train counts the fit kept (every class's fit counts the same rows per category), and the
     * label's labelled rows per class ({@code events} of each class's statistics) and unlabelled rows.
     *
     * @param classes     the classes, in the tables' order
     * @param perClass    the fit's statistics with each class as the event, in the same order
     * @param labelColumn the label's column in the files
     */
    static TrainProfile ofMulticlass(FieldEncoding encoding, List<String> classes, List<FitStatistics> perClass, String labelColumn) {
        TrainProfile fields = of(encoding, 0, 0, labelColumn);
        Map<String, Long> rows = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            rows.put(classes.get(i), perClass.get(i).events());
        }
        return new TrainProfile(true, 0, 0, fields.fields(), Label.multiclass(labelColumn, rows, perClass.get(0).unlabelledRows()));
    }

    /** The train counts of a column, when known. */
    Optional<Field> field(String column) {
        return Optional.ofNullable(fields.get(column));
    }

    /**
     * {@code train_profile.json}: {@code {"format_version": 1, "label": {"column": name,
     * "target_type": "binary"}, "events": K, "non_events": N - K, "fields": {field: {"mode":
     * "categorical"|"numeric", "null_rows": n, "categories": {key: n}}}}}; for a continuous label
     * {@code "label": {"column": name, "target_type": "continuous", "count": n, "mean": m, "std": s}}
     * and no events or non-events; for a multiclass label {@code "label": {"column": name,
     * "target_type": "multiclass", "classes": {class: rows}, "unlabelled": n}} (no {@code unlabelled}
     * when not recorded) and no events or non-events. Fields and the label under their logical
     * names, numeric keys as {@link NumericKeys#format} writes them; no {@code label} when not recorded.
     */
    byte[] toJson(Function<String, String> logicalName) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        if (label != null) {
            ObjectNode l = root.putObject("label");
            l.put("column", logicalName.apply(label.column()));
            l.put("target_type", label.targetType());
            if (label.continuous()) {
                l.put("count", label.count());
                l.put("mean", label.mean());
                l.put("std", label.std());
            }
            if (label.multiclass()) {
                ObjectNode classes = l.putObject("classes");
                label.classes().forEach(classes::put);
                if (label.unlabelled() >= 0) {
                    l.put("unlabelled", label.unlabelled());
                }
            }
        }
        if (label == null || !label.continuous() && !label.multiclass()) {
            root.put("events", events);
            root.put("non_events", nonEvents);
        }
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
        Label label = null;
        JsonNode l = root.path("label");
        if (l.isObject()) {
            String physical = column.apply(l.path("column").asText()).orElse(null);
            String type = l.path("target_type").asText();
            if ("continuous".equals(type)) {
                label = new Label(physical, true, l.path("count").asLong(), l.path("mean").asDouble(Double.NaN), l.path("std").asDouble(Double.NaN));
            } else if ("multiclass".equals(type)) {
                Map<String, Long> classes = new LinkedHashMap<>();
                l.path("classes").fields().forEachRemaining(c -> classes.put(c.getKey(), c.getValue().asLong()));
                label = Label.multiclass(physical, classes, l.path("unlabelled").asLong(-1));
            } else {
                label = Label.binary(physical);
            }
        }
        return new TrainProfile(true, root.path("events").asLong(), root.path("non_events").asLong(), fields, label);
    }
}
