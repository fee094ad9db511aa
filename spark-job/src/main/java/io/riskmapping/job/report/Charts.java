package io.riskmapping.job.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.util.List;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/** The report's charts: JFreeChart plots rendered to SVG elements (JFreeSVG) for inlining. */
final class Charts {

    private static final Color BAR = new Color(0x2f, 0x6f, 0xb3);
    private static final Color MUTED = new Color(0xb0, 0xb0, 0xb0);
    private static final Color DEFAULT_LINE = new Color(0xc0, 0x39, 0x2b);
    /** At most this many categories are drawn per field (the most frequent); the table lists all. */
    static final int MAX_BARS = 40;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    static String ivRanking(List<FitReport.Iv> rows) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (FitReport.Iv r : rows) {
            data.addValue(r.iv(), "IV", r.field());
        }
        JFreeChart chart = ChartFactory.createBarChart(null, null, "information value", data, PlotOrientation.HORIZONTAL, false, false, false);
        style(chart);
        ((BarRenderer) chart.getCategoryPlot().getRenderer()).setSeriesPaint(0, BAR);
        for (double t : new double[] {0.02, 0.1, 0.3}) {
            ValueMarker m = new ValueMarker(t, MUTED, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            chart.getCategoryPlot().addRangeMarker(m);
        }
        return svg(chart, 760, 60 + 24 * rows.size(), "iv-chart");
    }

    static String field(FitReport.Field f, String valueName) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<FitReport.Category> cats = f.categories().subList(0, Math.min(MAX_BARS, f.categories().size()));
        for (FitReport.Category c : cats) {
            data.addValue(c.value(), valueName, label(c.key()));
        }
        JFreeChart chart = ChartFactory.createBarChart(null, null, valueName, data, PlotOrientation.VERTICAL, false, false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRenderer(new BarRenderer() {
            private static final long serialVersionUID = 1L;

            @Override
            public Paint getItemPaint(int row, int column) {
                return cats.get(column).belowThreshold() ? MUTED : BAR;
            }
        });
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        if (cats.stream().allMatch(c -> c.trainRows() != null)) {
            renderer.setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator() {
                private static final long serialVersionUID = 1L;

                @Override
                public String generateLabel(org.jfree.data.category.CategoryDataset dataset, int row, int column) {
                    return String.format(java.util.Locale.ROOT, "n=%,d", cats.get(column).trainRows());
                }
            });
            renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            renderer.setDefaultItemLabelsVisible(true);
            plot.getRangeAxis().setUpperMargin(0.12);
        }
        ValueMarker m = new ValueMarker(f.defaultValue(), DEFAULT_LINE, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        m.setLabel("default " + String.format(java.util.Locale.ROOT, "%.4f", f.defaultValue()));
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(m);
        CategoryAxis axis = plot.getDomainAxis();
        if (cats.size() > 6) {
            axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        return svg(chart, 760, 300, "chart-" + f.field().replaceAll("[^A-Za-z0-9_-]", "_"));
    }

    private static String label(String key) {
        return key.length() > 24 ? key.substring(0, 23) + "…" : key;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setOutlineVisible(false);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        Font f = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        plot.getDomainAxis().setTickLabelFont(f);
        plot.getRangeAxis().setTickLabelFont(f);
        plot.getRangeAxis().setLabelFont(f);
    }

    private static String svg(JFreeChart chart, int width, int height, String id) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setDefsKeyPrefix(id);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement(id);
    }
}
