package io.github.jipc.bench.xproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the child process's working thread spent over its part of a run's
 * timed window, as it reported itself at its end (the C child through a
 * shared page, a child JVM through a file; see {@link ChildMeter}): CPU time
 * (user + system), voluntary context switches, and the messages it echoed or
 * sent meanwhile.
 */
record ChildCost(long cpuNanos, long voluntarySwitches, long messages) {
    /** CPU time per message in µs, or NaN if it handled none in the window. */
    double cpuMicrosPerMessage() {
        return messages == 0 ? Double.NaN : cpuNanos / 1e3 / messages;
    }

    double sleepsPerMessage() {
        return messages == 0 ? Double.NaN : (double) voluntarySwitches / messages;
    }

    /** The line a child JVM writes, as {@link #parse} reads it. */
    String line() {
        return "cpu_ns=" + cpuNanos + " vcsw=" + voluntarySwitches + " messages=" + messages;
    }

    /** From key=value pairs: cpu_ns, vcsw, messages, each with the prefix (the C program's "child_"). */
    static ChildCost of(Map<String, String> fields, String prefix) {
        String cpu = fields.get(prefix + "cpu_ns");
        if (cpu == null) {
            throw new IllegalStateException("the child reported no costs (it never reached its timed part)");
        }
        return new ChildCost(Long.parseLong(cpu), Long.parseLong(fields.get(prefix + "vcsw")),
                Long.parseLong(fields.get(prefix + "messages")));
    }

    /** Reads what a child JVM wrote into file. */
    static ChildCost read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalStateException("the child reported no costs (it never reached its timed part)");
        }
        return of(fields(Files.readString(file).trim()), "");
    }

    static Map<String, String> fields(String line) {
        Map<String, String> out = new HashMap<>();
        for (String field : line.split(" ")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                out.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        return out;
    }
}
