package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.FdHandle;

/**
 * A handle whose blocking calls wait in native code under its guard: one
 * shape for every family but pipe ends (whose calls take turns through the
 * handle's lane, see {@link PipeEnd}). A call acquires the handle and, if it
 * may block, installs the interrupt hook ({@link #startCall}); the native
 * call waits under the guard; then the handle is released and the hook
 * removed, and a fired guard becomes {@link AsynchronousCloseException}
 * ({@link #endCall}). {@link #guarded} does all of it around one native call
 * ({@link RecordLocks}, {@link SystemVSemaphores}); {@link #enter} and
 * {@link #exit} bracket calls made elsewhere ({@link MessageQueue},
 * {@link EventFd}'s adds, {@link IpcSocket}); {@link RegionWaitChannel} waits
 * inside a shared region's native section too; {@link RobustMutex} installs
 * the hook only after a first try found the mutex held, between two native
 * calls in one section.
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
        endCall(block, r == -Errno.WOKEN);
        return r;
    }

    /**
     * Enters a native call on handle ({@link #startCall}) and returns block,
     * for calls whose wait the shim does under the guard itself.
     */
    final boolean enter(FdHandle handle, boolean block) throws ClosedChannelException {
        startCall(handle, block);
        return block;
    }

    /** Leaves a call {@link #enter} entered: releases handle, then {@link #endCall}. */
    final void exit(FdHandle handle, boolean block, boolean woken) throws AsynchronousCloseException {
        handle.release();
        endCall(block, woken);
    }

    /**
     * The start of every guarded call: acquires handle and, for a blocking
     * call, installs the interrupt hook. The caller releases handle, then
     * calls {@link #endCall}.
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

    /**
     * The end of every guarded call, after the handle's release: removes the
     * interrupt hook of a blocking call (block), and says a fired guard
     * (woken) as the exception.
     *
     * @throws AsynchronousCloseException if woken (ClosedByInterruptException if by an interrupt)
     */
    final void endCall(boolean block, boolean woken) throws AsynchronousCloseException {
        if (block) {
            end(!woken);
        }
        if (woken) {
            throw new AsynchronousCloseException();
        }
    }
}
