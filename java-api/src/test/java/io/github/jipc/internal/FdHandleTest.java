package io.github.jipc.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.jipc.internal.jni.CommonNative;

class FdHandleTest {
    private static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    @Test
    void theDescriptorOutlivesCloseUntilTheLastCallLeaves() throws Exception {
        int fd = CommonNative.jipc_wake_create();
        FdHandle h = FdHandle.adopt(new Object(), fd, "test fd");
        assertTrue(h.acquire());
        h.close();
        assertTrue(h.isClosed());
        assertFalse(h.acquire(), "no new call on a closed handle");
        assertTrue(isOpen(fd), "a call is still inside: the number must not be reused yet");
        h.release();
        assertFalse(isOpen(fd));
        assertFalse(isOpen(h.wakeFd()));
        h.close(); // idempotent
    }

    @Test
    void closeWithoutCallsReleasesAtOnce() throws Exception {
        int fd = CommonNative.jipc_wake_create();
        FdHandle h = FdHandle.adopt(new Object(), fd, "test fd");
        h.close();
        assertFalse(isOpen(fd));
    }

    @Test
    void theAddressOfADirectBufferIgnoresItsPosition() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(16);
        long base = AddressCache.lookup(b);
        b.position(5);
        assertTrue(base != 0);
        assertTrue(AddressCache.lookup(b) == base);
        AddressCache cache = new AddressCache();
        assertTrue(cache.addressOf(b) == base);
        assertTrue(cache.addressOf(b) == base);
    }
}
