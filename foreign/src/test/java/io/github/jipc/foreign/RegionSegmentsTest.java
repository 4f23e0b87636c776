package io.github.jipc.foreign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.jipc.MapOption;
import io.github.jipc.MemoryFile;
import io.github.jipc.SharedRegion;

class RegionSegmentsTest {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    @Test
    void theSegmentIsTheRegionsMemory() throws Exception {
        try (MemoryFile f = MemoryFile.create("jipc-segment-test", 8192); SharedRegion r = f.map()) {
            MemorySegment s = RegionSegments.of(r);
            assertEquals(r.size(), s.byteSize());
            r.putLong(64, 42);
            assertEquals(42, s.get(LONG, 64));
            s.set(LONG, 128, 7);
            assertEquals(7, r.getLong(128));
            // Another mapping of the same memory file sees it too: offsets, not addresses, are shared.
            try (SharedRegion other = f.map()) {
                assertEquals(7, RegionSegments.of(other).get(LONG, 128));
            }
        }
    }

    @Test
    void useAfterCloseThrowsInsteadOfReachingThePlaceholder() throws Exception {
        try (MemoryFile f = MemoryFile.create("jipc-segment-test", 4096)) {
            SharedRegion r = f.map();
            MemorySegment s = RegionSegments.of(r);
            s.set(LONG, 0, 1);
            r.close();
            assertFalse(s.scope().isAlive());
            assertThrows(IllegalStateException.class, () -> s.get(LONG, 0));
            assertThrows(IllegalStateException.class, () -> s.set(LONG, 0, 2));
            assertThrows(IllegalStateException.class, () -> RegionSegments.of(r));
        }
    }

    @Test
    void aReadOnlyRegionGivesAReadOnlySegment() throws Exception {
        try (MemoryFile f = MemoryFile.create("jipc-segment-test", 4096); SharedRegion r = f.map(MapOption.READ_ONLY)) {
            MemorySegment s = RegionSegments.of(r);
            assertTrue(s.isReadOnly());
            assertThrows(IllegalArgumentException.class, () -> s.set(LONG, 0, 1)); // "Attempt to write a read-only segment"
        }
    }

    /** Threads hammer the segment while another closes the region: each ends with IllegalStateException, the JVM lives. */
    @Test
    @Timeout(120)
    void closeRacingAccessesNeverCrashes() throws Exception {
        int threads = 3;
        for (int trial = 0; trial < 200; trial++) {
            try (MemoryFile f = MemoryFile.create("jipc-segment-race", 4096)) {
                SharedRegion r = f.map();
                MemorySegment s = RegionSegments.of(r);
                CountDownLatch started = new CountDownLatch(threads);
                AtomicInteger stopped = new AtomicInteger();
                List<Thread> all = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread th = new Thread(() -> {
                        started.countDown();
                        try {
                            for (long i = 0;; i++) {
                                s.set(LONG, (i % 512) * 8, i);
                                s.get(LONG, ((i + 1) % 512) * 8);
                            }
                        } catch (IllegalStateException e) {
                            stopped.incrementAndGet();
                        }
                    });
                    th.start();
                    all.add(th);
                }
                assertTrue(started.await(10, TimeUnit.SECONDS));
                r.close();
                for (Thread th : all) {
                    th.join(10_000);
                    assertFalse(th.isAlive());
                }
                assertEquals(threads, stopped.get(), "trial " + trial);
            }
        }
    }
}
