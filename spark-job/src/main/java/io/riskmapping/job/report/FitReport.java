package io.riskmapping.job.report;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;

/**
 * What a run learned and how its splits compare with train, as data ({@code run_summary.json},
 * schema in docs/report.md) and as one self-contained HTML page ({@code report.html}: no script, no
 * external file or font, charts inlined as SVG drawn by JFreeChart).
 */
public final class FitReport {

    /**
     * The run.
     *
     * @param targetType the label's type: "binary" (0, 1), "continuous" (a number) or "multiclass" (classes)
     */
    public record Run(String jobType, String version, String input, String output, String artifacts, String encoding,
            String valueName, Integer countThreshold, double totalSeconds, String targetType) {
        /** A run of a binary label. */
        public Run(String jobType, String version, String input, String output, String artifacts, String encoding,
                String valueName, Integer countThreshold, double totalSeconds) {
            this(jobType, version, input, output, artifacts, encoding, valueName, countThreshold, totalSeconds, BINARY);
        }

        boolean continuous() {
            return CONTINUOUS.equals(targetType);
        }

        boolean multiclass() {
            return MULTICLASS.equals(targetType);
        }
    }

    /** {@link Run#targetType()} of a label 0 or 1. */
    public static final String BINARY = "binary";
    /** {@link Run#targetType()} of a numeric label. */
    public static final String CONTINUOUS = "continuous";
    /** {@link Run#targetType()} of a label of classes. */
    public static final String MULTICLASS = "multiclass";

    /**
     * One split: rows, shards and seconds of its pass, and its label balance ({@code labels}, null
     * when not recorded).
     */
    public record SplitRows(String name, String format, long rows, int shards, List<Long> rowsPerShard, double seconds,
            @JsonInclude(JsonInclude.Include.NON_NULL) LabelBalance labels) {
        /** A split without a recorded label balance. */
        public SplitRows(String name, String format, long rows, int shards, List<Long> rowsPerShard, double seconds) {
            this(name, format, rows, shards, rowsPerShard, seconds, null);
        }
    }

    /**
     * The rows of a split by label. A binary label: {@code events} (label 1), {@code nonEvents}
     * (label 0) and {@code unlabelled} (any other value, -1 or null); {@code labelled}, {@code mean}
     * and {@code std} are null. A continuous label: {@code labelled} (a finite number),
     * {@code unlabelled} (null, blank or not a number), the labelled rows' {@code mean} and population
     * standard deviation {@code std} (divisor {@code labelled}; both null without a labelled row);
     * {@code events} and {@code nonEvents} are null. A multiclass label: {@code classes} (rows per
     * class: the training classes in their order, then any other class the split holds, sorted),
     * {@code labelled} (their sum) and {@code unlabelled} (null or blank); {@code events},
     * {@code nonEvents}, {@code mean} and {@code std} are null. {@code classes} is null for the other
     * label types.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LabelBalance(Long events, Long nonEvents, Long labelled, long unlabelled, Double mean, Double std,
            Map<String, Long> classes) {
        public LabelBalance {
            classes = classes == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classes));
        }

        /** The balance of a binary or continuous label. */
        public LabelBalance(Long events, Long nonEvents, Long labelled, long unlabelled, Double mean, Double std) {
            this(events, nonEvents, labelled, unlabelled, mean, std, null);
        }

        /** The balance of a binary label. */
        public LabelBalance(long events, long nonEvents, long unlabelled) {
            this(events, nonEvents, null, unlabelled, null, null);
        }

        /**
         * The balance of a continuous label from the labelled rows' count, sum and sum of squares.
         *
         * @param labelled   rows with a finite label
         * @param unlabelled the other rows
         */
        public static LabelBalance continuous(long labelled, long unlabelled, double sum, double sumSquares) {
            if (labelled == 0) {
                return new LabelBalance(null, null, 0L, unlabelled, null, null);
            }
            double mean = sum / labelled;
            return new LabelBalance(null, null, labelled, unlabelled, mean, Math.sqrt(Math.max(0.0, sumSquares / labelled - mean * mean)));
        }

        /**
         * The balance of a multiclass label.
         *
         * @param classes    rows per class, in the order shown
         * @param unlabelled rows without a label
         */
        public static LabelBalance multiclass(Map<String, Long> classes, long unlabelled) {
            return new LabelBalance(null, null, classes.values().stream().mapToLong(Long::longValue).sum(), unlabelled, null, null, classes);
        }
    }

    public record Pass(String name, double seconds) {
    }

    public record Iv(String field, double iv, double ivSe, double ivCiLower, double ivCiUpper, int nBins) {
    }

    public record Skipped(String field, String reason) {
    }

    /**
     * One class of a multiclass label in a row of a field's table: the class, its train fit rows
     * in the row ({@code trainRows}), their share of the row's rows ({@code rate}, the raw rate),
     * and the class's mapped value ({@code value}, the smoothed one-vs-rest risk); each null when unknown.
     */
    public record ClassValue(String className, Long trainRows, Double rate, Double value) {
    }

    /**
     * One bin of a field: its category, train fit rows and events among them (each null when
     * unknown), value (risk or WOE; a multiclass label: the first class's risk), its WOE on train
     * (null when unknown), whether it fell under the count threshold, and, for a continuous label,
     * the raw mean of its train fit rows' labels ({@code trainMean}: null when unknown or for a
     * binary label; {@code trainRows} then counts the labelled rows); for a multiclass label, per
     * class its rows, raw rate and risk ({@code classes}, in the tables' class order; null for the
     * other label types).
     */
    public record Category(String key, Long trainRows, @JsonInclude(JsonInclude.Include.NON_NULL) Long trainEvents, double value,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double woe, boolean belowThreshold,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double trainMean,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ClassValue> classes) {
        /** A category of a binary or continuous label. */
        public Category(String key, Long trainRows, Long trainEvents, double value, Double woe, boolean belowThreshold, Double trainMean) {
            this(key, trainRows, trainEvents, value, woe, belowThreshold, trainMean, null);
        }

        /** A category of a binary label. */
        public Category(String key, Long trainRows, Long trainEvents, double value, Double woe, boolean belowThreshold) {
            this(key, trainRows, trainEvents, value, woe, belowThreshold, null);
        }

        /** A category whose events are not recorded. */
        public Category(String key, Long trainRows, double value, Double woe, boolean belowThreshold) {
            this(key, trainRows, null, value, woe, belowThreshold, null);
        }
    }

    /**
     * One mapped field: its categories (most frequent first) and the train fit rows with a null and
     * the events among them ({@code nullRows}, {@code nullEvents}: null when not recorded); for a
     * continuous label, the raw mean of the null rows' labels ({@code nullMean}, null when unknown or
     * without labelled null rows). For a multiclass label ({@code defaultValue}: the first class's),
     * per class: the null rows' class rows, raw rate and mapped value ({@code nullClasses}), and
     * the class's labelled train rows, their share of all labelled train rows (the class's prior)
     * and the class's default value ({@code classTotals}); both null for the other label types.
     */
    public record Field(String field, String mode, double defaultValue, List<Category> categories,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long nullRows, @JsonInclude(JsonInclude.Include.NON_NULL) Long nullEvents,
            @JsonInclude(JsonInclude.Include.NON_NULL) Double nullMean,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ClassValue> nullClasses,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ClassValue> classTotals) {
        /** A field of a binary or continuous label. */
        public Field(String field, String mode, double defaultValue, List<Category> categories, Long nullRows, Long nullEvents,
                Double nullMean) {
            this(field, mode, defaultValue, categories, nullRows, nullEvents, nullMean, null, null);
        }

        /** A field of a binary label. */
        public Field(String field, String mode, double defaultValue, List<Category> categories, Long nullRows, Long nullEvents) {
            this(field, mode, defaultValue, categories, nullRows, nullEvents, null);
        }

        /** A field whose null counts are not recorded. */
        public Field(String field, String mode, double defaultValue, List<Category> categories) {
            this(field, mode, defaultValue, categories, null, null, null);
        }
    }

    public record SplitDrift(String split, List<Drift.FieldDrift> fields) {
    }

    /** run_summary.json's keys are snake_case, as every JSON file the job writes (format version 2; 1 was camelCase). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private final Run run;
    private final JsonNode hyperparameters;
    private final List<SplitRows> splits;
    private final List<Pass> passes;
    private final List<Iv> ivRanking;
    private final List<Skipped> skipped;
    private final List<Field> fields;
    private final List<SplitDrift> drift;

    public FitReport(Run run, JsonNode hyperparameters, List<SplitRows> splits, List<Pass> passes, List<Iv> ivRanking,
            List<Skipped> skipped, List<Field> fields, List<SplitDrift> drift) {
        this.run = run;
        this.hyperparameters = hyperparameters;
        this.splits = List.copyOf(splits);
        this.passes = List.copyOf(passes);
        this.ivRanking = List.copyOf(ivRanking);
        this.skipped = List.copyOf(skipped);
        this.fields = List.copyOf(fields);
        this.drift = List.copyOf(drift);
    }

    /** {@code run_summary.json} (format version 2: snake_case keys; version 1 had camelCase ones). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "run_summary");
        root.put("format_version", 2);
        root.set("run", JSON.valueToTree(run));
        root.set("hyperparameters", hyperparameters == null ? JSON.nullNode() : hyperparameters);
        root.set("splits", JSON.valueToTree(splits));
        root.set("passes", JSON.valueToTree(passes));
        root.set("iv_ranking", JSON.valueToTree(ivRanking));
        root.set("skipped_fields", JSON.valueToTree(skipped));
        root.set("fields", JSON.valueToTree(fields));
        ObjectNode d = root.putObject("drift");
        for (SplitDrift s : drift) {
            ArrayNode a = d.putArray(s.split());
            for (Drift.FieldDrift f : s.fields()) {
                ObjectNode n = a.addObject();
                n.put("field", f.field());
                n.put("rows", f.rows());
                n.put("null_share", f.nullShare());
                n.put("unseen_share", f.unseenShare());
                if (f.psi() == null) {
                    n.putNull("psi");
                } else {
                    n.put("psi", f.psi());
                }
                n.put("flag", f.flag());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code report.html}: one self-contained page. */
    public byte[] toHtml() {
        Template template;
        try (Reader r = new InputStreamReader(FitReport.class.getResourceAsStream("report.html.mustache"), StandardCharsets.UTF_8)) {
            template = Mustache.compiler().escapeHTML(true).compile(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("run", run);
        ctx.put("totalSeconds", fmt("%.1f", run.totalSeconds()));
        ctx.put("hyperparameters", hyperparameters == null ? "" : hyperparameters.toPrettyString());
        List<Map<String, Object>> splitRows = new ArrayList<>();
        for (SplitRows s : splits) {
            splitRows.add(Map.of("name", s.name(), "format", s.format(), "rows", String.format(Locale.ROOT, "%,d", s.rows()),
                    "shards", s.shards(), "perShard", s.rowsPerShard().toString(), "seconds", fmt("%.1f", s.seconds())));
        }
        ctx.put("splits", splitRows);
        List<Map<String, Object>> balance = new ArrayList<>();
        List<String> balanceClasses = new ArrayList<>();
        for (SplitRows s : splits) {
            if (s.labels() != null && s.labels().classes() != null) {
                s.labels().classes().keySet().stream().filter(c -> !balanceClasses.contains(c)).forEach(balanceClasses::add);
            }
        }
        for (SplitRows s : splits) {
            LabelBalance b = s.labels();
            if (b != null && b.classes() != null) {
                List<Map<String, Object>> cells = new ArrayList<>();
                for (String c : balanceClasses) {
                    long n = b.classes().getOrDefault(c, 0L);
                    cells.add(Map.of("rows", count(n), "share", b.labelled() == 0 ? "" : fmt("%.2f%%", 100.0 * n / b.labelled())));
                }
                balance.add(Map.of("name", s.name(), "classCells", cells, "labelled", count(b.labelled()), "unlabelled", count(b.unlabelled())));
            } else if (b != null && b.labelled() != null) {
                balance.add(Map.of("name", s.name(), "labelled", count(b.labelled()), "unlabelled", count(b.unlabelled()),
                        "mean", b.mean() == null ? "" : fmt("%.4f", b.mean()), "std", b.std() == null ? "" : fmt("%.4f", b.std())));
            } else if (b != null && b.events() != null) {
                long labelled = b.events() + b.nonEvents();
                balance.add(Map.of("name", s.name(), "events", count(b.events()), "nonEvents", count(b.nonEvents()),
                        "unlabelled", count(b.unlabelled()), "rate", labelled == 0 ? "" : fmt("%.4f", (double) b.events() / labelled)));
            }
        }
        ctx.put("balance", balance);
        ctx.put("hasBalance", !balance.isEmpty());
        ctx.put("balanceClasses", balanceClasses);
        ctx.put("continuous", run.continuous());
        ctx.put("multiclass", run.multiclass());
        ctx.put("binary", !run.continuous() && !run.multiclass());
        List<Map<String, Object>> passRows = new ArrayList<>();
        passes.forEach(p -> passRows.add(Map.of("name", p.name(), "seconds", fmt("%.1f", p.seconds()))));
        ctx.put("passes", passRows);
        Map<String, String> anchors = anchors();
        Map<String, Iv> ivByField = new HashMap<>();
        List<Map<String, Object>> iv = new ArrayList<>();
        for (Iv r : ivRanking) {
            ivByField.put(r.field(), r);
            iv.add(Map.of("field", r.field(), "anchor", anchors.getOrDefault(r.field(), ""), "iv", fmt("%.4f", r.iv()), "se", fmt("%.4f", r.ivSe()),
                    "ci", "[" + fmt("%.4f", r.ivCiLower()) + ", " + fmt("%.4f", r.ivCiUpper()) + "]", "bins", r.nBins(),
                    "strength", r.iv() >= 0.3 ? "strong" : r.iv() >= 0.1 ? "medium" : r.iv() >= 0.02 ? "weak" : "none"));
        }
        ctx.put("ivRows", iv);
        ctx.put("hasIv", !ivRanking.isEmpty());
        ctx.put("ivChart", ivRanking.isEmpty() ? "" : Charts.ivRanking(ivRanking));
        ctx.put("skipped", skipped);
        ctx.put("hasSkipped", !skipped.isEmpty());
        boolean risk = "risk_table".equals(run.encoding());
        List<Map<String, Object>> fieldCtx = new ArrayList<>();
        for (Field f : fields) {
            Iv recorded = ivByField.get(f.field());
            BinningTable.Table table = run.continuous() ? BinningTable.continuous(f)
                    : run.multiclass() ? BinningTable.multiclass(f) : BinningTable.of(f, recorded == null ? null : recorded.iv());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (BinningTable.Row r : table.rows()) {
                Map<String, Object> row = new HashMap<>();
                row.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
                row.put("label", r.label());
                row.put("count", r.count() == null ? "" : count(r.count()));
                row.put("share", r.share() == null ? "" : fmt("%.2f%%", 100 * r.share()));
                row.put("events", r.events() == null ? "" : count(r.events()));
                row.put("nonEvents", r.nonEvents() == null ? "" : count(r.nonEvents()));
                row.put("rate", r.eventRate() == null ? "" : fmt("%.4f", r.eventRate()));
                row.put("value", r.value() == null ? "" : fmt("%.4f", r.value()));
                row.put("woe", r.woe() == null ? "" : fmt("%.4f", r.woe()));
                row.put("woeCi", r.woeLower() == null ? "" : "[" + fmt("%.4f", r.woeLower()) + ", " + fmt("%.4f", r.woeUpper()) + "]");
                row.put("iv", r.ivContribution() == null ? "" : fmt("%.4f", r.ivContribution()));
                row.put("mean", r.mean() == null ? "" : fmt("%.4f", r.mean()));
                List<Map<String, Object>> classCells = new ArrayList<>();
                if (r.classes() != null) {
                    for (ClassValue c : r.classes()) {
                        classCells.add(Map.of("rate", c.rate() == null ? "" : fmt("%.4f", c.rate()),
                                "value", c.value() == null ? "" : fmt("%.4f", c.value())));
                    }
                }
                row.put("classCells", classCells);
                row.put("mark", r.belowThreshold() ? "below the count threshold: default"
                        : r.kind() == BinningTable.Kind.UNSEEN ? "categories train never saw: default"
                        : r.kind() == BinningTable.Kind.NULLS ? "default" : "");
                rows.add(row);
            }
            Map<String, Object> fc = new HashMap<>();
            fc.put("field", f.field());
            fc.put("anchor", anchors.get(f.field()));
            fc.put("mode", f.mode());
            fc.put("default", fmt("%.4f", f.defaultValue()));
            List<String> classNames = f.classTotals() == null ? List.of() : f.classTotals().stream().map(ClassValue::className).toList();
            fc.put("classNames", classNames);
            fc.put("firstClass", classNames.isEmpty() ? "" : classNames.get(0));
            fc.put("chart", Charts.field(f, classNames.isEmpty() ? run.valueName() : run.valueName() + " of class " + classNames.get(0)));
            fc.put("rows", rows);
            fc.put("count", f.categories().size());
            fc.put("ivNote", recorded == null ? "" : ", IV " + fmt("%.4f", recorded.iv()));
            fc.put("nullsUnknown", f.nullRows() == null);
            fieldCtx.add(fc);
        }
        ctx.put("fields", fieldCtx);
        Map<String, List<Map<String, Object>>> driftByField = new LinkedHashMap<>();
        for (int i = 0; i < drift.size(); i++) {
            for (Drift.FieldDrift f : drift.get(i).fields()) {
                List<Map<String, Object>> cells = driftByField.computeIfAbsent(f.field(), k -> new ArrayList<>());
                while (cells.size() < i) {
                    cells.add(Map.of("nulls", "", "unseen", "", "psi", "", "flag", "none"));
                }
                cells.add(Map.of("nulls", fmt("%.2f%%", 100 * f.nullShare()), "unseen", fmt("%.2f%%", 100 * f.unseenShare()),
                        "psi", f.psi() == null ? "n/a" : fmt("%.4f", f.psi()), "flag", f.flag()));
            }
        }
        List<Map<String, Object>> driftRows = new ArrayList<>();
        driftByField.forEach((field, cells) -> {
            while (cells.size() < drift.size()) {
                cells.add(Map.of("nulls", "", "unseen", "", "psi", "", "flag", "none"));
            }
            driftRows.add(Map.of("field", field, "anchor", anchors.getOrDefault(field, ""), "cells", cells));
        });
        ctx.put("driftSplits", drift.stream().map(SplitDrift::split).toList());
        ctx.put("driftRows", driftRows);
        ctx.put("hasDrift", !drift.isEmpty());
        return template.execute(ctx).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The HTML id of each field's section: {@code field-} and the name with every character other
     * than ASCII letters, digits, {@code _} and {@code -} as {@code _}, suffixed {@code -2},
     * {@code -3}... when two names give the same id.
     */
    Map<String, String> anchors() {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Field f : fields) {
            String base = "field-" + f.field().replaceAll("[^A-Za-z0-9_-]", "_");
            String id = base;
            for (int i = 2; !used.add(id); i++) {
                id = base + "-" + i;
            }
            out.put(f.field(), id);
        }
        return out;
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }
}
