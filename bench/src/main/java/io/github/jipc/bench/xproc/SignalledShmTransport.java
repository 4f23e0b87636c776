package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.github.jipc.EventFd;
import io.github.jipc.EventFdOption;
import io.github.jipc.Futex;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.RobustMutex;
import io.github.jipc.SemOp;
import io.github.jipc.SharedCondition;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;

/**
 * Shared memory signalled by the kernel, in the layout of
 * bench/c/src/xproc_sync.c: the copies of {@link ShmTransport}, but a waiter
 * sleeps until the other side signals, with no spinning first. Five
 * mechanisms of one class:
 * <ul>
 * <li>{@code sem}: two unnamed process-shared POSIX semaphores at offsets 0
 * and 64 ({@link PosixSemaphore#init}; C: {@code sem_init(sem, 1, value)}):
 * request/reply for round trips, full/empty slots for streams;</li>
 * <li>{@code sysvsem}: the same two counts as semaphores 0 and 1 of a System V
 * set ({@link SystemVSemaphores}, keyed by ftok of the shared memory's file,
 * removed by the parent once the child is reaped; C: {@code semget(IPC_PRIVATE, 2)},
 * {@code semop}), the words at 0 and 64 unused;</li>
 * <li>{@code eventfd}: the same two counts as two {@link EventFd}s in
 * semaphore mode ({@link EventFd#take} takes 1, {@link EventFd#add} gives),
 * inherited by the child as descriptors 3 and 4 (C: {@code eventfd(2)} with
 * {@code EFD_SEMAPHORE} before the fork), the words unused;</li>
 * <li>{@code mutex}: the same two counts as two 32-bit counters at 48 and 52
 * under one {@link RobustMutex} at 0, each with a {@link SharedCondition}
 * (at 64 and 192) that a taker awaits while its count is 0 (C:
 * {@code pthread_mutex_lock}, {@code pthread_cond_wait}/{@code signal} on the
 * same robust process-shared objects, bench/c/src/xproc_mutex.c);</li>
 * <li>{@code futex}: two 32-bit words at 0 and 64 ({@link Futex}; C:
 * {@code syscall(SYS_futex)}): the request's and the reply's seq + 1, or a
 * ring's head and tail; a store is followed by a wake of one waiter, a waiter
 * waits while the word holds what it saw.</li>
 * </ul>
 * A 32-bit stop word at 128 ends a stream's producer (and a semaphore echo);
 * data from 256. Only C and jipc: the JDK has no process-shared semaphores,
 * mutexes, conditions or futexes, and a bare-JNI control would be jipc's own shims.
 */
final class SignalledShmTransport implements Transport {
    static final int A = 0;
    static final int B = 64;
    static final int STOP_WORD = 128;
    static final int DATA = 256;
    static final int STOP = -1;

    static final int EVENTFD_A = 3;
    static final int EVENTFD_B = 4;
    /** The mutex mechanism's layout (bench/c/src/xproc_mutex.c). */
    static final int MUTEX = 0;
    static final int COUNT_A = 48;
    static final int COUNT_B = 52;
    static final int COND_A = 64;
    static final int COND_B = 192;

    private final boolean futex;
    private final boolean sysv;
    private final boolean eventfd;
    private final boolean mutex;

    private SignalledShmTransport(boolean futex, boolean sysv, boolean eventfd) {
        this(futex, sysv, eventfd, false);
    }

    private SignalledShmTransport(boolean futex, boolean sysv, boolean eventfd, boolean mutex) {
        this.futex = futex;
        this.sysv = sysv;
        this.eventfd = eventfd;
        this.mutex = mutex;
    }

    static SignalledShmTransport semaphores() {
        return new SignalledShmTransport(false, false, false);
    }

    static SignalledShmTransport futex() {
        return new SignalledShmTransport(true, false, false);
    }

    static SignalledShmTransport systemV() {
        return new SignalledShmTransport(false, true, false);
    }

    static SignalledShmTransport eventfd() {
        return new SignalledShmTransport(false, false, true);
    }

    static SignalledShmTransport mutex() {
        return new SignalledShmTransport(false, false, false, true);
    }

    @Override
    public String key() {
        return futex ? "futex" : sysv ? "sysvsem" : eventfd ? "eventfd" : mutex ? "mutex" : "sem";
    }

    @Override
    public String label(Side side) {
        return switch (side) {
            case C -> futex ? "MAP_SHARED anonymous memory, fork; syscall(SYS_futex) wait/wake on two 32-bit words"
                    : sysv ? "MAP_SHARED anonymous memory, fork; semget(IPC_PRIVATE, 2), semop take/give, IPC_RMID"
                    : eventfd ? "MAP_SHARED anonymous memory, fork; two eventfd(EFD_SEMAPHORE), read takes 1, write gives 1"
                    : mutex ? "MAP_SHARED anonymous memory, fork; two counts under a robust pshared pthread_mutex_t,"
                            + " a pshared pthread_cond_t each (wait while 0, signal on give)"
                    : "MAP_SHARED anonymous memory, fork; two sem_t (sem_init pshared 1), sem_wait/sem_post";
            case JIPC -> futex ? "SharedMemory mapped in both JVMs; Futex.await/wake on two words of the SharedRegion"
                    : sysv ? "SharedMemory mapped in both JVMs; a SystemVSemaphores set of 2 (ftok key), op(take/give)"
                    : eventfd ? "SharedMemory mapped in both JVMs; two EventFd (SEMAPHORE) inherited by the child, take/add(1)"
                    : mutex ? "SharedMemory mapped in both JVMs; two counts under a RobustMutex, a SharedCondition each"
                            + " (await while 0, signal on give)"
                    : "SharedMemory mapped in both JVMs; two PosixSemaphore.init in the SharedRegion, acquire/release";
            case JNI, JDK -> null;
        };
    }

    @Override
    public String missing(Side side) {
        return side != Side.JDK ? null : eventfd ? "the JDK has no eventfd"
                : futex ? "the JDK has no futex"
                : mutex ? "the JDK has no process-shared mutexes or conditions" : "the JDK has no process-shared semaphores";
    }

    private static int length(Workload w) {
        return DATA + (w.kind() == Workload.Kind.ROUND_TRIP ? 2 : ShmTransport.slots(w.size()))
                * ShmTransport.rounded(w.size());
    }

    @Override
    public Link open(Side side, Workload w, RunContext context, Watchdog watchdog) throws Exception {
        if (PosixSemaphore.size() > B - A) {
            throw new IllegalStateException("a sem_t of " + PosixSemaphore.size() + " bytes does not fit the layout");
        }
        if (mutex && (RobustMutex.size() > COUNT_A || SharedCondition.size() > STOP_WORD - COND_A
                || COND_A % SharedCondition.alignment() != 0 || COND_B % SharedCondition.alignment() != 0)) {
            throw new IllegalStateException("a pthread_mutex_t of " + RobustMutex.size() + " bytes or a pthread_cond_t of "
                    + SharedCondition.size() + " does not fit the layout");
        }
        String name = "/jipc-xproc-" + key() + "-" + context.newPath(key(), "").getFileName() + "-"
                + ProcessHandle.current().pid();
        SharedMemory shm = SharedMemory.createExclusive(name, length(w), RunFifos.OWNER_ONLY);
        AutoCloseable remove = shm::unlink;
        Signals signals = null;
        SharedRegion region = null;
        try (shm) {
            region = shm.map();
            Signals made = Signals.make(futex, sysv, eventfd, mutex, region, w, name, true);
            signals = made;
            watchdog.onClose(made::remove); // a set goes once the child is reaped, however the run ends
            SignalWire wire = new SignalWire(region, signals, w);
            ChildJvm child = SpawnedJvm.start(context, watchdog, b -> {
                if (made.efdA != null) {
                    b.inherit(made.efdA, EVENTFD_A).inherit(made.efdB, EVENTFD_B);
                }
            },
                    Peer.args(context, this, side, w, name, String.valueOf(context.settings.timeout().toMillis())));
            watchdog.onExpiry(wire::abandon);
            return Transport.link(wire, child, wire::stop, signals, region, remove);
        } catch (Exception e) {
            PipeTransport.closeAll(e, signals, region, remove);
            throw e;
        }
    }

    @Override
    public void child(Side side, Workload w, List<String> args) throws Exception {
        Duration timeout = Duration.ofMillis(Long.parseLong(args.get(1)));
        SharedRegion region;
        try (SharedMemory shm = SharedMemory.open(args.get(0))) {
            region = shm.map();
        }
        try (region; Signals s = Signals.make(futex, sysv, eventfd, mutex, region, w, args.get(0), false)) {
            int size = w.size();
            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                echo(region, s, size, timeout);
            } else {
                send(region, s, size, timeout);
            }
        }
    }

    private static void echo(SharedRegion r, Signals s, int size, Duration timeout) throws IOException {
        byte[] buf = new byte[size];
        int req = DATA;
        int rep = DATA + ShmTransport.rounded(size);
        int seen = 0;
        for (;;) {
            if (s.futexA != null) {
                seen = awaitChange(r, s.futexA, A, seen, timeout);
                if (seen == STOP) {
                    return;
                }
            } else {
                s.take(0, timeout);
                if (r.getIntAcquire(STOP_WORD) != 0) {
                    return;
                }
            }
            r.get(req, buf, 0, size);
            r.put(rep, buf, 0, size);
            if (s.futexB != null) {
                r.putIntRelease(B, seen);
                s.futexB.wake(1);
            } else {
                s.give(1);
            }
            ChildMeter.tick();
        }
    }

    private static void send(SharedRegion r, Signals s, int size, Duration timeout) throws IOException {
        byte[] msg = Messages.array(size);
        int slots = ShmTransport.slots(size);
        int rounded = ShmTransport.rounded(size);
        for (long seq = 0;; seq++) {
            if (s.futexB != null) {
                int tail;
                while ((int) seq - (tail = r.getIntAcquire(B)) >= slots && r.getIntAcquire(STOP_WORD) == 0) {
                    awaitChange(r, s.futexB, B, tail, timeout);
                }
            } else {
                s.take(1, timeout);
            }
            if (r.getIntAcquire(STOP_WORD) != 0) {
                return; // the reader has its count and left
            }
            Messages.stamp(msg, seq);
            r.put(DATA + (int) (seq % slots) * rounded, msg, 0, size);
            if (s.futexA != null) {
                r.putIntRelease(A, (int) (seq + 1));
                s.futexA.wake(1);
            } else {
                s.give(0);
            }
            ChildMeter.tick();
        }
    }

    /** Waits while the word at offset holds old; returns its new value. */
    private static int awaitChange(SharedRegion r, Futex f, int offset, int old, Duration timeout) throws IOException {
        int v;
        while ((v = r.getIntAcquire(offset)) == old) {
            if (!f.await(old, timeout)) {
                throw new IllegalStateException("the other side stopped answering");
            }
        }
        return v;
    }

    /** The two semaphores (POSIX, or one System V set) or the two futex words of one side, closed together. */
    static final class Signals implements AutoCloseable {
        final PosixSemaphore semA;
        final PosixSemaphore semB;
        final SystemVSemaphores set;
        final Futex futexA;
        final Futex futexB;
        final EventFd efdA;
        final EventFd efdB;
        /** The creator's own handle on a set, for its removal after the others are closed. */
        private final SystemVSemaphores removal;
        final RobustMutex mutex;
        final SharedCondition condA;
        final SharedCondition condB;
        private final SharedRegion region;

        private Signals(PosixSemaphore semA, PosixSemaphore semB, SystemVSemaphores set, Futex futexA, Futex futexB,
                SystemVSemaphores removal) {
            this(semA, semB, set, futexA, futexB, removal, null, null);
        }

        private Signals(SharedRegion region, RobustMutex mutex, SharedCondition condA, SharedCondition condB) {
            this.semA = null;
            this.semB = null;
            this.set = null;
            this.futexA = null;
            this.futexB = null;
            this.removal = null;
            this.efdA = null;
            this.efdB = null;
            this.region = region;
            this.mutex = mutex;
            this.condA = condA;
            this.condB = condB;
        }

        private Signals(PosixSemaphore semA, PosixSemaphore semB, SystemVSemaphores set, Futex futexA, Futex futexB,
                SystemVSemaphores removal, EventFd efdA, EventFd efdB) {
            this.semA = semA;
            this.semB = semB;
            this.set = set;
            this.futexA = futexA;
            this.futexB = futexB;
            this.removal = removal;
            this.efdA = efdA;
            this.efdB = efdB;
            this.region = null;
            this.mutex = null;
            this.condA = null;
            this.condB = null;
        }

        /**
         * The parent (init) makes the semaphores: request or full slots at 0 (semaphore 0 of a set), reply (0) or
         * empty slots (all) at 64 (semaphore 1). A set's key is ftok of the shared memory's file under /dev/shm.
         */
        static Signals make(boolean futex, boolean sysv, boolean eventfd, boolean mutex, SharedRegion r, Workload w,
                String shmName, boolean init) throws IOException {
            if (futex) {
                Futex a = Futex.at(r, A);
                try {
                    return new Signals(null, null, null, a, Futex.at(r, B), null);
                } catch (IOException | RuntimeException e) {
                    a.close();
                    throw e;
                }
            }
            int empty = w.kind() == Workload.Kind.ROUND_TRIP ? 0 : ShmTransport.slots(w.size());
            if (mutex) {
                return makeMutex(r, empty, init);
            }
            if (eventfd) {
                EventFd a = init ? EventFd.create(0, EventFdOption.SEMAPHORE) : EventFd.inherited(EVENTFD_A);
                try {
                    return new Signals(null, null, null, null, null, null, a,
                            init ? EventFd.create(empty, EventFdOption.SEMAPHORE) : EventFd.inherited(EVENTFD_B));
                } catch (IOException | RuntimeException e) {
                    a.close();
                    throw e;
                }
            }
            if (sysv) {
                SysVKey key = SysVKey.ftok(java.nio.file.Path.of("/dev/shm", shmName.substring(1)), 's');
                if (!init) {
                    return new Signals(null, null, SystemVSemaphores.open(key), null, null, null);
                }
                SystemVSemaphores removal = SystemVSemaphores.createExclusive(key, RunFifos.OWNER_ONLY, 0, empty);
                try {
                    return new Signals(null, null, SystemVSemaphores.open(key), null, null, removal);
                } catch (IOException | RuntimeException e) {
                    try (removal) {
                        removal.remove();
                    }
                    throw e;
                }
            }
            PosixSemaphore a = init ? PosixSemaphore.init(r, A, 0) : PosixSemaphore.at(r, A);
            try {
                return new Signals(a, init ? PosixSemaphore.init(r, B, empty) : PosixSemaphore.at(r, B), null, null,
                        null, null);
            } catch (IOException | RuntimeException e) {
                a.close();
                throw e;
            }
        }

        /** The mutex mechanism's: the creator initializes the mutex, the conditions and the counts (a 0, b empty). */
        private static Signals makeMutex(SharedRegion r, int empty, boolean init) throws IOException {
            RobustMutex m = init ? RobustMutex.init(r, MUTEX) : RobustMutex.at(r, MUTEX);
            SharedCondition a = null;
            try {
                a = init ? SharedCondition.init(r, COND_A) : SharedCondition.at(r, COND_A);
                SharedCondition b = init ? SharedCondition.init(r, COND_B) : SharedCondition.at(r, COND_B);
                if (init) {
                    r.putIntVolatile(COUNT_A, 0);
                    r.putIntVolatile(COUNT_B, empty);
                }
                return new Signals(r, m, a, b);
            } catch (IOException | RuntimeException e) {
                m.close();
                if (a != null) {
                    a.close();
                }
                throw e;
            }
        }

        /** The mutex mechanism's take: lock, await count n's condition while it is 0, count down, unlock. */
        private boolean mutexTake(int n, Duration timeout) throws IOException {
            long count = n == 0 ? COUNT_A : COUNT_B;
            SharedCondition c = n == 0 ? condA : condB;
            if (timeout == null) {
                mutex.lock();
            } else if (!mutex.tryLock(timeout)) {
                return false;
            }
            try {
                while (region.getInt(count) == 0) {
                    if (timeout == null) {
                        c.await(mutex);
                    } else if (!c.await(mutex, timeout)) {
                        return false;
                    }
                }
                region.putInt(count, region.getInt(count) - 1);
                return true;
            } finally {
                mutex.unlock();
            }
        }

        /** The mutex mechanism's give: lock, count up, signal count n's condition, unlock. */
        private void mutexGive(int n) throws IOException {
            long count = n == 0 ? COUNT_A : COUNT_B;
            mutex.lock();
            try {
                region.putInt(count, region.getInt(count) + 1);
                (n == 0 ? condA : condB).signal();
            } finally {
                mutex.unlock();
            }
        }

        /** Takes one from semaphore n (0: a, 1: b), untimed: the watchdog's close ends it. */
        void take(int n) throws IOException {
            if (mutex != null) {
                mutexTake(n, null);
            } else if (efdA != null) {
                (n == 0 ? efdA : efdB).take();
            } else if (set != null) {
                set.op(SemOp.take(n));
            } else {
                (n == 0 ? semA : semB).acquire();
            }
        }

        /** Takes one from semaphore n, or fails when the other side stopped answering. */
        void take(int n, Duration timeout) throws IOException {
            if (mutex != null) {
                if (!mutexTake(n, timeout)) {
                    throw new IllegalStateException("the other side stopped answering");
                }
                return;
            }
            if (efdA != null) {
                take(n); // untimed: the parent's watchdog kills this child
                return;
            }
            if (!(set != null ? set.tryOp(timeout, SemOp.take(n)) : (n == 0 ? semA : semB).tryAcquire(timeout))) {
                throw new IllegalStateException("the other side stopped answering");
            }
        }

        /** Gives one to semaphore n. */
        void give(int n) throws IOException {
            if (mutex != null) {
                mutexGive(n);
            } else if (efdA != null) {
                (n == 0 ? efdA : efdB).add(1);
            } else if (set != null) {
                set.op(SemOp.give(n));
            } else {
                (n == 0 ? semA : semB).release();
            }
        }

        /** The creator's: removes a System V set (IPC_RMID); nothing for the others. */
        void remove() throws IOException {
            if (removal != null) {
                try (removal) {
                    removal.remove();
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (mutex != null) {
                condB.close();
                condA.close();
                mutex.close();
            } else if (efdA != null) {
                efdA.close();
                efdB.close();
            } else if (futexA != null) {
                futexA.close();
                futexB.close();
            } else if (set != null) {
                set.close();
            } else {
                semA.close();
                semB.close();
            }
        }
    }

    /** The parent's side: pinger of round trips, or consumer of the ring. */
    static final class SignalWire extends Wire {
        private final SharedRegion r;
        private final Signals s;
        private final int size;
        private final boolean rtt;
        private final int slots;
        private final int rounded;
        private final byte[] msg;
        private final byte[] reply;
        private long seq;
        private long next;

        SignalWire(SharedRegion r, Signals s, Workload w) {
            this.r = r;
            this.s = s;
            this.size = w.size();
            this.rtt = w.kind() == Workload.Kind.ROUND_TRIP;
            this.slots = ShmTransport.slots(size);
            this.rounded = ShmTransport.rounded(size);
            this.msg = Messages.array(size);
            this.reply = new byte[size];
        }

        @Override
        void stamp(long sq) {
            seq = sq;
            Messages.stamp(msg, sq);
        }

        @Override
        void write() throws IOException {
            r.put(DATA, msg, 0, size);
            if (s.futexA != null) {
                r.putIntRelease(A, (int) (seq + 1));
                s.futexA.wake(1);
            } else {
                s.give(0);
            }
        }

        @Override
        boolean read() throws IOException {
            if (rtt) {
                if (s.futexB != null) {
                    await(s.futexB, B, (int) seq);
                } else {
                    s.take(1);
                }
                r.get(DATA + rounded, reply, 0, size);
                return true;
            }
            if (s.futexA != null) {
                await(s.futexA, A, (int) next);
            } else {
                s.take(0);
            }
            r.get(DATA + (int) (next % slots) * rounded, reply, 0, size);
            next++;
            if (s.futexB != null) {
                r.putIntRelease(B, (int) next);
                s.futexB.wake(1);
            } else {
                s.give(1);
            }
            return true;
        }

        /** Waits while the word at offset holds old (untimed: the watchdog's close ends it). */
        private void await(Futex f, int offset, int old) throws IOException {
            while (r.getIntAcquire(offset) == old) {
                f.await(old);
            }
        }

        @Override
        void check(long sq) {
            Messages.check(reply, sq);
        }

        /** The watchdog's: closing the handles ends any wait of this side. */
        void abandon() {
            try {
                s.close();
            } catch (IOException e) {
                // Closed already: nothing waits.
            }
        }

        /** Tells the child to end, and moves what it may be waiting on so that it sees the stop. */
        void stop() throws IOException {
            if (rtt && s.futexA != null) {
                r.putIntRelease(A, STOP);
                s.futexA.wake(1);
                return;
            }
            r.putIntRelease(STOP_WORD, 1);
            if (rtt) {
                s.give(0);
            } else if (s.futexB != null) {
                r.putIntRelease(B, (int) next + 1);
                s.futexB.wake(1);
            } else {
                s.give(1);
            }
        }
    }
}
