package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A blocking stream write sends every byte, or throws with the buffer's
 * position past exactly the bytes that went, whatever ends it: a close, an
 * interrupt, the peer going away. Heap buffers (sent a staging buffer at a
 * time) and direct ones alike.
 */
@Timeout(60)
class SocketPartialWriteTest {
    private static final int SIZE = 8 * 1024 * 1024;

    /** A call running on a thread of its own: what it threw, or null. */
    private static final class Writer {
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        final Thread thread;

        Writer(IoCall call) {
            thread = new Thread(() -> {
                try {
                    call.run();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            }, "writer");
            thread.start();
        }

        Throwable await() throws Exception {
            return outcome.get(30, TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface IoCall {
        void run() throws IOException;
    }

    private static ByteBuffer buffer(boolean heap) {
        return heap ? ByteBuffer.allocate(SIZE) : ByteBuffer.allocateDirect(SIZE);
    }

    /** Reads at least n bytes; returns how many it read. */
    private static long readAtLeast(IpcSocket s, long n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        long got = 0;
        while (got < n) {
            int r = s.read(b.clear());
            assertTrue(r > 0, "the stream ended early");
            got += r;
        }
        return got;
    }

    /** Reads to the end of the stream; returns how many bytes came. */
    private static long drain(IpcSocket s) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        long got = 0;
        for (int r; (r = s.read(b.clear())) >= 0; ) {
            got += r;
        }
        return got;
    }

    @ParameterizedTest(name = "heap buffer: {0}")
    @ValueSource(booleans = { true, false })
    void aWriteEndedByACloseThrowsWithItsPositionPastWhatWent(boolean heap) throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            ByteBuffer big = buffer(heap);
            Writer w = new Writer(() -> pair.first().write(big));
            long got = readAtLeast(pair.second(), 100_000);
            Thread.sleep(100); // the writer waits for room again
            pair.first().close();
            assertInstanceOf(AsynchronousCloseException.class, w.await());
            got += drain(pair.second());
            assertEquals(got, big.position(), "the position counts exactly the bytes the peer received");
        }
    }

    @ParameterizedTest(name = "heap buffer: {0}")
    @ValueSource(booleans = { true, false })
    void aWriteEndedByAnInterruptThrowsWithItsPositionPastWhatWent(boolean heap) throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            ByteBuffer big = buffer(heap);
            Writer w = new Writer(() -> pair.first().write(big));
            long got = readAtLeast(pair.second(), 100_000);
            Thread.sleep(100);
            w.thread.interrupt();
            assertInstanceOf(ClosedByInterruptException.class, w.await());
            assertTrue(!pair.first().isOpen(), "an interrupt closes the socket, as in java.nio");
            got += drain(pair.second());
            assertEquals(got, big.position());
        }
    }

    @ParameterizedTest(name = "heap buffer: {0}")
    @ValueSource(booleans = { true, false })
    void aWriteWhosePeerLeftThrowsRatherThanReturningShort(boolean heap) throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            ByteBuffer big = buffer(heap);
            Writer w = new Writer(() -> pair.first().write(big));
            readAtLeast(pair.second(), 1024 * 1024);
            pair.second().close();
            Throwable t = w.await();
            assertInstanceOf(IpcException.class, t, "EPIPE or ECONNRESET, not a short count");
            assertTrue(big.position() >= 1024 * 1024 && big.position() < SIZE, "position " + big.position());
        }
    }

    @ParameterizedTest(name = "heap buffer: {0}")
    @ValueSource(booleans = { true, false })
    void aSendWithHandlesSendsEveryByte(boolean heap) throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.STREAM); Pipe pipe = Pipe.open()) {
            ByteBuffer big = buffer(heap);
            for (int i = 0; i < SIZE; i++) {
                big.put(i, (byte) (i * 31));
            }
            CompletableFuture<Integer> sent = new CompletableFuture<>();
            Writer w = new Writer(() -> sent.complete(pair.first().send(big, pipe.sink())));
            ByteBuffer in = ByteBuffer.allocate(SIZE);
            ReceivedMessage first = pair.second().receiveMessage(in);
            List<Inheritable> handles = first.handles();
            assertEquals(1, handles.size(), "the handle came with the first bytes");
            ((AutoCloseable) handles.get(0)).close();
            while (in.hasRemaining()) {
                assertTrue(pair.second().read(in) > 0);
            }
            assertEquals(null, w.await());
            assertEquals(SIZE, sent.get());
            assertEquals(SIZE, big.position());
            for (int i = 0; i < SIZE; i += 4099) {
                assertEquals((byte) (i * 31), in.get(i), "byte " + i);
            }
        }
    }
}
