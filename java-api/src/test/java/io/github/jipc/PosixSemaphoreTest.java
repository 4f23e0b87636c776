package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PosixSemaphoreTest {
    private static final String NAME = "/" + ShmLeaks.PREFIX + "sem";

    @AfterEach
    void unlink() {
        try {
            PosixSemaphore.unlink(NAME);
        } catch (IOException e) {
            // not made by the test, or removed by it
        }
    }

    @Test
    void layoutComesFromTheCLibrary() {
        assertTrue(PosixSemaphore.size() >= 16, "sizeof(sem_t) " + PosixSemaphore.size());
        assertTrue(Integer.bitCount(PosixSemaphore.alignment()) == 1);
        assertEquals(Integer.MAX_VALUE, PosixSemaphore.maxValue());
    }

    @Test
    void namedLifecycle() throws Exception {
        assertThrows(NoSuchFileException.class, () -> PosixSemaphore.open(NAME));
        try (PosixSemaphore s = PosixSemaphore.createExclusive(NAME, 2, PosixFilePermissions.fromString("rw-r-----"))) {
            assertTrue(s.isNamed());
            assertEquals(NAME, s.name());
            Path file = Path.of("/dev/shm/sem." + NAME.substring(1));
            assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(file));
            assertThrows(FileAlreadyExistsException.class,
                    () -> PosixSemaphore.createExclusive(NAME, 0, PosixFilePermissions.fromString("rw-------")));
            try (PosixSemaphore same = PosixSemaphore.create(NAME, 7, PosixFilePermissions.fromString("rw-------"));
                    PosixSemaphore again = PosixSemaphore.open(NAME.substring(1))) {
                assertEquals(2, same.value(), "an existing one keeps its value");
                s.acquire();
                assertTrue(same.tryAcquire());
                assertFalse(again.tryAcquire());
                again.release();
                assertEquals(1, s.value());
            }
        }
        PosixSemaphore.unlink(NAME);
        assertThrows(NoSuchFileException.class, () -> PosixSemaphore.unlink(NAME));
    }

    @Test
    void unnamedInARegion() throws Exception {
        try (MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "sem", 4096); SharedRegion r = m.map();
                SharedRegion other = m.map()) {
            int at = PosixSemaphore.alignment() * 3;
            PosixSemaphore s = PosixSemaphore.init(r, at, 1);
            assertFalse(s.isNamed());
            assertNull(s.name());
            try (PosixSemaphore t = PosixSemaphore.at(other, at)) {
                assertTrue(t.tryAcquire());
                assertFalse(s.tryAcquire());
                s.release();
                assertEquals(1, t.value());
            }
            s.destroy();
            assertFalse(s.isOpen());
            assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.init(r, 1, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> PosixSemaphore.init(r, 4096, 0));
            assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.init(r, 0, -1));
            try (SharedRegion ro = m.map(MapOption.READ_ONLY)) {
                assertThrows(ReadOnlyBufferException.class, () -> PosixSemaphore.init(ro, 0, 0));
                PosixSemaphore.init(r, 0, 1).close();
                assertThrows(ReadOnlyBufferException.class, () -> PosixSemaphore.at(ro, 0),
                        "acquire and release write the semaphore: a read-only mapping would fault in glibc");
            }
        }
    }

    @Test
    void timeoutIsBoundedAndReleaseWakes() throws Exception {
        try (MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "sem", 4096); SharedRegion r = m.map();
                PosixSemaphore s = PosixSemaphore.init(r, 0, 0)) {
            long t0 = System.nanoTime();
            assertFalse(s.tryAcquire(Duration.ofMillis(60)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 55 && ms < 5_000, ms + " ms");
            assertFalse(s.tryAcquire(Duration.ZERO));
            CompletableFuture<Boolean> w = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.tryAcquire(Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(30);
            s.release();
            assertTrue(w.get(10, TimeUnit.SECONDS));
            assertEquals(0, s.value());
        }
    }

    @Test
    void closeWakesAWaiterAndKeepsTheCount() throws Exception {
        try (PosixSemaphore keeper = PosixSemaphore.createExclusive(NAME, 0, PosixFilePermissions.fromString("rw-------"))) {
            for (int i = 0; i < 20; i++) {
                PosixSemaphore s = PosixSemaphore.open(NAME);
                boolean timed = i % 2 == 1;
                CompletableFuture<Boolean> w = CompletableFuture.supplyAsync(() -> {
                    try {
                        if (timed) {
                            return s.tryAcquire(Duration.ofSeconds(60));
                        }
                        s.acquire();
                        return true;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (i % 4 < 2) {
                    Thread.sleep(10);
                }
                s.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                Throwable cause = e.getCause().getCause();
                assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                        "got " + cause);
                assertEquals(0, keeper.value());
            }
        }
    }

    @Test
    void closingTheRegionWakesAWaiter() throws Exception {
        try (MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "sem", 4096)) {
            SharedRegion r = m.map();
            PosixSemaphore s = PosixSemaphore.init(r, 0, 0);
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                try {
                    s.acquire();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(20);
            r.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause().getCause());
            assertFalse(s.isOpen());
        }
    }

    @Test
    void interruptWakesAWaiterAndClosesTheHandle() throws Exception {
        try (MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "sem", 4096); SharedRegion r = m.map();
                PosixSemaphore s = PosixSemaphore.init(r, 0, 0)) {
            Throwable thrown = Interrupts.during(() -> s.acquire(), 50).thrown();
            assertInstanceOf(ClosedByInterruptException.class, thrown);
            assertFalse(s.isOpen());
        }
    }

    @Test
    void namesAreCheckedForTheSemaphoreLimit() throws Exception {
        // the C library keeps /name as /dev/shm/sem.name: 251 bytes fit, more fail with EINVAL or ENAMETOOLONG
        String longest = NAME + "l".repeat(252 - NAME.length());
        try (PosixSemaphore s = PosixSemaphore.createExclusive(longest, 0, PosixFilePermissions.fromString("rw-------"))) {
            assertEquals(longest, s.name());
        } finally {
            PosixSemaphore.unlink(longest);
        }
        for (String tooLong : new String[] { longest + "x", "/" + "x".repeat(300) }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PosixSemaphore.create(tooLong, 0, PosixFilePermissions.fromString("rw-------")));
            assertTrue(e.getMessage().contains("POSIX semaphore name") && e.getMessage().contains("251"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.open(tooLong));
            assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.unlink(tooLong));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.open("/a/b"));
        assertTrue(e.getMessage().contains("POSIX semaphore name"), e.getMessage());
        for (String dots : new String[] { "/.", "/..", ".." }) {
            IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.open(dots));
            assertTrue(d.getMessage().contains("\".\" and \"..\" are no names"), d.getMessage());
        }
    }

    @Test
    void misuseIsACleanError() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.open("/a/b"));
        assertThrows(IllegalArgumentException.class, () -> PosixSemaphore.open("/"));
        assertThrows(IllegalArgumentException.class,
                () -> PosixSemaphore.create(NAME, -1, PosixFilePermissions.fromString("rw-------")));
        assertThrows(NullPointerException.class, () -> PosixSemaphore.open(null));
        PosixSemaphore s = PosixSemaphore.createExclusive(NAME, 0, PosixFilePermissions.fromString("rw-------"));
        assertThrows(IllegalStateException.class, s::destroy);
        assertThrows(NullPointerException.class, () -> s.tryAcquire(null));
        s.close();
        s.close();
        assertThrows(ClosedChannelException.class, s::acquire);
        assertThrows(ClosedChannelException.class, s::tryAcquire);
        assertThrows(ClosedChannelException.class, s::release);
        assertThrows(ClosedChannelException.class, s::value);
        assertTrue(s.toString().contains("closed"), s.toString());
        try (PosixSemaphore full = PosixSemaphore.open(NAME)) {
            for (int i = 0; i < 3; i++) {
                full.release();
            }
            assertEquals(3, full.value());
        }
        try (MemoryFile m = MemoryFile.create(ShmLeaks.PREFIX + "sem", 4096); SharedRegion r = m.map();
                PosixSemaphore top = PosixSemaphore.init(r, 0, PosixSemaphore.maxValue())) {
            IpcException e = assertThrows(IpcException.class, top::release);
            assertEquals("EOVERFLOW", e.errnoName());
            assertTrue(e.getMessage().contains("SEM_VALUE_MAX"), e.getMessage());
            byte[] garbage = new byte[PosixSemaphore.size()];
            java.util.Arrays.fill(garbage, (byte) 0xff);
            r.put(1024, garbage, 0, garbage.length);
            try (PosixSemaphore none = PosixSemaphore.at(r, 1024)) {
                IpcException notOne = assertThrows(IpcException.class, none::value);
                assertEquals("EINVAL", notOne.errnoName(), "not EPERM: a value of -1 is no errno");
                assertTrue(notOne.getMessage().contains("no semaphore"), notOne.getMessage());
            }
        }
    }
}
