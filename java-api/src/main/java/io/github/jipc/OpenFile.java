package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.AddressCache;
import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.FileNative;

/**
 * An open file of any kind that jipc has no other handle for: a regular
 * file, a directory or a device opened here by path, or a descriptor that
 * another process passed over a Unix socket or a parent handed down, which
 * may also be a kernel object such as a timerfd, a pidfd or a socket of a
 * family jipc does not speak (netlink). It can be passed on (over an
 * {@link IpcSocket} with {@link IpcSocket#send(java.nio.ByteBuffer, Inheritable...)},
 * or to a child through {@link Subprocess.Builder#inherit}); a regular file
 * can be opened again as a {@link FileChannel} of this JVM
 * ({@link #openChannel}) and mapped ({@link MappedFile#map(OpenFile, long, long, MapOption...)}).
 *
 * <p>This is how a C peer's {@code open(2)}ed file reaches a JVM, and how a
 * JVM hands one to a C peer or a child: the receiver gets the same open file
 * description, with its access mode, its offset and the permission it was
 * opened with, even if it could not open the path itself.
 *
 * <p>It reads and writes as C does with the descriptor: {@link #read} and
 * {@link #write} are one read(2) or write(2) each, at the open file
 * description's offset, which every process holding the description shares
 * (so a regular file's bytes go to whichever process reads first), and they
 * wait as the kind of file does: a timerfd's read until the timer expires, a
 * device's until it has data. A blocked call is woken by {@link #close()}
 * from another thread ({@link AsynchronousCloseException}) and by
 * {@link Thread#interrupt()} ({@link java.nio.channels.ClosedByInterruptException},
 * the handle is closed), as in {@code java.nio}. Calls are always blocking:
 * to wait for several files at once, register them with a {@link Poller}
 * (which refuses regular files and directories: they are always ready).
 * Between the poller's report and the read, another process sharing the
 * description may take the data first, and then the read waits.
 *
 * <p>Closing the handle closes this process's descriptor; the file, and the
 * descriptions other processes hold, stay.
 */
public final class OpenFile extends GuardedChannel implements Inheritable, ByteChannel, Pollable {
    /** What kind of file the descriptor refers to (fstat(2)'s file type). */
    public enum Kind {
        /** A regular file, on disk or on a tmpfs. */
        REGULAR_FILE("a regular file"),
        /** A directory. */
        DIRECTORY("a directory"),
        /** A character device ({@code /dev/null}, a terminal). */
        CHARACTER_DEVICE("a character device"),
        /** A block device. */
        BLOCK_DEVICE("a block device"),
        /** A pipe or FIFO (one opened read-write, for instance: jipc takes a one-way end as a {@link PipeEnd}). */
        FIFO("a pipe or FIFO"),
        /** A socket (of a family or type that {@link IpcSocket} does not take: netlink, packet, vsock...). */
        SOCKET("a socket"),
        /** A symbolic link itself ({@code O_PATH | O_NOFOLLOW}). */
        SYMBOLIC_LINK("a symbolic link"),
        /** None of these: an anonymous kernel object (a timerfd, signalfd, pidfd, inotify or epoll instance...). */
        OTHER("a kernel object with no file type");

        private final String phrase;

        Kind(String phrase) {
            this.phrase = phrase;
        }

        /** {@return the kind as a sentence names it: "a regular file"} */
        String phrase() {
            return phrase;
        }
    }

    /** The mode of a file open creates, before the umask: what FileChannel.open gives. */
    private static final int CREATE_MODE = 0666;
    /** Heap buffers go through a direct buffer of this size: a call moves at most this many of their bytes. */
    private static final int SCRATCH_SIZE = 64 * 1024;

    final FdHandle handle;
    private final Kind kind;
    /** JIPC_FILE_READABLE | JIPC_FILE_WRITABLE: the description's access mode, which never changes. */
    private final int access;
    private final String description;
    /** Reads take turns, and so do writes: each direction has its own buffers. */
    private final Transfer reads = new Transfer();
    private final Transfer writes = new Transfer();

    /** What one direction's calls use, guarded by the object itself. */
    private static final class Transfer {
        final AddressCache addresses = new AddressCache();
        ByteBuffer scratch;
        long scratchAddress;

        /** The direct buffer heap buffers pass through. */
        ByteBuffer scratch() {
            if (scratch == null) {
                scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);
                scratchAddress = AddressCache.lookup(scratch);
            }
            return scratch.clear();
        }
    }

    /**
     * @param stat what jipc_file_stat() reported of fd, or null if it failed
     * @throws IOException if the guard cannot be made (then fd is closed)
     */
    private OpenFile(int fd, long[] stat, String description) throws IOException {
        this.kind = stat == null ? Kind.OTHER : kindOf(stat[FileNative.JIPC_FILE_STAT_KIND()]);
        this.access = stat == null ? 0 : (int) stat[FileNative.JIPC_FILE_STAT_ACCESS()];
        this.description = description;
        this.handle = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
    }

    /**
     * Opens file, as {@link FileChannel#open(Path, OpenOption...)} would, for
     * passing on: READ unless WRITE or APPEND is given. The open does not wait
     * for a device (one that waits for a carrier opens at once), and a FIFO is
     * refused before it is opened:
     * open it with {@link Fifo}, whose ends are handles of their own. A file
     * this creates gets mode 0666 less the umask; to choose its permissions,
     * create it first ({@link Files#createFile(Path, java.nio.file.attribute.FileAttribute...)}).
     *
     * @param file    the file, directory or device
     * @param options {@link StandardOpenOption} READ, WRITE, APPEND, CREATE, CREATE_NEW,
     *                TRUNCATE_EXISTING, SYNC, DSYNC (SPARSE is a hint and ignored), and
     *                {@link LinkOption#NOFOLLOW_LINKS}
     * @return the open file
     * @throws java.nio.file.NoSuchFileException if file does not exist and neither CREATE nor CREATE_NEW is
     *         given with WRITE or APPEND (ENOENT)
     * @throws java.nio.file.FileAlreadyExistsException if CREATE_NEW is given and file exists (EEXIST)
     * @throws java.nio.file.AccessDeniedException if file's mode denies the access (EACCES)
     * @throws IpcException ELOOP if NOFOLLOW_LINKS is given and file is a symbolic link; EISDIR if a
     *         directory is opened for writing; ENXIO for a device without its driver or a Unix socket's
     *         file; EAGAIN or EBUSY for a device that is busy; EMFILE, ENFILE
     * @throws IllegalArgumentException if file is a FIFO, or the options conflict (APPEND with READ or
     *         TRUNCATE_EXISTING), as FileChannel.open says
     * @throws UnsupportedOperationException for an option not listed (DELETE_ON_CLOSE, say)
     */
    public static OpenFile open(Path file, OpenOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(file, "file");
        Set<OpenOption> opts = new HashSet<>(Arrays.asList(Objects.requireNonNull(options, "options")));
        int flags = OpenFlags.of(opts);
        long[] out = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        int fd = openRefusingFifos(file, flags, CREATE_MODE, out, OpenFile::fifoRefused);
        if (fd == -Errno.ENOENT && OpenFlags.createIgnored(opts, flags)) {
            throw Errors.exception(fd, ShmCall.OPEN, file.toString(), "CREATE and CREATE_NEW count only with WRITE or"
                    + " APPEND, as for FileChannel.open: a file opened for reading only is never made");
        }
        if (fd < 0) {
            throw Errors.exception(fd, ShmCall.OPEN, file.toString(), 0L, Access.file(file));
        }
        return new OpenFile(fd, out, file + " (fd " + fd + ")");
    }

    /**
     * open(2) of file (jipc_file_open(): O_CLOEXEC, no controlling terminal,
     * no wait in the open but for a lease on a regular file to break), with
     * stat filled, refusing a FIFO: before any open, since opening one
     * disturbs the process at its other end (a waiting reader sees the end of
     * the stream, a waiting writer EPIPE), and after it, for one put there
     * since. The descriptor, or -errno for the caller to tell.
     *
     * @throws IllegalArgumentException refused's, for a FIFO
     */
    static int openRefusingFifos(Path file, int flags, int mode, long[] stat,
            java.util.function.Function<Path, IllegalArgumentException> refused) {
        byte[] name = CStrings.of(file);
        if (Fifo.exists(file)) {
            throw refused.apply(file);
        }
        int fd = FileNative.jipc_file_open(name, flags, mode, stat);
        if (fd == -Errno.ENXIO && Fifo.exists(file)) {
            throw refused.apply(file); // a write open of a FIFO without a reader
        }
        if (fd >= 0 && kindOf(stat[FileNative.JIPC_FILE_STAT_KIND()]) == Kind.FIFO) {
            CommonNative.jipc_close(fd);
            throw refused.apply(file);
        }
        return fd;
    }

    private static IllegalArgumentException fifoRefused(Path file) {
        return new IllegalArgumentException(file + " is a FIFO: open it with Fifo.of(path).openSource() or openSink(),"
                + " whose ends can be passed on as they are");
    }

    /**
     * Takes over a descriptor this process inherited from its parent, of any
     * kind (see {@link Subprocess.Builder#inherit(Inheritable, int)}); it is
     * made close-on-exec. From then on the handle owns it and closes it, when
     * closed or once unreachable: take over 0, 1 or 2 only if the JVM's
     * standard stream of that number is not needed any more.
     *
     * @param fd the descriptor number the parent gave it
     * @return the open file
     * @throws IpcException EBADF if fd is not open in this process
     * @throws IllegalArgumentException if fd is negative, or an open jipc handle owns it already
     */
    public static OpenFile inherited(int fd) throws IOException {
        NativeLibrary.ensureAvailable();
        FdHandle.requireInheritable(fd);
        long[] out = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        int r = FileNative.jipc_file_stat(fd, out);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.FSTAT, "inherited fd " + fd,
                    "the parent did not hand this descriptor over");
        }
        r = CommonNative.jipc_set_cloexec(fd, 1);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SET_CLOEXEC, "inherited fd " + fd);
        }
        return new OpenFile(fd, out, "inherited " + target(fd) + " (fd " + fd + ")");
    }

    /** A descriptor received from another process, of a kind no other jipc handle takes; closed if this fails. */
    static OpenFile adopt(int fd) throws IOException {
        long[] out = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        return new OpenFile(fd, FileNative.jipc_file_stat(fd, out) == 0 ? out : null,
                "received " + target(fd) + " (fd " + fd + ")");
    }

    /** The kind jipc_file_stat() reported. */
    static Kind kindOf(long k) {
        if (k == FileNative.JIPC_FILE_REGULAR()) {
            return Kind.REGULAR_FILE;
        }
        if (k == FileNative.JIPC_FILE_DIRECTORY()) {
            return Kind.DIRECTORY;
        }
        if (k == FileNative.JIPC_FILE_CHARACTER_DEVICE()) {
            return Kind.CHARACTER_DEVICE;
        }
        if (k == FileNative.JIPC_FILE_BLOCK_DEVICE()) {
            return Kind.BLOCK_DEVICE;
        }
        if (k == FileNative.JIPC_FILE_FIFO()) {
            return Kind.FIFO;
        }
        if (k == FileNative.JIPC_FILE_SOCKET()) {
            return Kind.SOCKET;
        }
        return k == FileNative.JIPC_FILE_SYMBOLIC_LINK() ? Kind.SYMBOLIC_LINK : Kind.OTHER;
    }

    /** What /proc/self/fd says fd is, or "open file" if it cannot be read. */
    static String target(int fd) {
        try {
            return Files.readSymbolicLink(procPath(fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "open file";
        }
    }

    private static Path procPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    /** {@return what kind of file this is; it never changes} */
    public Kind kind() {
        return kind;
    }

    /** Whether epoll(7) refuses this file as always ready: a regular file or a directory. */
    boolean isAlwaysReady() {
        return kind == Kind.REGULAR_FILE || kind == Kind.DIRECTORY;
    }

    /**
     * {@return whether the open file description was opened for reading (READ,
     * or neither WRITE nor APPEND); it never changes; false, as is
     * {@link #isWritable()}, for an {@code O_PATH} descriptor, which can only be passed on}
     */
    public boolean isReadable() {
        return (access & FileNative.JIPC_FILE_READABLE()) != 0;
    }

    /** {@return whether the open file description was opened for writing (WRITE or APPEND); it never changes} */
    public boolean isWritable() {
        return (access & FileNative.JIPC_FILE_WRITABLE()) != 0;
    }

    /**
     * What the kernel calls the open file ({@code readlink} of
     * {@code /proc/self/fd/N}, see proc(5)): a path, which may have been
     * renamed since or end in {@code " (deleted)"}, or a kernel object's name
     * such as {@code anon_inode:[timerfd]} or {@code socket:[81234]}.
     *
     * @return the name
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if /proc is not mounted
     */
    public String target() throws IOException {
        if (!handle.acquire()) {
            throw closed();
        }
        try {
            String t = Files.readSymbolicLink(procPath(handle.fd())).toString();
            if (handle.isClosed()) {
                throw closedMeanwhile(null);
            }
            return t;
        } finally {
            handle.release();
        }
    }

    /**
     * What a call that used the descriptor number without waiting throws when
     * the handle closed meanwhile: a close that had to wake a blocked read or
     * write may have pointed the number at the guard's dead end, so what the
     * call saw (cause, if it failed) need not be this file's.
     */
    AsynchronousCloseException closedMeanwhile(Throwable cause) {
        AsynchronousCloseException e = new AsynchronousCloseException();
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /**
     * The file's size now (fstat(2)'s {@code st_size}): a regular file's
     * length in bytes; for other kinds what the kernel reports, often 0.
     *
     * @return the size
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if fstat(2) fails
     */
    public long size() throws IOException {
        long[] out = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        if (!handle.acquire()) {
            throw closed();
        }
        int r;
        try {
            r = FileNative.jipc_file_stat(handle.fd(), out);
            if (handle.isClosed()) {
                throw closedMeanwhile(null);
            }
        } finally {
            handle.release();
        }
        if (r < 0) {
            throw Errors.exception(r, ShmCall.FSTAT, description);
        }
        return out[FileNative.JIPC_FILE_STAT_SIZE()];
    }

    /**
     * Opens the same file again as a {@link FileChannel} of this JVM, through
     * {@code /proc/self/fd/N} (see proc(5)): it reaches the file even if it was
     * renamed or removed, or lies where this process cannot look it up. Access
     * is checked again, as an open of the file by this process: the channel may
     * be opened for writing where this handle's description was opened for
     * reading only, if this process may write the file. The channel has an open
     * file description and an offset of its own; closing either leaves the
     * other open.
     *
     * @param options as for {@link FileChannel#open(Path, OpenOption...)}, READ if none; not
     *                CREATE_NEW, DELETE_ON_CLOSE or NOFOLLOW_LINKS, which have no meaning for a file
     *                open already
     * @return the channel
     * @throws ClosedChannelException if this handle is closed
     * @throws java.nio.file.AccessDeniedException if this process may not open the file so
     * @throws IOException what FileChannel.open throws otherwise, naming this file
     * @throws UnsupportedOperationException if this is not a regular file (a directory, device,
     *         socket, pipe or kernel object is not opened again by path: pass it on instead), or for
     *         the options above
     */
    public FileChannel openChannel(OpenOption... options) throws IOException {
        Objects.requireNonNull(options, "options");
        OpenFlags.checkReopen(options);
        if (!handle.acquire()) {
            throw closed();
        }
        try {
            if (kind != Kind.REGULAR_FILE) {
                throw new UnsupportedOperationException(description + " is " + kind.phrase() + ": only a regular"
                        + " file opens again as a FileChannel (a device opened again may be another instance, a"
                        + " terminal may become this process's controlling one); pass this one on instead");
            }
            FileChannel c = FileChannel.open(procPath(handle.fd()), options);
            if (handle.isClosed()) {
                c.close();
                throw closedMeanwhile(null);
            }
            return c;
        } catch (FileSystemException e) {
            throw naming(e);
        } finally {
            handle.release();
        }
    }

    /** e, of the same type, naming this file where it named its /proc/self/fd path. */
    private FileSystemException naming(FileSystemException e) {
        String reason = e.getReason();
        FileSystemException named;
        if (e instanceof AccessDeniedException) {
            named = new AccessDeniedException(description, null, reason);
        } else if (e instanceof NoSuchFileException) {
            named = new NoSuchFileException(description, null, reason);
        } else if (e instanceof FileAlreadyExistsException) {
            named = new FileAlreadyExistsException(description, null, reason);
        } else {
            named = new FileSystemException(description, null, reason);
        }
        named.initCause(e);
        return named;
    }

    /**
     * Reads what the file gives, at most dst's remaining bytes (64 KiB for a
     * heap buffer), with one read(2) at the description's offset: it waits
     * until the file has something, and returns what it has then. A timerfd
     * gives its 8-byte expiry count, a regular file up to the end.
     *
     * @param dst where the bytes go, from its position
     * @return how many bytes were read, 0 if dst has no room, or -1 at the end of the file
     * @throws NonReadableChannelException if the description was not opened for reading ({@link #isReadable()})
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closed it during the read
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted during the read
     *         (the handle is closed)
     * @throws IpcException as read(2) fails: EISDIR for a directory, EINVAL for a file that
     *         reads only in other sizes (a timerfd or eventfd below 8 bytes), EIO
     * @throws IllegalArgumentException if dst is read-only
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        if (!isReadable()) {
            throw new NonReadableChannelException();
        }
        synchronized (reads) {
            int pos = dst.position(); // read once: another thread moving it (a misuse) must not widen the write
            int lim = dst.limit();
            long base = dst.isDirect() ? reads.addresses.addressOf(dst) : 0;
            ByteBuffer via = base != 0 ? dst : reads.scratch();
            int len = pos >= lim ? 0 : base != 0 ? lim - pos : Math.min(lim - pos, SCRATCH_SIZE);
            long n = transfer(via, base != 0 ? base + pos : reads.scratchAddress, len, false, moved -> {
                if (via != dst) {
                    dst.put(pos, via, 0, moved);
                }
                dst.position(pos + moved);
            });
            return n > 0 || len == 0 ? (int) n : -1;
        }
    }

    /**
     * Writes what the file takes of src's remaining bytes (64 KiB at most
     * from a heap buffer), with one write(2) at the description's offset (at
     * the end for one opened with APPEND): it waits until the file takes
     * something. A regular file takes everything; a device may take less.
     *
     * @param src the bytes, from its position, which moves past those written
     * @return how many bytes were written
     * @throws NonWritableChannelException if the description was not opened for writing ({@link #isWritable()})
     * @throws ClosedChannelException if this handle is closed
     * @throws AsynchronousCloseException if another thread closed it during the write
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted during the write
     *         (the handle is closed)
     * @throws IpcException as write(2) fails: ENOSPC, EFBIG, EPIPE (a socket whose other side left), EIO
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        if (!isWritable()) {
            throw new NonWritableChannelException();
        }
        synchronized (writes) {
            int pos = src.position();
            int lim = src.limit();
            long base = src.isDirect() ? writes.addresses.addressOf(src) : 0;
            ByteBuffer via = base != 0 ? src : writes.scratch();
            int len = pos >= lim ? 0 : base != 0 ? lim - pos : Math.min(lim - pos, SCRATCH_SIZE);
            if (via != src) {
                via.put(0, src, pos, len);
            }
            return (int) transfer(via, base != 0 ? base + pos : writes.scratchAddress, len, true,
                    moved -> src.position(pos + moved));
        }
    }

    /**
     * One read or write of len bytes at address, in memory that buffer keeps
     * reachable, under the guard and the interrupt hook: its count (0 for
     * len 0, without a system call). The bytes that moved are handed to
     * moved before a close or an interrupt meanwhile is thrown, so that the
     * buffer's position counts them then too, as in java.nio.
     */
    private long transfer(ByteBuffer buffer, long address, int len, boolean write, java.util.function.IntConsumer moved)
            throws IOException {
        if (len == 0) {
            if (!isOpen()) {
                throw closed();
            }
            return 0;
        }
        startCall(handle, true);
        long n = 0;
        try {
            n = write ? FileNative.jipc_file_write(handle.fd(), handle.guard(), address, len)
                    : FileNative.jipc_file_read(handle.fd(), handle.guard(), address, len);
        } finally {
            handle.release();
            Reference.reachabilityFence(buffer);
            try {
                if (n > 0) {
                    moved.accept((int) n);
                }
            } finally {
                endCall(true, n == -Errno.WOKEN);
            }
        }
        if (n < 0) {
            throw Errors.exception(n, write ? ShmCall.WRITE : ShmCall.READ, description);
        }
        return n;
    }

    @Override
    ClosedHandleException closed() {
        return new ClosedHandleException(description + " is closed");
    }

    /** What this handle is, for messages: the file and descriptor number. */
    String description() {
        return description;
    }

    /** Closes this process's descriptor, waking calls blocked on it; {@link #close()} is idempotent. */
    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return "OpenFile[" + description + ", " + kind + (isOpen() ? "" : ", closed") + "]";
    }
}
