package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.FdHandle;

/**
 * A handle whose blocking calls wait in shared memory: {@link Futex},
 * {@link PosixSemaphore}, {@link SharedCondition} and a ring's ends. Their
 * wait runs inside the region's native section too, so that a close of the
 * region keeps it from starting.
 */
abstract class RegionWaitChannel extends GuardedChannel {
    RegionWaitChannel() {
    }

    /**
     * The blocking call, made by {@link #guardedWait} with the handle acquired
     * and the regions entered: a result {@code >= 0}, {@code -errno}, or
     * {@code -Errno.WOKEN} when the guard fired.
     *
     * @param guard        the handle's {@code jipc_guard *}
     * @param arg          what the call waits on or for, as the class defines it
     * @param timeoutNanos the call's timeout
     */
    abstract int waitNative(long guard, long arg, long timeoutNanos);

    /** {@link #guardedWait(FdHandle, SharedRegion, SharedRegion, boolean, long, long)} in one region. */
    final int guardedWait(FdHandle handle, SharedRegion region, boolean block, long arg, long timeoutNanos)
            throws IOException {
        return guardedWait(handle, region, null, block, arg, timeoutNanos);
    }

    /**
     * Runs {@link #waitNative} with handle acquired, inside region's native
     * section and then other's (either may be null: none), and for a blocking
     * call (block) with the interrupt hook installed.
     *
     * @return the call's result, never {@code -Errno.WOKEN}
     * @throws ClosedChannelException      ({@link #closed()}) if handle is closed
     * @throws AsynchronousCloseException  if the guard fired or a region was closing
     * @throws java.nio.channels.ClosedByInterruptException if a blocking call was interrupted (the handle is closed)
     */
    final int guardedWait(FdHandle handle, SharedRegion region, SharedRegion other, boolean block, long arg,
            long timeoutNanos) throws IOException {
        startCall(handle, block);
        int r;
        try {
            if (!enter(region)) {
                r = -Errno.WOKEN;
            } else {
                try {
                    if (!enter(other)) {
                        r = -Errno.WOKEN;
                    } else {
                        try {
                            r = waitNative(handle.guard(), arg, timeoutNanos);
                        } finally {
                            leave(other);
                        }
                    }
                } finally {
                    leave(region);
                }
            }
        } finally {
            handle.release();
        }
        endCall(block, r == -Errno.WOKEN);
        return r;
    }

    private static boolean enter(SharedRegion region) {
        return region == null || region.enterNative();
    }

    private static void leave(SharedRegion region) {
        if (region != null) {
            region.leaveNative();
        }
    }
}
