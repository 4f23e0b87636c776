package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventFdTest {

    @Test
    void aCounterAddsUpAndIsTakenWhole() throws Exception {
        try (EventFd e = EventFd.create(2)) {
            assertTrue(e.add(3));
            assertEquals(5, e.take());
            e.configureBlocking(false);
            assertEquals(0, e.take());
            assertFalse(e.isBlocking());
        }
    }

    @Test
    void aSemaphoreGivesOneAtATime() throws Exception {
        try (EventFd e = EventFd.create(2, EventFdOption.SEMAPHORE, EventFdOption.NON_BLOCKING)) {
            assertEquals(1, e.take());
            assertEquals(1, e.take());
            assertEquals(0, e.take());
        }
    }

    @Test
    void takersTakeTurnsAndEachOneIsCountedOnce() throws Exception {
        try (EventFd e = EventFd.create(0, EventFdOption.SEMAPHORE)) {
            int takers = 3;
            int each = 2000;
            long[] taken = new long[takers];
            Thread[] threads = new Thread[takers];
            for (int t = 0; t < takers; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            taken[id] += e.take(); // blocks while 0: the adds below come one by one
                        }
                    } catch (java.io.IOException x) {
                        taken[id] = -1;
                    }
                });
                threads[t].start();
            }
            for (int i = 0; i < takers * each; i++) {
                e.add(1);
            }
            for (Thread t : threads) {
                t.join(30_000);
                assertFalse(t.isAlive(), "a taker still waits");
            }
            for (long n : taken) {
                assertEquals(each, n);
            }
            e.configureBlocking(false);
            assertEquals(0, e.take(), "nothing left over");
        }
    }

    @Test
    void aFullCounterRefusesNonBlockingAdds() throws Exception {
        try (EventFd e = EventFd.create(0, EventFdOption.NON_BLOCKING)) {
            assertTrue(e.add(EventFd.MAX_VALUE));
            assertFalse(e.add(1));
            assertThrows(IllegalArgumentException.class, () -> e.add(-1L));
            assertEquals(EventFd.MAX_VALUE, e.take());
        }
        assertThrows(IllegalArgumentException.class, () -> EventFd.create(-1));
    }

    /** Room for 1 but not for n: poll(2) says writable, yet a write of n would block (it did, for ever). */
    @Test
    void aNonBlockingAddLargerThanTheRoomLeftIsRefusedWithoutWaiting() throws Exception {
        try (EventFd e = EventFd.create(1, EventFdOption.NON_BLOCKING)) {
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> e.add(EventFd.MAX_VALUE)));
            assertTrue(e.add(EventFd.MAX_VALUE - 1));
            assertFalse(e.add(1));
            assertEquals(EventFd.MAX_VALUE, e.take());
        }
    }

    @Test
    @SuppressWarnings("try")
    void aBlockedTakeIsWokenByAnAddAndByClose() throws Exception {
        try (EventFd e = EventFd.create(0)) {
            CompletableFuture<Long> taker = CompletableFuture.supplyAsync(() -> {
                try {
                    return e.take();
                } catch (IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            });
            Thread.sleep(20);
            e.add(7);
            assertEquals(7, taker.get(10, TimeUnit.SECONDS));
            CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return e.take();
                } catch (IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            });
            Thread.sleep(20);
            e.close();
            ExecutionException x = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
            Throwable cause = x.getCause().getCause();
            assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException, "got " + cause);
            assertThrows(ClosedChannelException.class, e::take);
            assertThrows(ClosedChannelException.class, () -> e.add(1));
        }
    }

    @Test
    void aChildAddsToTheCounterItInherited() throws Exception {
        try (EventFd e = EventFd.create(0);
             Subprocess child = Subprocess.builder("/bin/sh", "-c",
                     "printf '\\005\\000\\000\\000\\000\\000\\000\\000' >&3").inherit(e, 3).start()) {
            assertEquals(0, child.waitFor(Duration.ofSeconds(10)).orElseThrow().exitCode());
            assertEquals(5, e.take());
        }
        assertThrows(IllegalArgumentException.class, () -> EventFd.inherited(-1));
        try (Pipe p = Pipe.open()) {
            try (UnownedDescriptor end = new UnownedDescriptor(p.source())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> EventFd.inherited(end.fd));
                assertTrue(e.getMessage().contains("not an eventfd"), e.getMessage());
            }
        }
    }
}
