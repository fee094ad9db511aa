package io.riskmapping.ml.feature.core;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code data/} folder of a saved model, shared by the stages' writers and readers: one
 * Parquet file of rows that carry {@code format_version} and {@code ordinal} columns
 * (docs/persistence.md).
 */
public final class ModelData {

    private ModelData() {
    }

    /** Writes the rows (built on the driver: a model is small) as one Parquet file under {@code path/data}. */
    public static void write(SparkSession spark, String path, List<Row> rows, StructType schema) {
        spark.createDataFrame(rows, schema).repartition(1).write().parquet(path + "/data");
    }

    /**
     * The rows of {@code path/data} in {@code ordinal} order.
     *
     * @throws IllegalArgumentException when a row was saved with a format version newer than {@code supportedVersion}
     */
    public static List<Row> read(SparkSession spark, String path, int supportedVersion) {
        List<Row> rows = new ArrayList<>(spark.read().parquet(path + "/data").collectAsList());
        for (Row r : rows) {
            int version = r.getInt(r.fieldIndex("format_version"));
            if (version > supportedVersion) {
                throw new IllegalArgumentException(path + ": saved with format version " + version
                        + ", newer than this version reads (" + supportedVersion + "); upgrade risk-table-mapping");
            }
        }
        rows.sort((a, b) -> Integer.compare(a.getInt(a.fieldIndex("ordinal")), b.getInt(b.fieldIndex("ordinal"))));
        return rows;
    }
}
