package io.riskmapping.artifacts;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * All real-time scorers of an artifacts folder, and the per-record chain: impute, then map to
 * risk. Immutable, serializable and thread-safe: build it once, share it between threads.
 *
 * <p>Files (see {@code docs/artifacts.md} and {@code docs/scorers.md}):
 * <ul>
 *   <li>{@code risk_table_map.json}, else {@code risk_table_map.pkl} ({@link RiskTableMapCodec}):
 *       one {@link RiskScorer} per field;</li>
 *   <li>{@code impute_dict.json}, else {@code impute_dict.pkl} ({@link ImputeDictCodec}): one
 *       {@link ImputeScorer} per column.</li>
 * </ul>
 *
 * <p>The chain ({@link #score(Map)}): for each field, a missing value
 * ({@link ImputeScorer#isMissing}: null, NaN or infinite, empty or all-space text) is first
 * replaced by the field's impute value when it has one; then, when the field has a risk table, the
 * value is replaced by its risk ({@link RiskScorer#score(Object)}, a {@link Double}). The risk is
 * bit-identical to what the batch job (imputer, then risk table mapper) writes for the same input
 * value.
 */
public final class ArtifactScorers implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * What the chain does to one field. {@code imputed} is what a missing value becomes before the
     * risk lookup: the impute value as a Double, or as text ({@link NumericKeys#format(double)}) in
     * front of a categorical-mode table, as the batch imputer writes it into a text column.
     */
    private record Step(String field, ImputeScorer impute, Object imputed, RiskScorer risk) implements Serializable {
        private static final long serialVersionUID = 1L;

        static Step of(String field, ImputeScorer impute, RiskScorer risk) {
            Object imputed = null;
            if (impute != null) {
                imputed = risk != null && risk.table().mode() == RiskTable.Mode.CATEGORICAL
                        ? NumericKeys.format(impute.value()) : impute.impute(null);
            }
            return new Step(field, impute, imputed, risk);
        }

        Object apply(Object v) {
            Object x = impute != null && ImputeScorer.isMissing(v) ? imputed : v;
            return risk == null ? x : (Object) risk.score(x);
        }
    }

    private final RiskTableMap tables;
    private final ImputeDict impute;
    private final Map<String, RiskScorer> riskScorers;
    private final Map<String, ImputeScorer> imputeScorers;
    /** Field &rarr; step, for one probe per record entry. */
    private final HashMap<String, Step> chain;
    /** Every field with a step, in {@link #score} append order: risk tables, then impute-only columns. */
    private final Step[] steps;

    private ArtifactScorers(RiskTableMap tables, ImputeDict impute) {
        this.tables = Objects.requireNonNull(tables, "tables (use new RiskTableMap(List.of()) for none)");
        this.impute = impute;
        LinkedHashMap<String, RiskScorer> risk = new LinkedHashMap<>();
        for (RiskTable t : tables.list()) {
            risk.put(t.varName(), new RiskScorer(t));
        }
        LinkedHashMap<String, ImputeScorer> imp = new LinkedHashMap<>();
        if (impute != null) {
            impute.values().forEach((c, v) -> imp.put(c, new ImputeScorer(c, v)));
        }
        this.riskScorers = Collections.unmodifiableMap(risk);
        this.imputeScorers = Collections.unmodifiableMap(imp);
        LinkedHashMap<String, Step> ordered = new LinkedHashMap<>();
        risk.forEach((f, r) -> ordered.put(f, Step.of(f, imp.get(f), r)));
        imp.forEach((f, i) -> ordered.putIfAbsent(f, Step.of(f, i, null)));
        this.chain = new HashMap<>(ordered);
        this.steps = ordered.values().toArray(new Step[0]);
    }

    /**
     * Scorers for {@code tables} and, when not null, {@code impute}.
     *
     * @param tables the risk tables (an empty map for none)
     * @param impute the impute dict, or {@code null} for none
     * @throws NullPointerException if {@code tables} is null
     */
    public static ArtifactScorers of(RiskTableMap tables, ImputeDict impute) {
        return new ArtifactScorers(tables, impute);
    }

    /**
     * Reads an artifacts folder: {@code risk_table_map.json} when present, else
     * {@code risk_table_map.pkl}; {@code impute_dict.json} when present, else
     * {@code impute_dict.pkl}. Either artifact may be absent (no risk tables: an empty
     * {@link #riskTables()}; no impute dict: {@link #imputeDict()} is null), not both. Other files
     * are ignored. Pickles are read with {@link SafeUnpickler} only.
     *
     * @param dir a local folder
     * @throws IllegalArgumentException naming the folder if it does not exist or is not a folder
     * @throws ArtifactFormatException  naming the folder if it holds none of the four files, or
     *         naming the file if one cannot be parsed (see the codecs)
     * @throws UncheckedIOException     naming the file if it cannot be read
     */
    public static ArtifactScorers load(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": model artifacts folder "
                    + (Files.exists(dir) ? "is not a folder" : "does not exist"));
        }
        Path riskJson = dir.resolve(RiskTableMapCodec.JSON_FILE);
        Path riskPickle = dir.resolve(RiskTableMapCodec.PICKLE_FILE);
        Path imputeJson = dir.resolve(ImputeDictCodec.JSON_FILE);
        Path imputePickle = dir.resolve(ImputeDictCodec.PICKLE_FILE);
        RiskTableMap tables = null;
        if (Files.exists(riskJson)) {
            tables = RiskTableMapCodec.fromJson(read(riskJson), riskJson.toString());
        } else if (Files.exists(riskPickle)) {
            tables = RiskTableMapCodec.fromPickle(read(riskPickle), riskPickle.toString());
        }
        ImputeDict impute = null;
        if (Files.exists(imputeJson)) {
            impute = ImputeDictCodec.fromJson(read(imputeJson), imputeJson.toString());
        } else if (Files.exists(imputePickle)) {
            impute = ImputeDictCodec.fromPickle(read(imputePickle), imputePickle.toString());
        }
        if (tables == null && impute == null) {
            throw new ArtifactFormatException(dir + ": no scoring artifacts in this folder (expected "
                    + RiskTableMapCodec.JSON_FILE + " or " + RiskTableMapCodec.PICKLE_FILE + ", and/or "
                    + ImputeDictCodec.JSON_FILE + " or " + ImputeDictCodec.PICKLE_FILE + ")");
        }
        return new ArtifactScorers(tables == null ? new RiskTableMap(List.of()) : tables, impute);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e + ")", e);
        }
    }

    /**
     * Writes {@code risk_table_map.json} and {@code risk_table_map.pkl} and, when there is an
     * impute dict, {@code impute_dict.json} and {@code impute_dict.pkl} into {@code dir} (created
     * if needed), with the same codecs as the batch job, so the bytes are those the job writes for
     * the same tables. Each file is written to a temporary file and moved into place. Existing files
     * of those names are replaced; every other file is left as it is (so are impute_dict files
     * already there when this object has no impute dict: {@link #load} would then read them).
     *
     * @throws UncheckedIOException naming the file when a file cannot be written
     */
    public void save(Path dir) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create the folder (" + e + ")", e);
        }
        write(dir.resolve(RiskTableMapCodec.JSON_FILE), RiskTableMapCodec.toJson(tables));
        write(dir.resolve(RiskTableMapCodec.PICKLE_FILE), RiskTableMapCodec.toPickle(tables));
        if (impute != null) {
            write(dir.resolve(ImputeDictCodec.JSON_FILE), ImputeDictCodec.toJson(impute));
            write(dir.resolve(ImputeDictCodec.PICKLE_FILE), ImputeDictCodec.toPickle(impute));
        }
    }

    private static void write(Path file, byte[] bytes) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(file + ": cannot write (" + e + ")", e);
        }
    }

    /** The risk tables (empty when there are none). */
    public RiskTableMap riskTables() {
        return tables;
    }

    /** The impute dict, or {@code null} when there is none. */
    public ImputeDict imputeDict() {
        return impute;
    }

    /** Field &rarr; risk scorer, in risk table order (unmodifiable). */
    public Map<String, RiskScorer> riskScorers() {
        return riskScorers;
    }

    /** Column &rarr; impute scorer, in impute dict order (unmodifiable; empty when there is no impute dict). */
    public Map<String, ImputeScorer> imputeScorers() {
        return imputeScorers;
    }

    /**
     * The risk scorer of {@code field}.
     *
     * @throws IllegalArgumentException naming the field and listing the fields with a risk table
     *         when it has none
     */
    public RiskScorer risk(String field) {
        RiskScorer s = riskScorers.get(field);
        if (s == null) {
            throw new IllegalArgumentException("no risk table for field '" + field + "'; fields with a risk table: "
                    + riskScorers.keySet());
        }
        return s;
    }

    /**
     * The impute scorer of {@code column}.
     *
     * @throws IllegalArgumentException naming the column and listing the columns with an impute
     *         value when it has none
     */
    public ImputeScorer impute(String column) {
        ImputeScorer s = imputeScorers.get(column);
        if (s == null) {
            throw new IllegalArgumentException("no impute value for column '" + column + "'; columns with an impute value: "
                    + imputeScorers.keySet());
        }
        return s;
    }

    /**
     * Scores one record. Returns a new {@link LinkedHashMap} (the record is not changed):
     * <ol>
     *   <li>every entry of {@code record}, in the record's iteration order: a field with an impute
     *       value first has a missing value ({@link ImputeScorer#isMissing}) replaced by it (a
     *       {@link Double}; before a categorical-mode risk table, its text
     *       {@link NumericKeys#format(double)}, e.g. {@code "35"}, as the batch imputer writes it
     *       into a text column); then a field with a risk table gets its risk, a {@link Double}
     *       ({@link RiskScorer#score}); any other field keeps its value (the same object);</li>
     *   <li>then every field the scorers know that is not a key of the record, treated as null
     *       through the same chain, appended in {@link #riskTables()} order and then, for columns
     *       with an impute value but no risk table, in {@link #imputeDict()} order. A risk field
     *       without an impute value thus gets its {@code default_bin}; one with an impute value
     *       gets the risk of that value; an impute-only column gets its impute value.</li>
     * </ol>
     * A key present with a null value is a null value (scored in place), not an absent field.
     *
     * @param record field name &rarr; value; values may be null (if the map allows it)
     * @throws NullPointerException if {@code record} is null
     */
    public Map<String, Object> score(Map<String, ?> record) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(Math.max(16, (int) ((record.size() + steps.length) / 0.75f) + 1));
        int known = 0;
        for (Map.Entry<String, ?> e : record.entrySet()) {
            Step step = chain.get(e.getKey());
            if (step == null) {
                out.put(e.getKey(), e.getValue());
            } else {
                out.put(e.getKey(), step.apply(e.getValue()));
                known++;
            }
        }
        if (known < steps.length) {
            for (Step step : steps) {
                if (!record.containsKey(step.field())) {
                    out.put(step.field(), step.apply(null));
                }
            }
        }
        return out;
    }

    /** Equal when the risk tables and the impute dicts are equal (both absent counts as equal). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ArtifactScorers s && tables.equals(s.tables) && Objects.equals(impute, s.impute);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tables, impute);
    }

    @Override
    public String toString() {
        return "ArtifactScorers(" + tables.size() + " risk tables " + riskScorers.keySet() + ", "
                + (impute == null ? "no impute dict" : impute.size() + " impute values " + imputeScorers.keySet()) + ")";
    }
}
