package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jipc.internal.Limits;

/**
 * Memory files on huge pages. The machine must have huge pages reserved: the
 * test reserves a few through vm.nr_hugepages (root only) and gives the old
 * value back, or is skipped with the reason.
 */
class HugePagesTest {
    private static final String NR = "/proc/sys/vm/nr_hugepages";
    private String before;

    @BeforeEach
    void remember() {
        before = Limits.sysctl(NR);
        assumeTrue(MemoryFile.hugePageSize() > 0, "this kernel has no huge pages");
    }

    @AfterEach
    void restore() throws IOException {
        if (before != null && !before.equals(Limits.sysctl(NR))) {
            reserve(before);
        }
    }

    private static boolean reserve(String pages) {
        try (FileOutputStream out = new FileOutputStream(NR)) {
            out.write(pages.getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aMemoryFileOnHugePagesIsMappedAndShared() throws Exception {
        assumeTrue(reserve("2") && HugePages.free() >= 1,
                "cannot reserve huge pages here (vm.nr_hugepages needs root and free memory): " + Limits.sysctl(NR));
        long size = MemoryFile.hugePageSize();
        long freeBefore = HugePages.free();
        try (MemoryFile f = MemoryFile.createHugePages("jipc-huge-test", size); SharedRegion r = f.map()) {
            assertEquals(size, f.size());
            assertEquals(freeBefore - 1, HugePages.free(), "one huge page is the file's now");
            r.putLong(size - Long.BYTES, 0x1234_5678_9abcL);
            assertEquals(0x1234_5678_9abcL, r.getLong(size - Long.BYTES));
            assertTrue(r.alignment() >= SharedRegion.pageSize());
        }
        assertEquals(freeBefore, HugePages.free(), "closed: the page is free again");
    }

    @Test
    void aSystemVSegmentOnHugePagesOfAnOddSizeIsDetachedWhole() throws Exception {
        assumeTrue(reserve("2") && HugePages.free() >= 1,
                "cannot reserve huge pages here (vm.nr_hugepages needs root and free memory): " + Limits.sysctl(NR));
        long freeBefore = HugePages.free();
        // As a C peer may make one: 5000 bytes on huge pages, which jipc's own createHugePages refuses.
        int id = io.github.jipc.internal.jni.SysvShmNative.jipc_sysv_shm_get(0, 5000,
                io.github.jipc.internal.jni.SysvShmNative.IPC_CREAT() | io.github.jipc.internal.jni.SysvShmNative.SHM_HUGETLB(),
                0600);
        assumeTrue(id >= 0, "shmget(SHM_HUGETLB) refused here: errno " + -id);
        SystemVSharedMemory segment = SystemVSharedMemory.ofId(id);
        try {
            try (SharedRegion r = segment.attach()) {
                r.putLong(4992, 7); // faults the huge page in
                assertEquals(7, r.getLong(4992));
                assertEquals(freeBefore - 1, HugePages.free(), "one huge page is the segment's now");
            }
            assertEquals(0, segment.status().attachCount(), "the close detached the whole huge-page mapping");
        } finally {
            segment.remove();
        }
        assertEquals(freeBefore, HugePages.free(), "detached and removed: the page is free again");
    }

    @Test
    void aWindowOfHugePagesIsUnmappedWhole() throws Exception {
        assumeTrue(reserve("2") && HugePages.free() >= 1,
                "cannot reserve huge pages here (vm.nr_hugepages needs root and free memory): " + Limits.sysctl(NR));
        long size = MemoryFile.hugePageSize();
        long freeBefore = HugePages.free();
        try (MemoryFile f = MemoryFile.createHugePages("jipc-huge-test", size)) {
            try (SharedRegion w = f.map(100, 5000)) { // a window that is no multiple of either page size
                w.putLong(0, 9);
                assertEquals(9, w.getLong(0));
            }
        }
        assertEquals(freeBefore, HugePages.free(), "the window's close unmapped its huge page, and the file's close freed it");
    }

    @Test
    void withoutFreeHugePagesTheErrorNamesTheSetting() throws Exception {
        assumeTrue(reserve("0"), "cannot set vm.nr_hugepages here (needs root)");
        assumeTrue(HugePages.free() == 0, "huge pages are still free (held elsewhere)");
        IpcException e = assertThrows(IpcException.class,
                () -> MemoryFile.createHugePages("jipc-huge-test", MemoryFile.hugePageSize()).close());
        assertTrue(e.getMessage().contains("vm.nr_hugepages is 0"), e.getMessage());
    }

    @Test
    void aSizeThatIsNoMultipleOfTheHugePageSizeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryFile.createHugePages("jipc-huge-test", 4096));
        assertTrue(e.getMessage().contains(Long.toString(MemoryFile.hugePageSize())), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemoryFile.createHugePages("jipc-huge-test", 0));
    }

    @Test
    void aSystemVSegmentOnHugePagesIsAttachedAndShared() throws Exception {
        assumeTrue(reserve("2") && HugePages.free() >= 1,
                "cannot reserve huge pages here (vm.nr_hugepages needs root and free memory): " + Limits.sysctl(NR));
        long size = MemoryFile.hugePageSize();
        SystemVSharedMemory segment = SystemVSharedMemory.createHugePages(SysVKey.PRIVATE, size,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (SharedRegion a = segment.attach(); SharedRegion b = segment.attach()) {
            a.putLong(size - Long.BYTES, 77);
            assertEquals(77, b.getLong(size - Long.BYTES));
            assertEquals(size, segment.status().size());
        } finally {
            segment.remove();
        }
        assertThrows(IllegalArgumentException.class, () -> SystemVSharedMemory.createHugePages(SysVKey.PRIVATE, 4096,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }

    @Test
    void aSystemVSegmentWithoutFreeHugePagesNamesTheSetting() throws Exception {
        assumeTrue(reserve("0"), "cannot set vm.nr_hugepages here (needs root)");
        assumeTrue(HugePages.free() == 0, "huge pages are still free (held elsewhere)");
        IpcException e = assertThrows(IpcException.class, () -> SystemVSharedMemory.createHugePages(SysVKey.PRIVATE,
                MemoryFile.hugePageSize(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")).remove());
        assertTrue(e.getMessage().contains("vm.nr_hugepages is 0"), e.getMessage());
    }
}
