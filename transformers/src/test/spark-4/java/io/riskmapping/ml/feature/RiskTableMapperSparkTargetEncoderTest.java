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
 * {@code TargetEncoder} (binary target, {@code smoothing} = our {@code smoothing}, after a
 * {@code StringIndexer}; unseen values with {@code handleInvalid = "keep"}) on German Credit read
 * from its files. Spark 4.0 and later only: this folder is compiled on the 4.x lines.
 */
class RiskTableMapperSparkTargetEncoderTest {

    static final String[] FIELDS = {"checking_status", "credit_history", "purpose", "savings_status", "employment",
        "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone",
        "foreign_worker"};

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 2.5, 6.0, 40.0})
    void countSmoothingEqualsSparksTargetEncoder(double smoothing) {
        Dataset<Row> train = SparkTestSession.germanCreditTrain().withColumn("y", col("class").cast("double"));
        String csv = SparkTestSession.germanCredit("csv").resolve("val").toString();
        // val with unseen values: every purpose 'radio/tv' row gets housing 'castle'
        Dataset<Row> val = SparkTestSession.get().read().option("header", "true").csv(csv)
                .withColumn("housing", when(col("purpose").equalTo("radio/tv"), lit("castle")).otherwise(col("housing")));

        String[] ours = new String[FIELDS.length];
        String[] indexed = new String[FIELDS.length];
        String[] spark = new String[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            ours[i] = FIELDS[i] + "_ours";
            indexed[i] = FIELDS[i] + "_idx";
            spark[i] = FIELDS[i] + "_spark";
        }
        RiskTableMapperModel model = new RiskTableMapper().setInputCols(FIELDS).setOutputCols(ours).setLabelCol("class")
                .setSmoothingMode("count").setSmoothing(smoothing).setCountThreshold(1).fit(train);
        StringIndexerModel indexer = new StringIndexer().setInputCols(FIELDS).setOutputCols(indexed).setHandleInvalid("keep").fit(train);
        TargetEncoderModel encoder = new TargetEncoder().setInputCols(indexed).setOutputCols(spark).setLabelCol("y")
                .setTargetType("binary").setSmoothing(smoothing).setHandleInvalid("keep").fit(indexer.transform(train));

        int unseen = 0;
        for (Dataset<Row> data : List.of(train, val)) {
            List<Row> rows = encoder.transform(indexer.transform(model.transform(data))).collectAsList();
            assertEquals(data == train ? 600 : 200, rows.size());
            for (Row r : rows) {
                for (int i = 0; i < FIELDS.length; i++) {
                    double a = r.getDouble(r.fieldIndex(ours[i]));
                    double b = r.getDouble(r.fieldIndex(spark[i]));
                    assertEquals(b, a, 1e-9 * Math.max(Math.abs(b), 1e-300), FIELDS[i] + " = " + r.getString(r.fieldIndex(FIELDS[i])));
                    if ("castle".equals(r.getString(r.fieldIndex(FIELDS[i])))) {
                        unseen++;
                        assertEquals(200.0 / 600, a, 1e-15, "unseen: the prior");
                    }
                }
            }
        }
        assertTrue(unseen > 10, "unseen values compared: " + unseen);
    }
}
