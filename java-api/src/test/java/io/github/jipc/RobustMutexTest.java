package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ReadOnlyBufferException;
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
class RobustMutexTest {
    private static final String LABEL = ShmLeaks.PREFIX + "mutex";

    private static <T> T inThread(IoSupplier<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(body.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        t.start();
        t.join(10_000);
        return f.get(1, TimeUnit.SECONDS);
    }

    interface IoSupplier<T> {
        T get() throws Exception;
    }

    @Test
    void layoutComesFromTheCLibrary() {
        assertTrue(RobustMutex.size() >= 24, "sizeof(pthread_mutex_t) " + RobustMutex.size());
        assertEquals(1, Integer.bitCount(RobustMutex.alignment()));
        assertTrue(SharedCondition.size() >= 32);
        assertEquals(1, Integer.bitCount(SharedCondition.alignment()));
    }

    @Test
    void lockTryTimedAndUnlock() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map(); SharedRegion other = mf.map();
                RobustMutex m = RobustMutex.init(r, 64); RobustMutex same = RobustMutex.at(other, 64)) {
            m.lock();
            assertThrows(IllegalStateException.class, m::lock, "not reentrant");
            Boolean free = inThread(() -> same.tryLock());
            assertFalse(free);
            long t0 = System.nanoTime();
            Boolean timedOut = inThread(() -> same.tryLock(Duration.ofMillis(60)));
            assertFalse(timedOut);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 55 && ms < 5_000, ms + " ms");
            assertThrows(IllegalMonitorStateException.class, () -> {
                try {
                    inThread(() -> {
                        same.unlock();
                        return null;
                    });
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            });
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    boolean got = same.tryLock(Duration.ofSeconds(30));
                    same.unlock();
                    return got;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(30);
            m.unlock();
            assertTrue(waiter.get(10, TimeUnit.SECONDS));
            assertTrue(m.tryLock());
            m.unlock();
            assertThrows(IllegalMonitorStateException.class, m::unlock);
            assertThrows(IllegalStateException.class, m::markConsistent);
        }
    }

    @Test
    void aPendingInterruptClosesTheHandleThoughTheMutexIsFree() throws Exception {
        // A free mutex is taken without the interrupt hook, but a pending interrupt still closes, as documented.
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map(); RobustMutex m = RobustMutex.init(r, 0)) {
            Throwable t = inThread(() -> {
                Thread.currentThread().interrupt();
                try {
                    m.lock();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertInstanceOf(java.nio.channels.ClosedByInterruptException.class, t);
            assertFalse(m.isOpen());
            try (RobustMutex again = RobustMutex.at(r, 0)) {
                assertTrue(again.tryLock(), "the interrupted lock did not take it");
                again.unlock();
            }
        }
    }

    @Test
    void anOwnerWhoseSharedHandleAnInterruptClosedUnlocksThroughAnother() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map(); RobustMutex m = RobustMutex.init(r, 0)) {
            m.lock();
            Throwable t = inThread(() -> {
                Thread.currentThread().interrupt();
                try {
                    m.lock();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertInstanceOf(java.nio.channels.ClosedByInterruptException.class, t);
            assertThrows(java.nio.channels.ClosedChannelException.class, m::unlock, "the shared handle is closed");
            try (RobustMutex again = RobustMutex.at(r, 0)) {
                again.unlock(); // ownership is this thread's, not the handle's
                assertEquals(Boolean.TRUE, inThread(() -> {
                    boolean got = again.tryLock();
                    again.unlock();
                    return got;
                }));
            }
        }
    }

    @Test
    void aDeadOwnerIsToldRepairedOrLeftUnrecoverable() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map(); RobustMutex m = RobustMutex.init(r, 0)) {
            // A thread that ends holding a robust mutex is a dead owner too.
            inThread(() -> {
                m.lock();
                return null;
            });
            OwnerDiedException died = assertThrows(OwnerDiedException.class, m::lock);
            assertTrue(died.mutex() == m);
            assertTrue(died.getMessage().contains("markConsistent"), died.getMessage());
            m.markConsistent(); // repaired
            m.unlock();
            assertTrue(m.tryLock());
            m.unlock();
            inThread(() -> {
                m.lock();
                return null;
            });
            assertThrows(OwnerDiedException.class, () -> m.tryLock(Duration.ofSeconds(1)));
            m.unlock(); // without markConsistent
            IpcException gone = assertThrows(IpcException.class, m::lock);
            assertEquals("ENOTRECOVERABLE", gone.errnoName());
            assertTrue(gone.getMessage().contains("never be locked again"), gone.getMessage());
            assertThrows(IpcException.class, m::tryLock);
            assertThrows(IpcException.class, m::tryLock); // a failed try leaves it as it was: not held by us
            inThread(() -> assertThrows(IpcException.class, () -> m.tryLock(Duration.ofMillis(100))));
            m.destroy();
            try (RobustMutex fresh = RobustMutex.init(r, 0)) {
                assertTrue(fresh.tryLock());
                fresh.unlock();
            }
        }
    }

    @Test
    void closeRegionCloseAndInterruptEndAWaitingLock() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map(); RobustMutex holder = RobustMutex.init(r, 0)) {
            holder.lock();
            for (int i = 0; i < 6; i++) {
                RobustMutex m = RobustMutex.at(r, 0);
                boolean timed = i % 2 == 0;
                CompletableFuture<Boolean> w = CompletableFuture.supplyAsync(() -> {
                    try {
                        if (timed) {
                            return m.tryLock(Duration.ofSeconds(60));
                        }
                        m.lock();
                        return true;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Thread.sleep(i < 3 ? 15 : 0);
                m.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                Throwable cause = e.getCause().getCause();
                assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                        "got " + cause);
            }
            RobustMutex m = RobustMutex.at(r, 0);
            Throwable thrown = Interrupts.during(() -> m.lock(), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(m.isOpen());
            SharedRegion second = mf.map();
            {
                RobustMutex viaSecond = RobustMutex.at(second, 0);
                CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                    try {
                        viaSecond.lock();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Thread.sleep(20);
                second.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                assertInstanceOf(AsynchronousCloseException.class, e.getCause().getCause());
            }
            holder.unlock();
        }
    }

    @Test
    void conditionWaitSignalAndTimeout() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map();
                RobustMutex m = RobustMutex.init(r, 0); SharedCondition c = SharedCondition.init(r, 128)) {
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    m.lock();
                    try {
                        while (r.getLong(256) == 0) {
                            c.await(m);
                        }
                        return r.getLong(256);
                    } finally {
                        m.unlock();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(30);
            m.lock();
            r.putLong(256, 42);
            c.signalAll();
            m.unlock();
            assertEquals(42, waiter.get(10, TimeUnit.SECONDS));
            m.lock();
            long deadline = System.nanoTime() + 50_000_000L;
            boolean signalled = true;
            while (signalled && System.nanoTime() < deadline) {
                signalled = c.await(m, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            assertFalse(signalled && System.nanoTime() < deadline);
            // awaitNanos: one deadline across the slices' spurious wakeups
            long started = System.nanoTime();
            long left = 60_000_000L;
            int wakeups = 0;
            while (left > 0) {
                left = c.awaitNanos(m, left);
                wakeups++;
            }
            long took = System.nanoTime() - started;
            assertTrue(took >= 60_000_000L, "waited the whole 60 ms: " + took + " ns");
            assertTrue(wakeups >= 1 && took < 5_000_000_000L, wakeups + " wakeups in " + took + " ns");
            assertEquals(0, c.awaitNanos(m, 0), "no time: at once");
            assertEquals(-5, c.awaitNanos(m, -5));
            c.signal();
            m.unlock();
            assertThrows(IllegalMonitorStateException.class, () -> c.await(m, Duration.ofMillis(1)));
            c.destroy();
            assertFalse(c.isOpen());
        }
    }

    @Test
    void misuseIsACleanError() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map()) {
            assertThrows(IllegalArgumentException.class, () -> RobustMutex.init(r, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> RobustMutex.init(r, 4096));
            assertThrows(IllegalArgumentException.class, () -> SharedCondition.init(r, 2));
            try (SharedRegion ro = mf.map(MapOption.READ_ONLY)) {
                assertThrows(ReadOnlyBufferException.class, () -> RobustMutex.init(ro, 0));
                assertThrows(ReadOnlyBufferException.class, () -> SharedCondition.init(ro, 0));
                // Every operation writes them: taken from a read-only mapping, a lock would fault in glibc.
                RobustMutex.init(r, 0).close();
                SharedCondition.init(r, 64).close();
                ReadOnlyBufferException e = assertThrows(ReadOnlyBufferException.class, () -> RobustMutex.at(ro, 0));
                assertTrue(e.getMessage().startsWith("a robust mutex needs a writable region"), e.getMessage());
                assertThrows(ReadOnlyBufferException.class, () -> SharedCondition.at(ro, 64));
            }
            RobustMutex m = RobustMutex.init(r, 0);
            m.lock();
            IllegalStateException held = assertThrows(IllegalStateException.class, m::destroy);
            assertTrue(held.getMessage().contains("unlock it before destroying it"), held.getMessage());
            assertTrue(m.isOpen(), "nothing destroyed, the handle still open");
            m.unlock();
            m.close();
            m.close();
            assertThrows(ClosedChannelException.class, m::lock);
            assertThrows(ClosedChannelException.class, m::unlock);
            assertTrue(m.toString().contains("closed"), m.toString());
            try (SharedCondition c = SharedCondition.init(r, 64)) {
                assertThrows(ClosedChannelException.class, () -> c.await(m));
                assertThrows(NullPointerException.class, () -> c.await(null));
            }
        }
    }

    /**
     * A thread holding a mutex of a closed, unreachable region locks others:
     * the C library writes into the held mutex's bytes (its robust list runs
     * through them), so those addresses must stay mapped (a regression: they
     * were freed with the placeholder and the next lock crashed the JVM). In a
     * child JVM, since the closed regions stay mapped for the life of the
     * process.
     */
    @Test
    void aMutexHeldWhenItsRegionClosesKeepsItsAddressesForTheThreadsOtherLocks() throws Exception {
        assertEquals(0, runChild("relock", null), "the child JVM's locks after the closes");
    }

    /**
     * A thread of a child JVM closes the region while it holds the mutex, then
     * ends: this process, which maps the same memory, is told the owner died,
     * as if the region had never closed. (The close used to put the private
     * placeholder under the thread's robust list, so the kernel marked the
     * copy and the shared mutex stayed locked for good.)
     */
    @Test
    void aMutexAbandonedByClosingItsRegionIsToldOwnerDiedWhenItsThreadEnds() throws Exception {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096); SharedRegion r = mf.map();
                RobustMutex m = RobustMutex.init(r, 0)) {
            assertEquals(0, runChild("abandon", mf), "the child JVM locked the mutex and closed its region");
            assertThrows(OwnerDiedException.class, () -> m.tryLock(Duration.ofSeconds(5)),
                    "the shared mutex is marked owner-died, not a private copy of it");
            m.markConsistent();
            m.unlock();
            assertTrue(m.tryLock());
            m.unlock();
        }
    }

    /** Runs {@link HeldAtClose} in a child JVM, memory (if any) inherited as fd 3: its exit code. */
    private static int runChild(String mode, MemoryFile memory) throws Exception {
        Subprocess.Builder b = Subprocess.java(HeldAtClose.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (memory != null) {
            b.inherit(memory, 3);
        }
        try (Subprocess child = b.start()) {
            return child.waitFor(Duration.ofSeconds(60)).orElseThrow().exitCode();
        }
    }

    /** Runs in a child JVM: leaves robust mutexes held in closed regions (see the two tests above). */
    public static final class HeldAtClose {
        public static void main(String[] args) throws Exception {
            if (args[0].equals("abandon")) {
                MemoryFile mf = MemoryFile.inherited(3);
                SharedRegion r = mf.map();
                inThread(() -> {
                    RobustMutex.at(r, 0).lock();
                    r.close(); // still held: abandoned
                    assertThrows(IllegalStateException.class, () -> r.getInt(0));
                    return null;
                });
                mf.close();
                return;
            }
            inThread(() -> {
                try (MemoryFile other = MemoryFile.create(LABEL, 4096); SharedRegion o = other.map();
                        RobustMutex m = RobustMutex.init(o, 0)) {
                    for (int i = 0; i < 20; i++) {
                        lockAndCloseTheRegion();
                        System.gc();
                        Thread.sleep(20);
                        m.lock(); // links m in front of the held one: writes into its bytes
                        m.unlock();
                    }
                }
                return null;
            });
        }
    }

    /** Leaves a mutex held by this thread in a closed region nothing refers to any more. */
    private static void lockAndCloseTheRegion() throws IOException {
        try (MemoryFile mf = MemoryFile.create(LABEL, 4096)) {
            SharedRegion r = mf.map();
            RobustMutex held = RobustMutex.init(r, 0);
            held.lock();
            r.close();
            assertThrows(ClosedChannelException.class, held::unlock);
        }
    }
}
