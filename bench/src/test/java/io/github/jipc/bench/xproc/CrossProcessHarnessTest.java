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

/**
 * The cross-process harness with tiny counts: every contender (the control
 * included) runs both mechanisms and both kinds of workload, the data checks pass, the numbers
 * are sane, the report is written and nothing is left behind. No performance
 * is asserted.
 */
class CrossProcessHarnessTest {
    private static final int ROUND_TRIPS = 200;

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void oneTinyRoundOfEveryContenderMeasuresAndChecksTheData() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("scratch"));
        Path out = dir.resolve("report.md");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Main.Outcome o = Main.run(new PrintStream(progress, true, StandardCharsets.UTF_8),
                "--rounds", "1", "--warmup", "100", "--round-trips", String.valueOf(ROUND_TRIPS),
                "--rtt-sizes", "64", "--stream-sizes", "65536", "--stream-warmup-ms", "50", "--stream-ms", "200",
                "--contenders", String.join(",", Settings.ALL_CONTENDERS),
                "--out", out.toString(), "--tmp-dir", tmp.toString(), "--timeout-s", "60");

        for (Mechanism m : Mechanism.values()) {
            for (String c : Settings.ALL_CONTENDERS) {
                if (c.equals("jni") && m == Mechanism.FIFO) {
                    // The control runs pipes only.
                    assertEquals(List.of(), o.results().latencies(new Results.Cell(m, new Workload(Workload.Kind.ROUND_TRIP, 64), c)));
                    continue;
                }
                List<Latency> rtt = o.results().latencies(new Results.Cell(m, new Workload(Workload.Kind.ROUND_TRIP, 64), c));
                assertEquals(1, rtt.size(), c + " " + m);
                Latency l = rtt.get(0);
                assertEquals(ROUND_TRIPS, l.count(), c + " " + m);
                assertTrue(0 < l.p50() && l.p50() <= l.p99() && l.p99() <= l.p999() && l.p999() <= l.max(), c + " " + m + ": " + l);
                assertTrue(l.p50() < 1_000_000_000L, c + " " + m + " p50 of a second or more: " + l);
                assertTrue(l.roundTripsPerSecond() > 0, c + " " + m + ": " + l);

                List<Throughput> stream = o.results().throughputs(new Results.Cell(m, new Workload(Workload.Kind.STREAM, 65536), c));
                assertEquals(1, stream.size(), c + " " + m);
                Throughput t = stream.get(0);
                assertTrue(t.messages() > 0 && t.bytes() == t.messages() * 65536, c + " " + m + ": " + t);
                assertTrue(t.elapsedNanos() >= 200_000_000L, c + " " + m + " counted for less than its window: " + t);
                assertTrue(t.megabytesPerSecond() > 0, c + " " + m + ": " + t);
            }
        }
        String md = Files.readString(out);
        assertEquals(o.markdown(), md);
        assertTrue(md.contains("| pipe | RTT p50 µs, 64 B |"), md);
        assertTrue(md.contains("| fifo | stream MB/s, 64 KiB |"), md);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the run's scratch folder (FIFOs, logs, samples) was not removed");
        }
    }

    @Test
    @Timeout(60)
    void aRunThatOverrunsItsTimeoutIsKilledAndLeavesNothingBehind() throws Exception {
        for (Mechanism m : Mechanism.values()) {
            for (String c : Settings.CONTENDERS) {
                Path tmp = Files.createDirectory(dir.resolve("overrun-" + m.key + "-" + c));
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Main.run(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        "--rounds", "1", "--warmup", "0", "--round-trips", "2000000000", "--rtt-sizes", "64",
                        "--stream-sizes", "none", "--mechanisms", m.key, "--contenders", c,
                        "--out", dir.resolve("unused.md").toString(), "--tmp-dir", tmp.toString(), "--timeout-s", "1"),
                        c + " " + m);
                assertTrue(e.getMessage().contains("timed out after 1 s"), c + " " + m + ": " + e.getMessage());
                try (Stream<Path> left = Files.list(tmp)) {
                    assertEquals(List.of(), left.toList(), c + " " + m + " left files behind");
                }
                assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList(),
                        c + " " + m + " left a child running");
            }
        }
    }

    @Test
    void badOptionsAreRejectedBeforeAnythingRuns() {
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("--rounds", "0"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("--rtt-sizes", "8"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("--contenders", "c,go"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parse("--no-such-option", "1"));
        Settings s = Settings.parse();
        assertEquals(3, s.rounds());
        assertEquals(50_000, s.warmUp());
        assertEquals(100_000, s.roundTrips());
        assertEquals(5, s.workloads().size());
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
}
