package io.github.jipc.bench.xproc;

/** What the receiver counted in its timed window (whole, checked messages) and what its thread spent. */
record Throughput(long messages, long bytes, long elapsedNanos, Cost cost) {
    /** Megabytes (10^6 bytes) per second. */
    double megabytesPerSecond() {
        return bytes * 1e3 / elapsedNanos;
    }

    double messagesPerSecond() {
        return messages * 1e9 / elapsedNanos;
    }
}
