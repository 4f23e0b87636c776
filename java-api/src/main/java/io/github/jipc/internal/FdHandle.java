package io.github.jipc.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jipc.internal.jni.CommonNative;
import io.github.jipc.internal.jni.GuardNative;

/**
 * Owns a descriptor and, for handles with blocking calls, the guard that wakes
 * the calls blocked on it when the handle closes (see jipc_guard.h).
 *
 * <p>Every native call on the descriptor runs between {@link #acquire()} and
 * {@link #release()}. {@link #close()} wakes the callers blocked inside and
 * the descriptor is released only when the last of them has left, so a
 * number is never closed, and reused by another open, under a running call.
 * A {@link Cleaner} closes the descriptor of a handle that was never closed.
 *
 * <p>A handle also has one exclusive lane, the I/O lock of a channel whose
 * calls take turns (a pipe end's reads, or its writes): {@link #enterLane()}
 * takes the lane and enters a call in one atomic step, and
 * {@link #leaveLane()} leaves both in one, where a separate lock and
 * acquire/release would cost four atomic operations per call. A thread that
 * finds the lane taken waits its turn, as at an uncontended
 * {@link java.util.concurrent.locks.ReentrantLock}, without reacting to
 * interrupts.
 */
public final class FdHandle {
    private static final Cleaner CLEANER = Cleaner.create();
    /**
     * The descriptors that handles own, until they are closed: a number in
     * here is not free for another handle to take over (see
     * {@link #requireInheritable(int)}). Removed before the close(2), so that
     * a number the kernel hands out again is never still in here.
     */
    private static final Set<Integer> OWNED = ConcurrentHashMap.newKeySet();
    private static final int CLOSED = 1;
    /** A thread holds the lane; that counts as one call in flight too. */
    private static final int LANE = 2;
    /** The thread in {@link #waitForLane()} parks until the lane is left. */
    private static final int QUEUED = 4;
    private static final int ONE_CALL = 8;

    /** How calls blocked on a handle are woken when it closes: jipc_guard.h's strategies. */
    public enum Wake {
        /** Calls blocked on the descriptor: it is pointed at a dead pipe end, then signalled. */
        FD(GuardNative.JIPC_GUARD_FD()),
        /** Waits without a descriptor that a signal interrupts: signalled until they left. */
        SIGNAL(GuardNative.JIPC_GUARD_SIGNAL()),
        /** Waits no signal interrupts: they look at the guard between bounded slices. */
        SLICES(GuardNative.JIPC_GUARD_SLICES());

        final int strategy;

        Wake(int strategy) {
            this.strategy = strategy;
        }
    }

    private final int fd;
    private final long guard;
    /** An O_NONBLOCK twin description, opened on demand for ends that refuse RWF_NOWAIT; -1 if none. */
    private final AtomicInteger twin = new AtomicInteger(-1);
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FdHandle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** (calls in flight << 3) | QUEUED | LANE | CLOSED; a field rather than an AtomicInteger: one object less to touch per call. */
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private final Cleaner.Cleanable closer;
    private final String what;
    /** Lets one thread at a time wait for the lane (see {@link #waitForLane()}); made on first contention. */
    private volatile ReentrantLock laneQueue;
    /** The thread that set QUEUED and parks; written before QUEUED is set. */
    private volatile Thread laneWaiter;
    /** Run once when the handle closes (a readiness set that holds it); guarded by this. */
    private java.util.List<Runnable> closeHooks;

    private FdHandle(Object owner, int fd, long guard, String what) {
        this(owner, fd, guard, what, null);
    }

    private FdHandle(Object owner, int fd, long guard, String what, Runnable onRelease) {
        this.fd = fd;
        this.guard = guard;
        this.what = what;
        if (fd >= 0) {
            OWNED.add(fd);
        }
        this.closer = CLEANER.register(owner, new Closer(fd, guard, twin, onRelease));
    }

    /**
     * Checks a descriptor number given to an {@code inherited(fd)} factory:
     * it must be one that no handle of this process owns yet, since two
     * handles of one number would close it twice, the second time under
     * whatever the kernel gave that number to next.
     *
     * @throws IllegalArgumentException if fd is negative or a handle owns it
     */
    public static void requireInheritable(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0, got " + fd);
        }
        if (fd == GuardNative.jipc_guard_dead_fd()) {
            throw new IllegalArgumentException("fd " + fd + " is jipc's own (the closed pipe end its close guard points"
                    + " descriptors at): no parent handed it down");
        }
        if (OWNED.contains(fd)) {
            throw new IllegalArgumentException("fd " + fd + " belongs to an open jipc handle of this process already:"
                    + " inherited(fd) takes over a descriptor that nothing here owns yet (a number the parent handed"
                    + " down, taken over once); use the handle that holds it, or close that handle first");
        }
    }

    /**
     * Takes ownership of fd for owner; nothing blocks on it for long.
     *
     * @throws NullPointerException if owner is null (fd is closed first)
     */
    public static FdHandle adopt(Object owner, int fd) {
        if (owner == null) {
            CommonNative.jipc_close(fd);
            throw new NullPointerException("owner");
        }
        return new FdHandle(owner, fd, 0, "fd " + fd);
    }

    /**
     * Takes ownership of fd for owner, with a guard that wakes blocked calls
     * as wake says. On failure fd is closed and the cause thrown.
     *
     * @param what describes fd in error messages
     */
    public static FdHandle adoptGuarded(Object owner, int fd, Wake wake, String what) throws IOException {
        long guard = GuardNative.jipc_guard_create(wake.strategy);
        if (guard == 0 || owner == null) {
            if (fd >= 0) {
                CommonNative.jipc_close(fd);
            }
            GuardNative.jipc_guard_free(guard);
            if (owner == null) {
                throw new NullPointerException("owner");
            }
            throw Errors.exception(-Errno.ENOMEM, InternalCall.GUARD, what);
        }
        return new FdHandle(owner, fd, guard, what);
    }

    /**
     * A guard without a descriptor, for waits on memory (semaphores, futexes,
     * mutexes in a region): the same acquire/release/close protocol.
     */
    public static FdHandle guardOnly(Object owner, Wake wake, String what) throws IOException {
        return adoptGuarded(owner, -1, wake, what);
    }

    /**
     * Same, and onRelease runs once the last call has left the closed handle
     * (or the owner became unreachable): it frees what the calls used (a
     * sem_close). It must not refer to owner. If the guard cannot be made,
     * onRelease runs at once and the cause is thrown.
     */
    public static FdHandle guardOnly(Object owner, Wake wake, String what, Runnable onRelease) throws IOException {
        long guard = GuardNative.jipc_guard_create(wake.strategy);
        if (guard == 0) {
            onRelease.run();
            throw Errors.exception(-Errno.ENOMEM, InternalCall.GUARD, what);
        }
        return new FdHandle(java.util.Objects.requireNonNull(owner, "owner"), -1, guard, what, onRelease);
    }

    /** The descriptor. */
    public int fd() {
        return fd;
    }

    /** The address of the guard, 0 for handles without one. */
    public long guard() {
        return guard;
    }

    /**
     * An O_NONBLOCK open file description of the same pipe or FIFO, opened on
     * first use and closed with the handle; the caller holds an acquire.
     */
    public int nonblockingTwin() throws IOException {
        int t = twin.get();
        if (t >= 0) {
            return t;
        }
        int fresh = CommonNative.jipc_reopen_end(fd, 1);
        if (fresh < 0) {
            throw Errors.exception(fresh, InternalCall.REOPEN, what);
        }
        if (!twin.compareAndSet(-1, fresh)) {
            CommonNative.jipc_close(fresh);
        }
        return twin.get();
    }

    /** Enters a call on the descriptor; false if the handle is closed. */
    public boolean acquire() {
        int s = (int) STATE.getAndAdd(this, ONE_CALL);
        if ((s & CLOSED) != 0) {
            release();
            return false;
        }
        return true;
    }

    /** Leaves a call; the last call out of a closed handle releases the descriptor. */
    public void release() {
        releaseIfLast((int) STATE.getAndAdd(this, -ONE_CALL) - ONE_CALL);
    }

    /** Releases the descriptor if state, just left by a call, is closed with no call in flight. */
    private void releaseIfLast(int state) {
        if ((state & ~QUEUED) == CLOSED) {
            closer.clean();
        }
    }

    /**
     * Takes the lane and enters a call, waiting while another thread holds
     * the lane; false, holding nothing, if the handle is (or got) closed. A
     * true return must be paired with {@link #leaveLane()}; the lane is not
     * reentrant.
     */
    public boolean enterLane() {
        int s = state;
        if ((s & (CLOSED | LANE)) == 0 && STATE.compareAndSet(this, s, s + LANE + ONE_CALL)) {
            return true;
        }
        return waitForLane();
    }

    /** Takes the lane and enters a call if both are free now; false, holding nothing, otherwise. */
    public boolean tryEnterLane() {
        int s = state;
        return (s & (CLOSED | LANE)) == 0 && STATE.compareAndSet(this, s, s + LANE + ONE_CALL);
    }

    /** Leaves the lane and the call {@link #enterLane()} entered, waking the next thread waiting for it. */
    public void leaveLane() {
        int s = (int) STATE.getAndAdd(this, -(LANE + ONE_CALL));
        if ((s & QUEUED) != 0) {
            LockSupport.unpark(laneWaiter);
        }
        releaseIfLast(s - LANE - ONE_CALL);
    }

    /** Whether some thread holds the lane now. */
    public boolean laneTaken() {
        return (state & LANE) != 0;
    }

    /**
     * The contended path of {@link #enterLane()}: waiting threads line up on
     * laneQueue, and the first in line sets QUEUED and parks until the
     * holder's {@link #leaveLane()} unparks it.
     */
    private boolean waitForLane() {
        ReentrantLock queue = laneQueue();
        queue.lock();
        boolean interrupted = false;
        try {
            for (;;) {
                int s = state;
                if ((s & CLOSED) != 0) {
                    return false;
                }
                if ((s & LANE) == 0) {
                    if (STATE.compareAndSet(this, s, (s & ~QUEUED) + LANE + ONE_CALL)) {
                        return true;
                    }
                } else if ((s & QUEUED) == 0) {
                    laneWaiter = Thread.currentThread();
                    STATE.compareAndSet(this, s, s | QUEUED); // failed: the state moved, look again
                } else {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            queue.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt(); // the wait does not react to interrupts; the caller may
            }
        }
    }

    private ReentrantLock laneQueue() {
        ReentrantLock q = laneQueue;
        if (q == null) {
            synchronized (this) {
                q = laneQueue;
                if (q == null) {
                    q = new ReentrantLock();
                    laneQueue = q;
                }
            }
        }
        return q;
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /**
     * Runs hook once when the handle closes, after the calls in flight were
     * woken and before the descriptor is released. Returns false, and never
     * runs hook, if the handle is closed already.
     */
    public synchronized boolean onClose(Runnable hook) {
        if (isClosed()) {
            return false;
        }
        if (closeHooks == null) {
            closeHooks = new java.util.ArrayList<>(1);
        }
        closeHooks.add(hook);
        return true;
    }

    /** Forgets a hook given to {@link #onClose}. */
    public synchronized void removeOnClose(Runnable hook) {
        if (closeHooks != null) {
            closeHooks.remove(hook);
        }
    }

    private void runCloseHooks() {
        java.util.List<Runnable> hooks;
        synchronized (this) {
            hooks = closeHooks;
            closeHooks = null;
        }
        if (hooks != null) {
            for (Runnable h : hooks) {
                h.run();
            }
        }
    }

    /** Closes the handle: wakes the calls in flight, releases the descriptor once they left. Idempotent. */
    public void close() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
            // Closing counts as a call of its own, so nothing is freed while it wakes the others.
        } while (!STATE.compareAndSet(this, s, (s | CLOSED) + ONE_CALL));
        if (s >= ONE_CALL && guard != 0) {
            int r = GuardNative.jipc_guard_wake(guard, fd);
            if (r < 0) {
                System.getLogger("io.github.jipc").log(Level.WARNING, WakeSignal.wakeFailure(r, what));
            }
        }
        runCloseHooks();
        release();
    }

    /** Holds only numbers: it must not reach the owner, or the owner would never be collected. */
    private static final class Closer implements Runnable {
        private final int fd;
        private final long guard;
        private final AtomicInteger twin;
        private final Runnable onRelease;

        Closer(int fd, long guard, AtomicInteger twin, Runnable onRelease) {
            this.fd = fd;
            this.guard = guard;
            this.twin = twin;
            this.onRelease = onRelease;
        }

        @Override
        public void run() {
            if (fd >= 0) {
                OWNED.remove(fd);
                CommonNative.jipc_close(fd);
            }
            int t = twin.getAndSet(-1);
            if (t >= 0) {
                CommonNative.jipc_close(t);
            }
            if (guard != 0) {
                GuardNative.jipc_guard_free(guard);
            }
            if (onRelease != null) {
                onRelease.run();
            }
        }
    }
}
