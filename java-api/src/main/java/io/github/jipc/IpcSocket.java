package io.github.jipc;

import java.io.IOException;
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
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

import io.github.jipc.internal.FdHandle;
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
public final class IpcSocket extends GuardedChannel implements ByteChannel, Inheritable, Pollable {
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
        return SocketSetup.open(domain, type, protocol);
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
        return SocketSetup.prepared(open(SocketSetup.domainOf(local), type), s -> s.bind(local));
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
        return SocketSetup.prepared(bound(local, type), s -> s.listen(backlog));
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
        return SocketSetup.prepared(open(SocketSetup.domainOf(remote), type), s -> s.connect(remote, timeout));
    }

    /**
     * A pair of connected, unnamed Unix sockets (socketpair(2)).
     *
     * @param type {@link SocketType#STREAM}, {@link SocketType#DATAGRAM} or {@link SocketType#SEQPACKET}
     * @return the pair
     * @throws IllegalArgumentException for {@link SocketType#RAW}: raw sockets have no pairs
     * @throws IpcException EMFILE, ENFILE
     */
    public static SocketPair pair(SocketType type) throws IOException {
        return SocketSetup.pair(type);
    }

    /**
     * Adopts a socket this process inherited as descriptor fd; it is set close-on-exec.
     *
     * @param fd the inherited descriptor number
     * @return the socket, in blocking mode
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not a
     *         socket of a domain and type jipc knows
     * @throws IpcException EBADF if fd is not open
     */
    public static IpcSocket inherited(int fd) throws IOException {
        return SocketSetup.inherited(fd);
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
        SocketCalls.bind(this, out, local);
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
        SocketCalls.listen(this, backlog);
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
        return SocketCalls.accept(this, in, isBlocking() ? -1 : 0);
    }

    /**
     * Accepts a connection, waiting at most timeout.
     *
     * @param timeout the longest wait
     * @return the connected socket, or null if none came in time
     * @throws IOException as {@link #accept()}
     */
    public IpcSocket accept(Duration timeout) throws IOException {
        return SocketCalls.accept(this, in, SocketCalls.millis(timeout));
    }

    /**
     * Connects to remote (connect(2)), waiting as long as the kernel does
     * (for TCP, its SYN retries; for Unix, while the listener's backlog is full),
     * in non-blocking mode too: to bound the wait, give a timeout
     * ({@link #connect(SocketAddress, Duration)}); close and interrupt end it.
     *
     * @param remote the address
     * @return this socket
     * @throws java.nio.file.NoSuchFileException ENOENT: no socket file at a Unix path
     * @throws java.nio.file.AccessDeniedException EACCES: no write permission on the socket file
     * @throws IpcException ECONNREFUSED: nothing listens there; ETIMEDOUT, ENETUNREACH, EISCONN
     */
    public IpcSocket connect(SocketAddress remote) throws IOException {
        SocketCalls.connect(this, out, remote, -1);
        return this;
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
        SocketCalls.connect(this, out, remote, Math.max(1, SocketCalls.millis(timeout)));
        return this;
    }

    /**
     * Shuts down receiving (shutdown(2) {@code SHUT_RD}): once what had
     * arrived is read, reads return the end of stream.
     *
     * @return this socket
     * @throws IpcException ENOTCONN if a TCP socket is not connected (a Unix one takes it unconnected too)
     */
    public IpcSocket shutdownInput() throws IOException {
        SocketCalls.shutdown(this, SocketNative.SHUT_RD());
        return this;
    }

    /**
     * Shuts down sending (shutdown(2) {@code SHUT_WR}): the peer reads the end of stream.
     *
     * @return this socket
     * @throws IpcException ENOTCONN if a TCP socket is not connected (a Unix one takes it unconnected too)
     */
    public IpcSocket shutdownOutput() throws IOException {
        SocketCalls.shutdown(this, SocketNative.SHUT_WR());
        return this;
    }

    /**
     * Switches between blocking and non-blocking mode for the next calls of
     * this handle only: reads, writes, sends, receives and accepts; a connect
     * waits in either mode (see {@link #connect(SocketAddress)}).
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
     * @throws IpcException EMSGSIZE if a message was longer than dst's remaining space (it is lost;
     *         {@link #nextMessageSize()} tells the size beforehand); ECONNRESET; ENOTCONN, or
     *         EINVAL for a Unix stream socket, if not connected
     * @throws SocketTimeoutException if {@link SocketOptions#RECEIVE_TIMEOUT} expired
     * @throws AsynchronousCloseException if another thread closed the socket meanwhile
     * @throws ClosedChannelException if closed
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return SocketIo.receive(this, in, dst, null, 0).bytes();
    }

    /**
     * Writes bytes to a stream, or sends src's remaining bytes as one message.
     * In blocking mode a stream write sends every byte, or throws; as for
     * pipes, its position has then moved past exactly the bytes that went (an
     * exception never means that nothing was sent). Only a
     * {@link SocketOptions#SEND_TIMEOUT} that expires after some bytes went
     * returns fewer, as send(2) does. The timeout bounds each wait for room,
     * not the whole write: a heap buffer goes a 64 KiB part at a time, and
     * each part may wait that long.
     *
     * @param src the bytes from its position
     * @return the count sent; 0 if non-blocking and there is no room
     * @throws IpcException EPIPE if the peer closed; EMSGSIZE for a message too large; ENOTCONN
     * @throws SocketTimeoutException if {@link SocketOptions#SEND_TIMEOUT} expired before anything was sent
     * @throws AsynchronousCloseException if another thread closed the socket meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted meanwhile (the
     *         socket is closed)
     * @throws ClosedChannelException if closed
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return SocketIo.write(this, out, src, null, false);
    }

    /**
     * Sends bytes with jipc handles attached ({@code SCM_RIGHTS}, unix(7)):
     * the receiver gets its own descriptors of the same open files, see
     * {@link #receiveMessage(ByteBuffer)}. This process keeps its handles open.
     * At least one byte must be sent with them.
     *
     * @param src     the bytes, at least one; a stream sends them all, as {@link #write(ByteBuffer)}
     * @param handles the handles to pass, at most 253
     * @return the count of bytes sent (the handles went with the first)
     * @throws IOException as {@link #write(ByteBuffer)}; ETOOMANYREFS past the kernel's nesting limit
     * @throws ClosedChannelException if this socket or a handle is closed
     * @throws IllegalArgumentException if src is empty or there are too many handles
     * @throws UnsupportedOperationException for a TCP or UDP socket: only Unix-domain sockets carry handles
     */
    public int send(ByteBuffer src, Inheritable... handles) throws IOException {
        return SocketIo.write(this, out, src, Objects.requireNonNull(handles, "handles"), false);
    }

    /**
     * Sends bytes with this process's pid, uid and gid attached ({@code SCM_CREDENTIALS}).
     *
     * @param src the bytes; a stream sends them all, as {@link #write(ByteBuffer)}
     * @return the count sent
     * @throws IOException as {@link #write(ByteBuffer)}
     * @throws UnsupportedOperationException for a TCP or UDP socket: only Unix-domain sockets carry credentials
     */
    public int sendWithCredentials(ByteBuffer src) throws IOException {
        return SocketIo.write(this, out, src, null, true);
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
     * Sends one message to an address with jipc handles attached
     * ({@code SCM_RIGHTS}): what {@link #send(ByteBuffer, Inheritable...)}
     * does on a connected socket, for an unconnected Unix datagram socket.
     * This process keeps its handles open.
     *
     * @param src     the message, at least one byte
     * @param to      the address, a {@link UnixAddress}
     * @param handles the handles to pass, at most 253
     * @return the count sent; 0 if non-blocking and there is no room
     * @throws IOException as {@link #sendTo(ByteBuffer, SocketAddress)}
     * @throws ClosedChannelException if this socket or a handle is closed
     * @throws IllegalArgumentException if src is empty or there are too many handles
     * @throws UnsupportedOperationException for a UDP socket: only Unix-domain sockets carry handles
     */
    public int sendTo(ByteBuffer src, SocketAddress to, Inheritable... handles) throws IOException {
        return SocketIo.send(this, out, src, Objects.requireNonNull(to, "to"), Objects.requireNonNull(handles,
                "handles"), false);
    }

    /**
     * Receives one message and its sender's address (recvmsg(2)).
     *
     * @param dst the buffer
     * @return the sender's address ({@link UnixAddress#unnamed()} for an unbound Unix sender);
     *         null if non-blocking and nothing is there
     * @throws IOException as {@link #read(ByteBuffer)}
     * @throws UnsupportedOperationException for a {@link SocketType#STREAM} socket, a byte stream
     *         without senders or message ends: use {@link #read(ByteBuffer)}
     */
    public SocketAddress receiveFrom(ByteBuffer dst) throws IOException {
        if (!type.messages()) {
            throw new UnsupportedOperationException("a " + type + " socket carries a byte stream from one peer, not"
                    + " messages from senders: read it with read(ByteBuffer), and its peer is remoteAddress()");
        }
        ReceivedMessage m = SocketIo.receive(this, in, dst, true, 0);
        return m.bytes() == 0 && m.sender() == null ? null : m.sender();
    }

    /**
     * Receives bytes or a message with what came along: handles passed by the
     * sender (as their jipc types, close-on-exec), credentials, the sender's address.
     *
     * @param dst the buffer
     * @return what arrived; {@link ReceivedMessage#bytes()} is 0 if non-blocking and nothing is there
     * @throws IpcException as {@link #read(ByteBuffer)}; also EMSGSIZE when more handles came than 253
     *         (MSG_CTRUNC): those that arrived are closed, and the bytes are in dst, its position moved
     *         past them
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
     * The size of the next message waiting on this datagram, seqpacket or raw
     * socket, leaving it queued for the next receive (recv(2) with
     * {@code MSG_PEEK | MSG_TRUNC}): a receive into a buffer with less room
     * than the message cuts it, and the rest is lost (the receive then throws
     * {@code EMSGSIZE}), so a caller that does not know the largest message
     * sizes its buffer by this first. In blocking mode it waits for a message
     * as a receive does (woken by {@link #close()} and
     * {@link Thread#interrupt()} the same way); in non-blocking mode it never
     * waits. Handles sent along stay with the message.
     *
     * <p>Another thread receiving meanwhile may take that message first: the
     * size is of the message at the head of the queue when this looked.
     *
     * @return the next message's size in bytes (0 for an empty message); empty when no
     *         message waits in non-blocking mode, or at the end (a seqpacket peer that
     *         closed, or input shut down), which the next receive reports
     * @throws UnsupportedOperationException for a {@link SocketType#STREAM} socket, a byte stream
     * @throws ClosedChannelException if this socket is closed
     * @throws java.nio.channels.AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws SocketTimeoutException if {@link SocketOptions#RECEIVE_TIMEOUT} expired
     * @throws IpcException           if recv(2) fails: ECONNRESET, ENOTCONN
     */
    public OptionalInt nextMessageSize() throws IOException {
        return SocketIo.nextMessageSize(this, in);
    }

    /**
     * The credentials of the peer process as it connected or made the pair ({@code SO_PEERCRED}, unix(7));
     * for a listening socket, this process's own.
     *
     * @return pid, uid and gid
     * @throws IpcException ENOTCONN if there is no peer (not connected); EOPNOTSUPP for a socket not of the Unix domain
     */
    public Credentials peerCredentials() throws IOException {
        return SocketCalls.peerCredentials(this);
    }

    /**
     * The address this socket is bound to (getsockname(2)).
     *
     * @return the address; {@link UnixAddress#unnamed()} for an unbound Unix socket
     * @throws IOException if getsockname(2) fails
     */
    public SocketAddress localAddress() throws IOException {
        return SocketCalls.name(this, in, 0, SocketCall.NAME);
    }

    /**
     * The address of the peer (getpeername(2)).
     *
     * @return the address
     * @throws IpcException ENOTCONN if not connected
     */
    public SocketAddress remoteAddress() throws IOException {
        return SocketCalls.name(this, in, 1, SocketCall.PEER_NAME);
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
     * @throws IpcException EOPNOTSUPP or ENOPROTOOPT where the option does not apply to the socket
     *         (TCP_NODELAY on a Unix socket, PASS_CREDENTIALS on a TCP one)
     */
    public <T> IpcSocket setOption(SocketOption<T> option, T value) throws IOException {
        SocketCalls.setOption(this, option, value);
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
        return SocketCalls.getOption(this, option);
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
        return enter(handle, block);
    }

    /** Leaves a call; woken tells that the guard fired. */
    void exit(boolean block, boolean woken) throws AsynchronousCloseException {
        exit(handle, block, woken);
    }

    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return "IpcSocket[" + description + (isOpen() ? "" : ", closed") + "]";
    }
}
