package io.github.jipc.bench.xproc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Every run's result, by mechanism, workload and side, in round order; and
 * the modes the runs landed in. On these machines a run lands in one of two
 * modes (a round trip of ~2 µs or ~55 µs, depending on whether the peer's
 * vCPU was busy); a ratio of two runs in different modes says nothing, so
 * ratios are taken only between runs of one round that landed in the same
 * mode.
 */
final class Results {
    /** Values of one mechanism and workload that split by at least this factor fall into two modes. */
    static final double SPLIT = 2.0;

    /** Where one result belongs. */
    record Cell(String mechanism, Workload workload, Side side) {}

    /** One run's headline value and the mode it landed in (false: the lower values). */
    record Run(int round, double value, boolean high, boolean mixed) {}

    /** Ratios of the rounds whose two runs share a mode, and how many rounds were left out. */
    record Ratios(List<Double> values, int excluded) {}

    private final Map<Cell, List<Object>> runs = new LinkedHashMap<>();

    void add(Cell cell, int round, Object result) {
        runs.computeIfAbsent(cell, c -> new ArrayList<>()).add(result);
    }

    List<Latency> latencies(Cell cell) {
        return runs.getOrDefault(cell, List.of()).stream().map(Latency.class::cast).toList();
    }

    List<Throughput> throughputs(Cell cell) {
        return runs.getOrDefault(cell, List.of()).stream().map(Throughput.class::cast).toList();
    }

    /** The headline value of a result: round-trip p50 in µs, or stream MB/s. */
    static double headline(Object result) {
        return result instanceof Latency l ? l.p50() / 1e3 : ((Throughput) result).megabytesPerSecond();
    }

    /** The headline values of a cell, round by round. */
    List<Double> headline(Cell cell) {
        return runs.getOrDefault(cell, List.of()).stream().map(Results::headline).toList();
    }

    /**
     * The split between the two modes of this mechanism and workload (all
     * sides, all rounds): the middle of the widest gap between sorted values,
     * if it spans a factor of {@link #SPLIT}; else NaN (one mode).
     */
    double split(String mechanism, Workload w) {
        List<Double> all = new ArrayList<>();
        runs.forEach((c, r) -> {
            if (c.mechanism().equals(mechanism) && c.workload().equals(w)) {
                all.addAll(headline(c));
            }
        });
        all.sort(null);
        double bestGap = 0;
        double at = Double.NaN;
        for (int i = 1; i < all.size(); i++) {
            double gap = all.get(i) / all.get(i - 1);
            if (gap >= SPLIT && gap > bestGap) {
                bestGap = gap;
                at = Math.sqrt(all.get(i) * all.get(i - 1));
            }
        }
        return at;
    }

    /** The runs of a cell with their modes. */
    List<Run> runs(Cell cell) {
        double split = split(cell.mechanism(), cell.workload());
        List<Run> out = new ArrayList<>();
        List<Object> rs = runs.getOrDefault(cell, List.of());
        for (int i = 0; i < rs.size(); i++) {
            double v = headline(rs.get(i));
            out.add(new Run(i + 1, v, !Double.isNaN(split) && v > split, rs.get(i) instanceof Latency l && l.mixed()));
        }
        return out;
    }

    /** a/b of the headline values within each round, for the rounds whose two runs landed in the same mode. */
    Ratios ratios(Cell a, Cell b) {
        List<Run> x = runs(a);
        List<Run> y = runs(b);
        List<Double> r = new ArrayList<>();
        int excluded = 0;
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            if (x.get(i).high() == y.get(i).high()) {
                r.add(x.get(i).value() / y.get(i).value());
            } else {
                excluded++;
            }
        }
        return new Ratios(r, excluded);
    }

    /** Two figures of each value, e.g. the parent's and the child's. */
    static <T> List<double[]> mapPairs(List<T> values, ToDoubleFunction<T> a, ToDoubleFunction<T> b) {
        return values.stream().map(v -> new double[] {a.applyAsDouble(v), b.applyAsDouble(v)}).toList();
    }

    static <T> List<Double> map(List<T> values, ToDoubleFunction<T> f) {
        return values.stream().map(v -> f.applyAsDouble(v)).toList();
    }
}
