package io.github.jipc;

import io.github.jipc.internal.jni.SocketNative;

/** The kind of an {@link IpcSocket}, see socket(2). */
public enum SocketType {
    /** {@code SOCK_STREAM}: a connected byte stream (TCP for the IP domains). */
    STREAM(SocketNative.SOCK_STREAM()),
    /** {@code SOCK_DGRAM}: whole messages, to and from any address (UDP for the IP domains; reliable and ordered for Unix). */
    DATAGRAM(SocketNative.SOCK_DGRAM()),
    /** {@code SOCK_SEQPACKET}: whole messages over a connection, in order (Unix). */
    SEQPACKET(SocketNative.SOCK_SEQPACKET()),
    /** {@code SOCK_RAW}: packets of a protocol below the transport layer (needs {@code CAP_NET_RAW}). */
    RAW(SocketNative.SOCK_RAW());

    final int kernel;

    SocketType(int kernel) {
        this.kernel = kernel;
    }

    /** True for the types that deliver whole messages. */
    boolean messages() {
        return this != STREAM;
    }

    static SocketType of(int type) {
        for (SocketType t : values()) {
            if (t.kernel == type) {
                return t;
            }
        }
        return null;
    }
}
