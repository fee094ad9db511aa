package io.riskmapping.bench;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import io.riskmapping.ml.feature.compat.SparkShims;

/**
 * The comparison: the same mapping with Spark MLlib's own stages, {@code StringIndexer} then
 * {@code TargetEncoder} (binary target, smoothing), fitted on the labelled train rows and applied to
 * the three splits, written in the same format. Spark 4.0 and later: Spark 3.5 has no
 * {@code TargetEncoder}, and there this refuses to start ({@link SparkShims#targetEncoder}).
 * Usage: {@code MllibBaseline INPUT OUTPUT csv|parquet}.
 */
public final class MllibBaseline {

    private MllibBaseline() {
    }

    public static void main(String[] args) {
        List<String> in = new ArrayList<>();
        List<String> idx = new ArrayList<>();
        List<String> enc = new ArrayList<>();
        for (int j = 0; j < BenchData.CARDINALITIES.length; j++) {
            in.add("s" + j);
            idx.add("s" + j + "_idx");
            enc.add("s" + j + "_te");
        }
        PipelineStage encoder = SparkShims.get().targetEncoder(idx.toArray(new String[0]), enc.toArray(new String[0]), "label", 1.0)
                .orElseThrow(() -> new UnsupportedOperationException("MLlib's TargetEncoder needs Spark 4.0 or later; this build is for Spark "
                        + SparkShims.get().line()));
        SparkSession spark = SparkSession.builder().appName("mllib-baseline").getOrCreate();
        String format = args[2];
        Dataset<Row> train = read(spark, args[0] + "/train", format);
        Dataset<Row> labelled = train.filter(functions.col("label").isin(0, 1))
                .withColumn("label", functions.col("label").cast("double"));
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCols(in.toArray(new String[0])).setOutputCols(idx.toArray(new String[0])).setHandleInvalid("keep"),
            encoder}).fit(labelled);
        for (String split : new String[] {"train", "val", "test"}) {
            Dataset<Row> out = model.transform(read(spark, args[0] + "/" + split, format)).drop(idx.toArray(new String[0]));
            if ("csv".equals(format)) {
                out.write().mode("overwrite").option("header", "true").csv(args[1] + "/" + split);
            } else {
                out.write().mode("overwrite").parquet(args[1] + "/" + split);
            }
        }
        spark.stop();
    }

    private static Dataset<Row> read(SparkSession spark, String dir, String format) {
        return "csv".equals(format) ? spark.read().option("header", "true").option("inferSchema", "false").csv(dir)
                .withColumn("label", functions.col("label").cast("int")) : spark.read().parquet(dir);
    }
}
