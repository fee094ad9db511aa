package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.testing.SparkTestSession;

/**
 * The report, run summary and train profile of a multiclass label: German Credit with
 * {@code housing} (for free, own, rent) as the label, {@code count} smoothing 4 and
 * {@code count_threshold} 1 (as {@link MulticlassTargetJobTest}). Every expected value is counted
 * here from the CSV files: the profile's class and category rows, each split's class balance,
 * checking_status's table (per class its raw rate and smoothed risk), and a validation run from the
 * artifacts gives val the same drift as the training run.
 */
class MulticlassReportTest {

    @TempDir
    static Path tmp;

    static final List<String> CLASSES = MulticlassTargetJobTest.CLASSES;
    static final double M = MulticlassTargetJobTest.M;

    private static Path trained;
    private static JobHarness.Result run;
    private static JsonNode summary;

    @BeforeAll
    static void train() throws IOException {
        run = MulticlassTargetJobTest.trainGermanCredit(tmp);
        trained = tmp.resolve("training");
        summary = json(trained.resolve("model_artifacts/run_summary.json"));
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    private static Map<String, long[]> counts(String split, String column) {
        return MulticlassTargetJobTest.counts(split, column);
    }

    /** The label balance of a split counted from its CSV files, as run_summary.json writes it. */
    private static void assertBalance(String split, JsonNode labels) {
        assertNotNull(labels, split + ": a label balance");
        long[] all = counts(split, "housing").get("");
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int k = 0; k < CLASSES.size(); k++) {
            expected.put(CLASSES.get(k), all[1 + k]);
        }
        Map<String, Long> actual = new LinkedHashMap<>();
        labels.get("classes").fields().forEachRemaining(e -> actual.put(e.getKey(), e.getValue().asLong()));
        assertEquals(expected, actual, split + ": rows per class, in the tables' order");
        assertEquals(all[0], labels.get("labelled").asLong(), split);
        assertEquals(0, labels.get("unlabelled").asLong(), split);
        assertFalse(labels.has("events") || labels.has("mean"), labels.toString());
    }

    @Test
    void trainProfileHoldsTheClassRowsAndEachFieldsCategoryRows() throws IOException {
        JsonNode profile = json(trained.resolve("model_artifacts/" + TrainProfile.FILE));
        assertEquals(1, profile.get("format_version").asInt());
        JsonNode label = profile.get("label");
        assertEquals("housing", label.get("column").asText());
        assertEquals("multiclass", label.get("target_type").asText());
        long[] all = counts("train", "housing").get("");
        assertEquals(List.of("for free", "own", "rent"), List.copyOf(iterable(label.get("classes").fieldNames())));
        for (int k = 0; k < CLASSES.size(); k++) {
            assertEquals(all[1 + k], label.get("classes").get(CLASSES.get(k)).asLong(), CLASSES.get(k));
        }
        assertEquals(0, label.get("unlabelled").asLong());
        assertFalse(profile.has("events") || profile.has("non_events"), "no events for a multiclass label");
        for (String field : List.of("checking_status", "purpose")) {
            Map<String, long[]> byCategory = counts("train", field);
            JsonNode f = profile.get("fields").get(field);
            assertEquals("categorical", f.get("mode").asText());
            assertEquals(0, f.get("null_rows").asLong());
            assertEquals(byCategory.size() - 1, f.get("categories").size(), field);
            f.get("categories").fields().forEachRemaining(e -> assertEquals(byCategory.get(e.getKey())[0], e.getValue().asLong(),
                    field + " " + e.getKey()));
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void thePrintedSummaryHasTheRowsPerClass() {
        long[] all = counts("train", "housing").get("");
        String line = String.format(Locale.ROOT, "  label      housing: %,d train rows, %,d labelled (multiclass: for free %d, own %d, "
                + "rent %d), 0 unlabelled", all[0], all[0], all[1], all[2], all[3]);
        assertTrue(run.out().contains(line + "\n") && run.out().contains("  fields     2 mapped, 0 skipped\n"), line + "\n" + run.out());
        assertTrue(run.out().contains("  passes     fit "), run.out());
    }

    @Test
    void everySplitsClassBalanceIsCounted() {
        assertEquals("multiclass", summary.get("run").get("target_type").asText());
        assertEquals(3, summary.get("splits").size());
        for (JsonNode split : summary.get("splits")) {
            assertBalance(split.get("name").asText(), split.get("labels"));
        }
    }

    @Test
    void checkingStatusTableHasEachClasssRawRateAndSmoothedRisk() throws IOException {
        Map<String, long[]> byCategory = counts("train", "checking_status");
        long[] all = byCategory.get("");
        JsonNode field = summary.get("fields").get(0);
        assertEquals("checking_status", field.get("field").asText());
        assertEquals(0, field.get("null_rows").asLong());
        assertEquals(byCategory.size() - 1, field.get("categories").size());
        long previous = Long.MAX_VALUE;
        for (JsonNode c : field.get("categories")) {
            long[] nk = byCategory.get(c.get("key").asText());
            assertEquals(nk[0], c.get("train_rows").asLong(), c.toString());
            assertTrue(nk[0] <= previous, "most train rows first");
            previous = nk[0];
            assertFalse(c.has("train_events") || c.has("woe"), c.toString());
            assertEquals(CLASSES.size(), c.get("classes").size());
            for (int k = 0; k < CLASSES.size(); k++) {
                JsonNode v = c.get("classes").get(k);
                double prior = (double) all[1 + k] / all[0];
                assertEquals(CLASSES.get(k), v.get("class_name").asText());
                assertEquals(nk[1 + k], v.get("train_rows").asLong(), v.toString());
                assertEquals((double) nk[1 + k] / nk[0], v.get("rate").doubleValue(), 1e-12, v.toString());
                assertEquals((nk[1 + k] + M * prior) / (nk[0] + M), v.get("value").doubleValue(), 1e-12, v.toString());
            }
        }
        for (int k = 0; k < CLASSES.size(); k++) {
            JsonNode t = field.get("class_totals").get(k);
            double prior = (double) all[1 + k] / all[0];
            assertEquals(all[1 + k], t.get("train_rows").asLong());
            assertEquals(prior, t.get("rate").doubleValue(), 1e-12, "the class's share of train: its prior");
            assertEquals(prior, t.get("value").doubleValue(), 1e-12, "the default: the prior");
            JsonNode n = field.get("null_classes").get(k);
            assertEquals(prior, n.get("value").doubleValue(), 1e-12, "nulls get the prior");
        }
        // the page: the '<0' row (count, share over 600 rows, then rate and risk of each class) and the total
        long[] lt0 = byCategory.get("<0");
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT,
                "<td class=\"key\">&lt;0</td><td class=\"num\">%d</td><td class=\"num\">%.2f%%</td>", lt0[0], 100.0 * lt0[0] / all[0]));
        StringBuilder total = new StringBuilder(String.format(Locale.ROOT,
                "<td class=\"key\">total</td><td class=\"num\">%d</td><td class=\"num\">100.00%%</td>", all[0]));
        for (int k = 0; k < CLASSES.size(); k++) {
            double prior = (double) all[1 + k] / all[0];
            row.append(String.format(Locale.ROOT, "<td class=\"num\">%.4f</td><td class=\"num\">%.4f</td>", (double) lt0[1 + k] / lt0[0],
                    (lt0[1 + k] + M * prior) / (lt0[0] + M)));
            total.append(String.format(Locale.ROOT, "<td class=\"num\">%.4f</td><td class=\"num\"></td>", prior));
        }
        String page = Files.readString(trained.resolve("model_artifacts/report.html"));
        assertTrue(page.contains(row), "checking_status <0 row: " + row);
        assertTrue(page.contains(total), "the totals row: " + total);
        assertTrue(page.contains("<th colspan=\"2\">for free</th><th colspan=\"2\">own</th><th colspan=\"2\">rent</th>"), "a column pair per class");
        assertTrue(page.contains("<tr><th>split</th><th>for free</th><th>own</th><th>rent</th><th>labelled</th><th>unlabelled</th></tr>"),
                "the class balance table");
        assertFalse(page.contains("<th>WOE</th>"), "no WOE for a multiclass label");
    }

    @Test
    void aValidationRunFromTheArtifactsGivesValTheSameDrift() throws IOException {
        Path input = tmp.resolve("validation-in");
        JobHarness.copyTree(SparkTestSession.germanCredit("csv").resolve("val"), input.resolve("validation"));
        Path out = tmp.resolve("validation");
        JobHarness.Result v = JobHarness.run("--job-type", "validation", "--input-dir", input.toString(), "--output-dir", out.toString(),
                "--model-artifacts-input", trained.resolve("model_artifacts").toString());
        assertEquals(0, v.exitCode(), v.toString());
        JsonNode later = json(out.resolve("model_artifacts/run_summary-validation.json"));
        assertEquals("multiclass", later.get("run").get("target_type").asText());
        JsonNode trainingVal = summary.get("drift").get("val");
        JsonNode validation = later.get("drift").get("validation");
        assertEquals(2, trainingVal.size());
        assertEquals(trainingVal.size(), validation.size());
        for (int i = 0; i < trainingVal.size(); i++) {
            JsonNode a = trainingVal.get(i);
            JsonNode b = validation.get(i);
            assertFalse(a.get("psi").isNull(), "PSI from the train profile: " + a);
            for (String k : List.of("field", "rows", "null_share", "unseen_share", "psi", "flag")) {
                assertEquals(a.get(k), b.get(k), k + " of " + a);
            }
        }
        assertBalance("val", later.get("splits").get(0).get("labels"));
        // the table from the artifacts: train rows per category (the profile) and each class's risk, no raw rates
        Map<String, long[]> byCategory = counts("train", "checking_status");
        JsonNode c = later.get("fields").get(0).get("categories").get(0);
        long[] nk = byCategory.get(c.get("key").asText());
        assertEquals(nk[0], c.get("train_rows").asLong());
        JsonNode own = c.get("classes").get(1);
        double prior = (double) byCategory.get("")[2] / byCategory.get("")[0];
        assertEquals((nk[2] + M * prior) / (nk[0] + M), own.get("value").doubleValue(), 1e-12);
        assertFalse(own.has("rate") && !own.get("rate").isNull(), "no raw rate without the fit's counts: " + own);
    }
}
