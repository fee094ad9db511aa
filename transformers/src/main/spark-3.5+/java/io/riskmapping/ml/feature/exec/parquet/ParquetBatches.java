package io.riskmapping.ml.feature.exec.parquet;

import java.lang.reflect.Field;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.datasources.parquet.ParquetDictionary;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.vectorized.Dictionary;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;

import io.riskmapping.ml.feature.exec.scan.FileScans;

/**
 * A DataFrame's Parquet scan read as Spark's column batches, and the dictionaries behind them: what
 * {@link ColumnarCounts} (the fit) and {@link ColumnarMapping} (the transform) share.
 *
 * <p>A DataFrame qualifies when its physical plan is a Parquet scan by Spark's vectorized reader with
 * at most a selection of its columns above it (no filter, no computed column, no cache). Each
 * column of its batches is then either dictionary-encoded (the ids of one Parquet dictionary, that
 * of the column chunk being read) or plain values.
 *
 * <p>Spark internals: a vector's dictionary is read by reflection ({@code
 * WritableColumnVector.dictionary}), and the Parquet dictionary it wraps
 * ({@code ParquetDictionary.dictionary}) is its identity: Spark wraps the same dictionary anew for
 * each batch. On a Spark without them, {@link #scan} finds none and callers take Spark's rows.
 */
public final class ParquetBatches {

    private static final Field VECTOR_DICTIONARY = field(WritableColumnVector.class, "dictionary");
    private static final Field PARQUET_DICTIONARY = field(ParquetDictionary.class, "dictionary");

    /**
     * The Spark setting that turns the column-batch paths off ({@code false}; default {@code true}):
     * the fit then counts Spark's rows and the transform is the model's own, with the same results.
     */
    public static final String ENABLED = "spark.riskmapping.parquetBatches";

    private ParquetBatches() {
    }

    /**
     * A Parquet scan and, for each column of the DataFrame it was found under, that column's index
     * in the scan's batches.
     */
    record Scan(FileSourceScanExec exec, int[] columns) {
    }

    /** The Parquet scan under {@code data}, or none when {@code data} is not a plain Parquet scan. */
    static Optional<Scan> scan(Dataset<Row> data) {
        if (VECTOR_DICTIONARY == null || PARQUET_DICTIONARY == null
                || !Boolean.parseBoolean(data.sparkSession().conf().get(ENABLED, "true"))) {
            return Optional.empty();
        }
        return FileScans.of(data)
                .filter(found -> found.scan().supportsColumnar() && found.scan().relation().fileFormat() instanceof ParquetFileFormat)
                .map(found -> new Scan(found.scan(), found.outputs()));
    }

    /**
     * The Parquet dictionary of a dictionary-encoded vector ({@code hasDictionary()}): Spark's
     * wrapper, which decodes, and the Parquet dictionary inside, whose identity says which column
     * chunk the ids belong to. Null when the vector's dictionary is not Parquet's.
     */
    record Ids(Dictionary decoder, org.apache.parquet.column.Dictionary identity) {
        /** The number of ids (0 .. size - 1). */
        int size() {
            return identity.getMaxId() + 1;
        }
    }

    static Ids ids(WritableColumnVector v) {
        try {
            Dictionary d = (Dictionary) VECTOR_DICTIONARY.get(v);
            if (d instanceof ParquetDictionary) {
                return new Ids(d, (org.apache.parquet.column.Dictionary) PARQUET_DICTIONARY.get(d));
            }
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
