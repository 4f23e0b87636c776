package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_sem.h}: POSIX semaphores, named and unnamed process-shared. */
@Platform(value = "linux", include = "jipc_sem.h", link = "jipc", library = "jniJipc")
public final class SemNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private SemNative() {}

    @NoException public static native void jipc_sem_layout(int[] out);
    @NoException public static native int jipc_sem_open(@Cast("const char*") byte[] name, int flags, int mode,
            @Cast("unsigned") int value, @Cast("intptr_t*") long[] out);
    @NoException public static native int jipc_sem_close(@Cast("sem_t*") long sem);
    @NoException public static native int jipc_sem_unlink(@Cast("const char*") byte[] name);
    @NoException public static native int jipc_sem_init(@Cast("sem_t*") long sem, @Cast("unsigned") int value);
    @NoException public static native int jipc_sem_destroy(@Cast("sem_t*") long sem);
    @NoException public static native int jipc_sem_wait(@Cast("jipc_guard*") long guard, @Cast("sem_t*") long sem, long timeoutNanos);
    @NoException public static native int jipc_sem_post(@Cast("sem_t*") long sem);
    @NoException public static native int jipc_sem_value(@Cast("sem_t*") long sem);

    @MemberGetter public static native int JIPC_SEM_CREATE();
    @MemberGetter public static native int JIPC_SEM_EXCLUSIVE();
    @MemberGetter public static native int EOVERFLOW();
}
