package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.jipc.IpcException;
import io.github.jipc.IpcSocket;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;

/**
 * Sockets, one connection between parent and child, blocking reads and
 * writes of whole messages through direct buffers ({@link ChannelWire}):
 * <ul>
 * <li>{@code unix}, a Unix stream socket: jipc's {@link IpcSocket#pair} whose second end the child JVM inherits
 * as descriptor 3 ({@link io.github.jipc.Subprocess}); the JDK's {@link SocketChannel} over a
 * {@link UnixDomainSocketAddress} (the JDK has no socket pairs: the parent listens on a path, the child
 * connects); the bare-JNI control: one socketpair(2), read(2)/write(2) as bare JNI calls ({@link JniWire});</li>
 * <li>{@code seqpacket}, a Unix seqpacket pair (one message per read): jipc only, the JDK has none;</li>
 * <li>{@code tcp}, TCP over the loopback with {@code TCP_NODELAY}: jipc's {@link IpcSocket#listening} and
 * {@link IpcSocket#connected}; the JDK's {@link ServerSocketChannel} and {@link SocketChannel}. The parent
 * listens on 127.0.0.1 (port chosen by the kernel), the child connects.</li>
 * </ul>
 * The parent's close ends a round-trip child (end of stream) and a streaming one (EPIPE or ECONNRESET).
 */
final class SocketTransport implements Transport {
    private static final int FD = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    enum Kind { UNIX, SEQPACKET, TCP }

    private final Kind kind;

    SocketTransport(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String key() {
        return switch (kind) {
            case UNIX -> "unix";
            case SEQPACKET -> "seqpacket";
            case TCP -> "tcp";
        };
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> switch (kind) {
                case UNIX -> "socketpair(AF_UNIX, SOCK_STREAM) + fork, blocking read/write";
                case SEQPACKET -> "socketpair(AF_UNIX, SOCK_SEQPACKET) + fork, blocking read/write";
                case TCP -> "listen on 127.0.0.1, fork, connect; TCP_NODELAY; blocking read/write";
            };
            case JNI -> kind == Kind.UNIX ? "bare JNI read/write on a blocking socketpair(AF_UNIX, SOCK_STREAM) in both JVMs"
                    : null;
            case JIPC -> switch (kind) {
                case UNIX -> "IpcSocket.pair(STREAM), the child JVM inherits one end (Subprocess)";
                case SEQPACKET -> "IpcSocket.pair(SEQPACKET), the child JVM inherits one end (Subprocess)";
                case TCP -> "IpcSocket.listening on 127.0.0.1, the child JVM connects; TCP_NODELAY";
            };
            case JDK -> switch (kind) {
                case UNIX -> "SocketChannel over a UnixDomainSocketAddress (the parent listens on a path)";
                case SEQPACKET -> null;
                case TCP -> "ServerSocketChannel on 127.0.0.1 and SocketChannel; TCP_NODELAY";
            };
        };
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (label(side) == null) {
            throw new IllegalArgumentException(key() + " has no " + side + " side");
        }
        if (side == Side.JDK) {
            return openJdk(w, context, watchdog);
        }
        if (side == Side.JNI) {
            return JniWire.openSocketPair(this, w, context, watchdog, FD);
        }
        if (kind == Kind.TCP) {
            try (IpcSocket listener = IpcSocket.listening(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    SocketType.STREAM, 1)) {
                watchdog.onExpiry(listener);
                InetSocketAddress at = (InetSocketAddress) listener.localAddress();
                SpawnedJvm child = SpawnedJvm.start(context, watchdog, b -> { },
                        Peer.args(context, this, side, w, String.valueOf(at.getPort())));
                try {
                    IpcSocket s = listener.accept(context.settings.timeout());
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    watchdog.onExpiry(s);
                    return link(w, s, child);
                } catch (Exception e) {
                    PipeTransport.closeAll(e, child);
                    throw e;
                }
            }
        }
        SocketPair pair = IpcSocket.pair(kind == Kind.UNIX ? SocketType.STREAM : SocketType.SEQPACKET);
        try {
            SpawnedJvm child = SpawnedJvm.start(context, watchdog, b -> b.inherit(pair.second(), FD),
                    Peer.args(context, this, side, w));
            // The child holds its end now; ours would keep end of stream from happening.
            pair.second().close();
            watchdog.onExpiry(pair.first());
            return link(w, pair.first(), child);
        } catch (Exception e) {
            PipeTransport.closeAll(e, pair);
            throw e;
        }
    }

    private static Link link(Workload w, java.nio.channels.ByteChannel s, ChildJvm child) {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        return Transport.link(rtt ? new ChannelWire(s, s, w.size()) : new ChannelWire(s, w.size()), child, s);
    }

    private Link openJdk(Workload w, RunContext context, Watchdog watchdog) throws Exception {
        Path path = kind == Kind.UNIX ? context.newPath("jdk", ".sock") : null;
        ServerSocketChannel server = null;
        try {
            if (path != null) {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path), 1);
            } else {
                server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            }
            watchdog.onExpiry(server);
            String where = path != null ? path.toString()
                    : String.valueOf(((InetSocketAddress) server.getLocalAddress()).getPort());
            ProcessChild child = ProcessChild.start(context, watchdog, false, Peer.args(context, this, Side.JDK, w, where));
            try {
                SocketChannel s = server.accept();
                if (kind == Kind.TCP) {
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                watchdog.onExpiry(s);
                return link(w, s, child);
            } catch (Exception e) {
                PipeTransport.closeAll(e, child);
                throw e;
            }
        } finally {
            PipeTransport.closeAll(new Exception(), server);
            if (path != null) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws IOException {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        if (side == Side.JNI) {
            JniWire.child(rtt ? FD : -1, FD, w.size());
            return;
        }
        if (side == Side.JDK) {
            SocketAddress to = kind == Kind.UNIX ? UnixDomainSocketAddress.of(args.get(0))
                    : new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args.get(0)));
            try (SocketChannel s = SocketChannel.open(to)) {
                if (kind == Kind.TCP) {
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                if (rtt) {
                    ChannelWire.echo(s, s, w.size());
                } else {
                    ChannelWire.send(s, w.size());
                }
            } catch (IOException e) {
                if (rtt || !readerLeft(e)) {
                    throw e;
                }
            }
            return;
        }
        IpcSocket s = kind == Kind.TCP
                ? IpcSocket.connected(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args.get(0))),
                        SocketType.STREAM, CONNECT_TIMEOUT)
                : IpcSocket.inherited(FD);
        try (s) {
            if (kind == Kind.TCP) {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (rtt) {
                ChannelWire.echo(s, s, w.size());
            } else {
                ChannelWire.send(s, w.size());
            }
        } catch (IpcException e) {
            if (rtt || !(e.errnoName().equals("EPIPE") || e.errnoName().equals("ECONNRESET"))) {
                throw e;
            }
            // The reader has its count and left.
        }
    }

    /** EPIPE or ECONNRESET, as the JDK reports them: the reader has its count and left. */
    private static boolean readerLeft(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("Broken pipe") || m.contains("Connection reset"));
    }
}
