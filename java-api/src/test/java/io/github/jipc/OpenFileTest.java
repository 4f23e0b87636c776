package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.FileNative;
import io.github.jipc.internal.jni.MmapNative;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class OpenFileTest {
    @TempDir
    Path dir;

    private static String text(ByteBuffer b) {
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Test
    void opensAFileAsFileChannelWouldAndReopensItAsAChannel() throws Exception {
        Path file = dir.resolve("data");
        try (OpenFile f = OpenFile.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            assertEquals(OpenFile.Kind.REGULAR_FILE, f.kind());
            assertEquals(file.toString(), f.target());
            assertEquals(0, f.size());
            Files.writeString(file, "hello");
            assertEquals(5, f.size());
            try (FileChannel c = f.openChannel()) {
                ByteBuffer b = ByteBuffer.allocate(16);
                c.read(b);
                assertEquals("hello", text(b));
            }
            assertTrue(f.isOpen(), "the channel has a description of its own");
        }
        assertThrows(FileAlreadyExistsException.class,
                () -> OpenFile.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
        try (OpenFile f = OpenFile.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            assertEquals(0, f.size());
        }
        try (OpenFile f = OpenFile.open(file, StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
            assertEquals(0, f.size(), "TRUNCATE_EXISTING is for writers only, as with FileChannel.open");
        }
        Files.delete(file);
        assertThrows(NoSuchFileException.class, () -> OpenFile.open(file));
    }

    @Test
    void aRemovedFileStaysReachable() throws Exception {
        Path file = dir.resolve("gone");
        Files.writeString(file, "still here");
        try (OpenFile f = OpenFile.open(file)) {
            Files.delete(file);
            assertTrue(f.target().endsWith(" (deleted)"), f.target());
            try (FileChannel c = f.openChannel()) {
                ByteBuffer b = ByteBuffer.allocate(32);
                c.read(b);
                assertEquals("still here", text(b));
            }
        }
    }

    @Test
    void optionsAreCheckedAsFileChannelChecksThem() throws Exception {
        Path file = dir.resolve("opts");
        Files.writeString(file, "x");
        assertThrows(IllegalArgumentException.class,
                () -> OpenFile.open(file, StandardOpenOption.READ, StandardOpenOption.APPEND));
        assertThrows(IllegalArgumentException.class,
                () -> OpenFile.open(file, StandardOpenOption.APPEND, StandardOpenOption.TRUNCATE_EXISTING));
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> OpenFile.open(file, StandardOpenOption.DELETE_ON_CLOSE));
        assertTrue(u.getMessage().contains("DELETE_ON_CLOSE"), u.getMessage());
        assertThrows(NullPointerException.class, () -> OpenFile.open(null));
        assertThrows(NullPointerException.class, () -> OpenFile.open(file, (StandardOpenOption) null));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        IpcException loop = assertThrows(IpcException.class, () -> OpenFile.open(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("ELOOP", loop.errnoName());
        assertTrue(loop.getMessage().contains("NOFOLLOW_LINKS"), loop.getMessage());
        try (OpenFile f = OpenFile.open(link)) {
            assertEquals(file.toString(), f.target());
        }
    }

    @Test
    void appendKeepsWhatIsThere() throws Exception {
        Path file = dir.resolve("log");
        Files.writeString(file, "one");
        try (OpenFile f = OpenFile.open(file, StandardOpenOption.APPEND);
             SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), f);
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocate(1));
            try (OpenFile got = (OpenFile) m.handles().get(0)) {
                assertEquals(OpenFile.Kind.REGULAR_FILE, got.kind());
                assertEquals(3, got.size());
                try (FileChannel c = got.openChannel(StandardOpenOption.APPEND)) {
                    c.write(ByteBuffer.wrap(",two".getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        assertEquals("one,two", Files.readString(file));
    }

    @Test
    void aFifoIsRefusedWithoutWaiting() throws Exception {
        Path fifo = dir.resolve("fifo");
        Fifo.create(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenFile.open(fifo));
        assertTrue(e.getMessage().contains("Fifo"), e.getMessage());
        IpcException noReader = assertThrows(IpcException.class, () -> OpenFile.open(fifo, StandardOpenOption.WRITE));
        assertEquals("ENXIO", noReader.errnoName());
    }

    @Test
    void directoriesAndDevicesPassOnButOnlyFilesAndDevicesReopen() throws Exception {
        try (OpenFile folder = OpenFile.open(dir); OpenFile devNull = OpenFile.open(Path.of("/dev/null"),
                StandardOpenOption.WRITE)) {
            assertEquals(OpenFile.Kind.DIRECTORY, folder.kind());
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, folder::openChannel);
            assertTrue(u.getMessage().contains("directory"), u.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MappedFile.map(folder, 0, 1));
            IpcException isDir = assertThrows(IpcException.class, () -> OpenFile.open(dir, StandardOpenOption.WRITE));
            assertEquals("EISDIR", isDir.errnoName());
            assertEquals(OpenFile.Kind.CHARACTER_DEVICE, devNull.kind());
            try (FileChannel c = devNull.openChannel(StandardOpenOption.WRITE)) {
                assertEquals(3, c.write(ByteBuffer.wrap(new byte[3])));
            }
        }
    }

    @Test
    void aReadOnlyFileMapsReadOnly() throws Exception {
        Path file = dir.resolve("map");
        Files.writeString(file, "mapped text");
        try (OpenFile f = OpenFile.open(file)) {
            try (SharedRegion r = MappedFile.map(f, 7, 4, MapOption.READ_ONLY)) {
                byte[] b = new byte[4];
                r.get(0, b, 0, 4);
                assertEquals("text", new String(b, StandardCharsets.UTF_8));
            }
            assertTrue(f.isReadable());
            assertFalse(f.isWritable());
            AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> MappedFile.map(f, 0, 4),
                    "a read-write shared window needs a description opened for writing");
            assertTrue(denied.getMessage().contains("READ_ONLY"), denied.getMessage());
            try (SharedRegion copy = MappedFile.map(f, 0, 4, MapOption.PRIVATE)) {
                copy.putByte(0, (byte) 'M');
                assertEquals('M', copy.getByte(0));
            }
            assertThrows(IllegalArgumentException.class, () -> MappedFile.map(f, 0, 4, MapOption.CREATE));
            assertThrows(IllegalArgumentException.class, () -> MappedFile.map(f, 8, 4, MapOption.READ_ONLY),
                    "a read-only window must lie within the file");
        }
        try (OpenFile w = OpenFile.open(file, StandardOpenOption.APPEND)) {
            assertFalse(w.isReadable());
            assertTrue(w.isWritable());
            assertThrows(AccessDeniedException.class, () -> MappedFile.map(w, 0, 4, MapOption.READ_ONLY));
        }
        try (OpenFile f = OpenFile.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             SharedRegion r = MappedFile.map(f, 0, 100)) {
            r.put(0, "MAPPED".getBytes(StandardCharsets.UTF_8), 0, 6);
            assertEquals(100, f.size(), "a read-write window past the end extends the file");
        }
        assertTrue(Files.readString(file).startsWith("MAPPED text"));
    }

    @Test
    void inheritedTakesAnyDescriptorAndMakesItCloseOnExec() throws Exception {
        int fd = CommonNative.jipc_open(CStrings.of(Path.of("/dev/null")), MmapNative.O_RDONLY(), 0);
        assertTrue(fd >= 0, "open /dev/null: " + fd);
        CommonNative.jipc_set_cloexec(fd, 0);
        try (OpenFile f = OpenFile.inherited(fd)) {
            assertEquals(OpenFile.Kind.CHARACTER_DEVICE, f.kind());
            assertTrue(f.toString().contains("/dev/null"), f.toString());
            assertEquals("/dev/null", f.target());
            String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                    .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
            int octal = Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
            assertTrue((octal & FileNative.O_CLOEXEC()) != 0, "O_CLOEXEC in " + flags);
        }
    }

    @Test
    void closedIsClosed() throws Exception {
        OpenFile f = OpenFile.open(dir);
        f.close();
        f.close();
        assertFalse(f.isOpen());
        assertThrows(ClosedChannelException.class, f::target);
        assertThrows(ClosedChannelException.class, f::size);
        assertTrue(f.toString().contains("closed"), f.toString());
        assertThrows(IllegalArgumentException.class, () -> OpenFile.inherited(-1));
        IpcException bad = assertThrows(IpcException.class, () -> OpenFile.inherited(987_654));
        assertEquals("EBADF", bad.errnoName());
    }
}
