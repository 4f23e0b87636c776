package io.github.jipc;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.jni.RingNative;

/**
 * Takes messages out of a {@link MessageRing}, in place or by copying. Made
 * by {@link MessageRing#consumer(Duration)}, which takes the ring's single
 * consumer role until this handle closes; used by one thread at a time.
 *
 * <p><b>Zero-copy.</b> {@link #read()} (or {@link #poll()}) returns the
 * offset of the next message in {@link #buffer()} and {@link #length()} its
 * length; the bytes at {@code [offset, offset + length)} stay valid, and
 * unchanged, until {@link #release()}, which gives the room back to
 * producers. One message is held at a time. Nothing is allocated and no
 * system call is made while messages keep coming; a producer waiting for
 * room is woken by release with one futex(2) call, only then.
 *
 * <pre>{@code
 * int at = consumer.read();                     // blocks while the ring is empty
 * long sequence = consumer.buffer().getLong(at);
 * consumer.release();
 * }</pre>
 *
 * <p><b>Waiting.</b> {@link #read()} spins for the handle's spin time, then
 * sleeps until a producer commits, a timeout passes, or the handle is closed
 * ({@link java.nio.channels.AsynchronousCloseException}; an interrupt closes it,
 * {@link java.nio.channels.ClosedByInterruptException}). A message claimed by a
 * process that died before committing it is skipped (see {@link RingLayout}).
 *
 * <p><b>Misuse</b> is an unchecked exception: a read while a message is held,
 * a release without one, any use after close. A record header that makes no
 * sense (a length above the maximum; only a process writing where it has not
 * claimed can cause it) is an {@link IpcException} {@code EBADMSG}, never an
 * access outside the ring. Closing gives up the consumer role: producers
 * waiting for room get {@link NoConsumerException}; a held message is not
 * released, and is read again by the next consumer.
 */
public final class RingConsumer extends RingEnd {
    private static final int EBADMSG = RingNative.EBADMSG();
    private static final long DEAD_CLAIM_NANOS = RingLayout.DEAD_CLAIM_MICROS * 1000L;

    private final ByteBuffer view;
    private final long role;
    private long head;
    /** The held record's position, -1 if none. */
    private long reading = -1;
    private int readingRecord;
    private int length;
    /** A claimed record at this position has been seen since stuckSince; -1 if none. */
    private long stuckAt = -1;
    private long stuckSince;
    private final boolean multi;
    private final int slotsAt;
    /** Empty polls, to look at tail and the producer slots every 1024th. */
    private int polls;

    RingConsumer(MessageRing ring, long spinNanos) throws IOException {
        super(ring, spinNanos, "consumer");
        this.view = region.asByteBuffer().asReadOnlyBuffer().order(java.nio.ByteOrder.nativeOrder());
        this.multi = ring.kind() == RingKind.MULTI_PRODUCER;
        this.slotsAt = (int) ring.offset() + RingLayout.OFF_PRODUCERS;
        long start = RingNative.jipc_ring_process_start(PID);
        this.role = (Math.max(start, 0) << RingLayout.PID_BITS) | PID;
        try {
            attach();
        } catch (IOException | RuntimeException e) {
            super.implCloseChannel();
            throw e;
        }
        this.head = (long) LONGS.getAcquire(buf, headAt);
    }

    private void attach() throws IOException {
        long c = (long) LONGS.getAcquire(buf, consumerAt);
        for (;;) {
            if (c > 0) {
                int pid = (int) (c & ((1L << RingLayout.PID_BITS) - 1));
                if (RingNative.jipc_ring_process_alive(pid, c >>> RingLayout.PID_BITS) != 0) {
                    throw Errors.exception(-Errno.EBUSY, SyncCall.RING_CONSUMER, ring.toString(), pid);
                }
            }
            long seen = (long) LONGS.compareAndExchange(buf, consumerAt, c, role);
            if (seen == c) {
                return;
            }
            c = seen;
        }
    }

    /**
     * The region's memory, read-only, where messages are read: a buffer over
     * the whole region, position 0, limit and capacity the region's size; the
     * same object on every call, so its position and limit are the caller's.
     *
     * @return the buffer to read messages from, at the offsets reads return
     */
    public ByteBuffer buffer() {
        return view;
    }

    /** {@return the ring} */
    public MessageRing ring() {
        return ring;
    }

    /**
     * The next message if there is one now; it is held until {@link #release()}.
     *
     * @return its offset in {@link #buffer()} ({@link #length()} bytes), or -1 if the ring is empty
     * @throws IllegalStateException if a message is held, or this handle is closed
     * @throws IpcException          EBADMSG if the record header is corrupt
     */
    public int poll() throws IOException {
        ensureOpen();
        if (reading >= 0) {
            throw new IllegalStateException("a message is held by " + description + ": release() it first");
        }
        return next();
    }

    /**
     * The next message, waiting while the ring is empty; it is held until {@link #release()}.
     *
     * @return its offset in {@link #buffer()} ({@link #length()} bytes)
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalStateException if a message is held, or this handle is closed
     * @throws IpcException          EBADMSG if the record header is corrupt, or a futex(2) failure
     */
    public int read() throws IOException {
        poll0();
        return waitNext(-1);
    }

    /**
     * The next message, waiting at most timeout while the ring is empty; it is
     * held until {@link #release()}.
     *
     * @param timeout how long to wait at most; zero or negative does not wait
     * @return its offset in {@link #buffer()} ({@link #length()} bytes), or -1 if none came in time
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalStateException if a message is held, or this handle is closed
     * @throws IpcException          EBADMSG if the record header is corrupt, or a futex(2) failure
     */
    public int read(Duration timeout) throws IOException {
        poll0();
        return waitNext(Futex.nanos(timeout));
    }

    /**
     * The held message's length.
     *
     * @return its length in bytes
     * @throws IllegalStateException if no message is held
     */
    public int length() {
        if (reading < 0) {
            throw new IllegalStateException("no message is held by " + description);
        }
        return length;
    }

    /**
     * Gives the held message's room back to producers; its bytes may change
     * from now on. Wakes producers waiting for room (one futex(2) call, only
     * if one waits).
     *
     * @throws IllegalStateException if no message is held, or this handle is closed
     */
    public void release() {
        ensureOpen();
        if (reading < 0) {
            throw new IllegalStateException("release() without a message held by " + description);
        }
        reading = -1;
        advance(readingRecord);
    }

    /**
     * Copies the next message into dst, waiting while the ring is empty, and
     * releases it; dst's position moves past it.
     *
     * @param dst where to copy to, with room for the message
     * @return the message's length
     * @throws IllegalArgumentException if dst has less room than the message (it stays in the ring), or is
     *         read-only
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalStateException if a message is held, or this handle is closed
     * @throws IpcException          EBADMSG if the record header is corrupt, or a futex(2) failure
     */
    public int receive(ByteBuffer dst) throws IOException {
        writable(dst);
        poll0();
        return copy(waitNext(-1), dst);
    }

    /**
     * Copies the next message into dst, waiting at most timeout while the ring
     * is empty, and releases it; dst's position moves past it.
     *
     * @param dst     where to copy to, with room for the message
     * @param timeout how long to wait at most; zero or negative does not wait
     * @return the message's length, or -1 if none came in time
     * @throws IllegalArgumentException if dst has less room than the message (it stays in the ring), or is
     *         read-only
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalStateException if a message is held, or this handle is closed
     * @throws IpcException          EBADMSG if the record header is corrupt, or a futex(2) failure
     */
    public int receive(ByteBuffer dst, Duration timeout) throws IOException {
        writable(dst);
        poll0();
        return copy(waitNext(Futex.nanos(timeout)), dst);
    }

    /**
     * Copies the next message into dst if there is one now, and releases it.
     *
     * @param dst where to copy to, with room for the message
     * @return the message's length, or -1 if the ring is empty
     * @throws IllegalArgumentException if dst has less room than the message (it stays in the ring), or is
     *         read-only
     * @throws IllegalStateException    if a message is held, or this handle is closed
     * @throws IpcException             EBADMSG if the record header is corrupt
     */
    public int tryReceive(ByteBuffer dst) throws IOException {
        writable(dst);
        return copy(poll(), dst);
    }

    /** Refuses a read-only dst before a message is taken, so that the message stays in the ring. */
    private static void writable(ByteBuffer dst) {
        if (Objects.requireNonNull(dst, "dst").isReadOnly()) {
            throw new IllegalArgumentException("dst is a read-only buffer: receive into a writable one");
        }
    }

    private void poll0() {
        ensureOpen();
        if (reading >= 0) {
            throw new IllegalStateException("a message is held by " + description + ": release() it first");
        }
    }

    private int copy(int at, ByteBuffer dst) {
        if (at < 0) {
            return -1;
        }
        int n = length;
        if (dst.remaining() < n) {
            reading = -1; // not taken: the next read returns it again
            throw new IllegalArgumentException("a message of " + n + " bytes does not fit in a buffer with "
                    + dst.remaining() + " bytes of room; it stays in the ring");
        }
        int p = dst.position();
        dst.put(p, buf, at, n);
        dst.position(p + n);
        release();
        return n;
    }

    private int waitNext(long timeoutNanos) throws IOException {
        int at = next();
        if (at >= 0 || timeoutNanos == 0) {
            return at;
        }
        long start = System.nanoTime();
        at = spin(0, start, timeoutNanos);
        if (at != SPUN) {
            return at;
        }
        try {
            for (;;) {
                ensureOpenWaiting();
                INTS.setVolatile(buf, sleepingAt, 1);
                VarHandle.fullFence();
                at = next(multi);
                if (at >= 0) {
                    return at;
                }
                long left = left(start, timeoutNanos);
                if (left == 0) {
                    return -1;
                }
                // A claim at the head is looked at again once it may be a dead producer's.
                long slice = stuckAt == head ? DEAD_CLAIM_NANOS : -1;
                if (slice < 0 || (left > 0 && left < slice)) {
                    slice = left;
                }
                sleep(true, slice);
            }
        } finally {
            INTS.setOpaque(buf, sleepingAt, 0);
        }
    }

    @Override
    int attempt(int unused) throws IOException {
        return next();
    }

    /** The next message's payload offset, holding it; -1 if none. */
    private int next() throws IOException {
        return next(multi && (++polls & 1023) == 0);
    }

    /** The same; look: also ask whether a record without a stamp at head is a dead producer's. */
    private int next(boolean look) throws IOException {
        for (;;) {
            long h = head;
            int index = (int) h & mask;
            int at = data + index;
            if ((long) LONGS.getAcquire(buf, at + RingLayout.REC_STAMP) != h + 1) {
                int skip = look ? unstamped(h) : 0;
                if (skip == 0) {
                    return -1;
                }
                stuckAt = -1;
                advance(skip);
                continue;
            }
            long state = (long) LONGS.getAcquire(buf, at + RingLayout.REC_STATE);
            int len = (int) state;
            if (len == PADDING) {
                advance(capacity - index);
                continue;
            }
            int payload = len < 0 ? -1 - len : len;
            int record = RingLayout.recordLength(payload);
            if (payload > maxMessage || index + record > capacity) {
                throw Errors.exception(-EBADMSG, SyncCall.RING_READ, ring.toString(),
                        "the record at position " + h + " says " + payload + " bytes; messages are at most "
                                + maxMessage + " and records end at the ring's end: a process wrote where it"
                                + " had not claimed. The ring cannot be read past it: make a new ring (MessageRing.create"
                                + " over the region) once every producer and consumer has let go of this one");
            }
            if (len < 0) {
                if (!claimerDead(h, (int) (state >>> 32))) {
                    return -1;
                }
                advance(record);
                continue;
            }
            reading = h;
            readingRecord = record;
            length = len;
            return at + RECORD_HEADER;
        }
    }

    /**
     * No stamp at head h of a multi-producer ring: the record length to skip if tail is past h and
     * every producer whose intent is h has been dead for the dead-claim delay, 0 to keep waiting.
     */
    private int unstamped(long h) throws IOException {
        long tail = (long) LONGS.getAcquire(buf, tailAt);
        if (tail == h) {
            stuckAt = -1; // nothing claimed: nothing to wait for
            return 0;
        }
        long now = System.nanoTime();
        if (stuckAt != h) {
            stuckAt = h;
            stuckSince = now;
            return 0;
        }
        if (now - stuckSince < DEAD_CLAIM_NANOS) {
            return 0;
        }
        stuckSince = now;
        int[] found = null;
        int n = 0;
        for (int i = 0; i < RingLayout.PRODUCER_SLOTS; i++) {
            int slot = slotsAt + i * RingLayout.SLOT_LENGTH;
            long owner = (long) LONGS.getAcquire(buf, slot + RingLayout.SLOT_OWNER);
            if (owner == 0 || (long) LONGS.getAcquire(buf, slot + RingLayout.SLOT_POSITION) != h) {
                continue;
            }
            if (!RingProducer.gone(owner)) {
                return 0; // a live claimer: slow, or about to retry
            }
            int rec = (int) INTS.getOpaque(buf, slot + RingLayout.SLOT_RECORD);
            if (rec <= 0 || rec % RingLayout.RECORD_ALIGNMENT != 0 || ((int) h & mask) + (long) rec > capacity
                    || tail - h - rec < 0) {
                continue; // not a claim that can have won
            }
            if (found == null) {
                found = new int[RingLayout.PRODUCER_SLOTS]; // only after a producer died
            }
            int k = 0;
            while (k < n && found[k] != rec) {
                k++;
            }
            if (k == n) {
                found[n++] = rec;
            }
        }
        if (n <= 1) {
            return n == 0 ? 0 : found[0];
        }
        int ok = -1;
        for (int k = 0; k < n; k++) {
            if (boundary(h + found[k], tail)) {
                ok = ok == -1 ? k : -2;
            }
        }
        if (ok < 0) {
            throw Errors.exception(-EBADMSG, SyncCall.RING_READ, ring.toString(),
                    "producers killed in the middle of claims at position " + h + " left intents of " + n
                            + " lengths, none alone ending on a record boundary. The ring cannot be read past it: make a"
                            + " new ring (MessageRing.create over the region) once every producer and consumer has let"
                            + " go of this one");
        }
        return found[ok];
    }

    /** Whether a record boundary is at pos: tail, a stamp, or a producer's intent. */
    private boolean boundary(long pos, long tail) {
        if (pos == tail || (long) LONGS.getAcquire(buf, data + ((int) pos & mask) + RingLayout.REC_STAMP) == pos + 1) {
            return true;
        }
        for (int i = 0; i < RingLayout.PRODUCER_SLOTS; i++) {
            int slot = slotsAt + i * RingLayout.SLOT_LENGTH;
            if ((long) LONGS.getAcquire(buf, slot + RingLayout.SLOT_OWNER) != 0
                    && (long) LONGS.getAcquire(buf, slot + RingLayout.SLOT_POSITION) == pos) {
                return true;
            }
        }
        return false;
    }

    /** Whether the claim at h belongs to a process that died (or abandoned it), asked at most once per delay. */
    private boolean claimerDead(long h, int pid) {
        if (pid == 0) {
            return true;
        }
        long now = System.nanoTime();
        if (stuckAt != h) {
            stuckAt = h;
            stuckSince = now;
            return false;
        }
        if (now - stuckSince < DEAD_CLAIM_NANOS) {
            return false;
        }
        if (RingNative.jipc_ring_process_alive(pid, 0) != 0) {
            stuckSince = now;
            return false;
        }
        stuckAt = -1;
        return true;
    }

    private void advance(int by) {
        head += by;
        LONGS.setRelease(buf, headAt, head);
        VarHandle.fullFence();
        if ((int) INTS.getOpaque(buf, waitingAt) != 0 && (int) INTS.getAndSet(buf, waitingAt, 0) != 0) {
            wake(false);
        }
    }

    /** Gives the consumer role up and wakes producers waiting for room, which then see no consumer. */
    @Override
    protected void implCloseChannel() {
        LONGS.compareAndSet(buf, consumerAt, role, Long.MIN_VALUE);
        INTS.setVolatile(buf, waitingAt, 0);
        wake(false);
        super.implCloseChannel();
    }
}
