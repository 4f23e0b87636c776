package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_sysv_sem.h}: System V semaphore sets. */
@Platform(value = "linux", include = "jipc_sysv_sem.h", link = "jipc", library = "jniJipc")
public final class SysvSemNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private SysvSemNative() {}

    @NoException public static native int jipc_sysv_sem_create(int key, int n, int mode, int exclusive,
            @Cast("const int*") int[] values, int[] created);
    @NoException public static native int jipc_sysv_sem_open(int key);
    @NoException public static native int jipc_sysv_sem_await_init(@Cast("jipc_guard*") long guard, int id, long timeoutNanos);
    @NoException public static native int jipc_sysv_sem_op(@Cast("jipc_guard*") long guard, int id,
            @Cast("const short*") short[] ops, int nops, long timeoutNanos);
    @NoException public static native int jipc_sysv_sem_get(int id, int num);
    @NoException public static native int jipc_sysv_sem_set(int id, int num, int value);
    @NoException public static native int jipc_sysv_sem_get_all(int id, int[] values, int n);
    @NoException public static native int jipc_sysv_sem_set_all(int id, @Cast("const int*") int[] values, int n);
    @NoException public static native int jipc_sysv_sem_waiters(int id, int num, int[] out);
    @NoException public static native int jipc_sysv_sem_stat(int id, @Cast("long long*") long[] out);
    @NoException public static native int jipc_sysv_sem_chmod(int id, int mode);
    @NoException public static native int jipc_sysv_sem_remove(int id);

    @MemberGetter public static native int JIPC_SEM_UNDO();
    @MemberGetter public static native int JIPC_SEM_NOWAIT();
    @MemberGetter public static native int EIDRM();
    @MemberGetter public static native int ENOSPC();
    @MemberGetter public static native int ERANGE();
    @MemberGetter public static native int E2BIG();
    @MemberGetter public static native int EFBIG();
}
