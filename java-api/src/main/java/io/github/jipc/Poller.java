package io.github.jipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jipc.internal.AddressCache;
import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.NativeLibrary;
import io.github.jipc.internal.jni.PollNative;

/**
 * Waits until any of many jipc handles is ready (epoll(7)): pipe and FIFO
 * ends, sockets, event counters, message queues ({@link MessageQueue}:
 * readable while a message waits, writable while there is room), and child
 * processes ({@link Subprocess}: readable once it ended). One thread can serve thousands of handles.
 *
 * <p>A child's key is reported readable once the child ended, also when it
 * had ended (and jipc had reaped it) before it was registered. jipc reaps an
 * ended child at once and lets its pidfd go, so that report also ends the
 * registration: the key comes back with {@link PollKey#isReadable()} and
 * {@link PollKey#isHandleClosed()} true, and is cancelled.
 *
 * <p><b>Why not a {@link java.nio.channels.Selector}?</b> A Selector only
 * takes channels of its own {@link java.nio.channels.spi.SelectorProvider}:
 * the JDK's selector works with the JDK's channels alone, and a provider of
 * jipc's own could not take the JDK's channels, so nothing would be gained
 * over a separate type. A {@code SelectableChannel} must also be switched to
 * non-blocking mode before registering, which sets {@code O_NONBLOCK} on the
 * open file description, shared with every process holding the pipe or
 * socket; jipc chooses blocking per call instead, and sets flags only on a
 * pipe or FIFO end's own description, which no other process holds (see
 * {@link PipeEnd}).
 * Poller offers the same shape: register with the events wanted, wait with a
 * timeout, look at the keys found ready, {@link #wakeup()} from another thread.
 *
 * <p>Registration holds the handle's descriptor, so its number is not reused
 * while registered. Closing a registered handle is reported once: its key
 * comes back from a wait with {@link PollKey#isHandleClosed()} true and is
 * cancelled. {@link #close()} wakes a thread blocked in {@link #poll} ({@link
 * AsynchronousCloseException}); an interrupt closes the poller, as for NIO
 * channels. Readiness is level-triggered: a key is reported by every wait
 * while its handle stays ready.
 */
public final class Poller extends AbstractInterruptibleChannel {
    static final int IN = PollNative.JIPC_POLL_IN();
    static final int OUT = PollNative.JIPC_POLL_OUT();
    static final int HUP = PollNative.JIPC_POLL_HUP();
    static final int ERR = PollNative.JIPC_POLL_ERR();
    private static final int MAX = PollNative.JIPC_POLL_MAX_EVENTS();
    private static final long WAKEUP_ID = 0;

    private final FdHandle epoll;
    private final EventFd wakeup;
    private final ConcurrentHashMap<Long, PollKey> keys = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<PollKey> closedHandles = new ConcurrentLinkedQueue<>();
    /** Calls of {@link #wakeup()} not yet seen by a wait: the wait that sees one returns, even empty. */
    private final java.util.concurrent.atomic.AtomicInteger userWakeups = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong ids = new AtomicLong(WAKEUP_ID + 1);
    private final ReentrantLock waitLock = new ReentrantLock();
    private final ByteBuffer events;
    private final long eventsAddress;
    private final List<PollKey> ready = new ArrayList<>();
    private final List<PollKey> readyView = Collections.unmodifiableList(ready);
    private final String description;

    private Poller(int fd, EventFd wakeup) throws IOException {
        this.description = "poller (epoll fd " + fd + ")";
        this.epoll = FdHandle.adoptGuarded(this, fd, FdHandle.Wake.FD, description);
        this.wakeup = wakeup;
        this.events = ByteBuffer.allocateDirect(2 * Long.BYTES * MAX).order(ByteOrder.nativeOrder());
        this.eventsAddress = AddressCache.lookup(events);
    }

    /**
     * Opens a poller (epoll_create1(2) with {@code EPOLL_CLOEXEC}).
     *
     * @return the poller
     * @throws IpcException EMFILE, ENFILE, ENOMEM
     */
    public static Poller open() throws IOException {
        NativeLibrary.ensureAvailable();
        EventFd wakeup = EventFd.create(0, EventFdOption.NON_BLOCKING);
        int fd = PollNative.jipc_poll_create();
        if (fd < 0) {
            wakeup.close();
            throw Errors.exception(fd, EventFdCall.EPOLL_CREATE, "poller");
        }
        Poller p;
        try {
            p = new Poller(fd, wakeup);
        } catch (IOException e) {
            wakeup.close();
            throw e;
        }
        int r = PollNative.jipc_poll_ctl(fd, PollNative.JIPC_POLL_ADD(), wakeup.handle.fd(), IN, WAKEUP_ID);
        if (r < 0) {
            p.close();
            throw Errors.exception(r, EventFdCall.EPOLL_CTL, p.description);
        }
        return p;
    }

    static int events(PollEvent... events) {
        int bits = 0;
        for (PollEvent e : Objects.requireNonNull(events, "events")) {
            bits |= Objects.requireNonNull(e, "event") == PollEvent.READ ? IN : OUT;
        }
        if (bits == 0) {
            throw new IllegalArgumentException("wait for READ, WRITE or both");
        }
        return bits;
    }

    private static Set<PollEvent> set(int bits) {
        Set<PollEvent> s = EnumSet.noneOf(PollEvent.class);
        if ((bits & IN) != 0) {
            s.add(PollEvent.READ);
        }
        if ((bits & OUT) != 0) {
            s.add(PollEvent.WRITE);
        }
        return Collections.unmodifiableSet(s);
    }

    /**
     * Registers a handle (epoll_ctl(2) {@code EPOLL_CTL_ADD}); the key holds the handle's descriptor.
     *
     * @param handle the handle, open; a {@link Subprocess} that ended already gives a key the next wait reports
     * @param events what to wait for
     * @return the key
     * @throws ClosedChannelException if the handle or this poller is closed
     * @throws java.nio.file.FileAlreadyExistsException EEXIST if the handle is registered already
     * @throws IpcException ENOSPC past {@code /proc/sys/fs/epoll/max_user_watches}
     * @throws IllegalArgumentException if handle is an {@link OpenFile} of a regular file or a directory
     */
    public PollKey register(Pollable handle, PollEvent... events) throws IOException {
        int bits = events(events);
        if (handle instanceof OpenFile file && file.isAlwaysReady()) {
            throw new IllegalArgumentException(file.description() + " is " + file.kind().phrase() + ", which is always"
                    + " ready and which epoll does not take: read or write it at once");
        }
        FdHandle h = Handles.polled(Objects.requireNonNull(handle, "handle"));
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        PollKey key = new PollKey(this, handle, h, ids.getAndIncrement(), set(bits));
        if (!h.acquire()) {
            key.released.set(true);
            return ended(key);
        }
        if (!h.onClose(key.onClose)) {
            h.release();
            key.released.set(true);
            return ended(key);
        }
        keys.put(key.id, key);
        int r = ctl(PollNative.JIPC_POLL_ADD(), h.fd(), bits, key.id);
        if (r < 0) {
            release(key);
            throw Errors.exception(r, EventFdCall.EPOLL_CTL, description + " registering " + handle);
        }
        return key;
    }

    /** A key whose handle closed before it was registered: a child that ended is reported by the next wait. */
    private PollKey ended(PollKey key) throws ClosedChannelException {
        if (!(key.handle() instanceof Subprocess)) {
            throw new ClosedChannelException();
        }
        keys.put(key.id, key);
        handleClosed(key);
        return key;
    }

    private int ctl(int op, int fd, int bits, long id) throws ClosedChannelException {
        if (!epoll.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            return PollNative.jipc_poll_ctl(epoll.fd(), op, fd, bits, id);
        } finally {
            epoll.release();
        }
    }

    void modify(PollKey key, int bits) throws IOException {
        if (!key.isValid()) {
            throw new CancelledKeyException();
        }
        int r = ctl(PollNative.JIPC_POLL_MODIFY(), key.fd.fd(), bits, key.id);
        if (r < 0) {
            throw Errors.exception(r, EventFdCall.EPOLL_CTL, description + " changing " + key.handle());
        }
        key.interest = set(bits);
    }

    void cancel(PollKey key) {
        if (keys.remove(key.id) != null) {
            // A key that never held its descriptor (a child that had ended) was never added to epoll.
            if (!key.released.get()) {
                try {
                    ctl(PollNative.JIPC_POLL_REMOVE(), key.fd.fd(), 0, key.id);
                } catch (ClosedChannelException e) {
                    // the poller is closed: its epoll instance is gone
                }
            }
            release(key);
        }
    }

    private void release(PollKey key) {
        keys.remove(key.id);
        key.fd.removeOnClose(key.onClose);
        if (key.released.compareAndSet(false, true)) {
            key.fd.release();
        }
    }

    /** Runs in the thread closing a registered handle: wakes the wait without counting as a {@link #wakeup()}. */
    void handleClosed(PollKey key) {
        key.handleClosed = true;
        closedHandles.add(key);
        addWakeup();
    }

    private void addWakeup() {
        try {
            wakeup.add(1);
        } catch (IOException e) {
            // closed: nobody waits any more
        }
    }

    /**
     * Wakes the thread blocked in {@link #poll}, or makes the next wait return at once.
     *
     * @return this poller
     */
    public Poller wakeup() {
        userWakeups.incrementAndGet();
        addWakeup();
        return this;
    }

    /**
     * Waits until a registered handle is ready, for ever.
     *
     * @return the keys ready (a view valid until the next wait); empty when woken by {@link #wakeup()}
     * @throws IOException as {@link #poll(Duration)}
     */
    public List<PollKey> poll() throws IOException {
        return poll(-1);
    }

    /**
     * Waits at most timeout until a registered handle is ready (epoll_wait(2)).
     * {@link Duration#ZERO} looks without waiting.
     *
     * @param timeout the longest wait, zero or more
     * @return the keys ready, each once (a view valid until the next wait); empty on timeout or wakeup
     * @throws IllegalArgumentException if timeout is negative
     * @throws AsynchronousCloseException if another thread closed the poller meanwhile
     * @throws java.nio.channels.ClosedByInterruptException if the thread was interrupted (the poller is closed)
     * @throws ClosedChannelException if closed
     * @throws IOException if epoll_wait(2) fails
     */
    public List<PollKey> poll(Duration timeout) throws IOException {
        return poll(SocketCalls.millis(timeout));
    }

    private List<PollKey> poll(int timeoutMs) throws IOException {
        waitLock.lock();
        try {
            for (PollKey k : ready) {
                k.ready = 0;
            }
            ready.clear();
            long deadline = timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000L : 0;
            int waitMs = timeoutMs;
            // A wake that only a closed handle's hook sent, whose key was reported already, is waited through.
            while (!waitOnce(waitMs) && timeoutMs != 0) {
                if (timeoutMs > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    waitMs = (int) Math.max(1, (left + 999_999) / 1_000_000);
                }
            }
            return readyView;
        } finally {
            waitLock.unlock();
        }
    }

    /**
     * One epoll_wait(2), its keys put in ready. False when it found nothing
     * to return but an internal wake (see {@link #handleClosed}).
     */
    private boolean waitOnce(int timeoutMs) throws IOException {
        if (!epoll.acquire()) {
            throw new ClosedChannelException();
        }
        boolean block = timeoutMs != 0;
        int n = 0;
        if (block) {
            begin();
        }
        try {
            n = PollNative.jipc_poll_wait(epoll.fd(), epoll.guard(), eventsAddress, MAX, timeoutMs);
        } finally {
            epoll.release();
            if (block) {
                end(n != -Errno.WOKEN);
            }
        }
        if (n == -Errno.WOKEN) {
            throw new AsynchronousCloseException();
        }
        if (n < 0) {
            throw Errors.exception(n, EventFdCall.EPOLL_WAIT, description);
        }
        boolean woken = false;
        boolean userWoken = false;
        for (int i = 0; i < n; i++) {
            long id = events.getLong(2 * i * Long.BYTES);
            int bits = (int) events.getLong((2 * i + 1) * Long.BYTES);
            if (id == WAKEUP_ID) {
                wakeup.take();
                woken = true;
                userWoken |= userWakeups.getAndSet(0) > 0;
                continue;
            }
            PollKey k = keys.get(id);
            if (k == null) {
                continue;
            }
            if (k.handleClosed || (k.handle() instanceof Subprocess && (bits & IN) != 0)) {
                // Closed meanwhile, or a child that ended (its pidfd goes once it is reaped): reported once, now.
                reportClosed(k, bits);
            } else {
                k.ready = bits;
                ready.add(k);
            }
        }
        for (PollKey k; (k = closedHandles.poll()) != null;) {
            if (keys.containsKey(k.id)) {
                reportClosed(k, 0);
            }
        }
        return !ready.isEmpty() || !woken || userWoken;
    }

    /** Reports k's handle closed (a child's: ended), once, and cancels k. */
    private void reportClosed(PollKey k, int bits) {
        k.closeReported = true;
        k.ready |= bits;
        if (k.handle() instanceof Subprocess && k.interest.contains(PollEvent.READ)) {
            k.ready |= IN;
        }
        k.cancelled = true;
        cancel(k);
        if (!ready.contains(k)) {
            ready.add(k);
        }
    }

    /** {@return the keys registered now} */
    public Set<PollKey> keys() {
        return Set.copyOf(keys.values());
    }

    @Override
    protected void implCloseChannel() throws IOException {
        epoll.close();
        for (PollKey k : List.copyOf(keys.values())) {
            release(k);
        }
        wakeup.close();
    }

    @Override
    public String toString() {
        return "Poller[" + description + ", " + keys.size() + " keys" + (isOpen() ? "" : ", closed") + "]";
    }
}
