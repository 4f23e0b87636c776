package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jipc.internal.jni.CommonNative;

/**
 * A descriptor that no jipc handle owns, for the checks of the
 * {@code inherited(fd)} factories (which refuse a number a handle owns before
 * they look at its kind): a second open file description of a pipe end,
 * closed by {@link #close()}.
 */
final class UnownedDescriptor implements AutoCloseable {
    final int fd;

    UnownedDescriptor(PipeEnd end) {
        fd = CommonNative.jipc_reopen_end(Handles.of(end).fd(), 0);
        assertTrue(fd >= 0, "reopen of " + end + ": " + fd);
    }

    private UnownedDescriptor(int fd) {
        this.fd = fd;
    }

    /** A second open file description, read-write, of the file behind handle (through /proc/self/fd). */
    static UnownedDescriptor reopened(Inheritable handle) {
        int fd = CommonNative.jipc_open(io.github.jipc.internal.CStrings.of(java.nio.file.Path.of("/proc/self/fd/"
                + Handles.of(handle).fd())), io.github.jipc.internal.jni.MmapNative.O_RDWR(), 0);
        assertTrue(fd >= 0, "reopen of " + handle + ": " + fd);
        return new UnownedDescriptor(fd);
    }

    @Override
    public void close() {
        CommonNative.jipc_close(fd);
    }
}
