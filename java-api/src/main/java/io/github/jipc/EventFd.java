package io.github.jipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

import io.github.jipc.internal.AddressCache;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.EventfdNative;

/**
 * An event counter (eventfd(2)): a 64-bit unsigned counter in the kernel.
 * {@link #add(long)} adds to it; {@link #take()} waits until it is not 0,
 * then returns it and sets it to 0, or, in semaphore mode, returns 1 and
 * takes 1. It is the lightest way to wake another thread or process, and a
 * {@link Poller} sees it readable while the counter is not 0.
 *
 * <p>Values are unsigned: the counter holds up to {@code 0xfffffffffffffffe}
 * ({@code -2L} as a Java long). Blocking mode is the default; non-blocking
 * calls are chosen per call. A blocked call is woken by {@link #close()}
 * ({@link AsynchronousCloseException}) and {@link Thread#interrupt()}. A child
 * inherits it through {@link Subprocess.Builder#inherit}, and another process
 * receives it through {@link IpcSocket#send(ByteBuffer, Inheritable...)}.
 */
public final class EventFd extends GuardedChannel implements Inheritable, Pollable {
    /** The largest value the counter holds: 2^64 - 2, as an unsigned long. */
    public static final long MAX_VALUE = -2L;
    private static final int BLOCK = EventfdNative.JIPC_EVENTFD_BLOCK();
    private static final int NOWAIT = EventfdNative.JIPC_EVENTFD_NOWAIT();

    final FdHandle handle;
    private final String description;
    private final ByteBuffer value = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
    private final long valueAddress = AddressCache.lookup(value);
    private volatile boolean blocking = true;

    private EventFd(int fd, String description) throws IOException {
        this.description = description;
        this.handle = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
    }

    static EventFd adopt(int fd, String description) throws IOException {
        return new EventFd(fd, description);
    }

    /**
     * Creates a counter (eventfd(2) with {@code EFD_CLOEXEC}).
     *
     * @param initial the starting value, 0 or more
     * @param options {@link EventFdOption#SEMAPHORE}, {@link EventFdOption#NON_BLOCKING}
     * @return the counter
     * @throws IpcException EMFILE, ENFILE, ENODEV
     * @throws IllegalArgumentException if initial is negative
     */
    public static EventFd create(int initial, EventFdOption... options) throws IOException {
        NativeLibrary.ensureAvailable();
        if (initial < 0) {
            throw new IllegalArgumentException("initial must be >= 0, got " + initial);
        }
        boolean semaphore = false;
        boolean nonBlocking = false;
        for (EventFdOption o : java.util.Objects.requireNonNull(options, "options")) {
            semaphore |= java.util.Objects.requireNonNull(o, "option") == EventFdOption.SEMAPHORE;
            nonBlocking |= o == EventFdOption.NON_BLOCKING;
        }
        int fd = EventfdNative.jipc_eventfd_create(initial, semaphore ? 1 : 0);
        if (fd < 0) {
            throw Errors.exception(fd, EventFdCall.EVENTFD, "event counter");
        }
        EventFd e = new EventFd(fd, (semaphore ? "semaphore event counter" : "event counter") + " (fd " + fd + ")");
        e.blocking = !nonBlocking;
        return e;
    }

    /**
     * Adopts an event counter this process inherited as descriptor fd; it is set close-on-exec.
     *
     * @param fd the inherited descriptor number
     * @return the counter, in blocking mode
     * @throws IllegalArgumentException if fd is negative, owned by an open jipc handle already, or not an
     *         eventfd
     * @throws IpcException EBADF if fd is not open
     */
    public static EventFd inherited(int fd) throws IOException {
        NativeLibrary.ensureAvailable();
        FdHandle.requireInheritable(fd);
        int r = EventfdNative.jipc_eventfd_is(fd);
        if (r < 0) {
            throw Errors.exception(r, EventFdCall.READLINK, "inherited fd " + fd, "the parent did not hand this descriptor over");
        }
        if (r == 0) {
            throw new IllegalArgumentException("inherited fd " + fd + " is not an eventfd");
        }
        r = CommonNative.jipc_set_cloexec(fd, 1);
        if (r < 0) {
            throw Errors.exception(r, EventFdCall.FCNTL, "inherited fd " + fd);
        }
        return new EventFd(fd, "inherited event counter (fd " + fd + ")");
    }

    /**
     * Switches between blocking and non-blocking mode for this handle's next calls.
     *
     * @param block true for blocking mode
     * @return this counter
     * @throws ClosedChannelException if closed
     */
    public EventFd configureBlocking(boolean block) throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        blocking = block;
        return this;
    }

    /** {@return whether this handle is in blocking mode} */
    public boolean isBlocking() {
        return blocking;
    }

    /**
     * Takes the counter (read(2)): its value, which becomes 0; in semaphore
     * mode 1, taken from it. Blocking mode waits while it is 0.
     *
     * @return the value taken (unsigned); 0 if non-blocking and the counter is 0
     * @throws AsynchronousCloseException if another thread closed the counter meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted meanwhile
     * @throws ClosedChannelException if closed
     * @throws IOException if read(2) fails
     */
    public long take() throws IOException {
        // Takes go one at a time (value is one buffer): the lane, whose holder is also the call in flight.
        if (!handle.enterLane()) {
            throw new ClosedChannelException();
        }
        try {
            boolean block = blocking;
            if (block) {
                begin();
            }
            int r = 0;
            try {
                r = EventfdNative.jipc_eventfd_read(handle.fd(), handle.guard(), valueAddress, block ? BLOCK : NOWAIT);
            } finally {
                endCall(block, r == -Errno.WOKEN);
            }
            if (r == -Errno.EAGAIN) {
                return 0;
            }
            if (r < 0) {
                throw Errors.exception(r, EventFdCall.READ, description);
            }
            return value.getLong(0);
        } finally {
            handle.leaveLane();
        }
    }

    /**
     * Adds n to the counter (write(2)). Blocking mode waits while the sum
     * would pass {@link #MAX_VALUE}; non-blocking mode returns false then (it
     * reads the counter's room from {@code /proc/self/fdinfo} first, since
     * poll(2) only tells room for 1; should a writer of another handle take
     * the room in between, the add waits until a take, or a close of this
     * handle ends it with {@link AsynchronousCloseException}).
     *
     * @param n the amount, 1 to {@link #MAX_VALUE} as an unsigned long (0 adds nothing)
     * @return true if added; false if non-blocking and the counter had no room
     * @throws IllegalArgumentException if n is -1 (2^64 - 1, which the counter never holds)
     * @throws AsynchronousCloseException if another thread closed the counter meanwhile
     * @throws ClosedChannelException if closed
     * @throws IOException if write(2) fails
     */
    public boolean add(long n) throws IOException {
        if (n == -1L) {
            throw new IllegalArgumentException("the counter holds at most 2^64 - 2");
        }
        boolean block = enter(handle, blocking);
        int r = 0;
        try {
            r = EventfdNative.jipc_eventfd_write(handle.fd(), handle.guard(), n, block ? BLOCK : NOWAIT);
        } finally {
            exit(handle, block, r == -Errno.WOKEN);
        }
        if (r == -Errno.EAGAIN) {
            return false;
        }
        if (r < 0) {
            throw Errors.exception(r, EventFdCall.WRITE, description);
        }
        return true;
    }

    @Override
    protected void implCloseChannel() {
        handle.close();
    }

    @Override
    public String toString() {
        return "EventFd[" + description + (isOpen() ? "" : ", closed") + "]";
    }
}
