package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Inheritable;
import io.github.jipc.IpcException;
import io.github.jipc.IpcSocket;
import io.github.jipc.MappedFile;
import io.github.jipc.MemoryFile;
import io.github.jipc.OpenFile;
import io.github.jipc.Pipe;
import io.github.jipc.PollEvent;
import io.github.jipc.PollKey;
import io.github.jipc.Poller;
import io.github.jipc.PipeSource;
import io.github.jipc.ReceivedMessage;
import io.github.jipc.SharedRegion;
import io.github.jipc.SocketDomain;
import io.github.jipc.SocketOptions;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.UnixAddress;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.Transfer;

/** jipc's sockets against a plain C program (socket_peer) using the same system calls. */
class CPeerSocketTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void unixStreamEchoWithPeerCredentials() throws Exception {
        Path dir = SocketsBetweenJvmsTest.socketFolder();
        Path file = dir.resolve("c-echo.sock");
        try (IpcSocket server = IpcSocket.listening(UnixAddress.of(file), SocketType.STREAM, 1)) {
            Child peer = harness.peer("socket_peer", "stream-echo", file).start();
            try (IpcSocket s = server.accept()) {
                assertEquals(peer.pid(), s.peerCredentials().pid());
                assertEquals("pid=" + ProcessHandle.current().pid() + " uid=0 gid=0", peer.awaitLine("PEER"));
                SocketsBetweenJvmsTest.echoThrough(s, peer, 8 * MIB + 1, 81);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    @Test
    void seqpacketEchoKeepsMessageBoundaries() throws Exception {
        String name = "jipc-it-" + SocketsBetweenJvmsTest.unique();
        try (IpcSocket server = IpcSocket.listening(UnixAddress.abstractName(name), SocketType.SEQPACKET, 1)) {
            Child peer = harness.peer("socket_peer", "seqpacket-echo", "@" + name).start();
            try (IpcSocket s = server.accept()) {
                Transfer sent = Transfer.seeded(82);
                for (int i = 1; i <= 64; i++) {
                    ByteBuffer msg = ByteBuffer.allocateDirect(i * 1000);
                    sent.count(msg.duplicate());
                    s.write(msg);
                    assertEquals(i * 1000, s.read(ByteBuffer.allocateDirect(64 * 1024)));
                }
                s.shutdownOutput();
                peer.assertResult(sent);
                peer.assertExit(0);
            }
        }
    }

    @Test
    void unixDatagramsToACPeer() throws Exception {
        String name = "jipc-it-" + SocketsBetweenJvmsTest.unique();
        Child peer = harness.peer("socket_peer", "dgram-echo", "@" + name).start();
        peer.awaitLine("READY");
        UnixAddress to = UnixAddress.abstractName(name);
        try (IpcSocket s = IpcSocket.bound(UnixAddress.abstractName(name + "-jvm"), SocketType.DATAGRAM)) {
            for (int i = 0; i < 20; i++) {
                s.sendTo(ByteBuffer.wrap(("datagram " + i).getBytes(StandardCharsets.UTF_8)), to);
                ByteBuffer back = ByteBuffer.allocate(32);
                assertEquals(to, s.receiveFrom(back));
                assertEquals("datagram " + i, new String(back.array(), 0, back.position(), StandardCharsets.UTF_8));
            }
            IpcException tooSmall = org.junit.jupiter.api.Assertions.assertThrows(IpcException.class, () -> {
                s.sendTo(ByteBuffer.allocate(100), to);
                s.receiveFrom(ByteBuffer.allocate(10));
            });
            assertTrue(tooSmall.getMessage().contains("100 bytes"), tooSmall.getMessage());
            s.sendTo(ByteBuffer.wrap("END".getBytes(StandardCharsets.UTF_8)), to);
        }
        peer.awaitResult();
        peer.assertExit(0);
    }

    @Test
    void udpEchoWithACPeer() throws Exception {
        Child peer = harness.peer("socket_peer", "udp-echo").start();
        int port = Integer.parseInt(peer.awaitLine("READY").replaceAll(".*port=", ""));
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (IpcSocket s = IpcSocket.bound(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SocketType.DATAGRAM)) {
            for (int i = 0; i < 20; i++) {
                s.sendTo(ByteBuffer.wrap(("udp " + i).getBytes(StandardCharsets.UTF_8)), to);
                ByteBuffer back = ByteBuffer.allocate(32);
                assertEquals(to, s.receiveFrom(back));
                assertEquals("udp " + i, new String(back.array(), 0, back.position(), StandardCharsets.UTF_8));
            }
            s.sendTo(ByteBuffer.wrap("END".getBytes(StandardCharsets.UTF_8)), to);
        }
        peer.awaitResult();
        peer.assertExit(0);
    }

    @Test
    void tcpClientToTheSeedsCServer() throws Exception {
        Child peer = harness.peer("socket_peer", "tcp-server").start();
        int port = Integer.parseInt(peer.awaitLine("READY").replaceAll(".*port=", ""));
        try (IpcSocket s = IpcSocket.connected(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                SocketType.STREAM, Duration.ofSeconds(10))) {
            Transfer sent = Transfer.seeded(83).pour(s, 16 * MIB);
            s.shutdownOutput();
            peer.assertResult(sent);
        }
        peer.assertExit(0);
    }

    @Test
    void tcpServerForTheSeedsCClient() throws Exception {
        try (IpcSocket server = IpcSocket.open(SocketDomain.INET, SocketType.STREAM)) {
            server.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).listen(3);
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Child peer = harness.peer("socket_peer", "tcp-client", port, 16 * MIB, 84).start();
            try (IpcSocket s = server.accept(Harness.TIMEOUT)) {
                Transfer got = Transfer.received().drain(s);
                assertEquals(Transfer.expected(16 * MIB, 84).toString(), got.toString());
                peer.assertResult(got);
            }
            peer.assertExit(0);
        }
    }

    @Test
    void aPipeEndAndAMemfdPassedToTheCPeer() throws Exception {
        for (boolean memfd : new boolean[] { false, true }) {
            try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM); Pipe pipe = Pipe.open();
                 MemoryFile memory = MemoryFile.create("to-c", 4096); SharedRegion region = memory.map()) {
                byte[] hello = "from the JVM".getBytes(StandardCharsets.UTF_8);
                region.put(0, hello, 0, hello.length);
                Child peer = harness.peer("socket_peer", "recv-fd", 3).inherit(pair.second(), 3).start();
                pair.second().close();
                peer.awaitLine("READY");
                if (memfd) {
                    pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), memory);
                    assertEquals("memfd size=4096 first=from the JVM", peer.awaitLine("GOT"));
                    peer.assertExit(0);
                    byte[] now = new byte[12];
                    region.get(0, now, 0, now.length);
                    assertEquals("written by C", new String(now, StandardCharsets.UTF_8));
                } else {
                    pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), pipe.sink());
                    pipe.sink().close();
                    assertEquals("pipe", peer.awaitLine("GOT"));
                    ByteBuffer in = ByteBuffer.allocate(32);
                    while (pipe.source().read(in) >= 0) {
                        // until the peer's copy of the end is closed
                    }
                    assertEquals("written by C", new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
                    peer.assertExit(0);
                }
            }
        }
    }

    @Test
    void aPipeEndAndAMemfdFromTheCPeerArriveAsJipcHandles() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            Child peer = harness.peer("socket_peer", "send-fd", 3).inherit(pair.second(), 3).start();
            pair.second().close();
            ReceivedMessage m = pair.first().receiveMessage(ByteBuffer.allocate(4));
            assertEquals(1, m.bytes());
            assertEquals(2, m.handles().size());
            try (PipeSource src = (PipeSource) m.handles().get(0); MemoryFile mem = (MemoryFile) m.handles().get(1);
                 SharedRegion r = mem.map()) {
                ByteBuffer in = ByteBuffer.allocate(16);
                while (src.read(in) >= 0) {
                    // to the end: the peer closed its write end before sending
                }
                assertEquals("from C", new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
                byte[] b = new byte[12];
                r.get(0, b, 0, b.length);
                assertEquals("memfd from C", new String(b, StandardCharsets.UTF_8));
            }
            peer.assertExit(0);
        }
    }

    @Test
    void aFileAFolderATimerfdAndANetlinkSocketFromTheCPeerArriveAsOpenFiles() throws Exception {
        Path dir = Files.createTempDirectory("jipc-it-files");
        Path file = dir.resolve("shared.txt");
        Files.writeString(file, "0123456789 from the JVM");
        List<Inheritable> handles = List.of();
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            pair.first().setOption(SocketOptions.RECEIVE_TIMEOUT, Harness.TIMEOUT);
            Child peer = harness.peer("socket_peer", "send-files", 3, file.toString()).inherit(pair.second(), 3)
                    .start();
            pair.second().close();
            ByteBuffer in = ByteBuffer.allocate(4);
            ReceivedMessage m = pair.first().receiveMessage(in);
            handles = m.handles();
            assertEquals(1, m.bytes());
            assertEquals('F', in.get(0), "the message's byte is kept with its descriptors");
            assertEquals(5, handles.size(), handles.toString());
            OpenFile f = (OpenFile) handles.get(0);
            OpenFile folder = (OpenFile) handles.get(1);
            OpenFile timer = (OpenFile) handles.get(2);
            OpenFile netlink = (OpenFile) handles.get(3);
            assertEquals(OpenFile.Kind.REGULAR_FILE, f.kind());
            assertEquals(file.toRealPath().toString(), f.target());
            assertEquals(23, f.size());
            assertTrue(f.isReadable() && f.isWritable(), f.toString());
            assertEquals("5", fdinfo(f, "pos"), "the peer's description came, its offset with it");
            assertEquals(OpenFile.Kind.DIRECTORY, folder.kind());
            assertEquals(dir.toRealPath().toString(), folder.target());
            assertEquals(OpenFile.Kind.OTHER, timer.kind());
            assertEquals("anon_inode:[timerfd]", timer.target());
            assertEquals(OpenFile.Kind.SOCKET, netlink.kind(), "a socket of a family IpcSocket does not take");
            try (FileChannel c = f.openChannel()) {
                ByteBuffer b = ByteBuffer.allocate(32);
                c.read(b, 11);
                assertEquals("from the JVM", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            }
            try (SharedRegion r = MappedFile.map(f, 0, 10)) {
                byte[] b = new byte[10];
                r.get(0, b, 0, 10);
                assertEquals("0123456789", new String(b, StandardCharsets.UTF_8));
                r.put(0, "ABCDE".getBytes(StandardCharsets.UTF_8), 0, 5);
            }
            peer.assertExit(0);
            assertEquals("ABCDE56789 from the JVM", Files.readString(file));
        } finally {
            for (Inheritable h : handles) {
                ((AutoCloseable) h).close();
            }
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void filesFromTheCPeerReadWriteAndWaitAsTheirKindDoes() throws Exception {
        Path dir = Files.createTempDirectory("jipc-it-files");
        Path file = dir.resolve("shared.txt");
        Files.writeString(file, "0123456789 from the JVM");
        List<Inheritable> handles = List.of();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); Poller poller = Poller.open()) {
            pair.first().setOption(SocketOptions.RECEIVE_TIMEOUT, Harness.TIMEOUT);
            Child peer = harness.peer("socket_peer", "send-files", 3, file.toString()).inherit(pair.second(), 3)
                    .start();
            pair.second().close();
            handles = pair.first().receiveMessage(ByteBuffer.allocate(1)).handles();
            peer.assertExit(0);
            OpenFile f = (OpenFile) handles.get(0);
            OpenFile never = (OpenFile) handles.get(2);
            OpenFile netlink = (OpenFile) handles.get(3);
            OpenFile ticks = (OpenFile) handles.get(4);

            // A regular file reads from the offset the C peer left (5), as C would; a write goes on from there.
            ByteBuffer heap = ByteBuffer.allocate(64);
            assertEquals(18, f.read(heap));
            assertEquals("56789 from the JVM", new String(heap.array(), 0, heap.position(), StandardCharsets.UTF_8));
            assertEquals(-1, f.read(heap.clear()));
            ByteBuffer direct = ByteBuffer.allocateDirect(3).put("!+C".getBytes(StandardCharsets.UTF_8)).flip();
            assertEquals(3, f.write(direct));
            assertEquals(0, direct.remaining());
            assertEquals("0123456789 from the JVM!+C", Files.readString(file));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> poller.register(f, PollEvent.READ));
            assertTrue(refused.getMessage().contains("always ready"), refused.getMessage());

            // A timerfd's read waits for an expiry and gives the 8-byte count; a poller sees it readable first.
            PollKey key = poller.register(ticks, PollEvent.READ);
            List<PollKey> ready = poller.poll(Harness.TIMEOUT);
            assertEquals(List.of(key), ready);
            ByteBuffer count = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            assertEquals(8, ticks.read(count));
            assertTrue(count.getLong(0) >= 1, "expiries: " + count.getLong(0));
            IpcException small = assertThrows(IpcException.class, () -> ticks.read(ByteBuffer.allocate(4)));
            assertTrue(small.getMessage().contains("EINVAL"), small.getMessage());

            // A read that waits for ever is woken by a close, or by an interrupt, which closes the file.
            Future<?> closed = pool.submit(() -> never.read(ByteBuffer.allocate(8)));
            Thread.sleep(100);
            never.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> closed.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            CompletableFuture<Thread> reader = new CompletableFuture<>();
            Future<?> interrupted = pool.submit(() -> {
                reader.complete(Thread.currentThread());
                return netlink.read(ByteBuffer.allocate(4096));
            });
            Thread readerThread = reader.get(10, TimeUnit.SECONDS);
            Thread.sleep(100);
            readerThread.interrupt();
            e = assertThrows(ExecutionException.class, () -> interrupted.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertTrue(!netlink.isOpen(), "an interrupt closes the file, as in java.nio");
            assertThrows(ClosedChannelException.class, () -> netlink.read(ByteBuffer.allocate(8)));
        } finally {
            pool.shutdownNow();
            for (Inheritable h : handles) {
                ((AutoCloseable) h).close();
            }
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** A field of /proc/self/fdinfo for the handle's descriptor (its number read from /proc's name for it). */
    private static String fdinfo(OpenFile f, String field) throws Exception {
        String fd = f.toString().replaceAll(".*\\(fd (\\d+)\\).*", "$1");
        return Files.readAllLines(Path.of("/proc/self/fdinfo", fd)).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim()).findFirst().orElseThrow();
    }

    @Test
    void aFileOpenedToAppendPassedToTheCPeer() throws Exception {
        Path file = Files.createTempFile("jipc-it-append", ".txt");
        Files.writeString(file, "from the JVM");
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM);
             OpenFile f = OpenFile.open(file, StandardOpenOption.APPEND)) {
            assertTrue(f.isWritable() && !f.isReadable(), f.toString());
            Child peer = harness.peer("socket_peer", "recv-file", 3).inherit(pair.second(), 3).start();
            pair.second().close();
            peer.awaitLine("READY");
            pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), f);
            assertEquals("file size=12 access=w append=1", peer.awaitLine("GOT"));
            peer.assertExit(0);
            assertEquals("from the JVM+C", Files.readString(file), "the peer wrote through the JVM's description");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
