package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.artifacts.WoeScorer;
import io.riskmapping.artifacts.WoeTableMap;
import io.riskmapping.artifacts.WoeTableMapCodec;
import io.riskmapping.testing.SparkTestSession;

/** encoding = woe in the job, and iv_summary.json of every training run. */
class WoeJobTest {

    static final List<String> FIELDS = List.of("checking_status", "purpose", "housing");

    @TempDir
    static Path tmp;
    static Path riskOut;
    static Path woeOut;
    static JobHarness.Result woeRun;

    @BeforeAll
    static void runBothEncodings() {
        Path input = SparkTestSession.germanCredit("csv");
        Path hpRisk = tmp.resolve("risk.json");
        JobHarness.write(hpRisk, "{\"cat_field_list\": [\"checking_status\", \"purpose\", \"housing\"], \"label_name\": \"class\"}");
        Path hpWoe = tmp.resolve("woe.json");
        JobHarness.write(hpWoe, "{\"cat_field_list\": [\"checking_status\", \"purpose\", \"housing\"], \"label_name\": \"class\", \"encoding\": \"woe\"}");
        riskOut = tmp.resolve("risk-out");
        woeOut = tmp.resolve("woe-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", riskOut.toString(),
                "--hyperparameters", hpRisk.toString());
        assertEquals(0, r.exitCode(), r.toString());
        woeRun = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", woeOut.toString(),
                "--hyperparameters", hpWoe.toString());
        assertEquals(0, woeRun.exitCode(), woeRun.toString());
    }

    @Test
    void everyTrainingRunWritesTheSameIvRankingSortedByIv() throws Exception {
        JsonNode risk = new ObjectMapper().readTree(riskOut.resolve("model_artifacts/iv_summary.json").toFile());
        JsonNode woe = new ObjectMapper().readTree(woeOut.resolve("model_artifacts/iv_summary.json").toFile());
        assertEquals(risk, woe, "the ranking does not depend on the encoding");
        List<String> order = new ArrayList<>();
        double previous = Double.MAX_VALUE;
        for (JsonNode f : risk) {
            order.add(f.get("field").asText());
            double iv = f.get("iv").doubleValue();
            assertTrue(iv <= previous, "sorted by IV");
            previous = iv;
            assertTrue(f.get("iv_ci_lower").doubleValue() <= iv && iv <= f.get("iv_ci_upper").doubleValue());
            assertTrue(f.get("iv_se").doubleValue() > 0);
            for (String k : new String[] {"field", "iv", "iv_se", "iv_ci_lower", "iv_ci_upper", "n_bins"}) {
                assertTrue(f.has(k), k);
            }
        }
        assertEquals(List.of("checking_status", "purpose", "housing"), order);
        // checking_status on train (600 rows, 200 bad), by hand from the awk counts:
        // '<0' 100/67, '0<=X<200' 65/93, '>=200' 7/25, 'no checking' 28/215 (bad/good)
        double[][] bg = {{100, 67}, {65, 93}, {7, 25}, {28, 215}};
        double iv = 0;
        for (double[] c : bg) {
            iv += (c[0] / 200 - c[1] / 400) * Math.log((c[0] / 200) / (c[1] / 400));
        }
        assertEquals(iv, risk.get(0).get("iv").doubleValue(), 1e-12);
        assertEquals(4, risk.get(0).get("n_bins").intValue());
        assertTrue(woeRun.out().contains("information value (train, event = 1), highest first"), woeRun.out());
    }

    @Test
    void numericFieldsAreBinnedMonotonicallyThenEncodedAndTheEdgesAreSaved() throws Exception {
        Path hp = tmp.resolve("bins.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"purpose\"], \"label_name\": \"class\", \"encoding\": \"woe\","
                + " \"numeric_binning\": {\"fields\": [\"duration\", \"age\"], \"num_bins\": 6, \"monotonic\": \"increasing\"}}");
        Path out = tmp.resolve("bins-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit("csv").toString(),
                "--output-dir", out.toString(), "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode bins = new ObjectMapper().readTree(out.resolve("model_artifacts/numeric_bins.json").toFile()).get("bins");
        WoeTableMap tables = WoeTableMapCodec.fromJson(Files.readAllBytes(out.resolve("model_artifacts/woe_table_map.json")), "woe");
        for (String f : new String[] {"duration", "age"}) {
            int edges = bins.get(f).size();
            java.util.Map<Object, Double> woe = tables.get(f, "1").woe();
            assertEquals(edges + 1, woe.size(), f + ": one WOE per value bin (no missing values in German Credit)");
            double previous = Double.NEGATIVE_INFINITY;
            for (int b = 0; b <= edges; b++) {
                double w = woe.get((double) b);
                assertTrue(w >= previous, f + ": WOE (so the event rate) increases with the bin: " + woe);
                previous = w;
            }
        }
        // the binned fields are ranked too
        JsonNode iv = new ObjectMapper().readTree(out.resolve("model_artifacts/iv_summary.json").toFile());
        List<String> ranked = new ArrayList<>();
        iv.forEach(n -> ranked.add(n.get("field").asText()));
        assertTrue(ranked.containsAll(List.of("purpose", "duration", "age")), ranked.toString());
        assertTrue(r.out().contains("binned     duration ("), r.out());
    }

    @Test
    void woeOutputIsTheArtifactsWoeAndValidationReproducesIt() throws Exception {
        WoeTableMap tables = WoeTableMapCodec.fromJson(Files.readAllBytes(woeOut.resolve("model_artifacts/woe_table_map.json")), "woe");
        assertEquals(List.of("_manifest.json", "hyperparameters.json", "iv_summary.json", "report.html", "run_summary.json", "train_profile.json", "woe_table_map.json", "woe_table_map.pkl"), JobHarness.names(woeOut.resolve("model_artifacts")));
        Path in = SparkTestSession.germanCredit("csv").resolve("val");
        for (String shard : JobHarness.names(in)) {
            List<String[]> src = JobHarness.readText(in.resolve(shard));
            List<String[]> out = JobHarness.readText(woeOut.resolve("val").resolve(shard));
            List<String> header = List.of(src.get(0));
            for (int i = 1; i < src.size(); i++) {
                for (String f : FIELDS) {
                    int c = header.indexOf(f);
                    double expected = new WoeScorer(tables.get(f, "1")).score(src.get(i)[c]);
                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Double.parseDouble(out.get(i)[c])), f);
                }
            }
        }
        Path vin = tmp.resolve("validation-in");
        JobHarness.copyTree(in, vin.resolve("validation"));
        Path vout = tmp.resolve("validation-out");
        JobHarness.Result r = JobHarness.run("--job-type", "validation", "--input-dir", vin.toString(), "--output-dir", vout.toString(),
                "--model-artifacts-input", woeOut.resolve("model_artifacts").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("loaded 3 WOE tables"), r.err());
        for (String shard : JobHarness.names(in)) {
            assertEquals(Files.readString(woeOut.resolve("val").resolve(shard)), Files.readString(vout.resolve("validation").resolve(shard)));
        }
    }
}
