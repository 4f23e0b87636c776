package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.SharedMemory;
import io.github.jipc.SysVKey;
import io.github.jipc.SystemVSharedMemory;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.ShmRole;

/** The mode of a segment or object decides who gets in: a child JVM running as an unprivileged user. */
class ShmPermissionsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void anOwnerOnlySegmentIsClosedToOtherUsers() throws Exception {
        int key = Names.key();
        SystemVSharedMemory shm = SystemVSharedMemory.create(SysVKey.of(key), 4096, PosixFilePermissions.fromString("rw-------"));
        try {
            Child other = harness.unprivilegedJava(ShmRole.class, "sysv-open", key).start();
            String error = other.awaitLine("ERROR");
            assertTrue(error.contains("AccessDeniedException") && error.contains("EACCES"), () -> error + "\n" + other.report());
            other.assertExit(3);
            shm.setPermissions(PosixFilePermissions.fromString("rw-rw-rw-"));
            Child allowed = harness.unprivilegedJava(ShmRole.class, "sysv-open", key).start();
            assertEquals("opened size=4096", allowed.awaitLine("RESULT"));
            allowed.assertExit(0);
        } finally {
            shm.remove();
        }
    }

    @Test
    void anOwnerOnlyPosixObjectIsClosedToOtherUsers() throws Exception {
        String name = "/" + Names.PREFIX + "private";
        SharedMemory.createExclusive(name, 4096, PosixFilePermissions.fromString("rw-------")).close();
        try {
            Child other = harness.unprivilegedJava(ShmRole.class, "posix-open", name).start();
            String error = other.awaitLine("ERROR");
            assertTrue(error.contains("AccessDeniedException") && error.contains("EACCES"), () -> error + "\n" + other.report());
            other.assertExit(3);
        } finally {
            SharedMemory.unlink(name);
        }
    }
}
