package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.IpcException;
import io.github.jipc.Pipe;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.harness.Worker;
import io.github.jipc.it.roles.Transfer;

/** An unnamed pipe between this JVM and a plain C program ({@code pipe_peer}) that inherited one end. */
class CPeerPipeTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void jvmWritesCPeerReads() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "read", 3).inherit(pipe.source(), 3).start();
            pipe.source().close();
            Transfer sent = Transfer.seeded(31).pour(pipe.sink(), 8 * MIB + 5);
            pipe.sink().close();
            peer.assertResult(sent);
            peer.assertExit(0);
        }
    }

    @Test
    void cPeerWritesJvmReads() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "write", 3, 8 * MIB, 32).inherit(pipe.sink(), 3).start();
            pipe.sink().close();
            Transfer got = Transfer.received().drain(pipe.source());
            peer.assertResult(got);
            assertEquals(Transfer.expected(8 * MIB, 32).toString(), got.toString(),
                    "the C peer's stream is the one Transfer generates for the same seed");
            peer.assertExit(0);
        }
    }

    @Test
    void quarterGibibyteToTheCPeerWithChecksumOnBothSides() throws Exception {
        long size = 256L * MIB;
        try (Pipe pipe = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "read", 3).inherit(pipe.source(), 3).start();
            pipe.source().close();
            long start = System.nanoTime();
            Transfer sent = Transfer.seeded(33).pour(pipe.sink(), size);
            pipe.sink().close();
            peer.assertResult(sent);
            long micros = (System.nanoTime() - start) / 1000;
            System.out.printf("%s: 256 MiB to a C peer in %d ms (%d MiB/s)%n",
                    harness.testName(), micros / 1000, size * 1_000_000 / MIB / Math.max(1, micros));
            peer.assertExit(0);
        }
    }

    @Test
    void cPeerSeesEpipeOnceTheJvmClosesItsReadEnd() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "write", 3, -1, 34).inherit(pipe.sink(), 3).start();
            pipe.sink().close();
            Transfer got = Transfer.received().drain(pipe.source(), MIB);
            assertEquals(MIB, got.bytes());
            pipe.source().close(); // no process has the read end open now
            assertTrue(peer.awaitLine("ERROR").startsWith("write EPIPE"), peer::report);
            peer.assertExit(3);
        }
    }

    @Test
    void cPeerKilledWhileTheJvmIsBlockedWritingGivesEpipe() throws Exception {
        try (Pipe pipe = Pipe.open(); Pipe gate = Pipe.open()) {
            // The peer does not read before its gate opens, so the pipe fills up and the writer blocks.
            Child peer = harness.peer("pipe_peer", "read", 3, "--gate").inherit(pipe.source(), 3).stdin(gate.source()).start();
            pipe.source().close();
            gate.source().close();
            Transfer sent = Transfer.seeded(35);
            Worker<Transfer> writing = Worker.start("writer", () -> sent.pour(pipe.sink(), 16 * MIB))
                    .awaitBlockedIn("jipc_pipe_write");

            peer.kill();
            peer.assertKilled();
            assertEquals("EPIPE", writing.failure(IpcException.class).errnoName());
            assertTrue(sent.bytes() < 16 * MIB, "the write stopped early: " + sent);
            gate.sink().close();
        }
    }
}
