package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.github.jipc.internal.CStrings;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.FileNative;
import io.github.jipc.internal.jni.MmapNative;

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
            assertEquals(file.toRealPath().toString(), f.target());
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
    void readsAndWritesAtTheDescriptionsOffsetAsCDoes() throws Exception {
        Path file = dir.resolve("rw");
        try (OpenFile w = OpenFile.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            ByteBuffer heap = ByteBuffer.wrap("hello, ".getBytes(StandardCharsets.UTF_8));
            assertEquals(7, w.write(heap));
            assertEquals(0, heap.remaining());
            ByteBuffer direct = ByteBuffer.allocateDirect(16).put("world".getBytes(StandardCharsets.UTF_8)).flip();
            assertEquals(5, w.write(direct));
            assertEquals(0, w.write(direct), "nothing left to write");
            assertThrows(NonReadableChannelException.class, () -> w.read(ByteBuffer.allocate(4)));
        }
        assertEquals("hello, world", Files.readString(file));
        OpenFile r = OpenFile.open(file);
        try {
            ByteBuffer heap = ByteBuffer.allocate(5);
            assertEquals(5, r.read(heap));
            assertEquals("hello", text(heap));
            assertEquals(0, r.read(heap), "no room");
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            direct.position(2);
            assertEquals(7, r.read(direct), "from where the last read stopped, into dst at its position");
            assertEquals(9, direct.position());
            byte[] b = new byte[7];
            direct.get(2, b);
            assertEquals(", world", new String(b, StandardCharsets.UTF_8));
            assertEquals(-1, r.read(direct), "end of file");
            assertThrows(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> r.read(ByteBuffer.allocate(4).asReadOnlyBuffer()));
        } finally {
            r.close();
        }
        assertThrows(ClosedChannelException.class, () -> r.read(ByteBuffer.allocate(4)));
        assertThrows(ClosedChannelException.class, () -> r.read(ByteBuffer.allocate(0)));
        try (OpenFile folder = OpenFile.open(dir)) {
            IpcException e = assertThrows(IpcException.class, () -> folder.read(ByteBuffer.allocate(4)));
            assertTrue(e.getMessage().contains("EISDIR") && e.getMessage().contains("Files.list"), e.getMessage());
        }
    }

    @Test
    void aPollerRefusesFilesThatAreAlwaysReady() throws Exception {
        Path file = dir.resolve("ready");
        Files.writeString(file, "x");
        try (Poller poller = Poller.open(); OpenFile f = OpenFile.open(file); OpenFile folder = OpenFile.open(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> poller.register(f, PollEvent.READ));
            assertTrue(e.getMessage().contains("a regular file, which is always ready"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> poller.register(folder, PollEvent.READ));
        }
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
            assertEquals(file.toRealPath().toString(), f.target());
        }
        NoSuchFileException readOnly = assertThrows(NoSuchFileException.class,
                () -> OpenFile.open(dir.resolve("missing"), StandardOpenOption.CREATE));
        assertTrue(readOnly.getMessage().contains("only with WRITE or APPEND"), readOnly.getMessage());
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
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("fifo");
        Fifo.create(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenFile.open(fifo));
        assertTrue(e.getMessage().contains("Fifo"), e.getMessage());
        IllegalArgumentException noReader = assertThrows(IllegalArgumentException.class,
                () -> OpenFile.open(fifo, StandardOpenOption.WRITE), "a write open without a reader says ENXIO");
        assertTrue(noReader.getMessage().contains("Fifo"), noReader.getMessage());
        // A reader waiting at the other end is not disturbed: no open, so no end of file for it.
        try (PipeSource reader = Fifo.of(fifo).openSource(PipeOption.NON_BLOCKING)) {
            assertThrows(IllegalArgumentException.class, () -> OpenFile.open(fifo, StandardOpenOption.WRITE));
            assertEquals(0, reader.read(ByteBuffer.allocate(4)), "no writer came and went");
        }
    }

    @Test
    void directoriesAndDevicesPassOnButOnlyRegularFilesReopen() throws Exception {
        try (OpenFile folder = OpenFile.open(dir); OpenFile devNull = OpenFile.open(Path.of("/dev/null"),
                StandardOpenOption.WRITE)) {
            assertEquals(OpenFile.Kind.DIRECTORY, folder.kind());
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, folder::openChannel);
            assertTrue(u.getMessage().contains("directory"), u.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MappedFile.map(folder, 0, 1));
            IpcException isDir = assertThrows(IpcException.class, () -> OpenFile.open(dir, StandardOpenOption.WRITE));
            assertEquals("EISDIR", isDir.errnoName());
            assertEquals(OpenFile.Kind.CHARACTER_DEVICE, devNull.kind());
            UnsupportedOperationException device = assertThrows(UnsupportedOperationException.class,
                    () -> devNull.openChannel(StandardOpenOption.WRITE));
            assertTrue(device.getMessage().contains("a character device"), device.getMessage());
            IllegalArgumentException map = assertThrows(IllegalArgumentException.class,
                    () -> MappedFile.map(devNull, 0, 1));
            assertTrue(map.getMessage().contains("a character device, not a regular file"), map.getMessage());
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
        OpenFile taken;
        try {
            taken = OpenFile.inherited(fd);
        } catch (RuntimeException | java.io.IOException e) {
            CommonNative.jipc_close(fd);
            throw e;
        }
        try (OpenFile f = taken) {
            assertEquals(OpenFile.Kind.CHARACTER_DEVICE, f.kind());
            assertTrue(f.toString().contains("/dev/null"), f.toString());
            assertEquals("/dev/null", f.target());
            String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                    .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
            int octal = Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
            assertTrue((octal & FileNative.O_CLOEXEC()) != 0, "O_CLOEXEC in " + flags);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> OpenFile.inherited(fd));
            assertTrue(twice.getMessage().contains("belongs to an open jipc handle"), twice.getMessage());
        }
    }

    @Test
    void aFileOfDevShmArrivesAsSharedMemoryAnyOtherAsOpenFile() throws Exception {
        Path shm = Path.of("/dev/shm", ShmLeaks.PREFIX + "openfile-" + ProcessHandle.current().pid());
        Path other = dir.resolve("plain");
        Files.write(shm, new byte[4096]);
        Files.write(other, new byte[10]);
        try (OpenFile a = OpenFile.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE);
             OpenFile b = OpenFile.open(other); SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            pair.first().send(ByteBuffer.wrap(new byte[] { 1 }), a, b);
            ReceivedMessage m = pair.second().receiveMessage(ByteBuffer.allocate(1));
            try (AutoCloseable x = (AutoCloseable) m.handles().get(0);
                 AutoCloseable y = (AutoCloseable) m.handles().get(1)) {
                assertTrue(x instanceof SharedMemory, x.toString());
                assertTrue(y instanceof OpenFile, y.toString());
            }
        } finally {
            Files.deleteIfExists(shm);
        }
    }

    @Test
    void optionsWithoutMeaningForAnOpenFileAreRefused() throws Exception {
        Path file = dir.resolve("reopen");
        Files.writeString(file, "x");
        try (OpenFile f = OpenFile.open(file)) {
            for (StandardOpenOption o : new StandardOpenOption[] { StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.DELETE_ON_CLOSE }) {
                UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                        () -> f.openChannel(StandardOpenOption.WRITE, o));
                assertTrue(u.getMessage().contains(o.toString()), u.getMessage());
            }
            assertThrows(UnsupportedOperationException.class, () -> f.openChannel(LinkOption.NOFOLLOW_LINKS));
            assertThrows(NullPointerException.class, () -> f.openChannel((StandardOpenOption[]) null));
        }
        assertTrue(Files.exists(file), "nothing deleted");
    }

    @Test
    void bytesThatCameWithTooManyHandlesStayReceived() throws Exception {
        try (OpenFile a = OpenFile.open(dir); OpenFile b = OpenFile.open(dir);
             SocketPair pair = IpcSocket.pair(SocketType.STREAM)) {
            pair.first().write(ByteBuffer.wrap("HEAD-".getBytes(StandardCharsets.UTF_8)));
            pair.first().send(ByteBuffer.wrap("PAYLOAD".getBytes(StandardCharsets.UTF_8)), a, b);
            ByteBuffer in = ByteBuffer.allocate(64);
            IpcException e = assertThrows(IpcException.class, () -> pair.second().receiveMessage(in, 1));
            assertEquals("EMSGSIZE", e.errnoName());
            assertTrue(e.getMessage().contains("are in the buffer"), e.getMessage());
            assertEquals("HEAD-PAYLOAD", text(in), "the bytes received are in the buffer");
        }
    }

    @Test
    void closedIsClosed() throws Exception {
        OpenFile f = OpenFile.open(dir);
        f.close();
        f.close();
        assertFalse(f.isOpen());
        ClosedChannelException c = assertThrows(ClosedChannelException.class, f::target);
        assertTrue(c.getMessage().contains("is closed"), c.getMessage());
        assertThrows(ClosedChannelException.class, f::size);
        assertThrows(ClosedChannelException.class, f::openChannel, "closed is said before the kind");
        assertThrows(ClosedChannelException.class, () -> MappedFile.map(f, 0, 1));
        assertTrue(f.toString().contains("closed"), f.toString());
        assertThrows(IllegalArgumentException.class, () -> OpenFile.inherited(-1));
        IpcException bad = assertThrows(IpcException.class, () -> OpenFile.inherited(987_654));
        assertEquals("EBADF", bad.errnoName());
    }
}
