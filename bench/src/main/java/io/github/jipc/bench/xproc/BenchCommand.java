package io.github.jipc.bench.xproc;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jipc bench}: every mechanism between two real processes, raw C,
 * jipc, the bare-JNI control and the JDK's alternative interleaved in
 * rounds. The options, their defaults and {@link #call()}; also a
 * subcommand of the {@code jipc} command.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures every mechanism between two real processes: raw C, jipc, the bare-JNI control and the"
                + " JDK's alternative, interleaved in rounds. Writes a Markdown report, a CSV and PNG charts.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "a short run, the default: 1 round, 5k + 10k round trips of 64 B, 64 KiB streams of 0.5 + 0.3 s (under a minute)")
    boolean quick;
    @Option(names = "--full", description = "the full protocol (PERFORMANCE.md): 3 rounds, 50k + 100k round trips of 64 B, 100 B and 1 KiB, 4 KiB and 64 KiB streams of 0.5 + 1 s (a few minutes pinned)")
    boolean full;
    @Option(names = "--rounds", description = "rounds; each runs every side once per workload (quick 1, full 3)")
    Integer rounds;
    @Option(names = "--warmup", description = "round trips before the timed ones, per run (quick 5000, full 50000)")
    Integer warmUp;
    @Option(names = "--round-trips", description = "timed round trips per run (quick 10000, full 100000)")
    Integer roundTrips;
    @Option(names = "--rtt-sizes", split = ",", description = "round-trip message sizes in bytes (quick 64, full 64,100,1024; 0: none)")
    List<Integer> rttSizes;
    @Option(names = "--stream-sizes", split = ",", description = "stream message sizes in bytes (quick 65536, full 4096,65536; 0: none)")
    List<Integer> streamSizes;
    @Option(names = "--stream-warmup-ms", description = "stream time before the counted window, for both JVMs' JIT to settle (quick 500, full 500)")
    Integer streamWarmUpMs;
    @Option(names = "--stream-ms", description = "counted stream window, per run (quick 300, full 1000)")
    Integer streamMs;
    @Option(names = "--only", split = ",", description = "mechanisms to run (pipe, fifo, shm, mq, sem, futex, sysvsem, mutex, lock, unix, seqpacket, tcp, dgram, udp, eventfd, poll, ring, ring-spin, ring-sleep; default: all)")
    List<String> only = new ArrayList<>();
    @Option(names = "--sides", split = ",", description = "sides, in the order they run in a round (c,jni,jipc,jdk)")
    List<String> sideKeys = new ArrayList<>(List.of("c", "jni", "jipc", "jdk"));
    List<Side> sides;
    @Option(names = "--cpu", description = "the CPU every process is pinned to (sched_setaffinity; ${DEFAULT-VALUE})")
    int cpu = 0;
    @Option(names = "--unpinned", description = "leave placement to the scheduler (two-CPU figures; bimodal here)")
    boolean unpinned;
    @Option(names = "--split", description = "the parent on --cpu, every child on --child-cpu: two CPUs, always")
    boolean split;
    @Option(names = "--child-cpu", description = "the children's CPU with --split (${DEFAULT-VALUE})")
    int childCpu = 1;
    @Option(names = "--pipe-capacity", description = "an experiment: pipes of this many bytes (F_SETPIPE_SZ) for the C and jipc sides of pipe; the JDK cannot (0: the kernel's, ${DEFAULT-VALUE})")
    int pipeCapacity;
    @Option(names = "--out", description = "folder for xproc-results.md, .csv and the charts (bench-results beside the jar)")
    Path out;
    @Option(names = "--no-charts", negatable = true, description = "skip the PNG charts")
    boolean charts = true;
    @Option(names = "--c-program", description = "the raw C side (built by CMake beside the jar, or unpacked from it)")
    Path cProgram;
    @Option(names = "--tmp-dir", description = "where the run's scratch folder is made; removed at the end")
    Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
    @Option(names = "--timeout-s", description = "longest a single run may take before its processes are killed (${DEFAULT-VALUE})")
    int timeoutS = 120;

    PrintStream progress = System.err;

    /** Fills in the defaults of a quick or a full run, and checks the options. */
    BenchCommand validated() {
        require(!(quick && full), "--quick and --full exclude each other");
        require(!(unpinned && split), "--unpinned and --split exclude each other");
        rounds = or(rounds, 1, 3);
        warmUp = or(warmUp, 5_000, 50_000);
        roundTrips = or(roundTrips, 10_000, 100_000);
        rttSizes = or(rttSizes, List.of(64), List.of(64, 100, 1024));
        streamSizes = or(streamSizes, List.of(65536), List.of(4096, 65536));
        streamWarmUpMs = or(streamWarmUpMs, 500, 500);
        streamMs = or(streamMs, 300, 1000);
        sides = sideKeys.stream().distinct().map(Side::of).toList();
        rttSizes = sizes(rttSizes);
        streamSizes = sizes(streamSizes);
        require(rounds >= 1 && warmUp >= 0 && roundTrips >= 1 && streamWarmUpMs >= 0 && streamMs >= 1 && timeoutS >= 1,
                "counts and times must be positive");
        require(!sides.isEmpty() && !transports().isEmpty() && !workloads().isEmpty(), "nothing to run");
        for (String key : only) {
            Transport.of(key);
        }
        if (out == null) {
            out = Locations.benchTarget().resolve("bench-results");
        }
        return this;
    }

    /** The value given, or the quick or the full default. */
    private <T> T or(T given, T quickValue, T fullValue) {
        return given != null ? given : full ? fullValue : quickValue;
    }

    private List<Integer> sizes(List<Integer> sizes) {
        List<Integer> s = sizes.stream().filter(v -> v != 0).distinct().toList();
        require(s.stream().allMatch(v -> v >= Messages.MIN_SIZE && v <= 16 << 20),
                "message sizes are " + Messages.MIN_SIZE + " B to 16 MiB");
        return s;
    }

    private void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    @Override
    public Integer call() throws Exception {
        try {
            validated();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Main.Outcome o = Main.run(this);
        System.out.print(o.markdown());
        return 0;
    }

    List<Transport> transports() {
        return Transport.ALL.stream().filter(t -> only.isEmpty() || only.contains(t.key())).toList();
    }

    /** The workloads of a round, in the order they run: round trips first, then streams. */
    List<Workload> workloads() {
        List<Workload> w = new ArrayList<>();
        rttSizes.forEach(s -> w.add(new Workload(Workload.Kind.ROUND_TRIP, s)));
        streamSizes.forEach(s -> w.add(new Workload(Workload.Kind.STREAM, s)));
        return w;
    }

    /** The workloads of a round for one mechanism: those asked, as far as the mechanism carries them. */
    List<Workload> workloads(Transport t) {
        return t.workloads(workloads());
    }

    Duration streamWarmUp() {
        return Duration.ofMillis(streamWarmUpMs);
    }

    Duration streamTime() {
        return Duration.ofMillis(streamMs);
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutS);
    }

    Path cProgram() {
        return cProgram;
    }

    /** The options as they would be typed, for the report. */
    String describe() {
        return String.format("--rounds %d --warmup %d --round-trips %d --rtt-sizes %s --stream-sizes %s"
                + " --stream-warmup-ms %d --stream-ms %d --only %s --sides %s %s",
                rounds, warmUp, roundTrips, join(rttSizes), join(streamSizes), streamWarmUpMs, streamMs,
                String.join(",", transports().stream().map(Transport::key).toList()),
                String.join(",", sides.stream().map(Side::key).toList()), placementOptions())
                + (pipeCapacity > 0 ? " --pipe-capacity " + pipeCapacity : "");
    }

    String placementOptions() {
        return unpinned ? "--unpinned" : split ? "--split --cpu " + cpu + " --child-cpu " + childCpu : "--cpu " + cpu;
    }

    /** For reports and charts: where the processes ran. */
    String placement() {
        return unpinned ? "unpinned" : split ? "parent on CPU " + cpu + ", child on CPU " + childCpu : "both processes on CPU " + cpu;
    }

    private static String join(List<Integer> values) {
        return values.isEmpty() ? "0" : String.join(",", values.stream().map(String::valueOf).toList());
    }
}
