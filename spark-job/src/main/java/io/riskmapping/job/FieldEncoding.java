package io.riskmapping.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.riskmapping.artifacts.Hyperparameters;
import io.riskmapping.artifacts.MulticlassRiskTables;
import io.riskmapping.artifacts.MulticlassRiskTablesCodec;
import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.artifacts.RiskTableMapCodec;
import io.riskmapping.artifacts.WoeTable;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.artifacts.WoeTableMapCodec;
import io.riskmapping.ml.feature.FieldStatistics;
import io.riskmapping.ml.feature.FitStatistics;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.WoeStatistics;
import io.riskmapping.ml.feature.WoeEncoderModel;

/**
 * The encoding a run applies to the categorical fields ({@code encoding} in the hyperparameters):
 * risk tables (default) or weight of evidence. Owns how it maps a split and which artifact it writes.
 */
sealed interface FieldEncoding permits FieldEncoding.Risk, FieldEncoding.Multiclass, FieldEncoding.Woe {

    /** The file columns it maps. */
    String[] columns();

    /** Maps a split; {@code trainOutOfFold} for the train split when out-of-fold tables exist. */
    Dataset<Row> apply(Dataset<Row> data, boolean trainOutOfFold);

    /** Writes its artifact files (field names in dotted form) into {@code dir}; returns their names. */
    List<String> writeArtifacts(ArtifactStore store, Path dir);

    /** How a column's categories compare (categorical or numeric). */
    RiskTable.Mode mode(String column);

    /** The column's known categories &rarr; value (risk or WOE), sorted by key. */
    Map<Object, Double> values(String column);

    /** The value of unseen categories, and of nulls without a null category (the default bin, or 0 for WOE). */
    double defaultValue(String column);

    /** The column's labelled train rows per category, or null when unknown (loaded tables). */
    Map<Object, Long> trainCounts(String column);

    /** The column's labelled train rows with a null, or -1 when unknown. */
    long trainNulls(String column);

    /**
     * A risk-table stage with the hyperparameters' smoothing ({@code smoothing_mode}, and
     * {@code smoothing} in count mode) and {@code handle_missing}; the caller sets the rest.
     */
    static RiskTableMapper riskTableMapper(Hyperparameters hp) {
        RiskTableMapper m = new RiskTableMapper().setSmoothingMode(hp.smoothingMode()).setHandleMissing(hp.handleMissing())
                .setHighCardinality(hp.highCardinality()).setTargetType(hp.targetType());
        return Hyperparameters.COUNT.equals(hp.smoothingMode()) ? m.setSmoothing(hp.smoothing()) : m;
    }

    /** A column's statistics in {@code stats}, or null when unknown. */
    private static FieldStatistics field(FitStatistics stats, String column) {
        if (stats == null) {
            return null;
        }
        return stats.fields().stream().filter(f -> f.column().equals(column)).findFirst().orElse(null);
    }

    /** A column's labelled train rows per category, from the fit's counts, or null when unknown. */
    private static Map<Object, Long> trainCounts(FitStatistics stats, String column) {
        FieldStatistics f = field(stats, column);
        if (f == null) {
            return null;
        }
        Map<Object, Long> out = new LinkedHashMap<>();
        f.counts().forEach((k, nk) -> out.put(k, nk[0]));
        return out;
    }

    /** A column's labelled train rows with a null, or -1 when unknown. */
    private static long trainNulls(FitStatistics stats, String column) {
        FieldStatistics f = field(stats, column);
        return f == null || f.nullCounts() == null ? -1 : f.nullCounts()[0];
    }

    /** Risk table mapping. */
    record Risk(RiskTableMapperModel model) implements FieldEncoding {
        @Override
        public String[] columns() {
            return model.riskTables().tables().keySet().toArray(new String[0]);
        }

        @Override
        public Dataset<Row> apply(Dataset<Row> data, boolean trainOutOfFold) {
            return trainOutOfFold ? model.transformOutOfFold(data) : model.transform(data);
        }

        @Override
        public RiskTable.Mode mode(String column) {
            return model.riskTables().get(column).mode();
        }

        @Override
        public Map<Object, Double> values(String column) {
            return model.riskTables().get(column).bins();
        }

        @Override
        public double defaultValue(String column) {
            return model.riskTables().get(column).defaultBin();
        }

        @Override
        public Map<Object, Long> trainCounts(String column) {
            return FieldEncoding.trainCounts(model.statistics(), column);
        }

        @Override
        public long trainNulls(String column) {
            return FieldEncoding.trainNulls(model.statistics(), column);
        }

        @Override
        public List<String> writeArtifacts(ArtifactStore store, Path dir) {
            List<RiskTable> logical = new ArrayList<>();
            for (RiskTable t : model.riskTables().list()) {
                logical.add(t.withVarName(ColumnNames.field(t.varName())));
            }
            RiskTableMap tables = new RiskTableMap(logical);
            store.write(new Path(dir, RiskTableMapCodec.JSON_FILE), out -> RiskTableMapCodec.writeJson(tables, out));
            store.write(new Path(dir, RiskTableMapCodec.PICKLE_FILE), out -> RiskTableMapCodec.writePickle(tables, out));
            return List.of(RiskTableMapCodec.JSON_FILE, RiskTableMapCodec.PICKLE_FILE);
        }
    }

    /**
     * Risk tables of a multiclass label, one-vs-rest: each field replaced in place by one column per
     * class ({@code <column>_<class>}). The categories, their train counts and the default are the
     * same for every class; {@link #values} and {@link #defaultValue} give the first class's.
     */
    record Multiclass(RiskTableMapperModel model) implements FieldEncoding {
        private MulticlassRiskTables tables() {
            return model.multiclassTables();
        }

        private RiskTable first(String column) {
            return tables().get(column, tables().classes().get(0));
        }

        @Override
        public String[] columns() {
            return tables().fields().toArray(new String[0]);
        }

        @Override
        public Dataset<Row> apply(Dataset<Row> data, boolean trainOutOfFold) {
            return trainOutOfFold ? model.transformOutOfFold(data) : model.transform(data);
        }

        @Override
        public RiskTable.Mode mode(String column) {
            return first(column).mode();
        }

        @Override
        public Map<Object, Double> values(String column) {
            return first(column).bins();
        }

        @Override
        public double defaultValue(String column) {
            return first(column).defaultBin();
        }

        /** Every class's fit counts the same rows per category: the first class's statistics give them. */
        private FitStatistics statistics() {
            return model.classStatistics() == null ? null : model.classStatistics().get(0);
        }

        @Override
        public Map<Object, Long> trainCounts(String column) {
            return FieldEncoding.trainCounts(statistics(), column);
        }

        @Override
        public long trainNulls(String column) {
            return FieldEncoding.trainNulls(statistics(), column);
        }

        @Override
        public List<String> writeArtifacts(ArtifactStore store, Path dir) {
            List<RiskTableMap> perClass = new ArrayList<>();
            for (RiskTableMap m : tables().byClass().values()) {
                List<RiskTable> logical = new ArrayList<>();
                for (RiskTable t : m.list()) {
                    logical.add(t.withVarName(ColumnNames.field(t.varName())));
                }
                perClass.add(new RiskTableMap(logical));
            }
            MulticlassRiskTables logical = new MulticlassRiskTables(tables().classes(), perClass);
            store.write(new Path(dir, RiskTableMapCodec.JSON_FILE), out -> MulticlassRiskTablesCodec.writeJson(logical, out));
            store.write(new Path(dir, RiskTableMapCodec.PICKLE_FILE), out -> MulticlassRiskTablesCodec.writePickle(logical, out));
            return List.of(RiskTableMapCodec.JSON_FILE, RiskTableMapCodec.PICKLE_FILE);
        }
    }

    /** Weight of evidence (binary label), in place. */
    record Woe(WoeEncoderModel model) implements FieldEncoding {
        @Override
        public String[] columns() {
            return model.getInputCols();
        }

        @Override
        public Dataset<Row> apply(Dataset<Row> data, boolean trainOutOfFold) {
            return model.transform(data);
        }

        private WoeTable table(String column) {
            return model.woeTables().get(column, "1");
        }

        @Override
        public RiskTable.Mode mode(String column) {
            return table(column).mode();
        }

        @Override
        public Map<Object, Double> values(String column) {
            return table(column).woe();
        }

        @Override
        public double defaultValue(String column) {
            return 0.0;
        }

        @Override
        public Map<Object, Long> trainCounts(String column) {
            try {
                Map<Object, Long> out = new LinkedHashMap<>();
                for (WoeStatistics.Bin b : model.statistics(column, "1").bins()) {
                    if (b.key() != null && !"__other__".equals(b.key())) {
                        out.put(b.key(), b.events() + b.nonEvents());
                    }
                }
                return out;
            } catch (IllegalStateException e) {
                return null;
            }
        }

        @Override
        public long trainNulls(String column) {
            try {
                return model.statistics(column, "1").bins().stream().filter(b -> b.key() == null)
                        .mapToLong(b -> b.events() + b.nonEvents()).sum();
            } catch (IllegalStateException e) {
                return -1;
            }
        }

        @Override
        public List<String> writeArtifacts(ArtifactStore store, Path dir) {
            List<WoeTable> logical = new ArrayList<>();
            for (WoeTable t : model.woeTables().list()) {
                logical.add(new WoeTable(ColumnNames.field(t.varName()), t.mode(), t.eventClass(), t.prior(), t.woe(), t.se(),
                        t.nullWoe(), t.nullSe()));
            }
            WoeTableMap tables = new WoeTableMap(logical);
            store.write(new Path(dir, WoeTableMapCodec.JSON_FILE), WoeTableMapCodec.toJson(tables));
            store.write(new Path(dir, WoeTableMapCodec.PICKLE_FILE), WoeTableMapCodec.toPickle(tables));
            return List.of(WoeTableMapCodec.JSON_FILE, WoeTableMapCodec.PICKLE_FILE);
        }
    }
}
