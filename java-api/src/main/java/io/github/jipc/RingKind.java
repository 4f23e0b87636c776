package io.github.jipc;

/** Who may produce into a {@link MessageRing}. Either kind has exactly one consumer at a time. */
public enum RingKind {
    /** One producer at a time: a claim is a plain store of the tail, the fastest path. */
    SINGLE_PRODUCER,
    /** Any number of producers, in any processes: a claim is a compare-and-set of the tail. */
    MULTI_PRODUCER
}
