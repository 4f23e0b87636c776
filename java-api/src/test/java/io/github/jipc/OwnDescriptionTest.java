package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ends whose open file description this process alone holds (a {@link Pipe}'s,
 * a {@link Fifo} opened here) set it O_NONBLOCK to try calls without waiting;
 * what another process gets is always a blocking description.
 */
@Timeout(120)
class OwnDescriptionTest {
    /** O_NONBLOCK, the same octal value on x86_64 and arm64. */
    private static final int O_NONBLOCK = 04000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** The flags /proc/self/fdinfo shows for fd. */
    private static int flags(int fd) throws IOException {
        return parseFlags(Files.readString(Path.of("/proc/self/fdinfo/" + fd)));
    }

    private static int parseFlags(String fdinfo) {
        for (String line : fdinfo.split("\n")) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags line in " + fdinfo);
    }

    private static int fd(PipeEnd end) {
        return Handles.of(end).fd();
    }

    /** What a child shell reports for its fd 3: its fdinfo flags line, then what it names. */
    private static String childSees(PipeEnd end) throws Exception {
        try (Pipe out = Pipe.open();
             Subprocess child = Subprocess.builder("sh", "-c", "grep '^flags:' /proc/self/fdinfo/3; readlink /proc/self/fd/3")
                     .inherit(end, 3).keepOpen(end).redirectOutput(out.sink()).start()) {
            out.sink().close();
            String seen = SubprocessTest.readAll(out.source());
            assertTrue(child.waitFor(WAIT).orElseThrow().isSuccess(), seen);
            return seen;
        }
    }

    @Test
    void aCallThatNeedNotWaitUsesTheOwnDescriptionNonBlocking() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            assertEquals(0, flags(fd(pipe.sink())) & O_NONBLOCK, "made blocking");
            pipe.sink().write(b.put((byte) 7).flip());
            assertEquals(1, pipe.source().read(b.clear()));
            assertEquals(7, b.get(0));
            assertEquals(O_NONBLOCK, flags(fd(pipe.sink())) & O_NONBLOCK, "the write was tried without waiting");
            assertEquals(O_NONBLOCK, flags(fd(pipe.source())) & O_NONBLOCK, "the read too");
            assertTrue(pipe.sink().isBlocking() && pipe.source().isBlocking(), "the channels' mode is unchanged");
        }
    }

    @Test
    void aChildInheritsABlockingDescriptionAndTheEndStaysUsable() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            pipe.sink().write(b.put((byte) 1).flip());
            assertEquals(1, pipe.source().read(b.clear()));
            assertEquals(O_NONBLOCK, flags(fd(pipe.sink())) & O_NONBLOCK);

            String seen = childSees(pipe.sink());
            assertEquals(0, parseFlags(seen) & O_NONBLOCK, "the child's description blocks: " + seen);
            String pipeName = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd(pipe.sink()))).toString();
            assertTrue(seen.contains(pipeName), "the child's fd 3 is the same pipe: " + seen);
            assertEquals(0, flags(fd(pipe.sink())) & O_NONBLOCK, "shared now, so blocking from now on");

            for (int i = 0; i < 100; i++) {
                pipe.sink().write(b.clear().put((byte) i).flip());
                assertEquals(1, pipe.source().read(b.clear()));
                assertEquals((byte) i, b.get(0));
            }
            assertEquals(0, flags(fd(pipe.sink())) & O_NONBLOCK, "a shared description is never set O_NONBLOCK again");
        }
    }

    @Test
    void anEndBusyInACallHandsAFreshBlockingDescriptionToAChild() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            // A read waits (holding the end's lock); spawning meanwhile cannot look at the end's
            // description, so the child gets a description of its own, blocking.
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipe.source().read(ByteBuffer.allocateDirect(8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            while (Handles.of(pipe.source()).isClosed() || !pipeBusy(pipe.source())) {
                Thread.sleep(1);
            }
            String seen = childSees(pipe.source());
            assertEquals(0, parseFlags(seen) & O_NONBLOCK, seen);
            String pipeName = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd(pipe.source()))).toString();
            assertTrue(seen.contains(pipeName), "the same pipe: " + seen);
            assertFalse(read.isDone(), "the child closed its own description, not the end's");
            pipe.sink().write(ByteBuffer.wrap(new byte[] { 9, 9 }));
            assertEquals(2, read.get(30, TimeUnit.SECONDS));
        }
    }

    /** Whether a thread holds end's lane (is inside a read or write on it). */
    private static boolean pipeBusy(PipeEnd end) {
        return end.handle.laneTaken();
    }

    @Test
    void aHandlePassedOverASocketArrivesBlocking() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM); Pipe pipe = Pipe.open()) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            pipe.sink().write(b.put((byte) 1).flip());
            assertEquals(1, pipe.source().read(b.clear()));
            assertEquals(O_NONBLOCK, flags(fd(pipe.source())) & O_NONBLOCK);
            pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), pipe.source());
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocateDirect(8));
            try (PipeSource got = (PipeSource) m.handles().get(0)) {
                assertEquals(0, flags(fd(got)) & O_NONBLOCK, "a received description blocks");
                pipe.sink().write(b.clear().put((byte) 5).flip());
                assertEquals(1, got.read(b.clear()));
                assertEquals(5, b.get(0));
                assertEquals(0, flags(fd(got)) & O_NONBLOCK, "a received end never sets it");
            }
        }
    }

    @Test
    void readsThatMustWaitStillWaitAndWake() throws Exception {
        // A round trip's read always waits: the end soon stops trying first, and every read still gets its byte.
        try (Pipe ping = Pipe.open(); Pipe pong = Pipe.open()) {
            Thread echo = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(1);
                try {
                    while (ping.source().read(b.clear()) > 0) {
                        pong.sink().write(b.flip());
                    }
                } catch (IOException e) {
                    // the test failed already
                }
            });
            echo.start();
            ByteBuffer b = ByteBuffer.allocateDirect(1);
            for (int i = 0; i < 2000; i++) {
                ping.sink().write(b.clear().put((byte) i).flip());
                assertEquals(1, pong.source().read(b.clear()));
                assertEquals((byte) i, b.get(0));
            }
            ping.sink().close();
            echo.join(30_000);
            assertFalse(echo.isAlive());
        }
    }

    /**
     * Makes calls on another thread until one ends the loop: "closed" when
     * the end was closed (before a call, or during one), "end of stream" for
     * a negative count, else what was thrown.
     */
    private static CompletableFuture<String> untilClosed(java.util.concurrent.Callable<Integer> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                while (call.call() >= 0) {
                    // until something ends it
                }
                return "end of stream";
            } catch (ClosedChannelException e) {
                return "closed";
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    /** Makes n reads of pipe's source that each have to wait for a byte written 1 ms later. */
    private static void readsThatWait(Pipe pipe, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(1);
        for (int i = 0; i < n; i++) {
            CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1);
                    pipe.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1, pipe.source().read(b.clear()));
            late.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPendingInterruptClosesTheEndThoughDataWaits() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            assertEquals(1, pipe.source().read(b.limit(1)), "a try that went through");
            ByteBuffer second = ByteBuffer.allocateDirect(8);
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> pipe.source().read(second));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
            } finally {
                Thread.interrupted();
            }
            assertFalse(pipe.source().isOpen());
            assertEquals(0, second.position(), "nothing more was read");
        }
    }

    @Test
    void interruptWakesAReadOfAnEndThatStoppedTrying() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            readsThatWait(pipe, 40);
            assertEquals(0, flags(fd(pipe.source())) & O_NONBLOCK, "waits at once, on a blocking description");
            CompletableFuture<Thread> reader = new CompletableFuture<>();
            CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> {
                reader.complete(Thread.currentThread());
                try {
                    return "read " + pipe.source().read(ByteBuffer.allocateDirect(1));
                } catch (ClosedByInterruptException e) {
                    return "interrupted";
                } catch (IOException e) {
                    return e.toString();
                }
            });
            Thread t = reader.get(30, TimeUnit.SECONDS);
            while (!pipeBusy(pipe.source())) {
                Thread.sleep(1);
            }
            Thread.sleep(20);
            t.interrupt();
            assertEquals("interrupted", blocked.get(30, TimeUnit.SECONDS));
            assertFalse(pipe.source().isOpen());
        }
    }

    @Test
    void aCloseDuringWritesThatNeedNotWaitIsNeverAnError() throws Exception {
        // A try that meets the dead end a close put in place reports the close, not EBADF.
        for (int round = 0; round < 100; round++) {
            try (Pipe pipe = Pipe.open()) {
                CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(4096);
                    try {
                        while (pipe.source().read(b.clear()) >= 0) {
                            // keeps room in the pipe
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                ByteBuffer one = ByteBuffer.allocateDirect(1);
                CompletableFuture<String> writer = untilClosed(() -> pipe.sink().write(one.clear()));
                Thread.sleep(round % 3);
                pipe.sink().close();
                assertEquals("closed", writer.get(30, TimeUnit.SECONDS), "round " + round);
                drain.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aBusyEndPassedOverASocketArrivesAsAFreshBlockingDescription() throws Exception {
        try (SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM); Pipe pipe = Pipe.open()) {
            // The writer waits for room, holding the end's lock: the peer gets a description of its own.
            int capacity = pipe.sink().capacity();
            CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> {
                try {
                    return pipe.sink().write(ByteBuffer.allocateDirect(capacity + 10));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            while (!pipeBusy(pipe.sink()) || pipe.source().available() < capacity) {
                Thread.sleep(1);
            }
            pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), pipe.sink());
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocateDirect(8));
            try (PipeSink got = (PipeSink) m.handles().get(0)) {
                assertEquals(0, flags(fd(got)) & O_NONBLOCK, "a received description blocks");
                String mine = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd(pipe.sink()))).toString();
                assertEquals(mine, Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd(got))).toString());
                ByteBuffer in = ByteBuffer.allocateDirect(capacity + 10);
                while (in.hasRemaining()) {
                    assertTrue(pipe.source().read(in) > 0);
                }
                assertEquals(capacity + 10, write.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void switchingModesKeepsEveryCallRight() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.source().configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            assertEquals(0, pipe.source().read(b), "non-blocking, empty");
            assertEquals(O_NONBLOCK, flags(fd(pipe.source())) & O_NONBLOCK);
            pipe.source().configureBlocking(true);
            readsThatWait(pipe, 40);
            assertEquals(0, flags(fd(pipe.source())) & O_NONBLOCK, "blocking mode, waiting at once");
            pipe.source().configureBlocking(false);
            assertEquals(0, pipe.source().read(b.clear()), "non-blocking again: never waits");
            pipe.sink().write(ByteBuffer.wrap(new byte[] { 4 }));
            assertEquals(1, pipe.source().read(b.clear()));
            pipe.source().configureBlocking(true);
            String seen = childSees(pipe.source());
            assertEquals(0, parseFlags(seen) & O_NONBLOCK, seen);
            readsThatWait(pipe, 3);
        }
    }

    @Test
    void closeWakesAReadWhetherTheEndTriesFirstOrWaitsAtOnce() throws Exception {
        // With no read waiting before, a read tries first and then waits in poll(2); after reads that
        // each had to wait, the end waits at once, in read(2) on the description set blocking again.
        for (int waitedBefore : new int[] { 0, 40 }) {
            try (Pipe pipe = Pipe.open()) {
                readsThatWait(pipe, waitedBefore);
                if (waitedBefore > 0) {
                    assertEquals(0, flags(fd(pipe.source())) & O_NONBLOCK, "waits at once now, on a blocking description");
                }
                CompletableFuture<String> blocked = CompletableFuture.supplyAsync(() -> {
                    try {
                        return "read " + pipe.source().read(ByteBuffer.allocateDirect(1));
                    } catch (AsynchronousCloseException e) {
                        return "closed";
                    } catch (IOException e) {
                        return e.toString();
                    }
                });
                while (!pipeBusy(pipe.source())) {
                    Thread.sleep(1);
                }
                Thread.sleep(20);
                pipe.source().close();
                assertEquals("closed", blocked.get(30, TimeUnit.SECONDS), "after " + waitedBefore + " waits");
            }
        }
    }

    @Test
    void aCloseDuringReadsThatNeedNotWaitIsNeverEndOfStream() throws Exception {
        // The close puts a dead end (which reads 0) in place of the descriptor: a try that meets it
        // reports the close, not end of stream, since the writer is still open.
        for (int round = 0; round < 200; round++) {
            try (Pipe pipe = Pipe.open()) {
                pipe.sink().write(ByteBuffer.allocate(60_000));
                ByteBuffer b = ByteBuffer.allocateDirect(1);
                CompletableFuture<String> reader = untilClosed(() -> pipe.source().read(b.clear()));
                Thread.sleep(round % 3);
                pipe.source().close();
                assertEquals("closed", reader.get(30, TimeUnit.SECONDS), "round " + round);
            }
        }
    }

    @Test
    void aFifoOpenedHereUsesItsOwnDescriptionForNonBlockingCallsToo() throws Exception {
        Fifo fifo = Fifo.create(dir.resolve("fifo"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (PipeSource source = fifo.openSource(PipeOption.NON_BLOCKING)) {
            PipeSink sink = fifo.openSink();
            String name = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd(source))).toString();
            assertEquals(0, source.read(ByteBuffer.allocateDirect(4)));
            sink.write(ByteBuffer.wrap(new byte[] { 1, 2 }));
            assertEquals(2, source.read(ByteBuffer.allocateDirect(4)));
            long named = 0;
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                named = fds.filter(f -> {
                    try {
                        return Files.readSymbolicLink(f).toString().equals(name);
                    } catch (IOException e) {
                        return false;
                    }
                }).count();
            }
            assertEquals(2, named, "one descriptor per end, no O_NONBLOCK twin");
            sink.close(); // the only writer
            assertEquals(-1, source.read(ByteBuffer.allocateDirect(4)), "every writer came and went");
        }
    }

    @Test
    void aTryNeverHidesAnError() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            pipe.source().close();
            try {
                pipe.sink().write(ByteBuffer.allocateDirect(4));
                fail("EPIPE expected");
            } catch (IpcException e) {
                assertEquals("EPIPE", e.errnoName());
            }
        }
    }
}
