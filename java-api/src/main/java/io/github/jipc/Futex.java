package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.FutexNative;

/**
 * Wait and wake on a 32-bit word of a {@link SharedRegion}, with futex(2):
 * the kernel's building block of every blocking lock. A thread
 * {@linkplain #await(int) waits while the word holds a value}; another
 * thread, in any process that maps the same memory, changes the word and
 * {@linkplain #wake(int) wakes} waiters. The futexes are shared (not
 * {@code FUTEX_PRIVATE_FLAG}): the kernel keys them by the memory, so the
 * processes may map it at different addresses. A C program does the same
 * with {@code syscall(SYS_futex, word, FUTEX_WAIT, ...)} and
 * {@code FUTEX_WAKE} (see {@code jipc_sync_layout.h}).
 *
 * <p>The word is read and written with the region's volatile and atomic
 * accessors; this class only waits and wakes. Wakes may be spurious and a
 * wake may come before the wait: callers re-check the word in a loop, as with
 * {@link Object#wait()}. Each call is one system call and allocates nothing.
 *
 * <p>A waiting thread is woken by {@link #close()} (and by closing the
 * region) with {@link AsynchronousCloseException}, and by
 * {@link Thread#interrupt()} with {@link java.nio.channels.ClosedByInterruptException}
 * (this handle is closed, as in {@code java.nio}; the word is untouched). The
 * region's memory stays mapped until every wait on it has left.
 */
public final class Futex extends RegionWaitChannel {
    private static final int ETIMEDOUT = FutexNative.ETIMEDOUT();
    private static final int ALL = FutexNative.INT32_MAX();

    private final SharedRegion region;
    private final long offset;
    private final long word;
    private final FdHandle guard;
    private final String description;

    private Futex(SharedRegion region, long offset, long word) throws IOException {
        this.region = region;
        this.offset = offset;
        this.word = word;
        this.description = "futex word at offset " + offset + " of " + region.description();
        this.guard = FdHandle.guardOnly(this, FdHandle.Wake.SIGNAL, description);
        region.addWaiter(this);
    }

    /**
     * The futex of the 32-bit word at offset of region.
     *
     * @param region the shared memory
     * @param offset the word's offset, aligned to 4 bytes
     * @return a handle to wait and wake on it
     * @throws IndexOutOfBoundsException unless {@code 0 <= offset <= region.size() - 4}
     * @throws IllegalArgumentException  if the word's address is not aligned to 4 bytes
     * @throws IllegalStateException     if the region is closed
     * @throws IOException               if the wake machinery cannot be set up (out of memory)
     */
    public static Futex at(SharedRegion region, long offset) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        return new Futex(region, offset, region.addressOf(offset, Integer.BYTES, Integer.BYTES, "a futex word"));
    }

    /** {@return the region the word is in} */
    public SharedRegion region() {
        return region;
    }

    /** {@return the word's offset in the region} */
    public long offset() {
        return offset;
    }

    /**
     * Waits while the word holds expected, until a wake (futex(2)
     * {@code FUTEX_WAIT}). Returns at once if it holds another value.
     *
     * @param expected the value to wait on
     * @throws AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     * @throws IpcException               EFAULT and other futex(2) failures
     */
    public void await(int expected) throws IOException {
        waitFor(expected, -1);
    }

    /**
     * Waits while the word holds expected, at most timeout (measured on the
     * monotonic clock).
     *
     * @param expected the value to wait on
     * @param timeout  how long to wait at most; zero or negative does not wait
     * @return true if woken or the word held another value, false if the timeout passed
     * @throws AsynchronousCloseException if this handle or its region was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     * @throws IpcException               EFAULT and other futex(2) failures
     */
    public boolean await(int expected, Duration timeout) throws IOException {
        return waitFor(expected, nanos(timeout));
    }

    static long nanos(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private boolean waitFor(int expected, long timeoutNanos) throws IOException {
        int r = guardedWait(guard, region, true, expected, timeoutNanos);
        if (r == 0 || r == -Errno.EAGAIN) {
            return true;
        }
        if (r == -ETIMEDOUT) {
            return false;
        }
        throw Errors.exception(r, SyncCall.FUTEX_WAIT, description);
    }

    @Override
    int waitNative(long guard, long expected, long timeoutNanos) {
        return FutexNative.jipc_futex_wait(guard, word, (int) expected, timeoutNanos);
    }

    /**
     * Wakes at most n threads waiting on the word, in any process (futex(2) {@code FUTEX_WAKE}).
     *
     * @param n how many at most, {@code >= 1}
     * @return how many were woken
     * @throws ClosedChannelException   if this handle is closed
     * @throws IllegalArgumentException if n is below 1
     * @throws IpcException             EFAULT and other futex(2) failures
     */
    public int wake(int n) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (!guard.acquire()) {
            throw new ClosedChannelException();
        }
        int r;
        try {
            if (!region.enterNative()) {
                throw new ClosedChannelException();
            }
            try {
                r = FutexNative.jipc_futex_wake(word, n);
            } finally {
                region.leaveNative();
            }
        } finally {
            guard.release();
        }
        if (r < 0) {
            throw Errors.exception(r, SyncCall.FUTEX_WAKE, description);
        }
        return r;
    }

    /**
     * Wakes every thread waiting on the word.
     *
     * @return how many were woken
     * @throws ClosedChannelException if this handle is closed
     * @throws IpcException           EFAULT and other futex(2) failures
     */
    public int wakeAll() throws IOException {
        return wake(ALL);
    }

    /** Wakes this handle's waiters; the word and the region stay. */
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
