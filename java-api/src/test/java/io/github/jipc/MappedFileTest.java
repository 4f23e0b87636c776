package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.internal.jni.MmapNative;

@Timeout(60)
class MappedFileTest {
    @TempDir
    Path dir;

    @Test
    void aFailedCreateRemovesOnlyTheFileItMade() throws Exception {
        Path made = dir.resolve("made");
        // A window no file system holds (EFBIG, or ENOSPC on a tmpfs): the file is made, then the reservation fails.
        assertThrows(IpcException.class, () -> MappedFile.map(made, 1L << 62, 4096, MapOption.CREATE));
        assertFalse(Files.exists(made), "the file the failed call made is gone");
        Path existing = Files.write(dir.resolve("existing"), new byte[16]);
        assertThrows(IpcException.class, () -> MappedFile.map(existing, 1L << 62, 4096, MapOption.CREATE));
        assertEquals(16, Files.size(existing), "a file that existed is left as it was");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MappedFile.map(made, 0, 4096, MapOption.CREATE, MapOption.PRIVATE));
        assertTrue(e.getMessage().contains("a PRIVATE window cannot be within"), e.getMessage());
        assertFalse(Files.exists(made), "refused before anything was made");
    }

    @Test
    void theSeedsWriteAndReadProcessSteps() throws Exception {
        Path file = dir.resolve("Map.txt");
        try (SharedRegion w = MappedFile.map(file, 0, 518, MapOption.CREATE)) {
            for (int i = 0; i < 518; i++) {
                w.putByte(i, (byte) '*');
            }
            w.force();
            w.forceAsync();
        }
        assertEquals(518, Files.size(file), "the window extended the new file");
        assertEquals("*".repeat(518), Files.readString(file));
        try (SharedRegion r = MappedFile.map(file, 0, 518, MapOption.READ_ONLY)) {
            assertEquals('*', r.getByte(517));
            assertTrue(r.isReadOnly());
        }
    }

    @Test
    void aWindowAtAnUnalignedOffset() throws Exception {
        Path file = Files.write(dir.resolve("data"), new byte[3 * 4096]);
        long offset = SharedRegion.pageSize() + 5;
        try (SharedRegion w = MappedFile.map(file, offset, 10)) {
            assertEquals(10, w.size());
            w.put(0, "0123456789".getBytes(), 0, 10);
            assertThrows(IndexOutOfBoundsException.class, () -> w.getByte(10));
        }
        byte[] all = Files.readAllBytes(file);
        assertEquals(3 * 4096, all.length, "inside the file: no growth");
        assertEquals("0123456789", new String(all, (int) offset, 10));
        assertEquals(0, all[(int) offset - 1]);
    }

    @Test
    void aWindowDeepInsideAFileBeyondFourGiB() throws Exception {
        Path file = dir.resolve("big");
        long size = 5L << 30;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size); // sparse
        }
        long offset = size - 3 * 4096 + 7;
        try (SharedRegion w = MappedFile.map(file, offset, 8000)) {
            w.putLong(0, 0x0102030405060708L);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
            ch.read(b, offset);
            assertEquals(0x0102030405060708L, b.flip().getLong());
        }
        assertEquals(size, Files.size(file));
        try (SharedRegion r = MappedFile.map(file, offset, 8000, MapOption.READ_ONLY)) {
            assertEquals(0x0102030405060708L, r.getLong(0));
        }
    }

    @Test
    void sharedWindowsPastTheEndExtendTheFile() throws Exception {
        Path file = Files.write(dir.resolve("short"), new byte[10]);
        try (SharedRegion w = MappedFile.map(file, 100_000, 50)) {
            w.putByte(49, (byte) 1);
        }
        assertEquals(100_050, Files.size(file));
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, 100_000, 51, MapOption.READ_ONLY));
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, 100_000, 51, MapOption.PRIVATE));
        assertEquals(100_050, Files.size(file));
    }

    @Test
    void privateWindowsAreCopyOnWrite() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "plain");
        try (SharedRegion copy = MappedFile.map(file, 0, 5, MapOption.PRIVATE)) {
            copy.put(0, "XXXXX".getBytes(), 0, 5);
            byte[] got = new byte[5];
            copy.get(0, got, 0, 5);
            assertArrayEquals("XXXXX".getBytes(), got);
            assertThrows(IllegalStateException.class, copy::force, "nothing to write back");
        }
        assertEquals("plain", Files.readString(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        if (!"root".equals(System.getProperty("user.name"))) {
            assertThrows(AccessDeniedException.class, () -> MappedFile.map(file, 0, 5));
        }
    }

    @Test
    void errorsAndMisuse() throws Exception {
        Path missing = dir.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> MappedFile.map(missing, 0, 1));
        assertThrows(NoSuchFileException.class, () -> MappedFile.map(missing, 0, 1, MapOption.READ_ONLY));
        assertFalse(Files.exists(missing));
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, 0, 1L << 31));
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, Long.MAX_VALUE, 2));
        assertThrows(IllegalArgumentException.class, () -> MappedFile.map(file, 0, 1, MapOption.CREATE, MapOption.READ_ONLY));
        assertThrows(NullPointerException.class, () -> MappedFile.map((Path) null, 0, 1));
        assertThrows(NullPointerException.class, () -> MappedFile.map((OpenFile) null, 0, 1));
        assertThrows(NullPointerException.class, () -> MappedFile.map(file, 0, 1, (MapOption) null));
        IllegalArgumentException folder = assertThrows(IllegalArgumentException.class, () -> MappedFile.map(dir, 0, 1));
        assertTrue(folder.getMessage().startsWith(dir + " is a directory, not a regular file"), folder.getMessage());
        SharedRegion r = MappedFile.map(file, 0, 100, MapOption.POPULATE);
        r.close();
        assertThrows(IllegalStateException.class, r::force);
    }

    @Test
    void aWindowWhoseEndOverflowsSaysSo() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[100]);
        for (long length : new long[] { 10, 6, Integer.MAX_VALUE }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MappedFile.map(file, Long.MAX_VALUE - 5, length));
            assertEquals("window [" + (Long.MAX_VALUE - 5) + ", +" + length + ") ends past any file: offset + length"
                    + " overflows the largest file offset (9223372036854775807)", e.getMessage());
        }
        assertEquals(100, Files.size(file));
        try {
            MappedFile.map(file, Long.MAX_VALUE - (1L << 20), 10).close();
            Assumptions.abort("the file system of " + dir + " takes a window 1 MiB below the largest file offset");
        } catch (IpcException e) {
            assertEquals("EFBIG", e.errnoName());
            assertTrue(e.getMessage().contains("posix_fallocate: EFBIG (File too large): the window would end past the"
                    + " largest file this file system allows"), e.getMessage());
        }
        assertEquals(100, Files.size(file));
    }

    @Test
    void onlyRegularFilesAreMapped() throws Exception {
        Path fifo = dir.resolve("fifo");
        Fifo.create(fifo, PosixFilePermissions.fromString("rw-------"));
        for (Path odd : new Path[] { Path.of("/dev/null"), fifo }) {
            for (MapOption[] options : new MapOption[][] { {}, { MapOption.READ_ONLY }, { MapOption.PRIVATE },
                    { MapOption.CREATE } }) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> MappedFile.map(odd, 0, 4096, options), odd.toString());
                assertEquals(odd + " is not a regular file (a device, FIFO or socket): only regular files can be"
                        + " mapped (a file on disk or on a tmpfs); for memory without a file use SharedMemory or"
                        + " MemoryFile", e.getMessage());
            }
        }
        assertTrue(Fifo.exists(fifo), "left as it was");
        IllegalArgumentException folder = assertThrows(IllegalArgumentException.class,
                () -> MappedFile.map(dir, 0, 1, MapOption.READ_ONLY));
        assertTrue(folder.getMessage().startsWith(dir + " is a directory, not a regular file: only regular files"),
                folder.getMessage());
        // A file of kernel state takes a write as a command: reserving the window's space must write nothing
        // into it, where posix_fallocate, finding no fallocate(2) there, would write a byte at the window's
        // end (this file refuses that with ESPIPE; a sysctl file need not). Refused before: ENODEV.
        Path comm = Path.of("/proc/thread-self/comm");
        String name = Files.readString(comm);
        IpcException proc = assertThrows(IpcException.class, () -> MappedFile.map(comm, 0, 10));
        assertTrue(proc.getMessage().contains("posix_fallocate") && proc.getMessage().contains(
                "it is no file that holds data (a file of /proc, /sys or another file system of kernel state, into"
                        + " which nothing was written; a pipe; a device): only regular files can be mapped"),
                proc.getMessage());
        assertEquals("ENODEV", proc.errnoName(), proc.getMessage());
        assertEquals(name, Files.readString(comm), "nothing was written into " + comm);
        for (int err : new int[] { MmapNative.ENODEV(), MmapNative.ESPIPE() }) {
            assertTrue(ShmCall.FALLOCATE.hint(err, 10).contains("only regular files can be mapped"));
        }
    }

    @Test
    void aFullFileSystemIsAnErrorNotASigbus() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("tmpfs"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "jipc-test", mount.toString()),
                "mounting a small tmpfs is not allowed here (needs root or CAP_SYS_ADMIN)");
        try {
            Path file = mount.resolve("big");
            IpcException e = assertThrows(IpcException.class, () -> MappedFile.map(file, 0, 4 << 20, MapOption.CREATE));
            assertEquals("ENOSPC", e.errnoName());
            assertTrue(e.getMessage().contains("posix_fallocate"), e.getMessage());
            assertTrue(e.getMessage().contains("no room"), e.getMessage());
            try (SharedRegion fits = MappedFile.map(file, 0, 512 << 10, MapOption.CREATE)) {
                fits.putByte(512 * 1024 - 1, (byte) 1);
            }
            Files.delete(file);
        } finally {
            assertTrue(run("umount", mount.toString()), "umount " + mount);
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
