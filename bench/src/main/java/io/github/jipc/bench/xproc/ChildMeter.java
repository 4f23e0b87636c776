package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM's own costs, measured as the C child measures them
 * (xproc_meter): over round trips from its warm-up-th echo on, over a stream
 * from the warm-up time after its first message on (the clock read every 64
 * messages), up to its end. Every child loop calls {@link #tick()} after each
 * message it echoed or sent; {@link Peer} configures it and writes the
 * report. One child per JVM, one thread: plain static state.
 */
final class ChildMeter {
    private static boolean rtt;
    private static long startAt;
    private static long warmUpNanos;
    private static long startNanos;
    private static long messages;
    private static long base;
    private static boolean started;
    private static Cost cost;

    private ChildMeter() {}

    /** warmUp: round trips for round trips, milliseconds for streams. */
    static void configure(Workload w, long warmUp) {
        rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        startAt = warmUp;
        warmUpNanos = warmUp * 1_000_000L;
        messages = 0;
        started = false;
        if (rtt && warmUp == 0) {
            begin();
        }
    }

    /** After each message echoed or sent. Allocates nothing until the window starts. */
    static void tick() {
        long n = ++messages;
        if (started) {
            return;
        }
        if (rtt) {
            if (n == startAt) {
                begin();
            }
        } else if (n == 1) {
            startNanos = System.nanoTime() + warmUpNanos;
        } else if ((n & 63) == 0 && System.nanoTime() - startNanos >= 0) {
            begin();
        }
    }

    private static void begin() {
        started = true;
        base = messages;
        cost = Cost.now();
    }

    /** Writes the costs since the window started into file (nothing if it never started). */
    static void report(Path file) throws IOException {
        if (!started) {
            return;
        }
        Cost c = cost.since();
        Files.writeString(file, new ChildCost(c.cpuNanos(), c.voluntarySwitches(), messages - base).line() + "\n");
    }
}
