package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PollerTest {

    @Test
    void aThousandPipesEachReportedOnce() throws Exception {
        List<Pipe> pipes = new ArrayList<>();
        try (Poller poller = Poller.open()) {
            for (int i = 0; i < 1000; i++) {
                Pipe p = Pipe.open();
                pipes.add(p);
                poller.register(p.source(), PollEvent.READ).attach(i);
            }
            assertTrue(poller.poll(Duration.ZERO).isEmpty());
            for (int i = 0; i < 1000; i += 3) {
                pipes.get(i).sink().write(ByteBuffer.wrap(new byte[] { 1 }));
            }
            Set<Object> seen = new HashSet<>();
            for (PollKey k : poller.poll(Duration.ofSeconds(5))) {
                assertTrue(k.isReadable());
                assertTrue(seen.add(k.attachment()), "reported once");
            }
            assertEquals(334, seen.size());
            assertEquals(1001, poller.keys().size() + 1);
        } finally {
            for (Pipe p : pipes) {
                p.close();
            }
        }
    }

    @Test
    void socketsCountersAndChildrenInOneSet() throws Exception {
        try (Poller poller = Poller.open(); SocketPair pair = IpcSocket.pair(SocketType.DATAGRAM);
             EventFd counter = EventFd.create(0);
             Subprocess child = Subprocess.builder("/bin/sh", "-c", "sleep 0.2").start()) {
            PollKey sock = poller.register(pair.second(), PollEvent.READ);
            PollKey ev = poller.register(counter, PollEvent.READ);
            PollKey exit = poller.register(child, PollEvent.READ);
            PollKey writable = poller.register(pair.first(), PollEvent.WRITE);
            List<PollKey> r = poller.poll(Duration.ofSeconds(5));
            assertEquals(List.of(writable), r);
            assertTrue(writable.isWritable());
            writable.cancel();
            assertFalse(writable.isValid());
            pair.first().write(ByteBuffer.wrap(new byte[] { 1 }));
            counter.add(1);
            Set<PollKey> seen = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                for (PollKey k : poller.poll(Duration.ofSeconds(1))) {
                    seen.add(k);
                    if (k == sock) {
                        pair.second().read(ByteBuffer.allocate(4));
                    } else if (k == ev) {
                        counter.take();
                    } else {
                        assertSame(exit, k);
                        child.waitFor(Duration.ofSeconds(5)).orElseThrow();
                        k.cancel();
                    }
                }
            }
            assertEquals(Set.of(sock, ev, exit), seen);
            assertThrows(IllegalArgumentException.class, () -> poller.register(counter));
        }
    }

    @Test
    void aChildsEndIsReportedByOneWaitOnceAndNoWaitReturnsEarly() throws Exception {
        try (Poller poller = Poller.open()) {
            for (int i = 0; i < 30; i++) {
                try (Subprocess child = Subprocess.builder("/bin/sh", "-c", "sleep 0.0" + (i % 5)).start()) {
                    PollKey exit = poller.register(child, PollEvent.READ);
                    List<PollKey> first = poller.poll(Duration.ofSeconds(10));
                    assertEquals(List.of(exit), first, "round " + i + ": the first wait returns the ended child");
                    assertTrue(exit.isReadable() && exit.isHandleClosed() && !exit.isValid(),
                            "round " + i + ": readable, closed and cancelled at once");
                    assertEquals(List.of(), poller.poll(Duration.ofMillis(50)), "round " + i + ": reported once");
                    assertEquals(Set.of(), poller.keys());
                }
            }
        }
    }

    @Test
    void aHungUpPipeIsReadableAsTheDocumentationSays() throws Exception {
        try (Poller poller = Poller.open(); Pipe pipe = Pipe.open()) {
            PollKey k = poller.register(pipe.source(), PollEvent.READ);
            pipe.sink().close();
            assertEquals(List.of(k), poller.poll(Duration.ofSeconds(5)));
            assertTrue(k.isHangup());
            assertTrue(k.isReadable(), "a read will not block: it returns the end of the stream");
            assertEquals(-1, pipe.source().read(ByteBuffer.allocate(8)));
        }
    }

    @Test
    void aChildThatEndedIsReadableEvenIfReapedBeforeItWasRegistered() throws Exception {
        try (Poller poller = Poller.open(); Pipe pipe = Pipe.open()) {
            PollKey other = poller.register(pipe.source(), PollEvent.READ);
            for (int i = 0; i < 10; i++) {
                try (Subprocess child = Subprocess.builder("/bin/true").start()) {
                    if (i % 2 == 0) {
                        child.waitFor(Duration.ofSeconds(10)).orElseThrow(); // reaped: its pidfd is gone
                    }
                    PollKey exit = poller.register(child, PollEvent.READ);
                    boolean closed = false;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!closed && System.nanoTime() < deadline) {
                        for (PollKey k : poller.poll(Duration.ofSeconds(1))) {
                            assertSame(exit, k, "round " + i);
                            assertTrue(k.isReadable(), "round " + i + ": an ended child is readable");
                            closed = k.isHandleClosed();
                        }
                    }
                    assertTrue(closed, "round " + i + ": reported and let go");
                    assertFalse(exit.isValid());
                    assertEquals(List.of(), poller.poll(Duration.ofMillis(20)), "round " + i + ": the close is reported once");
                }
            }
            assertTrue(other.isValid(), "the other registration stays");
            pipe.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
            assertEquals(List.of(other), poller.poll(Duration.ofSeconds(5)));
        }
    }

    @Test
    void closingARegisteredHandleIsReportedOnceAndFreesItsNumber() throws Exception {
        try (Poller poller = Poller.open()) {
            Pipe pipe = Pipe.open();
            PollKey k = poller.register(pipe.source(), PollEvent.READ);
            CompletableFuture<List<PollKey>> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return new ArrayList<>(poller.poll(Duration.ofSeconds(10)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(20);
            // Only the registered end: closing the write end too could wake the wait first with
            // EPOLLHUP, and the close would then be reported by the next wait.
            pipe.source().close();
            List<PollKey> r = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(k), r);
            assertTrue(k.isHandleClosed());
            assertFalse(k.isValid());
            assertTrue(poller.poll(Duration.ofMillis(10)).isEmpty());
            assertTrue(poller.keys().isEmpty());
            assertThrows(ClosedChannelException.class, () -> poller.register(pipe.source(), PollEvent.READ));
            pipe.close();
        }
    }

    @Test
    void wakeupAndCloseEndAWait() throws Exception {
        Poller poller = Poller.open();
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return poller.poll().size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(20);
        poller.wakeup();
        assertEquals(0, waiter.get(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return poller.poll().size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(20);
        poller.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
        Throwable cause = e.getCause().getCause();
        assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException, "got " + cause);
        assertThrows(ClosedChannelException.class, () -> poller.poll(Duration.ZERO));
    }

    @Test
    void aPollerLetsItsHandlesGoWhenClosed() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            Poller poller = Poller.open();
            poller.register(pipe.source(), PollEvent.READ);
            poller.register(pipe.sink(), PollEvent.WRITE);
            poller.close();
            pipe.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
            assertEquals(1, pipe.source().read(ByteBuffer.allocate(4)));
        }
    }

    @Test
    void aMessageQueueIsReadableWhileAMessageWaitsAndWritableWhileThereIsRoom() throws Exception {
        MessageQueue q = MessageQueue.createUnnamed(2, 16);
        try (Poller poller = Poller.open(); Pipe pipe = Pipe.open()) {
            PollKey k = poller.register(q, PollEvent.READ, PollEvent.WRITE);
            PollKey other = poller.register(pipe.source(), PollEvent.READ);
            assertSame(q, k.handle());
            assertEquals(List.of(k), poller.poll(Duration.ZERO));
            assertTrue(k.isWritable() && !k.isReadable(), "an empty queue: room, nothing to read: " + k);

            k.interest(PollEvent.READ);
            assertTrue(poller.poll(Duration.ZERO).isEmpty(), "an empty queue is not readable");
            CompletableFuture<List<PollKey>> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return new ArrayList<>(poller.poll(Duration.ofSeconds(10)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(20);
            assertTrue(q.trySend(ByteBuffer.allocateDirect(16), 3));
            assertEquals(List.of(k), waiter.get(10, TimeUnit.SECONDS), "the send woke the wait");
            assertTrue(k.isReadable());

            assertTrue(q.trySend(ByteBuffer.allocateDirect(16), 1));
            k.interest(PollEvent.READ, PollEvent.WRITE);
            assertEquals(List.of(k), poller.poll(Duration.ZERO));
            assertTrue(k.isReadable() && !k.isWritable(), "a full queue: no room: " + k);

            ByteBuffer buf = ByteBuffer.allocateDirect(16);
            assertEquals(16, q.tryReceive(buf));
            assertEquals(List.of(k), poller.poll(Duration.ZERO));
            assertTrue(k.isReadable() && k.isWritable(), "one of two messages left: " + k);
            assertEquals(16, q.tryReceive(buf.clear()));
            k.interest(PollEvent.READ);
            assertTrue(poller.poll(Duration.ZERO).isEmpty(), "drained");

            q.close();
            assertEquals(List.of(k), poller.poll(Duration.ofSeconds(10)));
            assertTrue(k.isHandleClosed() && !k.isValid());
            assertEquals(Set.of(other), poller.keys(), "the pipe stays registered");
            assertThrows(ClosedChannelException.class, () -> poller.register(q, PollEvent.READ));
        } finally {
            q.close();
        }
    }
}
