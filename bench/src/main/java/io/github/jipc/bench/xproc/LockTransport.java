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
            LockWire wire = new LockWire(region, locks, w.size());
            wire.held[0] = locks.lock(0, 1, false);
            wire.held[1] = locks.lock(1, 1, false);
            ChildJvm child = SpawnedJvm.start(context, watchdog, b -> { },
                    Peer.args(context, this, side, w, name));
            watchdog.onExpiry(wire::abandon);
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
            JdkLockWire wire = new JdkLockWire(fc, fc.map(FileChannel.MapMode.READ_WRITE, 0, length(w)), w.size());
            wire.held[0] = fc.lock(0, 1, false);
            wire.held[1] = fc.lock(1, 1, false);
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

    /** The JDK child: the same protocol with FileChannel.lock on the file at args[0]. */
    private static void jdkChild(Workload w, Path path) throws IOException {
        try (FileChannel fc = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int size = w.size();
            MappedByteBuffer m = fc.map(FileChannel.MapMode.READ_WRITE, 0, length(w));
            byte[] buf = new byte[size];
            int rep = DATA + ShmTransport.rounded(size);
            FileLock[] held = new FileLock[3];
            held[2] = fc.lock(2, 1, false);
            for (long round = 0;; round++) {
                held[(int) (round % 3)] = fc.lock(round % 3, 1, false); // untimed: the watchdog kills this child
                if (m.getInt(STOP_WORD) != 0) {
                    return;
                }
                m.get(DATA, buf, 0, size);
                m.put(rep, buf, 0, size);
                int give = (int) ((round + 2) % 3);
                held[give].release();
                held[give] = null;
                ChildMeter.tick();
            }
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws Exception {
        if (side == Side.JDK) {
            jdkChild(w, Path.of(args.get(0)));
            return;
        }
        SharedRegion region;
        RecordLocks locks;
        try (SharedMemory shm = SharedMemory.open(args.get(0))) {
            region = shm.map();
            locks = RecordLocks.of(shm);
        }
        try (region; locks) {
            int size = w.size();
            byte[] buf = new byte[size];
            int req = DATA;
            int rep = DATA + ShmTransport.rounded(size);
            RecordLock[] held = new RecordLock[3];
            held[2] = locks.lock(2, 1, false);
            for (long round = 0;; round++) {
                // Untimed: the parent's watchdog kills this child.
                held[(int) (round % 3)] = locks.lock(round % 3, 1, false);
                if (region.getIntAcquire(STOP_WORD) != 0) {
                    return;
                }
                region.get(req, buf, 0, size);
                region.put(rep, buf, 0, size);
                int give = (int) ((round + 2) % 3);
                held[give].release();
                held[give] = null;
                ChildMeter.tick();
            }
        }
    }

    /** The JDK parent's side, as {@link LockWire} with FileChannel.lock. */
    static final class JdkLockWire extends Wire {
        private final FileChannel fc;
        private final MappedByteBuffer m;
        private final int size;
        private final byte[] msg;
        private final byte[] reply;
        final FileLock[] held = new FileLock[3];
        private long round;

        JdkLockWire(FileChannel fc, MappedByteBuffer m, int size) {
            this.fc = fc;
            this.m = m;
            this.size = size;
            this.msg = Messages.array(size);
            this.reply = new byte[size];
        }

        /** Until the child holds range 2: a try that gets it gives it back at once. */
        void awaitChild(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (FileLock l; (l = fc.tryLock(2, 1, false)) != null; l.release()) {
                if (System.nanoTime() > deadline) {
                    l.release();
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
            m.put(DATA, msg, 0, size);
            int give = (int) (round % 3);
            held[give].release();
            held[give] = null;
            int take = (int) ((round + 2) % 3);
            held[take] = fc.lock(take, 1, false);
        }

        @Override
        boolean read() {
            m.get(DATA + ShmTransport.rounded(size), reply, 0, size);
            round++;
            return true;
        }

        @Override
        void check(long sq) {
            Messages.check(reply, sq);
        }

        /** The stop word, then range r handed over: the child wakes to it and ends. */
        void stop() throws IOException {
            m.putInt(STOP_WORD, 1);
            held[(int) (round % 3)].release();
        }
    }

    /** The parent's side: the request, range r handed over, range r + 2 awaited, the reply. */
    static final class LockWire extends Wire {
        private final SharedRegion r;
        private final RecordLocks locks;
        private final int size;
        private final byte[] msg;
        private final byte[] reply;
        final RecordLock[] held = new RecordLock[3];
        private long round;

        LockWire(SharedRegion r, RecordLocks locks, int size) {
            this.r = r;
            this.locks = locks;
            this.size = size;
            this.msg = Messages.array(size);
            this.reply = new byte[size];
        }

        /** Round 0 needs the child holding range 2: until then, a lock of it would be ours for the asking. */
        void awaitChild(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (locks.holder(2, 1, false) == null) {
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
            r.put(DATA, msg, 0, size);
            int give = (int) (round % 3);
            held[give].release();
            held[give] = null;
            int take = (int) ((round + 2) % 3);
            held[take] = locks.lock(take, 1, false);
        }

        @Override
        boolean read() throws IOException {
            r.get(DATA + ShmTransport.rounded(size), reply, 0, size);
            round++;
            return true;
        }

        @Override
        void check(long sq) {
            Messages.check(reply, sq);
        }

        /** The watchdog's: closing the locks' handle ends a wait of this side. */
        void abandon() {
            try {
                locks.close();
            } catch (IOException e) {
                // Closed already: nothing waits.
            }
        }

        /** The stop word, then range r handed over: the child wakes to it and ends. */
        void stop() throws IOException {
            r.putIntRelease(STOP_WORD, 1);
            held[(int) (round % 3)].release();
        }
    }
}
