package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.riskmapping.job.report.FitReport;

/**
 * {@link DriftProbe}'s label counting without Spark: which texts are events, non-events, labelled
 * or unlabelled, the merge of two tasks' counts, and the label field read from mapped CSV lines
 * (quotes, separators and newlines inside quotes, the header, a short record).
 */
class LabelCountsTest {

    @Test
    void aBinaryLabelCountsOneAndZeroAndLeavesTheRestUnlabelled() {
        DriftProbe.LabelCounts c = new DriftProbe.LabelCounts(false);
        for (String label : new String[] {"1", "0", "1.0", " 0 ", "-1", null, "", "yes", "2"}) {
            c.add(label);
        }
        // events: "1", "1.0"; non-events: "0", " 0 "; unlabelled: -1, null, blank, yes, 2
        assertEquals(new FitReport.LabelBalance(2, 2, 5), c.value());
    }

    @Test
    void aContinuousLabelCountsFiniteNumbersWithTheirMeanAndStandardDeviation() {
        DriftProbe.LabelCounts a = new DriftProbe.LabelCounts(true);
        DriftProbe.LabelCounts b = new DriftProbe.LabelCounts(true);
        a.add("2");
        a.add(null);
        a.add("4.5");
        b.add("x");
        b.add("-0.5");
        b.add("NaN");
        b.add(" ");
        a.merge(b);
        // labelled 2, 4.5, -0.5: mean 2; squared deviations 0, 6.25, 6.25 -> population variance 12.5 / 3
        FitReport.LabelBalance v = a.value();
        assertEquals(3L, v.labelled());
        assertEquals(4L, v.unlabelled());
        assertEquals(2.0, v.mean(), 1e-15);
        assertEquals(Math.sqrt(12.5 / 3), v.std(), 1e-15);
        assertNull(v.events());
        assertNull(v.nonEvents());
    }

    @Test
    void aContinuousLabelWithoutLabelledRowsHasNoMean() {
        DriftProbe.LabelCounts c = new DriftProbe.LabelCounts(true);
        c.add(null);
        assertEquals(new FitReport.LabelBalance(null, null, 0L, 1, null, null), c.value());
    }

    @Test
    void aMulticlassLabelCountsRowsPerClassTrainsClassesFirst() {
        DriftProbe.LabelCounts a = new DriftProbe.LabelCounts(List.of("rent", "own", "for free"));
        DriftProbe.LabelCounts b = new DriftProbe.LabelCounts(List.of("rent", "own", "for free"));
        for (String label : new String[] {"own", "rent", null, "own"}) {
            a.add(label);
        }
        for (String label : new String[] {" ", "zzz", "own", "", "aaa", "-1"}) {
            b.add(label);
        }
        a.merge(b);
        // own 3, rent 1, for free 0; then the split's other classes sorted: -1, aaa, zzz; unlabelled: null, " ", ""
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("rent", 1L);
        expected.put("own", 3L);
        expected.put("for free", 0L);
        expected.put("-1", 1L);
        expected.put("aaa", 1L);
        expected.put("zzz", 1L);
        FitReport.LabelBalance v = a.value();
        assertEquals(expected, v.classes());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(v.classes().keySet()));
        assertEquals(7L, v.labelled());
        assertEquals(3L, v.unlabelled());
        assertNull(v.events());
        assertNull(v.mean());
        DriftProbe.LabelCounts copy = a.copy();
        a.reset();
        assertEquals(0L, a.value().labelled());
        assertEquals(expected, copy.value().classes(), "a copy keeps the counts and the classes");
        // from CSV lines: the label field's text is its class, quotes removed; the header left out
        DriftProbe.LabelCounts lines = new DriftProbe.LabelCounts(List.of("own", "rent"));
        new DriftProbe.CountLabelLines(lines, 1, (byte) ',').call("a,y\nx,own\nx,\"for free\"\nx,\nx,rent\nx,own".getBytes(StandardCharsets.UTF_8),
                true);
        expected = new LinkedHashMap<>();
        expected.put("own", 2L);
        expected.put("rent", 1L);
        expected.put("for free", 1L);
        assertEquals(FitReport.LabelBalance.multiclass(expected, 1), lines.value());
    }

    @Test
    void theLabelFieldIsReadFromCsvLines() {
        // label y is field 2; the header and five records; quoted separators, a quoted newline and a doubled quote in other fields
        String lines = "a,b,y,z\n"
                + "x,\"p,q\",1,z\n"
                + "\"multi\nline\",\"say \"\"hi\"\"\",0,\"z,z\"\n"
                + "x,y,\"1\",\n"
                + "x,y,,z\n"
                + "short,1";
        assertEquals(new FitReport.LabelBalance(2, 1, 2), count(lines, 2, ',', true));
        // the same lines without a header (a later row of a partition): "y" is a record, unlabelled
        assertEquals(new FitReport.LabelBalance(2, 1, 3), count(lines, 2, ',', false));
        // the first and the last field, tab separated
        assertEquals(new FitReport.LabelBalance(1, 1, 0), count("y\tc\n1\tA\n0\tB", 0, '\t', true));
        assertEquals(new FitReport.LabelBalance(1, 0, 1), count("c\ty\nA\t1\nB\t-1", 1, '\t', true));
    }

    private static FitReport.LabelBalance count(String lines, int index, char separator, boolean header) {
        DriftProbe.LabelCounts c = new DriftProbe.LabelCounts(false);
        new DriftProbe.CountLabelLines(c, index, (byte) separator).call(lines.getBytes(StandardCharsets.UTF_8), header);
        return c.value();
    }
}
