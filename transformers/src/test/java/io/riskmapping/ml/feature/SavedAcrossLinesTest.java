package io.riskmapping.ml.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

/**
 * Saved models are interchangeable across Spark lines: a {@code PipelineModel} (imputer, then risk
 * tables) saved by each line is kept in {@code saved-models/lines/spark-<line>/} and loaded here, on
 * whichever line this build tests, giving the hand-computed values.
 *
 * <p>The fixtures are written by {@link #writesThisLinesFixtureWhenAsked} on each line, once:
 * {@code mvn -Pspark-<line> -pl transformers -am test -Dtest=SavedAcrossLinesTest
 * -Driskmapping.saveLineModels=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SavedAcrossLinesTest {

    static final Path FIXTURES = SparkTestSession.repoRoot().resolve("transformers/src/test/resources/saved-models/lines");
    static final List<String> LINES = List.of("spark-3.5", "spark-3.5-scala-2.13", "spark-4.0", "spark-4.1", "spark-4.2");

    // c: A has 2 fit rows (1 event), B has 3 (2 events); the prior is 3/5; smooth factor 0, threshold 1.
    // x: 1, 3, null, 5, 1: the mean of the four values is 2.5.
    static final String TRAIN = "c,x,y\nA,1,1\nA,3,0\nB,,1\nB,5,1\nB,1,0\n";
    static final String SCORE = "c,x,y\nA,,0\nB,7,1\nZ,1,0\n,2,1\n";

    @TempDir
    Path tmp;

    private Dataset<Row> csv(String name, String text) throws IOException {
        Path f = tmp.resolve(name + ".csv");
        Files.writeString(f, text);
        return SparkTestSession.get().read().option("header", "true").option("inferSchema", "true").csv(f.toString())
                .withColumn("x", org.apache.spark.sql.functions.col("x").cast("double"));
    }

    @Test
    void everyLinesSavedPipelineLoadsAndScoresHere() throws IOException {
        List<String> present;
        try (Stream<Path> s = Files.list(FIXTURES)) {
            present = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(LINES, present, "a saved model of every supported line is kept");
        Dataset<Row> score = csv("score", SCORE);
        for (String line : LINES) {
            PipelineModel model = PipelineModel.load(FIXTURES.resolve(line).resolve("pipeline").toString());
            Map<String, double[]> out = new TreeMap<>();
            for (Row r : model.transform(score).select("c", "c_risk", "x_imputed").collectAsList()) {
                out.put(String.valueOf(r.get(0)), new double[] {r.getDouble(1), r.getDouble(2)});
            }
            assertEquals(0.5, out.get("A")[0], 1e-15, line + ": A");
            assertEquals(2.5, out.get("A")[1], 1e-15, line + ": x null -> the mean");
            assertEquals(2.0 / 3, out.get("B")[0], 1e-15, line + ": B");
            assertEquals(7.0, out.get("B")[1], 0, line);
            assertEquals(0.6, out.get("Z")[0], 1e-15, line + ": unseen -> the prior");
            assertEquals(0.6, out.get("null")[0], 1e-15, line + ": null -> the prior");
            RiskTableMapperModel risk = (RiskTableMapperModel) model.stages()[1];
            assertEquals(5, risk.statistics().fitRows(), line);
            assertNull(risk.riskTables().get("c").bins().get("Z"), line);
        }
    }

    @Test
    void writesThisLinesFixtureWhenAsked() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("riskmapping.saveLineModels"), "writes fixtures only with -Driskmapping.saveLineModels=true");
        String line = "spark-" + System.getProperty("riskmapping.spark.line");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new MissingValueImputer().setInputCols("x").setOutputCols("x_imputed").setStrategies("mean"),
            new RiskTableMapper().setInputCols("c").setOutputCols("c_risk").setLabelCol("y").setSmoothFactor(0).setCountThreshold(1)});
        PipelineModel model = pipeline.fit(csv("train", TRAIN));
        model.write().overwrite().save(FIXTURES.resolve(line).resolve("pipeline").toString());
    }
}
