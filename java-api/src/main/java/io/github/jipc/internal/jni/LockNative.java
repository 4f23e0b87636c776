package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_lock.h}: fcntl record locks, open-file-description and process-associated. */
@Platform(value = "linux", include = "jipc_lock.h", link = "jipc", library = "jniJipc")
public final class LockNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private LockNative() {}

    @NoException public static native int jipc_lock_acquire(int fd, @Cast("jipc_guard*") long guard, int kind, int exclusive,
            long start, long len, long timeoutNanos);
    @NoException public static native int jipc_lock_release(int fd, int kind, long start, long len);
    @NoException public static native int jipc_lock_query(int fd, int kind, int exclusive, long start, long len,
            @Cast("long long*") long[] out);
    @NoException public static native int jipc_lock_reopen(int fd, int readOnly);

    @MemberGetter public static native int JIPC_LOCK_OFD();
    @MemberGetter public static native int JIPC_LOCK_PROCESS();
    @MemberGetter public static native int JIPC_LOCK_NONE();
    @MemberGetter public static native int JIPC_LOCK_SHARED();
    @MemberGetter public static native int JIPC_LOCK_EXCLUSIVE();
    @MemberGetter public static native int EDEADLK();
    @MemberGetter public static native int EBADF();
}
