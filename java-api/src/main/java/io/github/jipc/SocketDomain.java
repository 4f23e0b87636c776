package io.github.jipc;

import io.github.jipc.internal.jni.SocketNative;

/** The communication domain of an {@link IpcSocket}, see socket(2). */
public enum SocketDomain {
    /** {@code AF_UNIX}: sockets of this machine, named by {@link UnixAddress}; see unix(7). */
    UNIX(SocketNative.AF_UNIX()),
    /** {@code AF_INET}: IPv4, named by {@link java.net.InetSocketAddress}; see ip(7). */
    INET(SocketNative.AF_INET()),
    /** {@code AF_INET6}: IPv6 (IPv4 peers as mapped addresses), see ipv6(7). */
    INET6(SocketNative.AF_INET6());

    final int family;

    SocketDomain(int family) {
        this.family = family;
    }

    static SocketDomain of(int family) {
        for (SocketDomain d : values()) {
            if (d.family == family) {
                return d;
            }
        }
        return null;
    }
}
