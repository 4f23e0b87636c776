package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JipcTest {
    @Test
    void theNativeLibraryLoadsHere() {
        assertTrue(Jipc.isAvailable(), () -> String.valueOf(Jipc.unavailabilityCause()));
        assertNull(Jipc.unavailabilityCause());
        assertDoesNotThrow(Jipc::ensureAvailable);
        assertTrue(Jipc.platform().startsWith("linux-"), Jipc.platform());
    }

    @Test
    void ipcExceptionCarriesItsParts() {
        IpcException e = new IpcException(32, "EPIPE", "write", "pipe write end (fd 9)", "write: EPIPE (Broken pipe)");
        assertEquals(32, e.errno());
        assertEquals("EPIPE", e.errnoName());
        assertEquals("write", e.call());
        assertEquals("pipe write end (fd 9)", e.object());
        assertEquals("pipe write end (fd 9): write: EPIPE (Broken pipe)", e.getMessage());
    }
}
