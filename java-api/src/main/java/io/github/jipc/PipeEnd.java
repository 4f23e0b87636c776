package io.github.jipc;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

import io.github.jipc.internal.AddressCache;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.IovecLayout;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.PipeNative;

/**
 * One end of a pipe or FIFO: the parts {@link PipeSource} and {@link PipeSink} share.
 *
 * <p>An end is a byte stream, as in pipe(7): reads return whatever is there,
 * up to the buffer's remaining space, regardless of how it was written.
 * Blocking mode is the default; {@link #configureBlocking(boolean)} switches.
 * A thread blocked on an end is woken by {@link #close()} from another thread
 * ({@link AsynchronousCloseException}) and by {@link Thread#interrupt()}
 * ({@link java.nio.channels.ClosedByInterruptException}, the end is closed).
 * Operations of one end are serialized; the end is safe to share between threads.
 *
 * <p>An end whose open file description only this process holds (a
 * {@link Pipe}'s, a FIFO end opened here) tries a blocking-mode call once
 * without waiting first, on that description set {@code O_NONBLOCK}: a call
 * that finds data or room costs one system call and no interrupt hook. Only
 * a call that would wait installs the hook and waits (in poll(2), then the
 * read or write). An end whose calls mostly wait stops trying first, and its
 * calls wait in read(2) or write(2) themselves, on the description set
 * blocking again. An end handed to another process ({@link Subprocess.Builder#inherit},
 * {@link IpcSocket#send(ByteBuffer, Inheritable...)}) reaches it as a
 * blocking description, and an inherited or received end never changes the
 * flags of its description, which another process may share.
 */
public abstract sealed class PipeEnd extends AbstractInterruptibleChannel implements Inheritable, Pollable permits PipeSource, PipeSink {
    /** Heap buffers go through a direct buffer of this size. */
    static final int SCRATCH_SIZE = 64 * 1024;
    /** At most this many buffers go to one readv/writev. */
    static final int MAX_IOV = 64;

    final FdHandle handle;
    final String description;
    final AddressCache addresses = new AddressCache();
    private static final int IO_NOWAIT = PipeNative.JIPC_IO_NOWAIT();
    static final int IO_BLOCK = PipeNative.JIPC_IO_BLOCK();
    private static final int IO_NONBLOCK_FD = PipeNative.JIPC_IO_NONBLOCK_FD();
    static final int IO_TRY = PipeNative.JIPC_IO_TRY();
    static final int IO_WAIT = PipeNative.JIPC_IO_WAIT();

    /** Whether non-blocking calls can use RWF_NOWAIT on the one description (pipes), or need a twin (FIFOs). */
    private final boolean nowait;
    private volatile boolean blocking;
    /** The end's own description, when only this process holds it, and whether calls try first on it. */
    final OwnDescription ownDescription;
    private ByteBuffer scratch;
    private long scratchAddress;
    private ByteBuffer iov;
    private long iovAddress;
    /** The buffers of the readv/writev call in flight; guarded by the lane. */
    private final ByteBuffer[] held = new ByteBuffer[MAX_IOV];

    /**
     * @param own whether fd's open file description is this process's alone
     *            (see {@link OwnDescription}): made or opened here, never inherited or received
     */
    PipeEnd(int fd, String kind, boolean blocking, boolean own) throws IOException {
        this.description = kind + " (fd " + fd + ")";
        this.handle = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
        this.nowait = PipeNative.jipc_pipe_nowait(fd) > 0;
        this.blocking = blocking;
        this.ownDescription = new OwnDescription(handle, own, description);
    }

    /** Adopts an inherited descriptor after checking that it is the expected end. */
    static int checkInherited(int fd, int expectedKind, String expected) throws IOException {
        NativeLibrary.ensureAvailable();
        FdHandle.requireInheritable(fd);
        int kind = CommonNative.jipc_fd_kind(fd);
        if (kind < 0) {
            throw Errors.exception(kind, PipeCall.FSTAT, "inherited fd " + fd, "the parent did not hand this descriptor over");
        }
        if (kind != expectedKind) {
            throw new IllegalArgumentException(Handles.notHandedDown(fd, expected));
        }
        int r = CommonNative.jipc_set_cloexec(fd, 1);
        if (r < 0) {
            throw Errors.exception(r, PipeCall.FCNTL, "inherited fd " + fd);
        }
        return fd;
    }

    /**
     * Switches between blocking and non-blocking mode; takes effect for the
     * next operation. Only this handle changes: a child process holding the
     * same end has its own mode.
     *
     * @param block true for blocking mode, false for non-blocking mode
     * @return this end
     * @throws ClosedChannelException if this end is closed
     */
    public PipeEnd configureBlocking(boolean block) throws ClosedChannelException {
        ensureOpen();
        this.blocking = block;
        return this;
    }

    /**
     * Whether this end is in blocking mode, the default unless it was opened
     * with {@link PipeOption#NON_BLOCKING}.
     *
     * @return true in blocking mode, false in non-blocking mode
     */
    public boolean isBlocking() {
        return blocking;
    }

    /**
     * The pipe's capacity in bytes (fcntl(2) {@code F_GETPIPE_SZ}).
     *
     * @return the capacity in bytes
     * @throws ClosedChannelException if this end is closed
     * @throws IpcException           if fcntl(2) fails
     */
    public int capacity() throws IOException {
        return (int) call(PipeCall.GET_CAPACITY, 0);
    }

    /**
     * Sets the pipe's capacity (fcntl(2) {@code F_SETPIPE_SZ}). The kernel
     * rounds it up to a power-of-two number of pages.
     *
     * @param bytes the wanted capacity, at least 1
     * @return the capacity set, in bytes
     * @throws IpcException           EBUSY if the pipe holds more data than that
     * @throws java.nio.file.AccessDeniedException EPERM above
     *         {@code /proc/sys/fs/pipe-max-size}, or past the user's
     *         {@code /proc/sys/fs/pipe-user-pages-hard}, without CAP_SYS_RESOURCE
     * @throws ClosedChannelException if this end is closed
     * @throws IllegalArgumentException if bytes is below 1
     */
    public int setCapacity(int bytes) throws IOException {
        if (bytes < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 byte, got " + bytes);
        }
        return (int) call(PipeCall.SET_CAPACITY, bytes);
    }

    /** A short non-blocking call on the descriptor: its result, or the exception. */
    final long call(PipeCall op, int arg) throws IOException {
        if (!handle.acquire()) {
            throw closedError();
        }
        long r;
        try {
            int fd = handle.fd();
            r = switch (op) {
                case GET_CAPACITY -> PipeNative.jipc_pipe_capacity(fd);
                case SET_CAPACITY -> PipeNative.jipc_pipe_set_capacity(fd, arg);
                case AVAILABLE -> PipeNative.jipc_pipe_available(fd);
                default -> throw new AssertionError(op);
            };
        } finally {
            handle.release();
        }
        if (r < 0) {
            throw Errors.exception(r, op, description, arg);
        }
        return r;
    }

    static long available(PipeEnd end) throws IOException {
        return end.call(PipeCall.AVAILABLE, 0);
    }

    /** Why this end was closed by jipc, if it was (handed to a child by a spawn); guarded by nothing, written once. */
    volatile String closeReason;

    /** What a call on this end throws once it is closed: which end, and why if jipc closed it. */
    final ClosedHandleException closedError() {
        return new ClosedHandleException(description + " is closed" + (closeReason == null ? "" : ": " + closeReason));
    }

    /** Turns a negative I/O result into the exception to throw. */
    final IOException failure(long r, PipeCall call) {
        return Errors.exception(r, call, description);
    }

    final void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw closedError();
        }
    }

    /**
     * Takes the end's lane (see {@link FdHandle#enterLane()}): its reads, or
     * its writes, take turns, and the one holding the lane is a call in
     * flight, so the descriptor stays this end's until {@link #leaveLane()}.
     *
     * @throws ClosedChannelException if the end is closed (then the lane is not held)
     */
    final void takeLane() throws ClosedChannelException {
        if (!handle.enterLane()) {
            throw closedError();
        }
        if (!isOpen()) { // close() marks the channel closed before it closes the handle
            handle.leaveLane();
            throw closedError();
        }
    }

    final void leaveLane() {
        handle.leaveLane();
    }

    /**
     * Enters a native call under the lane: for a blocking call the interrupt
     * hook is installed.
     *
     * @throws ClosedChannelException if the end was closed since the lane was taken
     */
    final boolean enter(boolean block) throws ClosedChannelException {
        return enter(block, false);
    }

    /**
     * {@link #enter(boolean)}; started tells that the call already made a
     * try, so that a close found now happened during the call.
     */
    final boolean enter(boolean block, boolean started) throws ClosedChannelException {
        if (handle.isClosed()) {
            throw started ? new AsynchronousCloseException() : closedError();
        }
        if (block) {
            begin();
        }
        return block;
    }

    /**
     * Leaves an I/O call. woken tells that the shim returned because the handle's guard fired.
     *
     * @throws AsynchronousCloseException (or ClosedByInterruptException) if the end was closed meanwhile
     */
    final void exit(boolean block, boolean woken) throws AsynchronousCloseException {
        if (block) {
            end(!woken);
        }
        if (woken) {
            throw new AsynchronousCloseException();
        }
    }

    /**
     * The descriptor for a call: the end's own, set blocking first for a
     * blocking call of an end that waits at once, or O_NONBLOCK for a
     * non-blocking call of an own end; for a non-blocking call of an end that
     * is not its own and refuses RWF_NOWAIT (a FIFO end), its O_NONBLOCK twin.
     * The caller holds the lane.
     */
    final int ioFd(boolean block) throws IOException {
        if (block) {
            ownDescription.beforeWait();
            return handle.fd();
        }
        if (ownDescription.forNonblockingCall()) {
            return handle.fd();
        }
        return nowait ? handle.fd() : handle.nonblockingTwin();
    }

    /**
     * For an end whose non-blocking reads go through its O_NONBLOCK twin (a
     * FIFO end): whether every writer came and went. The kernel tells that
     * only to descriptions opened before the writers came, which the twin,
     * opened later, may not be; the end's own description is asked.
     */
    final boolean hungUpBehindTwin() {
        if (nowait || ownDescription.isNonblocking()) {
            return false;
        }
        return PipeNative.jipc_pipe_hung_up(handle.fd()) == 1; // the caller holds the lane
    }

    /**
     * The shim's mode for a call without a try first: blocking, or a
     * non-blocking call on an O_NONBLOCK description (the own one, or the
     * twin), or RWF_NOWAIT. Call after {@link #ioFd}.
     */
    final int mode(boolean block) {
        return block ? IO_BLOCK : ownDescription.isNonblocking() || !nowait ? IO_NONBLOCK_FD : IO_NOWAIT;
    }

    /**
     * The address of element 0 of b if native calls may use b's memory
     * directly, else 0: a heap buffer, or (Java 22+) memory of an arena that
     * another thread could close under a blocked call. Those go through the
     * end's own direct buffer. The end's own buffers have their addresses
     * kept aside, so that they never evict the caller's buffers from the cache.
     */
    final long directAddress(ByteBuffer b) {
        return b.isDirect() ? addresses.addressOf(b) : 0;
    }

    /** The address of {@link #scratch()}, once that was called; guarded by the lane. */
    final long scratchAddress() {
        return scratchAddress;
    }

    /** The direct buffer heap buffers pass through; guarded by the lane. */
    final ByteBuffer scratch() {
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);
            scratchAddress = AddressCache.lookup(scratch);
        }
        return scratch.clear();
    }

    /** An iovec array of MAX_IOV entries in native order; guarded by the lane. */
    final ByteBuffer iovecs() {
        if (iov == null) {
            iov = ByteBuffer.allocateDirect(MAX_IOV * IovecLayout.SIZE).order(ByteOrder.nativeOrder());
            iovAddress = AddressCache.lookup(iov);
        }
        return iov;
    }

    /** The address of {@link #iovecs()}. */
    final long iovecsAddress() {
        iovecs();
        return iovAddress;
    }

    /**
     * Fills iovecs with the remaining parts of bufs[offset ..], at most
     * MAX_IOV of them, and holds those buffers (see {@link #releaseHeld}):
     * each element is read once, and its position and limit once, so that
     * another thread changing the array or the buffers meanwhile (a misuse)
     * cannot point the kernel outside a buffer that stays reachable. Returns
     * how many, and {@link #heldBytes} their bytes in all.
     *
     * @throws IllegalStateException if an element is no longer a direct buffer, or (forRead) is read-only
     */
    final int fillIovecs(ByteBuffer[] bufs, int offset, int length, boolean forRead) {
        ByteBuffer v = iovecs();
        int n = Math.min(length, MAX_IOV);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer b = bufs[offset + i];
            long address = b == null ? 0 : directAddress(b);
            if (address == 0 || (forRead && b.isReadOnly())) {
                releaseHeld(i);
                throw new IllegalStateException("buffer " + (offset + i) + " changed during the call: "
                        + (b == null ? "null" : b.isDirect() ? "read-only" : "not direct"));
            }
            int pos = b.position();
            int lim = b.limit();
            int len = pos <= lim ? lim - pos : 0;
            held[i] = b;
            IovecLayout.put(v, i, address + pos, len);
            bytes += len;
        }
        heldBytes = bytes;
        return n;
    }

    /** The bytes the last {@link #fillIovecs} put in its iovecs; guarded by the lane. */
    long heldBytes;

    /** Lets go of the first n buffers {@link #fillIovecs} held, once the native call that used them returned. */
    final void releaseHeld(int n) {
        Reference.reachabilityFence(held);
        java.util.Arrays.fill(held, 0, n, null); // the end must not keep them (or their memory) alive
    }

    /** Moves the positions of the first cnt held buffers forward by n bytes in total. */
    final void advanceHeld(int cnt, long n) {
        for (int i = 0; i < cnt && n > 0; i++) {
            int step = (int) Math.min(n, held[i].remaining());
            held[i].position(held[i].position() + step);
            n -= step;
        }
    }

    static void checkRange(ByteBuffer[] bufs, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bufs.length);
        for (int i = offset; i < offset + length; i++) {
            java.util.Objects.requireNonNull(bufs[i], "buffer " + i);
        }
    }

    /** Whether every buffer's memory can go to readv/writev as it is (see {@link #directAddress}). */
    final boolean allPassDirectly(ByteBuffer[] bufs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (directAddress(bufs[i]) == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected final void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + description + (isOpen() ? "" : ", closed") + "]";
    }
}
