package io.github.jipc;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.SocketNative;

/** How an {@link IpcSocket} comes to be: opened, paired, inherited, or opened and then bound or connected. */
final class SocketSetup {
    /** What is done to a new socket before it is handed out. */
    interface Step {
        void apply(IpcSocket s) throws IOException;
    }

    private SocketSetup() {}

    static IpcSocket open(SocketDomain domain, SocketType type, int protocol) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(type, "type");
        if (domain == SocketDomain.UNIX && type == SocketType.RAW) {
            // The kernel would make a datagram socket and call it raw.
            throw new IllegalArgumentException("a Unix-domain socket is not raw: the kernel makes a datagram socket of"
                    + " it; open(UNIX, DATAGRAM) says so, and raw sockets are INET or INET6");
        }
        int fd = SocketNative.jipc_socket_open(domain.family, type.kernel, protocol);
        if (fd < 0) {
            throw Errors.exception(fd, SocketCall.SOCKET, domain + " " + type + " socket", type.kernel);
        }
        return IpcSocket.adopt(fd, domain, type, "socket");
    }

    /** s after step; closed if the step fails. */
    static IpcSocket prepared(IpcSocket s, Step step) throws IOException {
        try {
            step.apply(s);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static SocketPair pair(SocketType type) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(type, "type");
        if (type == SocketType.RAW) {
            // The kernel would make a datagram pair and call it raw.
            throw new IllegalArgumentException("a socket pair is Unix-domain, and a Unix-domain socket is not raw (the"
                    + " kernel would make a datagram pair of it): pair(STREAM), pair(DATAGRAM) or pair(SEQPACKET)");
        }
        int[] fds = new int[2];
        int r = SocketNative.jipc_socket_pair(type.kernel, fds);
        if (r < 0) {
            throw Errors.exception(r, SocketCall.SOCKETPAIR, "UNIX " + type + " socket pair");
        }
        IpcSocket first;
        try {
            first = IpcSocket.adopt(fds[0], SocketDomain.UNIX, type, "socket pair end");
        } catch (IOException e) {
            CommonNative.jipc_close(fds[1]);
            throw e;
        }
        try {
            return SocketPair.of(first, IpcSocket.adopt(fds[1], SocketDomain.UNIX, type, "socket pair end"));
        } catch (IOException e) {
            first.close();
            throw e;
        }
    }

    static IpcSocket inherited(int fd) throws IOException {
        NativeLibrary.ensureAvailable();
        FdHandle.requireInheritable(fd);
        int[] info = new int[3];
        int r = SocketNative.jipc_socket_info(fd, info);
        if (r == -SocketNative.ENOTSOCK()) {
            throw new IllegalArgumentException(Handles.notHandedDown(fd, "a socket"));
        }
        if (r < 0) {
            throw Errors.exception(r, SocketCall.FSTAT, "inherited fd " + fd, "the parent did not hand this descriptor over");
        }
        SocketDomain d = SocketDomain.of(info[0]);
        SocketType t = SocketType.of(info[1]);
        if (d == null || t == null) {
            throw new IllegalArgumentException("inherited fd " + fd + " is a socket of a domain or type jipc does not know");
        }
        r = CommonNative.jipc_set_cloexec(fd, 1);
        if (r < 0) {
            throw Errors.exception(r, SocketCall.FCNTL, "inherited fd " + fd);
        }
        return IpcSocket.adopt(fd, d, t, "inherited socket");
    }

    static SocketDomain domainOf(SocketAddress a) {
        SocketAddress n = Sockaddrs.normalize(Objects.requireNonNull(a, "address"));
        if (n instanceof UnixAddress) {
            return SocketDomain.UNIX;
        }
        if (n instanceof InetSocketAddress in && !in.isUnresolved()) {
            return in.getAddress() instanceof Inet4Address ? SocketDomain.INET : SocketDomain.INET6;
        }
        if (n instanceof InetSocketAddress in) {
            throw Sockaddrs.unresolved(in);
        }
        throw new IllegalArgumentException("no socket domain for " + a + ": give a UnixAddress or an InetSocketAddress");
    }
}
