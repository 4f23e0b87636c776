package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_shm.h}: POSIX shared memory objects and memfds. Names are NUL-terminated UTF-8. */
@Platform(value = "linux", include = "jipc_shm.h", link = "jipc", library = "jniJipc")
public final class ShmNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private ShmNative() {}

    @NoException public static native int jipc_shm_open(@Cast("const char*") byte[] name, int how, int readonly, int mode, int[] created);
    @NoException public static native int jipc_shm_unlink(@Cast("const char*") byte[] name);
    @NoException public static native int jipc_shm_is_regular(int fd);
    @NoException public static native int jipc_memfd_create(@Cast("const char*") byte[] name, int flags);
    @NoException public static native int jipc_shm_reserve(int fd, long size);
    @NoException public static native long jipc_shm_size(int fd);
    @NoException public static native int jipc_shm_stat(int fd, @Cast("long*") long[] out);
    @NoException public static native int jipc_shm_add_seals(int fd, int seals);
    @NoException public static native int jipc_shm_seals(int fd);

    @MemberGetter public static native int JIPC_SHM_OPEN();
    @MemberGetter public static native int JIPC_SHM_CREATE();
    @MemberGetter public static native int JIPC_SHM_EXCLUSIVE();

    @MemberGetter public static native int MFD_HUGETLB();
    @MemberGetter public static native int NAME_MAX();
    @MemberGetter public static native int F_SEAL_SEAL();
    @MemberGetter public static native int F_SEAL_SHRINK();
    @MemberGetter public static native int F_SEAL_GROW();
    @MemberGetter public static native int F_SEAL_WRITE();
    @MemberGetter public static native int F_SEAL_FUTURE_WRITE();

    @MemberGetter public static native int EBUSY();
}
