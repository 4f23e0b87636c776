package io.github.jipc;

import io.github.jipc.internal.Limits;

/** The huge pages of this machine, from {@code /proc/meminfo}. */
final class HugePages {
    private HugePages() {}

    /** The default huge page size in bytes, 0 if none. */
    static long size() {
        long kib = Limits.meminfo("Hugepagesize");
        return kib > 0 ? kib * 1024 : 0;
    }

    /** How many huge pages are free now, or -1 when unknown. */
    static long free() {
        return Limits.meminfo("HugePages_Free");
    }
}
