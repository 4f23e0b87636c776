package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.MemoryFile;
import io.github.jipc.Pipe;
import io.github.jipc.Seal;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.ShmRole;

/** Every kind of shared memory between this JVM and a child JVM ({@link ShmRole}). */
class SharedMemoryBetweenJvmsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    static void write(SharedRegion r, String text) {
        byte[] b = (text + "\0").getBytes(StandardCharsets.UTF_8);
        r.put(0, b, 0, b.length);
    }

    static String text(SharedRegion r) {
        int n = 0;
        while (n < r.size() && r.getByte(n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        r.get(0, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void systemVSegmentThisJvmControlsTheChildReads() throws Exception {
        int key = Names.key();
        SystemVSharedMemory shm = SystemVSharedMemory.create(SysVKey.of(key), 4096, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (SharedRegion r = shm.attach()) {
            write(r, "from the controlling JVM");
            Child other = harness.java(ShmRole.class, "sysv-read", key).start();
            assertEquals("text=from the controlling JVM", other.awaitLine("RESULT"));
            other.assertExit(0);
            assertEquals(shm.id(), SystemVSharedMemory.open(SysVKey.of(key)).id());
            assertTrue(shm.status().lastPid() != ProcessHandle.current().pid(), "the child attached last");
        } finally {
            shm.remove();
        }
    }

    @Test
    void systemVSegmentTheChildControlsThisJvmReads() throws Exception {
        int key = Names.key();
        try (Pipe gate = Pipe.open()) {
            Child control = harness.java(ShmRole.class, "sysv-control", key, 1000, "from the child JVM").stdin(gate.source()).start();
            gate.source().close();
            String id = control.awaitLine("READY");
            SystemVSharedMemory shm = SystemVSharedMemory.open(SysVKey.of(key));
            assertEquals("id=" + shm.id(), id);
            try (SharedRegion r = shm.attach(io.github.jipc.MapOption.READ_ONLY)) {
                assertEquals("from the child JVM", text(r));
                assertEquals(2, shm.status().attachCount());
                gate.sink().close();
                control.awaitLine("RESULT");
                control.assertExit(0);
                assertTrue(shm.status().isRemoved(), "removed, and still attached here");
                assertEquals("from the child JVM", text(r));
            }
        }
    }

    @Test
    void posixObjectByName() throws Exception {
        String name = "/" + Names.PREFIX + "posix";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, PosixFilePermissions.fromString("rw-------"));
             SharedRegion r = shm.map()) {
            write(r, "by name");
            Child reader = harness.java(ShmRole.class, "posix-read", name).start();
            assertEquals("text=by name", reader.awaitLine("RESULT"));
            reader.assertExit(0);
            Child writer = harness.java(ShmRole.class, "posix-write", name, "written back").start();
            writer.awaitLine("RESULT");
            writer.assertExit(0);
            assertEquals("written back", text(r));
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void posixObjectHandedThroughSpawn() throws Exception {
        String name = "/" + Names.PREFIX + "inherited";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, PosixFilePermissions.fromString("rw-------"));
             SharedRegion r = shm.map()) {
            shm.unlink(); // the descriptor is the only way in now
            write(r, "through fd 3");
            Child reader = harness.java(ShmRole.class, "shm-read", 3).inherit(shm, 3).start();
            assertEquals("text=through fd 3", reader.awaitLine("RESULT"));
            reader.assertExit(0);
        }
    }

    @Test
    void sealedMemoryFileHandedThroughSpawn() throws Exception {
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "sealed", 4096)) {
            try (SharedRegion r = m.map()) {
                write(r, "cannot change");
            }
            m.seal(Seal.SHRINK, Seal.GROW, Seal.WRITE, Seal.SEAL);
            Child reader = harness.java(ShmRole.class, "memfd-read", 4).inherit(m, 4).start();
            assertEquals("[SEAL, SHRINK, GROW, WRITE]", reader.awaitLine("SEALS"));
            assertEquals("text=cannot change", reader.awaitLine("RESULT"));
            reader.assertExit(0);
            Child writer = harness.java(ShmRole.class, "memfd-write", 3, "tampered").inherit(m, 3).start();
            String error = writer.awaitLine("ERROR");
            assertTrue(error.contains("AccessDeniedException") && error.contains("seal"), () -> error + "\n" + writer.report());
            writer.assertExit(3);
        }
    }

    @Test
    void memoryFileWrittenByTheChild() throws Exception {
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "shared", 4096); SharedRegion r = m.map()) {
            Child writer = harness.java(ShmRole.class, "memfd-write", 3, "from the child").inherit(m, 3).start();
            writer.awaitLine("RESULT");
            writer.assertExit(0);
            assertEquals("from the child", text(r));
        }
    }

    @Test
    void twoProcessesEachAddAMillionAtomically() throws Exception {
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "counter", 4096); SharedRegion r = m.map();
             Pipe gate = Pipe.open()) {
            Child adder = harness.java(ShmRole.class, "add", 3, 64, 1_000_000).inherit(m, 3).stdin(gate.source()).start();
            gate.source().close();
            adder.awaitLine("READY");
            gate.sink().close(); // both start together
            for (int i = 0; i < 1_000_000; i++) {
                r.getAndAddLong(64, 1);
            }
            adder.awaitLine("RESULT");
            adder.assertExit(0);
            assertEquals(2_000_000, r.getLongVolatile(64));
        }
    }

    @Test
    void aFullDevShmIsAnErrorAtCreationNotASigbus() throws Exception {
        Child child = harness.javaWithSmallDevShm("1m", ShmRole.class, "posix-fill", "/" + Names.PREFIX + "fill",
                4 << 20, 512 << 10).start();
        String refused = child.awaitLine("REFUSED");
        assertTrue(refused.startsWith("posix_fallocate ENOSPC") && refused.contains("/dev/shm"), () -> refused + "\n" + child.report());
        assertEquals("fits=524288", child.awaitLine("RESULT"));
        child.assertExit(0);
    }
}
