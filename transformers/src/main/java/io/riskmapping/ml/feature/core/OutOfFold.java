package io.riskmapping.ml.feature.core;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;

/**
 * Out-of-fold (cross-fitted) tables for encoding the train split, as scikit-learn's
 * {@code TargetEncoder} does with {@code cv}: the rows of fold j are encoded with tables fitted on
 * the other folds, so a row's own label never enters its encoding.
 *
 * <p>For fold j, with {@code N_j, K_j} the fit rows and events outside fold j: prior
 * {@code p_j = K_j / N_j} and for a category with {@code n_j, k_j} fit rows and events outside
 * fold j the fit's smoothing ({@link Smoothing.Spec#value}, e.g. the pseudo-count
 * {@code m_j = floor(N_j * smoothFactor)} in fraction mode); a category with no fit row outside
 * fold j gets {@code p_j}. When the full table has a null category, so does each fold's.
 * Which columns are mapped, and their mode, come from the full-data fit.
 *
 * <p>Folds: the integer {@code foldCol} when set (values 0 .. k-1, else the query fails naming the
 * value), else {@code pmod(xxhash64(every column, seed), k)}: deterministic for a seed, whatever
 * the partitioning. One extra aggregation over the train split, keyed by fold.
 */
public final class OutOfFold {

    private OutOfFold() {
    }

    /** Each row's fold, 0 .. k-1. */
    public static Column fold(Dataset<Row> df, String foldCol, int k, long seed) {
        if (foldCol != null) {
            Column f = KeyColumns.quoted(foldCol).cast(DataTypes.IntegerType);
            return when(f.isNull().or(f.lt(0)).or(f.geq(k)),
                    raise_error(concat(lit("fold column '" + foldCol + "' holds "),
                            KeyColumns.quoted(foldCol).cast(DataTypes.StringType),
                            lit(", expected an integer 0 .. " + (k - 1))))).otherwise(f).cast(DataTypes.IntegerType);
        }
        List<Column> cols = new ArrayList<>();
        for (String c : df.columns()) {
            cols.add(KeyColumns.quoted(c));
        }
        cols.add(lit(seed));
        return pmod(xxhash64(cols.toArray(new Column[0])), lit((long) k)).cast(DataTypes.IntegerType);
    }

    /**
     * The labelled rows of one (fold, column, key) group: {@code f = -1} for the whole fold,
     * {@code ks}/{@code kd} the text/numeric key (both null for nulls).
     */
    record FoldCount(int fold, int f, String ks, Double kd, long n0, long n1) {
    }

    /** One table map per fold (index = fold), for the columns of {@code full}. */
    public static List<RiskTableMap> fit(Dataset<?> data, RiskTableMap full, FitCounts stats, String labelCol, String foldCol,
            int k, long seed, Smoothing.Spec smoothing, Set<String> grouped) {
        Dataset<Row> df = data.toDF();
        List<FoldCount> counts = new ArrayList<>();
        for (Row r : keyed(df, full, foldCol, k, seed, KeyColumns.labelClass(df, labelCol)).filter(col("y").isin(0, 1))
                .groupBy("fold", "f", "ks", "kd")
                .agg(count_if(col("y").equalTo(0)).as("n0"), count_if(col("y").equalTo(1)).as("n1"))
                .collectAsList()) {
            counts.add(new FoldCount(r.getInt(0), r.getInt(1), r.isNullAt(2) ? null : r.getString(2), r.isNullAt(3) ? null : r.getDouble(3),
                    r.getLong(4), r.getLong(5)));
        }
        return tables(counts, full, stats, k, smoothing, grouped);
    }

    /**
     * One {@link MulticlassRiskTables} per fold (index = fold), one-vs-rest: class c's fold tables
     * are those of the binary fit of the indicator "label is c" ({@link #fit} of that indicator),
     * from one aggregation keyed by fold and class.
     *
     * @param perClass the full fit's counts, one per class of {@code full}
     */
    public static List<MulticlassRiskTables> fitMulticlass(Dataset<?> data, MulticlassRiskTables full, List<FitCounts> perClass,
            String labelCol, String foldCol, int k, long seed, Smoothing.Spec smoothing, Set<String> grouped) {
        Dataset<Row> df = data.toDF();
        RiskTableMap shape = full.forClass(full.classes().get(0));
        // (fold, f, ks, kd) -> rows per class
        Map<List<Object>, Map<String, Long>> groups = new LinkedHashMap<>();
        for (Row r : keyed(df, shape, foldCol, k, seed, MulticlassTargets.labelClass(df, labelCol)).filter(col("y").isNotNull())
                .groupBy("fold", "f", "ks", "kd", "y").agg(count(lit(1)))
                .collectAsList()) {
            List<Object> key = java.util.Arrays.asList(r.getInt(0), r.getInt(1), r.isNullAt(2) ? null : r.getString(2),
                    r.isNullAt(3) ? null : r.getDouble(3));
            groups.computeIfAbsent(key, x -> new HashMap<>()).put(r.getString(4), r.getLong(5));
        }
        List<List<RiskTableMap>> byClass = new ArrayList<>();
        for (int c = 0; c < full.classes().size(); c++) {
            String cls = full.classes().get(c);
            List<FoldCount> counts = new ArrayList<>(groups.size());
            groups.forEach((key, byY) -> {
                long all = byY.values().stream().mapToLong(Long::longValue).sum();
                long events = byY.getOrDefault(cls, 0L);
                counts.add(new FoldCount((Integer) key.get(0), (Integer) key.get(1), (String) key.get(2), (Double) key.get(3),
                        all - events, events));
            });
            byClass.add(tables(counts, full.forClass(cls), perClass.get(c), k, smoothing, grouped));
        }
        List<MulticlassRiskTables> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            List<RiskTableMap> maps = new ArrayList<>();
            for (List<RiskTableMap> folds : byClass) {
                maps.add(folds.get(j));
            }
            out.add(new MulticlassRiskTables(full.classes(), maps));
        }
        return out;
    }

    /** Each row's fold, its label {@code y} and, inlined, one (f, ks, kd) row per column of {@code full} and one f = -1 row. */
    private static Dataset<Row> keyed(Dataset<Row> df, RiskTableMap full, String foldCol, int k, long seed, Column y) {
        List<RiskTable> tables = full.list();
        List<Column> structs = new ArrayList<>();
        structs.add(struct(lit(-1).as("f"), lit(null).cast(DataTypes.StringType).as("ks"), lit(null).cast(DataTypes.DoubleType).as("kd")));
        for (int i = 0; i < tables.size(); i++) {
            RiskTable t = tables.get(i);
            Column key = KeyColumns.key(KeyColumns.quoted(t.varName()),
                    df.schema().apply(t.varName()).dataType(), t.mode());
            boolean numeric = t.mode() == RiskTable.Mode.NUMERIC;
            structs.add(struct(lit(i).as("f"), (numeric ? lit(null).cast(DataTypes.StringType) : key).as("ks"),
                    (numeric ? key : lit(null).cast(DataTypes.DoubleType)).as("kd")));
        }
        return df.select(fold(df, foldCol, k, seed).as("fold"), y.as("y"), inline(array(structs.toArray(new Column[0]))));
    }

    /** The fold tables of {@code full}'s columns from the per-fold counts. */
    private static List<RiskTableMap> tables(List<FoldCount> rows, RiskTableMap full, FitCounts stats, int k, Smoothing.Spec smoothing,
            Set<String> grouped) {
        List<RiskTable> tables = full.list();
        Map<String, FitCounts.Field> fieldStats = new HashMap<>();
        for (FitCounts.Field fs : stats.fields()) {
            fieldStats.put(fs.column(), fs);
        }
        long[] foldRows = new long[k];
        long[] foldEvents = new long[k];
        long[][][] nullInFold = new long[k][tables.size()][2];
        List<List<Map<Object, long[]>>> inFold = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            List<Map<Object, long[]>> perField = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                perField.add(new HashMap<>());
            }
            inFold.add(perField);
        }
        for (FoldCount r : rows) {
            int j = r.fold();
            int f = r.f();
            long n0 = r.n0();
            long n1 = r.n1();
            if (f < 0) {
                foldRows[j] += n0 + n1;
                foldEvents[j] += n1;
            } else {
                Object key = r.kd() != null ? (Object) r.kd() : r.ks();
                if (key != null) {
                    if (grouped.contains(tables.get(f).varName()) && !fieldStats.get(tables.get(f).varName()).counts().containsKey(key)) {
                        key = RiskTableAggregation.OTHER; // a category the full fit merged into __other__
                    }
                    inFold.get(j).get(f).merge(key, new long[] {n0 + n1, n1}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                } else {
                    nullInFold[j][f][0] += n0 + n1;
                    nullInFold[j][f][1] += n1;
                }
            }
        }
        List<RiskTableMap> out = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            long n = stats.fitRows() - foldRows[j];
            long events = stats.events() - foldEvents[j];
            if (n == 0) {
                throw new IllegalArgumentException("fold " + j + " holds every labelled row: out-of-fold tables need labelled rows in other folds");
            }
            double prior = (double) events / n;
            List<RiskTable> foldTables = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                RiskTable t = tables.get(i);
                Map<Object, Double> bins = new LinkedHashMap<>();
                for (Map.Entry<Object, long[]> e : fieldStats.get(t.varName()).counts().entrySet()) {
                    long[] own = inFold.get(j).get(i).getOrDefault(e.getKey(), new long[2]);
                    long rest = e.getValue()[0] - own[0];
                    if (rest > 0) {
                        bins.put(e.getKey(), smoothing.value(rest, e.getValue()[1] - own[1], prior, n));
                    }
                }
                Double nullBin = null;
                long[] nulls = fieldStats.get(t.varName()).nullCounts();
                if (t.nullBin() != null && nulls[0] - nullInFold[j][i][0] > 0) {
                    nullBin = smoothing.value(nulls[0] - nullInFold[j][i][0], nulls[1] - nullInFold[j][i][1], prior, n);
                }
                foldTables.add(new RiskTable(t.varName(), t.mode(), prior, bins, nullBin));
            }
            out.add(otherAsDefault(new RiskTableMap(foldTables), grouped));
        }
        return out;
    }

    /**
     * {@code tables} with the default bin of each grouped column ({@code highCardinality = "group"})
     * set to its {@code __other__} value, when it has one: a merged, unseen or null category then
     * gets that value.
     */
    public static RiskTableMap otherAsDefault(RiskTableMap tables, Set<String> grouped) {
        if (grouped.isEmpty()) {
            return tables;
        }
        List<RiskTable> out = new ArrayList<>();
        for (RiskTable t : tables.list()) {
            Double other = grouped.contains(t.varName()) ? t.bins().get(RiskTableAggregation.OTHER) : null;
            out.add(other == null ? t : new RiskTable(t.varName(), t.mode(), other, t.bins(), t.nullBin()));
        }
        return new RiskTableMap(out);
    }
}
