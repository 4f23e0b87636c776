package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_sysv_shm.h}: System V shared memory segments. Paths are NUL-terminated UTF-8. */
@Platform(value = "linux", include = "jipc_sysv_shm.h", link = "jipc", library = "jniJipc")
public final class SysvShmNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private SysvShmNative() {}

    @NoException public static native int jipc_sysv_shm_get(int key, long size, int flags, int mode);
    @NoException public static native int jipc_sysv_shm_ftok(@Cast("const char*") byte[] path, int proj, int[] key);
    @NoException public static native int jipc_sysv_shm_attach(int id, int readonly, @Cast("long*") long[] out);
    @NoException public static native int jipc_sysv_shm_stat(int id, @Cast("long*") long[] out);
    @NoException public static native int jipc_sysv_shm_set(int id, long uid, long gid, int mode);
    @NoException public static native int jipc_sysv_shm_remove(int id);

    @MemberGetter public static native int IPC_PRIVATE();
    @MemberGetter public static native int IPC_CREAT();
    @MemberGetter public static native int IPC_EXCL();
    @MemberGetter public static native int SHM_HUGETLB();

    @MemberGetter public static native int JIPC_SHM_STAT_SIZE();
    @MemberGetter public static native int JIPC_SHM_STAT_NATTCH();
    @MemberGetter public static native int JIPC_SHM_STAT_CPID();
    @MemberGetter public static native int JIPC_SHM_STAT_LPID();
    @MemberGetter public static native int JIPC_SHM_STAT_ATIME();
    @MemberGetter public static native int JIPC_SHM_STAT_DTIME();
    @MemberGetter public static native int JIPC_SHM_STAT_CTIME();
    @MemberGetter public static native int JIPC_SHM_STAT_UID();
    @MemberGetter public static native int JIPC_SHM_STAT_GID();
    @MemberGetter public static native int JIPC_SHM_STAT_CUID();
    @MemberGetter public static native int JIPC_SHM_STAT_CGID();
    @MemberGetter public static native int JIPC_SHM_STAT_MODE();
    @MemberGetter public static native int JIPC_SHM_STAT_KEY();
    @MemberGetter public static native int JIPC_SHM_STAT_REMOVED();
    @MemberGetter public static native int JIPC_SHM_STAT_FIELDS();

    @MemberGetter public static native int EINVAL();
    @MemberGetter public static native int ENOSPC();
    @MemberGetter public static native int ENOMEM();
    @MemberGetter public static native int EIDRM();
}
