package io.github.jipc;

import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.RingNative;

/**
 * The layout of a {@link MessageRing} in shared memory, read from
 * {@code jipc_ring.h} (the same numbers a C program compiles with), and the
 * memory ordering every field needs. A ring starts at an offset of a region
 * aligned to {@link #ALIGNMENT} bytes and takes {@code HEADER_LENGTH + capacity}
 * bytes. Fields written by different sides sit {@code 128} bytes apart, so
 * they never share a cache line (64 bytes on x86, up to 128 on arm64).
 *
 * <table class="striped">
 * <caption>The ring's header (offsets from the ring's start)</caption>
 * <thead><tr><th>offset</th><th>field</th><th>written by, and ordering</th></tr></thead>
 * <tbody>
 * <tr><td>{@link #OFF_MAGIC}</td><td>int magic {@link #MAGIC}</td>
 *     <td>the creator, a store-release after every other field; an attach reads it with acquire</td></tr>
 * <tr><td>{@link #OFF_VERSION}, {@link #OFF_KIND}, {@link #OFF_CAPACITY}, {@link #OFF_MAX_MESSAGE}</td>
 *     <td>ints: version {@link #VERSION}, kind ({@link #SPSC} or {@link #MPSC}), capacity of the
 *     data area (a power of two), largest payload</td><td>the creator, before the magic; read-only after</td></tr>
 * <tr><td>{@link #OFF_CONSUMER}</td><td>long consumer: 0 none yet; bit 63 set: the consumer left;
 *     else {@code (start << PID_BITS) | pid}, start being the process's start time in clock ticks
 *     (proc(5), {@code /proc/<pid>/stat} field 22), so that a reused pid is not taken for it</td>
 *     <td>the consumer, by compare-and-set (sequentially consistent) when it attaches and leaves;
 *     producers read it (acquire) only while the ring is full</td></tr>
 * <tr><td>{@link #OFF_TAIL}</td><td>long tail: the position after the last claim</td>
 *     <td>producers: in a single-producer ring a store-release after the record's header (so a
 *     producer killed anywhere leaves nothing, or a stamped claim); in a multi-producer ring a
 *     compare-and-set after the producer's intent (below). The consumer reads it (acquire) only when
 *     the record at its head has no stamp</td></tr>
 * <tr><td>{@link #OFF_HEAD}</td><td>long head: the position after the last released record</td>
 *     <td>the consumer, store-release (its reads of the record come before); producers read it
 *     with acquire before they reuse the space</td></tr>
 * <tr><td>{@link #OFF_CONSUMER_SLEEPING}</td><td>int futex word: 1 while the consumer sleeps or is
 *     about to</td><td>the consumer stores 1 (volatile), then re-checks the head record with a full
 *     fence between, then waits with futex(2) while it is 1; a producer, after each commit, issues a
 *     full fence and, only if the word is not 0, swaps it to 0 and wakes (the Dekker pattern: one of
 *     the two always sees the other's store, so no wake is lost and none is made while the consumer
 *     is awake)</td></tr>
 * <tr><td>{@link #OFF_PRODUCERS_WAITING}</td><td>int futex word: 1 while a producer waits for room</td>
 *     <td>the same protocol the other way: a producer finding the ring full stores 1, fences,
 *     re-reads head, sleeps; the consumer fences after storing head and wakes every waiter only if
 *     the word is not 0</td></tr>
 * <tr><td>{@link #OFF_PRODUCERS}</td><td>{@link #PRODUCER_SLOTS} producer slots of {@link #SLOT_LENGTH}
 *     bytes (multi-producer rings only), one per producer handle: at {@link #SLOT_OWNER} a long owner
 *     (0 free, else {@code (start << PID_BITS) | pid} as for the consumer), at {@link #SLOT_POSITION} a
 *     long intent position (-1, all ones: none, as the ring is created), at {@link #SLOT_RECORD} an int intent record length</td>
 *     <td>the owner: compare-and-set to take a free slot, or a dead owner's whose intent position is
 *     behind head; a store-release of 0 to give it back. The intent: the tail value the producer is
 *     about to claim from and the record length it adds, opaque stores before the compare-and-set of
 *     tail (whose release orders them first); the consumer reads them (acquire) only when stuck</td></tr>
 * <tr><td>{@link #HEADER_LENGTH}</td><td>the data area: capacity bytes of records</td><td></td></tr>
 * </tbody>
 * </table>
 *
 * <p>Positions are byte counts since the ring was created (64-bit, never wrapping in practice); a
 * record at position p starts at {@code HEADER_LENGTH + (p & (capacity - 1))}. Records are
 * {@link #RECORD_ALIGNMENT}-byte aligned and start with a {@link #RECORD_HEADER}-byte header:
 *
 * <table class="striped">
 * <caption>A record's header</caption>
 * <thead><tr><th>offset</th><th>field</th><th>ordering</th></tr></thead>
 * <tbody>
 * <tr><td>{@link #REC_STATE}</td><td>long state: low 32 bits a signed length, {@code >= 0} for a committed
 *     payload of that many bytes, {@code -1 - L} while claimed for a payload of L bytes,
 *     {@link #PADDING} for filler up to the end of the data area; high 32 bits the pid of the
 *     producer that claimed it</td><td>the claimed value: an opaque store before the stamp; the
 *     commit: a store-release after the payload; the consumer reads it with acquire</td></tr>
 * <tr><td>{@link #REC_STAMP}</td><td>long stamp: the record's position + 1</td><td>a store-release
 *     after the claimed state; the consumer reads it with acquire and takes the record only if it
 *     matches its head, so zeroed memory and records of an earlier lap never do</td></tr>
 * <tr><td>{@link #RECORD_HEADER}</td><td>the payload, then filler to the next record boundary</td><td></td></tr>
 * </tbody>
 * </table>
 *
 * <p>Why each ordering: on arm64 (and any weakly ordered CPU) a plain store may become visible
 * after a later one, and a plain load may be satisfied before an earlier one. The release/acquire
 * pairs above make "the stamp or state says so" imply "the bytes it covers are there"; the two
 * full fences make the sleep/wake handshakes safe, which release/acquire alone would not (a
 * store followed by a load of another word may be reordered even on x86).
 *
 * <p>A record that does not fit before the end of the data area is preceded by a padding record.
 * A record claimed by a process that died is skipped by the consumer once the claim is older than
 * {@link #DEAD_CLAIM_MICROS} and the claimer's pid no longer runs.
 *
 * <p><b>A producer killed mid-claim.</b> A single producer writes the record's header (state, then
 * stamp) before it moves tail: killed anywhere, it leaves nothing (tail unmoved, the next producer
 * claims the same room) or a stamped claim with its pid, skipped by the rule above; the hot path
 * does exactly the stores it did before. Multiple producers race for tail, so their header can only
 * follow the compare-and-set; to cover a producer killed in between, each first publishes its
 * intent in its slot. A consumer that finds no stamp at its head while tail is past it, for longer
 * than {@link #DEAD_CLAIM_MICROS}, reads the slots whose intent position is its head: while any of
 * their owners runs it waits (a slow claimer, or a loser of the race about to retry); once all are
 * dead it skips the record by the intent's length. Several dead intents of different lengths at one
 * position (two producers killed within the same few instructions, one of which lost the race) are
 * told apart by which length ends on a record boundary (tail, a stamp, or another intent); if that
 * does not settle it the read fails with {@code EBADMSG}. No live producer ever waits for another:
 * the ring stays lock-free. The consumer looks at tail and the slots only every 1024th empty poll
 * and before it sleeps, so the empty-ring spin reads nothing more than before.
 */
public final class RingLayout {
    private static final int[] L = layout();

    /** The magic number at offset 0 ({@code "JRNG"}). */
    public static final int MAGIC = L[0];
    /** The layout's version. */
    public static final int VERSION = L[1];
    /** The kind value of a single-producer ring. */
    public static final int SPSC = L[2];
    /** The kind value of a multi-producer ring. */
    public static final int MPSC = L[3];
    /** The header's length in bytes; the data area follows. */
    public static final int HEADER_LENGTH = L[4];
    /** The alignment a ring's start needs, in bytes. */
    public static final int ALIGNMENT = L[5];
    /** Offset of the magic number (int). */
    public static final int OFF_MAGIC = L[6];
    /** Offset of the version (int). */
    public static final int OFF_VERSION = L[7];
    /** Offset of the kind (int). */
    public static final int OFF_KIND = L[8];
    /** Offset of the data area's capacity (int). */
    public static final int OFF_CAPACITY = L[9];
    /** Offset of the largest payload (int). */
    public static final int OFF_MAX_MESSAGE = L[10];
    /** Offset of the consumer word (long). */
    public static final int OFF_CONSUMER = L[11];
    /** Offset of the tail position (long). */
    public static final int OFF_TAIL = L[12];
    /** Offset of the head position (long). */
    public static final int OFF_HEAD = L[13];
    /** Offset of the consumer's futex word (int). */
    public static final int OFF_CONSUMER_SLEEPING = L[14];
    /** Offset of the waiting producers' futex word (int). */
    public static final int OFF_PRODUCERS_WAITING = L[15];
    /** A record header's length in bytes. */
    public static final int RECORD_HEADER = L[16];
    /** The alignment of records in bytes. */
    public static final int RECORD_ALIGNMENT = L[17];
    /** Offset of a record's state (long) in the record. */
    public static final int REC_STATE = L[18];
    /** Offset of a record's stamp (long) in the record. */
    public static final int REC_STAMP = L[19];
    /** The length field of a padding record. */
    public static final int PADDING = L[20];
    /** The smallest capacity. */
    public static final int MIN_CAPACITY = L[21];
    /** The largest capacity. */
    public static final int MAX_CAPACITY = L[22];
    /** Bits of the pid in the consumer word. */
    public static final int PID_BITS = L[23];
    /** How old an uncommitted claim is before the consumer asks whether its producer lives, in µs. */
    public static final int DEAD_CLAIM_MICROS = L[24];
    /** How often a producer waiting for room asks whether the consumer lives, in µs. */
    public static final int LIVENESS_MICROS = L[25];
    /** Offset of the producer slots. */
    public static final int OFF_PRODUCERS = L[26];
    /** How many producer handles a multi-producer ring holds at once. */
    public static final int PRODUCER_SLOTS = L[27];
    /** A producer slot's length in bytes. */
    public static final int SLOT_LENGTH = L[28];
    /** Offset of a slot's owner (long) in the slot. */
    public static final int SLOT_OWNER = L[29];
    /** Offset of a slot's intent position (long) in the slot. */
    public static final int SLOT_POSITION = L[30];
    /** Offset of a slot's intent record length (int) in the slot. */
    public static final int SLOT_RECORD = L[31];

    private RingLayout() {}

    private static int[] layout() {
        NativeLibrary.ensureAvailable();
        int[] out = new int[32];
        RingNative.jipc_ring_layout(out);
        return out;
    }

    /**
     * The record length of a payload: header and payload rounded up to {@link #RECORD_ALIGNMENT}.
     *
     * @param payload the payload's length in bytes
     * @return the bytes the record takes in the data area
     */
    public static int recordLength(int payload) {
        return (RECORD_HEADER + payload + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }
}
