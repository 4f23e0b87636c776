package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Fifo;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSource;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.harness.Worker;
import io.github.jipc.it.roles.Transfer;

/**
 * Blocking and non-blocking calls on a pipe whose other end a C peer holds:
 * a blocked call is woken by close() or an interrupt from this JVM, and a
 * non-blocking read says "no data yet" until the peer writes.
 */
class BlockedCallsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    /** A peer that holds the write end open, writing nothing, until the gate closes. */
    private static Child silentWriter(Pipe pipe, Pipe gate) throws Exception {
        Child peer = harness.peer("pipe_peer", "write", 3, 0, 0, "--hold").inherit(pipe.sink(), 3).stdin(gate.source()).start();
        pipe.sink().close();
        gate.source().close();
        peer.awaitLine("HOLDING");
        return peer;
    }

    @Test
    void blockedReadIsWokenByCloseFromAnotherThread() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            Child peer = silentWriter(pipe, gate);
            Worker<Integer> reading = Worker.start("reader", () -> pipe.source().read(ByteBuffer.allocateDirect(16)))
                    .awaitBlockedIn("jipc_pipe_read");

            pipe.source().close();
            reading.failure(AsynchronousCloseException.class);
            assertFalse(pipe.source().isOpen());

            gate.sink().close();
            peer.assertExit(0);
        }
    }

    @Test
    void blockedReadIsWokenByInterrupt() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            Child peer = silentWriter(pipe, gate);
            Worker<Integer> reading = Worker.start("reader", () -> pipe.source().read(ByteBuffer.allocateDirect(16)))
                    .awaitBlockedIn("jipc_pipe_read");

            reading.thread().interrupt();
            reading.failure(ClosedByInterruptException.class);
            assertFalse(pipe.source().isOpen(), "an interrupt closes the channel, as in java.nio");

            gate.sink().close();
            peer.assertExit(0);
        }
    }

    @Test
    void blockedWriteIsWokenByCloseAndItsPositionShowsWhatWentThrough() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "read", 3, "--gate").inherit(pipe.source(), 3).stdin(gate.source()).start();
            pipe.source().close();
            gate.source().close();
            int capacity = pipe.sink().capacity();
            ByteBuffer big = ByteBuffer.allocateDirect(4 * capacity);
            Worker<Integer> writing = Worker.start("writer", () -> pipe.sink().write(big))
                    .awaitBlockedIn("jipc_pipe_write");

            pipe.sink().close();
            // The pipe took its capacity's worth before the writer blocked: the write throws, and
            // the buffer's position shows that count.
            writing.failure(AsynchronousCloseException.class);
            assertEquals(capacity, big.position());
            assertFalse(pipe.sink().isOpen());
            gate.sink().close(); // the peer reads what the pipe holds, then the end of stream
            assertEquals(String.valueOf(capacity), peer.awaitResult().get("bytes"));
            peer.assertExit(0);
        }
    }

    @Test
    void blockedWriteIsWokenByInterrupt() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "read", 3, "--gate").inherit(pipe.source(), 3).stdin(gate.source()).start();
            pipe.source().close();
            gate.source().close();
            ByteBuffer big = ByteBuffer.allocateDirect(4 * pipe.sink().capacity());
            Worker<Integer> writing = Worker.start("writer", () -> pipe.sink().write(big))
                    .awaitBlockedIn("jipc_pipe_write");

            writing.thread().interrupt();
            writing.failure(ClosedByInterruptException.class);
            assertFalse(pipe.sink().isOpen());
            gate.sink().close();
            assertEquals(String.valueOf(big.position()), peer.awaitResult().get("bytes"),
                    "the position shows what the C reader got");
            peer.assertExit(0);
        }
    }

    @Test
    void blockedFifoReadWaitingForAWriterIsWokenByClose() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("no-writer"), Harness.OWNER_RW);
        PipeSource source = fifo.openSource();
        Worker<Integer> reading = Worker.start("reader", () -> source.read(ByteBuffer.allocateDirect(16)))
                .awaitBlockedIn("jipc_pipe_read");

        source.close();
        reading.failure(AsynchronousCloseException.class);
        fifo.remove();
    }

    @Test
    void nonBlockingReadSaysNoDataYetUntilThePeerWrites() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "write", 3, 100_000, 51, "--gate").inherit(pipe.sink(), 3).stdin(gate.source()).start();
            pipe.sink().close();
            gate.source().close();
            peer.awaitLine("READY");
            pipe.source().configureBlocking(false);
            ByteBuffer buf = ByteBuffer.allocateDirect(Transfer.CHUNK);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, pipe.source().read(buf), "no data yet, and the peer still holds its end");
                Thread.sleep(10);
            }

            gate.sink().close(); // the peer writes now
            Transfer got = Transfer.received();
            long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
            int n;
            while ((n = pipe.source().read(buf.clear())) >= 0) {
                if (n > 0) {
                    got.count(buf.flip());
                } else if (System.nanoTime() > deadline) {
                    fail("no end of stream after " + got + "\n" + peer.report());
                } else {
                    Thread.sleep(1);
                }
            }
            peer.assertResult(got);
            assertEquals(Transfer.expected(100_000, 51).toString(), got.toString());
            peer.assertExit(0);
        }
    }
}
