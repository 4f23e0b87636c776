package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MessageRing#status}: a ring's header read without a role, on writable and read-only maps. */
@Timeout(60)
class RingStatusTest {
    private MemoryFile memory;
    private SharedRegion region;

    @BeforeEach
    void map() throws IOException {
        memory = MemoryFile.create(ShmLeaks.PREFIX + "ring-status", 1 << 16);
        region = memory.map();
    }

    @AfterEach
    void unmap() {
        region.close();
        memory.close();
    }

    @Test
    void aRingIsDescribedByItsHeaderOnAReadOnlyMapToo() throws Exception {
        assertEquals(Optional.empty(), MessageRing.status(region, 0), "zeroed memory holds no ring");
        MessageRing.create(region, 128, RingKind.MULTI_PRODUCER, 4096, 1000);
        assertEquals(Optional.empty(), MessageRing.status(region, 0));
        try (SharedRegion ro = memory.map(MapOption.READ_ONLY)) {
            RingStatus s = MessageRing.status(ro, 128).orElseThrow();
            assertEquals(RingKind.MULTI_PRODUCER, s.kind());
            assertEquals(4096, s.capacity());
            assertEquals(1000, s.maxMessage());
            assertEquals(RingStatus.Consumer.NONE, s.consumer());
            assertEquals(-1, s.consumerPid());
            assertTrue(s.toString().contains("consumer none yet"), s.toString());
        }
    }

    @Test
    void theConsumerWordSaysWhoConsumes() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 100);
        try (RingConsumer c = ring.consumer()) {
            RingStatus s = MessageRing.status(region, 0).orElseThrow();
            assertEquals(RingKind.SINGLE_PRODUCER, s.kind());
            assertEquals(RingStatus.Consumer.ATTACHED, s.consumer());
            assertEquals(ProcessHandle.current().pid(), s.consumerPid());
            assertTrue(c.isOpen());
        }
        assertEquals(RingStatus.Consumer.LEFT, MessageRing.status(region, 0).orElseThrow().consumer());

        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        region.putLongVolatile(RingLayout.OFF_CONSUMER, p.pid());
        RingStatus dead = MessageRing.status(region, 0).orElseThrow();
        assertEquals(RingStatus.Consumer.DEAD, dead.consumer());
        assertEquals(p.pid(), dead.consumerPid());
        assertTrue(dead.toString().contains("no longer running"), dead.toString());
    }

    @Test
    void anInvalidOrCutHeaderIsNoRing() throws Exception {
        MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        region.putInt(RingLayout.OFF_VERSION, RingLayout.VERSION + 1);
        assertEquals(Optional.empty(), MessageRing.status(region, 0), "another version");
        region.putInt(RingLayout.OFF_VERSION, RingLayout.VERSION);
        region.putInt(RingLayout.OFF_CAPACITY, 3000);
        assertEquals(Optional.empty(), MessageRing.status(region, 0), "no power of two");
        region.putInt(RingLayout.OFF_CAPACITY, 1 << 20);
        assertEquals(Optional.empty(), MessageRing.status(region, 0), "a data area past the region's end");
        assertEquals(Optional.empty(), MessageRing.status(region, region.size() - 128), "no room for a header");
    }

    @Test
    void misuseIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> MessageRing.status(region, 64));
        assertThrows(IndexOutOfBoundsException.class, () -> MessageRing.status(region, -128));
        assertThrows(NullPointerException.class, () -> MessageRing.status(null, 0));
        try (MemoryFile other = MemoryFile.create(ShmLeaks.PREFIX + "ring-status-closed", 1 << 14)) {
            SharedRegion closed = other.map();
            closed.close();
            assertThrows(IllegalStateException.class, () -> MessageRing.status(closed, 0));
        }
    }
}
