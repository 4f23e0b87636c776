package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
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
 */
public final class PipeSink extends PipeEnd implements WritableByteChannel, GatheringByteChannel {

    PipeSink(int fd, String kind, boolean blocking) throws IOException {
        super(fd, kind, blocking);
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
     * @throws IllegalArgumentException if fd is negative or not the write end of a pipe or FIFO
     * @throws IpcException             EBADF if fd is not open
     * @throws IOException              if fcntl(2) fails
     */
    public static PipeSink inherited(int fd) throws IOException {
        checkInherited(fd, CommonNative.JIPC_FD_PIPE_WRITE(), "the write end of a pipe or FIFO");
        return new PipeSink(fd, "inherited pipe write end", true);
    }

    @Override
    public PipeSink configureBlocking(boolean block) throws ClosedChannelException {
        super.configureBlocking(block);
        return this;
    }

    /**
     * Writes src's remaining bytes, advancing its position by the count.
     *
     * @return the count: all remaining bytes in blocking mode (unless another
     *         thread closed this end meanwhile), what fit in non-blocking mode
     * @throws IpcException           EPIPE if no process has the read end open
     * @throws ClosedChannelException if this end is closed
     * @throws java.nio.channels.AsynchronousCloseException if another thread closes it before anything was written
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ioLock.lock();
        try {
            ensureOpen();
            if (src.isDirect()) {
                int n = (int) writeDirect(src, src.position(), src.remaining());
                src.position(src.position() + n);
                return n;
            }
            int total = 0;
            while (src.hasRemaining()) {
                ByteBuffer s = scratch();
                int chunk = Math.min(src.remaining(), s.capacity());
                s.put(0, src, src.position(), chunk);
                long n = writeDirect(s, 0, chunk);
                src.position(src.position() + (int) n);
                total += (int) n;
                if (n < chunk) {
                    break;
                }
            }
            return total;
        } finally {
            ioLock.unlock();
        }
    }

    /** One write call of len bytes at pos of direct buffer b; returns the count. */
    private long writeDirect(ByteBuffer b, int pos, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        boolean block = enter(isBlocking());
        long n = 0;
        try {
            n = PipeNative.jipc_pipe_write(ioFd(block), handle.guard(), address(b) + pos, len, mode(block));
        } finally {
            Reference.reachabilityFence(b);
            exit(block, n == -Errno.WOKEN);
        }
        return written(n, PipeCall.WRITE);
    }

    /**
     * Writes the remaining bytes of srcs[offset .. offset+length) in order,
     * like writev(2). In blocking mode everything is written.
     *
     * @return the count; in non-blocking mode, what fit
     * @throws IOException as {@link #write(ByteBuffer)}
     * @throws IndexOutOfBoundsException if offset and length do not fit srcs
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        checkRange(srcs, offset, length);
        if (!allDirect(srcs, offset, length)) {
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
        ioLock.lock();
        try {
            ensureOpen();
            long total = 0;
            int first = offset;
            int end = offset + length;
            while (first < end) {
                if (!srcs[first].hasRemaining()) {
                    first++;
                    continue;
                }
                int cnt = fillIovecs(srcs, first, end - first);
                long n = writev(cnt);
                if (n <= 0) {
                    break;
                }
                advance(srcs, first, cnt, n);
                total += n;
                if (!isBlocking()) {
                    break;
                }
            }
            return total;
        } finally {
            ioLock.unlock();
        }
    }

    private long writev(int cnt) throws IOException {
        boolean block = enter(isBlocking());
        long n = 0;
        try {
            n = PipeNative.jipc_pipe_writev(ioFd(block), handle.guard(), iovecsAddress(), cnt, mode(block));
        } finally {
            exit(block, n == -Errno.WOKEN);
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
