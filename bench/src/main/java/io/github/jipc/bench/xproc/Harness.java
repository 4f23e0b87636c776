package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.jipc.bench.jni.BenchNative;

/**
 * Runs the rounds: in each, for each mechanism and workload, every side
 * once, one after the other (C, jni, jipc, JDK, then the next workload),
 * each run a fresh pair of processes bounded by a watchdog. Load on a shared
 * machine drifts within minutes; runs this close together see the same
 * load, so the ratios are taken within a round.
 */
final class Harness {
    private final RunContext context;
    private final PrintStream progress;

    Harness(RunContext context, PrintStream progress) {
        this.context = context;
        this.progress = progress;
    }

    Results run() throws Exception {
        BenchCommand s = context.settings;
        Results results = new Results();
        int runs = 0;
        for (Transport t : s.transports()) {
            runs += s.workloads(t).size() * (int) s.sides.stream().filter(side -> t.label(side) != null).count();
        }
        try (Progress p = new Progress(progress, Progress.terminal(progress), runs * s.rounds)) {
            for (int round = 1; round <= s.rounds; round++) {
                for (Transport t : s.transports()) {
                    for (Workload w : s.workloads(t)) {
                        StringBuilder line = new StringBuilder(String.format("round %d/%d  %-4s %-20s", round, s.rounds, t.key(), w));
                        for (Side side : s.sides) {
                            if (t.label(side) == null) {
                                continue;
                            }
                            String what = side.key() + " " + t.key() + " " + w;
                            p.starting("round " + round + "/" + s.rounds + ": " + what);
                            line.append(run(results, round, t, w, side, what));
                            p.finished();
                        }
                        p.line(line.toString());
                    }
                }
            }
        }
        return results;
    }

    /** One run of one side, bounded by a watchdog; its figure for the progress line. */
    private String run(Results results, int round, Transport t, Workload w, Side side, String what) throws Exception {
        Watchdog dog = context.watchdog(what);
        try {
            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                Latency l = side == Side.C ? CProgram.roundTrips(t, w.size(), context, dog) : measure(t, side, w, dog).latency;
                results.add(new Results.Cell(t.key(), w, side), round, l);
                return String.format("  %s %.1f us%s", side.key(), l.p50() / 1e3, l.mixed() ? "*" : "");
            }
            Throughput tp = side == Side.C ? CProgram.stream(t, w.size(), context, dog) : measure(t, side, w, dog).throughput;
            results.add(new Results.Cell(t.key(), w, side), round, tp);
            return String.format("  %s %.0f MB/s", side.key(), tp.megabytesPerSecond());
        } catch (Exception e) {
            String why = dog.expired() ? "timed out after " + context.settings.timeoutS
                    + " s (--timeout-s); its processes were killed" : String.valueOf(e.getMessage());
            throw new IllegalStateException(what + " (round " + round + ") failed: " + why, e);
        } finally {
            dog.close();
        }
    }

    /**
     * Starts a child process: with --split the calling thread moves to the
     * children's CPU for the start (a spawned process inherits the affinity
     * of the thread that spawns it), then back.
     */
    static <T> T startChild(BenchCommand s, ChildStart<T> start) throws IOException {
        if (!s.split) {
            return start.start();
        }
        BenchNative.jipc_bench_pin(0, s.childCpu);
        try {
            return start.start();
        } finally {
            BenchNative.jipc_bench_pin(0, s.cpu);
        }
    }

    interface ChildStart<T> {
        T start() throws IOException;
    }

    private record Measured(Latency latency, Throughput throughput) {}

    /** One Java run: the parent's figures, with the child's own costs, which it wrote at its end. */
    private Measured measure(Transport t, Side side, Workload w, Watchdog dog) throws Exception {
        Path report = context.beginRun();
        dog.onClose(() -> Files.deleteIfExists(report));
        try (Transport.Link link = t.open(side, w, context, dog)) {
            Measured m = w.kind() == Workload.Kind.ROUND_TRIP ? new Measured(link.wire().pingPong(context.settings), null)
                    : new Measured(null, link.wire().receive(w.size(), context.settings));
            link.finish();
            dog.check();
            ChildCost child = ChildCost.read(report);
            return m.latency != null ? new Measured(m.latency.withChild(child), null)
                    : new Measured(null, m.throughput.withChild(child));
        }
    }

    /**
     * Pins every thread of this JVM to cpu (sched_setaffinity(2) on each
     * task); every process started from here on inherits it.
     */
    static void pin(int cpu) throws IOException {
        if (cpu < 0) {
            return;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                int r = BenchNative.jipc_bench_pin(Integer.parseInt(task.getFileName().toString()), cpu);
                if (r < 0 && Files.exists(task)) { // else that thread has ended meanwhile
                    throw new IOException("sched_setaffinity to CPU " + cpu + " failed: errno " + -r);
                }
            }
        }
    }
}
