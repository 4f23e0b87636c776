package io.github.jipc.internal;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.WakerNative;

/**
 * Owns a descriptor and, for a stream end, a second open file description of
 * it in blocking mode plus the waker that interrupts calls blocked on that one.
 *
 * <p>Every native call on the descriptors runs between {@link #acquire()} and
 * {@link #release()}. {@link #close()} wakes the callers blocked inside (see
 * jipc_waker.h) and the descriptor numbers are released only when the last of
 * them has left, so a number is never closed, and reused by another open,
 * under a running call. A {@link Cleaner} closes the descriptors of a handle
 * that was never closed.
 */
public final class FdHandle {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int CLOSED = 1;
    private static final int ONE_CALL = 2;

    private final int fd;
    private final int blockingFd;
    private final long waker;
    /** (calls in flight << 1) | CLOSED. */
    private final AtomicInteger state = new AtomicInteger();
    private final Cleaner.Cleanable closer;

    private FdHandle(Object owner, int fd, int blockingFd, long waker) {
        this.fd = fd;
        this.blockingFd = blockingFd;
        this.waker = waker;
        this.closer = CLEANER.register(owner, new Closer(fd, blockingFd, waker));
    }

    /**
     * Takes ownership of fd for owner; nothing blocks on it for long.
     *
     * @throws NullPointerException if owner is null (fd is closed first)
     */
    public static FdHandle adopt(Object owner, int fd) {
        if (owner == null) {
            CommonNative.jipc_close(fd);
            throw new NullPointerException("owner");
        }
        return new FdHandle(owner, fd, -1, 0);
    }

    /**
     * Takes ownership of fd, an O_NONBLOCK pipe or FIFO end, for owner, and
     * opens its blocking twin and waker. On failure fd is closed and the cause thrown.
     *
     * @param what describes fd in error messages
     */
    public static FdHandle adoptStream(Object owner, int fd, String what) throws IOException {
        int blocking = CommonNative.jipc_reopen_end(fd, 0);
        if (blocking < 0) {
            CommonNative.jipc_close(fd);
            throw Errors.exception(blocking, "open(/proc/self/fd)", what);
        }
        long waker = WakerNative.jipc_waker_create();
        if (waker == 0) {
            CommonNative.jipc_close(fd);
            CommonNative.jipc_close(blocking);
            throw Errors.exception(-Errno.ENOMEM, "jipc_waker_create", what);
        }
        return new FdHandle(owner, fd, blocking, waker);
    }

    /** The descriptor (for a stream end: its O_NONBLOCK description). */
    public int fd() {
        return fd;
    }

    /** The blocking description of a stream end, -1 for other handles. */
    public int blockingFd() {
        return blockingFd;
    }

    /** The address of the waker of a stream end, 0 for other handles. */
    public long waker() {
        return waker;
    }

    /** Enters a call on the descriptors; false if the handle is closed. */
    public boolean acquire() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + ONE_CALL)) {
                return true;
            }
        }
    }

    /** Leaves a call; the last call out of a closed handle releases the descriptors. */
    public void release() {
        if (state.addAndGet(-ONE_CALL) == CLOSED) {
            closer.clean();
        }
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Closes the handle: wakes the calls in flight, releases the descriptors once they left. Idempotent. */
    public void close() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
            // Closing counts as a call of its own, so nothing is freed while it wakes the others.
        } while (!state.compareAndSet(s, (s | CLOSED) + ONE_CALL));
        if (s != 0 && waker != 0) {
            WakerNative.jipc_waker_wake(waker, blockingFd);
        }
        release();
    }

    /** Holds only numbers: it must not reach the owner, or the owner would never be collected. */
    private static final class Closer implements Runnable {
        private final int fd;
        private final int blockingFd;
        private final long waker;

        Closer(int fd, int blockingFd, long waker) {
            this.fd = fd;
            this.blockingFd = blockingFd;
            this.waker = waker;
        }

        @Override
        public void run() {
            CommonNative.jipc_close(fd);
            if (blockingFd >= 0) {
                CommonNative.jipc_close(blockingFd);
            }
            if (waker != 0) {
                WakerNative.jipc_waker_free(waker);
            }
        }
    }
}
