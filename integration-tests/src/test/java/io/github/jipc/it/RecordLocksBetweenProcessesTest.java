package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.LockHolder;
import io.github.jipc.LockOption;
import io.github.jipc.MappedFile;
import io.github.jipc.Pipe;
import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.SharedRegion;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.LockRole;

/**
 * fcntl record locks between real processes: a file map guarded by locks
 * between this JVM and the C peer {@code lock_peer} (the classic WRITE
 * PROCESS / READ PROCESS example, with classic locks on the C side),
 * counters kept exact under each kind of lock, and a holder killed.
 */
class RecordLocksBetweenProcessesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final int SIZE = 256 * 1024;
    private static final int ROUNDS = 300;

    private final java.util.List<Path> files = new java.util.ArrayList<>();

    private Path mapFile() throws Exception {
        return file("locked.map", SIZE);
    }

    private Path file(String name, int size) throws Exception {
        Path f = harness.scratchFile(name);
        Files.write(f, new byte[size]);
        files.add(f);
        return f;
    }

    @AfterEach
    void removeFiles() throws Exception {
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void cReaderNeverSeesAHalfWrittenMapOfTheJvm() throws Exception {
        Path f = mapFile();
        try (RecordLocks locks = RecordLocks.open(f); SharedRegion r = MappedFile.map(f, 0, SIZE)) {
            Child reader = harness.peer("lock_peer", "read", f, ROUNDS * 4).start();
            reader.awaitLine("READY");
            byte[] fill = new byte[SIZE];
            for (int round = 0; round < ROUNDS; round++) {
                java.util.Arrays.fill(fill, (byte) ('a' + round % 26));
                RecordLock l = locks.lock();
                for (int i = 0; i < SIZE; i += 4096) { // page by page: a reader without a lock would see it torn
                    r.put(i, fill, i, 4096);
                }
                l.release();
            }
            assertEquals("reads=" + ROUNDS * 4 + " torn=0", reader.awaitLine("RESULT"));
            reader.assertExit(0);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void jvmReaderNeverSeesAHalfWrittenMapOfTheCWriter(boolean classic) throws Exception {
        Path f = mapFile();
        LockOption[] kind = classic ? new LockOption[] { LockOption.PROCESS_ASSOCIATED } : new LockOption[0];
        try (RecordLocks locks = RecordLocks.open(f, kind); SharedRegion r = MappedFile.map(f, 0, SIZE)) {
            Child writer = harness.peer("lock_peer", "write", f, ROUNDS).start();
            writer.awaitLine("READY");
            int reads = 0;
            int torn = 0;
            byte[] seen = new byte[SIZE];
            long deadline = System.nanoTime() + Harness.TIMEOUT.toNanos();
            while (writer.stdout().lines().noneMatch(l -> l.startsWith("RESULT")) || reads == 0) {
                assertTrue(System.nanoTime() < deadline, writer::report);
                RecordLock l = locks.lock(0, RecordLocks.TO_END, true);
                r.get(0, seen, 0, SIZE);
                l.release();
                reads++;
                for (byte b : seen) {
                    if (b != seen[0]) {
                        torn++;
                        break;
                    }
                }
            }
            writer.assertExit(0);
            assertEquals(0, torn, torn + " of " + reads + " reads were torn");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "ofd", "classic" })
    void countersStayExactUnderLocksOfEveryKind(String kind) throws Exception {
        Path f = file("counter", 4096);
        int n = 5_000;
        try (Pipe gate = Pipe.open()) {
            Child c = harness.peer("lock_peer", "count", f, 64, n).stdin(gate.source()).start();
            Child jvm = (kind.equals("classic") ? harness.java(LockRole.class, "count", f, 64, n, "--classic")
                    : harness.java(LockRole.class, "count", f, 64, n)).stdin(gate.source()).start();
            gate.source().close();
            c.awaitLine("READY");
            jvm.awaitLine("READY");
            gate.sink().close();
            c.awaitLine("RESULT");
            jvm.awaitLine("RESULT");
            c.assertExit(0);
            jvm.assertExit(0);
        }
        try (SharedRegion r = MappedFile.map(f, 0, 4096)) {
            assertEquals(2L * n, r.getLong(64));
        }
    }

    @Test
    void theKernelReleasesTheLocksOfAKilledCHolder() throws Exception {
        Path f = mapFile();
        try (Pipe gate = Pipe.open(); RecordLocks locks = RecordLocks.open(f)) {
            Child holder = harness.peer("lock_peer", "hold", f).stdin(gate.source()).start();
            gate.source().close();
            holder.awaitLine("READY");
            assertNull(locks.tryLock(0, 1, true));
            LockHolder h = locks.holder(0, RecordLocks.TO_END, false);
            assertNotNull(h);
            assertEquals(holder.pid(), h.pid());
            holder.kill();
            holder.assertKilled();
            assertNotNull(locks.tryLock(0, RecordLocks.TO_END, false, Duration.ofSeconds(10)));
        }
    }

    @Test
    void theKernelReleasesTheOfdLocksOfAKilledJvm() throws Exception {
        Path f = mapFile();
        try (Pipe gate = Pipe.open(); RecordLocks locks = RecordLocks.open(f)) {
            Child holder = harness.java(LockRole.class, "hold", f).stdin(gate.source()).start();
            gate.source().close();
            holder.awaitLine("READY");
            LockHolder h = locks.holder(0, 1, true);
            assertNotNull(h);
            assertEquals(-1, h.pid(), "an OFD lock has no pid");
            Child probe = harness.peer("lock_peer", "ofd-probe", f).start();
            assertEquals("free=0", probe.awaitLine("RESULT"));
            probe.assertExit(0);
            holder.kill();
            holder.assertKilled();
            try (RecordLock l = locks.tryLock(0, RecordLocks.TO_END, false, Duration.ofSeconds(10))) {
                assertNotNull(l);
            }
        }
    }
}
