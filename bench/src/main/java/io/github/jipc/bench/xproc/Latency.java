package io.github.jipc.bench.xproc;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The round trips of one run: percentiles in nanoseconds (HdrHistogram, three
 * significant digits) and the rate over the timed part.
 */
record Latency(long count, long p50, long p99, long p999, long max, long elapsedNanos) {
    /** Longer round trips are recorded as this long (a run's timeout ends it long before anyway). */
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);

    /** A histogram for round-trip times in nanoseconds, allocated up front: recording allocates nothing. */
    static Histogram histogram() {
        return new Histogram(HIGHEST, 3);
    }

    static void record(Histogram h, long nanos) {
        h.recordValue(Math.min(Math.max(nanos, 0), HIGHEST));
    }

    static Latency of(Histogram h, long elapsedNanos) {
        return new Latency(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), elapsedNanos);
    }

    /** Completed round trips per second over the timed part, checks included. */
    double roundTripsPerSecond() {
        return count * 1e9 / elapsedNanos;
    }
}
