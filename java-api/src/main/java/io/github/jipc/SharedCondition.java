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
import io.github.jipc.internal.jni.MutexNative;

/**
 * A process-shared condition variable in a {@link SharedRegion}, used with a
 * {@link RobustMutex}: a C library {@code pthread_cond_t} with
 * {@code PTHREAD_PROCESS_SHARED} whose timeouts measure {@code CLOCK_MONOTONIC}.
 * As with {@code pthread_cond_wait(3)}, a waiter holds the mutex, the wait
 * releases it and takes it back before returning (also when it throws), and
 * wakeups may be spurious: wait in a loop on the condition's predicate.
 *
 * <p>No signal interrupts these waits, so they run in slices of at most
 * 10 ms and a slice that ends returns as a spurious wakeup; {@link #close()}
 * (or closing the region) and {@link Thread#interrupt()} end a wait within a
 * slice. When the mutex's owner died, the wait's relocking throws
 * {@link OwnerDiedException} (the mutex is held).
 */
public final class SharedCondition extends RegionWaitChannel {
    private static final int ETIMEDOUT = MutexNative.ETIMEDOUT();

    private final SharedRegion region;
    private final long address;
    private final FdHandle handle;
    private final String description;

    private SharedCondition(SharedRegion region, long offset, long address) throws IOException {
        this.region = region;
        this.address = address;
        this.description = "condition variable at offset " + offset + " of " + region.description();
        this.handle = FdHandle.guardOnly(this, FdHandle.Wake.SLICES, description);
        region.addWaiter(this);
    }

    /** {@return the size in bytes of a condition variable in a region: {@code sizeof(pthread_cond_t)}} */
    public static int size() {
        return RobustMutex.conditionSize();
    }

    /** {@return the alignment its offset needs: {@code alignof(pthread_cond_t)}} */
    public static int alignment() {
        return RobustMutex.conditionAlignment();
    }

    /**
     * Initializes a condition variable at offset of region (pthread_cond_init(3)).
     *
     * @param region the shared memory, writable
     * @param offset where, aligned to {@link #alignment()}, with {@link #size()} bytes
     * @return the condition variable
     * @throws IndexOutOfBoundsException if it does not fit in the region
     * @throws IllegalArgumentException  if the offset is misaligned
     * @throws IllegalStateException     if the region is closed
     * @throws java.nio.ReadOnlyBufferException if the region is read-only
     * @throws IOException               if pthread_cond_init(3) fails
     */
    public static SharedCondition init(SharedRegion region, long offset) throws IOException {
        SharedCondition c = at(region, offset);
        int r = c.call(0);
        if (r < 0) {
            c.close();
            throw Errors.exception(r, SyncCall.COND_INIT, c.description);
        }
        return c;
    }

    /**
     * The condition variable another process (or this one) initialized at offset of region.
     *
     * @param region the shared memory
     * @param offset where, aligned to {@link #alignment()}
     * @return the condition variable
     * @throws IndexOutOfBoundsException if it does not fit in the region
     * @throws IllegalArgumentException  if the offset is misaligned
     * @throws IllegalStateException     if the region is closed
     * @throws java.nio.ReadOnlyBufferException if the region is read-only: waits and signals write
     *         the condition variable (glibc's would fault on a read-only page)
     * @throws IOException               if the wake machinery cannot be set up
     */
    public static SharedCondition at(SharedRegion region, long offset) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        if (region.isReadOnly()) {
            throw ReadOnlyRegionException.refused(region, "a condition variable");
        }
        return new SharedCondition(region, offset, region.addressOf(offset, size(), alignment(), "a pthread_cond_t"));
    }

    /**
     * Releases mutex, waits for a signal (or a spurious wakeup), takes mutex back.
     *
     * @param mutex the mutex this thread holds
     * @throws OwnerDiedException            the mutex's owner died; it is held now (see {@link RobustMutex})
     * @throws IllegalMonitorStateException  if this thread does not hold mutex (EPERM)
     * @throws AsynchronousCloseException    if this handle (or its region) was closed meanwhile; mutex is held
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException        if this handle or mutex is closed
     */
    public void await(RobustMutex mutex) throws IOException {
        waitFor(mutex, -1);
    }

    /**
     * Releases mutex, waits at most timeout for a signal, takes mutex back.
     * No signal interrupts a condition wait, so the wait runs in slices of at
     * most 10 ms (to see a close or an interrupt), and the end of a slice is
     * a spurious wakeup: true comes back within 10 ms whatever the timeout.
     * Wait in a loop that checks the condition, against a deadline:
     * {@link #awaitNanos} returns the time left.
     *
     * @param mutex   the mutex this thread holds
     * @param timeout how long to wait at most
     * @return false if the timeout passed, true if signalled or woken spuriously before
     * @throws OwnerDiedException            the mutex's owner died; it is held now
     * @throws IllegalMonitorStateException  if this thread does not hold mutex (EPERM)
     * @throws AsynchronousCloseException    if this handle (or its region) was closed meanwhile; mutex is held
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException        if this handle or mutex is closed
     */
    public boolean await(RobustMutex mutex, Duration timeout) throws IOException {
        return waitFor(mutex, Futex.nanos(timeout));
    }

    /**
     * Waits as {@link #await(RobustMutex, Duration)} does, and tells how much
     * of nanosTimeout is left, as {@link java.util.concurrent.locks.Condition#awaitNanos}
     * does: a caller waits for its condition within one deadline with
     * <pre>{@code
     * long left = timeout.toNanos();
     * while (!ready()) {
     *     if (left <= 0) {
     *         return false; // timed out
     *     }
     *     left = condition.awaitNanos(mutex, left);
     * }
     * }</pre>
     *
     * @param mutex        the mutex this thread holds
     * @param nanosTimeout how long to wait at most, in nanoseconds; at most 0 returns at once
     * @return nanosTimeout less the time the wait took; 0 or less once it is used up
     * @throws OwnerDiedException            the mutex's owner died; it is held now
     * @throws IllegalMonitorStateException  if this thread does not hold mutex (EPERM)
     * @throws AsynchronousCloseException    if this handle (or its region) was closed meanwhile; mutex is held
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException        if this handle or mutex is closed
     */
    public long awaitNanos(RobustMutex mutex, long nanosTimeout) throws IOException {
        Objects.requireNonNull(mutex, "mutex");
        if (nanosTimeout <= 0) {
            return nanosTimeout;
        }
        long start = System.nanoTime();
        boolean signalled = waitFor(mutex, nanosTimeout);
        long left = nanosTimeout - (System.nanoTime() - start);
        return signalled ? left : Math.min(left, 0);
    }

    private boolean waitFor(RobustMutex mutex, long timeoutNanos) throws IOException {
        Objects.requireNonNull(mutex, "mutex");
        if (!mutex.handle.acquire()) {
            throw new ClosedChannelException();
        }
        int r;
        try {
            r = guardedWait(handle, region, mutex.region, true, mutex.address, timeoutNanos);
        } finally {
            mutex.handle.release();
        }
        if (r == -Errno.EPERM) {
            throw new IllegalMonitorStateException(mutex + " is not held by this thread (EPERM)");
        }
        if (r == -ETIMEDOUT) {
            return false;
        }
        if (r < 0 && r != -Errno.EBUSY) {
            throw Errors.exception(r, SyncCall.COND_WAIT, description);
        }
        return RobustMutex.result(r, mutex);
    }

    @Override
    int waitNative(long guard, long mutexAddress, long timeoutNanos) {
        return MutexNative.jipc_cond_wait(guard, address, mutexAddress, timeoutNanos);
    }

    /**
     * Wakes one waiting thread, in any process (pthread_cond_signal(3)).
     *
     * @throws ClosedChannelException if this handle is closed
     */
    public void signal() throws IOException {
        call(1);
    }

    /**
     * Wakes every waiting thread, in every process (pthread_cond_broadcast(3)).
     *
     * @throws ClosedChannelException if this handle is closed
     */
    public void signalAll() throws IOException {
        call(2);
    }

    /**
     * Ends the condition variable (pthread_cond_destroy(3)) and closes this handle.
     *
     * @throws IpcException           if pthread_cond_destroy(3) fails
     * @throws ClosedChannelException if this handle is closed
     */
    public void destroy() throws IOException {
        int r = call(3);
        close();
        if (r < 0) {
            throw Errors.exception(r, SyncCall.COND_DESTROY, description);
        }
    }

    private int call(int op) throws IOException {
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            if (!region.enterNative()) {
                throw new ClosedChannelException();
            }
            try {
                return switch (op) {
                    case 0 -> MutexNative.jipc_cond_init(address);
                    case 1 -> MutexNative.jipc_cond_signal(address);
                    case 2 -> MutexNative.jipc_cond_broadcast(address);
                    default -> MutexNative.jipc_cond_destroy(address);
                };
            } finally {
                region.leaveNative();
            }
        } finally {
            handle.release();
        }
    }

    /** Ends waits within a slice; the condition variable stays. */
    @Override
    protected void implCloseChannel() {
        handle.close();
        region.removeWaiter(this);
    }

    @Override
    public String toString() {
        return description + (isOpen() ? "" : " (closed)");
    }
}
