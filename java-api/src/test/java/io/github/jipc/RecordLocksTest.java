package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RecordLocksTest {
    @TempDir
    Path dir;

    private Path file() throws IOException {
        return Files.write(dir.resolve("locked"), new byte[100]);
    }

    @Test
    void aZeroTimeoutTriesOnceWithoutClosingOnAPendingInterrupt() throws Exception {
        Path file = dir.resolve("zero");
        try (RecordLocks locks = RecordLocks.open(file, LockOption.CREATE)) {
            Thread.currentThread().interrupt();
            try {
                RecordLock zero = locks.tryLock(0, 0, false, Duration.ZERO);
                assertNotNull(zero);
                assertTrue(locks.isOpen(), "a try that cannot wait is no blocking call an interrupt ends");
                zero.release();
                assertNotNull(locks.tryLock(0, 0, false, Duration.ofNanos(-1)));
                assertTrue(locks.isOpen());
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt stays pending");
            }
        }
    }

    @Test
    void aFifoIsRefusedBeforeItIsOpened() throws Exception {
        Path fifo = dir.resolve("fifo");
        Fifo.create(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        for (LockOption[] o : new LockOption[][] { {}, { LockOption.READ_ONLY } }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecordLocks.open(fifo, o));
            assertTrue(e.getMessage().contains("is a FIFO"), e.getMessage());
        }
        IpcException dirError = assertThrows(IpcException.class, () -> RecordLocks.open(dir));
        assertTrue(dirError.getMessage().contains("LockOption.READ_ONLY"), dirError.getMessage());
        try (RecordLocks folder = RecordLocks.open(dir, LockOption.READ_ONLY)) {
            assertNotNull(folder.tryLock(0, 0, true));
        }
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> RecordLocks.open(dir, (LockOption[]) null));
        assertEquals("options", npe.getMessage());
    }

    @Test
    void ofdLocksOfTwoHandlesConflictInOneProcess() throws Exception {
        Path f = file();
        try (RecordLocks a = RecordLocks.open(f); RecordLocks b = RecordLocks.open(f)) {
            assertFalse(a.isProcessAssociated());
            RecordLock held = a.lock(0, 50, false);
            assertTrue(held.isValid());
            assertEquals(0, held.position());
            assertEquals(50, held.length());
            assertFalse(held.isShared());
            assertTrue(held.locks() == a);
            assertNull(b.tryLock(10, 1, true));
            assertNull(b.tryLock(0, RecordLocks.TO_END, false));
            try (RecordLock other = b.tryLock(50, 50, false)) {
                assertNotNull(other); // disjoint ranges
            }
            held.release();
            assertFalse(held.isValid());
            held.release(); // idempotent
            try (RecordLock whole = b.tryLock(0, RecordLocks.TO_END, false)) {
                assertNotNull(whole);
                assertTrue(whole.toString().contains("exclusive"), whole.toString());
            }
        }
    }

    @Test
    void sharedLocksShareAndExcludeWriters() throws Exception {
        Path f = file();
        try (RecordLocks a = RecordLocks.open(f); RecordLocks b = RecordLocks.open(f, LockOption.READ_ONLY);
                RecordLocks c = RecordLocks.open(f)) {
            RecordLock r1 = a.lock(0, 10, true);
            RecordLock r2 = b.lock(0, 10, true);
            assertTrue(r2.isShared());
            assertNull(c.tryLock(5, 1, false));
            LockHolder h = c.holder(5, 1, false);
            assertNotNull(h);
            assertTrue(h.isShared());
            assertNull(c.holder(5, 1, true)); // readers do not exclude readers
            r1.release();
            r2.release();
            assertNotNull(c.tryLock(5, 1, false));
        }
    }

    @Test
    void holderTellsRangeTypeAndPid() throws Exception {
        Path f = file();
        try (RecordLocks a = RecordLocks.open(f); RecordLocks classic = RecordLocks.open(f, LockOption.PROCESS_ASSOCIATED);
                RecordLocks asker = RecordLocks.open(f)) {
            a.lock(10, 20, false);
            LockHolder h = asker.holder(0, RecordLocks.TO_END, true);
            assertEquals(10, h.position());
            assertEquals(20, h.length());
            assertFalse(h.isShared());
            assertEquals(-1, h.pid());
            assertTrue(h.isOpenFileDescriptionLock());
            assertNull(a.holder(10, 20, false), "a handle's own locks never conflict");
            classic.lock(50, RecordLocks.TO_END, false);
            LockHolder c = asker.holder(60, 1, true);
            assertEquals(50, c.position());
            assertEquals(RecordLocks.TO_END, c.length());
            assertEquals(ProcessHandle.current().pid(), c.pid());
            assertFalse(c.isOpenFileDescriptionLock());
            assertTrue(c.toString().contains("pid " + c.pid()), c.toString());
        }
    }

    @Test
    void closingAnyDescriptorDropsTheProcessesClassicLocks() throws Exception {
        Path f = file();
        try (RecordLocks classic = RecordLocks.open(f, LockOption.PROCESS_ASSOCIATED);
                RecordLocks sibling = RecordLocks.open(f, LockOption.PROCESS_ASSOCIATED);
                RecordLocks ofd = RecordLocks.open(f)) {
            assertTrue(classic.isProcessAssociated());
            RecordLock held = classic.lock();
            // The process never conflicts with itself...
            RecordLock again = sibling.tryLock(0, RecordLocks.TO_END, false);
            assertNotNull(again);
            assertNull(ofd.tryLock(0, 1, false));
            // ...and any descriptor of the file, closed anywhere in the process, drops its locks.
            new FileInputStream(f.toFile()).close();
            assertTrue(held.isValid(), "the lock object cannot know");
            try (RecordLock stolen = ofd.tryLock(0, 1, false)) {
                assertNotNull(stolen, "the classic lock should be gone");
            }
        }
    }

    @Test
    void closingTheHandleReleasesItsLocks() throws Exception {
        Path f = file();
        try (RecordLocks b = RecordLocks.open(f)) {
            RecordLocks a = RecordLocks.open(f);
            RecordLock held = a.lock();
            a.close();
            assertFalse(held.isValid());
            held.release(); // nothing to do
            assertNotNull(b.tryLock(0, RecordLocks.TO_END, false));
        }
    }

    @Test
    void timedLockGivesUpInTimeOrGetsTheLock() throws Exception {
        Path f = file();
        try (RecordLocks a = RecordLocks.open(f); RecordLocks b = RecordLocks.open(f)) {
            RecordLock held = a.lock();
            long t0 = System.nanoTime();
            assertNull(b.tryLock(0, 1, true, Duration.ofMillis(100)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 90 && ms < 5_000, ms + " ms");
            assertNull(b.tryLock(0, 1, true, Duration.ZERO));
            assertNull(b.tryLock(0, 1, true, Duration.ofSeconds(-1)));
            CompletableFuture<RecordLock> later = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.tryLock(0, 1, true, Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(50);
            held.release();
            assertNotNull(later.get(10, TimeUnit.SECONDS));
            assertNotNull(b.tryLock(0, 1, true, Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    @Test
    void aBlockedLockIsGrantedOnRelease() throws Exception {
        Path f = file();
        try (RecordLocks a = RecordLocks.open(f); RecordLocks b = RecordLocks.open(f)) {
            RecordLock held = a.lock(0, 10, false);
            CompletableFuture<RecordLock> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.lock(5, 1, false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(50);
            assertFalse(waiter.isDone());
            held.release();
            assertTrue(waiter.get(10, TimeUnit.SECONDS).isValid());
        }
    }

    @Test
    void closeWakesABlockedOrPollingLock() throws Exception {
        Path f = file();
        for (int i = 0; i < 20; i++) {
            boolean timed = i % 2 == 1;
            RecordLocks b = RecordLocks.open(f);
            try (RecordLocks a = RecordLocks.open(f)) {
                a.lock();
                CompletableFuture<RecordLock> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        return timed ? b.tryLock(0, 1, false, Duration.ofSeconds(60)) : b.lock(0, 1, false);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (i % 4 < 2) {
                    Thread.sleep(20);
                }
                b.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
                Throwable cause = e.getCause().getCause();
                assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                        "got " + cause);
            }
        }
    }

    @Test
    void interruptWakesABlockedLockAndClosesTheHandle() throws Exception {
        Path f = file();
        try (RecordLocks a = RecordLocks.open(f); RecordLocks b = RecordLocks.open(f)) {
            a.lock();
            Throwable thrown = Interrupts.during(() -> b.lock(), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(b.isOpen());
        }
    }

    @Test
    void locksOnAJipcHandleAreTheirOwnDescription() throws Exception {
        RecordLocks a;
        try (MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "locks", 4096);
                RecordLocks b = RecordLocks.of(m, LockOption.READ_ONLY)) {
            a = RecordLocks.of(m);
            assertNotNull(a.tryLock(0, 1, false));
            assertNull(b.tryLock(0, 1, true));
            a.close();
            assertTrue(m.isOpen());
            assertNotNull(b.tryLock(0, 1, true));
            assertThrows(IllegalArgumentException.class, () -> RecordLocks.of(m, LockOption.CREATE));
        }
    }

    @Test
    void misuseIsACleanError() throws Exception {
        Path f = file();
        assertThrows(NoSuchFileException.class, () -> RecordLocks.open(dir.resolve("missing")));
        try (RecordLocks created = RecordLocks.open(dir.resolve("made"), LockOption.CREATE)) {
            assertTrue(Files.exists(dir.resolve("made")));
            assertNotNull(created.lock());
        }
        try (RecordLocks ro = RecordLocks.open(f, LockOption.READ_ONLY)) {
            IpcException e = assertThrows(IpcException.class, () -> ro.lock(0, 1, false));
            assertEquals("EBADF", e.errnoName());
            assertTrue(e.getMessage().contains("for writing"), e.getMessage());
        }
        RecordLocks a = RecordLocks.open(f);
        assertThrows(IllegalArgumentException.class, () -> a.lock(-1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> a.tryLock(0, -1, false));
        assertThrows(IllegalArgumentException.class, () -> a.holder(Long.MAX_VALUE, 2, false));
        try (RecordLock last = a.tryLock(Long.MAX_VALUE, 1, false)) {
            assertNotNull(last, "the last byte of the largest file offset can be locked, as in C");
        }
        assertThrows(NullPointerException.class, () -> a.tryLock(0, 1, false, null));
        assertThrows(NullPointerException.class, () -> RecordLocks.open(f, (LockOption) null));
        a.close();
        a.close();
        assertThrows(ClosedChannelException.class, () -> a.lock());
        assertThrows(ClosedChannelException.class, () -> a.tryLock(0, 1, true));
        assertThrows(ClosedChannelException.class, () -> a.holder(0, 1, true));
        assertTrue(a.toString().contains("closed"), a.toString());
        MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "locks", 1);
        m.close();
        assertThrows(ClosedChannelException.class, () -> RecordLocks.of(m));
    }
}
