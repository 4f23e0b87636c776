package io.github.jipc.it.campaign;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few handles of one kind, shared by every campaign thread: a step picks a
 * slot at random, so one thread's close races another's use.
 */
final class Slots<T extends AutoCloseable> {
    private final String what;
    private final AtomicReferenceArray<T> slots;

    Slots(String what, int n) {
        this.what = what;
        this.slots = new AtomicReferenceArray<>(n);
    }

    /** A random slot's handle, maybe null, maybe closed. */
    T pick(Random r) {
        return slots.get(r.nextInt(slots.length()));
    }

    /** Puts h in a random slot and closes what was there. */
    void put(Random r, T h, Calls c) {
        T old = slots.getAndSet(r.nextInt(slots.length()), h);
        if (old != null) {
            c.call(what + ".close (replaced)", Calls.CLOSE, old::close);
        }
    }

    /** Closes every handle (the end of the run). */
    void closeAll(Calls c) {
        for (int i = 0; i < slots.length(); i++) {
            T old = slots.getAndSet(i, null);
            if (old != null) {
                c.call(what + ".close (cleanup)", Calls.CLOSE, old::close);
            }
        }
    }
}
