package io.github.jipc.internal.jni;

import java.nio.ByteBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_common.h}: errno names and values, descriptor flags and kinds, layouts shared by families. */
@Platform(value = "linux", include = "jipc_common.h", link = "jipc", library = "jniJipc")
public final class CommonNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private CommonNative() {}

    @NoException public static native @Cast("const char*") BytePointer jipc_errno_name(int err);
    @NoException public static native @Cast("const char*") BytePointer jipc_errno_description(int err);
    @NoException public static native @Cast("const char*") BytePointer jipc_signal_name(int sig);
    @NoException public static native int jipc_close(int fd);
    @NoException public static native int jipc_set_cloexec(int fd, int on);
    @NoException public static native long jipc_open_file_limit();
    @NoException public static native int jipc_fd_kind(int fd);
    @NoException public static native int jipc_open(@Cast("const char*") byte[] path, int flags, int mode);
    @NoException public static native int jipc_reopen_end(int fd, int nonblocking);
    @NoException public static native int jipc_set_nonblocking(int fd, int on);
    @NoException public static native @Cast("intptr_t") long jipc_address_of(@Cast("void*") ByteBuffer buffer);
    @NoException public static native void jipc_iovec_layout(int[] out);

    @MemberGetter public static native int JIPC_FD_PIPE_READ();
    @MemberGetter public static native int JIPC_FD_PIPE_WRITE();

    @MemberGetter public static native int EAGAIN();
    @MemberGetter public static native int EPIPE();
    @MemberGetter public static native int ENOENT();
    @MemberGetter public static native int EEXIST();
    @MemberGetter public static native int EACCES();
    @MemberGetter public static native int EPERM();
    @MemberGetter public static native int ENXIO();
    @MemberGetter public static native int EINVAL();
    @MemberGetter public static native int EBUSY();
    @MemberGetter public static native int EMFILE();
    @MemberGetter public static native int ENFILE();
    @MemberGetter public static native int ENOMEM();
    @MemberGetter public static native int ESRCH();
}
