package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sockets used the wrong way: each mistake is told at once, with what was wrong and what to do. */
@Timeout(30)
class SocketMisuseTest {
    @TempDir
    Path dir;

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "\"" + p + "\" in: " + e.getMessage());
        }
    }

    @Test
    void acceptOnASocketThatDoesNotListenFailsAtOnceInEveryMode() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            long start = System.nanoTime();
            IpcException timed = assertThrows(IpcException.class, () -> pair.first().accept(Duration.ofSeconds(20)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "refused at once, not after the timeout");
            assertEquals("EINVAL", timed.errnoName());
            assertMentions(timed, "not listening", "listen()");
            assertEquals("EINVAL", assertThrows(IpcException.class, () -> pair.first().accept()).errnoName());
            pair.first().configureBlocking(false);
            assertEquals("EINVAL", assertThrows(IpcException.class, () -> pair.first().accept()).errnoName());
        }
        try (IpcSocket d = IpcSocket.open(SocketDomain.UNIX, SocketType.DATAGRAM)) {
            IpcException e = assertThrows(IpcException.class, () -> d.accept(Duration.ofSeconds(20)));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertMentions(e, "only stream and seqpacket sockets accept");
        }
    }

    @Test
    void aDatagramSocketCannotListen() throws Exception {
        try (IpcSocket d = IpcSocket.bound(UnixAddress.of(dir.resolve("d.sock")), SocketType.DATAGRAM)) {
            IpcException e = assertThrows(IpcException.class, () -> d.listen(4));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertMentions(e, "only stream and seqpacket sockets listen");
        }
    }

    @Test
    void readingAStreamSocketThatIsNotConnectedSaysSo() throws Exception {
        try (IpcSocket s = IpcSocket.open(SocketDomain.UNIX, SocketType.STREAM)) {
            IpcException e = assertThrows(IpcException.class, () -> s.read(ByteBuffer.allocateDirect(8)));
            assertMentions(e, "not connected");
        }
    }

    @Test
    void connectingToASocketOfAnotherTypeNamesTheType() throws Exception {
        UnixAddress at = UnixAddress.of(dir.resolve("stream.sock"));
        try (IpcSocket listener = IpcSocket.listening(at, SocketType.STREAM, 4)) {
            IpcException e = assertThrows(IpcException.class,
                    () -> IpcSocket.connected(at, SocketType.SEQPACKET, Duration.ofSeconds(5)).close());
            assertMentions(e, "another type");
            assertTrue(listener.isOpen());
        }
    }

    @Test
    void rawSocketsHaveNoPairs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpcSocket.pair(SocketType.RAW));
        assertMentions(e, "a Unix-domain socket is not raw");
        e = assertThrows(IllegalArgumentException.class, () -> IpcSocket.open(SocketDomain.UNIX, SocketType.RAW));
        assertMentions(e, "the kernel makes a datagram socket of it", "open(UNIX, DATAGRAM)");
    }

    @Test
    void handlesAndCredentialsGoOverUnixSocketsOnly() throws Exception {
        try (IpcSocket tcp = IpcSocket.open(SocketDomain.INET, SocketType.STREAM); Pipe pipe = Pipe.open()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> tcp.send(ByteBuffer.allocate(1), pipe.sink()));
            assertMentions(e, "handles pass over Unix-domain sockets only", "INET");
            e = assertThrows(UnsupportedOperationException.class, () -> tcp.sendWithCredentials(ByteBuffer.allocate(1)));
            assertMentions(e, "credentials pass over Unix-domain sockets only");
            assertThrows(NullPointerException.class, () -> tcp.send(ByteBuffer.allocate(1), (Inheritable[]) null));
        }
    }

    @Test
    void aStreamHasNoSendersToReceiveFrom() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            pair.second().write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
            ByteBuffer b = ByteBuffer.allocate(8);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> pair.first().receiveFrom(b));
            assertMentions(e, "byte stream", "read(ByteBuffer)");
            assertEquals(0, b.position(), "nothing was taken");
            assertEquals(3, pair.first().read(b));
        }
    }

    @Test
    void anUnnamedAddressCannotBeConnectedOrSentTo() throws Exception {
        try (IpcSocket d = IpcSocket.open(SocketDomain.UNIX, SocketType.DATAGRAM);
             IpcSocket s = IpcSocket.open(SocketDomain.UNIX, SocketType.STREAM)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.sendTo(ByteBuffer.allocate(1), UnixAddress.unnamed()));
            assertMentions(e, "an unnamed address names no socket");
            assertThrows(IllegalArgumentException.class, () -> s.connect(UnixAddress.unnamed()));
        }
    }

    @Test
    void namesUtf8CannotEncodeAreRefused() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnixAddress.abstractName("jipc-test-\ud800"));
        assertMentions(e, "lone surrogate");
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.abstractName("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.of(Path.of("")));
    }

    @Test
    void aDeserializedAddressIsCheckedAgain() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(UnixAddress.of(Path.of("/tmp/" + "x".repeat(50))));
        }
        byte[] b = bytes.toByteArray();
        // A NUL in the middle of the path, which no path may hold.
        String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x".repeat(50));
        assertTrue(at > 0);
        b[at + 10] = 0;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(b))) {
            java.io.InvalidObjectException e = assertThrows(java.io.InvalidObjectException.class, in::readObject);
            assertMentions(e, "NUL");
        }
    }

    @Test
    void aBindThatFindsItsAddressTakenSaysByWhat() throws Exception {
        UnixAddress name = UnixAddress.abstractName("jipc-test-taken-" + ProcessHandle.current().pid());
        Path file = dir.resolve("plain");
        java.nio.file.Files.writeString(file, "not a socket");
        Path live = dir.resolve("live.sock");
        try (IpcSocket a = IpcSocket.bound(name, SocketType.DATAGRAM);
             IpcSocket server = IpcSocket.listening(UnixAddress.of(live), SocketType.STREAM, 1)) {
            IpcException e = assertThrows(IpcException.class, () -> IpcSocket.bound(name, SocketType.DATAGRAM));
            assertMentions(e, "EADDRINUSE", "another socket holds this abstract name");
            Exception f = assertThrows(java.nio.file.FileAlreadyExistsException.class,
                    () -> IpcSocket.listening(UnixAddress.of(file), SocketType.STREAM, 1));
            assertMentions(f, "a file that is no socket is at this path");
            f = assertThrows(java.nio.file.FileAlreadyExistsException.class,
                    () -> IpcSocket.listening(UnixAddress.of(live), SocketType.STREAM, 1));
            assertMentions(f, "a socket of a running process is bound to this path");
            assertTrue(a.isOpen() && server.isOpen(), "a refused bind leaves the sockets holding the names alone");
        }
        Exception left = assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> IpcSocket.listening(UnixAddress.of(live), SocketType.STREAM, 1));
        assertMentions(left, "a socket file is at this path", "if an earlier run left it, delete it first");
        java.nio.file.Files.delete(live);
    }

    @Test
    void aNegativeTimeoutOptionSaysWhatZeroMeansForOptions() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pair.first().setOption(SocketOptions.RECEIVE_TIMEOUT, Duration.ofMillis(-1)));
            assertMentions(e, "Duration.ZERO waits for ever");
        }
    }

    @Test
    void aTimeoutOptionForEverWaitsForEver() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            pair.first().setOption(SocketOptions.RECEIVE_TIMEOUT, ChronoUnit.FOREVER.getDuration());
            assertEquals(Duration.ZERO, pair.first().getOption(SocketOptions.RECEIVE_TIMEOUT));
            pair.first().setOption(SocketOptions.SEND_TIMEOUT, Duration.ofDays(365));
            assertEquals(Duration.ZERO, pair.first().getOption(SocketOptions.SEND_TIMEOUT));
            pair.first().setOption(SocketOptions.SEND_TIMEOUT, Duration.ofMillis(1500));
            assertEquals(Duration.ofMillis(1500), pair.first().getOption(SocketOptions.SEND_TIMEOUT));
            assertThrows(IllegalArgumentException.class,
                    () -> pair.first().setOption(SocketOptions.SEND_TIMEOUT, Duration.ofMillis(-1)));
            // A timed accept takes the longest timeout too.
            UnixAddress at = UnixAddress.of(dir.resolve("l.sock"));
            try (IpcSocket l = IpcSocket.listening(at, SocketType.STREAM, 1);
                 IpcSocket client = IpcSocket.connected(at, SocketType.STREAM, ChronoUnit.FOREVER.getDuration());
                 IpcSocket accepted = l.accept(ChronoUnit.FOREVER.getDuration())) {
                assertTrue(accepted.isOpen() && client.isOpen());
            }
        }
    }

    @Test
    void passingAClosedHandleSaysWhichHandle() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); Pipe pipe = Pipe.open()) {
            pipe.source().close();
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> pair.first().send(ByteBuffer.allocateDirect(1), pipe.sink(), pipe.source()));
            assertMentions(e, "handle 1", "is closed");
            assertTrue(pair.first().isOpen(), "the socket itself stays open");
        }
    }
}
