package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The results as Markdown: a summary with ratios and targets, then the details. */
final class Report {
    /** PERFORMANCE.md: blocking mechanisms' RTT p50 within 1.10x of raw C. */
    static final double RTT_TARGET = 1.10;
    /** PERFORMANCE.md: 64 KiB throughput at least 0.90x of raw C. */
    static final double STREAM_TARGET = 0.90;
    static final int STREAM_TARGET_SIZE = 64 * 1024;

    private final Settings settings;
    private final Results results;
    private final Map<String, Contender> contenders;
    private final StringBuilder md = new StringBuilder();

    private Report(Settings settings, Results results, List<Contender> contenders) {
        this.settings = settings;
        this.results = results;
        this.contenders = contenders.stream().collect(Collectors.toMap(Contender::key, c -> c));
    }

    static String markdown(Settings settings, Results results, List<Contender> contenders, ZonedDateTime started,
            String loadBefore, String loadAfter) {
        Report r = new Report(settings, results, contenders);
        r.header(started, loadBefore, loadAfter);
        r.summary();
        r.roundTrips();
        r.streams();
        return r.md.toString();
    }

    private void header(ZonedDateTime started, String loadBefore, String loadAfter) {
        line("# jipc cross-process benchmark: pipes and FIFOs");
        line("");
        line("- date: " + started.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        line("- machine: " + machine() + "; load average " + loadBefore + " before, " + loadAfter + " after");
        line("- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "; child JVMs: " + String.join(" ", RunContext.CHILD_JVM_OPTIONS));
        String cpus = allowedCpus();
        boolean pinned = !cpus.equals("0-" + (onlineCpus() - 1));
        line("- command: `" + (pinned ? "taskset -c " + cpus + " " : "") + "java -cp bench/target/benchmarks.jar "
                + Main.class.getName() + " " + settings.describe() + "`");
        line("- two processes per run, " + (pinned ? "every process on CPU(s) " + cpus
                + " (the harness's affinity, which every child inherits)" : "nothing pinned")
                + "; every run a fresh process pair. Round trips: "
                + settings.warmUp() + " to warm up, then " + settings.roundTrips() + " timed, each echo checked."
                + " Streams: " + settings.streamWarmUp().toMillis() + " ms to warm up, then whole messages counted at the receiver for "
                + settings.streamTime().toMillis() + " ms, each checked (sequence number at both ends).");
        line("- each figure: median of " + settings.rounds() + " round(s) [min–max]; each ratio taken within a round, "
                + "then the median [min–max] of those.");
        line("");
        line("Contenders, in the order they run within a round:");
        line("");
        for (String key : settings.contenders()) {
            Contender c = contenders.get(key);
            line("- **" + key + "**: " + settings.mechanisms().stream().filter(c::supports)
                    .map(m -> m.key + ": " + c.label(m)).collect(Collectors.joining("; ")));
        }
        line("");
    }

    /** The ratio columns of the summary, those whose two contenders ran. */
    private static final List<List<String>> RATIOS = List.of(
            List.of("jipc", "c"), List.of("jipc", "jdk"), List.of("jni", "c"), List.of("jipc", "jni"));

    private void summary() {
        line("## Summary");
        line("");
        line("RTT: ping-pong round trip, p50 in µs (lower is better). Stream: one-way MB/s (10^6 B/s) at the receiver"
                + " (higher is better). Ratios: of the same figures, round by round.");
        line("");
        List<List<String>> ratios = RATIOS.stream()
                .filter(r -> settings.contenders().containsAll(r)).toList();
        StringBuilder head = new StringBuilder("| mechanism | measure |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String key : settings.contenders()) {
            head.append(' ').append(key).append(" |");
            rule.append("---|");
        }
        for (List<String> r : ratios) {
            head.append(' ').append(r.get(0)).append(" / ").append(r.get(1).equals("jni") ? "jni" : r.get(1).toUpperCase(java.util.Locale.ROOT)).append(" |");
            rule.append("---|");
            if (r.equals(RATIOS.get(0))) {
                head.append(" target |");
                rule.append("---|");
            }
        }
        line(head.toString());
        line(rule.toString());
        for (Mechanism m : settings.mechanisms()) {
            for (Workload w : settings.workloads()) {
                boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
                StringBuilder row = new StringBuilder("| " + m.key + " | " + (rtt ? "RTT p50 µs, " : "stream MB/s, ")
                        + w.sizeLabel() + " |");
                for (String key : settings.contenders()) {
                    List<Double> v = results.headline(new Results.Cell(m, w, key));
                    row.append(' ').append(v.isEmpty() ? "–" : Stats.of(v).format(rtt ? "%.1f" : "%.0f")).append(" |");
                }
                for (List<String> pair : ratios) {
                    List<Double> r = results.ratios(new Results.Cell(m, w, pair.get(0)), new Results.Cell(m, w, pair.get(1)));
                    row.append(' ').append(r.isEmpty() ? "–" : Stats.of(r).format("%.2f")).append(" |");
                    if (pair.equals(RATIOS.get(0))) {
                        row.append(' ').append(target(w, r)).append(" |");
                    }
                }
                line(row.toString());
            }
        }
        line("");
    }

    /** The PERFORMANCE.md target for this workload and whether the median ratio meets it. */
    private static String target(Workload w, List<Double> ratios) {
        if (ratios.isEmpty()) {
            return "–";
        }
        double median = Stats.of(ratios).median();
        if (w.kind() == Workload.Kind.ROUND_TRIP) {
            return "≤ " + RTT_TARGET + ": " + (median <= RTT_TARGET ? "met" : "**missed**");
        }
        if (w.size() == STREAM_TARGET_SIZE) {
            return "≥ " + STREAM_TARGET + ": " + (median >= STREAM_TARGET ? "met" : "**missed**");
        }
        return "–";
    }

    private void roundTrips() {
        line("## Round trips");
        line("");
        line("Microseconds; p50 and rate as median [min–max] over the rounds, the tails as medians.");
        line("");
        line("| mechanism | size | contender | p50 | p99 | p99.9 | max | round trips/s |");
        line("|---|---|---|---|---|---|---|---|");
        for (Mechanism m : settings.mechanisms()) {
            for (Workload w : settings.workloads()) {
                if (w.kind() != Workload.Kind.ROUND_TRIP) {
                    continue;
                }
                for (String key : settings.contenders()) {
                    List<Latency> l = results.latencies(new Results.Cell(m, w, key));
                    if (l.isEmpty()) {
                        continue;
                    }
                    line("| " + m.key + " | " + w.sizeLabel() + " | " + key
                            + " | " + Stats.of(Results.map(l, x -> x.p50() / 1e3)).format("%.1f")
                            + " | " + String.format("%.1f", Stats.of(Results.map(l, x -> x.p99() / 1e3)).median())
                            + " | " + String.format("%.1f", Stats.of(Results.map(l, x -> x.p999() / 1e3)).median())
                            + " | " + String.format("%.0f", Stats.of(Results.map(l, x -> x.max() / 1e3)).median())
                            + " | " + Stats.of(Results.map(l, Latency::roundTripsPerSecond)).format("%.0f") + " |");
                }
            }
        }
        line("");
    }

    private void streams() {
        line("## Streams");
        line("");
        line("One way, child to parent; counted at the receiver, every message checked.");
        line("");
        line("| mechanism | size | contender | MB/s | messages/s | checked in the windows |");
        line("|---|---|---|---|---|---|");
        for (Mechanism m : settings.mechanisms()) {
            for (Workload w : settings.workloads()) {
                if (w.kind() != Workload.Kind.STREAM) {
                    continue;
                }
                for (String key : settings.contenders()) {
                    List<Throughput> t = results.throughputs(new Results.Cell(m, w, key));
                    if (t.isEmpty()) {
                        continue;
                    }
                    long messages = t.stream().mapToLong(Throughput::messages).sum();
                    long bytes = t.stream().mapToLong(Throughput::bytes).sum();
                    line("| " + m.key + " | " + w.sizeLabel() + " | " + key
                            + " | " + Stats.of(Results.map(t, Throughput::megabytesPerSecond)).format("%.0f")
                            + " | " + String.format("%.0f", Stats.of(Results.map(t, Throughput::messagesPerSecond)).median())
                            + " | " + messages + " messages, " + String.format("%.0f", bytes / 1e6) + " MB |");
                }
            }
        }
        line("");
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
