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
import org.junit.jupiter.api.function.Executable;

import io.github.jipc.internal.jni.SysvSemNative;

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
                assertTrue(again.getMessage().contains("tryOp"), again.getMessage());
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
    void aSemaphoreNumberOutsideTheSetNamesTheNumberAndTheSize() throws Exception {
        try (SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 1, 1)) {
            try {
                for (Executable e : new Executable[] { () -> set.op(SemOp.give(5)),
                        () -> set.op(SemOp.take(0), SemOp.give(2)), () -> set.tryOp(SemOp.give(2)),
                        () -> set.tryOp(Duration.ofSeconds(1), SemOp.waitForZero(7)) }) {
                    IndexOutOfBoundsException x = assertThrows(IndexOutOfBoundsException.class, e);
                    assertTrue(x.getMessage().matches("semaphore [257] is not in System V semaphore set \\d+ .*,"
                            + " which has 2 semaphores, numbers 0 to 1"), x.getMessage());
                }
                assertArrayEquals(new int[] { 1, 1 }, set.getAll(), "nothing applied");
                for (int bad : new int[] { -1, 2 }) {
                    for (Executable e : new Executable[] { () -> set.get(bad), () -> set.set(bad, 0),
                            () -> set.waitingToTake(bad), () -> set.waitingForZero(bad), () -> set.lastPid(bad) }) {
                        IndexOutOfBoundsException x = assertThrows(IndexOutOfBoundsException.class, e);
                        assertTrue(x.getMessage().startsWith("semaphore " + bad + " is not in "), x.getMessage());
                        assertTrue(x.getMessage().endsWith("which has 2 semaphores, numbers 0 to 1"), x.getMessage());
                    }
                }
                assertEquals(1, set.get(1));
            } finally {
                set.remove();
            }
        }
        try (SystemVSemaphores one = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 0)) {
            try {
                IndexOutOfBoundsException x = assertThrows(IndexOutOfBoundsException.class, () -> one.get(1));
                assertTrue(x.getMessage().endsWith("which has 1 semaphore, number 0"), x.getMessage());
            } finally {
                one.remove();
            }
        }
        String efbig = SyncCall.SEMOP.hint(SysvSemNative.EFBIG(), 2);
        assertTrue(efbig.contains("the 2 semaphores") && efbig.contains("changed under us"), efbig);
    }

    @Test
    void callsOnARemovedSetSayItWasRemoved() throws Exception {
        SystemVSemaphores remover = SystemVSemaphores.createExclusive(SysVKey.PRIVATE, RW, 1, 0);
        int id = remover.id();
        SystemVSemaphores bystander;
        try {
            bystander = SystemVSemaphores.ofId(id);
        } finally {
            remover.remove();
        }
        try (remover; bystander) {
            for (Executable e : new Executable[] { () -> bystander.op(SemOp.give(0)),
                    () -> bystander.tryOp(SemOp.take(0)), () -> bystander.tryOp(Duration.ofMillis(10), SemOp.take(0)),
                    () -> bystander.get(0), () -> bystander.set(1, 1), bystander::getAll,
                    () -> bystander.setAll(1, 1), () -> bystander.waitingToTake(1), bystander::permissions,
                    () -> bystander.setPermissions(RW), () -> bystander.awaitInitialized(Duration.ZERO),
                    bystander::remove }) {
                IpcException x = assertThrows(IpcException.class, e);
                assertTrue(x.errnoName().equals("EINVAL") || x.errnoName().equals("EIDRM"), x.getMessage());
                assertTrue(x.getMessage().contains("no semaphore set has this id (it was removed, or never existed)")
                        || x.getMessage().contains("the set was removed"), x.getMessage());
                assertFalse(x.getMessage().contains("this handle"), x.getMessage());
            }
            for (Executable e : new Executable[] { () -> remover.op(SemOp.give(0)), () -> remover.get(0),
                    remover::remove }) {
                IpcException x = assertThrows(IpcException.class, e);
                assertEquals("EINVAL", x.errnoName());
                assertTrue(x.getMessage().contains("this handle removed the set (remove())"), x.getMessage());
            }
        }
        IpcException gone = assertThrows(IpcException.class, () -> SystemVSemaphores.ofId(id));
        assertTrue(gone.getMessage().contains("no semaphore set has this id (it was removed, or never existed);"
                + " ipcs -s lists them") || gone.getMessage().contains("the set was removed"), gone.getMessage());
        IpcException never = assertThrows(IpcException.class, () -> SystemVSemaphores.ofId(Integer.MAX_VALUE));
        assertEquals("EINVAL", never.errnoName());
        assertTrue(never.getMessage().contains("semctl(IPC_STAT): EINVAL (Invalid argument): no semaphore set has"
                + " this id (it was removed, or never existed); ipcs -s lists them"), never.getMessage());
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
            assertThrows(IndexOutOfBoundsException.class, () -> set.op(SemOp.give(3)));
            set.set(0, 32767);
            IpcException range = assertThrows(IpcException.class, () -> set.op(SemOp.give(0)));
            assertEquals("ERANGE", range.errnoName());
            assertThrows(IllegalArgumentException.class, () -> set.setAll(1, 2));
            IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> set.set(0, 40000));
            assertTrue(big.getMessage().contains("SEMVMX"), big.getMessage());
            assertThrows(IllegalArgumentException.class, () -> set.set(0, -1));
            assertThrows(IllegalArgumentException.class, () -> set.setAll(-1));
            assertEquals(32767, set.get(0), "nothing was set");
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
