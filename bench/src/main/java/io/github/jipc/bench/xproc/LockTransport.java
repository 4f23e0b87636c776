package io.github.jipc.bench.xproc;

import java.io.IOException;
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
 * reopens the object). No JDK side: {@code FileChannel.lock} takes
 * process-associated locks, which a JVM holds for the whole process.
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
            case JNI, JDK -> null;
        };
    }

    @Override
    public String missing(Side side) {
        return side == Side.JDK ? "the JDK's FileChannel.lock is process-associated (one holder per JVM)" : null;
    }

    private static int length(Workload w) {
        return DATA + 2 * ShmTransport.rounded(w.size());
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (w.kind() != Workload.Kind.ROUND_TRIP) {
            throw new IllegalArgumentException("lock measures round trips only");
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

    @Override
    public void child(Side side, Workload w, List<String> args) throws Exception {
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
