package io.github.jipc.it.campaign;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The misuse campaign's {@code main}, run in a JVM of its own so that a crash
 * is seen (by {@code MisuseCampaignTest}) instead of taking the test JVM down:
 *
 * <pre>
 * Campaign &lt;seed&gt; &lt;calls&gt; &lt;threads&gt; &lt;scratch folder&gt;
 * </pre>
 *
 * <p>Each thread draws from {@code new Random(seed + thread)} a facility and a
 * step of it, until the calls made reach the goal; the threads share every
 * handle, so one thread's close races another's use. Prints
 * {@code UNEXPECTED ...} for every call that threw an undocumented exception
 * or hung, {@code RESULT calls= ... unexpected= ... seed=} at the end, and
 * exits 0 only if nothing was unexpected. The thread interleaving is not
 * reproducible, the choices of each thread are: a failing seed, run again,
 * makes the same calls in another order.
 */
public final class Campaign {
    private Campaign() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Campaign <seed> <calls> <threads> <scratch folder>");
            System.exit(2);
        }
        long seed = Long.parseLong(args[0]);
        long goal = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        Path folder = Files.createDirectories(Path.of(args[3]));
        PrintStream out = System.out;
        out.println("START seed=" + seed + " calls=" + goal + " threads=" + threads + " pid=" + ProcessHandle.current().pid());
        out.flush();
        Calls c = new Calls(seed, out);
        Names names = new Names();
        List<Facility> facilities = List.of(new Streams(folder), new Regions(names, folder), new Sync(names, folder),
                new Channels(names, folder));
        AtomicLong steps = new AtomicLong();
        long started = System.nanoTime();
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Random r = new Random(seed + i);
            workers[i] = new Thread(() -> {
                while (c.calls() < goal) {
                    Facility f = facilities.get(r.nextInt(facilities.size()));
                    try {
                        f.step(r, c);
                    } catch (Throwable t) {
                        c.unexpected(f.name() + " step", t);
                    }
                    long n = steps.incrementAndGet();
                    if (n % 100_000 == 0) {
                        synchronized (out) {
                            out.println("PROGRESS calls=" + c.calls() + " after " + (System.nanoTime() - started) / 1_000_000 + " ms");
                            out.flush();
                        }
                    }
                }
            }, "campaign-" + i);
            workers[i].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        for (Facility f : facilities) {
            f.cleanup(c);
        }
        c.call("remove the scratch folder", Calls.OS, () -> Files.deleteIfExists(folder));
        long ms = (System.nanoTime() - started) / 1_000_000;
        out.println("RESULT " + c.summary() + " ms=" + ms);
        out.flush();
        System.exit(c.unexpected() == 0 ? 0 : 3);
    }
}
