package io.github.jipc;

/**
 * What the header of a {@link MessageRing} says, read without taking a role
 * in the ring (see {@link MessageRing#status}): its kind and sizes, and who
 * holds its consumer role. A snapshot: the consumer may attach or leave right
 * after it was taken.
 */
public final class RingStatus {
    /** Who holds a ring's consumer role, as its header's consumer word records it. */
    public enum Consumer {
        /** No consumer ever attached. */
        NONE,
        /** A running process holds the role (the recorded pid runs, and started when recorded). */
        ATTACHED,
        /** The last consumer closed its handle. */
        LEFT,
        /** The recorded process no longer runs (or its pid now belongs to another process): the role is free. */
        DEAD
    }

    private final RingKind kind;
    private final int capacity;
    private final int maxMessage;
    private final Consumer consumer;
    private final int consumerPid;

    RingStatus(RingKind kind, int capacity, int maxMessage, Consumer consumer, int consumerPid) {
        this.kind = kind;
        this.capacity = capacity;
        this.maxMessage = maxMessage;
        this.consumer = consumer;
        this.consumerPid = consumerPid;
    }

    /** {@return the ring's kind} */
    public RingKind kind() {
        return kind;
    }

    /** {@return the data area's size in bytes} */
    public int capacity() {
        return capacity;
    }

    /** {@return the largest payload in bytes} */
    public int maxMessage() {
        return maxMessage;
    }

    /** {@return who holds the consumer role} */
    public Consumer consumer() {
        return consumer;
    }

    /** {@return the pid the consumer word records for {@link Consumer#ATTACHED} and {@link Consumer#DEAD}, else -1} */
    public int consumerPid() {
        return consumerPid;
    }

    @Override
    public String toString() {
        return kind + ", " + capacity + " bytes, messages up to " + maxMessage + ", consumer "
                + switch (consumer) {
                    case NONE -> "none yet";
                    case ATTACHED -> "pid " + consumerPid;
                    case LEFT -> "left";
                    case DEAD -> "pid " + consumerPid + ", no longer running";
                };
    }
}
