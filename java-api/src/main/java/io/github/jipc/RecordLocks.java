package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.FileNative;
import io.github.jipc.internal.jni.LockNative;
import io.github.jipc.internal.jni.MmapNative;

/**
 * A file opened for fcntl(2) record locks on byte ranges: shared (read) or
 * exclusive (write) locks, taken waiting, without waiting ({@code tryLock}
 * returns null) or waiting at most a timeout, and the question who holds a
 * conflicting lock ({@link #holder}).
 *
 * <p><b>Which kind.</b> By default the locks are Linux open-file-description
 * locks ({@code F_OFD_SETLK}, {@code F_OFD_SETLKW}, {@code F_OFD_GETLK}): they
 * belong to this handle, which is its own open file description, so two
 * handles of one file conflict even in one process, and they last until
 * released or until this handle closes. {@link LockOption#PROCESS_ASSOCIATED}
 * selects classic locks ({@code F_SETLK}...): they belong to the process, so
 * two handles of one process never conflict, and closing <em>any</em>
 * descriptor of the file in this process, another handle's included, releases
 * all of the process's classic locks on it. The two kinds conflict with each
 * other as with locks of other processes. Locks are advisory: they exclude
 * only processes that take them too.
 *
 * <p><b>Threads.</b> Locks exclude owners, not threads: every thread using
 * one handle is the same owner, so two threads taking the same exclusive
 * range through one handle both get it (as two locks of one C process do),
 * where {@code FileChannel.lock} would throw
 * {@code OverlappingFileLockException}. To exclude threads from each other
 * too, give each thread a handle of its own ({@link #open} or {@link #of}
 * again): default (open-file-description) locks of two handles conflict even
 * in one process.
 *
 * <p><b>Ranges, not objects.</b> As fcntl(2) defines them, locks of one owner
 * are byte ranges: overlapping locks of this handle merge or convert
 * (shared to exclusive and back), and releasing a {@link RecordLock} releases
 * its whole range, whatever other lock of this handle overlapped it. A range
 * of length {@link #TO_END} runs to the end of the file however far it grows;
 * position 0 and {@code TO_END} lock the whole file.
 *
 * <p><b>When a holder dies.</b> The kernel releases a process's locks when it
 * exits or is killed (SIGKILL included): a lock never outlives its holder.
 *
 * <p>A thread waiting for a lock is woken by {@link #close()} from another
 * thread ({@link AsynchronousCloseException}) and by {@link Thread#interrupt()}
 * ({@link java.nio.channels.ClosedByInterruptException}; the handle is closed,
 * as in {@code java.nio}). Closing releases this handle's locks (and, for
 * classic locks, all of the process's locks on the file). Timed waits poll
 * {@code F_SETLK} (first 1 ms apart, then every 10 ms): the kernel has no timed
 * lock call, and no timer signal of the JVM's is used.
 */
public final class RecordLocks extends GuardedChannel {
    /** A length that runs to the end of the file however far it grows. */
    public static final long TO_END = 0;

    private static final Set<LockOption> NONE = EnumSet.noneOf(LockOption.class);
    private static final int OFD = LockNative.JIPC_LOCK_OFD();
    private static final int PROCESS = LockNative.JIPC_LOCK_PROCESS();

    final FdHandle handle;
    private final boolean classic;
    private final int kind;
    private final String description;

    private RecordLocks(int fd, boolean classic, String description) throws IOException {
        this.classic = classic;
        this.kind = classic ? PROCESS : OFD;
        this.description = description;
        this.handle = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
    }

    /**
     * Opens a file for record locks, read-write unless {@link LockOption#READ_ONLY}.
     *
     * @param file    the file
     * @param options {@link LockOption}s
     * @return the open handle, holding no lock
     * @throws java.nio.file.NoSuchFileException   ENOENT, the file does not exist (and no {@code CREATE})
     * @throws java.nio.file.AccessDeniedException EACCES, the file's mode refuses the access
     * @throws IpcException                        other open(2) failures: EISDIR for a directory
     *                                             without {@link LockOption#READ_ONLY}
     * @throws IllegalArgumentException            if file is a FIFO, refused before it is opened (an
     *                                             open would wait for its other side, or disturb it)
     */
    public static RecordLocks open(Path file, LockOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(file, "file");
        Set<LockOption> opts = options(options);
        boolean readOnly = opts.contains(LockOption.READ_ONLY);
        int flags = (readOnly ? MmapNative.O_RDONLY() : MmapNative.O_RDWR())
                | (opts.contains(LockOption.CREATE) ? MmapNative.O_CREAT() : 0);
        long[] stat = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        int fd = OpenFile.openRefusingFifos(file, flags, 0666, stat, RecordLocks::fifoRefused);
        if (fd == -FileNative.EISDIR()) {
            throw Errors.exception(fd, LockCall.OPEN, file.toString(), "a directory opens for reading only: lock it"
                    + " with LockOption.READ_ONLY (read locks)");
        }
        if (fd < 0) {
            throw Errors.exception(fd, LockCall.OPEN, file.toString(), 0L, Access.file(file));
        }
        boolean classic = opts.contains(LockOption.PROCESS_ASSOCIATED);
        return new RecordLocks(fd, classic, (classic ? "classic" : "OFD") + " record locks of " + file);
    }

    /**
     * Opens the file behind a jipc handle (a {@link SharedMemory} object, a
     * {@link MemoryFile}) for record locks, as a new open file description
     * (through /proc/self/fd): its OFD locks are its own, and closing it
     * leaves the handle open. {@link LockOption#CREATE} does not apply.
     *
     * @param file    an open jipc handle
     * @param options {@link LockOption#PROCESS_ASSOCIATED}, {@link LockOption#READ_ONLY}
     * @return the open handle, holding no lock
     * @throws ClosedChannelException              if file is closed
     * @throws java.nio.file.AccessDeniedException EACCES, the object's mode refuses the access
     * @throws IpcException                        other open(2) failures
     */
    public static RecordLocks of(Inheritable file, LockOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(file, "file");
        Set<LockOption> opts = options(options);
        if (opts.contains(LockOption.CREATE)) {
            throw new IllegalArgumentException("CREATE does not apply to an open handle");
        }
        FdHandle h = Handles.of(file);
        if (!h.acquire()) {
            throw new ClosedChannelException();
        }
        int fd;
        try {
            fd = LockNative.jipc_lock_reopen(h.fd(), opts.contains(LockOption.READ_ONLY) ? 1 : 0);
        } finally {
            h.release();
        }
        if (fd < 0) {
            throw Errors.exception(fd, LockCall.REOPEN, file.toString());
        }
        boolean classic = opts.contains(LockOption.PROCESS_ASSOCIATED);
        return new RecordLocks(fd, classic, (classic ? "classic" : "OFD") + " record locks of " + file);
    }

    private static IllegalArgumentException fifoRefused(Path file) {
        return new IllegalArgumentException(file + " is a FIFO: its open waits for the other side (or disturbs it),"
                + " and a FIFO holds no records to lock; lock a regular file beside it");
    }

    private static Set<LockOption> options(LockOption... options) {
        Set<LockOption> opts = EnumSet.copyOf(NONE);
        for (LockOption o : Objects.requireNonNull(options, "options")) {
            opts.add(Objects.requireNonNull(o, "option"));
        }
        return opts;
    }

    /** {@return true for classic process-associated locks, false for open-file-description locks} */
    public boolean isProcessAssociated() {
        return classic;
    }

    /**
     * Locks the whole file exclusively, waiting as long as it takes.
     *
     * @return the lock
     * @see #lock(long, long, boolean)
     * @throws IOException as {@link #lock(long, long, boolean)} says
     */
    public RecordLock lock() throws IOException {
        return lock(0, TO_END, false);
    }

    /**
     * Locks a range, waiting until no other holder conflicts (fcntl(2)
     * {@code F_OFD_SETLKW} or {@code F_SETLKW}).
     *
     * @param position the range's first byte, {@code >= 0}
     * @param length   its length, {@code >= 0}; {@link #TO_END} runs to the end of the file
     * @param shared   true for a shared (read) lock, false for an exclusive (write) lock
     * @return the lock
     * @throws IpcException               EDEADLK (classic locks: waiting would deadlock), EBADF
     *                                    (a lock the file's open mode does not allow), ENOLCK
     * @throws AsynchronousCloseException if another thread closed this handle meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     * @throws IllegalArgumentException   if the range is negative or its last byte lies past Long.MAX_VALUE
     */
    public RecordLock lock(long position, long length, boolean shared) throws IOException {
        return acquire(position, length, shared, -1);
    }

    /**
     * Locks a range if no other holder conflicts now ({@code F_OFD_SETLK} or {@code F_SETLK}).
     *
     * @param position the range's first byte, {@code >= 0}
     * @param length   its length, {@code >= 0}; {@link #TO_END} runs to the end of the file
     * @param shared   true for a shared lock, false for an exclusive one
     * @return the lock, or null if another holder's lock conflicts (EAGAIN, EACCES)
     * @throws IpcException             EBADF (a lock the file's open mode does not allow), ENOLCK
     * @throws ClosedChannelException   if this handle is closed
     * @throws IllegalArgumentException if the range is negative or its last byte lies past Long.MAX_VALUE
     */
    public RecordLock tryLock(long position, long length, boolean shared) throws IOException {
        return acquire(position, length, shared, 0);
    }

    /**
     * Locks a range, waiting at most timeout for conflicting holders to leave.
     * The wait polls (see the class comment), so a lock freed and retaken
     * between two polls is missed: there is no fairness.
     *
     * @param position the range's first byte, {@code >= 0}
     * @param length   its length, {@code >= 0}; {@link #TO_END} runs to the end of the file
     * @param shared   true for a shared lock, false for an exclusive one
     * @param timeout  how long to wait at most; zero or negative tries once
     * @return the lock, or null if the timeout passed
     * @throws IpcException               EBADF, ENOLCK
     * @throws AsynchronousCloseException if another thread closed this handle meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the handle is closed)
     * @throws ClosedChannelException     if this handle is closed
     * @throws IllegalArgumentException   if the range is negative or its last byte lies past Long.MAX_VALUE
     */
    public RecordLock tryLock(long position, long length, boolean shared, Duration timeout) throws IOException {
        // Zero tries once, as a negative timeout does: without the interrupt hook, which would close this handle.
        long nanos = Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero() ? 0
                : saturatedNanos(timeout);
        return acquire(position, length, shared, nanos);
    }

    /**
     * Who holds a lock that conflicts with the one described (fcntl(2)
     * {@code F_OFD_GETLK} or {@code F_GETLK}): one of them, if several do.
     * This handle's own locks never conflict; the answer may be stale as soon as it is given.
     *
     * @param position the range's first byte, {@code >= 0}
     * @param length   its length, {@code >= 0}; {@link #TO_END} runs to the end of the file
     * @param shared   whether the lock asked about is shared (then only exclusive locks conflict)
     * @return the conflicting lock, or null if the lock could be taken now
     * @throws IpcException             EINVAL, EBADF
     * @throws ClosedChannelException   if this handle is closed
     * @throws IllegalArgumentException if the range is negative or its last byte lies past Long.MAX_VALUE
     */
    public LockHolder holder(long position, long length, boolean shared) throws IOException {
        checkRange(position, length);
        long[] out = new long[4];
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        int r;
        try {
            r = LockNative.jipc_lock_query(handle.fd(), kind, shared ? 0 : 1, position, length, out);
        } finally {
            handle.release();
        }
        if (r < 0) {
            throw Errors.exception(r, LockCall.GETLK.of(classic), description);
        }
        if (out[0] == LockNative.JIPC_LOCK_NONE()) {
            return null;
        }
        return new LockHolder(out[1], out[2], out[0] == LockNative.JIPC_LOCK_SHARED(), (int) out[3]);
    }

    private RecordLock acquire(long position, long length, boolean shared, long timeoutNanos) throws IOException {
        checkRange(position, length);
        int r = guarded(handle, timeoutNanos != 0, guard -> LockNative.jipc_lock_acquire(handle.fd(), guard, kind,
                shared ? 0 : 1, position, length, timeoutNanos));
        if (r == -Errno.EAGAIN && timeoutNanos >= 0) {
            return null;
        }
        if (r < 0) {
            throw Errors.exception(r, (timeoutNanos < 0 ? LockCall.SETLKW : LockCall.SETLK).of(classic), description);
        }
        return new RecordLock(this, position, length, shared);
    }

    /** Releases a range; false if the handle is closed (its locks went with it). */
    boolean release(long position, long length) throws IOException {
        if (!handle.acquire()) {
            return false;
        }
        int r;
        try {
            r = LockNative.jipc_lock_release(handle.fd(), kind, position, length);
        } finally {
            handle.release();
        }
        if (r < 0) {
            throw Errors.exception(r, LockCall.UNLOCK.of(classic), description);
        }
        return true;
    }

    /** A range is its position and length >= 0 (0: to the end of any file), its last byte at most Long.MAX_VALUE. */
    private static void checkRange(long position, long length) {
        if (position < 0 || length < 0 || (length > 0 && position > Long.MAX_VALUE - length + 1)) {
            throw new IllegalArgumentException("range [" + position + ", +" + length + ") is negative or its last"
                    + " byte lies past the largest file offset (" + Long.MAX_VALUE + ")");
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return Math.max(1, d.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Closes the descriptor, releasing its locks, once no call is inside; wakes waiting threads. */
    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return description + (isOpen() ? "" : " (closed)");
    }
}
