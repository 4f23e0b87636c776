package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Pipe;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.Ring;
import io.github.jipc.it.roles.SyncRole;

/**
 * POSIX semaphores between real processes: a producer-consumer ring of
 * 100,000 numbered items over shared memory (none lost, none duplicated,
 * order kept), JVM and C peer ({@code sync_peer}) on either side, unnamed
 * semaphores in the region and named ones; a killed holder; a denied user.
 */
class PosixSemaphoresBetweenProcessesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final int ITEMS = 100_000;

    private interface Side {
        Child start(String shm) throws Exception;
    }

    /** Runs the ring with unnamed semaphores: this JVM produces or consumes, the child does the other. */
    private static void unnamedRing(String label, boolean weProduce, Side other) throws Exception {
        String name = "/" + Names.PREFIX + label;
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map();
                PosixSemaphore empty = PosixSemaphore.init(r, Ring.EMPTY, Ring.SLOTS);
                PosixSemaphore full = PosixSemaphore.init(r, Ring.FULL, 0)) {
            Child child = other.start(name);
            child.awaitLine("READY");
            if (weProduce) {
                assertEquals(ITEMS, Ring.produce(r, empty, full, ITEMS));
                assertEquals("items=" + ITEMS + " out-of-order=0", child.awaitLine("RESULT"));
            } else {
                assertEquals(0, Ring.consume(r, empty, full, ITEMS));
                assertEquals("items=" + ITEMS, child.awaitLine("RESULT"));
            }
            child.assertExit(0);
            assertEquals(Ring.SLOTS, empty.value());
            assertEquals(0, full.value());
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void jvmProducesCConsumes() throws Exception {
        unnamedRing("ring-c", true, shm -> harness.peer("sync_peer", "sem-consume", shm, ITEMS).start());
    }

    @Test
    void cProducesJvmConsumes() throws Exception {
        unnamedRing("ring-c2", false, shm -> harness.peer("sync_peer", "sem-produce", shm, ITEMS).start());
    }

    @Test
    void jvmProducesAnotherJvmConsumes() throws Exception {
        unnamedRing("ring-jvm", true, shm -> harness.java(SyncRole.class, "sem-consume", shm, ITEMS).start());
    }

    @Test
    void namedSemaphoresWithTheCPeer() throws Exception {
        String shmName = "/" + Names.PREFIX + "ring-named";
        String emptyName = "/" + Names.PREFIX + "empty";
        String fullName = "/" + Names.PREFIX + "full";
        try (SharedMemory shm = SharedMemory.createExclusive(shmName, 4096, Harness.OWNER_RW); SharedRegion r = shm.map();
                PosixSemaphore empty = PosixSemaphore.createExclusive(emptyName, Ring.SLOTS, Harness.OWNER_RW);
                PosixSemaphore full = PosixSemaphore.createExclusive(fullName, 0, Harness.OWNER_RW)) {
            Child producer = harness.peer("sync_peer", "named-produce", shmName, emptyName, fullName, ITEMS).start();
            producer.awaitLine("READY");
            assertEquals(0, Ring.consume(r, empty, full, ITEMS));
            assertEquals("items=" + ITEMS, producer.awaitLine("RESULT"));
            producer.assertExit(0);
            Child consumer = harness.java(SyncRole.class, "named-consume", shmName, emptyName, fullName, ITEMS).start();
            consumer.awaitLine("READY");
            assertEquals(ITEMS, Ring.produce(r, empty, full, ITEMS));
            assertEquals("items=" + ITEMS + " out-of-order=0", consumer.awaitLine("RESULT"));
            consumer.assertExit(0);
        } finally {
            SharedMemory.unlink(shmName);
            PosixSemaphore.unlink(emptyName);
            PosixSemaphore.unlink(fullName);
        }
    }

    @Test
    void aKilledHolderLeavesThePosixSemaphoreTaken() throws Exception {
        String name = "/" + Names.PREFIX + "taken";
        try (Pipe gate = Pipe.open(); PosixSemaphore s = PosixSemaphore.createExclusive(name, 1, Harness.OWNER_RW)) {
            for (boolean c : new boolean[] { true, false }) {
                Child holder = (c ? harness.peer("sync_peer", "sem-take", name) : harness.java(SyncRole.class, "sem-take", name))
                        .stdin(gate.source()).start();
                holder.awaitLine("READY");
                assertEquals(0, s.value());
                holder.kill();
                holder.assertKilled();
                // As documented: nothing gives the count back.
                assertFalse(s.tryAcquire(Duration.ofMillis(200)));
                assertEquals(0, s.value());
                s.release(); // the repair is the survivors' to make
            }
            gate.source().close();
        } finally {
            PosixSemaphore.unlink(name);
        }
    }

    @Test
    void anOwnerOnlySemaphoreIsClosedToOtherUsers() throws Exception {
        String name = "/" + Names.PREFIX + "private-sem";
        PosixSemaphore.createExclusive(name, 3, PosixFilePermissions.fromString("rw-------")).close();
        try {
            Child other = harness.unprivilegedJava(SyncRole.class, "sem-open", name).start();
            String error = other.awaitLine("ERROR");
            assertTrue(error.contains("AccessDeniedException") && error.contains("EACCES"), () -> error + "\n" + other.report());
            other.assertExit(3);
        } finally {
            PosixSemaphore.unlink(name);
        }
    }

    @Test
    void anOwnerOnlySystemVSetIsClosedToOtherUsers() throws Exception {
        int key = Names.key();
        try (SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.of(key),
                PosixFilePermissions.fromString("rw-------"), 4)) {
            try {
                Child other = harness.unprivilegedJava(SyncRole.class, "sysv-open", key).start();
                String error = other.awaitLine("ERROR");
                assertTrue(error.contains("AccessDeniedException") && error.contains("EACCES"), () -> error + "\n" + other.report());
                other.assertExit(3);
                set.setPermissions(PosixFilePermissions.fromString("rw-rw-rw-"));
                Child allowed = harness.unprivilegedJava(SyncRole.class, "sysv-open", key).start();
                assertEquals("opened value=4", allowed.awaitLine("RESULT"));
                allowed.assertExit(0);
            } finally {
                set.remove();
            }
        }
    }

    @Test
    void aReleaseInOneProcessWakesAWaiterInAnother() throws Exception {
        String name = "/" + Names.PREFIX + "wake";
        try (Pipe gate = Pipe.open(); PosixSemaphore s = PosixSemaphore.createExclusive(name, 0, Harness.OWNER_RW)) {
            Child taker = harness.java(SyncRole.class, "sem-take", name).stdin(gate.source()).start();
            gate.source().close();
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return taker.awaitLine("READY");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertFalse(ready.isDone(), "the child waits");
            s.release();
            ready.get(Harness.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            gate.sink().close();
            taker.awaitLine("RESULT");
            taker.assertExit(0);
        } finally {
            PosixSemaphore.unlink(name);
        }
    }
}
