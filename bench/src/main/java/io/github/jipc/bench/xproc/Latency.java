package io.github.jipc.bench.xproc;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The round trips of one run: percentiles in nanoseconds (HdrHistogram, three
 * significant digits), the rate over the timed part, what the pinging
 * thread spent and what the echoing child spent (null until it reported).
 */
record Latency(long count, long p10, long p50, long p90, long p99, long p999, long max, long elapsedNanos, Cost cost,
        ChildCost child) {
    /** Longer round trips are recorded as this long (a run's timeout ends it long before anyway). */
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);
    /** A run whose p90 / p10 is above this landed in two modes within itself. */
    static final double MIXED = 3.0;

    /** A histogram for round-trip times in nanoseconds, allocated up front: recording allocates nothing. */
    static Histogram histogram() {
        return new Histogram(HIGHEST, 3);
    }

    static void record(Histogram h, long nanos) {
        h.recordValue(Math.min(Math.max(nanos, 0), HIGHEST));
    }

    static Latency of(Histogram h, long elapsedNanos, Cost cost) {
        return new Latency(h.getTotalCount(), h.getValueAtPercentile(10), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
                elapsedNanos, cost, null);
    }

    /** The same with the child's report. */
    Latency withChild(ChildCost c) {
        return new Latency(count, p10, p50, p90, p99, p999, max, elapsedNanos, cost, c);
    }

    /** Completed round trips per second over the timed part, checks included. */
    double roundTripsPerSecond() {
        return count * 1e9 / elapsedNanos;
    }

    /** True if the run's own round trips fall into two modes (p90 / p10 above {@link #MIXED}). */
    boolean mixed() {
        return p90 > MIXED * p10;
    }
}
