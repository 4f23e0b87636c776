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

    @Override
    public void close() {
        CommonNative.jipc_close(fd);
    }
}
