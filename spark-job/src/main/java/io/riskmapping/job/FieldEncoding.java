package io.riskmapping.job;

import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.artifacts.RiskTableMap;
import io.riskmapping.artifacts.RiskTableMapCodec;
import io.riskmapping.artifacts.WoeTable;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.artifacts.WoeTableMapCodec;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.ml.feature.WoeEncoderModel;

/**
 * The encoding a run applies to the categorical fields ({@code encoding} in the hyperparameters):
 * risk tables (default) or weight of evidence. Owns how it maps a split and which artifact it writes.
 */
sealed interface FieldEncoding {

    /** The file columns it maps. */
    String[] columns();

    /** Maps a split; {@code trainOutOfFold} for the train split when out-of-fold tables exist. */
    Dataset<Row> apply(Dataset<Row> data, boolean trainOutOfFold);

    /** Writes its artifact files (field names in dotted form) into {@code dir}; returns their names. */
    List<String> writeArtifacts(ArtifactStore store, Path dir);

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
        public List<String> writeArtifacts(ArtifactStore store, Path dir) {
            List<RiskTable> logical = new ArrayList<>();
            for (RiskTable t : model.riskTables().list()) {
                logical.add(t.withVarName(ColumnNames.field(t.varName())));
            }
            RiskTableMap tables = new RiskTableMap(logical);
            store.write(new Path(dir, RiskTableMapCodec.JSON_FILE), RiskTableMapCodec.toJson(tables));
            store.write(new Path(dir, RiskTableMapCodec.PICKLE_FILE), RiskTableMapCodec.toPickle(tables));
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

        @Override
        public List<String> writeArtifacts(ArtifactStore store, Path dir) {
            List<WoeTable> logical = new ArrayList<>();
            for (WoeTable t : model.woeTables().list()) {
                logical.add(new WoeTable(ColumnNames.field(t.varName()), t.mode(), t.eventClass(), t.prior(), t.woe(), t.se(),
                        t.nullWoe(), t.nullSe()));
            }
            store.write(new Path(dir, WoeTableMapCodec.JSON_FILE), WoeTableMapCodec.toJson(new WoeTableMap(logical)));
            return List.of(WoeTableMapCodec.JSON_FILE);
        }
    }
}
