package io.github.jipc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModeText writes a numeric mode as the JDK writes the same permissions of a file. */
class ModeTextTest {
    @Test
    void aModeReadsAsTheJdkWritesAFilesPermissions(@TempDir Path dir) throws Exception {
        assertEquals("rw-r-----", ModeText.of(0640));
        assertEquals("rwxrwxrwx", ModeText.of(01777), "sticky and higher bits are not permissions");
        assertEquals("---------", ModeText.of(0));
        Path f = Files.createFile(dir.resolve("f"));
        for (int mode = 0; mode <= 0777; mode++) {
            Files.setAttribute(f, "unix:mode", mode);
            assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), ModeText.of(mode),
                    Integer.toOctalString(mode));
        }
    }
}
