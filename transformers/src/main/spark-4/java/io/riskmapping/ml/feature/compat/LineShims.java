package io.riskmapping.ml.feature.compat;

import java.util.List;
import java.util.Optional;

import org.apache.spark.Partition;
import org.apache.spark.SparkThrowable;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.TargetEncoder;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.sql.types.StructType;

import scala.Option;

/** {@link SparkShims} for Spark 4.0, 4.1 and 4.2 (Scala 2.13). */
public final class LineShims implements SparkShims {

    static final LineShims INSTANCE = new LineShims();

    private LineShims() {
    }

    @Override
    public String line() {
        return "4";
    }

    @Override
    public Column tryCast(Column c, DataType type) {
        return c.try_cast(type);
    }

    @Override
    public Column invoke(Object target, String method, DataType type, boolean returnNullable, List<Column> args) {
        Expression self = Literal.create(target, new ObjectType(target.getClass()));
        List<Expression> in = args.stream().map(ExpressionUtils::expression).toList();
        Expression call = new Invoke(self, method, type, ScalaCollections.asScala(in),
                ScalaCollections.asScala(List.<AbstractDataType>of()), true, returnNullable, true);
        return ExpressionUtils.column(call);
    }

    @Override
    public Dataset<Row> internalCreateDataFrame(SparkSession session, RDD<InternalRow> rows, StructType schema) {
        return ((org.apache.spark.sql.classic.SparkSession) session).internalCreateDataFrame(rows, schema, false);
    }

    @Override
    public <T> RDD<T> inOrder(RDD<T> parent, int[] order) {
        return parent.coalesce(order.length, false, Option.apply(new InOrder(order)), null);
    }

    /** Partition i of the coalesced RDD is partition {@code order[i]} of its parent, alone. */
    private static final class InOrder implements PartitionCoalescer, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int[] order;

        InOrder(int[] order) {
            this.order = order;
        }

        @Override
        public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
            Partition[] parts = parent.partitions();
            PartitionGroup[] groups = new PartitionGroup[order.length];
            for (int i = 0; i < order.length; i++) {
                groups[i] = new PartitionGroup(Option.empty());
                groups[i].partitions().addOne(parts[order[i]]);
            }
            return groups;
        }
    }

    @Override
    public String errorCondition(SparkThrowable error) {
        return error.getCondition();
    }

    @Override
    public Optional<String> unreadFile(SparkThrowable error) {
        return String.valueOf(error.getCondition()).startsWith("FAILED_READ_FILE")
                ? Optional.ofNullable(error.getMessageParameters().get("path")) : Optional.empty();
    }

    @Override
    public boolean namesUnreadFiles() {
        return true;
    }

    @Override
    public Optional<PipelineStage> targetEncoder(String[] inputCols, String[] outputCols, String labelCol, double smoothing) {
        return Optional.of(new TargetEncoder().setInputCols(inputCols).setOutputCols(outputCols).setLabelCol(labelCol)
                .setTargetType("binary").setSmoothing(smoothing).setHandleInvalid("keep"));
    }
}
