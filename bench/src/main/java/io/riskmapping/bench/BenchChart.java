package io.riskmapping.bench;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws the benchmark chart of docs/performance.md from the {@code summary-<size>-<format>.csv}
 * files that {@code scripts/bench.sh} writes: one group of bars per data set, one bar per program,
 * median wall seconds. Usage: {@code BenchChart BENCH_DIR OUT.svg}.
 */
public final class BenchChart {

    private static final List<String> PROGRAMS = List.of("copy", "job", "mllib", "copy_val", "validation");
    private static final Map<String, String> NAMES = Map.of("copy", "plain Spark copy (3 splits)", "job", "training job",
            "mllib", "MLlib StringIndexer + TargetEncoder", "copy_val", "plain Spark copy (val)", "validation", "validation job");

    private BenchChart() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Map<String, Map<String, Double>> bySet = new TreeMap<>((a, b) -> order(a).compareTo(order(b)));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "summary-*-*.csv")) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String[] c = line.split(",");
                    if (c.length < 4 || c[0].equals("size") || c[3].isEmpty()) {
                        continue;
                    }
                    bySet.computeIfAbsent(c[0] + ", " + c[1], k -> new TreeMap<>()).put(c[2], Double.parseDouble(c[3]));
                }
            }
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        bySet.forEach((set, values) -> {
            for (String p : PROGRAMS) {
                if (values.containsKey(p)) {
                    data.addValue(values.get(p), NAMES.get(p), set);
                }
            }
        });
        JFreeChart chart = ChartFactory.createBarChart("Risk table mapping vs a plain Spark copy (medians, local[2])",
                "data set", "wall seconds", data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        Color[] colors = {new Color(0x9e9e9e), new Color(0x1f77b4), new Color(0xd62728), new Color(0xc7c7c7), new Color(0x2ca02c)};
        for (int i = 0; i < data.getRowCount(); i++) {
            int p = PROGRAMS.indexOf(key(data.getRowKey(i).toString()));
            r.setSeriesPaint(i, colors[Math.max(p, 0)]);
        }
        SVGGraphics2D g = new SVGGraphics2D(900, 480);
        chart.draw(g, new Rectangle(0, 0, 900, 480));
        Files.writeString(Path.of(args[1]), g.getSVGDocument(), StandardCharsets.UTF_8);
        System.out.println("chart: " + args[1] + " (" + bySet.keySet() + ")");
    }

    private static String key(String name) {
        return NAMES.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst().orElse(name);
    }

    /** small before medium before large; Parquet before CSV. */
    private static String order(String set) {
        String size = set.startsWith("small") ? "0" : set.startsWith("medium") ? "1" : "2";
        return size + (set.endsWith("parquet") ? "0" : "1") + set;
    }
}
