package io.github.jipc.it.roles;

import io.github.jipc.PosixSemaphore;
import io.github.jipc.SharedRegion;

/**
 * The producer-consumer ring over shared memory, as {@code sync_peer} lays it
 * out: an "empty" semaphore (free slots) at 0, a "full" one (filled slots) at
 * 64 (unless named), then {@link #SLOTS} 64-bit slots from 128, each holding
 * the sequence number of its item.
 */
public final class Ring {
    public static final int EMPTY = 0;
    public static final int FULL = 64;
    public static final int SLOTS_AT = 128;
    public static final int SLOTS = 64;
    public static final int SIZE = SLOTS_AT + 8 * SLOTS;

    private Ring() {}

    /** Produces count items; returns count. */
    public static long produce(SharedRegion r, PosixSemaphore empty, PosixSemaphore full, long count) throws Exception {
        for (long i = 0; i < count; i++) {
            empty.acquire();
            r.putLongRelease(SLOTS_AT + 8 * (i % SLOTS), i);
            full.release();
        }
        return count;
    }

    /** Consumes count items; returns how many were not the expected sequence number. */
    public static long consume(SharedRegion r, PosixSemaphore empty, PosixSemaphore full, long count) throws Exception {
        long wrong = 0;
        for (long i = 0; i < count; i++) {
            full.acquire();
            if (r.getLongAcquire(SLOTS_AT + 8 * (i % SLOTS)) != i) {
                wrong++;
            }
            empty.release();
        }
        return wrong;
    }
}
