package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.MqNative;

/**
 * One registration for mq_notify(3)'s notification: "a message arrived in the
 * empty queue" (and no process was blocked receiving it, which would take it
 * instead). One-shot: after it fired, register again to re-arm. One
 * registration per queue system-wide (EBUSY for a second one); it belongs to
 * this process and ends when it fires, when this registration is closed, or
 * when this process closes any descriptor of the queue (the kernel's rule:
 * closing a {@link MessageQueue} handle of it, or starting a
 * {@link Subprocess} that inherits it, which closes the copy it made to hand
 * over). {@link #await} then returns false.
 *
 * <p>How it is delivered: jipc registers with {@code SIGEV_THREAD} at the
 * system call level, where the kernel writes a cookie to a netlink socket
 * of jipc's own when the notification fires. No signal is used and no native
 * thread runs: {@link #await} waits on that socket (woken by
 * {@link #close()}), and {@link MessageQueue#notifyOnArrival(Runnable)} does
 * so on a daemon thread that then runs the callback. glibc's own
 * {@code SIGEV_THREAD} (a helper thread calling a C function) is not used.
 *
 * <p>The other way to learn of messages is readiness: a Linux queue
 * descriptor is pollable (poll(2), epoll(7): readable while a message waits,
 * writable while there is room), so it fits a readiness loop on the queue's
 * descriptor, without registering and without one-shot semantics.
 */
public final class QueueNotification implements AutoCloseable {
    private static final int WAITING = 0;
    private static final int ARRIVED = 1;
    private static final int REMOVED = 2;
    /** Closed by {@link #close()} before it fired: an await woken by the cancellation is told so. */
    private static final int CLOSED = 3;

    private final MessageQueue queue;
    private final FdHandle socket;
    private final AtomicInteger state = new AtomicInteger(WAITING);

    private QueueNotification(MessageQueue queue, int sock) throws IOException {
        this.queue = queue;
        this.socket = FdHandle.adoptGuarded(this, sock, FdHandle.Wake.FD, "mq_notify socket of " + queue.description());
    }

    static QueueNotification register(MessageQueue q, Runnable callback) throws IOException {
        if (!q.handle.acquire()) {
            throw new ClosedChannelException();
        }
        int sock;
        try {
            sock = MqNative.jipc_mq_notify(q.handle.fd());
        } finally {
            q.handle.release();
        }
        if (sock < 0) {
            throw Errors.exception(sock, MqCall.MQ_NOTIFY, q.description());
        }
        QueueNotification n = new QueueNotification(q, sock);
        if (callback != null) {
            Thread t = new Thread(() -> n.runWhenArrived(callback), "jipc mq_notify " + q.description());
            t.setDaemon(true);
            t.start();
        }
        return n;
    }

    private void runWhenArrived(Runnable callback) {
        try {
            if (await(Duration.ofNanos(Long.MAX_VALUE))) {
                callback.run();
            }
        } catch (IOException e) {
            // closed meanwhile: the registration was cancelled, nothing to run
        }
    }

    /**
     * Waits until the notification fires, at most timeout.
     *
     * @param timeout how long to wait at most; zero or negative: only look
     * @return true once it fired (also on every later call); false if it has
     *         not fired in time, or if the registration was removed (by
     *         {@link MessageQueue#close()} of the registering handle)
     * @throws AsynchronousCloseException if this registration is closed meanwhile
     * @throws ClosedChannelException if it is closed
     * @throws IOException if waiting on the socket fails
     */
    public boolean await(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        int s = state.get();
        if (s == CLOSED) {
            throw new ClosedChannelException();
        }
        if (s != WAITING) {
            return s == ARRIVED;
        }
        long ns = timeout.isNegative() || timeout.isZero() ? 0 : saturatedNanos(timeout);
        if (!socket.acquire()) {
            throw new ClosedChannelException();
        }
        int r;
        try {
            r = MqNative.jipc_mq_notify_wait(socket.fd(), socket.guard(), ns);
        } finally {
            socket.release();
        }
        // The cancellation in close() makes the kernel report the registration
        // removed, which can reach this thread before the guard does.
        if (r == -Errno.WOKEN || state.get() == CLOSED) {
            throw new AsynchronousCloseException();
        }
        if (r < 0) {
            throw Errors.exception(r, MqCall.NOTIFY_WAIT, "mq_notify socket of " + queue.description());
        }
        if (r == MqNative.JIPC_MQ_NOTIFY_ARRIVED()) {
            state.compareAndSet(WAITING, ARRIVED);
        } else if (r == MqNative.JIPC_MQ_NOTIFY_REMOVED()) {
            state.compareAndSet(WAITING, REMOVED);
        }
        return state.get() == ARRIVED;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@return true once {@link #await} saw the notification fire} */
    public boolean hasFired() {
        return state.get() == ARRIVED;
    }

    /**
     * Cancels the registration if it has not fired (mq_notify(3) with a null
     * notification), wakes a thread in {@link #await}, and closes the socket.
     * Idempotent.
     */
    @Override
    public void close() {
        if (socket.isClosed()) {
            return;
        }
        if (state.compareAndSet(WAITING, CLOSED) && socket.acquire()) {
            try {
                // Only a registration that is still pending: one that fired is gone already.
                if (MqNative.jipc_mq_notify_wait(socket.fd(), 0, 0) == MqNative.JIPC_MQ_NOTIFY_TIMEOUT()
                        && queue.handle.acquire()) {
                    try {
                        MqNative.jipc_mq_notify_cancel(queue.handle.fd());
                    } finally {
                        queue.handle.release();
                    }
                }
            } finally {
                socket.release();
            }
        }
        socket.close();
    }

    @Override
    public String toString() {
        return "QueueNotification[" + queue.description() + ", " + (hasFired() ? "fired" : "pending") + "]";
    }
}
