package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.jipc.MessageRing;
import io.github.jipc.NoConsumerException;
import io.github.jipc.RingConsumer;
import io.github.jipc.RingKind;
import io.github.jipc.RingProducer;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.harness.Launch;
import io.github.jipc.it.roles.MessageRingRole;

/**
 * A {@link MessageRing} in POSIX shared memory between this JVM and another
 * JVM or the C peer {@code ring_peer} (jipc_ring*.c): a million messages of
 * random sizes each way, every one checked (tag order per producer, length,
 * every byte); three producer processes into one ring; a producer killed
 * mid-claim; a consumer killed while a producer waits for room.
 */
class MessageRingBetweenProcessesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final int MILLION = 1_000_000;
    private static final int MAX = 512;
    private static final int CAPACITY = 1 << 18;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private interface Body {
        void run(String name, MessageRing ring) throws Exception;
    }

    private static void withRing(String label, RingKind kind, int capacity, int max, Body body) throws Exception {
        String name = "/" + Names.PREFIX + "ring-" + label;
        long size = (MessageRing.size(capacity) + 4095) & -4096L;
        try (SharedMemory shm = SharedMemory.createExclusive(name, size, Harness.OWNER_RW); SharedRegion r = shm.map()) {
            body.run(name, MessageRing.create(r, 0, kind, capacity, max));
        } finally {
            SharedMemory.unlink(name);
        }
    }

    private static Launch consumer(boolean c, String name, long count, int producers) {
        return c ? harness.peer("ring_peer", "consume", name, 0, count, producers, MAX)
                : harness.java(MessageRingRole.class, "consume", name, 0, count, producers, MAX);
    }

    private static Launch producer(boolean c, String name, long count, int id) {
        return c ? harness.peer("ring_peer", "produce", name, 0, count, MAX, id)
                : harness.java(MessageRingRole.class, "produce", name, 0, count, MAX, id);
    }

    private static void produce(MessageRing ring, long count, long id) throws Exception {
        try (RingProducer p = ring.producer()) {
            ByteBuffer b = p.buffer();
            for (long s = 0; s < count; s++) {
                long tag = id << 40 | s;
                int n = MessageRingRole.lengthOf(tag, MAX);
                int at = p.claim(n, WAIT);
                assertTrue(at >= 0, "no room for message " + s + " within " + WAIT);
                MessageRingRole.fill(b, at, tag, n);
                p.commit();
            }
        }
    }

    /** Reads count messages from producers 0..producers-1, checking each; fails naming child's output. */
    private static void consume(RingConsumer c, long count, int producers, List<Child> children) throws Exception {
        long[] next = new long[producers];
        ByteBuffer b = c.buffer();
        for (long got = 0; got < count; got++) {
            int at = c.read(WAIT);
            long seen = got;
            assertTrue(at >= 0, () -> "message " + seen + " did not come within " + WAIT + "\n" + reports(children));
            int n = c.length();
            long tag = b.getLong(at);
            int id = (int) (tag >>> 40);
            assertTrue(id >= 0 && id < producers, "producer id of tag " + Long.toHexString(tag));
            assertEquals(next[id], tag & ((1L << 40) - 1), "the order of producer " + id);
            assertEquals(MessageRingRole.lengthOf(tag, MAX), n, "length of " + Long.toHexString(tag));
            assertTrue(MessageRingRole.holds(b, at, tag, n), "message " + Long.toHexString(tag) + " is torn");
            next[id]++;
            c.release();
        }
        assertEquals(-1, c.poll(), "no message beyond the count");
    }

    private static String reports(List<Child> children) {
        StringBuilder s = new StringBuilder();
        children.forEach(ch -> s.append(ch.report()).append('\n'));
        return s.toString();
    }

    @ParameterizedTest(name = "to a {0} consumer")
    @ValueSource(strings = { "jvm", "c" })
    void aMillionMessagesFromThisJvm(String peer) throws Exception {
        withRing("to-" + peer, RingKind.SINGLE_PRODUCER, CAPACITY, MAX, (name, ring) -> {
            Child child = consumer(peer.equals("c"), name, MILLION, 1).start();
            child.awaitLine("READY");
            long t0 = System.nanoTime();
            produce(ring, MILLION, 0);
            assertEquals("received=" + MILLION + " bad=0", child.awaitLine("RESULT"));
            child.assertExit(0);
            System.out.printf("ring: %,d messages to a %s consumer in %d ms%n", MILLION, peer,
                    (System.nanoTime() - t0) / 1_000_000);
        });
    }

    @ParameterizedTest(name = "from a {0} producer")
    @ValueSource(strings = { "jvm", "c" })
    void aMillionMessagesIntoThisJvm(String peer) throws Exception {
        withRing("from-" + peer, RingKind.SINGLE_PRODUCER, CAPACITY, MAX, (name, ring) -> {
            try (RingConsumer c = ring.consumer()) {
                Child child = producer(peer.equals("c"), name, MILLION, 0).start();
                consume(c, MILLION, 1, List.of(child));
                assertEquals("sent=" + MILLION, child.awaitLine("RESULT"));
                child.assertExit(0);
            }
        });
    }

    @Test
    void threeProducerProcesses() throws Exception {
        int each = 200_000;
        withRing("mpsc", RingKind.MULTI_PRODUCER, 1 << 16, MAX, (name, ring) -> {
            try (RingConsumer c = ring.consumer()) {
                List<Child> children = new ArrayList<>();
                children.add(producer(true, name, each, 0).start());
                children.add(producer(false, name, each, 1).start());
                children.add(producer(true, name, each, 2).start());
                consume(c, 3L * each, 3, children);
                for (Child ch : children) {
                    assertEquals("sent=" + each, ch.awaitLine("RESULT"));
                    ch.assertExit(0);
                }
            }
        });
    }

    @ParameterizedTest(name = "a {0} producer")
    @ValueSource(strings = { "jvm", "c" })
    void aProducerKilledMidClaimIsSkipped(String peer) throws Exception {
        withRing("dead-claim-" + peer, RingKind.MULTI_PRODUCER, 1 << 12, MAX, (name, ring) -> {
            try (RingConsumer c = ring.consumer(); RingProducer p = ring.producer()) {
                Child child = (peer.equals("c") ? harness.peer("ring_peer", "claim-hang", name, 0, 100)
                        : harness.java(MessageRingRole.class, "claim-hang", name, 0, 100)).start();
                child.awaitLine("READY");
                p.offer("after the dead claim".getBytes(), 0, 20);
                assertEquals(-1, c.read(Duration.ofMillis(200)), "the live claim holds the ring");
                child.kill();
                child.assertKilled();
                int at = c.read(WAIT);
                assertTrue(at >= 0, "the dead claim was skipped");
                byte[] got = new byte[c.length()];
                c.buffer().get(at, got);
                assertEquals("after the dead claim", new String(got));
                c.release();
                p.offer(new byte[] { 1, 2, 3 }, 0, 3);
                assertTrue(c.read(WAIT) >= 0, "the ring goes on");
                assertEquals(3, c.length());
                c.release();
            }
        });
    }

    /**
     * A C producer stopped exactly between its compare-and-set of tail and its record header (a
     * test hook compiled into the peer only), while a JVM and a C producer keep sending: the ring
     * waits while it lives, and once it is killed the consumer sizes its claim from its intent,
     * skips it, and every other message arrives whole and in order.
     */
    @Test
    void aProducerKilledRightAfterItsTailSwapIsSkipped() throws Exception {
        int each = 20_000;
        withRing("dead-swap", RingKind.MULTI_PRODUCER, 1 << 12, MAX, (name, ring) -> {
            try (RingConsumer c = ring.consumer()) {
                Child stopped = harness.peer("ring_peer", "swap-hang", name, 0, 300).start();
                stopped.awaitLine("READY");
                List<Child> children = new ArrayList<>();
                children.add(producer(true, name, each, 1).start());
                java.util.concurrent.FutureTask<Void> local = new java.util.concurrent.FutureTask<>(() -> {
                    produce(ring, each, 0);
                    return null;
                });
                Thread t = new Thread(local, "ring-producer");
                t.setDaemon(true);
                t.start();
                assertEquals(-1, c.read(Duration.ofMillis(300)), "the stopped claimer lives: the ring waits for it");
                stopped.kill();
                stopped.assertKilled();
                consume(c, 2L * each, 2, children);
                local.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertEquals("sent=" + each, children.get(0).awaitLine("RESULT"));
                children.get(0).assertExit(0);
            }
        });
    }

    @ParameterizedTest(name = "a {0} consumer")
    @ValueSource(strings = { "jvm", "c" })
    void aKilledConsumerIsSeenByAWaitingProducer(String peer) throws Exception {
        withRing("dead-consumer-" + peer, RingKind.SINGLE_PRODUCER, 1 << 12, MAX, (name, ring) -> {
            Child child = (peer.equals("c") ? harness.peer("ring_peer", "consumer-hold", name, 0)
                    : harness.java(MessageRingRole.class, "consumer-hold", name, 0)).start();
            child.awaitLine("READY");
            try (RingProducer p = ring.producer(Duration.ZERO)) {
                while (p.tryOffer(new byte[MAX], 0, MAX)) {
                    // fill the ring
                }
                CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                    try {
                        return p.claim(MAX);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                Thread.sleep(100);
                assertTrue(!blocked.isDone(), "the producer waits while the consumer lives");
                long t0 = System.nanoTime();
                child.kill();
                child.assertKilled();
                ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
                assertInstanceOf(NoConsumerException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("no longer runs"), e.getCause().getMessage());
                System.out.printf("ring: the producer saw the consumer's death after %d ms%n",
                        (System.nanoTime() - t0) / 1_000_000);
                assertThrows(NoConsumerException.class, () -> p.offer(ByteBuffer.allocate(MAX)));
            }
        });
    }

    /** User + system CPU of a process in clock ticks (proc(5): /proc/pid/stat fields 14 and 15, USER_HZ 100). */
    private static long cpuTicks(long pid) throws java.io.IOException {
        String stat = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/stat")));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void anIdleConsumerSleepsWithoutCpu() throws Exception {
        withRing("idle", RingKind.SINGLE_PRODUCER, 1 << 12, MAX, (name, ring) -> {
            Child child = consumer(true, name, 1, 1).start();
            child.awaitLine("READY");
            Thread.sleep(100); // past its spin: asleep on the futex word
            long before = cpuTicks(child.pid());
            Thread.sleep(1000);
            long c = cpuTicks(child.pid()) - before;
            assertEquals(1, ring.region().getIntVolatile(io.github.jipc.RingLayout.OFF_CONSUMER_SLEEPING), "the C consumer sleeps");
            assertTrue(c <= 1, "the idle C consumer used " + c + " ticks (10 ms each) of CPU in 1 s");
            produce(ring, 1, 0);
            assertEquals("received=1 bad=0", child.awaitLine("RESULT"));
            child.assertExit(0);
        });
        withRing("idle-jvm", RingKind.SINGLE_PRODUCER, 1 << 12, MAX, (name, ring) -> {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            try (RingConsumer c = ring.consumer()) {
                c.read(Duration.ofMillis(10));
                long cpu = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                assertEquals(-1, c.read(Duration.ofSeconds(1)));
                long wall = System.nanoTime() - t0;
                long used = threads.getCurrentThreadCpuTime() - cpu;
                System.out.printf("ring: an idle JVM consumer used %.3f ms of CPU in %d ms%n", used / 1e6, wall / 1_000_000);
                assertTrue(used < wall / 100, used + " ns of CPU in " + wall + " ns: 1 % or more");
            }
        });
    }
}
