package io.github.jipc.bench.xproc;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The raw C side of every mechanism: {@code jipc_xproc_bench} (bench/c) runs
 * both processes itself and prints one result line; its round-trip times
 * come back through a samples file and go into the same kind of histogram as
 * the Java sides'.
 */
final class CProgram {
    private CProgram() {}

    static Latency roundTrips(Transport t, int size, RunContext context, Watchdog watchdog) throws Exception {
        BenchCommand s = context.settings;
        Path samples = context.newPath("c-samples", ".bin");
        try {
            Map<String, String> r = run(context, watchdog, t, "rtt", String.valueOf(size),
                    String.valueOf(s.warmUp), String.valueOf(s.roundTrips), samples.toString());
            expect(r, "count", s.roundTrips);
            expect(r, "size", size);
            ByteBuffer times = ByteBuffer.wrap(Files.readAllBytes(samples)).order(ByteOrder.nativeOrder());
            if (times.remaining() != (long) s.roundTrips * Long.BYTES) {
                throw new IllegalStateException("the C program wrote " + times.remaining() + " bytes of samples, expected "
                        + (long) s.roundTrips * Long.BYTES);
            }
            Histogram h = Latency.histogram();
            while (times.hasRemaining()) {
                Latency.record(h, times.getLong());
            }
            return Latency.of(h, Long.parseLong(r.get("elapsed_ns")), cost(r)).withChild(ChildCost.of(r, "child_"));
        } finally {
            Files.deleteIfExists(samples);
        }
    }

    static Throughput stream(Transport t, int size, RunContext context, Watchdog watchdog) throws Exception {
        BenchCommand s = context.settings;
        Map<String, String> r = run(context, watchdog, t, "tput", String.valueOf(size),
                String.valueOf(s.streamWarmUpMs), String.valueOf(s.streamMs));
        expect(r, "size", size);
        long messages = Long.parseLong(r.get("messages"));
        long bytes = Long.parseLong(r.get("bytes"));
        if (bytes != messages * size) {
            throw new IllegalStateException("the C program counted " + bytes + " bytes in " + messages + " messages of " + size);
        }
        return new Throughput(messages, bytes, Long.parseLong(r.get("elapsed_ns")), cost(r), ChildCost.of(r, "child_"),
                Long.parseLong(r.getOrDefault("lost", "0")));
    }

    private static Cost cost(Map<String, String> r) {
        return new Cost(Long.parseLong(r.get("cpu_ns")), Long.parseLong(r.get("vcsw")));
    }

    /** Runs the program and returns the key=value pairs of its result line. */
    private static Map<String, String> run(RunContext context, Watchdog watchdog, Transport t, String mode,
            String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(context.cProgram().toString());
        cmd.add(mode);
        cmd.add(t.key());
        cmd.addAll(List.of(args));
        cmd.add(context.scratch.toString());
        Path out = context.newPath("c-out", ".txt");
        Path log = context.newPath("c", ".log");
        ProcessBuilder b = new ProcessBuilder(cmd);
        if (context.settings.split) {
            // The C parent stays on this thread's CPU; its child moves itself.
            b.environment().put("JIPC_XPROC_CHILD_CPU", String.valueOf(context.settings.childCpu));
        }
        if (context.settings.pipeCapacity > 0) {
            b.environment().put("JIPC_XPROC_PIPE_SIZE", String.valueOf(context.settings.pipeCapacity));
        }
        Process p = b
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.to(out.toFile()))
                .redirectError(Redirect.to(log.toFile()))
                .start();
        try {
            watchdog.onExpiry(p::destroyForcibly);
            int code = p.waitFor();
            watchdog.check();
            if (code != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + code + RunContext.tail(log));
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(lines.size() - 1).startsWith(mode + " ")) {
                throw new IllegalStateException(String.join(" ", cmd) + " printed no result line: " + lines);
            }
            Map<String, String> result = ChildCost.fields(lines.get(lines.size() - 1));
            if (!t.key().equals(result.get("mechanism"))) {
                throw new IllegalStateException("the C program ran " + result.get("mechanism") + ", not " + t.key());
            }
            return result;
        } finally {
            p.destroyForcibly();
            p.waitFor(RunContext.REAP_SECONDS, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }

    private static void expect(Map<String, String> result, String key, long value) {
        if (!String.valueOf(value).equals(result.get(key))) {
            throw new IllegalStateException("the C program reported " + key + "=" + result.get(key) + ", expected " + value);
        }
    }
}
