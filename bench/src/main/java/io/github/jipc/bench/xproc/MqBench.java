package io.github.jipc.bench.xproc;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.github.jipc.MessageQueue;

/**
 * POSIX message queues between two processes, jipc beside raw C in the same
 * run, interleaved in rounds as PERFORMANCE.md prescribes: round trips of 64 B
 * and 1 KiB, and a one-way stream of the largest message the limits allow
 * ({@code fs.mqueue.msgsize_max}). Both sides use two unnamed queues (created
 * and unlinked at once) handed to the child; raw C is {@code jipc_mq_bench}
 * (bench/c), jipc a child JVM ({@link MqBenchChild}) through {@link MqWire}.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.github.jipc.bench.xproc.MqBench [--rounds 3] [--warmup 50000]
 *     [--round-trips 100000] [--stream-warmup-ms 500] [--stream-ms 1000] [--timeout-s 120]
 *     [--c-program path] [--out bench/target/mq-results.md]
 * </pre>
 */
public final class MqBench {
    private static final int IN_FD = 3;
    private static final int OUT_FD = 4;

    private MqBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("not an option: " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        String md = run(System.err, o);
        System.out.print(md);
    }

    /** Runs the benchmark with options o; returns the Markdown report (also written to --out). */
    static String run(PrintStream progress, Map<String, String> o) throws Exception {
        Path home = Locations.benchTarget();
        int streamSize = (int) Math.min(Long.parseLong(sysctl("msgsize_max", "8192")), 1 << 20);
        Settings s = new Settings(Integer.parseInt(o.getOrDefault("rounds", "3")),
                Integer.parseInt(o.getOrDefault("warmup", "50000")),
                Integer.parseInt(o.getOrDefault("round-trips", "100000")), List.of(64, 1024), List.of(streamSize),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("stream-warmup-ms", "500"))),
                Duration.ofMillis(Long.parseLong(o.getOrDefault("stream-ms", "1000"))), List.of(Mechanism.PIPE),
                List.of("c", "jipc"), Path.of(o.getOrDefault("out", home.resolve("mq-results.md").toString())),
                o.containsKey("c-program") ? Path.of(o.get("c-program"))
                        : Locations.cProgram(home).resolveSibling("jipc_mq_bench"),
                Path.of(System.getProperty("java.io.tmpdir")),
                Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout-s", "120"))));
        Locations.requireProgram(s.cProgram());
        Map<String, List<double[]>> rows = new LinkedHashMap<>(); // workload -> per round {c, jipc}
        try (RunContext context = new RunContext(s)) {
            for (int round = 1; round <= s.rounds(); round++) {
                for (Workload w : s.workloads()) {
                    double[] pair = new double[2];
                    for (int k = 0; k < 2; k++) {
                        try (Watchdog dog = context.watchdog((k == 0 ? "c" : "jipc") + " mq " + w)) {
                            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                                Latency l = k == 0 ? cRoundTrips(context, w.size(), dog) : jipcRoundTrips(context, w.size(), dog);
                                pair[k] = l.p50() / 1e3;
                            } else {
                                Throughput t = k == 0 ? cStream(context, w.size(), dog) : jipcStream(context, w.size(), dog);
                                pair[k] = t.megabytesPerSecond();
                            }
                        }
                    }
                    rows.computeIfAbsent(w.toString(), x -> new ArrayList<>()).add(pair);
                    progress.printf("round %d/%d  mq %-22s c %.1f  jipc %.1f%n", round, s.rounds(), w, pair[0], pair[1]);
                }
            }
        }
        StringBuilder md = new StringBuilder("| POSIX message queue | raw C | jipc | jipc / C |\n|---|---|---|---|\n");
        rows.forEach((w, pairs) -> {
            boolean rtt = w.startsWith("round trips");
            List<Double> c = new ArrayList<>();
            List<Double> j = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            for (double[] p : pairs) {
                c.add(p[0]);
                j.add(p[1]);
                ratio.add(p[1] / p[0]);
            }
            String unit = rtt ? " µs p50" : " MB/s";
            md.append("| ").append(w).append(" | ").append(Stats.of(c).format("%.1f")).append(unit).append(" | ")
                    .append(Stats.of(j).format("%.1f")).append(unit).append(" | ")
                    .append(Stats.of(ratio).format("%.2f")).append(" |\n");
        });
        md.append("\n").append(s.rounds()).append(" rounds, median [min–max], ratios within each round; ")
                .append(s.warmUp()).append(" + ").append(s.roundTrips()).append(" round trips, ")
                .append(s.streamWarmUp().toMillis()).append(" + ").append(s.streamTime().toMillis())
                .append(" ms streams of ").append(streamSize).append(" B (fs.mqueue.msgsize_max)\n");
        Files.createDirectories(s.out().toAbsolutePath().getParent());
        Files.writeString(s.out(), md);
        return md.toString();
    }

    static String sysctl(String name, String fallback) {
        try {
            return Files.readAllLines(Path.of("/proc/sys/fs/mqueue/" + name)).get(0).trim();
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    private static long maxMessages() {
        return Math.min(10, Long.parseLong(sysctl("msg_max", "10")));
    }

    static Latency jipcRoundTrips(RunContext context, int size, Watchdog dog) throws Exception {
        try (MessageQueue down = MessageQueue.createUnnamed(maxMessages(), size);
             MessageQueue up = MessageQueue.createUnnamed(maxMessages(), size);
             SpawnedJvm child = SpawnedJvm.start(context, dog, MqBenchChild.class,
                     b -> b.inherit(down, IN_FD).inherit(up, OUT_FD), "echo", String.valueOf(IN_FD), String.valueOf(OUT_FD))) {
            dog.onExpiry(down);
            dog.onExpiry(up);
            Latency l = new MqWire(down, up, size).pingPong(context.settings);
            down.send(ByteBuffer.allocate(0), 0);
            child.expectSuccess();
            return l;
        }
    }

    static Throughput jipcStream(RunContext context, int size, Watchdog dog) throws Exception {
        try (MessageQueue stream = MessageQueue.createUnnamed(maxMessages(), size);
             MessageQueue control = MessageQueue.createUnnamed(1, 8);
             SpawnedJvm child = SpawnedJvm.start(context, dog, MqBenchChild.class,
                     b -> b.inherit(stream, IN_FD).inherit(control, OUT_FD), "send", String.valueOf(IN_FD),
                     String.valueOf(OUT_FD), String.valueOf(size))) {
            dog.onExpiry(stream);
            dog.onExpiry(control);
            Throughput t = new MqWire(control, stream, size).receive(size, context.settings);
            control.send(new byte[] { 1 }, 0);
            ByteBuffer drain = ByteBuffer.allocateDirect(size);
            while (!child.awaitEnd(Duration.ofMillis(1))) { // waitFor(ZERO) never reaps
                stream.receive(drain.clear(), Duration.ofMillis(10));
            }
            child.expectSuccess();
            return t;
        }
    }

    static Latency cRoundTrips(RunContext context, int size, Watchdog dog) throws Exception {
        Settings s = context.settings;
        Path samples = context.newPath("c-mq-samples", ".bin");
        try {
            Map<String, String> r = runC(context, dog, "rtt", String.valueOf(size), String.valueOf(s.warmUp()),
                    String.valueOf(s.roundTrips()), samples.toString());
            ByteBuffer times = ByteBuffer.wrap(Files.readAllBytes(samples)).order(ByteOrder.nativeOrder());
            if (times.remaining() != (long) s.roundTrips() * Long.BYTES || !r.get("count").equals(String.valueOf(s.roundTrips()))) {
                throw new IllegalStateException("the C program measured " + r.get("count") + " round trips");
            }
            Histogram h = Latency.histogram();
            while (times.hasRemaining()) {
                Latency.record(h, times.getLong());
            }
            return Latency.of(h, Long.parseLong(r.get("elapsed_ns")));
        } finally {
            Files.deleteIfExists(samples);
        }
    }

    static Throughput cStream(RunContext context, int size, Watchdog dog) throws Exception {
        Settings s = context.settings;
        Map<String, String> r = runC(context, dog, "tput", String.valueOf(size), String.valueOf(s.streamWarmUp().toMillis()),
                String.valueOf(s.streamTime().toMillis()));
        return new Throughput(Long.parseLong(r.get("messages")), Long.parseLong(r.get("bytes")),
                Long.parseLong(r.get("elapsed_ns")));
    }

    private static Map<String, String> runC(RunContext context, Watchdog dog, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(context.settings.cProgram().toString()));
        cmd.addAll(List.of(args));
        Path out = context.newPath("c-mq-out", ".txt");
        Path log = context.newPath("c-mq", ".log");
        Process p = new ProcessBuilder(cmd).redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.to(out.toFile())).redirectError(Redirect.to(log.toFile())).start();
        try {
            dog.onExpiry(p::destroyForcibly);
            int code = p.waitFor();
            dog.check();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (code != 0 || lines.isEmpty()) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + code + RunContext.tail(log));
            }
            Map<String, String> result = new HashMap<>();
            for (String field : lines.get(lines.size() - 1).split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    result.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            return result;
        } finally {
            p.destroyForcibly();
            p.waitFor(RunContext.REAP_SECONDS, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }
}
