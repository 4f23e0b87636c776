package io.github.jipc.bench.xproc;

import java.io.PrintStream;
import java.util.List;

/**
 * Runs the rounds: in each, for each mechanism and workload, every contender
 * once, one after the other (C, jipc, JDK, then the next workload), each run
 * a fresh pair of processes bounded by a watchdog. Load on a shared machine
 * drifts within minutes; runs this close together see the same load, so the
 * ratios are taken within a round.
 */
final class Harness {
    private final RunContext context;
    private final List<Contender> contenders;
    private final PrintStream progress;

    Harness(RunContext context, List<Contender> contenders, PrintStream progress) {
        this.context = context;
        this.contenders = contenders;
        this.progress = progress;
    }

    Results run() throws Exception {
        Settings s = context.settings;
        Results results = new Results();
        for (int round = 1; round <= s.rounds(); round++) {
            for (Mechanism m : s.mechanisms()) {
                for (Workload w : s.workloads()) {
                    StringBuilder line = new StringBuilder(String.format("round %d/%d  %-4s %-22s", round, s.rounds(), m.key, w));
                    for (Contender c : contenders) {
                        if (!c.supports(m)) {
                            continue;
                        }
                        Results.Cell cell = new Results.Cell(m, w, c.key());
                        String what = c.key() + " " + m.key + " " + w;
                        Watchdog dog = context.watchdog(what);
                        try {
                            if (w.kind() == Workload.Kind.ROUND_TRIP) {
                                Latency l = c.roundTrips(m, w.size(), context, dog);
                                results.add(cell, l);
                                line.append(String.format("  %s p50 %.1f us", c.key(), l.p50() / 1e3));
                            } else {
                                Throughput t = c.stream(m, w.size(), context, dog);
                                results.add(cell, t);
                                line.append(String.format("  %s %.0f MB/s", c.key(), t.megabytesPerSecond()));
                            }
                        } catch (Exception e) {
                            String why = dog.expired() ? "timed out after " + s.timeout().toSeconds()
                                    + " s (--timeout-s); its processes were killed" : String.valueOf(e.getMessage());
                            throw new IllegalStateException(what + " (round " + round + ") failed: " + why, e);
                        } finally {
                            dog.close();
                        }
                    }
                    progress.println(line);
                }
            }
        }
        return results;
    }
}
