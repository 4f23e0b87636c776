package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.Modes;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.SemNative;

/**
 * A POSIX semaphore (sem_overview(7)): a count that {@link #acquire()}
 * decrements, waiting while it is 0, and {@link #release()} increments, shared
 * between processes. Two kinds:
 * <ul>
 * <li><b>named</b>: {@link #create}, {@link #createExclusive}, {@link #open}
 * (sem_open(3)); the name lasts until {@link #unlink(String)}, the semaphore
 * until the last process closed it. A C program opens it with
 * {@code sem_open(name, 0)}.</li>
 * <li><b>unnamed</b>, in a {@link SharedRegion}: {@link #init} (sem_init(3)
 * with pshared 1) makes one at an offset, {@link #at} uses one that another
 * process made there, {@link #destroy()} ends it. {@link #size()} and
 * {@link #alignment()} are those of the C library's {@code sem_t}.</li>
 * </ul>
 *
 * <p><b>When a holder dies.</b> Nothing is given back: a process killed
 * between its acquire and its release leaves the count taken for good (use
 * {@link SystemVSemaphores} with {@link SemOp#undo()} when the kernel must
 * undo a dead process's operations, or a {@link RobustMutex} to be told).
 *
 * <p>Timed waits measure the monotonic clock ({@code sem_clockwait} with
 * {@code CLOCK_MONOTONIC}; on a C library without it, {@code sem_timedwait}).
 * A waiting thread is woken by {@link #close()} (and, for an unnamed one, by
 * closing its region) with {@link AsynchronousCloseException}, and by
 * {@link Thread#interrupt()} with {@link java.nio.channels.ClosedByInterruptException}
 * (this handle is closed, as in {@code java.nio}); a count taken as the handle
 * closed is given back. Acquire and release are one native call each and
 * allocate nothing.
 */
public final class PosixSemaphore extends RegionWaitChannel {
    private static final int[] LAYOUT = layout();
    static final int EOVERFLOW = SemNative.EOVERFLOW();
    /** SEM_VALUE_MAX of the C library. */
    static final int MAX_VALUE = LAYOUT[3];
    /** The longest name, in bytes after the '/'. */
    private static final int MAX_NAME = LAYOUT[4];
    private static final int ETIMEDOUT = io.github.jipc.internal.jni.FutexNative.ETIMEDOUT();

    private final long sem;
    private final FdHandle handle;
    private final SharedRegion region;
    private final String name;
    private final String description;

    private PosixSemaphore(long sem, SharedRegion region, String name, String description) throws IOException {
        this.sem = sem;
        this.region = region;
        this.name = name;
        this.description = description;
        Runnable release = region == null ? () -> SemNative.jipc_sem_close(sem) : () -> { };
        this.handle = FdHandle.guardOnly(this, FdHandle.Wake.SIGNAL, description, release);
        if (region != null) {
            try {
                region.addWaiter(this);
            } catch (IllegalStateException e) {
                handle.close();
                throw e;
            }
        }
    }

    private static int[] layout() {
        NativeLibrary.ensureAvailable();
        int[] l = new int[5];
        SemNative.jipc_sem_layout(l);
        return l;
    }

    /** {@return the size in bytes of an unnamed semaphore in a region: the C library's {@code sizeof(sem_t)}} */
    public static int size() {
        return LAYOUT[0];
    }

    /** {@return the alignment an unnamed semaphore's offset needs: {@code alignof(sem_t)}} */
    public static int alignment() {
        return LAYOUT[1];
    }

    /** {@return the largest value a semaphore can hold, {@code SEM_VALUE_MAX}} */
    public static int maxValue() {
        return MAX_VALUE;
    }

    /**
     * Opens the named semaphore, creating it with value and exactly these
     * permissions if it does not exist (sem_open(3) with {@code O_CREAT}).
     *
     * @param name        "/name" or "name": one component, no other '/', at most 251 bytes after the '/'
     * @param value       the initial value of a semaphore created, {@code 0..maxValue()}
     * @param permissions the mode of a semaphore created (no umask applies)
     * @return the semaphore
     * @throws java.nio.file.AccessDeniedException EACCES: it exists and its mode denies this process
     * @throws IpcException EMFILE, ENFILE, ENOMEM
     * @throws IllegalArgumentException if the name is not one component or too long, or value is out of range
     */
    public static PosixSemaphore create(String name, int value, Set<PosixFilePermission> permissions) throws IOException {
        return open(name, SemNative.JIPC_SEM_CREATE(), value, permissions);
    }

    /**
     * Creates the named semaphore; fails if it exists (sem_open(3) with {@code O_CREAT | O_EXCL}).
     *
     * @param name        "/name" or "name": one component, no other '/', at most 251 bytes after the '/'
     * @param value       its initial value, {@code 0..maxValue()}
     * @param permissions its mode (no umask applies)
     * @return the semaphore
     * @throws java.nio.file.FileAlreadyExistsException EEXIST: a semaphore of this name exists
     * @throws IpcException EMFILE, ENFILE, ENOMEM
     * @throws IllegalArgumentException if the name is not one component or too long, or value is out of range
     */
    public static PosixSemaphore createExclusive(String name, int value, Set<PosixFilePermission> permissions)
            throws IOException {
        return open(name, SemNative.JIPC_SEM_CREATE() | SemNative.JIPC_SEM_EXCLUSIVE(), value, permissions);
    }

    /**
     * Opens an existing named semaphore (sem_open(3) without {@code O_CREAT}).
     *
     * @param name "/name" or "name"
     * @return the semaphore
     * @throws java.nio.file.NoSuchFileException   ENOENT: none has this name
     * @throws java.nio.file.AccessDeniedException EACCES: its mode denies this process read and write
     * @throws IpcException EMFILE, ENFILE
     * @throws IllegalArgumentException if the name is not one component or too long
     */
    public static PosixSemaphore open(String name) throws IOException {
        return open(name, 0, 0, Set.of());
    }

    private static PosixSemaphore open(String name, int flags, int value, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeLibrary.ensureAvailable();
        String n = checkName(name);
        checkValue(value);
        int mode = Modes.toMode(permissions);
        long[] out = new long[2];
        int r = SemNative.jipc_sem_open(CStrings.of("name", n), flags, mode, value, out);
        if (r < 0) {
            throw Errors.exception(r, SyncCall.SEM_OPEN, n, 0L, Access.file(Path.of("/dev/shm/sem." + n.substring(1))));
        }
        return new PosixSemaphore(out[0], null, n, "POSIX semaphore " + n);
    }

    /** "/name" for "name" or "/name": one component of 1 to {@link #MAX_NAME} bytes. */
    static String checkName(String name) {
        return PosixNames.check(name, "POSIX semaphore", MAX_NAME,
                "are no names, as for queues and shared memory (the C library would take them)",
                "; the C library keeps it as /dev/shm/sem.name");
    }

    /**
     * Removes the name (sem_unlink(3)): no process can open it any more; the
     * semaphore lasts until every process that has it open closed it.
     *
     * @param name "/name" or "name"
     * @throws java.nio.file.NoSuchFileException   ENOENT: none has this name
     * @throws java.nio.file.AccessDeniedException EACCES: this process may not remove it
     * @throws IllegalArgumentException if the name is not one component or too long
     */
    public static void unlink(String name) throws IOException {
        NativeLibrary.ensureAvailable();
        String n = checkName(name);
        int r = SemNative.jipc_sem_unlink(CStrings.of("name", n));
        if (r < 0) {
            throw Errors.exception(r, SyncCall.SEM_UNLINK, n, 0L, Access.file(Path.of("/dev/shm/sem." + n.substring(1))));
        }
    }

    /**
     * Makes an unnamed process-shared semaphore at offset of region (sem_init(3)
     * with pshared 1). Only one process initializes it, before any uses it;
     * initializing one in use is undefined behaviour of the C library.
     *
     * @param region the shared memory, writable
     * @param offset where, aligned to {@link #alignment()}, with {@link #size()} bytes
     * @param value  its initial value, {@code 0..maxValue()}
     * @return the semaphore
     * @throws IndexOutOfBoundsException if it does not fit in the region
     * @throws IllegalArgumentException  if the offset is misaligned or value out of range
     * @throws IllegalStateException     if the region is closed
     * @throws java.nio.ReadOnlyBufferException if the region is read-only
     * @throws IOException               if sem_init(3) fails
     */
    public static PosixSemaphore init(SharedRegion region, long offset, int value) throws IOException {
        checkValue(value);
        PosixSemaphore s = at(region, offset);
        int r = s.call(Op.INIT, value);
        if (r < 0) {
            s.close();
            throw Errors.exception(r, SyncCall.SEM_INIT, s.description);
        }
        return s;
    }

    /**
     * The unnamed semaphore another process (or this one) initialized at
     * offset of region with {@link #init} or with {@code sem_init(sem, 1, value)} in C.
     *
     * @param region the shared memory
     * @param offset where, aligned to {@link #alignment()}
     * @return the semaphore
     * @throws IndexOutOfBoundsException if it does not fit in the region
     * @throws IllegalArgumentException  if the offset is misaligned
     * @throws IllegalStateException     if the region is closed
     * @throws java.nio.ReadOnlyBufferException if the region is read-only: acquire and release
     *         write the semaphore (glibc's would fault on a read-only page)
     * @throws IOException               if the wake machinery cannot be set up
     */
    public static PosixSemaphore at(SharedRegion region, long offset) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(region, "region");
        if (region.isReadOnly()) {
            throw ReadOnlyRegionException.refused(region, "a semaphore");
        }
        long address = region.addressOf(offset, size(), alignment(), "a sem_t");
        return new PosixSemaphore(address, region, null,
                "POSIX semaphore at offset " + offset + " of " + region.description());
    }

    private static void checkValue(int value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("a semaphore value is 0 to " + MAX_VALUE + ", got " + value);
        }
    }

    /** {@return the name of a named semaphore, null for an unnamed one} */
    public String name() {
        return name;
    }

    /** {@return true for a named semaphore} */
    public boolean isNamed() {
        return region == null;
    }

    /**
     * Takes one, waiting while the value is 0 (sem_wait(3)).
     *
     * @throws AsynchronousCloseException if this handle (or its region) was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     * @throws IpcException               EINVAL: no valid semaphore there
     */
    public void acquire() throws IOException {
        waitFor(-1);
    }

    /**
     * Takes one if the value is above 0 now (sem_trywait(3)).
     *
     * @return true if taken, false if the value was 0
     * @throws ClosedChannelException if this handle is closed
     * @throws IpcException           EINVAL: no valid semaphore there
     */
    public boolean tryAcquire() throws IOException {
        return waitFor(0);
    }

    /**
     * Takes one, waiting at most timeout while the value is 0
     * ({@code sem_clockwait(CLOCK_MONOTONIC)}, see sem_wait(3)).
     *
     * @param timeout how long to wait at most; zero or negative tries once
     * @return true if taken, false if the timeout passed
     * @throws AsynchronousCloseException if this handle (or its region) was closed meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (this handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     * @throws IpcException               EINVAL: no valid semaphore there
     */
    public boolean tryAcquire(Duration timeout) throws IOException {
        return waitFor(Futex.nanos(timeout));
    }

    /**
     * Gives one back, waking a waiter (sem_post(3)).
     *
     * @throws IpcException           EOVERFLOW: the value is at {@link #maxValue()}
     * @throws ClosedChannelException if this handle is closed
     */
    public void release() throws IOException {
        int r = call(Op.POST, 0);
        if (r < 0) {
            throw Errors.exception(r, SyncCall.SEM_POST, description);
        }
    }

    /**
     * The value now (sem_getvalue(3)); stale as soon as it is returned.
     *
     * @return the value, 0 when taken (Linux never reports waiters as a negative value)
     * @throws ClosedChannelException if this handle is closed
     * @throws IpcException EINVAL if the bytes hold no semaphore (they read as a negative value)
     */
    public int value() throws IOException {
        int r = call(Op.VALUE, 0);
        if (r < 0) {
            throw Errors.exception(r, SyncCall.SEM_GETVALUE, description);
        }
        return r;
    }

    /**
     * Ends an unnamed semaphore (sem_destroy(3)) and closes this handle. No
     * process may use it afterwards (until it is initialized again); destroying
     * one that threads wait on is undefined behaviour of the C library.
     *
     * @throws IllegalStateException  if this is a named semaphore (use {@link #unlink(String)})
     * @throws ClosedChannelException if this handle is closed
     * @throws IpcException           if sem_destroy(3) fails
     */
    public void destroy() throws IOException {
        if (region == null) {
            throw new IllegalStateException(description + " is named: unlink its name instead");
        }
        int r = call(Op.DESTROY, 0);
        close();
        if (r < 0) {
            throw Errors.exception(r, SyncCall.SEM_DESTROY, description);
        }
    }

    private enum Op { INIT, POST, VALUE, DESTROY }

    private int call(Op op, int arg) throws IOException {
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            if (region != null && !region.enterNative()) {
                throw new ClosedChannelException();
            }
            try {
                return switch (op) {
                    case INIT -> SemNative.jipc_sem_init(sem, arg);
                    case POST -> SemNative.jipc_sem_post(sem);
                    case VALUE -> SemNative.jipc_sem_value(sem);
                    case DESTROY -> SemNative.jipc_sem_destroy(sem);
                };
            } finally {
                if (region != null) {
                    region.leaveNative();
                }
            }
        } finally {
            handle.release();
        }
    }

    private boolean waitFor(long timeoutNanos) throws IOException {
        // A try (no timeout) does not block: no interrupt hook.
        int r = guardedWait(handle, region, timeoutNanos != 0, 0, timeoutNanos);
        if (r == 0) {
            return true;
        }
        if (r == -Errno.EAGAIN || r == -ETIMEDOUT) {
            return false;
        }
        throw Errors.exception(r, timeoutNanos > 0 ? SyncCall.SEM_CLOCKWAIT : SyncCall.SEM_WAIT, description);
    }

    @Override
    int waitNative(long guard, long unused, long timeoutNanos) {
        return SemNative.jipc_sem_wait(guard, sem, timeoutNanos);
    }

    /**
     * Closes this handle (a named semaphore: sem_close(3) once no call is
     * inside), waking its waiters. The semaphore, its value and its name stay.
     */
    @Override
    protected void implCloseChannel() {
        handle.close();
        if (region != null) {
            region.removeWaiter(this);
        }
    }

    @Override
    public String toString() {
        return description + (isOpen() ? "" : " (closed)");
    }
}
