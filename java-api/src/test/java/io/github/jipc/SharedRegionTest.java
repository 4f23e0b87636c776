package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SharedRegionTest {
    private static MemoryFile memory(long size) throws Exception {
        return MemoryFile.create(ShmLeaks.PREFIX + "region", size);
    }

    @Test
    void bytesArraysIntsAndLongsAtOffsets() throws Exception {
        try (MemoryFile m = memory(10_000); SharedRegion r = m.map(); SharedRegion other = m.map()) {
            assertEquals(10_000, r.size());
            assertTrue(r.isOpen());
            assertFalse(r.isReadOnly());
            r.putByte(0, (byte) 7);
            r.putByte(9_999, (byte) -1);
            r.put(100, "hello".getBytes(), 0, 5);
            r.putInt(201, 0x01020304); // plain accesses take any alignment
            r.putLong(303, -2L);
            assertEquals(7, other.getByte(0));
            assertEquals(-1, other.getByte(9_999));
            byte[] got = new byte[7];
            other.get(100, got, 1, 5);
            assertArrayEquals(new byte[] { 0, 'h', 'e', 'l', 'l', 'o', 0 }, got);
            assertEquals(0x01020304, other.getInt(201));
            assertEquals(-2L, other.getLong(303));
            // The platform's byte order, as a C program on this machine stores an int.
            ByteBuffer view = other.asByteBuffer();
            assertEquals(ByteOrder.nativeOrder(), view.order());
            assertEquals(0x01020304, view.getInt(201));
            assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 4 : 1, view.get(201));
            assertTrue(view.isDirect());
            assertEquals(10_000, view.capacity());
        }
    }

    @Test
    void volatileAcquireReleaseAndAtomics() throws Exception {
        try (MemoryFile m = memory(4096); SharedRegion r = m.map()) {
            assertEquals(SharedRegion.pageSize(), r.alignment());
            r.putIntVolatile(0, 5);
            assertEquals(5, r.getIntVolatile(0));
            r.putIntRelease(4, 6);
            assertEquals(6, r.getIntAcquire(4));
            assertTrue(r.compareAndSetInt(0, 5, 9));
            assertFalse(r.compareAndSetInt(0, 5, 10));
            assertEquals(9, r.getAndAddInt(0, 3));
            assertEquals(12, r.getInt(0));
            r.putLongVolatile(8, 1L << 40);
            assertEquals(1L << 40, r.getLongVolatile(8));
            r.putLongRelease(16, 3);
            assertEquals(3, r.getLongAcquire(16));
            assertTrue(r.compareAndSetLong(16, 3, 4));
            assertFalse(r.compareAndSetLong(16, 3, 5));
            assertEquals(4, r.getAndAddLong(16, 10));
            assertEquals(14, r.getLong(16));
        }
    }

    @Test
    void getAndAddFromManyThreadsIsExact() throws Exception {
        try (MemoryFile m = memory(4096); SharedRegion a = m.map(); SharedRegion b = m.map()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                SharedRegion r = t % 2 == 0 ? a : b; // two mappings, two addresses, one memory
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        r.getAndAddInt(64, 1);
                        r.getAndAddLong(128, 2);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(400_000, a.getIntVolatile(64));
            assertEquals(800_000, b.getLongVolatile(128));
        }
    }

    @Test
    void outOfBoundsAndMisalignedAccessesAreRefused() throws Exception {
        try (MemoryFile m = memory(100); SharedRegion r = m.map()) {
            assertThrows(IndexOutOfBoundsException.class, () -> r.getByte(100));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getByte(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.putInt(97, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getLong(93));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getLong(Long.MAX_VALUE));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getInt(Long.MIN_VALUE));
            assertThrows(IndexOutOfBoundsException.class, () -> r.put(98, new byte[3], 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> r.get(0, new byte[3], 1, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getAndAddInt(100, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.getAndAddInt(2, 1));
            assertTrue(e.getMessage().contains("not aligned to 4 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.compareAndSetLong(4, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> r.getLongVolatile(12));
            assertThrows(IllegalArgumentException.class, () -> r.putIntRelease(1, 1));
            assertThrows(NullPointerException.class, () -> r.get(0, null, 0, 0));
            assertEquals(0, r.getInt(96), "nothing was written by the refused calls");
        }
    }

    @Test
    void aReadOnlyRegionRefusesEveryWrite() throws Exception {
        try (MemoryFile m = memory(64); SharedRegion rw = m.map(); SharedRegion r = m.map(MapOption.READ_ONLY)) {
            rw.putLong(8, 42);
            assertTrue(r.isReadOnly());
            assertEquals(42, r.getLong(8));
            assertEquals(42, r.getLongAcquire(8));
            assertThrows(ReadOnlyBufferException.class, () -> r.putByte(0, (byte) 1));
            assertThrows(ReadOnlyBufferException.class, () -> r.put(0, new byte[1], 0, 1));
            ReadOnlyBufferException e = assertThrows(ReadOnlyBufferException.class, () -> r.putInt(12, 1));
            assertTrue(e.getMessage().contains("a write of 4 bytes at offset 12"), e.getMessage());
            assertTrue(e.getMessage().contains("read-only: map or attach it read-write"), e.getMessage());
            assertThrows(ReadOnlyBufferException.class, () -> r.putLong(0, 1));
            assertThrows(ReadOnlyBufferException.class, () -> r.putIntVolatile(0, 1));
            assertThrows(ReadOnlyBufferException.class, () -> r.putLongRelease(0, 1));
            assertThrows(ReadOnlyBufferException.class, () -> r.compareAndSetInt(0, 0, 1));
            assertThrows(ReadOnlyBufferException.class, () -> r.getAndAddLong(0, 1));
            ByteBuffer view = r.asByteBuffer();
            assertTrue(view.isReadOnly());
            assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
            assertEquals(0, rw.getLong(0));
        }
    }

    @Test
    void everyAccessAfterCloseThrows() throws Exception {
        try (MemoryFile m = memory(64)) {
            SharedRegion r = m.map();
            r.close();
            r.close(); // idempotent
            assertFalse(r.isOpen());
            assertTrue(r.toString().contains("closed"), r.toString());
            List<Runnable> uses = List.of(() -> r.getByte(0), () -> r.putByte(0, (byte) 0), () -> r.getInt(0),
                    () -> r.putInt(0, 0), () -> r.getLong(0), () -> r.putLong(0, 0), () -> r.get(0, new byte[1], 0, 1),
                    () -> r.put(0, new byte[1], 0, 1), () -> r.getIntVolatile(0), () -> r.putIntVolatile(0, 0),
                    () -> r.getIntAcquire(0), () -> r.putIntRelease(0, 0), () -> r.compareAndSetInt(0, 0, 1),
                    () -> r.getAndAddInt(0, 1), () -> r.getLongVolatile(0), () -> r.putLongVolatile(0, 0),
                    () -> r.getLongAcquire(0), () -> r.putLongRelease(0, 0), () -> r.compareAndSetLong(0, 0, 1),
                    () -> r.getAndAddLong(0, 1), r::asByteBuffer);
            for (Runnable use : uses) {
                assertThrows(IllegalStateException.class, use::run);
            }
            assertThrows(IllegalStateException.class, r::force);
        }
    }

    @Test
    void aViewKeptPastTheCloseIsHarmless() throws Exception {
        try (MemoryFile m = memory(8192); SharedRegion check = m.map()) {
            SharedRegion r = m.map();
            r.putInt(0, 1234);
            ByteBuffer view = r.asByteBuffer();
            ByteBuffer slice = view.slice(4096, 100);
            r.close();
            // The placeholder: zeros, writable, private to this process, never a crash.
            assertEquals(0, view.getInt(0));
            view.putInt(0, 99);
            slice.put(0, (byte) 5);
            CRC32 crc = new CRC32();
            crc.update(view.duplicate());
            assertEquals(1234, check.getInt(0), "stale writes do not reach the memory");
            assertEquals(0, check.getByte(4096));
        }
    }

    @Test
    void closeRacingAccessesFromOtherThreads() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (MemoryFile m = memory(1 << 16)) {
                SharedRegion r = m.map();
                ByteBuffer view = r.asByteBuffer();
                int threads = 3;
                CountDownLatch started = new CountDownLatch(threads);
                AtomicReference<Throwable> unexpected = new AtomicReference<>();
                AtomicInteger refused = new AtomicInteger();
                List<Thread> all = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int kind = t;
                    all.add(new Thread(() -> {
                        started.countDown();
                        try {
                            for (long i = 0;; i++) {
                                switch (kind) {
                                    case 0 -> r.getAndAddLong(8 * (i % 1000), 1);
                                    case 1 -> r.put(i % 60_000, new byte[512], 0, 512);
                                    default -> view.putLong((int) (8 * (i % 8000)), r.getLong(0));
                                }
                            }
                        } catch (IllegalStateException e) {
                            refused.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.set(e);
                        }
                    }));
                }
                all.forEach(Thread::start);
                started.await();
                Thread.sleep(2);
                r.close();
                for (Thread t : all) {
                    t.join(10_000);
                    assertFalse(t.isAlive());
                }
                if (unexpected.get() != null) {
                    throw new AssertionError("an access racing the close failed otherwise", unexpected.get());
                }
                assertEquals(threads, refused.get(), "every thread ends with IllegalStateException");
            }
        }
    }

    @Test
    void thePlaceholderIsFreedOnceNoViewIsReachable() throws Exception {
        SharedRegion r;
        WeakReference<ByteBuffer> weak;
        String address;
        try (MemoryFile m = memory(3 * SharedRegion.pageSize())) {
            r = m.map();
            ByteBuffer view = r.asByteBuffer();
            weak = new WeakReference<>(view);
            address = Long.toHexString(mappingStart(view));
            r.close();
            assertTrue(mapped(address), "the placeholder holds the addresses while a view is reachable");
            view.put(0, (byte) 1);
        }
        r = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((weak.get() != null || mapped(address)) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertFalse(mapped(address), "the placeholder at " + address + " is unmapped");
    }

    /** The address of the view's first byte, from /proc/self/maps: the mapping made last. */
    private static long mappingStart(ByteBuffer view) throws Exception {
        long addr = io.github.jipc.internal.jni.CommonNative.jipc_address_of(view);
        assertTrue(addr != 0);
        return addr;
    }

    /** Whether any mapping of this process contains the address (the kernel may merge the placeholder with a neighbour). */
    private static boolean mapped(String hexAddress) throws Exception {
        long a = Long.parseUnsignedLong(hexAddress, 16);
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            if (Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), a) <= 0
                    && Long.compareUnsigned(a, Long.parseUnsignedLong(range[1], 16)) < 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void forceIsForFileMapsOnly() throws Exception {
        try (MemoryFile m = memory(64); SharedRegion r = m.map()) {
            assertThrows(IllegalStateException.class, r::force);
            assertThrows(IllegalStateException.class, r::forceAsync);
        }
    }

    @Test
    void closeRunsTheActionsGivenFirstInOrderAndThenRefusesMore() throws Exception {
        try (MemoryFile f = memory(4096)) {
            SharedRegion r = f.map();
            ByteBuffer view = r.asByteBuffer().order(ByteOrder.nativeOrder());
            List<String> ran = new ArrayList<>();
            r.onClose(() -> ran.add("first, region open: " + r.isOpen()));
            r.onClose(() -> {
                throw new IllegalStateException("an action that fails does not stop the next");
            });
            r.onClose(() -> ran.add("third, memory still shared: " + view.getLong(0)));
            r.putLong(0, 99);
            r.close();
            assertEquals(List.of("first, region open: false", "third, memory still shared: 99"), ran);
            assertEquals(0, view.getLong(0), "after the actions, the mapping went: the view reads the placeholder");
            assertThrows(IllegalStateException.class, () -> r.onClose(() -> ran.add("late")));
            r.close();
            assertEquals(2, ran.size(), "close runs the actions once");
        }
    }
}
