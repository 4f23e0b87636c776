package io.github.jipc;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.jni.SocketNative;

/**
 * The calls of {@link IpcSocket} that are not sends and receives (those are
 * {@link SocketIo}'s): bind, listen, accept, connect, shutdown, names,
 * options and credentials, and the errno translation they all share.
 */
final class SocketCalls {
    interface AddressCall {
        long call(int fd, long addr, int len);
    }

    interface FdCall {
        long call(int fd);
    }

    private static final Map<SocketOption<?>, Integer> OPTIONS = Map.of(
            StandardSocketOptions.SO_RCVBUF, SocketNative.JIPC_SO_RCVBUF(),
            StandardSocketOptions.SO_SNDBUF, SocketNative.JIPC_SO_SNDBUF(),
            StandardSocketOptions.SO_REUSEADDR, SocketNative.JIPC_SO_REUSEADDR(),
            StandardSocketOptions.SO_REUSEPORT, SocketNative.JIPC_SO_REUSEPORT(),
            StandardSocketOptions.SO_KEEPALIVE, SocketNative.JIPC_SO_KEEPALIVE(),
            StandardSocketOptions.SO_BROADCAST, SocketNative.JIPC_SO_BROADCAST(),
            StandardSocketOptions.TCP_NODELAY, SocketNative.JIPC_TCP_NODELAY(),
            SocketOptions.RECEIVE_TIMEOUT, SocketNative.JIPC_SO_RCVTIMEO(),
            SocketOptions.SEND_TIMEOUT, SocketNative.JIPC_SO_SNDTIMEO(),
            SocketOptions.PASS_CREDENTIALS, SocketNative.JIPC_SO_PASSCRED());

    private SocketCalls() {}

    static void bind(IpcSocket s, SocketSide out, SocketAddress local) throws IOException {
        long r = withAddress(s, out, local, (fd, addr, len) -> SocketNative.jipc_socket_bind(fd, addr, len));
        if (r == -SocketCall.EADDRINUSE) {
            SocketAddress a = Sockaddrs.normalize(local);
            if (a instanceof UnixAddress u && u.path() != null
                    && java.nio.file.Files.exists(u.path(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw Errors.exception(-Errno.EEXIST, SocketCall.BIND, u.toString(), pathInUse(u.path()));
            }
            throw Errors.exception(r, SocketCall.BIND, s.description() + " -> " + local, a instanceof UnixAddress
                    ? "another socket holds this abstract name: choose another name, or close that socket"
                    : "another socket is bound to this port: choose another, or port 0 for any free one (ss -ltnu"
                            + " lists who holds which)");
        }
        check(s, r, SocketCall.BIND, local);
    }

    /** Why a bind to a path where a file exists failed, and what to do: the file, and who is bound to it. */
    private static String pathInUse(java.nio.file.Path path) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(path,
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() || a.isDirectory()) {
                return "a file that is no socket is at this path: choose another path";
            }
        } catch (IOException e) {
            // gone meanwhile, or unreadable: said as for a socket file below
        }
        // /proc/net/unix shows each path as its socket was bound (maybe relative), and this network namespace's
        // only: a listed absolute path equal to this one is evidence of a live socket, its absence proves nothing.
        String name = " " + path.toAbsolutePath().normalize();
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/net/unix"))) {
            if (lines.anyMatch(l -> l.endsWith(name))) {
                return "a socket of a running process is bound to this path: choose another path, or close that"
                        + " socket (deleting the file would only leave it unreachable)";
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // no evidence either way
        }
        return "a socket file is at this path: if an earlier run left it, delete it first (Files.deleteIfExists);"
                + " if a server is bound to it, choose another path";
    }

    static void listen(IpcSocket s, int backlog) throws IOException {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        }
        check(s, small(s, fd -> SocketNative.jipc_socket_listen(fd, backlog)), SocketCall.LISTEN, null);
    }

    static IpcSocket accept(IpcSocket s, SocketSide in, int timeoutMs) throws IOException {
        in.lock.lock();
        try {
            boolean block = s.enter(timeoutMs != 0);
            int r = 0;
            try {
                r = SocketNative.jipc_socket_accept(s.handle.fd(), s.handle.guard(), 0, null, timeoutMs);
            } finally {
                s.exit(block, r == -Errno.WOKEN);
            }
            if (r == -Errno.EAGAIN || (r == -SocketNative.ETIMEDOUT() && timeoutMs >= 0)) {
                return null;
            }
            check(s, r, SocketCall.ACCEPT, null);
            return IpcSocket.adopt(r, s.domain(), s.type(), "accepted socket");
        } finally {
            in.lock.unlock();
        }
    }

    static void connect(IpcSocket s, SocketSide out, SocketAddress remote, int timeoutMs) throws IOException {
        out.lock.lock();
        try {
            s.ensureOpen();
            requireNamed(remote);
            int len = Sockaddrs.encode(remote, s.domain(), out.address());
            boolean block = s.enter(true);
            int r = 0;
            try {
                r = SocketNative.jipc_socket_connect(s.handle.fd(), s.handle.guard(), out.addressAddress(), len, timeoutMs);
            } finally {
                s.exit(block, r == -Errno.WOKEN);
            }
            if (r == -SocketNative.ETIMEDOUT() && timeoutMs >= 0) {
                s.close();
                throw new SocketTimeoutException("connect to " + remote + " did not finish within " + timeoutMs + " ms");
            }
            check(s, r, SocketCall.CONNECT, remote);
        } finally {
            out.lock.unlock();
        }
    }

    static void shutdown(IpcSocket s, int how) throws IOException {
        check(s, small(s, fd -> SocketNative.jipc_socket_shutdown(fd, how)), SocketCall.SHUTDOWN, null);
    }

    static Credentials peerCredentials(IpcSocket s) throws IOException {
        int[] c = new int[3];
        check(s, small(s, fd -> SocketNative.jipc_socket_peercred(fd, c)), SocketCall.PEER_CREDENTIALS, null);
        return Credentials.of(c[0], c[1], c[2]);
    }

    /** The socket's own address (peer 0) or its peer's (peer 1). */
    static SocketAddress name(IpcSocket s, SocketSide in, int peer, SocketCall call) throws IOException {
        in.lock.lock();
        try {
            int[] len = { Sockaddrs.STORAGE_SIZE };
            long addr = in.addressAddress();
            check(s, small(s, fd -> SocketNative.jipc_socket_name(fd, peer, addr, len)), call, null);
            return Sockaddrs.decode(in.address(), len[0]);
        } finally {
            in.lock.unlock();
        }
    }

    static int option(SocketOption<?> option) {
        Integer opt = OPTIONS.get(Objects.requireNonNull(option, "option"));
        if (opt == null) {
            throw new UnsupportedOperationException("option " + option + " is not offered by IpcSocket");
        }
        return opt;
    }

    static <T> void setOption(IpcSocket s, SocketOption<T> option, T value) throws IOException {
        int opt = option(option);
        Objects.requireNonNull(value, "value");
        long v = value instanceof Boolean b ? (b ? 1 : 0)
                : value instanceof Duration d ? optionMillis(d) : ((Integer) value).longValue();
        if (v < 0) {
            throw new IllegalArgumentException(option + " must not be negative: " + value);
        }
        check(s, small(s, fd -> SocketNative.jipc_socket_setopt(fd, opt, v)), SocketCall.SET_OPTION, null);
    }

    static <T> T getOption(IpcSocket s, SocketOption<T> option) throws IOException {
        int opt = option(option);
        long v = small(s, fd -> SocketNative.jipc_socket_getopt(fd, opt));
        check(s, v, SocketCall.GET_OPTION, null);
        Object o = option.type() == Boolean.class ? (Object) (v != 0)
                : option.type() == Duration.class ? (Object) Duration.ofMillis(v) : (Object) (int) v;
        return option.type().cast(o);
    }

    private static long withAddress(IpcSocket s, SocketSide out, SocketAddress a, AddressCall c) throws IOException {
        out.lock.lock();
        try {
            int len = Sockaddrs.encode(a, s.domain(), out.address());
            long addr = out.addressAddress();
            return small(s, fd -> c.call(fd, addr, len));
        } finally {
            out.lock.unlock();
        }
    }

    /** A short call on the descriptor that never blocks. */
    static long small(IpcSocket s, FdCall c) throws IOException {
        if (!s.handle.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            return c.call(s.handle.fd());
        } finally {
            s.handle.release();
        }
    }

    static void check(IpcSocket s, long r, SocketCall call, Object target) throws IOException {
        if (r < 0) {
            throw failure(s, r, call, target, 0);
        }
    }

    /** The exception for result r of call; size is what the call was asked to move (for its hint). */
    static IOException failure(IpcSocket s, long r, SocketCall call, Object target, long size) {
        if (r == -SocketNative.ETIMEDOUT() && (call == SocketCall.RECEIVE || call == SocketCall.SEND
                || call == SocketCall.ACCEPT)) {
            return new SocketTimeoutException(call.callName() + " on " + s.description() + " timed out ("
                    + (call == SocketCall.SEND ? "SO_SNDTIMEO" : "SO_RCVTIMEO") + ")");
        }
        Access.Owner owner = target instanceof UnixAddress u && u.path() != null ? Access.file(u.path()) : null;
        String d = s.description();
        return Errors.exception(r, call, target == null ? d : d + " -> " + target, size, owner);
    }

    /** Refuses an unnamed Unix address as a destination: it names no socket. */
    static void requireNamed(SocketAddress to) {
        if (to instanceof UnixAddress u && u.isUnnamed()) {
            throw new IllegalArgumentException("an unnamed address names no socket to connect or send to (a sender"
                    + " that did not bind cannot be replied to): bind the sender, or reply over a connection");
        }
    }

    private static final Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);

    /** A timeout option's value in ms: from {@link Integer#MAX_VALUE} ms on, 0, which waits for ever. */
    private static int optionMillis(Duration d) {
        if (Objects.requireNonNull(d, "timeout").isNegative()) {
            throw new IllegalArgumentException("negative timeout " + d + ": for RECEIVE_TIMEOUT and SEND_TIMEOUT,"
                    + " Duration.ZERO waits for ever, as 0 does for SO_RCVTIMEO and SO_SNDTIMEO");
        }
        int ms = millis(d);
        return ms == Integer.MAX_VALUE ? 0 : ms;
    }

    /** A timeout in ms, rounded up; {@link Integer#MAX_VALUE} (about 24.8 days) for any longer one. */
    static int millis(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + d + ": Duration.ZERO looks without waiting");
        }
        if (d.compareTo(LONGEST) >= 0) {
            return Integer.MAX_VALUE; // toMillis() of ChronoUnit.FOREVER's duration would overflow
        }
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis() + (d.toNanosPart() % 1_000_000 == 0 ? 0 : 1));
    }
}
