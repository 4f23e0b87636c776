package io.github.jipc;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.RingNative;

/**
 * A ring of variable-length messages in a {@link SharedRegion}, shared by
 * processes that map the same memory: JVMs through this class, C programs
 * through {@code jipc_ring.h} (the same layout, {@link RingLayout}). One
 * consumer at a time; one producer ({@link RingKind#SINGLE_PRODUCER}) or any
 * number, in any processes ({@link RingKind#MULTI_PRODUCER}). Messages from
 * one producer arrive in the order committed, whole, each exactly once.
 *
 * <p><b>Zero-copy.</b> A {@link RingProducer} claims room for a message,
 * writes it in place through its {@link RingProducer#buffer() buffer} and
 * commits it; a {@link RingConsumer} reads it in place and releases it. Both
 * are plain Java on the mapped memory (acquire/release accesses, a
 * compare-and-set per multi-producer claim): no system call and no
 * allocation per message while both sides are awake. Copying forms
 * ({@code offer}, {@code receive}) exist for convenience.
 *
 * <p><b>Waiting.</b> A consumer waiting for a message, and a producer waiting
 * for room, spin for a bounded time (configurable per handle), then sleep on a
 * futex word of the ring (futex(2)); the other side makes the wake system call
 * only when a sleeper announced itself. Waits take timeouts, and closing the
 * handle (or its region) wakes them.
 *
 * <p><b>Crashes.</b> A claim whose producer process died (SIGKILL between
 * claim and commit) is skipped by the consumer after
 * {@link RingLayout#DEAD_CLAIM_MICROS}; a producer waiting for room in a
 * ring whose consumer died or left gets a {@link NoConsumerException}
 * instead of waiting forever.
 *
 * <p>A {@code MessageRing} is a description (region, offset, kind, sizes);
 * it holds no resources. The region must stay open while handles are used;
 * closing it closes them.
 */
public final class MessageRing {
    /** The spin time of {@link #producer()} and {@link #consumer()}: 100 µs. */
    public static final Duration DEFAULT_SPIN = Duration.ofNanos(100_000);

    private final SharedRegion region;
    private final int offset;
    private final RingKind kind;
    private final int capacity;
    private final int maxMessage;

    private MessageRing(SharedRegion region, int offset, RingKind kind, int capacity, int maxMessage) {
        this.region = region;
        this.offset = offset;
        this.kind = kind;
        this.capacity = capacity;
        this.maxMessage = maxMessage;
    }

    /**
     * The bytes a ring needs in a region: its header and data area.
     *
     * @param capacity the data area's size, see {@link #create}
     * @return {@code RingLayout.HEADER_LENGTH + capacity}
     */
    public static long size(int capacity) {
        return (long) RingLayout.HEADER_LENGTH + capacity;
    }

    /**
     * Makes a new, empty ring at offset of region: zeroes
     * {@link #size(int) size(capacity)} bytes and writes the header (its magic
     * number last). No process may use that memory meanwhile; the others
     * {@link #open} it afterwards.
     *
     * @param region     writable shared memory
     * @param offset     where the ring starts, aligned to {@link RingLayout#ALIGNMENT} bytes
     * @param kind       single or multi-producer
     * @param capacity   the data area in bytes: a power of two from {@link RingLayout#MIN_CAPACITY}
     *                   to {@link RingLayout#MAX_CAPACITY}
     * @param maxMessage the largest payload in bytes: 1 to {@code capacity - RingLayout.RECORD_HEADER}
     * @return the ring
     * @throws IllegalArgumentException  for a bad capacity, maxMessage or misaligned offset
     * @throws IndexOutOfBoundsException if the ring does not fit in the region at offset
     * @throws java.nio.ReadOnlyBufferException if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public static MessageRing create(SharedRegion region, long offset, RingKind kind, int capacity, int maxMessage) {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(kind, "kind");
        if (capacity < RingLayout.MIN_CAPACITY || capacity > RingLayout.MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("a ring's capacity is a power of two from " + RingLayout.MIN_CAPACITY
                    + " to " + RingLayout.MAX_CAPACITY + " bytes, got " + capacity);
        }
        if (maxMessage < 1 || maxMessage > capacity - RingLayout.RECORD_HEADER) {
            throw new IllegalArgumentException("the largest message of a ring of " + capacity + " bytes is 1 to "
                    + (capacity - RingLayout.RECORD_HEADER) + " bytes, got " + maxMessage);
        }
        if (region.isReadOnly()) {
            throw ReadOnlyRegionException.refused(region, "a message ring");
        }
        long length = size(capacity);
        if (length > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException("a ring of " + length + " bytes does not fit in " + region);
        }
        long address = region.addressOf(offset, (int) length, RingLayout.ALIGNMENT, "a message ring");
        if (!region.enterNative()) {
            throw new IllegalStateException(region.description() + " is closed");
        }
        int r;
        try {
            r = RingNative.jipc_ring_init(address, length, capacity, maxMessage,
                    kind == RingKind.SINGLE_PRODUCER ? RingLayout.SPSC : RingLayout.MPSC);
        } finally {
            region.leaveNative();
        }
        if (r < 0) {
            throw new IllegalArgumentException("jipc_ring_init refused a ring at offset " + offset + " of "
                    + region.description() + ": " + Errno.name(-r));
        }
        return new MessageRing(region, (int) offset, kind, capacity, maxMessage);
    }

    /**
     * The ring another process (or this one) made at offset of region,
     * described by its header.
     *
     * @param region writable shared memory
     * @param offset where the ring starts, aligned to {@link RingLayout#ALIGNMENT} bytes
     * @return the ring
     * @throws IllegalArgumentException  if there is no ring (its magic number or version is not there,
     *                                   or its sizes are invalid), or the offset is misaligned
     * @throws IndexOutOfBoundsException if the ring does not fit in the region at offset
     * @throws java.nio.ReadOnlyBufferException if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public static MessageRing open(SharedRegion region, long offset) {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        if (region.isReadOnly()) {
            throw ReadOnlyRegionException.refused(region, "a message ring");
        }
        region.addressOf(offset, RingLayout.HEADER_LENGTH, RingLayout.ALIGNMENT, "a message ring");
        int magic = region.getIntAcquire(offset + RingLayout.OFF_MAGIC);
        int version = region.getInt(offset + RingLayout.OFF_VERSION);
        String where = "offset " + offset + " of " + region.description();
        if (magic != RingLayout.MAGIC || version != RingLayout.VERSION) {
            throw new IllegalArgumentException("no message ring at " + where + " (magic 0x" + Integer.toHexString(magic)
                    + ", version " + version + "; a ring has magic 0x" + Integer.toHexString(RingLayout.MAGIC)
                    + ", version " + RingLayout.VERSION + ")");
        }
        int kind = region.getInt(offset + RingLayout.OFF_KIND);
        int capacity = region.getInt(offset + RingLayout.OFF_CAPACITY);
        int maxMessage = region.getInt(offset + RingLayout.OFF_MAX_MESSAGE);
        if (!validHeader(kind, capacity, maxMessage)) {
            throw new IllegalArgumentException("the message ring at " + where + " has an invalid header: kind " + kind
                    + ", capacity " + capacity + ", largest message " + maxMessage);
        }
        region.addressOf(offset, (int) size(capacity), RingLayout.ALIGNMENT, "a message ring");
        return new MessageRing(region, (int) offset, kind == RingLayout.SPSC ? RingKind.SINGLE_PRODUCER
                : RingKind.MULTI_PRODUCER, capacity, maxMessage);
    }

    /**
     * What the header at offset of region says, if a ring is there, read
     * without taking any role in it and without writing: the check
     * {@link #open} makes (magic number, version, kind and sizes), then the
     * consumer word, whose process is looked up (proc(5)) to tell a running
     * consumer from a dead one. Read-only regions are fine: this is how a tool
     * that maps an object it does not own asks whether it holds a ring.
     *
     * @param region shared memory, read-only or writable
     * @param offset where a ring would start, aligned to {@link RingLayout#ALIGNMENT} bytes
     * @return the ring's status; empty if the region has no ring at offset: the
     *         magic number or version is not there, the sizes are invalid, or
     *         the region ends before the header or the data area it announces
     * @throws IllegalArgumentException  if the offset is misaligned
     * @throws IndexOutOfBoundsException if the offset is negative
     * @throws IllegalStateException     if the region is closed
     */
    public static Optional<RingStatus> status(SharedRegion region, long offset) {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        if (offset < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + " of " + region.description());
        }
        if (!region.isOpen()) {
            throw new IllegalStateException(region.description() + " is closed");
        }
        if (region.size() - offset < RingLayout.HEADER_LENGTH) {
            return Optional.empty();
        }
        region.addressOf(offset, RingLayout.HEADER_LENGTH, RingLayout.ALIGNMENT, "a message ring");
        if (region.getIntAcquire(offset + RingLayout.OFF_MAGIC) != RingLayout.MAGIC
                || region.getInt(offset + RingLayout.OFF_VERSION) != RingLayout.VERSION) {
            return Optional.empty();
        }
        int kind = region.getInt(offset + RingLayout.OFF_KIND);
        int capacity = region.getInt(offset + RingLayout.OFF_CAPACITY);
        int maxMessage = region.getInt(offset + RingLayout.OFF_MAX_MESSAGE);
        if (!validHeader(kind, capacity, maxMessage) || region.size() - offset < size(capacity)) {
            return Optional.empty();
        }
        long c = region.getLongAcquire(offset + RingLayout.OFF_CONSUMER);
        RingStatus.Consumer consumer = RingStatus.Consumer.NONE;
        int pid = -1;
        if (c < 0) {
            consumer = RingStatus.Consumer.LEFT;
        } else if (c > 0) {
            pid = (int) (c & ((1L << RingLayout.PID_BITS) - 1));
            consumer = RingNative.jipc_ring_process_alive(pid, c >>> RingLayout.PID_BITS) != 0
                    ? RingStatus.Consumer.ATTACHED : RingStatus.Consumer.DEAD;
        }
        return Optional.of(new RingStatus(kind == RingLayout.SPSC ? RingKind.SINGLE_PRODUCER
                : RingKind.MULTI_PRODUCER, capacity, maxMessage, consumer, pid));
    }

    /** The header's kind and sizes as {@link #create} allows them. */
    private static boolean validHeader(int kind, int capacity, int maxMessage) {
        return (kind == RingLayout.SPSC || kind == RingLayout.MPSC) && capacity >= RingLayout.MIN_CAPACITY
                && capacity <= RingLayout.MAX_CAPACITY && Integer.bitCount(capacity) == 1 && maxMessage >= 1
                && maxMessage <= capacity - RingLayout.RECORD_HEADER;
    }

    /**
     * A producer handle that spins {@link #DEFAULT_SPIN} before it sleeps.
     *
     * @return a new producer, used by one thread at a time
     * @throws IpcException          EUSERS if the ring is a multi-producer one whose
     *                               {@link RingLayout#PRODUCER_SLOTS} producer slots are all held by running processes
     * @throws IllegalStateException if the region is closed
     * @throws IOException           if the wake machinery cannot be set up (out of memory)
     */
    public RingProducer producer() throws IOException {
        return producer(DEFAULT_SPIN);
    }

    /**
     * A producer handle. In a {@link RingKind#SINGLE_PRODUCER} ring, at most
     * one producer may exist at a time, in all processes together (not
     * checked: two would interleave claims and corrupt messages). A
     * {@link RingKind#MULTI_PRODUCER} ring holds {@link RingLayout#PRODUCER_SLOTS}
     * producer handles at once, each with its slot until it is closed or its process dies.
     *
     * @param spin how long a claim on a full ring spins before it sleeps;
     *             zero sleeps at once, {@link java.time.temporal.ChronoUnit#FOREVER} never sleeps
     * @return a new producer, used by one thread at a time
     * @throws IpcException          EUSERS if the ring is a multi-producer one whose
     *                               {@link RingLayout#PRODUCER_SLOTS} producer slots are all held by running processes
     * @throws IllegalStateException if the region is closed
     * @throws IOException           if the wake machinery cannot be set up (out of memory)
     */
    public RingProducer producer(Duration spin) throws IOException {
        return new RingProducer(this, Futex.nanos(spin));
    }

    /**
     * The consumer handle, spinning {@link #DEFAULT_SPIN} before it sleeps.
     *
     * @return the consumer, used by one thread at a time
     * @throws IpcException          EBUSY if a live process holds the ring's consumer role
     * @throws IllegalStateException if the region is closed
     * @throws IOException           if the wake machinery cannot be set up (out of memory)
     */
    public RingConsumer consumer() throws IOException {
        return consumer(DEFAULT_SPIN);
    }

    /**
     * Takes the ring's consumer role for this process until the handle
     * closes (or the process dies). The role is free if nobody had it, its
     * holder closed its handle, or its process no longer runs.
     *
     * @param spin how long a read on an empty ring spins before it sleeps;
     *             zero sleeps at once, {@link java.time.temporal.ChronoUnit#FOREVER} never sleeps
     * @return the consumer, used by one thread at a time
     * @throws IpcException          EBUSY if a live process (this one included) holds the role
     * @throws IllegalStateException if the region is closed
     * @throws IOException           if the wake machinery cannot be set up (out of memory)
     */
    public RingConsumer consumer(Duration spin) throws IOException {
        return new RingConsumer(this, Futex.nanos(spin));
    }

    /** {@return the region the ring is in} */
    public SharedRegion region() {
        return region;
    }

    /** {@return the ring's offset in its region} */
    public long offset() {
        return offset;
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

    @Override
    public String toString() {
        return "message ring at offset " + offset + " of " + region.description() + " (" + kind + ", " + capacity
                + " bytes, messages up to " + maxMessage + ")";
    }
}
