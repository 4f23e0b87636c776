package io.github.jipc;

import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.Modes;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.SysvShmNative;

/**
 * A System V shared memory segment (see sysvipc(7), shmget(2)): memory named
 * by a {@link SysVKey}, which processes attach ({@link #attach}) and use
 * through a {@link SharedRegion}.
 *
 * <p>This object holds no resource: it is the segment's id, which any process
 * may use, and it needs no closing. The segment lives until {@link #remove()}
 * (or reboot), even when no process has it attached; after {@code remove()},
 * processes that have it attached keep it until they detach (the Linux rule),
 * and the key names no segment any more.
 */
public final class SystemVSharedMemory {
    private final int id;
    private final SysVKey key;

    private SystemVSharedMemory(int id, SysVKey key) {
        this.id = id;
        this.key = key;
    }

    /**
     * The segment of key, created with size bytes (zero-filled) and exactly
     * these permissions if none exists ({@code shmget(key, size, IPC_CREAT | mode)}).
     * With {@link SysVKey#PRIVATE} it is always a new segment.
     *
     * @param key         the key
     * @param size        its size in bytes, at least 1 (an existing segment must be at least this big)
     * @param permissions the mode of a segment created (no umask applies)
     * @return the segment
     * @throws java.nio.file.AccessDeniedException if a segment of key exists and its mode denies this process (EACCES)
     * @throws IpcException EINVAL if size is above kernel.shmmax, or an existing segment is smaller;
     *         ENOSPC at kernel.shmmni segments or kernel.shmall pages; ENOMEM; the message names the limit
     * @throws IllegalArgumentException if size is below 1
     */
    public static SystemVSharedMemory create(SysVKey key, long size, Set<PosixFilePermission> permissions) throws IOException {
        return get(key, size, SysvShmNative.IPC_CREAT(), permissions);
    }

    /**
     * A new segment of key, size bytes, exactly these permissions
     * ({@code shmget(key, size, IPC_CREAT | IPC_EXCL | mode)}).
     *
     * @param key         the key
     * @param size        its size in bytes, at least 1
     * @param permissions its mode (no umask applies)
     * @return the segment
     * @throws java.nio.file.FileAlreadyExistsException if a segment of key exists (EEXIST)
     * @throws IpcException EINVAL above kernel.shmmax; ENOSPC at kernel.shmmni or kernel.shmall; ENOMEM
     * @throws IllegalArgumentException if size is below 1
     */
    public static SystemVSharedMemory createExclusive(SysVKey key, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        return get(key, size, SysvShmNative.IPC_CREAT() | SysvShmNative.IPC_EXCL(), permissions);
    }

    /**
     * A new segment of key on huge pages, size bytes, exactly these
     * permissions ({@code shmget(key, size, IPC_CREAT | IPC_EXCL | SHM_HUGETLB | mode)}):
     * fewer TLB misses for large shared buffers. The system must have huge
     * pages reserved ({@code vm.nr_hugepages}), and the process needs
     * {@code CAP_IPC_LOCK} or the group {@code vm.hugetlb_shm_group}.
     *
     * @param key         the key
     * @param size        its size in bytes, a positive multiple of {@link MemoryFile#hugePageSize()}
     * @param permissions its mode (no umask applies)
     * @return the segment
     * @throws java.nio.file.FileAlreadyExistsException if a segment of key exists (EEXIST)
     * @throws java.nio.file.AccessDeniedException EPERM without {@code CAP_IPC_LOCK} or the group
     *         {@code vm.hugetlb_shm_group}
     * @throws IpcException ENOMEM if not enough huge pages are free (the message names
     *         {@code vm.nr_hugepages}); ENOSPC at kernel.shmmni or kernel.shmall
     * @throws IllegalArgumentException if size is not a positive multiple of the huge page size
     * @throws UnsupportedOperationException if this kernel has no huge pages
     */
    public static SystemVSharedMemory createHugePages(SysVKey key, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        long huge = HugePages.requireSize("SystemVSharedMemory.create");
        if (size <= 0 || size % huge != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of the huge page size " + huge
                    + ", got " + size);
        }
        return get(key, size, SysvShmNative.IPC_CREAT() | SysvShmNative.IPC_EXCL() | SysvShmNative.SHM_HUGETLB(),
                permissions, ShmCall.SHMGET_HUGE_PAGES);
    }

    /**
     * The existing segment of key ({@code shmget(key, 0, 0)}). That asks
     * for no access, so its mode is checked by {@link #attach} (read-only or
     * read-write, as asked), not here.
     *
     * @param key the key, not {@link SysVKey#PRIVATE}
     * @return the segment
     * @throws java.nio.file.NoSuchFileException if no segment has that key (ENOENT)
     * @throws IllegalArgumentException if key is {@link SysVKey#PRIVATE}
     * @throws IOException if shmget(2) fails otherwise
     */
    public static SystemVSharedMemory open(SysVKey key) throws IOException {
        Objects.requireNonNull(key, "key");
        if (key.isPrivate()) {
            throw new IllegalArgumentException("IPC_PRIVATE names no existing segment: open it by id (ofId)");
        }
        return get(key, 0, 0, Set.of());
    }

    /**
     * The segment with this id, as another process reported it (shmget(2)'s
     * result, or ipcs(1)'s shmid). Nothing is checked until it is used.
     *
     * @param id the segment's id
     * @return the segment
     * @throws IllegalArgumentException if id is negative
     */
    public static SystemVSharedMemory ofId(int id) {
        NativeLibrary.ensureAvailable();
        if (id < 0) {
            throw new IllegalArgumentException("a segment id is >= 0, got " + id);
        }
        return new SystemVSharedMemory(id, null);
    }

    private static SystemVSharedMemory get(SysVKey key, long size, int flags, Set<PosixFilePermission> permissions)
            throws IOException {
        return get(key, size, flags, permissions, ShmCall.SHMGET);
    }

    private static SystemVSharedMemory get(SysVKey key, long size, int flags, Set<PosixFilePermission> permissions,
            ShmCall call) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(key, "key");
        int mode = Modes.toMode(permissions);
        if (flags != 0 && size < 1) {
            throw new IllegalArgumentException("a segment's size is at least 1 byte, got " + size);
        }
        int id = SysvShmNative.jipc_sysv_shm_get(key.value(), size, flags, mode);
        if (id < 0) {
            throw Errors.exception(id, call, "System V segment of key " + key, size, Access.sysv("shm", key.value(), true));
        }
        return new SystemVSharedMemory(id, key);
    }

    /** {@return the segment's id (shmid), which other processes can use with {@link #ofId}} */
    public int id() {
        return id;
    }

    /**
     * Attaches the segment to this process (shmat(2)) at an address the kernel
     * chooses, read-write unless {@link MapOption#READ_ONLY} ({@code SHM_RDONLY}).
     * Closing the region detaches it.
     *
     * @param options {@link MapOption#READ_ONLY} and {@link MapOption#LOCK} (mlock(2))
     * @return the attached segment, as one region
     * @throws java.nio.file.AccessDeniedException if the segment's mode denies the access (EACCES),
     *         or LOCK exceeds RLIMIT_MEMLOCK (EPERM)
     * @throws IpcException EINVAL if the segment was removed (no id any more); ENOMEM;
     *         for LOCK, ENOMEM or EAGAIN past RLIMIT_MEMLOCK, named in the message
     * @throws IllegalArgumentException for other options, or a segment of 2 GiB or more, which a
     *         region cannot hold: attach windows of it by {@link #attach(long, long, MapOption...)}
     */
    public SharedRegion attach(MapOption... options) throws IOException {
        return attachWindow(-1, -1, options);
    }

    /**
     * Attaches the segment as {@link #attach(MapOption...)} does and gives the
     * window of length bytes from offset as the region: how a segment of
     * 2 GiB or more is reached, a window at a time (each window attaches the
     * whole segment, in address space only; {@link MapOption#LOCK} locks the
     * window's pages). Closing the region detaches it.
     *
     * @param offset  where the window starts in the segment, any offset
     * @param length  its size, 1 to 2 GiB - 1 bytes, within the segment
     * @param options as for {@link #attach(MapOption...)}
     * @return the window, as a region
     * @throws java.nio.file.AccessDeniedException as for {@link #attach(MapOption...)}
     * @throws IpcException as for {@link #attach(MapOption...)}
     * @throws IllegalArgumentException if the window is not within the segment, or for other options
     */
    public SharedRegion attach(long offset, long length, MapOption... options) throws IOException {
        if (offset < 0 || length < 1 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a window starts at an offset >= 0 and holds 1 to " + Integer.MAX_VALUE
                    + " bytes; got offset " + offset + ", length " + length);
        }
        return attachWindow(offset, length, options);
    }

    /** Attaches the segment; offset -1 for all of it. */
    private SharedRegion attachWindow(long offset, long length, MapOption... options) throws IOException {
        Set<MapOption> opts = MapOptions.of(options, EnumSet.of(MapOption.READ_ONLY, MapOption.LOCK), "attach");
        boolean readOnly = opts.contains(MapOption.READ_ONLY);
        long[] out = new long[3];
        int r = SysvShmNative.jipc_sysv_shm_attach(id, readOnly ? 1 : 0, out);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SHMAT, toString(), 0L, Access.sysv("shm", id, false));
        }
        long base = out[0];
        long segmentSize = out[1];
        long mapLength = out[2];
        String refused = null;
        if (offset < 0 && segmentSize > Integer.MAX_VALUE) {
            refused = this + " has " + segmentSize + " bytes: a region holds at most " + Integer.MAX_VALUE
                    + " bytes; attach windows of it by attach(offset, length, options)";
        } else if (offset > segmentSize - length) {
            refused = "[" + offset + ", " + offset + " + " + length + ") is not within the " + segmentSize
                    + " bytes of " + this;
        }
        if (refused != null) {
            MapOptions.unmap(base, mapLength);
            throw new IllegalArgumentException(refused);
        }
        long at = Math.max(offset, 0);
        long size = offset < 0 ? segmentSize : length;
        long page = SharedRegion.pageSize(); // LOCK locks the window's pages, not the whole attach
        long first = (base + at) / page * page;
        long end = (base + at + size + page - 1) / page * page;
        MapOptions.lock(opts, first, end - first, base, mapLength, toString());
        String what = offset < 0 ? toString() + " attached" : toString() + " attached, [" + offset + ", +" + length + ")";
        return new SharedRegion(base, mapLength, at, (int) size, readOnly, false, true, what); // a segment never shrinks
    }

    /**
     * The segment's status (shmctl(2) {@code IPC_STAT}).
     *
     * @return its size, attach count, pids, times, owner and mode
     * @throws java.nio.file.AccessDeniedException if its mode denies reading it (EACCES)
     * @throws IpcException EINVAL if no segment has this id (it was removed and is gone)
     */
    public SystemVStatus status() throws IOException {
        long[] out = new long[SysvShmNative.JIPC_SHM_STAT_FIELDS()];
        int r = SysvShmNative.jipc_sysv_shm_stat(id, out);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SHMCTL_STAT, toString());
        }
        return SystemVStatus.of(out);
    }

    /**
     * Sets the segment's permissions (shmctl(2) {@code IPC_SET}); they apply to later attaches.
     *
     * @param permissions the new mode
     * @throws java.nio.file.AccessDeniedException unless this process owns or created the segment, or is privileged (EPERM)
     * @throws IpcException EINVAL if no segment has this id
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        set(-1, -1, Modes.toMode(permissions));
    }

    /**
     * Gives the segment to another owner (shmctl(2) {@code IPC_SET}); its creator stays recorded.
     *
     * @param uid the new owner's user id, or -1 to keep it
     * @param gid the new group id, or -1 to keep it
     * @throws java.nio.file.AccessDeniedException unless this process owns or created the segment, or is privileged (EPERM)
     * @throws IpcException EINVAL if no segment has this id
     * @throws IllegalArgumentException if uid or gid is below -1
     */
    public void setOwner(int uid, int gid) throws IOException {
        if (uid < -1 || gid < -1) {
            throw new IllegalArgumentException("uid and gid are >= 0, or -1 to keep them; got " + uid + ", " + gid);
        }
        set(uid, gid, -1);
    }

    private void set(long uid, long gid, int mode) throws IOException {
        int r = SysvShmNative.jipc_sysv_shm_set(id, uid, gid, mode);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SHMCTL_SET, toString());
        }
    }

    /**
     * Removes the segment (shmctl(2) {@code IPC_RMID}): its key names no segment
     * any more, and it is destroyed once the last process detached. Processes
     * attached until then keep using it.
     *
     * @throws java.nio.file.AccessDeniedException unless this process owns or created the segment, or is privileged (EPERM)
     * @throws IpcException EINVAL if no segment has this id (removed and gone already)
     */
    public void remove() throws IOException {
        int r = SysvShmNative.jipc_sysv_shm_remove(id);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.SHMCTL_RMID, toString());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SystemVSharedMemory s && s.id == id;
    }

    @Override
    public int hashCode() {
        return id;
    }

    /** {@return "System V segment &lt;id&gt;", with its key if known} */
    @Override
    public String toString() {
        return "System V segment " + id + (key == null ? "" : " (key " + key + ")");
    }
}
