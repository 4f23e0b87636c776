package io.github.jipc.bench.xproc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Every run's result, by mechanism, workload and contender, in round order. */
final class Results {
    /** Where one result belongs. */
    record Cell(Mechanism mechanism, Workload workload, String contender) {}

    private final Map<Cell, List<Latency>> latencies = new LinkedHashMap<>();
    private final Map<Cell, List<Throughput>> throughputs = new LinkedHashMap<>();

    void add(Cell cell, Latency latency) {
        latencies.computeIfAbsent(cell, c -> new ArrayList<>()).add(latency);
    }

    void add(Cell cell, Throughput throughput) {
        throughputs.computeIfAbsent(cell, c -> new ArrayList<>()).add(throughput);
    }

    List<Latency> latencies(Cell cell) {
        return latencies.getOrDefault(cell, List.of());
    }

    List<Throughput> throughputs(Cell cell) {
        return throughputs.getOrDefault(cell, List.of());
    }

    /**
     * The headline value of each round: round-trip p50 in microseconds, or
     * stream MB/s.
     */
    List<Double> headline(Cell cell) {
        if (cell.workload().kind() == Workload.Kind.ROUND_TRIP) {
            return map(latencies(cell), l -> l.p50() / 1e3);
        }
        return map(throughputs(cell), Throughput::megabytesPerSecond);
    }

    /** a/b of the headline values, round by round (only rounds where both ran). */
    List<Double> ratios(Cell a, Cell b) {
        List<Double> x = headline(a);
        List<Double> y = headline(b);
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            r.add(x.get(i) / y.get(i));
        }
        return r;
    }

    static <T> List<Double> map(List<T> values, ToDoubleFunction<T> f) {
        return values.stream().map(v -> f.applyAsDouble(v)).toList();
    }
}
