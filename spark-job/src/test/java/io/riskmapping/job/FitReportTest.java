package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.riskmapping.testing.SparkTestSession;

/** report.html and run_summary.json: the numbers on a hand-made example, self-containment, and rendering in Chromium. */
class FitReportTest {

    @TempDir
    static Path tmp;
    static Path out;
    static JsonNode summary;
    static String html;

    /*
     * train: c = A x6, B x4 (all labelled); val: A x2, B x1, C x1 (unseen), one null -> 5 rows:
     * null share 1/5, unseen share 1/5; PSI over {A, B, __other__, __null__, __unseen__} with empty
     * shares as 1e-4: train (.6, .4, 0, 0, 0), val (.4, .2, 0, .2, .2).
     */
    @BeforeAll
    static void runOnAHandMadeExample() throws IOException {
        Path in = tmp.resolve("in");
        String train = "c,y\nA,1\nA,0\nA,0\nA,1\nA,0\nA,0\nB,1\nB,1\nB,0\nB,0\n";
        JobHarness.write(in.resolve("train/part-00000.csv"), train);
        JobHarness.write(in.resolve("val/part-00000.csv"), "c,y\nA,1\nA,0\nB,1\nC,0\n,1\n");
        JobHarness.write(in.resolve("test/part-00000.csv"), train);
        Path hp = tmp.resolve("hp.json");
        JobHarness.write(hp, "{\"cat_field_list\": [\"c\"], \"label_name\": \"y\", \"count_threshold\": 5}");
        out = tmp.resolve("out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out.toString(),
                "--hyperparameters", hp.toString());
        assertEquals(0, r.exitCode(), r.toString());
        // the drift counts below are made by the CSV record path's mapping (CsvMapping with DriftProbe.buckets)
        assertTrue(r.err().contains("transform val: 1 shards (csv), mapped from CSV records"), r.err());
        summary = new ObjectMapper().readTree(out.resolve("model_artifacts/run_summary.json").toFile());
        html = Files.readString(out.resolve("model_artifacts/report.html"));
    }

    @Test
    void unseenAndNullSharesAndPsiAreRight() {
        JsonNode val = summary.get("drift").get("val").get(0);
        assertHandComputedValDrift(val);
        assertEquals("significant", val.get("flag").asText());
        JsonNode test = summary.get("drift").get("test").get(0);
        assertEquals(0.0, test.get("psi").doubleValue(), 1e-12, "the same distribution as train");
        assertNull(summary.get("drift").get("train"), "train is not compared with itself");
    }

    /*
     * The same example as Parquet (c string, y int): with the report, val and test are still mapped
     * from column batches, and the drift counts made there give the same hand-computed figures.
     */
    @Test
    void driftCountedWhileMappingParquetBatchesIsTheSame() throws IOException {
        Path csv = tmp.resolve("in");
        Path in = tmp.resolve("parquet-in");
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        for (String split : new String[] {"train", "val", "test"}) {
            Path staging = tmp.resolve("parquet-staging-" + split);
            spark.read().option("header", "true").csv(csv.resolve(split).toString())
                    .withColumn("y", org.apache.spark.sql.functions.col("y").cast("int"))
                    .coalesce(1).write().parquet(staging.toString());
            Path part;
            try (var files = Files.list(staging)) {
                part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            }
            Files.createDirectories(in.resolve(split));
            Files.move(part, in.resolve(split).resolve("part-00000.parquet"));
        }
        Path parquetOut = tmp.resolve("parquet-out");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir",
                parquetOut.toString(), "--hyperparameters", tmp.resolve("hp.json").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("transform val: 1 shards (parquet), mapped from column batches"), r.err());
        JsonNode drift = new ObjectMapper().readTree(parquetOut.resolve("model_artifacts/run_summary.json").toFile()).get("drift");
        assertHandComputedValDrift(drift.get("val").get(0));
        assertEquals(0.0, drift.get("test").get(0).get("psi").doubleValue(), 1e-12);
    }

    /** The val split's drift of field c, computed by hand in the comment on the example above. */
    private static void assertHandComputedValDrift(JsonNode val) {
        assertEquals("c", val.get("field").asText());
        assertEquals(5, val.get("rows").asLong());
        assertEquals(0.2, val.get("null_share").doubleValue(), 1e-15);
        assertEquals(0.2, val.get("unseen_share").doubleValue(), 1e-15);
        double e = 1e-4;
        double psi = (0.4 - 0.6) * Math.log(0.4 / 0.6) + (0.2 - 0.4) * Math.log(0.2 / 0.4) + 2 * (0.2 - e) * Math.log(0.2 / e);
        assertEquals(psi, val.get("psi").doubleValue(), 1e-12);
    }

    @Test
    void summaryHoldsTheRunTheRankingAndTheTables() {
        assertEquals("run_summary", summary.get("format").asText());
        assertEquals(2, summary.get("format_version").asInt());
        assertEquals("training", summary.get("run").get("job_type").asText());
        assertEquals(3, summary.get("splits").size());
        assertEquals("c", summary.get("iv_ranking").get(0).get("field").asText());
        JsonNode cats = summary.get("fields").get(0).get("categories");
        // A has 6 rows (>= threshold 5), B 4 (below: mapped to the default)
        assertEquals("A", cats.get(0).get("key").asText());
        // the fit's counts by hand: A 6 rows, 2 events; B 4 rows, 2 events; no null; train 4 events, 6 non-events
        assertEquals(6, cats.get(0).get("train_rows").asLong());
        assertEquals(2, cats.get(0).get("train_events").asLong());
        assertEquals(2, cats.get(1).get("train_events").asLong());
        assertEquals(0, summary.get("fields").get(0).get("null_rows").asLong());
        JsonNode labels = summary.get("splits").get(0).get("labels");
        assertEquals("train", summary.get("splits").get(0).get("name").asText());
        assertEquals(4, labels.get("events").asLong());
        assertEquals(6, labels.get("non_events").asLong());
        assertEquals(0, labels.get("unlabelled").asLong());
        // val by hand (c,y: A,1 A,0 B,1 C,0 null,1): 3 events, 2 non-events; test is train again
        JsonNode val = summary.get("splits").get(1).get("labels");
        assertEquals("val", summary.get("splits").get(1).get("name").asText());
        assertEquals(List.of(3L, 2L, 0L), List.of(val.get("events").asLong(), val.get("non_events").asLong(), val.get("unlabelled").asLong()));
        JsonNode test = summary.get("splits").get(2).get("labels");
        assertEquals(List.of(4L, 6L, 0L), List.of(test.get("events").asLong(), test.get("non_events").asLong(), test.get("unlabelled").asLong()));
        assertFalse(cats.get(0).get("below_threshold").asBoolean());
        assertTrue(cats.get(1).get("below_threshold").asBoolean());
        assertEquals(summary.get("fields").get(0).get("default_value").doubleValue(), cats.get(1).get("value").doubleValue(), 0.0);
        // WOE on train: A has 2 events of 6, B 2 of 4; B = 4, G = 6 -> ln((2/4) / (4/6)) and ln((2/4) / (2/6))
        assertEquals(Math.log((2.0 / 4) / (4.0 / 6)), cats.get(0).get("woe").doubleValue(), 1e-12);
        assertEquals(Math.log((2.0 / 4) / (2.0 / 6)), cats.get(1).get("woe").doubleValue(), 1e-12);
    }

    /*
     * The table of c: A 6 rows, 2 events; B 4 rows, 2 events (read back from the train WOE and the
     * prior 4/10). Shares 60% and 40%; rates 1/3 and 1/2; B = 4, G = 6:
     * WOE_A = ln((2/4) / (4/6)) = -0.2877, WOE_B = ln((2/4) / (2/6)) = 0.4055,
     * IV terms (1/2 - 2/3)·WOE_A = 0.0479 and (1/2 - 1/3)·WOE_B = 0.0676, IV 0.1155.
     */
    @Test
    void thePageHoldsTheFieldsBinningTable() {
        double woeA = Math.log((2.0 / 4) / (4.0 / 6));
        double woeB = Math.log((2.0 / 4) / (2.0 / 6));
        String a = String.format(java.util.Locale.ROOT, "<td class=\"key\">A</td><td class=\"num\">6</td><td class=\"num\">60.00%%</td>"
                + "<td class=\"num\">2</td><td class=\"num\">4</td><td class=\"num\">0.3333</td><td class=\"num\">%.4f</td><td class=\"num\">%.4f</td>",
                summary.get("fields").get(0).get("categories").get(0).get("value").doubleValue(), woeA);
        assertTrue(html.contains(a), a + " in " + html);
        assertTrue(html.contains("<td class=\"key\">B</td><td class=\"num\">4</td><td class=\"num\">40.00%</td><td class=\"num\">2</td>"
                + "<td class=\"num\">2</td><td class=\"num\">0.5000</td>"));
        double iv = (0.5 - 4.0 / 6) * woeA + (0.5 - 2.0 / 6) * woeB;
        assertEquals("0.1155", String.format(java.util.Locale.ROOT, "%.4f", iv));
        assertTrue(html.contains("<tr class=\"total\"><td class=\"key\">total</td><td class=\"num\">10</td><td class=\"num\">100.00%</td>"
                + "<td class=\"num\">4</td><td class=\"num\">6</td><td class=\"num\">0.4000</td><td class=\"num\"></td><td class=\"num\"></td>"
                + "<td class=\"num\"></td><td class=\"num\">0.1155</td>"), html);
        assertTrue(html.contains("<tr class=\"nulls\"><td class=\"key\">(null)</td>") && html.contains("<tr class=\"unseen\"><td class=\"key\">(unseen)</td>"));
        assertTrue(html.contains("<a href=\"#field-c\">c</a>") && html.contains("<section class=\"field\" id=\"field-c\">"), "contents link to c");
    }

    @Test
    void thePageIsSelfContained() {
        assertFalse(Pattern.compile("(?i)<script|\\son[a-z]+\\s*=|javascript:").matcher(html).find(), "no JavaScript");
        // any src/href or url() that is not an in-page #reference, any @import, and any address outside an
        // XML namespace declaration (xmlns="http://www.w3.org/2000/svg" names, it is never fetched)
        Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*['\"](?!#)|url\\((?!#)|@import|(?<!xmlns=['\"])(?<!xmlns:[a-z]{1,20}=['\"])https?://")
                .matcher(html);
        List<String> found = new ArrayList<>();
        while (external.find()) {
            found.add(external.group());
        }
        assertEquals(List.of(), found, "no external file, font or address (SVG namespaces aside)");
        assertTrue(html.contains("id=\"iv-table\"") && html.contains("class=\"drift\"") && html.contains("class=\"categories\""));
        assertEquals(2, count(html, "<svg"), "the IV chart and one chart for the field");
        assertTrue(html.contains("below the count threshold"));
        assertTrue(html.contains("n=6") && html.contains("n=4"), "bars labelled with their train rows");
    }

    @Test
    void noReportWritesNone() {
        Path in = tmp.resolve("in");
        Path out2 = tmp.resolve("out-no-report");
        JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", in.toString(), "--output-dir", out2.toString(),
                "--hyperparameters", tmp.resolve("hp.json").toString(), "--no-report");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(Files.exists(out2.resolve("model_artifacts/report.html")));
        assertFalse(Files.exists(out2.resolve("model_artifacts/run_summary.json")));
    }

    /**
     * German Credit, binary label: each split's events, non-events and unlabelled rows in
     * run_summary.json equal those counted here from the CSV files, whichever way the split was
     * mapped: CSV records, Parquet column batches, or Spark's rows (WOE).
     */
    @Test
    void germanCreditLabelBalanceOfEverySplitIsCounted() throws IOException {
        Path csv = SparkTestSession.germanCredit("csv");
        Path woe = tmp.resolve("gc-woe.json");
        JobHarness.write(woe, "{\"cat_field_list\": [\"checking_status\", \"purpose\"], \"label_name\": \"class\", \"encoding\": \"woe\"}");
        String[][] runs = {{"csv", JobHarness.hyperparameters().toString(), "mapped from CSV records"},
            {"parquet", JobHarness.hyperparameters().toString(), "mapped from column batches"}, {"parquet", woe.toString(), "(parquet) ..."}};
        for (int i = 0; i < runs.length; i++) {
            String[] run = runs[i];
            Path o = tmp.resolve("gc-labels-" + i);
            JobHarness.Result r = JobHarness.run("--job-type", "training", "--input-dir", SparkTestSession.germanCredit(run[0]).toString(),
                    "--output-dir", o.toString(), "--hyperparameters", run[1]);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.err().contains("transform val: 3 shards (" + run[0] + ")" + (run[2].startsWith("(") ? " ..." : ", " + run[2])), r.err());
            JsonNode splits = new ObjectMapper().readTree(o.resolve("model_artifacts/run_summary.json").toFile()).get("splits");
            assertEquals(3, splits.size());
            for (JsonNode s : splits) {
                long[] byHand = new long[3]; // label 1, label 0, other
                for (String[] row : csvRows(csv.resolve(s.get("name").asText()), "class")) {
                    byHand["1".equals(row[0]) ? 0 : "0".equals(row[0]) ? 1 : 2]++;
                }
                JsonNode l = s.get("labels");
                assertEquals(List.of(byHand[0], byHand[1], byHand[2]),
                        List.of(l.get("events").asLong(), l.get("non_events").asLong(), l.get("unlabelled").asLong()), run[0] + " " + s);
            }
        }
    }

    /*
     * German Credit with credit_amount as a continuous label: the label's count, mean and population
     * standard deviation per split, and per category of checking_status its labelled rows and mean
     * label, all computed here from the CSV files; train_profile.json holds the label's statistics
     * and the counts, so a validation run (Parquet) gets PSI and its label balance, and a testing
     * split without the label column gets none.
     */
    @Test
    void germanCreditContinuousLabelReport() throws IOException {
        Path csv = SparkTestSession.germanCredit("csv");
        Path o = tmp.resolve("gc-continuous");
        JobHarness.Result r = ContinuousTargetJobTest.trainGermanCredit(tmp, o);
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode s = new ObjectMapper().readTree(o.resolve("model_artifacts/run_summary.json").toFile());
        assertEquals("continuous", s.get("run").get("target_type").asText());
        assertEquals(0, s.get("iv_ranking").size(), "no IV for a continuous label");
        for (JsonNode split : s.get("splits")) {
            assertContinuousLabels(csvRows(csv.resolve(split.get("name").asText()), "credit_amount"), split.get("labels"));
        }
        // checking_status by hand: labelled train rows and their mean credit_amount per category
        java.util.Map<String, double[]> byCategory = new java.util.HashMap<>();
        for (String[] row : csvRows(csv.resolve("train"), "checking_status", "credit_amount")) {
            double[] ns = byCategory.computeIfAbsent(row[0], k -> new double[2]);
            ns[0]++;
            ns[1] += Double.parseDouble(row[1]);
        }
        JsonNode field = s.get("fields").get(0);
        assertEquals("checking_status", field.get("field").asText());
        assertEquals(0, field.get("null_rows").asLong());
        assertFalse(field.has("null_mean") || field.has("null_events"), field.toString());
        assertEquals(byCategory.size(), field.get("categories").size());
        for (JsonNode c : field.get("categories")) {
            double[] ns = byCategory.get(c.get("key").asText());
            assertEquals((long) ns[0], c.get("train_rows").asLong(), c.toString());
            assertEquals(ns[1] / ns[0], c.get("train_mean").doubleValue(), 1e-9 * ns[1] / ns[0], c.toString());
            assertFalse(c.has("train_events") || c.has("woe"), c.toString());
        }
        JsonNode profile = new ObjectMapper().readTree(o.resolve("model_artifacts/" + TrainProfile.FILE).toFile());
        JsonNode label = profile.get("label");
        assertEquals("credit_amount", label.get("column").asText());
        assertEquals("continuous", label.get("target_type").asText());
        JsonNode train = s.get("splits").get(0).get("labels");
        for (String k : List.of("count", "mean", "std")) {
            assertEquals(train.get(k.equals("count") ? "labelled" : k).doubleValue(), label.get(k).doubleValue(), 0.0, k);
        }
        assertEquals((long) byCategory.get("<0")[0], profile.get("fields").get("checking_status").get("categories").get("<0").asLong());
        String page = Files.readString(o.resolve("model_artifacts/report.html"));
        assertTrue(page.contains("<tr><th>split</th><th>labelled</th><th>unlabelled</th><th>mean</th><th>std</th></tr>"), "continuous balance");
        assertTrue(page.contains(String.format(java.util.Locale.ROOT, "<td class=\"key\">&lt;0</td><td class=\"num\">%d</td>"
                + "<td class=\"num\">27.83%%</td><td class=\"num\">%.4f</td>", (long) byCategory.get("<0")[0],
                byCategory.get("<0")[1] / byCategory.get("<0")[0])), "checking_status <0 row");

        // later runs on the artifacts: validation on Parquet (the val shards), testing without the label column
        Path in = tmp.resolve("gc-continuous-later");
        JobHarness.copyTree(SparkTestSession.germanCredit("parquet").resolve("val"), in.resolve("validation"));
        for (int i = 0; i < 3; i++) {
            List<String[]> rows = JobHarness.readText(csv.resolve("test/part-0000" + i + ".csv"));
            int y = List.of(rows.get(0)).indexOf("credit_amount");
            StringBuilder text = new StringBuilder();
            for (String[] row : rows) {
                List<String> kept = new ArrayList<>(List.of(row));
                kept.remove(y);
                text.append(kept.stream().map(v -> v == null ? "" : v.contains(",") ? "\"" + v + "\"" : v)
                        .collect(java.util.stream.Collectors.joining(","))).append('\n');
            }
            JobHarness.write(in.resolve("testing/part-0000" + i + ".csv"), text.toString());
        }
        for (String jobType : List.of("validation", "testing")) {
            Path later = tmp.resolve("gc-continuous-" + jobType);
            JobHarness.Result v = JobHarness.run("--job-type", jobType, "--input-dir", in.toString(), "--output-dir", later.toString(),
                    "--model-artifacts-input", o.resolve("model_artifacts").toString());
            assertEquals(0, v.exitCode(), v.toString());
            JsonNode vs = new ObjectMapper().readTree(later.resolve("model_artifacts/run_summary-" + jobType + ".json").toFile());
            assertEquals("continuous", vs.get("run").get("target_type").asText());
            JsonNode split = vs.get("splits").get(0);
            if (jobType.equals("validation")) {
                assertContinuousLabels(csvRows(csv.resolve("val"), "credit_amount"), split.get("labels"));
            } else {
                assertFalse(split.has("labels"), "no label column, no label balance: " + split);
            }
            vs.get("drift").get(jobType).forEach(f -> assertFalse(f.get("psi").isNull(), "PSI from the profile: " + f));
        }
    }

    /** The labelled count, mean and population standard deviation of the first value of each row, against the summary's. */
    private static void assertContinuousLabels(List<String[]> rows, JsonNode labels) {
        double sum = 0;
        for (String[] row : rows) {
            sum += Double.parseDouble(row[0]);
        }
        double mean = sum / rows.size();
        double squares = 0;
        for (String[] row : rows) {
            squares += (Double.parseDouble(row[0]) - mean) * (Double.parseDouble(row[0]) - mean);
        }
        assertEquals(rows.size(), labels.get("labelled").asLong(), labels.toString());
        assertEquals(0, labels.get("unlabelled").asLong());
        assertEquals(mean, labels.get("mean").doubleValue(), 1e-9 * mean);
        assertEquals(Math.sqrt(squares / rows.size()), labels.get("std").doubleValue(), 1e-9 * mean);
        assertFalse(labels.has("events"), labels.toString());
    }

    /** The values of some columns of every row of a split's CSV shards. */
    private static List<String[]> csvRows(Path split, String... columns) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (var files = Files.list(split)) {
            for (Path f : files.sorted().toList()) {
                List<String[]> rows = JobHarness.readText(f);
                List<String> header = List.of(rows.get(0));
                for (String[] row : rows.subList(1, rows.size())) {
                    String[] v = new String[columns.length];
                    for (int i = 0; i < columns.length; i++) {
                        v[i] = row[header.indexOf(columns[i])];
                    }
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** Renders the German Credit report in headless Chromium (when installed): a screenshot, and the DOM it built. */
    @Test
    void germanCreditReportRendersInChromium() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium is not installed");
        Path gc = tmp.resolve("gc");
        JobHarness.Result r = JobHarness.run(JobHarness.training(SparkTestSession.germanCredit("csv"), gc));
        assertEquals(0, r.exitCode(), r.toString());
        Path report = gc.resolve("model_artifacts/report.html");
        Path png = SparkTestSession.repoRoot().resolve("spark-job/target/report-german-credit.png");
        Files.copy(report, png.resolveSibling("report-german-credit.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String dom = chromium(List.of("--dump-dom", report.toUri().toString()));
        assertEquals(14, count(dom, "<svg"), "the IV chart and 13 field charts are in the rendered page");
        assertTrue(dom.contains("checking_status") && dom.contains("id=\"iv-table\""), "tables rendered");
        for (String section : new String[] {"iv", "drift", "labels", "fields", "run"}) {
            assertTrue(dom.contains("<a href=\"#" + section + "\">") && dom.contains("id=\"" + section + "\""), "contents link to " + section);
        }
        assertTrue(dom.contains("<a href=\"#field-credit_history\">credit_history</a>") && dom.contains("id=\"field-credit_history\""));
        assertTrue(dom.indexOf("id=\"iv\"") < dom.indexOf("id=\"drift\"") && dom.indexOf("id=\"drift\"") < dom.indexOf("id=\"fields\"")
                && dom.indexOf("id=\"fields\"") < dom.indexOf("id=\"run\""), "findings first, run details last");
        assertEquals(13, count(dom, "<tr class=\"total\">"), "a totals row per field");
        // checking_status '<0': 167 train rows of which 100 are bad (docs/formulas.md): events 100, non-events 67
        assertTrue(dom.contains("<td class=\"key\">&lt;0</td><td class=\"num\">167</td><td class=\"num\">27.83%</td><td class=\"num\">100</td>"
                + "<td class=\"num\">67</td><td class=\"num\">0.5988</td>"), "checking_status <0 row");
        // 600 fit rows, 200 events: every field's total
        assertEquals(13, count(dom, "<td class=\"key\">total</td><td class=\"num\">600</td><td class=\"num\">100.00%</td><td class=\"num\">200</td>"
                + "<td class=\"num\">400</td>"));
        assertTrue(dom.contains(">critical/other existing credit</text>") && dom.contains(">delayed previously</text>"),
                "long category labels drawn whole in the chart");
        assertFalse(Pattern.compile("<text[^>]*>[^<]*(…|\\.\\.\\.)</text>").matcher(dom).find(), "no label cut in a chart");
        chromium(List.of("--window-size=1100,2600", "--screenshot=" + png, report.toUri().toString()));
        assertTrue(Files.size(png) > 50_000, "a screenshot with content: " + Files.size(png) + " bytes");
    }

    private static String chromium(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory("chromium")));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue());
        return out;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
