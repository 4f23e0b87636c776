package io.github.jipc.it.roles;

import java.nio.file.Path;

import io.github.jipc.LockOption;
import io.github.jipc.MappedFile;
import io.github.jipc.RecordLock;
import io.github.jipc.RecordLocks;
import io.github.jipc.SharedRegion;

/**
 * The JVM side of record locks between processes: the same verbs as the C
 * peer {@code lock_peer}, through jipc (open-file-description locks, or
 * classic ones with {@code --classic}).
 *
 * <p>Usage:
 * <pre>
 * LockRole hold &lt;path&gt; [--classic]                 lock the whole file, READY, wait for end of stdin
 * LockRole count &lt;path&gt; &lt;offset&gt; &lt;n&gt; [--classic]   after the gate, n times: lock, counter + 1 (plain), unlock
 * </pre>
 */
public final class LockRole {
    private LockRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 2) {
                throw new IllegalArgumentException("missing verb or path");
            }
            Path path = Path.of(a[1]);
            LockOption[] kind = Role.flag(a, "classic") ? new LockOption[] { LockOption.PROCESS_ASSOCIATED } : new LockOption[0];
            switch (a[0]) {
                case "hold" -> {
                    try (RecordLocks locks = RecordLocks.open(path, kind)) {
                        locks.lock();
                        Role.ready();
                        Role.awaitStdinEof();
                        Role.say("RESULT released");
                    }
                }
                case "count" -> {
                    long offset = Role.longArg(a, 2, "offset");
                    long n = Role.longArg(a, 3, "n");
                    try (RecordLocks locks = RecordLocks.open(path, kind);
                            SharedRegion r = MappedFile.map(path, 0, java.nio.file.Files.size(path))) {
                        Role.ready();
                        Role.awaitStdinEof();
                        for (long i = 0; i < n; i++) {
                            RecordLock l = locks.lock();
                            r.putLong(offset, r.getLong(offset) + 1);
                            l.release();
                        }
                        Role.say("RESULT added=" + n);
                    }
                }
                default -> throw new IllegalArgumentException("unknown verb " + a[0]);
            }
        });
    }
}
