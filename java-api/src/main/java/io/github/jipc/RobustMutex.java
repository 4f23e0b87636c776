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
 * A robust, process-shared mutex in a {@link SharedRegion}: a C library
 * {@code pthread_mutex_t} with {@code PTHREAD_PROCESS_SHARED},
 * {@code PTHREAD_MUTEX_ROBUST} and {@code PTHREAD_MUTEX_ERRORCHECK}, which
 * threads of every process that maps the region lock and unlock. A C
 * program uses the same mutex (see {@code jipc_sync_layout.h}).
 *
 * <p><b>When the owner dies.</b> A process killed while holding the mutex
 * (SIGKILL included) does not leave it locked: the next lock acquires it
 * <em>and</em> throws {@link OwnerDiedException}, which cannot pass unseen
 * (it is checked, and the thread owns the mutex when it is thrown). That
 * thread repairs the protected data and calls {@link #markConsistent()},
 * then unlocks; the mutex works as before. If it unlocks without marking it
 * consistent, the mutex is unrecoverable: every later lock, in every
 * process, fails with an {@link IpcException} {@code ENOTRECOVERABLE} that
 * says so, until it is destroyed and initialized again.
 *
 * <p>Ownership is per thread, as in C: {@link #unlock()} by a thread that does
 * not hold it throws {@link IllegalMonitorStateException}; locking it again
 * from the owner throws {@link IllegalStateException} (no reentrancy). No
 * signal interrupts a mutex wait, so waits run in slices of at most 10 ms:
 * {@link #close()} (or closing the region) and {@link Thread#interrupt()} end
 * a waiting lock within one slice ({@link AsynchronousCloseException},
 * {@link java.nio.channels.ClosedByInterruptException}; the handle is closed,
 * as in {@code java.nio}). Timed locks measure the monotonic clock
 * ({@code pthread_mutex_clocklock}).
 *
 * <p><b>One handle, several threads.</b> The mutex belongs to a thread, the
 * handle does not: when an interrupt of one waiting thread (or a close) closes
 * a handle that threads share, a thread that holds the mutex can no longer
 * unlock through it ({@link ClosedChannelException}) and the mutex stays
 * locked. That thread unlocks through another handle of the same mutex,
 * {@link #at(SharedRegion, long)}; threads that may be interrupted while
 * waiting can each use a handle of their own. Closing the region while a
 * thread holds the mutex abandons it: nothing in this process can unlock it
 * any more, and the other processes get it, with an
 * {@link OwnerDiedException}, once that thread ends (see {@link SharedRegion},
 * "Held robust mutexes").
 */
public final class RobustMutex extends GuardedChannel {
    private static final int[] LAYOUT = layout();
    private static final int OWNER_DIED = MutexNative.JIPC_MUTEX_OWNER_DIED();
    private static final int EDEADLK = MutexNative.EDEADLK();
    private static final int ETIMEDOUT = MutexNative.ETIMEDOUT();

    final SharedRegion region;
    final long address;
    final FdHandle handle;
    private final String description;

    private RobustMutex(SharedRegion region, long offset, long address) throws IOException {
        this.region = region;
        this.address = address;
        this.description = "robust mutex at offset " + offset + " of " + region.description();
        this.handle = FdHandle.guardOnly(this, FdHandle.Wake.SLICES, description);
        region.addWaiter(this);
    }

    private static int[] layout() {
        NativeLibrary.ensureAvailable();
        int[] l = new int[4];
        MutexNative.jipc_mutex_layout(l);
        return l;
    }

    /** {@return the size in bytes of a mutex in a region: {@code sizeof(pthread_mutex_t)}} */
    public static int size() {
        return LAYOUT[0];
    }

    /** {@return the alignment its offset needs: {@code alignof(pthread_mutex_t)}} */
    public static int alignment() {
        return LAYOUT[1];
    }

    static int conditionSize() {
        return LAYOUT[2];
    }

    static int conditionAlignment() {
        return LAYOUT[3];
    }

    /**
     * Initializes a mutex at offset of region (pthread_mutex_init(3) with the
     * attributes of the class comment), unlocked. One process does it, before
     * any uses the mutex.
     *
     * @param region the shared memory, writable
     * @param offset where, aligned to {@link #alignment()}, with {@link #size()} bytes
     * @return the mutex
     * @throws IndexOutOfBoundsException if it does not fit in the region
     * @throws IllegalArgumentException  if the offset is misaligned
     * @throws IllegalStateException     if the region is closed
     * @throws java.nio.ReadOnlyBufferException if the region is read-only
     * @throws IOException               if pthread_mutex_init(3) fails
     */
    public static RobustMutex init(SharedRegion region, long offset) throws IOException {
        RobustMutex m = at(region, offset);
        int r = m.call(Op.INIT);
        if (r < 0) {
            m.close();
            throw Errors.exception(r, SyncCall.MUTEX_INIT, m.description);
        }
        return m;
    }

    /**
     * The mutex another process (or this one) initialized at offset of region.
     *
     * @param region the shared memory
     * @param offset where, aligned to {@link #alignment()}
     * @return the mutex
     * @throws IndexOutOfBoundsException if it does not fit in the region
     * @throws IllegalArgumentException  if the offset is misaligned
     * @throws IllegalStateException     if the region is closed
     * @throws java.nio.ReadOnlyBufferException if the region is read-only: every lock and unlock
     *         writes the mutex (glibc's would fault on a read-only page)
     * @throws IOException               if the wake machinery cannot be set up
     */
    public static RobustMutex at(SharedRegion region, long offset) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        if (region.isReadOnly()) {
            throw ReadOnlyRegionException.refused(region, "a robust mutex");
        }
        return new RobustMutex(region, offset, region.addressOf(offset, size(), alignment(), "a pthread_mutex_t"));
    }

    /**
     * Locks the mutex, waiting as long as it takes.
     *
     * @throws OwnerDiedException         the mutex is locked, and its previous owner died holding it: repair,
     *                                    {@link #markConsistent()}, unlock
     * @throws IpcException               ENOTRECOVERABLE: a previous owner died and the mutex was never made
     *                                    consistent; it can never be locked again
     * @throws IllegalStateException      if this thread holds it already (EDEADLK)
     * @throws AsynchronousCloseException if this handle (or its region) was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     */
    public void lock() throws IOException {
        acquire(-1);
    }

    /**
     * Locks the mutex if it is free now (pthread_mutex_trylock(3)).
     *
     * @return true if locked, false if another thread holds it
     * @throws OwnerDiedException     locked, after its previous owner died holding it
     * @throws IpcException           ENOTRECOVERABLE
     * @throws IllegalStateException  if this thread holds it already
     * @throws ClosedChannelException if this handle is closed
     */
    public boolean tryLock() throws IOException {
        return acquire(0);
    }

    /**
     * Locks the mutex, waiting at most timeout (pthread_mutex_clocklock(3) on
     * {@code CLOCK_MONOTONIC}).
     *
     * @param timeout how long to wait at most; zero or negative tries once
     * @return true if locked, false if the timeout passed
     * @throws OwnerDiedException         locked, after its previous owner died holding it
     * @throws IpcException               ENOTRECOVERABLE
     * @throws IllegalStateException      if this thread holds it already
     * @throws AsynchronousCloseException if this handle (or its region) was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     */
    public boolean tryLock(Duration timeout) throws IOException {
        return acquire(Futex.nanos(timeout));
    }

    private boolean acquire(long timeoutNanos) throws IOException {
        startCall(handle, false); // the hook comes only once the mutex was found held
        boolean blocked = false;
        int r;
        try {
            if (!region.enterNative()) {
                r = -Errno.WOKEN;
            } else {
                try {
                    // A free mutex is taken without the interrupt hook: nothing blocks. A pending
                    // interrupt goes the blocking way, whose begin() closes the handle as documented.
                    boolean interrupted = timeoutNanos != 0 && Thread.currentThread().isInterrupted();
                    r = interrupted ? -Errno.EBUSY : MutexNative.jipc_mutex_lock(handle.guard(), address, 0);
                    if (r == -Errno.EBUSY && timeoutNanos != 0) {
                        blocked = true;
                        begin();
                        r = MutexNative.jipc_mutex_lock(handle.guard(), address, timeoutNanos);
                    }
                    if (r == 0 || r == OWNER_DIED) {
                        region.mutexLocked(); // counted before the call leaves: a close's unmap sees it
                    }
                } finally {
                    region.leaveNative();
                }
            }
        } finally {
            handle.release();
        }
        endCall(blocked, r == -Errno.WOKEN);
        return result(r, this);
    }

    /** Turns a lock result into true/false or the exception. */
    static boolean result(int r, RobustMutex m) throws IOException {
        if (r == 0) {
            return true;
        }
        if (r == OWNER_DIED) {
            throw new OwnerDiedException(m);
        }
        if (r == -Errno.EBUSY || r == -ETIMEDOUT) {
            return false;
        }
        if (r == -EDEADLK) {
            throw new IllegalStateException(m + " is held by this thread already (EDEADLK): it is not reentrant");
        }
        throw Errors.exception(r, SyncCall.MUTEX_LOCK, m.description);
    }

    /**
     * Unlocks the mutex (pthread_mutex_unlock(3)). Unlocking it after an
     * {@link OwnerDiedException} without {@link #markConsistent()} makes it
     * unrecoverable.
     *
     * @throws IllegalMonitorStateException if this thread does not hold it (EPERM)
     * @throws ClosedChannelException       if this handle is closed (a mutex this thread holds stays locked:
     *                                      unlock it through another handle from {@link #at(SharedRegion, long)})
     */
    public void unlock() throws IOException {
        int r = call(Op.UNLOCK);
        if (r == -Errno.EPERM) {
            throw new IllegalMonitorStateException(description + " is not held by this thread (EPERM)");
        }
        if (r < 0) {
            throw Errors.exception(r, SyncCall.MUTEX_LOCK, description);
        }
    }

    /**
     * Marks the mutex consistent again after an {@link OwnerDiedException}
     * (pthread_mutex_consistent(3)); this thread still holds it and unlocks it next.
     *
     * @throws IllegalStateException  if the mutex is not held after an owner's death (EINVAL)
     * @throws ClosedChannelException if this handle is closed
     */
    public void markConsistent() throws IOException {
        int r = call(Op.CONSISTENT);
        if (r == -Errno.EINVAL) {
            throw new IllegalStateException(description + " is not held by this thread after an owner's death (EINVAL)");
        }
        if (r < 0) {
            throw Errors.exception(r, SyncCall.MUTEX_CONSISTENT, description);
        }
    }

    /**
     * Ends the mutex (pthread_mutex_destroy(3)) and closes this handle; it
     * must be unlocked and no process may use it afterwards, until initialized again.
     *
     * @throws IllegalStateException  if a thread, of this or another process, holds it (EBUSY): then
     *                                nothing is destroyed and this handle stays open
     * @throws IpcException           if pthread_mutex_destroy(3) fails
     * @throws ClosedChannelException if this handle is closed
     */
    public void destroy() throws IOException {
        int r = call(Op.DESTROY);
        if (r == -Errno.EBUSY) {
            throw new IllegalStateException(description + " is locked (by this thread or another, of this process or"
                    + " another): unlock it before destroying it");
        }
        close();
        if (r < 0) {
            throw Errors.exception(r, SyncCall.MUTEX_DESTROY, description);
        }
    }

    private enum Op { INIT, UNLOCK, CONSISTENT, DESTROY }

    private int call(Op op) throws IOException {
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            if (!region.enterNative()) {
                throw new ClosedChannelException();
            }
            try {
                return switch (op) {
                    case INIT -> MutexNative.jipc_mutex_init(address);
                    case UNLOCK -> unlocked(MutexNative.jipc_mutex_unlock(address));
                    case CONSISTENT -> MutexNative.jipc_mutex_consistent(address);
                    case DESTROY -> MutexNative.jipc_mutex_destroy(address);
                };
            } finally {
                region.leaveNative();
            }
        } finally {
            handle.release();
        }
    }

    /** An unlock's result, the mutex counted as no longer held before the call leaves the region. */
    private int unlocked(int r) {
        if (r == 0) {
            region.mutexUnlocked();
        }
        return r;
    }

    /** Ends waiting locks within a slice; the mutex and its state stay. */
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
