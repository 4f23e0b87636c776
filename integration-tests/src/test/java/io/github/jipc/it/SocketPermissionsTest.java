package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.IpcSocket;
import io.github.jipc.SocketType;
import io.github.jipc.UnixAddress;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.SocketRole;

/** A socket file's mode decides who may connect (unix(7)); the peer's credentials show who did. */
class SocketPermissionsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    private static IpcSocket listening(String name, String mode) throws Exception {
        Path file = SocketsBetweenJvmsTest.socketFolder().resolve(name);
        IpcSocket s = IpcSocket.listening(UnixAddress.of(file), SocketType.STREAM, 1);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return s;
    }

    @Test
    void anOwnerOnlySocketFileKeepsOtherUsersOut() throws Exception {
        try (IpcSocket server = listening("private.sock", "rw-------")) {
            Path file = ((UnixAddress) server.localAddress()).path();
            Child child = harness.unprivilegedJava(SocketRole.class, "echo", "STREAM", file).start();
            String error = child.awaitLine("ERROR");
            assertTrue(error.contains("AccessDeniedException") && error.contains("connect"), () -> error + "\n" + child.report());
            child.assertExit(3);
            Files.delete(file);
            Files.delete(file.getParent());
        }
    }

    @Test
    void aChildWithoutCapNetRawIsToldWhatToUseInstead() throws Exception {
        Child child = harness.unprivilegedJava(SocketRole.class, "raw").start();
        String error = child.awaitLine("ERROR");
        assertTrue(error.contains("AccessDeniedException") && error.contains("CAP_NET_RAW")
                && error.contains("ping_group_range"), () -> error + "\n" + child.report());
        child.assertExit(3);
    }

    @Test
    void anOpenSocketFileShowsTheUnprivilegedPeersUid() throws Exception {
        try (IpcSocket server = listening("public.sock", "rw-rw-rw-")) {
            Path file = ((UnixAddress) server.localAddress()).path();
            Child child = harness.unprivilegedJava(SocketRole.class, "echo", "STREAM", file).start();
            try (IpcSocket s = server.accept(Harness.TIMEOUT)) {
                assertEquals(65534, s.peerCredentials().uid());
                assertEquals(65534, s.peerCredentials().gid());
                s.shutdownOutput();
                child.awaitResult();
            }
            child.assertExit(0);
            Files.delete(file);
            Files.delete(file.getParent());
        }
    }
}
