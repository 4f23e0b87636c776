package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_mutex.h}: robust process-shared mutexes and condition variables in shared memory. */
@Platform(value = "linux", include = "jipc_mutex.h", link = "jipc", library = "jniJipc")
public final class MutexNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private MutexNative() {}

    @NoException public static native void jipc_mutex_layout(int[] out);
    @NoException public static native int jipc_mutex_init(@Cast("pthread_mutex_t*") long m);
    @NoException public static native int jipc_mutex_lock(@Cast("jipc_guard*") long guard, @Cast("pthread_mutex_t*") long m, long timeoutNanos);
    @NoException public static native int jipc_mutex_unlock(@Cast("pthread_mutex_t*") long m);
    @NoException public static native int jipc_mutex_consistent(@Cast("pthread_mutex_t*") long m);
    @NoException public static native int jipc_mutex_destroy(@Cast("pthread_mutex_t*") long m);
    @NoException public static native int jipc_cond_init(@Cast("pthread_cond_t*") long c);
    @NoException public static native int jipc_cond_wait(@Cast("jipc_guard*") long guard, @Cast("pthread_cond_t*") long c,
            @Cast("pthread_mutex_t*") long m, long timeoutNanos);
    @NoException public static native int jipc_cond_signal(@Cast("pthread_cond_t*") long c);
    @NoException public static native int jipc_cond_broadcast(@Cast("pthread_cond_t*") long c);
    @NoException public static native int jipc_cond_destroy(@Cast("pthread_cond_t*") long c);

    @MemberGetter public static native int JIPC_MUTEX_OWNER_DIED();
    @MemberGetter public static native int ENOTRECOVERABLE();
    @MemberGetter public static native int EDEADLK();
    @MemberGetter public static native int ETIMEDOUT();
}
