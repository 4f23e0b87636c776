package io.github.jipc.bench.xproc;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.jipc.IpcSocket;
import io.github.jipc.PollEvent;
import io.github.jipc.PollKey;
import io.github.jipc.Poller;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;

/**
 * Readiness ({@code poll}): {@link #CHANNELS} Unix stream connections between
 * parent and child, every end registered for reading with a readiness API on
 * its side (bench/c/src/xproc_poll.c is the C side, with epoll(7)). Round
 * trips only: the parent writes message seq on channel seq % CHANNELS, then
 * waits for readiness and reads the answer from the channel reported; the
 * child waits, reads the ready channel's message and answers through it.
 * <ul>
 * <li>jipc: {@link IpcSocket#pair} per channel, the child JVM inherits the second ends as descriptors 3 on;
 * a {@link Poller} on each side, blocking reads and writes;</li>
 * <li>the JDK: a {@link Selector} on each side over non-blocking {@link SocketChannel}s on a
 * {@link UnixDomainSocketAddress} (the parent listens on a path, the child connects CHANNELS times).</li>
 * </ul>
 * Beside the unix row, this is what waiting through the readiness API adds per message. The parent's close
 * of every channel ends the child (end of stream).
 */
final class PollTransport implements Transport {
    /** As XPROC_POLL_CHANNELS in xproc_poll.c. */
    static final int CHANNELS = 32;
    private static final int FIRST_FD = 3;

    @Override
    public String key() {
        return "poll";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> CHANNELS + " socketpair(AF_UNIX, SOCK_STREAM) + fork; epoll_wait on each side, then blocking read/write";
            case JNI -> null;
            case JIPC -> CHANNELS + " IpcSocket.pair(STREAM) inherited by the child JVM; a Poller on each side";
            case JDK -> CHANNELS + " SocketChannels over a UnixDomainSocketAddress, non-blocking; a Selector on each side";
        };
    }

    /** Round trips only: a stream through many channels has no one order to check. */
    @Override
    public List<Workload> workloads(List<Workload> asked) {
        return asked.stream().filter(w -> w.kind() == Workload.Kind.ROUND_TRIP).toList();
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (label(side) == null || w.kind() != Workload.Kind.ROUND_TRIP) {
            throw new IllegalArgumentException("poll has no " + side + " " + w);
        }
        return side == Side.JDK ? openJdk(w, context, watchdog) : openJipc(w, context, watchdog);
    }

    private Link openJipc(Workload w, RunContext context, Watchdog watchdog) throws Exception {
        List<AutoCloseable> ends = new ArrayList<>();
        try {
            Poller poller = Poller.open();
            ends.add(poller);
            watchdog.onExpiry(poller);
            IpcSocket[] mine = new IpcSocket[CHANNELS];
            IpcSocket[] theirs = new IpcSocket[CHANNELS];
            for (int i = 0; i < CHANNELS; i++) {
                SocketPair p = IpcSocket.pair(SocketType.STREAM);
                mine[i] = p.first();
                theirs[i] = p.second();
                ends.add(mine[i]);
                ends.add(theirs[i]);
                watchdog.onExpiry(mine[i]);
                poller.register(mine[i], PollEvent.READ).attach(i);
            }
            SpawnedJvm child = SpawnedJvm.start(context, watchdog, b -> {
                for (int i = 0; i < CHANNELS; i++) {
                    b.inherit(theirs[i], FIRST_FD + i);
                }
            }, Peer.args(context, this, Side.JIPC, w));
            for (IpcSocket s : theirs) {
                s.close();
            }
            List<AutoCloseable> order = new ArrayList<>(List.of(mine));
            order.add(poller);
            return Transport.link(new PollerWire(poller, mine, w.size()), child, order.toArray(AutoCloseable[]::new));
        } catch (Exception e) {
            PipeTransport.closeAll(e, ends.toArray(AutoCloseable[]::new));
            throw e;
        }
    }

    private Link openJdk(Workload w, RunContext context, Watchdog watchdog) throws Exception {
        Path path = context.newPath("jdk-poll", ".sock");
        List<AutoCloseable> ends = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path), CHANNELS);
            watchdog.onExpiry(server);
            Selector selector = Selector.open();
            ends.add(selector);
            watchdog.onExpiry(selector);
            ProcessChild child = ProcessChild.start(context, watchdog, false, Peer.args(context, this, Side.JDK, w,
                    path.toString()));
            try {
                SocketChannel[] mine = new SocketChannel[CHANNELS];
                for (int i = 0; i < CHANNELS; i++) {
                    mine[i] = server.accept();
                    ends.add(mine[i]);
                    watchdog.onExpiry(mine[i]);
                    mine[i].configureBlocking(false);
                    mine[i].register(selector, SelectionKey.OP_READ, i);
                }
                ends.remove(selector);
                ends.add(selector);
                return Transport.link(new SelectorWire(selector, mine, w.size()), child, ends.toArray(AutoCloseable[]::new));
            } catch (Exception e) {
                PipeTransport.closeAll(e, child);
                throw e;
            }
        } catch (Exception e) {
            PipeTransport.closeAll(e, ends.toArray(AutoCloseable[]::new));
            throw e;
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(w.size());
        if (side == Side.JDK) {
            List<SocketChannel> channels = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int i = 0; i < CHANNELS; i++) {
                    SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(args.get(0)));
                    channels.add(c);
                    c.configureBlocking(false);
                    c.register(selector, SelectionKey.OP_READ);
                }
                boolean[] ended = {false};
                while (!ended[0]) {
                    selector.select(k -> {
                        if (ended[0]) {
                            return;
                        }
                        SocketChannel c = (SocketChannel) k.channel();
                        try {
                            if (!readFully(c, buf)) {
                                ended[0] = true;
                                return;
                            }
                            buf.flip();
                            writeFully(c, buf);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        ChildMeter.tick();
                    });
                }
            } finally {
                PipeTransport.closeAll(new IOException(), channels.toArray(AutoCloseable[]::new));
            }
            return;
        }
        List<IpcSocket> sockets = new ArrayList<>();
        try (Poller poller = Poller.open()) {
            for (int i = 0; i < CHANNELS; i++) {
                IpcSocket s = IpcSocket.inherited(FIRST_FD + i);
                sockets.add(s);
                poller.register(s, PollEvent.READ);
            }
            for (;;) {
                for (PollKey k : poller.poll()) {
                    IpcSocket s = (IpcSocket) k.handle();
                    if (!readFully(s, buf)) {
                        return;
                    }
                    buf.flip();
                    writeFully(s, buf);
                    ChildMeter.tick();
                }
            }
        } finally {
            PipeTransport.closeAll(new IOException(), sockets.toArray(AutoCloseable[]::new));
        }
    }

    /** Fills buf (a non-blocking channel: retries while nothing is there); false at end of stream before a byte. */
    static boolean readFully(java.nio.channels.ReadableByteChannel c, ByteBuffer buf) throws IOException {
        buf.clear();
        do {
            if (c.read(buf) < 0) {
                if (buf.position() == 0) {
                    return false;
                }
                throw new EOFException("end of stream inside a message");
            }
        } while (buf.hasRemaining());
        return true;
    }

    static void writeFully(java.nio.channels.WritableByteChannel c, ByteBuffer buf) throws IOException {
        do {
            c.write(buf);
        } while (buf.hasRemaining());
    }

    /** The parent through jipc: writes on channel seq % CHANNELS, waits in the Poller, reads the channel it reports. */
    static final class PollerWire extends ReadinessWire {
        private final Poller poller;
        private final IpcSocket[] sockets;

        PollerWire(Poller poller, IpcSocket[] sockets, int size) {
            super(size);
            this.poller = poller;
            this.sockets = sockets;
        }

        @Override
        void write() throws IOException {
            writeFully(sockets[channel], msg);
        }

        @Override
        boolean read() throws IOException {
            List<PollKey> ready = poller.poll();
            if (ready.size() != 1 || (int) ready.get(0).attachment() != channel) {
                throw new IllegalStateException("expected channel " + channel + " ready, got " + ready);
            }
            return readFully(sockets[channel], reply);
        }
    }

    /** What both parents share: a message stamped for the channel its number picks, and the reply checked. */
    abstract static class ReadinessWire extends Wire {
        final ByteBuffer msg;
        final ByteBuffer reply;
        int channel;

        ReadinessWire(int size) {
            this.msg = Messages.direct(size);
            this.reply = Messages.direct(size);
        }

        @Override
        final void stamp(long seq) {
            Messages.stamp(msg, seq);
            msg.clear();
            channel = (int) (seq % CHANNELS);
        }

        @Override
        final void check(long seq) {
            Messages.check(reply, seq);
        }
    }

    /** The parent through the JDK: the same over a Selector and non-blocking SocketChannels. */
    static final class SelectorWire extends ReadinessWire {
        private final Selector selector;
        private final SocketChannel[] channels;
        private int seen;

        SelectorWire(Selector selector, SocketChannel[] channels, int size) {
            super(size);
            this.selector = selector;
            this.channels = channels;
        }

        @Override
        void write() throws IOException {
            writeFully(channels[channel], msg);
        }

        @Override
        boolean read() throws IOException {
            seen = -1;
            int n = selector.select(found);
            if (n != 1 || seen != channel) {
                throw new IllegalStateException("expected channel " + channel + " ready, got " + n + " keys (" + seen + ")");
            }
            return readFully(channels[channel], reply);
        }

        private final java.util.function.Consumer<SelectionKey> found = k -> seen = (Integer) k.attachment();
    }
}
