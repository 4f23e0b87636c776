package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Objects;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.PipeNative;

/**
 * The read end of a pipe or FIFO, see pipe(7), read(2), readv(2).
 *
 * <p>{@link #read(ByteBuffer)} returns what is in the pipe, at most the
 * buffer's remaining space; in blocking mode it waits until at least one byte
 * is there. It returns -1 once every write end is closed and the pipe is
 * drained. In non-blocking mode it returns 0 when nothing is there yet; for a
 * FIFO that includes "no writer has opened it yet".
 */
public final class PipeSource extends PipeEnd implements ReadableByteChannel, ScatteringByteChannel {

    PipeSource(int fd, String kind, boolean blocking, boolean own) throws IOException {
        super(fd, kind, blocking, own);
    }

    /**
     * Adopts a pipe or FIFO read end this process inherited as descriptor fd,
     * typically from a parent that used {@link Subprocess.Builder#inherit}.
     * The end is set close-on-exec; closing the returned channel closes fd.
     * fd's open file description is left as it is, shared with the parent:
     * blocking or not is chosen per call (RWF_NOWAIT), never by changing its
     * flags, and a description the parent made {@code O_NONBLOCK} still
     * blocks in blocking mode (by poll(2)).
     *
     * @param fd the inherited descriptor number
     * @return the read end, in blocking mode
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not the
     *         read end of a pipe or FIFO
     * @throws IpcException             EBADF if fd is not open
     * @throws IOException              if fcntl(2) fails
     */
    public static PipeSource inherited(int fd) throws IOException {
        checkInherited(fd, CommonNative.JIPC_FD_PIPE_READ(), "the read end of a pipe or FIFO");
        return new PipeSource(fd, "inherited pipe read end", true, false);
    }

    @Override
    public PipeSource configureBlocking(boolean block) throws ClosedChannelException {
        super.configureBlocking(block);
        return this;
    }

    /**
     * Reads into dst from its position, advancing the position by the count.
     *
     * @return the count; 0 if non-blocking and nothing is there (or dst is full); -1 at end of stream
     * @throws ClosedChannelException if this end is closed
     * @throws java.nio.channels.AsynchronousCloseException if another thread closes it meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread is interrupted meanwhile
     * @throws IOException            if read(2) fails
     * @throws IllegalArgumentException if dst is read-only
     * @throws IllegalStateException  if dst's memory belongs to an arena (Java 22+) that was
     *         closed: such a buffer is filled through the end's own memory, never by the kernel
     *         directly, so the bytes read meanwhile are lost with the arena
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        takeLane();
        try {
            // Position and limit read once: another thread moving them meanwhile (a misuse) must not
            // make the kernel write past the buffer.
            int pos = dst.position();
            int lim = dst.limit();
            if (pos >= lim) {
                return 0;
            }
            long base = directAddress(dst);
            ByteBuffer target = base != 0 ? dst : scratch();
            int len = base != 0 ? lim - pos : Math.min(lim - pos, SCRATCH_SIZE);
            long at = base != 0 ? base + pos : scratchAddress();
            boolean blocking = isBlocking();
            boolean triedFirst = blocking && ownDescription.tryFirst();
            if (triedFirst) {
                long n = tryRead(target, at, len);
                ownDescription.tried(n == -Errno.EAGAIN);
                if (n != -Errno.EAGAIN) {
                    return finish(dst, target, pos, n);
                }
            }
            return finish(dst, target, pos, readWaiting(target, at, len, blocking, triedFirst));
        } finally {
            leaveLane();
        }
    }

    /**
     * The read of a call that did not try first, or whose try found nothing:
     * in blocking mode the one that may wait, under the interrupt hook. Kept
     * out of {@link #read(ByteBuffer)} so that the compiler inlines the try
     * path whole.
     */
    private long readWaiting(ByteBuffer target, long at, int len, boolean blocking, boolean triedFirst)
            throws IOException {
        boolean block = enter(blocking, triedFirst);
        long n = 0;
        try {
            int fd = ioFd(block);
            int how = triedFirst ? ownDescription.waitMode() : mode(block);
            n = PipeNative.jipc_pipe_read(fd, handle.guard(), at, len, how);
        } finally {
            Reference.reachabilityFence(target);
            exit(block, n == -Errno.WOKEN);
        }
        return n;
    }

    /**
     * A read that does not wait (see {@link OwnDescription#tryFirst()}): the
     * shim's result. The lane keeps the descriptor, and a close since leaves
     * it the pipe's: the guard puts its dead end in place only to wake a
     * blocked call, and the lane's holder is this try (were it met, the shim
     * would say -WOKEN).
     */
    private long tryRead(ByteBuffer target, long at, int len) {
        try {
            return PipeNative.jipc_pipe_read(handle.fd(), handle.guard(), at, len, IO_TRY);
        } finally {
            Reference.reachabilityFence(target);
        }
    }

    /** The read's outcome: dst's position moved from pos past the n bytes read into target, or why none were. */
    private int finish(ByteBuffer dst, ByteBuffer target, int pos, long n) throws IOException {
        if (n > 0) {
            if (target == dst) {
                dst.position(pos + (int) n);
            } else {
                dst.put(target.limit((int) n));
            }
            return (int) n;
        }
        if (n == 0) {
            return -1;
        }
        if (n == -Errno.EAGAIN) {
            return hungUpBehindTwin() ? -1 : 0;
        }
        if (n == -Errno.WOKEN) {
            throw new AsynchronousCloseException();
        }
        throw failure(n, PipeCall.READ);
    }

    /**
     * Reads into dsts[offset .. offset+length) in order, like readv(2): when
     * they are all direct, in one readv call filling up to 64 of them; else
     * into the first with space remaining only.
     *
     * @return the count; 0 if non-blocking and nothing is there, or no buffer has space; -1 at end of stream
     * @throws IOException as {@link #read(ByteBuffer)}
     * @throws IllegalArgumentException if a buffer is read-only
     * @throws IndexOutOfBoundsException if offset and length do not fit dsts
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        checkRange(dsts, offset, length);
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer " + i);
            }
        }
        int first = offset;
        while (first < offset + length && !dsts[first].hasRemaining()) {
            first++;
        }
        if (first == offset + length) {
            ensureOpen();
            return 0;
        }
        if (!allPassDirectly(dsts, first, offset + length - first)) {
            return read(dsts[first]);
        }
        takeLane();
        try {
            int cnt = fillIovecs(dsts, first, offset + length - first, true);
            long n = 0;
            try {
                boolean block = enter(isBlocking());
                try {
                    n = PipeNative.jipc_pipe_readv(ioFd(block), handle.guard(), iovecsAddress(), cnt, mode(block));
                } finally {
                    exit(block, n == -Errno.WOKEN);
                }
                if (n > 0) {
                    advanceHeld(cnt, n);
                }
            } finally {
                releaseHeld(cnt);
            }
            if (n > 0) {
                return n;
            }
            return n == 0 ? -1 : n == -Errno.EAGAIN ? (hungUpBehindTwin() ? -1 : 0) : thrown(n);
        } finally {
            leaveLane();
        }
    }

    private long thrown(long n) throws IOException {
        throw failure(n, PipeCall.READV);
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    /**
     * The number of bytes waiting in the pipe (ioctl(2) {@code FIONREAD}).
     *
     * @return the bytes a read could take now without waiting
     * @throws ClosedChannelException if this end is closed
     * @throws IpcException           if ioctl(2) fails
     */
    public int available() throws IOException {
        return (int) available(this);
    }

    /** FIFO read ends: 1 if a writer is connected or data waits, 0 if not, -errno. */
    int hasWriter() throws ClosedChannelException {
        if (!handle.acquire()) {
            throw closedError();
        }
        try {
            return io.github.jipc.internal.jni.FifoNative.jipc_fifo_has_writer(handle.fd());
        } finally {
            handle.release();
        }
    }
}
