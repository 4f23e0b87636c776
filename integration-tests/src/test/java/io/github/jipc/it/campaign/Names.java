package io.github.jipc.it.campaign;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names for named objects: good ones, unique to this run and remembered for
 * cleanup, and bad ones (empty, too long, a '/' inside, a NUL, a lone
 * surrogate that UTF-8 cannot encode, "." and "..").
 */
final class Names {
    private static final String PREFIX = "jipc-campaign-" + ProcessHandle.current().pid() + "-";
    private static final String[] BAD = { "", "/", "a/b", "/a/b", "nul\0inside", "lone\uD800surrogate", ".", "..",
            "/.", "/..", "x".repeat(256), "/" + "y".repeat(300), "\uDFFF" };
    private final AtomicInteger next = new AtomicInteger();
    private final Set<String> used = ConcurrentHashMap.newKeySet();

    /** A fresh good name, "/jipc-campaign-<pid>-<n>", or one used before (to open or clash). */
    String good(Random r) {
        if (!used.isEmpty() && r.nextInt(3) == 0) {
            int n = r.nextInt(next.get());
            return "/" + PREFIX + n;
        }
        String name = "/" + PREFIX + next.getAndIncrement();
        used.add(name);
        return name;
    }

    static String bad(Random r) {
        return BAD[r.nextInt(BAD.length)];
    }

    /** Every good name handed out, for cleanup. */
    Set<String> used() {
        return used;
    }
}
