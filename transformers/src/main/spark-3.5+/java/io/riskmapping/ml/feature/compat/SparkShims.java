package io.riskmapping.ml.feature.compat;

import java.util.List;
import java.util.Optional;

import org.apache.spark.SparkThrowable;
import org.apache.spark.ml.PipelineStage;
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
 * {@code WritableColumnVector}, {@code FileSourceScanExec}) are used directly, not through here, by
 * the fast paths in {@code transformers/src/main/spark-3.5+/java}, where this interface is too.
 */
public interface SparkShims {

    /**
     * The name of Catalyst's optimizer rule that pushes a projection into the branches of a union,
     * as {@code spark.sql.optimizer.excludedRules} takes it: the same on every supported line (a
     * line that renames it gives its own value here).
     */
    String PUSH_PROJECTION_THROUGH_UNION = "org.apache.spark.sql.catalyst.optimizer.PushProjectionThroughUnion";

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

    /**
     * The error condition of a Spark error, e.g. {@code PATH_NOT_FOUND}: {@code getCondition()} on
     * Spark 4, {@code getErrorClass()} (deprecated there) on 3.5. Null when it has none.
     */
    String errorCondition(SparkThrowable error);

    /**
     * The file that Spark's file scan names when it could not read it (the error's {@code path}
     * parameter, a URL-encoded path: read it with {@code SparkPath.fromUrlString}), or empty when
     * {@code error} is not that error. Spark 4 raises {@code FAILED_READ_FILE} (and its
     * sub-conditions); 3.5 raises {@code _LEGACY_ERROR_TEMP_2064} ("Encountered error while
     * reading file"), both with the cause the reader threw.
     */
    Optional<String> unreadFile(SparkThrowable error);

    /**
     * Whether Spark's file scan names the file ({@link #unreadFile}) whenever its reader fails on it.
     * Spark 4 does ({@code FAILED_READ_FILE} wraps a failure while the file is read too). Spark 3.5
     * names it only when the reader fails as the file is opened: a failure further in (e.g. a gzip
     * stream cut short, found by Spark's CSV reader) reaches the caller as the reader's own
     * exception, naming no file.
     */
    boolean namesUnreadFiles();


    /**
     * Spark MLlib's {@code TargetEncoder} (binary target, {@code handleInvalid} keep) with these
     * columns and smoothing, unfitted; empty on Spark 3.5, which has none (it arrived in 4.0).
     */
    Optional<PipelineStage> targetEncoder(String[] inputCols, String[] outputCols, String labelCol, double smoothing);
}
