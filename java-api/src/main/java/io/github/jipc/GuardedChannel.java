package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.FdHandle;

/**
 * A handle whose blocking calls wait in native code under its guard
 * ({@link #guarded}): {@link RecordLocks}, {@link SystemVSemaphores}, and the
 * handles that wait in shared memory ({@link RegionWaitChannel}). A close wakes
 * the wait through the guard. {@link RobustMutex} uses the same parts in
 * another order: its lock installs the interrupt hook only after a first try
 * found the mutex held, between two native calls in one section.
 */
abstract class GuardedChannel extends AbstractInterruptibleChannel {
    GuardedChannel() {
    }

    /** A native call that may wait under a guard: a result {@code >= 0}, {@code -errno}, or {@code -Errno.WOKEN}. */
    @FunctionalInterface
    interface GuardedCall {
        int call(long guard);
    }

    /**
     * Runs call with handle acquired and, for a blocking call (block), the
     * interrupt hook installed.
     *
     * @return the call's result, never {@code -Errno.WOKEN}
     * @throws ClosedChannelException      ({@link #closed()}) if handle is closed
     * @throws AsynchronousCloseException  if the guard fired
     * @throws java.nio.channels.ClosedByInterruptException if a blocking call was interrupted (the handle is closed)
     */
    final int guarded(FdHandle handle, boolean block, GuardedCall call) throws IOException {
        startCall(handle, block);
        int r;
        try {
            r = call.call(handle.guard());
        } finally {
            handle.release();
        }
        return afterWait(block, r);
    }

    /**
     * The start of every guarded call: acquires handle and, for a blocking
     * call, installs the interrupt hook. The caller releases handle, then
     * calls {@link #afterWait}.
     *
     * @throws ClosedChannelException ({@link #closed()}) if handle is closed
     */
    final void startCall(FdHandle handle, boolean block) throws ClosedChannelException {
        if (!handle.acquire()) {
            throw closed();
        }
        if (block) {
            try {
                begin();
            } catch (RuntimeException | Error e) {
                handle.release();
                throw e;
            }
        }
    }

    /** What a wait on a closed handle throws. */
    ClosedChannelException closed() {
        return new ClosedChannelException();
    }

    /** Removes the interrupt hook of a blocking call, and says a fired guard (r is -WOKEN) as the exception. */
    final int afterWait(boolean block, int r) throws AsynchronousCloseException {
        boolean woken = r == -Errno.WOKEN;
        if (block) {
            end(!woken);
        }
        if (woken) {
            throw new AsynchronousCloseException();
        }
        return r;
    }
}
