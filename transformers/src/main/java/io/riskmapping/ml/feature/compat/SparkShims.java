package io.riskmapping.ml.feature.compat;

import java.util.List;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Every call this project makes that differs between the Spark lines it builds for (3.5 with Scala
 * 2.12 or 2.13; 4.0, 4.1, 4.2), and nothing else. One implementation per line,
 * {@code io.riskmapping.ml.feature.compat.LineShims}, in {@code src/main/spark-3.5/java} or
 * {@code src/main/spark-4/java}; the build's Spark profile compiles exactly one of them
 * ({@code spark.compat} in the root pom). Reach it through {@link #get()}.
 *
 * <p>Spark 4 moved the classic (JVM) {@code SparkSession}, {@code Dataset} and the conversions
 * between {@link Column} and Catalyst expressions to {@code org.apache.spark.sql.classic}; on 3.5
 * they are {@code org.apache.spark.sql.SparkSession}, {@code Dataset} and {@code Column.expr()}.
 * Internal classes that are the same on every line (e.g. {@code UTF8String}, {@code InternalRow},
 * {@code WritableColumnVector}, {@code FileSourceScanExec}) are used directly, not through here.
 */
public interface SparkShims {

    /** The shims of the Spark line this build is for. */
    static SparkShims get() {
        return LineShims.INSTANCE;
    }

    /**
     * The Spark line the shims were compiled for, e.g. {@code "3.5"} or {@code "4"} (the name of
     * their source folder without {@code spark-}).
     */
    String line();

    /**
     * {@code c} cast to {@code type} as SQL's {@code try_cast}: null where the value does not
     * convert (whatever {@code spark.sql.ansi.enabled} says). Spark 4 has {@code Column.try_cast};
     * on 3.5 it is Catalyst's {@code Cast} with {@code EvalMode.TRY}, what 3.5's SQL parser makes
     * of {@code try_cast(c AS type)}.
     */
    Column tryCast(Column c, DataType type);

    /**
     * A call, in Spark's generated code, of the public method {@code method} of {@code target} (a
     * serializable object that travels with the plan as a literal) on the values of {@code args}:
     * Catalyst's {@code Invoke}, with null arguments giving null without a call and the result of
     * type {@code type} (nullable when {@code returnNullable}). The same expression on every line;
     * how a {@link Column} and its expression convert differs ({@code classic.ExpressionUtils} on
     * Spark 4, {@code Column.expr()} and {@code new Column(expr)} on 3.5).
     */
    Column invoke(Object target, String method, DataType type, boolean returnNullable, List<Column> args);

    /**
     * A DataFrame of internal rows that match {@code schema} (not streaming), without converting
     * them: the classic session's {@code internalCreateDataFrame}, on {@code classic.SparkSession}
     * on Spark 4 (the session a JVM program runs has that class) and on {@code SparkSession} on 3.5.
     */
    Dataset<Row> internalCreateDataFrame(SparkSession session, RDD<InternalRow> rows, StructType schema);

    /**
     * The partitions of {@code parent} in another order, without a shuffle: partition i of the result
     * is partition {@code order[i]} of {@code parent}, alone. Spark 4: {@code coalesce} with a
     * {@code PartitionCoalescer} that places them so. Spark 3.5 requires that coalescer to be a
     * {@code scala.Serializable}, a trait of Scala 2.12 that Java code built for 2.12 and 2.13 alike
     * cannot name: there, a union of one-partition prunings of {@code parent}, in that order.
     */
    <T> RDD<T> inOrder(RDD<T> parent, int[] order);
}
