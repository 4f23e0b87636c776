package io.github.jipc;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.ShmNative;

/**
 * Anonymous shared memory with a descriptor (memfd_create(2)): it has no
 * name anyone can open, and reaches another process only when handed over,
 * for instance to a child through {@link Subprocess.Builder#inherit}, which
 * finds it again with {@link #inherited(int)}. It is the JVM's way to share
 * memory with a related process (a JVM cannot fork with a
 * {@code MAP_SHARED | MAP_ANONYMOUS} mapping).
 *
 * <p>{@link Seal}s make promises the receiver can rely on: after
 * {@code seal(Seal.SHRINK, Seal.GROW, Seal.WRITE)} the memory can neither
 * change nor vanish under a mapping. The memory lives until the last
 * descriptor and mapping of it, in any process, are gone; closing this handle
 * leaves the regions mapped from it alone.
 */
public final class MemoryFile implements Inheritable, AutoCloseable {
    /**
     * The longest label, in bytes of UTF-8: memfd_create(2) puts "memfd:" in front and the whole must be
     * one file name (the kernel's MFD_NAME_MAX_LEN); a longer one is EINVAL.
     */
    private static final int LABEL_MAX = ShmNative.NAME_MAX() - "memfd:".length();

    private final MemoryFd fd;

    private MemoryFile(int fd, String description) {
        this.fd = new MemoryFd(this, fd, description);
    }

    /**
     * Creates a memory file of size bytes, zero-filled, space reserved
     * (close-on-exec, sealing allowed).
     *
     * @param label shown as {@code /memfd:label} in {@code /proc/<pid>/fd}; at most 249 bytes of UTF-8
     * @param size  its size in bytes, 0 or more
     * @return the memory file
     * @throws IpcException ENOMEM or ENOSPC if the memory cannot be reserved; EMFILE, ENFILE
     * @throws IllegalArgumentException if size is negative, the label is over 249 bytes in UTF-8, or it
     *         contains '/' or a NUL
     */
    public static MemoryFile create(String label, long size) throws IOException {
        NativeLibrary.ensureAvailable();
        byte[] cLabel = checkLabel(label);
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        int r = ShmNative.jipc_memfd_create(cLabel, 0);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.MEMFD_CREATE, "memory file " + label);
        }
        MemoryFile f = new MemoryFile(r, "memory file " + label + " (fd " + r + ")");
        try {
            f.fd.grow(size);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** The label as NUL-terminated UTF-8, checked as memfd_create(2) would (its bytes, not its chars). */
    private static byte[] checkLabel(String label) {
        Objects.requireNonNull(label, "label");
        if (label.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a memory file's label has no '/': " + label);
        }
        byte[] c = CStrings.of("label", label);
        int bytes = c.length - 1;
        if (bytes > LABEL_MAX) {
            throw new IllegalArgumentException("a memory file's label is at most " + LABEL_MAX + " bytes in UTF-8"
                    + " (memfd_create(2) shows it as /memfd:label, one file name of at most NAME_MAX bytes), got "
                    + bytes + " bytes" + (bytes != label.length() ? " (" + label.length() + " chars)" : ""));
        }
        return c;
    }

    static MemoryFile adopt(int fd, String description) {
        return new MemoryFile(fd, description);
    }

    /**
     * Creates a memory file of size bytes backed by huge pages
     * ({@code MFD_HUGETLB}), zero-filled, its pages reserved now: fewer TLB
     * misses for large shared buffers. The system must have huge pages
     * reserved ({@code vm.nr_hugepages}); sealing is allowed.
     *
     * @param label shown as {@code /memfd:label} in {@code /proc/<pid>/fd}; at most 249 bytes of UTF-8
     * @param size  its size in bytes, a positive multiple of {@link #hugePageSize()}
     * @return the memory file
     * @throws IpcException ENOSPC or ENOMEM if not enough huge pages are free (the message names
     *         {@code vm.nr_hugepages}); EINVAL if the kernel has no huge pages; EMFILE, ENFILE
     * @throws IllegalArgumentException if size is not a positive multiple of the huge page size,
     *         or the label is over 249 bytes in UTF-8 or contains '/' or a NUL
     * @throws UnsupportedOperationException if this kernel has no huge pages
     */
    public static MemoryFile createHugePages(String label, long size) throws IOException {
        NativeLibrary.ensureAvailable();
        byte[] cLabel = checkLabel(label);
        long huge = HugePages.requireSize("MemoryFile.create");
        if (size <= 0 || size % huge != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of the huge page size " + huge
                    + ", got " + size);
        }
        int r = ShmNative.jipc_memfd_create(cLabel, ShmNative.MFD_HUGETLB());
        if (r < 0) {
            throw Errors.exception(r, ShmCall.MEMFD_CREATE, "huge-page memory file " + label);
        }
        MemoryFile f = new MemoryFile(r, "huge-page memory file " + label + " (fd " + r + ")");
        try {
            f.fd.growHuge(size);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /**
     * {@return the default huge page size in bytes ({@code Hugepagesize} in
     * {@code /proc/meminfo}), or 0 where the kernel has none}
     */
    public static long hugePageSize() {
        return HugePages.size();
    }

    /**
     * Adopts a memory file this process inherited as descriptor fd. The
     * descriptor is set close-on-exec; closing the handle closes it.
     *
     * @param fd the inherited descriptor number
     * @return the memory file, with the seals its creator added
     * @throws IpcException EBADF if fd is not open
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not a
     *         memory file (a memfd; one made without {@code MFD_ALLOW_SEALING} is taken, and has
     *         {@link Seal#SEAL} in force)
     */
    public static MemoryFile inherited(int fd) throws IOException {
        return new MemoryFile(MemoryFd.checkInherited(fd, true), "inherited memory file (fd " + fd + ")");
    }

    /**
     * Adds seals (fcntl(2) {@code F_ADD_SEALS}); those already in force stay.
     *
     * @param seals the seals to add
     * @throws java.nio.file.AccessDeniedException if {@link Seal#SEAL} is in force (EPERM)
     * @throws IpcException EBUSY for {@link Seal#WRITE} while a shared mapping exists that could be
     *         written: a read-write one, or a read-only one of this read-write memory file (close
     *         those regions first; map read-only after sealing)
     * @throws ClosedChannelException if this handle is closed
     */
    public void seal(Seal... seals) throws IOException {
        int bits = 0;
        for (Seal s : Objects.requireNonNull(seals, "seals")) {
            bits |= Objects.requireNonNull(s, "seal").bit();
        }
        fd.call(MemoryFd.Op.ADD_SEALS, bits);
    }

    /**
     * The seals in force (fcntl(2) {@code F_GET_SEALS}).
     *
     * @return the seals
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if fcntl(2) fails
     */
    public Set<Seal> seals() throws IOException {
        int bits = (int) fd.call(MemoryFd.Op.SEALS, 0);
        Set<Seal> set = EnumSet.noneOf(Seal.class);
        for (Seal s : Seal.values()) {
            if ((bits & s.bit()) != 0) {
                set.add(s);
            }
        }
        return set;
    }

    /**
     * The size (fstat(2)).
     *
     * @return the size in bytes
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if fstat(2) fails
     */
    public long size() throws IOException {
        return fd.size();
    }

    /**
     * Makes the memory file at least size bytes, reserving the space
     * (posix_fallocate(3)); never shrinks it.
     *
     * @param size the least size in bytes
     * @throws java.nio.file.AccessDeniedException if {@link Seal#GROW} is in force (EPERM)
     * @throws IpcException ENOSPC or ENOMEM if the memory cannot be reserved
     * @throws ClosedChannelException if this handle is closed
     * @throws IllegalArgumentException if size is negative
     */
    public void grow(long size) throws IOException {
        fd.grow(size);
    }

    /**
     * Maps the whole memory file, shared and read-write unless options say otherwise.
     *
     * @param options {@link MapOption#READ_ONLY}, {@link MapOption#PRIVATE},
     *                {@link MapOption#POPULATE}, {@link MapOption#LOCK}
     * @return the region
     * @throws java.nio.file.AccessDeniedException EPERM for a read-write shared map once {@link Seal#WRITE}
     *         or {@link Seal#FUTURE_WRITE} is in force (map it READ_ONLY), or LOCK past RLIMIT_MEMLOCK
     * @throws IpcException ENOMEM; for LOCK, ENOMEM or EAGAIN past RLIMIT_MEMLOCK
     * @throws ClosedChannelException if this handle is closed
     * @throws IllegalArgumentException for other options, an empty file, or one of 2 GiB or more
     */
    public SharedRegion map(MapOption... options) throws IOException {
        return fd.map(0, size(), options);
    }

    /**
     * Maps length bytes from offset (any offset: page alignment is handled here).
     *
     * @param offset  where the region starts
     * @param length  its size, 1 to 2 GiB - 1 bytes, within the memory file
     * @param options as for {@link #map(MapOption...)}
     * @return the region
     * @throws java.nio.file.AccessDeniedException as for {@link #map(MapOption...)}
     * @throws IpcException as for {@link #map(MapOption...)}
     * @throws ClosedChannelException if this handle is closed
     * @throws IllegalArgumentException if the window is not within the memory file, or for other options
     */
    public SharedRegion map(long offset, long length, MapOption... options) throws IOException {
        return fd.map(offset, length, options);
    }

    @Override
    public boolean isOpen() {
        return !fd.handle.isClosed();
    }

    /** Closes the descriptor; regions mapped from it stay. Idempotent. */
    @Override
    public void close() {
        fd.handle.close();
    }

    /** The handle a child inherits (for {@link Handles}). */
    FdHandle handle() {
        return fd.handle;
    }

    @Override
    public String toString() {
        return fd.description + (isOpen() ? "" : " (closed)");
    }
}
