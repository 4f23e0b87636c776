package io.github.jipc.bench.xproc;

/**
 * What the receiver counted in its timed window (whole, checked messages),
 * what its thread spent, and what the sending child spent (null until it
 * reported).
 */
record Throughput(long messages, long bytes, long elapsedNanos, Cost cost, ChildCost child) {
    Throughput(long messages, long bytes, long elapsedNanos, Cost cost) {
        this(messages, bytes, elapsedNanos, cost, null);
    }

    /** The same with the child's report. */
    Throughput withChild(ChildCost c) {
        return new Throughput(messages, bytes, elapsedNanos, cost, c);
    }

    /** Megabytes (10^6 bytes) per second. */
    double megabytesPerSecond() {
        return bytes * 1e3 / elapsedNanos;
    }

    double messagesPerSecond() {
        return messages * 1e9 / elapsedNanos;
    }
}
