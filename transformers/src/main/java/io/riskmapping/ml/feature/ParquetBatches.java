package io.riskmapping.ml.feature;

import java.lang.reflect.Field;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.datasources.parquet.ParquetDictionary;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.vectorized.Dictionary;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;

import scala.jdk.javaapi.CollectionConverters;

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
 * each batch. On a Spark without them, {@link #scan} returns null and callers take Spark's rows.
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

    /** The Parquet scan under {@code data}, or null when {@code data} is not a plain Parquet scan. */
    static Scan scan(Dataset<Row> data) {
        if (VECTOR_DICTIONARY == null || PARQUET_DICTIONARY == null
                || !Boolean.parseBoolean(data.sparkSession().conf().get(ENABLED, "true"))) {
            return null;
        }
        SparkPlan root = data.queryExecution().executedPlan();
        List<Attribute> wanted = CollectionConverters.asJava(root.output());
        SparkPlan p = root;
        while (true) {
            if (p instanceof WholeStageCodegenExec w) {
                p = w.child();
            } else if (p instanceof InputAdapter a) {
                p = a.child();
            } else if (p instanceof ColumnarToRowExec c) {
                p = c.child();
            } else if (p instanceof ProjectExec pr && onlyAttributes(pr)) {
                p = pr.child();
            } else {
                break;
            }
        }
        if (!(p instanceof FileSourceScanExec scan) || !scan.supportsColumnar()
                || !(scan.relation().fileFormat() instanceof ParquetFileFormat)) {
            return null;
        }
        List<Attribute> scanned = CollectionConverters.asJava(scan.output());
        int[] at = new int[wanted.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = -1;
            for (int j = 0; j < scanned.size(); j++) {
                if (scanned.get(j).exprId().equals(wanted.get(i).exprId())) {
                    at[i] = j;
                }
            }
            if (at[i] < 0) {
                return null;
            }
        }
        return new Scan(scan, at);
    }

    private static boolean onlyAttributes(ProjectExec p) {
        for (NamedExpression e : CollectionConverters.asJava(p.projectList())) {
            if (!(e instanceof AttributeReference)) {
                return false;
            }
        }
        return true;
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
