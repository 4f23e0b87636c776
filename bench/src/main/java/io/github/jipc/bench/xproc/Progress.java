package io.github.jipc.bench.xproc;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the run is doing, on stderr: a line per mechanism and workload when
 * its sides are done (their figures, the runs done and the time left), and
 * on a terminal also a status line redrawn in place, once a second and at
 * every run, with a bar, the run under way and how long it has taken.
 */
final class Progress implements AutoCloseable {
    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean live;
    private final int total;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private int done;
    private String current = "";
    private long runStarted;
    private boolean drawn;

    /** live: redraw a status line (a terminal); total: the runs to come. */
    Progress(PrintStream out, boolean live, int total) {
        this.out = out;
        this.live = live;
        this.total = total;
        if (live) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "jipc-bench-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::draw, 1, 1, TimeUnit.SECONDS);
        } else {
            ticker = null;
        }
    }

    /** Whether stderr is most likely a terminal: the JVM has a console (stdin and stdout are one). */
    static boolean terminal(PrintStream out) {
        return out == System.err && System.console() != null;
    }

    synchronized void starting(String what) {
        current = what;
        runStarted = System.nanoTime();
        draw();
    }

    synchronized void finished() {
        done++;
        current = "";
        draw();
    }

    /** A finished mechanism and workload: its figures, then the runs done and the time left. */
    synchronized void line(String figures) {
        clear();
        out.printf("%s   [%d/%d, ~%s left]%n", figures, done, total, seconds(left()));
        draw();
    }

    /** Seconds left at the pace so far. */
    synchronized long left() {
        return done == 0 ? 0 : (System.nanoTime() - started) / done * (total - done) / 1_000_000_000L;
    }

    private synchronized void draw() {
        if (!live) {
            return;
        }
        int filled = total == 0 ? BAR : done * BAR / total;
        StringBuilder s = new StringBuilder("\r[");
        s.append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ").append(done).append('/').append(total)
                .append(" runs, ").append(seconds((System.nanoTime() - started) / 1_000_000_000L)).append(" gone");
        if (done > 0) {
            s.append(", ~").append(seconds(left())).append(" left");
        }
        if (!current.isEmpty()) {
            s.append("  ").append(current).append(" (").append((System.nanoTime() - runStarted) / 1_000_000_000L).append(" s)");
        }
        out.print(s.append("\033[K"));
        out.flush();
        drawn = true;
    }

    private void clear() {
        if (drawn) {
            out.print("\r\033[K");
            drawn = false;
        }
    }

    private static String seconds(long s) {
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        clear();
        out.flush();
    }
}
