package io.github.jipc.bench.xproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The cross-process harness with tiny counts: every side of every mechanism
 * runs both kinds of workload, the data checks pass, the numbers are sane,
 * the report, CSV and charts are written and nothing is left behind. No
 * performance is asserted.
 */
class CrossProcessHarnessTest {
    private static final int ROUND_TRIPS = 200;
    private static final Workload RTT = new Workload(Workload.Kind.ROUND_TRIP, 64);
    private static final Workload STREAM = new Workload(Workload.Kind.STREAM, 65536);

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void oneTinyRoundOfEverySideMeasuresAndChecksTheData() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("scratch"));
        Path out = dir.resolve("report");
        Main.Outcome o = Main.run(quiet(),
                "--unpinned", "--rounds", "1", "--warmup", "100", "--round-trips", String.valueOf(ROUND_TRIPS),
                "--rtt-sizes", "64", "--stream-sizes", "65536", "--stream-warmup-ms", "50", "--stream-ms", "200",
                "--out", out.toString(), "--tmp-dir", tmp.toString(), "--timeout-s", "60");

        for (Transport m : Transport.ALL) {
            List<Workload> workloads = m.workloads(List.of(RTT, STREAM));
            Workload stream = workloads.size() > 1 ? workloads.get(1) : null; // poll: round trips only
            for (Side c : Side.values()) {
                String what = c + " " + m.key();
                if (m.label(c) == null) {
                    assertEquals(List.of(), o.results().latencies(new Results.Cell(m.key(), RTT, c)), what);
                    continue;
                }
                List<Latency> rtt = o.results().latencies(new Results.Cell(m.key(), RTT, c));
                assertEquals(1, rtt.size(), what);
                Latency l = rtt.get(0);
                assertEquals(ROUND_TRIPS, l.count(), what);
                assertTrue(0 < l.p10() && l.p10() <= l.p50() && l.p50() <= l.p99() && l.p999() <= l.max(), what + ": " + l);
                assertTrue(l.p50() < 1_000_000_000L, what + " p50 of a second or more: " + l);
                assertTrue(l.roundTripsPerSecond() > 0 && l.cost().cpuNanos() >= 0, what + ": " + l);
                assertEquals(ROUND_TRIPS, l.child().messages(), what + ": the child's window is the parent's: " + l);
                assertTrue(l.child().cpuNanos() >= 0 && l.child().voluntarySwitches() >= 0, what + ": " + l);

                if (stream == null) {
                    continue;
                }
                List<Throughput> streams = o.results().throughputs(new Results.Cell(m.key(), stream, c));
                assertEquals(1, streams.size(), what);
                Throughput t = streams.get(0);
                assertTrue(t.messages() > 0 && t.bytes() == t.messages() * stream.size(), what + ": " + t);
                assertTrue(t.elapsedNanos() >= 200_000_000L, what + " counted for less than its window: " + t);
                assertTrue(t.child().messages() > 0 && t.child().cpuNanos() >= 0, what + ": the sender's own costs: " + t);
            }
        }
        String md = Files.readString(out.resolve("xproc-results.md"));
        assertEquals(o.markdown(), md);
        assertTrue(md.contains("| pipe | RTT p50 µs, 64 B |"), md);
        assertTrue(md.contains("| shm | stream MB/s, 64 KiB |"), md);
        assertTrue(md.contains("## CPU time per message, both processes"), md);
        List<String> csv = Files.readAllLines(out.resolve("xproc-results.csv"));
        // Two workloads per side of each mechanism (poll: round trips only); dgram, udp, eventfd, poll
        // on the second line; ring (C, jipc), ring-spin (C, jipc, Agrona) and ring-sleep (C, jipc) on the third; mutex (C, jipc) on the fourth;
        // lock (C, jipc, JDK; round trips only) on the fifth.
        assertEquals(1 + 2 * (4 + 4 + 3 + 3 + 2 + 2 + 2 + 4 + 2 + 3)
                + 2 * (2 + 3 + 2) + 3
                + 2 * (2 + 3 + 2)
                + 2 * 2
                + 3, csv.size(), String.join("\n", csv));
        for (String chart : List.of("rtt.png", "stream.png", "cpu.png")) {
            assertTrue(Files.size(out.resolve(chart)) > 1000, chart);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the run's scratch folder (FIFOs, logs, samples) was not removed");
        }
        assertNoShmLeft();
    }

    @Test
    @Timeout(60)
    void messageQueuesRunAtTheLargestMessageTheLimitsAllow() throws Exception {
        int largest = MqTransport.largestMessage();
        org.junit.jupiter.api.Assumptions.assumeTrue(largest < 65536, "fs.mqueue.msgsize_max is 64 KiB or more here");
        Path tmp = Files.createDirectory(dir.resolve("mq-scratch"));
        Main.Outcome o = Main.run(quiet(), "--unpinned", "--only", "mq", "--warmup", "100", "--round-trips", "300",
                "--rtt-sizes", "64,100,1024", "--stream-sizes", "4096,65536", "--stream-warmup-ms", "20", "--stream-ms", "100",
                "--no-charts", "--out", dir.resolve("mq").toString(), "--tmp-dir", tmp.toString(), "--timeout-s", "30");
        Workload big = new Workload(Workload.Kind.STREAM, largest);
        assertEquals(List.of(RTT, new Workload(Workload.Kind.ROUND_TRIP, 100), new Workload(Workload.Kind.ROUND_TRIP, 1024),
                new Workload(Workload.Kind.STREAM, 4096), big), o.settings().workloads(Transport.of("mq")));
        for (Side side : List.of(Side.C, Side.JNI, Side.JIPC)) {
            assertEquals(300, o.results().latencies(new Results.Cell("mq", RTT, side)).get(0).count(), side.key());
            Throughput t = o.results().throughputs(new Results.Cell("mq", big, side)).get(0);
            assertTrue(t.messages() > 0 && t.bytes() == t.messages() * largest, side.key() + ": " + t);
        }
        assertEquals(List.of(), o.results().latencies(new Results.Cell("mq", RTT, Side.JDK)), "the JDK has no queues");
        assertTrue(o.markdown().contains("| mq | stream MB/s, " + big.sizeLabel() + " |"), o.markdown());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
        Path queues = Path.of("/dev/mqueue");
        if (Files.isDirectory(queues)) {
            try (Stream<Path> left = Files.list(queues)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("jipc-xproc-c-")
                        || p.getFileName().toString().startsWith("jipc-unnamed-" + ProcessHandle.current().pid() + "-")).toList(),
                        "queues left in /dev/mqueue");
            }
        }
    }

    @Test
    @Timeout(90)
    void aRunThatOverrunsItsTimeoutIsKilledAndLeavesNothingBehind() throws Exception {
        for (Transport m : Transport.ALL) {
            for (Side c : Side.values()) {
                if (m.label(c) == null) {
                    continue;
                }
                Path tmp = Files.createDirectory(dir.resolve("overrun-" + m.key() + "-" + c.key()));
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Main.run(quiet(),
                        "--unpinned", "--rounds", "1", "--warmup", "0", "--round-trips", "2000000000", "--rtt-sizes", "64",
                        "--stream-sizes", "0", "--only", m.key(), "--sides", c.key(), "--no-charts",
                        "--out", dir.resolve("unused").toString(), "--tmp-dir", tmp.toString(), "--timeout-s", "1"),
                        c + " " + m.key());
                assertTrue(e.getMessage().contains("timed out after 1 s"), c + " " + m.key() + ": " + e.getMessage());
                try (Stream<Path> left = Files.list(tmp)) {
                    assertEquals(List.of(), left.toList(), c + " " + m.key() + " left files behind");
                }
                assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList(),
                        c + " " + m.key() + " left a child running");
            }
        }
        assertNoShmLeft();
    }

    @Test
    @Timeout(60)
    void splitPlacementPutsTheChildOnTheOtherCpu() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
                "--split needs two CPUs this process may use");
        Main.Outcome o = Main.run(quiet(), "--split", "--cpu", "0", "--child-cpu", "1", "--only", "pipe", "--sides", "c,jipc",
                "--warmup", "100", "--round-trips", "200", "--stream-ms", "100", "--stream-warmup-ms", "10",
                "--pipe-capacity", "1048576", "--no-charts", "--out", dir.resolve("split").toString(),
                "--tmp-dir", Files.createDirectory(dir.resolve("split-tmp")).toString());
        assertEquals(1, o.results().latencies(new Results.Cell("pipe", RTT, Side.JIPC)).size());
        assertTrue(o.markdown().contains("of every child on CPU 1"), o.markdown());
        assertTrue(Report.allowedCpus().equals("0"), "the harness's own threads are on CPU 0: " + Report.allowedCpus());
    }

    private static void assertNoShmLeft() throws Exception {
        try (Stream<Path> left = Files.list(Path.of("/dev/shm"))) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("jipc-xproc-")
                    && p.getFileName().toString().contains("-" + ProcessHandle.current().pid())).toList());
        }
    }

    @Test
    void badOptionsAreRejectedBeforeAnythingRuns() {
        assertThrows(IllegalArgumentException.class, () -> parse("--rounds", "0"));
        assertThrows(IllegalArgumentException.class, () -> parse("--rtt-sizes", "8"));
        assertThrows(IllegalArgumentException.class, () -> parse("--sides", "c,go"));
        assertThrows(IllegalArgumentException.class, () -> parse("--only", "smoke-signals"));
        assertThrows(CommandLine.UnmatchedArgumentException.class, () -> parse("--no-such-option", "1"));
        assertThrows(IllegalArgumentException.class, () -> parse("--quick", "--full"));
        BenchCommand s = parse("--full");
        assertEquals(3, s.rounds);
        assertEquals(50_000, s.warmUp);
        assertEquals(100_000, s.roundTrips);
        assertEquals(5, s.workloads().size());
        assertEquals(List.of(Side.C, Side.JNI, Side.JIPC, Side.JDK), s.sides);
        assertEquals(1, parse().rounds);
        assertEquals(10_000, parse("--quick").roundTrips);
        assertEquals(7, parse("--full", "--rounds", "7").rounds);
        assertEquals(List.of("shm"), parse("--only", "shm").transports().stream().map(Transport::key).toList());
        assertEquals(List.of("mq"), parse("--only", "mq").transports().stream().map(Transport::key).toList());
    }

    private static BenchCommand parse(String... args) {
        BenchCommand s = new BenchCommand();
        new CommandLine(s).parseArgs(args);
        return s.validated();
    }

    @Test
    void ratiosAreTakenOnlyBetweenRunsInTheSameMode() {
        Results r = new Results();
        Results.Cell c = new Results.Cell("pipe", RTT, Side.C);
        Results.Cell j = new Results.Cell("pipe", RTT, Side.JIPC);
        long[] cP50 = {2_000, 55_000, 56_000};
        long[] jP50 = {2_200, 2_100, 60_000};
        for (int i = 0; i < 3; i++) {
            r.add(c, i + 1, latency(cP50[i]));
            r.add(j, i + 1, latency(jP50[i]));
        }
        assertTrue(r.split("pipe", RTT) > 2.2 && r.split("pipe", RTT) < 55);
        Results.Ratios ratios = r.ratios(j, c);
        assertEquals(1, ratios.excluded());
        assertEquals(List.of(1.1, 60.0 / 56), ratios.values());
        assertEquals(List.of(false, true, true), r.runs(c).stream().map(Results.Run::high).toList());

        Results one = new Results();
        one.add(c, 1, latency(5_000));
        one.add(j, 1, latency(5_600));
        assertTrue(Double.isNaN(one.split("pipe", RTT)));
        assertEquals(0, one.ratios(j, c).excluded());
    }

    private static Latency latency(long p50) {
        return new Latency(1, p50, p50, p50, p50, p50, p50, 1_000_000, new Cost(0, 0), null);
    }

    /** Messages with the numbers step apart (every other one lost for step 2), or a step back at 10 for step 0. */
    private static Wire gappy(int step) {
        return new Wire() {
            private final java.nio.ByteBuffer reply = Messages.direct(64);
            private long seq;

            @Override
            void stamp(long s) {}

            @Override
            void write() {}

            @Override
            boolean read() {
                Messages.stamp(reply, seq);
                seq = step == 0 && seq == 10 ? 9 : seq + Math.max(step, 1);
                return true;
            }

            @Override
            void check(long s) {
                Messages.check(reply, s);
            }

            @Override
            long arrived() {
                return reply.getLong(0);
            }
        };
    }

    @Test
    void aLossyStreamCountsWhatItLostAndStillFailsOnADuplicate() throws Exception {
        BenchCommand s = parse("--stream-warmup-ms", "0", "--stream-ms", "20");
        Throughput t = gappy(2).receive(64, s);
        assertTrue(t.messages() > 0 && Math.abs(t.lost() - t.messages()) <= 1, t.toString());
        assertEquals(0.5, t.lossRatio(), 0.01);
        assertEquals(0, gappy(1).receive(64, s).lost());
        assertThrows(IllegalStateException.class, () -> gappy(0).receive(64, s));
    }

    @Test
    void aDamagedMessageIsCaught() {
        java.nio.ByteBuffer b = Messages.direct(64);
        Messages.stamp(b, 41);
        Messages.check(b, 41);
        assertThrows(IllegalStateException.class, () -> Messages.check(b, 42));
        b.put(63, (byte) 0);
        assertThrows(IllegalStateException.class, () -> Messages.check(b, 41));
        byte[] a = Messages.array(100);
        Messages.stamp(a, 7);
        Messages.check(a, 7);
        a[0] ^= 1;
        assertThrows(IllegalStateException.class, () -> Messages.check(a, 7));
    }

    @Test
    void theChildMetersTheSameWindowAsTheParent() throws Exception {
        ChildMeter.configure(RTT, 3);
        for (int i = 0; i < 10; i++) {
            ChildMeter.tick();
        }
        Path report = dir.resolve("child.txt");
        ChildMeter.report(report);
        ChildCost c = ChildCost.read(report);
        assertEquals(7, c.messages(), "the round trips after the 3 of the warm-up");
        assertTrue(c.cpuNanos() >= 0 && c.voluntarySwitches() >= 0, c.toString());
        assertEquals(c, ChildCost.of(ChildCost.fields("rtt mechanism=mq child_cpu_ns=" + c.cpuNanos() + " child_vcsw="
                + c.voluntarySwitches() + " child_messages=7"), "child_"));

        ChildMeter.configure(STREAM, 60_000);
        ChildMeter.tick();
        Path none = dir.resolve("none.txt");
        ChildMeter.report(none);
        assertTrue(Files.notExists(none), "a stream still in its warm-up reports nothing");
        assertThrows(IllegalStateException.class, () -> ChildCost.read(none));
        ChildMeter.configure(STREAM, 0);
        for (int i = 0; i < 200; i++) {
            ChildMeter.tick();
        }
        ChildMeter.report(none);
        assertEquals(200 - 64, ChildCost.read(none).messages(), "from the first look at the clock on");
    }

    @Test
    void progressShowsLinesAndOnATerminalAStatusLine() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(plain, true, StandardCharsets.UTF_8), false, 2)) {
            p.starting("round 1/1: c pipe round trips of 64 B");
            p.finished();
            p.starting("round 1/1: jipc pipe round trips of 64 B");
            p.finished();
            p.line("round 1/1  pipe round trips of 64 B  c 4.0 us  jipc 4.9 us");
        }
        String lines = plain.toString(StandardCharsets.UTF_8);
        assertTrue(lines.matches("round 1/1  pipe round trips of 64 B  c 4.0 us  jipc 4.9 us   \\[2/2, ~0 s left]\\R"), lines);

        ByteArrayOutputStream term = new ByteArrayOutputStream();
        try (Progress p = new Progress(new PrintStream(term, true, StandardCharsets.UTF_8), true, 4)) {
            p.finished();
            p.starting("round 1/1: jipc mq round trips of 64 B");
        }
        String status = term.toString(StandardCharsets.UTF_8);
        assertTrue(status.contains("\r[######..................] 1/4 runs") && status.contains("jipc mq round trips of 64 B (0 s)")
                && status.endsWith("\r\033[K"), status);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
