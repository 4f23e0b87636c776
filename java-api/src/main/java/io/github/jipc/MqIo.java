package io.github.jipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.time.Duration;
import java.util.Objects;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.jni.MqNative;

/**
 * The send and receive paths of {@link MessageQueue}: direct buffers go to the
 * kernel as they are (one native call, nothing allocated); heap buffers, and
 * direct buffers of a closeable arena (Java 22+), through a byte array.
 *
 * <p>A blocking call does not first try with an expired deadline, as a pipe
 * end tries on its own description: a timed call that finds the queue full
 * or empty sets up an hrtimer and finds it expired (~300 ns here, against
 * ~180 for the EAGAIN of an {@code O_NONBLOCK} description), and with the
 * try 4 KiB streams took ~10 % more CPU per message (bench/README.md).
 */
final class MqIo {
    private static final long LOW_32 = 0xffffffffL;
    private static final int PRIORITY_MAX = MqNative.JIPC_MQ_PRIO_MAX() - 1;

    private MqIo() {}

    /** 0 when sent, 1 when the queue was full (no wait, or the time ran out). */
    static int send(MessageQueue q, ByteBuffer src, int priority, long timeoutNs) throws IOException {
        Objects.requireNonNull(src, "src");
        if (priority < 0 || priority > PRIORITY_MAX) {
            throw new IllegalArgumentException(
                    "a priority is 0 to " + PRIORITY_MAX + " (MQ_PRIO_MAX - 1), got " + priority);
        }
        if (!q.isWritable()) {
            throw new NonWritableChannelException();
        }
        int len = src.remaining();
        if (len > q.messageSize()) {
            throw new IllegalArgumentException("a message of " + len + " bytes is larger than the message size of "
                    + q.description() + ", " + q.messageSize() + " bytes (mq_msgsize)");
        }
        long address = src.isDirect() ? q.perThread().addresses.addressOf(src) : 0;
        byte[] array = null;
        if (address == 0) {
            if (src.hasArray() && src.arrayOffset() + src.position() == 0) {
                array = src.array();
            } else {
                array = new byte[len];
                src.duplicate().get(array);
            }
        }
        boolean block = timeoutNs != 0;
        q.enter(block);
        int r = 0;
        try {
            int fd = q.handle.fd();
            long g = q.handle.guard();
            r = array == null ? MqNative.jipc_mq_send(fd, g, address + src.position(), len, priority, timeoutNs)
                    : MqNative.jipc_mq_send(fd, g, array, len, priority, timeoutNs);
        } finally {
            java.lang.ref.Reference.reachabilityFence(src);
            q.exit(block, r == -Errno.WOKEN);
        }
        if (r == 0) {
            src.position(src.position() + len);
            return 0;
        }
        if (r == -Errno.EAGAIN || r == -MqCall.E.ETIMEDOUT) {
            return 1;
        }
        throw Errors.exception(r, MqCall.MQ_SEND, q.description(), len);
    }

    /** The size of the message received, -1 when none was there (no wait, or the time ran out). */
    static int receive(MessageQueue q, ByteBuffer dst, long timeoutNs) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        if (!q.isReadable()) {
            throw new NonReadableChannelException();
        }
        int room = dst.remaining();
        if (room < q.messageSize()) {
            throw new IllegalArgumentException("a receive buffer of " + room + " bytes remaining is smaller than the"
                    + " message size of " + q.description() + ", " + q.messageSize() + " bytes (mq_msgsize):"
                    + " mq_receive(3) needs room for the largest message");
        }
        MessageQueue.PerThread mine = q.perThread();
        long address = dst.isDirect() ? mine.addresses.addressOf(dst) : 0;
        boolean inPlace = address == 0 && dst.hasArray() && dst.arrayOffset() + dst.position() == 0;
        byte[] array = inPlace ? dst.array() : address == 0 ? new byte[q.messageSize()] : null;
        boolean block = timeoutNs != 0;
        q.enter(block);
        long r = 0;
        try {
            int fd = q.handle.fd();
            long g = q.handle.guard();
            r = array == null ? MqNative.jipc_mq_receive(fd, g, address + dst.position(), room, timeoutNs)
                    : MqNative.jipc_mq_receive(fd, g, array, inPlace ? room : array.length, timeoutNs);
        } finally {
            java.lang.ref.Reference.reachabilityFence(dst);
            q.exit(block, r == -Errno.WOKEN);
        }
        if (r >= 0) {
            int size = (int) (r & LOW_32);
            mine.priority = (int) (r >>> 32);
            if (array != null && !inPlace) {
                dst.put(array, 0, size);
            } else {
                dst.position(dst.position() + size);
            }
            return size;
        }
        if (r == -Errno.EAGAIN || r == -MqCall.E.ETIMEDOUT) {
            return -1;
        }
        throw Errors.exception(r, MqCall.MQ_RECEIVE, q.description(), room);
    }

    /** A timeout as the shims take it: 0 for none at all, else nanoseconds (at most Long.MAX_VALUE). */
    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
