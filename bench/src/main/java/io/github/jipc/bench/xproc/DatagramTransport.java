package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import io.github.jipc.IpcException;
import io.github.jipc.IpcSocket;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;

/**
 * Datagram sockets, one datagram per message, blocking sends and receives
 * through direct buffers (bench/c/src/xproc_dgram.c is the C side):
 * <ul>
 * <li>{@code dgram}, a Unix datagram pair: jipc's {@link IpcSocket#pair} whose second end the child JVM
 * inherits as descriptor 3. The JDK has no Unix datagram channel ({@link DatagramChannel} takes Internet
 * addresses only), so no JDK side. A sender waits while the receiver's queue is full: nothing is lost.</li>
 * <li>{@code udp}, UDP on the loopback: jipc's two {@link IpcSocket#bound} sockets on 127.0.0.1,
 * connected to each other, one inherited by the child; the JDK's connected {@link DatagramChannel}s (the
 * child binds its own, connects to the parent's port and says hello, so that the parent learns its
 * address). Streams carry 1 KiB and 8 KiB datagrams (asked sizes up to 4 KiB become 1 KiB, larger ones
 * 8 KiB): a UDP sender is never held back on the loopback, and what the receiver's buffer cannot hold is
 * dropped; the receiver counts the gaps within its window as lost ({@link Wire#arrived}) and the report
 * shows them.</li>
 * </ul>
 * A datagram shorter than a message ends a round-trip child (the parent sends one; a datagram socket has no
 * end of stream). The parent's close ends a streaming child: its next send fails (ECONNREFUSED).
 */
final class DatagramTransport implements Transport {
    private static final int FD = 3;
    private static final int UDP_SMALL = 1024;
    private static final int UDP_LARGE = 8192;

    private final boolean udp;

    private DatagramTransport(boolean udp) {
        this.udp = udp;
    }

    static DatagramTransport unix() {
        return new DatagramTransport(false);
    }

    static DatagramTransport udp() {
        return new DatagramTransport(true);
    }

    @Override
    public String key() {
        return udp ? "udp" : "dgram";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> udp ? "two UDP sockets on 127.0.0.1 connected to each other, fork; blocking send/recv"
                    : "socketpair(AF_UNIX, SOCK_DGRAM) + fork, blocking send/recv";
            case JNI -> null;
            case JIPC -> udp ? "two IpcSocket.bound(DATAGRAM) on 127.0.0.1 connected to each other, one inherited by the child JVM"
                    : "IpcSocket.pair(DATAGRAM), the child JVM inherits one end (Subprocess)";
            case JDK -> udp ? "connected DatagramChannels on 127.0.0.1 (the child binds, connects and says hello)" : null;
        };
    }

    @Override
    public String missing(Side side) {
        return side == Side.JDK && !udp ? "the JDK has no Unix datagram channel (DatagramChannel takes Internet addresses only)"
                : null;
    }

    /** UDP streams: 1 KiB for asked sizes up to 4 KiB, 8 KiB above; duplicates go. */
    @Override
    public List<Workload> workloads(List<Workload> asked) {
        if (!udp) {
            return asked;
        }
        List<Workload> out = new ArrayList<>();
        for (Workload w : asked) {
            Workload fit = w.kind() == Workload.Kind.ROUND_TRIP ? w
                    : new Workload(w.kind(), w.size() <= 4096 ? UDP_SMALL : UDP_LARGE);
            if (!out.contains(fit)) {
                out.add(fit);
            }
        }
        return out;
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (label(side) == null) {
            throw new IllegalArgumentException(key() + " has no " + side + " side");
        }
        if (side == Side.JDK) {
            return openJdk(w, context, watchdog);
        }
        IpcSocket mine = null;
        IpcSocket theirs = null;
        try {
            if (udp) {
                InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
                mine = IpcSocket.bound(loopback, SocketType.DATAGRAM);
                theirs = IpcSocket.bound(loopback, SocketType.DATAGRAM);
                mine.connect(theirs.localAddress());
                theirs.connect(mine.localAddress());
            } else {
                SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM);
                mine = pair.first();
                theirs = pair.second();
            }
            IpcSocket hand = theirs;
            SpawnedJvm child = SpawnedJvm.start(context, watchdog, b -> b.inherit(hand, FD), Peer.args(context, this, side, w));
            theirs.close();
            watchdog.onExpiry(mine);
            return link(w, mine, child);
        } catch (Exception e) {
            PipeTransport.closeAll(e, mine, theirs);
            throw e;
        }
    }

    private Link link(Workload w, ByteChannel ch, ChildJvm child) {
        DatagramWire wire = new DatagramWire(ch, w.size(), udp && w.kind() == Workload.Kind.STREAM);
        if (w.kind() == Workload.Kind.STREAM) {
            return Transport.link(wire, child, ch);
        }
        return Transport.link(wire, child, wire::end, ch);
    }

    private Link openJdk(Workload w, RunContext context, Watchdog watchdog) throws Exception {
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            watchdog.onExpiry(ch);
            String port = String.valueOf(((InetSocketAddress) ch.getLocalAddress()).getPort());
            ProcessChild child = ProcessChild.start(context, watchdog, false, Peer.args(context, this, Side.JDK, w, port));
            try {
                SocketAddress from = ch.receive(ByteBuffer.allocate(1));
                ch.connect(from);
                return link(w, ch, child);
            } catch (Exception e) {
                PipeTransport.closeAll(e, child);
                throw e;
            }
        } catch (Exception e) {
            PipeTransport.closeAll(e, ch);
            throw e;
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws IOException {
        boolean rtt = w.kind() == Workload.Kind.ROUND_TRIP;
        ByteChannel ch;
        if (side == Side.JDK) {
            DatagramChannel d = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            d.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args.get(0))));
            d.write(ByteBuffer.allocate(1)); // hello: the parent learns where this channel is
            ch = d;
        } else {
            ch = IpcSocket.inherited(FD);
        }
        try (ch) {
            if (rtt) {
                echo(ch, w.size());
            } else {
                send(ch, w.size());
            }
        }
    }

    private static void echo(ByteChannel ch, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(size + 1);
        for (;;) {
            buf.clear();
            int n = ch.read(buf);
            if (n < Messages.MIN_SIZE) {
                return; // the parent's end
            }
            if (n != size) {
                throw new IOException("a datagram of " + n + " bytes, expected " + size);
            }
            buf.flip();
            if (ch.write(buf) != size) {
                throw new IOException("a datagram went short");
            }
            ChildMeter.tick();
        }
    }

    private static void send(ByteChannel ch, int size) throws IOException {
        ByteBuffer msg = Messages.direct(size);
        for (long seq = 0;;) {
            Messages.stamp(msg, seq);
            msg.clear();
            try {
                if (ch.write(msg) != size) {
                    throw new IOException("a datagram went short");
                }
            } catch (IpcException e) {
                if (e.errnoName().equals("ENOBUFS")) {
                    continue; // not sent: the same datagram again
                }
                if (readerLeft(e.errnoName())) {
                    return;
                }
                throw e;
            } catch (PortUnreachableException e) {
                return; // the reader has its count and left
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                if (m.contains("Connection refused") || m.contains("Broken pipe")) {
                    return;
                }
                throw e;
            }
            seq++;
            ChildMeter.tick();
        }
    }

    private static boolean readerLeft(String errno) {
        return errno.equals("ECONNREFUSED") || errno.equals("EPIPE") || errno.equals("ECONNRESET");
    }

    /** The parent's side: one datagram per message, checked to be exactly a message long. */
    static final class DatagramWire extends MessageWire {
        private final ByteChannel ch;
        private final int size;
        private final boolean lossy;
        private final ByteBuffer in;

        DatagramWire(ByteChannel ch, int size, boolean lossy) {
            // One byte more than a message, so that a longer datagram shows (the JDK would cut it silently).
            this(ch, size, lossy, ByteBuffer.allocateDirect(size + 1));
        }

        private DatagramWire(ByteChannel ch, int size, boolean lossy, ByteBuffer in) {
            super(Messages.direct(size), in.slice(0, size).order(ByteOrder.nativeOrder()));
            this.ch = ch;
            this.size = size;
            this.lossy = lossy;
            this.in = in;
        }

        @Override
        void write() throws IOException {
            if (ch.write(msg) != size) {
                throw new IOException("a datagram went short");
            }
        }

        @Override
        boolean read() throws IOException {
            in.clear();
            int n = ch.read(in);
            if (n != size) {
                throw new IOException("a datagram of " + n + " bytes, expected " + size);
            }
            return true;
        }

        @Override
        long arrived() {
            return lossy ? reply.getLong(0) : -1;
        }

        /** Ends a round-trip child: a datagram shorter than a message. */
        void end() throws IOException {
            ch.write(ByteBuffer.allocateDirect(1));
        }
    }
}
