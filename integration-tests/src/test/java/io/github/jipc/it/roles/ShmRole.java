package io.github.jipc.it.roles;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.jipc.IpcException;
import io.github.jipc.MapOption;
import io.github.jipc.MemoryFile;
import io.github.jipc.SharedMemory;
import io.github.jipc.SharedRegion;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;

/**
 * The JVM side of shared memory between processes, one verb per run: the
 * same steps as the C peer {@code shm_peer}, through jipc.
 *
 * <p>Usage:
 * <pre>
 * ShmRole sysv-control &lt;key&gt; &lt;size&gt; &lt;text&gt;   create, write, READY, gate (stdin), detach, remove
 * ShmRole sysv-read &lt;key&gt;                     open, attach read-only, print the text
 * ShmRole sysv-open &lt;key&gt;                     open and attach read-write (a permission check)
 * ShmRole posix-read &lt;name&gt; | posix-write &lt;name&gt; &lt;text&gt; | posix-open &lt;name&gt;
 * ShmRole memfd-read &lt;fd&gt; | memfd-write &lt;fd&gt; &lt;text&gt; | shm-read &lt;fd&gt;
 * ShmRole add &lt;fd&gt; &lt;offset&gt; &lt;count&gt;            getAndAddLong 1, count times, after the gate
 * ShmRole posix-fill &lt;name&gt; &lt;big&gt; &lt;small&gt;      create one too big for /dev/shm, then one that fits
 * </pre>
 */
public final class ShmRole {
    private ShmRole() {}

    public static void main(String[] args) {
        Role.run(args, a -> {
            if (a.length < 2) {
                throw new IllegalArgumentException("missing verb or its argument");
            }
            switch (a[0]) {
                case "sysv-control" -> sysvControl(SysVKey.of(Role.intArg(a, 1, "key")), Role.longArg(a, 2, "size"), a[3]);
                case "sysv-read" -> {
                    try (SharedRegion r = SystemVSharedMemory.open(SysVKey.of(Role.intArg(a, 1, "key"))).attach(MapOption.READ_ONLY)) {
                        Role.say("RESULT text=" + text(r));
                    }
                }
                case "sysv-open" -> {
                    try (SharedRegion r = SystemVSharedMemory.open(SysVKey.of(Role.intArg(a, 1, "key"))).attach()) {
                        Role.say("RESULT opened size=" + r.size());
                    }
                }
                case "posix-read" -> {
                    try (SharedMemory shm = SharedMemory.openReadOnly(a[1]); SharedRegion r = shm.map(MapOption.READ_ONLY)) {
                        Role.say("RESULT text=" + text(r));
                    }
                }
                case "posix-write" -> {
                    try (SharedMemory shm = SharedMemory.open(a[1]); SharedRegion r = shm.map()) {
                        write(r, a[2]);
                    }
                }
                case "posix-open" -> {
                    try (SharedMemory shm = SharedMemory.open(a[1])) {
                        Role.say("RESULT opened size=" + shm.size());
                    }
                }
                case "memfd-read" -> {
                    try (MemoryFile m = MemoryFile.inherited(Role.intArg(a, 1, "fd")); SharedRegion r = m.map(MapOption.READ_ONLY)) {
                        Role.say("SEALS " + m.seals());
                        Role.say("RESULT text=" + text(r));
                    }
                }
                case "memfd-write" -> {
                    try (MemoryFile m = MemoryFile.inherited(Role.intArg(a, 1, "fd")); SharedRegion r = m.map()) {
                        write(r, a[2]);
                    }
                }
                case "shm-read" -> {
                    try (SharedMemory shm = SharedMemory.inherited(Role.intArg(a, 1, "fd")); SharedRegion r = shm.map()) {
                        Role.say("RESULT text=" + text(r));
                    }
                }
                case "add" -> {
                    try (MemoryFile m = MemoryFile.inherited(Role.intArg(a, 1, "fd")); SharedRegion r = m.map()) {
                        long offset = Role.longArg(a, 2, "offset");
                        long count = Role.longArg(a, 3, "count");
                        Role.ready();
                        Role.awaitStdinEof();
                        for (long i = 0; i < count; i++) {
                            r.getAndAddLong(offset, 1);
                        }
                        Role.say("RESULT added=" + count);
                    }
                }
                case "posix-fill" -> posixFill(a[1], Role.longArg(a, 2, "big size"), Role.longArg(a, 3, "small size"));
                default -> throw new IllegalArgumentException("unknown verb " + a[0]);
            }
        });
    }

    private static void sysvControl(SysVKey key, long size, String text) throws Exception {
        SystemVSharedMemory shm = SystemVSharedMemory.create(key, size, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (SharedRegion r = shm.attach()) {
            byte[] b = (text + "\0").getBytes(StandardCharsets.UTF_8);
            r.put(0, b, 0, b.length);
            Role.say("READY id=" + shm.id());
            Role.awaitStdinEof();
        }
        shm.remove();
        Role.say("RESULT removed id=" + shm.id());
    }

    /** Creates an object too big for /dev/shm (REFUSED ...), then one that fits, written to its last byte (RESULT). */
    private static void posixFill(String name, long big, long small) throws Exception {
        try (SharedMemory shm = SharedMemory.create(name, big, PosixFilePermissions.fromString("rw-------"))) {
            SharedMemory.unlink(name);
            throw new IllegalStateException(big + " bytes fit in /dev/shm: " + shm);
        } catch (IpcException e) {
            Role.say("REFUSED " + e.call() + " " + e.errnoName() + " " + e.getMessage());
        }
        try (SharedMemory shm = SharedMemory.create(name, small, PosixFilePermissions.fromString("rw-------"));
             SharedRegion r = shm.map()) {
            r.putByte(small - 1, (byte) 1);
            shm.unlink();
            Role.say("RESULT fits=" + r.size());
        }
    }

    /** The text from offset 0 up to the first NUL. */
    static String text(SharedRegion r) {
        int n = 0;
        while (n < r.size() && r.getByte(n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        r.get(0, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void write(SharedRegion r, String text) {
        byte[] b = (text + "\0").getBytes(StandardCharsets.UTF_8);
        r.put(0, b, 0, b.length);
        Role.say("RESULT wrote=" + b.length);
    }
}
