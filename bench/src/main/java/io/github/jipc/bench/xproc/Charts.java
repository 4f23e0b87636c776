package io.github.jipc.bench.xproc;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * PNG charts of a run (JFreeChart, headless): round-trip p50, stream
 * throughput and CPU time per message (both processes), one bar per side, grouped by
 * mechanism and size; medians over the rounds.
 */
final class Charts {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 520;
    private static final Color[] COLORS = {new Color(0x55, 0x55, 0x55), new Color(0x99, 0x99, 0xcc),
        new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e)};

    private Charts() {}

    /** Writes rtt.png, stream.png and cpu.png into dir; returns the files written. */
    static List<Path> write(BenchCommand s, Results results, Path dir, String placement) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> out = new ArrayList<>();
        DefaultCategoryDataset rtt = new DefaultCategoryDataset();
        DefaultCategoryDataset stream = new DefaultCategoryDataset();
        DefaultCategoryDataset cpu = new DefaultCategoryDataset();
        for (Transport t : s.transports()) {
            for (Workload w : s.workloads(t)) {
                String category = t.key() + " " + w.sizeLabel();
                for (Side side : s.sides) {
                    Results.Cell cell = new Results.Cell(t.key(), w, side);
                    if (w.kind() == Workload.Kind.ROUND_TRIP) {
                        List<Latency> l = results.latencies(cell);
                        if (!l.isEmpty()) {
                            rtt.addValue(median(l, x -> x.p50() / 1e3), side.label(), category);
                            cpu.addValue(median(l, x -> x.cost().cpuNanos() / 1e3 / x.count() + childCpu(x.child())), side.label(),
                                    category + " RT");
                        }
                    } else {
                        List<Throughput> tp = results.throughputs(cell);
                        if (!tp.isEmpty()) {
                            stream.addValue(median(tp, Throughput::megabytesPerSecond), side.label(), category);
                            cpu.addValue(median(tp, x -> x.cost().cpuNanos() / 1e3 / x.messages() + childCpu(x.child())),
                                    side.label(), category + " stream");
                        }
                    }
                }
            }
        }
        out.add(save(dir.resolve("rtt.png"), "Round trip p50, µs (lower is better), " + placement, "µs", rtt, "0.00"));
        out.add(save(dir.resolve("stream.png"), "Stream throughput, MB/s (higher is better), " + placement, "MB/s", stream, "0"));
        out.add(save(dir.resolve("cpu.png"), "CPU time per message, both processes (parent + child), µs, " + placement, "µs", cpu, "0.00"));
        return out;
    }

    private static double childCpu(ChildCost c) {
        return c == null ? 0 : c.cpuMicrosPerMessage();
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
        return Stats.of(Results.map(values, f)).median();
    }

    private static Path save(Path file, String title, String unit, DefaultCategoryDataset data, String format) throws IOException {
        JFreeChart chart = ChartFactory.createBarChart(title, null, unit, data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat(format)));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 9));
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        for (int i = 0; i < data.getRowCount(); i++) {
            r.setSeriesPaint(i, COLORS[Side.valueOf(((String) data.getRowKey(i)).toUpperCase(java.util.Locale.ROOT)).ordinal()]);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
