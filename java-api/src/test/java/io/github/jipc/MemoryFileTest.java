package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MemoryFileTest {
    private static final String LABEL = ShmLeaks.PREFIX + "memfd";

    @Test
    void createMapAndShare() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 5000); SharedRegion a = m.map(); SharedRegion b = m.map(100, 200)) {
            assertEquals(5000, m.size());
            assertTrue(m.isOpen());
            assertEquals(Set.of(), m.seals());
            a.putInt(104, 9);
            assertEquals(9, b.getInt(4));
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(Handles.of(m).fd()))).toString();
            assertTrue(target.startsWith("/memfd:" + LABEL), target);
            assertTrue(m.toString().contains(LABEL), m.toString());
        }
    }

    @Test
    void growReservesAndNeverShrinks() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 0)) {
            assertEquals(0, m.size());
            assertThrows(IllegalArgumentException.class, () -> m.map());
            m.grow(10_000);
            assertEquals(10_000, m.size());
            m.grow(1);
            assertEquals(10_000, m.size());
            assertThrows(IllegalArgumentException.class, () -> m.grow(-1));
        }
    }

    @Test
    void sealsArePromisesTheKernelKeeps() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 8192)) {
            try (SharedRegion w = m.map()) {
                w.putLong(0, 31);
                IpcException busy = assertThrows(IpcException.class, () -> m.seal(Seal.WRITE));
                assertEquals("EBUSY", busy.errnoName());
                assertTrue(busy.getMessage().contains("writable shared mapping"), busy.getMessage());
            }
            try (SharedRegion r = m.map(MapOption.READ_ONLY)) {
                IpcException busy = assertThrows(IpcException.class, () -> m.seal(Seal.WRITE),
                        "a read-only shared mapping of a read-write memfd counts as writable");
                assertTrue(r.isReadOnly());
                assertTrue(busy.getMessage().contains("read-only region"), busy.getMessage());
            }
            m.seal(Seal.SHRINK, Seal.GROW, Seal.WRITE);
            assertEquals(EnumSet.of(Seal.SHRINK, Seal.GROW, Seal.WRITE), m.seals());
            AccessDeniedException written = assertThrows(AccessDeniedException.class, () -> m.map());
            assertTrue(written.getMessage().contains("seal"), written.getMessage());
            AccessDeniedException grown = assertThrows(AccessDeniedException.class, () -> m.grow(16384));
            assertTrue(grown.getMessage().contains("F_SEAL_GROW"), grown.getMessage());
            try (SharedRegion r = m.map(MapOption.READ_ONLY); SharedRegion copy = m.map(MapOption.PRIVATE)) {
                assertEquals(31, r.getLong(0));
                copy.putLong(0, 5); // a private copy may change
                assertEquals(31, r.getLong(0));
            }
            m.seal(Seal.SEAL);
            AccessDeniedException sealed = assertThrows(AccessDeniedException.class, () -> m.seal(Seal.FUTURE_WRITE));
            assertTrue(sealed.getMessage().contains("F_SEAL_SEAL"), sealed.getMessage());
            assertEquals(8192, m.size());
        }
    }

    @Test
    void futureWriteKeepsExistingMappingsWritable() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 4096); SharedRegion w = m.map()) {
            m.seal(Seal.FUTURE_WRITE);
            w.putInt(0, 1);
            assertThrows(AccessDeniedException.class, () -> m.map());
            try (SharedRegion r = m.map(MapOption.READ_ONLY)) {
                assertEquals(1, r.getInt(0));
            }
        }
    }

    @Test
    void errorsAndMisuse() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> MemoryFile.create("a/b", 1));
        assertThrows(IllegalArgumentException.class, () -> MemoryFile.create(LABEL, -1));
        assertThrows(NullPointerException.class, () -> MemoryFile.create(null, 1));
        String longest = LABEL + "x".repeat(249 - LABEL.length());
        try (MemoryFile m = MemoryFile.create(longest, 1)) {
            assertTrue(m.toString().contains(longest), m.toString());
        }
        for (String label : new String[] { longest + "x", "x".repeat(300), "\u00e9".repeat(125) }) {
            int bytes = label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            String expected = "a memory file's label is at most 249 bytes in UTF-8 (memfd_create(2) shows it as"
                    + " /memfd:label, one file name of at most NAME_MAX bytes), got " + bytes + " bytes"
                    + (bytes != label.length() ? " (" + label.length() + " chars)" : "");
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> MemoryFile.create(label, 1))
                    .getMessage());
            assertEquals(expected, assertThrows(IllegalArgumentException.class,
                    () -> MemoryFile.createHugePages(label, 1L << 21)).getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryFile.inherited(-1));
        IpcException notOpen = assertThrows(IpcException.class, () -> MemoryFile.inherited(100_000));
        assertEquals("EBADF", notOpen.errnoName());
        try (Pipe pipe = Pipe.open()) {
            try (UnownedDescriptor end = new UnownedDescriptor(pipe.source())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> MemoryFile.inherited(end.fd));
                assertTrue(e.getMessage().contains("not a memory file"), e.getMessage());
            }
            assertTrue(pipe.source().isOpen());
        }
        String name = "/jipc-test-kind-" + ProcessHandle.current().pid();
        try (SharedMemory shm = SharedMemory.create(name, 4096, PosixFilePermissions.fromString("rw-------"));
             MemoryFile memfd = MemoryFile.create(LABEL, 4096);
             UnownedDescriptor shmCopy = UnownedDescriptor.reopened(shm);
             UnownedDescriptor memfdCopy = UnownedDescriptor.reopened(memfd)) {
            shm.unlink();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MemoryFile.inherited(shmCopy.fd));
            assertTrue(e.getMessage().contains("SharedMemory.inherited"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SharedMemory.inherited(memfdCopy.fd));
            assertTrue(e.getMessage().contains("it is a memory file, taken by MemoryFile.inherited"), e.getMessage());
        }
        MemoryFile m = MemoryFile.create(LABEL, 100);
        assertThrows(IllegalArgumentException.class, () -> m.map(MapOption.CREATE));
        assertThrows(IllegalArgumentException.class, () -> m.map(50, 51));
        assertThrows(NullPointerException.class, () -> m.seal((Seal) null));
        m.close();
        m.close();
        assertFalse(m.isOpen());
        assertThrows(ClosedChannelException.class, m::size);
        assertThrows(ClosedChannelException.class, m::seals);
        assertThrows(ClosedChannelException.class, () -> m.seal(Seal.GROW));
        assertThrows(ClosedChannelException.class, () -> m.map());
    }

    @Test
    void lockedAndPopulatedMaps() throws Exception {
        try (MemoryFile m = MemoryFile.create(LABEL, 1 << 16)) {
            try (SharedRegion r = m.map(MapOption.POPULATE)) {
                r.putInt(0, 1);
            }
            try (SharedRegion r = m.map(MapOption.LOCK)) {
                assertEquals(1, r.getInt(0));
            } catch (AccessDeniedException | IpcException e) {
                // Without CAP_IPC_LOCK and with a low RLIMIT_MEMLOCK: the message names the limit.
                assertTrue(e.getMessage().contains("RLIMIT_MEMLOCK"), e.getMessage());
            }
        }
    }

    /** More than the machine has left is refused before the kernel's OOM killer ends a process (a new user lost a JVM so). */
    @Test
    void aSizeBeyondTheMemoryLeftIsRefusedInsteadOfCallingTheOomKiller() throws Exception {
        long available = io.github.jipc.internal.Limits.memoryAvailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(available > 0, "/proc/meminfo has no MemAvailable here");
        IpcException e = assertThrows(IpcException.class,
                () -> MemoryFile.create(ShmLeaks.PREFIX + "too-big", available + (1L << 30)).close());
        assertEquals("ENOMEM", e.errnoName());
        assertTrue(e.getMessage().contains("MemAvailable + SwapFree"), e.getMessage());
    }
}
