package io.github.jipc.it;

import static io.github.jipc.it.SharedMemoryBetweenJvmsTest.text;
import static io.github.jipc.it.SharedMemoryBetweenJvmsTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.IpcException;
import io.github.jipc.MapOption;
import io.github.jipc.MappedFile;
import io.github.jipc.MemoryFile;
import io.github.jipc.Pipe;
import io.github.jipc.Seal;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;

/** Shared memory between this JVM and a plain C program ({@code shm_peer}) using the same calls. */
class CPeerSharedMemoryTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void cPeerIsTheControllingProcessTheJvmTheOther() throws Exception {
        int key = Names.key();
        try (Pipe gate = Pipe.open()) {
            Child control = harness.peer("shm_peer", "sysv-control", key, 4096, "hello from C").stdin(gate.source()).start();
            gate.source().close();
            control.awaitLine("READY");
            SystemVSharedMemory shm = SystemVSharedMemory.open(SysVKey.of(key));
            assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), shm.status().permissions());
            try (SharedRegion r = shm.attach(MapOption.READ_ONLY)) {
                assertEquals("hello from C", text(r));
                assertTrue(r.isReadOnly());
            }
            gate.sink().close();
            control.awaitLine("RESULT");
            control.assertExit(0);
            assertTrue(!exists(key), "the C peer removed it, and it is gone with the last detach");
            assertThrows(IpcException.class, shm::status);
        }
    }

    private static boolean exists(int key) throws Exception {
        try {
            SystemVSharedMemory.open(SysVKey.of(key));
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    @Test
    void jvmIsTheControllingProcessTheCPeerTheOther() throws Exception {
        int key = Names.key();
        SystemVSharedMemory shm = SystemVSharedMemory.create(SysVKey.of(key), 4096, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (SharedRegion r = shm.attach()) {
            write(r, "hello from the JVM");
            Child other = harness.peer("shm_peer", "sysv-read", key).start();
            assertEquals("text=hello from the JVM", other.awaitLine("RESULT"));
            other.assertExit(0);
        } finally {
            shm.remove();
        }
    }

    @Test
    void posixObjectBothWays() throws Exception {
        String name = "/" + Names.PREFIX + "c-posix";
        try (SharedMemory shm = SharedMemory.createExclusive(name, 4096, PosixFilePermissions.fromString("rw-------"));
             SharedRegion r = shm.map()) {
            write(r, "for C");
            Child reader = harness.peer("shm_peer", "posix-read", name).start();
            assertEquals("text=for C", reader.awaitLine("RESULT"));
            reader.assertExit(0);
            Child writer = harness.peer("shm_peer", "posix-write", name, "from C").start();
            writer.awaitLine("RESULT");
            writer.assertExit(0);
            assertEquals("from C", text(r));
        } finally {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void sealedMemoryFileToTheCPeer() throws Exception {
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "c-memfd", 4096)) {
            try (SharedRegion r = m.map()) {
                write(r, "sealed for C");
            }
            m.seal(Seal.WRITE, Seal.SHRINK);
            Child reader = harness.peer("shm_peer", "fd-read", 3).inherit(m, 3).start();
            assertEquals("text=sealed for C", reader.awaitLine("RESULT"));
            reader.assertExit(0);
            Child writer = harness.peer("shm_peer", "fd-write", 3, "tampered").inherit(m, 3).start();
            assertTrue(writer.awaitLine("ERROR").startsWith("mmap EPERM"), writer::report);
            writer.assertExit(3);
        }
    }

    @Test
    void memoryFileWrittenByTheCPeer() throws Exception {
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "c-memfd", 100); SharedRegion r = m.map()) {
            Child writer = harness.peer("shm_peer", "fd-write", 3, "from C").inherit(m, 3).start();
            writer.awaitLine("RESULT");
            writer.assertExit(0);
            assertEquals("from C", text(r));
        }
    }

    @Test
    void fileMapWriteProcessInCReadProcessInTheJvm() throws Exception {
        Path file = harness.scratchFile("Map.txt");
        Child writer = harness.peer("shm_peer", "file-write", file, 518).start();
        writer.awaitLine("RESULT");
        writer.assertExit(0);
        try (SharedRegion r = MappedFile.map(file, 0, 518)) {
            for (int i = 0; i < 518; i++) {
                assertEquals('*', r.getByte(i), "byte " + i);
            }
        }
        assertEquals("*".repeat(518), Files.readString(file), "the data is in the file after both are done");
        Files.delete(file);
    }

    @Test
    void fileMapWriteProcessInTheJvmReadProcessInC() throws Exception {
        Path file = harness.scratchFile("Map.txt");
        try (SharedRegion w = MappedFile.map(file, 0, 518, MapOption.CREATE)) {
            for (int i = 0; i < 518; i++) {
                w.putByte(i, (byte) '*');
            }
            w.force();
        }
        Child reader = harness.peer("shm_peer", "file-read", file, 0, 518).start();
        assertEquals("518", reader.awaitResult().get("stars"));
        reader.assertExit(0);
        assertEquals("*".repeat(518), Files.readString(file));
        Files.delete(file);
    }

    @Test
    void aWindowDeepInsideAFileBeyondFourGiB() throws Exception {
        Path file = harness.scratchFile("big");
        long size = 6L << 30;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size); // sparse
        }
        long offset = (5L << 30) + 12_345;
        byte[] data = new byte[100_000];
        Arrays.fill(data, (byte) '*');
        data[99_999] = '#';
        try (SharedRegion w = MappedFile.map(file, offset, data.length)) {
            w.put(0, data, 0, data.length);
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        Child reader = harness.peer("shm_peer", "file-read", file, offset, data.length).start();
        Map<String, String> got = reader.awaitResult();
        assertEquals(String.format("%08x", crc.getValue()), got.get("crc32"), reader::report);
        assertEquals("99999", got.get("stars"));
        reader.assertExit(0);
        assertEquals(size, Files.size(file));
        Files.delete(file);
    }

    @Test
    void jvmAndCPeerEachAddAMillionAtomically() throws Exception {
        try (MemoryFile m = MemoryFile.create(Names.PREFIX + "c-counter", 4096); SharedRegion r = m.map();
             Pipe gate = Pipe.open()) {
            Child adder = harness.peer("shm_peer", "add", 3, 128, 1_000_000).inherit(m, 3).stdin(gate.source()).start();
            gate.source().close();
            adder.awaitLine("READY");
            gate.sink().close();
            for (int i = 0; i < 1_000_000; i++) {
                r.getAndAddLong(128, 1);
            }
            adder.awaitLine("RESULT");
            adder.assertExit(0);
            assertEquals(2_000_000, r.getLongVolatile(128));
        }
    }
}
