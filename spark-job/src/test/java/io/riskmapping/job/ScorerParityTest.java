package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.riskmapping.artifacts.ArtifactScorers;
import io.riskmapping.testing.SparkTestSession;

/**
 * Real-time alignment: every row of the val split, scored one record at a time by the scorers loaded
 * from the training run's artifacts, gives exactly (bit for bit) the values of the batch job's shards.
 * German Credit with blanks added (every 7th value of some fields) so nulls, unseen values,
 * imputation before mapping and a numeric-mode text field are all exercised; in val,
 * {@code credit_amount} also has text that is not a number and an infinite value (the missing bin
 * of a binned field). Runs: risk tables with imputation; a null category with count smoothing;
 * quantile bins after imputation with a null category and auto smoothing; WOE over tree bins
 * after imputation; kmeans and uniform bins; a continuous label ({@code credit_amount}) with
 * count smoothing.
 */
class ScorerParityTest {

    static final List<String> FIELDS = List.of("checking_status", "credit_history", "purpose", "savings_status", "employment",
            "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job",
            "own_telephone", "foreign_worker", "num_dependents", "existing_credits");
    static final List<String> IMPUTED = List.of("age", "duration");

    @TempDir
    static Path tmp;
    static Path input;
    static Path output;

    @BeforeAll
    static void trainWithBlanks() {
        input = tmp.resolve("in");
        int n = 0;
        for (String split : TrainingJobTest.SPLITS) {
            for (String shard : JobHarness.names(SparkTestSession.germanCredit("csv").resolve(split))) {
                List<String[]> rows = JobHarness.readText(SparkTestSession.germanCredit("csv").resolve(split).resolve(shard));
                List<String> header = Arrays.asList(rows.get(0));
                StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
                for (String[] r : rows.subList(1, rows.size())) {
                    n++;
                    for (String blank : new String[] {"purpose", "age", "duration", "num_dependents"}) {
                        if ((n + blank.length()) % 7 == 0) {
                            r[header.indexOf(blank)] = "";
                        }
                    }
                    if (split.equals("val") && n % 11 == 0) {
                        r[header.indexOf("housing")] = "castle";   // unseen in train
                    }
                    if (split.equals("val") && n % 13 == 5) {
                        r[header.indexOf("credit_amount")] = n % 2 == 0 ? "n/a" : "1e999";   // missing, not blank
                    }
                    sb.append(String.join(",", r)).append('\n');
                }
                JobHarness.write(input.resolve(split).resolve(shard), sb.toString());
            }
        }
        Path hp = tmp.resolve("hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"" + String.join("\", \"", FIELDS) + "\"], \"label_name\": \"class\","
                + " \"numeric_imputation\": {\"age\": \"median\", \"duration\": \"mean\"}}");
        output = tmp.resolve("out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", output.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void everyValRowScoredAloneEqualsTheBatchOutputBitForBit() {
        int defaults = assertValScoredAloneEqualsTheBatch(output);
        assertTrue(defaults > 20, "nulls and unseen values reached the default bin: " + defaults);
    }

    /** Nulls as a category of their own, count smoothing: the scorers give the null bin to the empty fields as the job does. */
    @Test
    void aNullCategoryIsScoredAsTheBatchJobMapsIt() {
        Path hp = tmp.resolve("hp-null.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"" + String.join("\", \"", FIELDS) + "\"], \"label_name\": \"class\","
                + " \"numeric_imputation\": {\"age\": \"median\", \"duration\": \"mean\"},"
                + " \"handle_missing\": \"category\", \"smoothing_mode\": \"count\", \"smoothing\": 3}");
        Path out = tmp.resolve("out-null");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        ArtifactScorers scorers = ArtifactScorers.load(out.resolve("model_artifacts"));
        Double purposeNull = scorers.riskTables().get("purpose").nullBin();
        assertTrue(purposeNull != null && scorers.riskTables().get("num_dependents").nullBin() != null);
        assertTrue(purposeNull != scorers.riskTables().get("purpose").defaultBin());
        assertValScoredAloneEqualsTheBatch(out);
        int nullBins = 0;
        for (String shard : JobHarness.names(input.resolve("val"))) {
            List<String[]> in = JobHarness.readText(input.resolve("val").resolve(shard));
            List<String[]> mapped = JobHarness.readText(out.resolve("val").resolve(shard));
            int c = Arrays.asList(in.get(0)).indexOf("purpose");
            for (int i = 1; i < in.size(); i++) {
                if (in.get(i)[c] == null || in.get(i)[c].isEmpty()) {
                    nullBins++;
                    double batch = Double.parseDouble(mapped.get(i)[c]);
                    assertEquals(purposeNull, batch, 0.0, shard + " row " + i);
                    // the empty field as a CSV reader that keeps text gives it: the same bits
                    assertEquals(Double.doubleToRawLongBits(batch), Double.doubleToRawLongBits(
                            scorers.riskScorers().get("purpose").score("")), shard + " row " + i);
                }
            }
        }
        assertTrue(nullBins > 10, "empty purposes in val: " + nullBins);
    }

    /** Scores every val row alone with the artifacts of {@code run} and compares with its val shards; returns how many got the default bin. */
    private static int assertValScoredAloneEqualsTheBatch(Path run) {
        ArtifactScorers scorers = ArtifactScorers.load(run.resolve("model_artifacts"));
        assertEquals("numeric", scorers.riskTables().get("num_dependents").mode().label());
        return assertValScoredAloneEqualsTheBatch(run, FIELDS, IMPUTED);
    }

    /**
     * Scores every val row alone with the artifacts of {@code run}; {@code encoded} fields (mapped to
     * a risk or WOE) must equal the val shards' values bit for bit, {@code imputed} ones (imputed
     * only) by value, every other column as text. Returns how many risk values were a default bin.
     */
    private static int assertValScoredAloneEqualsTheBatch(Path run, List<String> encoded, List<String> imputed) {
        ArtifactScorers scorers = ArtifactScorers.load(run.resolve("model_artifacts"));
        int rows = 0;
        int defaults = 0;
        for (String shard : JobHarness.names(input.resolve("val"))) {
            List<String[]> in = JobHarness.readText(input.resolve("val").resolve(shard));
            List<String[]> out = JobHarness.readText(run.resolve("val").resolve(shard));
            String[] header = in.get(0);
            for (int i = 1; i < in.size(); i++) {
                Map<String, Object> record = new LinkedHashMap<>();
                for (int c = 0; c < header.length; c++) {
                    record.put(header[c], in.get(i)[c]);
                }
                Map<String, Object> scored = scorers.score(record);
                for (int c = 0; c < header.length; c++) {
                    String where = shard + " row " + i + " " + header[c];
                    if (encoded.contains(header[c])) {
                        double batch = Double.parseDouble(out.get(i)[c]);
                        double online = (Double) scored.get(header[c]);
                        assertEquals(Double.doubleToRawLongBits(batch), Double.doubleToRawLongBits(online), where + ": " + batch + " vs " + online);
                        if (scorers.riskTables().get(header[c]) != null && online == scorers.riskTables().get(header[c]).defaultBin()) {
                            defaults++;
                        }
                    } else if (imputed.contains(header[c])) {
                        assertEquals(Double.parseDouble(out.get(i)[c]), Double.parseDouble(String.valueOf(scored.get(header[c]))), 0.0, where);
                    } else {
                        assertEquals(out.get(i)[c], scored.get(header[c]), where);
                    }
                }
                rows++;
            }
        }
        assertEquals(200, rows);
        return defaults;
    }

    static final List<String> BINNED = List.of("duration", "credit_amount", "age");

    /** The categorical fields and the binned ones: every column a binning run encodes. */
    static List<String> encodedWithBins() {
        List<String> all = new java.util.ArrayList<>(FIELDS);
        all.addAll(BINNED);
        return all;
    }

    /** Runs the training job on the blanked input with {@code extra} hyperparameters; returns the output folder. */
    private static Path train(String name, String extra) {
        return train(name, FIELDS, "class", extra);
    }

    /** Runs the training job on the blanked input, mapping {@code fields} for {@code label}; returns the output folder. */
    private static Path train(String name, List<String> fields, String label, String extra) {
        Path hp = tmp.resolve("hp-" + name + ".json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"" + String.join("\", \"", fields) + "\"], \"label_name\": \"" + label + "\", "
                + extra + "}");
        Path out = tmp.resolve("out-" + name);
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /** Every val value of a binned field that is missing (blank, not a number, infinite) in the input. */
    private static int missingInVal(String field) {
        int missing = 0;
        for (String shard : JobHarness.names(input.resolve("val"))) {
            List<String[]> in = JobHarness.readText(input.resolve("val").resolve(shard));
            int c = Arrays.asList(in.get(0)).indexOf(field);
            for (String[] r : in.subList(1, in.size())) {
                if (io.riskmapping.artifacts.NumericKeys.parse(r[c]) == null) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /**
     * Quantile bins after imputation, nulls as a category, auto smoothing: a raw value of a binned
     * field is binned by the edges, then its bin's risk looked up; loading and saving back gives
     * the job's bytes.
     */
    @Test
    void quantileBinsAfterImputationWithANullCategoryAndAutoSmoothing() throws Exception {
        Path out = train("quantile", "\"numeric_imputation\": {\"age\": \"median\"}, \"handle_missing\": \"category\","
                + " \"smoothing_mode\": \"auto\", \"numeric_binning\": {\"fields\": [\"duration\", \"credit_amount\", \"age\"],"
                + " \"method\": \"quantile\", \"num_bins\": 5}");
        Path artifacts = out.resolve("model_artifacts");
        ArtifactScorers scorers = ArtifactScorers.load(artifacts);
        assertEquals(BINNED, List.copyOf(scorers.numericBins().fields()));
        assertTrue(missingInVal("credit_amount") > 10, "missing credit_amount values in val: " + missingInVal("credit_amount"));
        assertValScoredAloneEqualsTheBatch(out, encodedWithBins(), List.of());
        // a binned field's missing values (no impute value) get the risk of its missing bin
        int k = scorers.numericBins().missingBin("credit_amount");
        assertEquals(scorers.riskScorers().get("credit_amount").score((double) k), (Double) scorers.score(Map.of("credit_amount", "n/a"))
                .get("credit_amount"), 0.0);
        assertSavedBackAsTheJobWroteThem(scorers, artifacts, "risk_table_map.json", "risk_table_map.pkl", "numeric_bins.json",
                "impute_dict.json", "impute_dict.pkl");
    }

    /** WOE over tree bins after imputation: the WOE tables apply to the bin indexes; saving back gives the job's bytes. */
    @Test
    void woeOverTreeBinsAfterImputation() throws Exception {
        Path out = train("woe", "\"encoding\": \"woe\", \"numeric_imputation\": {\"age\": \"median\", \"duration\": \"mean\"},"
                + " \"numeric_binning\": {\"fields\": [\"duration\", \"credit_amount\", \"age\"], \"method\": \"tree\", \"num_bins\": 8,"
                + " \"monotonic\": \"auto\"}");
        Path artifacts = out.resolve("model_artifacts");
        ArtifactScorers scorers = ArtifactScorers.load(artifacts);
        assertTrue(scorers.riskTables().list().isEmpty());
        assertEquals(FIELDS.size() + BINNED.size(), scorers.woeScorers().size());
        assertValScoredAloneEqualsTheBatch(out, encodedWithBins(), List.of());
        // '<0' on train: 100 of the 200 events, 67 of the 400 non-events
        assertEquals(Math.log((100.0 / 200) / (67.0 / 400)), (Double) scorers.score(Map.of("checking_status", "<0")).get("checking_status"), 1e-12);
        Path saved = assertSavedBackAsTheJobWroteThem(scorers, artifacts, "woe_table_map.json", "numeric_bins.json",
                "impute_dict.json", "impute_dict.pkl");
        assertTrue(!java.nio.file.Files.exists(saved.resolve("risk_table_map.json")), "a WOE run has no risk tables to save");
    }

    /** Saves {@code scorers} into a new folder; each of {@code files} must have the bytes the job wrote into {@code artifacts}. */
    private static Path assertSavedBackAsTheJobWroteThem(ArtifactScorers scorers, Path artifacts, String... files) throws Exception {
        Path saved = java.nio.file.Files.createTempDirectory(tmp, "saved");
        scorers.save(saved);
        for (String f : files) {
            assertArrayEquals(java.nio.file.Files.readAllBytes(artifacts.resolve(f)), java.nio.file.Files.readAllBytes(saved.resolve(f)), f);
        }
        return saved;
    }

    /**
     * A continuous label ({@code credit_amount}), count smoothing 10: the tables hold smoothed means
     * of the label in the usual format, and the scorers give the batch values bit for bit.
     */
    @Test
    void aContinuousTargetIsScoredAsTheBatchJobMapsIt() {
        List<String> fields = List.of("checking_status", "purpose", "savings_status", "housing", "num_dependents");
        Path out = train("continuous", fields, "credit_amount", "\"target_type\": \"continuous\", \"smoothing_mode\": \"count\", \"smoothing\": 10");
        // the prior is the mean of credit_amount over the 600 train rows, summed here from the input
        double sum = 0;
        int n = 0;
        for (String shard : JobHarness.names(input.resolve("train"))) {
            List<String[]> in = JobHarness.readText(input.resolve("train").resolve(shard));
            int y = Arrays.asList(in.get(0)).indexOf("credit_amount");
            for (String[] row : in.subList(1, in.size())) {
                sum += Double.parseDouble(row[y]);
                n++;
            }
        }
        assertEquals(600, n);
        ArtifactScorers scorers = ArtifactScorers.load(out.resolve("model_artifacts"));
        assertEquals(sum / n, scorers.riskTables().get("housing").defaultBin(), 1e-9 * sum / n);
        int defaults = assertValScoredAloneEqualsTheBatch(out, fields, List.of());
        assertTrue(defaults > 10, "nulls and unseen values reached the default bin: " + defaults);
    }

    /**
     * A multiclass label ({@code housing}: for free, own, rent), nulls as a category: each field's
     * class columns, scored one record at a time, equal the batch job's bit for bit.
     */
    @Test
    void aMulticlassTargetIsScoredAsTheBatchJobMapsIt() {
        List<String> fields = List.of("checking_status", "purpose", "savings_status", "num_dependents");
        Path out = train("multiclass", fields, "housing", "\"target_type\": \"multiclass\", \"handle_missing\": \"category\", "
                + "\"smoothing_mode\": \"auto\"");
        ArtifactScorers scorers = ArtifactScorers.load(out.resolve("model_artifacts"));
        assertEquals(List.of("for free", "own", "rent"), scorers.multiclassTables().classes());
        int classValues = 0;
        for (String shard : JobHarness.names(input.resolve("val"))) {
            List<String[]> in = JobHarness.readText(input.resolve("val").resolve(shard));
            List<String[]> mapped = JobHarness.readText(out.resolve("val").resolve(shard));
            String[] header = in.get(0);
            List<String> outHeader = Arrays.asList(mapped.get(0));
            for (int i = 1; i < in.size(); i++) {
                Map<String, Object> record = new LinkedHashMap<>();
                for (int c = 0; c < header.length; c++) {
                    record.put(header[c], in.get(i)[c]);
                }
                Map<String, Object> scored = scorers.score(record);
                assertEquals(outHeader, List.copyOf(scored.keySet()), "the scorer's keys are the batch output's columns, in order");
                for (int c = 0; c < outHeader.size(); c++) {
                    String where = shard + " row " + i + " " + outHeader.get(c);
                    if (scored.get(outHeader.get(c)) instanceof Double online) {
                        double batch = Double.parseDouble(mapped.get(i)[c]);
                        assertEquals(Double.doubleToRawLongBits(batch), Double.doubleToRawLongBits(online), where);
                        classValues++;
                    } else {
                        assertEquals(mapped.get(i)[c], scored.get(outHeader.get(c)), where);
                    }
                }
            }
        }
        assertEquals(200 * fields.size() * 3, classValues);
    }

    @Test
    void kmeansAndUniformBins() {
        for (String method : List.of("kmeans", "uniform")) {
            Path out = train(method, "\"numeric_binning\": {\"fields\": [\"duration\", \"credit_amount\", \"age\"],"
                    + " \"method\": \"" + method + "\", \"num_bins\": 6}");
            assertEquals(method, ArtifactScorers.load(out.resolve("model_artifacts")).numericBins().method());
            assertValScoredAloneEqualsTheBatch(out, encodedWithBins(), List.of());
        }
    }

    @Test
    void aValidationJobAppliesTheSavedImputationBeforeMapping() {
        Path in2 = tmp.resolve("validation-in");
        JobHarness.copyTree(input.resolve("val"), in2.resolve("validation"));
        Path out2 = tmp.resolve("validation-out");
        JobHarness.Result r = JobHarness.run("--job-type", "validation", "--input-dir", in2.toString(), "--output-dir", out2.toString(),
                "--model-artifacts-input", output.resolve("model_artifacts").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("imputed    age = "), r.out());
        for (String shard : JobHarness.names(in2.resolve("validation"))) {
            List<String[]> a = JobHarness.readText(output.resolve("val").resolve(shard));
            List<String[]> b = JobHarness.readText(out2.resolve("validation").resolve(shard));
            for (int i = 0; i < a.size(); i++) {
                assertEquals(Arrays.asList(a.get(i)), Arrays.asList(b.get(i)), shard + " row " + i);
            }
        }
    }

    @Test
    void outOfFoldTrainEncodingChangesTrainOnlyAndTheArtifactIsTheFullTable() throws Exception {
        Path hp = tmp.resolve("hp-oof.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"purpose\", \"checking_status\"], \"label_name\": \"class\", \"num_folds\": 5, \"fold_seed\": 1}");
        Path full = tmp.resolve("oof-full");
        Path hpFull = tmp.resolve("hp-full.json");
        JobHarness.write(hpFull, "{\"cat_field_list\": [\"purpose\", \"checking_status\"], \"label_name\": \"class\"}");
        assertEquals(0, JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", full.toString(),
                "--hyperparameters", hpFull.toString()).exitCode());
        Path oof = tmp.resolve("oof");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", input.toString(), "--output-dir", oof.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("encoded out of fold (5 folds)"), r.out());
        assertEquals(java.nio.file.Files.readString(full.resolve("model_artifacts/risk_table_map.json")),
                java.nio.file.Files.readString(oof.resolve("model_artifacts/risk_table_map.json")), "the artifact is the full-data table");
        int differ = 0;
        for (String split : TrainingJobTest.SPLITS) {
            for (String shard : JobHarness.names(full.resolve(split))) {
                List<String[]> a = JobHarness.readText(full.resolve(split).resolve(shard));
                List<String[]> b = JobHarness.readText(oof.resolve(split).resolve(shard));
                for (int i = 1; i < a.size(); i++) {
                    boolean same = Arrays.equals(a.get(i), b.get(i));
                    if (!split.equals("train")) {
                        assertTrue(same, split + " is mapped with the full table: " + shard + " row " + i);
                    } else if (!same) {
                        differ++;
                    }
                }
            }
        }
        assertTrue(differ > 500, "train rows encoded out of fold differ from the full-table values: " + differ + " of 600");
    }
}
