package io.github.jipc.it.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The campaign's accounting: every public API call goes through {@link #call},
 * which counts it and checks that what it threw is on the call's allowed list;
 * {@link #race} runs a blocking call on its own thread and closes (or
 * interrupts) what it waits on from this one, and reports a call that has not
 * ended within {@link #HANG_SECONDS} as a hang. Anything else is printed with
 * the run's seed as an {@code UNEXPECTED} line.
 */
final class Calls {
    static final long HANG_SECONDS = 10;

    /** What a call may throw: documented exception types. */
    record Allowed(List<Class<?>> types) {
        static Allowed of(Class<?>... types) {
            return new Allowed(List.of(types));
        }

        Allowed and(Allowed more) {
            List<Class<?>> all = new java.util.ArrayList<>(types);
            all.addAll(more.types);
            return new Allowed(List.copyOf(all));
        }

        boolean allows(Throwable t) {
            for (Class<?> c : types) {
                if (c.isInstance(t)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Bounds and state checks of memory accesses: never an OS error. */
    static final Allowed REGION = Allowed.of(IndexOutOfBoundsException.class, IllegalStateException.class,
            IllegalArgumentException.class, ReadOnlyBufferException.class);
    /** A stale ByteBuffer view: only the buffer's own bounds and read-only checks. */
    static final Allowed VIEW = Allowed.of(IndexOutOfBoundsException.class, ReadOnlyBufferException.class,
            java.nio.BufferUnderflowException.class, java.nio.BufferOverflowException.class);
    /** An OS call: its documented IOExceptions (closed, asynchronously closed, errno) and argument checks. */
    static final Allowed OS = Allowed.of(IOException.class, IllegalArgumentException.class,
            IndexOutOfBoundsException.class, NonReadableChannelException.class, NonWritableChannelException.class);
    /** A call on a handle that may be closed: OS plus the IllegalStateException of a closed region. */
    static final Allowed OS_OR_CLOSED_REGION = OS.and(Allowed.of(IllegalStateException.class));
    /** Only a caller mistake: the argument checks. */
    static final Allowed ARGUMENT = Allowed.of(IllegalArgumentException.class, IndexOutOfBoundsException.class);
    /** A null argument. */
    static final Allowed NULL = Allowed.of(NullPointerException.class);
    /** close(): never throws, whatever state the handle is in (IOException where the signature has it). */
    static final Allowed CLOSE = Allowed.of(IOException.class);
    /** A blocked call ended by a close or an interrupt, or refused because the handle was already closed. */
    static final Allowed BLOCKED = Allowed.of(AsynchronousCloseException.class, ClosedChannelException.class,
            IllegalStateException.class);

    interface Body {
        void run() throws Exception;
    }

    private final long seed;
    private final PrintStream out;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong races = new AtomicLong();
    private final AtomicLong woken = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();

    Calls(long seed, PrintStream out) {
        this.seed = seed;
        this.out = out;
    }

    long calls() {
        return calls.get();
    }

    long unexpected() {
        return unexpected.get();
    }

    String summary() {
        return "calls=" + calls + " failed-as-documented=" + failed + " races=" + races + " woken=" + woken
                + " unexpected=" + unexpected + " seed=" + seed;
    }

    /** Runs body as the call named what; true if it returned normally. */
    boolean call(String what, Allowed allowed, Body body) {
        calls.incrementAndGet();
        try {
            body.run();
            return true;
        } catch (Throwable t) {
            if (allowed.allows(t)) {
                failed.incrementAndGet();
                if (t instanceof AsynchronousCloseException) {
                    woken.incrementAndGet();
                }
            } else {
                unexpected(what, t);
            }
            return false;
        }
    }

    /**
     * Starts blocking on a thread of its own, waits 0 to 2 ms, then runs
     * closer (a close or an interrupt) here; the blocking call must end within
     * {@link #HANG_SECONDS} with a result or one of its allowed exceptions.
     */
    void race(Random r, String what, Allowed allowed, Body blocking, Body closer) {
        races.incrementAndGet();
        Thread t = new Thread(() -> call(what, allowed, blocking), "campaign-blocked " + what);
        t.setDaemon(true);
        t.start();
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(r.nextInt(2000)));
        if (r.nextInt(8) == 0) {
            t.interrupt();
        }
        call(what + " closer", CLOSE.and(BLOCKED), closer);
        try {
            t.join(TimeUnit.SECONDS.toMillis(HANG_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (t.isAlive()) {
            Throwable where = new Throwable("still blocked after " + HANG_SECONDS + " s");
            where.setStackTrace(t.getStackTrace());
            unexpected(what + " (hang: a close did not wake it)", where);
            t.interrupt();
        }
    }

    void unexpected(String what, Throwable t) {
        unexpected.incrementAndGet();
        synchronized (out) {
            out.println("UNEXPECTED seed=" + seed + " thread=" + Thread.currentThread().getName() + " call=" + what
                    + " threw " + t);
            t.printStackTrace(out);
            out.flush();
        }
    }
}
