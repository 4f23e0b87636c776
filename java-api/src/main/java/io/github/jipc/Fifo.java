package io.github.jipc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.Modes;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.Timeouts;
import io.github.jipc.internal.jni.FifoNative;

/**
 * A named pipe (fifo(7)): a pipe with a name in the file system, for
 * processes that are not related. It persists until {@link #remove()}.
 *
 * <p>Opening follows open(2) on a FIFO, with two differences that keep a JVM
 * thread from hanging in the kernel: {@link #openSource} returns at once (its
 * first blocking read waits for a writer's data), and {@link #openSink} waits
 * for a reader in a loop that a timeout or {@link Thread#interrupt()} ends.
 */
public final class Fifo {
    private static final long FIRST_RETRY_NANOS = 1_000_000;
    private static final long LAST_RETRY_NANOS = 50_000_000;

    private final Path path;

    private Fifo(Path path) {
        this.path = path;
    }

    /**
     * Creates a FIFO at path with exactly these permissions (mkfifo(3); the
     * umask is not applied).
     *
     * @param path        where to create it
     * @param permissions its mode bits, exactly
     * @return the new FIFO
     * @throws FileAlreadyExistsException if anything exists at path (EEXIST)
     * @throws NoSuchFileException        if the parent folder does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the folder is not writable (EACCES, EPERM)
     * @throws IpcException if mkfifo(3) or chmod(2) fails otherwise, e.g. ENOTDIR, EROFS, ENOSPC
     * @throws IllegalArgumentException if path contains a NUL character
     */
    public static Fifo create(Path path, Set<PosixFilePermission> permissions) throws IOException {
        NativeLibrary.ensureAvailable();
        int mode = Modes.toMode(permissions);
        byte[] c = CStrings.of(path);
        int r = FifoNative.jipc_fifo_create(c, mode);
        if (r < 0) {
            throw Errors.exception(r, FifoCall.MKFIFO, path.toString());
        }
        return new Fifo(path);
    }

    /**
     * Creates a FIFO at path, or uses the FIFO already there (whatever its permissions).
     *
     * @param path        where to create it
     * @param permissions the mode bits of a FIFO created, exactly (the umask is not applied)
     * @return the FIFO, new or existing
     * @throws FileAlreadyExistsException if something that is not a FIFO exists at path:
     *         it is left untouched
     * @throws NoSuchFileException if the parent folder does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the folder is not writable (EACCES, EPERM)
     * @throws IpcException if mkfifo(3) fails otherwise, e.g. ENOTDIR, EROFS
     * @throws IllegalArgumentException if path contains a NUL character
     */
    public static Fifo createIfAbsent(Path path, Set<PosixFilePermission> permissions) throws IOException {
        NativeLibrary.ensureAvailable();
        int mode = Modes.toMode(permissions);
        byte[] c = CStrings.of(path);
        for (;;) {
            int r = FifoNative.jipc_fifo_create(c, mode);
            if (r >= 0) {
                return new Fifo(path);
            }
            if (r != -Errno.EEXIST) {
                throw Errors.exception(r, FifoCall.MKFIFO, path.toString());
            }
            int kind = FifoNative.jipc_fifo_check(c);
            if (kind == 1) {
                return new Fifo(path);
            }
            if (kind == 0) {
                throw new FileAlreadyExistsException(path.toString(), null,
                        "exists and is not a FIFO; jipc will not replace it");
            }
            if (java.nio.file.Files.isSymbolicLink(path)) {
                throw new FileAlreadyExistsException(path.toString(), null, "is a symbolic link to nothing (to "
                        + readLink(path) + "); jipc will not make a FIFO through it: create it at the link's target,"
                        + " or remove the link");
            }
            if (kind != -Errno.ENOENT) {
                throw Errors.exception(kind, FifoCall.STAT, path.toString());
            }
            // Removed in between: try to create it again.
        }
    }

    private static String readLink(Path link) {
        try {
            return java.nio.file.Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * The FIFO that exists at path; see stat(2).
     *
     * @param path where it is
     * @return the FIFO
     * @throws NoSuchFileException if nothing exists at path (ENOENT)
     * @throws java.nio.file.AccessDeniedException if a folder on the way is not searchable (EACCES)
     * @throws FileSystemException if what exists there is not a FIFO
     * @throws IpcException if stat(2) fails otherwise, e.g. ENOTDIR, ELOOP
     * @throws IllegalArgumentException if path contains a NUL character
     */
    public static Fifo of(Path path) throws IOException {
        NativeLibrary.ensureAvailable();
        int kind = FifoNative.jipc_fifo_check(CStrings.of(path));
        if (kind < 0) {
            throw Errors.exception(kind, FifoCall.STAT, path.toString());
        }
        if (kind == 0) {
            throw new FileSystemException(path.toString(), null, "not a FIFO");
        }
        return new Fifo(path);
    }

    /**
     * Whether a FIFO exists at path; see stat(2).
     *
     * @param path where to look
     * @return true if a FIFO is there; false if nothing, or something else, is
     *         there, or stat(2) fails
     * @throws IllegalArgumentException if path contains a NUL character
     */
    public static boolean exists(Path path) {
        NativeLibrary.ensureAvailable();
        return FifoNative.jipc_fifo_check(CStrings.of(path)) == 1;
    }

    /** {@return where this FIFO lives} */
    public Path path() {
        return path;
    }

    /**
     * Opens a read end. Returns at once, also when no writer has opened the
     * FIFO yet: a blocking read then waits for one to write; a non-blocking
     * read returns 0 until a writer has come, and -1 once writers came and
     * all of them closed.
     *
     * <p><b>Handing it to a child before a writer came.</b> Only jipc's own
     * reads wait for a first writer. The kernel's read(2) on a FIFO that has
     * no writer returns 0, end of stream, whether or not one ever came: a
     * child process (a C program, or {@code cat}) that gets this end through
     * {@link Subprocess.Builder#inherit} or as its standard input before any
     * writer opened the FIFO sees end of stream at once. Hand it
     * {@link #openSource(Duration)}'s end instead, which returns once a writer
     * is there, or let the child open the FIFO by its path (its blocking
     * open(2) waits for a writer).
     *
     * @param options {@link PipeOption#NON_BLOCKING} to start in non-blocking mode
     * @return the read end
     * @throws NoSuchFileException if the FIFO was removed (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its permissions deny reading (EACCES)
     * @throws FileSystemException if what is at the path is no longer a FIFO
     * @throws IpcException if open(2) fails otherwise, e.g. EMFILE, ENFILE
     * @throws NullPointerException if options or one of them is null (nothing is opened)
     */
    public PipeSource openSource(PipeOption... options) throws IOException {
        boolean blocking = !PipeOption.of(options, "Fifo.openSource").contains(PipeOption.NON_BLOCKING);
        NativeLibrary.ensureAvailable();
        int fd = FifoNative.jipc_fifo_open(CStrings.of(path), 0);
        if (fd < 0) {
            throw openFailure(fd, "read");
        }
        return new PipeSource(fd, "FIFO " + path + " read end", blocking, true);
    }

    /**
     * Opens a read end in blocking mode and waits up to timeout for a writer:
     * it returns once a process has the FIFO open for writing (or has
     * written data that is still waiting). Such an end can be handed to a
     * child that reads with plain read(2): its first read waits for data
     * instead of returning end of stream (see {@link #openSource(PipeOption...)}).
     *
     * @param timeout the longest to wait for a writer; {@link Duration#ZERO} checks once;
     *                a huge one (e.g. {@code ChronoUnit.FOREVER.getDuration()}) waits without limit
     * @return the read end, a writer connected
     * @throws InterruptedByTimeoutException if no writer came in time (the end is closed);
     *         its message names the FIFO and the timeout
     * @throws InterruptedIOException if the thread is interrupted while waiting (its flag is set
     *         again, the end is closed)
     * @throws NoSuchFileException if the FIFO was removed (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its permissions deny reading (EACCES)
     * @throws FileSystemException if what is at the path is no longer a FIFO
     * @throws IpcException if open(2) or tee(2) (the probe for a writer) fails otherwise
     * @throws NullPointerException if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     */
    public PipeSource openSource(Duration timeout) throws IOException {
        long deadline = Timeouts.deadline(timeout, "timeout of Fifo.openSource (waiting for a writer)");
        PipeSource source = openSource();
        boolean done = false;
        try {
            long pause = FIRST_RETRY_NANOS;
            for (;;) {
                int r = source.hasWriter();
                if (r < 0) {
                    throw Errors.exception(r, FifoCall.TEE, path.toString());
                }
                if (r > 0) {
                    done = true;
                    return source;
                }
                long left = Timeouts.left(deadline);
                if (left <= 0) {
                    throw Timeouts.timedOut("no writer opened FIFO " + path + " within " + timeout
                            + " (Fifo.openSource timeout)");
                }
                pause(Math.min(pause, left), "a writer");
                pause = Math.min(pause * 2, LAST_RETRY_NANOS);
            }
        } finally {
            if (!done) {
                source.close();
            }
        }
    }

    /**
     * Opens a write end, waiting as long as it takes for a process to open the
     * FIFO for reading; with {@link PipeOption#NON_BLOCKING}, fails at once instead.
     *
     * @param options {@link PipeOption#NON_BLOCKING} to fail rather than wait, and to
     *                start in non-blocking mode
     * @return the write end
     * @throws IpcException ENXIO if NON_BLOCKING was given and no process has the FIFO open for reading;
     *         other errno values if open(2) fails otherwise, e.g. EMFILE
     * @throws InterruptedIOException if the thread is interrupted while waiting (its flag is set again)
     * @throws NoSuchFileException if the FIFO was removed (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its permissions deny writing (EACCES)
     * @throws FileSystemException if what is at the path is no longer a FIFO
     * @throws NullPointerException if options or one of them is null
     */
    public PipeSink openSink(PipeOption... options) throws IOException {
        boolean nonBlocking = PipeOption.of(options, "Fifo.openSink").contains(PipeOption.NON_BLOCKING);
        PipeSink sink = openSink(nonBlocking ? System.nanoTime() : Timeouts.NO_DEADLINE, !nonBlocking);
        if (sink == null) {
            throw Errors.exception(-Errno.ENXIO, FifoCall.OPEN_SINK_NONBLOCK, path.toString(),
                    "no process has the FIFO open for reading; open a read end first, or open without NON_BLOCKING to wait for one");
        }
        return sink;
    }

    /**
     * Opens a write end in blocking mode, waiting up to timeout for a process
     * to open the FIFO for reading.
     *
     * @param timeout the longest to wait; {@link Duration#ZERO} does not wait; a huge one
     *                (e.g. {@code ChronoUnit.FOREVER.getDuration()}) waits without limit
     * @return the write end
     * @throws InterruptedByTimeoutException if no process opened the FIFO for reading in time;
     *         its message names the FIFO and the timeout
     * @throws InterruptedIOException if the thread is interrupted while waiting (its flag is set again)
     * @throws NoSuchFileException if the FIFO was removed (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its permissions deny writing (EACCES)
     * @throws FileSystemException if what is at the path is no longer a FIFO
     * @throws IpcException if open(2) fails otherwise, e.g. EMFILE
     * @throws NullPointerException if timeout is null
     * @throws IllegalArgumentException if timeout is negative
     */
    public PipeSink openSink(Duration timeout) throws IOException {
        long deadline = Timeouts.deadline(timeout, "timeout of Fifo.openSink (waiting for a reader)");
        PipeSink sink = openSink(deadline, true);
        if (sink == null) {
            throw Timeouts.timedOut("no reader opened FIFO " + path + " within " + timeout
                    + " (Fifo.openSink timeout)");
        }
        return sink;
    }

    /**
     * Opens a write end in blocking mode if a process has the FIFO open for
     * reading; never waits.
     *
     * @return the write end, or null if no process has the FIFO open for reading
     * @throws IOException as {@link #openSink(Duration)}, apart from the timeout and interrupt cases
     */
    public PipeSink tryOpenSink() throws IOException {
        return openSink(System.nanoTime(), true);
    }

    /** Polls for a reader until deadline (a System.nanoTime() value, or Timeouts.NO_DEADLINE); null on timeout. */
    private PipeSink openSink(long deadline, boolean blocking) throws IOException {
        NativeLibrary.ensureAvailable();
        byte[] c = CStrings.of(path);
        long pause = FIRST_RETRY_NANOS;
        for (;;) {
            int fd = FifoNative.jipc_fifo_open(c, 1);
            if (fd >= 0) {
                return new PipeSink(fd, "FIFO " + path + " write end", blocking, true);
            }
            if (fd != -Errno.ENXIO) {
                throw openFailure(fd, "write");
            }
            long left = Timeouts.left(deadline);
            if (left <= 0) {
                return null;
            }
            pause(Math.min(pause, left), "a reader");
            pause = Math.min(pause * 2, LAST_RETRY_NANOS);
        }
    }

    private void pause(long nanos, String waitingFor) throws InterruptedIOException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + waitingFor + " of FIFO " + path);
        }
    }

    private IOException openFailure(int r, String end) {
        if (r == -Errno.EINVAL) {
            return new FileSystemException(path.toString(), null, "not a FIFO any more; cannot open its " + end + " end");
        }
        return Errors.exception(r, FifoCall.OPEN, path.toString(), 0L, Access.file(path));
    }

    /**
     * Removes the FIFO from the file system (unlink(2)). Processes that have it
     * open keep their ends.
     *
     * @throws NoSuchFileException if it was already removed (ENOENT)
     * @throws FileSystemException if what is at the path is no longer a FIFO, or is a symbolic link
     *         (to a FIFO or not): it is left alone
     * @throws java.nio.file.AccessDeniedException if the folder is not writable (EACCES, EPERM)
     * @throws IpcException if unlink(2) fails otherwise, e.g. EROFS, EBUSY
     */
    public void remove() throws IOException {
        NativeLibrary.ensureAvailable();
        if (java.nio.file.Files.isSymbolicLink(path)) {
            throw new FileSystemException(path.toString(), null, "is a symbolic link (to " + readLink(path) + "), not"
                    + " the FIFO itself; jipc will not remove it: remove the FIFO where the link points, or delete"
                    + " the link");
        }
        int r = FifoNative.jipc_fifo_remove(CStrings.of(path));
        if (r == -Errno.EINVAL) {
            throw new FileSystemException(path.toString(), null, "not a FIFO; jipc will not remove it");
        }
        if (r < 0) {
            throw Errors.exception(r, FifoCall.UNLINK, path.toString());
        }
    }

    /**
     * Removes the FIFO if it still exists (unlink(2)).
     *
     * @return true if it was removed, false if nothing was at the path
     * @throws FileSystemException if what is at the path is not a FIFO (it is left alone)
     * @throws java.nio.file.AccessDeniedException if the folder is not writable (EACCES, EPERM)
     * @throws IpcException if unlink(2) fails otherwise, e.g. EROFS
     */
    public boolean removeIfExists() throws IOException {
        try {
            remove();
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fifo f && f.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return "Fifo[" + path + "]";
    }
}
