package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;

/**
 * Shared memory with a spin flag, in the layout of bench/c/src/xproc_shm.c
 * (offsets below): round trips through a request and a reply slot, streams
 * through a ring of slots, 64-bit counters written with release and read
 * with acquire. A waiter spins ({@link Thread#onSpinWait}) and yields the CPU
 * every 64 turns, as the C side does, so that two processes on one CPU hand
 * it to each other. Messages are copied in and out, as a reader of a pipe
 * gets its own copy.
 * <ul>
 * <li>jipc: a POSIX shared memory object ({@link SharedMemory#createExclusive}, opened by name in the child),
 * mapped as a {@link SharedRegion};</li>
 * <li>JDK: {@link FileChannel#map} of a file (in /dev/shm where there is one, so that no disk is involved) with
 * a {@link VarHandle} over the {@link MappedByteBuffer}.</li>
 * </ul>
 */
final class ShmTransport implements Transport {
    static final int A = 0;
    static final int B = 64;
    static final int STOP_FLAG = 128;
    static final int DATA = 256;
    static final long STOP = -1;
    private static final int STREAM_BYTES = 1 << 20;
    private static final int YIELD_EVERY = 64;

    @Override
    public String key() {
        return "shm";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> "shm_open + mmap, fork; spin flag (sched_yield every 64 turns)";
            case JNI -> null;
            case JIPC -> "SharedMemory (POSIX shm) mapped as a SharedRegion in both JVMs; spin flag";
            case JDK -> "FileChannel.map of a /dev/shm file in both JVMs, VarHandle acquire/release; spin flag";
        };
    }

    static int rounded(int size) {
        return (size + 63) & ~63;
    }

    static int slots(int size) {
        return Math.max(2, STREAM_BYTES / rounded(size));
    }

    static int length(Workload w) {
        return DATA + (w.kind() == Workload.Kind.ROUND_TRIP ? 2 : slots(w.size())) * rounded(w.size());
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        String name = context.newPath("shm", "").getFileName() + "-" + ProcessHandle.current().pid();
        Memory mem;
        AutoCloseable remove;
        if (side == Side.JIPC) {
            SharedMemory shm = SharedMemory.createExclusive("/jipc-xproc-" + name, length(w), RunFifos.OWNER_ONLY);
            remove = shm::unlink;
            try (shm) {
                mem = new RegionMemory(shm.map());
            } catch (IOException | RuntimeException e) {
                PipeTransport.closeAll(e, remove);
                throw e;
            }
        } else {
            Path file = jdkFile(context, name);
            remove = () -> Files.deleteIfExists(file);
            mem = BufferMemory.map(file, length(w), true);
        }
        String where = side == Side.JIPC ? "/jipc-xproc-" + name : jdkFile(context, name).toString();
        ShmWire wire = new ShmWire(mem, w);
        try {
            ChildJvm child = side == Side.JDK
                    ? ProcessChild.start(context, watchdog, false, Peer.args(context, this, side, w, where, timeoutArg(context)))
                    : SpawnedJvm.start(context, watchdog, b -> { }, Peer.args(context, this, side, w, where, timeoutArg(context)));
            watchdog.onExpiry(wire::abandon);
            return Transport.link(wire, child, wire::stop, mem, remove);
        } catch (Exception e) {
            PipeTransport.closeAll(e, mem, remove);
            throw e;
        }
    }

    private static String timeoutArg(RunContext context) {
        return String.valueOf(context.settings.timeout().toMillis());
    }

    private static Path jdkFile(RunContext context, String name) {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("jipc-xproc-jdk-" + name)
                : context.scratch.resolve("jdk-" + name);
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMillis(Long.parseLong(args.get(1))).toNanos();
        try (Memory mem = side == Side.JIPC ? new RegionMemory(openRegion(args.get(0)))
                : BufferMemory.map(Path.of(args.get(0)), length(w), false)) {
            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                echo(mem, w.size(), deadline);
            } else {
                send(mem, w.size(), deadline);
            }
        }
    }

    private static SharedRegion openRegion(String name) throws IOException {
        try (SharedMemory shm = SharedMemory.open(name)) {
            return shm.map();
        }
    }

    private static void echo(Memory mem, int size, long deadline) {
        byte[] buf = new byte[size];
        int req = DATA;
        int rep = DATA + rounded(size);
        long seen = 0;
        for (;;) {
            long v;
            for (int spins = 1; (v = mem.getLongAcquire(A)) == seen; spins++) {
                relax(spins, deadline);
            }
            if (v == STOP) {
                return;
            }
            mem.get(req, buf, size);
            mem.put(rep, buf, size);
            mem.putLongRelease(B, v);
            seen = v;
            ChildMeter.tick();
        }
    }

    private static void send(Memory mem, int size, long deadline) {
        byte[] msg = Messages.array(size);
        int slots = slots(size);
        for (long seq = 0;; seq++) {
            for (int spins = 1; seq - mem.getLongAcquire(B) >= slots; spins++) {
                if (mem.getLongAcquire(STOP_FLAG) != 0) {
                    return; // the reader has its count and left
                }
                relax(spins, deadline);
            }
            Messages.stamp(msg, seq);
            mem.put(DATA + (int) (seq % slots) * rounded(size), msg, size);
            mem.putLongRelease(A, seq + 1);
            ChildMeter.tick();
        }
    }

    /** One turn of a wait: a spin hint, and every 64 turns a yield (and a look at the clock). */
    static void relax(int spins, long deadline) {
        if (spins % YIELD_EVERY != 0) {
            Thread.onSpinWait();
            return;
        }
        Thread.yield();
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the other side stopped answering");
        }
    }

    /** The region as both sides' protocol sees it. */
    interface Memory extends AutoCloseable {
        long getLongAcquire(int offset);

        void putLongRelease(int offset, long value);

        void put(int offset, byte[] src, int length);

        void get(int offset, byte[] dst, int length);

        @Override
        void close();
    }

    /** jipc's region. */
    record RegionMemory(SharedRegion region) implements Memory {
        @Override
        public long getLongAcquire(int offset) {
            return region.getLongAcquire(offset);
        }

        @Override
        public void putLongRelease(int offset, long value) {
            region.putLongRelease(offset, value);
        }

        @Override
        public void put(int offset, byte[] src, int length) {
            region.put(offset, src, 0, length);
        }

        @Override
        public void get(int offset, byte[] dst, int length) {
            region.get(offset, dst, 0, length);
        }

        @Override
        public void close() {
            region.close();
        }
    }

    /** The JDK's mapped file; the mapping goes when the buffer is collected (the JDK cannot unmap). */
    record BufferMemory(MappedByteBuffer buffer) implements Memory {
        private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

        static BufferMemory map(Path file, int length, boolean create) throws IOException {
            try (FileChannel ch = create
                    ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return new BufferMemory(ch.map(FileChannel.MapMode.READ_WRITE, 0, length));
            }
        }

        @Override
        public long getLongAcquire(int offset) {
            return (long) LONGS.getAcquire(buffer, offset);
        }

        @Override
        public void putLongRelease(int offset, long value) {
            LONGS.setRelease(buffer, offset, value);
        }

        @Override
        public void put(int offset, byte[] src, int length) {
            buffer.put(offset, src, 0, length);
        }

        @Override
        public void get(int offset, byte[] dst, int length) {
            buffer.get(offset, dst, 0, length);
        }

        @Override
        public void close() {
            // Nothing to release: see above.
        }
    }

    /** The parent's side: pinger of round trips, or consumer of the ring. */
    static final class ShmWire extends Wire {
        private final Memory mem;
        private final int size;
        private final boolean rtt;
        private final int slots;
        private final byte[] msg;
        private final byte[] reply;
        private volatile boolean abandoned;
        private long seq;
        private long next;

        ShmWire(Memory mem, Workload w) {
            this.mem = mem;
            this.size = w.size();
            this.rtt = w.kind() == Workload.Kind.ROUND_TRIP;
            this.slots = slots(size);
            this.msg = Messages.array(size);
            this.reply = new byte[size];
        }

        @Override
        void stamp(long s) {
            seq = s;
            Messages.stamp(msg, s);
        }

        @Override
        void write() {
            mem.put(DATA, msg, size);
            mem.putLongRelease(A, seq + 1);
        }

        @Override
        boolean read() {
            if (rtt) {
                await(B, seq + 1);
                mem.get(DATA + rounded(size), reply, size);
                return true;
            }
            await(A, next + 1);
            mem.get(DATA + (int) (next % slots) * rounded(size), reply, size);
            mem.putLongRelease(B, ++next);
            return true;
        }

        /** Spins until the counter at offset reaches at least value. */
        private void await(int offset, long value) {
            for (int spins = 1; mem.getLongAcquire(offset) < value; spins++) {
                if (spins % YIELD_EVERY != 0) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                    if (abandoned) {
                        throw new IllegalStateException("the run was abandoned (timeout)");
                    }
                }
            }
        }

        @Override
        void check(long s) {
            Messages.check(reply, s);
        }

        /** The watchdog's: ends any wait of this side. */
        void abandon() {
            abandoned = true;
        }

        /** Tells the child to end: STOP for the echo, the stop flag for the producer. */
        void stop() {
            if (rtt) {
                mem.putLongRelease(A, STOP);
            } else {
                mem.putLongRelease(STOP_FLAG, 1);
            }
        }
    }
}
