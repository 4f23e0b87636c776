package io.github.jipc.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.internal.jni.CommonNative;

/**
 * Owns one descriptor and the wake fd that interrupts waits on it.
 *
 * <p>Every native call on the descriptor runs between {@link #acquire()} and
 * {@link #release()}. {@link #close()} wakes the callers blocked inside and
 * the descriptor number is released only when the last of them has left, so
 * a number is never closed (and reused by another open) under a running call.
 * A {@link Cleaner} closes the descriptors of a handle that was never closed.
 */
public final class FdHandle {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int CLOSED = 1;
    private static final int ONE_CALL = 2;

    private final int fd;
    private final int wakeFd;
    /** (calls in flight << 1) | CLOSED. */
    private final AtomicInteger state = new AtomicInteger();
    private final Cleaner.Cleanable closer;

    private FdHandle(Object owner, int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.closer = CLEANER.register(owner, new Closer(fd, wakeFd));
    }

    /**
     * Takes ownership of fd for owner. On failure fd is closed and the cause thrown.
     *
     * @param what describes fd in error messages
     */
    public static FdHandle adopt(Object owner, int fd, String what) throws java.io.IOException {
        int wake = CommonNative.jipc_wake_create();
        if (wake < 0) {
            CommonNative.jipc_close(fd);
            throw Errors.exception(wake, "eventfd", what);
        }
        return new FdHandle(owner, fd, wake);
    }

    public int fd() {
        return fd;
    }

    public int wakeFd() {
        return wakeFd;
    }

    /** Enters a call on the descriptor; false if the handle is closed. */
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
        } while (!state.compareAndSet(s, s | CLOSED));
        if (s == 0) {
            closer.clean();
        } else {
            CommonNative.jipc_wake(wakeFd);
        }
    }

    /** Holds only the numbers: it must not reach the owner, or the owner would never be collected. */
    private static final class Closer implements Runnable {
        private final int fd;
        private final int wakeFd;

        Closer(int fd, int wakeFd) {
            this.fd = fd;
            this.wakeFd = wakeFd;
        }

        @Override
        public void run() {
            CommonNative.jipc_close(fd);
            CommonNative.jipc_close(wakeFd);
        }
    }
}
