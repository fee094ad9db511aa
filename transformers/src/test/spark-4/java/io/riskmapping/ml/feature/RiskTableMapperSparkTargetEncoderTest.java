package io.riskmapping.ml.feature;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.TargetEncoder;
import org.apache.spark.ml.feature.TargetEncoderModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.riskmapping.testing.SparkTestSession;

/**
 * {@code smoothingMode = "count"} with {@code countThreshold = 1} gives the values of Spark's own
 * {@code TargetEncoder} (the same targetType, {@code smoothing} = our {@code smoothing}, after a
 * {@code StringIndexer}; unseen values with {@code handleInvalid = "keep"}) on German Credit read
 * from its files, for a binary label ({@code class}) and a continuous one ({@code credit_amount}).
 * Spark 4.0 and later only: this folder is compiled on the 4.x lines.
 */
class RiskTableMapperSparkTargetEncoderTest {

    static final String[] FIELDS = {"checking_status", "credit_history", "purpose", "savings_status", "employment",
        "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone",
        "foreign_worker"};

    static final String[] OURS = names("_ours");
    static final String[] INDEXED = names("_idx");
    static final String[] SPARK = names("_spark");

    private static String[] names(String suffix) {
        String[] names = new String[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            names[i] = FIELDS[i] + suffix;
        }
        return names;
    }

    /** German Credit's val split read from its files, every purpose 'radio/tv' row with the unseen housing 'castle'. */
    private static Dataset<Row> valWithUnseen() {
        String csv = SparkTestSession.germanCredit("csv").resolve("val").toString();
        return SparkTestSession.get().read().option("header", "true").csv(csv)
                .withColumn("housing", when(col("purpose").equalTo("radio/tv"), lit("castle")).otherwise(col("housing")));
    }

    /**
     * Spark's TargetEncoder (after a StringIndexer, handleInvalid "keep") fitted on {@code train} with
     * the label {@code y}, against our model, on train and val: equal within 1e-9 relative, unseen
     * values equal to {@code unseenValue}.
     */
    private static void assertSparkValues(Dataset<Row> train, RiskTableMapperModel model, String targetType, double smoothing,
            double unseenValue) {
        StringIndexerModel indexer = new StringIndexer().setInputCols(FIELDS).setOutputCols(INDEXED).setHandleInvalid("keep").fit(train);
        TargetEncoderModel encoder = new TargetEncoder().setInputCols(INDEXED).setOutputCols(SPARK).setLabelCol("y")
                .setTargetType(targetType).setSmoothing(smoothing).setHandleInvalid("keep").fit(indexer.transform(train));
        int unseen = 0;
        for (Dataset<Row> data : List.of(train, valWithUnseen())) {
            List<Row> rows = encoder.transform(indexer.transform(model.transform(data))).collectAsList();
            assertEquals(data == train ? 600 : 200, rows.size());
            for (Row r : rows) {
                for (int i = 0; i < FIELDS.length; i++) {
                    double a = r.getDouble(r.fieldIndex(OURS[i]));
                    double b = r.getDouble(r.fieldIndex(SPARK[i]));
                    assertEquals(b, a, 1e-9 * Math.max(Math.abs(b), 1e-300), FIELDS[i] + " = " + r.getString(r.fieldIndex(FIELDS[i])));
                    if ("castle".equals(r.getString(r.fieldIndex(FIELDS[i])))) {
                        unseen++;
                        assertEquals(unseenValue, a, 1e-9 * Math.abs(unseenValue), "unseen: the prior");
                    }
                }
            }
        }
        assertTrue(unseen > 10, "unseen values compared: " + unseen);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 2.5, 6.0, 40.0})
    void countSmoothingEqualsSparksTargetEncoder(double smoothing) {
        Dataset<Row> train = SparkTestSession.germanCreditTrain().withColumn("y", col("class").cast("double"));
        RiskTableMapperModel model = new RiskTableMapper().setInputCols(FIELDS).setOutputCols(OURS).setLabelCol("class")
                .setSmoothingMode("count").setSmoothing(smoothing).setCountThreshold(1).fit(train);
        assertSparkValues(train, model, "binary", smoothing, 200.0 / 600);
    }

    /**
     * {@code targetType = "continuous"} with {@code credit_amount} (read as text from the CSV files)
     * as the label: the values of Spark's {@code TargetEncoder} with {@code targetType = "continuous"}
     * on the label cast to double; unseen values get the mean of all labels, as {@code keep} does.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 2.5, 40.0})
    void continuousCountSmoothingEqualsSparksTargetEncoder(double smoothing) {
        Dataset<Row> train = SparkTestSession.germanCreditTrain().withColumn("y", col("credit_amount").cast("double"));
        // the mean of the 600 train labels, summed independently on the driver
        double mean = train.select("y").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).sum() / 600;
        RiskTableMapperModel model = new RiskTableMapper().setInputCols(FIELDS).setOutputCols(OURS).setLabelCol("credit_amount")
                .setTargetType("continuous").setSmoothingMode("count").setSmoothing(smoothing).setCountThreshold(1).fit(train);
        assertSparkValues(train, model, "continuous", smoothing, mean);
    }
}
