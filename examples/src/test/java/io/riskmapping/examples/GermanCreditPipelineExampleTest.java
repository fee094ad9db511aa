package io.riskmapping.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.testing.SparkTestSession;

class GermanCreditPipelineExampleTest {

    @TempDir
    Path tmp;

    @Test
    void pipelineSavesReloadsAndScoresTheTestSplitAboveTheFloor() {
        // A new session of the shared context: in Spark 4.1 a session that has used an Observation can no longer be
        // serialized (ObservationManager), and LogisticRegression's training summary, captured by the fitted model's
        // transform, holds the session. A fresh session keeps the test apart from whatever ran before it in this JVM.
        GermanCreditPipelineExample.Result r = GermanCreditPipelineExample.run(SparkTestSession.get().newSession(),
                SparkTestSession.germanCredit("parquet").toString(), tmp.resolve("model").toString());
        assertEquals(200, r.predictions().size());
        assertEquals(r.predictions(), r.reloadedPredictions(), "the reloaded pipeline predicts exactly the same");
        // floor: a logistic regression on German Credit typically reaches 0.75-0.80 test AUC; 0.5 is chance
        assertTrue(r.auc() >= 0.74, "test AUC " + r.auc());
        System.out.println("German Credit pipeline test AUC: " + r.auc());
    }
}
