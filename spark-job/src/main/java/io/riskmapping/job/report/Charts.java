package io.riskmapping.job.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/** The report's charts: JFreeChart plots rendered to SVG elements (JFreeSVG) for inlining. */
final class Charts {

    private static final Color BAR = new Color(0x2f, 0x6f, 0xb3);
    private static final Color MUTED = new Color(0xb0, 0xb0, 0xb0);
    private static final Color DEFAULT_LINE = new Color(0xc0, 0x39, 0x2b);
    /** At most this many categories are drawn per field (the most frequent); the table lists all. */
    static final int MAX_BARS = 40;
    private static final int WIDTH = 760;
    /** The share of a chart's width its category labels may take. */
    private static final double LABEL_WIDTH_RATIO = 0.4;
    /** A generous width of one character of the 11 px label font, in pixels. */
    private static final double CHAR_PX = 7.5;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * The IV ranking as horizontal bars, highest first, with the 95% interval of each IV as a whisker
     * (its lower end at {@code max(0, IV − z·SE)}: the axis starts at 0).
     */
    static String ivRanking(List<FitReport.Iv> rows) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        double upper = 0;
        for (FitReport.Iv r : rows) {
            data.add(r.iv(), r.ivCiUpper() - r.iv(), "IV", r.field());
            upper = Math.max(upper, Math.max(r.iv(), r.ivCiUpper()));
        }
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
        renderer.setErrorIndicatorStroke(new BasicStroke(1.2f));
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(null), new NumberAxis("information value (bars) and 95% interval (whiskers)"),
                renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        style(chart);
        renderer.setSeriesPaint(0, BAR);
        plot.getRangeAxis().setRange(0, Math.max(upper, 0.35) * 1.05);
        for (double t : new double[] {0.02, 0.1, 0.3}) {
            ValueMarker m = new ValueMarker(t, MUTED, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            plot.addRangeMarker(m);
        }
        fullLabels(plot.getDomainAxis(), rows.stream().map(FitReport.Iv::field).toList());
        return svg(chart, WIDTH, 70 + 24 * rows.size(), "iv-chart");
    }

    /**
     * One field's values per category as horizontal bars (at most {@link #MAX_BARS}, the most
     * frequent; the table lists all), each category's full name on its row (wrapped over several
     * lines when long, never cut), bars labelled with the train rows when known, grey under the count
     * threshold; the default is a dashed red line, named in a subtitle above the plot (never over a bar).
     */
    static String field(FitReport.Field f, String valueName) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<FitReport.Category> cats = f.categories().subList(0, Math.min(MAX_BARS, f.categories().size()));
        for (FitReport.Category c : cats) {
            data.addValue(c.value(), valueName, c.key());
        }
        JFreeChart chart = ChartFactory.createBarChart(null, null, valueName, data, PlotOrientation.HORIZONTAL, false, false, false);
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
        renderer.setMaximumBarWidth(0.08);
        if (cats.stream().allMatch(c -> c.trainRows() != null)) {
            renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator() {
                private static final long serialVersionUID = 1L;

                @Override
                public String generateLabel(CategoryDataset dataset, int row, int column) {
                    return String.format(Locale.ROOT, "n=%,d", cats.get(column).trainRows());
                }
            });
            renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            renderer.setDefaultItemLabelsVisible(true);
            renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
            renderer.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
            plot.getRangeAxis().setUpperMargin(0.15);
        }
        ValueMarker m = new ValueMarker(f.defaultValue(), DEFAULT_LINE, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        plot.addRangeMarker(m);
        TextTitle legend = new TextTitle("dashed red line: default " + String.format(Locale.ROOT, "%.4f", f.defaultValue())
                + " (nulls and unseen categories)", new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        legend.setPaint(DEFAULT_LINE);
        legend.setHorizontalAlignment(HorizontalAlignment.RIGHT);
        chart.addSubtitle(legend);
        int lines = fullLabels(plot.getDomainAxis(), cats.stream().map(FitReport.Category::key).toList());
        return svg(chart, WIDTH, 80 + Math.max(22, 13 * lines + 8) * Math.max(cats.size(), 2),
                "chart-" + f.field().replaceAll("[^A-Za-z0-9_-]", "_"));
    }

    /**
     * Lets a category axis show every label in full: up to {@link #LABEL_WIDTH_RATIO} of the chart's
     * width, wrapped over as many lines as the longest label needs (at about {@link #CHAR_PX} pixels
     * per character, with a line to spare). Returns the number of lines allowed.
     */
    private static int fullLabels(CategoryAxis axis, List<String> labels) {
        int perLine = (int) (WIDTH * LABEL_WIDTH_RATIO / CHAR_PX);
        int lines = 1;
        for (String l : labels) {
            lines = Math.max(lines, (l.length() + perLine - 1) / perLine + (l.length() > perLine ? 1 : 0));
        }
        axis.setMaximumCategoryLabelWidthRatio((float) LABEL_WIDTH_RATIO);
        axis.setMaximumCategoryLabelLines(lines);
        return lines;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
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
