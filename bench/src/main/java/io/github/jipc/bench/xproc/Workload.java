package io.github.jipc.bench.xproc;

/** What one run measures: round trips of a message size, or a one-way stream of a message size. */
record Workload(Kind kind, int size) {
    enum Kind {
        /** Ping-pong: the parent sends a message, the child echoes it, the parent times the round trip. */
        ROUND_TRIP,
        /** One way: the child streams messages, the parent counts what arrives in a fixed time. */
        STREAM
    }

    Workload {
        if (size < Messages.MIN_SIZE) {
            throw new IllegalArgumentException("messages must be at least " + Messages.MIN_SIZE + " bytes, got " + size);
        }
    }

    /** "64 B", "4 KiB": the size as the tables show it. */
    String sizeLabel() {
        return size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
    }

    @Override
    public String toString() {
        return (kind == Kind.ROUND_TRIP ? "round trips of " : "stream of ") + sizeLabel();
    }
}
