package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Futex;
import io.github.jipc.MemoryFile;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.SyncRole;

/** Futex wait/wake on a word of shared memory between this JVM and another JVM or a C peer ({@code sync_peer}). */
class FutexBetweenProcessesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final int ROUNDS = 20_000;

    private static void ping(SharedRegion r, Futex f, long offset, Child pong) throws Exception {
        pong.awaitLine("READY");
        for (int i = 0; i < ROUNDS; i++) {
            r.putIntVolatile(offset, 2 * i + 1);
            f.wakeAll();
            int v;
            long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
            while ((v = r.getIntVolatile(offset)) == 2 * i + 1) {
                f.await(v, Duration.ofSeconds(1));
                assertTrue(System.nanoTime() < deadline, pong::report);
            }
            assertEquals(2 * i + 2, v);
        }
        assertEquals("rounds=" + ROUNDS, pong.awaitLine("RESULT"));
        pong.assertExit(0);
    }

    @Test
    void pingPongWithTheCPeer() throws Exception {
        String name = "/" + Names.PREFIX + "futex-c";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW);
                SharedRegion r = shm.map(); Futex f = Futex.at(r, 64)) {
            ping(r, f, 64, harness.peer("sync_peer", "futex-pong", name, 64, ROUNDS).start());
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void pingPongWithAnotherJvm() throws Exception {
        String name = "/" + Names.PREFIX + "futex-jvm";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, Harness.OWNER_RW);
                SharedRegion r = shm.map(); Futex f = Futex.at(r, 128)) {
            ping(r, f, 128, harness.java(SyncRole.class, "futex-pong", name, 128, ROUNDS).start());
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void waitAndWakeAllocateNothing() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported(),
                "this JVM does not count the bytes each thread allocates");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "futex-alloc", 4096); SharedRegion r = m.map();
                Futex f = Futex.at(r, 0)) {
            Duration zero = Duration.ZERO;
            for (int i = 0; i < 10_000; i++) {
                f.wake(1);
                f.await(1);
                f.await(0, zero);
            }
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            long t0 = System.nanoTime();
            for (int i = 0; i < 30_000; i++) {
                f.wake(1);
                f.await(1);
                f.await(0, zero);
            }
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            System.out.println("futex: 90,000 calls (wake, wait on another value, wait with no time) in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertTrue(allocated < 4096, allocated + " bytes allocated by 90,000 calls");
        }
    }
}
