package io.github.jipc.internal.jni;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

import io.github.jipc.internal.LibraryFile;

/** Binding of {@code jipc_socket.h}: socket creation, names, connection set-up, options, peer credentials. */
@Platform(value = "linux", include = "jipc_socket.h", link = "jipc", library = "jniJipc")
public final class SocketNative {
    static {
        LibraryFile.load(); // jipc's loading first: JavaCPP then loads no copy of its own
        Loader.load();
    }

    private SocketNative() {}

    @NoException public static native int jipc_socket_open(int domain, int type, int protocol);
    @NoException public static native int jipc_socket_pair(int type, int[] fds);
    @NoException public static native int jipc_socket_bind(int fd, @Cast("const void*") long addr, int len);
    @NoException public static native int jipc_socket_listen(int fd, int backlog);
    @NoException public static native int jipc_socket_accept(int fd, @Cast("jipc_guard*") long guard, @Cast("void*") long addr, int[] len, int timeoutMs);
    @NoException public static native int jipc_socket_connect(int fd, @Cast("jipc_guard*") long guard, @Cast("const void*") long addr, int len, int timeoutMs);
    @NoException public static native int jipc_socket_shutdown(int fd, int how);
    @NoException public static native int jipc_socket_name(int fd, int peer, @Cast("void*") long addr, int[] len);
    @NoException public static native int jipc_socket_setopt(int fd, int opt, long value);
    @NoException public static native long jipc_socket_getopt(int fd, int opt);
    @NoException public static native int jipc_socket_peercred(int fd, int[] out);
    @NoException public static native int jipc_socket_info(int fd, int[] out);
    @NoException public static native void jipc_sockaddr_layout(int[] out);

    @MemberGetter public static native int AF_UNIX();
    @MemberGetter public static native int AF_INET();
    @MemberGetter public static native int AF_INET6();
    @MemberGetter public static native int SOCK_STREAM();
    @MemberGetter public static native int SOCK_DGRAM();
    @MemberGetter public static native int SOCK_SEQPACKET();
    @MemberGetter public static native int SOCK_RAW();
    @MemberGetter public static native int IPPROTO_ICMP();
    @MemberGetter public static native int IPPROTO_ICMPV6();
    @MemberGetter public static native int SHUT_RD();
    @MemberGetter public static native int SHUT_WR();
    @MemberGetter public static native int SHUT_RDWR();
    @MemberGetter public static native int SOMAXCONN();
    @MemberGetter public static native int ECONNREFUSED();
    @MemberGetter public static native int ETIMEDOUT();
    @MemberGetter public static native int ENOTCONN();
    @MemberGetter public static native int EOPNOTSUPP();
    @MemberGetter public static native int EADDRINUSE();
    @MemberGetter public static native int EMSGSIZE();
    @MemberGetter public static native int ENOTSOCK();
    @MemberGetter public static native int ECONNRESET();
    @MemberGetter public static native int EISCONN();
    @MemberGetter public static native int EPROTONOSUPPORT();
    @MemberGetter public static native int EPROTOTYPE();
    @MemberGetter public static native int EDESTADDRREQ();
    @MemberGetter public static native int ENOPROTOOPT();
    @MemberGetter public static native int JIPC_SO_RCVBUF();
    @MemberGetter public static native int JIPC_SO_SNDBUF();
    @MemberGetter public static native int JIPC_SO_REUSEADDR();
    @MemberGetter public static native int JIPC_SO_REUSEPORT();
    @MemberGetter public static native int JIPC_SO_KEEPALIVE();
    @MemberGetter public static native int JIPC_SO_BROADCAST();
    @MemberGetter public static native int JIPC_SO_PASSCRED();
    @MemberGetter public static native int JIPC_TCP_NODELAY();
    @MemberGetter public static native int JIPC_SO_RCVTIMEO();
    @MemberGetter public static native int JIPC_SO_SNDTIMEO();
    @MemberGetter public static native int JIPC_SO_ERROR();
    @MemberGetter public static native int JIPC_SA_COUNT();
    @MemberGetter public static native int JIPC_SA_STORAGE_SIZE();
    @MemberGetter public static native int JIPC_SA_FAMILY();
    @MemberGetter public static native int JIPC_SA_FAMILY_SIZE();
    @MemberGetter public static native int JIPC_SA_UN_PATH();
    @MemberGetter public static native int JIPC_SA_UN_PATH_SIZE();
    @MemberGetter public static native int JIPC_SA_IN_PORT();
    @MemberGetter public static native int JIPC_SA_IN_ADDR();
    @MemberGetter public static native int JIPC_SA_IN_SIZE();
    @MemberGetter public static native int JIPC_SA_IN6_PORT();
    @MemberGetter public static native int JIPC_SA_IN6_FLOWINFO();
    @MemberGetter public static native int JIPC_SA_IN6_ADDR();
    @MemberGetter public static native int JIPC_SA_IN6_SCOPE();
    @MemberGetter public static native int JIPC_SA_IN6_SIZE();
}
