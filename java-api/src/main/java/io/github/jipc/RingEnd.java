package io.github.jipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.FutexNative;

/**
 * What a producer and a consumer of a {@link MessageRing} share: the region's
 * buffer, the ring's indices in it, and sleeping on and waking its futex words.
 */
abstract sealed class RingEnd extends RegionWaitChannel permits RingProducer, RingConsumer {
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final int PID = (int) ProcessHandle.current().pid();
    static final int RECORD_HEADER = RingLayout.RECORD_HEADER;
    static final int PADDING = RingLayout.PADDING;
    private static final int ETIMEDOUT = FutexNative.ETIMEDOUT();
    /** A spinning wait yields its CPU every 64 checks once it has spun this long (jipc_ring.h JIPC_RING_YIELD_AFTER_NS). */
    static final long YIELD_AFTER_NANOS = 2_000;
    /** A producer's sleep slice, and how often a long spin looks whether the other side still runs. */
    static final long LIVENESS_NANOS = RingLayout.LIVENESS_MICROS * 1000L;
    /** What {@link #spin} returns when the spin time is over with nothing found: sleep next. */
    static final int SPUN = -2;

    final MessageRing ring;
    final SharedRegion region;
    /** Ours alone: the user's view is another buffer, whose position and limit do not matter here. */
    final ByteBuffer buf;
    final int data;
    final int mask;
    final int capacity;
    final int maxMessage;
    final int tailAt;
    final int headAt;
    final int consumerAt;
    final int sleepingAt;
    final int waitingAt;
    final long spinNanos;
    final String description;
    private final long sleepingAddress;
    private final long waitingAddress;
    private final FdHandle guard;

    RingEnd(MessageRing ring, long spinNanos, String what) throws IOException {
        this.ring = ring;
        this.region = ring.region();
        this.buf = region.asByteBuffer();
        int base = (int) ring.offset();
        this.data = base + RingLayout.HEADER_LENGTH;
        this.capacity = ring.capacity();
        this.mask = capacity - 1;
        this.maxMessage = ring.maxMessage();
        this.tailAt = base + RingLayout.OFF_TAIL;
        this.headAt = base + RingLayout.OFF_HEAD;
        this.consumerAt = base + RingLayout.OFF_CONSUMER;
        this.sleepingAt = base + RingLayout.OFF_CONSUMER_SLEEPING;
        this.waitingAt = base + RingLayout.OFF_PRODUCERS_WAITING;
        this.spinNanos = spinNanos;
        this.sleepingAddress = region.addressOf(sleepingAt, Integer.BYTES, Integer.BYTES, "a futex word");
        this.waitingAddress = region.addressOf(waitingAt, Integer.BYTES, Integer.BYTES, "a futex word");
        this.description = what + " of " + ring;
        this.guard = FdHandle.guardOnly(this, FdHandle.Wake.SIGNAL, description);
        region.addWaiter(this);
    }

    /**
     * One try of a wait: the offset found, or -1. The consumer looks for the
     * next message (arg unused); a producer claims arg bytes.
     */
    abstract int attempt(int arg) throws IOException;

    /** Throws if the other side can no longer end a wait (a producer's consumer is gone); none by default. */
    void checkPeer() throws IOException {
    }

    /**
     * The spin of a wait that found nothing at once: retries {@link #attempt}
     * for the spin time, yielding the CPU every 64 turns once past
     * {@link #YIELD_AFTER_NANOS} and calling {@link #checkPeer} every liveness
     * slice. Returns the offset found, -1 once timeoutNanos (negative: no
     * limit) passed since start, or {@link #SPUN} when the spin is over or
     * the thread is interrupted (even a spin without end).
     *
     * @throws AsynchronousCloseException if this handle was closed meanwhile
     */
    final int spin(int arg, long start, long timeoutNanos) throws IOException {
        long nextLook = LIVENESS_NANOS;
        for (int i = 1; spinNanos > 0; i++) { // a spin of zero sleeps at once
            int at = attempt(arg);
            if (at >= 0) {
                return at;
            }
            if ((i & 63) == 0) {
                ensureOpenWaiting();
                long spent = System.nanoTime() - start;
                if (timeoutNanos >= 0 && spent >= timeoutNanos) {
                    return -1;
                }
                if (spent >= spinNanos || Thread.currentThread().isInterrupted()) {
                    break; // an interrupt is for the sleep that follows, whose begin() closes as documented
                }
                if (spent >= nextLook) { // a long spin still notices a dead peer
                    checkPeer();
                    nextLook = spent + LIVENESS_NANOS;
                }
                if (spent >= YIELD_AFTER_NANOS) {
                    Thread.yield(); // the other side may be waiting for this CPU
                }
            }
            Thread.onSpinWait();
        }
        return SPUN;
    }

    /** Throws IllegalStateException once closed: a caller's mistake, unless another thread closed it. */
    final void ensureOpen() {
        if (!isOpen()) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    /** Inside a wait: a close by another thread is an AsynchronousCloseException. */
    final void ensureOpenWaiting() throws AsynchronousCloseException {
        if (!isOpen()) {
            throw new AsynchronousCloseException();
        }
    }

    /**
     * Sleeps while the consumer's (or the producers') futex word holds 1, at
     * most nanos (negative: no limit). Returns on a wake, a timeout or
     * another value; throws if the handle closed meanwhile.
     */
    final void sleep(boolean consumerWord, long nanos) throws IOException {
        int r = guardedWait(guard, region, true, consumerWord ? sleepingAddress : waitingAddress, nanos);
        if (r < 0 && r != -Errno.EAGAIN && r != -ETIMEDOUT) {
            throw Errors.exception(r, SyncCall.FUTEX_WAIT, description);
        }
    }

    @Override
    int waitNative(long guard, long word, long nanos) {
        return FutexNative.jipc_futex_wait(guard, word, 1, nanos);
    }

    /** Sleeping is part of a wait: a handle closed before it is an AsynchronousCloseException. */
    @Override
    ClosedChannelException closed() {
        return new AsynchronousCloseException();
    }

    /** Wakes the consumer (one) or the waiting producers (all). */
    final void wake(boolean consumerWord) {
        if (region.enterNative()) {
            try {
                FutexNative.jipc_futex_wake(consumerWord ? sleepingAddress : waitingAddress,
                        consumerWord ? 1 : Integer.MAX_VALUE);
            } finally {
                region.leaveNative();
            }
        }
    }

    /** Remaining nanos of a wait that started at start, negative meaning no limit; 0 when over. */
    static long left(long start, long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        return Math.max(0, timeoutNanos - (System.nanoTime() - start));
    }

    /** Wakes this handle's sleeping thread; the ring stays. */
    @Override
    protected void implCloseChannel() {
        guard.close();
        region.removeWaiter(this);
    }

    @Override
    public String toString() {
        return description + (isOpen() ? "" : " (closed)");
    }
}
