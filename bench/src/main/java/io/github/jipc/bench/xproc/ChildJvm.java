package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM of one run, however it was started: its output goes to a log in
 * the scratch folder (removed when the run's watchdog closes, its tail shown
 * when the child fails), the watchdog kills it at expiry, and the parent
 * expects it to end by itself with status 0.
 */
abstract class ChildJvm implements AutoCloseable {
    private final String name;
    private final Path log;
    private final Watchdog watchdog;
    private final Duration timeout;

    /** name: how failures speak of it, before its pid ("child JVM"). */
    ChildJvm(String name, Path log, Watchdog watchdog, Duration timeout) {
        this.name = name;
        this.log = log;
        this.watchdog = watchdog;
        this.timeout = timeout;
    }

    /** A fresh log path in the scratch folder, removed when the watchdog closes. */
    static Path newLog(RunContext context, Watchdog watchdog, String prefix) {
        Path log = context.newPath(prefix, ".log");
        watchdog.onClose(() -> Files.deleteIfExists(log));
        return log;
    }

    /** Has the watchdog run actions at expiry; if the run has expired already, reaps this child and fails. */
    final void onExpiry(AutoCloseable... actions) throws IOException {
        try {
            for (AutoCloseable action : actions) {
                watchdog.onExpiry(action);
            }
        } catch (RuntimeException e) {
            close(); // expired already: reap what the watchdog killed
            throw e;
        }
    }

    abstract long pid();

    /** Waits up to timeout for the child to end; false if it still runs. */
    abstract boolean awaitEnd(Duration timeout) throws IOException, InterruptedException;

    /** Once it has ended: null if it exited with 0, else how it ended. */
    abstract String failure();

    /** Waits for the child to end by itself, and fails unless it exited with 0. */
    final void expectSuccess() throws IOException, InterruptedException {
        boolean ended = awaitEnd(timeout);
        watchdog.check();
        if (!ended) {
            throw new IllegalStateException(name + " " + pid() + " still runs" + RunContext.tail(log));
        }
        String failure = failure();
        if (failure != null) {
            throw new IllegalStateException(name + " " + pid() + " " + failure + RunContext.tail(log));
        }
    }

    /** Kills the child if it still runs, and reaps it. */
    @Override
    public abstract void close() throws IOException;
}
