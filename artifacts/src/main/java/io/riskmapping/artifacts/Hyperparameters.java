package io.riskmapping.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The job's {@code hyperparameters.json}: the known keys below, validated, with their defaults;
 * any other key is kept as it is and written back.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>type</th><th>default</th><th>valid</th><th>environment override</th></tr>
 *   <tr><td>{@code cat_field_list}</td><td>list of strings</td><td>[]</td><td>distinct names</td><td></td></tr>
 *   <tr><td>{@code label_name}</td><td>string</td><td>"target"</td><td>non-empty</td><td></td></tr>
 *   <tr><td>{@code smooth_factor}</td><td>number</td><td>0.01</td><td>finite, &ge; 0</td><td>{@code SMOOTH_FACTOR}</td></tr>
 *   <tr><td>{@code smoothing_mode}</td><td>string</td><td>"fraction"</td><td>"fraction", "count" or "auto"</td><td></td></tr>
 *   <tr><td>{@code smoothing}</td><td>number</td><td>none</td><td>finite, &ge; 0; required with, and only with, smoothing_mode "count"</td><td></td></tr>
 *   <tr><td>{@code handle_missing}</td><td>string</td><td>"default"</td><td>"default" or "category"</td><td></td></tr>
 *   <tr><td>{@code count_threshold}</td><td>integer</td><td>5</td><td>&ge; 0</td><td>{@code COUNT_THRESHOLD}</td></tr>
 *   <tr><td>{@code max_unique_threshold}</td><td>integer</td><td>100</td><td>&ge; 1</td><td>{@code MAX_UNIQUE_THRESHOLD}</td></tr>
 *   <tr><td>{@code target_type}</td><td>string</td><td>"binary"</td><td>"binary" (labels 0, 1; -1 or null unlabelled), "continuous" (finite numbers; null unlabelled; risk tables only, without numeric_binning or high_cardinality other than "skip") or "multiclass" (classes, one column per class; null or blank unlabelled; risk tables only, without numeric_binning)</td><td></td></tr>
 *   <tr><td>{@code high_cardinality}</td><td>string</td><td>"skip"</td><td>"skip", "group" or "error"</td><td></td></tr>
 *   <tr><td>{@code numeric_imputation}</td><td>object field &rarr; "mean" | "median" | "mode"</td><td>{}</td><td>known strategies</td><td></td></tr>
 *   <tr><td>{@code num_folds}</td><td>integer</td><td>0 (off)</td><td>&ge; 0; &ge; 2 encodes train out of fold (binary or continuous label; not with encoding "woe")</td><td></td></tr>
 *   <tr><td>{@code fold_seed}</td><td>integer</td><td>0</td><td>any</td><td></td></tr>
 *   <tr><td>{@code numeric_binning}</td><td>object: fields, method, num_bins, monotonic</td><td>none</td><td>see {@link #numericBinning()}</td><td></td></tr>
 *   <tr><td>{@code encoding}</td><td>string</td><td>"risk_table"</td><td>"risk_table" or "woe"</td><td></td></tr>
 * </table>
 * Invalid values throw {@link IllegalArgumentException} with a message naming the key (or the
 * environment variable) and the value; so do {@code smoothing} without {@code smoothing_mode}
 * "count", "count" without {@code smoothing}, a non-default {@code smoothing_mode} or
 * {@code handle_missing} with {@code encoding} "woe", and {@code target_type} "continuous" with
 * {@code encoding} "woe", {@code numeric_binning} or a {@code high_cardinality} other than "skip".
 *
 * <p>A key this class does not know (a typo such as {@code smoothing_factor}, or a key another
 * step of the pipeline reads) is not used: {@link #unknownKeys()} lists it, with
 * {@link #nearestKnownKey} for the message, and {@link #toJson()} keeps it under
 * {@value #UNKNOWN_KEYS}, apart from the keys the job used.
 */
public final class Hyperparameters {

    /** File name in a hyperparameters folder and in the artifacts. */
    public static final String FILE = "hyperparameters.json";

    public static final String CAT_FIELD_LIST = "cat_field_list";
    public static final String LABEL_NAME = "label_name";
    public static final String SMOOTH_FACTOR = "smooth_factor";
    public static final String COUNT_THRESHOLD = "count_threshold";
    public static final String SMOOTHING_MODE = "smoothing_mode";
    public static final String SMOOTHING = "smoothing";
    public static final String HANDLE_MISSING = "handle_missing";
    /** {@value #SMOOTHING_MODE} values. */
    public static final String FRACTION = "fraction";
    public static final String COUNT = "count";
    public static final String AUTO = "auto";
    /** {@value #HANDLE_MISSING} values. */
    public static final String DEFAULT_MISSING = "default";
    public static final String CATEGORY_MISSING = "category";
    public static final String MAX_UNIQUE_THRESHOLD = "max_unique_threshold";
    public static final String HIGH_CARDINALITY = "high_cardinality";
    public static final String TARGET_TYPE = "target_type";
    /** {@value #TARGET_TYPE} values. */
    public static final String BINARY = "binary";
    public static final String CONTINUOUS = "continuous";
    public static final String MULTICLASS = "multiclass";
    /** {@value #HIGH_CARDINALITY} values. */
    public static final String SKIP = "skip";
    public static final String GROUP = "group";
    public static final String ERROR = "error";
    public static final String NUMERIC_IMPUTATION = "numeric_imputation";
    public static final String NUM_FOLDS = "num_folds";
    public static final String FOLD_SEED = "fold_seed";
    public static final String ENCODING = "encoding";
    public static final String NUMERIC_BINNING = "numeric_binning";
    /** Where {@link #toJson()} keeps the keys of the file this class does not know. */
    public static final String UNKNOWN_KEYS = "unknown_keys";
    public static final String RISK_TABLE = "risk_table";
    public static final String WOE = "woe";

    public static final double DEFAULT_SMOOTH_FACTOR = 0.01;
    public static final int DEFAULT_COUNT_THRESHOLD = 5;
    public static final int DEFAULT_MAX_UNIQUE_THRESHOLD = 100;
    public static final String DEFAULT_LABEL_NAME = "target";

    /** The keys this class reads (and {@value #UNKNOWN_KEYS}, which it writes). */
    public static final List<String> KNOWN_KEYS = List.of(CAT_FIELD_LIST, LABEL_NAME, SMOOTH_FACTOR, SMOOTHING_MODE, SMOOTHING,
            HANDLE_MISSING, COUNT_THRESHOLD, MAX_UNIQUE_THRESHOLD, HIGH_CARDINALITY, TARGET_TYPE, NUMERIC_IMPUTATION, NUM_FOLDS, FOLD_SEED, NUMERIC_BINNING, ENCODING, UNKNOWN_KEYS);
    private static final List<String> BINNING_KEYS = List.of("fields", "method", "num_bins", "monotonic");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final ObjectNode node;
    private final String source;

    private Hyperparameters(ObjectNode node, String source) {
        this.node = node;
        this.source = source;
        validate();
    }

    /** Defaults only (no categorical fields). */
    public static Hyperparameters defaults() {
        return new Hyperparameters(JSON.createObjectNode(), "defaults");
    }

    /**
     * Parses {@code hyperparameters.json}.
     *
     * @param source the file's name, for messages
     * @throws IllegalArgumentException if it is not a JSON object or a known key has a wrong type or value
     */
    public static Hyperparameters parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid JSON (" + RiskTableMapCodec.firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        return new Hyperparameters((ObjectNode) root, source);
    }

    /**
     * A copy with {@code SMOOTH_FACTOR}, {@code COUNT_THRESHOLD} and {@code MAX_UNIQUE_THRESHOLD}
     * from {@code env} (when set and not blank) replacing the file's values.
     *
     * @throws IllegalArgumentException naming the variable if a value does not parse or is out of range
     */
    public Hyperparameters withEnvironment(Map<String, String> env) {
        ObjectNode copy = node.deepCopy();
        String sf = env.get("SMOOTH_FACTOR");
        if (sf != null && !sf.isBlank()) {
            copy.put(SMOOTH_FACTOR, parseEnvDouble("SMOOTH_FACTOR", sf));
        }
        String ct = env.get("COUNT_THRESHOLD");
        if (ct != null && !ct.isBlank()) {
            copy.put(COUNT_THRESHOLD, parseEnvInt("COUNT_THRESHOLD", ct, 0));
        }
        String mu = env.get("MAX_UNIQUE_THRESHOLD");
        if (mu != null && !mu.isBlank()) {
            copy.put(MAX_UNIQUE_THRESHOLD, parseEnvInt("MAX_UNIQUE_THRESHOLD", mu, 1));
        }
        return new Hyperparameters(copy, source + " with environment overrides");
    }

    private static double parseEnvDouble(String var, String value) {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + var + "='" + value + "' is not a number", e);
        }
        if (!Double.isFinite(d) || d < 0) {
            throw new IllegalArgumentException("environment variable " + var + "='" + value + "' must be a number >= 0");
        }
        return d;
    }

    private static long parseEnvInt(String var, String value, int min) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + var + "='" + value + "' is not an integer", e);
        }
        if (v < min || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("environment variable " + var + "='" + value + "' must be an integer >= " + min);
        }
        return v;
    }

    /** A copy with {@code key} set to {@code value} (for the values a run actually used). */
    public Hyperparameters with(String key, JsonNode value) {
        ObjectNode copy = node.deepCopy();
        copy.set(key, value);
        return new Hyperparameters(copy, source);
    }

    private void validate() {
        catFieldList();
        labelName();
        smoothFactor();
        smoothingMode();
        smoothing();
        handleMissing();
        countThreshold();
        maxUniqueThreshold();
        highCardinality();
        targetType();
        numericImputation();
        numFolds();
        foldSeed();
        encoding();
        numericBinning();
        if (WOE.equals(encoding()) && (!FRACTION.equals(smoothingMode()) || !DEFAULT_MISSING.equals(handleMissing()))) {
            throw new IllegalArgumentException(source + ": " + SMOOTHING_MODE + " and " + HANDLE_MISSING
                    + " apply to encoding \"risk_table\"; encoding \"woe\" has its own null bin and no smoothing");
        }
        if (CONTINUOUS.equals(targetType()) && (WOE.equals(encoding()) || numericBinning() != null
                || !SKIP.equals(highCardinality()))) {
            throw new IllegalArgumentException(source + ": " + TARGET_TYPE + " \"continuous\" takes the risk_table encoding without "
                    + NUMERIC_BINNING + " or " + HIGH_CARDINALITY + " (WOE, binning and IV need a binary label)");
        }
        if (MULTICLASS.equals(targetType()) && (WOE.equals(encoding()) || numericBinning() != null)) {
            throw new IllegalArgumentException(source + ": " + TARGET_TYPE + " \"multiclass\" takes the risk_table encoding without "
                    + NUMERIC_BINNING + " (one-vs-rest risk tables; WOE and binning need a binary label)");
        }
        if (WOE.equals(encoding()) && !SKIP.equals(highCardinality())) {
            throw new IllegalArgumentException(source + ": " + HIGH_CARDINALITY
                    + " applies to encoding \"risk_table\"; encoding \"woe\" keeps every category");
        }
    }

    /**
     * Numeric fields to bin before encoding (their bins are then mapped like categories).
     *
     * @param fields    the numeric fields (dotted names)
     * @param method    "quantile" (default), "uniform", "kmeans" or "tree"
     * @param numBins   bins per field, &ge; 2 (default 10)
     * @param monotonic "none" (default), "increasing", "decreasing" or "auto": event rate per bin
     */
    public record NumericBinning(List<String> fields, String method, int numBins, String monotonic) {
    }

    /** The {@code numeric_binning} block, or null when absent. */
    public NumericBinning numericBinning() {
        JsonNode n = node.get(NUMERIC_BINNING);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw invalid(NUMERIC_BINNING, n, "must be an object {\"fields\": [...], \"method\", \"num_bins\", \"monotonic\"}");
        }
        JsonNode f = n.get("fields");
        if (f == null || !f.isArray() || f.isEmpty()) {
            throw invalid(NUMERIC_BINNING + ".fields", f == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : f,
                    "must be a non-empty list of field names");
        }
        List<String> fields = new ArrayList<>();
        for (JsonNode x : f) {
            if (!x.isTextual() || x.asText().isEmpty() || fields.contains(x.asText())) {
                throw invalid(NUMERIC_BINNING + ".fields", f, "must hold distinct non-empty names");
            }
            fields.add(x.asText());
        }
        String method = choice(n, "method", NUMERIC_BINNING + ".method", "quantile", "quantile", "uniform", "kmeans", "tree");
        String monotonic = choice(n, "monotonic", NUMERIC_BINNING + ".monotonic", "none", "none", "increasing", "decreasing", "auto");
        JsonNode b = n.get("num_bins");
        int numBins = 10;
        if (b != null && !b.isNull()) {
            if (!b.isIntegralNumber() || b.intValue() < 2 || b.intValue() > 1000) {
                throw invalid(NUMERIC_BINNING + ".num_bins", b, "must be an integer from 2 to 1000");
            }
            numBins = b.intValue();
        }
        return new NumericBinning(List.copyOf(fields), method, numBins, monotonic);
    }

    /** The text value of {@code key} in {@code n}, one of {@code allowed}; {@code name} is the key as messages give it. */
    private String choice(JsonNode n, String key, String name, String dflt, String... allowed) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isTextual() && java.util.Arrays.asList(allowed).contains(v.asText())) {
            return v.asText();
        }
        throw invalid(name, v, "must be one of " + String.join(", ", allowed));
    }

    /** How the categorical fields are encoded: "risk_table" (default) or "woe" (weight of evidence). */
    public String encoding() {
        JsonNode n = node.get(ENCODING);
        if (n == null || n.isNull()) {
            return RISK_TABLE;
        }
        if (!n.isTextual() || !(RISK_TABLE.equals(n.asText()) || WOE.equals(n.asText()))) {
            throw invalid(ENCODING, n, "must be \"risk_table\" or \"woe\"");
        }
        return n.asText();
    }

    /** Numeric fields to impute before risk mapping (dotted names) &rarr; strategy "mean", "median" or "mode", in order. */
    public Map<String, String> numericImputation() {
        JsonNode n = node.get(NUMERIC_IMPUTATION);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw invalid(NUMERIC_IMPUTATION, n, "must be an object of field: \"mean\" | \"median\" | \"mode\"");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            String v = e.getValue().isTextual() ? e.getValue().asText() : null;
            if (!"mean".equals(v) && !"median".equals(v) && !"mode".equals(v)) {
                throw new IllegalArgumentException(source + ": " + NUMERIC_IMPUTATION + " field '" + e.getKey()
                        + "' has strategy " + e.getValue() + "; expected \"mean\", \"median\" or \"mode\"");
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** Folds for out-of-fold encoding of the train split; 0 or 1: off. */
    public int numFolds() {
        return nonNegativeInt(NUM_FOLDS, 0, 0);
    }

    /** Seed of the row hash that assigns folds. */
    public long foldSeed() {
        JsonNode n = node.get(FOLD_SEED);
        if (n == null || n.isNull()) {
            return 0L;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalid(FOLD_SEED, n, "must be an integer");
        }
        return n.longValue();
    }

    /** The categorical fields to map (dotted names), in order. */
    public List<String> catFieldList() {
        JsonNode n = node.get(CAT_FIELD_LIST);
        if (n == null || n.isNull()) {
            return Collections.emptyList();
        }
        if (!n.isArray()) {
            throw invalid(CAT_FIELD_LIST, n, "must be a list of field names");
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode f : n) {
            if (!f.isTextual() || f.asText().isEmpty()) {
                throw invalid(CAT_FIELD_LIST, f, "must hold non-empty strings");
            }
            if (!seen.add(f.asText())) {
                throw new IllegalArgumentException(source + ": " + CAT_FIELD_LIST + " names '" + f.asText() + "' twice");
            }
            out.add(f.asText());
        }
        return out;
    }

    public String labelName() {
        JsonNode n = node.get(LABEL_NAME);
        if (n == null || n.isNull()) {
            return DEFAULT_LABEL_NAME;
        }
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw invalid(LABEL_NAME, n, "must be a non-empty string");
        }
        return n.asText();
    }

    public double smoothFactor() {
        JsonNode n = node.get(SMOOTH_FACTOR);
        if (n == null || n.isNull()) {
            return DEFAULT_SMOOTH_FACTOR;
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw invalid(SMOOTH_FACTOR, n, "must be a number >= 0");
        }
        return n.doubleValue();
    }

    /** How categories are smoothed toward the prior: "fraction" (default), "count" or "auto" (docs/formulas.md). */
    public String smoothingMode() {
        return choice(node, SMOOTHING_MODE, SMOOTHING_MODE, FRACTION, FRACTION, COUNT, AUTO);
    }

    /**
     * The pseudo-count of {@code smoothing_mode: "count"}; 0 in the other modes.
     *
     * @throws IllegalArgumentException when given with another mode, missing with "count", negative or not finite
     */
    public double smoothing() {
        JsonNode n = node.get(SMOOTHING);
        boolean given = n != null && !n.isNull();
        if (given && !COUNT.equals(smoothingMode())) {
            throw new IllegalArgumentException(source + ": " + SMOOTHING + " " + n + " is given but " + SMOOTHING_MODE + " is \""
                    + smoothingMode() + "\"; it is the pseudo-count of " + SMOOTHING_MODE + " \"count\"");
        }
        if (!given) {
            if (COUNT.equals(smoothingMode())) {
                throw new IllegalArgumentException(source + ": " + SMOOTHING_MODE + " \"count\" needs " + SMOOTHING
                        + " (the pseudo-count, a number >= 0)");
            }
            return 0.0;
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw invalid(SMOOTHING, n, "must be a number >= 0");
        }
        return n.doubleValue();
    }

    /** What nulls of a categorical field map to: "default" (the prior, default) or "category" (their own value). */
    public String handleMissing() {
        return choice(node, HANDLE_MISSING, HANDLE_MISSING, DEFAULT_MISSING, DEFAULT_MISSING, CATEGORY_MISSING);
    }

    /**
     * A categorical field of {@code max_unique_threshold} or more distinct train values: "skip" (left
     * unchanged with a warning, the default), "group" (the most frequent kept, the rest one
     * {@code __other__} category) or "error" (the run stops, exit 2).
     */
    public String highCardinality() {
        return choice(node, HIGH_CARDINALITY, HIGH_CARDINALITY, SKIP, SKIP, GROUP, ERROR);
    }

    /**
     * The label: "binary" (0, 1; -1 or null unlabelled; the default), "continuous" (a finite number;
     * null unlabelled) or "multiclass" (classes, encoded one-vs-rest; null or blank unlabelled).
     */
    public String targetType() {
        return choice(node, TARGET_TYPE, TARGET_TYPE, BINARY, BINARY, CONTINUOUS, MULTICLASS);
    }

    public int countThreshold() {
        return nonNegativeInt(COUNT_THRESHOLD, DEFAULT_COUNT_THRESHOLD, 0);
    }

    public int maxUniqueThreshold() {
        return nonNegativeInt(MAX_UNIQUE_THRESHOLD, DEFAULT_MAX_UNIQUE_THRESHOLD, 1);
    }

    private int nonNegativeInt(String key, int dflt, int min) {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw invalid(key, n, "must be an integer >= " + min);
        }
        return n.intValue();
    }

    private IllegalArgumentException invalid(String key, JsonNode value, String rule) {
        return new IllegalArgumentException(source + ": " + key + " " + rule + ", got " + value);
    }

    /**
     * The keys of the file that this class does not know, in file order: top-level keys, and keys
     * inside {@code numeric_binning} as {@code numeric_binning.KEY}. The keys already kept under
     * {@value #UNKNOWN_KEYS} (a file this class wrote) are not listed again.
     */
    public List<String> unknownKeys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (!KNOWN_KEYS.contains(k)) {
                out.add(k);
            }
        });
        JsonNode b = node.get(NUMERIC_BINNING);
        if (b != null && b.isObject()) {
            b.fieldNames().forEachRemaining(k -> {
                if (!BINNING_KEYS.contains(k)) {
                    out.add(NUMERIC_BINNING + "." + k);
                }
            });
        }
        return out;
    }

    /**
     * The known key closest to {@code key} in edit distance (Levenshtein, on the part after the
     * last dot for {@code numeric_binning.KEY}), or null when none is within
     * {@code max(2, length / 3)} edits: {@code smoothing_factor} &rarr; {@code smooth_factor},
     * {@code model_class} &rarr; null.
     */
    public static String nearestKnownKey(String key) {
        boolean nested = key.startsWith(NUMERIC_BINNING + ".");
        String k = nested ? key.substring(NUMERIC_BINNING.length() + 1) : key;
        List<String> candidates = nested ? BINNING_KEYS : KNOWN_KEYS.subList(0, KNOWN_KEYS.size() - 1);
        String best = null;
        int bestDistance = Math.max(2, k.length() / 3) + 1;
        for (String c : candidates) {
            int d = editDistance(k.toLowerCase(java.util.Locale.ROOT), c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best == null ? null : nested ? NUMERIC_BINNING + "." + best : best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The raw value of any key (also keys this class does not know), or null. */
    public JsonNode get(String key) {
        return node.get(key);
    }

    /**
     * The values used, as {@code hyperparameters.json} bytes: every known key with its effective
     * value (defaults filled in), then, when there are any, the keys this class does not know under
     * {@value #UNKNOWN_KEYS} as they were (top-level ones by name, those inside
     * {@code numeric_binning} as {@code numeric_binning.KEY}), never beside the used ones.
     */
    public byte[] toJson() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode fields = out.putArray(CAT_FIELD_LIST);
        catFieldList().forEach(fields::add);
        out.put(LABEL_NAME, labelName());
        out.put(SMOOTH_FACTOR, smoothFactor());
        // written when not the default, so that a run with the defaults writes the same file as before these keys
        if (!FRACTION.equals(smoothingMode())) {
            out.put(SMOOTHING_MODE, smoothingMode());
        }
        if (COUNT.equals(smoothingMode())) {
            out.put(SMOOTHING, smoothing());
        }
        if (!DEFAULT_MISSING.equals(handleMissing())) {
            out.put(HANDLE_MISSING, handleMissing());
        }
        out.put(COUNT_THRESHOLD, countThreshold());
        out.put(MAX_UNIQUE_THRESHOLD, maxUniqueThreshold());
        if (!SKIP.equals(highCardinality())) {
            out.put(HIGH_CARDINALITY, highCardinality());
        }
        if (!BINARY.equals(targetType())) {
            out.put(TARGET_TYPE, targetType());
        }
        com.fasterxml.jackson.databind.node.ObjectNode imputation = out.putObject(NUMERIC_IMPUTATION);
        numericImputation().forEach(imputation::put);
        out.put(NUM_FOLDS, numFolds());
        out.put(FOLD_SEED, foldSeed());
        out.put(ENCODING, encoding());
        NumericBinning binning = numericBinning();
        if (binning != null) {
            ObjectNode b = out.putObject(NUMERIC_BINNING);
            ArrayNode bf = b.putArray("fields");
            binning.fields().forEach(bf::add);
            b.put("method", binning.method());
            b.put("num_bins", binning.numBins());
            b.put("monotonic", binning.monotonic());
        }
        ObjectNode unknown = JSON.createObjectNode();
        JsonNode kept = node.get(UNKNOWN_KEYS);
        if (kept != null && kept.isObject()) {
            unknown.setAll((ObjectNode) kept);
        } else if (kept != null && !kept.isNull()) {
            unknown.set(UNKNOWN_KEYS, kept);
        }
        for (String k : unknownKeys()) {
            unknown.set(k, k.startsWith(NUMERIC_BINNING + ".")
                    ? node.get(NUMERIC_BINNING).get(k.substring(NUMERIC_BINNING.length() + 1)) : node.get(k));
        }
        if (!unknown.isEmpty()) {
            out.set(UNKNOWN_KEYS, unknown);
        }
        try {
            return JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return new String(toJson(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
