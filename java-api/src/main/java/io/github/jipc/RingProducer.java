package io.github.jipc;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

import io.github.jipc.internal.Errors;
import io.github.jipc.internal.jni.RingNative;

/**
 * Puts messages into a {@link MessageRing}, in place or by copying. Made by
 * {@link MessageRing#producer(Duration)}; used by one thread at a time (in a
 * multi-producer ring, give each thread its own producer).
 *
 * <p><b>Zero-copy.</b> {@link #claim(int)} reserves room for a message of a
 * given length and returns its offset in {@link #buffer()}; the caller writes
 * the message at {@code [offset, offset + length)} with the buffer's absolute
 * get/put methods, then {@link #commit()}s it, which makes it visible to the
 * consumer. Nothing is allocated and no system call is made, unless the
 * consumer sleeps (then commit wakes it with one futex(2) call). Writes outside
 * the claimed range corrupt other messages; between claim and commit the
 * range is this producer's alone.
 *
 * <pre>{@code
 * int at = producer.claim(16);                 // blocks while the ring is full
 * producer.buffer().putLong(at, sequence).putLong(at + 8, value);
 * producer.commit();
 * }</pre>
 *
 * <p><b>Full ring.</b> {@code tryX} forms return -1 or false at once; the
 * others spin for the handle's spin time, then sleep until the consumer frees
 * room, a timeout passes, or the handle is closed
 * ({@link java.nio.channels.AsynchronousCloseException}; an interrupt closes it,
 * {@link java.nio.channels.ClosedByInterruptException}). A ring whose consumer
 * died or left is a {@link NoConsumerException} rather than a wait that never
 * ends.
 *
 * <p><b>Misuse</b> is an unchecked exception, never a corrupt ring: a message
 * longer than {@link MessageRing#maxMessage()}, a second claim before commit,
 * a commit without a claim, any use after close. Closing with a claim open
 * abandons it: the consumer skips it.
 *
 * <p><b>Multi-producer rings</b> hold {@link RingLayout#PRODUCER_SLOTS} producer
 * handles at once (of any processes): each takes a slot where it announces
 * each claim before making it, so that the consumer can skip the claim of a
 * producer killed in the middle of it (see {@link RingLayout}). The slot is
 * given back on close, or taken over once its process is dead.
 */
public final class RingProducer extends RingEnd {
    private final boolean multi;
    private final long pidBits;
    private final ByteBuffer view;
    private long headCache;
    /** The open claim's position, -1 if none. */
    private long claim = -1;
    private int claimLength;
    private int claimAt;
    /** Multi-producer: this handle's slot's intent position and record length offsets in the buffer. */
    private int slotAt = -1;
    private long owner;

    RingProducer(MessageRing ring, long spinNanos) throws IOException {
        super(ring, spinNanos, "producer");
        this.multi = ring.kind() == RingKind.MULTI_PRODUCER;
        this.pidBits = (long) PID << 32;
        this.view = region.asByteBuffer();
        this.headCache = (long) LONGS.getAcquire(buf, headAt);
        if (multi) {
            try {
                takeSlot();
            } catch (IOException | RuntimeException e) {
                super.implCloseChannel();
                throw e;
            }
        }
    }

    /** Takes a free slot, or a dead owner's whose intent the consumer has passed. */
    private void takeSlot() throws IOException {
        long start = RingNative.jipc_ring_process_start(PID);
        owner = (Math.max(start, 0) << RingLayout.PID_BITS) | PID;
        int base = (int) ring.offset() + RingLayout.OFF_PRODUCERS;
        for (int i = 0; i < RingLayout.PRODUCER_SLOTS; i++) {
            int at = base + i * RingLayout.SLOT_LENGTH;
            long v = (long) LONGS.getAcquire(buf, at + RingLayout.SLOT_OWNER);
            if (v != 0) {
                long head = (long) LONGS.getAcquire(buf, headAt);
                long pos = (long) LONGS.getAcquire(buf, at + RingLayout.SLOT_POSITION);
                if (!gone(v) || pos - head >= 0) {
                    continue;
                }
            }
            if (LONGS.compareAndSet(buf, at + RingLayout.SLOT_OWNER, v, owner)) {
                LONGS.setOpaque(buf, at + RingLayout.SLOT_POSITION, -1L); // no intent yet
                slotAt = at;
                return;
            }
        }
        throw Errors.exception(-RingNative.EUSERS(), SyncCall.RING_PRODUCER, ring.toString(),
                RingLayout.PRODUCER_SLOTS);
    }

    /** Whether an owner or consumer word names a process that left or no longer runs. */
    static boolean gone(long v) {
        if (v == 0) {
            return false;
        }
        if (v < 0) {
            return true;
        }
        int pid = (int) (v & ((1L << RingLayout.PID_BITS) - 1));
        return RingNative.jipc_ring_process_alive(pid, v >>> RingLayout.PID_BITS) == 0;
    }

    /**
     * The region's memory, where claimed messages are written: a buffer over
     * the whole region, position 0, limit and capacity the region's size; the
     * same object on every call, so its position and limit are the caller's.
     *
     * @return the buffer to write claimed messages into, at the offsets claims return
     */
    public ByteBuffer buffer() {
        return view;
    }

    /** {@return the ring} */
    public MessageRing ring() {
        return ring;
    }

    /**
     * Claims room for a message of length bytes if there is some now.
     *
     * @param length the message's length, 0 to {@link MessageRing#maxMessage()}
     * @return the message's offset in {@link #buffer()}, or -1 if the ring is full
     * @throws IllegalArgumentException if length is negative or above the maximum
     * @throws IllegalStateException    if a claim is open, or this handle is closed
     */
    public int tryClaim(int length) {
        check(length);
        return claimOrFull(length);
    }

    /**
     * Claims room for a message of length bytes, waiting while the ring is full.
     *
     * @param length the message's length, 0 to {@link MessageRing#maxMessage()}
     * @return the message's offset in {@link #buffer()}
     * @throws NoConsumerException      if the ring is full and its consumer died or left
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalArgumentException if length is negative or above the maximum
     * @throws IllegalStateException    if a claim is open, or this handle is closed
     * @throws IpcException             if futex(2) fails
     */
    public int claim(int length) throws IOException {
        check(length);
        return claimWaiting(length, -1);
    }

    /**
     * Claims room for a message of length bytes, waiting at most timeout while the ring is full.
     *
     * @param length  the message's length, 0 to {@link MessageRing#maxMessage()}
     * @param timeout how long to wait at most; zero or negative does not wait
     * @return the message's offset in {@link #buffer()}, or -1 if the ring stayed full
     * @throws NoConsumerException      if the ring is full and its consumer died or left
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalArgumentException if length is negative or above the maximum
     * @throws IllegalStateException    if a claim is open, or this handle is closed
     * @throws IpcException             if futex(2) fails
     */
    public int claim(int length, Duration timeout) throws IOException {
        check(length);
        return claimWaiting(length, Futex.nanos(timeout));
    }

    /**
     * Publishes the claimed message to the consumer, and wakes the consumer
     * if it sleeps (futex(2) {@code FUTEX_WAKE}, only then).
     *
     * @throws IllegalStateException if nothing is claimed, or this handle is closed
     */
    public void commit() {
        if (claim < 0) {
            ensureOpen();
            throw new IllegalStateException("commit() without a claim on " + description);
        }
        ensureOpen();
        LONGS.setRelease(buf, claimAt + RingLayout.REC_STATE, pidBits | claimLength);
        claim = -1;
        wakeConsumer();
    }

    /** Wakes the consumer if it sleeps (one futex(2) call, only then): after a record it can read, or padding. */
    private void wakeConsumer() {
        VarHandle.fullFence();
        if ((int) INTS.getOpaque(buf, sleepingAt) != 0 && (int) INTS.getAndSet(buf, sleepingAt, 0) != 0) {
            wake(true);
        }
    }

    /**
     * Copies src's remaining bytes into the ring as one message if there is
     * room now; src's position moves past them if so.
     *
     * @param src the message
     * @return true if sent, false if the ring is full
     * @throws IllegalArgumentException if the message is longer than the maximum
     * @throws IllegalStateException    if a claim is open, or this handle is closed
     */
    public boolean tryOffer(ByteBuffer src) {
        int n = src.remaining();
        check(n);
        int at = claimOrFull(n);
        if (at < 0) {
            return false;
        }
        copy(src, at, n);
        return true;
    }

    /**
     * Copies src's remaining bytes into the ring as one message, waiting while
     * the ring is full; src's position moves past them.
     *
     * @param src the message
     * @throws NoConsumerException      if the ring is full and its consumer died or left
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalArgumentException if the message is longer than the maximum
     * @throws IllegalStateException    if a claim is open, or this handle is closed
     * @throws IpcException             if futex(2) fails
     */
    public void offer(ByteBuffer src) throws IOException {
        int n = src.remaining();
        check(n);
        copy(src, claimWaiting(n, -1), n);
    }

    /**
     * Copies src's remaining bytes into the ring as one message, waiting at
     * most timeout while the ring is full; src's position moves past them if sent.
     *
     * @param src     the message
     * @param timeout how long to wait at most; zero or negative does not wait
     * @return true if sent, false if the ring stayed full
     * @throws NoConsumerException      if the ring is full and its consumer died or left
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IllegalArgumentException if the message is longer than the maximum
     * @throws IllegalStateException    if a claim is open, or this handle is closed
     * @throws IpcException             if futex(2) fails
     */
    public boolean offer(ByteBuffer src, Duration timeout) throws IOException {
        int n = src.remaining();
        check(n);
        int at = claimWaiting(n, Futex.nanos(timeout));
        if (at < 0) {
            return false;
        }
        copy(src, at, n);
        return true;
    }

    /**
     * Copies bytes into the ring as one message if there is room now.
     *
     * @param src    the bytes
     * @param from   the first index in src
     * @param length how many
     * @return true if sent, false if the ring is full
     * @throws IndexOutOfBoundsException if the range is outside src
     * @throws IllegalArgumentException  if the message is longer than the maximum
     * @throws IllegalStateException     if a claim is open, or this handle is closed
     */
    public boolean tryOffer(byte[] src, int from, int length) {
        Objects.checkFromIndexSize(from, length, src.length);
        check(length);
        int at = claimOrFull(length);
        if (at < 0) {
            return false;
        }
        buf.put(at, src, from, length);
        commit();
        return true;
    }

    /**
     * Copies bytes into the ring as one message, waiting while the ring is full.
     *
     * @param src    the bytes
     * @param from   the first index in src
     * @param length how many
     * @throws NoConsumerException       if the ring is full and its consumer died or left
     * @throws java.nio.channels.AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws IndexOutOfBoundsException if the range is outside src
     * @throws IllegalArgumentException  if the message is longer than the maximum
     * @throws IllegalStateException     if a claim is open, or this handle is closed
     * @throws IpcException              if futex(2) fails
     */
    public void offer(byte[] src, int from, int length) throws IOException {
        Objects.checkFromIndexSize(from, length, src.length);
        check(length);
        buf.put(claimWaiting(length, -1), src, from, length);
        commit();
    }

    private void copy(ByteBuffer src, int at, int n) {
        int p = src.position();
        buf.put(at, src, p, n);
        src.position(p + n);
        commit();
    }

    private void check(int length) {
        ensureOpen();
        if (claim >= 0) {
            throw new IllegalStateException("a claim of " + claimLength + " bytes is open on " + description
                    + ": commit() it first");
        }
        if (length < 0 || length > maxMessage) {
            throw new IllegalArgumentException("a message of " + length + " bytes: the ring takes 0 to "
                    + maxMessage + " bytes per message");
        }
    }

    /** Claims, or -1 when full; a record that does not fit before the end is preceded by padding. */
    private int claimOrFull(int length) {
        int rec = RingLayout.recordLength(length);
        for (;;) {
            long t = (long) LONGS.getOpaque(buf, tailAt);
            int index = (int) t & mask;
            int toEnd = capacity - index;
            int need = rec > toEnd ? toEnd : rec;
            if (t + need - headCache > capacity) {
                headCache = (long) LONGS.getAcquire(buf, headAt);
                if (t + need - headCache > capacity) {
                    return -1;
                }
            }
            int at = data + index;
            long state = pidBits | ((need == rec ? -1 - length : PADDING) & 0xFFFF_FFFFL);
            if (multi) {
                // The intent first: the consumer can size the record if this process dies right after the swap.
                INTS.setOpaque(buf, slotAt + RingLayout.SLOT_RECORD, need);
                LONGS.setOpaque(buf, slotAt + RingLayout.SLOT_POSITION, t);
                if (!LONGS.compareAndSet(buf, tailAt, t, t + need)) {
                    continue;
                }
                LONGS.setOpaque(buf, at + RingLayout.REC_STATE, state);
                LONGS.setRelease(buf, at + RingLayout.REC_STAMP, t + 1);
            } else {
                // The header before tail: dying anywhere leaves nothing, or a stamped claim.
                LONGS.setOpaque(buf, at + RingLayout.REC_STATE, state);
                LONGS.setRelease(buf, at + RingLayout.REC_STAMP, t + 1);
                LONGS.setRelease(buf, tailAt, t + need);
            }
            if (need == rec) {
                claim = t;
                claimLength = length;
                claimAt = at;
                return at + RECORD_HEADER;
            }
            // Padding is ready for the consumer at once, and only its skipping frees the room this claim
            // waits for: a sleeping consumer is woken for it, as a commit would, or both sides would wait.
            wakeConsumer();
        }
    }

    private int claimWaiting(int length, long timeoutNanos) throws IOException {
        int at = claimOrFull(length);
        if (at >= 0 || timeoutNanos == 0) {
            return at;
        }
        long start = System.nanoTime();
        at = spin(length, start, timeoutNanos);
        if (at != SPUN) {
            return at;
        }
        for (;;) {
            ensureOpenWaiting();
            checkPeer();
            INTS.setVolatile(buf, waitingAt, 1);
            VarHandle.fullFence();
            at = claimOrFull(length);
            if (at >= 0) {
                return at;
            }
            long left = left(start, timeoutNanos);
            if (left == 0) {
                return -1;
            }
            sleep(false, left < 0 || left > LIVENESS_NANOS ? LIVENESS_NANOS : left);
        }
    }

    @Override
    int attempt(int length) {
        return claimOrFull(length);
    }

    /** Throws once the ring's consumer closed its handle or its process no longer runs. */
    @Override
    void checkPeer() throws NoConsumerException {
        long c = (long) LONGS.getAcquire(buf, consumerAt);
        if (c == 0) {
            return; // none yet: one may come
        }
        if (c < 0) {
            throw new NoConsumerException(ring + " is full and its consumer left (closed its handle)");
        }
        int pid = (int) (c & ((1L << RingLayout.PID_BITS) - 1));
        long start = c >>> RingLayout.PID_BITS;
        if (RingNative.jipc_ring_process_alive(pid, start) == 0) {
            throw new NoConsumerException(ring + " is full and its consumer, pid " + pid + ", no longer runs");
        }
    }

    /** Abandons an open claim (the consumer skips it) and wakes this handle's waiting thread. */
    @Override
    protected void implCloseChannel() {
        if (claim >= 0) {
            LONGS.setRelease(buf, claimAt + RingLayout.REC_STATE, (-1 - claimLength) & 0xFFFF_FFFFL);
            claim = -1;
        }
        if (slotAt >= 0) {
            LONGS.compareAndSet(buf, slotAt + RingLayout.SLOT_OWNER, owner, 0L);
        }
        super.implCloseChannel();
    }
}
