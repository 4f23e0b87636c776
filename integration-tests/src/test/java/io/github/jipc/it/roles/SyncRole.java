package io.github.jipc.it.roles;

import io.github.jipc.Futex;
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
 * </pre>
 */
public final class SyncRole {
    private SyncRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 2) {
                throw new IllegalArgumentException("missing verb or shared memory name");
            }
            try (SharedMemory shm = SharedMemory.open(a[1]); SharedRegion r = shm.map()) {
                switch (a[0]) {
                    case "futex-pong" -> futexPong(r, Role.longArg(a, 2, "offset"), Role.longArg(a, 3, "rounds"));
                    default -> throw new IllegalArgumentException("unknown verb " + a[0]);
                }
            }
        });
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
