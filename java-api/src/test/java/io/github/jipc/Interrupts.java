package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Interrupting a thread inside a blocking call: the shape of every "an interrupt closes the handle" test. */
final class Interrupts {
    private Interrupts() {}

    /** A call that blocks until something (here: an interrupt) ends it. */
    @FunctionalInterface
    interface BlockingCall {
        void run() throws Exception;
    }

    /**
     * How the interrupted call ended.
     *
     * @param thrown           what it threw; null if it returned
     * @param stillInterrupted whether its thread's interrupt flag was still set after
     */
    record Outcome(Throwable thrown, boolean stillInterrupted) {}

    /**
     * Runs call in a new thread, interrupts that thread after settleMillis
     * (by then the call waits), and waits at most 10 s for the call to end.
     */
    static Outcome during(BlockingCall call, long settleMillis) throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread t = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
            flag[0] = Thread.currentThread().isInterrupted();
        });
        t.start();
        Thread.sleep(settleMillis);
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive(), "the interrupted call still blocks");
        return new Outcome(thrown[0], flag[0]);
    }
}
