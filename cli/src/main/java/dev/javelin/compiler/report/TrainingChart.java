package dev.javelin.compiler.report;

import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The curves of a training run as a PNG (JFreeChart, drawn headless): the loss of every step on
 * the left axis and, where the run has test data, the test accuracy after each epoch on the right.
 */
public final class TrainingChart {
    static {
        Charts.headless();
    }

    private final XYSeries loss = new XYSeries("loss");
    private final XYSeries accuracy = new XYSeries("test accuracy");

    public void loss(long step, double value) {
        loss.add(step, value);
    }

    public void accuracy(long step, double fraction) {
        accuracy.add(step, fraction);
    }

    /** Writes the chart, {@code width} x {@code height} pixels. */
    public void write(Path png, String title, int width, int height) throws IOException {
        ChartUtils.saveChartAsPNG(png.toFile(), chart(title), width, height);
    }

    /** The loss on the left axis and, where recorded, the test accuracy on the right. */
    public JFreeChart chart(String title) {
        JFreeChart chart = Charts.xyChart(title, "step", "loss", new XYSeriesCollection(loss));
        XYPlot plot = chart.getXYPlot();
        if (!accuracy.isEmpty()) {
            NumberAxis axis = new NumberAxis("test accuracy");
            axis.setRange(0, 1);
            plot.setRangeAxis(1, axis);
            plot.setDataset(1, new XYSeriesCollection(accuracy));
            plot.mapDatasetToRangeAxis(1, 1);
            plot.setRenderer(1, new XYLineAndShapeRenderer(true, true));
        }
        return chart;
    }
}
