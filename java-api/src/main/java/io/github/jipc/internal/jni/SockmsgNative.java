package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_sockmsg.h}: socket sends and receives, with addresses, descriptors and credentials. */
@Platform(value = "linux", include = "jipc_sockmsg.h", link = "jipc", library = "jniJipc")
public final class SockmsgNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private SockmsgNative() {}

    @NoException public static native long jipc_sockmsg_send(int fd, @Cast("jipc_guard*") long guard, @Cast("const void*") long buf, long len,
            @Cast("const void*") long addr, int addrlen, @Cast("const int*") long fds, int nfds, int flags, int mode);
    @NoException public static native long jipc_sockmsg_recv(int fd, @Cast("jipc_guard*") long guard, @Cast("void*") long buf, long len,
            @Cast("void*") long addr, @Cast("int*") long meta, int flags, int mode);

    @MemberGetter public static native int JIPC_MSG_NOWAIT();
    @MemberGetter public static native int JIPC_MSG_BLOCK();
    @MemberGetter public static native int JIPC_MSG_ALL();
    @MemberGetter public static native int JIPC_MSG_CREDENTIALS();
    @MemberGetter public static native int JIPC_MSG_WHOLE();
    @MemberGetter public static native int JIPC_MSG_CONTROL();
    @MemberGetter public static native int JIPC_MSG_PEEK();
    @MemberGetter public static native int JIPC_META_ADDRLEN();
    @MemberGetter public static native int JIPC_META_NFDS();
    @MemberGetter public static native int JIPC_META_FLAGS();
    @MemberGetter public static native int JIPC_META_PID();
    @MemberGetter public static native int JIPC_META_UID();
    @MemberGetter public static native int JIPC_META_GID();
    @MemberGetter public static native int JIPC_META_FDS();
    @MemberGetter public static native int JIPC_META_MAX_FDS();
    @MemberGetter public static native int JIPC_RECV_TRUNC();
    @MemberGetter public static native int JIPC_RECV_END();
    @MemberGetter public static native int JIPC_RECV_CTRUNC();
}
