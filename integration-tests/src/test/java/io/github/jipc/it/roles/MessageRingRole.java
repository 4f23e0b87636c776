package io.github.jipc.it.roles;

import java.nio.ByteBuffer;
import java.time.Duration;

import io.github.jipc.MessageRing;
import io.github.jipc.RingConsumer;
import io.github.jipc.RingProducer;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;

/**
 * The JVM side of the message ring: the same verbs and messages as the C peer
 * {@code ring_peer}. A message is a 64-bit tag (producer id &lt;&lt; 40 |
 * sequence), then bytes derived from it; its length, 8 to max, too.
 *
 * <p>Usage:
 * <pre>
 * MessageRingRole produce &lt;shm&gt; &lt;offset&gt; &lt;count&gt; &lt;max&gt; &lt;id&gt;   count messages, waiting for room
 * MessageRingRole consume &lt;shm&gt; &lt;offset&gt; &lt;count&gt; &lt;producers&gt; &lt;max&gt;   take the consumer role, READY,
 *                                   check count messages: RESULT received=&lt;n&gt; bad=&lt;n&gt;
 * MessageRingRole claim-hang &lt;shm&gt; &lt;offset&gt; &lt;length&gt;   claim, READY, sleep until killed
 * MessageRingRole consumer-hold &lt;shm&gt; &lt;offset&gt;   take the consumer role, READY, sleep until killed
 * </pre>
 */
public final class MessageRingRole {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private MessageRingRole() {}

    /** The length of the message of tag, 8 to max bytes: the same function as ring_peer's. */
    public static int lengthOf(long tag, int max) {
        long x = tag * 0x9E3779B97F4A7C15L;
        return Math.max(8, (int) ((x >>> 33) % (max + 1)));
    }

    /** Writes the message of tag at at. */
    public static void fill(ByteBuffer b, int at, long tag, int n) {
        b.putLong(at, tag);
        for (int i = 8; i < n; i++) {
            b.put(at + i, (byte) (tag + i));
        }
    }

    /** Whether the n bytes at at are the message of tag. */
    public static boolean holds(ByteBuffer b, int at, long tag, int n) {
        if (n < 8 || b.getLong(at) != tag) {
            return false;
        }
        for (int i = 8; i < n; i++) {
            if (b.get(at + i) != (byte) (tag + i)) {
                return false;
            }
        }
        return true;
    }

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 3) {
                throw new IllegalArgumentException("missing verb, shared memory name or offset");
            }
            try (SharedMemory shm = SharedMemory.open(a[1]); SharedRegion r = shm.map()) {
                MessageRing ring = MessageRing.open(r, Role.longArg(a, 2, "offset"));
                switch (a[0]) {
                    case "produce" -> produce(ring, Role.longArg(a, 3, "count"), Role.intArg(a, 4, "max"),
                            Role.longArg(a, 5, "id"));
                    case "consume" -> consume(ring, Role.longArg(a, 3, "count"), Role.intArg(a, 4, "producers"),
                            Role.intArg(a, 5, "max"));
                    case "claim-hang" -> {
                        RingProducer p = ring.producer();
                        int at = p.tryClaim(Role.intArg(a, 3, "length"));
                        if (at < 0) {
                            throw new IllegalStateException("the ring is full");
                        }
                        Role.say("READY pid=" + ProcessHandle.current().pid() + " claimed=" + a[3]);
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    case "consumer-hold" -> {
                        RingConsumer c = ring.consumer();
                        Role.ready();
                        Thread.sleep(Long.MAX_VALUE);
                        c.close();
                    }
                    default -> throw new IllegalArgumentException("unknown verb " + a[0]);
                }
            }
        });
    }

    private static void produce(MessageRing ring, long count, int max, long id) throws Exception {
        try (RingProducer p = ring.producer()) {
            ByteBuffer b = p.buffer();
            for (long s = 0; s < count; s++) {
                long tag = id << 40 | s;
                int n = lengthOf(tag, max);
                int at = p.claim(n, TIMEOUT);
                if (at < 0) {
                    throw new IllegalStateException("no room for message " + s + " within " + TIMEOUT);
                }
                fill(b, at, tag, n);
                p.commit();
            }
        }
        Role.say("RESULT sent=" + count);
    }

    private static void consume(MessageRing ring, long count, int producers, int max) throws Exception {
        long bad = 0;
        try (RingConsumer c = ring.consumer()) {
            long[] next = new long[producers];
            ByteBuffer b = c.buffer();
            Role.ready();
            for (long got = 0; got < count; got++) {
                int at = c.read(TIMEOUT);
                if (at < 0) {
                    throw new IllegalStateException("message " + got + " did not come within " + TIMEOUT);
                }
                int n = c.length();
                long tag = n >= 8 ? b.getLong(at) : -1;
                int id = (int) (tag >>> 40);
                if (tag >= 0 && id < producers && (tag & ((1L << 40) - 1)) == next[id] && n == lengthOf(tag, max)
                        && holds(b, at, tag, n)) {
                    next[id]++;
                } else if (bad++ < 5) {
                    System.err.println("message " + got + ": tag " + Long.toHexString(tag) + " length " + n + " is wrong");
                }
                c.release();
            }
        }
        Role.say("RESULT received=" + count + " bad=" + bad);
    }
}
