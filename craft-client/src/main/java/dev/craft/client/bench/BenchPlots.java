package dev.craft.client.bench;

import dev.craft.client.io.AtomicFiles;
import dev.craft.client.tune.TuneReport;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The paper's plots as JFreeChart charts, rendered to PNG without a display. */
public final class BenchPlots {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final BasicStroke LINE = new BasicStroke(2f);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);

    private BenchPlots() {
    }

    /**
     * Test accuracy (%) against training queries (paper Fig. 3), one line per run, and a dashed
     * horizontal line at each finished run's zero-shot accuracy, in the run's colour; when every
     * run has the same zero-shot accuracy (runs on one dataset) that is a single grey line.
     */
    public static JFreeChart queries(List<RunCurve> runs, String title) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to plot");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        long maxQueries = 1;
        for (RunCurve run : runs) {
            for (long q : run.trainQueries()) {
                maxQueries = Math.max(maxQueries, q);
            }
        }
        double[] zeroShots = runs.stream().mapToDouble(RunCurve::zeroShotAccuracy).filter(Double::isFinite)
                .distinct().toArray();
        boolean sharedZeroShot = zeroShots.length == 1;
        Set<String> labels = new HashSet<>();
        int colour = 0;
        for (RunCurve run : runs) {
            String label = unique(labels, run.label());
            Paint paint = paint(colour++);
            XYSeries curve = new XYSeries(label, false, true);
            for (int i = 0; i < run.trainQueries().length; i++) {
                curve.add(run.trainQueries()[i], 100 * run.testAccuracy()[i]);
            }
            int index = data.getSeriesCount();
            data.addSeries(curve);
            renderer.setSeriesPaint(index, paint);
            renderer.setSeriesStroke(index, LINE);
            if (Double.isFinite(run.zeroShotAccuracy()) && !sharedZeroShot) {
                XYSeries zeroShot = new XYSeries(unique(labels, label + " zero-shot"), false, true);
                zeroShot.add(0, 100 * run.zeroShotAccuracy());
                zeroShot.add(maxQueries, 100 * run.zeroShotAccuracy());
                data.addSeries(zeroShot);
                renderer.setSeriesPaint(index + 1, paint);
                renderer.setSeriesStroke(index + 1, DASHED);
                renderer.setSeriesShapesVisible(index + 1, false);
            }
        }
        if (sharedZeroShot) {
            XYSeries zeroShot = new XYSeries(unique(labels, "zero-shot"), false, true);
            zeroShot.add(0, 100 * zeroShots[0]);
            zeroShot.add(maxQueries, 100 * zeroShots[0]);
            int index = data.getSeriesCount();
            data.addSeries(zeroShot);
            renderer.setSeriesPaint(index, Color.DARK_GRAY);
            renderer.setSeriesStroke(index, DASHED);
            renderer.setSeriesShapesVisible(index, false);
        }
        NumberAxis x = new NumberAxis("training queries");
        x.setAutoRangeIncludesZero(true);
        NumberAxis y = new NumberAxis("test accuracy (%)");
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        return chart(title == null ? "Test accuracy against training queries" : title, plot);
    }

    /**
     * Mean test accuracy (%) against shots per class on a log2 axis, one line per method (the
     * zero-shot row of the summary included), with error bars of one sample standard deviation
     * over seeds where there is more than one seed.
     */
    public static JFreeChart shots(BenchSummary summary, String title) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        renderer.setDrawXError(false);
        renderer.setCapLength(6);
        int index = 0;
        for (BenchSummary.Row row : summary.accuracyRows()) {
            YIntervalSeries series = new YIntervalSeries(row.label(), false, true);
            row.byShots().forEach((shot, s) -> {
                double mean = 100 * s.mean();
                double std = s.hasStd() ? 100 * s.std() : 0;
                series.add(shot, mean, mean - std, mean + std);
            });
            data.addSeries(series);
            renderer.setSeriesPaint(index, paint(index));
            renderer.setSeriesStroke(index, BenchSummary.ZERO_SHOT_KEY.equals(row.key()) || "zs".equals(row.key())
                    ? DASHED : LINE);
            index++;
        }
        List<Integer> shots = summary.shots();
        LogAxis x = new LogAxis("shots per class");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setMinorTickCount(1);
        x.setNumberFormatOverride(new DecimalFormat("0"));
        x.setRange(shots.get(0) / 1.4, shots.get(shots.size() - 1) * 1.4);
        NumberAxis y = new NumberAxis("test accuracy (%)");
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        int seeds = summary.seeds().size();
        String subtitle = seeds == 1 ? "1 seed" : seeds + " seeds, bars: ±1 sample std";
        return chart((title == null ? "Test accuracy against shots" : title) + " (" + subtitle + ")", plot);
    }

    /** Writes {@code chart} as a {@code width} x {@code height} PNG, atomically. */
    public static void writePng(JFreeChart chart, Path file, int width, int height) throws IOException {
        if (width < 100 || height < 100 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("plot size must be between 100 and 10000 pixels, got " + width + "x" + height);
        }
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    /** Loads the reports of a bench's summary.csv. */
    public static List<TuneReport> readSummary(Path csv) throws IOException {
        if (!java.nio.file.Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(csv + " not found (run craft bench first)");
        }
        List<TuneReport> reports = BenchSummary.parseCsv(java.nio.file.Files.readString(csv), csv.toString());
        if (reports.isEmpty()) {
            throw new IllegalArgumentException(csv + " has no runs");
        }
        return reports;
    }

    private static JFreeChart chart(String title, XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        return chart;
    }

    /** Ten colours that stay distinct on white (matplotlib's tab10). */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private static Paint paint(int index) {
        return PALETTE[index % PALETTE.length];
    }

    private static String unique(Set<String> used, String label) {
        String candidate = label;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = label + " #" + i;
        }
        return candidate;
    }
}
