package io.github.jipc;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.Modes;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.ShmNative;

/**
 * A POSIX shared memory object (see shm_overview(7), shm_open(3)): memory
 * named {@code /name}, visible as {@code /dev/shm/name}, that processes open
 * by name and {@link #map} into a {@link SharedRegion}.
 *
 * <p>This handle owns an open descriptor (close-on-exec; a child gets it only
 * through {@link Subprocess.Builder#inherit}). Closing it leaves the object
 * and the regions mapped from it alone; the object exists until
 * {@link #unlink()} and then until the last descriptor and mapping are gone.
 *
 * <p>Space is reserved when the object is created or grown
 * (posix_fallocate(3)): a full {@code /dev/shm} is an {@link IpcException}
 * (ENOSPC) then, never a SIGBUS when a page is first touched. The object is
 * never shrunk by jipc; a process that shrinks it (ftruncate(2)) while others
 * have it mapped makes their accesses past the new end fail: in C a SIGBUS,
 * in a {@link SharedRegion} an {@link InternalError}, with the gaps its
 * class comment names ("Memory that shrinks"). To rule that out, use a
 * memfd sealed {@link Seal#SHRINK} or a System V segment.
 */
public final class SharedMemory implements Inheritable, AutoCloseable {
    private final MemoryFd fd;
    private final String name;
    private final boolean readOnly;

    static SharedMemory adopt(int fd) {
        return new SharedMemory(fd, null, false);
    }

    private SharedMemory(int fd, String name, boolean readOnly) {
        this.fd = new MemoryFd(this, fd, name == null ? "inherited POSIX shared memory (fd " + fd + ")"
                : "POSIX shared memory " + name);
        this.name = name;
        this.readOnly = readOnly;
    }

    /**
     * Opens the object of this name, creating it with exactly these permissions
     * if it does not exist, and makes it at least size bytes (a bigger existing
     * object keeps its size; space is reserved).
     *
     * @param name        "/name" or "name": one component, no other '/', at most 255 bytes, not "." or ".."
     * @param size        at least this many bytes
     * @param permissions the mode of an object created (no umask applies)
     * @return the object, open read-write
     * @throws java.nio.file.AccessDeniedException if its mode denies this process (EACCES)
     * @throws IpcException ENOSPC if /dev/shm has no room for size bytes (the message says how to make room);
     *         EINVAL or ENAMETOOLONG for a bad name; EMFILE, ENFILE
     * @throws IllegalArgumentException if the name is not one component or is "." or "..", or size is negative
     */
    public static SharedMemory create(String name, long size, Set<PosixFilePermission> permissions) throws IOException {
        return open(name, ShmNative.JIPC_SHM_CREATE(), false, size, permissions);
    }

    /**
     * Creates a new object of this name, size bytes (reserved), exactly these permissions.
     *
     * @param name        "/name" or "name"
     * @param size        its size in bytes
     * @param permissions its mode (no umask applies)
     * @return the object, open read-write
     * @throws java.nio.file.FileAlreadyExistsException if an object of this name exists (EEXIST)
     * @throws IpcException ENOSPC if /dev/shm has no room; EINVAL or ENAMETOOLONG for a bad name
     * @throws IllegalArgumentException if the name is not one component or is "." or "..", or size is negative
     */
    public static SharedMemory createExclusive(String name, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        return open(name, ShmNative.JIPC_SHM_EXCLUSIVE(), false, size, permissions);
    }

    /**
     * Opens the existing object of this name, read-write.
     *
     * @param name "/name" or "name"
     * @return the object
     * @throws java.nio.file.NoSuchFileException if no object has this name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading and writing (EACCES)
     * @throws IpcException EINVAL or ENAMETOOLONG for a bad name; EMFILE, ENFILE
     * @throws IllegalArgumentException if the name is not one component
     */
    public static SharedMemory open(String name) throws IOException {
        return open(name, ShmNative.JIPC_SHM_OPEN(), false, 0, Set.of());
    }

    /**
     * Opens the existing object of this name for reading only: its regions
     * must be mapped {@link MapOption#READ_ONLY} or {@link MapOption#PRIVATE}.
     *
     * @param name "/name" or "name"
     * @return the object
     * @throws java.nio.file.NoSuchFileException if no object has this name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws IpcException EINVAL or ENAMETOOLONG for a bad name; EMFILE, ENFILE
     * @throws IllegalArgumentException if the name is not one component
     */
    public static SharedMemory openReadOnly(String name) throws IOException {
        return open(name, ShmNative.JIPC_SHM_OPEN(), true, 0, Set.of());
    }

    /**
     * Adopts a shared memory object this process inherited as descriptor fd
     * (see {@link Subprocess.Builder#inherit}). The descriptor is set
     * close-on-exec; closing the handle closes it. Its name is unknown.
     *
     * @param fd the inherited descriptor number
     * @return the object
     * @throws IpcException EBADF if fd is not open
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not a
     *         shared memory object
     */
    public static SharedMemory inherited(int fd) throws IOException {
        return new SharedMemory(MemoryFd.checkInherited(fd, false), null, false);
    }

    private static SharedMemory open(String name, int how, boolean readOnly, long size,
            Set<PosixFilePermission> permissions) throws IOException {
        NativeLibrary.ensureAvailable();
        String n = checkName(name);
        int mode = Modes.toMode(permissions);
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        byte[] c = CStrings.of("name", n);
        int[] created = new int[1];
        int fd = ShmNative.jipc_shm_open(c, how, readOnly ? 1 : 0, mode, created);
        if (fd < 0) {
            throw Errors.exception(fd, ShmCall.SHM_OPEN, n, 0L, Access.file(Path.of("/dev/shm" + n)));
        }
        SharedMemory shm = new SharedMemory(fd, n, readOnly);
        try {
            if (size > 0) {
                shm.fd.grow(size);
            }
        } catch (IOException | RuntimeException e) {
            shm.close();
            if (created[0] != 0) {
                ShmNative.jipc_shm_unlink(c);
            }
            throw e;
        }
        return shm;
    }

    /** "/name" for "name" or "/name"; a name of one component only. */
    static String checkName(String name) {
        return PosixNames.check(name, "POSIX shared memory", 0,
                "name the directory of the objects (/dev/shm) and its parent, never an object", "");
    }

    /**
     * Removes the name (shm_unlink(3)): no process can open it any more; the
     * memory goes once the last descriptor and mapping are gone.
     *
     * @param name "/name" or "name"
     * @throws java.nio.file.NoSuchFileException if no object has this name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not remove it (EACCES)
     * @throws IllegalArgumentException if the name is not one component
     */
    public static void unlink(String name) throws IOException {
        NativeLibrary.ensureAvailable();
        String n = checkName(name);
        int r = ShmNative.jipc_shm_unlink(CStrings.of("name", n));
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SHM_UNLINK, n, 0L, Access.file(Path.of("/dev/shm" + n)));
        }
    }

    /**
     * Removes this object's name, see {@link #unlink(String)}. Works after
     * {@link #close()} too.
     *
     * @throws java.nio.file.NoSuchFileException if the name was removed already (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not remove it (EACCES)
     * @throws IllegalStateException if the name is unknown (an inherited object)
     */
    public void unlink() throws IOException {
        if (name == null) {
            throw new IllegalStateException("the name of " + fd + " is unknown");
        }
        unlink(name);
    }

    /** {@return the name, "/name", or null for an inherited object} */
    public String name() {
        return name;
    }

    /**
     * The object's size (fstat(2)).
     *
     * @return its size in bytes
     * @throws ClosedChannelException if this handle is closed
     * @throws IOException if fstat(2) fails
     */
    public long size() throws IOException {
        return fd.size();
    }

    /**
     * Makes the object at least size bytes, reserving the space
     * (posix_fallocate(3)); never shrinks it.
     *
     * @param size the least size in bytes
     * @throws IpcException ENOSPC if /dev/shm has no room (the message says how to make room)
     * @throws ClosedChannelException if this handle is closed
     * @throws IllegalArgumentException if size is negative
     * @throws IllegalStateException if the handle was opened read-only
     * @throws IpcException EBADF if an inherited or received handle's descriptor is read-only
     */
    public void grow(long size) throws IOException {
        if (readOnly) {
            throw new IllegalStateException(this + " was opened read-only (openReadOnly): growing it takes a handle"
                    + " opened read-write");
        }
        fd.grow(size);
    }

    /**
     * Maps the whole object, shared and read-write unless options say otherwise.
     *
     * @param options {@link MapOption#READ_ONLY}, {@link MapOption#PRIVATE},
     *                {@link MapOption#POPULATE}, {@link MapOption#LOCK}
     * @return the region
     * @throws java.nio.file.AccessDeniedException EACCES for a read-write shared map of a handle opened read-only;
     *         EPERM for LOCK past RLIMIT_MEMLOCK
     * @throws IpcException ENOMEM (no address space); for LOCK, ENOMEM or EAGAIN past RLIMIT_MEMLOCK
     * @throws ClosedChannelException if this handle is closed
     * @throws IllegalArgumentException for other options, an empty object, or one of 2 GiB or more
     */
    public SharedRegion map(MapOption... options) throws IOException {
        return fd.map(0, size(), options);
    }

    /**
     * Maps length bytes from offset (any offset: page alignment is handled here).
     *
     * @param offset  where the region starts in the object
     * @param length  its size, 1 to 2 GiB - 1 bytes, within the object
     * @param options as for {@link #map(MapOption...)}
     * @return the region
     * @throws java.nio.file.AccessDeniedException as for {@link #map(MapOption...)}
     * @throws IpcException as for {@link #map(MapOption...)}
     * @throws ClosedChannelException if this handle is closed
     * @throws IllegalArgumentException if the window is not within the object, or for other options
     */
    public SharedRegion map(long offset, long length, MapOption... options) throws IOException {
        return fd.map(offset, length, options);
    }

    /** {@return true if opened with {@link #openReadOnly}} */
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public boolean isOpen() {
        return !fd.handle.isClosed();
    }

    /** Closes the descriptor; the object and the regions mapped from it stay. Idempotent. */
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
