package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LimitsTest {
    /** The file's whole text, by a plain read loop; "1" alone was once all that came back. */
    static String fileValue(String file) throws Exception {
        try (InputStream in = new FileInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    @Test
    void sysctlReadsTheWholeValue() throws Exception {
        String expected = fileValue("/proc/sys/fs/pipe-max-size");
        assertTrue(expected.length() > 1, expected);
        assertEquals(expected, Limits.sysctl("/proc/sys/fs/pipe-max-size"));
        assertEquals(fileValue("/proc/sys/kernel/shmmax"), Limits.sysctl("/proc/sys/kernel/shmmax"));
        assertEquals("unknown", Limits.sysctl("/proc/sys/no/such/file"));
    }
}
