package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.time.Duration;
import java.util.Objects;

import io.github.jipc.internal.Access;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.SocketNative;

/**
 * A socket of any domain jipc offers: Unix ({@link UnixAddress}: paths,
 * abstract names, socket pairs), IPv4 and IPv6, as a stream, datagram or
 * seqpacket socket; see socket(7), unix(7), ip(7), tcp(7), udp(7).
 *
 * <p>A stream socket is a byte stream: {@link #read(ByteBuffer)} returns what
 * is there, -1 at the end. Datagram and seqpacket sockets deliver whole
 * messages: one {@link #write(ByteBuffer)} sends one message, one
 * {@link #read(ByteBuffer)} receives one; a message longer than the buffer's
 * remaining space is reported with an {@link IpcException} ({@code EMSGSIZE},
 * naming both sizes), never silently cut.
 *
 * <p>Each socket is one blocking open file description; blocking or not is
 * chosen per call ({@code MSG_DONTWAIT}), so a process that shares the socket
 * keeps its own mode. {@link #close()} from another thread wakes a blocked
 * call ({@link AsynchronousCloseException}), and so does
 * {@link Thread#interrupt()} ({@link java.nio.channels.ClosedByInterruptException},
 * the socket is closed). One thread may receive while another sends.
 *
 * <p>Unix sockets pass jipc handles to another process ({@link #send(ByteBuffer, Inheritable...)},
 * {@link #receiveMessage(ByteBuffer)}), and tell who is at the other end
 * ({@link #peerCredentials()}). For TCP and UDP alone, the JDK's
 * {@code SocketChannel} and {@code DatagramChannel} work with a {@code Selector}
 * and are the better choice; this type is for what they lack, or for a
 * socket handed to and from other processes.
 */
public final class IpcSocket extends AbstractInterruptibleChannel implements ByteChannel, Inheritable, Pollable {
    /** {@code IPPROTO_ICMP}, for {@link #open(SocketDomain, SocketType, int)}: ICMP over IPv4 (icmp(7)). */
    public static final int PROTOCOL_ICMP = SocketNative.IPPROTO_ICMP();
    /** {@code IPPROTO_ICMPV6}, for {@link #open(SocketDomain, SocketType, int)}: ICMP over IPv6. */
    public static final int PROTOCOL_ICMPV6 = SocketNative.IPPROTO_ICMPV6();

    final FdHandle handle;
    private final SocketDomain domain;
    private final SocketType type;
    private final String description;
    private final SocketSide in = new SocketSide();
    private final SocketSide out = new SocketSide();
    private volatile boolean blocking = true;

    private IpcSocket(int fd, SocketDomain domain, SocketType type, String what) throws IOException {
        this.domain = domain;
        this.type = type;
        this.description = what + " (" + domain + " " + type + ", fd " + fd + ")";
        this.handle = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
    }

    static IpcSocket adopt(int fd, SocketDomain domain, SocketType type, String what) throws IOException {
        return new IpcSocket(fd, domain, type, what);
    }

    /**
     * A new, unbound socket (socket(2), close-on-exec, blocking mode).
     *
     * @param domain the domain
     * @param type   the type; {@link SocketType#RAW} takes {@link #open(SocketDomain, SocketType, int)}
     * @return the socket
     * @throws IpcException EMFILE, ENFILE; EPROTONOSUPPORT for a type the domain lacks
     */
    public static IpcSocket open(SocketDomain domain, SocketType type) throws IOException {
        return open(domain, type, 0);
    }

    /**
     * A new socket of a given protocol (socket(2)), for instance a raw ICMP
     * socket ({@link SocketType#RAW}, {@link #PROTOCOL_ICMP}, see raw(7)),
     * which needs {@code CAP_NET_RAW} (a raw IPv4 socket receives each packet
     * with its IP header), or an unprivileged ICMP datagram socket
     * ({@link SocketType#DATAGRAM}, {@link #PROTOCOL_ICMP}) where
     * {@code /proc/sys/net/ipv4/ping_group_range} allows it.
     *
     * @param domain   the domain
     * @param type     the type
     * @param protocol the protocol number (/etc/protocols), 0 for the default
     * @return the socket
     * @throws java.nio.file.AccessDeniedException EPERM for a raw socket without CAP_NET_RAW,
     *         EACCES for an ICMP datagram socket outside ping_group_range
     * @throws IpcException EPROTONOSUPPORT, EMFILE, ENFILE
     */
    public static IpcSocket open(SocketDomain domain, SocketType type, int protocol) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(type, "type");
        int fd = SocketNative.jipc_socket_open(domain.family, type.kernel, protocol);
        if (fd < 0) {
            throw Errors.exception(fd, SocketCall.SOCKET, domain + " " + type + " socket", type.kernel);
        }
        return new IpcSocket(fd, domain, type, "socket");
    }

    /**
     * A socket bound to a local address, of the address's domain.
     *
     * @param local the address: {@link UnixAddress}, {@link UnixDomainSocketAddress} or {@link InetSocketAddress}
     * @param type  the type
     * @return the bound socket
     * @throws IOException as {@link #open} and {@link #bind}
     */
    public static IpcSocket bound(SocketAddress local, SocketType type) throws IOException {
        IpcSocket s = open(domainOf(local), type);
        try {
            s.bind(local);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A listening stream or seqpacket socket bound to local (bind(2), listen(2)).
     *
     * @param local   the address; a socket file must not exist yet
     * @param type    {@link SocketType#STREAM} or {@link SocketType#SEQPACKET}
     * @param backlog how many connections may wait for {@link #accept()}
     * @return the listening socket
     * @throws java.nio.file.FileAlreadyExistsException if a file exists at a Unix path (delete a stale one first)
     * @throws IpcException EADDRINUSE if another socket has the address
     */
    public static IpcSocket listening(SocketAddress local, SocketType type, int backlog) throws IOException {
        IpcSocket s = bound(local, type);
        try {
            s.listen(backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A socket connected to remote, of the address's domain, waiting at most timeout.
     *
     * @param remote  the address to connect to
     * @param type    the type
     * @param timeout the longest wait
     * @return the connected socket
     * @throws IOException as {@link #connect(SocketAddress, Duration)}
     */
    public static IpcSocket connected(SocketAddress remote, SocketType type, Duration timeout) throws IOException {
        IpcSocket s = open(domainOf(remote), type);
        try {
            s.connect(remote, timeout);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A pair of connected, unnamed Unix sockets (socketpair(2)).
     *
     * @param type {@link SocketType#STREAM}, {@link SocketType#DATAGRAM} or {@link SocketType#SEQPACKET}
     * @return the pair
     * @throws IpcException EMFILE, ENFILE
     */
    public static SocketPair pair(SocketType type) throws IOException {
        NativeLibrary.ensureAvailable();
        Objects.requireNonNull(type, "type");
        int[] fds = new int[2];
        int r = SocketNative.jipc_socket_pair(type.kernel, fds);
        if (r < 0) {
            throw Errors.exception(r, SocketCall.SOCKETPAIR, "UNIX " + type + " socket pair");
        }
        IpcSocket first;
        try {
            first = new IpcSocket(fds[0], SocketDomain.UNIX, type, "socket pair end");
        } catch (IOException e) {
            CommonNative.jipc_close(fds[1]);
            throw e;
        }
        try {
            return SocketPair.of(first, new IpcSocket(fds[1], SocketDomain.UNIX, type, "socket pair end"));
        } catch (IOException e) {
            first.close();
            throw e;
        }
    }

    /**
     * Adopts a socket this process inherited as descriptor fd; it is set close-on-exec.
     *
     * @param fd the inherited descriptor number
     * @return the socket, in blocking mode
     * @throws IllegalArgumentException if fd is negative or not a socket of a domain and type jipc knows
     * @throws IpcException EBADF if fd is not open
     */
    public static IpcSocket inherited(int fd) throws IOException {
        NativeLibrary.ensureAvailable();
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0, got " + fd);
        }
        int[] info = new int[3];
        int r = SocketNative.jipc_socket_info(fd, info);
        if (r == -SocketNative.ENOTSOCK()) {
            throw new IllegalArgumentException("inherited fd " + fd + " is not a socket");
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
        return new IpcSocket(fd, d, t, "inherited socket");
    }

    static SocketDomain domainOf(SocketAddress a) {
        SocketAddress n = Sockaddrs.normalize(Objects.requireNonNull(a, "address"));
        if (n instanceof UnixAddress) {
            return SocketDomain.UNIX;
        }
        if (n instanceof InetSocketAddress in && !in.isUnresolved()) {
            return in.getAddress() instanceof Inet4Address ? SocketDomain.INET : SocketDomain.INET6;
        }
        throw new IllegalArgumentException("no socket domain for " + a);
    }

    /** {@return the domain} */
    public SocketDomain domain() {
        return domain;
    }

    /** {@return the type} */
    public SocketType type() {
        return type;
    }

    /**
     * Binds to a local address (bind(2)). A Unix path makes a socket file,
     * with the process's umask; it stays after close, delete it explicitly.
     * An {@link InetSocketAddress} with port 0 takes a free port, see {@link #localAddress()}.
     *
     * @param local the address
     * @return this socket
     * @throws java.nio.file.FileAlreadyExistsException EADDRINUSE for a Unix path where a file exists
     * @throws java.nio.file.AccessDeniedException EACCES for a folder not writable, EACCES for a privileged port
     * @throws IpcException EADDRINUSE, EINVAL if already bound
     * @throws IllegalArgumentException if the address belongs to another domain
     */
    public IpcSocket bind(SocketAddress local) throws IOException {
        long r = withAddress(local, (fd, addr, len) -> SocketNative.jipc_socket_bind(fd, addr, len));
        if (r == -SocketCall.EADDRINUSE && Sockaddrs.normalize(local) instanceof UnixAddress u && u.path() != null
                && java.nio.file.Files.exists(u.path(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw Errors.exception(-Errno.EEXIST, SocketCall.BIND, u.toString(),
                    "a file exists at this path; delete a socket file left by an earlier run first");
        }
        check(r, SocketCall.BIND, local);
        return this;
    }

    /**
     * Marks a bound stream or seqpacket socket as accepting connections (listen(2)).
     *
     * @param backlog how many connections may wait; values above {@code /proc/sys/net/core/somaxconn} are cut to it
     * @return this socket
     * @throws IpcException EOPNOTSUPP for a datagram socket
     */
    public IpcSocket listen(int backlog) throws IOException {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        }
        check(small(fd -> SocketNative.jipc_socket_listen(fd, backlog)), SocketCall.LISTEN, null);
        return this;
    }

    /**
     * Accepts a connection (accept4(2)): in blocking mode waits for one, in
     * non-blocking mode returns null when none is waiting.
     *
     * @return the connected socket, close-on-exec and blocking; null if non-blocking and none waits
     * @throws SocketTimeoutException if {@link SocketOptions#RECEIVE_TIMEOUT} expired
     * @throws AsynchronousCloseException if another thread closes this socket meanwhile
     * @throws IpcException EINVAL if not listening, EMFILE, ENFILE
     */
    public IpcSocket accept() throws IOException {
        return accept(isBlocking() ? -1 : 0);
    }

    /**
     * Accepts a connection, waiting at most timeout.
     *
     * @param timeout the longest wait
     * @return the connected socket, or null if none came in time
     * @throws IOException as {@link #accept()}
     */
    public IpcSocket accept(Duration timeout) throws IOException {
        return accept(millis(timeout));
    }

    private IpcSocket accept(int timeoutMs) throws IOException {
        in.lock.lock();
        try {
            boolean block = enter(timeoutMs != 0);
            int r = 0;
            try {
                r = SocketNative.jipc_socket_accept(handle.fd(), handle.guard(), 0, null, timeoutMs);
            } finally {
                exit(block, r == -Errno.WOKEN);
            }
            if (r == -Errno.EAGAIN || (r == -SocketNative.ETIMEDOUT() && timeoutMs >= 0)) {
                return null;
            }
            check(r, SocketCall.ACCEPT, null);
            return new IpcSocket(r, domain, type, "accepted socket");
        } finally {
            in.lock.unlock();
        }
    }

    /**
     * Connects to remote (connect(2)), waiting as long as the kernel does
     * (for TCP, its SYN retries; for Unix, while the listener's backlog is full).
     *
     * @param remote the address
     * @return this socket
     * @throws java.nio.file.NoSuchFileException ENOENT: no socket file at a Unix path
     * @throws java.nio.file.AccessDeniedException EACCES: no write permission on the socket file
     * @throws IpcException ECONNREFUSED: nothing listens there; ETIMEDOUT, ENETUNREACH, EISCONN
     */
    public IpcSocket connect(SocketAddress remote) throws IOException {
        return connect(remote, -1);
    }

    /**
     * Connects to remote, waiting at most timeout; on a timeout the socket is closed.
     *
     * @param remote  the address
     * @param timeout the longest wait
     * @return this socket
     * @throws SocketTimeoutException if the time ran out (this socket is then closed)
     * @throws IOException as {@link #connect(SocketAddress)}
     */
    public IpcSocket connect(SocketAddress remote, Duration timeout) throws IOException {
        return connect(remote, Math.max(1, millis(timeout)));
    }

    private IpcSocket connect(SocketAddress remote, int timeoutMs) throws IOException {
        out.lock.lock();
        try {
            ensureOpen();
            int len = Sockaddrs.encode(remote, domain, out.address());
            boolean block = enter(true);
            int r = 0;
            try {
                r = SocketNative.jipc_socket_connect(handle.fd(), handle.guard(), out.addressAddress(), len, timeoutMs);
            } finally {
                exit(block, r == -Errno.WOKEN);
            }
            if (r == -SocketNative.ETIMEDOUT() && timeoutMs >= 0) {
                close();
                throw new SocketTimeoutException("connect to " + remote + " did not finish within " + timeoutMs + " ms");
            }
            check(r, SocketCall.CONNECT, remote);
            return this;
        } finally {
            out.lock.unlock();
        }
    }

    /**
     * Shuts down receiving (shutdown(2) {@code SHUT_RD}): reads return the end of stream.
     *
     * @return this socket
     * @throws IpcException ENOTCONN if not connected
     */
    public IpcSocket shutdownInput() throws IOException {
        return shutdown(SocketNative.SHUT_RD());
    }

    /**
     * Shuts down sending (shutdown(2) {@code SHUT_WR}): the peer reads the end of stream.
     *
     * @return this socket
     * @throws IpcException ENOTCONN if not connected
     */
    public IpcSocket shutdownOutput() throws IOException {
        return shutdown(SocketNative.SHUT_WR());
    }

    private IpcSocket shutdown(int how) throws IOException {
        check(small(fd -> SocketNative.jipc_socket_shutdown(fd, how)), SocketCall.SHUTDOWN, null);
        return this;
    }

    /**
     * Switches between blocking and non-blocking mode for the next calls of this handle only.
     *
     * @param block true for blocking mode
     * @return this socket
     * @throws ClosedChannelException if closed
     */
    public IpcSocket configureBlocking(boolean block) throws ClosedChannelException {
        ensureOpen();
        blocking = block;
        return this;
    }

    /** {@return whether this handle is in blocking mode (the default)} */
    public boolean isBlocking() {
        return blocking;
    }

    /**
     * Reads bytes of a stream, or receives one message: see the class description.
     *
     * @param dst the buffer, filled from its position
     * @return the count; 0 for a zero-length message, or if non-blocking and nothing is there
     *         ({@link #receiveFrom} tells these apart for datagrams: null when nothing is there);
     *         -1 at the end: of a stream, of a seqpacket connection whose peer closed, or after
     *         {@link #shutdownInput()} (a zero-length message that was the last before the peer's
     *         close reads as the end)
     * @throws IpcException EMSGSIZE if a message was longer than dst's remaining space (it is lost);
     *         ECONNRESET, ENOTCONN
     * @throws SocketTimeoutException if {@link SocketOptions#RECEIVE_TIMEOUT} expired
     * @throws AsynchronousCloseException if another thread closed the socket meanwhile
     * @throws ClosedChannelException if closed
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return SocketIo.receive(this, in, dst, null, 0).bytes();
    }

    /**
     * Writes bytes to a stream (in blocking mode all of them), or sends dst's remaining bytes as one message.
     *
     * @param src the bytes from its position
     * @return the count sent; 0 if non-blocking and there is no room
     * @throws IpcException EPIPE if the peer closed; EMSGSIZE for a message too large; ENOTCONN
     * @throws SocketTimeoutException if {@link SocketOptions#SEND_TIMEOUT} expired before anything was sent
     * @throws AsynchronousCloseException if another thread closed the socket meanwhile
     * @throws ClosedChannelException if closed
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = 0;
        do {
            // A heap buffer goes through a bounded staging buffer: a blocking stream write loops over it.
            int n;
            try {
                n = SocketIo.send(this, out, src, null, null, false);
            } catch (IOException e) {
                if (total > 0) {
                    return total; // what was sent stays reported; the error shows on the next call
                }
                throw e;
            }
            total += n;
            if (n == 0) {
                break;
            }
        } while (type == SocketType.STREAM && isBlocking() && src.hasRemaining());
        return total;
    }

    /**
     * Sends bytes with jipc handles attached ({@code SCM_RIGHTS}, unix(7)):
     * the receiver gets its own descriptors of the same open files, see
     * {@link #receiveMessage(ByteBuffer)}. This process keeps its handles open.
     * At least one byte must be sent with them.
     *
     * @param src     the bytes, at least one
     * @param handles the handles to pass, at most 253
     * @return the count of bytes sent (the handles went with the first)
     * @throws IOException as {@link #write(ByteBuffer)}; ETOOMANYREFS past the kernel's nesting limit
     * @throws ClosedChannelException if this socket or a handle is closed
     * @throws IllegalArgumentException if src is empty or there are too many handles
     */
    public int send(ByteBuffer src, Inheritable... handles) throws IOException {
        return SocketIo.send(this, out, src, null, handles, false);
    }

    /**
     * Sends bytes with this process's pid, uid and gid attached ({@code SCM_CREDENTIALS}).
     *
     * @param src the bytes
     * @return the count sent
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public int sendWithCredentials(ByteBuffer src) throws IOException {
        return SocketIo.send(this, out, src, null, null, true);
    }

    /**
     * Sends one message to an address (sendmsg(2) with a name), for unconnected datagram sockets.
     *
     * @param src the message
     * @param to  the address
     * @return the count sent; 0 if non-blocking and there is no room
     * @throws IOException as {@link #write(ByteBuffer)}; ECONNREFUSED / ENOENT if nothing is bound at a Unix address
     */
    public int sendTo(ByteBuffer src, SocketAddress to) throws IOException {
        return SocketIo.send(this, out, src, Objects.requireNonNull(to, "to"), null, false);
    }

    /**
     * Receives one message and its sender's address (recvmsg(2)).
     *
     * @param dst the buffer
     * @return the sender's address ({@link UnixAddress#unnamed()} for an unbound Unix sender);
     *         null if non-blocking and nothing is there
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public SocketAddress receiveFrom(ByteBuffer dst) throws IOException {
        ReceivedMessage m = SocketIo.receive(this, in, dst, true, 0);
        return m.bytes() == 0 && m.sender() == null ? null : m.sender();
    }

    /**
     * Receives bytes or a message with what came along: handles passed by the
     * sender (as their jipc types, close-on-exec), credentials, the sender's address.
     *
     * @param dst the buffer
     * @return what arrived; {@link ReceivedMessage#bytes()} is 0 if non-blocking and nothing is there
     * @throws IpcException as {@link #read(ByteBuffer)}; also when more handles came than 253 (MSG_CTRUNC:
     *         those that arrived are closed, the bytes stay received) or one of a kind jipc does not know
     *         (it is closed)
     */
    public ReceivedMessage receiveMessage(ByteBuffer dst) throws IOException {
        return receiveMessage(dst, SocketSide.MAX_FDS);
    }

    /**
     * Receives as {@link #receiveMessage(ByteBuffer)}, with room for at most maxHandles handles.
     *
     * @param dst        the buffer
     * @param maxHandles 0 to 253; more arriving is an error, and every handle that came is closed
     * @return what arrived
     * @throws IOException as {@link #receiveMessage(ByteBuffer)}
     */
    public ReceivedMessage receiveMessage(ByteBuffer dst, int maxHandles) throws IOException {
        if (maxHandles < 0 || maxHandles > SocketSide.MAX_FDS) {
            throw new IllegalArgumentException("maxHandles must be 0 to " + SocketSide.MAX_FDS + ", got " + maxHandles);
        }
        return SocketIo.receive(this, in, dst, true, maxHandles + 1);
    }

    /**
     * The credentials of the peer process as it connected or made the pair ({@code SO_PEERCRED}, unix(7));
     * for a listening socket, this process's own.
     *
     * @return pid, uid and gid
     * @throws IpcException ENOTCONN if there is no peer (not connected); EOPNOTSUPP for a socket not of the Unix domain
     */
    public Credentials peerCredentials() throws IOException {
        int[] c = new int[3];
        check(small(fd -> SocketNative.jipc_socket_peercred(fd, c)), SocketCall.PEER_CREDENTIALS, null);
        return Credentials.of(c[0], c[1], c[2]);
    }

    /**
     * The address this socket is bound to (getsockname(2)).
     *
     * @return the address; {@link UnixAddress#unnamed()} for an unbound Unix socket
     * @throws IOException if getsockname(2) fails
     */
    public SocketAddress localAddress() throws IOException {
        return name(0, SocketCall.NAME);
    }

    /**
     * The address of the peer (getpeername(2)).
     *
     * @return the address
     * @throws IpcException ENOTCONN if not connected
     */
    public SocketAddress remoteAddress() throws IOException {
        return name(1, SocketCall.PEER_NAME);
    }

    private SocketAddress name(int peer, SocketCall call) throws IOException {
        in.lock.lock();
        try {
            int[] len = { Sockaddrs.STORAGE_SIZE };
            long addr = in.addressAddress();
            check(small(fd -> SocketNative.jipc_socket_name(fd, peer, addr, len)), call, null);
            return Sockaddrs.decode(in.address(), len[0]);
        } finally {
            in.lock.unlock();
        }
    }

    /**
     * Sets an option (setsockopt(2)): the {@link StandardSocketOptions} {@code SO_RCVBUF},
     * {@code SO_SNDBUF}, {@code SO_REUSEADDR}, {@code SO_REUSEPORT}, {@code SO_KEEPALIVE},
     * {@code SO_BROADCAST}, {@code TCP_NODELAY}, and {@link SocketOptions}.
     *
     * @param <T>    the option's type
     * @param option the option
     * @param value  its value
     * @return this socket
     * @throws UnsupportedOperationException for other options
     * @throws IpcException ENOPROTOOPT where the socket lacks the option (TCP_NODELAY on a Unix socket)
     */
    public <T> IpcSocket setOption(SocketOption<T> option, T value) throws IOException {
        int opt = SocketIo.option(option);
        Objects.requireNonNull(value, "value");
        long v = value instanceof Boolean b ? (b ? 1 : 0)
                : value instanceof Duration d ? millis(d) : ((Integer) value).longValue();
        if (v < 0) {
            throw new IllegalArgumentException(option + " must not be negative: " + value);
        }
        check(small(fd -> SocketNative.jipc_socket_setopt(fd, opt, v)), SocketCall.SET_OPTION, null);
        return this;
    }

    /**
     * Reads an option (getsockopt(2)), see {@link #setOption}.
     *
     * @param <T>    the option's type
     * @param option the option
     * @return its value (buffer sizes as the kernel reports them: twice the size set)
     * @throws UnsupportedOperationException for other options
     * @throws IOException if getsockopt(2) fails
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        int opt = SocketIo.option(option);
        long v = small(fd -> SocketNative.jipc_socket_getopt(fd, opt));
        check(v, SocketCall.GET_OPTION, null);
        Object o = option.type() == Boolean.class ? (Object) (v != 0)
                : option.type() == Duration.class ? (Object) Duration.ofMillis(v) : (Object) (int) v;
        return option.type().cast(o);
    }

    interface AddressCall {
        long call(int fd, long addr, int len);
    }

    interface FdCall {
        long call(int fd);
    }

    private long withAddress(SocketAddress a, AddressCall c) throws IOException {
        out.lock.lock();
        try {
            int len = Sockaddrs.encode(a, domain, out.address());
            long addr = out.addressAddress();
            return small(fd -> c.call(fd, addr, len));
        } finally {
            out.lock.unlock();
        }
    }

    /** A short call on the descriptor that never blocks. */
    long small(FdCall c) throws IOException {
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            return c.call(handle.fd());
        } finally {
            handle.release();
        }
    }

    void check(long r, SocketCall call, Object target) throws IOException {
        if (r < 0) {
            throw failure(r, call, target);
        }
    }

    IOException failure(long r, SocketCall call, Object target) {
        return failure(r, call, target, 0);
    }

    /** As {@link #failure(long, SocketCall, Object)}, with the size the call was asked to move (for its hint). */
    IOException failure(long r, SocketCall call, Object target, long size) {
        if (r == -SocketNative.ETIMEDOUT() && (call == SocketCall.RECEIVE || call == SocketCall.SEND
                || call == SocketCall.ACCEPT)) {
            return new SocketTimeoutException(call.callName() + " on " + description + " timed out ("
                    + (call == SocketCall.SEND ? "SO_SNDTIMEO" : "SO_RCVTIMEO") + ")");
        }
        Access.Owner owner = target instanceof UnixAddress u && u.path() != null ? Access.file(u.path()) : null;
        return Errors.exception(r, call, target == null ? description : description + " -> " + target, size, owner);
    }

    static int millis(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + d);
        }
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis() + (d.toNanosPart() % 1_000_000 == 0 ? 0 : 1));
    }

    String description() {
        return description;
    }

    void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** Enters a call: the handle acquired, and for blocking calls the interrupt hook installed. */
    boolean enter(boolean block) throws ClosedChannelException {
        if (!handle.acquire()) {
            throw new ClosedChannelException();
        }
        if (block) {
            begin();
        }
        return block;
    }

    /** Leaves a call; woken tells that the guard fired. */
    void exit(boolean block, boolean woken) throws AsynchronousCloseException {
        handle.release();
        if (block) {
            end(!woken);
        }
        if (woken) {
            throw new AsynchronousCloseException();
        }
    }

    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return "IpcSocket[" + description + (isOpen() ? "" : ", closed") + "]";
    }

    static void fence(Object o) {
        Reference.reachabilityFence(o);
    }
}
