package io.github.jipc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.jipc.Fifo;
import io.github.jipc.PipeSink;
import io.github.jipc.it.harness.Child;
import io.github.jipc.it.harness.Harness;
import io.github.jipc.it.roles.FifoReaderRole;
import io.github.jipc.it.roles.FifoWriterRole;
import io.github.jipc.it.roles.Transfer;

/** A FIFO's mode decides who may open it: a child JVM running as an unprivileged user is let in or kept out. */
class PermissionsTest {
    @RegisterExtension
    static final Harness harness = new Harness();

    /** A FIFO in the test's scratch folder, which every user can enter. */
    private static Fifo fifo(String name, String mode) throws Exception {
        Path path = harness.fifoPath(name);
        Files.setPosixFilePermissions(path.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        return Fifo.create(path, PosixFilePermissions.fromString(mode));
    }

    @Test
    void anOwnerOnlyFifoIsClosedToOtherUsers() throws Exception {
        Fifo fifo = fifo("private", "rw-------");
        Child writer = harness.unprivilegedJava(FifoWriterRole.class, fifo.path(), 1, 1).start();
        String error = writer.awaitLine("ERROR");
        assertTrue(error.contains("AccessDeniedException"), () -> error + "\n" + writer.report());
        writer.assertExit(3);
        Child reader = harness.unprivilegedJava(FifoReaderRole.class, fifo.path()).start();
        String readError = reader.awaitLine("ERROR");
        assertTrue(readError.contains("AccessDeniedException"), () -> readError + "\n" + reader.report());
        reader.assertExit(3);
        fifo.remove();
    }

    @Test
    void aFifoOpenToOthersLetsThemRead() throws Exception {
        Fifo fifo = fifo("public", "rw-rw-rw-");
        Child reader = harness.unprivilegedJava(FifoReaderRole.class, fifo.path()).start();
        Transfer sent = Transfer.seeded(5);
        try (PipeSink sink = fifo.openSink(Harness.TIMEOUT)) {
            sent.pour(sink, 1 << 20);
        }
        Map<String, String> got = reader.awaitResult();
        assertEquals(Transfer.expected(1 << 20, 5).crc32(), got.get("crc32"), reader::report);
        reader.assertExit(0);
        fifo.remove();
    }
}
