package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MessageRingTest {
    private static final String LABEL = ShmLeaks.PREFIX + "ring";
    private static final Duration LONG = Duration.ofSeconds(20);

    private MemoryFile memory;
    private SharedRegion region;
    private ExecutorService pool;

    @BeforeEach
    void map() throws IOException {
        memory = MemoryFile.create(LABEL, 1 << 20);
        region = memory.map();
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ring-test");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void unmap() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        region.close();
        memory.close();
    }

    private <T> Future<T> async(Callable<T> task) {
        return pool.submit(task);
    }

    /** The length of message seq of a stream, 8 to max bytes. */
    static int lengthOf(long seq, int max) {
        long x = seq * 0x9E3779B97F4A7C15L;
        return Math.max(8, (int) ((x >>> 33) % (max + 1)));
    }

    static void fill(ByteBuffer b, int at, long seq, int n) {
        b.putLong(at, seq);
        for (int i = 8; i < n; i++) {
            b.put(at + i, (byte) (seq + i));
        }
    }

    static void check(ByteBuffer b, int at, long seq, int n) {
        assertEquals(seq, b.getLong(at), "sequence");
        for (int i = 8; i < n; i++) {
            if (b.get(at + i) != (byte) (seq + i)) {
                throw new AssertionError("message " + seq + " is torn at byte " + i);
            }
        }
    }

    /**
     * A claim that must wrap writes padding to the ring's end, which only the
     * consumer's skipping frees: a sleeping consumer is woken for it (it used
     * to sleep on, waiting for a commit, while the producer waited for room).
     */
    @Test
    void aSleepingConsumerIsWokenForPaddingThatAWrappingClaimWrites() throws Exception {
        for (RingKind kind : RingKind.values()) {
            MessageRing ring = MessageRing.create(region, 0, kind, 4096, 3500);
            try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer(Duration.ZERO)) {
                p.offer(ByteBuffer.allocate(2000));
                assertEquals(2000, c.receive(ByteBuffer.allocate(3500), LONG)); // the head is past the middle now
                Future<Integer> got = async(() -> c.receive(ByteBuffer.allocate(3500), LONG)); // sleeps at once
                Thread.sleep(50);
                long t0 = System.nanoTime();
                assertTrue(p.offer(ByteBuffer.allocate(3000), Duration.ofSeconds(10)), kind + ": room once padding is skipped");
                assertEquals(3000, got.get(10, TimeUnit.SECONDS), kind.toString());
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, kind + ": woken, not timed out");
            }
        }
    }

    @Test
    void layoutComesFromTheCHeader() {
        assertEquals(2, RingLayout.VERSION);
        assertEquals(2688, RingLayout.HEADER_LENGTH);
        assertEquals(640, RingLayout.OFF_PRODUCERS);
        assertEquals(32, RingLayout.PRODUCER_SLOTS);
        assertEquals(64, RingLayout.SLOT_LENGTH);
        assertEquals(128, RingLayout.ALIGNMENT);
        assertEquals(16, RingLayout.RECORD_HEADER);
        assertEquals(0x4A524E47, RingLayout.MAGIC);
        assertEquals(Integer.MIN_VALUE, RingLayout.PADDING);
        assertEquals(16, RingLayout.recordLength(0));
        assertEquals(32, RingLayout.recordLength(1));
        assertEquals(32, RingLayout.recordLength(16));
        assertEquals(2688 + 4096, MessageRing.size(4096));
    }

    @Test
    void createAndOpenCheckTheirArguments() {
        assertThrows(IllegalArgumentException.class, () -> MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1000, 100));
        assertThrows(IllegalArgumentException.class, () -> MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 64, 10));
        assertThrows(IllegalArgumentException.class, () -> MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 0));
        assertThrows(IllegalArgumentException.class, () -> MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 4081));
        assertThrows(IllegalArgumentException.class, () -> MessageRing.create(region, 64, RingKind.SINGLE_PRODUCER, 4096, 100));
        assertThrows(IndexOutOfBoundsException.class,
                () -> MessageRing.create(region, region.size() - 1024, RingKind.SINGLE_PRODUCER, 4096, 100));
        assertThrows(NullPointerException.class, () -> MessageRing.create(region, 0, null, 4096, 100));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> MessageRing.open(region, 0));
        assertTrue(none.getMessage().contains("no message ring"), none.getMessage());
        MessageRing r = MessageRing.create(region, 128, RingKind.MULTI_PRODUCER, 4096, 4080);
        MessageRing o = MessageRing.open(region, 128);
        assertEquals(RingKind.MULTI_PRODUCER, o.kind());
        assertEquals(4096, o.capacity());
        assertEquals(4080, o.maxMessage());
        assertEquals(128, o.offset());
        assertTrue(o.region() == region);
        assertTrue(r.toString().contains("4096"));
    }

    @Test
    void readOnlyRegionsAreRefused() throws IOException {
        MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        try (SharedRegion ro = memory.map(MapOption.READ_ONLY)) {
            assertThrows(ReadOnlyBufferException.class, () -> MessageRing.open(ro, 0));
        }
    }

    @Test
    void messagesKeepOrderAcrossWrapsInPlace() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 1000);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer()) {
            assertEquals(-1, c.poll());
            long written = 0;
            long read = 0;
            while (read < 200) {
                int at;
                while ((at = p.tryClaim(lengthOf(written, 1000))) >= 0) {
                    fill(p.buffer(), at, written, lengthOf(written, 1000));
                    p.commit();
                    written++;
                }
                assertTrue(written > read);
                while ((at = c.poll()) >= 0) {
                    assertEquals(lengthOf(read, 1000), c.length());
                    check(c.buffer(), at, read, c.length());
                    c.release();
                    read++;
                }
            }
            assertEquals(written, read);
            int at = p.claim(0);
            p.commit();
            assertEquals(at, c.read(LONG));
            assertEquals(0, c.length());
            c.release();
        }
    }

    @Test
    void aMillionRandomMessagesBetweenThreads() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1 << 16, 2000);
        final long n = 300_000;
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer()) {
            Future<Void> producer = async(() -> {
                for (long s = 0; s < n; s++) {
                    int len = lengthOf(s, 2000);
                    int at = p.claim(len);
                    fill(p.buffer(), at, s, len);
                    p.commit();
                }
                return null;
            });
            for (long s = 0; s < n; s++) {
                int at = c.read(LONG);
                assertTrue(at >= 0, "message " + s + " came");
                assertEquals(lengthOf(s, 2000), c.length());
                check(c.buffer(), at, s, c.length());
                c.release();
            }
            producer.get(20, TimeUnit.SECONDS);
            assertEquals(-1, c.poll());
        }
    }

    @Test
    void copyingForms() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer()) {
            ByteBuffer src = ByteBuffer.wrap("hello ring".getBytes());
            assertTrue(p.tryOffer(src));
            assertEquals(0, src.remaining());
            p.offer("second".getBytes(), 0, 6);
            assertTrue(p.tryOffer("third!".getBytes(), 0, 5));
            assertTrue(p.offer(ByteBuffer.allocateDirect(3), Duration.ofSeconds(1)));
            p.offer(ByteBuffer.wrap(new byte[0]));
            ByteBuffer small = ByteBuffer.allocate(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.tryReceive(small));
            assertTrue(e.getMessage().contains("10 bytes"), e.getMessage());
            ByteBuffer dst = ByteBuffer.allocate(100);
            assertEquals(10, c.tryReceive(dst));
            assertArrayEquals("hello ring".getBytes(), java.util.Arrays.copyOf(dst.array(), dst.position()));
            dst.clear();
            assertEquals(6, c.receive(dst));
            assertEquals("second", new String(dst.array(), 0, 6));
            dst.clear();
            assertEquals(5, c.receive(dst, LONG));
            assertEquals("third", new String(dst.array(), 0, 5));
            ByteBuffer direct = ByteBuffer.allocateDirect(10);
            assertEquals(3, c.receive(direct));
            assertEquals(0, c.receive(direct));
            assertEquals(-1, c.tryReceive(dst));
            assertEquals(-1, c.receive(dst, Duration.ofMillis(10)));
            assertThrows(IllegalArgumentException.class, () -> p.tryOffer(ByteBuffer.allocate(101)));
        }
    }

    @Test
    void aFullRingReportsOrWaits() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        try (RingProducer p = ring.producer(Duration.ofMillis(1)); RingConsumer c = ring.consumer()) {
            int sent = 0;
            while (p.tryOffer(new byte[200], 0, 200)) {
                sent++;
            }
            assertEquals(4, sent); // 4 records of 224 bytes in 1024
            assertEquals(-1, p.tryClaim(200));
            assertFalse(p.tryOffer(ByteBuffer.allocate(200)));
            long t0 = System.nanoTime();
            assertEquals(-1, p.claim(200, Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - t0 >= 45_000_000L);
            assertFalse(p.offer(ByteBuffer.allocate(200), Duration.ZERO));
            Future<Integer> blocked = async(() -> p.claim(200));
            Thread.sleep(50);
            assertFalse(blocked.isDone());
            assertEquals(1, region.getIntVolatile(RingLayout.OFF_PRODUCERS_WAITING), "the producer sleeps");
            assertTrue(c.read() >= 0);
            c.release();
            assertTrue(blocked.get(10, TimeUnit.SECONDS) >= 0);
            p.commit();
        }
    }

    @Test
    void aSleepingConsumerIsWokenByACommit() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer(Duration.ZERO)) {
            long t0 = System.nanoTime();
            assertEquals(-1, c.read(Duration.ofMillis(30)));
            assertTrue(System.nanoTime() - t0 >= 25_000_000L);
            assertEquals(0, region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING));
            Future<Integer> reader = async(() -> {
                int at = c.read();
                int n = c.length();
                c.release();
                return at < 0 ? -1 : n;
            });
            while (region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING) == 0) {
                Thread.sleep(1);
            }
            Thread.sleep(20);
            p.offer("wake".getBytes(), 0, 4);
            assertEquals(4, reader.get(10, TimeUnit.SECONDS));
            assertEquals(0, region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING));
        }
    }

    @Test
    void spinningForeverNeverSleeps() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer(ChronoUnit.FOREVER.getDuration())) {
            Future<Integer> reader = async(() -> {
                int at = c.read(LONG);
                c.release();
                return at;
            });
            Thread.sleep(50);
            assertEquals(0, region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING));
            p.offer(new byte[8], 0, 8);
            assertTrue(reader.get(10, TimeUnit.SECONDS) >= 0);
        }
    }

    @Test
    void closeWakesASleepingConsumerAndABlockedProducer() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        RingConsumer c = ring.consumer(Duration.ZERO);
        Future<Integer> reader = async(c::read);
        while (region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING) == 0) {
            Thread.sleep(1);
        }
        c.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
        assertInstanceOf(AsynchronousCloseException.class, e.getCause());
        assertThrows(IllegalStateException.class, c::poll);

        try (RingConsumer c2 = ring.consumer()) {
            RingProducer p = ring.producer(Duration.ZERO);
            while (p.tryOffer(new byte[200], 0, 200)) {
                // fill it
            }
            Future<Integer> writer = async(() -> p.claim(200));
            while (region.getIntVolatile(RingLayout.OFF_PRODUCERS_WAITING) == 0) {
                Thread.sleep(1);
            }
            p.close();
            e = assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            assertThrows(IllegalStateException.class, () -> p.tryClaim(1));
            assertTrue(c2.poll() >= 0);
            c2.release();
        }
    }

    @Test
    void closingTheRegionWakesTheRing() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        RingConsumer c = ring.consumer(Duration.ZERO);
        Future<Integer> reader = async(c::read);
        while (region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING) == 0) {
            Thread.sleep(1);
        }
        region.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
        assertInstanceOf(AsynchronousCloseException.class, e.getCause());
        assertFalse(c.isOpen());
    }

    @Test
    void anInterruptClosesTheHandle() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        RingConsumer c = ring.consumer(Duration.ZERO);
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<Integer> reader = async(() -> {
            thread.set(Thread.currentThread());
            return c.read();
        });
        while (region.getIntVolatile(RingLayout.OFF_CONSUMER_SLEEPING) == 0) {
            Thread.sleep(1);
        }
        thread.get().interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ClosedByInterruptException.class, e.getCause());
        assertFalse(c.isOpen());
    }

    /** A read-only buffer is refused before the message is taken: it stays in the ring, not held out of reach. */
    @Test
    void aReadOnlyBufferLeavesTheMessageInTheRing() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer()) {
            p.offer(ByteBuffer.wrap(new byte[] { 7, 8, 9 }));
            ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();
            assertThrows(IllegalArgumentException.class, () -> c.receive(readOnly, LONG));
            assertThrows(IllegalArgumentException.class, () -> c.tryReceive(readOnly));
            assertThrows(IllegalArgumentException.class, () -> c.receive(readOnly));
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertEquals(3, c.tryReceive(dst), "the message is still there, and nothing is held");
            assertEquals(9, dst.get(2));
        }
    }

    /** A spin without end (ChronoUnit.FOREVER) sees an interrupt too, on both sides (it used to spin on). */
    @Test
    void anInterruptEndsASpinWithoutEnd() throws Exception {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        try (RingConsumer c = ring.consumer(forever)) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            Future<Integer> reader = async(() -> {
                thread.set(Thread.currentThread());
                return c.receive(ByteBuffer.allocate(200), LONG);
            });
            while (thread.get() == null) {
                Thread.sleep(1);
            }
            Thread.sleep(50); // spinning now
            thread.get().interrupt();
            ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertFalse(c.isOpen());
        }
        MessageRing full = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        try (RingConsumer c = full.consumer(); RingProducer p = full.producer(forever)) {
            while (p.tryOffer(ByteBuffer.allocate(200))) {
                // fill it
            }
            AtomicReference<Thread> thread = new AtomicReference<>();
            Future<Boolean> writer = async(() -> {
                thread.set(Thread.currentThread());
                return p.offer(ByteBuffer.allocate(200), LONG);
            });
            while (thread.get() == null) {
                Thread.sleep(1);
            }
            Thread.sleep(50);
            thread.get().interrupt();
            ExecutionException e = assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertFalse(p.isOpen());
            assertTrue(c.isOpen(), "the consumer the producer waited on stays");
        }
    }

    @Test
    void misuseIsAClearExceptionAndTheRingStaysWhole() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer()) {
            assertThrows(IllegalStateException.class, p::commit);
            assertThrows(IllegalArgumentException.class, () -> p.tryClaim(101));
            assertThrows(IllegalArgumentException.class, () -> p.claim(-1));
            int at = p.tryClaim(10);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> p.tryClaim(10));
            assertTrue(twice.getMessage().contains("commit()"), twice.getMessage());
            p.buffer().putLong(at, 7);
            p.commit();
            assertThrows(IllegalStateException.class, p::commit);
            assertThrows(IllegalStateException.class, c::release);
            assertThrows(IllegalStateException.class, c::length);
            assertEquals(at, c.poll());
            assertThrows(IllegalStateException.class, c::poll);
            assertThrows(IllegalStateException.class, () -> c.read(LONG));
            assertEquals(7, c.buffer().getLong(at));
            assertThrows(ReadOnlyBufferException.class, () -> c.buffer().putLong(at, 1));
            c.release();
            IllegalStateException release = assertThrows(IllegalStateException.class, c::release);
            assertTrue(release.getMessage().contains("release()"), release.getMessage());
            p.buffer().limit(0); // the caller's view; the ring does not care
            assertTrue(p.tryOffer(new byte[5], 0, 5));
            assertTrue(c.poll() >= 0);
            c.release();
        }
        RingProducer p = ring.producer();
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, () -> p.tryClaim(1));
        assertThrows(IllegalStateException.class, () -> p.offer(ByteBuffer.allocate(1)));
    }

    @Test
    void oneConsumerAtATime() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        try (RingConsumer c = ring.consumer()) {
            IpcException e = assertThrows(IpcException.class, ring::consumer);
            assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
            assertTrue(c.toString().contains("consumer"));
        }
        try (RingConsumer c = ring.consumer()) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void aConsumerThatLeftIsNoConsumer() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 1024, 200);
        try (RingProducer p = ring.producer(Duration.ZERO)) {
            while (p.tryOffer(new byte[200], 0, 200)) {
                // fill it
            }
            assertEquals(-1, p.claim(200, Duration.ofMillis(20)), "no consumer yet: one may come");
            ring.consumer().close();
            NoConsumerException e = assertThrows(NoConsumerException.class, () -> p.claim(200, LONG));
            assertTrue(e.getMessage().contains("left"), e.getMessage());
            try (RingProducer spinner = ring.producer(ChronoUnit.FOREVER.getDuration())) {
                assertThrows(NoConsumerException.class, () -> spinner.claim(200, LONG), "a producer that only spins sees it too");
            }
            RingConsumer c = ring.consumer();
            Future<Integer> blocked = async(() -> p.claim(200));
            Thread.sleep(30);
            c.close();
            ExecutionException x = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
            assertInstanceOf(NoConsumerException.class, x.getCause());
        }
    }

    @Test
    void multipleProducersKeepTheirOwnOrder() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.MULTI_PRODUCER, 8192, 300);
        final int producers = 3;
        final int each = 50_000;
        try (RingConsumer c = ring.consumer()) {
            for (int id = 0; id < producers; id++) {
                int me = id;
                async(() -> {
                    try (RingProducer p = ring.producer()) {
                        for (int i = 0; i < each; i++) {
                            long tag = ((long) me << 32) | i;
                            int len = lengthOf(tag, 300);
                            int at = p.claim(len);
                            fill(p.buffer(), at, tag, len);
                            p.commit();
                        }
                    }
                    return null;
                });
            }
            int[] next = new int[producers];
            for (int got = 0; got < producers * each; got++) {
                int at = c.read(LONG);
                assertTrue(at >= 0);
                long tag = c.buffer().getLong(at);
                int id = (int) (tag >>> 32);
                assertEquals(next[id]++, (int) tag, "producer " + id + "'s order");
                assertEquals(lengthOf(tag, 300), c.length());
                check(c.buffer(), at, tag, c.length());
                c.release();
            }
        }
    }

    @Test
    void anAbandonedClaimIsSkipped() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.MULTI_PRODUCER, 4096, 100);
        try (RingConsumer c = ring.consumer(); RingProducer second = ring.producer()) {
            RingProducer first = ring.producer();
            first.tryClaim(50);
            second.offer("after".getBytes(), 0, 5);
            assertEquals(-1, c.poll(), "a claim in progress holds the ring");
            first.close();
            assertTrue(c.read(LONG) >= 0);
            assertEquals(5, c.length());
            c.release();
        }
    }

    @Test
    void aCorruptHeaderIsAnErrorNotACrash() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, 4096, 100);
        try (RingProducer p = ring.producer(); RingConsumer c = ring.consumer()) {
            p.offer(new byte[10], 0, 10);
            region.putInt(RingLayout.HEADER_LENGTH, 5000);
            IpcException e = assertThrows(IpcException.class, c::poll);
            assertTrue(e.getMessage().contains("EBADMSG"), e.getMessage());
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        return p.pid();
    }

    private int slot(int i) {
        return RingLayout.OFF_PRODUCERS + i * RingLayout.SLOT_LENGTH;
    }

    @Test
    void aMultiProducerClaimAnnouncesItsIntentInItsSlot() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.MULTI_PRODUCER, 4096, 100);
        try (RingProducer p = ring.producer()) {
            long owner = region.getLongVolatile(slot(0) + RingLayout.SLOT_OWNER);
            assertEquals(ProcessHandle.current().pid(), owner & ((1L << RingLayout.PID_BITS) - 1));
            long tail = region.getLongVolatile(RingLayout.OFF_TAIL);
            p.tryClaim(10);
            assertEquals(tail, region.getLongVolatile(slot(0) + RingLayout.SLOT_POSITION));
            assertEquals(RingLayout.recordLength(10), region.getIntVolatile(slot(0) + RingLayout.SLOT_RECORD));
            p.commit();
        }
        assertEquals(0, region.getLongVolatile(slot(0) + RingLayout.SLOT_OWNER), "close gives the slot back");
    }

    @Test
    void aProducerKilledAfterItsTailSwapIsSkippedOnceDead() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.MULTI_PRODUCER, 4096, 100);
        try (RingConsumer c = ring.consumer(); RingProducer p = ring.producer()) {
            for (int round = 0; round < 40; round++) { // wraps the ring several times
                long h = region.getLongVolatile(RingLayout.OFF_TAIL);
                int rec = RingLayout.recordLength(round * 2);
                if ((h & 4095) + rec > 4096) {
                    rec = (int) (4096 - (h & 4095)); // a padding claim
                }
                // What a producer killed right after its compare-and-set of tail leaves: its intent, tail moved.
                int s = slot(RingLayout.PRODUCER_SLOTS - 1);
                region.putLongVolatile(s + RingLayout.SLOT_POSITION, h);
                region.putIntVolatile(s + RingLayout.SLOT_RECORD, rec);
                region.putLongVolatile(s + RingLayout.SLOT_OWNER, ProcessHandle.current().pid());
                region.putLongVolatile(RingLayout.OFF_TAIL, h + rec);
                p.offer(("m" + round).getBytes(), 0, 2 + (round >= 10 ? 1 : 0));
                if (round == 0) {
                    assertEquals(-1, c.read(Duration.ofMillis(50)), "its claimer still runs");
                }
                region.putLongVolatile(s + RingLayout.SLOT_OWNER, deadPid());
                int at = c.read(LONG);
                assertTrue(at >= 0);
                byte[] got = new byte[c.length()];
                c.buffer().get(at, got);
                c.release();
                assertEquals("m" + round, new String(got, java.nio.charset.StandardCharsets.US_ASCII));
            }
            assertEquals(-1, c.poll());
        }
    }

    @Test
    void aMultiProducerRingHoldsAFixedNumberOfProducers() throws Exception {
        MessageRing ring = MessageRing.create(region, 0, RingKind.MULTI_PRODUCER, 4096, 100);
        java.util.List<RingProducer> all = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < RingLayout.PRODUCER_SLOTS; i++) {
                all.add(ring.producer());
            }
            IpcException e = assertThrows(IpcException.class, ring::producer);
            assertTrue(e.getMessage().contains("EUSERS"), e.getMessage());
            all.remove(3).close();
            all.add(ring.producer());
        } finally {
            for (RingProducer p : all) {
                p.close();
            }
        }
    }
}
