package io.riskmapping.ml.feature.compat;

import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's own {@code private[ml]} persistence helpers, which tests compare the stages' metadata
 * with; Spark 4 (this copy) takes a {@link SparkSession}, 3.5 a {@code SparkContext}. Tests only.
 */
public final class SparkParamsHelpers {

    private SparkParamsHelpers() {
    }

    /** {@code DefaultParamsWriter.saveMetadata}: Spark's metadata of {@code stage} under {@code path}. */
    public static void saveMetadata(Params stage, String path, SparkSession spark) {
        DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, spark);
    }

    /** {@code DefaultParamsWriter.getMetadataToSave}: the JSON line Spark would save for {@code stage}. */
    public static String metadataToSave(Params stage, SparkSession spark) {
        return DefaultParamsWriter$.MODULE$.getMetadataToSave(stage, spark);
    }

    /** {@code DefaultParamsReader.loadMetadata}, checking the class name unless it is empty. */
    public static DefaultParamsReader.Metadata loadMetadata(String path, SparkSession spark, String className) {
        return DefaultParamsReader$.MODULE$.loadMetadata(path, spark, className);
    }

    /** {@code DefaultParamsReader.loadParamsInstance}: the stage through the static reader of its saved class. */
    public static <T> T loadParamsInstance(String path, SparkSession spark) {
        return DefaultParamsReader$.MODULE$.loadParamsInstance(path, spark);
    }
}
