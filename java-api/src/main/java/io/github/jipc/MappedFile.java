package io.github.jipc;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
import io.github.jipc.internal.jni.MmapNative;

/**
 * Maps windows of files into {@link SharedRegion}s (mmap(2)): with the
 * default shared mapping, what one process writes is what every other
 * process mapping or reading the file sees, and it stays in the file after
 * every process has gone ({@link SharedRegion#force()} makes it durable now).
 *
 * <p>Any window of a file of any size can be mapped, at any offset; a region
 * holds at most 2 GiB - 1 bytes, so a bigger file is mapped in several
 * windows. A read-write shared window that reaches past the end of the file
 * extends the file, and the window's space is reserved (posix_fallocate(3)),
 * so a full disk is an error here, not a SIGBUS later. A read-only or private
 * window must lie within the file. When a process truncates the file under
 * a mapping, the region's accesses past the new end end in an
 * {@link InternalError} (see {@link SharedRegion}, "Memory that shrinks", for
 * the narrow gap left for atomics on Java 17).
 */
public final class MappedFile {
    private static final Set<MapOption> OPTIONS =
            EnumSet.of(MapOption.READ_ONLY, MapOption.PRIVATE, MapOption.POPULATE, MapOption.LOCK, MapOption.CREATE);
    private static final Set<MapOption> OPEN_FILE_OPTIONS =
            EnumSet.of(MapOption.READ_ONLY, MapOption.PRIVATE, MapOption.POPULATE, MapOption.LOCK);

    private MappedFile() {}

    /**
     * Maps length bytes of file from offset: shared and read-write unless
     * options say otherwise. The file is opened and closed again here; the
     * region keeps the mapping. That close releases every classic record lock
     * ({@link LockOption#PROCESS_ASSOCIATED}) this process holds on the file,
     * as any close of it does (fcntl(2)); OFD locks, jipc's default, stay. With {@link MapOption#CREATE}, a file this
     * call made is removed again if the map then fails; a file that existed
     * is never removed.
     *
     * @param file    the file
     * @param offset  where the window starts, any offset (page alignment is handled here)
     * @param length  its size, 1 to 2 GiB - 1 bytes
     * @param options {@link MapOption#READ_ONLY}, {@link MapOption#PRIVATE} (copy-on-write),
     *                {@link MapOption#POPULATE}, {@link MapOption#LOCK}, {@link MapOption#CREATE}
     * @return the region
     * @throws java.nio.file.NoSuchFileException if file does not exist and CREATE is not given (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the file's mode denies the access (EACCES), or
     *         LOCK exceeds RLIMIT_MEMLOCK (EPERM)
     * @throws IpcException ENOSPC if the window's space cannot be reserved; EFBIG if it would end past the
     *         largest file the file system allows; ENODEV or ESPIPE if the file holds no data (a file of
     *         /proc, /sys or another file system of kernel state, where nothing is written) or its file
     *         system cannot map files; ENOMEM; for LOCK, ENOMEM or EAGAIN past
     *         RLIMIT_MEMLOCK, named in the message
     * @throws IllegalArgumentException if offset is negative, length is outside 1 .. 2 GiB - 1, offset +
     *         length overflows (lies past any file), a read-only or private window is not within the file,
     *         the file is not a regular file (a directory, device, FIFO or socket), or the options conflict
     */
    public static SharedRegion map(Path file, long offset, long length, MapOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(file, "file");
        Set<MapOption> opts = MapOptions.of(options, OPTIONS, "a file");
        boolean readOnly = opts.contains(MapOption.READ_ONLY);
        boolean extend = !readOnly && !opts.contains(MapOption.PRIVATE);
        if (!extend && opts.contains(MapOption.CREATE)) {
            throw new IllegalArgumentException("CREATE makes an empty file, which a " + (readOnly ? "READ_ONLY" : "PRIVATE")
                    + " window cannot be within (only a shared read-write window extends the file): create the file"
                    + " with its size first");
        }
        checkWindow(offset, length);
        refuseIfNotRegular(file);
        byte[] name = CStrings.of(file);
        // O_NONBLOCK: should a FIFO take the file's place after the check, opening it does not wait for a writer.
        int access = (readOnly ? MmapNative.O_RDONLY() : MmapNative.O_RDWR()) | MmapNative.O_NONBLOCK();
        boolean created = false;
        int fd;
        if (opts.contains(MapOption.CREATE)) {
            // Exclusive first, so that a failure below removes only a file this call made.
            fd = CommonNative.jipc_open(name, access | MmapNative.O_CREAT() | MmapNative.O_EXCL(), 0666);
            created = fd >= 0;
            if (fd == -Errno.EEXIST) {
                fd = CommonNative.jipc_open(name, access, 0666);
            }
        } else {
            fd = CommonNative.jipc_open(name, access, 0666);
        }
        if (fd < 0) {
            throw Errors.exception(fd, ShmCall.OPEN, file.toString(), 0L, Access.file(file));
        }
        FdHandle handle = FdHandle.adopt(file, fd);
        boolean mapped = false;
        try {
            SharedRegion region = mapOpen(handle, file.toString(), offset, length, opts, extend);
            mapped = true;
            return region;
        } finally {
            handle.close();
            if (created && !mapped) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Maps length bytes from offset of a file open already, such as one a C
     * peer passed over a Unix socket: {@link #map(Path, long, long, MapOption...)}
     * for a file known by its descriptor. The mapping may write only where the
     * open file description may: a file opened read-only maps
     * {@link MapOption#READ_ONLY} or {@link MapOption#PRIVATE}. As with a
     * path, a read-write shared window that reaches past the end of the file
     * extends it, here a file another process may own: map such a file
     * READ_ONLY, or within its {@link OpenFile#size()}, unless growing it is
     * meant. The region does not keep file open, and closing file leaves the
     * region mapped.
     *
     * @param file    the open file, a regular one
     * @param offset  where the window starts, any offset
     * @param length  its size, 1 to 2 GiB - 1 bytes
     * @param options {@link MapOption#READ_ONLY}, {@link MapOption#PRIVATE}, {@link MapOption#POPULATE},
     *                {@link MapOption#LOCK}
     * @return the region
     * @throws java.nio.channels.ClosedChannelException if file is closed
     * @throws java.nio.file.AccessDeniedException if the description does not allow the mapping (a
     *         read-write shared window of a file opened read-only, or any window of one opened write-only
     *         or with O_PATH)
     * @throws IpcException as {@link #map(Path, long, long, MapOption...)}
     * @throws IllegalArgumentException if file is not a regular file, or as {@link #map(Path, long, long,
     *         MapOption...)} for the window and options (CREATE is not one)
     */
    public static SharedRegion map(OpenFile file, long offset, long length, MapOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(file, "file");
        Set<MapOption> opts = MapOptions.of(options, OPEN_FILE_OPTIONS, "an open file");
        checkWindow(offset, length);
        boolean extend = !opts.contains(MapOption.READ_ONLY) && !opts.contains(MapOption.PRIVATE);
        if (!file.handle.acquire()) {
            throw file.closed();
        }
        try {
            if (file.kind() != OpenFile.Kind.REGULAR_FILE) {
                throw notRegular(file.description(), file.kind().phrase() + ", not a regular file");
            }
            if (!file.isReadable() || (extend && !file.isWritable())) {
                throw new AccessDeniedException(file.description(), null, "its open file description was opened "
                        + (file.isWritable() ? "for writing only, and every mapping reads"
                                : !file.isReadable() ? "with O_PATH, for neither reading nor writing: it can be passed"
                                        + " on, not mapped"
                                : "for reading only: map it READ_ONLY, or PRIVATE for a copy this process may change"));
            }
            try {
                return mapOpen(file.handle, file.description(), offset, length, opts, extend);
            } catch (IOException | RuntimeException e) {
                if (file.handle.isClosed()) {
                    throw file.closedMeanwhile(e);
                }
                throw e;
            }
        } finally {
            file.handle.release();
        }
    }

    private static void checkWindow(long offset, long length) {
        if (offset < 0 || length < 1 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window [" + offset + ", +" + length + ") is not 1 to "
                    + Integer.MAX_VALUE + " bytes at an offset >= 0");
        }
        if (offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("window [" + offset + ", +" + length + ") ends past any file: offset"
                    + " + length overflows the largest file offset (" + Long.MAX_VALUE + ")");
        }
    }

    private static SharedRegion mapOpen(FdHandle handle, String file, long offset, long length, Set<MapOption> opts,
            boolean extend) throws IOException {
        int fd = handle.fd();
        long[] st = new long[FileNative.JIPC_FILE_STAT_LENGTH()];
        int r = FileNative.jipc_file_stat(fd, st);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.FSTAT, file);
        }
        OpenFile.Kind kind = OpenFile.kindOf(st[FileNative.JIPC_FILE_STAT_KIND()]);
        if (kind != OpenFile.Kind.REGULAR_FILE) {
            throw notRegular(file, kind.phrase() + ", not a regular file");
        }
        long size = st[FileNative.JIPC_FILE_STAT_SIZE()];
        if (!extend && offset + length > size) {
            throw new IllegalArgumentException("window [" + offset + ", +" + length + ") is not within the "
                    + size + " bytes of " + file + (size > 0 ? "" : " (an empty file; a file of /proc, /sys or"
                    + " another file system of kernel state is empty too: it holds no data to map)"));
        }
        if (extend) {
            r = MmapNative.jipc_file_reserve(fd, offset, length);
            if (r < 0) {
                throw Errors.exception(r, ShmCall.FALLOCATE, file, length);
            }
        }
        return MapOptions.map(handle, offset, length, opts, true, false, "file " + file);
    }

    /** Refuses a directory, device, FIFO or socket before opening it (opening some has effects: a FIFO waits). */
    private static void refuseIfNotRegular(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return; // no such file (CREATE may make it) or not searchable: open(2) says which
        }
        if (a.isDirectory()) {
            throw notRegular(file, "a directory, not a regular file");
        }
        if (!a.isRegularFile()) {
            throw notRegular(file, "not a regular file (a device, FIFO or socket)");
        }
    }

    private static IllegalArgumentException notRegular(Object file, String what) {
        return new IllegalArgumentException(file + " is " + what + ": only regular files can be mapped (a file"
                + " on disk or on a tmpfs); for memory without a file use SharedMemory or MemoryFile");
    }
}
