package io.github.jipc;

import io.github.jipc.internal.Call;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.jni.SocketNative;

/** The system calls of sockets, with what their errors mean. */
enum SocketCall implements Call {
    SOCKET("socket", "socket(2)") {
        @Override
        public String hint(int err, long type) {
            String range = "/proc/sys/net/ipv4/ping_group_range (" + io.github.jipc.internal.Limits.sysctl(
                    "/proc/sys/net/ipv4/ping_group_range") + ")";
            if ((err == Errno.EPERM || err == Errno.EACCES) && type == SocketType.RAW.kernel) {
                return "raw sockets need CAP_NET_RAW; without it, open(SocketDomain.INET, SocketType.DATAGRAM,"
                        + " IpcSocket.PROTOCOL_ICMP) gives an ICMP datagram socket where " + range
                        + " includes the process's group";
            }
            if (err == Errno.EACCES && type == SocketType.DATAGRAM.kernel) {
                return "an ICMP datagram socket needs the process's group within " + range
                        + "; widen it with sysctl net.ipv4.ping_group_range";
            }
            if (err == EPROTONOSUPPORT) {
                return "the protocol does not exist for this domain and type";
            }
            return null;
        }
    },
    SOCKETPAIR("socketpair", "socketpair(2)"),
    BIND("bind", "bind(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == EADDRINUSE) {
                return "another socket is bound to this address: choose another, or close that socket";
            }
            return err == Errno.EINVAL ? "the socket is bound already (a socket binds once), or the address does not"
                    + " fit its domain" : null;
        }
    },
    LISTEN("listen", "listen(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == EOPNOTSUPP ? "only stream and seqpacket sockets listen; a datagram socket receives without" : null;
        }
    },
    ACCEPT("accept4", "accept(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == Errno.EINVAL) {
                return "the socket is not listening: bind and listen() first (a connected socket, or one of a pair,"
                        + " cannot accept)";
            }
            return err == EOPNOTSUPP ? "only stream and seqpacket sockets accept connections" : null;
        }
    },
    CONNECT("connect", "connect(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == ECONNREFUSED) {
                return "nothing listens at this address, or what listens there is of another socket type";
            }
            if (err == EPROTOTYPE) {
                return "the socket at this address is of another type (stream, seqpacket or datagram): connect one"
                        + " of its type";
            }
            if (err == Errno.ENOENT) {
                return "no socket file at this path";
            }
            return err == Errno.EINVAL ? "the address does not fit this socket's domain" : null;
        }
    },
    SHUTDOWN("shutdown", "shutdown(2)"),
    SEND("sendmsg", "sendmsg(2)") {
        @Override
        public String hint(int err, long len) {
            if (err == EMSGSIZE) {
                return "a message of " + len + " bytes is larger than this socket takes at once"
                        + " (its send buffer, SO_SNDBUF, or the protocol's maximum)";
            }
            if (err == Errno.EPIPE) {
                return "the peer closed its end, or shut down its input; a TCP socket that never connected says so"
                        + " too";
            }
            if (err == ENOTCONN || err == EDESTADDRREQ) {
                return "the socket is not connected: connect it first, or send to an address with sendTo";
            }
            if (err == ECONNREFUSED) {
                return "no socket of this type receives there: nothing is bound at that address, a socket of"
                        + " another type is, or the connected peer closed";
            }
            return null;
        }
    },
    RECEIVE("recvmsg", "recvmsg(2)") {
        @Override
        public String hint(int err, long arg) {
            if (err == ENOTCONN) {
                return "the socket is not connected";
            }
            // A Unix stream socket that is not connected (or listens) says EINVAL.
            return err == Errno.EINVAL ? "the socket is not connected: connect it, or accept a connection and read"
                    + " from the socket accept returns (a listening socket only accepts)" : null;
        }
    },
    NAME("getsockname", "getsockname(2)"),
    PEER_NAME("getpeername", "getpeername(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == ENOTCONN ? "the socket is not connected" : null;
        }
    },
    SET_OPTION("setsockopt", "setsockopt(2)") {
        @Override
        public String hint(int err, long arg) {
            return err == EOPNOTSUPP || err == ENOPROTOOPT ? "this option does not apply to this socket's domain or"
                    + " type (TCP_NODELAY is for TCP, PASS_CREDENTIALS for Unix-domain sockets)" : null;
        }
    },
    GET_OPTION("getsockopt", "getsockopt(2)"),
    PEER_CREDENTIALS("getsockopt(SO_PEERCRED)", "unix(7)") {
        @Override
        public String hint(int err, long arg) {
            if (err == ENOTCONN) {
                return "no peer: the socket is not connected (a listening socket gives its own)";
            }
            if (err == EOPNOTSUPP) {
                return "peer credentials exist for Unix-domain sockets only";
            }
            return null;
        }
    },
    FSTAT("getsockopt(SO_TYPE)", "socket(7)"),
    FCNTL("fcntl", "fcntl(2)");

    static final int EADDRINUSE = SocketNative.EADDRINUSE();
    static final int EDESTADDRREQ = SocketNative.EDESTADDRREQ();
    static final int ENOPROTOOPT = SocketNative.ENOPROTOOPT();
    static final int ECONNREFUSED = SocketNative.ECONNREFUSED();
    static final int EMSGSIZE = SocketNative.EMSGSIZE();
    static final int ENOTCONN = SocketNative.ENOTCONN();
    static final int EOPNOTSUPP = SocketNative.EOPNOTSUPP();
    static final int EPROTONOSUPPORT = SocketNative.EPROTONOSUPPORT();
    static final int EPROTOTYPE = SocketNative.EPROTOTYPE();

    private final String name;
    private final String manPage;

    SocketCall(String name, String manPage) {
        this.name = name;
        this.manPage = manPage;
    }

    @Override
    public String callName() {
        return name;
    }

    @Override
    public String manPage() {
        return manPage;
    }

    @Override
    public String hint(int err, long arg) {
        return null;
    }
}
