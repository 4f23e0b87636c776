package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_futex.h}: futex wait and wake on a 32-bit word of shared memory. */
@Platform(value = "linux", include = "jipc_futex.h", link = "jipc", library = "jniJipc")
public final class FutexNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private FutexNative() {}

    @NoException public static native int jipc_futex_wait(@Cast("jipc_guard*") long guard, @Cast("uint32_t*") long word,
            int expected, long timeoutNanos);
    @NoException public static native int jipc_futex_wake(@Cast("uint32_t*") long word, int n);

    @MemberGetter public static native int ETIMEDOUT();
    @MemberGetter public static native int INT32_MAX();
}
