package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.artifacts.RiskTable;
import io.riskmapping.testing.SparkTestSession;

/**
 * train_profile.json: a validation run compares its split with train as the training run compared
 * val, and writes its own report beside the training run's instead of over it.
 */
class TrainProfileTest {

    @TempDir
    static Path tmp;

    private static Path trainingArtifacts;
    private static Path validationInput;

    /** German Credit CSV trained once; its val shards as a validation run's input. */
    @BeforeAll
    static void train() {
        Path data = SparkTestSession.repoRoot().resolve("test-data/german-credit/csv");
        Path out = tmp.resolve("training");
        JobHarness.Result r = JobHarness.run(JobHarness.training(data, out));
        assertEquals(0, r.exitCode(), r.toString());
        trainingArtifacts = out.resolve("model_artifacts");
        validationInput = tmp.resolve("in");
        JobHarness.copyTree(data.resolve("val"), validationInput.resolve("validation"));
    }

    private static JobHarness.Result validate(Path artifacts, Path out) {
        return JobHarness.run("--job-type", "validation", "--input-dir", validationInput.toString(), "--output-dir", out.toString(),
                "--model-artifacts-input", artifacts.toString());
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void aValidationRunGivesTheDriftTheTrainingRunGaveForTheSameSplit() throws IOException {
        Path out = tmp.resolve("validation");
        JobHarness.Result v = validate(trainingArtifacts, out);
        assertEquals(0, v.exitCode(), v.toString());
        Path artifacts = out.resolve("model_artifacts");
        List<String> names = JobHarness.names(artifacts);
        assertTrue(names.containsAll(List.of("report.html", "run_summary.json", "report-validation.html", "run_summary-validation.json",
                TrainProfile.FILE)), names.toString());
        for (String kept : List.of("report.html", "run_summary.json", TrainProfile.FILE)) {
            assertArrayEquals(Files.readAllBytes(trainingArtifacts.resolve(kept)), Files.readAllBytes(artifacts.resolve(kept)),
                    kept + ": the training run's, carried over unchanged");
        }
        JsonNode trained = json(trainingArtifacts.resolve("run_summary.json")).get("drift").get("val");
        JsonNode validated = json(artifacts.resolve("run_summary-validation.json")).get("drift").get("validation");
        assertEquals(trained.size(), validated.size());
        assertTrue(trained.size() > 5, trained.toString());
        int withPsi = 0;
        for (int i = 0; i < trained.size(); i++) {
            JsonNode a = trained.get(i);
            JsonNode b = validated.get(i);
            assertEquals(a.get("field").asText(), b.get("field").asText());
            for (String k : List.of("null_share", "unseen_share")) {
                assertEquals(a.get(k).doubleValue(), b.get(k).doubleValue(), 1e-15, a.get("field") + " " + k);
            }
            assertEquals(a.get("psi").isNull(), b.get("psi").isNull(), a.get("field") + " psi");
            if (!a.get("psi").isNull()) {
                assertEquals(a.get("psi").doubleValue(), b.get("psi").doubleValue(), 1e-15, a.get("field") + " psi");
                withPsi++;
            }
        }
        assertTrue(withPsi > 5, "PSI of the validation split against train: " + validated);
        assertFalse(v.err().contains("no drift against train"), v.err());
    }

    @Test
    void artifactsWithoutAProfileGiveNoPsiAndSaySo() throws IOException {
        Path old = tmp.resolve("old-artifacts");
        JobHarness.copyTree(trainingArtifacts, old);
        Files.delete(old.resolve(TrainProfile.FILE));
        Files.delete(old.resolve(Manifest.FILE));
        JobHarness.Result v = validate(old, tmp.resolve("validation-old"));
        assertEquals(0, v.exitCode(), v.toString());
        assertTrue(v.err().contains("holds no " + TrainProfile.FILE + " (the artifacts predate it): no drift against train (PSI)"),
                v.err());
        JsonNode validated = json(tmp.resolve("validation-old/model_artifacts/run_summary-validation.json")).get("drift").get("validation");
        validated.forEach(f -> assertTrue(f.get("psi").isNull(), f.toString()));
    }

    @Test
    void aProfileOfANewerFormatIsRefusedNamingTheFile() throws IOException {
        Path newer = tmp.resolve("newer-artifacts");
        JobHarness.copyTree(trainingArtifacts, newer);
        Files.delete(newer.resolve(Manifest.FILE));
        Files.writeString(newer.resolve(TrainProfile.FILE), "{\"format_version\": 99, \"fields\": {}}");
        JobHarness.Result v = validate(newer, tmp.resolve("validation-newer"));
        assertEquals(2, v.exitCode(), v.toString());
        assertTrue(v.err().contains(TrainProfile.FILE + " has format_version 99, newer than this job reads (1)"), v.err());
        assertFalse(Files.exists(tmp.resolve("validation-newer")), "no partial output");
    }

    /** The file on a hand-made profile: label balance, modes, numeric keys as text and back. */
    @Test
    void theFileHoldsTheCountsAndReadsBack() {
        TrainProfile p = new TrainProfile(true, 3, 7, Map.of(
                "a__DOT__b", new TrainProfile.Field(RiskTable.Mode.CATEGORICAL, new java.util.LinkedHashMap<>(Map.of("x", 6L)), 1),
                "n", new TrainProfile.Field(RiskTable.Mode.NUMERIC, new java.util.LinkedHashMap<>(Map.of(2.0, 4L, 0.5, 5L)), 0)));
        String text = new String(p.toJson(ColumnNames::field), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"events\" : 3") && text.contains("\"non_events\" : 7"), text);
        assertTrue(text.contains("\"a.b\"") && text.contains("\"mode\" : \"numeric\""), text);
        TrainProfile back = TrainProfile.fromJson(text.getBytes(StandardCharsets.UTF_8),
                f -> Optional.of(f.replace(".", ColumnNames.DOT)));
        assertEquals(p.fields(), back.fields());
        assertEquals(3, back.events());
        TrainProfile partial = TrainProfile.fromJson(text.getBytes(StandardCharsets.UTF_8),
                f -> f.equals("n") ? Optional.of("n") : Optional.empty());
        assertEquals(List.of("n"), List.copyOf(partial.fields().keySet()), "a field the files lack is left out");
        assertThrows(IllegalArgumentException.class, () -> TrainProfile.fromJson("[]".getBytes(StandardCharsets.UTF_8), Optional::of));
    }
}
