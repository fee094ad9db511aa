package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import io.riskmapping.artifacts.RiskTableMapCodec;
import io.riskmapping.ml.feature.MissingValueImputer;
import io.riskmapping.ml.feature.MissingValueImputerModel;
import io.riskmapping.ml.feature.RiskTableMapper;
import io.riskmapping.ml.feature.RiskTableMapperModel;
import io.riskmapping.testing.SparkTestSession;

/**
 * The Java blocks of docs/spark-shell.md are the regions between "doc:begin" and "doc:end" below:
 * this test runs them and checks that the doc shows exactly this code.
 */
class SparkShellDocJavaTest {

    @Test
    void theJavaExamplesRunAndTheDocShowsThem() throws Exception {
        SparkSession spark = SparkTestSession.get();
        // doc:begin
        Dataset<Row> train = spark.read().parquet("test-data/german-credit/parquet/train");
        Dataset<Row> test = spark.read().parquet("test-data/german-credit/parquet/test");
        RiskTableMapperModel model = new RiskTableMapper()
                .setInputCols("checking_status", "purpose")
                .setOutputCols("checking_status_risk", "purpose_risk")
                .setLabelCol("class")
                .fit(train);
        Dataset<Row> mapped = model.transform(test);
        // doc:end
        assertEquals(200, mapped.count());
        // doc:begin
        model.write().overwrite().save("target/java-risk-model");
        RiskTableMapperModel reloaded = RiskTableMapperModel.load("target/java-risk-model");
        byte[] json = RiskTableMapCodec.toJson(reloaded.riskTables());
        RiskTableMapperModel fromArtifacts = RiskTableMapperModel.fromRiskTables(RiskTableMapCodec.fromJson(json, "risk_table_map.json"));
        // doc:end
        assertEquals(model.riskTables(), fromArtifacts.riskTables());
        // doc:begin
        MissingValueImputerModel imputer = new MissingValueImputer()
                .setInputCols("age", "duration")
                .setStrategies("median", "mean")
                .fit(train);
        Dataset<Row> filled = imputer.transform(test);
        // doc:end
        assertEquals(200, filled.count());

        String source = Files.readString(SparkTestSession.repoRoot().resolve("spark-job/src/test/java/io/riskmapping/job/SparkShellDocJavaTest.java"));
        String doc = normalize(String.join("\n", SparkShellDocTest.blocks(
                Files.readString(SparkTestSession.repoRoot().resolve("docs/spark-shell.md")), "java")));
        Matcher m = Pattern.compile("(?s)// doc:begin\\n(.*?)// doc:end").matcher(source);
        int regions = 0;
        while (m.find()) {
            regions++;
            assertTrue(doc.contains(normalize(m.group(1))), "docs/spark-shell.md lacks:\n" + m.group(1));
        }
        assertEquals(3, regions);
    }

    private static String normalize(String code) {
        StringBuilder sb = new StringBuilder();
        for (String line : code.split("\n")) {
            if (!line.isBlank()) {
                sb.append(line.strip()).append('\n');
            }
        }
        return sb.toString();
    }
}
