package io.github.jipc.it.roles;

import java.time.Duration;

import io.github.jipc.Futex;
import io.github.jipc.SemOp;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.OwnerDiedException;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.RobustMutex;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;

/**
 * The JVM side of synchronization in shared memory: the same verbs as the C
 * peer {@code sync_peer}, through jipc. The memory is a POSIX shared memory
 * object the test created.
 *
 * <p>Usage:
 * <pre>
 * SyncRole futex-pong &lt;shm&gt; &lt;offset&gt; &lt;rounds&gt;   wait for 2i+1, store 2i+2 and wake, rounds times
 * SyncRole sem-produce &lt;shm&gt; &lt;count&gt; | sem-consume &lt;shm&gt; &lt;count&gt;   the {@link Ring}, unnamed semaphores
 * SyncRole named-produce &lt;shm&gt; &lt;empty&gt; &lt;full&gt; &lt;count&gt; | named-consume ...   the same, named semaphores
 * SyncRole sem-open &lt;name&gt;                     open a named semaphore (a permission check)
 * SyncRole sem-take &lt;name&gt;                     acquire a named semaphore, READY, wait for end of stdin
 * SyncRole sysv-take &lt;key&gt; &lt;undo&gt;               take semaphore 0 of a set (SEM_UNDO if undo is 1), READY, wait
 * SyncRole count &lt;lock&gt; &lt;shm&gt; &lt;offset&gt; &lt;n&gt;      after the gate, n times: lock, counter + 1 (plain), unlock;
 *                                            lock is posix:&lt;sem offset&gt;, sysv:&lt;key&gt; or mutex:&lt;offset&gt;
 * SyncRole mutex-hold &lt;shm&gt; &lt;offset&gt;            lock the robust mutex, READY, wait for end of stdin
 * SyncRole sysv-open &lt;key&gt;                     open a System V set and read semaphore 0 (a permission check)
 * </pre>
 */
public final class SyncRole {
    private SyncRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 2) {
                throw new IllegalArgumentException("missing verb or shared memory name");
            }
            if (a[0].equals("sem-open")) {
                try (PosixSemaphore s = PosixSemaphore.open(a[1])) {
                    Role.say("RESULT opened value=" + s.value());
                }
                return;
            }
            if (a[0].equals("sysv-take")) {
                try (SystemVSemaphores set = SystemVSemaphores.open(SysVKey.of(Role.intArg(a, 1, "key")))) {
                    if (!set.awaitInitialized(Duration.ofSeconds(10))) {
                        throw new IllegalStateException("the set was not initialized within 10 s");
                    }
                    set.op(Role.longArg(a, 2, "undo") == 1 ? SemOp.take(0).undo() : SemOp.take(0));
                    Role.ready();
                    Role.awaitStdinEof();
                    Role.say("RESULT taken");
                }
                return;
            }
            if (a[0].equals("sysv-open")) {
                try (SystemVSemaphores set = SystemVSemaphores.open(SysVKey.of(Role.intArg(a, 1, "key")))) {
                    Role.say("RESULT opened value=" + set.get(0));
                }
                return;
            }
            if (a[0].equals("mutex-hold")) {
                try (SharedMemory shm = SharedMemory.open(a[1]); SharedRegion r = shm.map();
                        RobustMutex m = RobustMutex.at(r, Role.longArg(a, 2, "offset"))) {
                    m.lock();
                    Role.ready();
                    Role.awaitStdinEof();
                    m.unlock();
                    Role.say("RESULT released");
                }
                return;
            }
            if (a[0].equals("count")) {
                count(a[1], a[2], Role.longArg(a, 3, "offset"), Role.longArg(a, 4, "n"));
                return;
            }
            if (a[0].equals("sem-take")) {
                try (PosixSemaphore s = PosixSemaphore.open(a[1])) {
                    s.acquire();
                    Role.ready();
                    Role.awaitStdinEof();
                    Role.say("RESULT taken");
                }
                return;
            }
            try (SharedMemory shm = SharedMemory.open(a[1]); SharedRegion r = shm.map()) {
                switch (a[0]) {
                    case "futex-pong" -> futexPong(r, Role.longArg(a, 2, "offset"), Role.longArg(a, 3, "rounds"));
                    case "sem-produce", "sem-consume" -> {
                        try (PosixSemaphore empty = PosixSemaphore.at(r, Ring.EMPTY);
                                PosixSemaphore full = PosixSemaphore.at(r, Ring.FULL)) {
                            ring(r, empty, full, a[0].endsWith("produce"), Role.longArg(a, 2, "count"));
                        }
                    }
                    case "named-produce", "named-consume" -> {
                        try (PosixSemaphore empty = PosixSemaphore.open(a[2]); PosixSemaphore full = PosixSemaphore.open(a[3])) {
                            ring(r, empty, full, a[0].endsWith("produce"), Role.longArg(a, 4, "count"));
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown verb " + a[0]);
                }
            }
        });
    }

    private static void count(String lock, String shmName, long offset, long n) throws Exception {
        try (SharedMemory shm = SharedMemory.open(shmName); SharedRegion r = shm.map()) {
            PosixSemaphore sem = null;
            SystemVSemaphores set = null;
            RobustMutex mutex = null;
            if (lock.startsWith("mutex:")) {
                mutex = RobustMutex.at(r, Long.parseLong(lock.substring(6)));
            } else if (lock.startsWith("posix:")) {
                sem = PosixSemaphore.at(r, Long.parseLong(lock.substring(6)));
            } else if (lock.startsWith("sysv:")) {
                set = SystemVSemaphores.open(SysVKey.of(Integer.parseInt(lock.substring(5))));
                set.awaitInitialized(Duration.ofSeconds(10));
            } else {
                throw new IllegalArgumentException("unknown lock " + lock);
            }
            SemOp down = SemOp.take(0).undo();
            SemOp up = SemOp.give(0).undo();
            Role.ready();
            Role.awaitStdinEof();
            for (long i = 0; i < n; i++) {
                if (mutex != null) {
                    try {
                        mutex.lock();
                    } catch (OwnerDiedException e) {
                        Role.say("OWNERDEAD");
                        mutex.markConsistent();
                    }
                    r.putLong(offset, r.getLong(offset) + 1);
                    mutex.unlock();
                    continue;
                }
                if (sem != null) {
                    sem.acquire();
                } else {
                    set.op(down);
                }
                r.putLong(offset, r.getLong(offset) + 1);
                if (sem != null) {
                    sem.release();
                } else {
                    set.op(up);
                }
            }
            Role.say("RESULT added=" + n);
            if (mutex != null) {
                mutex.close();
            } else if (sem != null) {
                sem.close();
            } else {
                set.close();
            }
        }
    }

    private static void ring(SharedRegion r, PosixSemaphore empty, PosixSemaphore full, boolean produce, long count)
            throws Exception {
        Role.ready();
        if (produce) {
            Role.say("RESULT items=" + Ring.produce(r, empty, full, count));
        } else {
            Role.say("RESULT items=" + count + " out-of-order=" + Ring.consume(r, empty, full, count));
        }
    }

    private static void futexPong(SharedRegion r, long offset, long rounds) throws Exception {
        try (Futex f = Futex.at(r, offset)) {
            Role.ready();
            for (long i = 0; i < rounds; i++) {
                int want = (int) (2 * i + 1);
                int v;
                while ((v = r.getIntVolatile(offset)) != want) {
                    f.await(v);
                }
                r.putIntVolatile(offset, want + 1);
                f.wakeAll();
            }
            Role.say("RESULT rounds=" + rounds);
        }
    }
}
