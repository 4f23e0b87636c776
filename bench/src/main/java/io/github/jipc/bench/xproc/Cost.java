package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the measuring thread spent over a timed part: CPU time (user +
 * system) and voluntary context switches (each one a sleep in the kernel,
 * i.e. a wake-up to pay for). The C side reports the same from
 * getrusage(RUSAGE_THREAD).
 */
record Cost(long cpuNanos, long voluntarySwitches) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path STATUS = Path.of("/proc/thread-self/status");

    /** The current thread's totals so far. */
    static Cost now() {
        return new Cost(THREADS.getCurrentThreadCpuTime(), switches());
    }

    /** The current thread's spending since start. */
    Cost since() {
        Cost end = now();
        return new Cost(end.cpuNanos - cpuNanos, end.voluntarySwitches - voluntarySwitches);
    }

    private static long switches() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not on this system: reported as 0.
        }
        return 0;
    }
}
