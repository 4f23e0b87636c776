package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_guard.h}: waking threads blocked in a native call on a closing handle. */
@Platform(value = "linux", include = "jipc_guard.h", link = "jipc", library = "jniJipc")
public final class GuardNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private GuardNative() {}

    @NoException public static native int jipc_guard_setup(int sig);
    @NoException public static native int jipc_guard_signal();
    @NoException public static native int jipc_guard_dead_fd();
    /** The guard's address, 0 when out of memory. */
    @NoException public static native @Cast("intptr_t") long jipc_guard_create(int strategy);
    @NoException public static native void jipc_guard_free(@Cast("jipc_guard*") long guard);
    @NoException public static native int jipc_guard_wake(@Cast("jipc_guard*") long guard, int fd);
    @NoException public static native int jipc_guard_blocked(@Cast("jipc_guard*") long guard);

    @MemberGetter public static native int JIPC_GUARD_FD();
    @MemberGetter public static native int JIPC_GUARD_SIGNAL();
    @MemberGetter public static native int JIPC_GUARD_SLICES();
    @MemberGetter public static native int JIPC_WOKEN();
    @MemberGetter public static native int JIPC_NO_HANDLER();
    @MemberGetter public static native int SIGRTMIN();
    @MemberGetter public static native int SIGRTMAX();
}
