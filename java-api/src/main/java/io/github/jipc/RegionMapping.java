package io.github.jipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.internal.Errors;
import io.github.jipc.internal.jni.MmapNative;

/**
 * The lifetime of a {@link SharedRegion}'s mapping: the actions and waiters
 * its close runs and wakes, the native calls on its memory the unmap waits
 * for, the robust mutexes that pin its addresses, and their release once
 * nothing refers to them. The region keeps its closed flag (read by every
 * access); this class sets it through {@link SharedRegion#markClosed()}.
 */
final class RegionMapping {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final VarHandle NATIVE_STATE;
    /** In NATIVE_STATE: the region is closed; the rest counts native calls in flight, two by two. */
    private static final int UNMAPPING = 1;
    private static final int ONE_CALL = 2;

    static {
        try {
            NATIVE_STATE = MethodHandles.lookup().findVarHandle(RegionMapping.class, "nativeState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long base;
    private final long mapLength;
    private final boolean syncable;
    private final String description;
    /** Run by close() before the mapping goes; guarded by itself, as is the region's closed flag's write. */
    private final List<Runnable> closeActions = new ArrayList<>();
    /** (native calls in flight &lt;&lt; 1) | UNMAPPING: the unmap waits for the last native call to leave. */
    @SuppressWarnings("unused") // through NATIVE_STATE
    private volatile int nativeState;
    /** Objects in the region with threads that may wait in native code: closed (woken) before the unmap. */
    private final Set<AutoCloseable> waiters = ConcurrentHashMap.newKeySet();
    /**
     * The threads of this process that locked robust mutexes of the region,
     * each with how many it holds, counted while the lock or unlock call is
     * still inside the region (a thread's own count, made on its first lock:
     * locks and unlocks allocate nothing): the C library links a held robust mutex into
     * its thread's robust list through the mutex's own bytes, writes into them
     * when the thread locks or unlocks another robust mutex, and the kernel
     * marks it owner-died through them when the thread ends. While a live
     * thread holds one, the shared mapping is neither replaced nor freed (see
     * {@link #leaveNative()}), so those writes land in the shared memory, never
     * on an unmapped page or a private copy. A thread that ended holding one
     * was seen by the kernel already, and keeps nothing.
     */
    private final Map<Thread, AtomicInteger> holders = new ConcurrentHashMap<>();

    /** [base, base + mapLength) is the mapping; root, the buffer every view refers to, frees it when unreachable. */
    RegionMapping(long base, long mapLength, boolean syncable, String description, ByteBuffer root) {
        this.base = base;
        this.mapLength = mapLength;
        this.syncable = syncable;
        this.description = description;
        CLEANER.register(root, new Unmapper(base, mapLength, holders));
    }

    /** msync(2) of the whole mapping, MS_SYNC when wait, else MS_ASYNC; the region checked open by the caller. */
    void sync(boolean wait) throws IOException {
        if (!syncable) {
            throw new IllegalStateException(description + " is not a shared mapping of a file");
        }
        int r = MmapNative.jipc_msync(base, mapLength, wait ? 1 : 0);
        if (r < 0) {
            throw Errors.exception(r, ShmCall.MSYNC, description);
        }
    }

    /** {@link SharedRegion#onClose(Runnable)}. */
    void onClose(SharedRegion region, Runnable action) {
        synchronized (closeActions) {
            region.ensureOpen();
            closeActions.add(action);
        }
    }

    /** {@link SharedRegion#close()}: the actions, then the waiters woken, then the unmap once no native call is in. */
    void close(SharedRegion region) {
        List<Runnable> actions;
        synchronized (closeActions) {
            if (!region.markClosed()) {
                return;
            }
            actions = List.copyOf(closeActions);
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.getLogger("io.github.jipc").log(System.Logger.Level.WARNING,
                        "an action run when " + description + " closed failed", e);
            }
        }
        NATIVE_STATE.getAndAdd(this, UNMAPPING + ONE_CALL); // closing counts as a call until the waiters are woken
        for (AutoCloseable w : waiters) {
            try {
                w.close();
            } catch (Exception e) {
                System.getLogger("io.github.jipc").log(System.Logger.Level.WARNING, "closing " + w + ": " + e);
            }
        }
        leaveNative();
    }

    /** Enters a native call on the memory: false if closed. The mapping stays until {@link #leaveNative()}. */
    boolean enterNative() {
        int s = (int) NATIVE_STATE.getAndAdd(this, ONE_CALL);
        if ((s & UNMAPPING) != 0) {
            leaveNative();
            return false;
        }
        return true;
    }

    /**
     * Leaves a native call; the last one out of a closed region unmaps it,
     * unless a thread of this process holds a robust mutex in it: then the
     * shared mapping stays, for the life of the process. The kernel marks a
     * held robust mutex owner-died, for the other processes, through the
     * addresses of its thread's robust list when the thread ends; replaced by
     * the private placeholder, the mark would land there and the mutex stay
     * locked in the shared memory for good.
     */
    void leaveNative() {
        if ((int) NATIVE_STATE.getAndAdd(this, -ONE_CALL) - ONE_CALL == UNMAPPING) {
            if (heldByLiveThread(holders)) {
                System.getLogger("io.github.jipc").log(System.Logger.Level.WARNING, description + " was closed while"
                        + " a thread of this process holds a robust mutex in it: the mapping stays, so that other"
                        + " processes are told the owner died (OwnerDiedException, EOWNERDEAD) once that thread ends;"
                        + " unlock before closing");
                return;
            }
            // If even the replacement fails (no memory for it), the mapping stays until the region is unreachable.
            MmapNative.jipc_unmap_safe(base, mapLength);
        }
    }

    /** Registers an object whose waiting threads close wakes (by closing it) before the unmap. */
    void addWaiter(SharedRegion region, AutoCloseable w) {
        waiters.add(w);
        if (!region.isOpen()) {
            waiters.remove(w);
            throw new IllegalStateException(description + " is closed");
        }
    }

    void removeWaiter(AutoCloseable w) {
        waiters.remove(w);
    }

    /** Whether a live thread of this process holds a robust mutex of the region. */
    private static boolean heldByLiveThread(Map<Thread, AtomicInteger> holders) {
        for (Map.Entry<Thread, AtomicInteger> e : holders.entrySet()) {
            if (e.getValue().get() > 0 && e.getKey().isAlive()) {
                return true;
            }
        }
        return false;
    }

    void mutexLocked() {
        holders.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
    }

    void mutexUnlocked() {
        AtomicInteger held = holders.get(Thread.currentThread());
        if (held != null) {
            held.decrementAndGet();
        }
    }

    /**
     * Frees the addresses (placeholder or, for a region never closed or
     * closed while a mutex was held, the mapping), unless a robust mutex in
     * them is still held by a live thread of this process: then they stay for
     * the life of the process. Holds only numbers and the holders.
     */
    private static final class Unmapper implements Runnable {
        private final long base;
        private final long length;
        private final Map<Thread, AtomicInteger> holders;

        Unmapper(long base, long length, Map<Thread, AtomicInteger> holders) {
            this.base = base;
            this.length = length;
            this.holders = holders;
        }

        @Override
        public void run() {
            if (!heldByLiveThread(holders)) {
                MmapNative.jipc_munmap(base, length);
            }
        }
    }
}
