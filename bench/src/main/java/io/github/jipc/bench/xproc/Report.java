package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results as Markdown (a summary with ratios and targets, the
 * distribution of every cell over the rounds, then the details) and as CSV
 * (one line per run).
 */
final class Report {
    /** The ratio columns: numerator, denominator. */
    private static final List<Side[]> RATIOS = List.of(new Side[] {Side.JIPC, Side.C}, new Side[] {Side.JIPC, Side.JNI},
            new Side[] {Side.JIPC, Side.JDK}, new Side[] {Side.JNI, Side.C});

    private final BenchCommand settings;
    private final Results results;
    private final StringBuilder md = new StringBuilder();

    private Report(BenchCommand settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    static String markdown(BenchCommand settings, Results results, ZonedDateTime started, String loadBefore, String loadAfter) {
        Report r = new Report(settings, results);
        r.header(started, loadBefore, loadAfter);
        r.summary();
        r.cpu();
        r.distribution();
        r.roundTrips();
        r.streams();
        return r.md.toString();
    }

    private void header(ZonedDateTime started, String loadBefore, String loadAfter) {
        line("# jipc bench: every mechanism between two processes, beside raw C, the bare-JNI control and the JDK");
        line("");
        line("- date: " + started.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        line("- machine: " + machine() + "; load average (1 min) " + loadBefore + " before, " + loadAfter + " after");
        line("- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "; child JVMs: " + String.join(" ", RunContext.CHILD_JVM_OPTIONS));
        line("- command: `jipc bench " + settings.describe() + "`");
        line("- placement: " + (settings.unpinned ? "unpinned (CPUs " + allowedCpus() + "), the scheduler places both processes"
                : settings.split ? "every thread of the parent on CPU " + settings.cpu + ", of every child on CPU " + settings.childCpu
                        + " (sched_setaffinity)"
                : "every thread of every process on CPU " + settings.cpu + " (sched_setaffinity, inherited by the children)"));
        line("- round trips: " + settings.warmUp + " to warm up, then " + settings.roundTrips + " timed, each echo checked;"
                + " streams: " + settings.streamWarmUpMs + " ms to warm up, then whole messages counted at the receiver for "
                + settings.streamMs + " ms, each checked (sequence number at both ends)");
        line("- each figure: median of " + settings.rounds + " round(s) [min–max]; each ratio taken within a round, between"
                + " runs that landed in the same mode (see Modes), then the median [min–max] of those");
        line("");
        line("Sides, in the order they run within a round:");
        line("");
        for (Transport t : settings.transports()) {
            for (Side side : settings.sides) {
                if (t.label(side) != null) {
                    line("- " + t.key() + ", **" + side.label() + "**: " + t.label(side));
                } else if (t.missing(side) != null) {
                    line("- " + t.key() + ", **" + side.label() + "**: none, " + t.missing(side));
                }
            }
        }
        line("");
    }

    private void summary() {
        line("## Summary");
        line("");
        line("RTT: round trip p50 in µs (lower is better). Stream: one-way MB/s (10^6 B/s) at the receiver (higher is better).");
        line("");
        StringBuilder head = new StringBuilder("| mechanism | measure |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Side side : settings.sides) {
            head.append(' ').append(side.label()).append(" |");
            rule.append("---|");
        }
        List<Side[]> ratios = RATIOS.stream().filter(r -> settings.sides.contains(r[0]) && settings.sides.contains(r[1])).toList();
        for (Side[] r : ratios) {
            head.append(' ').append(r[0].label()).append(" / ").append(r[1].label()).append(" |");
            rule.append("---|");
        }
        line(head + " targets (PERFORMANCE.md) |");
        line(rule + "---|");
        for (Transport t : settings.transports()) {
            for (Workload w : settings.workloads(t)) {
                StringBuilder row = new StringBuilder("| " + t.key() + " | " + measure(w) + " |");
                for (Side side : settings.sides) {
                    List<Double> v = results.headline(new Results.Cell(t.key(), w, side));
                    row.append(' ').append(v.isEmpty() ? t.missing(side) != null ? "none" : "–" : Stats.of(v).format(format(w)))
                            .append(modes(t, w, side)).append(" |");
                }
                for (Side[] r : ratios) {
                    row.append(' ').append(ratio(t, w, r[0], r[1])).append(" |");
                }
                line(row + " " + targets(t, w) + " |");
            }
        }
        line("");
        line("A mode note (n high) means that n of the rounds landed in the higher of two modes (see Modes);"
                + " (x of y) after a ratio: only x rounds had both runs in one mode.");
        line("");
    }

    private static String measure(Workload w) {
        return (w.kind() == Workload.Kind.ROUND_TRIP ? "RTT p50 µs, " : "stream MB/s, ") + w.sizeLabel();
    }

    private static String format(Workload w) {
        return w.kind() == Workload.Kind.ROUND_TRIP ? "%.2f" : "%.0f";
    }

    /** " (2 high)" when the cell's rounds landed in different modes or all in the high one of a split. */
    private String modes(Transport t, Workload w, Side side) {
        List<Results.Run> runs = results.runs(new Results.Cell(t.key(), w, side));
        long high = runs.stream().filter(Results.Run::high).count();
        return high == 0 ? "" : " (" + high + " high)";
    }

    private String ratio(Transport t, Workload w, Side a, Side b) {
        Results.Ratios r = results.ratios(new Results.Cell(t.key(), w, a), new Results.Cell(t.key(), w, b));
        if (r.values().isEmpty()) {
            return r.excluded() > 0 ? "modes differ" : "–";
        }
        String s = Stats.of(r.values()).format("%.2f");
        return r.excluded() == 0 ? s : s + " (" + r.values().size() + " of " + (r.values().size() + r.excluded()) + ")";
    }

    /** The PERFORMANCE.md targets that apply, and where each stands (median ratio). */
    private String targets(Transport t, Workload w) {
        List<String> out = new ArrayList<>();
        if (w.kind() == Workload.Kind.ROUND_TRIP && t.key().equals("shm")) {
            target(out, t, w, Side.JIPC, Side.C, "≤", 1.3);
        } else if (w.kind() == Workload.Kind.ROUND_TRIP) {
            target(out, t, w, Side.JIPC, Side.JNI, "≤", 1.05);
            target(out, t, w, Side.JIPC, Side.JDK, "≤", 1.0);
        } else if (w.size() == 64 * 1024 || t.key().equals("mq") && w.size() == MqTransport.largestMessage()) {
            target(out, t, w, Side.JIPC, Side.C, "≥", 0.9);
            target(out, t, w, Side.JIPC, Side.JDK, "≥", 1.0);
        }
        return out.isEmpty() ? "–" : String.join("; ", out);
    }

    private void target(List<String> out, Transport t, Workload w, Side a, Side b, String op, double limit) {
        Results.Ratios r = results.ratios(new Results.Cell(t.key(), w, a), new Results.Cell(t.key(), w, b));
        if (r.values().isEmpty()) {
            return;
        }
        double m = Stats.of(r.values()).median();
        boolean met = op.equals("≤") ? m <= limit : m >= limit;
        out.add(a.label() + "/" + b.label() + " " + op + " " + limit + ": " + (met ? "met" : "**missed**"));
    }

    /** The summary's companion: what both processes spent per message, side by side. */
    private void cpu() {
        line("## CPU time per message, both processes");
        line("");
        line("µs of CPU time (user + system) per round trip or streamed message, medians over the rounds: the parent's"
                + " measuring thread + the child's working thread (each measured by itself over its timed part, the child"
                + " reporting its own figures at its end). A spinning transport shows up here, a sleeping one in the sleeps"
                + " columns below.");
        line("");
        StringBuilder head = new StringBuilder("| mechanism | measure |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Side side : settings.sides) {
            head.append(' ').append(side.label()).append(" |");
            rule.append("---|");
        }
        line(head.toString());
        line(rule.toString());
        for (Transport t : settings.transports()) {
            for (Workload w : settings.workloads(t)) {
                StringBuilder row = new StringBuilder("| " + t.key() + " | "
                        + (w.kind() == Workload.Kind.ROUND_TRIP ? "RTT, " : "stream, ") + w.sizeLabel() + " |");
                for (Side side : settings.sides) {
                    Results.Cell cell = new Results.Cell(t.key(), w, side);
                    List<double[]> v = w.kind() == Workload.Kind.ROUND_TRIP
                            ? Results.mapPairs(results.latencies(cell), l -> l.cost().cpuNanos() / 1e3 / l.count(), l -> childCpu(l.child()))
                            : Results.mapPairs(results.throughputs(cell), x -> x.cost().cpuNanos() / 1e3 / x.messages(),
                                    x -> childCpu(x.child()));
                    if (v.isEmpty()) {
                        row.append(" – |");
                        continue;
                    }
                    double parent = Stats.of(v.stream().map(p -> p[0]).toList()).median();
                    double child = Stats.of(v.stream().map(p -> p[1]).toList()).median();
                    row.append(String.format(Locale.ROOT, " %.2f + %.2f = **%.2f** |", parent, child, parent + child));
                }
                line(row.toString());
            }
        }
        line("");
    }

    private static double childCpu(ChildCost c) {
        return c == null ? Double.NaN : c.cpuMicrosPerMessage();
    }

    private static double childSleeps(ChildCost c) {
        return c == null ? Double.NaN : c.sleepsPerMessage();
    }

    private void distribution() {
        line("## Modes: every round");
        line("");
        line("Each run's figure, round by round. H: the run landed in the higher of two modes of that mechanism and"
                + " workload (all sides' values of it split by ≥ " + Results.SPLIT + "× there); L: the lower; no letter:"
                + " one mode. *: the run's own round trips were bimodal (p90 > " + Latency.MIXED + "× p10).");
        line("");
        StringBuilder head = new StringBuilder("| mechanism | measure | side |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int i = 1; i <= settings.rounds; i++) {
            head.append(" round ").append(i).append(" |");
            rule.append("---|");
        }
        line(head.toString());
        line(rule.toString());
        for (Transport t : settings.transports()) {
            for (Workload w : settings.workloads(t)) {
                boolean split = !Double.isNaN(results.split(t.key(), w));
                for (Side side : settings.sides) {
                    List<Results.Run> runs = results.runs(new Results.Cell(t.key(), w, side));
                    if (runs.isEmpty()) {
                        continue;
                    }
                    StringBuilder row = new StringBuilder("| " + t.key() + " | " + measure(w) + " | " + side.label() + " |");
                    for (Results.Run r : runs) {
                        row.append(' ').append(String.format(Locale.ROOT, format(w), r.value()))
                                .append(split ? (r.high() ? " H" : " L") : "").append(r.mixed() ? "*" : "").append(" |");
                    }
                    line(row.toString());
                }
            }
        }
        line("");
    }

    private void roundTrips() {
        line("## Round trips");
        line("");
        line("µs; p50 and rate as median [min–max] over the rounds, the rest as medians. CPU and sleeps: the pinging"
                + " thread's CPU time (user + system) and voluntary context switches per round trip; child: the echoing"
                + " thread's, as the child measured them over its timed part.");
        line("");
        line("| mechanism | size | side | p10 | p50 | p90 | p99 | p99.9 | max | round trips/s | CPU µs / RT | sleeps / RT"
                + " | child CPU µs / RT | child sleeps / RT |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Transport t : settings.transports()) {
            for (Workload w : settings.workloads(t)) {
                if (w.kind() != Workload.Kind.ROUND_TRIP) {
                    continue;
                }
                for (Side side : settings.sides) {
                    List<Latency> l = results.latencies(new Results.Cell(t.key(), w, side));
                    if (l.isEmpty()) {
                        continue;
                    }
                    line("| " + t.key() + " | " + w.sizeLabel() + " | " + side.label()
                            + " | " + median(l, x -> x.p10() / 1e3, "%.2f")
                            + " | " + Stats.of(Results.map(l, x -> x.p50() / 1e3)).format("%.2f")
                            + " | " + median(l, x -> x.p90() / 1e3, "%.2f")
                            + " | " + median(l, x -> x.p99() / 1e3, "%.1f")
                            + " | " + median(l, x -> x.p999() / 1e3, "%.1f")
                            + " | " + median(l, x -> x.max() / 1e3, "%.0f")
                            + " | " + Stats.of(Results.map(l, Latency::roundTripsPerSecond)).format("%.0f")
                            + " | " + median(l, x -> x.cost().cpuNanos() / 1e3 / x.count(), "%.2f")
                            + " | " + median(l, x -> (double) x.cost().voluntarySwitches() / x.count(), "%.2f")
                            + " | " + median(l, x -> childCpu(x.child()), "%.2f")
                            + " | " + median(l, x -> childSleeps(x.child()), "%.2f") + " |");
                }
            }
        }
        line("");
    }

    private static <T> String median(List<T> values, java.util.function.ToDoubleFunction<T> f, String format) {
        return String.format(Locale.ROOT, format, Stats.of(Results.map(values, f)).median());
    }

    private void streams() {
        line("## Streams");
        line("");
        line("One way, child to parent; counted at the receiver, every message checked (UDP: a gap in the sequence numbers"
                + " is counted as lost and shown; anywhere else it fails the run). CPU and sleeps: the receiving"
                + " thread's per message; sender: the child's sending thread's, per message it sent in its timed part.");
        line("");
        line("| mechanism | size | side | MB/s | messages/s | CPU µs / msg | sleeps / msg | sender CPU µs / msg"
                + " | sender sleeps / msg | checked in the windows |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (Transport t : settings.transports()) {
            for (Workload w : settings.workloads(t)) {
                if (w.kind() != Workload.Kind.STREAM) {
                    continue;
                }
                for (Side side : settings.sides) {
                    List<Throughput> tp = results.throughputs(new Results.Cell(t.key(), w, side));
                    if (tp.isEmpty()) {
                        continue;
                    }
                    long messages = tp.stream().mapToLong(Throughput::messages).sum();
                    long bytes = tp.stream().mapToLong(Throughput::bytes).sum();
                    long lost = tp.stream().mapToLong(Throughput::lost).sum();
                    line("| " + t.key() + " | " + w.sizeLabel() + " | " + side.label()
                            + " | " + Stats.of(Results.map(tp, Throughput::megabytesPerSecond)).format("%.0f")
                            + " | " + median(tp, Throughput::messagesPerSecond, "%.0f")
                            + " | " + median(tp, x -> x.cost().cpuNanos() / 1e3 / x.messages(), "%.2f")
                            + " | " + median(tp, x -> (double) x.cost().voluntarySwitches() / x.messages(), "%.2f")
                            + " | " + median(tp, x -> childCpu(x.child()), "%.2f")
                            + " | " + median(tp, x -> childSleeps(x.child()), "%.2f")
                            + " | " + messages + " messages, " + String.format(Locale.ROOT, "%.0f", bytes / 1e6) + " MB"
                            + (lost == 0 ? "" : String.format(Locale.ROOT, "; **%d lost** (%.1f %% of those sent, median"
                                    + " of the rounds)", lost, 100 * Stats.of(Results.map(tp, Throughput::lossRatio)).median()))
                            + " |");
                }
            }
        }
        line("");
    }

    /** One line per run: everything measured, for a spreadsheet. */
    static String csv(BenchCommand settings, Results results) {
        StringBuilder b = new StringBuilder("round,placement,mechanism,kind,size,side,p10_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,"
                + "per_second,mb_per_s,cpu_ns_per_message,sleeps_per_message,child_cpu_ns_per_message,"
                + "child_sleeps_per_message,mode,mixed,lost\n");
        String placement = settings.unpinned ? "unpinned" : settings.split ? "split" : "cpu" + settings.cpu;
        for (Transport t : settings.transports()) {
            for (Workload w : settings.workloads(t)) {
                for (Side side : settings.sides) {
                    Results.Cell cell = new Results.Cell(t.key(), w, side);
                    List<Results.Run> runs = results.runs(cell);
                    boolean split = !Double.isNaN(results.split(t.key(), w));
                    for (int i = 0; i < runs.size(); i++) {
                        Results.Run r = runs.get(i);
                        String mode = split ? (r.high() ? "high" : "low") : "one";
                        b.append(r.round()).append(',').append(placement).append(',').append(t.key()).append(',')
                                .append(w.kind() == Workload.Kind.ROUND_TRIP ? "rtt" : "stream").append(',').append(w.size())
                                .append(',').append(side.key()).append(',');
                        if (w.kind() == Workload.Kind.ROUND_TRIP) {
                            Latency l = results.latencies(cell).get(i);
                            b.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%.0f,,%.0f,%.4f", l.p10(), l.p50(), l.p90(),
                                    l.p99(), l.p999(), l.max(), l.roundTripsPerSecond(), (double) l.cost().cpuNanos() / l.count(),
                                    (double) l.cost().voluntarySwitches() / l.count()));
                            b.append(childCsv(l.child()));
                        } else {
                            Throughput tp = results.throughputs(cell).get(i);
                            b.append(String.format(Locale.ROOT, ",,,,,,%.0f,%.1f,%.0f,%.4f", tp.messagesPerSecond(),
                                    tp.megabytesPerSecond(), (double) tp.cost().cpuNanos() / tp.messages(),
                                    (double) tp.cost().voluntarySwitches() / tp.messages()));
                            b.append(childCsv(tp.child()));
                        }
                        b.append(',').append(mode).append(',').append(r.mixed()).append(',');
                        if (w.kind() == Workload.Kind.STREAM) {
                            b.append(results.throughputs(cell).get(i).lost());
                        }
                        b.append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    private static String childCsv(ChildCost c) {
        return c == null ? ",," : String.format(Locale.ROOT, ",%.0f,%.4f", c.cpuMicrosPerMessage() * 1e3, c.sleepsPerMessage());
    }

    /** "Linux 6.1.0 amd64, 2 CPUs (Intel Xeon ...)". */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // The CPU model is only decoration.
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
                + ", " + onlineCpus() + " CPUs (" + cpu + ")";
    }

    /** The CPUs this process may run on, as taskset -c writes them ("0-1"), or "?". */
    static String allowedCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** The machine's CPUs (not only those this process may use). */
    static int onlineCpus() {
        try {
            return (int) Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The 1-minute load average, or "?". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
