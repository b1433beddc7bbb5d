package dev.javelin.compiler.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn with JFreeChart (headless) and embedded as PNG data so the page needs
 * nothing but itself: fused against unfused step times, a plan's live memory over its kernels, and
 * the per-kernel roofline.
 */
public final class Charts {
    static {
        headless();
    }

    static final Color FUSED = new Color(0x1f77b4);
    static final Color UNFUSED = new Color(0xff7f0e);

    private Charts() {}

    /** Draws without a display, unless the JVM was told otherwise; call before any AWT use. */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The chart as a {@code data:image/png;base64,...} address. */
    public static String pngData(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(png, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot draw the chart '" + chart.getTitle().getText() + "'", e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    /** Step time of each model, fused and unfused, as a percentage of the unfused time. */
    public static JFreeChart bars(List<BenchRun> runs) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (BenchRun r : runs) {
            data.addValue(100.0 * r.fused().medianMs() / r.unfused().medianMs(), "fused", r.model());
            data.addValue(100.0, "unfused", r.model());
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "Step time, fused against unfused (median; unfused = 100%)",
                "model", "% of the unfused step time", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        style(plot);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, FUSED);
        r.setSeriesPaint(1, UNFUSED);
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}%", new DecimalFormat("0")));
        r.setDefaultItemLabelsVisible(true);
        return chart;
    }

    /** The live arena bytes of both plans over their kernel order, each peak marked. */
    public static JFreeChart memory(BenchRun run) {
        XYSeriesCollection data = new XYSeriesCollection();
        long[] fused = MemoryTimeline.liveBytes(run.fused().plan());
        long[] unfused = MemoryTimeline.liveBytes(run.unfused().plan());
        data.addSeries(series("fused (" + run.fused().plan().kernels().size() + " kernels)", fused));
        data.addSeries(series("unfused (" + run.unfused().plan().kernels().size() + " kernels)", unfused));
        JFreeChart chart = xyChart(
                "Live arena memory over the kernel order: " + run.what(),
                "kernel (plan order; the last step is the copy-out)",
                "live MB",
                data);
        XYPlot plot = chart.getXYPlot();
        XYStepRenderer r = new XYStepRenderer();
        r.setSeriesPaint(0, FUSED);
        r.setSeriesPaint(1, UNFUSED);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(1.5f));
        plot.setRenderer(r);
        plot.getRangeAxis().setUpperMargin(0.2);
        markPeak(plot, fused, run.fused().plan(), FUSED);
        markPeak(plot, unfused, run.unfused().plan(), UNFUSED);
        return chart;
    }

    private static XYSeries series(String name, long[] live) {
        XYSeries s = new XYSeries(name);
        for (int i = 0; i < live.length; i++) {
            s.add(i, live[i] / 1e6);
        }
        return s;
    }

    private static void markPeak(XYPlot plot, long[] live, dev.javelin.ir.plan.Plan plan, Color color) {
        int at = MemoryTimeline.peakStep(live);
        String where = at < plan.kernels().size() ? plan.kernels().get(at).name() : "copy-out";
        XYPointerAnnotation a = new XYPointerAnnotation(
                String.format(Locale.ROOT, "peak %.2f MB at %s", live[at] / 1e6, where),
                at,
                live[at] / 1e6,
                -Math.PI / 4);
        a.setPaint(color);
        a.setArrowPaint(color);
        a.setFont(new Font("SansSerif", Font.PLAIN, 11));
        a.setTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addAnnotation(a);
    }

    /**
     * Every profiled kernel of both variants at (FLOPs per byte, achieved GFLOP/s) on log axes under
     * the roofline: the copy bandwidth's slope up to the matrix product's peak. Kernels without
     * FLOPs (pure data movement) have no place on it; the caption says how many.
     */
    public static JFreeChart roofline(BenchRun run, Ceilings c) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries fused = points("fused kernels", run.fused().profile());
        XYSeries unfused = points("unfused kernels", run.unfused().profile());
        double lo = Math.min(min(fused, unfused), c.ridge()) / 4;
        double hi = Math.max(max(fused, unfused), c.ridge()) * 4;
        XYSeries roof = new XYSeries("roofline (copy bandwidth, GEMM peak)");
        roof.add(lo, c.roof(lo));
        roof.add(c.ridge(), c.gemmGflops());
        roof.add(hi, c.gemmGflops());
        data.addSeries(roof);
        data.addSeries(fused);
        data.addSeries(unfused);
        JFreeChart chart = xyChart(
                "Roofline: " + run.what(), "arithmetic intensity (FLOPs per byte moved)", "achieved GFLOP/s", data);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("arithmetic intensity (FLOPs per byte moved)");
        x.setSmallestValue(1e-4);
        x.setRange(lo, hi);
        LogAxis y = new LogAxis("achieved GFLOP/s");
        y.setSmallestValue(1e-4);
        double ylo = Math.min(Math.min(minY(fused), minY(unfused)), c.roof(lo)) / 2;
        y.setRange(ylo, c.gemmGflops() * 3);
        for (LogAxis a : List.of(x, y)) {
            a.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten, labelled as a plain number
            a.setNumberFormatOverride(new DecimalFormat("0.#####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        }
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesLinesVisible(0, true);
        r.setSeriesShapesVisible(0, false);
        r.setSeriesPaint(0, Color.DARK_GRAY);
        r.setSeriesStroke(0, new BasicStroke(2f));
        for (int s = 1; s <= 2; s++) {
            r.setSeriesLinesVisible(s, false);
            r.setSeriesShapesVisible(s, true);
        }
        r.setSeriesPaint(1, FUSED);
        r.setSeriesPaint(2, UNFUSED);
        plot.setRenderer(r);
        XYTextAnnotation ridge = new XYTextAnnotation(
                String.format(Locale.ROOT, "%.0f GB/s copy, %.1f GFLOP/s GEMM", c.copyGbps(), c.gemmGflops()),
                c.ridge(),
                c.gemmGflops() * 1.6);
        ridge.setFont(new Font("SansSerif", Font.PLAIN, 11));
        plot.addAnnotation(ridge);
        return chart;
    }

    /** Whether a kernel has a place on the log-log roofline: FLOPs, bytes and a measured time. */
    static boolean onRoofline(BenchRun.KernelTime k) {
        return k.flops() > 0 && k.bytes() > 0 && k.ms() > 0;
    }

    private static XYSeries points(String name, List<BenchRun.KernelTime> profile) {
        XYSeries s = new XYSeries(name, false, true);
        for (BenchRun.KernelTime k : profile) {
            if (onRoofline(k)) {
                s.add(k.intensity(), k.gflops());
            }
        }
        return s;
    }

    private static double min(XYSeries a, XYSeries b) {
        double m = Double.MAX_VALUE;
        for (XYSeries s : List.of(a, b)) {
            if (!s.isEmpty()) {
                m = Math.min(m, s.getMinX());
            }
        }
        return m == Double.MAX_VALUE ? 0.01 : m;
    }

    private static double max(XYSeries a, XYSeries b) {
        double m = 0;
        for (XYSeries s : List.of(a, b)) {
            if (!s.isEmpty()) {
                m = Math.max(m, s.getMaxX());
            }
        }
        return m == 0 ? 1 : m;
    }

    private static double minY(XYSeries s) {
        return s.isEmpty() ? Double.MAX_VALUE : s.getMinY();
    }

    /** A line chart with a legend on a white, grey-gridded plot. */
    static JFreeChart xyChart(String title, String x, String y, XYSeriesCollection data) {
        JFreeChart chart =
                ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        style(chart.getXYPlot());
        return chart;
    }

    private static void style(XYPlot p) {
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    private static void style(CategoryPlot p) {
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
}
