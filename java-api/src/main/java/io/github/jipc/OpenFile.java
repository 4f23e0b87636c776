package io.github.jipc;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
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
 * <p>Closing the handle closes this process's descriptor; the file, and the
 * descriptions other processes hold, stay.
 */
public final class OpenFile implements Inheritable, AutoCloseable {
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

    final FdHandle handle;
    private final Kind kind;
    /** JIPC_FILE_READABLE | JIPC_FILE_WRITABLE: the description's access mode, which never changes. */
    private final int access;
    private final String description;

    /** @param stat what jipc_file_stat() reported of fd, or null if it failed */
    private OpenFile(int fd, long[] stat, String description) {
        this.handle = FdHandle.adopt(this, fd);
        this.kind = stat == null ? Kind.OTHER : kindOf(stat[FileNative.JIPC_FILE_STAT_KIND()]);
        this.access = stat == null ? 0 : (int) stat[FileNative.JIPC_FILE_STAT_ACCESS()];
        this.description = description;
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
        byte[] name = CStrings.of(file);
        if (Fifo.exists(file)) {
            throw fifoRefused(file); // before any open: opening a FIFO disturbs the process at its other end
        }
        long[] out = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        int fd = FileNative.jipc_file_open(name, flags, CREATE_MODE, out);
        if (fd == -Errno.ENXIO && Fifo.exists(file)) {
            throw fifoRefused(file); // a write open of a FIFO without a reader
        }
        if (fd == -Errno.ENOENT && OpenFlags.createIgnored(opts, flags)) {
            throw Errors.exception(fd, ShmCall.OPEN, file.toString(), "CREATE and CREATE_NEW count only with WRITE or"
                    + " APPEND, as for FileChannel.open: a file opened for reading only is never made");
        }
        if (fd < 0) {
            throw Errors.exception(fd, ShmCall.OPEN, file.toString(), 0L, Access.file(file));
        }
        if (kindOf(out[FileNative.JIPC_FILE_STAT_KIND()]) == Kind.FIFO) {
            CommonNative.jipc_close(fd); // one put there since the check above
            throw fifoRefused(file);
        }
        return new OpenFile(fd, out, file + " (fd " + fd + ")");
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

    /** A descriptor received from another process, of a kind no other jipc handle takes. */
    static OpenFile adopt(int fd) {
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
    private static String target(int fd) {
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
            return Files.readSymbolicLink(procPath(handle.fd())).toString();
        } finally {
            handle.release();
        }
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
            return FileChannel.open(procPath(handle.fd()), options);
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

    ClosedHandleException closed() {
        return new ClosedHandleException(description + " is closed");
    }

    /** What this handle is, for messages: the file and descriptor number. */
    String description() {
        return description;
    }

    @Override
    public boolean isOpen() {
        return !handle.isClosed();
    }

    /** Closes this process's descriptor; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "OpenFile[" + description + ", " + kind + (isOpen() ? "" : ", closed") + "]";
    }
}
