package io.github.jipc.bench.xproc;

/**
 * What the receiver counted in its timed window (whole, checked messages),
 * what its thread spent, what the sending child spent (null until it
 * reported), and the messages lost in the window (gaps in the sequence
 * numbers: UDP only; every other mechanism fails the run on a gap).
 */
record Throughput(long messages, long bytes, long elapsedNanos, Cost cost, ChildCost child, long lost) {
    Throughput(long messages, long bytes, long elapsedNanos, Cost cost) {
        this(messages, bytes, elapsedNanos, cost, null, 0);
    }

    /** The same with the child's report. */
    Throughput withChild(ChildCost c) {
        return new Throughput(messages, bytes, elapsedNanos, cost, c, lost);
    }

    /** Lost messages as a share of those sent in the window (arrived + lost). */
    double lossRatio() {
        return messages + lost == 0 ? 0 : (double) lost / (messages + lost);
    }

    /** Megabytes (10^6 bytes) per second. */
    double megabytesPerSecond() {
        return bytes * 1e3 / elapsedNanos;
    }

    double messagesPerSecond() {
        return messages * 1e9 / elapsedNanos;
    }
}
