package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FutexTest {
    private static final String LABEL = ShmLeaks.PREFIX + "futex";

    private static CompletableFuture<Boolean> waiter(Futex f, int expected, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                if (timeout == null) {
                    f.await(expected);
                    return true;
                }
                return f.await(expected, timeout);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void waitsWhileTheWordHoldsTheValue() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096); SharedRegion r = m.map(); Futex f = Futex.at(r, 8)) {
            assertEquals(8, f.offset());
            assertTrue(f.region() == r);
            r.putIntVolatile(8, 1);
            assertTrue(f.await(0, Duration.ofSeconds(10)), "another value: no wait");
            f.await(0);
            long t0 = System.nanoTime();
            assertFalse(f.await(1, Duration.ofMillis(50)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 45 && ms < 5_000, ms + " ms");
            assertFalse(f.await(1, Duration.ZERO));
            assertFalse(f.await(1, Duration.ofSeconds(-5)));
            assertEquals(0, f.wake(1));
        }
    }

    @Test
    void wakeOneOrAll() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096); SharedRegion r = m.map();
                Futex f = Futex.at(r, 0); SharedRegion other = m.map(); Futex g = Futex.at(other, 0)) {
            CompletableFuture<Boolean> a = waiter(f, 0, Duration.ofSeconds(30));
            CompletableFuture<Boolean> b = waiter(g, 0, null); // another mapping of the same memory
            CompletableFuture<Boolean> c = waiter(g, 0, null);
            int woken = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (woken == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
                woken = f.wake(1);
            }
            assertEquals(1, woken);
            r.putIntVolatile(0, 1);
            // The others are woken by wakeAll, or, if they had not reached the wait yet, see the
            // new value and do not wait at all: either way all three return, and no more than
            // three were ever woken.
            while (!(a.isDone() && b.isDone() && c.isDone()) && System.nanoTime() < deadline) {
                woken += g.wakeAll();
                Thread.sleep(5);
            }
            assertTrue(woken >= 1 && woken <= 3, "woken " + woken);
            assertTrue(a.get(10, TimeUnit.SECONDS));
            assertTrue(b.get(10, TimeUnit.SECONDS));
            assertTrue(c.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeWakesAWaiter() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096); SharedRegion r = m.map()) {
            for (int i = 0; i < 20; i++) {
                Futex f = Futex.at(r, 4);
                CompletableFuture<Boolean> w = waiter(f, 0, i % 2 == 0 ? null : Duration.ofSeconds(60));
                if (i % 4 < 2) {
                    Thread.sleep(10);
                }
                f.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                Throwable cause = e.getCause().getCause();
                assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                        "got " + cause);
            }
        }
    }

    @Test
    void closingTheRegionWakesItsWaitersBeforeTheUnmap() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096)) {
            SharedRegion r = m.map();
            Futex f = Futex.at(r, 4);
            CompletableFuture<Boolean> w = waiter(f, 0, null);
            Thread.sleep(20);
            r.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause().getCause());
            assertFalse(f.isOpen());
            assertThrows(IllegalStateException.class, () -> Futex.at(r, 0));
        }
    }

    @Test
    void interruptWakesAWaiterAndClosesTheHandle() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096); SharedRegion r = m.map(); Futex f = Futex.at(r, 0)) {
            Throwable thrown = Interrupts.during(() -> f.await(0), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(f.isOpen());
            assertTrue(r.isOpen());
        }
    }

    @Test
    void misuseIsACleanError() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096); SharedRegion r = m.map()) {
            assertThrows(IllegalArgumentException.class, () -> Futex.at(r, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> Futex.at(r, 4096));
            assertThrows(IndexOutOfBoundsException.class, () -> Futex.at(r, -4));
            assertThrows(NullPointerException.class, () -> Futex.at(null, 0));
            Futex f = Futex.at(r, 0);
            assertThrows(IllegalArgumentException.class, () -> f.wake(0));
            assertThrows(NullPointerException.class, () -> f.await(0, null));
            f.close();
            f.close();
            assertThrows(ClosedChannelException.class, () -> f.await(0));
            assertThrows(ClosedChannelException.class, () -> f.wake(1));
            assertTrue(f.toString().contains("closed"), f.toString());
        }
    }
}
