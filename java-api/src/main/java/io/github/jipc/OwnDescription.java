package io.github.jipc;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;

import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.CommonNative;

/**
 * A pipe or FIFO end's open file description, when only this process holds
 * it (made here by pipe2(2) or opened here by path, and not handed to another
 * process as it is): its {@code O_NONBLOCK} flag is then the end's to set, so
 * that a blocking-mode call can try once without waiting and skip the
 * interrupt hook and the guard (see {@link PipeEnd}). Keeps whether the
 * description is O_NONBLOCK now, whether calls try first, and hands the
 * description, or a fresh blocking one, to other processes. Its state is
 * guarded by the end's lane.
 */
final class OwnDescription {
    private final FdHandle handle;
    private final String what;
    /**
     * Whether this process alone holds the end's open file description (made
     * here by pipe2(2) or opened here by path, and not handed to another
     * process as it is), so that its O_NONBLOCK flag is this end's to set.
     * Written under the lane; once false, never true again.
     */
    private volatile boolean own;
    /** Whether the own description is O_NONBLOCK now; guarded by the lane. */
    private boolean nonblocking;
    /** When blocking-mode calls try first (the own description then stays O_NONBLOCK); guarded by the lane. */
    private final TryPolicy tries = new TryPolicy();

    /**
     * @param own whether only this process holds handle's description
     * @param what describes the end in error messages
     */
    OwnDescription(FdHandle handle, boolean own, String what) {
        this.handle = handle;
        this.own = own;
        this.what = what;
    }

    /** Whether the description is this end's own and O_NONBLOCK now; the caller holds the lane. */
    boolean isNonblocking() {
        return own && nonblocking;
    }

    /**
     * Before a blocking call waits: an end that waits at once (not trying)
     * waits in read(2)/write(2) themselves, on the description set blocking
     * again. The caller holds the lane.
     */
    void beforeWait() {
        if (nonblocking && !tries.isTrying()) {
            setNonblocking(false);
        }
    }

    /**
     * Whether a non-blocking call can use the end's own description, set
     * O_NONBLOCK for it now if need be. The caller holds the lane.
     */
    boolean forNonblockingCall() {
        return own && (nonblocking || setNonblocking(true));
    }

    /**
     * Whether a blocking-mode call should first try without waiting, on the
     * own description set O_NONBLOCK: a call that finds room or data then
     * skips the interrupt hook and the guard, which only a call that waits
     * needs. A pending interrupt takes the waiting path, whose
     * {@code begin()} closes the end as documented; an interrupt during a try
     * is seen by the next blocking call, as if it came just after this one.
     * The caller holds the lane, and reports the try's outcome
     * to {@link #tried}.
     */
    boolean tryFirst() throws AsynchronousCloseException {
        if (!own || Thread.currentThread().isInterrupted()) {
            return false;
        }
        if (!tries.shouldTry()) {
            return false;
        }
        if (nonblocking) {
            return true; // the only way to true: a try never runs on a blocking description
        }
        if (handle.isClosed()) {
            throw new AsynchronousCloseException(); // the call checked the end open: closed since
        }
        return setNonblocking(true);
    }

    /**
     * Records a try's outcome, waited telling that it found no data or no
     * room; then the call waits (see {@link #waitMode}). While the policy
     * does not try every call, calls wait on the description set blocking
     * again (see {@link #beforeWait()}): a round trip's read, say, pays no
     * try and no poll. The caller holds the lane.
     */
    void tried(boolean waited) {
        tries.tried(waited);
    }

    /**
     * The shim's mode for the waiting call after a try that found nothing:
     * on a description still O_NONBLOCK (the end keeps trying), poll(2)
     * first, as a read or write now would say EAGAIN again. Call after
     * {@link #beforeWait()}.
     */
    int waitMode() {
        return nonblocking ? PipeEnd.IO_WAIT : PipeEnd.IO_BLOCK;
    }

    /**
     * Sets or clears O_NONBLOCK on the own description; false if that failed,
     * and the end then never sets it again (a blocking call on an O_NONBLOCK
     * description still waits, by poll(2)). The caller holds the lane.
     */
    private boolean setNonblocking(boolean on) {
        if (CommonNative.jipc_set_nonblocking(handle.fd(), on ? 1 : 0) < 0) {
            own = false;
            return false;
        }
        nonblocking = on;
        return true;
    }

    /**
     * The descriptor to hand to another process (a child, or a Unix socket's
     * peer); the caller holds an acquire. That is the end's own descriptor,
     * which from then on is shared and stays blocking; or, when a call of this
     * end runs meanwhile and may have its description O_NONBLOCK, a fresh
     * blocking description of the same pipe, which the caller closes once it
     * was handed over. That one is opened through {@code /proc/self/fd}
     * (proc(5)): without /proc mounted, handing over an end that another
     * thread is using fails with that open's error.
     */
    int handOff() throws IOException {
        if (!own && !nonblocking) {
            return handle.fd();
        }
        if (handle.tryEnterLane()) {
            try {
                if (own && (!nonblocking || setNonblocking(false))) {
                    own = false;
                    return handle.fd();
                }
            } finally {
                handle.leaveLane();
            }
        }
        int fresh = CommonNative.jipc_reopen_end(handle.fd(), 0);
        if (fresh < 0) {
            throw Errors.exception(fresh, PipeCall.REOPEN, what);
        }
        return fresh;
    }
}
