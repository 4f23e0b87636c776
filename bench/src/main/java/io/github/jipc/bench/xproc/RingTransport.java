package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.github.jipc.MessageRing;
import io.github.jipc.NoConsumerException;
import io.github.jipc.RingConsumer;
import io.github.jipc.RingKind;
import io.github.jipc.RingProducer;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;

/**
 * jipc's message ring ({@link MessageRing}), in the layout of
 * bench/c/src/xproc_ring.c: requests at 0, replies after them, a 64-bit stop
 * word after both. Zero-copy on every side: a producer claims room and writes
 * the message in place, a reader checks it in place and releases it, the echo
 * copies the request straight into its claim. An empty request ends an echo;
 * the stop word (or the consumer leaving) ends a stream's producer. Two
 * mechanisms of one class:
 * <ul>
 * <li>{@code ring}: each wait spins {@link MessageRing#DEFAULT_SPIN}, then sleeps on the ring's futex word;</li>
 * <li>{@code ring-sleep}: waits never spin, so every message sleeps on the futex word and is woken by
 * the commit: the wake cost, beside {@code futex} (a bare futex hand-off);</li>
 * <li>{@code ring-spin}: waits never sleep; beside Agrona's {@code OneToOneRingBuffer} over a mapped
 * /dev/shm file (the JDK side: what a JVM user has without jipc), waiting with a spin hint and a yield
 * every 64 turns as {@link ShmTransport} does.</li>
 * </ul>
 */
final class RingTransport implements Transport {
    private static final int RTT_CAPACITY = 1 << 16;
    private static final int STREAM_CAPACITY = 1 << 21;
    private static final Duration SLICE = Duration.ofMillis(10);
    private static final int TYPE = 1;
    private static final int STOP_TYPE = 2;

    private final String key;
    /** Waits never sleep. */
    private final boolean spin;
    private final Duration spinTime;
    private final String waits;

    private RingTransport(String key, boolean spin, Duration spinTime, String waits) {
        this.key = key;
        this.spin = spin;
        this.spinTime = spinTime;
        this.waits = waits;
    }

    static RingTransport adaptive() {
        return new RingTransport("ring", false, MessageRing.DEFAULT_SPIN, "spin 100 µs, then futex sleep");
    }

    static RingTransport spinning() {
        return new RingTransport("ring-spin", true, ChronoUnit.FOREVER.getDuration(), "spinning only");
    }

    /** Spin 0: every wait sleeps on the futex word and every message's commit wakes it (the wake cost). */
    static RingTransport sleeping() {
        return new RingTransport("ring-sleep", false, Duration.ZERO, "no spin: every wait a futex sleep");
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> "MAP_SHARED anonymous memory, fork; jipc_ring claim/commit (native/src/jipc_ring*.c), read/release in place, " + waits;
            case JIPC -> "MessageRing in SharedMemory mapped in both JVMs; claim/commit, read/release in place, " + waits;
            case JDK -> spin ? "Agrona 2.6.0 OneToOneRingBuffer over FileChannel.map of a /dev/shm file; write, "
                    + "read(handler) in place, spin" : null;
            case JNI -> null;
        };
    }

    private static int capacity(Workload w) {
        return w.kind() == Workload.Kind.ROUND_TRIP ? RTT_CAPACITY : STREAM_CAPACITY;
    }

    private Duration spinTime() {
        return spinTime;
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        String name = key() + "-" + context.newPath(key(), "").getFileName() + "-" + ProcessHandle.current().pid();
        return side == Side.JDK ? openAgrona(w, context, watchdog, name) : openJipc(w, context, watchdog, "/jipc-xproc-" + name);
    }

    private Link openJipc(Workload w, RunContext context, Watchdog watchdog, String name) throws Exception {
        int capacity = capacity(w);
        long one = MessageRing.size(capacity);
        SharedMemory shm = SharedMemory.createExclusive(name, 2 * one + 128, RunFifos.OWNER_ONLY);
        AutoCloseable remove = shm::unlink;
        SharedRegion region = null;
        try (shm) {
            region = shm.map();
            int max = Math.min(w.size(), capacity / 2);
            MessageRing requests = MessageRing.create(region, 0, RingKind.SINGLE_PRODUCER, capacity, max);
            MessageRing replies = MessageRing.create(region, one, RingKind.SINGLE_PRODUCER, capacity, max);
            RingWire wire = w.kind() == Workload.Kind.ROUND_TRIP
                    ? new RingWire(w, requests.producer(spinTime()), replies.consumer(spinTime()), region, 2 * one)
                    : new RingWire(w, null, requests.consumer(spinTime()), region, 2 * one);
            ChildJvm child = SpawnedJvm.start(context, watchdog, b -> { },
                    Peer.args(context, this, Side.JIPC, w, name, String.valueOf(context.settings.timeout().toMillis())));
            watchdog.onExpiry(wire::abandon);
            return Transport.link(wire, child, wire::stop, region, remove);
        } catch (Exception e) {
            PipeTransport.closeAll(e, region, remove);
            throw e;
        }
    }

    private Link openAgrona(Workload w, RunContext context, Watchdog watchdog, String name) throws Exception {
        Path file = agronaFile(context, name);
        AutoCloseable remove = () -> Files.deleteIfExists(file);
        try {
            Agrona rings = Agrona.map(file, capacity(w), true);
            AgronaWire wire = w.kind() == Workload.Kind.ROUND_TRIP ? new AgronaWire(w, rings)
                    : new AgronaWire(w, rings).streaming();
            ChildJvm child = ProcessChild.start(context, watchdog, false,
                    Peer.args(context, this, Side.JDK, w, file.toString(), String.valueOf(context.settings.timeout().toMillis())));
            watchdog.onExpiry(wire::abandon);
            return Transport.link(wire, child, wire::stop, remove);
        } catch (Exception e) {
            PipeTransport.closeAll(e, remove);
            throw e;
        }
    }

    private static Path agronaFile(RunContext context, String name) {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("jipc-xproc-agrona-" + name)
                : context.scratch.resolve("agrona-" + name);
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMillis(Long.parseLong(args.get(1))).toNanos();
        if (side == Side.JDK) {
            Agrona rings = Agrona.map(Path.of(args.get(0)), capacity(w), false);
            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                rings.echo(deadline);
            } else {
                rings.send(w.size(), deadline);
            }
            return;
        }
        SharedRegion region;
        try (SharedMemory shm = SharedMemory.open(args.get(0))) {
            region = shm.map();
        }
        try (region) {
            MessageRing requests = MessageRing.open(region, 0);
            long one = MessageRing.size(requests.capacity());
            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                echo(requests.consumer(spinTime()), MessageRing.open(region, one).producer(spinTime()));
            } else {
                send(requests.producer(spinTime()), w.size(), region, 2 * one, deadline);
            }
        }
    }

    private static void echo(RingConsumer in, RingProducer out) throws IOException {
        try (in; out) {
            ByteBuffer from = in.buffer();
            ByteBuffer to = out.buffer();
            for (;;) {
                int at = in.read();
                int n = in.length();
                if (n == 0) {
                    return;
                }
                to.put(out.claim(n), from, at, n);
                out.commit();
                in.release();
                ChildMeter.tick();
            }
        }
    }

    private static void send(RingProducer out, int size, SharedRegion region, long stopAt, long deadline) throws IOException {
        byte[] msg = Messages.array(size);
        try (out) {
            ByteBuffer b = out.buffer();
            for (long seq = 0;; seq++) {
                int at;
                while ((at = out.claim(size, SLICE)) < 0) {
                    if (region.getLongAcquire(stopAt) != 0) {
                        return; // the reader has its count and left
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("the reader stopped reading");
                    }
                }
                b.put(at, msg, 0, size).putLong(at, seq).putLong(at + size - Long.BYTES, ~seq);
                out.commit();
                ChildMeter.tick();
            }
        } catch (NoConsumerException e) {
            // the reader has its count and left
        }
    }

    /** The parent's side over jipc's rings: pinger of round trips, or consumer of the stream. */
    static final class RingWire extends Wire {
        private final RingProducer out;
        private final RingConsumer in;
        private final SharedRegion region;
        private final long stopAt;
        private final int size;
        private final byte[] msg;
        private long seq;
        private long head;
        private long tail;

        RingWire(Workload w, RingProducer out, RingConsumer in, SharedRegion region, long stopAt) {
            this.out = out;
            this.in = in;
            this.region = region;
            this.stopAt = stopAt;
            this.size = w.size();
            this.msg = Messages.array(size);
        }

        @Override
        void stamp(long s) {
            seq = s;
        }

        @Override
        void write() throws IOException {
            int at = out.claim(size);
            out.buffer().put(at, msg, 0, size).putLong(at, seq).putLong(at + size - Long.BYTES, ~seq);
            out.commit();
        }

        @Override
        boolean read() throws IOException {
            int at = in.read();
            ByteBuffer b = in.buffer();
            if (in.length() != size) {
                throw new IllegalStateException("a message of " + in.length() + " bytes, expected " + size);
            }
            head = b.getLong(at);
            tail = b.getLong(at + size - Long.BYTES);
            in.release();
            return true;
        }

        @Override
        void check(long s) {
            if (head != s || tail != ~s) {
                throw new IllegalStateException("message " + s + " arrived as " + head + "/" + ~tail);
            }
        }

        /** The watchdog's: closing the handles ends any wait. */
        void abandon() {
            PipeTransport.closeAll(new Exception(), out, in);
        }

        /** Ends the child: an empty request ends the echo; the stop word and the consumer leaving end the stream. */
        void stop() throws IOException {
            if (out != null) {
                out.offer(ByteBuffer.allocate(0), Duration.ofSeconds(10));
                out.close();
            } else {
                region.putLongRelease(stopAt, 1);
            }
            in.close();
        }
    }

    /** Two Agrona one-to-one ring buffers and a stop word in one mapped file. */
    record Agrona(OneToOneRingBuffer requests, OneToOneRingBuffer replies, UnsafeBuffer all, int stopAt) {
        static Agrona map(Path file, int capacity, boolean create) throws IOException {
            int one = capacity + RingBufferDescriptor.TRAILER_LENGTH;
            int length = 2 * one + 128;
            MappedByteBuffer mapped;
            try (FileChannel ch = create
                    ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            }
            mapped.order(ByteOrder.nativeOrder());
            UnsafeBuffer all = new UnsafeBuffer(mapped);
            return new Agrona(new OneToOneRingBuffer(new UnsafeBuffer(mapped, 0, one)),
                    new OneToOneRingBuffer(new UnsafeBuffer(mapped, one, one)), all, 2 * one);
        }

        void echo(long deadline) {
            boolean[] stop = new boolean[1];
            org.agrona.concurrent.MessageHandler handler = (type, buffer, index, length) -> {
                if (type == STOP_TYPE) {
                    stop[0] = true;
                    return;
                }
                for (int spins = 1; !replies.write(TYPE, buffer, index, length); spins++) {
                    ShmTransport.relax(spins, deadline);
                }
                ChildMeter.tick();
            };
            for (int spins = 1; !stop[0]; spins++) {
                if (requests.read(handler, 1) == 0) {
                    ShmTransport.relax(spins, deadline);
                } else {
                    spins = 0;
                }
            }
        }

        void send(int size, long deadline) {
            UnsafeBuffer msg = new UnsafeBuffer(Messages.array(size));
            for (long seq = 0;; seq++) {
                msg.putLong(0, seq, ByteOrder.nativeOrder());
                msg.putLong(size - Long.BYTES, ~seq, ByteOrder.nativeOrder());
                for (int spins = 1; !requests.write(TYPE, msg, 0, size); spins++) {
                    if (all.getLongVolatile(stopAt) != 0) {
                        return; // the reader has its count and left
                    }
                    ShmTransport.relax(spins, deadline);
                }
                ChildMeter.tick();
            }
        }
    }

    /** The parent's side over Agrona's rings. */
    static final class AgronaWire extends Wire {
        private final Agrona rings;
        private final int size;
        private final UnsafeBuffer msg;
        private final org.agrona.concurrent.MessageHandler handler;
        private volatile boolean abandoned;
        private long head;
        private long tail;
        private int length;

        AgronaWire(Workload w, Agrona rings) {
            this.rings = rings;
            this.size = w.size();
            this.msg = new UnsafeBuffer(Messages.array(size));
            this.handler = this::onMessage;
        }

        private void onMessage(int type, MutableDirectBuffer buffer, int index, int n) {
            length = n;
            head = buffer.getLong(index, ByteOrder.nativeOrder());
            tail = buffer.getLong(index + n - Long.BYTES, ByteOrder.nativeOrder());
        }

        @Override
        void stamp(long s) {
            msg.putLong(0, s, ByteOrder.nativeOrder());
            msg.putLong(size - Long.BYTES, ~s, ByteOrder.nativeOrder());
        }

        @Override
        void write() {
            for (int spins = 1; !rings.requests().write(TYPE, msg, 0, size); spins++) {
                relax(spins);
            }
        }

        @Override
        boolean read() {
            OneToOneRingBuffer from = readsRequests ? rings.requests() : rings.replies();
            for (int spins = 1; from.read(handler, 1) == 0; spins++) {
                relax(spins);
            }
            if (length != size) {
                throw new IllegalStateException("a message of " + length + " bytes, expected " + size);
            }
            return true;
        }

        /** Streams arrive on the request ring (the child produces there). */
        private boolean readsRequests;

        AgronaWire streaming() {
            readsRequests = true;
            return this;
        }

        private void relax(int spins) {
            if (spins % 64 != 0) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
                if (abandoned) {
                    throw new IllegalStateException("the run was abandoned (timeout)");
                }
            }
        }

        @Override
        void check(long s) {
            if (head != s || tail != ~s) {
                throw new IllegalStateException("message " + s + " arrived as " + head + "/" + ~tail);
            }
        }

        void abandon() {
            abandoned = true;
        }

        void stop() {
            if (readsRequests) {
                rings.all().putLongVolatile(rings.stopAt(), 1);
            } else {
                for (int spins = 1; !rings.requests().write(STOP_TYPE, msg, 0, 0); spins++) {
                    relax(spins);
                }
            }
        }
    }
}
