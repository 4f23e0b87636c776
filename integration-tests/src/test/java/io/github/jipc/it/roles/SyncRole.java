package io.github.jipc.it.roles;

import io.github.jipc.Futex;
import io.github.jipc.PosixSemaphore;
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
