package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.IpcException;
import io.github.jipc.OwnerDiedException;
import io.github.jipc.Pipe;
import io.github.jipc.RobustMutex;
import io.github.jipc.SharedCondition;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.SyncRole;

/**
 * A robust mutex in shared memory between this JVM, another JVM and a C peer
 * ({@code sync_peer}, placing it with {@code jipc_sync_layout.h}): exact
 * counters, and an owner killed while holding it.
 */
class RobustMutexBetweenProcessesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final int MUTEX = 64;
    private static final int COUNTER = 1024;

    private static void countTogether(String name, int n) throws Exception {
        try (Pipe gate = Pipe.open()) {
            Child c = harness.peer("sync_peer", "count", "mutex:" + MUTEX, name, COUNTER, n).stdin(gate.source()).start();
            Child jvm = harness.java(SyncRole.class, "count", "mutex:" + MUTEX, name, COUNTER, n).stdin(gate.source()).start();
            gate.source().close();
            c.awaitLine("READY");
            jvm.awaitLine("READY");
            gate.sink().close();
            c.awaitLine("RESULT");
            jvm.awaitLine("RESULT");
            c.assertExit(0);
            jvm.assertExit(0);
            assertFalse(c.stdout().contains("OWNERDEAD") || jvm.stdout().contains("OWNERDEAD"));
        }
    }

    @Test
    void aMutexTheCPeerPlacedKeepsCountersExact() throws Exception {
        String name = "/" + Names.PREFIX + "mutex-count";
        int n = 20_000;
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map()) {
            Child init = harness.peer("sync_peer", "mutex-init", name, MUTEX).start();
            init.awaitLine("RESULT");
            init.assertExit(0);
            try (RobustMutex m = RobustMutex.at(r, MUTEX)) {
                countTogether(name, n);
                assertEquals(2L * n, r.getLong(COUNTER));
                assertTrue(m.tryLock());
                m.unlock();
            }
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void conditionVariableSignalsBothWaysWithTheCPeer() throws Exception {
        String name = "/" + Names.PREFIX + "cond";
        int cond = 256;
        int flag = 2048;
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map();
                RobustMutex m = RobustMutex.init(r, MUTEX); SharedCondition c = SharedCondition.init(r, cond)) {
            // The C peer waits; the JVM signals.
            Child waiter = harness.peer("sync_peer", "cond-wait", name, MUTEX, cond, flag).start();
            waiter.awaitLine("READY");
            m.lock();
            r.putLong(flag, 7);
            c.signalAll();
            m.unlock();
            assertEquals("flag=7", waiter.awaitLine("RESULT"));
            waiter.assertExit(0);
            // The JVM waits; the C peer signals.
            r.putLong(flag, 0);
            m.lock();
            Child setter = harness.peer("sync_peer", "cond-set", name, MUTEX, cond, flag, 9).start();
            long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
            while (r.getLong(flag) == 0 && System.nanoTime() < deadline) {
                c.await(m, java.time.Duration.ofSeconds(1));
            }
            assertEquals(9, r.getLong(flag));
            m.unlock();
            setter.awaitLine("RESULT");
            setter.assertExit(0);
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void aKilledOwnerIsToldRepairedAndOtherwiseUnrecoverable() throws Exception {
        String name = "/" + Names.PREFIX + "mutex-crash";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map();
                RobustMutex m = RobustMutex.init(r, MUTEX); Pipe gate = Pipe.open()) {
            // A C owner dies: the JVM is told, repairs, and the mutex keeps working for everyone.
            Child c = harness.peer("sync_peer", "mutex-hold", name, MUTEX).stdin(gate.source()).start();
            c.awaitLine("READY");
            r.putLong(COUNTER, -999); // the "half-updated" data the dead owner left
            c.kill();
            c.assertKilled();
            OwnerDiedException died = assertThrows(OwnerDiedException.class, m::lock);
            assertTrue(died.mutex() == m);
            r.putLong(COUNTER, 0); // repaired
            m.markConsistent();
            m.unlock();
            countTogether(name, 2_000);
            assertEquals(4_000, r.getLong(COUNTER));

            // A JVM owner dies and the next owner does not repair: unrecoverable, in every process.
            Child jvm = harness.java(SyncRole.class, "mutex-hold", name, MUTEX).stdin(gate.source()).start();
            gate.source().close();
            jvm.awaitLine("READY");
            jvm.kill();
            jvm.assertKilled();
            assertThrows(OwnerDiedException.class, () -> m.tryLock());
            m.unlock();
            IpcException gone = assertThrows(IpcException.class, m::lock);
            assertEquals("ENOTRECOVERABLE", gone.errnoName());
            gate.sink().close();
            Child late = harness.peer("sync_peer", "count", "mutex:" + MUTEX, name, COUNTER, 1).start();
            assertTrue(late.awaitLine("ERROR").startsWith("pthread_mutex_lock ENOTRECOVERABLE"), late::report);
            late.assertExit(3);
        } finally {
            SharedMemory.unlink(name);
        }
    }
}
