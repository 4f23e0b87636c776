package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Fifo;
import io.github.jipc.IpcException;
import io.github.jipc.PipeOption;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.FifoReaderRole;
import io.github.jipc.it.roles.FifoWriterRole;
import io.github.jipc.it.roles.Transfer;

/** A FIFO between JVMs that share nothing but its path. */
class FifoBetweenJvmsTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void twoUnrelatedJvmsTalkThroughAFifo() throws Exception {
        Path path = harness.fifoPath("transfer");
        Fifo fifo = Fifo.create(path, Harness.OWNER_RW);
        // Neither child inherits anything from the other: they meet at the path.
        Child writer = harness.java(FifoWriterRole.class, path, 16 * MIB, 21).start();
        Child reader = harness.java(FifoReaderRole.class, path).start();

        Map<String, String> sent = writer.awaitResult();
        Map<String, String> got = reader.awaitResult();
        assertEquals(sent, got, () -> "the reader got other bytes than were written\n" + writer.report() + "\n" + reader.report());
        assertEquals(Transfer.expected(16 * MIB, 21).crc32(), got.get("crc32"));
        writer.assertExit(0);
        reader.assertExit(0);

        assertTrue(Fifo.exists(path), "a FIFO outlives the processes that used it");
        fifo.remove();
        assertFalse(Fifo.exists(path));
    }

    @Test
    void thisJvmWritesAChildJvmReads() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("to-child"), Harness.OWNER_RW);
        Child reader = harness.java(FifoReaderRole.class, fifo.path()).start();
        Transfer sent = Transfer.seeded(22);
        try (PipeSink sink = fifo.openSink(Harness.TIMEOUT)) { // waits for the child to open its read end
            sent.pour(sink, 8 * MIB);
        }
        reader.assertResult(sent);
        reader.assertExit(0);
        fifo.remove();
    }

    @Test
    void aChildJvmWritesThisJvmReadsWithoutBlocking() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("from-child"), Harness.OWNER_RW);
        ByteBuffer buf = ByteBuffer.allocateDirect(Transfer.CHUNK);
        Transfer got = Transfer.received();
        try (PipeSource source = fifo.openSource(PipeOption.NON_BLOCKING)) {
            assertEquals(0, source.read(buf), "no writer yet: nothing to read, and not the end either");
            Child writer = harness.java(FifoWriterRole.class, fifo.path(), 4 * MIB, 23).start();
            int idle = 0;
            for (;;) {
                int n = source.read(buf.clear());
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    idle++;
                    Thread.sleep(1);
                } else {
                    got.count(buf.flip());
                }
                if (idle > Harness.TIMEOUT.toMillis()) {
                    fail("no end of stream after " + got.bytes() + " bytes\n" + writer.report());
                }
            }
            writer.assertResult(got);
            writer.assertExit(0);
        }
        assertEquals(Transfer.expected(4 * MIB, 23).toString(), got.toString());
        fifo.remove();
    }

    @Test
    void aWriteEndOpensOnlyOnceAReaderHasTheFifoOpen() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("rendezvous"), Harness.OWNER_RW);
        IpcException e = assertThrows(IpcException.class, () -> fifo.openSink(PipeOption.NON_BLOCKING));
        assertEquals("ENXIO", e.errnoName());
        assertNull(fifo.tryOpenSink());

        Child reader = harness.java(FifoReaderRole.class, fifo.path()).start();
        reader.awaitLine("READY"); // the child has the read end open now
        PipeSink sink = fifo.tryOpenSink();
        assertTrue(sink != null, "a reader is there: the write end opens at once");
        sink.close(); // without writing: the reader sees the end of stream at once
        assertEquals("0", reader.awaitResult().get("bytes"));
        reader.assertExit(0);
        fifo.remove();
    }
}
