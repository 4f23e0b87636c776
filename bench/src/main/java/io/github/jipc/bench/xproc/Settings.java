package io.github.jipc.bench.xproc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How much to measure, parsed from {@code --name value} options; every option
 * has a default, see {@link #USAGE}.
 */
record Settings(int rounds, int warmUp, int roundTrips, List<Integer> rttSizes, List<Integer> streamSizes,
        Duration streamWarmUp, Duration streamTime, List<Mechanism> mechanisms, List<String> contenders,
        Path out, Path cProgram, Path tmpDir, Duration timeout) {

    /** The contenders of a default run. */
    static final List<String> CONTENDERS = List.of("c", "jipc", "jdk");
    /** Every contender: the defaults and the control, jni (pipes only). */
    static final List<String> ALL_CONTENDERS = List.of("c", "jni", "jipc", "jdk");

    Settings {
        if (mechanisms.isEmpty() || contenders.isEmpty() || (rttSizes.isEmpty() && streamSizes.isEmpty())) {
            throw new IllegalArgumentException("nothing to run: name at least one mechanism, contender and message size");
        }
    }

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -cp bench/target/benchmarks.jar io.github.jipc.bench.xproc.Main [options]",
            "  --rounds N            rounds; each runs every contender once per workload, interleaved (3)",
            "  --warmup N            round trips before the timed ones, per run (50000)",
            "  --round-trips N       timed round trips per run (100000)",
            "  --rtt-sizes A,B       round-trip message sizes in bytes, or none (64,100,1024)",
            "  --stream-sizes A,B    one-way stream message sizes in bytes, or none (4096,65536)",
            "  --stream-warmup-ms N  stream time before the counted window, per run (500)",
            "  --stream-ms N         counted stream window, per run (1000)",
            "  --mechanisms A,B      pipe, fifo (pipe,fifo)",
            "  --contenders A,B      in the order they run in a round (c,jipc,jdk); also jni: the control,",
            "                        bare JNI read/write in both JVMs, pipes only",
            "  --out FILE            Markdown report (xproc-results.md beside benchmarks.jar)",
            "  --c-program FILE      the raw C contender (cmake-<platform>/jipc_xproc_bench beside benchmarks.jar)",
            "  --tmp-dir DIR         where the run's scratch folder (FIFOs, logs) is made; removed at the end (java.io.tmpdir)",
            "  --timeout-s N         longest a single run may take before its processes are killed (120)",
            "  --help                this text");

    /** Parses args; unknown options and bad values are IllegalArgumentExceptions. */
    static Settings parse(String... args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("not an option: '" + a + "'");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                o.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (a.equals("--help")) {
                o.put("help", "");
            } else if (i + 1 < args.length) {
                o.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
        }
        Path home = Locations.benchTarget();
        Settings s = new Settings(
                positive(o.remove("rounds"), 3, "rounds"),
                atLeast(o.remove("warmup"), 50_000, 0, "warmup"),
                positive(o.remove("round-trips"), 100_000, "round-trips"),
                list(o.remove("rtt-sizes"), "64,100,1024", Settings::size),
                list(o.remove("stream-sizes"), "4096,65536", Settings::size),
                Duration.ofMillis(atLeast(o.remove("stream-warmup-ms"), 500, 0, "stream-warmup-ms")),
                Duration.ofMillis(positive(o.remove("stream-ms"), 1000, "stream-ms")),
                list(o.remove("mechanisms"), "pipe,fifo", Mechanism::of),
                list(o.remove("contenders"), String.join(",", CONTENDERS), Settings::contender),
                Path.of(o.getOrDefault("out", home.resolve("xproc-results.md").toString())),
                o.containsKey("c-program") ? Path.of(o.get("c-program")) : Locations.cProgram(home),
                Path.of(o.getOrDefault("tmp-dir", System.getProperty("java.io.tmpdir"))),
                Duration.ofSeconds(positive(o.remove("timeout-s"), 120, "timeout-s")));
        o.remove("out");
        o.remove("c-program");
        o.remove("tmp-dir");
        o.remove("help");
        if (!o.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", o.keySet()));
        }
        return s;
    }

    static boolean wantsHelp(String... args) {
        return Arrays.asList(args).contains("--help");
    }

    /** The workloads of a round, in the order they run: round trips first, then streams. */
    List<Workload> workloads() {
        List<Workload> w = new ArrayList<>();
        rttSizes.forEach(s -> w.add(new Workload(Workload.Kind.ROUND_TRIP, s)));
        streamSizes.forEach(s -> w.add(new Workload(Workload.Kind.STREAM, s)));
        return w;
    }

    /** The options as they would be typed, for the report. */
    String describe() {
        return String.format("--rounds %d --warmup %d --round-trips %d --rtt-sizes %s --stream-sizes %s"
                + " --stream-warmup-ms %d --stream-ms %d --mechanisms %s --contenders %s",
                rounds, warmUp, roundTrips, join(rttSizes), join(streamSizes), streamWarmUp.toMillis(),
                streamTime.toMillis(), String.join(",", mechanisms.stream().map(m -> m.key).toList()),
                String.join(",", contenders));
    }

    private static String join(List<Integer> values) {
        return values.isEmpty() ? "none" : String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static int positive(String value, int fallback, String name) {
        return atLeast(value, fallback, 1, name);
    }

    private static int atLeast(String value, int fallback, int min, String name) {
        if (value == null) {
            return fallback;
        }
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number, got '" + value + "'", e);
        }
        if (v < min) {
            throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private static Integer size(String s) {
        int v = atLeast(s, 0, Messages.MIN_SIZE, "size");
        if (v > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("message size above 16 MiB: " + v);
        }
        return v;
    }

    private static String contender(String s) {
        if (!ALL_CONTENDERS.contains(s)) {
            throw new IllegalArgumentException("unknown contender '" + s + "' (" + String.join(", ", ALL_CONTENDERS) + ")");
        }
        return s;
    }

    private static <T> List<T> list(String value, String fallback, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        String v = value == null ? fallback : value.trim();
        if (v.isEmpty() || v.equals("none")) {
            return List.of();
        }
        for (String part : v.split(",")) {
            T t = parse.apply(part.trim());
            if (out.contains(t)) {
                throw new IllegalArgumentException("'" + part.trim() + "' is listed twice");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }
}
