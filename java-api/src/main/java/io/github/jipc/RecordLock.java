package io.github.jipc;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A record lock held through a {@link RecordLocks} handle: a byte range,
 * shared or exclusive. {@link #release()} (or {@link #close()}) unlocks the
 * range (fcntl(2) {@code F_UNLCK}); closing the handle releases it too.
 * Safe to use from several threads.
 */
public final class RecordLock implements AutoCloseable {
    private final RecordLocks owner;
    private final long position;
    private final long length;
    private final boolean shared;
    private final AtomicBoolean held = new AtomicBoolean(true);

    RecordLock(RecordLocks owner, long position, long length, boolean shared) {
        this.owner = owner;
        this.position = position;
        this.length = length;
        this.shared = shared;
    }

    /** {@return the handle that took it} */
    public RecordLocks locks() {
        return owner;
    }

    /** {@return the range's first byte} */
    public long position() {
        return position;
    }

    /** {@return the range's length; {@link RecordLocks#TO_END} for a range to the end of the file} */
    public long length() {
        return length;
    }

    /** {@return true for a shared (read) lock, false for an exclusive (write) one} */
    public boolean isShared() {
        return shared;
    }

    /**
     * Whether the lock is still held by this object's account: false once
     * released or once its handle closed. (A classic lock may be gone sooner,
     * see {@link LockOption#PROCESS_ASSOCIATED}.)
     *
     * @return true until released or the handle closed
     */
    public boolean isValid() {
        return held.get() && owner.isOpen();
    }

    /**
     * Unlocks the range. Idempotent; nothing to do once the handle closed.
     *
     * @throws IpcException if fcntl(2) fails (ENOLCK: splitting a range needed a lock record the kernel could not get)
     */
    public void release() throws IOException {
        if (held.compareAndSet(true, false)) {
            owner.release(position, length);
        }
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() throws IOException {
        release();
    }

    @Override
    public String toString() {
        return (shared ? "shared" : "exclusive") + " lock [" + position + ", "
                + (length == RecordLocks.TO_END ? "end" : "+" + length) + ") of " + owner
                + (isValid() ? "" : " (released)");
    }
}
