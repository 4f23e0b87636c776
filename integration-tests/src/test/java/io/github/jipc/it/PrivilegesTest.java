package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Fifo;
import io.github.jipc.IpcSocket;
import io.github.jipc.MessageQueue;
import io.github.jipc.PosixSemaphore;
import io.github.jipc.SharedMemory;
import io.github.jipc.SocketType;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSemaphores;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.UnixAddress;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.AccessRole;

/**
 * Every kind of named object, as its mode says: a child JVM running as an
 * unprivileged user (nobody, through setpriv) is refused a 0600 object of
 * root's with an AccessDeniedException that names the object, its mode and
 * owner, and is let into a 0666 one. Needs root (skipped otherwise).
 */
class PrivilegesTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static final Set<PosixFilePermission> OWNER = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> EVERYONE = PosixFilePermissions.fromString("rw-rw-rw-");

    /**
     * Runs AccessRole as nobody on both objects: the first is refused, naming
     * shownAs, mode 0600 and owner root; the second is used.
     */
    private static void deniedThenAllowed(String kind, String ownerOnly, String everyone, String shownAs) throws Exception {
        Child child = harness.unprivilegedJava(AccessRole.class, kind, ownerOnly, everyone).start();
        String denied = child.awaitLine("DENIED");
        assertTrue(denied.startsWith(ownerOnly + " AccessDeniedException: ") && denied.contains(shownAs)
                && denied.contains("EACCES") && denied.contains("mode 0600 (rw-------), owner root (uid 0)")
                && denied.contains("runs as nobody (uid 65534)"), () -> denied + "\n" + child.report());
        assertEquals(everyone, child.awaitLine("ALLOWED"), child::report);
        child.assertExit(0);
    }

    /** A scratch path the unprivileged child can reach (its folder is world-searchable). */
    private static Path reachable(String name) throws Exception {
        Path p = harness.scratchFile(name);
        Files.setPosixFilePermissions(p.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static Path file(String name, Set<PosixFilePermission> mode) throws Exception {
        Path p = reachable(name);
        Files.write(p, new byte[4096]);
        Files.setPosixFilePermissions(p, mode);
        return p;
    }

    @Test
    void fifo() throws Exception {
        Fifo closed = Fifo.create(reachable("owner.fifo"), OWNER);
        Fifo open = Fifo.create(reachable("everyone.fifo"), EVERYONE);
        try {
            deniedThenAllowed("fifo", closed.path().toString(), open.path().toString(), closed.path().toString());
        } finally {
            closed.remove();
            open.remove();
        }
    }

    @Test
    void posixSharedMemory() throws Exception {
        String closed = "/" + Names.PREFIX + "priv-owner";
        String open = "/" + Names.PREFIX + "priv-everyone";
        SharedMemory.createExclusive(closed, 4096, OWNER).close();
        SharedMemory.createExclusive(open, 4096, EVERYONE).close();
        try {
            deniedThenAllowed("posix-shm", closed, open, "/dev/shm" + closed);
        } finally {
            SharedMemory.unlink(closed);
            SharedMemory.unlink(open);
        }
    }

    @Test
    void systemVSharedMemory() throws Exception {
        SysVKey closedKey = SysVKey.of(Names.key());
        SysVKey openKey = SysVKey.of(Names.key());
        SystemVSharedMemory closed = SystemVSharedMemory.createExclusive(closedKey, 4096, OWNER);
        try {
            SystemVSharedMemory open = SystemVSharedMemory.createExclusive(openKey, 4096, EVERYONE);
            try {
                deniedThenAllowed("sysv-shm", closedKey.toString(), openKey.toString(), "key " + closedKey);
            } finally {
                open.remove();
            }
        } finally {
            closed.remove();
        }
    }

    @Test
    void messageQueue() throws Exception {
        String closed = Names.queue("priv-owner");
        String open = Names.queue("priv-everyone");
        MessageQueue.createExclusive(closed, 1, 16, OWNER).close();
        MessageQueue.createExclusive(open, 1, 16, EVERYONE).close();
        try {
            deniedThenAllowed("mq", closed, open, closed);
        } finally {
            MessageQueue.unlink(closed);
            MessageQueue.unlink(open);
        }
    }

    @Test
    void namedSemaphore() throws Exception {
        String closed = "/" + Names.PREFIX + "priv-sem-owner";
        String open = "/" + Names.PREFIX + "priv-sem-everyone";
        PosixSemaphore.createExclusive(closed, 0, OWNER).close();
        PosixSemaphore.createExclusive(open, 0, EVERYONE).close();
        try {
            deniedThenAllowed("posix-sem", closed, open, "/dev/shm/sem." + closed.substring(1));
        } finally {
            PosixSemaphore.unlink(closed);
            PosixSemaphore.unlink(open);
        }
    }

    @Test
    void systemVSemaphoreSet() throws Exception {
        SysVKey closedKey = SysVKey.of(Names.key());
        SysVKey openKey = SysVKey.of(Names.key());
        try (SystemVSemaphores closed = SystemVSemaphores.createExclusive(closedKey, OWNER, 0);
                SystemVSemaphores open = SystemVSemaphores.createExclusive(openKey, EVERYONE, 0)) {
            try {
                deniedThenAllowed("sysv-sem", closedKey.toString(), openKey.toString(), "key " + closedKey);
            } finally {
                closed.remove();
                open.remove();
            }
        }
    }

    @Test
    void unixSocketPath() throws Exception {
        Path closedPath = reachable("owner.sock");
        Path openPath = reachable("everyone.sock");
        IpcSocket closed = IpcSocket.listening(UnixAddress.of(closedPath), SocketType.STREAM, 4);
        IpcSocket open = IpcSocket.listening(UnixAddress.of(openPath), SocketType.STREAM, 4);
        try {
            Files.setPosixFilePermissions(closedPath, OWNER);
            Files.setPosixFilePermissions(openPath, EVERYONE);
            deniedThenAllowed("socket", closedPath.toString(), openPath.toString(), closedPath.toString());
        } finally {
            closed.close();
            open.close();
            Files.deleteIfExists(closedPath);
            Files.deleteIfExists(openPath);
        }
    }

    @Test
    void recordLockedFile() throws Exception {
        Path closed = file("owner.lock", OWNER);
        Path open = file("everyone.lock", EVERYONE);
        try {
            deniedThenAllowed("lock-file", closed.toString(), open.toString(), closed.toString());
        } finally {
            Files.delete(closed);
            Files.delete(open);
        }
    }

    @Test
    void mappedFile() throws Exception {
        Path closed = file("owner.map", OWNER);
        Path open = file("everyone.map", EVERYONE);
        try {
            deniedThenAllowed("mapped-file", closed.toString(), open.toString(), closed.toString());
        } finally {
            Files.delete(closed);
            Files.delete(open);
        }
    }
}
