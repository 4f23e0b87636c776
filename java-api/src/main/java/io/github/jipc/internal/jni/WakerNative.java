package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/** Binding of {@code jipc_waker.h}: waking threads blocked in a system call on a closing handle. */
@Platform(value = "linux", include = "jipc_waker.h", link = "jipc", library = "jniJipc")
public final class WakerNative {
    static {
        Loader.load();
    }

    private WakerNative() {}

    /** The waker's address, 0 when out of memory. */
    @NoException public static native @Cast("intptr_t") long jipc_waker_create();
    @NoException public static native void jipc_waker_free(@Cast("jipc_waker*") long waker);
    @NoException public static native int jipc_waker_wake(@Cast("jipc_waker*") long waker, int fd);
}
