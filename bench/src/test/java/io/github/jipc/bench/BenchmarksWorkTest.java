package io.github.jipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jipc.internal.jni.GuardNative;

/**
 * Each benchmark does what its name says (no JMH here: benchmarks run only
 * on request), and jipc's pipe, ring and robust mutex hot paths allocate nothing.
 */
class BenchmarksWorkTest {
    private final PipeBenchmark pipes = new PipeBenchmark();

    @BeforeEach
    void open() throws Exception {
        pipes.size = 64;
        pipes.open();
    }

    @AfterEach
    void close() throws Exception {
        pipes.close();
    }

    @Test
    void everyPipeBenchmarkMovesTheMessage() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(64, pipes.jipcWriteRead());
            assertEquals(64, pipes.rawCWriteRead());
            assertEquals(64, pipes.rawCWriteThenRead());
            assertEquals(64, pipes.rawCWritePollRead());
            assertEquals(64L * PipeBenchmark.C_LOOP, pipes.rawCLoop());
            assertEquals(64, pipes.jdkPipeWriteRead());
        }
    }

    @Test
    void jniBenchmarksCallTheirFunctions() {
        JniCallBenchmark jni = new JniCallBenchmark();
        assertEquals(0, jni.emptyJniCall());
        int sig = jni.jipcTrivialShim();
        assertTrue(sig >= GuardNative.SIGRTMIN() && sig <= GuardNative.SIGRTMAX(), "the wake signal in use: " + sig);
    }

    @Test
    void jipcWriteAndReadAllocateNothing() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            pipes.jipcWriteRead();
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            pipes.jipcWriteRead();
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // A few bytes of slack for the measuring calls themselves; one byte per operation would show as 100,000.
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 100,000 jipc pipe write+read operations");
    }

    @Test
    void theRingsHotPathsMoveMessagesAndAllocateNothing() throws Exception {
        for (io.github.jipc.RingKind kind : io.github.jipc.RingKind.values()) {
            RingBenchmark ring = new RingBenchmark();
            ring.size = 64;
            ring.kind = kind;
            ring.open();
            try {
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long id = Thread.currentThread().getId();
                for (int i = 0; i < 50_000; i++) {
                    assertEquals(-1L, ring.claimCommitReadRelease(), "seq ^ ~seq");
                    assertEquals(64, ring.offerReceive());
                }
                long before = threads.getThreadAllocatedBytes(id);
                for (int i = 0; i < 100_000; i++) {
                    ring.claimCommitReadRelease();
                    ring.offerReceive();
                }
                long allocated = threads.getThreadAllocatedBytes(id) - before;
                assertTrue(allocated < 10_000, allocated + " bytes allocated by 100,000 ring operations of each kind, " + kind);
            } finally {
                ring.close();
            }
        }
    }

    @Test
    void aRobustMutexLockAndUnlockAllocateNothing() throws Exception {
        try (io.github.jipc.MemoryFile mf = io.github.jipc.MemoryFile.create("jipc-bench-mutex", 4096);
             io.github.jipc.SharedRegion r = mf.map();
             io.github.jipc.RobustMutex m = io.github.jipc.RobustMutex.init(r, 0)) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            for (int i = 0; i < 20_000; i++) {
                m.lock();
                m.unlock();
            }
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                m.lock();
                m.unlock();
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            // The holder bookkeeping is per thread, made on its first lock; one byte per lock would show as 100,000.
            assertTrue(allocated < 10_000, allocated + " bytes allocated by 100,000 robust mutex lock + unlock");
        }
    }
}
