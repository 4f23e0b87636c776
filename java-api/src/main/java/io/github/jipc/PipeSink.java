package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.PipeNative;

/**
 * The write end of a pipe or FIFO, see pipe(7), write(2), writev(2).
 *
 * <p>In blocking mode {@link #write(ByteBuffer)} returns once every remaining
 * byte is in the pipe, waiting for a reader to make room. In non-blocking mode
 * it writes what fits and returns the count, 0 when the pipe is full. Writes
 * of at most {@code PIPE_BUF} (4096) bytes are atomic. Writing when no
 * process has the read end open fails with an {@link IpcException} EPIPE; the
 * SIGPIPE that comes with it does not kill the JVM.
 *
 * <p><b>Partial writes.</b> One rule holds for every write (single and
 * gathering; heap, direct and mixed buffers; pipes and FIFOs): a buffer's
 * position always moves past exactly the bytes that reached the pipe, also
 * when an exception ends the call. A blocking write returns normally only
 * when every byte is in; if the read end goes away meanwhile it throws
 * EPIPE, if another thread closes this end {@code AsynchronousCloseException},
 * if the thread is interrupted {@code ClosedByInterruptException} (the end
 * is closed), each after the bytes already moved, which the position shows.
 * As in {@code java.nio}, an exception never means "nothing was written":
 * compare the position with its value before the call. A gathering write
 * moves the buffers' positions in order, so the first buffer with bytes
 * remaining is where the pipe's content stops.
 */
public final class PipeSink extends PipeEnd implements WritableByteChannel, GatheringByteChannel {

    PipeSink(int fd, String kind, boolean blocking, boolean own) throws IOException {
        super(fd, kind, blocking, own);
    }

    /**
     * Adopts a pipe or FIFO write end this process inherited as descriptor fd,
     * typically from a parent that used {@link Subprocess.Builder#inherit}.
     * The end is set close-on-exec; closing the returned channel closes fd.
     * fd's open file description is left as it is, shared with the parent:
     * blocking or not is chosen per call (RWF_NOWAIT), never by changing its
     * flags, and a description the parent made {@code O_NONBLOCK} still
     * blocks in blocking mode (by poll(2)).
     *
     * @param fd the inherited descriptor number
     * @return the write end, in blocking mode
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not the
     *         write end of a pipe or FIFO
     * @throws IpcException             EBADF if fd is not open
     * @throws IOException              if fcntl(2) fails
     */
    public static PipeSink inherited(int fd) throws IOException {
        checkInherited(fd, CommonNative.JIPC_FD_PIPE_WRITE(), "the write end of a pipe or FIFO");
        return new PipeSink(fd, "inherited pipe write end", true, false);
    }

    @Override
    public PipeSink configureBlocking(boolean block) throws ClosedChannelException {
        super.configureBlocking(block);
        return this;
    }

    /**
     * Writes src's remaining bytes, advancing its position by the count.
     *
     * <p>In blocking mode the call returns only once every remaining byte is
     * in the pipe; if it ends early with an exception, src's position has
     * moved past exactly the bytes that reached the pipe (see the class
     * documentation for the rule every write follows).
     *
     * @return the count: all remaining bytes in blocking mode, what fit in non-blocking mode
     * @throws IpcException           EPIPE if no process has the read end open
     * @throws ClosedChannelException if this end was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws IllegalStateException  if src's memory belongs to an arena (Java 22+) that was
     *         closed: such a buffer is copied into the end's own memory first, so nothing of it
     *         is written
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        takeLane();
        try {
            int start = src.position();
            long base = directAddress(src);
            while (src.hasRemaining()) {
                int want;
                long n;
                if (base != 0) {
                    int pos = src.position(); // and the limit: read once each (see PipeSource.read)
                    want = Math.max(0, src.limit() - pos);
                    n = writeOnce(src, src, base + pos, want);
                } else {
                    ByteBuffer s = scratch();
                    want = Math.min(src.remaining(), s.capacity());
                    s.put(0, src, src.position(), want);
                    n = writeOnce(src, s, scratchAddress(), want);
                }
                if (n < want && !isBlocking()) {
                    break;
                }
            }
            return src.position() - start;
        } finally {
            leaveLane();
        }
    }

    /**
     * One write(2) of len bytes at address, whose memory mem keeps reachable;
     * src's position moves by the count before any exception leaves. A
     * blocking write that stopped short was ended by a close of this end
     * (thrown here) or by an error its caller meets on the next call. In
     * blocking mode a try without waiting may come first (see
     * {@link OwnDescription#tryFirst()}); what it left waits in the same call.
     */
    private long writeOnce(ByteBuffer src, ByteBuffer mem, long address, int len) throws IOException {
        boolean blocking = isBlocking();
        if (blocking && ownDescription.tryFirst()) {
            long n = tryWrite(mem, address, len);
            ownDescription.tried(n == -Errno.EAGAIN || (n >= 0 && n < len));
            if (n == len) {
                src.position(src.position() + (int) n);
                return n;
            }
            return afterShortTry(src, mem, address, len, n);
        }
        return writeWaiting(src, mem, address, len, blocking, false);
    }

    /** The rest of {@link #writeOnce} after a try that did not write everything: its result was n. */
    private long afterShortTry(ByteBuffer src, ByteBuffer mem, long address, int len, long n) throws IOException {
        long done = 0;
        if (n > 0) {
            src.position(src.position() + (int) n);
            done = n;
        } else if (n == -Errno.WOKEN) {
            throw new AsynchronousCloseException();
        } else if (n != -Errno.EAGAIN) {
            throw failure(n, PipeCall.WRITE);
        }
        return done + writeWaiting(src, mem, address + done, len - done, true, true);
    }

    /**
     * The write of a call that did not try first, or of what its try left: in
     * blocking mode the one that may wait, under the interrupt hook. Kept out
     * of {@link #writeOnce} so that the compiler inlines the try path whole.
     */
    private long writeWaiting(ByteBuffer src, ByteBuffer mem, long address, long len, boolean blocking,
            boolean triedFirst) throws IOException {
        boolean block = enter(blocking, triedFirst);
        long n = 0;
        try {
            int fd = ioFd(block);
            int how = triedFirst ? ownDescription.waitMode() : mode(block);
            n = PipeNative.jipc_pipe_write(fd, handle.guard(), address, len, how);
        } finally {
            Reference.reachabilityFence(mem);
            if (n > 0) {
                src.position(src.position() + (int) n);
            }
            exit(block, stoppedByClose(block, n, len));
        }
        return written(n, PipeCall.WRITE);
    }

    /**
     * A write that does not wait (see {@link OwnDescription#tryFirst()}): the
     * shim's result. The lane keeps the descriptor, and a close since leaves
     * it the pipe's: the guard puts its dead end in place only to wake a
     * blocked call, and the lane's holder is this try (were it met, the shim
     * would say -WOKEN).
     */
    private long tryWrite(ByteBuffer mem, long address, int len) {
        try {
            return PipeNative.jipc_pipe_write(handle.fd(), handle.guard(), address, len, IO_TRY);
        } finally {
            Reference.reachabilityFence(mem);
        }
    }

    /** Whether a blocking write's result (-WOKEN, or a short count) says this end was closed under it. */
    private boolean stoppedByClose(boolean block, long n, long len) {
        return n == -Errno.WOKEN || (block && n >= 0 && n < len && handle.isClosed());
    }

    /**
     * Writes the remaining bytes of srcs[offset .. offset+length) in order,
     * like writev(2). In blocking mode everything is written, or an exception
     * ends the call with each buffer's position past the bytes that reached
     * the pipe.
     *
     * @return the count; in non-blocking mode, what fit
     * @throws IOException as {@link #write(ByteBuffer)}
     * @throws IndexOutOfBoundsException if offset and length do not fit srcs
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        checkRange(srcs, offset, length);
        if (!allPassDirectly(srcs, offset, length)) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int want = srcs[i].remaining();
                int n = write(srcs[i]);
                total += n;
                if (n < want) {
                    break;
                }
            }
            return total;
        }
        takeLane();
        try {
            long total = 0;
            int first = offset;
            int end = offset + length;
            while (first < end) {
                if (!srcs[first].hasRemaining()) {
                    first++;
                    continue;
                }
                int cnt = fillIovecs(srcs, first, end - first, false);
                long want = heldBytes;
                long n = writev(cnt, want);
                total += n;
                if (n < want && !isBlocking()) {
                    break;
                }
            }
            return total;
        } finally {
            leaveLane();
        }
    }

    /** One writev(2) of the cnt buffers {@link #fillIovecs} holds, want bytes in all. */
    private long writev(int cnt, long want) throws IOException {
        long n = 0;
        try {
            boolean block = enter(isBlocking());
            try {
                n = PipeNative.jipc_pipe_writev(ioFd(block), handle.guard(), iovecsAddress(), cnt, mode(block));
            } finally {
                if (n > 0) {
                    advanceHeld(cnt, n);
                }
                exit(block, stoppedByClose(block, n, want));
            }
        } finally {
            releaseHeld(cnt);
        }
        return written(n, PipeCall.WRITEV);
    }

    /** A write shim's result as a count: 0 when a non-blocking end is full. */
    private long written(long n, PipeCall call) throws IOException {
        if (n >= 0) {
            return n;
        }
        if (n == -Errno.EAGAIN) {
            return 0;
        }
        throw failure(n, call);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }
}
