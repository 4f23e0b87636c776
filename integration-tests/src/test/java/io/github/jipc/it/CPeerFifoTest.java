package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Fifo;
import io.github.jipc.IpcException;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.Transfer;

/** A FIFO between this JVM and a plain C program ({@code fifo_peer}: mkfifo, open, read or write). */
class CPeerFifoTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void jvmCreatesAndWritesCPeerReads() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("jvm-to-c"), Harness.OWNER_RW);
        Child peer = harness.peer("fifo_peer", "read", fifo.path()).start();
        Transfer sent = Transfer.seeded(41);
        try (PipeSink sink = fifo.openSink(Harness.TIMEOUT)) {
            sent.pour(sink, 8 * MIB + 3);
        }
        peer.assertResult(sent);
        peer.assertExit(0);
        fifo.remove();
    }

    @Test
    void cPeerCreatesAndWritesJvmReads() throws Exception {
        Path path = harness.fifoPath("c-to-jvm");
        Child peer = harness.peer("fifo_peer", "write", path, 8 * MIB, 42, "--create", "--unlink").start();
        peer.awaitLine("READY"); // mkfifo done; the peer now blocks in open(O_WRONLY) until we read
        Transfer got;
        try (PipeSource source = Fifo.of(path).openSource()) {
            got = Transfer.received().drain(source);
        }
        peer.assertResult(got);
        assertEquals(Transfer.expected(8 * MIB, 42).toString(), got.toString());
        peer.assertExit(0);
        assertFalse(Fifo.exists(path), "the peer removed its FIFO");
    }

    @Test
    void cPeerKilledWhileWritingGivesEndOfStream() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("killed-writer"), Harness.OWNER_RW);
        Child peer = harness.peer("fifo_peer", "write", fifo.path(), -1, 43).start();
        try (PipeSource source = fifo.openSource()) {
            Transfer got = Transfer.received().drain(source, 4 * MIB);
            peer.kill();
            peer.assertKilled();
            got.drain(source); // the rest of what the FIFO held, then the end of stream
            assertEquals(Transfer.expected(got.bytes(), 43).toString(), got.toString());
        }
        fifo.remove();
    }

    @Test
    void cPeerKilledWhileReadingGivesEpipe() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("killed-reader"), Harness.OWNER_RW);
        Child peer = harness.peer("fifo_peer", "read", fifo.path()).start();
        try (PipeSink sink = fifo.openSink(Harness.TIMEOUT)) {
            Transfer sent = Transfer.seeded(44).pour(sink, 4 * MIB);
            peer.kill();
            peer.assertKilled();
            IpcException e = assertThrows(IpcException.class, () -> sent.pour(sink, MIB));
            assertEquals("EPIPE", e.errnoName());
        }
        fifo.remove();
    }
}
