package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.jipc.Pipe;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.SemOp;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.SyncRole;

/**
 * System V semaphore sets between processes (JVM and C peer {@code sync_peer}):
 * SEM_UNDO gives back a killed holder's take, a take without it stays; and a
 * plain counter in shared memory stays exact under a POSIX or System V semaphore
 * used as a lock by a JVM and a C program at once.
 */
class SemaphoreCrashAndExclusionTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void semUndoGivesBackTheTakeOfAKilledHolder(boolean cPeer) throws Exception {
        int key = Names.key();
        try (Pipe gate = Pipe.open();
                SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.of(key), Harness.OWNER_RW, 1, 1)) {
            try {
                for (int undo = 1; undo >= 0; undo--) {
                    Child holder = (cPeer ? harness.peer("sync_peer", "sysv-take", key, undo)
                            : harness.java(SyncRole.class, "sysv-take", key, undo)).stdin(gate.source()).start();
                    holder.awaitLine("READY");
                    assertEquals(0, set.get(0));
                    assertEquals(holder.pid(), set.lastPid(0));
                    holder.kill();
                    holder.assertKilled();
                    if (undo == 1) {
                        assertEquals(1, set.get(0), "SEM_UNDO: the kernel gave the take back");
                    } else {
                        assertFalse(set.tryOp(Duration.ofMillis(100), SemOp.take(0)), "without SEM_UNDO the take stays");
                        set.op(SemOp.give(0));
                    }
                }
                gate.source().close();
                assertArrayEquals(new int[] { 1, 1 }, set.getAll());
            } finally {
                set.remove();
            }
        }
    }

    @Test
    void cPeerAndJvmShareASetWithAtomicMultiOps() throws Exception {
        int key = Names.key();
        try (Pipe gate = Pipe.open();
                SystemVSemaphores set = SystemVSemaphores.createExclusive(SysVKey.of(key), Harness.OWNER_RW, 1, 0)) {
            try {
                Child holder = harness.peer("sync_peer", "sysv-take", key, 1).stdin(gate.source()).start();
                gate.source().close();
                holder.awaitLine("READY");
                // Take 0 and give 1 in one step: 0 is held by the peer, so neither happens.
                assertFalse(set.tryOp(Duration.ofMillis(50), SemOp.take(0), SemOp.give(1)));
                assertArrayEquals(new int[] { 0, 0 }, set.getAll());
                gate.sink().close();
                holder.awaitLine("RESULT");
                holder.assertExit(0);
                assertEquals(1, set.get(0), "its SEM_UNDO take was undone at its exit");
                set.op(SemOp.take(0), SemOp.give(1));
                assertArrayEquals(new int[] { 0, 1 }, set.getAll());
            } finally {
                set.remove();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "posix", "sysv" })
    void countersStayExactUnderSemaphoreLocks(String kind) throws Exception {
        String name = "/" + Names.PREFIX + "count-" + kind;
        int key = Names.key();
        int n = 20_000;
        SystemVSemaphores set = null;
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW); SharedRegion r = shm.map();
                Pipe gate = Pipe.open()) {
            String lock;
            PosixSemaphore sem = null;
            if (kind.equals("posix")) {
                sem = PosixSemaphore.init(r, 0, 1);
                lock = "posix:0";
            } else {
                set = SystemVSemaphores.createExclusive(SysVKey.of(key), Harness.OWNER_RW, 1);
                lock = "sysv:" + key;
            }
            Child c = harness.peer("sync_peer", "count", lock, name, 512, n).stdin(gate.source()).start();
            Child jvm = harness.java(SyncRole.class, "count", lock, name, 512, n).stdin(gate.source()).start();
            gate.source().close();
            c.awaitLine("READY");
            jvm.awaitLine("READY");
            gate.sink().close();
            c.awaitLine("RESULT");
            jvm.awaitLine("RESULT");
            c.assertExit(0);
            jvm.assertExit(0);
            assertEquals(2L * n, r.getLong(512));
            if (sem != null) {
                sem.destroy();
            }
        } finally {
            SharedMemory.unlink(name);
            if (set != null) {
                set.remove();
                set.close();
            }
        }
    }
}
