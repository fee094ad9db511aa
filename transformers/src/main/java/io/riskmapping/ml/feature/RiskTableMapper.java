package io.riskmapping.ml.feature;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.ml.feature.core.ContinuousTargets;
import io.riskmapping.ml.feature.core.FitCounts;
import io.riskmapping.ml.feature.core.MulticlassTargets;
import io.riskmapping.ml.feature.core.OutOfFold;
import io.riskmapping.ml.feature.core.RiskTableAggregation;
import io.riskmapping.ml.feature.core.Smoothing;
import io.riskmapping.ml.feature.exec.CountSources;

/**
 * Risk table mapping (target encoding) of categorical columns: learns, per input column, the
 * smoothed event rate of the label per category, and gives a {@link RiskTableMapperModel} that
 * replaces each value with it.
 *
 * <h2>Input</h2>
 * {@code inputCols}: string columns (categories compared as text) or numeric columns (numeric
 * mode: categories compared by value, NaN is null); with {@code parseNumericStrings}, a string
 * column whose non-null values are all decimal numbers is fitted in numeric mode.
 * {@code labelCol}: 0, 1 (event) or -1/null (unlabelled, counted but not fitted), as numbers,
 * booleans or text ("1", "1.0", blank = null).
 *
 * <h2>Formula</h2>
 * Over the fit rows (label 0 or 1), with {@code N} rows and {@code K} events:
 * prior {@code p = K / N}; for a category with {@code n} fit rows of which {@code k} are events,
 * {@code r = k / n} and, if {@code n >= countThreshold} (else {@code p}), by {@code smoothingMode}:
 * <ul>
 *   <li>{@code "fraction"} (default): {@code risk = (n*r + m*p) / (n + m)}, {@code m = floor(N * smoothFactor)}
 *       (smoothFactor &ge; 0, default 0.01);</li>
 *   <li>{@code "count"}: the same with {@code m = smoothing} (&ge; 0, default 0), as Spark's {@code TargetEncoder};</li>
 *   <li>{@code "auto"}: {@code lambda*r + (1-lambda)*p}, {@code lambda = n*v / (n*v + r(1-r))}, {@code v = p(1-p)},
 *       as scikit-learn's {@code TargetEncoder(smooth="auto")}; {@code p} when {@code v = r(1-r) = 0}.</li>
 * </ul>
 * Unseen categories get {@code p}; nulls get {@code p} too, unless {@code handleMissing = "category"}:
 * then the null rows are a category of their own, smoothed the same way (its value is the table's
 * {@code nullBin}; {@code p} when the fit saw no null row). A column with {@code maxUniqueThreshold} or more
 * distinct non-null values is skipped (left unchanged) with a warning. This is additive
 * smoothing toward the prior (Micci-Barreca 2001, "A preprocessing scheme for high-cardinality
 * categorical attributes", SIGKDD Explorations 3(1)), with an integer pseudo-count as in the
 * pandas step it replaces; see {@code docs/formulas.md}.
 *
 * <h2>Continuous labels</h2>
 * With {@code targetType = "continuous"} the label is a finite number (numeric column, or text
 * holding numbers; null and blank text are unlabelled). Over the {@code N} labelled rows the prior
 * is their mean {@code p}; a category with {@code n} labelled rows of mean {@code y_c} gets, if
 * {@code n >= countThreshold} (else {@code p}), {@code (n*y_c + m*p) / (n + m)} with {@code m} as
 * above ({@code fraction}, {@code count}), or with {@code auto} {@code lambda*y_c + (1-lambda)*p},
 * {@code lambda = n*v / (n*v + v_c)} with the population variances {@code v} of all labels and
 * {@code v_c} of the category's ({@code p} when both are 0). Numeric input columns are fitted in
 * numeric mode, other columns as text ({@code parseNumericStrings} applies to binary labels only);
 * {@code numFolds >= 2} works as below, fold j's tables from the labelled rows outside fold j
 * (their mean as prior, their count as {@code N}, their variance as {@code v}); the model's
 * {@link RiskTableMapperModel#statistics()} is null (the tables hold the result). IV and WOE are
 * not defined for a continuous label.
 *
 * <h2>Multiclass labels</h2>
 * With {@code targetType = "multiclass"} the label holds classes (text, numbers or booleans; null,
 * NaN and blank text are unlabelled). Each class {@code c} is encoded one-vs-rest: its tables are
 * those of the binary fit above with "label is {@code c}" as the event, over the labelled rows (all
 * the params apply per class). Each mapped input column gives one double column per class,
 * {@code <output>_<class>}, classes in the order of {@code classes} (default: sorted by value when
 * all are numbers, else as text); in place (output = input) they take the input column's place and
 * the input column is dropped. The model's {@link RiskTableMapperModel#multiclassTables()} holds one
 * table map per class, {@link RiskTableMapperModel#classStatistics()} each class's counts. One
 * aggregation of (column, category, class) counts; at most {@code MulticlassTargets.MAX_CLASSES}
 * classes. Set {@code classes} when a later {@code Pipeline} stage reads the class columns, so
 * that {@link #transformSchema} can name them before the fit.
 *
 * <h2>Cost</h2>
 * One scan of the data and one aggregation for all columns together. The driver receives one
 * row per distinct value of every column (per class too, for a multiclass label): its memory
 * grows with the categories, not with the rows (docs/performance.md).
 *
 * <h2>Out-of-fold encoding</h2>
 * With {@code numFolds >= 2}, fit also learns per-fold tables so that
 * {@link RiskTableMapperModel#transformOutOfFold} encodes every train row without its own label
 * (as scikit-learn's {@code TargetEncoder} does with {@code cv}); one more aggregation pass. The
 * fitted model's {@code transform} of the very data it was fitted on is out of fold too, so a
 * {@code Pipeline} is leakage-safe: {@code pipeline.fit(train)} fits the later stages on
 * out-of-fold values, and {@code model.transform(train)} gives them, while {@code transform(test)}
 * uses the full tables. Fold tables are not saved: a reloaded model uses the full tables.
 *
 * <h2>Errors</h2>
 * {@link IllegalArgumentException} for a missing or unsupported column (from
 * {@link #transformSchema}), a label value outside {0, 1, -1, null} (naming it; continuous: a label that is
 * not a finite number, naming it; multiclass: fewer than two classes, more than 1000, or a class
 * outside {@code classes}, naming it), no labelled row, a fold holding every labelled row
 * ({@code numFolds >= 2}, naming the fold), {@code smoothing} set while {@code smoothingMode} is not {@code "count"}, or an unknown
 * {@code smoothingMode} / {@code handleMissing} value (when set).
 */
public class RiskTableMapper extends Estimator<RiskTableMapperModel> implements RiskTableMapperParams, MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final RiskTableMapperParams.Defs p;

    public RiskTableMapper() {
        this(Identifiable.randomUID("riskTableMapper"));
    }

    public RiskTableMapper(String uid) {
        this.uid = uid;
        this.p = new RiskTableMapperParams.Defs(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override public StringArrayParam inputCols() { return p.inputCols; }
    @Override public StringArrayParam outputCols() { return p.outputCols; }
    @Override public Param<String> labelCol() { return p.labelCol; }
    @Override public Param<String> targetType() { return p.targetType; }
    @Override public StringArrayParam classes() { return p.classes; }
    @Override public DoubleParam smoothFactor() { return p.smoothFactor; }
    @Override public Param<String> smoothingMode() { return p.smoothingMode; }
    @Override public DoubleParam smoothing() { return p.smoothing; }
    @Override public Param<String> handleMissing() { return p.handleMissing; }
    @Override public Param<String> highCardinality() { return p.highCardinality; }
    @Override public IntParam countThreshold() { return p.countThreshold; }
    @Override public IntParam maxUniqueThreshold() { return p.maxUniqueThreshold; }
    @Override public BooleanParam parseNumericStrings() { return p.parseNumericStrings; }
    @Override public Param<String> handleInvalid() { return p.handleInvalid; }
    @Override public IntParam numFolds() { return p.numFolds; }
    @Override public Param<String> foldCol() { return p.foldCol; }
    @Override public LongParam seed() { return p.seed; }

    public RiskTableMapper setInputCols(String... value) { set(p.inputCols, value); return this; }
    public RiskTableMapper setOutputCols(String... value) { set(p.outputCols, value); return this; }
    public RiskTableMapper setLabelCol(String value) { set(p.labelCol, value); return this; }
    public RiskTableMapper setTargetType(String value) { set(p.targetType, value); return this; }
    public RiskTableMapper setClasses(String... value) { set(p.classes, value); return this; }
    public RiskTableMapper setSmoothFactor(double value) { set(p.smoothFactor, value); return this; }
    public RiskTableMapper setSmoothingMode(String value) { set(p.smoothingMode, value); return this; }
    public RiskTableMapper setSmoothing(double value) { set(p.smoothing, value); return this; }
    public RiskTableMapper setHandleMissing(String value) { set(p.handleMissing, value); return this; }
    public RiskTableMapper setHighCardinality(String value) { set(p.highCardinality, value); return this; }
    public RiskTableMapper setCountThreshold(int value) { set(p.countThreshold, value); return this; }
    public RiskTableMapper setMaxUniqueThreshold(int value) { set(p.maxUniqueThreshold, value); return this; }
    public RiskTableMapper setParseNumericStrings(boolean value) { set(p.parseNumericStrings, value); return this; }
    public RiskTableMapper setHandleInvalid(String value) { set(p.handleInvalid, value); return this; }
    public RiskTableMapper setNumFolds(int value) { set(p.numFolds, value); return this; }
    public RiskTableMapper setFoldCol(String value) { set(p.foldCol, value); return this; }
    public RiskTableMapper setSeed(long value) { set(p.seed, value); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        return validateAndTransformSchema(schema, true, Collections.emptySet());
    }

    @Override
    public RiskTableMapperModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        if (CONTINUOUS_TARGET.equals(getTargetType())) {
            if (!SKIP_HIGH_CARDINALITY.equals(getHighCardinality())) {
                throw new IllegalArgumentException(uid + ": highCardinality '" + getHighCardinality()
                        + "' applies to targetType 'binary'; with 'continuous' a column of maxUniqueThreshold or more categories is skipped");
            }
            ContinuousTargets.Fit fit = ContinuousTargets.aggregate(dataset, getInputCols(), getLabelCol(), getMaxUniqueThreshold());
            boolean nullCategory = CATEGORY_MISSING.equals(getHandleMissing());
            RiskTableMap tables = ContinuousTargets.tables(fit, smoothingSpec(), nullCategory);
            List<RiskTableMap> folds = getNumFolds() >= 2 ? ContinuousTargets.outOfFold(dataset, fit, getLabelCol(), getFoldCol(),
                    getNumFolds(), getSeed(), smoothingSpec(), nullCategory) : null;
            RiskTableMapperModel model = new RiskTableMapperModel(uid, tables, null, folds, dataset).withContinuousStatistics(fit);
            copyValues(model, ParamMap.empty());
            return model.setParent(this);
        }
        if (MULTICLASS_TARGET.equals(getTargetType())) {
            return fitMulticlass(dataset);
        }
        FitCounts counts = CountSources.count(dataset, getInputCols(), getLabelCol(), getParseNumericStrings(),
                getMaxUniqueThreshold(), RiskTableAggregation.HighCardinality.fromLabel(getHighCardinality()), getSmoothFactor());
        FitStatistics stats = statistics(counts);
        Smoothing.Spec smoothing = smoothingSpec();
        Set<String> grouped = grouped(stats);
        RiskTableMap tables = OutOfFold.otherAsDefault(tables(stats, smoothing, CATEGORY_MISSING.equals(getHandleMissing())), grouped);
        List<RiskTableMap> folds = getNumFolds() >= 2
                ? OutOfFold.fit(dataset, tables, counts, getLabelCol(), getFoldCol(), getNumFolds(), getSeed(), smoothing, grouped)
                : null;
        RiskTableMapperModel model = new RiskTableMapperModel(uid, tables, stats, folds, dataset);
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    /** The one-vs-rest fit of a multiclass label: one binary fit per class, from one aggregation. */
    private RiskTableMapperModel fitMulticlass(Dataset<?> dataset) {
        MulticlassTargets.Fit fit = MulticlassTargets.aggregate(dataset, getInputCols(), getLabelCol(),
                getClasses() == null ? null : List.of(getClasses()), getParseNumericStrings(), getMaxUniqueThreshold(),
                RiskTableAggregation.HighCardinality.fromLabel(getHighCardinality()), getSmoothFactor());
        Smoothing.Spec smoothing = smoothingSpec();
        List<FitStatistics> stats = new ArrayList<>();
        List<RiskTableMap> maps = new ArrayList<>();
        Set<String> grouped = Set.of();
        for (FitCounts counts : fit.perClass()) {
            FitStatistics s = statistics(counts);
            grouped = grouped(s); // the same columns for every class: they share the keys and the fit rows
            stats.add(s);
            maps.add(OutOfFold.otherAsDefault(tables(s, smoothing, CATEGORY_MISSING.equals(getHandleMissing())), grouped));
        }
        MulticlassRiskTables tables = new MulticlassRiskTables(fit.classes(), maps);
        List<MulticlassRiskTables> folds = getNumFolds() >= 2
                ? OutOfFold.fitMulticlass(dataset, tables, fit.perClass(), getLabelCol(), getFoldCol(), getNumFolds(), getSeed(),
                        smoothing, grouped)
                : null;
        RiskTableMapperModel model = new RiskTableMapperModel(uid, tables, stats, folds, dataset);
        copyValues(model, ParamMap.empty());
        model.set(model.classes(), fit.classes().toArray(new String[0]));
        return model.setParent(this);
    }

    /**
     * The columns whose rarer categories the fit grouped into {@code __other__}
     * ({@code highCardinality = "group"}, {@code maxUniqueThreshold} or more distinct values, mapped).
     */
    private Set<String> grouped(FitStatistics stats) {
        Set<String> out = new HashSet<>();
        if (GROUP_HIGH_CARDINALITY.equals(getHighCardinality())) {
            for (FieldStatistics f : stats.fields()) {
                if (f.mapped() && f.distinct() >= getMaxUniqueThreshold()) {
                    out.add(f.column());
                }
            }
        }
        return out;
    }

    /** The fit's counts as the model's statistics (each column's counts passed on, not copied). */
    static FitStatistics statistics(FitCounts counts) {
        List<FieldStatistics> fields = new ArrayList<>(counts.fields().size());
        for (FitCounts.Field f : counts.fields()) {
            fields.add(new FieldStatistics(f.column(), f.mode(), f.distinct(), f.nullRows(), f.skipReason(), f.counts(), f.nullCounts()));
        }
        return new FitStatistics(counts.trainRows(), counts.fitRows(), counts.events(), counts.prior(), counts.smoothSamples(), fields,
                counts.countSource());
    }

    /** This stage's smoothing settings (smoothingMode, smoothFactor, smoothing, countThreshold). */
    Smoothing.Spec smoothingSpec() {
        return new Smoothing.Spec(Smoothing.Mode.fromLabel(getSmoothingMode()), getSmoothFactor(), getSmoothing(), getCountThreshold());
    }

    /**
     * The risk tables of the mapped (not skipped) columns, from the fit counts, in fraction mode
     * with the statistics' pseudo-count {@code m} and nulls mapped to the prior.
     *
     * @param countThreshold categories with fewer fit rows get the prior
     */
    public static RiskTableMap tables(FitStatistics stats, int countThreshold) {
        // a real pseudo-count equal to the integer m gives the same bits (n + m is exact below 2^53)
        return tables(stats, new Smoothing.Spec(Smoothing.Mode.COUNT, 0.0, stats.smoothSamples(), countThreshold), false);
    }

    /**
     * The risk tables of the mapped (not skipped) columns, from the fit counts.
     *
     * @param smoothing     the smoothing mode and its settings (count threshold included)
     * @param nullCategory  {@code handleMissing = "category"}: a column with null fit rows gets a null bin,
     *                      smoothed from them like any other category
     * @throws IllegalStateException when {@code nullCategory} and the statistics lack the null rows' counts
     *         (a model saved before they were kept)
     */
    static RiskTableMap tables(FitStatistics stats, Smoothing.Spec smoothing, boolean nullCategory) {
        List<RiskTable> tables = new ArrayList<>();
        for (FieldStatistics f : stats.fields()) {
            if (!f.mapped()) {
                continue;
            }
            Map<Object, Double> bins = new LinkedHashMap<>();
            for (Map.Entry<Object, long[]> e : f.counts().entrySet()) {
                bins.put(e.getKey(), smoothing.value(e.getValue()[0], e.getValue()[1], stats.prior(), stats.fitRows()));
            }
            Double nullBin = null;
            if (nullCategory) {
                if (f.nullCounts() == null) {
                    throw new IllegalStateException("column '" + f.column() + "': the null rows' counts are unknown");
                }
                if (f.nullCounts()[0] > 0) {
                    nullBin = smoothing.value(f.nullCounts()[0], f.nullCounts()[1], stats.prior(), stats.fitRows());
                }
            }
            tables.add(new RiskTable(f.column(), f.mode(), stats.prior(), bins, nullBin));
        }
        return new RiskTableMap(tables);
    }

    /**
     * The smoothed risk of a category: {@code (n*r + m*p) / (n + m)} with {@code r = k/n} when
     * {@code n >= countThreshold}, else {@code p}; evaluated in this order, as the pandas step does.
     *
     * @param n      fit rows of the category (&ge; 1)
     * @param k      events among them
     * @param prior  {@code p}, the event rate of all fit rows
     * @param m      the integer pseudo-count {@code floor(N * smoothFactor)}
     */
    public static double risk(long n, long k, double prior, long m, int countThreshold) {
        return Smoothing.risk(n, k, prior, m, countThreshold);
    }

    /** Saves the params only (docs/persistence.md). */
    @Override
    public MLWriter write() {
        return StageMetadata.writer(this);
    }

    public static MLReader<RiskTableMapper> read() {
        return StageMetadata.reader(RiskTableMapper.class);
    }

    public static RiskTableMapper load(String path) {
        return read().load(path);
    }

    @Override
    public RiskTableMapper copy(ParamMap extra) {
        return (RiskTableMapper) defaultCopy(extra);
    }

    @Override
    public String toString() {
        return "RiskTableMapper: uid=" + uid + (isDefined(inputCols()) ? ", inputCols=" + String.join(",", getInputCols()) : "");
    }
}
