package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.MessageQueue;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.MqRole;

/**
 * The mode of a queue decides who gets in (a child JVM running as an unprivileged user), and
 * RLIMIT_MSGQUEUE how much a process may create (a child JVM that lowered its own limit).
 */
class MqPermissionsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    @Test
    void anOwnerOnlyQueueIsClosedToOtherUsers() throws Exception {
        String name = Names.queue("private");
        MessageQueue.createExclusive(name, 1, 16, PosixFilePermissions.fromString("rw-------")).close();
        try {
            Child other = harness.unprivilegedJava(MqRole.class, "open", name).start();
            String error = other.awaitLine("ERROR");
            assertTrue(error.contains("AccessDeniedException") && error.contains("EACCES"), () -> error + "\n" + other.report());
            other.assertExit(3);
        } finally {
            MessageQueue.unlink(name);
        }
        String open = Names.queue("open");
        MessageQueue.createExclusive(open, 1, 16, PosixFilePermissions.fromString("rw-rw-rw-")).close();
        try {
            Child allowed = harness.unprivilegedJava(MqRole.class, "open", open).start();
            assertEquals("opened msgsize=16", allowed.awaitLine("RESULT"));
            allowed.assertExit(0);
        } finally {
            MessageQueue.unlink(open);
        }
    }

    @Test
    void rlimitMsgqueueIsNamedWithItsValue() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        Child child = harness.java(MqRole.class, "over-rlimit", 4096).start();
        String refused = child.awaitLine("REFUSED");
        assertTrue(refused.startsWith("EMFILE") && refused.contains("RLIMIT_MSGQUEUE (4096 bytes")
                && refused.contains("ulimit -q"), () -> refused + "\n" + child.report());
        child.assertExit(0);
    }
}
