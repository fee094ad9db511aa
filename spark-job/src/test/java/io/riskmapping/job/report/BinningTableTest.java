package io.riskmapping.job.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The per-field binning table against values computed by hand, and its rendering. */
class BinningTableTest {

    /*
     * x: A 6 rows with 2 events, B 4 rows with 3 events, 2 null rows with 1 event: 12 rows, B = 6
     * events, G = 6 non-events.
     * A: b/B = 1/3, g/G = 2/3, WOE = ln(1/2), SE = sqrt(1/2 + 1/4), IV term = (1/3 - 2/3) ln(1/2) = ln(2)/3
     * B: b/B = 1/2, g/G = 1/6, WOE = ln(3), IV term = (1/2 - 1/6) ln(3) = ln(3)/3
     * null: 1/6 and 1/6, WOE 0, IV term 0; IV = ln(6)/3.
     */
    private static final FitReport.Field X = new FitReport.Field("x", "categorical", 0.5,
            List.of(new FitReport.Category("A", 6L, 2L, 0.45, null, false), new FitReport.Category("B", 4L, 3L, 0.7, null, true)), 2L, 1L);

    @Test
    void rowsMatchHandComputedCounts() {
        BinningTable.Table t = BinningTable.of(X, null);
        assertEquals(List.of("A", "B", "(null)", "(unseen)", "total"), t.rows().stream().map(BinningTable.Row::label).toList());
        BinningTable.Row a = t.rows().get(0);
        assertEquals(6L, a.count());
        assertEquals(0.5, a.share(), 1e-15);
        assertEquals(2L, a.events());
        assertEquals(4L, a.nonEvents());
        assertEquals(1.0 / 3, a.eventRate(), 1e-15);
        assertEquals(0.45, a.value(), 0.0);
        assertEquals(Math.log(0.5), a.woe(), 1e-12);
        double z = 1.959963984540054;
        assertEquals(Math.log(0.5) - z * Math.sqrt(0.75), a.woeLower(), 1e-9);
        assertEquals(Math.log(0.5) + z * Math.sqrt(0.75), a.woeUpper(), 1e-9);
        assertEquals(Math.log(2) / 3, a.ivContribution(), 1e-12);
        BinningTable.Row b = t.rows().get(1);
        assertEquals(1.0 / 3, b.share(), 1e-15);
        assertEquals(0.75, b.eventRate(), 1e-15);
        assertEquals(Math.log(3), b.woe(), 1e-12);
        assertEquals(Math.log(3) / 3, b.ivContribution(), 1e-12);
        assertTrue(b.belowThreshold());
        BinningTable.Row nulls = t.rows().get(2);
        assertEquals(2L, nulls.count());
        assertEquals(1.0 / 6, nulls.share(), 1e-15);
        assertEquals(0.0, nulls.woe(), 1e-12);
        assertEquals(0.5, nulls.value(), 0.0);
        BinningTable.Row unseen = t.rows().get(3);
        assertNull(unseen.count());
        assertEquals(0.5, unseen.value(), 0.0);
        BinningTable.Row total = t.total();
        assertEquals(12L, total.count());
        assertEquals(1.0, total.share(), 0.0);
        assertEquals(6L, total.events());
        assertEquals(6L, total.nonEvents());
        assertEquals(0.5, total.eventRate(), 1e-15);
        assertEquals(Math.log(6) / 3, total.ivContribution(), 1e-12);
    }

    @Test
    void withoutEventsTheTableKeepsTheGivenWoeAndTheRecordedIv() {
        FitReport.Field f = new FitReport.Field("w", "categorical", 0.0, List.of(new FitReport.Category("a", 6L, 0.2, 0.2, false)));
        BinningTable.Table t = BinningTable.of(f, 0.125);
        assertNull(t.rows().get(0).events());
        assertEquals(0.2, t.rows().get(0).woe(), 0.0);
        assertEquals(6L, t.total().count());
        assertNull(t.total().events());
        assertEquals(0.125, t.total().ivContribution(), 0.0);
    }

    /** Labels longer than a line are wrapped, with every character kept (spaced or not). */
    @Test
    void veryLongLabelsAreWrappedNotCut() {
        String spaced = "a very long category name that goes on and on well past the width of one line of labels in the chart";
        String unspaced = "x".repeat(90);
        FitReport.Field f = new FitReport.Field("z", "categorical", 0.5, List.of(new FitReport.Category(spaced, 3L, 0.4, null, false),
                new FitReport.Category(unspaced, 3L, 0.6, null, false)));
        String svg = Charts.field(f, "risk");
        java.util.regex.Matcher text = java.util.regex.Pattern.compile("<text[^>]*>([^<]*)</text>").matcher(svg);
        StringBuilder all = new StringBuilder();
        while (text.find()) {
            assertFalse(text.group(1).endsWith("...") || text.group(1).endsWith("…"), "cut: " + text.group(1));
            all.append(text.group(1));
        }
        String joined = all.toString().replace(" ", "");
        assertTrue(joined.contains(spaced.replace(" ", "")), "every word of the spaced label, in order: " + all);
        assertTrue(joined.contains(unspaced), "every character of the unspaced label: " + all);
    }

    @Test
    void thePageHasContentsAnchorsTotalsAndFullLabels() {
        String longKey = "critical/other existing credit elsewhere";
        FitReport.Field y = new FitReport.Field("y y", "categorical", 0.5, List.of(new FitReport.Category(longKey, 3L, 1L, 0.4, null, false),
                new FitReport.Category("b", 3L, 2L, 0.6, null, false)), 0L, 0L);
        FitReport report = new FitReport(new FitReport.Run("training", "t", "in", "out", "art", "risk_table", "risk", 1, 1.0), null,
                List.of(new FitReport.SplitRows("train", "csv", 18, 1, List.of(18L), 0.5, new FitReport.LabelBalance(9, 6, 3))),
                List.of(new FitReport.Pass("fit", 1.0)), List.of(new FitReport.Iv("x", 0.6, 0.1, 0.4, 0.8, 2)), List.of(),
                List.of(X, y), List.of());
        String html = new String(report.toHtml(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<a href=\"#field-x\">x</a>") && html.contains("<section class=\"field\" id=\"field-x\">"), "TOC links to x");
        assertTrue(html.contains("<a href=\"#field-y_y\">y y</a>") && html.contains("id=\"field-y_y\""), "TOC links to y y");
        // x's totals: 12 rows, 100%, 6 events, 6 non-events, rate 0.5, IV ln(6)/3 = 0.5973
        assertTrue(html.contains("<tr class=\"total\"><td class=\"key\">total</td><td class=\"num\">12</td><td class=\"num\">100.00%</td>"
                + "<td class=\"num\">6</td><td class=\"num\">6</td><td class=\"num\">0.5000</td><td class=\"num\"></td><td class=\"num\"></td>"
                + "<td class=\"num\"></td><td class=\"num\">0.5973</td>"), html);
        // train: 9 events, 6 non-events, 3 unlabelled, rate 9/15
        assertTrue(html.contains("<td>train</td><td class=\"num\">9</td><td class=\"num\">6</td><td class=\"num\">3</td><td class=\"num\">0.6000</td>"));
        assertTrue(html.contains(">" + longKey + "</text>"), "the long label drawn whole in the chart");
        assertTrue(html.indexOf("id=\"iv\"") < html.indexOf("id=\"labels\"") && html.indexOf("id=\"labels\"") < html.indexOf("id=\"fields\"")
                && html.indexOf("id=\"fields\"") < html.indexOf("id=\"run\""), "findings first, run details last");
    }

    /*
     * A continuous label, field k: A 3 labelled rows with mean 10, B 1 row with mean 2, 4 null rows
     * with mean 5: 8 rows, shares 3/8, 1/8, 4/8; total mean (3·10 + 1·2 + 4·5) / 8 = 52 / 8 = 6.5.
     */
    private static final FitReport.Field K = new FitReport.Field("k", "categorical", 6.5,
            List.of(new FitReport.Category("A", 3L, null, 9.0, null, false, 10.0), new FitReport.Category("B", 1L, null, 6.5, null, true, 2.0)),
            4L, null, 5.0);

    @Test
    void aContinuousLabelsTableHoldsCountsSharesAndMeans() {
        BinningTable.Table t = BinningTable.continuous(K);
        assertEquals(List.of("A", "B", "(null)", "(unseen)", "total"), t.rows().stream().map(BinningTable.Row::label).toList());
        BinningTable.Row a = t.rows().get(0);
        assertEquals(3L, a.count());
        assertEquals(3.0 / 8, a.share(), 1e-15);
        assertEquals(10.0, a.mean(), 0.0);
        assertEquals(9.0, a.value(), 0.0);
        assertNull(a.events());
        assertNull(a.woe());
        assertNull(a.ivContribution());
        assertTrue(t.rows().get(1).belowThreshold());
        BinningTable.Row nulls = t.rows().get(2);
        assertEquals(4L, nulls.count());
        assertEquals(0.5, nulls.share(), 1e-15);
        assertEquals(5.0, nulls.mean(), 0.0);
        assertEquals(6.5, nulls.value(), 0.0);
        BinningTable.Row total = t.total();
        assertEquals(8L, total.count());
        assertEquals(1.0, total.share(), 0.0);
        assertEquals(6.5, total.mean(), 1e-15);
        assertNull(total.ivContribution());
        // without the null rows' mean the total's mean is unknown
        FitReport.Field noNullMean = new FitReport.Field("k", "categorical", 6.5, K.categories(), 4L, null, null);
        assertNull(BinningTable.continuous(noNullMean).total().mean());
    }

    @Test
    void theContinuousPageShowsMeansAndTheLabelsStatistics() {
        FitReport report = new FitReport(new FitReport.Run("training", "t", "in", "out", "art", "risk_table", "risk", 1, 1.0, FitReport.CONTINUOUS),
                null, List.of(new FitReport.SplitRows("train", "csv", 9, 1, List.of(9L), 0.5, FitReport.LabelBalance.continuous(8, 1, 52, 440)),
                        new FitReport.SplitRows("test", "csv", 3, 1, List.of(3L), 0.5)),
                List.of(new FitReport.Pass("fit", 1.0)), List.of(), List.of(), List.of(K), List.of());
        String html = new String(report.toHtml(), StandardCharsets.UTF_8);
        // A: 3 rows, 37.50%, mean 10, value 9; the total: 8 rows, mean 6.5
        assertTrue(html.contains("<td class=\"key\">A</td><td class=\"num\">3</td><td class=\"num\">37.50%</td><td class=\"num\">10.0000</td>"
                + "<td class=\"num\">9.0000</td>"), html);
        assertTrue(html.contains("<td class=\"key\">total</td><td class=\"num\">8</td><td class=\"num\">100.00%</td><td class=\"num\">6.5000</td>"),
                html);
        // train: 8 labelled, 1 unlabelled, mean 52 / 8 = 6.5, std sqrt(440 / 8 - 6.5^2) = sqrt(12.75) = 3.5707
        assertTrue(html.contains("<td>train</td><td class=\"num\">8</td><td class=\"num\">1</td><td class=\"num\">6.5000</td>"
                + "<td class=\"num\">3.5707</td>"), html);
        assertFalse(html.contains("<td>test</td><td class=\"num\">"), "test has no label balance");
        assertFalse(html.contains("<th>WOE</th>") || html.contains("id=\"iv\""), "no WOE or IV for a continuous label");
        String json = new String(report.toJson(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"target_type\" : \"continuous\"") && json.contains("\"train_mean\" : 10.0")
                && json.contains("\"null_mean\" : 5.0") && json.contains("\"labelled\" : 8"), json);
        assertFalse(json.contains("\"woe\"") || json.contains("\"events\""), json);
    }

    /*
     * A multiclass label (classes a, b), field m: A 6 rows (a 4, b 2), B 2 rows (a 0, b 2), 2 null
     * rows (a 1, b 1): 10 rows, shares 60%, 20%, 20%. Raw rates: A a 4/6, b 2/6; B a 0, b 1; nulls
     * 1/2 each. Labelled train rows a 5, b 5: priors 1/2, the defaults 0.5.
     */
    private static final FitReport.Field MC = new FitReport.Field("m", "categorical", 0.5, List.of(
            new FitReport.Category("A", 6L, null, 0.6, null, false, null, List.of(new FitReport.ClassValue("a", 4L, 4.0 / 6, 0.6),
                    new FitReport.ClassValue("b", 2L, 2.0 / 6, 0.4))),
            new FitReport.Category("B", 2L, null, 0.25, null, false, null, List.of(new FitReport.ClassValue("a", 0L, 0.0, 0.25),
                    new FitReport.ClassValue("b", 2L, 1.0, 0.75)))),
            2L, null, null, List.of(new FitReport.ClassValue("a", 1L, 0.5, 0.5), new FitReport.ClassValue("b", 1L, 0.5, 0.5)),
            List.of(new FitReport.ClassValue("a", 5L, 0.5, 0.5), new FitReport.ClassValue("b", 5L, 0.5, 0.5)));

    @Test
    void aMulticlassLabelsTableHoldsEachClasssRateAndRisk() {
        BinningTable.Table t = BinningTable.multiclass(MC);
        assertEquals(List.of("A", "B", "(null)", "(unseen)", "total"), t.rows().stream().map(BinningTable.Row::label).toList());
        BinningTable.Row a = t.rows().get(0);
        assertEquals(6L, a.count());
        assertEquals(0.6, a.share(), 1e-15);
        assertEquals(MC.categories().get(0).classes(), a.classes());
        assertNull(a.events());
        assertNull(a.woe());
        assertEquals(0.2, t.rows().get(2).share(), 1e-15);
        assertEquals(MC.nullClasses(), t.rows().get(2).classes());
        BinningTable.Row unseen = t.rows().get(3);
        assertEquals(List.of(new FitReport.ClassValue("a", null, null, 0.5), new FitReport.ClassValue("b", null, null, 0.5)), unseen.classes());
        BinningTable.Row total = t.total();
        assertEquals(10L, total.count());
        assertEquals(List.of(new FitReport.ClassValue("a", 5L, 0.5, null), new FitReport.ClassValue("b", 5L, 0.5, null)), total.classes());
        assertNull(total.ivContribution());
    }

    @Test
    void theMulticlassPageShowsAColumnPairPerClassAndTheClassBalance() {
        java.util.Map<String, Long> train = new java.util.LinkedHashMap<>();
        train.put("a", 5L);
        train.put("b", 5L);
        java.util.Map<String, Long> val = new java.util.LinkedHashMap<>();
        val.put("a", 1L);
        val.put("b", 2L);
        val.put("c", 1L);
        FitReport report = new FitReport(new FitReport.Run("training", "t", "in", "out", "art", "risk_table", "risk", 1, 1.0, FitReport.MULTICLASS),
                null, List.of(new FitReport.SplitRows("train", "csv", 10, 1, List.of(10L), 0.5, FitReport.LabelBalance.multiclass(train, 0)),
                        new FitReport.SplitRows("val", "csv", 5, 1, List.of(5L), 0.5, FitReport.LabelBalance.multiclass(val, 1))),
                List.of(new FitReport.Pass("fit", 1.0)), List.of(), List.of(), List.of(MC), List.of());
        String html = new String(report.toHtml(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<th colspan=\"2\">a</th><th colspan=\"2\">b</th>"), html);
        // A: 6 rows, 60%, a: 4/6 and 0.6, b: 2/6 and 0.4
        assertTrue(html.contains("<td class=\"key\">A</td><td class=\"num\">6</td><td class=\"num\">60.00%</td><td class=\"num\">0.6667</td>"
                + "<td class=\"num\">0.6000</td><td class=\"num\">0.3333</td><td class=\"num\">0.4000</td>"), html);
        assertTrue(html.contains("<td class=\"key\">total</td><td class=\"num\">10</td><td class=\"num\">100.00%</td><td class=\"num\">0.5000</td>"
                + "<td class=\"num\"></td><td class=\"num\">0.5000</td><td class=\"num\"></td>"), html);
        // the balance: classes of every split (val's c too), shares of the labelled rows
        assertTrue(html.contains("<tr><th>split</th><th>a</th><th>b</th><th>c</th><th>labelled</th><th>unlabelled</th></tr>"), html);
        assertTrue(html.contains("<td>train</td><td class=\"num\">5 (50.00%)</td><td class=\"num\">5 (50.00%)</td><td class=\"num\">0 (0.00%)</td>"
                + "<td class=\"num\">10</td><td class=\"num\">0</td>"), html);
        assertTrue(html.contains("<td>val</td><td class=\"num\">1 (25.00%)</td><td class=\"num\">2 (50.00%)</td><td class=\"num\">1 (25.00%)</td>"
                + "<td class=\"num\">4</td><td class=\"num\">1</td>"), html);
        assertFalse(html.contains("<th>WOE</th>") || html.contains("<th>event rate</th>"), "no WOE or events for a multiclass label");
        String json = new String(report.toJson(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"target_type\" : \"multiclass\"") && json.contains("\"class_name\" : \"a\"")
                && json.contains("\"null_classes\"") && json.contains("\"class_totals\"") && json.contains("\"classes\" : {"), json);
        assertFalse(json.contains("\"woe\"") || json.contains("\"events\"") || json.contains("\"train_mean\""), json);
    }
}
