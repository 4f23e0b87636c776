package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;

/**
 * Record locks: shared memory signalled by blocking OFD locks ({@link RecordLocks},
 * fcntl(2) {@code F_OFD_SETLKW}) on three one-byte ranges of the memory's
 * object, handed back and forth, in the layout and protocol of
 * bench/c/src/xproc_lock.c (which says why three ranges): a 32-bit stop word
 * at 0, the request from 64, the reply after it. Round trips only. Both JVMs
 * lock through their own open file description ({@link RecordLocks#of}
 * reopens the object). The JDK side does the same with a file in the run's
 * scratch folder, mapped by {@code FileChannel.map} in both JVMs and locked
 * with {@code FileChannel.lock(position, 1, false)}: classic
 * process-associated locks (fcntl {@code F_SETLKW}), which between two
 * processes hand over as OFD locks do.
 */
final class LockTransport implements Transport {
    static final int STOP_WORD = 0;
    static final int DATA = 64;

    @Override
    public String key() {
        return "lock";
    }

    @Override
    public List<Workload> workloads(List<Workload> asked) {
        return asked.stream().filter(w -> w.kind() == Workload.Kind.ROUND_TRIP).toList();
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> "memfd mapped MAP_SHARED, fork, each side reopens it (/proc/self/fd); fcntl F_OFD_SETLKW lock/unlock"
                    + " of three 1-byte ranges in turn";
            case JIPC -> "SharedMemory mapped in both JVMs; RecordLocks.of it in each, lock(range)/release of three"
                    + " 1-byte ranges in turn";
            case JDK -> "a file in the scratch folder, FileChannel.map in both JVMs; FileChannel.lock(range, 1, false)"
                    + "/FileLock.release of three 1-byte ranges in turn (classic F_SETLKW)";
            case JNI -> null;
        };
    }

    private static int length(Workload w) {
        return DATA + 2 * ShmTransport.rounded(w.size());
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (w.kind() != Workload.Kind.ROUND_TRIP || label(side) == null) {
            throw new IllegalArgumentException("lock has no " + side + " " + w);
        }
        if (side == Side.JDK) {
            return openJdk(w, context, watchdog);
        }
        String name = "/jipc-xproc-lock-" + context.newPath(key(), "").getFileName() + "-" + ProcessHandle.current().pid();
        SharedMemory shm = SharedMemory.createExclusive(name, length(w), RunFifos.OWNER_ONLY);
        AutoCloseable remove = shm::unlink;
        RecordLocks locks = null;
        SharedRegion region = null;
        try (shm) {
            region = shm.map();
            locks = RecordLocks.of(shm);
            LockWire wire = new LockWire(new JipcRanges(region, locks), w.size());
            ChildJvm child = SpawnedJvm.start(context, watchdog, b -> { },
                    Peer.args(context, this, side, w, name));
            watchdog.onExpiry(locks); // closing the locks' handle ends a wait of this side
            wire.awaitChild(context.settings.timeout());
            return Transport.link(wire, child, wire::stop, locks, region, remove);
        } catch (Exception e) {
            PipeTransport.closeAll(e, locks, region, remove);
            throw e;
        }
    }

    private Link openJdk(Workload w, RunContext context, Watchdog watchdog) throws Exception {
        Path path = context.newPath("jdk-lock", ".dat");
        FileChannel fc = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        AutoCloseable remove = () -> Files.deleteIfExists(path);
        try {
            watchdog.onExpiry(fc);
            LockWire wire = new LockWire(new JdkRanges(fc, fc.map(FileChannel.MapMode.READ_WRITE, 0, length(w))), w.size());
            ProcessChild child = ProcessChild.start(context, watchdog, false,
                    Peer.args(context, this, Side.JDK, w, path.toString()));
            try {
                wire.awaitChild(context.settings.timeout());
            } catch (Exception e) {
                PipeTransport.closeAll(e, child);
                throw e;
            }
            return Transport.link(wire, child, wire::stop, fc, remove);
        } catch (Exception e) {
            PipeTransport.closeAll(e, fc, remove);
            throw e;
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws Exception {
        if (side == Side.JDK) {
            try (FileChannel fc = FileChannel.open(Path.of(args.get(0)), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                echo(new JdkRanges(fc, fc.map(FileChannel.MapMode.READ_WRITE, 0, length(w))), w.size());
            }
            return;
        }
        SharedRegion region;
        RecordLocks locks;
        try (SharedMemory shm = SharedMemory.open(args.get(0))) {
            region = shm.map();
            locks = RecordLocks.of(shm);
        }
        try (region; locks) {
            echo(new JipcRanges(region, locks), w.size());
        }
    }

    /** The child's side: range r awaited, the request copied into the reply, range r + 2 handed over. */
    private static void echo(Ranges m, int size) throws IOException {
        byte[] buf = new byte[size];
        int rep = DATA + ShmTransport.rounded(size);
        m.lock(2);
        for (long round = 0;; round++) {
            m.lock((int) (round % 3)); // untimed: the parent's watchdog kills this child
            if (m.stopped()) {
                return;
            }
            m.get(DATA, buf, size);
            m.put(rep, buf, size);
            m.release((int) ((round + 2) % 3));
            ChildMeter.tick();
        }
    }

    /** One side's three lockable ranges and the memory they guard: jipc's or the JDK's. */
    abstract static class Ranges {
        /** Locks range r (blocking) and holds it. */
        abstract void lock(int r) throws IOException;

        /** Releases range r, held. */
        abstract void release(int r) throws IOException;

        /** Whether another process holds range r now. */
        abstract boolean heldElsewhere(int r) throws IOException;

        abstract void put(int offset, byte[] src, int size);

        abstract void get(int offset, byte[] dst, int size);

        abstract boolean stopped();

        abstract void stop();
    }

    /** RecordLocks (OFD locks) over a SharedRegion. */
    static final class JipcRanges extends Ranges {
        private final SharedRegion region;
        private final RecordLocks locks;
        private final RecordLock[] held = new RecordLock[3];

        JipcRanges(SharedRegion region, RecordLocks locks) {
            this.region = region;
            this.locks = locks;
        }

        @Override
        void lock(int r) throws IOException {
            held[r] = locks.lock(r, 1, false);
        }

        @Override
        void release(int r) throws IOException {
            held[r].release();
            held[r] = null;
        }

        @Override
        boolean heldElsewhere(int r) throws IOException {
            return locks.holder(r, 1, false) != null;
        }

        @Override
        void put(int offset, byte[] src, int size) {
            region.put(offset, src, 0, size);
        }

        @Override
        void get(int offset, byte[] dst, int size) {
            region.get(offset, dst, 0, size);
        }

        @Override
        boolean stopped() {
            return region.getIntAcquire(STOP_WORD) != 0;
        }

        @Override
        void stop() {
            region.putIntRelease(STOP_WORD, 1);
        }
    }

    /** FileChannel locks (classic F_SETLKW) over a MappedByteBuffer of the same file. */
    static final class JdkRanges extends Ranges {
        private final FileChannel fc;
        private final MappedByteBuffer m;
        private final FileLock[] held = new FileLock[3];

        JdkRanges(FileChannel fc, MappedByteBuffer m) {
            this.fc = fc;
            this.m = m;
        }

        @Override
        void lock(int r) throws IOException {
            held[r] = fc.lock(r, 1, false);
        }

        @Override
        void release(int r) throws IOException {
            held[r].release();
            held[r] = null;
        }

        /** A try that gets it gives it back at once. */
        @Override
        boolean heldElsewhere(int r) throws IOException {
            FileLock l = fc.tryLock(r, 1, false);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        }

        @Override
        void put(int offset, byte[] src, int size) {
            m.put(offset, src, 0, size);
        }

        @Override
        void get(int offset, byte[] dst, int size) {
            m.get(offset, dst, 0, size);
        }

        @Override
        boolean stopped() {
            return m.getInt(STOP_WORD) != 0;
        }

        @Override
        void stop() {
            m.putInt(STOP_WORD, 1);
        }
    }

    /** The parent's side: the request, range r handed over, range r + 2 awaited, the reply. */
    static final class LockWire extends Wire {
        private final Ranges m;
        private final int size;
        private final byte[] msg;
        private final byte[] reply;
        private long round;

        /** Takes ranges 0 and 1; the child takes 2. */
        LockWire(Ranges m, int size) throws IOException {
            this.m = m;
            this.size = size;
            this.msg = Messages.array(size);
            this.reply = new byte[size];
            m.lock(0);
            m.lock(1);
        }

        /** Round 0 needs the child holding range 2: until then, a lock of it would be ours for the asking. */
        void awaitChild(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!m.heldElsewhere(2)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the child did not lock its range within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(0, 100_000);
            }
        }

        @Override
        void stamp(long sq) {
            Messages.stamp(msg, sq);
        }

        @Override
        void write() throws IOException {
            m.put(DATA, msg, size);
            m.release((int) (round % 3));
            m.lock((int) ((round + 2) % 3));
        }

        @Override
        boolean read() {
            m.get(DATA + ShmTransport.rounded(size), reply, size);
            round++;
            return true;
        }

        @Override
        void check(long sq) {
            Messages.check(reply, sq);
        }

        /** The stop word, then range r handed over: the child wakes to it and ends. */
        void stop() throws IOException {
            m.stop();
            m.release((int) (round % 3));
        }
    }
}
