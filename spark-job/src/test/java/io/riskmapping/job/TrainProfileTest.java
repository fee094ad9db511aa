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
        // the label column recorded in the profile: the validation split's label balance, as the training run counted val's
        JsonNode trainedVal = json(trainingArtifacts.resolve("run_summary.json")).get("splits").get(1);
        assertEquals("val", trainedVal.get("name").asText());
        assertEquals(trainedVal.get("labels"), json(artifacts.resolve("run_summary-validation.json")).get("splits").get(0).get("labels"));
        assertEquals("class", json(trainingArtifacts.resolve(TrainProfile.FILE)).get("label").get("column").asText());
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
    void aProfileWithoutTheLabelKeyGivesPsiButNoLabelBalance() throws IOException {
        Path older = tmp.resolve("unlabelled-profile-artifacts");
        JobHarness.copyTree(trainingArtifacts, older);
        Files.delete(older.resolve(Manifest.FILE));
        com.fasterxml.jackson.databind.node.ObjectNode profile = (com.fasterxml.jackson.databind.node.ObjectNode) json(older.resolve(TrainProfile.FILE));
        profile.remove("label");
        Files.write(older.resolve(TrainProfile.FILE), new ObjectMapper().writeValueAsBytes(profile));
        JobHarness.Result v = validate(older, tmp.resolve("validation-unlabelled-profile"));
        assertEquals(0, v.exitCode(), v.toString());
        JsonNode s = json(tmp.resolve("validation-unlabelled-profile/model_artifacts/run_summary-validation.json"));
        assertFalse(s.get("splits").get(0).has("labels"), s.get("splits").toString());
        s.get("drift").get("validation").forEach(f -> assertFalse(f.get("psi").isNull(), f.toString()));
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

    /** A continuous label's profile: the label's statistics instead of events and non-events, the label column by its logical name. */
    @Test
    void aContinuousProfileHoldsTheLabelsStatisticsAndReadsBack() {
        TrainProfile p = new TrainProfile(true, 0, 0, Map.of(
                "c", new TrainProfile.Field(RiskTable.Mode.CATEGORICAL, new java.util.LinkedHashMap<>(Map.of("x", 6L)), 2)),
                new TrainProfile.Label("y__DOT__z", true, 8, 6.5, 1.25));
        String text = new String(p.toJson(ColumnNames::field), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"column\" : \"y.z\"") && text.contains("\"target_type\" : \"continuous\"")
                && text.contains("\"count\" : 8") && text.contains("\"mean\" : 6.5") && text.contains("\"std\" : 1.25"), text);
        assertFalse(text.contains("events"), text);
        TrainProfile back = TrainProfile.fromJson(text.getBytes(StandardCharsets.UTF_8), f -> Optional.of(f.replace(".", ColumnNames.DOT)));
        assertEquals(p.label(), back.label());
        assertEquals(p.fields(), back.fields());
        TrainProfile noLabelColumn = TrainProfile.fromJson(text.getBytes(StandardCharsets.UTF_8),
                f -> f.equals("c") ? Optional.of("c") : Optional.empty());
        assertEquals(new TrainProfile.Label(null, true, 8, 6.5, 1.25), noLabelColumn.label(), "the split has no label column");
        TrainProfile binary = new TrainProfile(true, 3, 7, Map.of(), TrainProfile.Label.binary("class"));
        String binaryText = new String(binary.toJson(ColumnNames::field), StandardCharsets.UTF_8);
        assertTrue(binaryText.contains("\"target_type\" : \"binary\"") && binaryText.contains("\"events\" : 3"), binaryText);
        assertFalse(TrainProfile.fromJson(binaryText.getBytes(StandardCharsets.UTF_8), Optional::of).label().continuous());
    }

    /** A multiclass label's profile: rows per class (in the tables' order) and unlabelled rows instead of events and non-events. */
    @Test
    void aMulticlassProfileHoldsTheRowsPerClassAndReadsBack() {
        java.util.Map<String, Long> classes = new java.util.LinkedHashMap<>();
        classes.put("rent", 4L);
        classes.put("own", 9L);
        classes.put("for free", 1L);
        TrainProfile p = new TrainProfile(true, 0, 0, Map.of(
                "c", new TrainProfile.Field(RiskTable.Mode.CATEGORICAL, new java.util.LinkedHashMap<>(Map.of("x", 14L)), 0)),
                TrainProfile.Label.multiclass("y__DOT__z", classes, 2));
        String text = new String(p.toJson(ColumnNames::field), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"column\" : \"y.z\"") && text.contains("\"target_type\" : \"multiclass\"")
                && text.contains("\"classes\" : {\n      \"rent\" : 4,\n      \"own\" : 9,\n      \"for free\" : 1\n    }")
                && text.contains("\"unlabelled\" : 2"), text);
        assertTrue(text.contains("\"format_version\" : 1"), "keys added only: the same version");
        assertFalse(text.contains("events") || text.contains("\"mean\""), text);
        TrainProfile back = TrainProfile.fromJson(text.getBytes(StandardCharsets.UTF_8), f -> Optional.of(f.replace(".", ColumnNames.DOT)));
        assertEquals(p.label(), back.label());
        assertEquals(List.of("rent", "own", "for free"), List.copyOf(back.label().classes().keySet()), "the order kept");
        assertTrue(back.label().multiclass() && !back.label().continuous());
        assertEquals(p.fields(), back.fields());
        // without unlabelled (not recorded): -1
        String noUnlabelled = text.replace(",\n    \"unlabelled\" : 2", "");
        assertEquals(-1, TrainProfile.fromJson(noUnlabelled.getBytes(StandardCharsets.UTF_8), Optional::of).label().unlabelled(), noUnlabelled);
    }
}
