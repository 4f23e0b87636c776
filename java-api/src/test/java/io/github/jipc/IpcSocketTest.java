package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.testsupport.LeakAccounting;

@Timeout(30)
class IpcSocketTest {
    @TempDir
    Path dir;

    private static UnixAddress uniqueAbstract() {
        return UnixAddress.abstractName("jipc-test-" + UUID.randomUUID());
    }

    private static ByteBuffer bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static String string(ByteBuffer b) {
        b.flip();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    @Test
    void streamOverASocketFileEchoes() throws Exception {
        UnixAddress at = UnixAddress.of(dir.resolve("echo.sock"));
        try (IpcSocket server = IpcSocket.listening(at, SocketType.STREAM, 4);
             IpcSocket client = IpcSocket.connected(at, SocketType.STREAM, Duration.ofSeconds(5));
             IpcSocket accepted = server.accept()) {
            assertTrue(Files.exists(at.path()));
            assertEquals(at, server.localAddress());
            assertEquals(5, client.write(bytes("hello")));
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertEquals(5, accepted.read(in));
            assertEquals("hello", string(in));
            ByteBuffer heap = ByteBuffer.wrap("heap".getBytes(StandardCharsets.UTF_8));
            assertEquals(4, accepted.write(heap));
            ByteBuffer heapIn = ByteBuffer.allocate(16);
            assertEquals(4, client.read(heapIn));
            assertEquals("heap", string(heapIn));
            client.shutdownOutput();
            assertEquals(-1, accepted.read(ByteBuffer.allocateDirect(4)));
            Credentials c = accepted.peerCredentials();
            assertEquals(ProcessHandle.current().pid(), c.pid());
        } finally {
            Files.deleteIfExists(at.path());
        }
    }

    @Test
    void aZeroLengthMessageIsNotTheEnd() throws Exception {
        for (SocketType type : new SocketType[] { SocketType.SEQPACKET, SocketType.DATAGRAM }) {
            try (SocketPair pair = IpcSocket.pair(type)) {
                pair.first().write(ByteBuffer.allocate(0));
                pair.first().write(bytes("x"));
                assertEquals(0, pair.second().read(ByteBuffer.allocateDirect(8)), type + ": an empty message");
                assertEquals(1, pair.second().read(ByteBuffer.allocate(8)), type + ": then the next");
                pair.first().write(ByteBuffer.allocate(0));
                assertEquals(0, pair.second().receiveMessage(ByteBuffer.allocateDirect(8)).bytes(), type.toString());
                if (type == SocketType.SEQPACKET) {
                    pair.first().close();
                    assertEquals(-1, pair.second().read(ByteBuffer.allocateDirect(8)), "the end once the peer closed");
                    assertEquals(-1, pair.second().receiveMessage(ByteBuffer.allocateDirect(8)).bytes());
                } else {
                    pair.second().shutdownInput();
                    assertEquals(-1, pair.second().read(ByteBuffer.allocateDirect(8)), "the end after shutdownInput");
                }
            }
        }
    }

    @Test
    void peerCredentialsWithoutAPeerAreAnErrorNotPidZero() throws Exception {
        // the kernel answers SO_PEERCRED for any socket, with pid 0 and uid/gid -1 where there is no Unix peer
        try (IpcSocket lone = IpcSocket.open(SocketDomain.UNIX, SocketType.STREAM)) {
            IpcException e = assertThrows(IpcException.class, lone::peerCredentials);
            assertEquals("ENOTCONN", e.errnoName());
        }
        try (IpcSocket listener = IpcSocket.listening(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                SocketType.STREAM, 1);
             IpcSocket client = IpcSocket.connected(listener.localAddress(), SocketType.STREAM, Duration.ofSeconds(5));
             IpcSocket accepted = listener.accept(Duration.ofSeconds(5))) {
            for (IpcSocket tcp : new IpcSocket[] { client, accepted }) {
                IpcException e = assertThrows(IpcException.class, tcp::peerCredentials);
                assertEquals("EOPNOTSUPP", e.errnoName());
                assertTrue(e.getMessage().contains("Unix-domain sockets only"), e.getMessage());
            }
        }
    }

    @Test
    void theJdkUnixAddressWorksToo() throws Exception {
        Path p = dir.resolve("jdk.sock");
        try (IpcSocket server = IpcSocket.listening(UnixDomainSocketAddress.of(p), SocketType.SEQPACKET, 1);
             IpcSocket client = IpcSocket.connected(UnixDomainSocketAddress.of(p), SocketType.SEQPACKET, Duration.ofSeconds(5));
             IpcSocket accepted = server.accept()) {
            assertEquals(SocketType.SEQPACKET, accepted.type());
            assertEquals(UnixAddress.unnamed(), client.localAddress());
            assertEquals(UnixAddress.of(p), accepted.localAddress());
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void seqpacketAndDatagramDeliverWholeMessagesAndReportTruncation() throws Exception {
        for (SocketType type : new SocketType[] { SocketType.SEQPACKET, SocketType.DATAGRAM }) {
            try (SocketPair pair = IpcSocket.pair(type)) {
                pair.first().write(bytes("0123456789"));
                pair.first().write(bytes("ab"));
                pair.first().write(bytes("cd"));
                IpcException e = assertThrows(IpcException.class, () -> pair.second().read(ByteBuffer.allocateDirect(4)));
                assertTrue(e.getMessage().contains("10 bytes") && e.getMessage().contains("4 bytes"), e.getMessage());
                ByteBuffer in = ByteBuffer.allocateDirect(4);
                assertEquals(2, pair.second().read(in));
                assertEquals("ab", string(in));
                ByteBuffer heap = ByteBuffer.allocate(1);
                assertThrows(IpcException.class, () -> pair.second().read(heap), "heap buffers report it too");
            }
        }
    }

    @Test
    void seqpacketEndsWhenThePeerCloses() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET)) {
            pair.first().close();
            assertEquals(-1, pair.second().read(ByteBuffer.allocateDirect(4)));
        }
    }

    @Test
    void anUnconnectedDatagramSocketPassesHandlesToAnAddress() throws Exception {
        UnixAddress server = uniqueAbstract();
        try (IpcSocket receiver = IpcSocket.bound(server, SocketType.DATAGRAM);
             IpcSocket sender = IpcSocket.open(SocketDomain.UNIX, SocketType.DATAGRAM); Pipe pipe = Pipe.open()) {
            assertEquals(2, sender.sendTo(bytes("fd"), server, pipe.source()));
            ByteBuffer in = ByteBuffer.allocate(8);
            ReceivedMessage m = receiver.receiveMessage(in);
            assertEquals(2, m.bytes());
            assertEquals(1, m.handles().size());
            try (PipeSource received = (PipeSource) m.handles().get(0)) {
                pipe.sink().write(bytes("through"));
                ByteBuffer got = ByteBuffer.allocateDirect(16);
                assertEquals(7, received.read(got));
                assertEquals("through", string(got));
            }
            assertTrue(pipe.source().isOpen(), "the sender keeps its handle");
            try (IpcSocket udp = IpcSocket.open(SocketDomain.INET, SocketType.DATAGRAM)) {
                assertThrows(UnsupportedOperationException.class,
                        () -> udp.sendTo(bytes("x"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), pipe.sink()));
            }
        }
    }

    @Test
    void datagramsToAndFromAbstractNames() throws Exception {
        UnixAddress a = uniqueAbstract();
        UnixAddress b = uniqueAbstract();
        try (IpcSocket sa = IpcSocket.bound(a, SocketType.DATAGRAM); IpcSocket sb = IpcSocket.bound(b, SocketType.DATAGRAM);
             IpcSocket anonymous = IpcSocket.open(SocketDomain.UNIX, SocketType.DATAGRAM)) {
            assertEquals(a, sa.localAddress());
            assertTrue(a.isAbstract());
            assertEquals(4, sa.sendTo(bytes("ping"), b));
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertEquals(a, sb.receiveFrom(in));
            assertEquals("ping", string(in));
            anonymous.sendTo(bytes("x"), b);
            assertEquals(UnixAddress.unnamed(), sb.receiveFrom(ByteBuffer.allocate(4)));
            sb.configureBlocking(false);
            assertNull(sb.receiveFrom(ByteBuffer.allocate(4)));
            assertEquals(0, sb.read(ByteBuffer.allocate(4)));
        }
    }

    @Test
    void tcpAndUdpOverLoopback() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (IpcSocket server = IpcSocket.open(SocketDomain.INET, SocketType.STREAM)) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            assertTrue(server.getOption(StandardSocketOptions.SO_REUSEADDR));
            server.bind(any).listen(8);
            SocketAddress where = server.localAddress();
            try (IpcSocket client = IpcSocket.connected(where, SocketType.STREAM, Duration.ofSeconds(5));
                 IpcSocket accepted = server.accept(Duration.ofSeconds(5))) {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY));
                assertEquals(client.localAddress(), accepted.remoteAddress());
                ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
                CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                    ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
                    int total = 0;
                    try {
                        while (total < (1 << 20)) {
                            total += accepted.read(in.clear());
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return total;
                });
                assertEquals(1 << 20, client.write(big), "a blocking stream write sends everything");
                assertEquals(1 << 20, reader.get(10, TimeUnit.SECONDS));
                CompletableFuture<Integer> heapReader = CompletableFuture.supplyAsync(() -> {
                    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                    int total = 0;
                    try {
                        while (total < (1 << 20)) {
                            total += accepted.read(in.clear());
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return total;
                });
                assertEquals(1 << 20, client.write(ByteBuffer.allocate(1 << 20)), "a heap buffer too, past the staging size");
                assertEquals(1 << 20, heapReader.get(10, TimeUnit.SECONDS));
            }
        }
        try (IpcSocket a = IpcSocket.bound(any, SocketType.DATAGRAM); IpcSocket b = IpcSocket.bound(any, SocketType.DATAGRAM)) {
            a.sendTo(bytes("udp"), b.localAddress());
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(a.localAddress(), b.receiveFrom(in));
            assertEquals("udp", string(in));
        }
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        try (IpcSocket a = IpcSocket.bound(any6, SocketType.DATAGRAM)) {
            assertEquals(SocketDomain.INET6, a.domain());
            assertEquals(InetAddress.getByName("::1"), ((InetSocketAddress) a.localAddress()).getAddress());
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no IPv6 loopback here: " + e);
        }
    }

    @Test
    void connectToNothingSaysSo() throws Exception {
        try (IpcSocket s = IpcSocket.open(SocketDomain.UNIX, SocketType.STREAM)) {
            IpcException e = assertThrows(IpcException.class, () -> s.connect(uniqueAbstract()));
            assertEquals("ECONNREFUSED", e.errnoName());
            assertTrue(e.getMessage().contains("nothing listens"), e.getMessage());
        }
        try (IpcSocket s = IpcSocket.open(SocketDomain.UNIX, SocketType.STREAM)) {
            assertThrows(NoSuchFileException.class, () -> s.connect(UnixAddress.of(dir.resolve("none.sock"))));
        }
    }

    @Test
    void badNamesAreRefusedClearly() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.abstractName("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.abstractName(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnixAddress.of(Path.of("/tmp/" + "x".repeat(200))));
        assertTrue(e.getMessage().contains("sun_path"), e.getMessage());
        assertEquals(107, UnixAddress.MAX_PATH_BYTES);
        try (IpcSocket s = IpcSocket.open(SocketDomain.INET, SocketType.DATAGRAM)) {
            assertThrows(IllegalArgumentException.class, () -> s.bind(uniqueAbstract()));
            assertThrows(IllegalArgumentException.class, () -> s.sendTo(bytes("x"), InetSocketAddress.createUnresolved("h", 1)));
            assertThrows(UnsupportedOperationException.class, () -> s.setOption(StandardSocketOptions.IP_TOS, 1));
        }
    }

    @Test
    void aStaleSocketFileIsNamed() throws Exception {
        Path p = dir.resolve("stale.sock");
        IpcSocket.bound(UnixAddress.of(p), SocketType.STREAM).close(); // the socket file stays
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> IpcSocket.listening(UnixAddress.of(p), SocketType.STREAM, 1));
        assertTrue(e.getMessage().contains("delete"), e.getMessage());
    }

    @Test
    void anOversizedDatagramIsRefused() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM)) {
            pair.first().setOption(StandardSocketOptions.SO_SNDBUF, 4096);
            IpcException e = assertThrows(IpcException.class, () -> pair.first().write(ByteBuffer.allocateDirect(1 << 20)));
            assertEquals("EMSGSIZE", e.errnoName());
            assertTrue(e.getMessage().contains("a message of 1048576 bytes"), e.getMessage());
        }
        try (IpcSocket udp = IpcSocket.bound(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SocketType.DATAGRAM)) {
            // above UDP's 65507-byte limit, from a heap buffer (staged through the socket's own memory)
            IpcException e = assertThrows(IpcException.class, () -> udp.sendTo(ByteBuffer.allocate(70_000), udp.localAddress()));
            assertEquals("EMSGSIZE", e.errnoName());
            assertTrue(e.getMessage().contains("a message of 70000 bytes"), e.getMessage());
        }
    }

    @Test
    void timeoutsAndNonBlockingCalls() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); IpcSocket listener = IpcSocket.listening(uniqueAbstract(),
                SocketType.STREAM, 1)) {
            pair.second().setOption(SocketOptions.RECEIVE_TIMEOUT, Duration.ofMillis(50));
            assertTrue(pair.second().getOption(SocketOptions.RECEIVE_TIMEOUT).toMillis() >= 50);
            assertThrows(SocketTimeoutException.class, () -> pair.second().read(ByteBuffer.allocateDirect(4)));
            pair.second().configureBlocking(false);
            assertEquals(0, pair.second().read(ByteBuffer.allocateDirect(4)));
            assertFalse(pair.second().isBlocking());
            pair.first().configureBlocking(false);
            int total = 0;
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            for (int n; (n = pair.first().write(chunk.clear())) > 0;) {
                total += n;
            }
            assertTrue(total > 0, "a non-blocking write stops when the socket is full");
            assertNull(listener.accept(Duration.ofMillis(20)));
            listener.configureBlocking(false);
            assertNull(listener.accept());
        }
    }

    @Test
    void everyOptionSetsAndReads() throws Exception {
        try (IpcSocket udp = IpcSocket.open(SocketDomain.INET, SocketType.DATAGRAM);
             IpcSocket tcp = IpcSocket.open(SocketDomain.INET, SocketType.STREAM)) {
            udp.setOption(StandardSocketOptions.SO_RCVBUF, 32 * 1024).setOption(StandardSocketOptions.SO_SNDBUF, 32 * 1024);
            assertTrue(udp.getOption(StandardSocketOptions.SO_RCVBUF) >= 32 * 1024, "the kernel doubles it");
            assertTrue(udp.getOption(StandardSocketOptions.SO_SNDBUF) >= 32 * 1024);
            udp.setOption(StandardSocketOptions.SO_BROADCAST, true);
            assertTrue(udp.getOption(StandardSocketOptions.SO_BROADCAST));
            tcp.setOption(StandardSocketOptions.SO_KEEPALIVE, true).setOption(StandardSocketOptions.SO_REUSEPORT, true);
            assertTrue(tcp.getOption(StandardSocketOptions.SO_KEEPALIVE));
            assertTrue(tcp.getOption(StandardSocketOptions.SO_REUSEPORT));
            tcp.setOption(SocketOptions.SEND_TIMEOUT, Duration.ofMillis(200));
            assertTrue(tcp.getOption(SocketOptions.SEND_TIMEOUT).toMillis() >= 200);
            tcp.setOption(SocketOptions.SEND_TIMEOUT, Duration.ZERO);
            assertEquals(Duration.ZERO, tcp.getOption(SocketOptions.SEND_TIMEOUT));
            assertThrows(IllegalArgumentException.class, () -> tcp.setOption(SocketOptions.SEND_TIMEOUT, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> tcp.setOption(StandardSocketOptions.SO_RCVBUF, -1));
        }
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            IpcException e = assertThrows(IpcException.class, () -> pair.first().setOption(StandardSocketOptions.TCP_NODELAY, true));
            assertEquals("setsockopt", e.call());
        }
    }

    @Test
    void aConnectThatWaitsTooLongTimesOutAndClosesTheSocket() throws Exception {
        UnixAddress at = uniqueAbstract();
        java.util.List<IpcSocket> queued = new java.util.ArrayList<>();
        try (IpcSocket server = IpcSocket.listening(at, SocketType.STREAM, 0)) {
            // A backlog of 0 holds one connection; the next ones wait for room.
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> {
                for (int i = 0; i < 4; i++) {
                    IpcSocket s = IpcSocket.open(SocketDomain.UNIX, SocketType.STREAM);
                    queued.add(s);
                    s.connect(at, Duration.ofMillis(100));
                }
            });
            assertTrue(System.nanoTime() - start >= 90_000_000L, "it waited");
            assertFalse(queued.get(queued.size() - 1).isOpen(), "a timed-out socket is closed: " + e.getMessage());
            assertTrue(queued.get(0).isOpen());
            assertEquals(at, server.localAddress());
        } finally {
            for (IpcSocket s : queued) {
                s.close();
            }
        }
    }

    @Test
    @SuppressWarnings("try")
    void closeFromAnotherThreadWakesBlockedCalls() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET); IpcSocket listener = IpcSocket.listening(
                    uniqueAbstract(), SocketType.STREAM, 1)) {
                CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return pair.second().read(ByteBuffer.allocateDirect(8));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                CompletableFuture<IpcSocket> acceptor = CompletableFuture.supplyAsync(() -> {
                    try {
                        return listener.accept();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                if (i % 2 == 0) {
                    Thread.sleep(5);
                }
                pair.second().close();
                listener.close();
                for (CompletableFuture<?> f : new CompletableFuture<?>[] { reader, acceptor }) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                    Throwable cause = e.getCause().getCause();
                    assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                            "got " + cause);
                }
            }
        }
    }

    @Test
    void interruptClosesTheSocket() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            Throwable thrown = Interrupts.during(() -> pair.first().read(ByteBuffer.allocateDirect(8)), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(pair.first().isOpen());
        }
    }

    @Test
    void aPendingInterruptClosesTheSocketThoughASendFits() throws Exception {
        // A send with room in the buffer cannot wait, yet a pending interrupt closes, as documented.
        for (SocketType type : new SocketType[] { SocketType.STREAM, SocketType.DATAGRAM, SocketType.SEQPACKET }) {
            try (SocketPair pair = IpcSocket.pair(type)) {
                ByteBuffer one = bytes("x");
                Thread.currentThread().interrupt();
                try {
                    assertThrows(ClosedByInterruptException.class, () -> pair.first().write(one), type.toString());
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
                } finally {
                    Thread.interrupted();
                }
                assertFalse(pair.first().isOpen(), type.toString());
                assertEquals(1, one.remaining(), type + ": nothing was sent");
            }
        }
    }

    @Test
    void aStreamWriteLargerThanTheRoomLeftSendsItAll() throws Exception {
        // Part of it fits at once, the rest waits for the reader: one call sends everything, in order.
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            byte[] data = new byte[8 * 1024 * 1024 + 13];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 7 + (i >> 12));
            }
            java.util.concurrent.CompletableFuture<byte[]> got = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer in = ByteBuffer.allocate(data.length);
                    while (in.hasRemaining() && pair.second().read(in) >= 0) {
                        // until all of it arrived
                    }
                    return in.array();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals(data.length, pair.first().write(ByteBuffer.wrap(data)));
            assertArrayEquals(data, got.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void useAfterCloseIsClosedChannel() throws Exception {
        IpcSocket s = IpcSocket.open(SocketDomain.UNIX, SocketType.DATAGRAM);
        s.close();
        s.close();
        assertThrows(ClosedChannelException.class, () -> s.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> s.write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> s.bind(uniqueAbstract()));
        assertThrows(ClosedChannelException.class, s::localAddress);
        assertThrows(ClosedChannelException.class, () -> s.configureBlocking(false));
    }

    @Test
    void handlesPassAndArriveAsTheirKind() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM); Pipe pipe = Pipe.open();
             MemoryFile memory = MemoryFile.create("passed", 4096); EventFd counter = EventFd.create(0)) {
            pair.second().setOption(SocketOptions.PASS_CREDENTIALS, true);
            assertEquals(1, pair.first().send(bytes("x"), pipe.source(), pipe.sink(), memory, counter, pair.first()));
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocateDirect(8));
            assertEquals(1, m.bytes());
            assertEquals(5, m.handles().size());
            assertEquals(ProcessHandle.current().pid(), m.credentials().pid());
            try (PipeSource src = (PipeSource) m.handles().get(0); PipeSink sink = (PipeSink) m.handles().get(1);
                 MemoryFile mem = (MemoryFile) m.handles().get(2); EventFd ev = (EventFd) m.handles().get(3);
                 IpcSocket sock = (IpcSocket) m.handles().get(4)) {
                sink.write(bytes("via"));
                ByteBuffer in = ByteBuffer.allocate(8);
                assertEquals(3, pipe.source().read(in));
                pipe.sink().write(bytes("back"));
                assertEquals(4, src.read(in.clear()));
                assertEquals(4096, mem.size());
                ev.add(3);
                assertEquals(3, counter.take());
                assertEquals(SocketType.DATAGRAM, sock.type());
                sock.write(bytes("self"));
                ByteBuffer s = ByteBuffer.allocate(8);
                pair.second().read(s);
                assertEquals("self", string(s));
            }
        }
    }

    @Test
    void messageQueuesPassAndArriveAsQueuesWithTheirAccessMode() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); MessageQueue q = MessageQueue.createUnnamed(2, 64)) {
            pair.first().send(bytes("q"), q);
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocateDirect(8));
            assertEquals(1, m.handles().size());
            try (MessageQueue got = (MessageQueue) m.handles().get(0)) {
                assertNull(got.name());
                assertEquals(64, got.messageSize());
                assertEquals(2, got.maxMessages());
                assertTrue(q.send(bytes("through"), 3));
                ByteBuffer in = ByteBuffer.allocateDirect(64);
                assertEquals(7, got.receive(in));
                assertEquals(3, got.lastPriority());
            }
        }
        String name = "/jipc-socktest-queue-" + ProcessHandle.current().pid();
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM);
             MessageQueue q = MessageQueue.createExclusive(name, 2, 64, PosixFilePermissions.fromString("rw-------"),
                     MessageQueueOption.READ_ONLY)) {
            pair.first().send(bytes("q"), q);
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocateDirect(8));
            try (MessageQueue got = (MessageQueue) m.handles().get(0)) {
                assertThrows(java.nio.channels.NonWritableChannelException.class, () -> got.send(bytes("x"), 0));
            }
        } finally {
            MessageQueue.unlink(name);
        }
    }

    @Test
    void handlesThatDoNotFitAreClosedAndReported() throws Exception {
        int before = LeakAccounting.openDescriptors().size();
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); Pipe pipe = Pipe.open()) {
            for (int i = 0; i < 100; i++) {
                pair.first().send(bytes("x"), pipe.source(), pipe.sink(), pipe.source());
                IpcException e = assertThrows(IpcException.class, () -> pair.second().receiveMessage(ByteBuffer.allocate(4), 1));
                assertTrue(e.getMessage().contains("MSG_CTRUNC"), e.getMessage());
            }
            pair.first().send(bytes("y"), pipe.source());
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocate(4), 1);
            assertEquals(1, m.handles().size());
            ((PipeSource) m.handles().get(0)).close();
            assertThrows(IllegalArgumentException.class, () -> pair.first().send(ByteBuffer.allocate(0), pipe.source()));
            pipe.sink().close();
            assertThrows(ClosedChannelException.class, () -> pair.first().send(bytes("z"), pipe.sink()));
        }
        assertEquals(before, LeakAccounting.openDescriptors().size());
    }

    @Test
    void credentialsGoWithAMessage() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET)) {
            pair.second().setOption(SocketOptions.PASS_CREDENTIALS, true);
            pair.first().sendWithCredentials(bytes("me"));
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocate(8));
            assertEquals(2, m.bytes());
            assertTrue(m.handles().isEmpty());
            assertEquals(pair.second().peerCredentials(), m.credentials());
        }
    }

    @Test
    void aSocketIsInheritedByAChild() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM);
             Subprocess child = Subprocess.builder("/bin/sh", "-c", "echo hi >&3").inherit(pair.second(), 3).start()) {
            assertEquals(0, child.waitFor(Duration.ofSeconds(10)).orElseThrow().exitCode());
            ByteBuffer in = ByteBuffer.allocate(8);
            assertEquals(3, pair.first().read(in));
            assertEquals("hi\n", string(in));
        }
        assertThrows(IllegalArgumentException.class, () -> IpcSocket.inherited(-1));
    }
}
