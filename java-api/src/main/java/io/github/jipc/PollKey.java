package io.github.jipc;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jipc.internal.FdHandle;

/**
 * The registration of a handle with a {@link Poller}, and what the last wait
 * found for it. While registered, the handle's descriptor stays ours: if the
 * handle is closed, its number is not reused until the poller reported the
 * key once with {@link #isHandleClosed()} and let it go.
 */
public final class PollKey {
    private final Poller poller;
    private final Pollable handle;
    final FdHandle fd;
    final long id;
    final Runnable onClose;
    final AtomicBoolean released = new AtomicBoolean();
    volatile Set<PollEvent> interest;
    volatile boolean handleClosed;
    /** Set by the wait that reports the close: what {@link #isHandleClosed()} says. */
    volatile boolean closeReported;
    volatile boolean cancelled;
    private volatile Object attachment;
    int ready;

    PollKey(Poller poller, Pollable handle, FdHandle fd, long id, Set<PollEvent> interest) {
        this.poller = poller;
        this.handle = handle;
        this.fd = fd;
        this.id = id;
        this.interest = interest;
        this.onClose = () -> poller.handleClosed(this);
    }

    /** {@return the handle registered} */
    public Pollable handle() {
        return handle;
    }

    /** {@return the events waited for} */
    public Set<PollEvent> interest() {
        return interest;
    }

    /**
     * {@return true if the last wait found the handle readable, or, waiting for
     * {@link PollEvent#READ}, hung up or in error: a read will not block (it
     * returns the end of the stream, or throws)}
     */
    public boolean isReadable() {
        return (ready & Poller.IN) != 0
                || ((ready & (Poller.HUP | Poller.ERR)) != 0 && interest.contains(PollEvent.READ));
    }

    /**
     * {@return true if the last wait found room to write, or, waiting for
     * {@link PollEvent#WRITE}, an error: a write will not block (it throws)}
     */
    public boolean isWritable() {
        return (ready & Poller.OUT) != 0 || ((ready & Poller.ERR) != 0 && interest.contains(PollEvent.WRITE));
    }

    /** {@return true if the last wait found the other side gone (EPOLLHUP)} */
    public boolean isHangup() {
        return (ready & Poller.HUP) != 0;
    }

    /** {@return true if the last wait found an error condition (EPOLLERR)} */
    public boolean isError() {
        return (ready & Poller.ERR) != 0;
    }

    /**
     * Whether a wait reported that the handle was closed while registered: true
     * from the wait that returned this key for the close (once), and after;
     * the key is then cancelled. A wait that found the handle ready as another
     * thread closed it reports both at once. A {@link Subprocess}'s key is
     * reported so, once, by the wait that finds the child ended.
     *
     * @return true once the close was reported
     */
    public boolean isHandleClosed() {
        return closeReported;
    }

    /** {@return true until cancelled, by {@link #cancel()}, the handle's close or the poller's} */
    public boolean isValid() {
        return !cancelled && !handleClosed;
    }

    /**
     * Changes the events waited for (epoll_ctl(2) {@code EPOLL_CTL_MOD}).
     *
     * @param events the new events, at least one
     * @return this key
     * @throws java.nio.channels.CancelledKeyException if cancelled
     * @throws java.io.IOException if epoll_ctl(2) fails
     */
    public PollKey interest(PollEvent... events) throws java.io.IOException {
        poller.modify(this, Poller.events(events));
        return this;
    }

    /** Stops waiting for the handle and lets its descriptor go; idempotent. */
    public void cancel() {
        cancelled = true;
        poller.cancel(this);
    }

    /**
     * Attaches an object, as {@link java.nio.channels.SelectionKey#attach} does.
     *
     * @param o the object, or null
     * @return the previous attachment
     */
    public Object attach(Object o) {
        Object old = attachment;
        attachment = o;
        return old;
    }

    /** {@return the attached object, or null} */
    public Object attachment() {
        return attachment;
    }

    @Override
    public String toString() {
        return "PollKey[" + handle + (isValid() ? "" : ", cancelled") + "]";
    }
}
