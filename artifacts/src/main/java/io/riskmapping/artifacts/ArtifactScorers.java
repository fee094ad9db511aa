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
 * All real-time scorers of an artifacts folder, and the per-record chain: impute, bin, then
 * encode (risk or weight of evidence), the batch job's steps in the job's order. Immutable, serializable and thread-safe: build it once, share it between threads.
 *
 * <p>Files (see {@code docs/artifacts.md} and {@code docs/scorers.md}):
 * <ul>
 *   <li>{@code risk_table_map.json}, else {@code risk_table_map.pkl} ({@link RiskTableMapCodec}):
 *       one {@link RiskScorer} per field; or, when the file holds the tables of a multiclass label
 *       ({@link MulticlassRiskTablesCodec}), one {@link RiskScorer} per field and class;</li>
 *   <li>{@code impute_dict.json}, else {@code impute_dict.pkl} ({@link ImputeDictCodec}): one
 *       {@link ImputeScorer} per column;</li>
 *   <li>{@code numeric_bins.json} ({@link NumericBinsCodec}): the bin edges of the binned fields
 *       ({@link NumericBins});</li>
 *   <li>{@code woe_table_map.json} ({@link WoeTableMapCodec}): one {@link WoeScorer} per field
 *       (the table of event class {@code "1"}, else the field's first table).</li>
 * </ul>
 *
 * <p>The chain ({@link #score(Map)}): for each field, a missing value
 * ({@link ImputeScorer#isMissing}: null, NaN or infinite, empty or all-space text) is first
 * replaced by the field's impute value when it has one; then, when the field is binned, the value
 * is replaced by its bin index ({@link NumericBins#bin}, a {@link Double}); then, when the field has
 * a risk table, the value is replaced by its risk ({@link RiskScorer#score(Object)}), or, when it
 * has a WOE table, by its weight of evidence ({@link WoeScorer#score(Object)}), a {@link Double}.
 * The result is bit-identical to what the batch job (imputer, binner, then risk table mapper or
 * WOE encoder) writes for the same input value.
 *
 * <p>Multiclass risk tables ({@link #multiclassTables()}): a mapped field {@code f} is imputed
 * and binned as above, then replaced by one entry per class, in class order,
 * {@link MulticlassRiskTables#outputName(String, String) f_<class>} &rarr; the risk of that
 * class's table (a {@link Double}), at {@code f}'s place in the output; {@code f} itself is not a
 * key of the result.
 */
public final class ArtifactScorers implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * What the chain does to one field. {@code imputed} is what a missing value becomes before the
     * risk lookup: the impute value as a Double, or as text ({@link NumericKeys#format(double)}) in
     * front of a categorical-mode table, as the batch imputer writes it into a text column.
     */
    private record Step(String field, ImputeScorer impute, Object imputed, double[] edges, RiskScorer risk, WoeScorer woe,
            String[] classNames, RiskScorer[] classRisks) implements Serializable {
        private static final long serialVersionUID = 1L;

        static Step of(String field, ImputeScorer impute, double[] edges, RiskScorer risk, WoeScorer woe) {
            return of(field, impute, edges, risk, woe, null, null);
        }

        /** A multiclass field's step: {@code classRisks[i]} gives the entry {@code classNames[i]}. */
        static Step of(String field, ImputeScorer impute, double[] edges, RiskScorer risk, WoeScorer woe,
                String[] classNames, RiskScorer[] classRisks) {
            Object imputed = null;
            if (impute != null) {
                RiskScorer table = risk != null ? risk : classRisks != null ? classRisks[0] : null;
                RiskTable.Mode mode = table != null ? table.table().mode() : woe != null ? woe.table().mode() : null;
                imputed = edges == null && mode == RiskTable.Mode.CATEGORICAL
                        ? NumericKeys.format(impute.value()) : impute.impute(null);
            }
            return new Step(field, impute, imputed, edges, risk, woe, classNames, classRisks);
        }

        /** The value after imputation and binning: what the table looks up. */
        private Object prepare(Object v) {
            Object x = impute != null && ImputeScorer.isMissing(v) ? imputed : v;
            return edges != null ? NumericBins.bin(edges, x) : x;
        }

        /** Puts the field's output for {@code v} into {@code out}: one entry, or one per class. */
        void put(Map<String, Object> out, Object v) {
            Object x = prepare(v);
            if (classRisks != null) {
                for (int i = 0; i < classRisks.length; i++) {
                    out.put(classNames[i], classRisks[i].score(x));
                }
            } else {
                out.put(field, risk != null ? (Object) risk.score(x) : woe != null ? (Object) woe.score(x) : x);
            }
        }
    }

    private final RiskTableMap tables;
    private final MulticlassRiskTables multiclass;
    private final ImputeDict impute;
    private final NumericBins bins;
    private final WoeTableMap woeTables;
    private final Map<String, RiskScorer> riskScorers;
    private final Map<String, WoeScorer> woeScorers;
    private final Map<String, ImputeScorer> imputeScorers;
    /** Field &rarr; step, for one probe per record entry. */
    private final HashMap<String, Step> chain;
    /** Every field with a step, in {@link #score} append order: risk tables, WOE tables, binned-only, then impute-only columns. */
    private final Step[] steps;

    private ArtifactScorers(RiskTableMap tables, MulticlassRiskTables multiclass, ImputeDict impute, NumericBins bins,
            WoeTableMap woeTables) {
        this.tables = Objects.requireNonNull(tables, "tables (use new RiskTableMap(List.of()) for none)");
        this.multiclass = multiclass;
        this.impute = impute;
        this.bins = bins;
        this.woeTables = woeTables;
        LinkedHashMap<String, RiskScorer> risk = new LinkedHashMap<>();
        for (RiskTable t : tables.list()) {
            risk.put(t.varName(), new RiskScorer(t));
        }
        LinkedHashMap<String, ImputeScorer> imp = new LinkedHashMap<>();
        if (impute != null) {
            impute.values().forEach((c, v) -> imp.put(c, new ImputeScorer(c, v)));
        }
        LinkedHashMap<String, WoeScorer> woe = new LinkedHashMap<>();
        if (woeTables != null) {
            woeTables.tables().forEach((f, perClass) -> woe.put(f, new WoeScorer(perClass.getOrDefault("1", perClass.values().iterator().next()))));
        }
        Map<String, double[]> edges = bins == null ? Map.of() : bins.innerEdges();
        this.riskScorers = Collections.unmodifiableMap(risk);
        this.imputeScorers = Collections.unmodifiableMap(imp);
        this.woeScorers = Collections.unmodifiableMap(woe);
        LinkedHashMap<String, Step> ordered = new LinkedHashMap<>();
        risk.forEach((f, r) -> ordered.put(f, Step.of(f, imp.get(f), edges.get(f), r, woe.get(f))));
        if (multiclass != null) {
            List<String> classes = multiclass.classes();
            for (String f : multiclass.fields()) {
                String[] names = new String[classes.size()];
                RiskScorer[] perClass = new RiskScorer[classes.size()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = MulticlassRiskTables.outputName(f, classes.get(i));
                    perClass[i] = new RiskScorer(multiclass.get(f, classes.get(i)));
                }
                ordered.putIfAbsent(f, Step.of(f, imp.get(f), edges.get(f), null, null, names, perClass));
            }
        }
        woe.forEach((f, w) -> ordered.putIfAbsent(f, Step.of(f, imp.get(f), edges.get(f), null, w)));
        edges.forEach((f, e) -> ordered.putIfAbsent(f, Step.of(f, imp.get(f), e, null, null)));
        imp.forEach((f, i) -> ordered.putIfAbsent(f, Step.of(f, i, null, null, null)));
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
        return new ArtifactScorers(tables, null, impute, null, null);
    }

    /**
     * Scorers for the risk tables of a multiclass label and, when not null, {@code impute}: each
     * mapped field gives one output per class ({@link #score}). {@link #riskTables()} and
     * {@link #riskScorers()} are then empty.
     *
     * @param tables the multiclass risk tables
     * @param impute the impute dict, or {@code null} for none
     * @throws NullPointerException if {@code tables} is null
     */
    public static ArtifactScorers of(MulticlassRiskTables tables, ImputeDict impute) {
        return new ArtifactScorers(new RiskTableMap(List.of()), Objects.requireNonNull(tables, "tables"), impute, null, null);
    }

    /**
     * Scorers for {@code tables} and, when not null, {@code impute}, {@code bins} and {@code woeTables}.
     * A field with both a risk and a WOE table is mapped by its risk table.
     *
     * @param tables    the risk tables (an empty map for none)
     * @param impute    the impute dict, or {@code null} for none
     * @param bins      the numeric bins, or {@code null} for none
     * @param woeTables the WOE tables, or {@code null} for none
     * @throws NullPointerException if {@code tables} is null
     */
    public static ArtifactScorers of(RiskTableMap tables, ImputeDict impute, NumericBins bins, WoeTableMap woeTables) {
        return new ArtifactScorers(tables, null, impute, bins, woeTables);
    }

    /**
     * Reads an artifacts folder: {@code risk_table_map.json} when present, else
     * {@code risk_table_map.pkl} (binary tables, or a multiclass label's:
     * {@link #multiclassTables()}); {@code impute_dict.json} when present, else
     * {@code impute_dict.pkl}; {@code numeric_bins.json} and {@code woe_table_map.json} when
     * present. Each artifact may be absent (no risk tables: an empty {@link #riskTables()}; no
     * impute dict, bins or WOE tables: {@link #imputeDict()}, {@link #numericBins()} or
     * {@link #woeTables()} is null), not all. Other files are ignored. Pickles are read with
     * {@link SafeUnpickler} only.
     *
     * @param dir a local folder
     * @throws IllegalArgumentException naming the folder if it does not exist or is not a folder
     * @throws ArtifactFormatException  naming the folder if it holds none of these files, or
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
        MulticlassRiskTables multiclass = null;
        if (Files.exists(riskJson)) {
            byte[] bytes = read(riskJson);
            if (MulticlassRiskTablesCodec.isMulticlassJson(bytes)) {
                multiclass = MulticlassRiskTablesCodec.fromJson(bytes, riskJson.toString());
            } else {
                tables = RiskTableMapCodec.fromJson(bytes, riskJson.toString());
            }
        } else if (Files.exists(riskPickle)) {
            byte[] bytes = read(riskPickle);
            if (MulticlassRiskTablesCodec.isMulticlassPickle(bytes)) {
                multiclass = MulticlassRiskTablesCodec.fromPickle(bytes, riskPickle.toString());
            } else {
                tables = RiskTableMapCodec.fromPickle(bytes, riskPickle.toString());
            }
        }
        ImputeDict impute = null;
        if (Files.exists(imputeJson)) {
            impute = ImputeDictCodec.fromJson(read(imputeJson), imputeJson.toString());
        } else if (Files.exists(imputePickle)) {
            impute = ImputeDictCodec.fromPickle(read(imputePickle), imputePickle.toString());
        }
        Path binsJson = dir.resolve(NumericBinsCodec.JSON_FILE);
        NumericBins bins = Files.exists(binsJson) ? NumericBinsCodec.fromJson(read(binsJson), binsJson.toString()) : null;
        Path woeJson = dir.resolve(WoeTableMapCodec.JSON_FILE);
        WoeTableMap woe = Files.exists(woeJson) ? WoeTableMapCodec.fromJson(read(woeJson), woeJson.toString()) : null;
        if (tables == null && multiclass == null && impute == null && bins == null && woe == null) {
            throw new ArtifactFormatException(dir + ": no scoring artifacts in this folder (expected "
                    + RiskTableMapCodec.JSON_FILE + " or " + RiskTableMapCodec.PICKLE_FILE + ", "
                    + WoeTableMapCodec.JSON_FILE + ", " + NumericBinsCodec.JSON_FILE + ", "
                    + ImputeDictCodec.JSON_FILE + " or " + ImputeDictCodec.PICKLE_FILE + ")");
        }
        return new ArtifactScorers(tables == null ? new RiskTableMap(List.of()) : tables, multiclass, impute, bins, woe);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e + ")", e);
        }
    }

    /**
     * Writes into {@code dir} (created if needed) {@code risk_table_map.json} and
     * {@code risk_table_map.pkl} (the multiclass tables when this object has them, else the binary
     * ones, unless there are WOE tables and no risk tables), and, when this object has them,
     * {@code woe_table_map.json} and {@code .pkl}, {@code numeric_bins.json} and {@code .pkl},
     * {@code impute_dict.json} and {@code .pkl}, with the same codecs as the batch job, so the
     * bytes are those the job writes for the same artifacts. Each file is written to a temporary file and moved into
     * place. Existing files of those names are replaced; every other file is left as it is (so are
     * files of an artifact this object lacks: {@link #load} would then read them).
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
        if (multiclass != null) {
            write(dir.resolve(RiskTableMapCodec.JSON_FILE), MulticlassRiskTablesCodec.toJson(multiclass));
            write(dir.resolve(RiskTableMapCodec.PICKLE_FILE), MulticlassRiskTablesCodec.toPickle(multiclass));
        } else if (woeTables == null || tables.size() > 0) {
            write(dir.resolve(RiskTableMapCodec.JSON_FILE), RiskTableMapCodec.toJson(tables));
            write(dir.resolve(RiskTableMapCodec.PICKLE_FILE), RiskTableMapCodec.toPickle(tables));
        }
        if (woeTables != null) {
            write(dir.resolve(WoeTableMapCodec.JSON_FILE), WoeTableMapCodec.toJson(woeTables));
            write(dir.resolve(WoeTableMapCodec.PICKLE_FILE), WoeTableMapCodec.toPickle(woeTables));
        }
        if (bins != null) {
            write(dir.resolve(NumericBinsCodec.JSON_FILE), NumericBinsCodec.toJson(bins));
            write(dir.resolve(NumericBinsCodec.PICKLE_FILE), NumericBinsCodec.toPickle(bins));
        }
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

    /** The risk tables (empty when there are none, and when the tables are {@link #multiclassTables()}). */
    public RiskTableMap riskTables() {
        return tables;
    }

    /** The risk tables of a multiclass label, or {@code null} when the risk tables are binary (or absent). */
    public MulticlassRiskTables multiclassTables() {
        return multiclass;
    }

    /** The impute dict, or {@code null} when there is none. */
    public ImputeDict imputeDict() {
        return impute;
    }

    /** The numeric bins, or {@code null} when there are none. */
    public NumericBins numericBins() {
        return bins;
    }

    /** The WOE tables, or {@code null} when there are none. */
    public WoeTableMap woeTables() {
        return woeTables;
    }

    /** Field &rarr; WOE scorer, in WOE table order (unmodifiable; empty when there are no WOE tables). */
    public Map<String, WoeScorer> woeScorers() {
        return woeScorers;
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
     *       {@link Double}; before a categorical-mode table of an unbinned field, its text
     *       {@link NumericKeys#format(double)}, e.g. {@code "35"}, as the batch imputer writes it
     *       into a text column); then a binned field gets its bin index, a {@link Double}
     *       ({@link NumericBins#bin}); then a field with a risk table gets its risk, one with a WOE
     *       table its WOE, a {@link Double} ({@link RiskScorer#score}, {@link WoeScorer#score});
     *       a field with multiclass risk tables is replaced, at its place, by one entry per class
     *       in class order, {@code field_<class>} ({@link MulticlassRiskTables#outputName}) &rarr;
     *       the risk of that class's table, a {@link Double} (the key {@code field} itself is not
     *       in the result); any other field keeps its value (the same object);</li>
     *   <li>then every field the scorers know that is not a key of the record, treated as null
     *       through the same chain, appended in {@link #riskTables()} order (or
     *       {@link #multiclassTables()} field order), then WOE table
     *       order, then binned fields without a table in {@link #numericBins()} order, then
     *       columns with only an impute value in {@link #imputeDict()} order. A risk field
     *       without an impute value thus gets its {@code default_bin} (or its null bin, or the
     *       risk of its missing bin when binned); one with an impute value gets the risk of that
     *       value; an impute-only column gets its impute value.</li>
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
                step.put(out, e.getValue());
                known++;
            }
        }
        if (known < steps.length) {
            for (Step step : steps) {
                if (!record.containsKey(step.field())) {
                    step.put(out, null);
                }
            }
        }
        return out;
    }

    /** Equal when the risk tables (binary and multiclass), impute dicts, bins and WOE tables are equal (both absent counts as equal). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ArtifactScorers s && tables.equals(s.tables) && Objects.equals(multiclass, s.multiclass)
                && Objects.equals(impute, s.impute) && Objects.equals(bins, s.bins) && Objects.equals(woeTables, s.woeTables);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tables, multiclass, impute, bins, woeTables);
    }

    @Override
    public String toString() {
        return "ArtifactScorers(" + (multiclass == null ? tables.size() + " risk tables " + riskScorers.keySet()
                        : multiclass.fields().size() + " multiclass risk tables " + multiclass.fields() + " of classes " + multiclass.classes())
                + ", "
                + (impute == null ? "no impute dict" : impute.size() + " impute values " + imputeScorers.keySet())
                + (bins == null ? "" : ", " + bins.size() + " binned fields " + bins.fields())
                + (woeTables == null ? "" : ", " + woeScorers.size() + " WOE tables " + woeScorers.keySet()) + ")";
    }
}
