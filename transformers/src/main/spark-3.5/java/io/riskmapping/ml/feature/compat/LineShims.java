package io.riskmapping.ml.feature.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.spark.SparkThrowable;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.UnionRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.sql.types.StructType;

import scala.Function1;
import scala.Option;

/** {@link SparkShims} for Spark 3.5 (Scala 2.12 or 2.13). */
public final class LineShims implements SparkShims {

    static final LineShims INSTANCE = new LineShims();

    private LineShims() {
    }

    @Override
    public String line() {
        return "3.5";
    }

    @Override
    public Column tryCast(Column c, DataType type) {
        return new Column(new Cast(c.expr(), type, Option.empty(), EvalMode.TRY()));
    }

    @Override
    public Column invoke(Object target, String method, DataType type, boolean returnNullable, List<Column> args) {
        Expression self = Literal.create(target, new ObjectType(target.getClass()));
        List<Expression> in = args.stream().map(Column::expr).toList();
        Expression call = new Invoke(self, method, type, ScalaCollections.asScala(in),
                ScalaCollections.asScala(List.<AbstractDataType>of()), true, returnNullable, true);
        return new Column(call);
    }

    @Override
    public Dataset<Row> internalCreateDataFrame(SparkSession session, RDD<InternalRow> rows, StructType schema) {
        return session.internalCreateDataFrame(rows, schema, false);
    }

    @Override
    public <T> RDD<T> inOrder(RDD<T> parent, int[] order) {
        List<RDD<T>> parts = new ArrayList<>(order.length);
        for (int p : order) {
            parts.add(PartitionPruningRDD.create(parent, (Function1<Object, Object> & java.io.Serializable) i -> (Integer) i == p));
        }
        return new UnionRDD<>(parent.sparkContext(), ScalaCollections.asScala(parts), parent.elementClassTag());
    }

    @Override
    public String errorCondition(SparkThrowable error) {
        return error.getErrorClass();
    }

    @Override
    public Optional<String> unreadFile(SparkThrowable error) {
        return "_LEGACY_ERROR_TEMP_2064".equals(errorCondition(error))
                ? Optional.ofNullable(error.getMessageParameters().get("path")) : Optional.empty();
    }

    @Override
    public boolean namesUnreadFiles() {
        return false;
    }

    @Override
    public Optional<PipelineStage> targetEncoder(String[] inputCols, String[] outputCols, String labelCol, double smoothing) {
        return Optional.empty();
    }
}
