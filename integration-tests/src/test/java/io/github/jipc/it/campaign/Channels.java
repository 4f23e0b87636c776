package io.github.jipc.it.campaign;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.EventFd;
import io.github.jipc.EventFdOption;
import io.github.jipc.Inheritable;
import io.github.jipc.IpcSocket;
import io.github.jipc.MessageQueue;
import io.github.jipc.Pipe;
import io.github.jipc.PollEvent;
import io.github.jipc.Pollable;
import io.github.jipc.Poller;
import io.github.jipc.SocketOptions;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.UnixAddress;

/** Message queues, every kind of socket, event counters and the Poller. */
final class Channels implements Facility {
    private static final SocketType[] LOCAL = { SocketType.STREAM, SocketType.DATAGRAM, SocketType.SEQPACKET };

    private final Slots<MessageQueue> queues = new Slots<>("MessageQueue", 3);
    private final Slots<IpcSocket> sockets = new Slots<>("IpcSocket", 6);
    private final Slots<EventFd> counters = new Slots<>("EventFd", 3);
    private final Slots<Poller> pollers = new Slots<>("Poller", 2);
    private final Names names;
    private final Path folder;
    private final AtomicInteger addresses = new AtomicInteger();

    Channels(Names names, Path folder) {
        this.names = names;
        this.folder = folder;
    }

    @Override
    public String name() {
        return "message queues, sockets, eventfd, Poller";
    }

    @Override
    public void step(Random r, Calls c) {
        switch (r.nextInt(15)) {
            case 0 -> openQueue(r, c);
            case 1 -> queueCalls(r, c);
            case 2 -> c.call("IpcSocket.pair", Calls.OS, () -> {
                SocketPair p = IpcSocket.pair(LOCAL[r.nextInt(LOCAL.length)]);
                sockets.put(r, p.first(), c);
                sockets.put(r, p.second(), c);
            });
            case 3, 4 -> socketCalls(r, c);
            case 5 -> addressMisuse(r, c);
            case 6 -> c.call("EventFd.create", Calls.OS, () -> counters.put(r, EventFd.create(r.nextInt(4) - 1,
                    r.nextBoolean() ? new EventFdOption[] { EventFdOption.SEMAPHORE } : new EventFdOption[0]), c));
            case 7 -> eventCalls(r, c);
            case 8 -> pollerCalls(r, c);
            case 9 -> raceQueue(r, c);
            case 10 -> raceSocket(r, c);
            case 11 -> raceEvent(r, c);
            case 12 -> racePoller(r, c);
            case 13 -> c.call("IpcSocket UDP/raw", Calls.OS, () -> {
                if (r.nextInt(4) == 0) {
                    // raw(7): CAP_NET_RAW or AccessDeniedException
                    IpcSocket.open(io.github.jipc.SocketDomain.INET, SocketType.RAW, IpcSocket.PROTOCOL_ICMP).close();
                    return;
                }
                IpcSocket u = IpcSocket.bound(new InetSocketAddress("127.0.0.1", 0), SocketType.DATAGRAM);
                sockets.put(r, u, c);
                u.configureBlocking(false);
                u.sendTo(Streams.buffer(r, 70_000), r.nextBoolean() ? u.localAddress() : new InetSocketAddress("127.0.0.1", 9));
                u.receiveFrom(ByteBuffer.allocateDirect(r.nextInt(100)));
            });
            default -> c.call("IpcSocket.listening/connected", Calls.OS, () -> {
                SocketAddress a = r.nextBoolean() ? UnixAddress.abstractName("jipc-campaign-" + ProcessHandle.current().pid()
                        + "-" + addresses.getAndIncrement() % 4) : new InetSocketAddress("127.0.0.1", 0);
                SocketType t = r.nextBoolean() ? SocketType.STREAM : SocketType.SEQPACKET;
                if (a instanceof InetSocketAddress) {
                    t = SocketType.STREAM;
                }
                IpcSocket l = IpcSocket.listening(a, t, r.nextInt(3) - 1);
                sockets.put(r, l, c);
                sockets.put(r, IpcSocket.connected(l.localAddress(), t, Duration.ofMillis(100)), c);
                l.configureBlocking(false);
                IpcSocket accepted = l.accept();
                if (accepted != null) {
                    sockets.put(r, accepted, c);
                }
            });
        }
    }

    private void openQueue(Random r, Calls c) {
        c.call("MessageQueue.create", Calls.OS.and(Calls.NULL), () -> {
            long max = r.nextInt(8) == 0 ? r.nextInt(3) - 1 : r.nextInt(8) == 0 ? 1000 : 1 + r.nextInt(10);
            int size = r.nextInt(8) == 0 ? r.nextInt(3) - 1 : r.nextInt(8) == 0 ? 1 << 20 : 1 + r.nextInt(8192);
            MessageQueue q = switch (r.nextInt(4)) {
                case 0 -> MessageQueue.create(names.good(r), max, size, Regions.OWNER_RW);
                case 1 -> MessageQueue.create(Names.bad(r), max, size, Regions.OWNER_RW);
                default -> MessageQueue.createUnnamed(max, size);
            };
            q.configureBlocking(r.nextInt(4) == 0);
            queues.put(r, q, c);
        });
    }

    private void queueCalls(Random r, Calls c) {
        MessageQueue q = queues.pick(r);
        if (q == null) {
            return;
        }
        int prio = r.nextInt(8) == 0 ? (r.nextBoolean() ? -1 : MessageQueue.maxPriority() + 1) : r.nextInt(5);
        switch (r.nextInt(7)) {
            case 0 -> c.call("MessageQueue.trySend", Calls.OS, () -> q.trySend(Streams.buffer(r, 9000), prio));
            case 1 -> c.call("MessageQueue.tryReceive", Calls.OS.and(Calls.Allowed.of(java.nio.ReadOnlyBufferException.class)),
                    () -> q.tryReceive(Streams.buffer(r, 9000)));
            case 2 -> c.call("MessageQueue.send(timeout)", Calls.OS,
                    () -> q.send(ByteBuffer.allocate(r.nextInt(100)), prio, Duration.ofNanos(r.nextInt(100_000) - 100)));
            case 3 -> c.call("MessageQueue.receive(timeout)", Calls.OS,
                    () -> q.receive(ByteBuffer.allocateDirect(q.messageSize()), Duration.ofNanos(r.nextInt(100_000))));
            case 4 -> c.call("MessageQueue.attributes", Calls.OS, q::attributes);
            case 5 -> c.call("MessageQueue.unlink", Calls.OS.and(Calls.Allowed.of(IllegalStateException.class)), q::unlink);
            default -> c.call("MessageQueue.close", Calls.CLOSE, q::close);
        }
    }

    private void socketCalls(Random r, Calls c) {
        IpcSocket s = sockets.pick(r);
        if (s == null) {
            return;
        }
        switch (r.nextInt(9)) {
            case 0 -> c.call("IpcSocket.write (non-blocking)", Calls.OS, () -> {
                s.configureBlocking(false);
                s.write(Streams.buffer(r, 300_000));
            });
            case 1 -> c.call("IpcSocket.read (non-blocking)", Calls.OS.and(Calls.Allowed.of(java.nio.ReadOnlyBufferException.class)), () -> {
                s.configureBlocking(false);
                s.read(Streams.buffer(r, 70_000));
            });
            case 2 -> c.call("IpcSocket.send with handles",
                    Calls.OS.and(Calls.NULL).and(Calls.Allowed.of(UnsupportedOperationException.class)), () -> {
                s.configureBlocking(false);
                try (Pipe p = Pipe.open()) {
                    Inheritable[] hs = new Inheritable[r.nextInt(4)];
                    for (int i = 0; i < hs.length; i++) {
                        hs[i] = r.nextInt(6) == 0 ? null : r.nextBoolean() ? p.source() : p.sink();
                    }
                    if (r.nextBoolean()) {
                        p.sink().close();
                    }
                    s.send(Streams.buffer(r, 10), hs);
                }
            });
            case 3 -> c.call("IpcSocket.receiveMessage (non-blocking)", Calls.OS, () -> {
                s.configureBlocking(false);
                var m = s.receiveMessage(ByteBuffer.allocateDirect(r.nextInt(64)), r.nextInt(300) - 2);
                if (m != null) {
                    for (Inheritable h : m.handles()) {
                        ((AutoCloseable) h).close();
                    }
                }
            });
            case 4 -> c.call("IpcSocket.options", Calls.OS.and(Calls.Allowed.of(UnsupportedOperationException.class)), () -> {
                s.setOption(SocketOptions.RECEIVE_TIMEOUT, Duration.ofMillis(r.nextInt(3) - 1));
                s.getOption(SocketOptions.PASS_CREDENTIALS);
                s.peerCredentials();
            });
            case 5 -> c.call("IpcSocket.shutdown", Calls.OS, () -> {
                if (r.nextBoolean()) {
                    s.shutdownInput();
                } else {
                    s.shutdownOutput();
                }
            });
            case 6 -> c.call("IpcSocket.bind/listen/connect (misuse)", Calls.OS.and(Calls.NULL), () -> {
                switch (r.nextInt(4)) {
                    case 0 -> s.bind(new InetSocketAddress("127.0.0.1", 0));
                    case 1 -> s.listen(r.nextInt(3) - 1);
                    case 2 -> s.connect(UnixAddress.abstractName("jipc-campaign-nobody-" + r.nextInt(3)));
                    default -> s.connect(null);
                }
            });
            case 7 -> c.call("IpcSocket.accept (non-blocking)", Calls.OS, () -> {
                s.configureBlocking(false);
                IpcSocket a = s.accept();
                if (a != null) {
                    a.close();
                }
            });
            default -> c.call("IpcSocket.close", Calls.CLOSE, s::close);
        }
    }

    private void addressMisuse(Random r, Calls c) {
        c.call("UnixAddress (bad)", Calls.OS.and(Calls.NULL), () -> {
            switch (r.nextInt(4)) {
                case 0 -> UnixAddress.abstractName(r.nextBoolean() ? Names.bad(r) : "z".repeat(200));
                case 1 -> UnixAddress.of(folder.resolve("s".repeat(50 + r.nextInt(100))));
                case 2 -> IpcSocket.bound(UnixAddress.of(folder.resolve("sock-" + r.nextInt(2))), LOCAL[r.nextInt(3)]).close();
                default -> IpcSocket.connected(UnixAddress.of(folder.resolve("none")), SocketType.STREAM, Duration.ofMillis(10));
            }
        });
    }

    private void eventCalls(Random r, Calls c) {
        EventFd e = counters.pick(r);
        if (e == null) {
            return;
        }
        switch (r.nextInt(4)) {
            case 0 -> c.call("EventFd.add", Calls.OS, () -> {
                e.configureBlocking(false);
                e.add(r.nextInt(4) == 0 ? (r.nextBoolean() ? -1 : EventFd.MAX_VALUE) : r.nextInt(5));
            });
            case 1 -> c.call("EventFd.take (non-blocking)", Calls.OS, () -> {
                e.configureBlocking(false);
                e.take();
            });
            case 2 -> c.call("EventFd.close", Calls.CLOSE, e::close);
            default -> c.call("EventFd.inherited (bad fd)", Calls.OS, () -> EventFd.inherited(r.nextInt(3) - 1 + 100_000));
        }
    }

    private void pollerCalls(Random r, Calls c) {
        if (r.nextInt(4) == 0) {
            c.call("Poller.open", Calls.OS, () -> pollers.put(r, Poller.open(), c));
            return;
        }
        Poller p = pollers.pick(r);
        if (p == null) {
            return;
        }
        switch (r.nextInt(4)) {
            case 0 -> c.call("Poller.register", Calls.OS.and(Calls.NULL).and(Calls.Allowed.of(IllegalStateException.class)), () -> {
                Pollable h = switch (r.nextInt(4)) {
                    case 0 -> sockets.pick(r);
                    case 1 -> counters.pick(r);
                    case 2 -> queues.pick(r);
                    default -> null;
                };
                p.register(h, PollEvent.values()[r.nextInt(2)]);
            });
            case 1 -> c.call("Poller.poll(ZERO)", Calls.OS, () -> p.poll(Duration.ZERO));
            case 2 -> c.call("Poller keys", Calls.OS.and(Calls.Allowed.of(IllegalStateException.class)), () -> {
                for (var k : p.keys()) {
                    if (r.nextBoolean()) {
                        k.cancel();
                    } else {
                        k.interest(PollEvent.READ);
                    }
                }
            });
            default -> c.call("Poller.close", Calls.CLOSE, p::close);
        }
    }

    private static void raceQueue(Random r, Calls c) {
        c.call("MessageQueue race setup", Calls.OS, () -> {
            MessageQueue q = MessageQueue.createUnnamed(1, 16);
            if (r.nextBoolean()) {
                c.race(r, "MessageQueue.receive (blocked, empty)", Calls.BLOCKED,
                        () -> q.receive(ByteBuffer.allocateDirect(16)), q::close);
            } else {
                q.send(new byte[1], 0);
                c.race(r, "MessageQueue.send (blocked, full)", Calls.BLOCKED, () -> q.send(new byte[1], 0), q::close);
            }
            q.close();
        });
    }

    private static void raceSocket(Random r, Calls c) {
        c.call("IpcSocket race setup", Calls.OS, () -> {
            int kind = r.nextInt(3);
            if (kind == 2) {
                try (IpcSocket l = IpcSocket.listening(UnixAddress.unnamed(), SocketType.STREAM, 1)) {
                    c.race(r, "IpcSocket.accept (blocked)", Calls.BLOCKED, l::accept, l::close);
                }
                return;
            }
            try (SocketPair p = IpcSocket.pair(LOCAL[r.nextInt(3)])) {
                IpcSocket s = p.first();
                if (kind == 0) {
                    c.race(r, "IpcSocket.read (blocked)", Calls.BLOCKED, () -> s.read(ByteBuffer.allocateDirect(8)), s::close);
                } else {
                    c.race(r, "IpcSocket.receiveMessage (blocked)", Calls.BLOCKED,
                            () -> s.receiveMessage(ByteBuffer.allocateDirect(8), 4), s::close);
                }
            }
        });
    }

    private static void raceEvent(Random r, Calls c) {
        c.call("EventFd race setup", Calls.OS, () -> {
            try (EventFd e = EventFd.create(0)) {
                c.race(r, "EventFd.take (blocked)", Calls.BLOCKED, e::take, e::close);
            }
        });
    }

    private static void racePoller(Random r, Calls c) {
        c.call("Poller race setup", Calls.OS, () -> {
            try (Poller p = Poller.open(); EventFd e = EventFd.create(0)) {
                p.register(e, PollEvent.READ);
                c.race(r, "Poller.poll (blocked)", Calls.BLOCKED, p::poll, r.nextBoolean() ? p::close : e::close);
            }
        });
    }

    @Override
    public void cleanup(Calls c) {
        pollers.closeAll(c);
        queues.closeAll(c);
        sockets.closeAll(c);
        counters.closeAll(c);
        for (String n : names.used()) {
            c.call("MessageQueue.unlink (cleanup)", Calls.OS, () -> {
                try {
                    MessageQueue.unlink(n);
                } catch (java.nio.file.NoSuchFileException e) {
                    // not a queue's name
                }
            });
        }
    }
}
