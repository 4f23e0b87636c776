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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The raw C contender: {@code jipc_xproc_bench} (bench/c) runs both processes
 * itself, with pipe2(2) + fork(2) or mkfifo(3) + open(2), and prints one
 * result line; its round-trip times come back through a samples file and go
 * into the same kind of histogram as the Java contenders'.
 */
final class RawC implements Contender {
    private final Path program;

    RawC(Path program) {
        this.program = program;
    }

    @Override
    public String key() {
        return "c";
    }

    @Override
    public String label(Mechanism mechanism) {
        return mechanism == Mechanism.PIPE ? "raw C: pipe2 + fork, read/write" : "raw C: mkfifo + open, read/write";
    }

    @Override
    public Latency roundTrips(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        Path samples = context.newPath("c-samples", ".bin");
        try {
            Map<String, String> r = run(context, watchdog, mechanism, "rtt", String.valueOf(size),
                    String.valueOf(s.warmUp()), String.valueOf(s.roundTrips()), samples.toString());
            expect(r, "count", s.roundTrips());
            expect(r, "size", size);
            ByteBuffer times = ByteBuffer.wrap(Files.readAllBytes(samples)).order(ByteOrder.nativeOrder());
            if (times.remaining() != (long) s.roundTrips() * Long.BYTES) {
                throw new IllegalStateException("the C program wrote " + times.remaining() + " bytes of samples, expected "
                        + (long) s.roundTrips() * Long.BYTES);
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

    @Override
    public Throughput stream(Mechanism mechanism, int size, RunContext context, Watchdog watchdog) throws Exception {
        Settings s = context.settings;
        Map<String, String> r = run(context, watchdog, mechanism, "tput", String.valueOf(size),
                String.valueOf(s.streamWarmUp().toMillis()), String.valueOf(s.streamTime().toMillis()));
        expect(r, "size", size);
        long messages = Long.parseLong(r.get("messages"));
        long bytes = Long.parseLong(r.get("bytes"));
        if (bytes != messages * size) {
            throw new IllegalStateException("the C program counted " + bytes + " bytes in " + messages + " messages of " + size);
        }
        return new Throughput(messages, bytes, Long.parseLong(r.get("elapsed_ns")));
    }

    /** Runs the program and returns the key=value pairs of its result line. */
    private Map<String, String> run(RunContext context, Watchdog watchdog, Mechanism mechanism, String mode,
            String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Locations.requireProgram(program).toString());
        cmd.add(mode);
        cmd.add(mechanism.key);
        cmd.addAll(List.of(args));
        if (mechanism == Mechanism.FIFO) {
            cmd.add(context.scratch.toString());
        }
        Path out = context.newPath("c-out", ".txt");
        Path log = context.newPath("c", ".log");
        Process p = new ProcessBuilder(cmd)
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
            Map<String, String> result = new HashMap<>();
            for (String field : lines.get(lines.size() - 1).split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    result.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            if (!mechanism.key.equals(result.get("mechanism"))) {
                throw new IllegalStateException("the C program ran " + result.get("mechanism") + ", not " + mechanism.key);
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
