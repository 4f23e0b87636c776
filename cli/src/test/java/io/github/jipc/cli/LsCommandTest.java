package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.jipc.MessageQueue;

/** {@code jipc ls} in this JVM. */
@Timeout(60)
class LsCommandTest {
    @Test
    void listsAQueueWithItsAttributes() throws Exception {
        assumeTrue(LsCommand.mounted(), "/dev/mqueue is not mounted and cannot be mounted here");
        String name = "/jipc-cli-ls-" + ProcessHandle.current().pid();
        try (MessageQueue q = MessageQueue.createExclusive(name, 3, 100, PosixFilePermissions.fromString("rw-r-----"))) {
            q.send(new byte[42], 1);
            StringWriter out = new StringWriter();
            int code = JipcCommand.commandLine().setOut(new PrintWriter(out, true)).execute("ls");
            assertEquals(0, code, out.toString());
            String line = out.toString().lines().filter(l -> l.contains(name)).findFirst().orElse("");
            assertTrue(line.matches("\\s+" + name + "\\s+\\S+\\s+rw-r-----\\s+1\\s+3\\s+100\\s+42\\s+-"), out.toString());
        } finally {
            MessageQueue.unlink(name);
        }
    }
}
