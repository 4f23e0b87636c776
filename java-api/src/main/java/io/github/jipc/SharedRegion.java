package io.github.jipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

import io.github.jipc.internal.DirectBuffers;
import io.github.jipc.internal.jni.MmapNative;

/**
 * A mapped region of shared memory: a System V segment attached, a POSIX
 * shared memory object, a memory file or a file mapped. Every access names an
 * offset from the region's start, never an address: other processes map the
 * same memory at other addresses.
 *
 * <p>Accesses are bounds-checked ({@link IndexOutOfBoundsException}) and plain
 * Java, with no native call: plain, volatile and acquire/release reads and
 * writes of bytes, ints and longs, and atomic compare-and-set and get-and-add.
 * Ints and longs are in the platform's byte order ({@link ByteOrder#nativeOrder()}),
 * as a C program on the same machine stores them. Volatile, acquire/release
 * and atomic accesses need an offset whose address is aligned to the value's
 * size ({@link IllegalArgumentException} otherwise); {@link #alignment()}
 * tells how the region's start is aligned.
 *
 * <p><b>Closing.</b> {@link #close()} ends this process's mapping at once (a
 * System V segment is detached; the others of this process and other
 * processes keep theirs). Every later access throws {@link IllegalStateException}.
 * An access racing the close from another thread either completes on the
 * shared memory or lands on a private placeholder, never crashing the JVM:
 * the mapping is replaced in one step by private anonymous memory, so a
 * buffer from {@link #asByteBuffer()} kept past the close reads zeros and its
 * writes reach no other process. The placeholder's addresses are released
 * once no such buffer is reachable any more. A region that is never closed is
 * unmapped once it is unreachable and the garbage collector has found it so:
 * a program that maps without closing can run out of mappings first (the
 * kernel allows a process {@code vm.max_map_count}, 65530 by default, and
 * the JVM itself needs some), which ends the JVM; close regions, with
 * try-with-resources. Objects that wait in native code on the
 * region's memory ({@link Futex}, semaphores and mutexes placed in it) are
 * closed first, which wakes their waiters, and the replacement waits until
 * the last of those calls has left, so no wait ever outlives the mapping.
 *
 * <p><b>Held robust mutexes pin the addresses.</b> The C library links every
 * robust mutex a thread holds into that thread's list through the mutex's
 * own bytes, and writes into them whenever the thread locks or unlocks
 * another robust mutex, and the kernel marks it owner-died through them when
 * the thread ends. So while a thread of this process holds a
 * {@link RobustMutex} of the region (locked, not unlocked), the shared
 * mapping is never replaced or released: closed (a warning is logged) or
 * unreachable, it stays, for the life of the process, and once that thread
 * ends the other processes are told its owner died ({@link OwnerDiedException})
 * and can recover it; a buffer from {@link #asByteBuffer()} kept past such a
 * close still reaches the shared memory. Unlock before closing. Overwriting a held
 * mutex's bytes through this region's put methods corrupts that list, as it
 * would in C.
 *
 * <p><b>Memory that shrinks.</b> When another process truncates the object
 * under a region (a file, a POSIX object, an unsealed memfd), accesses past
 * the new end end in an {@link InternalError}, which HotSpot may deliver a
 * little after the access: in compiled code, at a later point of the same
 * thread (a later statement, outside the {@code try} around the access), and
 * what the accesses in between read is garbage and what they wrote is lost.
 * Treat such an error as the end of the region, not as a failed access to
 * retry. The atomic read-modify-writes
 * ({@code compareAndSet*}, {@code getAndAdd*}) read their word first in such
 * memory (a volatile read, which every mode of HotSpot guards), as Java 17's
 * interpreter runs the atomics themselves unguarded: a fault there would end
 * the process, as in C. The read sits in each atomic method, not in a helper
 * they share: a helper compiled on its own would read compiled (its error
 * coming late) before an atomic that still runs interpreted. Left open: a truncation landing between that read and
 * the atomic, and, while HotSpot compiles the code making them, a read that
 * ran compiled (whose error comes late) before an atomic that runs
 * interpreted. Compiled code, and Java 25's interpreter, guard the atomics
 * themselves; on Java 17 a peer that truncates the memory while this process
 * runs atomics on it can end the JVM with SIGBUS, as it would a C program.
 * Memory that must not shrink is a System V segment or a memfd sealed
 * {@link Seal#SHRINK}: use one of those where a peer is not trusted.
 *
 * <p>The region is safe to use from several threads; ordering between them,
 * and between processes, is what the access modes say (see {@link VarHandle}).
 * Unless {@link #isReadOnly()}, every write method is allowed.
 */
public final class SharedRegion implements AutoCloseable {
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long PAGE_SIZE = MmapNative.jipc_page_size();

    /** Over the window, in native order; read-only for a read-only region. */
    private final ByteBuffer buffer;
    private final long address;
    /** Array copies: large ones by memcpy where the memory cannot shrink (fixedSize). */
    private final RegionCopies copies;
    /** Whether another process can shrink the memory (a file, a POSIX object, an unsealed memfd). */
    private final boolean mayShrink;
    private final int size;
    private final boolean readOnly;
    private final String description;
    private volatile boolean closed;
    /** The mapping's lifetime: close actions, waiters, native calls in flight, the release of the addresses. */
    private final RegionMapping mapping;

    /**
     * Takes over a mapping: [base, base + mapLength) is this region's, the
     * window starts at base + delta and is size bytes long.
     */
    SharedRegion(long base, long mapLength, long delta, int size, boolean readOnly, boolean syncable, boolean fixedSize,
            String description) {
        this.address = base + delta;
        this.size = size;
        this.readOnly = readOnly;
        this.description = description;
        ByteBuffer root = DirectBuffers.over(address, size);
        // Registered on the buffer every view refers to: the addresses are freed when none is reachable.
        this.mapping = new RegionMapping(base, mapLength, syncable, description, root);
        ByteBuffer b = readOnly ? root.asReadOnlyBuffer() : root;
        this.buffer = b.order(ByteOrder.nativeOrder());
        this.copies = new RegionCopies(buffer, address, fixedSize);
        this.mayShrink = !fixedSize;
    }

    /** {@return the system's page size in bytes, see sysconf(3) {@code _SC_PAGESIZE}} */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /** {@return the region's size in bytes} */
    public long size() {
        return size;
    }

    /** {@return true if writes are refused ({@link ReadOnlyBufferException})} */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** {@return true until {@link #close()}} */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * The alignment of the region's first byte in this process: the largest
     * power of two, up to the page size, that divides its address. A window of
     * a file at an offset that is not a multiple of the page size may start
     * unaligned. An offset {@code o} is aligned for an n-byte value if
     * {@code alignment() >= n} and {@code o % n == 0}.
     *
     * @return the alignment in bytes
     */
    public long alignment() {
        return Math.min(Long.lowestOneBit(address), PAGE_SIZE);
    }

    /**
     * Reads a byte.
     *
     * @param offset from the region's start
     * @return the byte
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset < size()}
     * @throws IllegalStateException     if the region is closed
     */
    public byte getByte(long offset) {
        return buffer.get(index(offset, 1));
    }

    /**
     * Writes a byte.
     *
     * @param offset from the region's start
     * @param value  the byte
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset < size()}
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putByte(long offset, byte value) {
        buffer.put(writable(offset, 1), value);
    }

    /**
     * Copies bytes out of the region.
     *
     * @param offset from the region's start
     * @param dst    where to copy to
     * @param at     the first index in dst
     * @param length how many bytes
     * @throws IndexOutOfBoundsException if the range is outside the region or dst
     * @throws IllegalStateException     if the region is closed
     */
    public void get(long offset, byte[] dst, int at, int length) {
        Objects.checkFromIndexSize(at, length, dst.length);
        copies.get(index(offset, length), dst, at, length);
    }

    /**
     * Copies bytes into the region.
     *
     * @param offset from the region's start
     * @param src    where to copy from
     * @param at     the first index in src
     * @param length how many bytes
     * @throws IndexOutOfBoundsException if the range is outside the region or src
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void put(long offset, byte[] src, int at, int length) {
        Objects.checkFromIndexSize(at, length, src.length);
        copies.put(writable(offset, length), src, at, length);
    }

    /**
     * Reads an int (plain access: no ordering with other threads).
     *
     * @param offset from the region's start; any alignment
     * @return the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalStateException     if the region is closed
     */
    public int getInt(long offset) {
        return buffer.getInt(index(offset, Integer.BYTES));
    }

    /**
     * Writes an int (plain access).
     *
     * @param offset from the region's start; any alignment
     * @param value  the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putInt(long offset, int value) {
        buffer.putInt(writable(offset, Integer.BYTES), value);
    }

    /**
     * Reads a long (plain access).
     *
     * @param offset from the region's start; any alignment
     * @return the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalStateException     if the region is closed
     */
    public long getLong(long offset) {
        return buffer.getLong(index(offset, Long.BYTES));
    }

    /**
     * Writes a long (plain access).
     *
     * @param offset from the region's start; any alignment
     * @param value  the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putLong(long offset, long value) {
        buffer.putLong(writable(offset, Long.BYTES), value);
    }

    /**
     * Reads an int with volatile semantics ({@link VarHandle#getVolatile}).
     *
     * @param offset from the region's start, aligned to 4 bytes
     * @return the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalArgumentException  if the address is not aligned to 4 bytes
     * @throws IllegalStateException     if the region is closed
     */
    public int getIntVolatile(long offset) {
        return (int) INTS.getVolatile(buffer, aligned(offset, Integer.BYTES));
    }

    /**
     * Writes an int with volatile semantics ({@link VarHandle#setVolatile}).
     *
     * @param offset from the region's start, aligned to 4 bytes
     * @param value  the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalArgumentException  if the address is not aligned to 4 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putIntVolatile(long offset, int value) {
        INTS.setVolatile(buffer, writableAligned(offset, Integer.BYTES), value);
    }

    /**
     * Reads an int with acquire semantics ({@link VarHandle#getAcquire}): later
     * accesses are not moved before it. Pairs with {@link #putIntRelease}.
     *
     * @param offset from the region's start, aligned to 4 bytes
     * @return the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalArgumentException  if the address is not aligned to 4 bytes
     * @throws IllegalStateException     if the region is closed
     */
    public int getIntAcquire(long offset) {
        return (int) INTS.getAcquire(buffer, aligned(offset, Integer.BYTES));
    }

    /**
     * Writes an int with release semantics ({@link VarHandle#setRelease}):
     * earlier accesses are not moved after it, so a reader that sees the value
     * with {@link #getIntAcquire} sees them too.
     *
     * @param offset from the region's start, aligned to 4 bytes
     * @param value  the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalArgumentException  if the address is not aligned to 4 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putIntRelease(long offset, int value) {
        INTS.setRelease(buffer, writableAligned(offset, Integer.BYTES), value);
    }

    /**
     * Atomically sets an int to update if it holds expected.
     *
     * @param offset   from the region's start, aligned to 4 bytes
     * @param expected the value it must hold
     * @param update   the new value
     * @return true if it held expected and now holds update
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalArgumentException  if the address is not aligned to 4 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public boolean compareAndSetInt(long offset, int expected, int update) {
        int at = writableAligned(offset, Integer.BYTES);
        if (mayShrink) {
            int probe = (int) INTS.getVolatile(buffer, at); // see the class description, "Memory that shrinks"
        }
        return INTS.compareAndSet(buffer, at, expected, update);
    }

    /**
     * Atomically adds delta to an int.
     *
     * @param offset from the region's start, aligned to 4 bytes
     * @param delta  what to add
     * @return the value before the addition
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 4}
     * @throws IllegalArgumentException  if the address is not aligned to 4 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public int getAndAddInt(long offset, int delta) {
        int at = writableAligned(offset, Integer.BYTES);
        if (mayShrink) {
            int probe = (int) INTS.getVolatile(buffer, at); // see the class description, "Memory that shrinks"
        }
        return (int) INTS.getAndAdd(buffer, at, delta);
    }

    /**
     * Reads a long with volatile semantics ({@link VarHandle#getVolatile}).
     *
     * @param offset from the region's start, aligned to 8 bytes
     * @return the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalArgumentException  if the address is not aligned to 8 bytes
     * @throws IllegalStateException     if the region is closed
     */
    public long getLongVolatile(long offset) {
        return (long) LONGS.getVolatile(buffer, aligned(offset, Long.BYTES));
    }

    /**
     * Writes a long with volatile semantics ({@link VarHandle#setVolatile}).
     *
     * @param offset from the region's start, aligned to 8 bytes
     * @param value  the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalArgumentException  if the address is not aligned to 8 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putLongVolatile(long offset, long value) {
        LONGS.setVolatile(buffer, writableAligned(offset, Long.BYTES), value);
    }

    /**
     * Reads a long with acquire semantics ({@link VarHandle#getAcquire}).
     *
     * @param offset from the region's start, aligned to 8 bytes
     * @return the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalArgumentException  if the address is not aligned to 8 bytes
     * @throws IllegalStateException     if the region is closed
     */
    public long getLongAcquire(long offset) {
        return (long) LONGS.getAcquire(buffer, aligned(offset, Long.BYTES));
    }

    /**
     * Writes a long with release semantics ({@link VarHandle#setRelease}).
     *
     * @param offset from the region's start, aligned to 8 bytes
     * @param value  the value
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalArgumentException  if the address is not aligned to 8 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public void putLongRelease(long offset, long value) {
        LONGS.setRelease(buffer, writableAligned(offset, Long.BYTES), value);
    }

    /**
     * Atomically sets a long to update if it holds expected.
     *
     * @param offset   from the region's start, aligned to 8 bytes
     * @param expected the value it must hold
     * @param update   the new value
     * @return true if it held expected and now holds update
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalArgumentException  if the address is not aligned to 8 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public boolean compareAndSetLong(long offset, long expected, long update) {
        int at = writableAligned(offset, Long.BYTES);
        if (mayShrink) {
            long probe = (long) LONGS.getVolatile(buffer, at); // see the class description, "Memory that shrinks"
        }
        return LONGS.compareAndSet(buffer, at, expected, update);
    }

    /**
     * Atomically adds delta to a long.
     *
     * @param offset from the region's start, aligned to 8 bytes
     * @param delta  what to add
     * @return the value before the addition
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= size() - 8}
     * @throws IllegalArgumentException  if the address is not aligned to 8 bytes
     * @throws ReadOnlyBufferException   if the region is read-only
     * @throws IllegalStateException     if the region is closed
     */
    public long getAndAddLong(long offset, long delta) {
        int at = writableAligned(offset, Long.BYTES);
        if (mayShrink) {
            long probe = (long) LONGS.getVolatile(buffer, at); // see the class description, "Memory that shrinks"
        }
        return (long) LONGS.getAndAdd(buffer, at, delta);
    }

    /**
     * A direct buffer over the whole region, position 0, limit and capacity
     * {@link #size()}, in the platform's byte order; read-only if the region
     * is. After {@link #close()} it stays usable but no longer shared: reads
     * see zeros and writes reach no other process (see the class comment).
     *
     * @return a new view
     * @throws IllegalStateException if the region is closed
     */
    public ByteBuffer asByteBuffer() {
        ensureOpen();
        return buffer.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * Writes the region's changed pages to the file behind it and waits until
     * they are written (msync(2) {@code MS_SYNC}). Only for a shared mapping
     * of a file ({@link MappedFile}); the data reaches the file in any case,
     * this makes it durable now.
     *
     * @throws IpcException          if msync(2) fails, e.g. EIO
     * @throws IllegalStateException if the region is closed, or is no shared file mapping
     */
    public void force() throws IOException {
        ensureOpen();
        mapping.sync(true);
    }

    /**
     * Schedules the region's changed pages for writing to the file and returns
     * (msync(2) {@code MS_ASYNC}).
     *
     * @throws IpcException          if msync(2) fails
     * @throws IllegalStateException if the region is closed, or is no shared file mapping
     */
    public void forceAsync() throws IOException {
        ensureOpen();
        mapping.sync(false);
    }

    /**
     * Runs action when this region closes, before its mapping goes: for views
     * whose lifetime must end with the region's, such as a {@code MemorySegment}
     * of a closeable arena (see the jipc-foreign artifact), so that they fail
     * on use instead of reaching the placeholder. Actions run in the order
     * added, on the thread that closes; an exception of one is suppressed and
     * the next runs.
     *
     * @param action what to run
     * @throws IllegalStateException if the region is closed already
     */
    public void onClose(Runnable action) {
        Objects.requireNonNull(action, "action");
        mapping.onClose(this, action);
    }

    /**
     * Ends this process's mapping, see the class comment. Idempotent and
     * thread-safe; other processes' mappings and the object itself stay.
     * Actions given to {@link #onClose(Runnable)} run first.
     */
    @Override
    public void close() {
        mapping.close(this);
    }

    /**
     * The address of an aligned object of size bytes at offset, for a native
     * call that may wait on it, between {@link #enterNative()} and {@link #leaveNative()}.
     */
    long addressOf(long offset, int size, long align, String what) {
        int i = index(offset, size);
        if (((address + i) & (align - 1)) != 0) {
            throw new IllegalArgumentException("offset " + offset + " of " + description + " is not aligned to "
                    + align + " bytes, as " + what + " needs (the region starts " + alignment() + "-byte aligned)");
        }
        return address + i;
    }

    /** Enters a native call on the region's memory: false if closed. The mapping stays until {@link #leaveNative()}. */
    boolean enterNative() {
        return mapping.enterNative();
    }

    /** Leaves a native call; the last one out of a closed region unmaps it. */
    void leaveNative() {
        mapping.leaveNative();
    }

    /** Registers an object whose waiting threads {@link #close()} wakes (by closing it) before the unmap. */
    void addWaiter(AutoCloseable w) {
        mapping.addWaiter(this, w);
    }

    void removeWaiter(AutoCloseable w) {
        mapping.removeWaiter(w);
    }

    /** A thread of this process now holds a robust mutex of the region: its addresses stay (see RegionMapping). */
    void mutexLocked() {
        mapping.mutexLocked();
    }

    /** A thread of this process unlocked a robust mutex of the region. */
    void mutexUnlocked() {
        mapping.mutexUnlocked();
    }

    /**
     * Sets the closed flag, for {@link RegionMapping#close} under the lock it
     * also holds for {@link #onClose}, so a check and a write suffice: true
     * for the one call that closed the region.
     */
    boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    String description() {
        return description;
    }

    @Override
    public String toString() {
        return description + " (" + size + " bytes" + (readOnly ? ", read-only" : "") + (closed ? ", closed" : "") + ")";
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    private int index(long offset, int width) {
        ensureOpen();
        if (offset < 0 || width < 0 || offset > size - (long) width) {
            throw new IndexOutOfBoundsException("offset " + offset + " + " + width + " bytes is outside "
                    + description + " of " + size + " bytes");
        }
        return (int) offset;
    }

    private int writable(long offset, int width) {
        if (readOnly) {
            throw refusedWrite(offset, width);
        }
        return index(offset, width);
    }

    /** Kept out of the put methods' checks, so that they stay small enough to inline. */
    private ReadOnlyRegionException refusedWrite(long offset, int width) {
        return ReadOnlyRegionException.refused(this, "a write of " + width + " byte" + (width == 1 ? "" : "s")
                + " at offset " + offset);
    }

    private int aligned(long offset, int width) {
        int i = index(offset, width);
        if (((address + i) & (width - 1)) != 0) {
            throw new IllegalArgumentException("offset " + offset + " of " + description + " is not aligned to "
                    + width + " bytes (the region starts " + alignment() + "-byte aligned)");
        }
        return i;
    }

    private int writableAligned(long offset, int width) {
        if (readOnly) {
            throw refusedWrite(offset, width);
        }
        return aligned(offset, width);
    }
}
