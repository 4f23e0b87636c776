package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.IpcException;
import io.github.jipc.Pipe;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.PipeReaderRole;
import io.github.jipc.it.roles.PipeWriterRole;
import io.github.jipc.it.roles.Transfer;

/** An unnamed pipe between this JVM and a child JVM that inherited one end. */
class PipeBetweenJvmsTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void parentWritesChildReads() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child reader = harness.java(PipeReaderRole.class, 3).inherit(pipe.source(), 3).start();
            pipe.source().close(); // the child holds the only read end now
            Transfer sent = Transfer.seeded(11).pour(pipe.sink(), 8 * MIB);
            pipe.sink().close(); // end of stream for the child

            reader.assertResult(sent);
            reader.assertExit(0);
        }
    }

    @Test
    void childWritesParentReads() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child writer = harness.java(PipeWriterRole.class, 3, 8 * MIB, 12).inherit(pipe.sink(), 3).start();
            pipe.sink().close(); // the child holds the only write end now
            Transfer got = Transfer.received().drain(pipe.source());

            writer.assertResult(got);
            assertEquals(Transfer.expected(8 * MIB, 12).toString(), got.toString(), "the bytes the child generated");
            writer.assertExit(0);
        }
    }

    @Test
    void quarterGibibyteWithChecksumOnBothSides() throws Exception {
        long size = 256L * MIB;
        try (Pipe pipe = Pipe.open()) {
            Child reader = harness.java(PipeReaderRole.class, 3).inherit(pipe.source(), 3).start();
            pipe.source().close();
            reader.awaitLine("READY");
            long start = System.nanoTime();
            Transfer sent = Transfer.seeded(13).pour(pipe.sink(), size);
            pipe.sink().close();
            reader.assertResult(sent);
            long micros = (System.nanoTime() - start) / 1000;
            System.out.printf("%s: 256 MiB to a child JVM in %d ms (%d MiB/s)%n",
                    harness.testName(), micros / 1000, size * 1_000_000 / MIB / Math.max(1, micros));
            reader.assertExit(0);
        }
    }

    @Test
    void endOfStreamOnlyOnceTheChildClosesItsEnd() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            Child writer = harness.java(PipeWriterRole.class, 3, 1000, 14, "--hold")
                    .inherit(pipe.sink(), 3).stdin(gate.source()).start();
            pipe.sink().close();
            gate.source().close();
            Transfer got = Transfer.received().drain(pipe.source(), 1000);
            writer.awaitLine("HOLDING");

            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            pipe.source().configureBlocking(false);
            assertEquals(0, pipe.source().read(buf), "no data yet: the child holds its write end open");
            gate.sink().close(); // lets the child close its end and exit
            writer.assertExit(0);
            pipe.source().configureBlocking(true);
            assertEquals(-1, pipe.source().read(buf), "end of stream once no process has a write end");
            writer.assertResult(got);
        }
    }

    @Test
    void writingAfterTheChildReaderExitedFailsWithEpipe() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child reader = harness.java(PipeReaderRole.class, 3, "--limit=65536").inherit(pipe.source(), 3).start();
            pipe.source().close();
            Transfer sent = Transfer.seeded(15).pour(pipe.sink(), 65536);
            reader.assertResult(sent);
            reader.assertExit(0); // no process has the read end open any more

            ByteBuffer one = ByteBuffer.allocateDirect(1);
            IpcException e = assertThrows(IpcException.class, () -> pipe.sink().write(one));
            assertEquals("EPIPE", e.errnoName());
            assertEquals("write", e.call());
            assertTrue(e.getMessage().contains("no process has the read end open"), e.getMessage());
            // No SIGPIPE took the JVM down: the same call fails the same way again.
            assertEquals("EPIPE", assertThrows(IpcException.class, () -> pipe.sink().write(one)).errnoName());
            assertTrue(pipe.sink().isOpen());
        }
    }

    @Test
    void childKilledWhileWritingGivesEndOfStream() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child writer = harness.java(PipeWriterRole.class, 3, -1, 16).inherit(pipe.sink(), 3).start();
            pipe.sink().close();
            Transfer got = Transfer.received().drain(pipe.source(), 4 * MIB);
            assertEquals(4 * MIB, got.bytes());

            writer.kill();
            writer.assertKilled();
            got.drain(pipe.source()); // what the pipe still held, then the end of stream
            assertEquals(-1, pipe.source().read(ByteBuffer.allocate(1)));
            assertEquals(Transfer.expected(got.bytes(), 16).toString(), got.toString(),
                    "every byte up to the kill arrived intact");
        }
    }

    @Test
    void childKilledWhileReadingGivesEpipe() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child reader = harness.java(PipeReaderRole.class, 3).inherit(pipe.source(), 3).start();
            pipe.source().close();
            Transfer sent = Transfer.seeded(17).pour(pipe.sink(), 4 * MIB);

            reader.kill();
            reader.assertKilled();
            IpcException e = assertThrows(IpcException.class, () -> sent.pour(pipe.sink(), MIB));
            assertEquals("EPIPE", e.errnoName());
        }
    }
}
