package io.riskmapping.job.report;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /** The run. */
    public record Run(String jobType, String version, String input, String output, String artifacts, String encoding,
            String valueName, Integer countThreshold, double totalSeconds) {
    }

    public record SplitRows(String name, String format, long rows, int shards, List<Long> rowsPerShard, double seconds) {
    }

    public record Pass(String name, double seconds) {
    }

    public record Iv(String field, double iv, double ivSe, double ivCiLower, double ivCiUpper, int bins) {
    }

    public record Skipped(String field, String reason) {
    }

    /**
     * One bin of a field: its category, train rows (null when unknown), value (risk or WOE), its WOE
     * on train (null when unknown), and whether it fell under the count threshold.
     */
    public record Category(String key, Long trainRows, double value, Double woe, boolean belowThreshold) {
    }

    public record Field(String field, String mode, double defaultValue, List<Category> categories) {
    }

    public record SplitDrift(String split, List<Drift.FieldDrift> fields) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    /** {@code run_summary.json} (format version 1). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "run_summary");
        root.put("format_version", 1);
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
        List<Map<String, Object>> passRows = new ArrayList<>();
        passes.forEach(p -> passRows.add(Map.of("name", p.name(), "seconds", fmt("%.1f", p.seconds()))));
        ctx.put("passes", passRows);
        List<Map<String, Object>> iv = new ArrayList<>();
        for (Iv r : ivRanking) {
            iv.add(Map.of("field", r.field(), "iv", fmt("%.4f", r.iv()), "se", fmt("%.4f", r.ivSe()),
                    "ci", "[" + fmt("%.4f", r.ivCiLower()) + ", " + fmt("%.4f", r.ivCiUpper()) + "]", "bins", r.bins(),
                    "strength", r.iv() >= 0.3 ? "strong" : r.iv() >= 0.1 ? "medium" : r.iv() >= 0.02 ? "weak" : "none"));
        }
        ctx.put("ivRows", iv);
        ctx.put("hasIv", !ivRanking.isEmpty());
        ctx.put("ivChart", ivRanking.isEmpty() ? "" : Charts.ivRanking(ivRanking));
        ctx.put("skipped", skipped);
        ctx.put("hasSkipped", !skipped.isEmpty());
        List<Map<String, Object>> fieldCtx = new ArrayList<>();
        for (Field f : fields) {
            List<Map<String, Object>> cats = new ArrayList<>();
            for (Category c : f.categories()) {
                cats.add(Map.of("key", c.key(), "rows", c.trainRows() == null ? "" : String.format(Locale.ROOT, "%,d", c.trainRows()),
                        "value", fmt("%.4f", c.value()), "woe", c.woe() == null ? "" : fmt("%.4f", c.woe()),
                        "mark", c.belowThreshold() ? "below the count threshold: default" : ""));
            }
            fieldCtx.add(Map.of("field", f.field(), "mode", f.mode(), "default", fmt("%.4f", f.defaultValue()),
                    "chart", Charts.field(f, run.valueName()), "categories", cats, "count", f.categories().size()));
        }
        ctx.put("fields", fieldCtx);
        List<Map<String, Object>> driftCtx = new ArrayList<>();
        for (SplitDrift s : drift) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Drift.FieldDrift f : s.fields()) {
                rows.add(Map.of("field", f.field(), "nulls", fmt("%.2f%%", 100 * f.nullShare()), "unseen", fmt("%.2f%%", 100 * f.unseenShare()),
                        "psi", f.psi() == null ? "n/a" : fmt("%.4f", f.psi()), "flag", f.flag()));
            }
            driftCtx.add(Map.of("split", s.split(), "rows", rows));
        }
        ctx.put("drift", driftCtx);
        ctx.put("hasDrift", !drift.isEmpty());
        return template.execute(ctx).getBytes(StandardCharsets.UTF_8);
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }
}
