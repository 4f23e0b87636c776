package io.github.jipc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jipc.internal.Errno;
import io.github.jipc.internal.Errors;
import io.github.jipc.internal.FdHandle;
import io.github.jipc.internal.jni.SpawnNative;

/**
 * Waits for one child and reaps it (waitid(2) on its pidfd, which takes that
 * child only, never one jipc did not start), then completes {@link #exit}
 * and closes the pidfd. It runs on a small daemon thread from the moment the
 * child starts, whether or not anyone keeps the {@link Subprocess}: a child
 * never stays a zombie after it exited. Threads are reused between children,
 * as the JDK does for {@link Process}.
 */
final class Reaper implements Runnable {
    /** Small stacks: a reaper only sits in poll(2) and waitid(2). */
    private static final long STACK_SIZE = 128 * 1024;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "jipc-reaper-" + count.incrementAndGet(), STACK_SIZE, false);
            t.setDaemon(true);
            return t;
        }
    });

    final long pid;
    /** The pidfd; the reaper is its owner, so a dropped Subprocess does not close it under the wait. */
    final FdHandle pidfd;
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    private Reaper(long pid, int pidfd) {
        this.pid = pid;
        this.pidfd = FdHandle.adopt(this, pidfd);
    }

    /** Starts reaping the child of pidfd. */
    static Reaper start(long pid, int pidfd) {
        Reaper r = new Reaper(pid, pidfd);
        THREADS.execute(r);
        return r;
    }

    @Override
    public void run() {
        int[] st = new int[2];
        int r;
        if (!pidfd.acquire()) {
            exit.completeExceptionally(new IllegalStateException("pidfd of child " + pid + " closed"));
            return;
        }
        try {
            r = SpawnNative.jipc_spawn_wait(pidfd.fd(), -1, st);
        } catch (Throwable t) {
            exit.completeExceptionally(t);
            throw t;
        } finally {
            pidfd.release();
        }
        pidfd.close();
        if (r < 0) {
            exit.completeExceptionally(Errors.exception(r, SpawnCall.WAITID, "child " + pid));
        } else {
            exit.complete(new ExitStatus(st[0] == SpawnNative.JIPC_CHILD_EXITED(), st[1],
                    st[0] == SpawnNative.JIPC_CHILD_DUMPED()));
        }
    }

    /** Whether the child ended (reaped or about to be): never blocks. */
    boolean ended() {
        if (exit.isDone()) {
            return true;
        }
        if (!pidfd.acquire()) {
            return true; // closed only after reaping
        }
        try {
            int r = SpawnNative.jipc_spawn_exited(pidfd.fd());
            return r != 0; // 1, or ECHILD: reaped meanwhile
        } finally {
            pidfd.release();
        }
    }

    /** Sends sig through the pidfd; false if the child was reaped already. */
    int signal(int sig) {
        if (exit.isDone() || !pidfd.acquire()) {
            return 0;
        }
        try {
            int r = SpawnNative.jipc_spawn_signal(pidfd.fd(), sig);
            return r == -Errno.ESRCH ? 0 : r;
        } finally {
            pidfd.release();
        }
    }
}
