package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SystemVSemaphoresTest {
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> RW =
            PosixFilePermissions.fromString("rw-------");

    @Test
    void createOpenAndRemove() throws Exception {
        SysVKey key = ShmLeaks.semKey();
        try (SystemVSemaphores set = SystemVSemaphores.createExclusive(key, PosixFilePermissions.fromString("rw-r-----"), 1, 0, 5)) {
            try {
                assertEquals(3, set.count());
                assertTrue(set.id() >= 0);
                assertEquals(PosixFilePermissions.fromString("rw-r-----"), set.permissions());
                assertNotNull(set.lastOpTime(), "initialized: sem_otime is set");
                assertEquals(ProcessHandle.current().pid(), set.lastPid(0));
                assertArrayEquals(new int[] { 1, 0, 5 }, set.getAll());
                assertThrows(FileAlreadyExistsException.class, () -> SystemVSemaphores.createExclusive(key, RW, 1));
                try (SystemVSemaphores again = SystemVSemaphores.create(key, RW, 9, 9, 9);
                        SystemVSemaphores opened = SystemVSemaphores.open(key)) {
                    assertEquals(set.id(), again.id());
                    assertEquals(3, opened.count());
                    assertTrue(opened.awaitInitialized(Duration.ofSeconds(1)));
                    assertArrayEquals(new int[] { 1, 0, 5 }, again.getAll(), "an existing set keeps its values");
                }
                try (SystemVSemaphores byId = SystemVSemaphores.ofId(set.id())) {
                    assertEquals(3, byId.count());
                    assertArrayEquals(new int[] { 1, 0, 5 }, byId.getAll());
                }
                assertThrows(IllegalArgumentException.class, () -> SystemVSemaphores.ofId(-1));
                set.set(1, 7);
                assertEquals(7, set.get(1));
                set.setAll(2, 3, 4);
                assertArrayEquals(new int[] { 2, 3, 4 }, set.getAll());
                set.setPermissions(RW);
                assertEquals(RW, set.permissions());
                assertTrue(set.ownerUid() >= 0);
            } finally {
                set.remove();
            }
            assertThrows(NoSuchFileException.class, () -> SystemVSemaphores.open(key));
            assertThrows(IpcException.class, () -> SystemVSemaphores.ofId(set.id()));
            IpcException gone = assertThrows(IpcException.class, () -> set.get(0));
            assertEquals("EINVAL", gone.errnoName());
        }
    }

    @Test
    void aPrivateSetIsReachedByItsId() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> SystemVSemaphores.open(SysVKey.PRIVATE));
        assertThrows(IllegalArgumentException.class, () -> SystemVSemaphores.ofId(-1));
        SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 2, 0, 0);
        int id = set.id();
        try (SystemVSemaphores other = SystemVSemaphores.ofId(id)) {
            assertEquals(id, other.id());
            assertEquals(3, other.count());
            assertTrue(other.awaitInitialized(Duration.ZERO));
            other.op(SemOp.take(0), SemOp.give(2));
            assertArrayEquals(new int[] { 1, 0, 1 }, set.getAll());
        } finally {
            set.remove();
            set.close();
        }
        IpcException gone = assertThrows(IpcException.class, () -> SystemVSemaphores.ofId(id));
        assertTrue(gone.errnoName().equals("EINVAL") || gone.errnoName().equals("EIDRM"), gone.getMessage());
    }

    @Test
    void operationsApplyAllOrNone() throws Exception {
        try (SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 1, 0)) {
            try {
                set.op(SemOp.take(0), SemOp.give(1));
                assertArrayEquals(new int[] { 0, 1 }, set.getAll());
                assertFalse(set.tryOp(SemOp.take(0), SemOp.give(1)));
                assertArrayEquals(new int[] { 0, 1 }, set.getAll(), "nothing changed");
                IpcException again = assertThrows(IpcException.class, () -> set.op(SemOp.take(0).noWait()));
                assertEquals("EAGAIN", again.errnoName());
                long t0 = System.nanoTime();
                assertFalse(set.tryOp(Duration.ofMillis(60), SemOp.take(0)));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 55 && ms < 5_000, ms + " ms");
                assertTrue(set.tryOp(Duration.ofSeconds(1), SemOp.waitForZero(0), SemOp.add(1, 4)));
                assertEquals(5, set.get(1));
                CompletableFuture<Boolean> w = CompletableFuture.supplyAsync(() -> {
                    try {
                        return set.tryOp(Duration.ofSeconds(30), SemOp.add(0, -2));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (set.waitingToTake(0) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                assertEquals(1, set.waitingToTake(0));
                assertEquals(0, set.waitingForZero(0));
                set.op(SemOp.add(0, 2));
                assertTrue(w.get(10, TimeUnit.SECONDS));
            } finally {
                set.remove();
            }
        }
    }

    @Test
    void removalWakesWaitersWithEidrm() throws Exception {
        SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 0);
        try (set) {
            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                try {
                    set.op(SemOp.take(0));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            while (set.waitingToTake(0) == 0) {
                Thread.sleep(2);
            }
            set.remove();
            ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
            IpcException cause = assertInstanceOf(IpcException.class, e.getCause().getCause());
            assertEquals("EIDRM", cause.errnoName());
            assertTrue(cause.getMessage().contains("removed"), cause.getMessage());
        }
    }

    @Test
    void closeAndInterruptWakeWaiters() throws Exception {
        try (SystemVSemaphores keeper = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 0)) {
            try {
                for (int i = 0; i < 10; i++) {
                    SystemVSemaphores set = SystemVSemaphores.create(SysVKey.PRIVATE, RW, 0);
                    set.remove();
                    set.close();
                }
                SysVKey key = ShmLeaks.semKey();
                try (SystemVSemaphores named = SystemVSemaphores.createExclusive(key, RW, 0)) {
                    try {
                        for (int i = 0; i < 10; i++) {
                            SystemVSemaphores h = SystemVSemaphores.open(key);
                            boolean timed = i % 2 == 0;
                            CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                                try {
                                    if (timed) {
                                        h.tryOp(Duration.ofSeconds(60), SemOp.take(0));
                                    } else {
                                        h.op(SemOp.take(0));
                                    }
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
                            if (i % 4 < 2) {
                                Thread.sleep(10);
                            }
                            h.close();
                            ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
                            Throwable cause = e.getCause().getCause();
                            assertTrue(cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException,
                                    "got " + cause);
                        }
                        SystemVSemaphores h = SystemVSemaphores.open(key);
                        Throwable thrown = Interrupts.during(() -> h.op(SemOp.take(0)), 50).thrown();
                        assertInstanceOf(ClosedByInterruptException.class, thrown);
                        assertFalse(h.isOpen());
                        assertEquals(0, named.get(0));
                    } finally {
                        named.remove();
                    }
                }
            } finally {
                keeper.remove();
            }
        }
    }

    @Test
    void misuseIsACleanError() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> SystemVSemaphores.create(SysVKey.PRIVATE, RW));
        assertThrows(IllegalArgumentException.class, () -> SystemVSemaphores.create(SysVKey.PRIVATE, RW, 40000));
        assertThrows(IllegalArgumentException.class, () -> SemOp.add(0, 0));
        assertThrows(IllegalArgumentException.class, () -> SemOp.add(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> SemOp.add(0, 40000));
        assertEquals("-1 on semaphore 2 (SEM_UNDO)", SemOp.take(2).undo().toString());
        IpcException tooMany = assertThrows(IpcException.class,
                () -> SystemVSemaphores.create(SysVKey.PRIVATE, RW, new int[40000]));
        assertEquals("EINVAL", tooMany.errnoName());
        assertTrue(tooMany.getMessage().contains("SEMMSL"), tooMany.getMessage());
        SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 0);
        try {
            assertEquals("EFBIG", assertThrows(IpcException.class, () -> set.op(SemOp.give(3))).errnoName());
            set.set(0, 32767);
            IpcException range = assertThrows(IpcException.class, () -> set.op(SemOp.give(0)));
            assertEquals("ERANGE", range.errnoName());
            assertThrows(IllegalArgumentException.class, () -> set.setAll(1, 2));
            assertThrows(IllegalArgumentException.class, () -> set.op());
            assertThrows(NullPointerException.class, () -> set.op((SemOp) null));
        } finally {
            set.remove();
        }
        set.close();
        set.close();
        assertThrows(ClosedChannelException.class, () -> set.op(SemOp.give(0)));
        assertThrows(ClosedChannelException.class, () -> set.get(0));
        assertTrue(set.toString().contains("closed"), set.toString());
    }
}
