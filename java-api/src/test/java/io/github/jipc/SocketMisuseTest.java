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
        assertMentions(e, "raw sockets have no pairs");
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
