package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.IpcSocket;
import io.github.jipc.MemoryFile;
import io.github.jipc.Pipe;
import io.github.jipc.SharedRegion;
import io.github.jipc.SocketPair;
import io.github.jipc.SocketType;
import io.github.jipc.UnixAddress;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.harness.Worker;
import io.github.jipc.it.roles.SocketRole;
import io.github.jipc.it.roles.Transfer;

/** Unix sockets between this JVM and a child JVM (SocketRole): streams, messages, credentials, handles passed. */
class SocketsBetweenJvmsTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    static long openFds() throws java.io.IOException {
        try (java.util.stream.Stream<Path> l = Files.list(Path.of("/proc/self/fd"))) {
            return l.count();
        }
    }

    /** Unique per test and run, without SecureRandom (its descriptors would stay open after the test). */
    static String unique() {
        return ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /**
     * A short folder of its own for socket files: a path holds at most 107 bytes
     * (sun_path), more than the harness's scratch folders leave.
     */
    static Path socketFolder() throws java.io.IOException {
        Path dir = Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir"), "jipc-s-" + unique()));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    static String abstractName() {
        return "@jipc-it-" + SocketsBetweenJvmsTest.unique();
    }

    /** Sends size bytes through an echoing peer and checks they come back the same, on both sides. */
    static void echoThrough(IpcSocket s, Child peer, long size, long seed) throws Exception {
        Transfer sent = Transfer.seeded(seed);
        Worker<Transfer> writer = Worker.start("writer", () -> {
            sent.pour(s, size);
            s.shutdownOutput();
            return sent;
        });
        Transfer back = Transfer.received().drain(s);
        writer.result();
        assertEquals(sent.toString(), back.toString(), "the echo matches what was sent");
        peer.assertResult(sent);
        peer.assertExit(0);
    }

    @Test
    void streamEchoOverASocketFileWithCredentialsBothWays() throws Exception {
        Path dir = socketFolder();
        Path file = dir.resolve("echo.sock");
        try (IpcSocket server = IpcSocket.listening(UnixAddress.of(file), SocketType.STREAM, 1)) {
            Child peer = harness.java(SocketRole.class, "echo", "STREAM", file).start();
            try (IpcSocket s = server.accept()) {
                assertEquals(peer.pid(), s.peerCredentials().pid());
                assertEquals("pid=" + ProcessHandle.current().pid() + " uid=0 gid=0", peer.awaitLine("PEER"));
                echoThrough(s, peer, 8 * MIB + 3, 71);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    @Test
    void seqpacketMessagesOverAnAbstractName() throws Exception {
        String name = abstractName();
        try (IpcSocket server = IpcSocket.listening(UnixAddress.abstractName(name.substring(1)), SocketType.SEQPACKET, 1)) {
            Child peer = harness.java(SocketRole.class, "echo", "SEQPACKET", name).start();
            try (IpcSocket s = server.accept()) {
                for (int i = 1; i <= 100; i++) {
                    ByteBuffer msg = ByteBuffer.allocate(i * 100);
                    msg.put(0, (byte) i);
                    s.write(msg);
                    ByteBuffer back = ByteBuffer.allocateDirect(64 * 1024);
                    assertEquals(i * 100, s.read(back), "one whole message back");
                    assertEquals(i, back.get(0));
                }
                s.shutdownOutput();
                peer.awaitResult();
                peer.assertExit(0);
            }
        }
    }

    @Test
    void datagramsToAChildBoundToAnAbstractName() throws Exception {
        String name = abstractName();
        Child peer = harness.java(SocketRole.class, "dgram-echo", name).start();
        peer.awaitLine("READY");
        try (IpcSocket s = IpcSocket.bound(UnixAddress.abstractName("jipc-it-" + SocketsBetweenJvmsTest.unique()), SocketType.DATAGRAM)) {
            UnixAddress to = UnixAddress.abstractName(name.substring(1));
            for (int i = 0; i < 50; i++) {
                s.sendTo(ByteBuffer.wrap(("message " + i).getBytes(StandardCharsets.UTF_8)), to);
                ByteBuffer back = ByteBuffer.allocate(64);
                assertEquals(to, s.receiveFrom(back));
                assertEquals("message " + i, new String(back.array(), 0, back.position(), StandardCharsets.UTF_8));
            }
            s.sendTo(ByteBuffer.wrap("END".getBytes(StandardCharsets.UTF_8)), to);
        }
        peer.awaitResult();
        peer.assertExit(0);
    }

    @Test
    void aPipeEndAndAMemoryFilePassedToAnotherJvmAreUsedThere() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); Pipe pipe = Pipe.open();
             MemoryFile memory = MemoryFile.create("passed", 4096); SharedRegion region = memory.map()) {
            byte[] hello = "from the JVM".getBytes(StandardCharsets.UTF_8);
            region.put(0, hello, 0, hello.length);
            Child peer = harness.java(SocketRole.class, "recv-fd", 3).inherit(pair.second(), 3).start();
            pair.second().close();
            peer.awaitLine("READY");
            pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), pipe.sink(), memory);
            pipe.sink().close();
            assertEquals("pipe", peer.awaitLine("GOT"));
            Transfer.received().drain(pipe.source());
            peer.assertExit(0);
            assertTrue(peer.stdout().contains("GOT memfd size=4096 first=from the JVM"), peer::report);
            byte[] now = new byte[14];
            region.get(0, now, 0, now.length);
            assertEquals("written by JVM", new String(now, StandardCharsets.UTF_8));
        }
    }

    @Test
    void anAcceptedTcpConnectionIsServedByAWorkerProcess() throws Exception {
        java.net.InetSocketAddress loopback = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        try (IpcSocket server = IpcSocket.listening(loopback, SocketType.STREAM, 4);
             // A jipc client, not a JDK SocketChannel: on Java 25 the JDK opens its own pre-close
             // socket on first use, which the class's descriptor check would count as a leak.
             IpcSocket client = IpcSocket.connected(server.localAddress(), SocketType.STREAM, Harness.TIMEOUT);
             SocketPair toWorker = IpcSocket.pair(SocketType.SEQPACKET)) {
            Child worker = harness.java(SocketRole.class, "recv-fd", 3).inherit(toWorker.second(), 3).start();
            toWorker.second().close();
            worker.awaitLine("READY");
            try (IpcSocket accepted = server.accept(Harness.TIMEOUT)) {
                toWorker.first().send(ByteBuffer.wrap(new byte[] { 1 }), accepted);
            } // the pre-fork pattern: the server's copy closes, the worker's serves the client
            assertEquals("socket INET STREAM from " + client.localAddress().toString().replace("localhost", ""),
                    worker.awaitLine("GOT").replace("localhost", ""));
            ByteBuffer in = ByteBuffer.allocate(32);
            while (client.read(in) >= 0) {
                // until the worker closes the connection
            }
            assertEquals("written by JVM", new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
            worker.assertExit(0);
        }
    }

    @Test
    void tenThousandPassesLeakNothingOnEitherSide() throws Exception {
        int n = 10_000;
        try (SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET); Pipe pipe = Pipe.open()) {
            Child peer = harness.java(SocketRole.class, "recv-many", 3, n).inherit(pair.second(), 3).start();
            pair.second().close();
            peer.awaitLine("READY");
            long before = openFds();
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            for (int i = 0; i < n; i++) {
                pair.first().send(one.clear(), pipe.source());
            }
            String fds = peer.awaitLine("FDS");
            String[] parts = fds.split(" ");
            assertEquals(parts[0].substring("before=".length()), parts[1].substring("after=".length()),
                    "the child holds as many pipes after 10,000 handles as before: " + fds);
            peer.assertExit(0);
            // At most as many as before: the child's pidfd goes once it is reaped.
            long after = openFds();
            assertTrue(after <= before, "this side keeps no descriptor per pass: " + before + " before, " + after + " after");
        }
    }
}
