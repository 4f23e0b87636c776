package io.github.jipc.bench.xproc;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounds one run in time: past the timeout it runs the actions registered
 * with {@link #onExpiry} (kill the child, close the parent's ends, satisfy a
 * FIFO open), which makes any blocked call of the run return or fail, and
 * {@link #check()} reports the timeout. {@link #close()} cancels it and runs
 * the actions registered with {@link #onClose}.
 */
final class Watchdog implements AutoCloseable {
    private final String what;
    private final Duration timeout;
    private final List<AutoCloseable> onExpiry = new ArrayList<>();
    private final List<AutoCloseable> onClose = new ArrayList<>();
    private final ScheduledFuture<?> task;
    private boolean expired;

    Watchdog(ScheduledExecutorService timer, Duration timeout, String what) {
        this.what = what;
        this.timeout = timeout;
        this.task = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs action at expiry, or at once if the run expired already (and then reports it). */
    void onExpiry(AutoCloseable action) {
        boolean late;
        synchronized (this) {
            late = expired;
            if (!late) {
                onExpiry.add(action);
            }
        }
        if (late) {
            quietly(action);
            check();
        }
    }

    /**
     * A blocking open(2) of a FIFO waits for the other side, and nothing can
     * wake it; at expiry this opens each FIFO for reading and writing, which
     * satisfies any such open, now or later in the run, and keeps it open
     * until the watchdog is closed.
     */
    void satisfyFifoOpensOnExpiry(Path... fifos) {
        satisfyFifoOpensOnExpiry(() -> true, fifos);
    }

    /**
     * {@link #satisfyFifoOpensOnExpiry(Path...)} while stillOpening says the
     * opens are not done: a bare read of a FIFO whose writer was killed ends
     * only once no writer is left, which one kept here would prevent.
     */
    void satisfyFifoOpensOnExpiry(BooleanSupplier stillOpening, Path... fifos) {
        for (Path fifo : fifos) {
            onExpiry(() -> {
                if (stillOpening.getAsBoolean()) {
                    onClose(FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE));
                }
            });
        }
    }

    /** Runs action when the watchdog is closed, after the run. */
    synchronized void onClose(AutoCloseable action) {
        onClose.add(action);
    }

    /** Throws if the run has timed out. */
    void check() {
        if (expired()) {
            throw new IllegalStateException(what + " did not finish within " + timeout.toSeconds() + " s; its processes were killed");
        }
    }

    synchronized boolean expired() {
        return expired;
    }

    private void expire() {
        List<AutoCloseable> actions;
        synchronized (this) {
            expired = true;
            actions = List.copyOf(onExpiry);
        }
        actions.forEach(Watchdog::quietly);
    }

    @Override
    public void close() {
        task.cancel(false);
        List<AutoCloseable> actions;
        synchronized (this) {
            actions = List.copyOf(onClose);
        }
        actions.forEach(Watchdog::quietly);
    }

    private static void quietly(AutoCloseable action) {
        try {
            action.close();
        } catch (Exception e) {
            // Best effort: the run fails on its own call, or has ended already.
        }
    }
}
