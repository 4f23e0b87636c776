package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.ExitStatus;
import io.github.jipc.Fifo;
import io.github.jipc.IpcException;
import io.github.jipc.Pipe;
import io.github.jipc.PipeSink;
import io.github.jipc.PipeSource;
import io.github.jipc.Subprocess;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.PipeReaderRole;
import io.github.jipc.it.roles.Transfer;

/**
 * Subprocess's ProcessBuilder conveniences and the bugs a new user met, with
 * real children: a C peer and a child JVM reading their standard input from a
 * {@code Redirect.PIPE} and reporting on their standard output through
 * another; merged standard error; a FIFO read end handed to a C peer before
 * and after its writer came; a C reader that exits under a blocked write; no
 * zombie left by dropped children.
 */
class SubprocessStreamsTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final Harness harness = new Harness();

    /** The child's RESULT line, read from its standard output pipe until it closes it. */
    private static String result(Child child) throws IOException {
        String out = new String(child.process().stdoutStream().readAllBytes(), StandardCharsets.UTF_8);
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                return line.substring("RESULT ".length());
            }
        }
        throw new AssertionError("no RESULT line from " + child + " in: " + out + "\n" + child.report());
    }

    @Test
    void aCPeerReadsItsStandardInputPipeAndReportsOnItsStandardOutputPipe() throws Exception {
        Child peer = harness.peer("pipe_peer", "read", 0).pipedStdio().start();
        Transfer sent;
        try (PipeSink in = peer.process().stdin()) {
            sent = Transfer.seeded(41).pour(in, 4 * MIB + 3);
        }
        assertEquals(sent.toString(), result(peer));
        peer.assertExit(0);
    }

    @Test
    void aChildJvmReadsItsStandardInputPipeAndReportsOnItsStandardOutputPipe() throws Exception {
        Child reader = harness.java(PipeReaderRole.class, 0).pipedStdio().start();
        Transfer sent;
        try (PipeSink in = reader.process().stdin()) {
            sent = Transfer.seeded(42).pour(in, 2 * MIB + 1);
        }
        assertEquals(sent.toString(), result(reader));
        reader.assertExit(0);
    }

    @Test
    void standardErrorMergedIntoTheOutputPipe() throws Exception {
        String peers = System.getProperty("jipc.it.peers", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(peers.isBlank(), "the C peers were not built");
        try (Subprocess child = Subprocess.builder(Path.of(peers, "pipe_peer").toString(), "bogus")
                .redirectOutput(Redirect.PIPE).redirectErrorStream(true).start()) {
            String both = new String(child.stdoutStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(both.contains("usage:"), "the usage text the peer printed on standard error: " + both);
            ExitStatus status = child.waitFor(Harness.TIMEOUT).orElseThrow();
            assertFalse(status.isSuccess());
        }
    }

    /**
     * A FIFO read end handed to a C peer before any writer came gives it end
     * of stream at once (the kernel's rule); the end from openSource(Duration)
     * has its writer, so the peer reads everything.
     */
    @Test
    void aFifoReadEndHandedToACPeerBeforeAndAfterItsWriterCame() throws Exception {
        Fifo fifo = Fifo.create(harness.fifoPath("to-peer"), Harness.OWNER_RW);
        try {
            Child early = harness.peer("pipe_peer", "read", 3).inherit(fifo.openSource(), 3).start();
            early.assertResult(Transfer.received());
            early.assertExit(0);

            CompletableFuture<Transfer> writer = CompletableFuture.supplyAsync(() -> {
                try (PipeSink sink = fifo.openSink(Harness.TIMEOUT)) {
                    Thread.sleep(200); // the peer is reading by now
                    return Transfer.seeded(43).pour(sink, MIB + 7);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            PipeSource withWriter = fifo.openSource(Harness.TIMEOUT);
            Child peer = harness.peer("pipe_peer", "read", 3).inherit(withWriter, 3).start();
            Transfer sent = writer.get(Harness.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            peer.assertResult(sent);
            peer.assertExit(0);
        } finally {
            fifo.remove();
        }
    }

    /** A C reader that stops after 64 KiB and exits: the blocked write throws EPIPE, its position past what moved. */
    @Test
    void aBlockedWriteWhoseCReaderExitsShowsWhatMoved() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Child peer = harness.peer("pipe_peer", "read", 3, "--limit=65536").inherit(pipe.source(), 3).start();
            ByteBuffer big = ByteBuffer.allocateDirect(16 * MIB);
            IOException e = assertThrows(IOException.class, () -> pipe.sink().write(big));
            assertInstanceOf(IpcException.class, e);
            assertEquals("EPIPE", ((IpcException) e).errnoName());
            assertTrue(big.position() >= 65536 && big.position() < big.capacity(),
                    "the position shows the bytes that reached the pipe: " + big.position());
            peer.assertExit(0);
        }
    }

    @Test
    void droppedChildJvmsAndCPeersLeaveNoZombies() throws Exception {
        String peers = System.getProperty("jipc.it.peers", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(peers.isBlank(), "the C peers were not built");
        List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            try (Pipe pipe = Pipe.open()) {
                Subprocess dropped = Subprocess.builder(Path.of(peers, "pipe_peer").toString(), "read", "3")
                        .redirectOutput(Redirect.DISCARD).inherit(pipe.source(), 3).start();
                exits.add(dropped.onExit());
            } // the sink closes: the peer reads end of stream and exits
        }
        Subprocess jvm = Subprocess.java(PipeReaderRole.class.getName(), "0").jvmOptions("-Xmx64m", "-XX:+UseSerialGC")
                .redirectInput(Redirect.PIPE).redirectOutput(Redirect.DISCARD).start();
        exits.add(jvm.onExit());
        jvm.stdin().close();
        jvm = null;
        for (CompletableFuture<ExitStatus> exit : exits) {
            assertTrue(exit.get(Harness.TIMEOUT.toSeconds(), TimeUnit.SECONDS).isSuccess());
        }
        System.gc();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> zombies = zombies();
        while (!zombies.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            zombies = zombies();
        }
        assertEquals(List.of(), zombies, "zombie children of this JVM");
    }

    private static List<String> zombies() throws IOException {
        long self = ProcessHandle.current().pid();
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == self) {
                        found.add(p.getFileName() + " " + stat);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }
}
