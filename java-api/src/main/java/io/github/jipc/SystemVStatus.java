package io.github.jipc;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;

import io.github.jipc.internal.Modes;
import io.github.jipc.internal.jni.SysvShmNative;

/**
 * The status of a System V shared memory segment, as shmctl(2) {@code IPC_STAT}
 * reported it (see {@link SystemVSharedMemory#status()}).
 */
public final class SystemVStatus {
    private final long[] f;

    private SystemVStatus(long[] fields) {
        this.f = fields;
    }

    static SystemVStatus of(long[] fields) {
        return new SystemVStatus(fields.clone());
    }

    /** {@return the segment's size in bytes ({@code shm_segsz})} */
    public long size() {
        return f[SysvShmNative.JIPC_SHM_STAT_SIZE()];
    }

    /** {@return how many attaches exist, in all processes ({@code shm_nattch})} */
    public long attachCount() {
        return f[SysvShmNative.JIPC_SHM_STAT_NATTCH()];
    }

    /** {@return the pid of the creator ({@code shm_cpid})} */
    public long creatorPid() {
        return f[SysvShmNative.JIPC_SHM_STAT_CPID()];
    }

    /** {@return the pid of the last process that attached or detached it ({@code shm_lpid})} */
    public long lastPid() {
        return f[SysvShmNative.JIPC_SHM_STAT_LPID()];
    }

    /** {@return the time of the last attach ({@code shm_atime}), or null if never} */
    public Instant lastAttach() {
        return time(SysvShmNative.JIPC_SHM_STAT_ATIME());
    }

    /** {@return the time of the last detach ({@code shm_dtime}), or null if never} */
    public Instant lastDetach() {
        return time(SysvShmNative.JIPC_SHM_STAT_DTIME());
    }

    /** {@return the time of creation or of the last {@code IPC_SET} ({@code shm_ctime})} */
    public Instant lastChange() {
        return time(SysvShmNative.JIPC_SHM_STAT_CTIME());
    }

    /** {@return the owner's user id} */
    public int ownerUid() {
        return (int) f[SysvShmNative.JIPC_SHM_STAT_UID()];
    }

    /** {@return the owner's group id} */
    public int ownerGid() {
        return (int) f[SysvShmNative.JIPC_SHM_STAT_GID()];
    }

    /** {@return the creator's user id} */
    public int creatorUid() {
        return (int) f[SysvShmNative.JIPC_SHM_STAT_CUID()];
    }

    /** {@return the creator's group id} */
    public int creatorGid() {
        return (int) f[SysvShmNative.JIPC_SHM_STAT_CGID()];
    }

    /** {@return the segment's key ({@link SysVKey#PRIVATE} for a private one)} */
    public SysVKey key() {
        int k = (int) f[SysvShmNative.JIPC_SHM_STAT_KEY()];
        return k == SysVKey.PRIVATE.value() ? SysVKey.PRIVATE : SysVKey.of(k);
    }

    /** {@return the permission bits} */
    public Set<PosixFilePermission> permissions() {
        return Modes.fromMode(f[SysvShmNative.JIPC_SHM_STAT_MODE()]);
    }

    /** {@return true once {@link SystemVSharedMemory#remove()} was called: it goes with the last detach} */
    public boolean isRemoved() {
        return f[SysvShmNative.JIPC_SHM_STAT_REMOVED()] != 0;
    }

    private Instant time(int field) {
        long seconds = f[field];
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    @Override
    public String toString() {
        return "size=" + size() + " nattch=" + attachCount() + " cpid=" + creatorPid() + " lpid=" + lastPid()
                + " uid=" + ownerUid() + " gid=" + ownerGid() + " mode=" + java.nio.file.attribute.PosixFilePermissions
                        .toString(permissions()) + (isRemoved() ? " removed" : "");
    }
}
