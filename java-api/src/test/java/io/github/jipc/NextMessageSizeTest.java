package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IpcSocket#nextMessageSize()}: a message's size, looked at before the receive that takes it. */
@Timeout(60)
class NextMessageSizeTest {

    private static ByteBuffer filled(int size, int seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) (seed + i));
        }
        return b.flip();
    }

    private static void assertFilled(ByteBuffer b, int size, int seed) {
        assertEquals(size, b.position());
        for (int i = 0; i < size; i++) {
            assertEquals((byte) (seed + i), b.get(i), "byte " + i);
        }
    }

    @Test
    void sizesEachDatagramAndLeavesItForTheReceive() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM)) {
            pair.first().write(filled(100, 1));
            pair.first().write(ByteBuffer.allocateDirect(0));
            pair.first().write(filled(70_000, 3));
            IpcSocket in = pair.second();
            assertEquals(OptionalInt.of(100), in.nextMessageSize());
            assertEquals(OptionalInt.of(100), in.nextMessageSize(), "looking takes nothing");
            ByteBuffer b = ByteBuffer.allocateDirect(100);
            assertEquals(100, in.read(b));
            assertFilled(b, 100, 1);
            assertEquals(OptionalInt.of(0), in.nextMessageSize(), "an empty message has size 0");
            assertEquals(0, in.read(ByteBuffer.allocateDirect(8)));
            int size = in.nextMessageSize().orElseThrow();
            assertEquals(70_000, size);
            ByteBuffer big = ByteBuffer.allocateDirect(size);
            assertEquals(size, in.read(big));
            assertFilled(big, size, 3);
            in.configureBlocking(false);
            assertEquals(OptionalInt.empty(), in.nextMessageSize(), "nothing waits");
        }
    }

    @Test
    void aTooSmallBufferIsToldHowToSizeIt() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM)) {
            pair.first().write(filled(64, 0));
            IpcException e = assertThrows(IpcException.class, () -> pair.second().read(ByteBuffer.allocateDirect(16)));
            assertEquals("EMSGSIZE", e.errnoName());
            assertTrue(e.getMessage().contains("nextMessageSize()"), e.getMessage());
        }
    }

    @Test
    void sizesAUdpDatagram() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (IpcSocket a = IpcSocket.bound(loopback, SocketType.DATAGRAM);
             IpcSocket b = IpcSocket.bound(loopback, SocketType.DATAGRAM)) {
            a.sendTo(filled(1200, 7), b.localAddress());
            assertEquals(OptionalInt.of(1200), b.nextMessageSize());
            ByteBuffer got = ByteBuffer.allocateDirect(1200);
            assertEquals(a.localAddress(), b.receiveFrom(got));
            assertFilled(got, 1200, 7);
        }
    }

    @Test
    void aSeqpacketEndHasNoNextMessage() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET)) {
            pair.first().write(filled(10, 0));
            pair.first().close();
            assertEquals(OptionalInt.of(10), pair.second().nextMessageSize());
            assertEquals(10, pair.second().read(ByteBuffer.allocateDirect(10)));
            assertEquals(OptionalInt.empty(), pair.second().nextMessageSize(), "the end: no message will come");
            assertEquals(-1, pair.second().read(ByteBuffer.allocateDirect(10)));
        }
    }

    @Test
    void handlesStayWithTheMessage() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM); Pipe pipe = Pipe.open()) {
            pair.first().send(filled(5, 0), pipe.source());
            assertEquals(OptionalInt.of(5), pair.second().nextMessageSize());
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocateDirect(5));
            assertEquals(5, m.bytes());
            assertEquals(1, m.handles().size(), "the handle came with the receive, not the look");
            try (PipeSource got = (PipeSource) m.handles().get(0)) {
                pipe.sink().write(filled(1, 9));
                ByteBuffer one = ByteBuffer.allocateDirect(1);
                assertEquals(1, got.read(one));
                assertEquals(9, one.get(0));
            }
        }
    }

    /** A nextMessageSize() of s on a thread of its own; thread() names it once it started. */
    private static final class Sizing {
        final CompletableFuture<Thread> thread = new CompletableFuture<>();
        final CompletableFuture<OptionalInt> result = new CompletableFuture<>();

        Sizing(IpcSocket s) {
            Thread t = new Thread(() -> {
                thread.complete(Thread.currentThread());
                try {
                    result.complete(s.nextMessageSize());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /** Waits until the call is in recv(2), so that what comes next finds it waiting. */
        Sizing waiting() throws Exception {
            Thread t = thread.get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (java.util.Arrays.stream(t.getStackTrace()).noneMatch(f -> f.getMethodName().equals("jipc_sockmsg_recv"))) {
                assertTrue(System.nanoTime() < deadline, "the call never reached recv(2)");
                assertFalse(result.isDone(), "the call ended without waiting: " + result);
                Thread.sleep(1);
            }
            Thread.sleep(20);
            return this;
        }
    }

    @Test
    void blockingModeWaitsForAMessageAndIsWokenByClose() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.SEQPACKET)) {
            Sizing waiting = new Sizing(pair.second()).waiting();
            assertFalse(waiting.result.isDone(), "no message yet: it waits");
            pair.first().write(filled(33, 0));
            assertEquals(OptionalInt.of(33), waiting.result.get(30, TimeUnit.SECONDS));

            pair.second().read(ByteBuffer.allocateDirect(33));
            Sizing closed = new Sizing(pair.second()).waiting();
            pair.second().close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> closed.result.get(30, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
        }
    }

    @Test
    void anInterruptClosesTheSocket() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM)) {
            Throwable thrown = Interrupts.during(() -> pair.second().nextMessageSize(), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(pair.second().isOpen());
        }
    }

    @Test
    void aStreamHasNoMessagesToSize() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> pair.second().nextMessageSize());
            assertTrue(e.getMessage().contains("byte stream"), e.getMessage());
        }
    }
}
