package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SystemVSharedMemoryTest {
    private static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");
    private static int next;

    @TempDir
    Path dir;

    /** A key no other test run uses: from this process's pid. */
    private static SysVKey uniqueKey() {
        return SysVKey.of(0x4a500000 | (int) (ProcessHandle.current().pid() << 4 & 0xffff0) | next++);
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void theSeedsControllingAndOtherProcessSteps() throws Exception {
        SysVKey key = uniqueKey();
        SystemVSharedMemory created = SystemVSharedMemory.create(key, 4096, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (SharedRegion w = created.attach()) {
            byte[] text = "shared text\0".getBytes();
            w.put(0, text, 0, text.length);
            SystemVSharedMemory other = SystemVSharedMemory.open(key);
            assertEquals(created, other);
            try (SharedRegion r = other.attach(MapOption.READ_ONLY)) {
                byte[] got = new byte[12];
                r.get(0, got, 0, 12);
                assertEquals("shared text", new String(got, 0, 11));
                assertEquals(2, created.status().attachCount());
            }
        }
        assertEquals(0, created.status().attachCount(), "closing the regions detached both");
        created.remove();
        assertThrows(NoSuchFileException.class, () -> SystemVSharedMemory.open(key));
    }

    @Test
    void createExclusiveAndOpenRules() throws Exception {
        SysVKey key = uniqueKey();
        assertThrows(NoSuchFileException.class, () -> SystemVSharedMemory.open(key));
        SystemVSharedMemory s = SystemVSharedMemory.createExclusive(key, 10_000, RW_OWNER);
        try {
            assertThrows(FileAlreadyExistsException.class, () -> SystemVSharedMemory.createExclusive(key, 10_000, RW_OWNER));
            assertEquals(s, SystemVSharedMemory.create(key, 5_000, RW_OWNER), "create opens an existing segment");
            IpcException tooBig = assertThrows(IpcException.class, () -> SystemVSharedMemory.create(key, 20_000, RW_OWNER));
            assertEquals("EINVAL", tooBig.errnoName());
            assertTrue(tooBig.getMessage().contains("kernel.shmmax"), tooBig.getMessage());
            assertTrue(tooBig.getMessage().contains("shmget(2)"), tooBig.getMessage());
            assertEquals(s, SystemVSharedMemory.ofId(s.id()));
            assertTrue(s.toString().contains(key.toString()), s.toString());
        } finally {
            s.remove();
        }
        assertThrows(IpcException.class, s::status);
        IpcException gone = assertThrows(IpcException.class, s::remove);
        assertEquals("EINVAL", gone.errnoName());
        assertTrue(gone.getMessage().contains("was removed (IPC_RMID)"), gone.getMessage());
    }

    @Test
    void privateSegmentsAreAlwaysNew() throws Exception {
        SystemVSharedMemory a = SystemVSharedMemory.create(SysVKey.PRIVATE, 100, RW_OWNER);
        SystemVSharedMemory b = SystemVSharedMemory.create(SysVKey.PRIVATE, 100, RW_OWNER);
        try {
            assertNotEquals(a.id(), b.id());
            assertTrue(a.status().key().isPrivate());
            assertEquals("IPC_PRIVATE", SysVKey.PRIVATE.toString());
            assertThrows(IllegalArgumentException.class, () -> SystemVSharedMemory.open(SysVKey.PRIVATE));
            assertThrows(IllegalArgumentException.class, () -> SysVKey.of(SysVKey.PRIVATE.value()));
        } finally {
            a.remove();
            b.remove();
        }
    }

    @Test
    void statusReportsWhatShmctlSays() throws Exception {
        SysVKey key = uniqueKey();
        SystemVSharedMemory s = SystemVSharedMemory.create(key, 5000, PosixFilePermissions.fromString("rw-r-----"));
        try {
            SystemVStatus st = s.status();
            assertEquals(5000, st.size());
            assertEquals(0, st.attachCount());
            assertEquals(pid(), st.creatorPid());
            assertEquals(0, st.lastPid());
            assertNull(st.lastAttach());
            assertNull(st.lastDetach());
            assertNotNull(st.lastChange());
            assertEquals(key, st.key());
            assertEquals(PosixFilePermissions.fromString("rw-r-----"), st.permissions());
            assertFalse(st.isRemoved());
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            assertEquals(uid, st.ownerUid());
            assertEquals(uid, st.creatorUid());
            try (SharedRegion r = s.attach()) {
                assertEquals(5000, r.size());
                SystemVStatus attached = s.status();
                assertEquals(1, attached.attachCount());
                assertEquals(pid(), attached.lastPid());
                assertNotNull(attached.lastAttach());
            }
            assertNotNull(s.status().lastDetach());
            assertTrue(s.status().toString().contains("size=5000"), s.status().toString());
        } finally {
            s.remove();
        }
    }

    @Test
    void twoAttachesAreTwoAddressesOfOneMemory() throws Exception {
        SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, 8192, RW_OWNER);
        try (SharedRegion a = s.attach(); SharedRegion b = s.attach()) {
            assertNotEquals(io.github.jipc.internal.jni.CommonNative.jipc_address_of(a.asByteBuffer()),
                    io.github.jipc.internal.jni.CommonNative.jipc_address_of(b.asByteBuffer()));
            a.putLongVolatile(4096, 77);
            assertEquals(77, b.getLongVolatile(4096));
            assertEquals(77, b.getAndAddLong(4096, 1));
            assertEquals(78, a.getLong(4096));
        } finally {
            s.remove();
        }
    }

    @Test
    void aSegmentOf2GiBOrMoreIsReachedByWindows() throws Exception {
        long twoGiB = 1L << 31;
        long page = SharedRegion.pageSize();
        long size = twoGiB + 4 * page;
        // One read from offset 0: a sysctl file read in pieces (Files.readString) ends after the first byte.
        long shmmax = Long.parseUnsignedLong(io.github.jipc.internal.Limits.sysctl("/proc/sys/kernel/shmmax"));
        long shmall = Long.parseUnsignedLong(io.github.jipc.internal.Limits.sysctl("/proc/sys/kernel/shmall"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Long.compareUnsigned(shmmax, size) >= 0
                && Long.compareUnsigned(shmall, size / page) >= 0,
                "kernel.shmmax (" + Long.toUnsignedString(shmmax) + ") or kernel.shmall (" + Long.toUnsignedString(shmall)
                        + " pages) refuses a segment of " + size + " bytes");
        // Untouched pages cost nothing: only the few written here are ever allocated.
        SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, size, RW_OWNER);
        try {
            IllegalArgumentException whole = assertThrows(IllegalArgumentException.class, () -> s.attach());
            assertTrue(whole.getMessage().contains("attach(offset, length, options)"), whole.getMessage());
            assertEquals(0, s.status().attachCount(), "a refused attach is detached again");
            try (SharedRegion across = s.attach(twoGiB - page, 2 * page);
                 SharedRegion beyond = s.attach(twoGiB + 100, 3 * page - 100)) {
                assertEquals(2 * page, across.size());
                across.putLong((int) page + 100, 0x1122334455667788L); // at 2 GiB + 100
                assertEquals(0x1122334455667788L, beyond.getLong(0), "one memory, seen through both windows");
                beyond.putInt(8, 42);
                assertEquals(42, across.getInt((int) page + 108));
                assertEquals(2, s.status().attachCount());
            }
            assertEquals(0, s.status().attachCount(), "closing the windows detached them");
            assertThrows(IllegalArgumentException.class, () -> s.attach(twoGiB + 4 * page - 10, 11), "past the end");
            assertThrows(IllegalArgumentException.class, () -> s.attach(0, twoGiB), "more than a region holds");
            assertThrows(IllegalArgumentException.class, () -> s.attach(-1, 10));
            assertEquals(0, s.status().attachCount());
            try (SharedRegion last = s.attach(twoGiB + 4 * page - 10, 10, MapOption.READ_ONLY)) {
                assertEquals(0, last.asByteBuffer().get(9));
                assertTrue(last.isReadOnly());
            }
            // LOCK locks the window's pages (two here: it straddles 2 GiB), not the segment's.
            try (SharedRegion locked = s.attach(twoGiB - 8, 16, MapOption.LOCK)) {
                locked.putLong(8, 9);
                assertEquals(9, locked.getLong(8));
            } catch (java.nio.file.AccessDeniedException | IpcException e) {
                assertTrue(e.getMessage().contains("RLIMIT_MEMLOCK"), e.getMessage());
            }
            assertEquals(0, s.status().attachCount());
        } finally {
            s.remove();
        }
    }

    @Test
    void removedWhileAttachedItLivesUntilTheLastDetach() throws Exception {
        SysVKey key = uniqueKey();
        SystemVSharedMemory s = SystemVSharedMemory.create(key, 4096, RW_OWNER);
        try (SharedRegion r = s.attach()) {
            r.putInt(0, 5);
            s.remove();
            assertTrue(s.status().isRemoved());
            assertThrows(NoSuchFileException.class, () -> SystemVSharedMemory.open(key), "the key names nothing now");
            r.putInt(0, 6);
            assertEquals(6, r.getInt(0));
        }
        assertThrows(IpcException.class, s::status, "gone with the last detach");
    }

    @Test
    void permissionsAndOwnerCanChange() throws Exception {
        SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, 4096, RW_OWNER);
        try {
            s.setPermissions(PosixFilePermissions.fromString("rw-rw-r--"));
            assertEquals(PosixFilePermissions.fromString("rw-rw-r--"), s.status().permissions());
            int uid = s.status().ownerUid();
            s.setOwner(-1, -1);
            assertEquals(uid, s.status().ownerUid());
            if (uid == 0) {
                s.setOwner(65534, 65534);
                assertEquals(65534, s.status().ownerUid());
                assertEquals(65534, s.status().ownerGid());
                assertEquals(0, s.status().creatorUid());
            }
            assertThrows(IllegalArgumentException.class, () -> s.setOwner(-2, 0));
        } finally {
            s.remove();
        }
    }

    @Test
    void ftokDerivesTheKeyACProgramGets() throws Exception {
        Path file = Files.createFile(dir.resolve("key-file"));
        SysVKey a = SysVKey.ftok(file, 'A');
        assertEquals(a, SysVKey.ftok(file, 'A'));
        assertNotEquals(a, SysVKey.ftok(file, 'B'));
        assertEquals(a, SysVKey.ftok(file, 'A' | 0x100), "only the low 8 bits of the project id count");
        assertThrows(NoSuchFileException.class, () -> SysVKey.ftok(dir.resolve("missing"), 'A'));
        assertThrows(IllegalArgumentException.class, () -> SysVKey.ftok(file, 0x100));
        assertTrue(a.toString().startsWith("0x"), a.toString());
    }

    @Test
    void misuseIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> SystemVSharedMemory.create(SysVKey.PRIVATE, 0, RW_OWNER));
        assertThrows(NullPointerException.class, () -> SystemVSharedMemory.create(null, 10, RW_OWNER));
        assertThrows(NullPointerException.class, () -> SystemVSharedMemory.create(SysVKey.PRIVATE, 10, null));
        assertThrows(IllegalArgumentException.class, () -> SystemVSharedMemory.ofId(-1));
        SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, 10, RW_OWNER);
        try {
            assertThrows(IllegalArgumentException.class, () -> s.attach(MapOption.PRIVATE));
            assertThrows(IllegalArgumentException.class, () -> s.attach(MapOption.POPULATE));
        } finally {
            s.remove();
        }
        IpcException gone = assertThrows(IpcException.class, s::attach, "a removed segment cannot be attached");
        assertTrue(gone.getMessage().contains("no segment has this id"), gone.getMessage());
    }

    @Test
    void lockedAttach() throws Exception {
        SystemVSharedMemory s = SystemVSharedMemory.create(SysVKey.PRIVATE, 8192, RW_OWNER);
        try (SharedRegion r = s.attach(MapOption.LOCK)) {
            r.putInt(0, 1);
        } catch (java.nio.file.AccessDeniedException | IpcException e) {
            assertTrue(e.getMessage().contains("RLIMIT_MEMLOCK"), e.getMessage());
        } finally {
            s.remove();
        }
    }
}
